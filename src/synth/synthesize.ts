import { buildAppProject } from '../argocd/app-project';
import { buildWorkloadSets } from '../argocd/application-set';
import { buildBootstrap } from '../argocd/bootstrap';
import { renderObjects } from '../argocd/emit';
import { FileKind, FileTree, fingerprint } from './file-tree';
import { PlatformModel, TargetModel } from './model';
import { RingRelease, sourceKindOf } from './sources';

export type { RingRelease } from './sources';
export { releaseValues, targetLayers } from './target-values';

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

/**
 * Turns a model snapshot into the repository tree. Pure: no I/O, and the same input gives the
 * same bytes. What a target's directory holds is up to its service's source kind (a values
 * file, or rendered objects; see `./sources`). Target files are rendered lazily; their keys
 * are computed from their inputs, so a caller can tell which files changed without rendering them.
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
    const files = sourceKindOf(service).targetFiles({
      model, target: t, service, cluster, release, directory: targetDirectory(model, t), layerKeys,
    });
    for (const f of files) tree.add(f.path, { kind: f.kind, origin: t.path, key: f.key, content: f.content });
  }

  const defaults = model.serviceDefaults;
  for (const cp of model.controlPlanes) {
    const dir = `${model.layout.applicationSets}/${cp.name}`;
    for (const set of buildWorkloadSets(model, cp, defaults)) {
      tree.addText(`${dir}/${set.name}.yaml`, FileKind.APPLICATION_SET, cp.path, renderObjects([set.object], cp.path));
    }
    tree.addText(`${model.layout.bootstrap}/${cp.name}.yaml`, FileKind.BOOTSTRAP, cp.path, renderObjects(buildBootstrap(model, cp, dir), cp.path));
  }
  for (const env of model.environments) {
    tree.addText(`${model.layout.projects}/${env.name}.yaml`, FileKind.APP_PROJECT, env.path, renderObjects([buildAppProject(model, env)], env.path));
  }
  for (const f of options.extraFiles ?? []) tree.addText(f.path, f.kind, f.origin, f.text);
  return tree;
}

