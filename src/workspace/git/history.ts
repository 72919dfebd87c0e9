import { GitOpsError } from '../../core/errors';
import { GitCommandError, GitRunner, gitFailure } from './command';
import { normalizePaths } from './paths';
import { GitOpsRepository } from './repository';
import { CommitText, parseCommit, splitBatch, subjectOf } from './raw-commit';
import { releaseTrailers, TrailerKey, Trailers } from './trailers';

/** What {@link readHistory} reads. */
export interface HistoryOptions {
  /** A directory of the local checkout. */
  readonly dir: string;
  /** Where to start walking back from. @default 'HEAD' */
  readonly ref?: string;
  /** Only commits that change these repository-relative files or directories. @default - every commit */
  readonly paths?: readonly string[];
  /**
   * Only releases of this service (commits with a `Cdk8s-Gitops-Service` trailer of this value);
   * an entry that names others too is narrowed to it ({@link narrowEntry}). @default - any service
   */
  readonly service?: string;
  /**
   * Only commits with a `Cdk8s-Gitops-Ring` trailer of this value, or of one of these (a ring's
   * name and the names it had before). @default - any ring
   */
  readonly ring?: string | readonly string[];
  /** At most this many entries. @default - no limit */
  readonly limit?: number;
}

/**
 * One release of the GitOps repository's history: a commit with its trailers, or, for a squash
 * merge of several releases, one of them (each an entry of the same commit).
 */
export interface HistoryEntry {
  readonly sha: string;
  /** Author date, strict ISO 8601 with the author's offset, e.g. `2025-03-01T10:00:00+01:00`. */
  readonly date: string;
  /** Author name. */
  readonly author: string;
  readonly authorEmail: string;
  readonly subject: string;
  /** Every trailer, keys of {@link TrailerKey} in our spelling, values in order. */
  readonly trailers: Trailers;
  /** Values of `Cdk8s-Gitops-Service`. */
  readonly service: readonly string[];
  /** Values of `Cdk8s-Gitops-Ring`. */
  readonly ring: readonly string[];
  /** Values of `Cdk8s-Gitops-Digest`. */
  readonly digest: readonly string[];
  /**
   * Values of `Cdk8s-Gitops-Chart-Revision`: chart revisions promoted with the image.
   * @default - absent when the commit has none
   */
  readonly chart?: readonly string[];
  /** Values of `Cdk8s-Gitops-Approved-By`: who approved the change. */
  readonly approvedBy: readonly string[];
  /** The first `Cdk8s-Gitops-Promoted-By`, if any. */
  readonly promotedBy?: string;
  /** The first `Cdk8s-Gitops-Operation`, if any. */
  readonly operation?: string;
  /** The first `Cdk8s-Gitops-Program-Commit`, if any. */
  readonly programCommit?: string;
  /**
   * The other services of a commit that recorded the rings, digests and charts of several services
   * together (as one paragraph of trailers, which cdk8s-gitops wrote before each release had one of
   * its own), when the entry is narrowed to some of them ({@link narrowEntry}): its `ring` is the
   * commit's, and its `digest` and `chart`, which cannot be told apart by service, are left out.
   * `trailers` stays the commit's own.
   * @default - the entry's values are its services' own
   */
  readonly recordedWith?: readonly string[];
}

/**
 * `entry` as a release of the services `keep` selects only, or undefined when it selects none of
 * them. An entry of one service is that service's own; one that names several records their
 * digests and charts together, which cannot be told apart by service: narrowed to some of them,
 * it keeps the commit's rings, leaves its digests and charts out and says which other services it
 * was recorded with ({@link HistoryEntry.recordedWith}).
 */
export function narrowEntry(entry: HistoryEntry, keep: (service: string) => boolean): HistoryEntry | undefined {
  const kept = entry.service.filter(keep);
  if (kept.length === 0) return undefined;
  if (kept.length === entry.service.length) return entry;
  const { chart: _chart, ...rest } = entry;
  const others = new Set([...(entry.recordedWith ?? []), ...entry.service.filter((s) => !kept.includes(s))]);
  return { ...rest, service: kept, digest: [], recordedWith: [...others].sort() };
}

/**
 * Reads the history of the GitOps repository, newest first, with the trailers of each commit read
 * by git's rules (those of `git interpret-trailers`, without the clone's trailer settings). The
 * commits are listed by one `git log` and read as their objects hold them (one `git cat-file`), so
 * no text of a commit can pass for another field or another commit. `service` and `ring` narrow
 * it with `--grep` first and are then matched exactly. An unborn branch has an empty history; a ref
 * that names no commit fails with `CG511`.
 *
 * @example
 * const prod = await readHistory({ dir: 'platform-gitops', service: 'payments-api', ring: 'prod' });
 * console.log(prod[0]?.digest);
 */
