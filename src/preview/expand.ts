import { GitOpsError, Problem, problem } from '../core/errors';
import { renderFastTemplate } from './fast-template';
import { directoryParams, filterDirectories, GitDirectoryItem, listGitDirectories } from './git-directories';
import { filterGitFiles, GitFileItem, gitFileParamSets, gitFileReader, listGitFiles } from './git-files';
import { GoTemplate, GoTemplateExecuteOptions, parseGoTemplateOptions } from './go-template';
import { PathParamsOptions } from './path-params';
import { compilePathspec } from './pathspec';
import { PreviewCode, show } from './problems';
import { markStringMap, TemplateMap } from './template-values';
import { mergeGeneratorTemplate } from './template-merge';
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

/** Options for {@link expandApplicationSet}. */
export interface ExpandOptions {
  /** The repository file the ApplicationSet came from, named in every problem. */
  readonly file?: string;
}

const API_VERSION = 'argoproj.io/v1alpha1';
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const TEMPLATE_METADATA_FIELDS = new Set(['name', 'namespace', 'labels', 'annotations', 'finalizers']);
const GIT_FIELDS = new Set(['repoURL', 'revision', 'directories', 'files', 'values', 'pathParamPrefix', 'requeueAfterSeconds', 'template']);
const NEEDS_FILES_FIX =
  'Preview this ApplicationSet with argocd appset generate; expandApplicationSet reads generator files when given the checkout directory or a GitRepository.';
