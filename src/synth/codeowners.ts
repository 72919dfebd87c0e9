/**
 * `CODEOWNERS` of a platform with teams: one file that GitHub and GitLab both read, at the root of
 * the GitOps repository. It uses only what both parse alike: `#` comments and entries of an
 * anchored path and owners, no GitLab sections (`[Section]` is a character range GitHub refuses).
 * On both, the last entry that matches a file names its owners, and each changed file needs the
 * approval of one of them.
 *
 * - Everything not named below (ApplicationSets, AppProjects, bootstraps, Flux's entry points,
 *   the release model of the platform): the platform team.
 * - Files every write updates (`STATUS.md`, the manifest): anyone who approves a change: every
 *   team. The other files of the change decide who must approve it.
 * - A team's services: their directories outside production environments, their ledgers, their
 *   manifest shards and release model files. Production directories stay the platform team's: a
 *   promotion into production needs the team (its ledger) and the platform team (its values).
 *
 * @module
 */
import type { PlatformModel, TeamModel } from '../model/platform-model';
import { MANIFEST_PATH, manifestShardPath } from './manifest';
import { serviceModelPath } from './release-model';
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
    `# Everything the services share, and production: team ${platformTeam.name}.`,
    line('*', platformTeam.codeOwners),
    '',
    '# What every write updates: any team.',
    line(`/${STATUS_PATH}`, everyone),
    line(`/${MANIFEST_PATH}`, everyone),
  ];
  const production = new Set(model.environments.filter((e) => e.production === true).map((e) => e.name));
  for (const team of teams) {
    const services = model.services.filter((s) => s.team === team.name);
    if (services.length === 0) continue;
    out.push('', `# Team ${team.name}: its services outside production, their ledgers and records.`);
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
  return [
    ...environments
      .filter((e) => !production.has(e))
      .map((e) => line(`/${model.layout.environments}/${e}/*/*/${service}/`, team.codeOwners)),
    line(`/${model.layout.releases}/${service}.yaml`, team.codeOwners),
    line(`/${manifestShardPath(service)}`, team.codeOwners),
    line(`/${serviceModelPath(service)}`, team.codeOwners),
  ];
}
