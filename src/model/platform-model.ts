/**
 * The model snapshot: plain, immutable data taken from a validated construct tree.
 *
 * Everything downstream (synthesis, plan, preview, check, promote) reads this, never the
 * constructs, so a program can run in its own process and hand the snapshot over as JSON.
 */
import type { ResourceKind, SyncPolicyJson, SyncWindowJson, ProjectRole } from './sync';
import type { Values } from './values';
import type { ApplicationSetSplit } from './application-set-split';

/** Version of the snapshot format. */
export const MODEL_VERSION = 4;

/** Directories of the tree, relative to the repository root. */
export interface TreeLayout {
  /** Values files, `<environments>/<env>/<cloud>/<cluster>/<service>/values.yaml`. */
  readonly environments: string;
  /** ApplicationSets, one directory per control plane. */
  readonly applicationSets: string;
  /** AppProjects, one file per environment. */
  readonly projects: string;
  /** The app-of-apps Application of each control plane. */
  readonly bootstrap: string;
  /** Release ledgers, one file per service. */
  readonly releases: string;
}

/** The snapshot of a whole platform: what a program hands the CLI, and what every stage reads. */
export interface PlatformModel {
  /** Version of the snapshot format ({@link MODEL_VERSION}); the CLI refuses other versions. */
  readonly version: typeof MODEL_VERSION;
  /** Construct path of the platform, e.g. `platform`. */
  readonly path: string;
  /** The GitOps repository Argo CD reads. */
  readonly repoURL: string;
  /** The branch (or other revision) of the GitOps repository Argo CD follows. */
  readonly revision: string;
  /** Namespace Argo CD runs in, unless a control plane says otherwise. */
  readonly argocdNamespace: string;
  /** `{service}` is replaced by the service name. @default - each service sets its repository */
  readonly applicationRepoURLPattern?: string;
  /** Where each kind of file goes in the repository. */
  readonly layout: TreeLayout;
  /** Chart path and revision services use unless they say otherwise. */
  readonly serviceDefaults: {
    /** Path of the Helm chart in a service's repository. */
    readonly chartPath: string;
    /** Revision of a service's repository to deploy the chart from. */
    readonly targetRevision: string;
  };
  /** The Argo CD instances, in declaration order. */
  readonly controlPlanes: readonly ControlPlaneModel[];
  /** The environments, in declaration order. */
  readonly environments: readonly EnvironmentModel[];
  /** Every cluster of every environment. */
  readonly clusters: readonly ClusterModel[];
  /** The services, in declaration order. */
  readonly services: readonly ServiceModel[];
  /** The promotion rings, in the order a digest moves through them. */
  readonly rings: readonly RingModel[];
  /** Values layers by id, shared by the targets that use them. */
  readonly layers: Readonly<Record<string, LayerModel>>;
  /** Every placement of a service on a cluster: one Application and one values file each. */
  readonly targets: readonly TargetModel[];
  /**
   * What the program declares removed (`platform.removed(...)`): the Applications a write may
   * delete, and the rings whose ledger entries it may drop.
   * @default - nothing
   */
  readonly removals?: readonly RemovalModel[];
  /**
   * The teams, in the order they are found in the construct tree; every service names one.
   * @default - none: the platform has no teams
   */
  readonly teams?: readonly TeamModel[];
  /**
   * In the part of the model one GitOps repository's checkout is written from (see
   * `modelForRepository`): the platform's rings whose releases other repositories record, with
   * the URL of each one's repository.
   * @default - none: every ring of the platform is in this model
   */
  readonly ringsElsewhere?: Readonly<Record<string, string>>;
}

/** A team: who its members are and who approves for it (see `Team`). */
export interface TeamModel {
  /** Its name, a DNS-1123 label. */
  readonly name: string;
  /** Construct path. */
  readonly path: string;
  /** Identity-provider groups of its members. */
  readonly groups: readonly string[];
  /** Identity-provider groups of those who act on production. @default - its `groups` */
  readonly approverGroups?: readonly string[];
  /** Who may approve for it, as `--approved-by` names them. @default - nobody */
  readonly approvers?: readonly string[];
  /** Its owners in `CODEOWNERS`. */
  readonly codeOwners: readonly string[];
  /** The platform team, owner of the shared files and of production. @default false */
  readonly platform?: boolean;
}

/** What a {@link RemovalModel} names. */
export type RemovalKind = 'application' | 'service' | 'environment' | 'cluster' | 'ring';

