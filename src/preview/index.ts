/**
 * Offline ApplicationSet preview: the Applications Argo CD's ApplicationSet controller would
 * generate from a checkout of the GitOps repository, computed without a cluster, so a change
 * can be reviewed before it is merged (like `argocd appset generate`, but offline).
 *
 * Each piece follows Argo CD's and Go's source rather than their documentation:
 * - {@link pathMatch}: Go's `path.Match`, byte for byte;
 * - {@link listGitDirectories} and {@link filterDirectories}: the repo server's directory
 *   listing and the git generator's `filterApps`;
 * - {@link directoryParams}: the parameters of one directory (`.path.path`, `.path.basename`,
 *   `.path.basenameNormalized`, `.path.segments`), with {@link sanitizeName} for the normalized
 *   name;
 * - {@link GoTemplate}: a subset of Go's text/template with the common Sprig functions, which
 *   refuses (`CG701`) whatever it does not evaluate exactly;
 * - {@link renderFastTemplate}: the `goTemplate: false` substitution;
 * - {@link expandApplicationSet}: the whole expansion.
 *
 * Errors are `GitOpsError`s with codes `CG701`–`CG710`; see {@link PreviewCode}.
 *
 * @example
 * import { expandApplicationSet } from './synth/preview';
 * const apps = expandApplicationSet(workloadsAppSet, '/work/platform-gitops');
 *
 * @module
 */
export {
  expandApplicationSet,
  expandApplicationSets,
  type ApplicationSetInput,
  type DirectoryLister,
  type DirectorySource,
  type ExpandOptions,
  type GeneratedApplication,
} from './expand';
export { renderFastTemplate } from './fast-template';
export {
  directoryParams,
  filterDirectories,
  listGitDirectories,
  type DirectoryParamsOptions,
  type GitDirectoryItem,
  type ListGitDirectoriesOptions,
} from './git-directories';
export { GoTemplate, parseGoTemplateOptions, renderGoTemplate, type GoTemplateExecuteOptions, type MissingKeyOption } from './go-template';
export { compilePathPattern, pathMatch } from './path-match';
export { PreviewCode } from './problems';
export { sanitizeName } from './sanitize-name';
export { TEMPLATE_FUNCTIONS } from './template-functions';
export { markStringMap, type TemplateMap, type TemplateValue } from './template-values';
