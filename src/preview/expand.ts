import { GitOpsError, Problem, problem } from '../core/errors';
import { renderFastTemplate } from './fast-template';
import { directoryParams, filterDirectories, GitDirectoryItem, listGitDirectories } from './git-directories';
import { filterGitFiles, GitFileItem, gitFileParamSets, gitFileReader, listGitFiles } from './git-files';
import type { GoTemplate, GoTemplateExecuteOptions } from './go-template';
import { goTemplates } from './template-engine';
import { clusterParamSets, DeclaredCluster } from './cluster-generator';
import { GoYamlError, readGoYaml, type GoData } from './go-yaml';
import { LabelSelector, parseLabelSelector, SelectorError, selectorMatches } from './label-selector';
import { ListElementError, listParamSets } from './list-generator';
import {
  cloneParams,
  combineStringMaps,
  combineStringMapsAllowDuplicates,
  DuplicateParameter,
  flattenParams,
  goJsonKey,
  matrixMergeGo,
  mergoMerge,
} from './param-maps';
import { PathParamsOptions } from './path-params';
import { compilePathspec } from './pathspec';
import { fail, PreviewCode, show } from './problems';
import { markStringMap, TemplateMap, TemplateValue } from './template-values';
import { mergeGeneratorTemplate } from './template-merge';
import { applyTemplatePatch, PatchError, PatchTarget } from './template-patch';
import { APPLICATION_SPEC_TYPE, unreadableField } from './application-spec-type';
import { isMap } from '../core/plain';
import { isDns1123Subdomain, isLabelValue } from '../core/kube-names';

/** Lists the directories of `repoURL` at `revision`, repository-relative and `/`-separated. */
export type DirectoryLister = (repoURL: string, revision: string) => readonly string[];

/**
 * Lists the files of `repoURL` at `revision` as `git ls-files` does: repository-relative,
 * `/`-separated, hidden files included.
 */
export type FileLister = (repoURL: string, revision: string) => readonly string[];

/**
 * Reads a file a {@link FileLister} listed, as UTF-8 text. It throws a `GitOpsError` (`CG711`)
 * when the file cannot be used, e.g. a symbolic link.
 */
export type FileReader = (repoURL: string, revision: string, file: string) => string;

/** A repository as both git generators read it: its directories, its files and their text. */
export interface GitRepository {
  readonly directories: DirectoryLister;
  readonly files: FileLister;
  readonly readFile: FileReader;
}

/**
 * Where the git generators read, whatever each generator's `repoURL`: a local checkout
 * directory, a {@link GitRepository}, or a function that lists directories (enough for git
 * directory generators only; a git files generator then fails with `CG706`).
 */
export type RepositorySource = string | DirectoryLister | GitRepository;

/** An ApplicationSet as parsed from YAML or built in code; only the fields read are typed. */
export interface ApplicationSetInput {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: unknown;
}

/** A generated Argo CD Application. */
export interface GeneratedApplication {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Application';
  readonly metadata: {
    readonly name: string;
    /** The ApplicationSet's namespace; absent when the ApplicationSet has none. */
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers: readonly string[];
  };
  readonly spec: Readonly<Record<string, unknown>>;
}

/**
 * Whether Argo CD keeps what the Application runs when the Application is deleted: it has no
 * resources finalizer (`resources-finalizer.argocd.argoproj.io`, or its `/foreground` or
 * `/background` form), as an ApplicationSet that preserves resources on deletion generates it.
 */
export function keepsResourcesOnDeletion(app: GeneratedApplication): boolean {
  return !app.metadata.finalizers.some((f) => f === RESOURCES_FINALIZER || f.startsWith(`${RESOURCES_FINALIZER}/`));
}

/** Options for {@link expandApplicationSet}. */
export interface ExpandOptions {
  /** The repository file the ApplicationSet came from, named in every problem. */
  readonly file?: string;
  /**
   * The clusters Argo CD of the ApplicationSet's control plane holds, as the repository declares
   * them (see `clustersIn`), for cluster generators.
   * @default - none known: a cluster generator fails with `CG706`
   */
  readonly clusters?: readonly DeclaredCluster[];
  /**
   * What the ApplicationSets of one preview have rendered so far, shared by their expansions, so
   * that many ApplicationSets each within their own bounds are refused together
   * ({@link MAX_PREVIEW_RENDERED}).
   * @default - this ApplicationSet is bounded on its own
   */
  readonly budget?: PreviewBudget;
}

/** What the ApplicationSets of one preview have generated and rendered so far. */
export interface PreviewBudget {
  /** Applications generated. */
  applications: number;
  /** Characters their templates rendered. */
  characters: number;
}

const API_VERSION = 'argoproj.io/v1alpha1';
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const TEMPLATE_METADATA_FIELDS = new Set(['name', 'namespace', 'labels', 'annotations', 'finalizers']);
/** The generators the preview expands, each with the fields Argo CD's type has. */
const GENERATOR_FIELDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['git', new Set(['repoURL', 'revision', 'directories', 'files', 'values', 'pathParamPrefix', 'requeueAfterSeconds', 'template'])],
  ['list', new Set(['elements', 'elementsYaml', 'template'])],
  ['clusters', new Set(['selector', 'values', 'template', 'flatList'])],
  ['matrix', new Set(['generators', 'template'])],
  ['merge', new Set(['generators', 'mergeKeys', 'template'])],
]);
/** The generators that read something other than the GitOps repository, and what. */
const REMOTE_GENERATORS: Readonly<Record<string, string>> = {
  scmProvider: "the repositories of an SCM provider's organisation",
  pullRequest: 'the open pull requests of a repository',
  clusterDecisionResource: 'a cluster decision resource in the cluster',
  plugin: 'a plugin service',
};
const NEEDS_FILES_FIX =
  'Preview this ApplicationSet with argocd appset generate; expandApplicationSet reads generator files when given the checkout directory or a GitRepository.';
const MAX_PROBLEMS = 20;
/**
 * How many parameter sets one generator may give, a matrix's combinations included: the
 * preview's bound on the Applications of one ApplicationSet, so that a matrix of two large
 * generators is refused rather than exhaust memory.
 */
export const MAX_PARAM_SETS = 100_000;
/**
 * How many characters the templates of one ApplicationSet may render in all, over every
 * parameter set: the preview's bound, so that many sets each rendering a large field (each
 * within the bound of one execution) are refused rather than exhaust memory.
 */
export const MAX_RENDERED_TOTAL = 128 * 1024 * 1024;
/**
 * How many Applications the ApplicationSets of one preview may generate in all: ten times a
 * fleet of 100,000 targets, and the preview's bound over every ApplicationSet, so that many
 * ApplicationSets each within {@link MAX_PARAM_SETS} are refused rather than exhaust memory.
 */
export const MAX_PREVIEW_APPLICATIONS = 1_000_000;
/**
 * How many characters the templates of all the ApplicationSets of one preview may render: the
 * bound of {@link MAX_RENDERED_TOTAL} over every ApplicationSet (four times one's).
 */
export const MAX_PREVIEW_RENDERED = 512 * 1024 * 1024;

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
type Params = TemplateMap;

