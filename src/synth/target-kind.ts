/**
 * How a target's files are written: by its service's source kind for Argo CD, or as Flux objects
 * where Flux reconciles its environment. The one place that asks which reconciler a target has.
 *
 * @module
 */
import type { PlatformModel, ServiceModel } from '../model/platform-model';
import { fluxHelmSource } from './flux/helm';
import { fluxKustomizeSource } from './flux/kustomize';
import { isFluxEnvironment } from './flux/reconciler';
import { fluxRenderedSource } from './flux/rendered';
import { sourceKindOf, SourceKind } from './sources';

/** How each kind of service is written where Flux reconciles it. */
const FLUX_KINDS: Readonly<Record<ServiceModel['source']['kind'], SourceKind>> = {
  helm: fluxHelmSource,
  rendered: fluxRenderedSource,
  kustomize: fluxKustomizeSource,
};

/** The source kind that writes and reads the files of `service`'s targets in environment `env`. */
export function targetSourceKind(model: PlatformModel, service: ServiceModel, env: string): SourceKind {
  return isFluxEnvironment(model, env) ? FLUX_KINDS[service.source.kind] : sourceKindOf(service);
}
