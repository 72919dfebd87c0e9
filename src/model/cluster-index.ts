import { ClusterModel, PlatformModel, TargetModel } from './platform-model';

/**
 * Finds the cluster of a target by its environment, cloud and cluster names, without building
 * the cluster's id for each of a fleet's targets.
 */
export function clusterIndex(model: PlatformModel): (t: Pick<TargetModel, 'environment' | 'cloud' | 'cluster'>) => ClusterModel {
  const byEnvironment = new Map<string, Map<string, Map<string, ClusterModel>>>();
  for (const c of model.clusters) {
    let byCloud = byEnvironment.get(c.environment);
    if (!byCloud) byEnvironment.set(c.environment, (byCloud = new Map()));
    let byName = byCloud.get(c.cloud);
    if (!byName) byCloud.set(c.cloud, (byName = new Map()));
    byName.set(c.name, c);
  }
  return (t) => {
    const cluster = byEnvironment.get(t.environment)?.get(t.cloud)?.get(t.cluster);
    if (!cluster) throw new Error(`The model has no cluster ${t.environment}/${t.cloud}/${t.cluster}.`);
    return cluster;
  };
}
