/**
 * The directories of the GitOps repository a tree's files read but cdk8s-gitops does not write
 * (the Kustomize bases kept there, `FileTree.reads`): each must be a directory of its own, never
 * reached through a symbolic link nor holding one, since Argo CD would build an overlay from
 * whatever a link points at.
 *
 * @module
 */
import { GitOpsError, Problem, problem } from '../../core/errors';
import type { FileTree } from '../../synth/file-tree';
import type { Checkout } from './checkout-fs';

/**
 * What is wrong with each directory the tree reads (`CG424`), found without following a link:
 * `links`, which a write refuses (the overlays would read another directory than the program
 * names), and `missing`, a base not there (yet) or not a directory, which `check` reports (the
 * overlays cannot be built, and nothing else is at stake).
 */
export function platformBaseProblems(tree: FileTree, checkout: Checkout): { links: Problem[]; missing: Problem[] } {
  const links: Problem[] = [];
  const missing: Problem[] = [];
  const report = (file: string, message: string, to = links): void => {
    to.push(problem('CG424', { file, message }));
  };
  for (const dir of tree.reads) {
    let kind: string;
    try {
      kind = checkout.kind(dir, 'read it');
    } catch (e) {
      if (!(e instanceof GitOpsError) || e.code !== 'CG408') throw e;
      report(dir, `The Kustomize base ${dir} is, or lies below, a symbolic link: Argo CD would build the overlays from what it points at.`);
      continue;
    }
    if (kind === 'missing')
      report(dir, `The Kustomize base ${dir} does not exist in the checkout: the overlays that read it cannot be built.`, missing);
    else if (kind !== 'directory')
      report(dir, `The Kustomize base ${dir} is not a directory: the overlays that read it cannot be built.`, missing);
    else {
      const link = linkBelow(checkout, dir);
      if (link !== undefined)
        report(link, `The Kustomize base ${dir} holds the symbolic link ${link}: Argo CD would build the overlays from what it points at.`);
    }
  }
  return { links, missing };
}

/** Fails with `CG424` when the plan found a directory its tree reads reached through, or holding, a symbolic link: nothing is written. */
export function assertPlatformBases(plan: { readonly bases: readonly Problem[] }): void {
  if (plan.bases.length > 0)
    throw new GitOpsError(plan.bases, 'A Kustomize base in the GitOps repository is not a directory of its own; nothing was written:');
}

/** The first symbolic link below the real directory `dir`, depth first, or undefined. */
function linkBelow(checkout: Checkout, dir: string): string | undefined {
  for (const e of checkout.list(dir).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = `${dir}/${e.name}`;
    if (e.isSymbolicLink()) return p;
    if (e.isDirectory()) {
      const found = linkBelow(checkout, p);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
