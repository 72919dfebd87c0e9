/**
 * Where the manifest is: a module of its own, so that what only looks for it (the CLI, before the
 * program starts) loads none of the manifest's reading and writing.
 *
 * @module
 */

/** Repository-relative path of the manifest. */
export const MANIFEST_PATH = '.cdk8s-gitops/manifest.json';
