/**
 * The model snapshot: plain, immutable data taken from a validated construct tree.
 *
 * Everything downstream (synthesis, plan, preview, check, promote) reads this, never the
 * constructs, so a program can run in its own process and hand the snapshot over as JSON.
 */
import type { ResourceKind, SyncPolicyJson, SyncWindowJson, ProjectRole } from '../constructs/sync';
import type { Values } from './values';

/** Version of the snapshot format. */
export const MODEL_VERSION = 2;

/** Directories of the tree, relative to the repository root. */
export interface TreeLayout {
  readonly environments: string;
  readonly applicationSets: string;
  readonly projects: string;
  readonly bootstrap: string;
  readonly releases: string;
}

export interface PlatformModel {
  readonly version: typeof MODEL_VERSION;
  readonly path: string;
  /** The GitOps repository Argo CD reads. */
  readonly repoURL: string;
  readonly revision: string;
  readonly argocdNamespace: string;
  /** `{service}` is replaced by the service name. */
  readonly applicationRepoURLPattern?: string;
  readonly layout: TreeLayout;
  /** Chart path and revision services use unless they say otherwise. */
  readonly serviceDefaults: { readonly chartPath: string; readonly targetRevision: string };
  readonly controlPlanes: readonly ControlPlaneModel[];
  readonly environments: readonly EnvironmentModel[];
  readonly clusters: readonly ClusterModel[];
  readonly services: readonly ServiceModel[];
  readonly rings: readonly RingModel[];
  /** Values layers by id, shared by the targets that use them. */
  readonly layers: Readonly<Record<string, LayerModel>>;
  readonly targets: readonly TargetModel[];
}

export interface ControlPlaneModel {
  readonly name: string;
  readonly path: string;
  /** Namespace Argo CD runs in on this control plane. */
  readonly namespace: string;
  /** Environment names, in declaration order. */
  readonly environments: readonly string[];
}

export interface EnvironmentModel {
  readonly name: string;
  readonly path: string;
  readonly controlPlane: string;
  readonly description?: string;
  readonly syncPolicy: SyncPolicyJson;
  readonly syncWindows: readonly SyncWindowJson[];
  readonly roles: readonly ProjectRole[];
  readonly requireDigest: boolean;
  readonly clusterResources: readonly ResourceKind[];
  readonly revisionHistoryLimit?: number;
  /**
   * The namespace baseline every target of the environment gets (Namespace, ResourceQuota,
   * LimitRange, default-deny NetworkPolicy). Its objects are rendered per target, see
   * {@link TargetModel.baseline}.
   */
  readonly namespaceBaseline?: NamespaceBaselineModel;
}

/** The settings of an environment's namespace baseline, as declared. */
export interface NamespaceBaselineModel {
  /** The factory that made it, e.g. `standard`. */
  readonly kind: string;
  /** Its settings as plain data. */
  readonly settings: unknown;
}

export interface ClusterModel {
  /** `<environment>/<cloud>/<name>`. */
  readonly id: string;
  readonly path: string;
  readonly environment: string;
  readonly cloud: string;
  readonly name: string;
  readonly region: string;
  /** Name the cluster is registered under in Argo CD. */
  readonly destination: string;
}

export interface ServiceModel {
  readonly name: string;
  readonly path: string;
  readonly namespace: string;
  readonly imageRepository: string;
  readonly initialDigest?: string;
  /** What its targets deploy. */
  readonly source: SourceModel;
}

/** What a service deploys: the "source kind" seam between the model and the tree. */
export type SourceModel = HelmSourceModel | RenderedSourceModel;

/** A Helm chart in an application repository, with one values file per target. */
export interface HelmSourceModel {
  readonly kind: 'helm';
  readonly repoURL: string;
  readonly chartPath: string;
  readonly targetRevision: string;
  readonly releaseName: string;
}

/**
 * Kubernetes objects rendered by the program (cdk8s-plus-28 code), one file per object in the
 * target's directory; see {@link TargetModel.objects}.
 */
export interface RenderedSourceModel {
  readonly kind: 'rendered';
}

/**
 * A Kubernetes object rendered by the program, as plain JSON. Keys are sorted (`apiVersion`,
 * `kind`, `metadata` first). Container images hold the service's image placeholder, which the
 * synthesizer replaces with `<repository>@<digest>` from the release ledger.
 */
export interface KubeObjectModel {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

export interface RingGatesModel {
  readonly soakSeconds: number;
  readonly requireApproval: boolean;
}

export interface RingModel {
  readonly name: string;
  readonly path: string;
  readonly gates: RingGatesModel;
  /** Ids of the targets in this ring. */
  readonly targets: readonly string[];
}

export interface LayerModel {
  /** Who set these values, e.g. `Environment prod`. */
  readonly label: string;
  readonly path: string;
  readonly values: Values;
}

export interface TargetModel {
  /** `<environment>/<cloud>/<cluster>/<service>`: also its directory under the environments dir. */
  readonly id: string;
  /** Construct path of the placement, e.g. `platform/payments-api/prod/azure/westeurope-01`. */
  readonly path: string;
  readonly service: string;
  readonly environment: string;
  readonly cloud: string;
  readonly cluster: string;
  readonly ring: string;
  /** Layer ids, lowest first. */
  readonly layers: readonly string[];
  /** For a service with a rendered source: the objects rendered for this target. */
  readonly objects?: readonly KubeObjectModel[];
  /** When the environment declares a namespace baseline: its objects for this target. */
  readonly baseline?: readonly KubeObjectModel[];
}
