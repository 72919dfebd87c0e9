import { GitOpsError } from '../../core/errors';
import { normalizePaths, under } from './paths';
import { ChangeKind, CommitAuthor, FileChange, GitOpsRepository } from './repository';
import { appendTrailers, CommitTrailers, parseTrailers, TrailerKey, withCommitTrailer } from './trailers';

/** What {@link publish} does when the merge-request branch it should create already exists on the remote. */
export enum ExistingBranch {
  /** Fail with `CG504`: a branch of that name means the change is probably proposed already. */
  FAIL = 'fail',
  /** Check the existing branch out, re-run `apply()` on its tip and push a commit on top when anything changed. */
  ADD_COMMIT = 'add-commit',
}

/** Options of {@link publish} and {@link publishCommits}: where the change goes and how it is pushed. */
export interface PublishTarget {
  /** A directory of the local checkout of the GitOps repository. */
  readonly dir: string;
  /** The configured remote to fetch from and push to. @default 'origin' */
  readonly remote?: string;
  /**
   * The branch the change is for: pushed to directly, or the base of `pushBranch`. When the
   * remote has no branch at all (a new, empty repository) and the checkout's branch has no
   * commit yet, the first commit is made on it and pushed.
   * @default - the checked-out branch (of a clone of an empty repository: the branch its `HEAD` names)
   */
  readonly branch?: string;
  /**
   * The files and directories this publish owns, relative to the repository root. Only
   * changes under them are committed or discarded. A function is called before and after
   * each `apply()`, and the union is used, so files that `apply()` adds to or drops from
   * the owned set are both covered.
   */
  readonly paths: readonly string[] | (() => readonly string[] | Promise<readonly string[]>);
  /**
   * Push to this new branch (for a merge request) instead of to `branch`. The checkout goes
   * back to the branch (or commit) it was on before, once the branch is pushed or the publish failed.
   * @default - push to `branch`
   */
  readonly pushBranch?: string;
  /** What to do when `pushBranch` already exists on the remote. @default ExistingBranch.FAIL */
  readonly ifBranchExists?: ExistingBranch;
  /** How many times to apply, commit and push before giving up. @default 5 */
  readonly maxAttempts?: number;
  /** Base delay before a retry; it doubles each retry and is jittered by ±50%. @default 200 */
  readonly retryDelayMs?: number;
  /**
   * Told, in one line each, what publish did besides its commit: owned files that `.gitignore`
   * hides, added with force; its own commits of an interrupted earlier publish that never
   * reached the remote, dropped. @default - not told
   */
  readonly onNote?: (line: string) => void;
  /**
   * The author and committer date of the commits (`CDK8S_GITOPS_NOW` in the CLI).
   * `GIT_AUTHOR_DATE` and `GIT_COMMITTER_DATE` in the environment are never read: soaks are
   * measured from these commits' times, so the environment must not set them back.
   * @default - the time each commit is made (git's clock)
   */
  readonly date?: Date;
}

/** One commit of {@link publishCommits}: a change, its message and trailers. */
export interface PublishCommit {
  /**
   * Writes the change into the work tree, computed from what the work tree holds when it is
   * called (the remote tip with the commits before this one). Called once per attempt, so it
   * must not carry state over from an earlier call.
   */
  readonly apply: () => void | Promise<void>;
  /**
   * The commit message; trailers are appended. A function is called after each `apply()`, with
   * the files the commit changes (repository-relative, sorted).
   */
  readonly message: string | ((files: readonly string[]) => string);
  /** Trailers; a function is called as `message` is. @default - no trailers */
  readonly trailers?: CommitTrailers | ((files: readonly string[]) => CommitTrailers);
  /** @default - the `user.name` and `user.email` of the checkout's git config */
  readonly author?: CommitAuthor;
}

/** Options of {@link publish}: one change, committed as one commit. */
export interface PublishOptions extends PublishTarget, PublishCommit {}

/** Options of {@link publishCommits}: changes committed one after the other and pushed together. */
export interface PublishCommitsOptions extends PublishTarget {
  /** The changes, in order; one that changes nothing makes no commit. */
  readonly commits: readonly PublishCommit[];
}

