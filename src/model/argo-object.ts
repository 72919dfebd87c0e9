import type { ResourceKind } from './sync';

/** An Argo CD object as plain data. */
export interface ArgoObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
  };
  readonly spec: unknown;
}

/** The in-cluster API server: where a control plane's Argo CD runs, reached with its own service account. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** Label put on every object the SDK generates. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } as const;

/**
 * Namespaced kinds an AppProject keeps out unless its environment allows them
 * (`allowedNamespacedResources`): RBAC objects, which could grant a workload's service accounts
 * more than the project grants, and network policies, which could open what a namespace
 * baseline's default-deny closes (Kubernetes, Cilium and Calico spell them differently; a kind a
 * cluster lacks is simply never matched).
 */
export const RESTRICTED_NAMESPACED_RESOURCES: readonly ResourceKind[] = [
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumNetworkPolicy' },
  { group: 'crd.projectcalico.org', kind: 'NetworkPolicy' },
];
