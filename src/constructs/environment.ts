import { Construct } from 'constructs';
import { problemsAt, problem } from '../core/errors';
import { Values } from '../model/values';
import { ControlPlane } from './control-plane';
import { NamespaceBaseline } from './namespace-baseline';
import type { Platform } from './platform';
import { freeId, platformOf } from './platform-scope';
import { SyncPolicy, SyncWindow } from './sync';
import { ProjectRole, ResourceKind } from '../model/sync';
import { problemsOfSyncWindow } from '../model/schedule';
import { problemsOfValues } from './values-check';

/** Properties of an {@link Environment}. */
export interface EnvironmentProps {
  /** The Argo CD instance that manages this environment. @default - the platform's implicit control plane */
  readonly controlPlane?: ControlPlane;
  /** How its Applications sync. @default SyncPolicy.manual() */
  readonly syncPolicy?: SyncPolicy;
  /** When syncs are allowed or denied. @default - always allowed */
  readonly syncWindows?: readonly SyncWindow[];
  /** AppProject roles. @default - none */
  readonly roles?: readonly ProjectRole[];
  /** Images must be pinned by `sha256:` digest; tags are refused. @default true */
  readonly requireDigest?: boolean;
  /** Cluster-scoped resources its Applications may create. @default - none */
  readonly clusterResources?: readonly ResourceKind[];
  /**
   * Namespaced kinds its Applications may create although the AppProject keeps them out by
   * default: `Role` and `RoleBinding` (`rbac.authorization.k8s.io`), which could grant a
   * workload more than the project does, and `NetworkPolicy` (`networking.k8s.io`,
   * `cilium.io` `CiliumNetworkPolicy`, `crd.projectcalico.org`), which could open what a
   * namespace baseline's default-deny closes. Every other namespaced kind is allowed. E.g.
   * `[{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }]` for charts that ship their own
   * network policies.
   * @default - none: the AppProject's `namespaceResourceBlacklist` holds every kind above
   */
  readonly allowedNamespacedResources?: readonly ResourceKind[];
  /** Deployed revisions Argo CD keeps per Application. @default - Argo CD's default (10) */
  readonly revisionHistoryLimit?: number;
  /** Shown on the AppProject. @default - none */
  readonly description?: string;
  /** Values for every target in this environment. @default {} */
  readonly values?: Values;
  /**
   * Objects every service namespace of the environment starts with (Namespace, ResourceQuota,
   * LimitRange, default-deny NetworkPolicy), deployed by each target's Application. The
   * namespace is then an object of the Application: `CreateNamespace=true` is left out of its
   * sync options and the AppProject allows `Namespace` for the environment's service namespaces.
   * @default - none: namespaces are created by Argo CD's `CreateNamespace=true`, if set, or exist already
   */
  readonly namespaceBaseline?: NamespaceBaseline;
}

/**
 * An environment such as `nonprod` or `prod`: an AppProject that fences its Applications, a
 * sync policy, and a layer of values. Its clusters are created inside it.
 *
 * @example
 * const prod = new Environment(platform, 'prod', {
 *   syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
 *   values: { autoscaling: { minReplicas: 6 } },
 * });
 */
export class Environment extends Construct {
  /** Name of the environment (its id), e.g. `prod`. */
  public readonly name: string;
  /** The Argo CD instance that manages it. */
  public readonly controlPlane: ControlPlane;
  /** How its Applications sync. */
  public readonly syncPolicy: SyncPolicy;
  /** When syncs are allowed or denied. */
  public readonly syncWindows: readonly SyncWindow[];
  /** Roles of its AppProject. */
  public readonly roles: readonly ProjectRole[];
  /** Whether images must be pinned by digest. */
  public readonly requireDigest: boolean;
  /** Cluster-scoped resources its Applications may create. */
  public readonly clusterResources: readonly ResourceKind[];
  /** Namespaced kinds its Applications may create although the AppProject keeps them out by default. */
  public readonly allowedNamespacedResources: readonly ResourceKind[];
  /** Deployed revisions Argo CD keeps per Application (undefined: Argo CD's default). */
  public readonly revisionHistoryLimit?: number;
  /** Shown on the AppProject. */
  public readonly description?: string;
  /** Values for every target in this environment. */
  public readonly values: Values;
  /** Objects every service namespace of the environment starts with; undefined when it has none. */
  public readonly namespaceBaseline?: NamespaceBaseline;

  constructor(scope: Platform, id: string, props: EnvironmentProps = {}) {
    super(scope, freeId(scope, id, 'Environment'));
    this.name = id;
    this.controlPlane = props.controlPlane ?? ControlPlane.defaultOf(scope);
    this.syncPolicy = props.syncPolicy ?? SyncPolicy.manual();
    this.syncWindows = props.syncWindows ?? [];
    this.roles = props.roles ?? [];
    this.requireDigest = props.requireDigest ?? true;
    this.clusterResources = props.clusterResources ?? [];
    this.allowedNamespacedResources = props.allowedNamespacedResources ?? [];
    this.revisionHistoryLimit = props.revisionHistoryLimit;
    this.description = props.description;
    this.values = props.values ?? {};
    this.namespaceBaseline = props.namespaceBaseline;
    const problems = [
      ...problemsOfValues(this.values, this.node.path, 'values'),
      ...this.syncWindows.flatMap((w, i) => problemsOfSyncWindow(w.toJson(), this.node.path, i)),
    ];
    if (props.revisionHistoryLimit !== undefined && !(Number.isInteger(props.revisionHistoryLimit) && props.revisionHistoryLimit >= 0)) {
      problems.push(
        problem('CG110', {
          constructPath: this.node.path,
          message: `revisionHistoryLimit ${props.revisionHistoryLimit} is not a whole number of at least 0.`,
        }),
      );
    }
    problems.push(
      ...problemsAt(props.namespaceBaseline instanceof NamespaceBaseline ? props.namespaceBaseline.problems : [], this.node.path),
    );
    platformOf(this).report(problems);
  }
}
