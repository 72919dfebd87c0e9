import { FileTree } from '../../src/synth/file-tree';
import { writeTree } from '../../src/workspace/checkout/writer';

/**
 * Writes `tree` into the checkout `dir` as a write that takes seconds would (a fleet's): the
 * stat cache records every file it writes by its stat, none within the racy window that a
 * test's write of milliseconds falls in.
 */
export function writeTreeSettled(tree: FileTree, dir: string): void {
  const now = Date.now();
  const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 5_000);
  try {
    writeTree(tree, dir);
  } finally {
    clock.mockRestore();
  }
}
