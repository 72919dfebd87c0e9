/**
 * The options every git command cdk8s-gitops runs is given, and git run synchronously with them
 * for a quick question about a work tree (where its Git directory is, whether it tracks a path).
 * Apart from the git runner (`workspace/git/command.ts`), so that what asks such a question does
 * not load simple-git.
 *
 * @module
 */
import { spawnSync } from 'child_process';

/**
 * What every git command cdk8s-gitops runs is given: a clone's own configuration may name
 * programs for git to run on every index read (fsmonitor), at each commit and push (hooks) and
 * to sign (gpg); none runs. (A filter driver a `.gitattributes` names still runs: the git this
 * supports, 2.39, has no switch for it.)
 */
export const SAFE_CONFIG: readonly string[] = ['core.fsmonitor=false', 'core.hooksPath=/dev/null', 'commit.gpgSign=false'];

/**
 * What every git command cdk8s-gitops runs starts with: {@link SAFE_CONFIG} (no program a
 * repository's configuration names runs, such as `core.fsmonitor` on an index read), no
 * replace objects, and pathspecs taken literally (a path is never a pattern).
 */
export const SAFE_GIT_ARGS: readonly string[] = [...SAFE_CONFIG.flatMap((c) => ['-c', c]), '--no-replace-objects', '--literal-pathspecs'];

/** What {@link gitSync} found: git's exit code (null when it could not run) and its standard output. */
export interface GitSyncResult {
  readonly status: number | null;
  readonly stdout: string;
}

/**
 * Runs `git <args>` in `cwd` and waits for it; what it prints on standard error is dropped.
 *
 * @example
 * gitSync(dir, ['rev-parse', '--show-prefix']).stdout; // 'platform/\n'
 */
export function gitSync(cwd: string, args: readonly string[], maxBuffer = 1024 * 1024): GitSyncResult {
  const r = spawnSync('git', [...SAFE_GIT_ARGS, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer });
  return { status: r.status, stdout: r.stdout ?? '' };
}
