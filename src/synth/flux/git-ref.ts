/**
 * A Git revision as Flux's GitRepository takes it (`spec.ref`), and back.
 *
 * @module
 */
import { isMap } from '../../core/plain';
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
 * A Git repository URL as Flux's GitRepository takes it (`http`, `https` or `ssh` URLs only): the
 * scp-like `git@host:path` written as `ssh://git@host/path`, any other as it is.
 */
export function fluxGitUrl(url: string): string {
  return sshUrlOf(url);
}
