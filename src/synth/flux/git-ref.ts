/**
 * A Git revision as Flux's GitRepository takes it (`spec.ref`), and back.
 *
 * @module
 */
import { isMap } from '../../core/plain';
import { MANAGED_BY } from '../../model/argo-object';
import { sshUrlOf } from '../../model/names';
import { isChartTag, isCommitSha, isSemVer } from '../../model/versions';

/**
 * A Git revision as Flux's GitRepository takes it: a full commit SHA, a tag (`v1.2.3`, `1.2.3` or
 * `refs/tags/<tag>`), or a branch (`refs/heads/<branch>`, or any other name).
 */
export function gitRef(revision: string): Record<string, string> {
  if (isCommitSha(revision)) return { commit: revision };
  if (revision.startsWith('refs/tags/')) return { tag: revision.slice('refs/tags/'.length) };
  if (revision.startsWith('refs/heads/')) return { branch: revision.slice('refs/heads/'.length) };
  if (revision.startsWith('refs/')) return { name: revision };
  if (isChartTag(revision) || isSemVer(revision)) return { tag: revision };
  return { branch: revision };
}

/** The revision a GitRepository's `spec.ref` reads (its commit, tag, branch or ref name), or undefined. */
export function revisionOfRef(ref: unknown): string | undefined {
  if (!isMap(ref)) return undefined;
  const value = ref.commit ?? ref.tag ?? ref.branch ?? ref.name;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The revision a GitRepository written for `revision` reads back as (`refs/heads/main` is
 * written as branch `main`): what its file holds of a ring's release.
 */
export function writtenGitRevision(revision: string): string {
  return revisionOfRef(gitRef(revision)) ?? revision;
}

/**
 * The GitRepository `name` of a target: the repository at `url` (a scp-like `git@host:path`
 * written as `ssh://git@host/path`, the only form Flux reads) at `revision`, read every
 * `interval`, with the credentials `auth` gives (`secretRef` or `provider`).
 */
export function gitRepository(
  name: string,
  url: string,
  revision: string,
  interval: string,
  auth: Record<string, unknown>,
): Record<string, unknown> {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { labels: { ...MANAGED_BY }, name },
    spec: { interval, ...auth, ref: gitRef(revision), url: sshUrlOf(url) },
  };
}
