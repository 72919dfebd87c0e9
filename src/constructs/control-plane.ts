import { Construct } from 'constructs';
import type { Platform } from './platform';
import { freeId, platformOf } from './platform-scope';
import { problem } from '../core/errors';
import { Reconciler } from './reconciler';
import { applicationSetCapProblem } from '../model/application-set-names';
import { GitOpsRepository, problemsOfGitOpsRepository } from './gitops-repository';

/** Properties of a {@link ControlPlane}. */
export interface ControlPlaneProps {
  /** Namespace this Argo CD instance runs in. @default - the platform's `argocdNamespace` */
  readonly namespace?: string;
  /**
   * Who reconciles its environments: Argo CD, or Flux (one per cluster).
   * @default Reconciler.argoCd()
   */
  readonly reconciler?: Reconciler;
  /**
   * How many Applications one of its ApplicationSets may generate, from 1 to 1,000,000. Argo CD
   * keeps at most `applicationsetcontroller.status.max.resources.count` (5,000 by default) of a
   * set's resources in its status. An environment where one ApplicationSet would generate more
   * has its ApplicationSets split by cluster: each cluster gets its own
   * (`workloads-<env>-<cloud>-<cluster>`), so a target added later joins its cluster's set and
   * moves no Application. Crossing the cap moves the environment's Applications once, which a
   * write refuses (CG141) unless the program declares it; a cluster alone over the cap is CG153.
   * @default - the platform's maxApplicationsPerApplicationSet (5000)
   */
  readonly maxApplicationsPerApplicationSet?: number;
  /**
   * How many application-controller replicas its Argo CD runs, when a {@link SelfManagedArgoCd}
   * manages it: the chart's `controller.replicas`, and the bound of every cluster's shard.
   * @default - none: the chart's default (one replica), and shards are not bounded here
   */
  readonly controllerReplicas?: number;
  /**
   * The application-controller shard of each of its clusters that declares none (`shard` of the
   * declarative cluster Secrets its {@link SelfManagedArgoCd} writes).
   * @default - none: Argo CD's controller assigns each cluster a shard
   */
  readonly controllerShard?: number;
  /**
   * The GitOps repository this control plane's Argo CD reads: its bootstrap, ApplicationSets,
   * AppProjects, the values and overlay directories of its clusters and (with a
   * SelfManagedArgoCd) its repository Secret are written to that repository's checkout, which
   * `cdk8s-gitops --repository <repoURL>` works on. A ring's targets must all be read from one
   * repository, whose ledgers record the ring's releases.
   * @default - the platform's `repoURL` and `revision`
   */
  readonly repository?: GitOpsRepository;
}

/**
 * One Argo CD instance and the environments it manages. Each control plane gets its own
 * bootstrap Application and ApplicationSets, which cover only its environments.
 *
 * A platform with one Argo CD needs none: environments without a control plane share an
 * implicit one named `argocd`.
 *
 * @example
 * const prodArgo = new ControlPlane(platform, 'prod-argocd');
 * new Environment(platform, 'prod', { controlPlane: prodArgo });
 */
export class ControlPlane extends Construct {
  /** Name of the implicit control plane. */
  public static readonly DEFAULT_NAME = 'argocd';

  /** The control plane environments use when they name none (created on first use). */
  public static defaultOf(platform: Platform): ControlPlane {
    const existing = platform.group('control-planes').node.tryFindChild(ControlPlane.DEFAULT_NAME);
    if (existing instanceof ControlPlane) return existing;
    return new ControlPlane(platform, ControlPlane.DEFAULT_NAME);
  }

  /** Namespace this Argo CD instance runs in. */
  public readonly namespace: string;
  /** Who reconciles its environments. */
  public readonly reconciler: Reconciler;
  /** How many Applications one of its ApplicationSets may generate. */
  public readonly maxApplicationsPerApplicationSet: number;
  /** How many application-controller replicas its Argo CD runs, if declared. */
  public readonly controllerReplicas?: number;
  /** The shard of its clusters that declare none, if declared. */
  public readonly controllerShard?: number;
  /** The GitOps repository its Argo CD reads, with its revision filled in (the platform's when it declares none). */
  public readonly repository: Required<GitOpsRepository>;

  /**
   * @param scope the platform, or any construct inside it (a team's library): the control plane
   *   is kept with the platform's control planes either way
   */
  constructor(scope: Construct, id: string, props: ControlPlaneProps = {}) {
    const platform = platformOf(scope);
    super(platform.group('control-planes'), freeId(platform.group('control-planes'), id, 'ControlPlane'));
    this.namespace = props.namespace ?? platform.argocdNamespace;
    this.reconciler = props.reconciler ?? Reconciler.argoCd();
    this.maxApplicationsPerApplicationSet = props.maxApplicationsPerApplicationSet ?? platform.maxApplicationsPerApplicationSet;
    this.controllerReplicas = props.controllerReplicas;
    this.controllerShard = props.controllerShard;
    const repository = props.repository;
    const repositoryProblems =
      repository === undefined ? [] : problemsOfGitOpsRepository(repository, this.node.path, `control plane "${id}"`);
    platformOf(this).report(repositoryProblems);
    this.repository =
      repository === undefined || repositoryProblems.length > 0
        ? { repoURL: platform.repoURL, revision: platform.revision }
        : { repoURL: repository.repoURL, revision: repository.revision ?? platform.revision };
    const capProblem =
      props.maxApplicationsPerApplicationSet === undefined ? undefined : applicationSetCapProblem(props.maxApplicationsPerApplicationSet);
    if (capProblem !== undefined) {
      platformOf(this).report([
        problem('CG153', {
          constructPath: this.node.path,
          message: `maxApplicationsPerApplicationSet of control plane "${id}" is not usable: ${capProblem}.`,
          fix: "Give a whole number from 1 to 1,000,000, e.g. 5000 (Argo CD's default cap of an ApplicationSet's status).",
        }),
      ]);
      this.maxApplicationsPerApplicationSet = platform.maxApplicationsPerApplicationSet;
    }
    if (!(this.reconciler instanceof Reconciler)) {
      platformOf(this).report([
        problem('CG151', {
          constructPath: this.node.path,
          message: 'reconciler is not a Reconciler.',
          fix: 'Give reconciler: Reconciler.flux() or Reconciler.argoCd().',
        }),
      ]);
      this.reconciler = Reconciler.argoCd();
    } else {
      platformOf(this).report(this.reconciler.problems.map((p) => ({ ...p, constructPath: this.node.path })));
    }
  }
}
