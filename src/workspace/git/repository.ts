import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../../core/errors';
import { GitCommandError, GitRunner, gitFailure, remoteSafety } from './command';
import { crlfCause, LINE_END_ATTRIBUTES, LineEndSettings, lineEndSettings } from './line-ends';
import { normalizePaths, topPattern, under } from './paths';
import { appendTrailers, CommitTrailers } from './trailers';

/**
 * The attributes under which git commits other bytes than a file holds: a filter driver's clean
 * command, a conversion from another encoding, `$Id$` collapsed.
 */
const CONTENT_ATTRIBUTES = ['filter', 'working-tree-encoding', 'ident'];

/**
 * The Git operations a clone may be in the middle of, each by the file or directory of the Git
 * directory that marks it (as `git status` finds them), and how to finish or abort it.
 */
const OPERATIONS: readonly {
  readonly mark: string;
  readonly what: string;
  readonly name: string;
  readonly finish: string;
  readonly abort?: string;
}[] = [
  { mark: 'rebase-merge', what: 'a rebase', name: 'rebase', finish: 'git rebase --continue', abort: 'git rebase --abort' },
  {
    mark: 'rebase-apply',
    what: 'a rebase or `git am`',
    name: 'rebase or am',
    finish: 'git rebase --continue, or git am --continue',
    abort: 'git rebase --abort, or git am --abort',
  },
  { mark: 'MERGE_HEAD', what: 'a merge', name: 'merge', finish: 'git commit', abort: 'git merge --abort' },
  {
    mark: 'CHERRY_PICK_HEAD',
    what: 'a cherry-pick',
    name: 'cherry-pick',
    finish: 'git cherry-pick --continue',
    abort: 'git cherry-pick --abort',
  },
  { mark: 'REVERT_HEAD', what: 'a revert', name: 'revert', finish: 'git revert --continue', abort: 'git revert --abort' },
  {
    mark: 'sequencer',
    what: 'a cherry-pick or revert of several commits',
    name: 'cherry-pick or revert',
    finish: 'git cherry-pick --continue, or git revert --continue',
    abort: 'git cherry-pick --abort, or git revert --abort',
  },
  { mark: 'BISECT_LOG', what: 'a bisect', name: 'bisect', finish: 'git bisect reset' },
];

/** Files a refusal of {@link GitOpsRepository.commit} or {@link GitOpsRepository.assertChangesSeen} names; the rest are counted. */
const ATTRIBUTES_SHOWN = 5;

/** The author recorded on a commit. */
export interface CommitAuthor {
  readonly name: string;
  readonly email: string;
}

/** What {@link GitOpsRepository.commit} commits. */
export interface CommitOptions {
  /** Repository-relative files or directories to commit; nothing else is staged or committed. */
  readonly paths: readonly string[];
  /** The commit message: a subject line, optionally a blank line and a body. */
  readonly message: string;
  /** Trailers appended to the message: one paragraph, or several. @default - none */
  readonly trailers?: CommitTrailers;
  /** @default - the `user.name` and `user.email` of the repository's git config */
  readonly author?: CommitAuthor;
  /**
   * Files under `paths` that `.gitignore` hides but that belong in the commit: staged by name
   * all the same. @default - none
   */
  readonly ignored?: readonly string[];
  /**
   * The files under `paths` that differ from `HEAD`, as the caller has just read them
   * ({@link GitOpsRepository.changes}) with nothing written since: git is not asked again (a
   * status of a fleet's work tree takes about a second).
   * @default - asked of git
   */
  readonly changed?: readonly string[];
  /**
   * The author and committer date of the commit. `GIT_AUTHOR_DATE` and `GIT_COMMITTER_DATE`
   * in the environment are never read: soaks are measured from the committer times of the
   * commits cdk8s-gitops makes, so a date set there must not make a release look older. A date
   * earlier than the parent's committer time is taken as that time: a commit is never dated
   * before its parent.
   * @default - the time the commit is made (git's clock)
   */
  readonly date?: Date;
}

/** How a file differs from `HEAD`. */
export enum ChangeKind {
  /** Not tracked by git (and not ignored). */
  UNTRACKED = 'untracked',
  /** New in the index, not in `HEAD`. */
  ADDED = 'added',
  /** Tracked, with other content than in `HEAD`. */
  MODIFIED = 'modified',
  /** In `HEAD`, gone from the work tree or the index. */
  DELETED = 'deleted',
}

