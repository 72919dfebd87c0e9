import { buildAddonProjects, buildTeamProjects, buildAppProject } from './argocd/app-project';
import { emptyRenderNotes } from './empty-renders';
import { targetSourceKind } from './target-kind';
import { isFluxEnvironment } from './flux/reconciler';
import { clusterEntryFile } from './flux/clusters';
import { buildWorkloadSets } from './argocd/application-set';
import { buildBootstrap } from './argocd/bootstrap';
import type { ArgoObject } from '../model/argo-object';
import { clusterIndex } from '../model/cluster-index';
import { FileEntry, FileKind, FileTree, fingerprint, HeldImage, HeldTarget, TreePart } from './file-tree';
import { PlatformModel, ServiceModel, TargetModel } from '../model/platform-model';
import { Problem, problem } from '../core/errors';
import { compareNames, defaultValuesKey, imageNames, serviceImages } from '../model/images';
import { describeVersion, initialRelease, Release, releaseVersion, sortedImages } from '../release/release';
import { isDigest } from '../model/versions';
import { RingRelease, TargetFile } from './sources';
import { targetDirectory } from '../model/placement';
import { renderObjects } from './argocd/emit';

export type { RingRelease } from './sources';
export { releaseValues, targetLayers } from '../model/target-values';

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
    /**
     * The file's text; or, for one made only when needed, what makes it and what makes a key
     * that is equal exactly when the text is (see `FileEntry.key`), and whether the text is
     * made from the tree's `inputs` alone (see `FileEntry.fromInputs`; default false).
     */
    text: string | { readonly key: () => string; readonly make: () => string; readonly fromInputs?: boolean };
    /** The service it belongs to. @default - none */
    service?: string;
  }[];
  /** Fingerprint of everything the tree is made from; see {@link FileTree.inputs}. @default - none */
  readonly inputs?: string;
  /** What the tree's derived files are made from; see {@link FileTree.derivedKey}. @default - not known */
  readonly derivedKey?: string;
  /** Owned files the tree keeps without making them; see {@link FileTreeOptions.retains}. @default - none */
  readonly retains?: (path: string) => boolean;
  /**
   * Make only the files of these services' targets (no Argo CD objects), as part of a tree
   * built on a checkout; `covers` takes in their target directories and the `extraFiles`.
   * @default - the whole tree
   */
  readonly part?: TreePart & {
    /** The services whose targets' files the tree holds. */
    readonly services: ReadonlySet<string>;
  };
}

/** Changes whenever the bytes written for the same Argo CD objects would change. */
const ARGO_RENDER_VERSION = 'argo-v1';

/**
 * A file of Argo CD objects, rendered (and checked against Argo CD's schema) on first use.
 * Its key is the objects' data, so that an unchanged file costs neither; cdk8s and the
 * schemas are loaded only when a file is rendered.
 */
function argoFile(kind: FileKind, origin: string, objects: readonly ArgoObject[]): FileEntry {
  return {
    kind,
    origin,
    key: fingerprint(`${ARGO_RENDER_VERSION}\n${JSON.stringify(objects)}`),
    content: () => renderObjects(objects, origin),
  };
}

/** Fingerprints of the values layers, each taken when a target first asks for it. */
function layerKeysOf(model: PlatformModel): Pick<ReadonlyMap<string, string>, 'get'> {
  const keys = new Map<string, string>();
  return {
    get(id: string): string | undefined {
      let key = keys.get(id);
      if (key === undefined && model.layers[id]) {
        key = fingerprint(JSON.stringify(model.layers[id].values));
        keys.set(id, key);
      }
      return key;
    },
  };
}

/** The releases a program's initial digests give: every ring of a service runs its initialDigest (one per named image). */
export function initialReleases(model: PlatformModel): ReleaseState {
  const state = new Map<string, Map<string, RingRelease>>();
  for (const s of model.services) {
    const initial = initialRelease(s);
    if (initial === undefined) continue;
    state.set(s.name, new Map(model.rings.map((r) => [r.name, ringRelease(initial)])));
  }
  return state;
}

/** What a ring runs, as the source kinds write it, from a release (e.g. a ledger's entry). */
export function ringRelease(r: Release): RingRelease {
  return {
    version: releaseVersion(r),
    ...(r.images === undefined ? {} : { images: sortedImages(r.images) }),
    ...(r.chart === undefined ? {} : { chart: r.chart }),
  };
}

/**
 * CG214 when a ring's release does not name the images the program declares for its service
 * (a digest of one image for a service with named images, or the reverse, or other names):
 * which image a digest belongs to is not known, so the ring's files cannot be written.
 */
