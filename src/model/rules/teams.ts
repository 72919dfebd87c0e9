/**
 * What a platform with teams keeps the platform team's: what runs in production. A team's
 * service that runs there reads its chart (or Kustomize base) from another Git repository only at
 * a commit, so that repository's merges cannot change production past the GitOps repository's
 * CODEOWNERS.
 */
import { problem, Problem } from '../../core/errors';
import { redactUrl } from '../names';
import type { PlatformModel } from '../platform-model';
import { teamReadsChartByCommit } from '../teams';
import { isCommitSha } from '../versions';

/** CG152 for each team's service in production whose chart or base is read at a revision that can move. */
export function problemsOfTeamSources(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  for (const s of model.services) {
    const source = s.source;
    if (source.kind === 'rendered' || (source.kind === 'helm' && source.origin !== undefined)) continue;
    if (source.repoURL === undefined || isCommitSha(source.targetRevision)) continue;
    const ring = model.rings.find((r) => teamReadsChartByCommit(model, s, r.name) && r.targets.some((id) => id.endsWith(`/${s.name}`)));
    if (ring === undefined) continue;
    const what = source.kind === 'kustomize' ? 'Kustomize base' : 'chart';
    problems.push(
      problem('CG152', {
        constructPath: s.path,
        message:
          `Service "${s.name}" of team "${s.team}" runs in production (ring "${ring.name}") with its ${what} read from ${redactUrl(source.repoURL)} ` +
          `at ${JSON.stringify(source.targetRevision)}, a revision that repository's merges move without the approval CODEOWNERS asks of the platform team.`,
        fix:
          `Give targetRevision as a full commit SHA (git rev-parse ${source.targetRevision}^{commit} in that repository)` +
          `${source.promoted === true ? ', and promote later revisions by their SHA (promote --chart-revision <SHA>)' : ''}; or let the platform team own the service.`,
      }),
    );
  }
  return problems;
}
