import { GitOpsError } from '../errors';
import { isUnder, normalizePaths } from './paths';
import { ChangeKind, CommitAuthor, FileChange, GitOpsRepository } from './repository';
import { appendTrailers, parseTrailers, TrailerInput, TrailerKey } from './trailers';

/** What {@link publish} does when the merge-request branch it should create already exists on the remote. */
export enum ExistingBranch {
  /** Fail with `CG504`: a branch of that name means the change is probably proposed already. */
  FAIL = 'fail',
  /** Check the existing branch out, re-run `apply()` on its tip and push a commit on top when anything changed. */
  ADD_COMMIT = 'add-commit',
}

/** Options of {@link publish}. */
export interface PublishOptions {
  /** A directory of the local checkout of the GitOps repository. */
  readonly dir: string;
  /** The configured remote to fetch from and push to. @default 'origin' */
  readonly remote?: string;
  /** The branch the change is for: pushed to directly, or the base of `pushBranch`. @default - the checked-out branch */
  readonly branch?: string;
  /**
   * The files and directories this publish owns, relative to the repository root. Only
   * changes under them are committed or discarded. A function is called before and after
   * each `apply()`, and the union is used, so files that `apply()` adds to or drops from
   * the owned set are both covered.
   */
  readonly paths: readonly string[] | (() => readonly string[] | Promise<readonly string[]>);
  /** The commit message; trailers are appended. A function is called after each `apply()`. */
  readonly message: string | (() => string);
  /** Trailers; a function is called after each `apply()`. @default - no trailers */
  readonly trailers?: TrailerInput | (() => TrailerInput);
  /** @default - the `user.name` and `user.email` of the checkout's git config */
  readonly author?: CommitAuthor;
  /**
   * Writes the change into the work tree, computed from what the work tree holds when it is
   * called. Called once per attempt, each time on the newest remote tip, so it must not carry
   * state over from an earlier call (read the counter from the file, not from a variable).
   */
  readonly apply: () => void | Promise<void>;
  /** Push to this new branch (for a merge request) instead of to `branch`. @default - push to `branch` */
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
}

/** What {@link publish} did. */
export interface PublishResult {
  /** The commit pushed, or `HEAD` when nothing changed. */
  readonly sha: string;
  /** The remote branch pushed to (or that would have been). */
  readonly branch: string;
  /** How many times `apply()` ran. */
  readonly attempts: number;
  /** Whether a commit was pushed; `false` when `apply()` changed nothing. */
  readonly pushed: boolean;
  /** The files the commit changed, repository-relative and sorted. */
  readonly files: readonly string[];
}

