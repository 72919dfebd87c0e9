import type { Chart } from 'cdk8s';
import type { Values } from '../model/values';
import type { KustomizePatch } from './kustomize-patch';

/** Settings of a Helm chart in a Git repository (the service's application repository). */
export interface HelmChartProps {
  /** Application repository holding the chart. @default - the platform's `applicationRepoURLPattern` */
  readonly repoURL?: string;
  /** Path of the chart in the application repository. @default - the platform's service default, 'deploy/chart' */
  readonly chartPath?: string;
  /** Revision of the application repository. @default - the platform's service default, 'main' */
  readonly targetRevision?: string;
  /** Helm release name (at most 53 characters). @default - the service name */
  readonly releaseName?: string;
  /**
   * Promote the chart with the image: each ring's release records a chart revision
   * (`promote --chart-revision` for a chart in Git: a full commit SHA or a tag `v1.4.2`;
   * `--chart-version` for a Helm or OCI chart), and each target reads the chart at the revision
   * its ring runs, so a chart change reaches a ring only when it is promoted there. A ring
   * whose release records none reads `targetRevision`.
   * @default false - every ring reads the chart at `targetRevision`
   */
  readonly promoted?: boolean;
}

/** Settings of a chart published to a Helm repository (one with an `index.yaml`). */
export interface HelmRepositoryChartProps {
  /** URL of the Helm repository, e.g. `https://charts.example.com/stable`. */
  readonly repoURL: string;
  /** Name of the chart in the repository, e.g. `payments-api`. */
  readonly chart: string;
  /** Exact chart version (SemVer 2), e.g. `1.4.2`; a range would move without a promotion. */
  readonly version: string;
  /** Helm release name (at most 53 characters). @default - the service name */
  readonly releaseName?: string;
  /**
   * Promote the chart with the image: each ring's release records a chart revision
   * (`promote --chart-revision` for a chart in Git: a full commit SHA or a tag `v1.4.2`;
   * `--chart-version` for a Helm or OCI chart), and each target reads the chart at the revision
   * its ring runs, so a chart change reaches a ring only when it is promoted there. A ring
   * whose release records none reads `version`.
   * @default false - every ring reads the chart at `version`
   */
  readonly promoted?: boolean;
}

/** Settings of a chart pushed to an OCI registry (`helm push … oci://…`). */
export interface OciChartProps {
  /**
   * The chart's OCI repository, with the chart's name and without a tag:
   * `oci://registry.example.com/charts/payments-api`.
   */
  readonly repoURL: string;
  /** Exact chart version (SemVer 2), the artifact's tag, e.g. `1.4.2`. */
  readonly version: string;
  /** Helm release name (at most 53 characters). @default - the service name */
  readonly releaseName?: string;
  /**
   * Promote the chart with the image: each ring's release records a chart revision
   * (`promote --chart-revision` for a chart in Git: a full commit SHA or a tag `v1.4.2`;
   * `--chart-version` for a Helm or OCI chart), and each target reads the chart at the revision
   * its ring runs, so a chart change reaches a ring only when it is promoted there. A ring
   * whose release records none reads `version`.
   * @default false - every ring reads the chart at `version`
   */
  readonly promoted?: boolean;
}

/** @internal Where a Kustomize base is in its repository when the program does not say. */
export const DEFAULT_KUSTOMIZE_PATH = 'deploy/kustomize';

