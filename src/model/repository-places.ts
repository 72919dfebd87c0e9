/**
 * The places of a GitOps repository cdk8s-gitops writes or keeps for itself: the directories of
 * the layout, the clusters' Flux entry points, the files at the root, and its own directory.
 * Whatever must stay out of them (a Kustomize base kept in the repository) asks here.
 *
 * @module
 */
import type { TreeLayout } from './platform-model';

/** Directory of the clusters' Flux entry points, relative to the repository root. */
export const FLUX_CLUSTERS_DIR = 'clusters';

/** Repository-relative path of the release status for people, the one file written that is not YAML. */
export const STATUS_PATH = 'STATUS.md';

/** Repository-relative path of the code owners of a platform with teams, which GitHub and GitLab both read. */
export const CODEOWNERS_PATH = 'CODEOWNERS';

/** Directory of what cdk8s-gitops keeps for itself (manifest, release model, lock), relative to the repository root. */
export const TOOL_DIR = '.cdk8s-gitops';

/** One place of a repository cdk8s-gitops writes or keeps: what it is, and its path. */
export interface RepositoryPlace {
  /** What the place is, as a user names it, e.g. `layout.releases` or `the Flux entry points`. */
  readonly name: string;
  /** Its path, relative to the repository root. */
  readonly path: string;
}

/**
 * Every place cdk8s-gitops writes or keeps in a repository of `layout`: the layout's directories,
 * the Flux entry points (kept on a platform without Flux too, for when it moves to Flux),
 * {@link STATUS_PATH}, {@link CODEOWNERS_PATH} and {@link TOOL_DIR}.
 */
export function repositoryPlaces(layout: TreeLayout): readonly RepositoryPlace[] {
  return [
    ...Object.entries(layout).map(([key, path]: [string, string]) => ({ name: `layout.${key}`, path })),
    { name: 'the Flux entry points', path: FLUX_CLUSTERS_DIR },
    { name: 'the release status', path: STATUS_PATH },
    { name: 'the code owners', path: CODEOWNERS_PATH },
    { name: "cdk8s-gitops's own directory", path: TOOL_DIR },
  ];
}

/**
 * The place of {@link repositoryPlaces} that the repository path `p` is, lies in, or holds, or
 * undefined. Paths are compared without regard to case: a checkout on a file system that folds
 * case (macOS, Windows) holds `Clusters/` and `clusters/` in one directory.
 */
export function repositoryPlaceAt(layout: TreeLayout, p: string): RepositoryPlace | undefined {
  const path = p.toLowerCase();
  return repositoryPlaces(layout).find(({ path: place }) => {
    const own = place.toLowerCase();
    return path === own || path.startsWith(`${own}/`) || own.startsWith(`${path}/`);
  });
}
