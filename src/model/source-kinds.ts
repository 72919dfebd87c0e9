/**
 * What the model knows of each source kind (a Helm chart with a values file, a Kustomize base
 * with an overlay, or objects the program renders): how its ApplicationSets are named and when a
 * service needs one of its own, and whether its source's revision is promoted with its image.
 * How its files are written is the synthesizer's (synth/sources).
 *
 * @module
 */
import { fleetFactsOf } from './fleet-facts';
import { chartRevisionProblem } from './versions';
import { EnvironmentModel, HelmSourceModel, KustomizeSourceModel, PlatformModel, ServiceModel, SourceModel } from './platform-model';

/** The platform's chart path and revision, which an ApplicationSet's shared template uses. */
export interface ChartDefaults {
  readonly chartPath: string;
  readonly targetRevision: string;
}

/** How a source kind's ApplicationSets are named and shared. */
export interface SourceKindDescriptor {
  readonly kind: SourceModel['kind'];
  /** First word of the names of its ApplicationSets: `workloads-<env>`, `rendered-<env>`. */
  readonly applicationSetPrefix: string;
  /**
   * Whether its ApplicationSets list each service's directories by name
   * (`environments/<env>/*\/*\/<service>`) rather than every directory (`…/*`).
   */
  readonly listsServices: boolean;
  /** Whether a service's settings differ from what its ApplicationSet's shared template derives. */
  deviates(model: PlatformModel, service: ServiceModel, defaults: ChartDefaults): boolean;
}

/** The Helm chart of a service; fails for a service of another kind. */
export function chartOf(s: ServiceModel): HelmSourceModel {
  if (s.source.kind !== 'helm') throw new Error(`Service ${s.name} has no Helm chart.`);
  return s.source;
}

/**
 * What names a chart in the Argo CD source that reads it, beside its repository: a Helm
 * repository's chart its name (`chart`), a Git repository's and an OCI artifact's its path
 * (`path`: `.` in an OCI artifact).
 */
export function chartLocator(chart: HelmSourceModel): { readonly chart?: string; readonly path?: string } {
  return chart.origin === 'helm-repository' ? { chart: chart.chart } : { path: chart.chartPath };
}

/**
 * Whether a service's source revision (its chart's, or its Kustomize base's) is part of each
 * ring's release, and whether it is a Git revision (`--chart-revision`: a commit SHA or a tag)
 * or a chart version (`--chart-version`); undefined when it is not promoted.
 */
export function promotedSourceOf(service: ServiceModel): { readonly inGit: boolean } | undefined {
  const source = service.source;
  if (source.kind === 'helm') return source.promoted === true ? { inGit: source.origin === undefined } : undefined;
  if (source.kind === 'kustomize') return source.promoted === true && source.repoURL !== undefined ? { inGit: true } : undefined;
  return undefined;
}

/** The revision of its source (a chart's, or a Kustomize base's) of the service that a ring reads. */
export interface RingChart {
  /** The revision (Git) or version (Helm, OCI) its Applications read. */
  readonly revision: string;
  /** Whether the ring's release records it; false: the program's revision, which may move. */
  readonly pinned: boolean;
}

/**
 * The chart revision (or Kustomize base revision) a ring reads, for a service whose source is
 * promoted with the image: what the ring's release records, where it is a revision of the
 * program's kind of source, else the program's `targetRevision` (unpinned). Undefined for a service whose source is not promoted (every ring
 * reads the program's).
 */
export function ringChart(service: ServiceModel, recorded: string | undefined): RingChart | undefined {
  const promoted = promotedSourceOf(service);
  if (promoted === undefined) return undefined;
  const source = service.source as HelmSourceModel | KustomizeSourceModel;
  // A revision recorded for another kind of source (a Helm chart's version, where the service now
  // reads a Git repository, or the reverse) pins nothing of this one.
  if (recorded === undefined || chartRevisionProblem(recorded, promoted.inGit) !== undefined) {
    return { revision: source.targetRevision, pinned: false };
  }
  return { revision: recorded, pinned: true };
}

const RELEASE_FILE_ENVIRONMENTS = new WeakMap<PlatformModel, ReadonlySet<string>>();

/**
 * Whether the Helm ApplicationSets of environment `env` read each target's chart revision from
 * a release file: when a service deployed there promotes its chart with the image. Every Helm
 * set of the environment does, and every Helm target there has the file, so that turning it on
 * for one service changes no set's Applications but that service's revisions: an Application
 * never moves to another ApplicationSet (Argo CD would delete it from the one and then create
 * it from the other).
 */
