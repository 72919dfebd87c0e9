import { Construct, IConstruct } from 'constructs';
import { Problem, problem } from '../core/errors';
import { TreeLayout, PlatformModel } from '../model/platform-model';
import type { WriteReport } from '../model/write-report';
import { snapshotPlatform } from './snapshot';
import { Values } from '../model/values';
import { problemsOfValues } from './values-check';
import { gitRevisionProblem, redactUrl, repoUrlProblem } from '../model/names';
import { applicationSetCapProblem, DEFAULT_MAX_APPLICATIONS_PER_APPLICATION_SET } from '../model/application-set-names';
import { Removal } from './removal';
import { PLATFORM_SYMBOL, platformOf } from './platform-scope';

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
  /**
   * How many Applications one ApplicationSet may generate, for control planes that set none;
   * an environment over it has its ApplicationSets split by cluster (see
   * {@link ControlPlaneProps.maxApplicationsPerApplicationSet}).
   * @default 5000
   */
  readonly maxApplicationsPerApplicationSet?: number;
  /** Id of the root construct, the first segment of every construct path. @default 'platform' */
  readonly id?: string;
}

/** Options of {@link Platform.synth}. */
export interface PlatformSynthOptions {
  /**
   * Directory to write the tree into when the program runs on its own. Under `cdk8s synth` it
   * is cdk8s's output directory, which that CLI empties first: never a GitOps checkout.
   * @default - `CDK8S_OUTDIR` when the cdk8s CLI runs the program, else 'dist'
   */
  readonly outdir?: string;
}

/**
 * What `Platform.synth()` runs, and what a Platform sets up when it is made: provided by the
 * package's entry point, which knows the layers that write files.
 * @internal
 */
export interface PlatformSynthesizer {
  /** Called when a Platform is made. */
  readonly onPlatform: () => void;
  /** The body of {@link Platform.synth}. */
  readonly synth: (platform: Platform, options: PlatformSynthOptions) => WriteReport | undefined;
}

let synthesizer: PlatformSynthesizer | undefined;

/**
 * Sets what `Platform.synth()` runs.
 * @internal
 */
