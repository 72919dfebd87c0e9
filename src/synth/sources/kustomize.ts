import { argoCdGitRevision } from '../../model/argo-object';
import { isMap } from '../../core/plain';
import { readYaml } from '../../core/yaml/read';
import { toYaml } from '../../core/yaml/emit';
import { FileKind, fingerprint } from '../file-tree';
import { KustomizePatchModel, KustomizeSourceModel, ServiceModel, TargetModel } from '../../model/platform-model';
import { encodeVersions, serviceImages } from '../../model/images';
import { releaseVersion } from '../../release/release';
import { KUSTOMIZE_LABEL_PREFIX, kustomizeDescriptor, readsBaselineDirectory, ringChart } from '../../model/source-kinds';
import { objectImages, versionOf } from './images';
import { BASELINE_DIRECTORY } from './helm';
import { OBJECT_DIRECTORY, objectFiles } from './objects';
import { DeployedVersion, RingRelease, SourceKind, TargetFile } from './source-kind';

/** The overlay of a target: what Argo CD builds with Kustomize. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

/**
 * The subdirectory of a target whose kustomization reads a base in a Git repository at the
 * revision the target's ring runs. It is a file of its own, apart from the overlay, so that
 * each file holds one part of a ring's release (the images; the base's revision), as a Helm
 * target's values file and release file do. One level below the target, so that no
 * ApplicationSet's generator lists it.
 */
export const BASE_DIRECTORY = 'base';

/** The subdirectory of a target that holds its overlay's patches, one file each. */
export const PATCH_DIRECTORY = 'patches';

/** Changes whenever the bytes written for the same input would change. */
const KUSTOMIZE_VERSION = 'kustomize-v1';

const API = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

/** The Kustomize source of a service; fails for a service of another kind. */
function kustomizeOf(s: ServiceModel): KustomizeSourceModel {
  if (s.source.kind !== 'kustomize') throw new Error(`Service ${s.name} has no Kustomize base.`);
  return s.source;
}

/**
 * The base of a Git repository as Kustomize reads a remote base: `<repo>//<path>?ref=<revision>`
 * (the revision percent-encoded but for `/`, so that a `+` of a tag is not read as a space).
 */
export function remoteBase(repoURL: string, path: string, revision: string): string {
  return `${repoURL}//${path}?ref=${encodeURIComponent(revision).replace(/%2F/gi, '/')}`;
}

/** The revision a kustomization's first resource reads a remote base at, or undefined. */
export function baseRevisionIn(doc: unknown): string | undefined {
  const first = isMap(doc) && Array.isArray(doc.resources) ? doc.resources[0] : undefined;
  if (typeof first !== 'string') return undefined;
  const query = first.indexOf('?');
  if (query === -1) return undefined;
  const refs = first
    .slice(query + 1)
    .split('&')
    .filter((p) => p.startsWith('ref=') || p.startsWith('version='));
  if (refs.length !== 1) return undefined;
  try {
    return decodeURIComponent(refs[0].slice(refs[0].indexOf('=') + 1));
  } catch {
    return undefined;
  }
}

/** The images an overlay sets (its `images` entries), with the digest or tag each gives. */
export function overlayImages(doc: unknown): { repository: string; version: string | undefined }[] {
  const images = isMap(doc) && Array.isArray(doc.images) ? doc.images : [];
  return images.map((i: unknown) => {
    const entry = isMap(i) ? i : {};
    // A `newName` would deploy another image than the one named: no version of the named one.
    // A tag pinned by its digest is written as both; the release records it as `<tag>@<digest>`.
    const pinned = typeof entry.newTag === 'string' && typeof entry.digest === 'string' ? `${entry.newTag}@${entry.digest}` : undefined;
    const version = entry.newName === undefined ? (pinned ?? entry.digest ?? entry.newTag) : undefined;
    return { repository: String(entry.name), version: typeof version === 'string' ? version : undefined };
  });
}