/** One commit that {@link publishCommits} pushed. */
export interface PublishedCommit {
  /** Which of the `commits` it is (0 for the first). */
  readonly index: number;
  readonly sha: string;
  /** The files it changed, repository-relative and sorted. */
  readonly files: readonly string[];
  /** How it changed each of its `files`, in their order. */
  readonly changes: readonly PublishedChange[];
}

/** How a commit changed one file: `create` (not in its parent), `update` or `delete`. */
export interface PublishedChange {
  /** The file, repository-relative. */
  readonly path: string;
  readonly change: 'create' | 'update' | 'delete';
}

/** What {@link publish} did. */
export interface PublishResult {
  /** The (last) commit pushed, or `HEAD` when nothing changed (empty when there is no commit). */
  readonly sha: string;
  /** The remote branch pushed to (or that would have been). */
  readonly branch: string;
  /** How many times `apply()` ran. */
  readonly attempts: number;
  /** Whether a commit was pushed; `false` when `apply()` changed nothing. */
  readonly pushed: boolean;
  /** The files the commits changed, repository-relative and sorted. */
  readonly files: readonly string[];
  /**
   * How the commits together changed each of `files`, from the branch before them to the last
   * (a file one commit creates and another updates is created), in the order of `files`; a file
   * created and deleted again by them is left out.
   */
  readonly changes: readonly PublishedChange[];
  /** The commits pushed, oldest first. */
  readonly commits: readonly PublishedCommit[];
}

/**
 * Applies a change to a checkout of the GitOps repository, commits exactly the owned files
 * it changed, and pushes the commit without ever forcing. See {@link publishCommits}, which
 * this is with one commit.
 *
 * @example
 * await publish({
 *   dir: 'platform-gitops',
 *   paths: ['releases/payments-api.yaml'],
 *   message: 'Promote payments-api to prod',
 *   trailers: gitopsTrailers({ services: ['payments-api'], rings: ['prod'], operation: Operation.PROMOTE }),
 *   apply: () => ledger.promote('payments-api', 'prod'),
 * });
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const { apply, message, trailers, author, ...target } = options;
  return publishCommits({ ...target, commits: [{ apply, message, ...(trailers ? { trailers } : {}), ...(author ? { author } : {}) }] });
}

/**
 * Applies changes to a checkout of the GitOps repository, one after the other, commits each
 * (exactly the owned files it changed) as a commit of its own, and pushes them together without
 * ever forcing.
 *
 * Each attempt fetches the remote branch, moves the local branch to its tip, runs each
 * `apply()` and commits, then pushes. When the push is rejected because another writer pushed
 * first, the local commits are dropped, the branch moves to the new remote tip and every
 * `apply()` runs again on it, so the other writer's change is kept and these are recomputed on
 * top. After `maxAttempts` rejected pushes it fails with `CG503`.
 *
 * Decisions:
 * - The checkout must be in the middle of no Git operation (a merge, a rebase, a cherry-pick,
 *   a bisect: `CG524`), and have no uncommitted change to a tracked file and no untracked file
 *   under the owned paths (`CG502`); untracked files elsewhere are left alone. Branches
 *   move with `git reset --keep`, which refuses rather than overwrite anything.
 * - A local branch with commits the remote lacks is never rebased, pushed or dropped:
 *   publish pushes only its own commits, and fails with `CG505`. Its own commits (they carry
 *   the operation trailer) of a publish killed before its push are dropped, and said so; those
 *   that reached the remote (the remote-tracking branch held them, now or in its reflog: a push
 *   moves it to what it pushed) and that the remote no longer has were published and are lost
 *   there, and publish fails with `CG527` rather than drop them.
 * - A remote with no branch at all (a new, empty repository) gets its first commits on
 *   `branch`, when the checkout is on that branch and it has no commit yet; when the branch
 *   has commits, publish fails with `CG518` rather than push commits it did not make.
 * - With `pushBranch`, the branch is created from the remote tip of `branch` and pushed
 *   with upstream set. If it exists on the remote, publish fails with `CG504`, or with
 *   `ifBranchExists: ExistingBranch.ADD_COMMIT` adds the commits on top of it. Then the
 *   checkout goes back to the branch it was on.
 * - A change that changes nothing makes no commit; when none does, nothing is committed or
 *   pushed (`pushed: false`).
 * - When an `apply()`, a commit or the push fails, the owned files go back to the base, the
 *   local commits (if any) are dropped and the error is thrown; the remote is untouched, or
 *   holds the complete commits when only the push's answer was lost.
 * - Run one publish per checkout at a time.
 * - Two writers that make byte-identical commits (same base, change, message, author and
 *   second) make one and the same commit; give each writer a trailer of its own (such as
 *   `Cdk8s-Gitops-Promoted-By`) when each of their changes must be recorded.
 */