export function usePlatformSynthesizer(s: PlatformSynthesizer): void {
  synthesizer = s;
}

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
    return platformOf(construct);
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
  /** How many Applications one ApplicationSet may generate, for control planes that set none. */
  public readonly maxApplicationsPerApplicationSet: number;
  /** URL of a service's application repository, with `{service}` for its name. */
  public readonly applicationRepoURLPattern?: string;
  /** Values every target starts from (the lowest layer). */
  public readonly values: Values;
  /** Where the tree's parts live, with defaults filled in. */
  public readonly layout: TreeLayout;
  /** Defaults for every service, with defaults filled in. */
  public readonly serviceDefaults: Required<ServiceDefaults>;
  /** Problems constructors found, in the order found; the snapshot reports them with the rest. */
  private readonly constructorProblems: Problem[] = [];
  /** Paths of constructs left out of the model because of a problem (a duplicate id). */
  private readonly rejectedPaths = new Set<string>();
  /** What the program declares removed, in the order declared. */
  private readonly removals: Removal[] = [];

  constructor(props: PlatformProps) {
    super(undefined as unknown as Construct, props.id ?? 'platform');
    Object.defineProperty(this, PLATFORM_SYMBOL, { value: true });
    synthesizer?.onPlatform();
    this.repoURL = props.repoURL;
    this.revision = props.revision ?? 'main';
    this.argocdNamespace = props.argocdNamespace ?? 'argocd';
    const capProblem =
      props.maxApplicationsPerApplicationSet === undefined ? undefined : applicationSetCapProblem(props.maxApplicationsPerApplicationSet);
    this.maxApplicationsPerApplicationSet =
      capProblem === undefined
        ? (props.maxApplicationsPerApplicationSet ?? DEFAULT_MAX_APPLICATIONS_PER_APPLICATION_SET)
        : DEFAULT_MAX_APPLICATIONS_PER_APPLICATION_SET;
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
    if (capProblem !== undefined) {
      problems.push(
        problem('CG153', {
          constructPath: this.node.path,
          message: `maxApplicationsPerApplicationSet is not usable: ${capProblem}.`,
          fix: "Give a whole number from 1 to 1,000,000, e.g. 5000 (Argo CD's default cap of an ApplicationSet's status).",
        }),
      );
    }
    const revisionProblem = gitRevisionProblem(this.revision);
    if (revisionProblem) {
      problems.push(
        problem('CG109', {
          constructPath: this.node.path,
          message: `revision ${JSON.stringify(this.revision.slice(0, 100))} is not the name of a branch of the GitOps repository: ${revisionProblem}.`,
          fix: "Give the branch Argo CD reads the GitOps repository at and CI publishes to, e.g. 'main'.",
        }),
      );
    }
    const repoProblem = repoUrlProblem(this.repoURL);
    if (repoProblem) {
      problems.push(
        problem('CG109', {
          constructPath: this.node.path,
          message: `repoURL "${redactUrl(this.repoURL)}" is not usable: ${repoProblem}.`,
        }),
      );
    }
    const patternProblem =
      this.applicationRepoURLPattern === undefined
        ? undefined
        : repoUrlProblem(this.applicationRepoURLPattern.split('{service}').join('service'));
    if (patternProblem) {
      problems.push(
        problem('CG109', {
          constructPath: this.node.path,
          message: `applicationRepoURLPattern "${redactUrl(this.applicationRepoURLPattern ?? '')}" is not usable: ${patternProblem}.`,
          fix: 'Use the URL Argo CD clones with {service} for the service name, e.g. https://git.example.com/apps/{service}.git.',
        }),
      );
    }
    this.report(problems);
  }

  /**
   * Records problems a constructor found. They are reported at synth, with every other problem
   * of the tree, so that a program learns all of them at once.
   * @internal
   */
  public report(problems: readonly Problem[]): void {
    this.constructorProblems.push(...problems);
  }

  /**
   * The problems constructors recorded, in the order found.
   * @internal
   */
  public get reportedProblems(): readonly Problem[] {
    return this.constructorProblems;
  }

  /**
   * Whether a construct, or a scope of it, is left out of the model because of a problem
   * already recorded (such as an id used twice).
   * @internal
   */
  public isRejected(construct: IConstruct): boolean {
    return this.rejectedPaths.size > 0 && construct.node.scopes.some((s) => this.rejectedPaths.has(s.node.path));
  }

  /**
   * `id` when `scope` has no child of that id yet. Otherwise (or when `id` is empty) the problem
   * is recorded and an id no construct can have is returned, so that the construct is still
   * created, and the program still checked, but left out of the model.
   * @internal
   */
  public claimId(scope: IConstruct, id: string, kind: string): string {
    if (typeof id !== 'string' || id.length === 0) {
      this.report([
        problem('CG101', {
          constructPath: scope.node.path,
          message: `${kind} cannot be created with an empty id: the id is its name, used in paths and Kubernetes names.`,
          fix: 'Give it a DNS-1123 name, e.g. "payments-api".',
        }),
      ]);
      return this.reject(scope, '~empty');
    }
    // constructs stores ids with "/" as "--" (the path separator)
    const existing = scope.node.tryFindChild(id.split('/').join('--')) as { constructor: { name: string } } | undefined;
    if (!existing) return id;
    this.report([
      problem('CG103', {
        constructPath: `${scope.node.path}/${id}`,
        message: `${kind} "${id}" cannot be created: ${scope.node.path} already has ${/^[AEIOU]/.test(existing.constructor.name) ? 'an' : 'a'} ${existing.constructor.name} named "${id}".`,
      }),
    ]);
    return this.reject(scope, id);
  }

  /** A free id for a construct left out of the model, `<id>~<n>`, noted as rejected. */
  private reject(scope: IConstruct, id: string): string {
    let n = 2;
    while (scope.node.tryFindChild(`${id}~${n}`)) n++;
    const free = `${id.split('/').join('--')}~${n}`;
    this.rejectedPaths.add(`${scope.node.path}/${free}`);
    return free;
  }

  /**
   * Declares that services, environments, clusters, rings or Applications the program no
   * longer declares are removed on purpose, so that a write may delete their Applications
   * (which Argo CD then prunes with everything they run). Without it, such a write fails with
   * CG141 and writes nothing. A ring renamed or split is not removed: give the new ring
   * `movedFrom` instead.
   *
   * @example
   * platform.removed(Removal.service('legacy-api'), Removal.cluster('prod/aws/eu-central-1-01'));
   */
  public removed(...removals: Removal[]): void {
    for (const r of removals) {
      if (!(r instanceof Removal)) {
        this.report([
          problem('CG143', {
            constructPath: this.node.path,
            message: `platform.removed() takes removals made by Removal.service(), .environment(), .cluster(), .ring() or .application(); received ${typeof r === 'string' ? JSON.stringify(r) : typeof r}.`,
            fix: "Pass e.g. Removal.service('legacy-api').",
          }),
        ]);
        continue;
      }
      this.report(r.problems(this.node.path));
      this.removals.push(r);
    }
  }

  /**
   * The removals declared with {@link Platform.removed}.
   * @internal
   */
  public get declaredRemovals(): readonly Removal[] {
    return this.removals;
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
   *
   * `cdk8s synth` deletes its output directory before it runs the program, so under it the
   * tree is always written afresh, as a scratch copy: keep the GitOps checkout out of cdk8s's
   * "output" (name it with `gitops.checkout` in cdk8s.yaml) and work on it with `cdk8s-gitops`.
   */
  public synth(options: PlatformSynthOptions = {}): WriteReport | undefined {
    if (synthesizer === undefined) {
      throw new Error("cdk8s-gitops: Platform.synth() needs the package's entry point: import Platform from 'cdk8s-gitops'.");
    }
    return synthesizer.synth(this, options);
  }
}