/** Settings of a Kustomize base in a Git repository (the service's application repository). */
export interface KustomizeProps {
  /**
   * Git repository holding the base, as Kustomize reads a remote base (HTTPS or SSH; no port).
   * @default - the platform's `applicationRepoURLPattern`
   */
  readonly repoURL?: string;
  /** Directory of the base (a `kustomization.yaml`) in the repository. @default 'deploy/kustomize' */
  readonly path?: string;
  /**
   * Revision the base is read at: a full commit SHA or a tag for a base that must not move; a
   * branch follows the branch (as a Helm chart at `main` does).
   * @default - the platform's service default, 'main'
   */
  readonly targetRevision?: string;
  /**
   * Promote the base's revision with the image, as a promoted chart's: each ring's release
   * records it (`promote --chart-revision <sha or tag>`) and each target reads the base at the
   * revision its ring runs. A ring whose release records none reads `targetRevision`.
   * @default false - every ring reads the base at `targetRevision`
   */
  readonly promoted?: boolean;
  /** Patches of every target's overlay; `Service.deployTo` adds per environment or cluster. @default [] */
  readonly patches?: readonly KustomizePatch[];
  /** Labels put on every object's metadata (selectors and pod templates are left alone). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Settings of a Kustomize base kept in the GitOps repository itself. */
export interface PlatformKustomizeProps {
  /**
   * Directory of the base in the GitOps repository, e.g. `bases/web`: a directory cdk8s-gitops
   * does not write, outside its own directories. It is read at the overlay's own commit, so a
   * change to it reaches every ring at once; a base that moves ring by ring belongs in an
   * application repository ({@link Workload.kustomize}).
   */
  readonly path: string;
  /** Patches of every target's overlay; `Service.deployTo` adds per environment or cluster. @default [] */
  readonly patches?: readonly KustomizePatch[];
  /** Labels put on every object's metadata (selectors and pod templates are left alone). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Where a Kustomize base is. @internal */
export type KustomizeSpec = ({ readonly origin: 'git' } & KustomizeProps) | ({ readonly origin: 'platform' } & PlatformKustomizeProps);

/** Where a Helm chart comes from: a Git repository, a Helm repository or an OCI registry. @internal */
export type HelmChartSpec =
  | ({ readonly origin: 'git' } & HelmChartProps)
  | ({ readonly origin: 'helm-repository' } & HelmRepositoryChartProps)
  | ({ readonly origin: 'oci' } & OciChartProps);

/**
 * What a render function gets for one target (one service on one cluster).
 *
 * Everything here is plain data except `scope`, a cdk8s `Chart` that cdk8s-gitops creates
 * for this target alone, named after the service, with the service's namespace and without
 * name hashes. Objects are named `<service>-<id>` from the ids given inside the render function
 * (cdk8s drops an id equal to the service name: `new Deployment(ctx.scope, ctx.service)` is
 * named after the service), or by an explicit `metadata.name`. Neither the module that defines
 * the render function nor the Service's place in the program changes a name.
 */
export interface RenderContext {
  /** The Chart to create the target's objects in (cdk8s-plus-28 constructs or any `ApiObject`). */
  readonly scope: Chart;
  /** The service name. */
  readonly service: string;
  /** Environment name, e.g. `prod`. */
  readonly environment: string;
  /** Cloud name, e.g. `azure`. */
  readonly cloud: string;
  /** Cluster name, e.g. `westeurope-01`. */
  readonly cluster: string;
  /** Cloud region, e.g. `westeurope`. */
  readonly region: string;
  /** Name the cluster is registered under in Argo CD. */
  readonly destination: string;
  /** Namespace the objects go into (also the Chart's namespace). */
  readonly namespace: string;
  /**
   * The target's values, merged from every layer as for a Helm values file (the SDK's
   * `global.*` and `image.repository`, then Platform, Environment, Cloud, Cluster, Service,
   * Service × Environment, Service × Cluster), but without `image.digest`: the digest is not
   * known to the program. Read-only.
   */
  readonly values: Values;
  /**
   * The image to run, as a placeholder (`cdk8s-gitops.image/<service>`) that the synthesizer
   * replaces with `<repository>@<digest>` of the target's ring. Use it unchanged as a container
   * image (`image: ctx.image`); anywhere else, or altered, it is reported as an error. A service
   * with named images has none: reading it fails, naming `ctx.images`.
   */
  readonly image: string;
  /**
   * The placeholder of each named image, by name (`cdk8s-gitops.image/<service>/<name>`), for a
   * service with named images: `containers: [{ image: ctx.images.worker }]`. Each is replaced
   * with `<repository>@<digest>` of that image in the target's ring; the same rules as for
   * `image` apply. Empty for a service with one image.
   */
  readonly images: Readonly<Record<string, string>>;
}

/** Builds a target's objects into `ctx.scope`. Runs in the program, once per target. */
export type RenderFunction = (ctx: RenderContext) => void;

/** @internal What a {@link Workload} is, for the constructs that read it. */
export type WorkloadSpec =
  | { readonly kind: 'helm'; readonly chart: HelmChartSpec }
  | { readonly kind: 'rendered'; readonly render: RenderFunction }
  | { readonly kind: 'kustomize'; readonly base: KustomizeSpec };

/**
 * What a service deploys: a Helm chart with a values file per target (the default; from Git, a
 * Helm repository or an OCI registry), a Kustomize base with an overlay per target, or
 * Kubernetes objects the program renders with cdk8s-plus-28 ("rendered manifests": every change
 * shows up in Git as the exact objects Argo CD applies).
 *
 * A render function runs in the program, once per target, each in a fresh cdk8s App and Chart
 * (so rendering many targets takes time linear in their number). Its objects go into the model
 * snapshot as plain JSON; the synthesizer writes them one object per file
 * (`<kind>-<name>.yaml`) into the target's directory, with the image placeholder replaced by the
 * ring's digest. The `cdk8s.io/metadata.addr` labels and selectors cdk8s-plus derives from
 * construct paths are replaced by `app.kubernetes.io/name: <service>` and
 * `app.kubernetes.io/component: <id of the workload construct>`, so moving code never re-selects
 * pods (a Deployment's selector cannot change after creation).
 *
 * @example
 * import * as kplus from 'cdk8s-plus-28';
 *
 * new Service(platform, 'orders-api', {
 *   image: { repository: 'registry.example.com/commerce/orders-api' },
 *   workload: Workload.render((ctx) => {
 *     const api = new kplus.Deployment(ctx.scope, ctx.service, {
 *       containers: [{ image: ctx.image, portNumber: 8080 }],
 *     });
 *     api.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
 *   }),
 * });
 */
export class Workload {
  /** A Helm chart in an application repository, with one values file per target. */
  public static helmChart(props: HelmChartProps = {}): Workload {
    return new Workload({ kind: 'helm', chart: { ...props, origin: 'git' } });
  }