/**
 * The version of the service an overlay deploys (of a service with named images, each image's
 * as `api=sha256:…,worker=sha256:…`), or undefined where an image has no single one.
 */
export function overlayVersion(service: ServiceModel, doc: unknown): string | undefined {
  const set = overlayImages(doc);
  const versionOfImage = (repository: string): string | undefined => {
    const found = set.filter((i) => i.repository === repository);
    return found.length === 1 ? found[0].version : undefined;
  };
  if (service.images === undefined) return versionOfImage(service.imageRepository ?? '');
  const versions: Record<string, string> = {};
  for (const i of serviceImages(service)) {
    const version = versionOfImage(i.repository);
    if (version === undefined) return undefined;
    versions[i.name!] = version;
  }
  return encodeVersions(versions);
}

/** The file name of a target's `i`-th patch (from 1): ordered, and named after what it patches. */
function patchFileName(p: KustomizePatchModel, i: number): string {
  const what = [p.target.kind, p.target.name ?? 'selected'].join('-').toLowerCase();
  return `${PATCH_DIRECTORY}/${String(i + 1).padStart(2, '0')}-${what.replace(/[^a-z0-9.-]/g, '-')}.yaml`;
}

/** The path from a target's directory up to the repository root: `../` once per segment. */
function toRoot(directory: string): string {
  return '../'.repeat(directory.split('/').length);
}

/** The `images` entries of an overlay: each image of the service at the version its ring runs. */
export function ringImages(service: ServiceModel, release: RingRelease): Record<string, string>[] {
  return serviceImages(service).map((i): Record<string, string> => {
    const version = versionOf(release, i.name);
    // A tag pinned by its digest keeps both: Kustomize writes `<name>:<tag>@<digest>`.
    const at = version.indexOf('@');
    if (at > 0) return { name: i.repository, newTag: version.slice(0, at), digest: version.slice(at + 1) };
    return version.startsWith('sha256:') ? { name: i.repository, digest: version } : { name: i.repository, newTag: version };
  });
}

/** The labels an overlay puts on every object of a target: its place, and the service's own. */
export function placeLabels(t: TargetModel, service: ServiceModel): Record<string, string> {
  return {
    [`${KUSTOMIZE_LABEL_PREFIX}service`]: service.name,
    [`${KUSTOMIZE_LABEL_PREFIX}environment`]: t.environment,
    [`${KUSTOMIZE_LABEL_PREFIX}cloud`]: t.cloud,
    [`${KUSTOMIZE_LABEL_PREFIX}cluster`]: t.cluster,
    ...kustomizeOf(service).labels,
  };
}

/**
 * A Kustomize base with an overlay per target: the target's directory holds
 * `kustomization.yaml` (the base, the ring's images, the namespace, labels and patches),
 * `base/kustomization.yaml` for a base in a Git repository (the base at its revision),
 * `patches/*.yaml`, and `baseline/` with the namespace baseline's objects. The Application's
 * source is the directory on the GitOps repository, which Argo CD builds with Kustomize, and
 * the baseline's directory beside it where the environment has one.
 */
