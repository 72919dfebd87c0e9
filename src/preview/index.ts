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
 * - {@link listGitFiles}, {@link filterGitFiles} and {@link compilePathspec}: the repo
 *   server's `git ls-files -- <pattern>` and Git's pathspec matching (`*` crosses `/`);
 * - {@link gitFileParamSets}: the parameters of one file, read as `sigs.k8s.io/yaml` reads it
 *   ({@link readGoYaml}: go-yaml v2 scalars, numbers as Go float64 ({@link GoFloat}));
 * - {@link GoTemplate}: Go's text/template language with Go's builtins and the Sprig and Argo
 *   CD functions of `TEMPLATE_FUNCTIONS`, which refuses (`CG701`) whatever it does not
 *   evaluate exactly (loaded on first use, `template-engine.ts`);
 * - {@link renderFastTemplate}: the `goTemplate: false` substitution;
 * - {@link listParamSets}: the list generator's `elements` and `elementsYaml`;
 * - {@link clustersIn} and {@link clusterParamSets}: the cluster Secrets a repository declares
 *   and the cluster generator's parameters, Argo CD's `in-cluster` included;
 * - {@link parseLabelSelector} and {@link selectorMatches}: generator and cluster selectors;
 * - {@link applyTemplatePatch}: `templatePatch` as a strategic merge patch of the Application;
 * - {@link expandApplicationSet}: the whole expansion, matrix and merge generators included,
 *   failing on duplicate and invalid names;
 * - {@link previewApplicationSets}: the expansion as Argo CD acts on it: which Applications it
 *   creates, and for the others the error its ApplicationSet controller or the API server reports.
 *
 * Errors are `GitOpsError`s with codes `CG701`–`CG711`; see {@link PreviewCode}.
 *
 * @example
 * import { expandApplicationSet } from './synth/preview';
 * const apps = expandApplicationSet(workloadsAppSet, '/work/platform-gitops');
 *
 * @module
 */
export {
  countApplications,
  expandApplicationSet,
  expandApplicationSets,
  generateApplications,
  keepsResourcesOnDeletion,
  MAX_PREVIEW_APPLICATIONS,
  MAX_PREVIEW_RENDERED,
  type PreviewBudget,
  type ApplicationSetInput,
  type GeneratedAt,
  type DirectoryLister,
  type ExpandOptions,
  type FileLister,
  type FileReader,
  type GeneratedApplication,
  type GitRepository,
  type RepositorySource,
} from './expand';
export {
  CLUSTER_SECRET_LABEL,
  clusterParamSets,
  ClusterSecretError,
  ClusterSecretRefused,
  clustersIn,
  IN_CLUSTER_NAME,
  IN_CLUSTER_SERVER,
  type ClusterParamSet,
  type DeclaredCluster,
} from './cluster-generator';
export {
  applicationKey,
  judgeApplications,
  planeKey,
  previewApplicationSets,
  type ApplicationSetSource,
  type ApplicationSetsPreview,
  type JudgeOptions,
  type NotCreatedApplication,
  type NotCreatedReason,
  type PreviewedApplication,
} from './argo-cd-outcome';
export { apiServerRejection, metadataErrors, type ApiServerRejection, type FieldError } from './api-server-validation';
export { renderFastTemplate } from './fast-template';
export {
  directoryParams,
  filterDirectories,
  listGitDirectories,
  type DirectoryParamsOptions,
  type GitDirectoryItem,
  type ListGitDirectoriesOptions,
} from './git-directories';
export {
  filterGitFiles,
  gitFileParamSets,
  gitFileReader,
  listGitFiles,
  MAX_GIT_FILE_BYTES,
  type GitFileItem,
  type GitFileParamSet,
} from './git-files';
export { formatGoFloat, GoFloat } from './go-float';
export { GoYamlError, readGoYaml, readGoYamlDocuments, type GoData } from './go-yaml';
export type { GoTemplate, GoTemplateExecuteOptions, MissingKeyOption } from './go-template';
export { parseLabelSelector, selectorMatches, SelectorError, type LabelSelector } from './label-selector';
export { ListElementError, listParamSets, type ListParamSet } from './list-generator';
export { compilePathPattern, pathMatch } from './path-match';
export { gitPathParams, type PathParamsOptions } from './path-params';
export { compilePathspec } from './pathspec';
export { PreviewCode } from './problems';
export { sanitizeName } from './sanitize-name';
export { applyTemplatePatch, PatchError, type PatchTarget } from './template-patch';
export { GoInt64, markStringMap, type TemplateMap, type TemplateValue } from './template-values';
