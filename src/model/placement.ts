/**
 * Where a target lands: the name of its Application and the files of its directory. The one
 * place these are computed; the ApplicationSets' templates spell the same shapes in Go
 * templates (see synth/argocd/application-set).
 *
 * @module
 */
import type { KubeObjectModel, PlatformModel, TargetModel } from './platform-model';

/** Name of the Application Argo CD generates for a target: `<service>-<env>-<cloud>-<cluster>`. */
export function applicationName(t: Pick<TargetModel, 'service' | 'environment' | 'cloud' | 'cluster'>): string {
  return `${t.service}-${t.environment}-${t.cloud}-${t.cluster}`;
}

/** Directory of a target below the repository root. */
export function targetDirectory(model: PlatformModel, t: Pick<TargetModel, 'id'>): string {
  return `${model.layout.environments}/${t.id}`;
}

/** Repository-relative path of a target's values file. */
export function valuesFile(model: PlatformModel, t: Pick<TargetModel, 'id'>): string {
  return `${targetDirectory(model, t)}/values.yaml`;
}

/**
 * File name of a rendered object: `<kind>-<name>.yaml`, lower-case, e.g.
 * `deployment-orders-api.yaml`. Names are unique per kind in a namespace, so one target's
 * objects never share a file unless the program gives two objects of one kind the same name,
 * which the snapshot refuses.
 */
export function objectFileName(obj: Pick<KubeObjectModel, 'kind' | 'metadata'>): string {
  return `${obj.kind}-${obj.metadata.name}.yaml`.toLowerCase();
}
