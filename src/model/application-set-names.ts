/**
 * The names of the ApplicationSets of a control plane: which group of targets each gets, and
 * the names two groups would share (CG125). The synthesizer builds the ApplicationSets under
 * these names (synth/argocd/application-set).
 *
 * @module
 */
import { Problem, problem } from '../core/errors';
import { ClusterModel, ControlPlaneModel, PlatformModel, ServiceModel } from './platform-model';
import { helmDescriptor, SourceKindDescriptor, sourceKindDescriptorOf } from './source-kinds';
import { ApplicationSetSplit } from './application-set-split';
import { getOrSet } from '../core/maps';

/**
 * How a target's Application can be written in a template: every field derived from the
 * directory path (the seed's template), or with the service's or the cluster's own settings.
 */
export interface SetShape<S extends SourceKindDescriptor = SourceKindDescriptor> {
  /** What the target deploys. */
  readonly source: S;
  /** The service's settings differ from what the path and platform defaults give. */
  readonly service?: ServiceModel;
  /** The cluster's destination differs from `<cloud>-<cluster>`. */
  readonly cluster?: ClusterModel;
}

/** Whether a cluster is registered under another destination name than `<cloud>-<cluster>`. */
export function hasOwnDestination(cluster: ClusterModel): boolean {
  return cluster.destination !== `${cluster.cloud}-${cluster.name}`;
}

/**
 * How many Applications one ApplicationSet may generate unless a control plane says otherwise:
 * Argo CD's ApplicationSet controller keeps at most 5,000 resources in a set's status by default
 * (`applicationsetcontroller.status.max.resources.count`), and a set over it reports only part
 * of what it generates.
 */
export const DEFAULT_MAX_APPLICATIONS_PER_APPLICATION_SET = 5000;

/** How many Applications one ApplicationSet of `cp` may generate. */
export function applicationSetCap(cp: ControlPlaneModel): number {
  return cp.maxApplicationsPerApplicationSet ?? DEFAULT_MAX_APPLICATIONS_PER_APPLICATION_SET;
}

/** Why `value` is no cap of {@link applicationSetCap}, or undefined when it is one: a whole number from 1 to 1,000,000. */
export function applicationSetCapProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return `${JSON.stringify(value) ?? String(value)} is not a whole number`;
  if (value < 1 || value > 1_000_000) return `${value} is not from 1 to 1,000,000`;
  return undefined;
}

/**
 * The environments whose ApplicationSets are split by cluster: those where one ApplicationSet,
 * as {@link setName} groups targets, would generate more Applications than its control plane's
 * cap ({@link applicationSetCap}). In such an environment every cluster gets ApplicationSets of
 * its own, as a cluster with its own destination does (`workloads-<env>-<cloud>-<cluster>`,
 * `workloads-<env>-<cloud>-<cluster>-<service>` for a service with its own settings), whose
 * Applications are the same as the shared set's. A cluster is the unit because it is stable
 * under additions: a target added later joins the set of its cluster and moves no other
 * Application (Argo CD lets no ApplicationSet take over an Application another one owns: the
 * owner deletes it first, and its resources with it). Splitting by a count (`-1`, `-2`) or by a
 * hash bucket whose number of buckets grows with the fleet would move existing Applications
 * whenever the count of sets changes. The split itself moves the environment's Applications
 * once, when the environment crosses the cap; a write refuses that move (CG141) unless the
 * program declares it. So does falling under the cap again, which would join the sets: an
 * environment that declares `applicationSets: perCluster` ({@link ApplicationSetSplit}) is split
 * whatever the count, which keeps the sets of an environment split by the cap as they are.
 *
 * @param targetClusters the cluster of each target, in the order of `model.targets`;
 *   undefined for a cluster of another platform
 */
export function environmentsSplitByCluster(model: PlatformModel, targetClusters: readonly (ClusterModel | undefined)[]): Set<string> {
  const services = new Map(model.services.map((s) => [s.name, s]));
  const deviates = memoized((s: ServiceModel) => sourceKindDescriptorOf(s).deviates(model, s, model.serviceDefaults));
  const capOf = new Map<string, number>();
  // Flux writes no ApplicationSet: its environments are never split.
  for (const cp of model.controlPlanes)
    if (cp.reconciler?.kind !== 'flux') for (const e of cp.environments) capOf.set(e, applicationSetCap(cp));
  const nameOf = setNamesByShape();
  const ownDestination = memoized(hasOwnDestination);
  const counts = new Map<string, number>();
  const split = new Set<string>();
  for (const e of model.environments) if (e.applicationSets === ApplicationSetSplit.PER_CLUSTER && capOf.has(e.name)) split.add(e.name);
  for (let i = 0; i < model.targets.length; i++) {
    const t = model.targets[i];
    const cap = capOf.get(t.environment);
    const service = services.get(t.service);
    const cluster = targetClusters[i];
    if (cap === undefined || !service || !cluster || split.has(t.environment) || ownDestination(cluster)) continue;
    const name = nameOf(t.environment, sourceKindDescriptorOf(service), deviates(service) ? service : undefined, undefined);
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    if (n > cap) split.add(t.environment);
  }
  return split;
}

