import { fleetFactsOf } from './fleet-facts';
import type { PlatformModel } from './platform-model';
/** What a ring may accept. */
export interface VersionPolicy {
  /** `true`: only `sha256:<64 lowercase hex>` digests; `false`: image tags as well. */
  readonly requireDigest: boolean;
  /**
   * `true`: a chart (or Kustomize base) in Git only by its full commit SHA, even where tags of
   * images are taken (a team's service in a production ring).
   * @default false
   */
  readonly chartByCommit?: boolean;
}

/** An image digest: `sha256:` followed by 64 lowercase hex characters. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** An image tag as the OCI distribution spec allows it (at most 128 characters). */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * A tag pinned by its digest, `<tag>@sha256:<64 lowercase hex>` (as Renovate pins images): the
 * image is pulled by the digest, the tag is there for people. For charts that read only a tag
 * (`image.tag`), it pins the image as a digest does.
 */
export const PINNED_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}@sha256:[0-9a-f]{64}$/;

/** SemVer 2, exactly one version (semver.org's own pattern): no leading zeros, no "v", no range. */
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Returns true when `s` is exactly one SemVer 2 version, e.g. `1.4.2` or `2.0.0-rc.1`. */
export function isSemVer(s: unknown): boolean {
  return typeof s === 'string' && SEMVER_PATTERN.test(s);
}

/**
 * The policy a ring has when none is given: digests only.
 */
export const DEFAULT_VERSION_POLICY: VersionPolicy = { requireDigest: true };

/** Returns true when `s` is a digest, `sha256:<64 lowercase hex>`. */
export function isDigest(s: unknown): boolean {
  return typeof s === 'string' && DIGEST_PATTERN.test(s);
}

/** Returns true when `s` is a tag pinned by its digest, e.g. `v3.2.0@sha256:…` (see {@link PINNED_TAG_PATTERN}). */
export function isPinnedTag(s: unknown): boolean {
  return typeof s === 'string' && PINNED_TAG_PATTERN.test(s);
}

/** Returns true when `s` names an image by its digest: a digest, or a tag pinned by its digest. */
export function isPinned(s: unknown): boolean {
  return isDigest(s) || isPinnedTag(s);
}

/** Returns true when `s` is an image tag such as `1.4.2` (not a digest). */
export function isTag(s: unknown): boolean {
  return typeof s === 'string' && TAG_PATTERN.test(s);
}

/**
 * Shortens a digest to its first 8 hex characters for messages:
 * `sha256:2e8f1a317b…` → `sha256:2e8f1a31`. Anything else is returned unchanged.
 */
export function shortDigest(s: string): string {
  if (isDigest(s)) return s.slice(0, 'sha256:'.length + 8);
  if (isPinnedTag(s)) return s.slice(0, s.indexOf('@') + 1 + 'sha256:'.length + 8);
  return s;
}

/** Every digest in `text` (a release, `api=sha256:…,worker=sha256:…`) by its first 8 hex characters. */
export function shortDigests(text: string): string {
  return text.replace(/sha256:([0-9a-f]{8})[0-9a-f]{56}/g, 'sha256:$1');
}

/**
 * Why `value` is not acceptable to a ring with `policy`, as one sentence fragment
 * (`is not a digest: …`), or `undefined` when it is acceptable.
 *
 * @example
 * versionProblem('1.4.2', { requireDigest: true }); // 'is a tag, but this ring takes only digests'
 * versionProblem('2e8f…'); // 'looks like a digest without its algorithm; write it as sha256:2e8f…'
 */
export function versionProblem(value: string, policy: VersionPolicy = DEFAULT_VERSION_POLICY): string | undefined {
  if (isPinned(value)) {
    return undefined;
  }
  if (/^[0-9a-f]{64}$/i.test(value)) {
    return `looks like a digest without its algorithm; write it as sha256:${value.toLowerCase()}`;
  }
  if (/^sha256:[0-9a-f]{64}$/i.test(value)) {
    return `is not a digest: its algorithm and hex are written in lower case, as sha256:${value.slice('sha256:'.length).toLowerCase()}`;
  }
  if (value.includes('@')) {
    return 'is not a tag pinned by its digest: expected <tag>@sha256: followed by 64 lowercase hex characters';
  }
  if (value.startsWith('sha256:') || !isTag(value)) {
    return 'is not a digest: expected "sha256:" followed by 64 lowercase hex characters';
  }
  return policy.requireDigest ? 'is a tag, but this ring takes only digests' : undefined;
}

