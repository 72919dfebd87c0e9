/**
 * Which control planes Flux reconciles, and what that means for a target: Flux's interval, and
 * the files of each cluster's entry point (`clusters/<environment>/<cloud>/<cluster>/`).
 *
 * @module
 */
import type { FluxReconcilerModel, PlatformModel } from '../../model/platform-model';
import { credentialsFor } from '../../model/source-credentials';

const FLUX_ENVIRONMENTS = new WeakMap<PlatformModel, ReadonlyMap<string, FluxReconcilerModel>>();

/** The environments Flux reconciles, with their control plane's settings. */
function fluxEnvironments(model: PlatformModel): ReadonlyMap<string, FluxReconcilerModel> {
  let envs = FLUX_ENVIRONMENTS.get(model);
  if (envs === undefined) {
    const flux = new Map(model.controlPlanes.flatMap((cp) => (cp.reconciler?.kind === 'flux' ? [[cp.name, cp.reconciler] as const] : [])));
    envs = new Map(model.environments.flatMap((e) => (flux.has(e.controlPlane) ? [[e.name, flux.get(e.controlPlane)!] as const] : [])));
    FLUX_ENVIRONMENTS.set(model, envs);
  }
  return envs;
}

/** Whether Flux reconciles environment `env` (its control plane's reconciler). */
export function isFluxEnvironment(model: PlatformModel, env: string): boolean {
  return fluxEnvironments(model).has(env);
}

/** `spec.interval` of the Flux objects of environment `env`, as Flux writes a duration (`10m`, `90s`). */
export function fluxInterval(model: PlatformModel, env: string): string {
  const seconds = fluxEnvironments(model).get(env)?.intervalSeconds ?? 600;
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** Whether Flux prunes what a target of environment `env` no longer declares: its sync policy's word (a manual policy is refused for Flux, CG151). */
export function fluxPrune(model: PlatformModel, env: string): boolean {
  return model.environments.find((e) => e.name === env)?.syncPolicy.automated?.prune ?? true;
}

/** The fields that make a Flux source of environment `env` read the repository at `url` with its credentials. */
export function fluxSourceAuth(model: PlatformModel, env: string, url: string): Record<string, unknown> {
  const c = credentialsFor(fluxEnvironments(model).get(env)?.sourceCredentials, url);
  if (c === undefined) return {};
  return c.secretName !== undefined ? { secretRef: { name: c.secretName } } : { provider: c.provider };
}