export async function readHistory(options: HistoryOptions): Promise<HistoryEntry[]> {
  const repo = await GitOpsRepository.open(options.dir);
  const ref = options.ref ?? 'HEAD';
  if (!(await repo.resolve(ref))) {
    if (ref === 'HEAD' && (await repo.currentBranch()) !== undefined) {
      return []; // a branch with no commit yet
    }
    throw GitOpsError.of('CG511', {
      message: `"${ref}" names no commit in "${repo.root}".`,
    });
  }

  // Only the id and the author date, which no commit's text can change the form of.
  const args = ['log', '--no-color', '--no-show-signature', '--format=%H %aI'];
  const grep: string[] = [];
  if (options.service !== undefined) {
    grep.push(`${TrailerKey.SERVICE}: ${options.service}`);
  }
  const rings = options.ring === undefined ? undefined : typeof options.ring === 'string' ? [options.ring] : options.ring;
  // Every pattern must match: several rings are told apart below, from the parsed trailers.
  if (rings?.length === 1) {
    grep.push(`${TrailerKey.RING}: ${rings[0]}`);
  }
  if (grep.length > 0) {
    args.push('--fixed-strings', '--regexp-ignore-case', '--all-match', ...grep.map((g) => `--grep=${g}`));
  } else if (options.limit !== undefined && rings === undefined) {
    args.push(`--max-count=${options.limit}`);
  }
  args.push('--end-of-options', ref, '--');
  if (options.paths) {
    args.push(...normalizePaths(options.paths, repo.root));
  }

  const git = new GitRunner(repo.root);
  let listed: { readonly sha: string; readonly date: string }[];
  let objects: (Buffer | undefined)[];
  try {
    listed = (await git.run(args))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => ({ sha: line.slice(0, line.indexOf(' ')), date: line.slice(line.indexOf(' ') + 1) }));
    objects =
      listed.length === 0 ? [] : splitBatch(await git.runWithInputBytes(['cat-file', '--batch'], listed.map((c) => `${c.sha}\n`).join('')));
  } catch (err) {
    throw err instanceof GitCommandError ? gitFailure(err, `read the history of "${ref}"`, repo.root) : err;
  }

  const entries: HistoryEntry[] = [];
  for (const [i, { sha, date }] of listed.entries()) {
    const commit = parseCommit(objects[i] ?? Buffer.alloc(0));
    // A squash merge of several releases is an entry for each.
    for (const trailers of releaseTrailers(commit.message)) {
      const entry =
        options.service === undefined
          ? toEntry(sha, date, commit, trailers)
          : narrowEntry(toEntry(sha, date, commit, trailers), (s) => s === options.service);
      if (entry === undefined) {
        continue;
      }
      if (rings !== undefined && !rings.some((r) => entry.ring.includes(r))) {
        continue;
      }
      entries.push(entry);
      if (options.limit !== undefined && entries.length >= options.limit) {
        return entries;
      }
    }
  }
  return entries;
}

function toEntry(sha: string, date: string, commit: CommitText, trailers: Trailers): HistoryEntry {
  const { author, authorEmail } = commit;
  const subject = subjectOf(commit.message);
  return {
    sha,
    date,
    author,
    authorEmail,
    subject,
    trailers,
    service: trailers[TrailerKey.SERVICE] ?? [],
    ring: trailers[TrailerKey.RING] ?? [],
    digest: trailers[TrailerKey.DIGEST] ?? [],
    ...(trailers[TrailerKey.CHART] ? { chart: trailers[TrailerKey.CHART] } : {}),
    approvedBy: trailers[TrailerKey.APPROVED_BY] ?? [],
    promotedBy: trailers[TrailerKey.PROMOTED_BY]?.[0],
    operation: trailers[TrailerKey.OPERATION]?.[0],
    programCommit: trailers[TrailerKey.PROGRAM_COMMIT]?.[0],
  };
}

/**
 * The files each of `commits` changes against its first parent (all its files for a first
 * commit; none for a merge), by commit, repository-relative.
 */
export async function filesChangedBy(dir: string, commits: readonly string[]): Promise<Map<string, string[]>> {
  const changed = new Map<string, string[]>();
  if (commits.length === 0) return changed;
  const repo = await GitOpsRepository.open(dir);
  let out: string;
  try {
    // Each commit's id on a line of its own, then the paths it changes (quoted by Git's rules when unusual).
    out = await new GitRunner(repo.root).runWithInput(
      ['diff-tree', '-r', '--root', '--name-only', '--stdin'],
      commits.map((c) => `${c}\n`).join(''),
    );
  } catch (err) {
    throw err instanceof GitCommandError ? gitFailure(err, 'list the files of commits', repo.root) : err;
  }
  let current: string[] | undefined;
  const wanted = new Set(commits);
  for (const line of out.split('\n')) {
    if (wanted.has(line) && !changed.has(line)) changed.set(line, (current = []));
    else if (line !== '' && current !== undefined) current.push(line);
  }
  return changed;
}
