/**
 * What a team runs in production reads its chart in Git by commit, as recorded in the ledgers
 * too: the program's `targetRevision` is held to it when the program is synthesized (CG152), and
 * a promotion when it is made (CG608); this holds the releases already recorded to it, for a tag
 * promoted while the service was still the platform team's, or before its environment was
 * declared production.
 *
 * @module
 */
import { problem, Problem } from '../core/errors';
import type { PlatformModel } from '../model/platform-model';
import { promotedSourceOf } from '../model/source-kinds';
import { teamReadsChartByCommit } from '../model/teams';
import { isCommitSha } from '../model/versions';
import type { Ledger } from './types';

/** A service whose chart in Git production reads by commit only, and the production rings it runs in. */
export interface CommitPinnedService {
  readonly service: string;
  readonly team: string;
  readonly rings: readonly string[];
}

/**
 * The services of teams other than the platform team that promote their chart (or Kustomize
 * base) in Git with their image, each with the production rings it runs in: those whose
 * ledger entries must name a commit. Empty for a platform without teams.
 */
export function commitPinnedServices(model: PlatformModel): CommitPinnedService[] {
  if (model.teams === undefined) return [];
  const out: CommitPinnedService[] = [];
  for (const s of model.services) {
    if (promotedSourceOf(s)?.inGit !== true) continue;
    const rings = model.rings
      .filter((r) => teamReadsChartByCommit(model, s, r.name) && r.targets.some((id) => id.endsWith(`/${s.name}`)))
      .map((r) => r.name);
    if (rings.length > 0) out.push({ service: s.name, team: s.team!, rings });
  }
  return out;
}

/**
 * CG152 for each production ring whose ledger entry runs a team's chart in Git at a tag: a
 * write of the program would keep production reading a revision the application repository
 * can move. The fix is a promotion by commit SHA, which this rule never blocks: the release
 * commands do not apply it, and a promotion into a production ring takes only a SHA (CG608).
 */
export function unpinnedProductionCharts(
  model: PlatformModel,
  ledgers: ReadonlyMap<string, { readonly path: string; readonly ledger: Ledger }>,
): Problem[] {
  const problems: Problem[] = [];
  const first = model.rings[0]?.name;
  for (const { service, team, rings } of commitPinnedServices(model)) {
    const file = ledgers.get(service);
    if (file === undefined) continue;
    for (const ring of rings) {
      const entry = file.ledger.rings[ring];
      const chart = entry?.chart;
      if (chart === undefined || isCommitSha(chart)) continue;
      const unhold = entry!.hold === null ? '' : `unhold ${service} --ring ${ring} --no-program --publish (the ring is held), then `;
      problems.push(
        problem('CG152', {
          file: file.path,
          message:
            `Ring "${ring}" runs ${service}'s chart at ${JSON.stringify(chart)}, a tag, and ${service} is team "${team}"'s: ` +
            "production reads a team's chart in Git only by its commit SHA, since a tag can be moved in the application repository without the approval CODEOWNERS asks of the platform team.",
          fix:
            `Pin it first, with the release model the checkout records (the program before this change): ${unhold}promote ${service} --ring ${first} ` +
            `--chart-revision <SHA> --no-program (git rev-parse ${chart}^{commit} in the application repository), then --from ring by ring into "${ring}"; then synthesize this program.`,
        }),
      );
    }
  }
  return problems;
}
