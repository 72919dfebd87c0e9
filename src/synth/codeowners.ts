/**
 * `CODEOWNERS` of a platform with teams: one file that GitHub and GitLab both read, at the root of
 * the GitOps repository. It uses only what both parse alike: `#` comments and entries of an
 * anchored path and owners, no GitLab sections (`[Section]` is a character range GitHub refuses).
 * On both, the last entry that matches a file names its owners, and each changed file needs the
 * approval of one of them.
 *
 * No team's approval alone changes production. The platform team owns everything not named
 * below: what the services share (ApplicationSets, AppProjects, bootstraps, Flux's entry points),
 * production environments, the manifest, the release model (what the program decided, which
 * commands without the program act on), and the manifest shard of every service that runs in
 * production, or whose releases pass through a ring with production targets. A team owns its
 * services' directories outside production (but their namespace baselines, the platform's fence)
 * and their ledgers, and the other shards. `STATUS.md`, made from the ledgers by every write, is
 * any team's.
 *
 * A promotion changes a service's ledger and its shard (which records the ledger's hash): for a
 * service in production it needs the team and the platform team. A ledger changed without its
 * shard is a hand edit, whose production entries `synth` and `publish` refuse.
 *
 * @module
 */
import type { PlatformModel, TeamModel } from '../model/platform-model';
import { manifestShardPath } from './manifest';
import { CODEOWNERS_PATH, STATUS_PATH } from './file-tree';
import { objectFileName } from '../model/placement';
import { BASELINE_DIRECTORY } from './sources/helm';

export { CODEOWNERS_PATH };

/** The text of `CODEOWNERS` for `model`, whose `teams` are declared. */
export function codeOwnersText(model: PlatformModel): string {
  const teams = model.teams ?? [];
  const platformTeam = teams.find((t) => t.platform === true) ?? teams[0]!;
  const everyone = [...new Set(teams.flatMap((t) => t.codeOwners))];
  const line = (path: string, owners: readonly string[]): string => `${path} ${owners.join(' ')}`;
  const out = [
    '# Written by cdk8s-gitops from the platform program: change the teams there, not here.',
    '# The last entry that matches a file names its owners; each changed file needs the approval of one of them.',
    '',
    `# What the services share, production, the release model and the records of services in production: team ${platformTeam.name}.`,
    line('*', platformTeam.codeOwners),
    '',
    '# Made from the ledgers by every write: any team.',
    line(`/${STATUS_PATH}`, everyone),
  ];
  const production = new Set(model.environments.filter((e) => e.production === true).map((e) => e.name));
  for (const team of teams) {
    const services = model.services.filter((s) => s.team === team.name);
    if (services.length === 0) continue;
    out.push('', `# Team ${team.name}: its services outside production, their ledgers, and the records of those never in production.`);
    for (const s of services) out.push(...serviceLines(model, s.name, production, team, platformTeam, line));
  }
  return `${out.join('\n')}\n`;
}

/**
 * The entries of one service owned by `team`, and after them (the last match wins) the platform
 * team's files inside its directories: the namespace baseline, the platform's fence around the
 * team's namespace.
 */
function serviceLines(
  model: PlatformModel,
  service: string,
  production: ReadonlySet<string>,
  team: TeamModel,
  platformTeam: TeamModel,
  line: (path: string, owners: readonly string[]) => string,
): string[] {
  const targets = model.targets.filter((t) => t.service === service);
  const environments = [...new Set(targets.map((t) => t.environment))];
  const dirs = environments.filter((e) => !production.has(e));
  const rendered = model.services.find((s) => s.name === service)?.source.kind === 'rendered';
  const baselines = dirs.flatMap((e) => {
    const baseline = targets.find((t) => t.environment === e)?.baseline ?? [];
    if (baseline.length === 0) return [];
    const dir = `/${model.layout.environments}/${e}/*/*/${service}`;
    // A rendered target holds its baseline's objects beside its own; the others, in a directory of its own.
    return rendered ? baseline.map((o) => `${dir}/${objectFileName(o)}`) : [`${dir}/${BASELINE_DIRECTORY}/`];
  });
  return [
    ...dirs.map((e) => line(`/${model.layout.environments}/${e}/*/*/${service}/`, team.codeOwners)),
    line(`/${model.layout.releases}/${service}.yaml`, team.codeOwners),
    ...(passesThroughProduction(model, service) ? [] : [line(`/${manifestShardPath(service)}`, team.codeOwners)]),
    ...baselines.map((b) => line(b, platformTeam.codeOwners)),
  ];
}

/**
 * Whether a release of `service` reaches, or passes through, a ring that selects production's
 * clusters: it runs in such a ring, or in a ring after one. Its shard, which a promotion changes
 * with the ledger, is then the platform team's.
 */
export function passesThroughProduction(model: PlatformModel, service: string): boolean {
  const order = model.rings.map((r) => r.name);
  const firstProduction = model.rings.findIndex((r) => r.production === true);
  if (firstProduction < 0) return false;
  return model.targets.some((t) => t.service === service && order.indexOf(t.ring) >= firstProduction);
}