export function releaseMismatch(service: ServiceModel, ring: string, release: RingRelease): Problem | undefined {
  // A bare digest of an image whose chart reads only a tag (a ledger edited by hand) would not be deployed.
  const bare = (service.images ?? []).find((i) => i.tagOnly === true && isDigest(release.images?.[i.name]));
  if (bare !== undefined) {
    return problem('CG214', {
      constructPath: service.path,
      message: `Ring "${ring}" of ${service.name} runs image ${bare.name} at a bare digest, but its chart reads only a tag (${bare.valuesKey}.tag) and would not deploy it: none of the ring's files can be written.`,
      fix: `Promote the tag pinned by its digest into the ring: promote ${service.name} --ring ${ring} --digest ${bare.name}=<tag>@sha256:….`,
    });
  }
  const declared = imageNames(service);
  const recorded = Object.keys(release.images ?? {}).sort(compareNames);
  if (service.images === undefined ? release.images === undefined : recorded.join(',') === declared.join(',')) return undefined;
  const runs =
    release.images === undefined ? `a digest of one image (${describeVersion(release.version)})` : `the images ${recorded.join(', ')}`;
  const has = service.images === undefined ? 'one image' : `the images ${declared.join(', ')}`;
  return problem('CG214', {
    constructPath: service.path,
    message: `Ring "${ring}" of ${service.name} runs ${runs}, but the program declares ${has}: which image a digest belongs to is not known, so none of the ring's files can be written.`,
  });
}

/**
 * The images a held ring's release runs, where its target's files hold each: the program's values
 * key and repository for an image it still names; for one it no longer names, the default key
 * of its name (`image` for the one image of a release that names none) and no repository.
 */
function heldImages(service: ServiceModel, release: RingRelease): HeldImage[] {
  const declared = serviceImages(service);
  if (release.images === undefined) {
    const at = declared.find((i) => i.valuesKey === 'image');
    return [{ valuesKey: 'image', ...(at === undefined ? {} : { repository: at.repository }), version: release.version }];
  }
  return Object.entries(release.images).map(([name, version]) => {
    const at = declared.find((i) => i.name === name);
    return at === undefined
      ? { name, valuesKey: defaultValuesKey(name), version }
      : { name, valuesKey: at.valuesKey, repository: at.repository, version };
  });
}

/** A ring of a service whose release does not fit the service's images (see {@link heldRings}). */
export interface HeldRing {
  readonly service: string;
  readonly ring: string;
  /** Why: CG214, naming what the ring runs and what the program declares. */
  readonly problem: Problem;
}

/**
 * The rings whose release does not fit the images the program declares for their service (an
 * image added, removed or renamed): their targets' files stay as they are, written for the
 * release they run, until a release naming the program's images is promoted into each, in ring
 * order. In the program's service and ring order.
 */
export function heldRings(model: PlatformModel, releases: ReleaseState): HeldRing[] {
  const out: HeldRing[] = [];
  for (const service of model.services) {
    const rings = releases.get(service.name);
    if (rings === undefined) continue;
    for (const [ring, release] of rings) {
      const why = releaseMismatch(service, ring, release);
      if (why !== undefined) out.push({ service: service.name, ring, problem: why });
    }
  }
  return out;
}

/**
 * One line per held ring (see {@link heldRings}), for the commands that write or compare the
 * tree to say: what it runs, and the promotion that brings it to the program's images.
 */
export function heldRingNotes(model: PlatformModel, releases: ReleaseState, services?: ReadonlySet<string>): string[] {
  const order = model.rings.map((r) => r.name);
  const held = heldRings(model, releases).filter((h) => services === undefined || services.has(h.service));
  return held.map(({ service, ring, problem: why }) => {
    const before = order[order.indexOf(ring) - 1];
    const how =
      before === undefined
        ? `promote ${service} --ring ${ring} --digest <image>=sha256:… for each image`
        : `promote ${service} --ring ${ring} --from ${before}, once ${before} runs them`;
    return `${why.message.replace(/, so none of the ring's files can be written\.$/, '')}. Its files stay as they are until a release of the program's images is promoted into it (${how}).`;
  });
}

/**
 * Turns a model snapshot into the repository tree. Pure: no I/O, and the same input gives the
 * same bytes. What a target's directory holds is up to its service's source kind (a values
 * file, or rendered objects; see `./sources`). Target files are rendered lazily; their keys
 * are computed from their inputs, so a caller can tell which files changed without rendering them.
 */
