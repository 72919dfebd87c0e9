import { Construct, IConstruct } from 'constructs';
import { GitOpsError, Problem } from '../errors';
import { TreeLayout, PlatformModel } from '../synth/model';
import { PlatformSynthOptions, synthProgram } from '../synth/program';
import { WriteReport } from '../synth/writer';
import { snapshotPlatform } from './snapshot';
import { Values } from '../synth/values';
import { problemsOfValues } from './values-check';
import { repoUrlProblem } from './names';

/** Where the tree's parts live, relative to the repository root. */
export interface LayoutProps {
  /** Directory of the values files. @default 'environments' */
  readonly environments?: string;
  /** Directory of the ApplicationSets. @default 'applicationsets' */
  readonly applicationSets?: string;
  /** Directory of the AppProjects. @default 'projects' */
  readonly projects?: string;
  /** Directory of the bootstrap (app-of-apps) Applications. @default 'bootstrap' */
  readonly bootstrap?: string;
  /** Directory of the release ledgers. @default 'releases' */
  readonly releases?: string;
}

/** Defaults every service starts from. */
export interface ServiceDefaults {
  /** Path of the Helm chart inside an application repository. @default 'deploy/chart' */
  readonly chartPath?: string;
  /** Revision of the application repository Argo CD deploys. @default 'main' */
  readonly targetRevision?: string;
}

/** Properties of a {@link Platform}. */
export interface PlatformProps {
  /** URL of the GitOps repository Argo CD reads, e.g. `https://git.example.com/platform/platform-gitops.git`. */
  readonly repoURL: string;
  /** Branch of the GitOps repository Argo CD reads. @default 'main' */
  readonly revision?: string;
  /** Namespace Argo CD runs in. @default 'argocd' */
  readonly argocdNamespace?: string;
  /**
   * URL of a service's application repository, with `{service}` for its name, e.g.
   * `https://git.example.com/apps/{service}.git`.
   * @default - each service sets `repoURL`
   */
  readonly applicationRepoURLPattern?: string;
  /** Values every target starts from (the lowest layer). @default {} */
  readonly values?: Values;
  /** Where the tree's parts live. @default - see {@link LayoutProps} */
  readonly layout?: LayoutProps;
  /** Defaults for every service. @default - see {@link ServiceDefaults} */
  readonly serviceDefaults?: ServiceDefaults;
  /** Id of the root construct, the first segment of every construct path. @default 'platform' */
  readonly id?: string;
}

const PLATFORM_SYMBOL = Symbol.for('cdk8s-gitops.Platform');

/**
 * The root of a GitOps platform program: the GitOps repository and everything Argo CD
 * deploys from it.
 *
 * @example
 * const platform = new Platform({
 *   repoURL: 'https://git.example.com/platform/platform-gitops.git',
 *   applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
 * });
 * const prod = new Environment(platform, 'prod');
 * platform.synth();
 */
export class Platform extends Construct {
  /** Finds the platform a construct belongs to; fails with the construct's path if none. */
  public static of(construct: IConstruct): Platform {
    const found = construct.node.scopes.find((s): s is Platform => (s as any)[PLATFORM_SYMBOL] === true);
    if (!found) {
      throw new GitOpsError({
        code: 'CG100',
        constructPath: construct.node.path,
        message: `Construct "${construct.node.path}" is not inside a Platform.`,
        fix: 'Create it with a Platform (or a construct inside one) as its scope.',
      });
    }
    return found;
  }

  /**
   * A container for constructs of one kind (`rings`, `control-planes`), so that their ids
   * never clash with environments or services of the same name.
   * @internal
   */
  public group(id: string): Construct {
    const existing = this.node.tryFindChild(id);
    return existing instanceof Construct ? existing : new Construct(this, id);
  }

  /** URL of the GitOps repository Argo CD reads. */
  public readonly repoURL: string;
  /** Branch of the GitOps repository Argo CD reads. */
  public readonly revision: string;
  /** Namespace Argo CD runs in. */
  public readonly argocdNamespace: string;
  /** URL of a service's application repository, with `{service}` for its name. */
  public readonly applicationRepoURLPattern?: string;
  /** Values every target starts from (the lowest layer). */
  public readonly values: Values;
  /** Where the tree's parts live, with defaults filled in. */
  public readonly layout: TreeLayout;
  /** Defaults for every service, with defaults filled in. */
  public readonly serviceDefaults: Required<ServiceDefaults>;

  constructor(props: PlatformProps) {
    super(undefined as any, props.id ?? 'platform');
    Object.defineProperty(this, PLATFORM_SYMBOL, { value: true });
    this.repoURL = props.repoURL;
    this.revision = props.revision ?? 'main';
    this.argocdNamespace = props.argocdNamespace ?? 'argocd';
    this.applicationRepoURLPattern = props.applicationRepoURLPattern;
    this.values = props.values ?? {};
    this.layout = {
      environments: props.layout?.environments ?? 'environments',
      applicationSets: props.layout?.applicationSets ?? 'applicationsets',
      projects: props.layout?.projects ?? 'projects',
      bootstrap: props.layout?.bootstrap ?? 'bootstrap',
      releases: props.layout?.releases ?? 'releases',
    };
    this.serviceDefaults = {
      chartPath: props.serviceDefaults?.chartPath ?? 'deploy/chart',
      targetRevision: props.serviceDefaults?.targetRevision ?? 'main',
    };
    const problems: Problem[] = problemsOfValues(this.values, this.node.path, 'values');
    const repoProblem = repoUrlProblem(this.repoURL);
    if (repoProblem) {
      problems.push({
        code: 'CG109',
        constructPath: this.node.path,
        message: `repoURL "${this.repoURL}" is not usable: ${repoProblem}.`,
        fix: 'Use the URL Argo CD clones, e.g. https://git.example.com/platform/platform-gitops.git.',
      });
    }
    const patternProblem = this.applicationRepoURLPattern === undefined
      ? undefined
      : repoUrlProblem(this.applicationRepoURLPattern.split('{service}').join('service'));
    if (patternProblem) {
      problems.push({
        code: 'CG109',
        constructPath: this.node.path,
        message: `applicationRepoURLPattern "${this.applicationRepoURLPattern}" is not usable: ${patternProblem}.`,
        fix: 'Use the URL Argo CD clones with {service} for the service name, e.g. https://git.example.com/apps/{service}.git.',
      });
    }
    if (problems.length > 0) throw new GitOpsError(problems);
  }

  /**
   * Validates the whole tree and returns its model snapshot; fails once, listing every problem
   * with its construct path.
   */
  public snapshot(): PlatformModel {
    return snapshotPlatform(this);
  }

  /**
   * The program's last call. Run by `cdk8s-gitops`, it hands the model to the CLI; run on its
   * own (or by `cdk8s synth`), it writes the tree into `outdir` and returns what it wrote.
   */
  public synth(options: PlatformSynthOptions = {}): WriteReport | undefined {
    return synthProgram(this, options);
  }
}
