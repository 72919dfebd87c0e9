import { isMap } from '../core/plain';
import { ClusterModel, PlatformModel, ServiceModel, TargetModel } from './platform-model';
import { serviceImages, ServiceImage } from './images';
import { mergeValues, Values, ValuesLayer } from './values';

/** The keys under `global` the SDK sets in every values file: the target's place in the fleet. */
export const SDK_GLOBAL_KEYS: ReadonlySet<string> = new Set(['environment', 'cloud', 'region', 'cluster']);

/** The SDK's own values layer of a target: `global.*`, and the repository of each image (`image.repository` for a service's one image). */
export function sdkLayer(
  t: Pick<TargetModel, 'environment' | 'cloud'>,
  cluster: Pick<ClusterModel, 'region' | 'destination'>,
  images: readonly Pick<ServiceImage, 'repository' | 'valuesKey'>[],
): ValuesLayer {
  const values: Record<string, unknown> = {
    global: { environment: t.environment, cloud: t.cloud, region: cluster.region, cluster: cluster.destination },
  };
  for (const image of images) setKeyPath(values, `${image.valuesKey}.repository`, image.repository);
  return { id: 'sdk', label: 'cdk8s-gitops', values: values as Values };
}

/** The values layers of a target, lowest first: the SDK's own keys, then the program's layers. */
export function targetLayers(model: PlatformModel, t: TargetModel): ValuesLayer[] {
  const cluster = model.clusters.find((c) => c.id === `${t.environment}/${t.cloud}/${t.cluster}`)!;
  const service = model.services.find((s) => s.name === t.service)!;
  return [sdkLayer(t, cluster, serviceImages(service)), ...t.layers.map((id) => ({ id, ...model.layers[id] }))];
}

/** The key the release sets in values: `image.digest` for digests, `image.tag` for tags (under `valuesKey`, `image` by default). */
export function releaseValues(version: string, valuesKey = 'image'): Values {
  return imageReleaseValues([{ valuesKey, version }]);
}

/** The keys a release sets for each image: `<valuesKey>.digest`, or `<valuesKey>.tag` for a tag. */
export function imageReleaseValues(images: readonly { readonly valuesKey: string; readonly version: string }[]): Values {
  const values: Record<string, unknown> = {};
  for (const { valuesKey, version } of images) {
    setKeyPath(values, `${valuesKey}.${version.startsWith('sha256:') ? 'digest' : 'tag'}`, version);
  }
  return values as Values;
}

/** The release values of a service's images, each at its version in `versions` (by image name; `undefined` for the one image). */
export function serviceReleaseValues(
  service: Pick<ServiceModel, 'name' | 'imageRepository' | 'images'>,
  version: (image?: string) => string,
): Values {
  return imageReleaseValues(serviceImages(service).map((i) => ({ valuesKey: i.valuesKey, version: version(i.name) })));
}

/** Sets `value` at the dotted key path `path` of `target`, making the maps on the way. */
function setKeyPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = target;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) at = next as Record<string, unknown>;
    else at = at[key] = {};
  }
  at[keys[keys.length - 1]] = value;
}

/** The merged values of layers, as the plain data a render function reads. */
export function mergedValues(layers: readonly ValuesLayer[]): Values {
  return mergeValues(layers) as Values;
}

/** The value at a dotted key path of values (as `setKeyPath` sets it), or undefined. */
export function valueAtKeyPath(values: unknown, path: string): unknown {
  let at = values;
  for (const key of path.split('.')) {
    if (!isMap(at)) return undefined;
    at = at[key];
  }
  return at;
}