/**
 * Whether a cluster's targets go to ApplicationSets of its own: it has its own destination, or
 * its environment is split by cluster ({@link environmentsSplitByCluster}).
 */
export function hasOwnSets(cluster: ClusterModel, split: ReadonlySet<string>): boolean {
  return hasOwnDestination(cluster) || split.has(cluster.environment);
}

/**
 * A move of a target's Application between its environment's shared ApplicationSet and its
 * cluster's own one, caused by the environment's split by cluster starting or ending
 * ({@link environmentsSplitByCluster}).
 */
export interface ClusterSplitMove {
  /** `split`: from the shared set to the cluster's; `join`: back. */
  readonly kind: 'split' | 'join';
  readonly environment: string;
  /** The control plane that manages the environment. */
  readonly controlPlane: string;
  /** Its cap ({@link applicationSetCap}). */
  readonly cap: number;
  /** The environment declares `applicationSets: perCluster`. */
  readonly declared: boolean;
  /** How many Applications the shared set would generate without the split. */
  readonly count: number;
  /** The shared set's name, e.g. `workloads-prod`. */
  readonly shared: string;
  /** The names of the clusters' sets, e.g. `workloads-prod-<cloud>-<cluster>`. */
  readonly perCluster: string;
}

/**
 * Tells, for an Application that moves from ApplicationSet `from` to `to`, whether the move is
 * its environment's split by cluster starting or ending: `from` and `to` are the names of the
 * shared and the cluster's set of its target (service on cluster `clusterId`, of a cluster
 * registered under `<cloud>-<cluster>`), one way or the other. Undefined for any other move.
 * Works out the model's facts once, on first use.
 */
