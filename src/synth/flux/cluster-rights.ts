/**
 * The cluster-scoped rights of a target Flux reconciles: exactly the kinds its environment lets
 * its services create (`clusterResources`), or a cluster add-on declares, as an Argo CD AppProject
 * whitelists them. One ClusterRole and its binding to the target's service accounts; none where
 * the target may create no cluster-scoped kind.
 *
 * @module
 */
import { MANAGED_BY } from '../../model/argo-object';
import type { PlatformModel, ServiceModel, TargetModel } from '../../model/platform-model';
import type { ResourceKind } from '../../model/sync';

/** The prefix of the names of the ClusterRoles and bindings cdk8s-gitops writes for Flux targets. */
const CLUSTER_ROLE_PREFIX = 'cdk8s-gitops:flux:';

/**
 * The resource (as RBAC names it) of a kind, by the rule Kubernetes and its code generators follow:
 * lower case, plural (`Ingress` → `ingresses`, `PriorityClass` → `priorityclasses`, `Policy` →
 * `policies`).
 */
export function resourceOfKind(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The cluster-scoped kinds target `t` of `service` may create: an add-on's own, else its environment's. */
export function clusterKindsOf(model: PlatformModel, t: TargetModel, service: ServiceModel): readonly ResourceKind[] {
  if (service.addon !== undefined) return service.addon.clusterResources;
  return model.environments.find((e) => e.name === t.environment)?.clusterResources ?? [];
}

/**
 * The ClusterRole granting exactly `kinds` (every verb, as an AppProject's whitelist does) and its
 * binding to `subjects`, or none for no kind.
 */
export function clusterRightsObjects(
  service: ServiceModel,
  kinds: readonly ResourceKind[],
  subjects: readonly { kind: string; name: string; namespace: string }[],
): Record<string, unknown>[] {
  if (kinds.length === 0) return [];
  const name = `${CLUSTER_ROLE_PREFIX}${service.namespace}:${service.name}`;
  const labels = { ...MANAGED_BY };
  const byGroup = new Map<string, Set<string>>();
  for (const k of kinds) byGroup.set(k.group, (byGroup.get(k.group) ?? new Set()).add(resourceOfKind(k.kind)));
  const rules = [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: ['*'] }));
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { labels, name }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { labels, name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects,
    },
  ];
}
