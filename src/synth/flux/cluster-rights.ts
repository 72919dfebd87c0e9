/**
 * The cluster-scoped rights of a cluster add-on Flux reconciles: exactly the kinds it declares
 * (`clusterResources`), as an Argo CD AppProject whitelists them. One ClusterRole and its binding
 * to the account its HelmRelease runs as; none for an add-on that declares no kind, nor for a
 * service (an environment's `clusterResources` is refused on Flux, CG151).
 *
 * @module
 */
import { MANAGED_BY } from '../../model/argo-object';
import { clusterScopedResource } from '../../model/cluster-scoped-kinds';
import type { ServiceModel } from '../../model/platform-model';

/** The prefix of the names of the ClusterRoles and bindings cdk8s-gitops writes for Flux targets. */
const CLUSTER_ROLE_PREFIX = 'cdk8s-gitops:flux:';

/**
 * The ClusterRole granting exactly the add-on's cluster-scoped kinds (every verb, as an
 * AppProject's whitelist does) and its binding to `subject`, or none.
 */
export function clusterRightsObjects(
  service: ServiceModel,
  subject: { kind: string; name: string; namespace: string },
): Record<string, unknown>[] {
  const byGroup = new Map<string, Set<string>>();
  for (const k of service.addon?.clusterResources ?? []) {
    // A kind of unknown scope is refused (CG151): bound cluster-wide, a namespaced one would reach every namespace.
    const resource = clusterScopedResource(k.group, k.kind);
    if (resource !== undefined) byGroup.set(k.group, (byGroup.get(k.group) ?? new Set()).add(resource));
  }
  if (byGroup.size === 0) return [];
  const name = `${CLUSTER_ROLE_PREFIX}${service.namespace}:${service.name}`;
  const labels = { ...MANAGED_BY };
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
      subjects: [subject],
    },
  ];
}