export function clusterSplitMoves(
  model: PlatformModel,
): (move: { environment: string; service: string; clusterId: string; from: string; to: string }) => ClusterSplitMove | undefined {
  let facts: { counts: Map<string, number>; cpOf: Map<string, ControlPlaneModel> } | undefined;
  const services = new Map(model.services.map((s) => [s.name, s]));
  const clusters = new Map(model.clusters.map((c) => [c.id, c]));
  const deviates = memoized((s: ServiceModel) => sourceKindDescriptorOf(s).deviates(model, s, model.serviceDefaults));
  const shared = (env: string, service: ServiceModel): string =>
    setName(env, { source: sourceKindDescriptorOf(service), ...(deviates(service) ? { service } : {}) });
  const factsOf = (): NonNullable<typeof facts> => {
    if (facts) return facts;
    const all = model.targets.map((t) => clusters.get(`${t.environment}/${t.cloud}/${t.cluster}`));
    const counts = new Map<string, number>();
    model.targets.forEach((t, i) => {
      const service = services.get(t.service);
      const cluster = all[i];
      if (!service || !cluster || hasOwnDestination(cluster)) return;
      const name = `${t.environment}\u0000${shared(t.environment, service)}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    });
    const cpOf = new Map<string, ControlPlaneModel>();
    for (const cp of model.controlPlanes) for (const e of cp.environments) cpOf.set(e, cp);
    return (facts = { counts, cpOf });
  };
  return ({ environment, service: serviceName, clusterId, from, to }) => {
    const service = services.get(serviceName);
    const cluster = clusters.get(clusterId);
    if (!service || !cluster || cluster.environment !== environment || hasOwnDestination(cluster)) return undefined;
    const joined = shared(environment, service);
    const own = setName(environment, { source: sourceKindDescriptorOf(service), cluster, ...(deviates(service) ? { service } : {}) });
    const kind = from === own && to === joined ? 'join' : from === joined && to === own ? 'split' : undefined;
    const { counts, cpOf } = factsOf();
    const cp = cpOf.get(environment);
    if (kind === undefined || !cp) return undefined;
    return {
      kind,
      environment,
      controlPlane: cp.name,
      cap: applicationSetCap(cp),
      declared: model.environments.some((e) => e.name === environment && e.applicationSets === ApplicationSetSplit.PER_CLUSTER),
      count: counts.get(`${environment}\u0000${joined}`) ?? 0,
      shared: joined,
      perCluster: setName(
        environment,
        { source: sourceKindDescriptorOf(service), ...(deviates(service) ? { service } : {}) },
        CLUSTER_PLACEHOLDER,
      ),
    };
  };
}

/** `f`, remembering its result for each argument. */
function memoized<K, V>(f: (key: K) => V): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    let v = results.get(key);
    if (v === undefined && !results.has(key)) results.set(key, (v = f(key)));
    return v as V;
  };
}

/**
 * Values by the shape of a target's ApplicationSet: its environment, its source kind, and the
 * service and the cluster it has a set of its own for (undefined when it has none). Looked up
 * without making a key: a fleet's tens of thousands of targets share a few hundred shapes.
 */
class ByShape<V> {
  private readonly values = new Map<string, Map<SourceKindDescriptor, Map<ServiceModel | undefined, Map<ClusterModel | undefined, V>>>>();

  /** The value of the shape, if one was set. */
  public get(
    env: string,
    source: SourceKindDescriptor,
    service: ServiceModel | undefined,
    cluster: ClusterModel | undefined,
  ): V | undefined {
    return this.values.get(env)?.get(source)?.get(service)?.get(cluster);
  }

  /** Sets the value of the shape. */
  public set(
    env: string,
    source: SourceKindDescriptor,
    service: ServiceModel | undefined,
    cluster: ClusterModel | undefined,
    value: V,
  ): void {
    const ofEnv = getOrSet(this.values, env, () => new Map());
    const ofSource = getOrSet(ofEnv, source, () => new Map());
    getOrSet(ofSource, service, () => new Map()).set(cluster, value);
  }
}

/** {@link setName} of a shape (see {@link ByShape}), made once per shape. */
function setNamesByShape(): (
  env: string,
  source: SourceKindDescriptor,
  service: ServiceModel | undefined,
  cluster: ClusterModel | undefined,
) => string {
  const names = new ByShape<string>();
  return (env, source, service, cluster) => {
    let name = names.get(env, source, service, cluster);
    if (name === undefined) {
      name = setName(env, { source, ...(service ? { service } : {}), ...(cluster ? { cluster } : {}) });
      names.set(env, source, service, cluster, name);
    }
    return name;
  };
}

/** The longest ApplicationSet name written: its file, `<name>.yaml`, fits a file system's 255 bytes (Kubernetes takes 253). */
const MAX_SET_NAME = 250;

/** What {@link setName} writes for the cluster of a name pattern: `workloads-prod-<cloud>-<cluster>`. */
const CLUSTER_PLACEHOLDER = { cloud: '<cloud>', name: '<cluster>' };

/**
 * The name of the ApplicationSet of targets of `shape` in environment `env`.
 *
 * @param clusterOf the cluster whose cloud and name the name holds; @default - `shape.cluster`
 */
export function setName(env: string, shape: SetShape, clusterOf: Pick<ClusterModel, 'cloud' | 'name'> | undefined = shape.cluster): string {
  return [
    shape.source.applicationSetPrefix,
    env,
    ...(clusterOf ? [clusterOf.cloud, clusterOf.name] : []),
    ...(shape.service ? [shape.service.name] : []),
  ].join('-');
}

/**
 * ApplicationSet names that two different groups of targets of one control plane would share,
 * e.g. `workloads-prod-azure-x` for cluster `azure/x` with its own destination and for a
 * service `azure-x` with its own settings. Names are not made unique by renaming: that is an error.
 *
 * @param targetClusters the cluster of each target, in the order of `model.targets`;
 *   undefined for a cluster of another platform
 */
export function problemsOfWorkloadSetNames(model: PlatformModel, targetClusters: readonly (ClusterModel | undefined)[]): Problem[] {
  const problems: Problem[] = [];
  const services = new Map(model.services.map((s) => [s.name, s]));
  const deviates = memoized((s: ServiceModel) => sourceKindDescriptorOf(s).deviates(model, s, model.serviceDefaults));
  const split = environmentsSplitByCluster(model, targetClusters);
  const ownSets = memoized((c: ClusterModel) => hasOwnSets(c, split));
  for (const cp of model.controlPlanes) {
    const seen = new Map<string, string>();
    const reported = new Set<string>();
    const claim = (name: string, what: string, path: string): void => {
      if (name.length > MAX_SET_NAME && !reported.has(name)) {
        reported.add(name);
        problems.push(
          problem('CG125', {
            constructPath: path,
            message:
              `The ApplicationSet for ${what} in control plane "${cp.name}" would be named with ${name.length} characters ("${name.slice(0, 40)}…"), ` +
              `more than ${MAX_SET_NAME}: Kubernetes takes names of at most 253 characters, and its file (<name>.yaml) must fit a file system's 255.`,
            fix: 'Shorten the names it is made of: <workloads|rendered|kustomize>-<env>[-<cloud>-<cluster>][-<service>].',
          }),
        );
        return;
      }
      const other = seen.get(name);
      if (other === undefined) seen.set(name, what);
      else if (other !== what && !reported.has(name)) {
        reported.add(name);
        problems.push(
          problem('CG125', {
            constructPath: path,
            message: `ApplicationSet "${name}" in control plane "${cp.name}" would be made twice: for ${other} and for ${what}.`,
          }),
        );
      }
    };
    for (const env of cp.environments) {
      const envModel = model.environments.find((e) => e.name === env);
      if (model.applicationRepoURLPattern && envModel) claim(setName(env, { source: helmDescriptor }), `environment ${env}`, envModel.path);
    }
    const environments = new Set(cp.environments);
    // The first target of each shape claims its set's name: a claim made again, of the same name
    // for the same group, changes nothing.
    const claimed = new ByShape<true>();
    for (let i = 0; i < model.targets.length; i++) {
      const t = model.targets[i];
      if (!environments.has(t.environment)) continue;
      const service = services.get(t.service);
      const cluster = targetClusters[i];
      if (!service || !cluster) continue;
      const source = sourceKindDescriptorOf(service);
      const ownService = deviates(service);
      const ownCluster = ownSets(cluster);
      const shapeService = ownService ? service : undefined;
      const shapeCluster = ownCluster ? cluster : undefined;
      if (claimed.get(t.environment, source, shapeService, shapeCluster)) continue;
      claimed.set(t.environment, source, shapeService, shapeCluster, true);
      const shape: SetShape = { source, ...(shapeService ? { service } : {}), ...(shapeCluster ? { cluster } : {}) };
      const what =
        shape.service && shape.cluster
          ? `service ${shape.service.name} on cluster ${shape.cluster.id}`
          : shape.service
            ? `service ${shape.service.name} in environment ${t.environment} (own settings)`
            : shape.cluster
              ? `cluster ${shape.cluster.id} (${hasOwnDestination(shape.cluster) ? 'own destination' : 'environment split by cluster'})`
              : `environment ${t.environment}`;
      claim(setName(t.environment, shape), what, shape.service?.path ?? shape.cluster?.path ?? t.path);
    }
  }
  return problems;
}

