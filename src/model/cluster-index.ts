import { ClusterModel, PlatformModel, TargetModel } from './platform-model';

/**
 * Finds the cluster of a target by its environment, cloud and cluster names, without building
 * the cluster's id for each of a fleet's targets.
 */
export function clusterIndex(model: PlatformModel): (t: Pick<TargetModel, 'environment' | 'cloud' | 'cluster'>) => ClusterModel {
  const find = clusterLookup(model);
  return (t) => {
    const cluster = find(t);
    if (!cluster) throw new Error(`The model has no cluster ${t.environment}/${t.cloud}/${t.cluster}.`);
    return cluster;
  };
}

/**
 * The cluster of each target, in the order of `model.targets`; undefined for a target on a
 * cluster the model does not hold (one of another platform). When two clusters share an id,
 * the last counts.
 */
export function targetClusters(model: PlatformModel): (ClusterModel | undefined)[] {
  const find = clusterLookup(model);
  return model.targets.map(find);
}

function clusterLookup(model: PlatformModel): (t: Pick<TargetModel, 'environment' | 'cloud' | 'cluster'>) => ClusterModel | undefined {
  const byEnvironment = new Map<string, Map<string, Map<string, ClusterModel>>>();
  for (const c of model.clusters) {
    let byCloud = byEnvironment.get(c.environment);
    if (!byCloud) byEnvironment.set(c.environment, (byCloud = new Map()));
    let byName = byCloud.get(c.cloud);
    if (!byName) byCloud.set(c.cloud, (byName = new Map()));
    byName.set(c.name, c);
  }
  return (t) => byEnvironment.get(t.environment)?.get(t.cloud)?.get(t.cluster);
}
