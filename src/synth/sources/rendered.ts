import { argoCdGitRevision } from '../../model/argo-object';
import { readYaml } from '../../core/yaml/read';
import {
  containerImages,
  encodeVersions,
  IMAGE_PLACEHOLDER_PREFIX,
  imagePlaceholder,
  placeholdersIn,
  serviceImages,
} from '../../model/images';
import { ServiceModel, TargetModel } from '../../model/platform-model';
import { releaseVersion } from '../../release/release';
import { objectImages } from './images';
import { OBJECT_DIRECTORY, objectFiles } from './objects';
import { objectFileName } from '../../model/placement';
import { DeployedVersion, SourceKind, TargetFile } from './source-kind';
import { renderedDescriptor } from '../../model/source-kinds';

/**
 * Objects rendered by the program (the "rendered manifests" pattern): the target's directory
 * holds exactly the Kubernetes objects Argo CD applies, one file per object, and the
 * Application is a plain directory source on the GitOps repository. No chart, no values file,
 * no application repository.
 *
 * Rendered services get ApplicationSets of their own (`rendered-<env>`) that list each
 * rendered service's directories by name; the Helm ApplicationSets exclude those directories.
 */
export const renderedSource: SourceKind = {
  ...renderedDescriptor,

  targetFiles({ target: t, service, release, directory }): TargetFile[] {
    // The baseline goes next to the workload: the directory is applied as a whole.
    return objectFiles({
      directory,
      objects: [...(t.baseline ?? []), ...(t.objects ?? [])],
      images: objectImages(service, release),
    });
  },

  templateSources({ model }) {
    return {
      source: {
        repoURL: model.repoURL,
        targetRevision: argoCdGitRevision(model.revision),
        path: '{{ .path.path }}',
        directory: { ...OBJECT_DIRECTORY },
      },
    };
  },

  sourceRepos(): readonly string[] {
    return [];
  },

  releaseFile(): undefined {
    return undefined;
  },

  embeddedRelease(path, service, state, target) {
    if (state === undefined) return undefined;
    if (service.images === undefined || state.images === undefined) return releaseVersion(state);
    // A rendered object holds the images whose placeholders it holds.
    const obj = target?.objects?.find((o) => path.endsWith(`/${objectFileName(o)}`));
    if (obj === undefined) return releaseVersion(state);
    const held = placeholdersIn(
      JSON.stringify(obj),
      serviceImages(service).map((i) => i.placeholder),
    );
    const images = serviceImages(service).filter((i) => held.includes(i.placeholder));
    return encodeVersions(Object.fromEntries(images.map((i) => [i.name!, state.images![i.name!]])));
  },

  deployedVersions({ target: t, service, directory }, read) {
    if (service.images !== undefined) return namedDeployedVersions(t, service, directory, read);
    const placeholder = imagePlaceholder(service.name);
    const out: { path: string; version: string | undefined }[] = [];
    for (const obj of t.objects ?? []) {
      if (!JSON.stringify(obj).includes(IMAGE_PLACEHOLDER_PREFIX)) continue;
      const path = `${directory}/${objectFileName(obj)}`;
      const images = imagesIn(read, path);
      if (images === undefined) continue;
      const repository = service.imageRepository ?? '';
      const ours = images.filter((i) => i.startsWith(`${repository}@`) || i.startsWith(`${repository}:`) || i === placeholder);
      const versions = [...new Set(ours.map((i) => (i === placeholder ? i : i.slice(repository.length + 1))))];
      out.push({ path, version: versions.length === 1 ? versions[0] : undefined });
    }
    return out;
  },
};

/** The container images of the object file `path` (none when it does not parse); undefined when there is no such file. */
function imagesIn(read: (path: string) => string | undefined, path: string): string[] | undefined {
  const text = read(path);
  if (text === undefined) return undefined;
  try {
    return containerImages(readYaml(text));
  } catch {
    return [];
  }
}

/**
 * The versions the objects of a target of a service with named images deploy: for each object
 * that holds an image placeholder, the version of each image it holds (found by its
 * repository), as `api=sha256:…,worker=sha256:…`; undefined for a file where an image has no
 * single version.
 */
function namedDeployedVersions(
  t: TargetModel,
  service: ServiceModel,
  directory: string,
  read: (path: string) => string | undefined,
): DeployedVersion[] {
  const own = serviceImages(service);
  const out: DeployedVersion[] = [];
  for (const obj of t.objects ?? []) {
    const held = placeholdersIn(
      JSON.stringify(obj),
      own.map((i) => i.placeholder),
    );
    if (held.length === 0) continue;
    const path = `${directory}/${objectFileName(obj)}`;
    const images = imagesIn(read, path);
    if (images === undefined) continue;
    const versions: Record<string, string> = {};
    let known = true;
    for (const image of own.filter((i) => held.includes(i.placeholder))) {
      const found = new Set(
        images
          .filter((i) => i === image.placeholder || i.startsWith(`${image.repository}@`) || i.startsWith(`${image.repository}:`))
          .map((i) => (i === image.placeholder ? i : i.slice(image.repository.length + 1))),
      );
      if (found.size !== 1) known = false;
      else versions[image.name!] = [...found][0];
    }
    out.push({ path, version: known ? encodeVersions(versions) : undefined });
  }
  return out;
}