export async function publishCommits(options: PublishCommitsOptions): Promise<PublishResult> {
  const remote = options.remote ?? 'origin';
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const ifExists = options.ifBranchExists ?? ExistingBranch.FAIL;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw invalidOption(`maxAttempts is ${maxAttempts}`, 'Pass a whole number of at least 1, such as 5.');
  }
  if (!(retryDelayMs >= 0)) {
    throw invalidOption(`retryDelayMs is ${retryDelayMs}`, 'Pass 0 or more milliseconds, such as 200.');
  }
  if (options.commits.length === 0) {
    throw invalidOption('commits is empty', 'Pass at least one change to commit.');
  }
  for (const c of options.commits) {
    if (typeof c.message === 'string' && typeof c.trailers !== 'function') {
      appendTrailers(c.message, c.trailers); // a bad message or trailer fails before anything runs
    }
  }

  const repo = await GitOpsRepository.open(options.dir);
  await repo.assertNoOperationInProgress();
  await repo.remoteUrl(remote);
  const startBranch = await repo.currentBranch();
  const startCommit = await repo.resolve('HEAD');
  const target = options.branch ?? startBranch;
  if (target === undefined) {
    throw GitOpsError.of('CG507', {
      message: `"${repo.root}" has a detached HEAD and no branch to publish to was given.`,
    });
  }
  if (options.pushBranch === target) {
    throw invalidOption(
      `pushBranch "${options.pushBranch}" is the target branch itself`,
      'Omit pushBranch to push to the branch directly, or name a new branch.',
    );
  }
  const local = options.pushBranch ?? target;
  const before = await repo.changes();
  const owned = normalizePaths(await pathsOf(options), repo.root);
  // Owned files git finds changed because an attribute changes what git reads of them: that is the cause to tell.
  const isOwned = under(owned);
  const ownedChanges = before.filter((c) => isOwned(c.path)).map((c) => c.path);
  if (ownedChanges.length > 0) await repo.assertCommittedAsWritten(ownedChanges);
  await repo.assertChangesSeen(owned);
  assertNothingInTheWay(repo.root, before, owned);
  try {
    return await attemptAll(repo, options, { remote, maxAttempts, retryDelayMs, ifExists, target, local, before });
  } finally {
    if (options.pushBranch !== undefined && (await repo.currentBranch()) !== startBranch) {
      // Back where the checkout was; a failure to get there is said, never thrown over the result.
      await repo.switchBack(startBranch !== undefined ? { branch: startBranch } : { commit: startCommit! }).catch((err: unknown) => {
        options.onNote?.(
          `Stayed on branch "${local}": going back to ${startBranch !== undefined ? `branch "${startBranch}"` : 'the commit checked out before'} failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}).`,
        );
      });
    }
  }
}

interface Settings {
  readonly remote: string;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly ifExists: ExistingBranch;
  readonly target: string;
  readonly local: string;
  readonly before: readonly FileChange[];
}

async function pathsOf(options: PublishTarget): Promise<readonly string[]> {
  return typeof options.paths === 'function' ? options.paths() : options.paths;
}

