import { isCommitSha, isSemVer, shortDigest } from '../model/versions';

export { chartRevisionProblem, isChartTag, isCommitSha } from '../model/versions';
import { compareNames, encodeVersions, ImageVersions } from '../model/images';
import type { ServiceModel } from '../model/platform-model';
import type { Hold } from './types';

export type { ImageVersions };

/**
 * What a ring runs of a service: the image version (one per named image, for a service with
 * several) and, for a service whose chart is released with it, the chart revision. Two entries
 * run the same release only when all agree: a new chart with the same images, or one new image
 * of several, is a new release, which moves ring by ring like any other.
 *
 * A release has `digest` (a service with one image) or `images` (a service with named images),
 * never both.
 */
export interface Release {
  /**
   * The image digest (or tag, where the ring's policy allows tags), of a service with one image.
   * @default - none: the release names its images (`images`)
   */
  readonly digest?: string;
  /**
   * The digest (or tag) of each named image, by image name, of a service with named images.
   * @default - none: the release is of one image (`digest`)
   */
  readonly images?: ImageVersions;
  /**
   * The chart revision: a commit SHA or tag of the chart's Git repository, or the chart version
   * of a Helm or OCI repository.
   * @default - none: the chart is read at the revision the program names
   */
  readonly chart?: string;
}

/** Whether `a` and `b` are the same release (every image, and chart); false when either is missing. */
export function sameRelease(a: Release | undefined, b: Release | undefined): boolean {
  return a !== undefined && b !== undefined && releaseKey(a) === releaseKey(b);
}

/**
 * The images of a release in one string: the digest, or `api=sha256:…,worker=sha256:…` (names
 * sorted) for named images. What a file that embeds them records, and what a commit's trailers
 * and `status --format json` show.
 */
export function releaseVersion(r: Release): string {
  return r.images === undefined ? (r.digest ?? '') : encodeVersions(r.images);
}

/** A key for sets and maps of releases, equal exactly when {@link sameRelease} is. */
export function releaseKey(r: Release): string {
  const images = releaseVersion(r);
  return r.chart === undefined ? images : `${images} chart ${r.chart}`;
}

/** Only the fields of a release, e.g. of a ring's entry (no `chart` key when there is none; image names sorted). */
export function releaseOf(r: Release): Release {
  const images: Release = r.images === undefined ? { digest: r.digest ?? '' } : { images: sortedImages(r.images) };
  return r.chart === undefined ? images : { ...images, chart: r.chart };
}

/** The versions of named images, names in code point order. */
export function sortedImages(images: ImageVersions): ImageVersions {
  return Object.fromEntries(
    Object.keys(images)
      .sort(compareNames)
      .map((name) => [name, images[name]]),
  );
}

/**
 * The versions of a release, one per image: `[undefined, digest]` for a service's one image,
 * `[name, version]` per named image (names sorted).
 */
export function releaseImages(r: Release): [string | undefined, string][] {
  if (r.images === undefined) return [[undefined, r.digest ?? '']];
  return Object.keys(r.images)
    .sort(compareNames)
    .map((name) => [name, r.images![name]]);
}

/**
 * The images of a release for messages: `sha256:2e8f1a31`, or `api sha256:2e8f1a31, worker
 * sha256:9c0d4b7e` for named images.
 */
export function describeImages(r: Release): string {
  return releaseImages(r)
    .map(([name, v]) => (name === undefined ? shortDigest(v) : `${name} ${shortDigest(v)}`))
    .join(', ');
}

/**
 * A release for messages: `sha256:2e8f1a31`, `api sha256:2e8f1a31, worker sha256:9c0d4b7e`,
 * or either `with chart v1.4.2` (a chart commit SHA shortened to 12 characters).
 */
export function describeRelease(r: Release): string {
  if (r.chart === undefined) return describeImages(r);
  return `${describeImages(r)} with chart ${shortChart(r.chart)}`;
}

/**
 * A one-string release version (see {@link releaseVersion}) for messages: `sha256:2e8f1a31`, or
 * `api sha256:2e8f1a31, worker sha256:9c0d4b7e`.
 */
export function describeVersion(version: string): string {
  if (!version.includes('=')) return shortDigest(version);
  return version
    .split(',')
    .map((part) => `${part.slice(0, part.indexOf('='))} ${shortDigest(part.slice(part.indexOf('=') + 1))}`)
    .join(', ');
}

/**
 * The release a service's program declares for rings its ledger does not have yet: its
 * `initialDigest`, or, for a service with named images, every image's `initialDigest`.
 * Undefined when it declares none (or not one for every image).
 */
export function initialRelease(s: Pick<ServiceModel, 'initialDigest' | 'images' | 'source'>): Release | undefined {
  // A chart of a Helm or OCI repository promoted with the images is pinned from the start at the
  // program's exact version, so that a ring can go back to it; a chart in Git is read at a revision that may move.
  const source = s.source;
  const chart = source.kind === 'helm' && source.promoted === true && source.origin !== undefined ? { chart: source.targetRevision } : {};
  if (s.images === undefined) return s.initialDigest ? { digest: s.initialDigest, ...chart } : undefined;
  if (s.images.length === 0 || s.images.some((i) => !i.initialDigest)) return undefined;
  return { images: sortedImages(Object.fromEntries(s.images.map((i) => [i.name, i.initialDigest!]))), ...chart };
}

/** A hold for messages: `"p99 latency doubled" (set 2026-11-22T14:00:00Z by bob)`. */
export function describeHold(hold: Hold): string {
  return `${JSON.stringify(hold.reason)} (set ${hold.since} by ${hold.by})`;
}

/** A full Git commit SHA (40 lowercase hex characters). */

/** A chart revision for messages: a commit SHA shortened to 12 characters, else as it is. */
export function shortChart(revision: string): string {
  return isCommitSha(revision) ? revision.slice(0, 12) : revision;
}

/** Whether `revision` can pin a chart from some origin (what a ledger may record). */
export function isChartRevision(revision: unknown): revision is string {
  return typeof revision === 'string' && (isCommitSha(revision) || isSemVer(revision.replace(/^v/, '')));
}