/** Something the program declares removed, by name: see `Removal`. */
export interface RemovalModel {
  /** What is removed. */
  readonly kind: RemovalKind;
  /**
   * Its name: an Application name or glob (`*` any characters, `?` one), a service, an
   * environment, a cluster as `<environment>/<cloud>/<cluster>`, or a ring.
   */
  readonly name: string;
}

/** One Argo CD instance and the environments it manages. */
export interface ControlPlaneModel {
  /** Name of the control plane, e.g. `prod`. */
  readonly name: string;
  /** Construct path. */
  readonly path: string;
  /** Namespace Argo CD runs in on this control plane. */
  readonly namespace: string;
  /** Environment names, in declaration order. */
  readonly environments: readonly string[];
  /** Who reconciles its environments. @default - Argo CD */
  readonly reconciler?: ReconcilerModel;
  /**
   * How many Applications one of its ApplicationSets may generate; an environment over it has
   * its ApplicationSets split by cluster.
   * @default 5000
   */
  readonly maxApplicationsPerApplicationSet?: number;
  /**
   * The GitOps repository its Argo CD reads, when it is not the platform's: its bootstrap,
   * ApplicationSets, AppProjects and the directories of its clusters are written to that
   * repository's checkout.
   * @default - the platform's `repoURL` and `revision`
   */
  readonly repository?: GitOpsRepositoryModel;
}

/** A GitOps repository Argo CD reads: its URL and the branch it follows. */
export interface GitOpsRepositoryModel {
  /** URL of the repository, as Argo CD clones it. */
  readonly repoURL: string;
  /** Branch (or other revision) of it Argo CD follows. */
  readonly revision: string;
}

/** Who reconciles a control plane's environments: Argo CD, or Flux (one per cluster). */
export type ReconcilerModel = ArgoCdReconcilerModel | FluxReconcilerModel;

/** Argo CD, one instance for all the clusters of the control plane's environments. */
export interface ArgoCdReconcilerModel {
  /** Discriminator of {@link ReconcilerModel}. */
  readonly kind: 'argocd';
  /**
   * How the CLI reaches this Argo CD's API (`status --live`, `wait`, health gates).
   * @default - the environment's `ARGOCD_SERVER` and `ARGOCD_AUTH_TOKEN`
   */
  readonly api?: ArgoCdApiModel;
}

/** How the CLI reaches one Argo CD's API; its token is always read from the environment. */
export interface ArgoCdApiModel {
  /** The API server: `host[:port]` (HTTPS) or an `https://` URL. @default - `ARGOCD_SERVER` */
  readonly server?: string;
  /** A PEM file of the CA that signed its certificate. @default - `ARGOCD_CA_FILE`, else the system's CAs */
  readonly caFile?: string;
  /** How long a request may take, in seconds. @default 10 */
  readonly timeoutSeconds?: number;
}

/** Flux, one per cluster of the control plane's environments. */
export interface FluxReconcilerModel {
  /** Discriminator of {@link ReconcilerModel}. */
  readonly kind: 'flux';
  /** `spec.interval` of its Kustomizations, HelmReleases and sources, in seconds. */
  readonly intervalSeconds: number;
  /**
   * How Flux authenticates to the repositories it reads charts and bases from, by URL prefix.
   * @default - none: every source is read without credentials
   */
  readonly sourceCredentials?: readonly FluxSourceCredentialsModel[];
}

/** How Flux reads the repositories under one URL: a Secret of each service's namespace, or a cloud identity. */
export interface FluxSourceCredentialsModel {
  /** The repositories it applies to: this URL, and those below it (`<url>/…`). */
  readonly url: string;
  /** The Secret a source gets as `spec.secretRef`. @default - none: `provider` */
  readonly secretName?: string;
  /** The cloud identity a source gets as `spec.provider` (`aws`, `azure`, `gcp`). @default - none: `secretName` */
  readonly provider?: string;
}

