/** What a control plane reconciled by Flux can run. */
import { Problem, problem } from '../../core/errors';
import { PlatformModel } from '../platform-model';

/**
 * CG151 for what cdk8s-gitops does not write for Flux yet, on a control plane reconciled by Flux:
 * a service that is not a Helm chart, a cluster add-on (Argo CD's own installation included), an
 * environment with a namespace baseline. One problem per service or environment.
 */
export function problemsOfReconcilers(model: PlatformModel): Problem[] {
  const flux = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind === 'flux').map((cp) => cp.name));
  if (flux.size === 0) return [];
  const fluxEnvironments = new Set(model.environments.filter((e) => flux.has(e.controlPlane)).map((e) => e.name));
  const problems: Problem[] = [];
  for (const e of model.environments) {
    if (!fluxEnvironments.has(e.name) || e.namespaceBaseline === undefined) continue;
    problems.push(
      problem('CG151', {
        constructPath: e.path,
        message: `Environment ${e.name} declares a namespace baseline, which cdk8s-gitops does not write for Flux yet (its control plane ${e.controlPlane} is reconciled by Flux).`,
        fix: 'Leave the baseline out, or keep the environment on a control plane reconciled by Argo CD.',
      }),
    );
  }
  const onFlux = new Map<string, string>();
  for (const t of model.targets) if (fluxEnvironments.has(t.environment) && !onFlux.has(t.service)) onFlux.set(t.service, t.environment);
  for (const s of model.services) {
    const env = onFlux.get(s.name);
    if (env === undefined) continue;
    const what =
      s.addon?.argoCd !== undefined
        ? "Argo CD's own installation"
        : s.addon !== undefined
          ? 'a cluster add-on'
          : s.source.kind === 'rendered'
            ? 'a rendered service'
            : s.source.kind === 'kustomize'
              ? 'a Kustomize service'
              : undefined;
    if (what === undefined) continue;
    problems.push(
      problem('CG151', {
        constructPath: s.path,
        message: `${s.name} is ${what}, which cdk8s-gitops does not write for Flux yet, and it runs in environment ${env}, reconciled by Flux.`,
        fix: 'Run it on a control plane reconciled by Argo CD, or make it a Helm service.',
      }),
    );
  }
  return problems;
}
