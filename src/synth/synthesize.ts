import { buildAppProject } from '../argocd/app-project';
import { buildWorkloadSets } from '../argocd/application-set';
import { buildBootstrap } from '../argocd/bootstrap';
import { renderObjects } from '../argocd/emit';
import { FileKind, FileTree, fingerprint } from './file-tree';
import { PlatformModel, TargetModel } from './model';
import { mergeValues, Values, ValuesLayer } from './values';
import { toYaml } from './yaml';

/** The version a ring runs: a digest (`sha256:…`) or, where the environment allows, a tag. */
export interface RingRelease {
  /** The image digest (`sha256:…`) or tag the ring runs. */
  readonly version: string;
}

/** What each ring of each service runs: service → ring → release. */
export type ReleaseState = ReadonlyMap<string, ReadonlyMap<string, RingRelease>>;

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * What each ring runs. A target whose ring runs nothing is left out of the tree (no
   * directory, so no Application).
   * @default - each service's initialDigest in every ring
   */
  readonly releases?: ReleaseState;
  /** Extra files to put in the tree as they are (e.g. the release ledgers). @default - none */
  readonly extraFiles?: readonly {
    /** Repository-relative path. */
    path: string;
    /** What the file holds. */
    kind: FileKind;
    /** Construct path of what produced it. */
    origin: string;
    /** The file's text. */
    text: string;
  }[];
}

/** Changes whenever the bytes written for the same input would change. */
const RENDER_VERSION = 'values-v1';

/** Directory of a target below the repository root. */
export function targetDirectory(model: PlatformModel, t: Pick<TargetModel, 'id'>): string {
  return `${model.layout.environments}/${t.id}`;
}

/** The releases a program's initial digests give: every ring of a service runs its initialDigest. */
export function initialReleases(model: PlatformModel): ReleaseState {
  const state = new Map<string, Map<string, RingRelease>>();
  for (const s of model.services) {
    if (!s.initialDigest) continue;
    state.set(s.name, new Map(model.rings.map((r) => [r.name, { version: s.initialDigest! }])));
  }
  return state;
}

/** The values layers of a target, lowest first: the SDK's own keys, then the program's layers. */
export function targetLayers(model: PlatformModel, t: TargetModel): ValuesLayer[] {
  const cluster = model.clusters.find((c) => c.id === `${t.environment}/${t.cloud}/${t.cluster}`)!;
  const service = model.services.find((s) => s.name === t.service)!;
  return [sdkLayer(t, cluster.region, cluster.destination, service.imageRepository), ...t.layers.map((id) => ({ id, ...model.layers[id] }))];
}

function sdkLayer(t: TargetModel, region: string, destination: string, imageRepository: string): ValuesLayer {
  return {
    id: 'sdk',
    label: 'cdk8s-gitops',
    values: {
      global: { environment: t.environment, cloud: t.cloud, region, cluster: destination },
      image: { repository: imageRepository },
    },
  };
}

/** The key the release sets in values: `image.digest` for digests, `image.tag` for tags. */
export function releaseValues(version: string): Values {
  return version.startsWith('sha256:') ? { image: { digest: version } } : { image: { tag: version } };
}

/**
 * Turns a model snapshot into the repository tree. Pure: no I/O, and the same input gives the
 * same bytes. Values files are rendered lazily; their keys are computed from their inputs, so
 * a caller can tell which files changed without rendering them.
 */
export function synthesize(model: PlatformModel, options: SynthesizeOptions = {}): FileTree {
  const tree = new FileTree();
  const releases = options.releases ?? initialReleases(model);
  const layerKeys = new Map(Object.entries(model.layers).map(([id, l]) => [id, fingerprint(JSON.stringify(l.values))]));
  const clusters = new Map(model.clusters.map((c) => [c.id, c]));
  const services = new Map(model.services.map((s) => [s.name, s]));
  const emitted = new Set<string>();

  for (const t of model.targets) {
    const release = releases.get(t.service)?.get(t.ring);
    if (!release) continue;
    emitted.add(t.id);
    const cluster = clusters.get(`${t.environment}/${t.cloud}/${t.cluster}`)!;
    const service = services.get(t.service)!;
    const key = fingerprint([
      RENDER_VERSION, t.path, t.environment, t.cloud, cluster.region, cluster.destination,
      service.imageRepository, release.version, ...t.layers.map((id) => layerKeys.get(id)),
    ].join('\n'));
    tree.add(`${targetDirectory(model, t)}/values.yaml`, {
      kind: FileKind.VALUES,
      origin: t.path,
      key,
      content: () => {
        const layers: ValuesLayer[] = [
          sdkLayer(t, cluster.region, cluster.destination, service.imageRepository),
          ...t.layers.map((id) => ({ id, ...model.layers[id] })),
          { id: 'release', label: 'release ledger', values: releaseValues(release.version) },
        ];
        return `# Generated by cdk8s-gitops from ${t.path}. Change the program, not this file.\n${toYaml(mergeValues(layers))}`;
      },
    });
  }

  const defaults = model.serviceDefaults;
  for (const cp of model.controlPlanes) {
    const dir = `${model.layout.applicationSets}/${cp.name}`;
    for (const set of buildWorkloadSets(model, cp, defaults)) {
      tree.addText(`${dir}/${set.name}.yaml`, FileKind.APPLICATION_SET, cp.path, renderObjects([set.object]));
    }
    tree.addText(`${model.layout.bootstrap}/${cp.name}.yaml`, FileKind.BOOTSTRAP, cp.path, renderObjects(buildBootstrap(model, cp, dir)));
  }
  for (const env of model.environments) {
    tree.addText(`${model.layout.projects}/${env.name}.yaml`, FileKind.APP_PROJECT, env.path, renderObjects([buildAppProject(model, env)]));
  }
  for (const f of options.extraFiles ?? []) tree.addText(f.path, f.kind, f.origin, f.text);
  return tree;
}