export function synthesize(model: PlatformModel, options: SynthesizeOptions = {}): FileTree {
  const part = options.part;
  // The target directories of held rings (see heldRings): their files stay as they are.
  const heldDirs = new Map<string, HeldTarget>();
  const releases = options.releases ?? initialReleases(model);
  const tree = new FileTree({
    notes: [...heldRingNotes(model, releases, part?.services), ...emptyRenderNotes(model, part?.services)],
    held: heldDirs,
    reads: [
      ...new Set(model.services.flatMap((s) => (s.source.kind === 'kustomize' && s.source.repoURL === undefined ? [s.source.path] : []))),
    ].sort(),
    ...(options.inputs === undefined ? {} : { inputs: options.inputs }),
    ...(options.derivedKey === undefined ? {} : { derivedKey: options.derivedKey }),
    layout: { environments: model.layout.environments, releases: model.layout.releases },
    ...(part ? { part: { basedOn: part.basedOn, covers: part.covers } } : {}),
    ...(options.retains ? { retains: options.retains } : {}),
  });
  const layerKeys = layerKeysOf(model);
  const clusterOf = clusterIndex(model);
  const services = new Map(model.services.map((s) => [s.name, s]));
  const held = new Map(heldRings(model, releases).map((h) => [`${h.service}\u0000${h.ring}`, h]));

  for (const t of model.targets) {
    if (part && !part.services.has(t.service)) continue;
    const release = releases.get(t.service)?.get(t.ring);
    if (!release) continue;
    const cluster = clusterOf(t);
    const service = services.get(t.service)!;
    const hold = held.get(`${t.service}\u0000${t.ring}`);
    if (hold !== undefined) {
      // The files the program makes for the target, named as for a release of its images (their content is not made).
      const placeholder = `sha256:${'0'.repeat(64)}`;
      const fitting: RingRelease = {
        version: placeholder,
        ...(service.images === undefined ? {} : { images: Object.fromEntries(imageNames(service).map((n) => [n, placeholder])) }),
        ...(release.chart === undefined ? {} : { chart: release.chart }),
      };
      const made = targetSourceKind(model, service, t.environment).targetFiles({
        model,
        target: t,
        service,
        cluster,
        release: fitting,
        directory: targetDirectory(model, t),
        layerKeys,
      });
      const paths = made.map((f) => f.path);
      const releaseFile = made.find((f) => f.revision === true);
      heldDirs.set(`${targetDirectory(model, t)}/`, {
        reason: hold.problem.message,
        service: t.service,
        ring: t.ring,
        version: release.version,
        paths,
        images: heldImages(service, release),
        ...(releaseFile?.release === undefined ? {} : { chart: { file: releaseFile.path, revision: releaseFile.release } }),
      });
      // Its file in the entry point of a cluster Flux reconciles is made from the program alone, not the release: without
      // it, Flux would prune what the target runs.
      if (isFluxEnvironment(model, t.environment)) addTargetFile(tree, t, clusterEntryFile(model, t, service));
      continue;
    }
    const files = targetSourceKind(model, service, t.environment).targetFiles({
      model,
      target: t,
      service,
      cluster,
      release,
      directory: targetDirectory(model, t),
      layerKeys,
    });
    // On a cluster Flux reconciles, the target's file in the cluster's entry point.
    if (isFluxEnvironment(model, t.environment)) files.push(clusterEntryFile(model, t, service));
    for (const f of files) addTargetFile(tree, t, f);
  }

  const defaults = model.serviceDefaults;
  for (const cp of part ? [] : model.controlPlanes) {
    if (cp.reconciler?.kind === 'flux') continue; // no ApplicationSet, no bootstrap: each cluster's entry point is
    const dir = `${model.layout.applicationSets}/${cp.name}`;
    const sets = buildWorkloadSets(model, cp, defaults);
    for (const set of sets) {
      tree.add(`${dir}/${set.name}.yaml`, argoFile(FileKind.APPLICATION_SET, cp.path, [set.object]));
    }
    // Without a set the directory does not exist, and a source on a missing path fails the whole root Application.
    const bootstrap = buildBootstrap(model, cp, sets.length > 0 ? dir : undefined);
    tree.add(`${model.layout.bootstrap}/${cp.name}.yaml`, argoFile(FileKind.BOOTSTRAP, cp.path, bootstrap));
  }
  for (const env of part ? [] : model.environments) {
    if (isFluxEnvironment(model, env.name)) continue;
    tree.add(`${model.layout.projects}/${env.name}.yaml`, argoFile(FileKind.APP_PROJECT, env.path, [buildAppProject(model, env)]));
    for (const addon of buildAddonProjects(model, env)) {
      tree.add(`${model.layout.projects}/${addon.metadata.name}.yaml`, argoFile(FileKind.APP_PROJECT, env.path, [addon]));
    }
    for (const project of buildTeamProjects(model, env)) {
      tree.add(`${model.layout.projects}/${project.metadata.name}.yaml`, argoFile(FileKind.APP_PROJECT, env.path, [project]));
    }
  }
  for (const f of options.extraFiles ?? []) {
    if (typeof f.text === 'string') tree.addText(f.path, f.kind, f.origin, f.text, f.service);
    else {
      const makeKey = f.text.key;
      let key: string | undefined;
      tree.add(f.path, {
        kind: f.kind,
        origin: f.origin,
        get key() {
          return (key ??= makeKey());
        },
        content: f.text.make,
        ...(f.text.fromInputs ? { fromInputs: true } : {}),
        ...(f.service === undefined ? {} : { service: f.service }),
      });
    }
  }
  return tree;
}

/** Adds a file of target `t` to the tree. */
function addTargetFile(tree: FileTree, t: TargetModel, f: TargetFile): void {
  tree.add(f.path, {
    kind: f.kind,
    origin: t.path,
    service: t.service,
    key: f.key,
    content: f.content,
    ...(f.release === undefined ? {} : { release: { version: f.release, ring: t.ring } }),
  });
}
