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
 * production. A team owns its services' directories outside production and their ledgers, and the
 * shards of its services that never run in production. `STATUS.md`, made from the ledgers by
 * every write, is any team's.
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
    for (const s of services) out.push(...serviceLines(model, s.name, production, team, line));
  }
  return `${out.join('\n')}\n`;
}

/** The entries of one service owned by `team`. */
function serviceLines(
  model: PlatformModel,
  service: string,
  production: ReadonlySet<string>,
  team: TeamModel,
  line: (path: string, owners: readonly string[]) => string,
): string[] {
  const environments = [...new Set(model.targets.filter((t) => t.service === service).map((t) => t.environment))];
  const inProduction = environments.some((e) => production.has(e));
  return [
    ...environments
      .filter((e) => !production.has(e))
      .map((e) => line(`/${model.layout.environments}/${e}/*/*/${service}/`, team.codeOwners)),
    line(`/${model.layout.releases}/${service}.yaml`, team.codeOwners),
    ...(inProduction ? [] : [line(`/${manifestShardPath(service)}`, team.codeOwners)]),
  ];
}
