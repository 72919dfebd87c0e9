import * as fs from 'fs';
import { compareGoStrings } from './go-strings';
import { fail, PreviewCode, show } from './problems';

/*
 * How the git generators read a local checkout: the checkout must be a directory, and each
 * directory is read without following symbolic links, its entries in Go's byte order.
 */

/**
 * Fails unless `checkoutDir` is a directory that can be read.
 *
 * @throws GitOpsError `CG709` when it does not exist or is not a directory.
 */
export function assertCheckoutDir(checkoutDir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(checkoutDir);
  } catch (e) {
    return fail(
      PreviewCode.UNREADABLE_CHECKOUT,
      `Checkout directory ${show(checkoutDir)} cannot be read: ${(e as Error).message}.`,
      'Pass the path of a local checkout of the GitOps repository.',
    );
  }
  if (!stat.isDirectory()) {
    return fail(
      PreviewCode.UNREADABLE_CHECKOUT,
      `Checkout directory ${show(checkoutDir)} is not a directory.`,
      'Pass the path of a local checkout of the GitOps repository.',
    );
  }
}

/**
 * The entries of a directory, sorted by name in byte order as Go's `os.ReadDir` returns them.
 * An entry's type is its own (`lstat`): a symbolic link is a link, never what it points to.
 *
 * @throws GitOpsError `CG709` when the directory cannot be read.
 */
export function readCheckoutDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareGoStrings(a.name, b.name));
  } catch (e) {
    return fail(
      PreviewCode.UNREADABLE_CHECKOUT,
      `Directory ${show(dir)} cannot be read: ${(e as Error).message}.`,
      'Make the checkout readable, or remove the unreadable directory.',
    );
  }
}