/**
 * Applies a change to a checkout of the GitOps repository, commits exactly the owned files
 * it changed, and pushes the commit without ever forcing.
 *
 * Each attempt fetches the remote branch, moves the local branch to its tip, runs `apply()`,
 * commits and pushes. When the push is rejected because another writer pushed first, the
 * local commit is dropped, the branch moves to the new remote tip and `apply()` runs again
 * on it, so the other writer's change is kept and this one is recomputed on top. After
 * `maxAttempts` rejected pushes it fails with `CG503`.
 *
 * Decisions:
 * - The checkout must have no uncommitted change to a tracked file and no untracked file
 *   under the owned paths (`CG502`); untracked files elsewhere are left alone. Branches
 *   move with `git reset --keep`, which refuses rather than overwrite anything.
 * - A local branch with commits the remote lacks is never rebased, pushed or dropped:
 *   publish pushes only its own commit, and fails with `CG505`.
 * - With `pushBranch`, the branch is created from the remote tip of `branch` and pushed
 *   with upstream set. If it exists on the remote, publish fails with `CG504`, or with
 *   `ifBranchExists: ExistingBranch.ADD_COMMIT` adds a commit on top of it.
 * - When `apply()` changes nothing, nothing is committed or pushed (`pushed: false`).
 * - When `apply()`, the commit or the push fails, the owned files go back to `HEAD`, the
 *   local commit (if any) is dropped and the error is thrown; the remote is untouched, or
 *   holds the complete commit when only the push's answer was lost.
 * - The checkout is left on the branch published to. Run one publish per checkout at a time.
 * - Two writers that make byte-identical commits (same base, change, message, author and
 *   second) make one and the same commit; give each writer a trailer of its own (such as
 *   `Cdk8s-Gitops-Promoted-By`) when each of their changes must be recorded.
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
  const messageOf = (): string => (typeof options.message === 'function' ? options.message() : options.message);
  const trailersOf = (): TrailerInput | undefined => (typeof options.trailers === 'function' ? options.trailers() : options.trailers);
  if (typeof options.message === 'string' && typeof options.trailers !== 'function') {
    appendTrailers(options.message, options.trailers); // a bad message or trailer fails before anything runs
  }

  const repo = await GitOpsRepository.open(options.dir);
  await repo.remoteUrl(remote);
  const target = options.branch ?? (await repo.currentBranch());
  if (target === undefined) {
    throw new GitOpsError({
      code: 'CG507',
      message: `"${repo.root}" has a detached HEAD and no branch to publish to was given.`,
      fix: "Pass the branch to publish to (branch: 'main'), or check that branch out first.",
    });
  }
  if (options.pushBranch === target) {
    throw invalidOption(`pushBranch "${options.pushBranch}" is the target branch itself`, 'Omit pushBranch to push to the branch directly, or name a new branch.');
  }
  const local = options.pushBranch ?? target;
  const remoteBranch = local;
  const ownedPaths = async (): Promise<string[]> =>
    normalizePaths(typeof options.paths === 'function' ? await options.paths() : options.paths, repo.root);

  const before = await repo.changes();
  assertNothingInTheWay(repo.root, before, await ownedPaths());
  const keep = new Set(before.filter((c) => c.kind === ChangeKind.UNTRACKED).map((c) => c.path));

  for (let attempts = 1; ; attempts++) {
    const tips = await repo.fetch(remote, options.pushBranch ? [target, options.pushBranch] : [target]);
    const targetTip = tips.get(target);
    if (!targetTip) {
      throw new GitOpsError({
        code: 'CG508',
        message: `Remote "${remote}" has no branch "${target}" to publish to.`,
        fix: `Push a first commit to "${target}", or pass the branch the GitOps repository uses (branch: 'main').`,
      });
    }
    const remoteTip = options.pushBranch ? tips.get(options.pushBranch) : targetTip;
    if (options.pushBranch && remoteTip && ifExists === ExistingBranch.FAIL) {
      throw new GitOpsError({
        code: 'CG504',
        message: `Branch "${options.pushBranch}" already exists on remote "${remote}" (at ${short(remoteTip)}); the change is probably proposed already.`,
        fix: 'Review, merge or close the merge request of that branch and delete the branch, choose another pushBranch, ' +
          'or pass ifBranchExists: ExistingBranch.ADD_COMMIT to add a commit on top of it.',
      });
    }
    const base = remoteTip ?? targetTip;

    if (attempts === 1) {
      const localTip = await repo.resolve(`refs/heads/${local}`);
      const ahead = localTip && !(await repo.isAncestor(localTip, base)) ? await repo.commitsBetween(base, localTip) : [];
      if (ahead.length > 0 && ahead.every((c) => isPublishCommit(c.message))) {
        // Commits of a publish that was killed between its commit and its push: never on the remote,
        // and this publish makes its change again on the remote tip.
        options.onNote?.(`Dropped ${ahead.length} unpushed commit${ahead.length === 1 ? '' : 's'} of an interrupted publish (${ahead.map((c) => short(c.sha)).join(', ')}); ${ahead.length === 1 ? 'it' : 'they'} never reached "${remote}".`);
      } else if (ahead.length > 0) {
        throw new GitOpsError({
          code: 'CG505',
          message: `Local branch "${local}" in "${repo.root}" is at ${short(localTip!)}, which has commits that remote "${remote}" ` +
            `(at ${short(base)}) lacks; publish pushes only its own commit and will not push, rebase or drop them.`,
          fix: `Push or drop those commits first (\`git log ${short(base)}..${local}\` lists them), or publish from a fresh clone.`,
        });
      }
      if ((await repo.currentBranch()) === local) {
        await repo.moveTo(base);
      } else {
        await repo.switchTo(local, base);
      }
    } else {
      await repo.moveTo(base);
    }

    let scope = await ownedPaths();
    try {
      await options.apply();
      scope = normalizePaths([...scope, ...(await ownedPaths())], repo.root);
    } catch (err) {
      await repo.discardChanges(scope, keep);
      throw err;
    }

    const ignored = await repo.ignoredFiles(scope);
    const files = [...new Set([...(await repo.changedFiles(scope)), ...ignored])].sort();
    if (files.length === 0) {
      return { sha: await repo.headSha(), branch: remoteBranch, attempts, pushed: false, files: [] };
    }
    let sha: string;
    try {
      sha = await repo.commit({ paths: files, message: messageOf(), trailers: trailersOf(), author: options.author, ignored });
      if (ignored.length > 0) {
        options.onNote?.(`Added ${ignored.length} file${ignored.length === 1 ? '' : 's'} that .gitignore hides, because Argo CD reads ${ignored.length === 1 ? 'it' : 'them'} from the repository: ${ignored.slice(0, 5).join(', ')}${ignored.length > 5 ? ', …' : ''}.`);
      }
    } catch (err) {
      await repo.discardChanges(scope, keep);
      throw err;
    }

    try {
      await repo.push(remote, local, remoteBranch, { setUpstream: options.pushBranch !== undefined });
      return { sha, branch: remoteBranch, attempts, pushed: true, files };
    } catch (pushError) {
      const after = await repo.fetch(remote, [remoteBranch]).then((t) => ({ tip: t.get(remoteBranch) }), () => undefined);
      if (after?.tip === sha) {
        return { sha, branch: remoteBranch, attempts, pushed: true, files }; // it landed; only git's answer was lost
      }
      await repo.moveTo(base); // drop the unpushed commit; the owned files go back to the base
      if (!after || after.tip === remoteTip) {
        const detail = pushError instanceof Error ? pushError.message.trim() : String(pushError);
        throw new GitOpsError({
          code: 'CG509',
          message: `Pushing "${local}" to "${remoteBranch}" on remote "${remote}" failed, and not because the remote moved: ${detail}. ` +
            `Nothing was pushed; "${repo.root}" is back at ${short(base)} with no changes.`,
          fix: 'Check access to the remote, its branch protection and hooks, and the network; then publish again.',
        });
      }
      if (attempts >= maxAttempts) {
        throw new GitOpsError({
          code: 'CG503',
          message: `The remote kept moving: ${attempts} pushes to "${remoteBranch}" on remote "${remote}" were rejected because ` +
            `other commits landed first (remote tip now ${after.tip ? short(after.tip) : 'deleted'}). Nothing was lost: the other ` +
            `writers' commits are on the remote untouched, nothing of this change was pushed, and "${repo.root}" is back at ` +
            `${short(base)} with no changes.`,
          fix: 'Publish again; if other writers push this often, raise maxAttempts or run publishers one at a time ' +
            '(for example one CI concurrency group per GitOps repository).',
        });
      }
      await sleep(retryDelayMs * 2 ** (attempts - 1) * (0.5 + Math.random()));
    }
  }
}

function assertNothingInTheWay(root: string, changes: readonly FileChange[], owned: readonly string[]): void {
  const inTheWay = changes.filter((c) => c.kind !== ChangeKind.UNTRACKED || isUnder(c.path, owned));
  if (inTheWay.length === 0) {
    return;
  }
  const shown = inTheWay.slice(0, 10).map((c) => `${c.path} (${c.kind})`);
  const more = inTheWay.length > shown.length ? ` and ${inTheWay.length - shown.length} more` : '';
  throw new GitOpsError({
    code: 'CG502',
    message: `"${root}" has uncommitted changes that publish must not overwrite or commit: ${shown.join(', ')}${more}.`,
    fix: 'Commit, stash or remove them first (`git status` lists them); publish moves its branch to the remote tip ' +
      'between attempts and commits only what its apply() writes.',
  });
}

/** Whether a commit message is one {@link publish} made for cdk8s-gitops (it carries the operation trailer). */
function isPublishCommit(message: string): boolean {
  return parseTrailers(message)[TrailerKey.OPERATION] !== undefined;
}

function invalidOption(what: string, fix: string): GitOpsError {
  return new GitOpsError({ code: 'CG516', message: `Invalid publish option: ${what}.`, fix });
}

function short(sha: string): string {
  return sha.slice(0, 8);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
