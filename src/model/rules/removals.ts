/** Declared removals (`platform.removed(...)`) of what the program still declares. */
import { Problem, problem } from '../../core/errors';
import { globMatches } from '../../core/glob';
import { applicationName } from '../placement';
import { PlatformModel } from '../platform-model';

/** Removals of something the program still declares (CG143). */
export function problemsOfRemovals(model: PlatformModel): Problem[] {
  const declared: Record<string, Set<string>> = {
    service: new Set(model.services.map((s) => s.name)),
    environment: new Set(model.environments.map((e) => e.name)),
    cluster: new Set(model.clusters.map((c) => c.id)),
    ring: new Set(model.rings.map((r) => r.name)),
  };
  const applications = model.targets.map(applicationName);
  const problems: Problem[] = [];
  for (const r of model.removals ?? []) {
    if (r.kind === 'application') {
      const still = applications.filter((a) => globMatches(r.name, a));
      if (still.length === 0) continue;
      problems.push(
        problem('CG143', {
          constructPath: model.path,
          message:
            `Removal.application(${JSON.stringify(r.name)}) matches ${still.length === 1 ? 'an Application' : `${still.length} Applications`} the program still declares: ` +
            `${still.slice(0, 10).join(', ')}${still.length > 10 ? ', …' : ''}.`,
          fix: `Name only Applications the program no longer makes (a narrower pattern), or drop Removal.application(${JSON.stringify(r.name)}).`,
        }),
      );
      continue;
    }
    if (!declared[r.kind]?.has(r.name)) continue;
    problems.push(
      problem('CG143', {
        constructPath: model.path,
        message: `Removal.${r.kind}(${JSON.stringify(r.name)}) removes ${r.kind === 'environment' ? 'an' : 'a'} ${r.kind} the program still declares.`,
        fix: `Remove the ${r.kind} from the program, or drop Removal.${r.kind}(${JSON.stringify(r.name)}) if it stays.`,
      }),
    );
  }
  return problems;
}