  /**
   * A chart of a Helm repository, at an exact version, with one values file per target.
   * Argo CD reads it as `repoURL` + `chart` + `targetRevision`.
   */
  public static helmRepositoryChart(props: HelmRepositoryChartProps): Workload {
    return new Workload({ kind: 'helm', chart: { ...props, origin: 'helm-repository' } });
  }

  /**
   * A chart pushed to an OCI registry, at an exact version, with one values file per target.
   * Argo CD (3.1 and later) reads it as an OCI source: `repoURL: oci://…`, `path: .`.
   */
  public static ociChart(props: OciChartProps): Workload {
    return new Workload({ kind: 'helm', chart: { ...props, origin: 'oci' } });
  }

  /**
   * A Kustomize base in the service's application repository, with one overlay per target
   * (`<target>/kustomization.yaml`): the base at its revision (the ring's, when `promoted`), the
   * ring's image digests (`images`), the service's namespace, labels and patches. A promotion
   * changes the overlays' `images` (and, when promoted, the base's revision) and nothing else.
   */
  public static kustomize(props: KustomizeProps = {}): Workload {
    return new Workload({ kind: 'kustomize', base: { ...props, origin: 'git' } });
  }

  /** A Kustomize base kept in the GitOps repository, with one overlay per target (see {@link Workload.kustomize}). */
  public static kustomizePlatformBase(props: PlatformKustomizeProps): Workload {
    return new Workload({ kind: 'kustomize', base: { ...props, origin: 'platform' } });
  }

  /** Kubernetes objects built by `render` with cdk8s-plus-28 (or any cdk8s `ApiObject`). */
  public static render(render: RenderFunction): Workload {
    if (typeof render !== 'function') {
      throw new TypeError(`Workload.render takes a function (ctx) => void; received ${render === null ? 'null' : typeof render}.`);
    }
    return new Workload({ kind: 'rendered', render });
  }

  private constructor(
    /** @internal */
    public readonly spec: WorkloadSpec,
  ) {}

  /** @internal This workload with its chart promoted with the images (a cluster add-on's); another kind as it is. */
  public withPromotedChart(): Workload {
    return this.spec.kind === 'helm' ? new Workload({ kind: 'helm', chart: { ...this.spec.chart, promoted: true } }) : this;
  }
}
