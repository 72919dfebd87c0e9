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
}

/** The local state of the checkout `dir`, or undefined when `dir` is not in a Git work tree. */
export function localState(dir: string): LocalState | undefined {
  const r = gitSync(dir, ['rev-parse', '--show-toplevel', '--git-path', 'cdk8s-gitops']);
  if (r.status !== 0) return undefined;
  const [top, gitPath] = r.stdout.split('\n');
  if (!top || !gitPath) return undefined;
  const checkout = path.relative(real(top), real(dir)).split(path.sep).join('/');
  return { gitDir: new Checkout(path.dirname(path.resolve(dir, gitPath))), checkout };
}

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
