/**
 * How a target's files are written: by its service's source kind for Argo CD, or as Flux objects
 * where Flux reconciles its environment. The one place that asks which reconciler a target has.
 *
 * @module
 */
import type { PlatformModel, ServiceModel } from '../model/platform-model';
import { fluxHelmSource } from './flux/helm';
import { isFluxEnvironment } from './flux/reconciler';
import { sourceKindOf, SourceKind } from './sources';

/** The source kind that writes and reads the files of `service`'s targets in environment `env`. */
export function targetSourceKind(model: PlatformModel, service: ServiceModel, env: string): SourceKind {
  return isFluxEnvironment(model, env) ? fluxHelmSource : sourceKindOf(service);
}