async function attemptAll(repo: GitOpsRepository, options: PublishCommitsOptions, settings: Settings): Promise<PublishResult> {
  const { remote, maxAttempts, retryDelayMs, ifExists, target, local } = settings;
  const remoteBranch = local;
  const ownedPaths = async (): Promise<string[]> => normalizePaths(await pathsOf(options), repo.root);
  const keep = new Set(settings.before.filter((c) => c.kind === ChangeKind.UNTRACKED).map((c) => c.path));
  // Where this clone last saw the remote branch, before the fetch moves it: a push moved it there.
  const tracked = await repo.resolve(`refs/remotes/${remote}/${remoteBranch}`);

  for (let attempts = 1; ; attempts++) {
    const tips = await repo.fetch(remote, options.pushBranch ? [target, options.pushBranch] : [target]);
    const targetTip = tips.get(target);
    if (!targetTip && (options.pushBranch || !(await isFirstCommit(repo, remote, target)))) {
      throw GitOpsError.of('CG508', {
        message: `Remote "${remote}" has no branch "${target}" to publish to.`,
        fix: `Push a first commit to "${target}", or pass the branch the GitOps repository uses (branch: 'main').`,
      });
    }
    const remoteTip = options.pushBranch ? tips.get(options.pushBranch) : targetTip;
    if (options.pushBranch && remoteTip && ifExists === ExistingBranch.FAIL) {
      throw GitOpsError.of('CG504', {
        message: `Branch "${options.pushBranch}" already exists on remote "${remote}" (at ${short(remoteTip)}); the change is probably proposed already.`,
      });
    }
    // Undefined: the remote is empty, and these commits are its first.
    const base = remoteTip ?? targetTip;

    if (attempts === 1 && base !== undefined) {
      const localTip = await repo.resolve(`refs/heads/${local}`);
      const ahead = localTip && !(await repo.isAncestor(localTip, base)) ? await repo.commitsBetween(base, localTip) : [];
      if (ahead.length > 0 && ahead.every((c) => isPublishCommit(c.message))) {
        // Commits of a publish that was killed between its commit and its push never reached the
        // remote, and this publish makes its change again on the remote tip. Those that reached it
        // (git's record of the push: the remote-tracking ref held them) and that it no longer has
        // were published, and nothing would make them again: never dropped.
        const reached = new Set(
          await repo.seenOnRemote(
            remote,
            remoteBranch,
            base,
            ahead.map((c) => c.sha),
            tracked === undefined ? [] : [tracked],
          ),
        );
        if (reached.size > 0 && remoteTip !== undefined) {
          throw lostOnRemote(repo.root, remote, remoteBranch, base, ahead, reached);
        }
        const dropped = ahead.map((c) => short(c.sha)).join(', ');
        options.onNote?.(
          reached.size > 0
            ? `Dropped ${ahead.length} commit${ahead.length === 1 ? '' : 's'} of local branch "${local}" (${dropped}); remote "${remote}" no longer has that branch.`
            : `Dropped ${ahead.length} unpushed commit${ahead.length === 1 ? '' : 's'} of an interrupted publish (${dropped}); ${ahead.length === 1 ? 'it' : 'they'} never reached "${remote}".`,
        );
      } else if (ahead.length > 0) {
        throw GitOpsError.of('CG505', {
          message:
            `Local branch "${local}" in "${repo.root}" is at ${short(localTip!)}, which has commits that remote "${remote}" ` +
            `(at ${short(base)}) lacks; publish pushes only its own commit and will not push, rebase or drop them.`,
          fix: `Push or drop those commits first (\`git log ${short(base)}..${local}\` lists them), or publish from a fresh clone.`,
        });
      }
      if ((await repo.currentBranch()) === local) {
        await repo.moveTo(base);
      } else {
        await repo.switchTo(local, base);
      }
    } else if (base !== undefined) {
      if (await repo.resolve('HEAD')) await repo.moveTo(base);
      else await repo.switchTo(local, base); // the first push lost to another first commit
    }

    let scope = await ownedPaths();
    const made: PublishedCommit[] = [];
    /** Puts the owned files back as the base has them and drops this attempt's commits. */
    const dropAll = async (): Promise<void> => {
      await repo.discardChanges(scope, keep);
      if (made.length === 0) return;
      if (base !== undefined) await repo.moveTo(base);
      else {
        await repo.unbornAgain(local);
        await repo.discardChanges(scope, keep);
      }
    };
    for (const [index, change] of options.commits.entries()) {
      try {
        await change.apply();
        scope = normalizePaths([...scope, ...(await ownedPaths())], repo.root);
      } catch (err) {
        await dropAll();
        throw err;
      }
      const { changes: changed, ignored } = await repo.changesAndIgnored(scope);
      const files = [...new Set([...changed.map((c) => c.path), ...ignored])].sort();
      if (files.length === 0) continue;
      const kinds = new Map(changed.map((c) => [c.path, c.kind]));
      const changes = files.map((path): PublishedChange => {
        const kind = kinds.get(path);
        const change =
          kind === undefined || kind === ChangeKind.UNTRACKED || kind === ChangeKind.ADDED
            ? 'create'
            : kind === ChangeKind.DELETED
              ? 'delete'
              : 'update';
        return { path, change };
      });
      try {
        const message = typeof change.message === 'function' ? change.message(files) : change.message;
        const own = typeof change.trailers === 'function' ? change.trailers(files) : change.trailers;
        // A commit for a merge request says so: merged by a fast-forward, it keeps the time it was
        // made, which is not when it reached the branch (soaks count from the next commit then).
        const trailers = options.pushBranch === undefined ? own : withCommitTrailer(own, TrailerKey.PROPOSED, options.pushBranch);
        const sha = await repo.commit({
          paths: files,
          changed: changed.map((c) => c.path),
          message,
          trailers,
          author: change.author,
          ignored,
          date: options.date,
        });
        made.push({ index, sha, files, changes });
        if (ignored.length > 0) {
          options.onNote?.(
            `Added ${ignored.length} file${ignored.length === 1 ? '' : 's'} that .gitignore hides, because Argo CD reads ${ignored.length === 1 ? 'it' : 'them'} from the repository: ${ignored.slice(0, 5).join(', ')}${ignored.length > 5 ? ', …' : ''}.`,
          );
        }
      } catch (err) {
        await dropAll();
        throw err;
      }
    }
    if (made.length === 0) {
      return {
        sha: (await repo.resolve('HEAD')) ?? '',
        branch: remoteBranch,
        attempts,
        pushed: false,
        files: [],
        changes: [],
        commits: [],
      };
    }
    const sha = made[made.length - 1]!.sha;
    const pushed = (): PublishResult => ({
      sha,
      branch: remoteBranch,
      attempts,
      pushed: true,
      files: [...new Set(made.flatMap((c) => c.files))].sort(),
      changes: netChanges(made),
      commits: made,
    });

    try {
      await repo.push(remote, local, remoteBranch, { setUpstream: options.pushBranch !== undefined || base === undefined });
      return pushed();
    } catch (pushError) {
      const after = await repo.fetch(remote, [remoteBranch]).then(
        (t) => ({ tip: t.get(remoteBranch) }),
        () => undefined,
      );
      if (after?.tip === sha) {
        return pushed(); // it landed; only git's answer was lost
      }
      const at = base !== undefined ? short(base) : 'no commit';
      if (base !== undefined)
        await repo.moveTo(base); // drop the unpushed commits; the owned files go back to the base
      else if (!after?.tip || attempts >= maxAttempts) await dropAll(); // the next attempt moves onto the other first commit
      if (!after || after.tip === remoteTip) {
        const detail = pushError instanceof Error ? pushError.message.trim() : String(pushError);
        throw GitOpsError.of('CG509', {
          message:
            `Pushing "${local}" to "${remoteBranch}" on remote "${remote}" failed, and not because the remote moved: ${detail}. ` +
            `Nothing was pushed; "${repo.root}" is back at ${at} with no changes.`,
        });
      }
      if (attempts >= maxAttempts) {
        throw GitOpsError.of('CG503', {
          message:
            `The remote kept moving: ${attempts} pushes to "${remoteBranch}" on remote "${remote}" were rejected because ` +
            `other commits landed first (remote tip now ${after.tip ? short(after.tip) : 'deleted'}). Nothing was lost: the other ` +
            `writers' commits are on the remote untouched, nothing of this change was pushed, and "${repo.root}" is back at ` +
            `${at} with no changes.`,
        });
      }
      await sleep(retryDelayMs * 2 ** (attempts - 1) * (0.5 + Math.random()));
    }
  }
}