/** One file that differs from `HEAD`. */
export interface FileChange {
  /** Repository-relative path with forward slashes. */
  readonly path: string;
  readonly kind: ChangeKind;
  /** Whether the index holds a change for this file. */
  readonly staged: boolean;
}

/**
 * A local git checkout (a work tree) that cdk8s-gitops writes to. Every operation
 * that takes paths touches those paths only: the user's other files, staged or not,
 * tracked or not, stay as they are.
 *
 * Paths are relative to the root of the work tree, whatever directory was opened.
 *
 * @example
 * const repo = await GitOpsRepository.open('platform-gitops');
 * if (!(await repo.isClean(['releases']))) {
 *   const sha = await repo.commit({
 *     paths: ['releases'],
 *     message: 'Promote payments-api to prod',
 *     trailers: { 'Cdk8s-Gitops-Service': 'payments-api', 'Cdk8s-Gitops-Ring': 'prod' },
 *   });
 * }
 */
export class GitOpsRepository {
  /**
   * Opens the work tree that contains `dir`. Fails with `CG501` when `dir` does not
   * exist or is not inside a git work tree (a bare repository is not one).
   */
  public static async open(dir: string): Promise<GitOpsRepository> {
    const abs = path.resolve(dir);
    const notRepo = (why: string): GitOpsError =>
      GitOpsError.of('CG501', {
        message: `"${abs}" ${why}.`,
      });
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
      throw notRepo('is not a directory');
    }
    let root: string;
    try {
      const runner = new GitRunner(abs);
      if ((await runner.run(['rev-parse', '--is-inside-work-tree'])).trim() !== 'true') {
        throw notRepo('is not inside a git work tree');
      }
      root = (await runner.run(['rev-parse', '--show-toplevel'])).trim();
    } catch (err) {
      if (err instanceof GitCommandError) {
        throw notRepo(`is not a git work tree (${err.message.split('\n')[0]})`);
      }
      throw err;
    }
    // A clone's `core.worktree` may name another directory (one above it) as its work tree, into
    // which publish's moves would write: the work tree is the one the `.git` found above `dir` is in.
    const own = clonedIn(abs);
    if (own === undefined || fs.realpathSync(own) !== fs.realpathSync(root)) {
      throw GitOpsError.of('CG501', {
        message: `"${abs}" is ${own === undefined ? 'in no clone' : `in the clone "${own}"`}, but its Git configuration makes "${root}" the work tree (core.worktree): git would read and write files outside the clone.`,
        fix: `Remove the setting (git -C "${own ?? abs}" config --unset core.worktree), or clone the repository again.`,
      });
    }
    return new GitOpsRepository(path.resolve(root));
  }

  /** The absolute path of the root of the work tree. */
  public readonly root: string;
  private readonly git: GitRunner;

  private constructor(root: string) {
    this.root = root;
    this.git = new GitRunner(root);
  }

  /** The name of the checked-out branch, or `undefined` when `HEAD` is detached. */
  public async currentBranch(): Promise<string | undefined> {
    try {
      const name = (await this.git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim();
      return name === '' ? undefined : name;
    } catch (err) {
      if (err instanceof GitCommandError && err.exitCode === 1) {
        return undefined;
      }
      throw gitFailure(err, 'read the current branch', this.root);
    }
  }

  /** The commit `HEAD` points at. Fails with `CG511` when the branch has no commit yet. */
  public async headSha(): Promise<string> {
    const sha = await this.resolve('HEAD');
    if (!sha) {
      throw GitOpsError.of('CG511', {
        message: `HEAD in "${this.root}" points at no commit (the branch has no commit yet).`,
        fix: 'Make a first commit, or clone a repository that has one.',
      });
    }
    return sha;
  }

  /** The committer time of `commit`, in seconds since the epoch. */
  private async committedAt(commit: string): Promise<number> {
    try {
      return Number((await this.git.run(['show', '-s', '--no-show-signature', '--format=%ct', commit])).trim());
    } catch (err) {
      throw gitFailure(err, `read the time of commit "${commit}"`, this.root);
    }
  }

  /** The commit a ref names, or `undefined` when it names none. */
  public async resolve(ref: string): Promise<string | undefined> {
    try {
      return (await this.git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
    } catch (err) {
      if (err instanceof GitCommandError && err.exitCode === 1) {
        return undefined;
      }
      throw gitFailure(err, `resolve "${ref}"`, this.root);
    }
  }

  /**
   * Every file under `paths` (the whole work tree when omitted) that differs from
   * `HEAD`: modified, deleted, added, or untracked. Ignored files are not listed.
   */
  public async changes(paths?: readonly string[]): Promise<FileChange[]> {
    return (await this.status(paths, false)).changes;
  }

  /**
   * What {@link changes} gives for `paths` (files or directories), and among them the untracked
   * files that `.gitignore` (or another exclude) hides, one by one: also those below a directory
   * an exclude hides whole (`environments/`, `*`). One `git status` of the work tree gives both.
   */
  public async changesAndIgnored(paths: readonly string[]): Promise<{ changes: FileChange[]; ignored: string[] }> {
    return this.status(paths, true);
  }

  private async status(paths: readonly string[] | undefined, listIgnored: boolean): Promise<{ changes: FileChange[]; ignored: string[] }> {
    const inScope = paths === undefined ? undefined : under(normalizePaths(paths, this.root));
    let out: string;
    try {
      // With every untracked file listed, `--ignored` lists an ignored directory's files one by one.
      out = await this.git.run([
        'status',
        '--porcelain=v1',
        '-z',
        '--no-renames',
        '--untracked-files=all',
        ...(listIgnored ? ['--ignored'] : []),
      ]);
    } catch (err) {
      throw gitFailure(err, 'read the status of the work tree', this.root);
    }
    const fields = out.split('\0');
    const changes: FileChange[] = [];
    const ignored: string[] = [];
    for (let i = 0; i < fields.length; i++) {
      const entry = fields[i]!;
      if (entry.length < 4) {
        continue;
      }
      const x = entry[0]!;
      const y = entry[1]!;
      const file = entry.slice(3);
      if (x === 'R' || x === 'C') {
        i++; // the source path of a rename or copy follows
      }
      if (inScope && !inScope(file)) {
        continue;
      }
      if (x === '!') {
        ignored.push(file);
        continue;
      }
      const kind =
        x === '?' ? ChangeKind.UNTRACKED : x === 'D' || y === 'D' ? ChangeKind.DELETED : x === 'A' ? ChangeKind.ADDED : ChangeKind.MODIFIED;
      changes.push({ path: file, kind, staged: x !== ' ' && x !== '?' });
    }
    return { changes: changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), ignored: ignored.sort() };
  }

  /** Among `paths` (files or directories), the files that differ from `HEAD`, untracked and deleted ones included. */
  public async changedFiles(paths: readonly string[]): Promise<string[]> {
    return (await this.changes(paths)).map((c) => c.path);
  }

  /** Whether nothing under `paths` (the whole work tree when omitted) differs from `HEAD`. */
  public async isClean(paths?: readonly string[]): Promise<boolean> {
    return (await this.changes(paths)).length === 0;
  }

  /**
   * Commits the changed files under `paths` (additions, modifications and deletions)
   * and returns the new commit's sha. Stages nothing else: other files, including files
   * the user staged, are left exactly as they were. Fails with `CG506` when nothing
   * under `paths` changed.
   */
  public async commit(options: CommitOptions): Promise<string> {
    const scope = normalizePaths(options.paths, this.root);
    const message = appendTrailers(options.message, options.trailers);
    const inScope = under(scope);
    const ignored = normalizePaths(options.ignored ?? [], this.root).filter(inScope);
    const changed = options.changed === undefined ? await this.changedFiles(scope) : options.changed.filter(inScope);
    const files = [...new Set([...changed, ...ignored])].sort();
    if (files.length === 0) {
      throw GitOpsError.of('CG506', {
        message: `Nothing to commit under ${scope.map((p) => `"${p}"`).join(', ')} in "${this.root}": those files match HEAD.`,
      });
    }
    await this.assertCommittedAsWritten(files);
    const parent = await this.resolve('HEAD');
    // Never before its parent (CDK8S_GITOPS_NOW set back): a soak is measured from the commits' times.
    const seconds =
      options.date === undefined
        ? undefined
        : Math.max(Math.floor(options.date.getTime() / 1000), parent === undefined ? 0 : await this.committedAt(parent));
    const stdin = files.map((f) => `${f}\0`).join('');
    const index = await this.gitPath(COMMIT_INDEX);
    try {
      // `update-index` stages each file by name (added, changed or deleted; one an exclude hides
      // as well): `git add` with a pathspec per file compares every file with every pathspec (14 s
      // for a fleet's 27,000 files), and so does `git commit --only` (11 s, growing with the square).
      // The commit is made as `commit --only` makes it, in a temporary index: `HEAD`'s tree with
      // exactly these files as the work tree holds them, whatever else the index holds.
      await this.git.runWithInput(['update-index', '--add', '--remove', '-z', '--stdin'], stdin);
      removeIndexFile(index);
      const temporary = { GIT_INDEX_FILE: index };
      await this.git.runWith(parent === undefined ? ['read-tree', '--empty'] : ['read-tree', parent], temporary);
      await this.git.runWith(['update-index', '--add', '--remove', '-z', '--stdin'], temporary, stdin);
      const tree = (await this.git.runWith(['write-tree'], temporary)).trim();
      const date = seconds === undefined ? undefined : `${seconds} +0000`;
      const author = options.author === undefined ? {} : { GIT_AUTHOR_NAME: options.author.name, GIT_AUTHOR_EMAIL: options.author.email };
      // As `git commit` with `commit.cleanup=whitespace` records it.
      const text = await this.git.runWith(['stripspace'], {}, message);
      const commit = (
        await this.git.runWith(
          ['commit-tree', tree, ...(parent === undefined ? [] : ['-p', parent]), '-F', '-'],
          {
            ...author,
            GIT_AUTHOR_DATE: date,
            GIT_COMMITTER_DATE: date,
          },
          text,
        )
      ).trim();
      const subject = text.split('\n', 1)[0];
      await this.git.runWith(
        ['update-ref', '-m', `commit${parent === undefined ? ' (initial)' : ''}: ${subject}`, 'HEAD', commit, parent ?? ''],
        {},
      );
    } catch (err) {
      await this.unstage(files);
      throw err instanceof GitOpsError ? err : gitFailure(err, `commit ${files.length} file(s)`, this.root);
    } finally {
      try {
        removeIndexFile(index);
      } catch {
        // Whatever stands in its way is named by the next commit, which removes nothing else.
      }
    }
    return this.headSha();
  }

  /**
   * Fails with `CG522` when git would commit other bytes than the work tree holds for any of
   * `files`, or check out other bytes than it committed: an attribute (`.gitattributes`,
   * `.git/info/attributes`, the global attributes file) gives it a filter driver (Git LFS's
   * `filter=lfs` on a machine that has it stores a pointer instead), a `working-tree-encoding`
   * or `ident`; or it (`eol=crlf`) or the clone's configuration (`core.autocrlf=true`) converts
   * its line ends to CRLF on checkout, so that every other clone holds other bytes than were
   * written (a deleted file commits no bytes, and is not refused). What is published is what
   * was written, or nothing. Also what git finds changed under such an attribute is not
   * necessarily changed: its filter's text of the file is compared with the commit's.
   */
  public async assertCommittedAsWritten(files: readonly string[]): Promise<void> {
    let out: string;
    try {
      const asked = [...CONTENT_ATTRIBUTES, ...LINE_END_ATTRIBUTES];
      out = await this.git.runWithInput(['check-attr', '-z', '--stdin', ...asked], files.map((f) => `${f}\0`).join(''));
    } catch (err) {
      throw gitFailure(err, `read the attributes of ${files.length} file(s)`, this.root);
    }
    const fields = out.split('\0');
    const attributes = new Map<string, Map<string, string>>();
    for (let i = 0; i + 2 < fields.length; i += 3) {
      const [file, attribute, value] = [fields[i]!, fields[i + 1]!, fields[i + 2]!];
      const of = attributes.get(file) ?? attributes.set(file, new Map()).get(file)!;
      of.set(attribute, value);
    }
    let settings: LineEndSettings | undefined;
    const found: string[] = [];
    /** What to unset, by the top directory (or top-level file) of the files found. */
    const unset = new Map<string, Set<string>>();
    for (const [file, values] of attributes) {
      const causes: string[] = [];
      const names: string[] = [];
      for (const attribute of CONTENT_ATTRIBUTES) {
        const value = values.get(attribute) ?? 'unspecified';
        if (value === 'unspecified' || value === 'unset') continue;
        causes.push(value === 'set' ? attribute : `${attribute}=${value}`);
        names.push(attribute);
      }
      settings ??= lineEndSettings(this.root);
      const crlf = crlfCause(values.get('text') ?? 'unspecified', values.get('eol') ?? 'unspecified', settings);
      if (crlf !== undefined) {
        causes.push(crlf);
        names.push('text');
      }
      // A deletion commits no bytes, which no attribute changes.
      if (causes.length === 0 || fs.lstatSync(path.join(this.root, file), { throwIfNoEntry: false }) === undefined) continue;
      found.push(`"${file}" (${causes.join(', ')})`);
      const top = topPattern(file);
      for (const name of names) unset.set(top, (unset.get(top) ?? new Set()).add(name));
    }
    if (found.length === 0) return;
    const shown = found.slice(0, ATTRIBUTES_SHOWN).join(', ');
    const more = found.length > ATTRIBUTES_SHOWN ? ` and ${found.length - ATTRIBUTES_SHOWN} more` : '';
    const lines = [...unset]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([top, names]) => `${top} ${[...names].map((n) => `-${n}`).join(' ')}`);
    throw GitOpsError.of('CG522', {
      message: `Git would commit or check out other bytes than cdk8s-gitops wrote for ${found.length} file(s) in "${this.root}", by their attributes or Git's configuration: ${shown}${more}. Nothing was committed.`,
      fix: `Take the attribute off the files cdk8s-gitops writes, or unset it for them with these lines at the end of the top \`.gitattributes\`: ${lines.map((l) => `\`${l}\``).join(', ')}.`,
    });
  }

  /**
   * Fails with `CG523` when git is told to take any tracked file under `paths` as unchanged
   * (`git update-index --assume-unchanged`, or `--skip-worktree`, which a sparse checkout sets on
   * the files it leaves out): git does not look at such a file, so what cdk8s-gitops writes to it
   * would be left out of the commit while the rest (its manifest) records it.
   */
  public async assertChangesSeen(paths: readonly string[]): Promise<void> {
    const inScope = under(normalizePaths(paths, this.root));
    let out: string;
    try {
      out = await this.git.run(['ls-files', '-v', '-z']);
    } catch (err) {
      throw gitFailure(err, 'list the files of the index', this.root);
    }
    const found: string[] = [];
    const flags = new Set<string>();
    // Each entry is a one-letter tag, a space and the path: lower case is assume-unchanged, S
    // skip-worktree. The tag is looked at first; almost every entry has neither flag.
    for (let at = 0; at < out.length;) {
      const end = out.indexOf('\0', at);
      const next = end < 0 ? out.length : end;
      const tag = out[at]!;
      const flag = tag === 'S' ? 'skip-worktree' : tag >= 'a' && tag <= 'z' ? 'assume-unchanged' : undefined;
      const file = flag === undefined ? '' : out.slice(at + 2, next);
      at = next + 1;
      if (flag === undefined || !inScope(file)) continue;
      found.push(`"${file}" (${flag})`);
      flags.add(flag);
    }
    if (found.length === 0) return;
    const more = found.length > ATTRIBUTES_SHOWN ? ` and ${found.length - ATTRIBUTES_SHOWN} more` : '';
    // One flag per command: git update-index clears only the first of several it is given.
    const clear = [...flags].sort().map((f) => `\`git update-index --no-${f} -- <file>…\``);
    throw GitOpsError.of('CG523', {
      message: `Git is told to take ${found.length} file(s) cdk8s-gitops writes in "${this.root}" as unchanged: ${found.slice(0, ATTRIBUTES_SHOWN).join(', ')}${more}. It would leave what was written to them out of the commit. Nothing was committed.`,
      fix: `Clear the flag${flags.size > 1 ? 's' : ''}: ${clear.join(', then ')} (\`git ls-files -v | grep '^[a-zS]'\` lists the files); for a sparse checkout that leaves them out, take them in (\`git sparse-checkout disable\`).`,
    });
  }

  /**
   * Fails with `CG524` when the clone is in the middle of a Git operation (a merge, a rebase, a
   * cherry-pick or revert, `git am`, a bisect: what `git status` tells from the same files):
   * publish moves the branch with `git reset` and commits on it, which would end the operation
   * (a reset forgets a cherry-pick in progress) or mix its own commits into it.
   */
  public async assertNoOperationInProgress(): Promise<void> {
    let out: string;
    try {
      out = await this.git.run(['rev-parse', ...OPERATIONS.flatMap((o) => ['--git-path', o.mark])]);
    } catch (err) {
      throw gitFailure(err, 'find the files of its Git directory', this.root);
    }
    const paths = out.split('\n');
    const found = OPERATIONS.find((_, i) => paths[i] && fs.lstatSync(path.resolve(this.root, paths[i]), { throwIfNoEntry: false }));
    if (found === undefined) return;
    throw GitOpsError.of('CG524', {
      message: `"${this.root}" is in the middle of ${found.what} (${found.mark} is in its Git directory): publish moves the branch and commits on it, which would end the ${found.name} or mix into it. Nothing was changed.`,
      fix: `Finish the ${found.name} (${found.finish})${found.abort === undefined ? '' : ` or abort it (${found.abort})`}, then publish again.`,
    });
  }

  /**
   * Creates branch `name` at `from` without checking it out. Fails with `CG514` for a
   * name git does not accept, and with `CG599` when the branch exists.
   */
  public async createBranch(name: string, from = 'HEAD'): Promise<void> {
    await this.checkBranchName(name);
    try {
      await this.git.run(['branch', '--no-track', name, from]);
    } catch (err) {
      throw gitFailure(err, `create branch "${name}" at "${from}"`, this.root);
    }
  }

  /**
   * Checks out branch `name`. Local changes are carried over; git refuses (and this
   * fails) when a change would be overwritten.
   */
  public async checkout(name: string): Promise<void> {
    await this.checkBranchName(name);
    try {
      await this.git.run(['switch', '--quiet', name]);
    } catch (err) {
      throw gitFailure(err, `check out branch "${name}"`, this.root);
    }
  }

  /**
   * Points the current branch at `ref` with `git reset --keep`: files that differ
   * between `HEAD` and `ref` are updated, and git refuses (and this fails) rather than
   * overwrite a local change or an untracked file. Other local changes are kept.
   */
  public async moveTo(ref: string): Promise<void> {
    try {
      await this.git.run(['reset', '--quiet', '--keep', ref]);
    } catch (err) {
      throw gitFailure(err, `move the current branch to "${ref}"`, this.root);
    }
  }

  /**
   * Creates or resets local branch `name` at `from` and checks it out
   * (`git switch --force-create`); local changes are carried over as by {@link checkout}.
   */
  public async switchTo(name: string, from: string): Promise<void> {
    await this.checkBranchName(name);
    try {
      await this.git.run(['switch', '--quiet', '--no-track', '--force-create', name, from]);
    } catch (err) {
      throw gitFailure(err, `check out branch "${name}" at "${from}"`, this.root);
    }
  }

  /**
   * Checks out `ref` with `git switch`: a branch name, or any other commit as a detached `HEAD`.
   * Local changes are carried over; git refuses (and this fails) when one would be overwritten.
   */
  public async switchBack(ref: { readonly branch: string } | { readonly commit: string }): Promise<void> {
    // A name read back from a record (a pending operation's) may be anything: never an option.
    if ('branch' in ref) await this.checkBranchName(ref.branch);
    const args = 'branch' in ref ? ['switch', '--quiet', ref.branch] : ['switch', '--quiet', '--detach', ref.commit];
    try {
      await this.git.run(args);
    } catch (err) {
      throw gitFailure(err, `check out ${'branch' in ref ? `branch "${ref.branch}"` : `commit "${ref.commit}"`}`, this.root);
    }
  }

  /**
   * Makes branch `name`, the checked-out one, unborn again: the branch is deleted and the index
   * emptied, so the files of its commits stay in the work tree as untracked files. For a branch
   * whose only commits were made here and never pushed.
   */
  public async unbornAgain(name: string): Promise<void> {
    try {
      await this.git.run(['update-ref', '-d', `refs/heads/${name}`]);
      await this.git.run(['read-tree', '--empty']);
    } catch (err) {
      throw gitFailure(err, `remove the commits of branch "${name}"`, this.root);
    }
  }

  /** Whether `remote` has any branch at all (a new, empty repository has none). */
  public async remoteHasBranches(remote: string): Promise<boolean> {
    try {
      return (await this.git.run(['ls-remote', ...remoteSafety('fetch'), '--heads', '--', remote])).trim() !== '';
    } catch (err) {
      throw gitFailure(err, `list the branches of remote "${remote}"`, this.root);
    }
  }

  /** The commits reachable from `tip` and not from `base`, newest first, with their full messages. */
  public async commitsBetween(base: string, tip: string): Promise<{ readonly sha: string; readonly message: string }[]> {
    let out: string;
    try {
      out = await this.git.run(['log', '--format=%H%x00%B%x00', `${base}..${tip}`, '--']);
    } catch (err) {
      throw gitFailure(err, `list the commits from "${base}" to "${tip}"`, this.root);
    }
    const parts = out.split('\0');
    const commits: { sha: string; message: string }[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) commits.push({ sha: parts[i].trim(), message: parts[i + 1] });
    return commits;
  }

  /**
   * Which of `commits` (none of them reachable from `base`) this clone saw on branch `branch` of
   * `remote`: those its remote-tracking ref `refs/remotes/<remote>/<branch>` holds or held at any
   * time its reflog records (a push moves it to what was pushed, a fetch to what the remote had),
   * or that `seen` holds (tips it was seen at that the reflog may lack). In the order of `commits`.
   */
  public async seenOnRemote(
    remote: string,
    branch: string,
    base: string,
    commits: readonly string[],
    seen: readonly string[] = [],
  ): Promise<string[]> {
    const ref = `refs/remotes/${remote}/${branch}`;
    try {
      const logged = (await this.git.test(['reflog', 'exists', ref]))
        ? (await this.git.run(['log', '--walk-reflogs', '--format=%H', '--end-of-options', ref, '--'])).split('\n')
        : [];
      const tips = [...new Set([...logged, ...seen].map((s) => s.trim()).filter((s) => s !== ''))];
      if (tips.length === 0) return [];
      const reached = new Set((await this.git.runWithInput(['rev-list', '--stdin'], [...tips, `^${base}`].join('\n') + '\n')).split('\n'));
      return commits.filter((c) => reached.has(c));
    } catch (err) {
      throw gitFailure(err, `read what "${ref}" held`, this.root);
    }
  }

  /** The absolute path of `name` in the repository's git directory (`git rev-parse --git-path`). */
  public async gitPath(name: string): Promise<string> {
    try {
      return path.resolve(this.root, (await this.git.run(['rev-parse', '--git-path', name])).trim());
    } catch (err) {
      throw gitFailure(err, `find "${name}" in the git directory`, this.root);
    }
  }

  /** Whether commit `ancestor` is `descendant` or one of its ancestors. */
  public async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      return await this.git.test(['merge-base', '--is-ancestor', ancestor, descendant]);
    } catch (err) {
      throw gitFailure(err, `compare "${ancestor}" with "${descendant}"`, this.root);
    }
  }

  /**
   * Puts files under `paths` back as they are in `HEAD`: unstages them, restores
   * modified and deleted files, and removes untracked files except those in `keep`.
   * Files outside `paths` are not touched.
   *
   * @param status what {@link changes} of `paths` gave just before, when the caller has it
   *   (each `git status` of a fleet's checkout reads 27,000 files' times)
   */
  public async discardChanges(
    paths: readonly string[],
    keep: ReadonlySet<string> = new Set(),
    status?: readonly FileChange[],
  ): Promise<void> {
    const scope = normalizePaths(paths, this.root);
    const before = status ?? (await this.changes(scope));
    const staged = before.filter((c) => c.staged).map((c) => c.path);
    await this.unstage(staged);
    // Unstaging changes the status of what was staged: with nothing staged, it is as it was.
    const changes = staged.length === 0 ? before : await this.changes(scope);
    const tracked = changes.filter((c) => c.kind !== ChangeKind.UNTRACKED).map((c) => c.path);
    if (tracked.length > 0) {
      try {
        await this.git.runWithPaths(['checkout', '--quiet'], tracked);
      } catch (err) {
        throw gitFailure(err, `restore ${tracked.length} file(s) from HEAD`, this.root);
      }
    }
    for (const c of changes) {
      if (c.kind === ChangeKind.UNTRACKED && !keep.has(c.path)) {
        fs.rmSync(path.join(this.root, c.path), { force: true });
      }
    }
  }

  /** The URL of a configured remote. Fails with `CG515` when no remote has that name. */
  public async remoteUrl(remote: string): Promise<string> {
    try {
      return (await this.git.run(['remote', 'get-url', '--', remote])).trim();
    } catch (err) {
      if (err instanceof GitCommandError) {
        throw GitOpsError.of('CG515', {
          message: `"${this.root}" has no remote named "${remote}".`,
          fix: `Pass the name of a configured remote (see \`git remote -v\`), or add it with \`git remote add ${remote} <url>\`.`,
        });
      }
      throw err;
    }
  }

  /**
   * Fetches `branches` from `remote` into `refs/remotes/<remote>/<branch>` and returns the
   * commit each now points at; a branch the remote does not have is absent from the map.
   */
  public async fetch(remote: string, branches: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(branches)];
    const found = new Set<string>();
    try {
      const listed = await this.git.run([
        'ls-remote',
        ...remoteSafety('fetch'),
        '--heads',
        '--',
        remote,
        ...wanted.map((b) => `refs/heads/${b}`),
      ]);
      for (const line of listed.split('\n')) {
        const ref = line.split('\t')[1]?.trim();
        if (ref && ref.startsWith('refs/heads/') && wanted.includes(ref.slice('refs/heads/'.length))) {
          found.add(ref.slice('refs/heads/'.length));
        }
      }
      const present = wanted.filter((b) => found.has(b));
      if (present.length > 0) {
        await this.git.run([
          'fetch',
          ...remoteSafety('fetch'),
          '--quiet',
          '--no-tags',
          '--no-write-fetch-head',
          '--',
          remote,
          ...present.map((b) => `+refs/heads/${b}:refs/remotes/${remote}/${b}`),
        ]);
      }
    } catch (err) {
      throw gitFailure(err, `fetch ${wanted.map((b) => `"${b}"`).join(', ')} from remote "${remote}"`, this.root);
    }
    const tips = new Map<string, string>();
    for (const b of found) {
      const sha = await this.resolve(`refs/remotes/${remote}/${b}`);
      if (sha) {
        tips.set(b, sha);
      }
    }
    return tips;
  }

  /**
   * Pushes local branch `branch` to `remoteBranch` on `remote`, never forced: git
   * rejects the push when the remote branch has commits the local one lacks. Throws the
   * {@link GitCommandError} from git when the push fails.
   */
  public async push(remote: string, branch: string, remoteBranch: string, options: { setUpstream?: boolean } = {}): Promise<void> {
    const args = ['push', ...remoteSafety('push'), '--porcelain', ...(options.setUpstream ? ['--set-upstream'] : []), '--', remote];
    await this.git.run([...args, `refs/heads/${branch}:refs/heads/${remoteBranch}`]);
  }

  private async unstage(files: readonly string[]): Promise<void> {
    if (files.length === 0) {
      return;
    }
    try {
      if (await this.resolve('HEAD')) {
        await this.git.runWithPaths(['reset', '--quiet', 'HEAD'], files);
      } else {
        await this.git.runWithPaths(['rm', '--quiet', '--cached', '--ignore-unmatch', '-r'], files);
      }
    } catch (err) {
      throw gitFailure(err, `unstage ${files.length} file(s)`, this.root);
    }
  }

  private async checkBranchName(name: string): Promise<void> {
    if (!name.startsWith('-') && (await this.git.test(['check-ref-format', '--branch', name]).catch(() => false))) {
      return;
    }
    throw GitOpsError.of('CG514', {
      message: `"${name}" is not a valid branch name.`,
    });
  }
}

/** The directory of the nearest `.git` (a directory, or the file of a linked work tree) at or above `dir`. */
function clonedIn(dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, '.git'))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

/** The temporary index a commit is made in, in the Git directory. */
const COMMIT_INDEX = 'cdk8s-gitops-commit-index';

/**
 * Removes the temporary index `file` and a lock on it left by a killed run (nothing else writes
 * them; a link there is removed, never followed). Anything else there fails with `CG599`.
 */
function removeIndexFile(file: string): void {
  for (const p of [file, `${file}.lock`]) {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    if (!stat.isFile() && !stat.isSymbolicLink()) {
      throw GitOpsError.of('CG599', {
        file: p,
        message: `${p} stands where a commit makes its temporary index, and is not a file cdk8s-gitops made. Nothing was committed.`,
        fix: `Remove it (rm -r '${p}'), then run again.`,
      });
    }
    fs.rmSync(p, { force: true });
  }
}
