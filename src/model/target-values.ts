import { ClusterModel, PlatformModel, ServiceModel, TargetModel } from './platform-model';
import { mergeValues, Values, ValuesLayer } from './values';

/** The SDK's own values layer of a target: `global.*` and `image.repository`. */
export function sdkLayer(
  t: Pick<TargetModel, 'environment' | 'cloud'>,
  cluster: Pick<ClusterModel, 'region' | 'destination'>,
  service: Pick<ServiceModel, 'imageRepository'>,
): ValuesLayer {
  return {
    id: 'sdk',
    label: 'cdk8s-gitops',
    values: {
      global: { environment: t.environment, cloud: t.cloud, region: cluster.region, cluster: cluster.destination },
      image: { repository: service.imageRepository },
    },
  };
}

/** The values layers of a target, lowest first: the SDK's own keys, then the program's layers. */
export function targetLayers(model: PlatformModel, t: TargetModel): ValuesLayer[] {
  const cluster = model.clusters.find((c) => c.id === `${t.environment}/${t.cloud}/${t.cluster}`)!;
  const service = model.services.find((s) => s.name === t.service)!;
  return [sdkLayer(t, cluster, service), ...t.layers.map((id) => ({ id, ...model.layers[id] }))];
}

/** The key the release sets in values: `image.digest` for digests, `image.tag` for tags. */
export function releaseValues(version: string): Values {
  return version.startsWith('sha256:') ? { image: { digest: version } } : { image: { tag: version } };
}

/** The merged values of layers, as the plain data a render function reads. */
export function mergedValues(layers: readonly ValuesLayer[]): Values {
  return mergeValues(layers) as Values;
}
