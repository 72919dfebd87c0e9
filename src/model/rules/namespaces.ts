/** Services in a namespace that belongs to the cluster or to an Argo CD of the platform. */
import { Problem, problem } from '../../core/errors';
import { PlatformModel, ServiceModel } from '../platform-model';

/** Namespaces every Kubernetes cluster has, which belong to the cluster rather than to a service. */
export const SENSITIVE_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/** The namespace Flux runs in, where `flux bootstrap` puts its controllers and its own Kustomization. */
export const FLUX_NAMESPACE = 'flux-system';

/** The longest namespace Kubernetes takes (a DNS-1123 label). */
const MAX_NAMESPACE = 63;

/**
 * The namespace a fix suggests to a service that must leave its own: the service's name, or that
 * name with `-app` (then `-app-2`, …), the first that no rule refuses a service and no other
 * service deploys into: none of {@link SENSITIVE_NAMESPACES}, no Argo CD's namespace, not
 * {@link FLUX_NAMESPACE}, not the one it leaves.
 */
export function ownNamespaceFor(model: PlatformModel, service: Pick<ServiceModel, 'name' | 'namespace'>): string {
  const refused = new Set<string>([
    ...SENSITIVE_NAMESPACES,
    FLUX_NAMESPACE,
    model.argocdNamespace,
    ...model.controlPlanes.map((cp) => cp.namespace),
    ...model.services.filter((s) => s.name !== service.name).map((s) => s.namespace),
    service.namespace,
  ]);
  const named = (suffix: string): string => `${service.name.slice(0, MAX_NAMESPACE - suffix.length).replace(/-+$/, '')}${suffix}`;
  for (let i = 1; ; i++) {
    const candidate = named(i === 1 ? '' : i === 2 ? '-app' : `-app-${i - 1}`);
    if (!refused.has(candidate)) return candidate;
  }
}

/**
 * Services whose namespace belongs to the cluster (`kube-system`, `default`, …) or to an Argo
 * CD of the platform (CG138): without `allowSensitiveNamespace`, and in any environment with a
 * namespace baseline, which would take the namespace over (Namespace object, quota,
 * default-deny). The namespace of the service's own control plane is CG123's.
 */
export function problemsOfSensitiveNamespaces(model: PlatformModel): Problem[] {
  const argocd = new Map<string, string>();
  for (const cp of model.controlPlanes)
    if (!argocd.has(cp.namespace)) argocd.set(cp.namespace, `the namespace of the Argo CD of control plane "${cp.name}"`);
  if (!argocd.has(model.argocdNamespace)) argocd.set(model.argocdNamespace, "the platform's Argo CD namespace");
  const whose = (ns: string): string | undefined =>
    SENSITIVE_NAMESPACES.includes(ns) ? 'a namespace of the cluster itself' : argocd.get(ns);
  const sensitive = model.services.filter((s) => whose(s.namespace) !== undefined);
  if (sensitive.length === 0) return [];

  const problems: Problem[] = [];
  const envCp = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const cpNamespace = new Map(model.controlPlanes.map((cp) => [cp.name, cp.namespace]));
  const withBaseline = new Set(model.environments.filter((e) => e.namespaceBaseline).map((e) => e.name));
  for (const s of sensitive) {
    const ns = s.namespace;
    const environments = new Set<string>();
    for (const t of model.targets) if (t.service === s.name) environments.add(t.environment);
    // In its own control plane's Argo CD namespace it is refused by CG123 already.
    if ([...environments].some((e) => cpNamespace.get(envCp.get(e)!) === ns)) continue;
    if (!s.allowSensitiveNamespace) {
      problems.push(
        problem('CG138', {
          constructPath: s.path,
          message: `Service "${s.name}" deploys into namespace "${ns}", ${whose(ns)}; the AppProject of its environments would let every one of their Applications deploy there.`,
          fix: `Give the service its own namespace (namespace: '${ownNamespaceFor(model, s)}'), or, if it must run in "${ns}", set allowSensitiveNamespace: true on it.`,
        }),
      );
      continue;
    }
    for (const e of [...environments].filter((x) => withBaseline.has(x)).sort()) {
      problems.push(
        problem('CG138', {
          constructPath: s.path,
          message: `Service "${s.name}" deploys into namespace "${ns}" in environment ${e}, whose namespace baseline would take "${ns}" over (Namespace object, ResourceQuota, LimitRange, default-deny NetworkPolicy).`,
          fix: `Give the service its own namespace (namespace: '${ownNamespaceFor(model, s)}'), or deploy it to an environment without a namespace baseline.`,
        }),
      );
    }
  }
  return problems;
}
