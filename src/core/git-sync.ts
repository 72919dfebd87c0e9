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
 * programs for git to run on every index read (fsmonitor), at each commit and push (hooks), to
 * sign a commit or a push (gpg), and for submodules on a checkout; none runs. (A filter driver a
 * `.gitattributes` names still runs: the git this supports, 2.39, has no switch for it; a commit
 * refuses one on the files it commits, CG522.)
 * Nor may it change what a commit records or what is read of one: messages are UTF-8 (an
 * `i18n.commitEncoding` of ISO-8859-1 labelled UTF-8 bytes as Latin-1, and every other clone read
 * `José` as `JosÃ©`), and only their whitespace is cleaned up (`commit.cleanup=strip` dropped
 * lines that begin with `#`); the history of a file is that path's (`log.follow` took in the
 * commits of another file renamed to it), and a log holds what its format asks for
 * (`log.showSignature` put the check of each signed commit's signature before it); a push
 * pushes the branch named, not the clone's tags (`push.followTags`) or submodules.
 */
export const SAFE_CONFIG: readonly string[] = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'commit.gpgSign=false',
  'push.gpgSign=false',
  'push.followTags=false',
  'push.recurseSubmodules=no',
  'submodule.recurse=false',
  'log.follow=false',
  'log.showSignature=false',
  'i18n.commitEncoding=UTF-8',
  'i18n.logOutputEncoding=UTF-8',
  'commit.cleanup=whitespace',
];

/**
 * The options every git command cdk8s-gitops runs is given after its configuration: no replace
 * objects (a local `refs/replace/` ref does not stand in for a commit or a ledger that is read),
 * and pathspecs taken literally (a path is never a pattern).
 */
export const GIT_OPTIONS: readonly string[] = ['--no-replace-objects', '--literal-pathspecs'];

/**
 * What every git command cdk8s-gitops runs starts with: {@link SAFE_CONFIG} (no program a
 * repository's configuration names runs, such as `core.fsmonitor` on an index read), then
 * {@link GIT_OPTIONS}.
 */
export const SAFE_GIT_ARGS: readonly string[] = [...SAFE_CONFIG.flatMap((c) => ['-c', c]), ...GIT_OPTIONS];

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

/**
 * Git's variables that choose a repository, or a part of one, instead of the directory git runs
 * in: its Git directory, work tree, index, object store, namespace (see `git rev-parse
 * --local-env-vars`). Git sets some of them for its hooks, so a command started from a hook of
 * another repository (a pre-push hook of the platform's program) would read and write that one.
 * What configures git (`GIT_CONFIG_*`, `GIT_SSH_COMMAND`) is not among them.
 */
export const REPOSITORY_VARIABLES: readonly string[] = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_GRAFT_FILE',
  'GIT_SHALLOW_FILE',
  'GIT_REPLACE_REF_BASE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
];

/**
 * Removes {@link REPOSITORY_VARIABLES} from `env`: the CLI does so with its own environment when
 * it starts, so that every git command it runs works in the repository of the directory it
 * names (the checkout, the program's directory), and the program it runs finds its own the same way.
 *
 * @example
 * clearRepositoryVariables(process.env);
 */
export function clearRepositoryVariables(env: NodeJS.ProcessEnv): void {
  for (const name of REPOSITORY_VARIABLES) delete env[name];
}