const MAX_PROBLEMS = 20;

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
 *   `path.filename` included (see `gitFileParamSets`);
 * - renders every string of `spec.template`, map keys included, with Go templates
 *   (`goTemplate: true`, honouring `goTemplateOptions`) or fasttemplate (`goTemplate: false`);
 * - sets `metadata.namespace` to the ApplicationSet's namespace, and adds the
 *   `resources-finalizer.argocd.argoproj.io` finalizer when the template has none and
 *   `spec.syncPolicy.preserveResourcesOnDeletion` is not true.
 *
 * It returns the Applications sorted by name (the controller keeps generator order). It does
 * not add owner references (they need the live ApplicationSet's UID).
 *
 * @throws GitOpsError with every problem found (at most 20 listed): generators other than git
 * directories and git files, `templatePatch`, selectors, and what the preview does not model
 * (`CG706`), template errors (`CG701`–`CG704`), malformed patterns (`CG705`), duplicate names
 * (`CG707`), a malformed ApplicationSet (`CG708`), an unreadable checkout (`CG709`), names and
 * label values Kubernetes rejects (`CG710`), generator files that cannot be used (`CG711`).
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
    throw new GitOpsError(problems);
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
  return new Expansion(appset, repositoryOf(source), options).generate().map(({ app, at }) => ({ app, at }));
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
  | { readonly kind: 'const'; readonly value: Json }
  | { readonly kind: 'string'; readonly field: string; readonly render: (params: Params) => string }
  | { readonly kind: 'list'; readonly items: readonly Compiled[] }
  | {
      readonly kind: 'map';
      readonly field: string;
      /** Each entry: the compiled key, the compiled value and the key as written. */
      readonly entries: ReadonlyArray<readonly [Compiled, Compiled, string]>;
      /** Whether a key is templated, so two keys may render the same. */
      readonly templatedKeys: boolean;
    };

interface GitGenerator {
  readonly index: number;
  readonly repoURL: string;
  readonly revision: string;
  /** The generator's items: directories, or else files (Argo CD ignores files beside directories). */
  readonly items: { readonly directories: readonly GitDirectoryItem[] } | { readonly files: readonly GitFileItem[] };
  readonly pathParamPrefix?: string;
  readonly values: ReadonlyArray<readonly [string, Compiled]>;
  /** Its own template merged onto the ApplicationSet's, compiled. @default - the ApplicationSet's */
  readonly template?: { readonly metadata: Compiled; readonly spec: Compiled };
}

/** One parameter set of a generator, and where it comes from (`directory "…"`, `file "…"`). */
interface ParamSet {
  readonly at: string;
  readonly base: Params;
}

class Expansion {
  private readonly problems: Problem[] = [];
  private total = 0;
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
    const apps = this.generate();
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
  public generate(): Array<{ app: GeneratedApplication; at: string; generator: number }> {
    const spec = this.validateShape();
    const template = spec.template as Record<string, unknown>;
    const metadata = (template.metadata ?? {}) as Record<string, unknown>;
    const compiledMetadata = this.compile(metadata, 'spec.template.metadata');
    const compiledSpec = this.compile(template.spec as Json, 'spec.template.spec');
    const generators = (spec.generators as unknown[]).map((g, i) => this.generator(g, i));
    this.check();

    const syncPolicy = spec.syncPolicy as Record<string, unknown> | undefined;
    const preserve = syncPolicy?.preserveResourcesOnDeletion === true;
    const namespace = this.appset.metadata?.namespace;
    const apps: Array<{ app: GeneratedApplication; at: string; generator: number }> = [];

    for (const generator of generators) {
      if (!generator) {
        continue;
      }
      for (const { at, base } of this.paramSets(generator)) {
        const params = this.params(generator, base, at);
        if (!params) {
          continue;
        }
        const meta = this.render(generator.template?.metadata ?? compiledMetadata, params, at) as Record<string, Json> | undefined;
        const appSpec = this.render(generator.template?.spec ?? compiledSpec, params, at) as Record<string, Json> | undefined;
        if (meta === undefined || appSpec === undefined) {
          continue;
        }
        const app = this.application(meta, appSpec, namespace, preserve);
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
    if (s.templatePatch !== undefined && s.templatePatch !== null && s.templatePatch !== '') {
      this.fatal(
        PreviewCode.UNSUPPORTED_FEATURE,
        `${this.where} uses spec.templatePatch, which the offline preview does not apply.`,
        'Move the patched fields into spec.template, or preview this ApplicationSet with argocd appset generate.',
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
        this.executeOptions = parseGoTemplateOptions(goOptions as string[]);
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

  private generator(raw: unknown, index: number): GitGenerator | undefined {
    const field = `spec.generators[${index}]`;
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
    if (g.selector !== undefined && g.selector !== null) {
      this.problem(
        PreviewCode.UNSUPPORTED_FEATURE,
        `${this.where} ${field}.selector is set; the offline preview does not filter generator parameters by selector.`,
        'Remove the selector, or preview this ApplicationSet with argocd appset generate.',
      );
    }
    if (kinds.length !== 1) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field} has ${kinds.length === 0 ? 'no generator' : `several generators (${kinds.join(', ')})`}.`,
        'Give each generator entry exactly one generator.',
      );
      return undefined;
    }
    const kind = kinds[0]!;
    if (kind !== 'git') {
      this.problem(
        PreviewCode.UNSUPPORTED_FEATURE,
        `${this.where} ${field} is a "${kind}" generator; the offline preview expands only git generators (directories and files).`,
        'Preview this ApplicationSet with argocd appset generate, or generate from directories or files with a git generator.',
      );
      return undefined;
    }
    const git = g.git;
    if (!isMap(git)) {
      this.problem(
        PreviewCode.INVALID_APPLICATIONSET,
        `${this.where} ${field}.git is not a map.`,
        'Write the git generator as a map with repoURL, revision and directories or files.',
      );
      return undefined;
    }
    return this.gitGenerator(git as Record<string, unknown>, index, `${field}.git`);
  }

  private gitGenerator(git: Record<string, unknown>, index: number, field: string): GitGenerator | undefined {
    let ok = true;
    const bad = (code: PreviewCode, message: string, fix: string) => {
      this.problem(code, `${this.where} ${message}`, fix);
      ok = false;
    };
    for (const key of Object.keys(git)) {
      if (!GIT_FIELDS.has(key)) {
        bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.${key} is not a field of the git generator.`, `Remove ${field}.${key}.`);
      }
    }
    if (typeof git.repoURL !== 'string' || git.repoURL === '') {
      bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.repoURL is missing.`, 'Set repoURL to the GitOps repository URL.');
    }
    if (git.revision !== undefined && typeof git.revision !== 'string') {
      bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.revision is not a string.`, 'Set revision to a branch, tag or commit.');
    }
    let template: { metadata: Compiled; spec: Compiled } | undefined;
    if (git.template !== undefined && git.template !== null && !isEmptyTemplate(git.template)) {
      if (!isMap(git.template)) {
        bad(
          PreviewCode.INVALID_APPLICATIONSET,
          `${field}.template is not a map.`,
          `Write ${field}.template as a map of metadata and spec.`,
        );
      } else {
        // The generator's own template, merged onto the ApplicationSet's as Argo CD merges them.
        const merged = mergeGeneratorTemplate(git.template, (this.appset.spec as Record<string, unknown>).template) as Record<
          string,
          unknown
        >;
        template = {
          metadata: this.compile((merged.metadata ?? {}) as Json, `${field}.template.metadata`),
          spec: this.compile(merged.spec as Json, `${field}.template.spec`),
        };
      }
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
    const values: Array<readonly [string, Compiled]> = [];
    if (git.values !== undefined && git.values !== null) {
      if (!isMap(git.values) || !Object.values(git.values as object).every((v) => typeof v === 'string')) {
        bad(PreviewCode.INVALID_APPLICATIONSET, `${field}.values is not a map of strings.`, 'Quote every value of values.');
      } else {
        for (const [k, v] of Object.entries(git.values as Record<string, string>)) {
          values.push([k, this.compileString(v, `${field}.values${fieldKey(k)}`)]);
        }
      }
    }
    if (!ok) {
      return undefined;
    }
    return {
      index,
      repoURL: git.repoURL as string,
      revision: (git.revision as string | undefined) ?? '',
      items: kind === 'files' ? { files: items } : { directories: items },
      ...(typeof git.pathParamPrefix === 'string' && git.pathParamPrefix !== '' ? { pathParamPrefix: git.pathParamPrefix } : {}),
      values,
      ...(template === undefined ? {} : { template }),
    };
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
      return { kind: 'string', field, render: (params) => renderFastTemplate(text, params as Record<string, string>) };
    }
    let template: GoTemplate;
    try {
      template = GoTemplate.parse(text);
    } catch (e) {
      this.collect(e, field);
      return { kind: 'const', value: text };
    }
    if (template.isConstant) {
      return { kind: 'const', value: template.execute({}) };
    }
    const options = this.executeOptions;
    return { kind: 'string', field, render: (params) => template.execute(params, options) };
  }

  /** Renders a compiled template for the parameter set `at`; undefined when a problem was recorded. */
  private render(c: Compiled, params: Params, at: string): Json | undefined {
    switch (c.kind) {
      case 'const':
        return c.value;
      case 'string':
        try {
          return c.render(params);
        } catch (e) {
          this.collect(e, c.field, at);
          return undefined;
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

  /** The parameter sets of a generator, in the order Argo CD makes them. */
  private paramSets(generator: GitGenerator): ParamSet[] {
    const options: PathParamsOptions = {
      goTemplate: this.goTemplate,
      ...(generator.pathParamPrefix === undefined ? {} : { pathParamPrefix: generator.pathParamPrefix }),
    };
    const { repoURL, revision, items } = generator;
    if ('directories' in items) {
      let dirs: string[];
      try {
        dirs = filterDirectories(this.repository.directories(repoURL, revision), items.directories);
      } catch (e) {
        this.rethrowWithin(e, `spec.generators[${generator.index}].git.directories`);
      }
      return dirs.map((dir) => ({ at: `directory ${show(dir)}`, base: directoryParams(dir, options) }));
    }
    const field = `spec.generators[${generator.index}].git.files`;
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
    const sets: ParamSet[] = [];
    for (const file of files) {
      // Argo CD fails the whole ApplicationSet on a file it cannot read; every such file is listed.
      try {
        for (const { item, params } of gitFileParamSets(file, readFile(repoURL, revision, file), options)) {
          sets.push({ at: `file ${show(file)}${item === undefined ? '' : ` (list item ${item})`}`, base: params });
        }
      } catch (e) {
        this.collect(e, field);
      }
    }
    return sets;
  }

  /** The parameters of one set: the generator's, with its `values` rendered over them. */
  private params(generator: GitGenerator, base: Params, at: string): Params | undefined {
    if (generator.values.length === 0) {
      return base;
    }
    const rendered: Record<string, string> = {};
    for (const [key, compiled] of generator.values) {
      const v = this.render(compiled, base, at);
      if (typeof v !== 'string') {
        return undefined;
      }
      rendered[key] = v;
    }
    if (this.goTemplate) {
      return { ...base, values: markStringMap(rendered) };
    }
    const flat: Record<string, string> = { ...(base as Record<string, string>) };
    for (const [key, v] of Object.entries(rendered)) {
      flat[`values.${key}`] = v;
    }
    return flat;
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
    throw new GitOpsError(this.problems, summary);
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

/** `.name` for identifier-like keys, `["a/b"]` otherwise. */
function fieldKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