export const kustomizeSource: SourceKind = {
  ...kustomizeDescriptor,

  targetFiles({ target: t, service, release, directory }): TargetFile[] {
    const source = kustomizeOf(service);
    // The namespace baseline is a source of the Application of its own, as for a Helm target:
    // the overlay's patches never reach it.
    const baseline = objectFiles({
      directory: `${directory}/${BASELINE_DIRECTORY}`,
      objects: t.baseline ?? [],
      images: objectImages(service, release),
    });
    const patches = (t.patches ?? []).map((p, i) => ({ p, file: patchFileName(p, i) }));
    const files: TargetFile[] = [];
    let base: string;
    if (source.repoURL === undefined) {
      base = `${toRoot(directory)}${source.path}`;
    } else {
      base = BASE_DIRECTORY;
      const pinned = ringChart(service, release.chart);
      const revision = pinned?.revision ?? source.targetRevision;
      const resource = remoteBase(source.repoURL, source.path, revision);
      files.push({
        path: `${directory}/${BASE_DIRECTORY}/${KUSTOMIZATION_FILE}`,
        kind: FileKind.KUSTOMIZE,
        key: fingerprint(`${KUSTOMIZE_VERSION}\nbase\n${t.path}\n${resource}`),
        // The base's revision is part of the ring's release only when it is promoted.
        ...(pinned === undefined ? {} : { release: revision, revision: true }),
        content: () =>
          `# Generated by cdk8s-gitops from ${t.path}: the base at the revision its ring runs. Change it with \`cdk8s-gitops promote\` or in the program, not by hand.\n` +
          toYaml({ ...API, resources: [resource] }),
      });
    }
    const images = ringImages(service, release);
    const labels = placeLabels(t, service);
    const overlay = {
      ...API,
      resources: [base],
      namespace: service.namespace,
      labels: [{ pairs: labels, includeSelectors: false }],
      images,
      ...(patches.length === 0 ? {} : { patches: patches.map(({ p, file }) => ({ path: file, target: p.target })) }),
    };
    const overlayJson = JSON.stringify(overlay);
    files.push({
      path: `${directory}/${KUSTOMIZATION_FILE}`,
      kind: FileKind.KUSTOMIZE,
      key: fingerprint(`${KUSTOMIZE_VERSION}\noverlay\n${t.path}\n${overlayJson}`),
      release: release.version,
      content: () => `# Generated by cdk8s-gitops from ${t.path}. Change the program, not this file.\n${toYaml(overlay)}`,
    });
    for (const { p, file } of patches) {
      files.push({
        path: `${directory}/${file}`,
        kind: FileKind.KUSTOMIZE,
        key: fingerprint(`${KUSTOMIZE_VERSION}\npatch\n${JSON.stringify(p.patch)}`),
        content: () => `# Generated by cdk8s-gitops from ${t.path}. Change the program, not this file.\n${toYaml(p.patch)}`,
      });
    }
    return [...files, ...baseline];
  },

  templateSources({ model, environment, service, segments }) {
    const place = { repoURL: model.repoURL, targetRevision: argoCdGitRevision(model.revision) };
    // The source type stated, so that a `Chart.yaml` someone adds never makes Argo CD build the
    // directory as a chart; Argo CD keeps it only when a setting is not a default: the overlay's
    // own namespace is one.
    const overlay = {
      ...place,
      path: '{{ .path.path }}',
      kustomize: { namespace: service ? service.namespace : `{{ ${segments.service} }}` },
    };
    if (!readsBaselineDirectory(environment, service)) return { source: overlay };
    return { sources: [overlay, { ...place, path: `{{ .path.path }}/${BASELINE_DIRECTORY}`, directory: { ...OBJECT_DIRECTORY } }] };
  },

  sourceRepos(): readonly string[] {
    // Kustomize fetches a remote base itself; an AppProject's sourceRepos never sees it.
    return [];
  },

  releaseFile(): undefined {
    return undefined;
  },

  deployedVersions({ service, directory }, read) {
    const field = (path: string, get: (doc: unknown) => string | undefined): DeployedVersion[] => {
      const text = read(path);
      if (text === undefined) return [];
      let version: string | undefined;
      try {
        version = get(readYaml(text));
      } catch {
        version = undefined;
      }
      return [{ path, version }];
    };
    return [
      ...field(`${directory}/${KUSTOMIZATION_FILE}`, (doc) => overlayVersion(service, doc)),
      ...(ringChart(service, undefined) === undefined
        ? []
        : field(`${directory}/${BASE_DIRECTORY}/${KUSTOMIZATION_FILE}`, (doc) => baseRevisionIn(doc))),
    ];
  },

  embeddedRelease(path, service, state) {
    if (state === undefined) return undefined;
    if (path.endsWith(`/${BASE_DIRECTORY}/${KUSTOMIZATION_FILE}`)) return ringChart(service, state.chart)?.revision;
    return releaseVersion(state);
  },
};
