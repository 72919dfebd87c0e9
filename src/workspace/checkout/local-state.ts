import * as fs from 'fs';
import * as path from 'path';
import { Checkout } from './checkout-fs';
import { gitSync } from '../../core/git-sync';

/**
 * Where cdk8s-gitops keeps what a checkout knows locally and never commits (pending operations,
 * the stat cache): the `cdk8s-gitops/` directory of the Git directory of the repository the
 * checkout is in. Git never lists, commits or clones it.
 */
export interface LocalState {
  /** The Git directory, read and written without following symbolic links below it. */
  readonly gitDir: Checkout;
  /** The checkout directory relative to the root of the work tree; `''` at the root. */
  readonly checkout: string;
  /** The absolute path of the work tree's Git index. */
  readonly index: string;
}

/** What git said of a directory: its work tree's root, and the paths it gave (relative to the directory). */
interface GitAnswer {
  readonly top: string;
  readonly stateDir: string;
  readonly index: string;
  /** What `lstat` said of each `.git` from the directory up to the root when git answered. */
  readonly marks: string;
}

/** Git's answers by directory (absolute, links resolved), for the life of the process (see {@link localState}). */
const answers = new Map<string, GitAnswer>();

/**
 * The local state of the checkout `dir`, or undefined when `dir` is not in a Git work tree.
 * Git is asked once per directory and process: the answer is taken again while every `.git`
 * from `dir` up to its work tree's root is as it was (a repository made, removed or made again
 * on the way asks git anew). A command asks several times (the stat cache, pending operations).
 */
export function localState(dir: string): LocalState | undefined {
  const abs = real(dir);
  let answer = answers.get(abs);
  if (answer === undefined || answer.marks !== gitMarks(abs, answer.top)) {
    answer = askGit(abs);
    if (answer === undefined) {
      answers.delete(abs);
      return undefined;
    }
    answers.set(abs, answer);
  }
  const checkout = path.relative(real(answer.top), abs).split(path.sep).join('/');
  const gitDir = path.dirname(answer.stateDir);
  // Named in messages as the work tree names it (.git), or in full when it is elsewhere (a worktree's).
  const shown = path.relative(real(answer.top), real(gitDir)).split(path.sep).join('/');
  return {
    gitDir: new Checkout(gitDir, shown === '' || shown.startsWith('..') || path.isAbsolute(shown) ? real(gitDir) : shown),
    checkout,
    index: answer.index,
  };
}

function askGit(dir: string): GitAnswer | undefined {
  const r = gitSync(dir, ['rev-parse', '--show-toplevel', '--git-path', 'cdk8s-gitops', '--git-path', 'index']);
  if (r.status !== 0) return undefined;
  const [top, stateDir, index] = r.stdout.split('\n');
  if (!top || !stateDir || !index) return undefined;
  return { top, stateDir: path.resolve(dir, stateDir), index: path.resolve(dir, index), marks: gitMarks(dir, top) };
}

/**
 * What `lstat` says of `.git` (device, inode, change time) in `dir` (absolute, links resolved)
 * and each directory above it up to `top`, its work tree's root: a Git directory or file made,
 * removed or replaced there changes it.
 */
function gitMarks(dir: string, top: string): string {
  const marks: string[] = [];
  const root = real(top);
  for (let d = dir; ; d = path.dirname(d)) {
    const stat = fs.lstatSync(path.join(d, '.git'), { throwIfNoEntry: false });
    marks.push(stat === undefined ? '-' : `${stat.dev}:${stat.ino}:${stat.ctimeMs}`);
    if (d === root || path.dirname(d) === d) break;
  }
  return marks.join(' ');
}

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
