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
 * `plan` without the changes outside what `filter` selects. Shared files (ApplicationSets,
 * AppProjects, the manifest) belong to no target and are left out too, and counted; so is an
 * Application deleted with its target when the filter names a ring (its labels do not say which).
 */
export function filterPlan(plan: Plan, model: PlatformModel, filter: TargetFilter): FilteredPlan {
  const targets = model.targets.filter((t) => selectsTarget(filter, model, t));
  const dirs = targets.map((t) => `${targetDirectory(model, t)}/`);
  const services = new Set(targets.map((t) => t.service));
  const ledgers = new Set([...services].map((s) => ledgerFilePath(model, s)));
  const applications = new Set(targets.map(applicationName));
  const files = plan.files.filter((f) => ledgers.has(f.path) || dirs.some((d) => f.path.startsWith(d)));
  // A deleted Application's target is gone from the program: its labels say whose it was.
  const deletedOf = (labels: Readonly<Record<string, string>>): boolean =>
    filter.ring === undefined &&
    labels.service !== undefined &&
    labels.environment !== undefined &&
    selectsTarget(filter, model, { service: labels.service, environment: labels.environment, ring: '' });
  const apps = plan.applications.filter(
    (a) => applications.has(a.name) || (a.change === 'delete' && a.labels !== undefined && deletedOf(a.labels)),
  );
  return {
    plan: { ...plan, files, applications: apps },
    otherFiles: plan.files.length - files.length,
    otherApplications: plan.applications.length - apps.length,
  };
}
