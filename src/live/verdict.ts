/**
 * What a target runs against what Git declares for it, in one word: the verdict of
 * `status --live` for an Application of Argo CD.
 *
 * @module
 */
import { redactUrl } from '../core/url-credentials';
import { sameRepository } from '../model/repositories';
import { shortDigests } from '../model/versions';
import type { ComparedSource, LiveApplication } from './argocd-client';

/** `running` (what Git declares, Synced and Healthy), or how it differs. */
export type LiveVerdict = 'running' | 'syncing' | 'degraded' | 'drifted' | 'missing';

/** One image a target is declared to run: its repository and version (a digest, a tag, a tag pinned by its digest). */
export interface DeclaredImage {
  readonly repository: string;
  readonly version: string;
}

/** Whether `image` (a live image reference) is `declared`: its repository, at its version. */
function isImage(image: string, declared: DeclaredImage): boolean {
  const { repository, version } = declared;
  if (!image.startsWith(`${repository}@`) && !image.startsWith(`${repository}:`)) return false;
  const rest = image.slice(repository.length);
  const at = version.indexOf('@');
  // A digest pins it whatever tag stands beside it; a tag pinned by its digest is its digest.
  if (version.startsWith('sha256:')) return rest.endsWith(`@${version}`);
  if (at > 0) return rest.endsWith(`@${version.slice(at + 1)}`);
  return rest === `:${version}`;
}

/** Whether every declared image runs among the live `images`; undefined where Argo CD reports none. */
export function runsDeclared(images: readonly string[], declared: readonly DeclaredImage[]): boolean | undefined {
  if (images.length === 0) return undefined;
  return declared.every((d) => images.some((i) => isImage(i, d)));
}

/**
 * The revision of a service's source (a chart's, a Kustomize base's) that a target's release
 * pins, and what ties it to what Argo CD reports.
 */
export interface DeclaredChart {
  /** The revision the release pins: a chart version, a commit SHA, a tag. */
  readonly revision: string;
  /**
   * The repository of the Application's source that is the chart, as its ApplicationSet writes
   * it: Argo CD's `status.sync.comparedTo` naming that source (this repository, `chart` or
   * `path`, no `ref`) at `revision` ties it; another source of the same repository does not.
   * @default - none: a Kustomize base, which the overlay names (see `baseAt`)
   */
  readonly repoURL?: string;
  /** The chart's name in a Helm repository, which the source names too. @default - none */
  readonly chart?: string;
  /**
   * The chart's path in a Git repository (`.` in an OCI artifact), which the source names too.
   * @default - none: a Helm repository's chart, named by `chart`
   */
  readonly path?: string;
  /**
   * The revision as Argo CD reports it resolved, where it reports it as it is (a Helm repository
   * chart's version, a commit SHA): among `status.sync.revisions` it ties it too, where Argo CD
   * names no compared source. @default - none
   */
  readonly reported?: string;
  /**
   * For a Kustomize base: the base revision the target's overlay names at GitOps commit `sha`
   * (null: it names none; undefined: the commit is not known here).
   */
  readonly baseAt?: (sha: string) => string | null | undefined;
}

/** What a target is declared to run: its images, and the revision of its source where the release pins one. */
export interface DeclaredRelease {
  readonly images: readonly DeclaredImage[];
  /** @default - none: the release is its images */
  readonly chart?: DeclaredChart;
}

/** The verdict on a target, and why it is not `running` where Argo CD's report says why. */
export interface TargetVerdict {
  readonly verdict: LiveVerdict;
  /** @default - nothing more to say than the sync status and health */
  readonly why?: string;
}

/** A commit SHA of Git (SHA-1 or SHA-256). */
function isSha(revision: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(revision);
}

/** A source's path as Argo CD reads it in its repository: `./deploy/chart/` is `deploy/chart`; none, `` and `./` are its root, `.`. */
function sourcePath(path: string | undefined): string {
  const p = (path ?? '').replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
  return p === '' ? '.' : p;
}

/**
 * Whether `source` is the chart's own source: of its repository, without `ref` (which marks a
 * source of values files), and with its name (a Helm repository's chart) or at its path (a Git
 * repository's, an OCI artifact's). Another source of the same repository (values at another
 * path, the chart's path read as values) says nothing of the chart that is rendered.
 */
function isChartSource(source: ComparedSource, chart: DeclaredChart): boolean {
  return (
    chart.repoURL !== undefined &&
    sameRepository(source.repoURL, chart.repoURL) &&
    source.ref === undefined &&
    source.chart === chart.chart &&
    (chart.path === undefined || sourcePath(source.path) === sourcePath(chart.path))
  );
}

/**
 * Why Argo CD's report does not tie the source revision the release pins to what the
 * Application runs; undefined where it does. A chart is tied by the source of the Application
 * that is the chart (see `isChartSource`), compared with the revision pinned, and by no other
 * (or, where Argo CD names no compared source, by the revision it reports resolved); a Kustomize base by a GitOps commit
 * Argo CD synced whose overlay names the base at that revision. Nothing reported ties nothing.
 */