/**
 * Whether a push to `target` would make the first commit of an empty remote: the remote has no
 * branch at all and the checkout is on `target`, which has no commit yet. Fails with `CG518`
 * when the remote is empty but `target` has commits, which publish did not make.
 */
async function isFirstCommit(repo: GitOpsRepository, remote: string, target: string): Promise<boolean> {
  if (await repo.remoteHasBranches(remote)) return false;
  const tip = await repo.resolve(`refs/heads/${target}`);
  if (tip !== undefined) {
    throw GitOpsError.of('CG518', {
      message:
        `Remote "${remote}" is an empty repository, and local branch "${target}" in "${repo.root}" already has commits (at ${short(tip)}); ` +
        'publish makes the first commit of an empty repository itself and will not push commits it did not make.',
      fix: `Push that branch first (git push -u ${remote} ${target}) and publish again, or publish from a fresh clone of the empty repository.`,
    });
  }
  return (await repo.currentBranch()) === target;
}

function assertNothingInTheWay(root: string, changes: readonly FileChange[], owned: readonly string[]): void {
  const isOwned = under(owned);
  const inTheWay = changes.filter((c) => c.kind !== ChangeKind.UNTRACKED || isOwned(c.path));
  if (inTheWay.length === 0) {
    return;
  }
  const shown = inTheWay.slice(0, 10).map((c) => `${c.path} (${c.kind})`);
  const more = inTheWay.length > shown.length ? ` and ${inTheWay.length - shown.length} more` : '';
  throw GitOpsError.of('CG502', {
    message: `"${root}" has uncommitted changes that publish must not overwrite or commit: ${shown.join(', ')}${more}.`,
  });
}