/** An ApplicationSet of one cluster, and how many Applications it generates. */
interface CountedSet {
  readonly name: string;
  count: number;
  readonly cluster: ClusterModel;
  readonly cp: ControlPlaneModel;
}

/**
 * ApplicationSets that would generate more Applications than their control plane's cap even
 * after their environment is split by cluster (CG153): a single cluster with more targets of one
 * shape than the cap. A cluster is the finest split that keeps Applications where they are
 * when targets are added, so such a set is refused rather than split further.
 *
 * @param targetClusters the cluster of each target, in the order of `model.targets`;
 *   undefined for a cluster of another platform
 */
export function problemsOfApplicationSetSizes(model: PlatformModel, targetClusters: readonly (ClusterModel | undefined)[]): Problem[] {
  const split = environmentsSplitByCluster(model, targetClusters);
  if (split.size === 0 && !model.clusters.some(hasOwnDestination)) return [];
  const services = new Map(model.services.map((s) => [s.name, s]));
  const deviates = memoized((s: ServiceModel) => sourceKindDescriptorOf(s).deviates(model, s, model.serviceDefaults));
  const cpOf = new Map<string, ControlPlaneModel>();
  for (const cp of model.controlPlanes) if (cp.reconciler?.kind !== 'flux') for (const e of cp.environments) cpOf.set(e, cp);
  const nameOf = setNamesByShape();
  const ownSets = memoized((c: ClusterModel) => hasOwnSets(c, split));
  // By control plane, name and cluster: two groups that would share a name are CG125, and each is counted on its own.
  const setsOf = new Map<ControlPlaneModel, Map<string, Map<ClusterModel, CountedSet>>>();
  const sets: CountedSet[] = [];
  for (let i = 0; i < model.targets.length; i++) {
    const t = model.targets[i];
    const cp = cpOf.get(t.environment);
    const service = services.get(t.service);
    const cluster = targetClusters[i];
    if (!cp || !service || !cluster || !ownSets(cluster)) continue;
    const name = nameOf(t.environment, sourceKindDescriptorOf(service), deviates(service) ? service : undefined, cluster);
    const ofName = getOrSet(
      getOrSet(setsOf, cp, () => new Map()),
      name,
      () => new Map(),
    );
    let set = ofName.get(cluster);
    if (set === undefined) {
      set = { name, count: 0, cluster, cp };
      ofName.set(cluster, set);
      sets.push(set);
    }
    set.count++;
  }
  const problems: Problem[] = [];
  for (const { name, count, cluster, cp } of sets) {
    const cap = applicationSetCap(cp);
    if (count <= cap) continue;
    problems.push(
      problem('CG153', {
        constructPath: cluster.path,
        message:
          `ApplicationSet "${name}" in control plane "${cp.name}" would generate ${count} Applications for cluster ${cluster.id}, ` +
          `over the cap of ${cap} (maxApplicationsPerApplicationSet); a cluster is the finest split of an environment's ApplicationSets.`,
      }),
    );
  }
  return problems;
}
