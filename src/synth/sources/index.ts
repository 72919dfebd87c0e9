import { ServiceModel } from '../../model/platform-model';
import { helmSource } from './helm';
import { renderedSource } from './rendered';
import { kustomizeSource } from './kustomize';
import { SourceKind } from './source-kind';
import { addonDescriptor, addonProjectName } from '../../model/source-kinds';

export type { SourceKind, TargetFile, TargetInput, TemplateInput, RingRelease, VersionInput, DeployedVersion } from './source-kind';
export { helmSource, BASELINE_DIRECTORY, RELEASE_FILE } from './helm';
export { renderedSource } from './rendered';
export { kustomizeSource, KUSTOMIZATION_FILE, BASE_DIRECTORY, baseRevisionIn, overlayImages } from './kustomize';

const KINDS: Readonly<Record<ServiceModel['source']['kind'], SourceKind>> = {
  helm: helmSource,
  rendered: renderedSource,
  kustomize: kustomizeSource,
};

/**
 * A cluster add-on: a Helm target as any other, but for the ApplicationSets it is in and their
 * AppProject (see `addonDescriptor`).
 */
export const addonSource: SourceKind = {
  ...helmSource,
  ...addonDescriptor,
  project: (env, service) => addonProjectName(env, service.name),
};

/** The source kind of a service: the one place that maps a service to how its targets are written. */
export function sourceKindOf(service: ServiceModel): SourceKind {
  return service.addon === undefined ? KINDS[service.source.kind] : addonSource;
}