/** One environment: its AppProject and the settings of its Applications. */
export interface EnvironmentModel {
  /** Name of the environment, e.g. `prod`. */
  readonly name: string;
  /** Construct path. */
  readonly path: string;
  /** Name of the control plane that manages it. */
  readonly controlPlane: string;
  /** Description of its AppProject. @default - none */
  readonly description?: string;
  /** A production environment. @default false */
  readonly production?: boolean;
  /** `spec.syncPolicy` of its Applications (`{}` for manual sync). */
  readonly syncPolicy: SyncPolicyJson;
  /** Sync windows of its AppProject. */
  readonly syncWindows: readonly SyncWindowJson[];
  /** Roles of its AppProject. */
  readonly roles: readonly ProjectRole[];
  /** Whether images must be pinned by digest (tags refused). */
  readonly requireDigest: boolean;
  /** Cluster-scoped kinds its AppProject allows. */
  readonly clusterResources: readonly ResourceKind[];
  /**
   * Namespaced kinds its AppProject allows although it keeps them out by default (Role,
   * RoleBinding, NetworkPolicy). @default - none
   */
  readonly allowedNamespacedResources?: readonly ResourceKind[];
  /** `spec.revisionHistoryLimit` of its Applications. @default - Argo CD's default (10) */
  readonly revisionHistoryLimit?: number;
  /**
   * The namespace baseline every target of the environment gets (Namespace, ResourceQuota,
   * LimitRange, default-deny NetworkPolicy). Its objects are rendered per target, see
   * {@link TargetModel.baseline}.
   * @default - none
   */
  readonly namespaceBaseline?: NamespaceBaselineModel;
  /**
   * How its ApplicationSets are grouped: `perCluster` keeps a set per cluster whatever the count
   * (see `environmentsSplitByCluster`).
   * @default - `auto`: split by cluster only over the control plane's cap
   */
  readonly applicationSets?: ApplicationSetSplit.PER_CLUSTER;
}

/** The settings of an environment's namespace baseline, as declared. */
export interface NamespaceBaselineModel {
  /** The factory that made it, e.g. `standard`. */
  readonly kind: string;
  /** Its settings as plain data. */
  readonly settings: unknown;
}

/** One cluster of an environment. */
export interface ClusterModel {
  /** `<environment>/<cloud>/<name>`. */
  readonly id: string;
  /** Construct path. */
  readonly path: string;
  /** Name of its environment. */
  readonly environment: string;
  /** Name of its cloud. */
  readonly cloud: string;
  /** Name of the cluster, unique within its environment and cloud. */
  readonly name: string;
  /** The cloud region it runs in (`global.region` in values). */
  readonly region: string;
  /** Name the cluster is registered under in Argo CD. */
  readonly destination: string;
}

/** One service: where its chart comes from and how it is released. */
export interface ServiceModel {
  /** Name of the service, e.g. `payments-api`. */
  readonly name: string;
  /** Construct path. */
  readonly path: string;
  /** Namespace it is deployed into. */
  readonly namespace: string;
  /** The team that owns it. @default - none: the platform has no teams */
  readonly team?: string;
  /**
   * Image repository without tag or digest, of a service with one image; `image.repository` in
   * its values.
   * @default - none: the service names its images ({@link ServiceModel.images})
   */
  readonly imageRepository?: string;
  /**
   * The named images of a service with several images (or one it names), in declaration order;
   * each ring's release records a digest per image.
   * @default - none: the service has one image ({@link ServiceModel.imageRepository})
   */
  readonly images?: readonly ImageModel[];
  /** Digest every ring starts with before the release ledger exists, of a service with one image. @default - none */
  readonly initialDigest?: string;
  /**
   * The service may deploy into a namespace of the cluster itself or of an Argo CD of the
   * platform. @default false
   */
  readonly allowSensitiveNamespace?: boolean;
  /** What its targets deploy. */
  readonly source: SourceModel;
  /**
   * For a cluster add-on (a third-party chart installed on the clusters a selector picks): what
   * its AppProject lets it create besides a service's.
   * @default - none: a service
   */
  readonly addon?: AddonModel;
}

/** What sets a cluster add-on apart from a service: the kinds its AppProject allows it. */
export interface AddonModel {
  /** The cluster-scoped kinds it creates (CRDs, cluster roles, webhooks), exactly. */
  readonly clusterResources: readonly ResourceKind[];
  /** Namespaced kinds an environment's AppProject keeps out that it creates (e.g. `Role`, `RoleBinding`). */
  readonly allowedNamespacedResources: readonly ResourceKind[];
  /**
   * For Argo CD managing itself (`SelfManagedArgoCd`): the control planes it installs. Each of
   * its targets also deploys the declarative Secrets in its {@link TargetModel.baseline}.
   * @default - none: another add-on
   */
  readonly argoCd?: ArgoCdModel;
}

/** What sets Argo CD's own installation apart from other add-ons. */
export interface ArgoCdModel {
  /** Names of the control planes it is installed on, in the program's order. */
  readonly controlPlanes: readonly string[];
}