/**
 * Expands one ApplicationSet into the Applications Argo CD's ApplicationSet controller
 * generates, offline, like `argocd appset generate` against a local checkout.
 *
 * What it does, as the controller does:
 * - runs each `generators[].git.directories` generator over the directories of `source`;
 * - runs each `generators[].git.files` generator over the files of `source` (when a git
 *   generator has both, only `directories` counts, as in Argo CD): each file a `files[].path`
 *   pathspec selects, in byte order, is read as JSON or YAML, and each map it holds (one, or
 *   one per item of a top-level list) gives the file's keys and the `path` parameters,
 *   `path.filename` included (see `gitFileParamSets`); `pathParamPrefix` nests them;
 * - runs each `list` generator over its `elements` and `elementsYaml` (see `listParamSets`);
 * - runs each `clusters` generator over `options.clusters`, the clusters the repository
 *   declares for the ApplicationSet's control plane (see `clusterParamSets`);
 * - combines two generators in a `matrix` (the second rendered with each parameter set of the
 *   first, as Argo CD interpolates it; Go templates merge the two sets with the first's values
 *   winning, fasttemplate fails on a parameter both set differently) and several in a `merge`
 *   (sets of later generators override the first's sets with the same `mergeKeys` values), one
 *   level of nesting deep;
 * - renders a generator's `values` with its parameters (under `.values`, flat `values.<key>`),
 *   and keeps the sets its `selector` matches, over the parameters flattened as Argo CD
 *   flattens them;
 * - renders every string of `spec.template`, map keys included, with Go templates
 *   (`goTemplate: true`, honouring `goTemplateOptions`) or fasttemplate (`goTemplate: false`),
 *   a top-level generator's own `template` merged over it;
 * - adds the `resources-finalizer.argocd.argoproj.io` finalizer when the template has none and
 *   `spec.syncPolicy.preserveResourcesOnDeletion` is not true, then applies `templatePatch`
 *   rendered with the same parameters (see `applyTemplatePatch`), then sets
 *   `metadata.namespace` to the ApplicationSet's namespace. `syncPolicy.applicationsSync` and
 *   the other settings of the sync policy govern what the controller applies, not what it
 *   generates, and change nothing here; a RollingSync `strategy` fails (`CG706`), its
 *   Applications depending on the controller's settings and live health.
 *
 * It returns the Applications sorted by name (the controller keeps generator order). It does
 * not add owner references (they need the live ApplicationSet's UID).
 *
 * @throws GitOpsError with every problem found (at most 20 listed): generators that read
 * something other than the repository (SCM provider, pull request, cluster decision resource,
 * plugin), a cluster generator without `options.clusters`, and what the preview does not model
 * (`CG706`), template errors (`CG701`–`CG704`), malformed patterns (`CG705`), duplicate names
 * (`CG707`), a malformed ApplicationSet or generators that fail as Argo CD's do (`CG708`), an
 * unreadable checkout (`CG709`), names and label values Kubernetes rejects (`CG710`), generator
 * files that cannot be used (`CG711`).
 *
 * @example
 * const apps = expandApplicationSet(workloads, '/path/to/platform-gitops');
 * apps.map((a) => a.metadata.name); // ['payments-api-nonprod-aws-eu-central-1-01', …]
 */
export function expandApplicationSet(
  appset: ApplicationSetInput,
  source: RepositorySource,
  options: ExpandOptions = {},
): GeneratedApplication[] {
  return new Expansion(appset, repositoryOf(source), options).run();
}

/**
 * Expands several ApplicationSets over the same source and returns all their Applications,
 * sorted by name. Two Applications with the same namespace and name are a `CG707` problem,
 * whether they come from one ApplicationSet or two.
 */
export function expandApplicationSets(
  appsets: readonly ApplicationSetInput[],
  source: RepositorySource,
  options: ExpandOptions = {},
): GeneratedApplication[] {
  const repository = repositoryOf(source);
  const all: Array<{ app: GeneratedApplication; from: string }> = [];
  for (const appset of appsets) {
    for (const app of new Expansion(appset, repository, options).run()) {
      all.push({ app, from: appset.metadata?.name ?? '' });
    }
  }
  const seen = new Map<string, string>();
  const problems: Problem[] = [];
  for (const { app, from } of all) {
    const key = `${app.metadata.namespace ?? ''}/${app.metadata.name}`;
    const other = seen.get(key);
    if (other !== undefined && other !== from) {
      problems.push(
        problem(PreviewCode.DUPLICATE_APPLICATION, {
          message: `ApplicationSets "${other}" and "${from}" both generate the Application "${app.metadata.name}"; Argo CD lets only one of them own it.`,
          fix: 'Make the generated names differ, for example by including the ApplicationSet name in the template name.',
          file: options.file,
        }),
      );
    }
    seen.set(key, from);
  }
  if (problems.length > 0) {
    throw new GitOpsError(problems, undefined, { grouped: true });
  }
  return all.map((a) => a.app).sort(byName);
}

/** A generated Application and the parameter set it comes from (`directory "…"`, `file "…"`). */
export interface GeneratedAt {
  readonly app: GeneratedApplication;
  readonly at: string;
}

/**
 * Expands one ApplicationSet as {@link expandApplicationSet} does, but returns the Applications
 * in the order the controller generates them (generator by generator, parameter set by
 * parameter set) and leaves their names and labels unchecked: duplicate names and what
 * Kubernetes rejects are for `previewApplicationSets` to report as Argo CD does.
 *
 * @throws GitOpsError with the problems of the ApplicationSet and its templates (`CG701`–`CG706`,
 * `CG708`, `CG709`, `CG711`).
 */
export function generateApplications(appset: ApplicationSetInput, source: RepositorySource, options: ExpandOptions = {}): GeneratedAt[] {
  const apps = new Expansion(appset, repositoryOf(source), options).generated().map(({ app, at }) => ({ app, at }));
  countApplications(apps.length, appset, options);
  return apps;
}

/**
 * Adds `count` Applications of `appset` to the budget of its preview, if any.
 *
 * @throws GitOpsError `CG706` when the ApplicationSets of the preview generate more than
 * {@link MAX_PREVIEW_APPLICATIONS} in all.
 */
export function countApplications(count: number, appset: ApplicationSetInput, options: ExpandOptions): void {
  const budget = options.budget;
  if (budget === undefined || (budget.applications += count) <= MAX_PREVIEW_APPLICATIONS) return;
  const name = appset?.metadata?.name;
  fail(
    PreviewCode.UNSUPPORTED_FEATURE,
    `ApplicationSet ${JSON.stringify(typeof name === 'string' ? name : '')} brings the Applications of the ApplicationSets of this preview to more than ${MAX_PREVIEW_APPLICATIONS}, which the offline preview does not expand.`,
    'Generate fewer Applications, or preview fewer ApplicationSets at once (split the repository by control plane).',
    options.file,
  );
}

/** What the generators read; `files` and `readFile` are absent for a directory list alone. */
type Repository = Partial<GitRepository> & Pick<GitRepository, 'directories'>;

/** The source as a repository; a checkout's listings are made once and shared. */
function repositoryOf(source: RepositorySource): Repository {
  if (typeof source === 'function') {
    return { directories: source };
  }
  if (typeof source !== 'string') {
    return source;
  }
  let directories: readonly string[] | undefined;
  let files: readonly string[] | undefined;
  const read = gitFileReader(source);
  return {
    directories: () => (directories ??= listGitDirectories(source)),
    files: () => (files ??= listGitFiles(source)),
    readFile: (_repoURL, _revision, file) => read(file),
  };
}

/** A template compiled once and rendered per parameter set (a directory, a file or a file's list item). */
type Compiled =
  | { readonly kind: 'const'; readonly value: Json; /** The text as written, when it differs from the value. */ readonly source?: string }
  | { readonly kind: 'string'; readonly field: string; readonly source: string; readonly render: (params: Params) => string }
  | { readonly kind: 'list'; readonly items: readonly Compiled[] }
  | {
      readonly kind: 'map';
      readonly field: string;
      /** Each entry: the compiled key, the compiled value and the key as written. */
      readonly entries: ReadonlyArray<readonly [Compiled, Compiled, string]>;
      /** Whether a key is templated, so two keys may render the same. */
      readonly templatedKeys: boolean;
    };

