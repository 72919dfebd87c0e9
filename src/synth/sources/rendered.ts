import { readYaml } from '../../core/yaml/read';
import { containerImages, IMAGE_PLACEHOLDER_PREFIX, imagePlaceholder } from '../../model/images';
import { objectFiles } from './objects';
import { objectFileName } from '../../model/placement';
import { SourceKind, TargetFile } from './source-kind';
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
      service: service.name,
      imageRepository: service.imageRepository,
      version: release.version,
    });
  },

  templateSources({ model }) {
    return { source: { repoURL: model.repoURL, targetRevision: model.revision, path: '{{ .path.path }}' } };
  },

  sourceRepos(): readonly string[] {
    return [];
  },

  releaseFile(): undefined {
    return undefined;
  },

  embeddedRelease(_path, _service, state) {
    return state?.digest;
  },

  deployedVersions({ target: t, service, directory }, read) {
    const placeholder = imagePlaceholder(service.name);
    const out: { path: string; version: string | undefined }[] = [];
    for (const obj of t.objects ?? []) {
      if (!JSON.stringify(obj).includes(IMAGE_PLACEHOLDER_PREFIX)) continue;
      const path = `${directory}/${objectFileName(obj)}`;
      const text = read(path);
      if (text === undefined) continue;
      let images: string[] = [];
      try {
        images = containerImages(readYaml(text));
      } catch {
        images = [];
      }
      const ours = images.filter(
        (i) => i.startsWith(`${service.imageRepository}@`) || i.startsWith(`${service.imageRepository}:`) || i === placeholder,
      );
      const versions = [...new Set(ours.map((i) => (i === placeholder ? i : i.slice(service.imageRepository.length + 1))))];
      out.push({ path, version: versions.length === 1 ? versions[0] : undefined });
    }
    return out;
  },
};