/** One named image of a service. */
export interface ImageModel {
  /** Name of the image, a DNS-1123 label unique within the service, e.g. `worker`. */
  readonly name: string;
  /** Image repository without tag or digest. */
  readonly repository: string;
  /**
   * Dotted key path in the Helm values under which the image's `repository` and `digest` (or
   * `tag`) go, e.g. `worker.image`.
   */
  readonly valuesKey: string;
  /** Digest every ring starts with before the release ledger exists. @default - none */
  readonly initialDigest?: string;
  /**
   * The chart reads only a tag for the image (`<valuesKey>.tag`), no digest: its version is a
   * tag, or a tag pinned by its digest (`v3.2.0@sha256:…`), never a bare digest, which the
   * chart would not deploy.
   * @default false
   */
  readonly tagOnly?: boolean;
}

/** What a service deploys: the "source kind" seam between the model and the tree. */
export type SourceModel = HelmSourceModel | RenderedSourceModel | KustomizeSourceModel;

/**
 * Where a Helm chart is published: a Helm repository (`repoURL` + `chart`) or an OCI registry
 * (`repoURL` is `oci://…/<chart>`); a chart in a Git repository has no origin.
 */
export type ChartOrigin = 'helm-repository' | 'oci';

/** A Helm chart, with one values file per target. */
export interface HelmSourceModel {
  /** Discriminator of {@link SourceModel}. */
  readonly kind: 'helm';
  /** Where the chart is published. @default - a path in a Git repository */
  readonly origin?: ChartOrigin;
  /**
   * Repository holding the chart: the Git application repository (the service's, or the
   * platform's pattern filled in), the Helm repository, or the chart's `oci://` repository.
   */
  readonly repoURL: string;
  /** Path of the chart in a Git repository; `.` in an OCI artifact; empty in a Helm repository. */
  readonly chartPath: string;
  /** Name of the chart in a Helm repository. @default - none: not from a Helm repository */
  readonly chart?: string;
  /**
   * Revision of the Git repository, or the chart's version, to deploy; with `promoted`, what a
   * ring whose release records no chart revision deploys.
   */
  readonly targetRevision: string;
  /** Helm release name. */
  readonly releaseName: string;
  /**
   * The chart revision is part of each ring's release: it moves ring by ring with the image
   * (`promote --chart-revision` / `--chart-version`), and each target reads the chart at the
   * revision its ring's release records.
   * @default false
   */
  readonly promoted?: boolean;
}

/**
 * Kubernetes objects rendered by the program (cdk8s-plus-28 code), one file per object in the
 * target's directory; see {@link TargetModel.objects}.
 */
export interface RenderedSourceModel {
  /** Discriminator of {@link SourceModel}. */
  readonly kind: 'rendered';
}

/**
 * A Kustomize base, with one overlay per target written by the synthesizer
 * (`<target>/kustomization.yaml`): the base, the ring's image digests, the namespace, labels
 * and the program's patches.
 */
