/**
 * What deploys a Flux target's workload: the one place that knows which Flux object of a
 * target's directory does, for each kind of service.
 *
 * @module
 */
import type { PlatformModel, ServiceModel, TargetModel } from '../../model/platform-model';
import { targetDirectory } from '../../model/placement';
import { FLUX_FILE } from './helm';
import { FLUX_OVERLAY } from './kustomize';

/** A Flux object of a target's directory that deploys its workload. */
export interface FluxDeployer {
  /** `HelmRelease` or `Kustomization`. */
  readonly kind: string;
  /** `<namespace>/<name>`. */
  readonly name: string;
  /** Repository-relative path of its file. */
  readonly file: string;
}

/**
 * The HelmRelease of a Helm service's target, the Flux Kustomization of a Kustomize base in an
 * application repository; undefined where the entry point's Kustomization applies the
 * directory's objects itself (rendered objects, a base in the GitOps repository).
 */
export function fluxDeployer(model: PlatformModel, t: TargetModel, service: ServiceModel): FluxDeployer | undefined {
  const dir = targetDirectory(model, t);
  const name = `${service.namespace}/${service.name}`;
  if (service.source.kind === 'helm') return { kind: 'HelmRelease', name, file: `${dir}/${FLUX_FILE}` };
  if (service.source.kind === 'kustomize' && service.source.repoURL !== undefined)
    return { kind: 'Kustomization', name, file: `${dir}/${FLUX_OVERLAY}` };
  return undefined;
}
