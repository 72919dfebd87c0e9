import { isSemVer, shortDigest } from '../model/versions';
import type { Hold } from './types';

/**
 * What a ring runs of a service: the image version and, for a service whose chart is released
 * with it, the chart revision. Two entries run the same release only when both agree: a new
 * chart with the same image is a new release, which moves ring by ring like a new image.
 */
export interface Release {
  /** The image digest (or tag, where the ring's policy allows tags). */
  readonly digest: string;
  /**
   * The chart revision: a commit SHA or tag of the chart's Git repository, or the chart version
   * of a Helm or OCI repository.
   * @default - none: the chart is read at the revision the program names
   */
  readonly chart?: string;
}

/** Whether `a` and `b` are the same release (image and chart); false when either is missing. */
export function sameRelease(a: Release | undefined, b: Release | undefined): boolean {
  return a !== undefined && b !== undefined && a.digest === b.digest && a.chart === b.chart;
}

/** A key for sets and maps of releases, equal exactly when {@link sameRelease} is. */
export function releaseKey(r: Release): string {
  return r.chart === undefined ? r.digest : `${r.digest} chart ${r.chart}`;
}

/** Only the fields of a release, e.g. of a ring's entry (no `chart` key when there is none). */
export function releaseOf(r: Release): Release {
  return r.chart === undefined ? { digest: r.digest } : { digest: r.digest, chart: r.chart };
}

/**
 * A release for messages: `sha256:2e8f1a31`, or `sha256:2e8f1a31 with chart v1.4.2` (a chart
 * commit SHA shortened to 12 characters).
 */
export function describeRelease(r: Release): string {
  if (r.chart === undefined) return shortDigest(r.digest);
  return `${shortDigest(r.digest)} with chart ${shortChart(r.chart)}`;
}

/** A hold for messages: `"p99 latency doubled" (set 2026-11-22T14:00:00Z by bob)`. */
export function describeHold(hold: Hold): string {
  return `${JSON.stringify(hold.reason)} (set ${hold.since} by ${hold.by})`;
}

/** A full Git commit SHA (40 lowercase hex characters). */
const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** A chart revision for messages: a commit SHA shortened to 12 characters, else as it is. */
export function shortChart(revision: string): string {
  return COMMIT_SHA.test(revision) ? revision.slice(0, 12) : revision;
}

/**
 * Why `revision` cannot pin a chart (one in Git when `inGit`, else one in a Helm or OCI
 * repository), as a sentence fragment, or undefined when it can. A chart in Git is pinned by a
 * full commit SHA or a release tag `v<semver>` (a branch or a short SHA would move, or be
 * ambiguous); a chart in a Helm or OCI repository by an exact version (`1.4.2`, as the
 * program's chart versions are; a range would move).
 */
export function chartRevisionProblem(revision: string, inGit: boolean): string | undefined {
  if (inGit) {
    if (COMMIT_SHA.test(revision)) return undefined;
    if (revision.startsWith('v') && isSemVer(revision.slice(1))) return undefined;
    if (/^[0-9a-fA-F]{7,39}$/.test(revision)) return 'is a short commit SHA: a chart in Git is pinned by the full 40-character SHA';
    if (/^[0-9A-F]{40}$/i.test(revision)) return 'is a commit SHA in upper case: write it in lower case';
    if (isSemVer(revision)) return `is a version without the tag's "v": a chart in Git is pinned by a tag such as v${revision}`;
    return 'is neither a full commit SHA nor a release tag v<major>.<minor>.<patch>: a branch name would move';
  }
  if (isSemVer(revision)) return undefined;
  if (revision.startsWith('v') && isSemVer(revision.slice(1))) {
    return `starts with "v": a chart version is written as in Chart.yaml, e.g. ${revision.slice(1)}`;
  }
  return 'is not an exact chart version <major>.<minor>.<patch>: a range or a tag would move';
}

/** Whether `revision` can pin a chart from some origin (what a ledger may record). */
export function isChartRevision(revision: unknown): revision is string {
  return typeof revision === 'string' && (COMMIT_SHA.test(revision) || isSemVer(revision.replace(/^v/, '')));
}