export interface KustomizeSourceModel {
  /** Discriminator of {@link SourceModel}. */
  readonly kind: 'kustomize';
  /**
   * Git repository holding the base (the service's application repository), read by Kustomize
   * as a remote base at `targetRevision` (or the ring's pinned revision).
   * @default - none: the base is in the GitOps repository at `path`, read at the overlay's own commit
   */
  readonly repoURL?: string;
  /** Directory of the base: in `repoURL`, or in the GitOps repository. */
  readonly path: string;
  /**
   * Revision of `repoURL` to read the base at; with `promoted`, what a ring whose release
   * records no revision reads. Empty for a base in the GitOps repository.
   */
  readonly targetRevision: string;
  /**
   * The base's revision is part of each ring's release, as a promoted chart's is.
   * @default false
   */
  readonly promoted?: boolean;
  /** Labels every object of the service gets (metadata only; selectors are left alone). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Which objects a Kustomize patch applies to (Kustomize's patch `target`). */
export interface KustomizePatchTargetModel {
  /** API group of the objects, e.g. `apps`. @default - any group (the core group: none) */
  readonly group?: string;
  /** API version of the objects, e.g. `v1`. @default - any version */
  readonly version?: string;
  /** Kind of the objects, e.g. `Deployment`. */
  readonly kind: string;
  /** Name of the object. @default - every object of the kind the selectors pick */
  readonly name?: string;
  /** Namespace of the objects, as the base gives it. @default - any */
  readonly namespace?: string;
  /** Label selector of the objects, e.g. `app=web`. @default - none */
  readonly labelSelector?: string;
  /** Annotation selector of the objects. @default - none */
  readonly annotationSelector?: string;
}

/** One patch of a Kustomize overlay: a strategic merge patch (an object) or JSON 6902 operations (a list). */
export interface KustomizePatchModel {
  /** Which objects of the base it applies to. */
  readonly target: KustomizePatchTargetModel;
  /** The patch as written to its file: a partial object with `apiVersion`, `kind` and `metadata.name`, or a list of operations. */
  readonly patch: Readonly<Record<string, unknown>> | readonly Readonly<Record<string, unknown>>[];
}

/**
 * A Kubernetes object rendered by the program, as plain JSON. Keys are sorted (`apiVersion`,
 * `kind`, `metadata` first). Container images hold the service's image placeholder, which the
 * synthesizer replaces with `<repository>@<digest>` from the release ledger.
 */
export interface KubeObjectModel {
  /** API group and version, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** Kind, e.g. `Deployment`. */
  readonly kind: string;
  /** The object's metadata: name, optional namespace, and any other fields as rendered. */
  readonly metadata: {
    /** Name of the object. */
    readonly name: string;
    /** Namespace of the object. @default - none (cluster-scoped, or left to Argo CD's destination) */
    readonly namespace?: string;
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

/** What a promotion into a ring must satisfy. */
export interface RingGatesModel {
  /** How long the digest must have run in the ring before, in seconds (0: no soak). */
  readonly soakSeconds: number;
  /** Whether a promotion needs `--approved-by`. */
  readonly requireApproval: boolean;
  /**
   * Who may approve a promotion into the ring.
   * @default - anyone but the promoter
   */
  readonly approvers?: readonly string[];
  /**
   * Whether a promotion waits for every Application of the ring before to run the release
   * Synced and Healthy (as its Argo CD reports it), and its soak counts from then.
   * @default false
   */
  readonly requireHealthy?: boolean;
}

/** One promotion ring and the targets in it. */
export interface RingModel {
  /** Name of the ring, e.g. `prod-canary`. */
  readonly name: string;
  /** Construct path. */
  readonly path: string;
  /** Its gates. */
  readonly gates: RingGatesModel;
  /** Ids of the targets in this ring. */
  readonly targets: readonly string[];
  /**
   * Names the ring had before (a rename), or rings it was split from: it takes over what the
   * first of them with an entry in a ledger runs, with its history.
   * @default - none
   */
  readonly movedFrom?: readonly string[];
  /**
   * The ring selects clusters of a production environment (`Environment({ production: true })`),
   * whether or not a service runs there yet.
   * @default false
   */
  readonly production?: boolean;
  /**
   * In the part of the model one GitOps repository's checkout is written from (see
   * `modelForRepository`): the ring before it in the platform's order, when that ring's releases
   * are recorded in another repository. The checkout cannot read that ring's release: the ring
   * takes a release by digest, as a first ring does.
   * @default - none: the ring before it, if any, is in the same repository
   */
  readonly takesFrom?: RingElsewhereModel;
}

/** The ring before a ring, when that ring's releases are recorded in another GitOps repository. */
export interface RingElsewhereModel {
  /** Name of the ring before it, in the platform's ring order. */
  readonly ring: string;
  /** URL of the GitOps repository whose ledgers hold that ring's releases. */
  readonly repoURL: string;
}

/** One layer of Helm values, set by one construct. */
export interface LayerModel {
  /** Who set these values, e.g. `Environment prod`. */
  readonly label: string;
  /** Construct path of who set them. */
  readonly path: string;
  /** The values. */
  readonly values: Values;
}

/** One placement of a service on a cluster: one Application and one values file. */
export interface TargetModel {
  /** `<environment>/<cloud>/<cluster>/<service>`: also its directory under the environments dir. */
  readonly id: string;
  /** Construct path of the placement, e.g. `platform/payments-api/prod/azure/westeurope-01`. */
  readonly path: string;
  /** Name of the service. */
  readonly service: string;
  /** Name of the environment. */
  readonly environment: string;
  /** Name of the cloud. */
  readonly cloud: string;
  /** Name of the cluster. */
  readonly cluster: string;
  /** Name of the promotion ring it belongs to. */
  readonly ring: string;
  /** Layer ids, lowest first. */
  readonly layers: readonly string[];
  /** For a service with a rendered source: the objects rendered for this target. */
  readonly objects?: readonly KubeObjectModel[];
  /**
   * When the environment declares a namespace baseline: its objects for this target. For Argo
   * CD's own installation: the declarative Secrets of the clusters and the repository it reads.
   */
  readonly baseline?: readonly KubeObjectModel[];
  /**
   * For a service with a Kustomize source: the patches of its overlay on this target, in the
   * order they apply (the service's, then the service × environment's, then the service × cluster's).
   * @default - none
   */
  readonly patches?: readonly KustomizePatchModel[];
}