export function readsReleaseFiles(model: PlatformModel, env: string): boolean {
  let envs = RELEASE_FILE_ENVIRONMENTS.get(model);
  if (envs === undefined) {
    envs = releaseFileEnvironments(model);
    RELEASE_FILE_ENVIRONMENTS.set(model, envs);
  }
  return envs.has(env);
}

/** The environments whose Helm ApplicationSets read release files (see {@link readsReleaseFiles}). */
export function releaseFileEnvironments(model: PlatformModel): ReadonlySet<string> {
  const recorded = fleetFactsOf(model)?.releaseFileEnvironments;
  if (recorded !== undefined) return new Set(recorded);
  const promoted = new Set(model.services.filter((s) => s.source.kind === 'helm' && s.source.promoted === true).map((s) => s.name));
  // Flux reads a chart's revision from the target's HelmRelease or source, not a release file.
  const flux = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind === 'flux').map((cp) => cp.name));
  const onFlux = new Set(model.environments.filter((e) => flux.has(e.controlPlane)).map((e) => e.name));
  return new Set(model.targets.filter((t) => promoted.has(t.service) && !onFlux.has(t.environment)).map((t) => t.environment));
}

/** A Helm chart in the service's application repository, with a values file per target. */
export const helmDescriptor: SourceKindDescriptor = {
  kind: 'helm',
  applicationSetPrefix: 'workloads',
  listsServices: false,
  deviates(model, s, defaults) {
    const chart = chartOf(s);
    if (chart.origin !== undefined) return true; // the shared template reads charts from Git
    const derivedRepo = model.applicationRepoURLPattern?.split('{service}').join(s.name);
    return (
      chart.repoURL !== derivedRepo ||
      chart.releaseName !== s.name ||
      s.namespace !== s.name ||
      chart.chartPath !== defaults.chartPath ||
      chart.targetRevision !== defaults.targetRevision
    );
  },
};

/** Objects rendered by the program, one file each, in the target's directory. */
export const renderedDescriptor: SourceKindDescriptor = {
  kind: 'rendered',
  applicationSetPrefix: 'rendered',
  listsServices: true,
  deviates(_model, s) {
    return s.namespace !== s.name;
  },
};

/** Where the labels a Kustomize overlay puts on every object from the target's place begin (`cdk8s-gitops.io/service`, …). */
export const KUSTOMIZE_LABEL_PREFIX = 'cdk8s-gitops.io/';

/** A Kustomize base with an overlay per target, in the target's directory. */
export const kustomizeDescriptor: SourceKindDescriptor = {
  kind: 'kustomize',
  applicationSetPrefix: 'kustomize',
  listsServices: true,
  deviates(_model, s) {
    return s.namespace !== s.name;
  },
};

const DESCRIPTORS: Readonly<Record<SourceModel['kind'], SourceKindDescriptor>> = {
  helm: helmDescriptor,
  rendered: renderedDescriptor,
  kustomize: kustomizeDescriptor,
};

/**
 * A cluster add-on: a Helm chart whose version is promoted with its images, each add-on with
 * ApplicationSets of its own (`addons-<env>-<add-on>`) under an AppProject of its own in each
 * environment ({@link addonProjectName}).
 */
export const addonDescriptor: SourceKindDescriptor = {
  kind: 'helm',
  applicationSetPrefix: 'addons',
  listsServices: true,
  deviates() {
    return true;
  },
};

/**
 * The AppProject of a cluster add-on in an environment: one per add-on, so that what one add-on
 * declares (its cluster-scoped kinds, its namespace) is never another's to use.
 */
export function addonProjectName(env: string, addon: string): string {
  return `${env}-addon-${addon}`;
}

/** The cluster add-ons installed in environment `env`, in the program's order. */
export function addonsIn(model: PlatformModel, env: string): string[] {
  const addons = new Set(model.services.filter((s) => s.addon !== undefined).map((s) => s.name));
  return [...new Set(model.targets.filter((t) => t.environment === env && addons.has(t.service)).map((t) => t.service))];
}

/** The source kind of a service, as the model knows it. */
export function sourceKindDescriptorOf(service: ServiceModel): SourceKindDescriptor {
  return service.addon === undefined ? DESCRIPTORS[service.source.kind] : addonDescriptor;
}

/**
 * Whether a target's Application also deploys the objects of its `baseline/` directory: the
 * environment's namespace baseline, or the declarative Secrets of Argo CD's own installation.
 * Without `service`, whether every target of the environment's does.
 */
export function readsBaselineDirectory(environment: Pick<EnvironmentModel, 'namespaceBaseline'>, service?: ServiceModel): boolean {
  return environment.namespaceBaseline !== undefined || service?.addon?.argoCd !== undefined;
}