function untiedChart(app: LiveApplication, chart: DeclaredChart): string | undefined {
  const { revision } = chart;
  if (chart.baseAt !== undefined) {
    const commits = [...new Set(app.revisions.filter(isSha))];
    if (commits.length === 0)
      return `Argo CD reports no GitOps commit it read the overlay at, to tie the Kustomize base's revision ${revision} to`;
    const found = commits.map((sha) => ({ sha, base: chart.baseAt!(sha) }));
    if (found.some((f) => f.base === revision)) return undefined;
    const known = found.find((f) => f.base !== undefined);
    if (known === undefined) {
      return `the GitOps commit Argo CD synced, ${found[0].sha.slice(0, 12)}, is not in this checkout, so the Kustomize base's revision ${revision} cannot be tied to it (pull the checkout)`;
    }
    return known.base === null
      ? `its overlay at GitOps commit ${known.sha.slice(0, 12)}, which Argo CD synced, names no revision of the Kustomize base, not ${revision}`
      : `its overlay at GitOps commit ${known.sha.slice(0, 12)}, which Argo CD synced, reads the Kustomize base at ${known.base}, not ${revision}`;
  }
  const repository = chart.repoURL === undefined ? 'its chart repository' : redactUrl(chart.repoURL);
  const sources = (app.compared ?? []).filter((c) => isChartSource(c, chart));
  const others = [...new Set(sources.filter((c) => c.targetRevision !== revision).map((c) => c.targetRevision ?? 'HEAD'))].join(', ');
  if (sources.length > 0 && others === '') return undefined;
  if (sources.length > 0) {
    return sources.some((c) => c.targetRevision === revision)
      ? `Argo CD compared it with chart ${revision} of ${repository} and with chart ${others} too, so which one runs cannot be told`
      : `Argo CD compared it with chart ${others} of ${repository}, not ${revision}`;
  }
  if (app.compared === undefined) {
    if (chart.reported !== undefined && app.revisions.includes(chart.reported)) return undefined;
    return `Argo CD reports no source of ${repository} it compared the Application with (status.sync.comparedTo), so chart ${revision} cannot be tied to what runs`;
  }
  const which = chart.chart !== undefined ? `chart ${chart.chart} of ` : chart.path !== undefined ? `path ${chart.path} of ` : '';
  return `Argo CD compared the Application with no source that is the chart (${which}${repository}, without ref) in status.sync.comparedTo, so chart ${revision} cannot be tied to what runs`;
}

/** Why the live `images` do not tie the declared ones: what runs of each image that is not declared's, and what is declared. */
function untiedImages(images: readonly string[], declared: readonly DeclaredImage[]): string {
  if (images.length === 0) return 'Argo CD reports no live image of it';
  return declared
    .filter((d) => !images.some((i) => isImage(i, d)))
    .map((d) => {
      const seen = images
        .filter((i) => i.startsWith(`${d.repository}@`) || i.startsWith(`${d.repository}:`))
        .map((i) => i.slice(d.repository.length + 1));
      const runs =
        seen.length === 0 ? `no image of ${d.repository}` : `${d.repository} at ${[...new Set(seen)].map(shortDigests).join(', ')}`;
      return `it runs ${runs}, not ${shortDigests(d.version)}`;
    })
    .join('; ');
}

/**
 * The verdict for a target declared to run `declared` (no images: nothing to compare), from
 * its Application: `syncing` while an operation runs or ends (or Progressing), `degraded`
 * unless Healthy or when its last operation failed, `drifted` unless Synced, every declared
 * image is seen running and, where the release pins the revision of its source (a chart, a
 * Kustomize base), Argo CD's report ties that revision to what it synced (see
 * {@link DeclaredChart}). Where nothing Argo CD reports ties a part of the release, the verdict
 * is not `running`.
 */
export function verdictOf(app: LiveApplication | undefined, declared: DeclaredRelease): TargetVerdict {
  if (app === undefined) return { verdict: 'missing' };
  if (app.operation?.phase === 'Running' || app.operation?.phase === 'Terminating' || app.health === 'Progressing')
    return { verdict: 'syncing' };
  // The last sync failed (a hook, a resource that did not apply): whatever the health says, the release did not go through cleanly.
  if (app.health !== 'Healthy' || app.operation?.phase === 'Failed' || app.operation?.phase === 'Error') return { verdict: 'degraded' };
  if (app.sync !== 'Synced') return { verdict: 'drifted' };
  if (declared.images.length > 0 && runsDeclared(app.images, declared.images) !== true) {
    return { verdict: 'drifted', why: untiedImages(app.images, declared.images) };
  }
  const why = declared.chart === undefined ? undefined : untiedChart(app, declared.chart);
  if (why !== undefined) return { verdict: 'drifted', why };
  return { verdict: 'running' };
}
