/**
 * `--service`, `--env`, `--ring` and `--team`: the part of the platform a command shows
 * (`status`, `plan`, `preview`). Each name is checked against the model, with the closest names
 * for a typo; several filters narrow together.
 */
import { didYouMean } from '../core/suggest';
import { someNames } from '../core/name-list';
import type { PlatformModel, TargetModel } from '../model/platform-model';
import { usageError } from './command';

/** The filter options in a command's help. */
export const FILTER_HELP = `  --service S    only service S
  --env E        only environment E
  --ring R       only ring R
  --team T       only the services of team T (a platform with teams)`;

/** What a command was asked to show; each field unset shows everything. */
export interface TargetFilter {
  readonly service?: string;
  readonly env?: string;
  readonly ring?: string;
  readonly team?: string;
}

/**
 * The filter of the options `values`, each name checked against `model`: a usage error (CG301)
 * for a name it does not declare, with the closest ones.
 */
export function targetFilter(command: string, model: PlatformModel, values: Partial<Record<keyof TargetFilter, string>>): TargetFilter {
  const known: Record<keyof TargetFilter, string[]> = {
    service: model.services.map((s) => s.name),
    env: model.environments.map((e) => e.name),
    ring: model.rings.map((r) => r.name),
    team: (model.teams ?? []).map((t) => t.name),
  };
  const what = { service: 'service', env: 'environment', ring: 'ring', team: 'team' } as const;
  const filter: Record<string, string> = {};
  for (const key of ['service', 'env', 'ring', 'team'] as const) {
    const name = values[key];
    if (name === undefined) continue;
    if (name.trim() === '') {
      throw usageError(command, `--${key} was given an empty name.`, `Name a ${what[key]}, or leave --${key} out.`);
    }
    if (!known[key].includes(name)) {
      throw usageError(
        command,
        known[key].length === 0
          ? `--${key} ${name}: the program declares no ${what[key]}s.`
          : `knows no ${what[key]} "${name}".${didYouMean(name, known[key])}`,
        known[key].length === 0 ? `Leave --${key} out.` : `Name one of: ${someNames(known[key])}.`,
      );
    }
    filter[key] = name;
  }
  return filter;
}

/** Whether the filter shows everything. */
export function isEmptyFilter(filter: TargetFilter): boolean {
  return Object.keys(filter).length === 0;
}

/** Whether the filter selects target `t` of `model`. */
export function selectsTarget(
  filter: TargetFilter,
  model: PlatformModel,
  t: Pick<TargetModel, 'service' | 'environment' | 'ring'>,
): boolean {
  if (filter.service !== undefined && t.service !== filter.service) return false;
  if (filter.env !== undefined && t.environment !== filter.env) return false;
  if (filter.ring !== undefined && t.ring !== filter.ring) return false;
  if (filter.team !== undefined && model.services.find((s) => s.name === t.service)?.team !== filter.team) return false;
  return true;
}

/** The filter as the options that make it, e.g. `--service orders-api --env prod`. */
export function describeFilter(filter: TargetFilter): string {
  return (['service', 'env', 'ring', 'team'] as const)
    .filter((k) => filter[k] !== undefined)
    .map((k) => `--${k} ${filter[k]}`)
    .join(' ');
}
