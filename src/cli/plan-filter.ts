/**
 * The part of a plan a filter (`plan --service/--env/--ring/--team`) selects: the files in its
 * targets' directories and the ledgers of their services, and their Applications.
 */
import { applicationName, targetDirectory } from '../model/placement';
import type { PlatformModel } from '../model/platform-model';
import { ledgerFilePath } from '../release/ledger-files';
import type { Plan } from '../workspace/plan';
import { selectsTarget, TargetFilter } from './filters';

/** A plan narrowed to a filter, and how many changes it leaves out. */
export interface FilteredPlan {
  readonly plan: Plan;
  /** File changes not shown. */
  readonly otherFiles: number;
  /** Application changes not shown. */
  readonly otherApplications: number;
}

/**
 * `plan` without the changes outside what `filter` selects, but for deletions: every file and
 * Application the write deletes is shown, whatever the filter (what the program no longer
 * declares selects nothing, and a reviewer must see all a write takes away). Shared files
 * (ApplicationSets, AppProjects, the manifest) belong to no target: left out, and counted.
 */
export function filterPlan(plan: Plan, model: PlatformModel, filter: TargetFilter): FilteredPlan {
  const targets = model.targets.filter((t) => selectsTarget(filter, model, t));
  const dirs = targets.map((t) => `${targetDirectory(model, t)}/`);
  const services = new Set(targets.map((t) => t.service));
  const ledgers = new Set([...services].map((s) => ledgerFilePath(model, s)));
  const applications = new Set(targets.map(applicationName));
  const files = plan.files.filter((f) => f.change === 'delete' || ledgers.has(f.path) || dirs.some((d) => f.path.startsWith(d)));
  const apps = plan.applications.filter((a) => a.change === 'delete' || applications.has(a.name));
  return {
    plan: { ...plan, files, applications: apps },
    otherFiles: plan.files.length - files.length,
    otherApplications: plan.applications.length - apps.length,
  };
}
