/**
 * Teams in the model: the AppProject each team has in each environment where it runs services,
 * and who owns what.
 *
 * @module
 */
import type { PlatformModel, ServiceModel } from './platform-model';
import { addonProjectName } from './source-kinds';

/** The AppProject of team `team` in environment `env`. */
export function teamProjectName(env: string, team: string): string {
  return `${env}-team-${team}`;
}

/**
 * The team whose AppProject holds the Applications of `service`: its team, unless it is a cluster
 * add-on, whose Applications keep an AppProject of their own.
 */
export function projectTeamOf(service: ServiceModel): string | undefined {
  return service.addon === undefined ? service.team : undefined;
}

/** The teams with Applications in environment `env` (add-ons aside), in the program's order of teams. */
export function teamsIn(model: PlatformModel, env: string): string[] {
  if (model.teams === undefined) return [];
  const services = new Map(model.services.map((s) => [s.name, s]));
  const present = new Set<string>();
  for (const t of model.targets) {
    if (t.environment !== env) continue;
    const team = projectTeamOf(services.get(t.service)!);
    if (team !== undefined) present.add(team);
  }
  return model.teams.map((t) => t.name).filter((n) => present.has(n));
}

/** The AppProject of the Applications of `service` in environment `env`: its add-on's, its team's, else the environment's. */
export function applicationProject(env: string, service: ServiceModel): string {
  if (service.addon !== undefined) return addonProjectName(env, service.name);
  return service.team === undefined ? env : teamProjectName(env, service.team);
}

/**
 * Whether `ring` takes the chart (or Kustomize base) of `service` from Git only by its commit
 * SHA: in a platform with teams, what a team other than the platform team runs in a production
 * ring, since a branch or a tag of another repository moves without the GitOps repository's
 * CODEOWNERS.
 */
export function teamReadsChartByCommit(model: PlatformModel, service: ServiceModel, ring: string): boolean {
  const platformTeam = model.teams?.find((t) => t.platform === true)?.name;
  if (platformTeam === undefined || service.team === undefined || service.team === platformTeam) return false;
  return model.rings.some((r) => r.name === ring && r.production === true);
}