/** A generator's template, compiled: its own merged onto the ApplicationSet's, or the ApplicationSet's. */
interface CompiledTemplate {
  readonly metadata: Compiled;
  readonly spec: Compiled;
}

/** A git generator's own fields, checked. */
interface GitSpec {
  readonly kind: 'git';
  readonly repoURL: string;
  readonly revision: string;
  /** The generator's items: directories, or else files (Argo CD ignores files beside directories). */
  readonly items: { readonly directories: readonly GitDirectoryItem[] } | { readonly files: readonly GitFileItem[] };
  readonly pathParamPrefix?: string;
  readonly values: GeneratorValues;
}

/** A list generator's own fields, checked. */
interface ListSpec {
  readonly kind: 'list';
  readonly elements: readonly unknown[];
  readonly elementsYaml?: string;
}

/** A cluster generator's own fields, checked. */
interface ClusterSpec {
  readonly kind: 'clusters';
  /** Its `selector` over the clusters' labels. @default - every cluster */
  readonly selector?: LabelSelector;
  readonly values: GeneratorValues;
}

/** A matrix generator: two generators, the second interpolated with each set of the first. */
interface MatrixSpec {
  readonly kind: 'matrix';
  readonly first: GeneratorNode;
  readonly second: InterpolatedGenerator;
}

/** A merge generator: the first generator's sets, overridden by matching sets of the others. */
interface MergeSpec {
  readonly kind: 'merge';
  readonly mergeKeys: readonly string[];
  readonly generators: readonly GeneratorNode[];
}

/** A generator's `values`: each key with its compiled template. */
type GeneratorValues = ReadonlyArray<readonly [string, Compiled]>;

/** One generator of `spec.generators`, or a child of a matrix or merge generator. */
interface GeneratorNode {
  /** Where it is written, e.g. `spec.generators[0].matrix.generators[1]`. */
  readonly field: string;
  /** The index of the top-level generator it belongs to. */
  readonly index: number;
  /** How deep it is nested: 0 in `spec.generators`, 1 in a matrix or merge, 2 in a nested one. */
  readonly depth: number;
  /** Its `selector` over the flattened parameters. @default - none */
  readonly selector?: LabelSelector;
  /** Its own template merged onto the ApplicationSet's (top level only; Argo CD ignores a child's). */
  readonly template?: CompiledTemplate;
  readonly spec: GitSpec | ListSpec | ClusterSpec | MatrixSpec | MergeSpec;
}

/**
 * The second generator of a matrix: as written (used when the first generator's set is empty),
 * and compiled whole, so that every string of it, map keys, a list generator's `elements` and
 * its own `values` and `template` included, can be rendered with a set of the first, as Argo CD
 * interpolates it (`RenderGeneratorParams`); null fields are dropped, as Argo CD drops them.
 */
interface InterpolatedGenerator {
  readonly node: GeneratorNode;
  readonly compiled: Compiled;
}

/** One parameter set of a generator, and where it comes from (`directory "…"`, `list element 0`). */
interface ParamSet {
  readonly at: string;
  readonly params: Params;
}

class Expansion {
  private readonly problems: Problem[] = [];
  private readonly seen = new Set<string>();
  private total = 0;
  private rendered = 0;
  private readonly name: string;
  private readonly where: string;
  private goTemplate = false;
  private executeOptions: GoTemplateExecuteOptions = {};

  constructor(
    private readonly appset: ApplicationSetInput,
    private readonly repository: Repository,
    private readonly options: ExpandOptions,
  ) {
    const name = appset?.metadata?.name;
    this.name = typeof name === 'string' ? name : '';
    this.where = `ApplicationSet ${JSON.stringify(this.name)}`;
  }

  public run(): GeneratedApplication[] {
    const apps = this.generated();
    for (const { app, at } of apps) {
      this.validateApplication(app, at);
    }
    this.checkDuplicates(apps);
    this.check();
    return apps.map((a) => a.app).sort(byName);
  }

  /**
   * The Applications in the order the controller generates them (generator by generator), names
   * not checked: problems of the ApplicationSet and its templates are thrown as by {@link run}.
   */
  public generated(): Array<{ app: GeneratedApplication; at: string; generator: number }> {
    const spec = this.validateShape();
    const template = spec.template as Record<string, unknown>;
    const metadata = (template.metadata ?? {}) as Record<string, unknown>;
    const setTemplate: CompiledTemplate = {
      metadata: this.compile(metadata, 'spec.template.metadata'),
      spec: this.compile(template.spec as Json, 'spec.template.spec'),
    };
    const patch = typeof spec.templatePatch === 'string' ? this.compileString(spec.templatePatch, 'spec.templatePatch') : undefined;
    const generators = (spec.generators as unknown[]).map((g, i) => this.parse(g, `spec.generators[${i}]`, i, 0));
    this.check();

    const syncPolicy = spec.syncPolicy as Record<string, unknown> | undefined;
    const preserve = isMap(syncPolicy) && syncPolicy.preserveResourcesOnDeletion === true;
    const namespace = this.appset.metadata?.namespace;
    const apps: Array<{ app: GeneratedApplication; at: string; generator: number }> = [];

    for (const generator of generators) {
      if (!generator) {
        continue;
      }
      const { metadata: compiledMetadata, spec: compiledSpec } = generator.template ?? setTemplate;
      for (const { at, params } of this.generate(generator)) {
        // Argo CD's RenderTemplateParams returns the template as written for an empty set, without the finalizer.
        const empty = Object.keys(params).length === 0;
        const meta = (empty ? this.asWritten(compiledMetadata) : this.render(compiledMetadata, params, at)) as
          Record<string, Json> | undefined;
        const appSpec = (empty ? this.asWritten(compiledSpec) : this.render(compiledSpec, params, at)) as Record<string, Json> | undefined;
        if (meta === undefined || appSpec === undefined) {
          continue;
        }
        let app: GeneratedApplication | undefined = this.application(meta, appSpec, namespace, preserve || empty);
        if (patch !== undefined) {
          app = this.patched(app, patch, params, at);
          if (app === undefined) {
            continue;
          }
        }
        apps.push({ app, at, generator: generator.index });
      }
    }
    this.check();
    return apps;
  }

  // ---- validation of the ApplicationSet itself