/** The fix for a value refused by {@link versionProblem}. */
export function versionFix(policy: VersionPolicy = DEFAULT_VERSION_POLICY): string {
  return policy.requireDigest
    ? 'Use the image digest, e.g. from `crane digest <image>:<tag>` or the build output: sha256:<64 lowercase hex> (or the tag pinned by it, <tag>@sha256:…).'
    : 'Use the image digest (sha256:<64 lowercase hex>, or <tag>@sha256:… for a tag pinned by it) or a tag of letters, digits, ".", "_" and "-".';
}

/** What each ring may run: digests only when any environment of its targets requires them. */
export function ringPolicies(model: PlatformModel): Readonly<Record<string, Readonly<VersionPolicy>>> {
  // Asked for each ledger read: worked out once per model (every ring's targets are looked at).
  let policies = policiesOf.get(model);
  if (policies === undefined) {
    policies = Object.freeze(Object.fromEntries(Object.entries(modelPolicies(model)).map(([ring, p]) => [ring, Object.freeze(p)])));
    policiesOf.set(model, policies);
  }
  return policies;
}

/** The ring policies worked out for each model. */
const policiesOf = new WeakMap<PlatformModel, Readonly<Record<string, Readonly<VersionPolicy>>>>();

function modelPolicies(model: PlatformModel): Record<string, VersionPolicy> {
  // A model of some services (read from the tree) carries what the whole model's targets decided.
  const recorded = fleetFactsOf(model)?.ringPolicies;
  if (recorded !== undefined)
    return withMovedRings(model, Object.fromEntries(Object.entries(recorded).map(([ring, p]) => [ring, { ...p }])));
  const strict = new Set(model.environments.filter((e) => e.requireDigest).map((e) => e.name));
  // A target's id starts with its environment: `<environment>/<cloud>/<cluster>/<service>`.
  const inStrictEnvironment = (id: string): boolean => strict.has(id.slice(0, id.indexOf('/')));
  const out: Record<string, VersionPolicy> = {};
  for (const r of model.rings) {
    out[r.name] = { requireDigest: r.targets.length === 0 || (strict.size > 0 && r.targets.some(inStrictEnvironment)) };
  }
  return withMovedRings(model, out);
}

/**
 * `policies` with the former names of renamed, merged or split rings (`movedFrom`): an entry
 * recorded under a former name is read with the policy of the rings that take it over, tags
 * only where every one of them takes tags, so that a rename keeps what the ring may run.
 */
function withMovedRings(model: PlatformModel, policies: Record<string, VersionPolicy>): Record<string, VersionPolicy> {
  const heirs = new Map<string, VersionPolicy[]>();
  for (const r of model.rings) {
    const policy = policies[r.name];
    if (policy === undefined) continue;
    for (const former of r.movedFrom ?? []) heirs.set(former, [...(heirs.get(former) ?? []), policy]);
  }
  for (const [former, taken] of heirs) {
    if (Object.hasOwn(policies, former)) continue; // still declared: its own policy
    policies[former] = { requireDigest: taken.some((p) => p.requireDigest) };
  }
  return policies;
}

/** A full Git commit SHA, lower case. */
const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** Whether a chart revision is a full commit SHA, which nobody can move (a tag can be). */
export function isCommitSha(revision: string): boolean {
  return COMMIT_SHA.test(revision);
}

/** Whether a chart revision is a release tag `v<semver>` of a chart in Git (a Helm or OCI chart's version has no `v`). */
export function isChartTag(revision: string): boolean {
  return revision.startsWith('v') && isSemVer(revision.slice(1));
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
