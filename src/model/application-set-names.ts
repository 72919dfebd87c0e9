/**
 * The names of the ApplicationSets of a control plane: which group of targets each gets, and
 * the names two groups would share (CG125). The synthesizer builds the ApplicationSets under
 * these names (synth/argocd/application-set).
 *
 * @module
 */
import { Problem, problem } from '../core/errors';
import { ClusterModel, PlatformModel, ServiceModel } from './platform-model';
import { helmDescriptor, SourceKindDescriptor, sourceKindDescriptorOf } from './source-kinds';

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

/** `f`, remembering its result for each argument. */
function memoized<K, V>(f: (key: K) => V): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    let v = results.get(key);
    if (v === undefined && !results.has(key)) results.set(key, (v = f(key)));
    return v as V;
  };
}

/** The name of the ApplicationSet of targets of `shape` in environment `env`. */
export function setName(env: string, shape: SetShape): string {
  return [
    shape.source.applicationSetPrefix,
    env,
    ...(shape.cluster ? [shape.cluster.cloud, shape.cluster.name] : []),
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
  const ownDestination = memoized(hasOwnDestination);
  for (const cp of model.controlPlanes) {
    const seen = new Map<string, string>();
    const reported = new Set<string>();
    const claim = (name: string, what: string, path: string): void => {
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
    // Targets of the template's shape claim their environment's set: the first of each kind and environment is enough.
    const templateClaims = new Map<SourceKindDescriptor, Set<string>>();
    for (let i = 0; i < model.targets.length; i++) {
      const t = model.targets[i];
      if (!environments.has(t.environment)) continue;
      const service = services.get(t.service);
      const cluster = targetClusters[i];
      if (!service || !cluster) continue;
      const source = sourceKindDescriptorOf(service);
      const ownService = deviates(service);
      const ownCluster = ownDestination(cluster);
      if (!ownService && !ownCluster) {
        const claimed = templateClaims.get(source) ?? new Set<string>();
        if (claimed.has(t.environment)) continue;
        templateClaims.set(source, claimed.add(t.environment));
      }
      const shape: SetShape = { source, ...(ownService ? { service } : {}), ...(ownCluster ? { cluster } : {}) };
      const what =
        shape.service && shape.cluster
          ? `service ${shape.service.name} on cluster ${shape.cluster.id}`
          : shape.service
            ? `service ${shape.service.name} in environment ${t.environment} (own settings)`
            : shape.cluster
              ? `cluster ${shape.cluster.id} (own destination)`
              : `environment ${t.environment}`;
      claim(setName(t.environment, shape), what, shape.service?.path ?? shape.cluster?.path ?? t.path);
    }
  }
  return problems;
}
