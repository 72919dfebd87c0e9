/**
 * A promoted chart keeps its source: a ring's release records a chart revision (or a Kustomize
 * base's) without the source it is a revision of, so a program that reads the chart from another
 * source while promoting it would have each ring read the new source at the old source's
 * revision (a version that may not exist there, or be another chart). Every command that reads
 * the checkout with the program refuses it (`CG216`), as the image case refuses a release that
 * names other images (`CG214`).
 *
 * @module
 */
import { GitOpsError, Problem, problem } from '../core/errors';
import { redactUrl } from '../model/names';
import type { PlatformModel, ServiceModel, SourceModel } from '../model/platform-model';
import { promotedSourceOf } from '../model/source-kinds';
import { shortChart } from '../release/release';
import { readLedgers } from './ledgers';
import { recordedServiceModels } from './recorded-model';

/** Where a promoted source's revisions are revisions of, in words; undefined for a source not promoted. */
function sourceOf(source: SourceModel | undefined): string | undefined {
  if (source === undefined || typeof source !== 'object') return undefined;
  if (source.kind === 'helm' && source.promoted === true) {
    if (source.origin === 'helm-repository') return `chart "${source.chart}" of the Helm repository ${redactUrl(source.repoURL)}`;
    if (source.origin === 'oci') return `the OCI chart ${redactUrl(source.repoURL)}`;
    return `the chart at ${source.chartPath} in ${redactUrl(source.repoURL)}`;
  }
  if (source.kind === 'kustomize' && source.promoted === true && source.repoURL !== undefined) {
    return `the Kustomize base at ${source.path} in ${redactUrl(source.repoURL)}`;
  }
  return undefined;
}

/**
 * CG216 for each service whose chart (or Kustomize base) the program promotes from another
 * source than the checkout's release model records it promoted from, while its ledger records a
 * revision in a ring's release or history: one problem per service, naming the rings.
 */
export function switchedChartSourceProblems(model: PlatformModel, dir: string): Problem[] {
  const promoted = model.services.filter((s) => promotedSourceOf(s) !== undefined);
  const recorded = recordedServiceModels(
    dir,
    promoted.map((s) => s.name),
  );
  const switched = promoted.flatMap((s): { service: ServiceModel; was: string; now: string }[] => {
    const was = sourceOf(recorded.get(s.name)?.source);
    const now = sourceOf(s.source)!;
    return was === undefined || was === now ? [] : [{ service: s, was, now }];
  });
  if (switched.length === 0) return [];
  const ledgers = readLedgers(model, dir);
  const problems: Problem[] = [];
  for (const { service, was, now } of switched) {
    const ledger = ledgers.get(service.name);
    if (ledger === undefined || ledger.initial) continue;
    const pinned = Object.entries(ledger.ledger.rings).filter(
      ([, state]) => state.chart !== undefined || state.previous.some((p) => p.chart !== undefined),
    );
    if (pinned.length === 0) continue;
    const rings = pinned.map(([ring, state]) => `"${ring}" (${state.chart === undefined ? 'in its history' : shortChart(state.chart)})`);
    const what = service.source.kind === 'kustomize' ? 'Kustomize base' : 'chart';
    problems.push(
      problem('CG216', {
        constructPath: service.path,
        file: ledger.path,
        message:
          `${service.name} promotes its ${what} from ${now}, but the checkout's release model records it promoted from ${was}, and ${ledger.path} records revisions of that source in ${pinned.length === 1 ? 'ring' : 'rings'} ${rings.join(', ')}. ` +
          `A release records a ${what} revision, not its source: each ring would read ${now} at the old source's revision, which may not exist there or be another ${what}, without a promotion. Nothing was written.`,
        fix:
          `Keep the ${what}'s source as it was; or change it together with promoted: false, naming the revision of the new source every ring is to read (plan shows it for each Application). ` +
          `The rings' releases keep the old source's revisions: a program that promotes the ${what} again has each ring go back to its revision (plan says which) until one of the new source is promoted into it.`,
      }),
    );
  }
  return problems;
}

/** Fails with CG216 when the program promotes a service's chart from another source than the checkout's rings pin (see {@link switchedChartSourceProblems}). */
export function assertChartSourcesKept(model: PlatformModel, dir: string): void {
  const problems = switchedChartSourceProblems(model, dir);
  if (problems.length > 0) throw new GitOpsError(problems);
}