  private validateShape(): Record<string, unknown> {
    const appset = this.appset as unknown;
    if (!isMap(appset)) {
      this.fatal(PreviewCode.INVALID_APPLICATIONSET, 'The ApplicationSet is not an object.', 'Pass a parsed ApplicationSet manifest.');
    }
    const a = appset as ApplicationSetInput;
    if (a.kind !== undefined && a.kind !== 'ApplicationSet') {
      this.fatal(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} has kind ${show(String(a.kind))}.`,
        'Pass only objects of kind ApplicationSet.',
      );
    }
    if (this.name === '') {
      this.fatal(PreviewCode.INVALID_APPLICATIONSET, 'An ApplicationSet has no metadata.name.', 'Give the ApplicationSet a name.');
    }
    const spec = a.spec;
    if (!isMap(spec)) {
      this.fatal(PreviewCode.INVALID_APPLICATIONSET, `${this.where} has no spec.`, 'Add spec.generators and spec.template.');
    }
    const s = spec as Record<string, unknown>;
    if (s.templatePatch !== undefined && s.templatePatch !== null && typeof s.templatePatch !== 'string') {
      this.fatal(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} spec.templatePatch is not a string.`,
        'Write spec.templatePatch as a string holding YAML, e.g. with "templatePatch: |".',
      );
    }
    const strategy = s.strategy;
    if (isMap(strategy) && strategy.type !== undefined && strategy.type !== 'AllAtOnce') {
      // With progressive syncs enabled, the controller strips automated sync from the Applications a
      // RollingSync manages and syncs them itself, step by step from their live health.
      this.fatal(
        PreviewCode.UNSUPPORTED_FEATURE,
        `${this.where} spec.strategy.type is ${show(String(strategy.type))}; what Argo CD generates then depends on whether its controller runs with progressive syncs and on the live health of each step, which the offline preview does not model.`,
        'Remove spec.strategy (or use AllAtOnce), or preview this ApplicationSet with argocd appset generate.',
      );
    }
    if (s.goTemplate !== undefined && typeof s.goTemplate !== 'boolean') {
      this.fatal(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} spec.goTemplate is ${show(String(s.goTemplate))}, not a boolean.`,
        'Set spec.goTemplate to true or false.',
      );
    }
    this.goTemplate = s.goTemplate === true;
    const goOptions = s.goTemplateOptions ?? [];
    if (!Array.isArray(goOptions) || !goOptions.every((o) => typeof o === 'string')) {
      this.fatal(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} spec.goTemplateOptions is not a list of strings.`,
        'Write spec.goTemplateOptions as a list, e.g. ["missingkey=error"].',
      );
    }
    if (this.goTemplate) {
      try {
        this.executeOptions = goTemplates().parseGoTemplateOptions(goOptions as string[]);
      } catch (e) {
        this.rethrowWithin(e, 'spec.goTemplateOptions');
      }
    }
    const generators = s.generators;
    if (!Array.isArray(generators) || generators.length === 0) {
      this.fatal(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} has no spec.generators.`,
        'Add a git generator (directories or files) to spec.generators.',
      );
    }
    const template = s.template;
    if (!isMap(template) || !isMap((template as Record<string, unknown>).spec)) {
      this.fatal(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} has no spec.template.spec.`,
        'Add the Application spec to spec.template.spec.',
      );
    }
    const metadata = (template as Record<string, unknown>).metadata;
    if (metadata !== undefined && !isMap(metadata)) {
      this.fatal(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} spec.template.metadata is not a map.`,
        'Write spec.template.metadata as a map.',
      );
    }
    for (const key of Object.keys((metadata ?? {}) as object)) {
      if (!TEMPLATE_METADATA_FIELDS.has(key)) {
        this.problem(
          PreviewCode.INVALID_APPLICATIONSET,
          `${this.where} spec.template.metadata.${key} is not a field of an ApplicationSet template (only name, namespace, labels, annotations, finalizers).`,
          `Remove spec.template.metadata.${key}.`,
        );
      }
    }
    return s;
  }

  // ---- the generators, checked and compiled

  /**
   * One generator, checked: exactly one kind, its fields, its selector and (at the top level)
   * its own template. Undefined when a problem was recorded.
   */
  private parse(raw: unknown, field: string, index: number, depth: number): GeneratorNode | undefined {
    if (!isMap(raw)) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field} is not a map.`,
        'Write each generator as a map, e.g. { git: { … } }.',
      );
      return undefined;
    }
    const g = raw as Record<string, unknown>;
    const kinds = Object.keys(g).filter((k) => k !== 'selector' && g[k] !== undefined && g[k] !== null);
    if (kinds.length !== 1) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field} has ${kinds.length === 0 ? 'no generator' : `several generators (${kinds.join(', ')})`}.`,
        'Give each generator entry exactly one generator.',
      );
      return undefined;
    }
    const kind = kinds[0]!;
    const remote = REMOTE_GENERATORS[kind];
    if (remote !== undefined) {
      this.problem(
        PreviewCode.UNSUPPORTED_FEATURE,
        `${this.where} ${field} is a ${kind} generator, which generates from ${remote}; the offline preview reads only the GitOps repository, so it cannot expand it.`,
        'Preview this ApplicationSet with argocd appset generate against a running Argo CD, or generate from the repository with a git, list or cluster generator.',
      );
      return undefined;
    }
    if (!GENERATOR_FIELDS.has(kind)) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.${kind} is not an ApplicationSet generator.`,
        `Use one of ${[...GENERATOR_FIELDS.keys(), ...Object.keys(REMOTE_GENERATORS)].join(', ')}.`,
      );
      return undefined;
    }
    const own = g[kind];
    if (!isMap(own)) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.${kind} is not a map.`,
        `Write the ${kind} generator as a map of its fields.`,
      );
      return undefined;
    }
    const body = own as Record<string, unknown>;
    let ok = true;
    for (const key of Object.keys(body)) {
      if (!GENERATOR_FIELDS.get(kind)!.has(key)) {
        this.problem(
          PreviewCode.INVALID_APPLICATIONSET,
          `${this.where} ${field}.${kind}.${key} is not a field of the ${kind} generator.`,
          `Remove ${field}.${kind}.${key}.`,
        );
        ok = false;
      }
    }
    let selector: LabelSelector | undefined;
    if (g.selector !== undefined && g.selector !== null) {
      // A nested generator's selector: Argo CD applies it with spec.applyNestedSelectors; without,
      // versions differ (dropped with a warning, or applied), so it is refused.
      if (depth >= 2 && (this.appset.spec as Record<string, unknown>).applyNestedSelectors !== true) {
        this.problem(
          PreviewCode.UNSUPPORTED_FEATURE,
          `${this.where} ${field}.selector is set on a generator of a nested matrix or merge generator without spec.applyNestedSelectors; whether Argo CD applies it then depends on its version, which the offline preview does not model.`,
          'Set spec.applyNestedSelectors: true, move the selector to the nested matrix or merge generator itself, or preview this ApplicationSet with argocd appset generate.',
        );
        ok = false;
      } else {
        selector = this.selector(g.selector, `${field}.selector`);
        ok = ok && selector !== undefined;
      }
    }
    const template = depth === 0 ? this.generatorTemplate(body.template, `${field}.${kind}`) : undefined;
    if (template === null) {
      ok = false;
    }
    const at = `${field}.${kind}`;
    let spec: GeneratorNode['spec'] | undefined;
    switch (kind) {
      case 'git':
        spec = this.gitSpec(body, at);
        break;
      case 'list':
        spec = this.listSpec(body, at);
        break;
      case 'clusters':
        spec = this.clusterSpec(body, at);
        break;
      default:
        spec = this.combinationSpec(kind as 'matrix' | 'merge', body, at, index, depth);
    }
    if (!ok || spec === undefined) {
      return undefined;
    }
    return { field, index, depth, ...(selector === undefined ? {} : { selector }), ...(template ? { template } : {}), spec };
  }

  private selector(raw: unknown, field: string): LabelSelector | undefined {
    try {
      return parseLabelSelector(raw);
    } catch (e) {
      if (!(e instanceof SelectorError)) {
        throw e;
      }
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field} ${e.message}; Argo CD fails the ApplicationSet on it ("error parsing label selector").`,
        'Write the selector as matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) over label keys.',
      );
      return undefined;
    }
  }

  /** A top-level generator's own template merged onto the ApplicationSet's; undefined without one, null on a problem. */
  private generatorTemplate(raw: unknown, field: string): CompiledTemplate | undefined | null {
    if (raw === undefined || raw === null || isEmptyTemplate(raw)) {
      return undefined;
    }
    if (!isMap(raw)) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.template is not a map.`,
        `Write ${field}.template as a map of metadata and spec.`,
      );
      return null;
    }
    // The generator's own template, merged onto the ApplicationSet's as Argo CD merges them.
    const merged = mergeGeneratorTemplate(raw, (this.appset.spec as Record<string, unknown>).template) as Record<string, unknown>;
    return {
      metadata: this.compile((merged.metadata ?? {}) as Json, `${field}.template.metadata`),
      spec: this.compile(merged.spec as Json, `${field}.template.spec`),
    };
  }

  private gitSpec(git: Record<string, unknown>, field: string): GitSpec | undefined {
    let ok = true;
    const bad = (code: PreviewCode, message: string, fix: string) => {
      this.problem(code, `${this.where} ${message}`, fix);
      ok = false;
    };
    if (typeof git.repoURL !== 'string' || git.repoURL === '') {
      bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.repoURL is missing.`, 'Set repoURL to the GitOps repository URL.');
    }
    if (git.revision !== undefined && typeof git.revision !== 'string') {
      bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.revision is not a string.`, 'Set revision to a branch, tag or commit.');
    }
    // As Argo CD: directories when there are any, else files.
    const kind = nonEmptyList(git.directories) ? 'directories' : nonEmptyList(git.files) ? 'files' : undefined;
    if (kind === undefined) {
      bad(
        PreviewCode.INVALID_APPLICATIONSET,
        `${field} has no directories and no files.`,
        `Add ${field}.directories or ${field}.files with at least one path pattern.`,
      );
    }
    const items: Array<GitDirectoryItem & GitFileItem> = [];
    ((kind === undefined ? [] : git[kind]) as unknown[]).forEach((d, k) => {
      const item = d as Record<string, unknown>;
      if (!isMap(d) || typeof item.path !== 'string') {
        bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.${kind}[${k}].path is missing.`, `Give every ${kind} entry a path pattern.`);
      } else if (item.exclude !== undefined && typeof item.exclude !== 'boolean') {
        bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.${kind}[${k}].exclude is not a boolean.`, 'Set exclude to true or false.');
      } else {
        items.push({ path: item.path, exclude: item.exclude === true });
        if (kind === 'files') {
          try {
            compilePathspec(item.path);
          } catch (e) {
            this.collect(e, `${field}.files[${k}].path`);
            ok = false;
          }
        }
      }
    });
    if (git.pathParamPrefix !== undefined && typeof git.pathParamPrefix !== 'string') {
      bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.pathParamPrefix is not a string.`, 'Set pathParamPrefix to a name, or remove it.');
    }
    const values = this.generatorValues(git.values, field);
    if (!ok || values === undefined) {
      return undefined;
    }
    return {
      kind: 'git',
      repoURL: git.repoURL as string,
      revision: (git.revision as string | undefined) ?? '',
      items: kind === 'files' ? { files: items } : { directories: items },
      ...(typeof git.pathParamPrefix === 'string' && git.pathParamPrefix !== '' ? { pathParamPrefix: git.pathParamPrefix } : {}),
      values,
    };
  }

  /** A generator's `values`, each compiled; undefined on a problem. */
  private generatorValues(raw: unknown, field: string): GeneratorValues | undefined {
    const values: Array<readonly [string, Compiled]> = [];
    if (raw === undefined || raw === null) {
      return values;
    }
    if (!isMap(raw) || !Object.values(raw as object).every((v) => typeof v === 'string')) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.values is not a map of strings.`,
        'Quote every value of values.',
      );
      return undefined;
    }
    for (const [k, v] of Object.entries(raw as Record<string, string>)) {
      values.push([k, this.compileString(v, `${field}.values${fieldKey(k)}`)]);
    }
    return values;
  }

  private listSpec(list: Record<string, unknown>, field: string): ListSpec | undefined {
    const elements = list.elements ?? [];
    if (!Array.isArray(elements)) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.elements is not a list.`,
        'Write elements as a list of maps.',
      );
      return undefined;
    }
    if (list.elementsYaml !== undefined && list.elementsYaml !== null && typeof list.elementsYaml !== 'string') {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.elementsYaml is not a string.`,
        'Write elementsYaml as a string holding a YAML list, e.g. with "elementsYaml: |".',
      );
      return undefined;
    }
    return { kind: 'list', elements, ...(typeof list.elementsYaml === 'string' ? { elementsYaml: list.elementsYaml } : {}) };
  }

  private clusterSpec(clusters: Record<string, unknown>, field: string): ClusterSpec | undefined {
    if (clusters.flatList !== undefined && clusters.flatList !== false) {
      this.problem(
        PreviewCode.UNSUPPORTED_FEATURE,
        `${this.where} ${field}.flatList is set; the offline preview does not expand a cluster generator's flat list.`,
        'Remove flatList, or preview this ApplicationSet with argocd appset generate.',
      );
      return undefined;
    }
    let selector: LabelSelector | undefined;
    if (clusters.selector !== undefined && clusters.selector !== null) {
      selector = this.selector(clusters.selector, `${field}.selector`);
      if (selector === undefined) {
        return undefined;
      }
    }
    const values = this.generatorValues(clusters.values, field);
    return values === undefined ? undefined : { kind: 'clusters', ...(selector === undefined ? {} : { selector }), values };
  }

  private combinationSpec(
    kind: 'matrix' | 'merge',
    body: Record<string, unknown>,
    field: string,
    index: number,
    depth: number,
  ): MatrixSpec | MergeSpec | undefined {
    if (depth >= 2) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field} is a ${kind} generator nested two levels deep; Argo CD nests matrix and merge generators one level only, and fails on it.`,
        'Nest at most one matrix or merge generator inside another.',
      );
      return undefined;
    }
    const children = body.generators;
    const count = Array.isArray(children) ? children.length : 0;
    if (kind === 'matrix' && count !== 2) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.generators has ${count} generators; Argo CD fails a matrix generator without exactly two ("found ${count < 2 ? 'less' : 'more'} than two generators, Matrix support only two").`,
        'Give the matrix generator exactly two generators; nest a matrix for more.',
      );
      return undefined;
    }
    if (kind === 'merge' && count < 2) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.generators has ${count} generators; Argo CD fails a merge generator with fewer than two ("found less than two generators, Merge requires two or more").`,
        'Give the merge generator a base generator and at least one more.',
      );
      return undefined;
    }
    const raws = children as unknown[];
    const nodes = raws.map((c, i) => this.parse(c, `${field}.generators[${i}]`, index, depth + 1));
    if (nodes.some((n) => n === undefined)) {
      return undefined;
    }
    if (kind === 'matrix') {
      const secondField = `${field}.generators[1]`;
      return {
        kind,
        first: nodes[0]!,
        second: { node: nodes[1]!, compiled: this.compile(raws[1], secondField) },
      };
    }
    const mergeKeys = body.mergeKeys;
    if (!Array.isArray(mergeKeys) || mergeKeys.length === 0 || !mergeKeys.every((k) => typeof k === 'string')) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.mergeKeys is not a list of parameter names; Argo CD fails a merge generator without one ("no merge keys were specified, Merge requires at least one").`,
        'List the parameters that match the sets of the generators in mergeKeys, e.g. [server].',
      );
      return undefined;
    }
    return { kind, mergeKeys: [...new Set(mergeKeys as string[])], generators: nodes as GeneratorNode[] };
  }

  // ---- compiling and rendering templates

  private compile(value: unknown, field: string): Compiled {
    if (typeof value === 'string') {
      return this.compileString(value, field);
    }
    if (Array.isArray(value)) {
      return { kind: 'list', items: value.map((v, i) => this.compile(v, `${field}[${i}]`)) };
    }
    if (isMap(value)) {
      const entries: Array<readonly [Compiled, Compiled, string]> = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        // Argo CD drops nil map values; an absent field is the same as a null one.
        if (v === null || v === undefined) {
          continue;
        }
        entries.push([this.compileString(k, `${field} key ${JSON.stringify(k)}`), this.compile(v, `${field}${fieldKey(k)}`), k]);
      }
      return { kind: 'map', field, entries, templatedKeys: entries.some(([k]) => k.kind !== 'const') };
    }
    if (value === null || typeof value === 'number' || typeof value === 'boolean') {
      return { kind: 'const', value };
    }
    this.problem(
      PreviewCode.INVALID_APPLICATIONSET,
      `${this.where} ${field} holds a ${typeof value}, which YAML cannot express.`,
      'Use strings, numbers, booleans, lists and maps only.',
    );
    return { kind: 'const', value: null };
  }

  private compileString(text: string, field: string): Compiled {
    if (!text.includes('{{')) {
      return { kind: 'const', value: text };
    }
    if (!this.goTemplate) {
      return { kind: 'string', field, source: text, render: (params) => renderFastTemplate(text, params as Record<string, string>) };
    }
    let template: GoTemplate;
    try {
      template = goTemplates().GoTemplate.parse(text);
    } catch (e) {
      this.collect(e, field);
      return { kind: 'const', value: text };
    }
    if (template.isConstant) {
      return { kind: 'const', value: template.execute({}), source: text };
    }
    const options = this.executeOptions;
    return { kind: 'string', field, source: text, render: (params) => template.execute(params, options) };
  }

  /** A compiled template as written, unrendered (null fields dropped). */
  private asWritten(c: Compiled): Json {
    switch (c.kind) {
      case 'const':
        return c.source ?? c.value;
      case 'string':
        return c.source;
      case 'list':
        return c.items.map((item) => this.asWritten(item));
      case 'map':
        return Object.fromEntries(c.entries.map(([, value, key]) => [key, this.asWritten(value)]));
    }
  }

  /** Renders a compiled template for the parameter set `at`; undefined when a problem was recorded. */
  private render(c: Compiled, params: Params, at: string): Json | undefined {
    switch (c.kind) {
      case 'const':
        return c.value;
      case 'string': {
        let text: string;
        try {
          text = c.render(params);
        } catch (e) {
          this.collect(e, c.field, at);
          return undefined;
        }
        this.rendered += text.length;
        const budget = this.options.budget;
        if (budget !== undefined && (budget.characters += text.length) > MAX_PREVIEW_RENDERED) {
          this.fatal(
            PreviewCode.UNSUPPORTED_FEATURE,
            `${this.where} ${c.field}, ${at}: the templates of the ApplicationSets of this preview render more than ${MAX_PREVIEW_RENDERED} characters in all, which the offline preview does not expand.`,
            'Render smaller values, or preview fewer ApplicationSets at once (split the repository by control plane).',
          );
        }
        if (this.rendered > MAX_RENDERED_TOTAL) {
          this.fatal(
            PreviewCode.UNSUPPORTED_FEATURE,
            `${this.where} ${c.field}, ${at}: the templates of this ApplicationSet render more than ${MAX_RENDERED_TOTAL} characters over its parameter sets, which the offline preview does not expand.`,
            'Render smaller values (each Application is stored whole by the Kubernetes API server), or split the ApplicationSet.',
          );
        }
        return text;
      }
      case 'list': {
        const out: Json[] = [];
        let ok = true;
        for (const item of c.items) {
          const v = this.render(item, params, at);
          ok = ok && v !== undefined;
          out.push(v ?? null);
        }
        return ok ? out : undefined;
      }
      case 'map': {
        const out: Record<string, Json> = {};
        const sources = c.templatedKeys ? new Map<string, string>() : undefined;
        let ok = true;
        for (const [compiledKey, compiledValue, original] of c.entries) {
          const key = compiledKey.kind === 'const' ? (compiledKey.value as string) : this.render(compiledKey, params, at);
          const value = this.render(compiledValue, params, at);
          if (typeof key !== 'string' || value === undefined) {
            ok = false;
            continue;
          }
          out[key] = value;
          if (!sources) {
            continue;
          }
          const earlier = sources.get(key);
          if (earlier !== undefined) {
            this.problem(
              PreviewCode.TEMPLATE_EXECUTION,
              `${this.where} ${c.field}, ${at}: the keys ${show(earlier)} and ${show(original)} both render to ${show(key)}.`,
              'Make the templated keys render to different strings.',
            );
            ok = false;
          }
          sources.set(key, original);
        }
        return ok ? out : undefined;
      }
    }
  }

  // ---- parameter sets

  /** The parameter sets of a generator, in the order Argo CD makes them, filtered by its selector. */
  private generate(node: GeneratorNode): ParamSet[] {
    let sets: ParamSet[];
    const spec = node.spec;
    switch (spec.kind) {
      case 'git':
        sets = this.gitSets(spec, node.field);
        break;
      case 'list':
        sets = this.listSets(spec, `${node.field}.list`);
        break;
      case 'clusters':
        sets = this.clusterSets(spec, `${node.field}.clusters`);
        break;
      case 'matrix':
        sets = this.matrixSets(spec, `${node.field}.matrix`);
        break;
      case 'merge':
        sets = this.mergeSets(spec, `${node.field}.merge`);
        break;
    }
    if (sets.length > MAX_PARAM_SETS) {
      this.tooManySets(node.field);
    }
    const selector = node.selector;
    return selector === undefined ? sets : sets.filter((s) => selectorMatches(selector, flattenParams(s.params)));
  }

  private tooManySets(field: string): never {
    return this.fatal(
      PreviewCode.UNSUPPORTED_FEATURE,
      `${this.where} ${field} gives more than ${MAX_PARAM_SETS} parameter sets, so Argo CD would generate as many Applications from this one ApplicationSet; the offline preview does not expand so many.`,
      'Narrow the generators (fewer files, elements or directories, a selector), or split the ApplicationSet.',
    );
  }

  private gitSets(generator: GitSpec, generatorField: string): ParamSet[] {
    const options: PathParamsOptions = {
      goTemplate: this.goTemplate,
      ...(generator.pathParamPrefix === undefined ? {} : { pathParamPrefix: generator.pathParamPrefix }),
    };
    const { repoURL, revision, items } = generator;
    const bases: ParamSet[] = [];
    if ('directories' in items) {
      let dirs: string[];
      try {
        dirs = filterDirectories(this.repository.directories(repoURL, revision), items.directories);
      } catch (e) {
        this.rethrowWithin(e, `${generatorField}.git.directories`);
      }
      bases.push(...dirs.map((dir) => ({ at: `directory ${show(dir)}`, params: directoryParams(dir, options) })));
    } else {
      const field = `${generatorField}.git.files`;
      const { files: list, readFile } = this.repository;
      if (!list || !readFile) {
        this.problem(
          PreviewCode.UNSUPPORTED_FEATURE,
          `${this.where} ${field} is a git files generator, but the preview was given the directories of the repository only, not its files.`,
          NEEDS_FILES_FIX,
        );
        return [];
      }
      let files: string[];
      try {
        files = filterGitFiles(list(repoURL, revision), items.files);
      } catch (e) {
        this.rethrowWithin(e, field);
      }
      for (const file of files) {
        // Argo CD fails the whole ApplicationSet on a file it cannot read; every such file is listed.
        try {
          for (const { item, params } of gitFileParamSets(file, readFile(repoURL, revision, file), options)) {
            bases.push({ at: `file ${show(file)}${item === undefined ? '' : ` (list item ${item})`}`, params });
          }
        } catch (e) {
          this.collect(e, field);
        }
        if (bases.length > MAX_PARAM_SETS) {
          this.tooManySets(generatorField);
        }
      }
    }
    return this.withValues(bases, generator.values);
  }

  private listSets(spec: ListSpec, field: string): ParamSet[] {
    try {
      return listParamSets(spec.elements, spec.elementsYaml, this.goTemplate);
    } catch (e) {
      if (!(e instanceof ListElementError)) {
        throw e;
      }
      this.problem(
        e.unmodelled ? PreviewCode.UNSUPPORTED_FEATURE : PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}: ${e.reason}${e.unmodelled ? '' : '; Argo CD fails the ApplicationSet on it'}.`,
        e.fix,
      );
      return [];
    }
  }

  private clusterSets(spec: ClusterSpec, field: string): ParamSet[] {
    const clusters = this.options.clusters;
    if (clusters === undefined) {
      this.problem(
        PreviewCode.UNSUPPORTED_FEATURE,
        `${this.where} ${field} is a cluster generator, which generates from the clusters Argo CD holds, but the cluster list is not in the repository: no declarative cluster Secret (label argocd.argoproj.io/secret-type: cluster) is deployed by this control plane's ApplicationSets.`,
        "Declare the clusters in the repository: a SelfManagedArgoCd that runs on the control plane's cluster writes a declarative Secret for each cluster it manages. Or preview this ApplicationSet with argocd appset generate.",
      );
      return [];
    }
    return this.withValues(clusterParamSets(clusters, spec.selector, this.goTemplate), spec.values);
  }

  private matrixSets(spec: MatrixSpec, field: string): ParamSet[] {
    const out: ParamSet[] = [];
    for (const a of this.generate(spec.first)) {
      const second = this.interpolate(spec.second, a);
      if (second === undefined) {
        continue;
      }
      for (const b of this.generate(second)) {
        if (out.length >= MAX_PARAM_SETS) {
          this.tooManySets(field.replace(/\.matrix$/, ''));
        }
        const at = `${a.at} × ${b.at}`;
        if (this.goTemplate) {
          out.push({ at, params: matrixMergeGo(a.params, b.params) });
          continue;
        }
        try {
          out.push({ at, params: combineStringMaps(a.params, b.params) });
        } catch (e) {
          if (!(e instanceof DuplicateParameter)) {
            throw e;
          }
          this.problem(
            PreviewCode.INVALID_APPLICATIONSET,
            `${this.where} ${field}, ${at}: both generators set the parameter ${show(e.key)}, to different values; Argo CD fails the ApplicationSet on it ("found duplicate key ${e.key} with different value").`,
            'Give the parameters of the two generators different names, e.g. with pathParamPrefix on a git generator, or set goTemplate: true (then the first generator wins).',
          );
        }
      }
    }
    return out;
  }

  /**
   * The matrix's second generator for a set of its first: every string of it rendered with that
   * set, as Argo CD interpolates it (not when the set is empty, as Argo CD skips it then).
   */
  private interpolate(second: InterpolatedGenerator, first: ParamSet): GeneratorNode | undefined {
    if (Object.keys(first.params).length === 0) {
      return second.node;
    }
    const raw = this.render(second.compiled, first.params, first.at);
    if (raw === undefined) {
      return undefined;
    }
    return this.parse(raw, second.node.field, second.node.index, second.node.depth);
  }

  private mergeSets(spec: MergeSpec, field: string): ParamSet[] {
    const byKey = (sets: readonly ParamSet[], generator: number): Map<string, ParamSet> | undefined => {
      const out = new Map<string, ParamSet>();
      for (const set of sets) {
        const key = goJsonKey(spec.mergeKeys, set.params);
        if (out.has(key)) {
          this.problem(
            PreviewCode.INVALID_APPLICATIONSET,
            `${this.where} ${field}.generators[${generator}]: ${out.get(key)!.at} and ${set.at} have the same values of the merge keys ${spec.mergeKeys.map((k) => show(k)).join(', ')}; Argo CD fails the ApplicationSet on it ("the parameters from a generator were not unique by the given mergeKeys").`,
            'Choose mergeKeys that tell every parameter set of each generator apart.',
          );
          return undefined;
        }
        out.set(key, set);
      }
      return out;
    };
    const all = spec.generators.map((g) => this.generate(g));
    if (this.goTemplate) {
      // Argo CD looks merge keys up among the top-level parameters; whether a dotted key reaches into
      // nested maps has changed across versions (argo-cd#12836), so such a key is refused.
      const nested = spec.mergeKeys.find((k) =>
        all.some((sets) => sets.some((s) => !hasOwn(s.params, k) && nestedValue(s.params, k) !== undefined)),
      );
      if (nested !== undefined) {
        this.problem(
          PreviewCode.UNSUPPORTED_FEATURE,
          `${this.where} ${field}.mergeKeys names ${show(nested)}, a parameter nested in a map with goTemplate; whether Argo CD matches on nested parameters depends on its version, which the offline preview does not model.`,
          'Merge on a top-level parameter (e.g. add it with values), or preview this ApplicationSet with argocd appset generate.',
        );
        return [];
      }
    }
    const base = byKey(all[0]!, 0);
    if (base === undefined) {
      return [];
    }
    const merged = new Map<string, { at: string; params: Record<string, TemplateValue> }>(
      [...base].map(([k, s]) => [k, { at: s.at, params: cloneParams(s.params) }]),
    );
    for (let i = 1; i < all.length; i++) {
      const overrides = byKey(all[i]!, i);
      if (overrides === undefined) {
        return [];
      }
      for (const [key, set] of merged) {
        const override = overrides.get(key);
        if (override === undefined) {
          continue;
        }
        if (this.goTemplate) {
          mergoMerge(set.params, cloneParams(override.params), true);
        } else {
          set.params = combineStringMapsAllowDuplicates(set.params, override.params);
        }
        set.at = `${set.at} + ${override.at}`;
      }
    }
    return [...merged.values()];
  }

  /** Each set with the generator's `values` rendered over it, under `values` (flat: `values.<key>`). */
  private withValues(sets: readonly ParamSet[], values: GeneratorValues): ParamSet[] {
    if (values.length === 0) {
      return [...sets];
    }
    const out: ParamSet[] = [];
    for (const { at, params: base } of sets) {
      const rendered: Record<string, string> = {};
      let ok = true;
      for (const [key, compiled] of values) {
        const v = this.render(compiled, base, at);
        if (typeof v !== 'string') {
          ok = false;
          break;
        }
        rendered[key] = v;
      }
      if (!ok) {
        continue;
      }
      if (this.goTemplate) {
        out.push({ at, params: { ...base, values: markStringMap(rendered) } });
        continue;
      }
      const flat: Record<string, TemplateValue> = { ...base };
      for (const [key, v] of Object.entries(rendered)) {
        flat[`values.${key}`] = v;
      }
      out.push({ at, params: flat });
    }
    return out;
  }

  // ---- templatePatch

  /** The Application with the rendered `templatePatch` applied; undefined when a problem was recorded. */
  private patched(app: GeneratedApplication, patch: Compiled, params: Params, at: string): GeneratedApplication | undefined {
    const text = this.render(patch, params, at);
    if (typeof text !== 'string') {
      return undefined;
    }
    const fail = (code: PreviewCode, reason: string, fix: string): undefined => {
      this.problem(code, `${this.where} spec.templatePatch, ${at}: the rendered patch ${reason}.`, fix);
      return undefined;
    };
    let data: GoData;
    try {
      data = readGoYaml(text);
    } catch (e) {
      if (!(e instanceof GoYamlError)) {
        throw e;
      }
      return e.unmodelled
        ? fail(PreviewCode.UNSUPPORTED_FEATURE, e.reason, 'Preview this ApplicationSet with argocd appset generate.')
        : fail(PreviewCode.INVALID_APPLICATIONSET, e.reason, 'Make templatePatch render to a YAML map of Application fields.');
    }
    let result: PatchTarget;
    try {
      result = applyTemplatePatch({ metadata: app.metadata, spec: app.spec }, data);
    } catch (e) {
      if (!(e instanceof PatchError)) {
        throw e;
      }
      return fail(e.code, e.reason, e.fix);
    }
    const meta = result.metadata;
    for (const key of ['labels', 'annotations'] as const) {
      const map = meta[key];
      if (map !== undefined && (!isMap(map) || !Object.values(map).every((v) => typeof v === 'string'))) {
        return fail(
          PreviewCode.INVALID_APPLICATIONSET,
          `sets metadata.${key} to something other than a map of strings, so Argo CD fails to read it`,
          `Quote every value of metadata.${key}.`,
        );
      }
    }
    if (typeof meta.name !== 'string') {
      return fail(
        PreviewCode.INVALID_APPLICATIONSET,
        'leaves no metadata.name, or one that is not a string',
        'Patch metadata.name with a string, or leave it to spec.template.',
      );
    }
    // Argo CD reads the patched JSON into its Application type (json.Unmarshal), which fails
    // on a field of the wrong type; the ApplicationSet then generates nothing.
    const unreadable = unreadableField(result.spec, APPLICATION_SPEC_TYPE, 'spec');
    if (unreadable !== undefined) {
      return fail(
        PreviewCode.INVALID_APPLICATIONSET,
        `leaves ${unreadable}, so Argo CD cannot read the patched Application (json: cannot unmarshal) and generates no Application from this ApplicationSet`,
        'Make templatePatch give each field the type an Application holds (a string for project, a map for destination, …).',
      );
    }
    const finalizers = Array.isArray(meta.finalizers) ? (meta.finalizers as string[]) : [];
    return {
      apiVersion: API_VERSION,
      kind: 'Application',
      metadata: {
        name: typeof meta.name === 'string' ? meta.name : '',
        // Argo CD sets the ApplicationSet's namespace after the patch, whatever the patch says.
        ...(app.metadata.namespace === undefined ? {} : { namespace: app.metadata.namespace }),
        ...(isNonEmptyMap(meta.labels) ? { labels: meta.labels as Record<string, string> } : {}),
        ...(isNonEmptyMap(meta.annotations) ? { annotations: meta.annotations as Record<string, string> } : {}),
        finalizers,
      },
      spec: result.spec,
    };
  }

  // ---- the generated Application

  private application(
    meta: Record<string, Json>,
    spec: Record<string, Json>,
    namespace: string | undefined,
    preserve: boolean,
  ): GeneratedApplication {
    const finalizers = Array.isArray(meta.finalizers) ? (meta.finalizers as string[]) : [];
    return {
      apiVersion: API_VERSION,
      kind: 'Application',
      metadata: {
        name: typeof meta.name === 'string' ? meta.name : '',
        ...(namespace ? { namespace } : {}),
        // Like Kubernetes' ObjectMeta (omitempty), empty label and annotation maps are left out.
        ...(isNonEmptyMap(meta.labels) ? { labels: meta.labels as Record<string, string> } : {}),
        ...(isNonEmptyMap(meta.annotations) ? { annotations: meta.annotations as Record<string, string> } : {}),
        finalizers: finalizers.length === 0 && !preserve ? [RESOURCES_FINALIZER] : finalizers,
      },
      spec,
    };
  }

  private validateApplication(app: GeneratedApplication, at: string): void {
    const name = app.metadata.name;
    if (!isDns1123Subdomain(name)) {
      this.problem(
        PreviewCode.INVALID_APPLICATION,
        `${this.where} spec.template.metadata.name, ${at}: the generated name ${show(name)} is not a valid Kubernetes name (DNS-1123 subdomain), so Kubernetes rejects the Application.`,
        'Build the name from lower-case parts, e.g. with .path.basenameNormalized or the normalize function.',
      );
    }
    for (const [key, value] of Object.entries(app.metadata.labels ?? {})) {
      if (!isLabelValue(value)) {
        this.problem(
          PreviewCode.INVALID_APPLICATION,
          `${this.where} spec.template.metadata.labels${fieldKey(key)}, ${at}: the label value ${show(String(value))} is not valid (at most 63 characters, alphanumerics, "-", "_", ".").`,
          'Shorten or normalize the label value, e.g. with trunc 63 or normalize.',
        );
      }
    }
  }

  private checkDuplicates(apps: ReadonlyArray<{ app: GeneratedApplication; at: string; generator: number }>): void {
    const byName = new Map<string, { at: string; generator: number }>();
    for (const { app, at, generator } of apps) {
      const first = byName.get(app.metadata.name);
      if (first === undefined) {
        byName.set(app.metadata.name, { at, generator });
        continue;
      }
      const from = (g: number, where: string) => `${where}${g === generator && g === first.generator ? '' : ` (generator ${g})`}`;
      this.problem(
        PreviewCode.DUPLICATE_APPLICATION,
        `${this.where} generates the Application ${show(app.metadata.name)} twice: from ${from(first.generator, first.at)} and from ${from(generator, at)}; Argo CD refuses duplicate names.`,
        'Include every path segment (or file key) that tells the parameter sets apart in spec.template.metadata.name.',
      );
    }
  }

  // ---- problems

  private problem(code: PreviewCode, message: string, fix: string): void {
    // A matrix's second generator is checked once per set of the first: each problem once.
    if (this.seen.has(message)) {
      return;
    }
    this.seen.add(message);
    this.total++;
    if (this.problems.length < MAX_PROBLEMS) {
      this.problems.push(problem(code, { message, fix, file: this.options.file }));
    }
  }

  /** Records the problems of a GitOpsError thrown by the template, pattern or file code, located. */
  private collect(e: unknown, field: string, at?: string): void {
    if (!(e instanceof GitOpsError)) {
      throw e;
    }
    const where = at === undefined ? field : `${field}, ${at}`;
    for (const p of e.problems) {
      this.problem(p.code as PreviewCode, `${this.where} ${where}: ${p.message}`, p.fix);
    }
  }

  private rethrowWithin(e: unknown, field: string): never {
    this.collect(e, field);
    this.check();
    throw e;
  }

  private fatal(code: PreviewCode, message: string, fix: string): never {
    this.problem(code, message, fix);
    this.check();
    throw new Error('unreachable');
  }

  private check(): void {
    if (this.total === 0) {
      return;
    }
    const summary =
      this.total > this.problems.length
        ? `${this.where}: ${this.total} problems found; the first ${this.problems.length}:`
        : this.total > 1
          ? `${this.where}: ${this.total} problems found:`
          : undefined;
    // A template wrong for every parameter set is one mistake: alike problems print as one entry.
    throw new GitOpsError(this.problems, summary, { grouped: true });
  }
}

/**
 * Orders Applications by name. Names are checked to be DNS-1123 (ASCII) before sorting, and
 * for ASCII JavaScript's string order is Go's byte order.
 */
function byName(a: GeneratedApplication, b: GeneratedApplication): number {
  const x = a.metadata.name;
  const y = b.metadata.name;
  return x < y ? -1 : x > y ? 1 : 0;
}

function isNonEmptyMap(v: unknown): boolean {
  return isMap(v) && Object.keys(v as object).length > 0;
}

function nonEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

function isEmptyTemplate(t: unknown): boolean {
  if (!isMap(t)) {
    return false;
  }
  return Object.values(t as object).every(
    (v) => v === null || v === undefined || (isMap(v) && isEmptyTemplate(v)) || (Array.isArray(v) && v.length === 0) || v === '',
  );
}

function hasOwn(map: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** The value at a dotted path through nested maps (`path.basename`), if there is one. */
function nestedValue(params: Params, dotted: string): TemplateValue | undefined {
  let v: TemplateValue | undefined = params;
  for (const part of dotted.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !hasOwn(v, part)) {
      return undefined;
    }
    v = (v as Params)[part];
  }
  return v;
}

/** `.name` for identifier-like keys, `["a/b"]` otherwise. */
function fieldKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