/**
 * `CG527`: the local branch has commits of publishes that reached branch `branch` of `remote`
 * (`reached`), and the remote, at `base`, no longer has them: it went back (a force-push, a reset
 * of the branch). They are listed, newest first, with the commits ahead of the remote besides.
 */
function lostOnRemote(
  root: string,
  remote: string,
  branch: string,
  base: string,
  ahead: readonly { readonly sha: string; readonly message: string }[],
  reached: ReadonlySet<string>,
): GitOpsError {
  const lost = ahead.filter((c) => reached.has(c.sha));
  const listed = lost.slice(0, 10).map((c) => `${short(c.sha)} ${subjectOf(c.message)}`);
  const more = lost.length > listed.length ? ` and ${lost.length - listed.length} more` : '';
  const others = ahead.length - lost.length;
  return GitOpsError.of('CG527', {
    message:
      `Remote "${remote}" no longer has ${lost.length === 1 ? 'a commit' : `${lost.length} commits`} published to its branch "${branch}" from "${root}", ` +
      `which it had (branch "${branch}" is at ${short(base)} now): ${listed.join('; ')}${more}. The branch went back (a force-push, or a reset of the branch); ` +
      `publish neither drops published commits nor pushes them again on its own` +
      `${others > 0 ? ` (the ${others === 1 ? 'commit' : `${others} commits`} after ${lost.length === 1 ? 'it' : 'them'} never reached the remote)` : ''}. Nothing was published.`,
    fix:
      `Find out why "${branch}" on "${remote}" went back. To publish ${lost.length === 1 ? 'it' : 'them'} again: git push ${remote} ${lost[0]!.sha}:${branch}, then publish again. ` +
      `To accept the remote's history and drop ${lost.length === 1 ? 'it' : 'them'}: git fetch ${remote} && git reset --hard ${remote}/${branch} in "${root}" (which discards its uncommitted changes too).`,
  });
}

/** The first line of a commit message. */
function subjectOf(message: string): string {
  return message.split('\n', 1)[0]!.trim();
}

/** Whether a commit message is one {@link publish} made for cdk8s-gitops (it carries the operation trailer). */
function isPublishCommit(message: string): boolean {
  return parseTrailers(message)[TrailerKey.OPERATION] !== undefined;
}

function invalidOption(what: string, fix: string): GitOpsError {
  return GitOpsError.of('CG516', { message: `Invalid publish option: ${what}.`, fix });
}

function short(sha: string): string {
  return sha.slice(0, 8);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How commits made one after the other changed each file together, sorted by path. */
function netChanges(commits: readonly PublishedCommit[]): PublishedChange[] {
  const first = new Map<string, PublishedChange['change']>();
  const last = new Map<string, PublishedChange['change']>();
  for (const c of commits) {
    for (const { path, change } of c.changes) {
      if (!first.has(path)) first.set(path, change);
      last.set(path, change);
    }
  }
  const out: PublishedChange[] = [];
  for (const path of [...first.keys()].sort()) {
    const was = first.get(path)!;
    const now = last.get(path)!;
    // Whether the file was there before the first commit, and is after the last.
    const before = was !== 'create';
    const after = now !== 'delete';
    if (!before && !after) continue;
    out.push({ path, change: !before ? 'create' : !after ? 'delete' : 'update' });
  }
  return out;
}
