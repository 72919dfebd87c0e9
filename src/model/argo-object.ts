import type { ResourceKind } from './sync';
import { isChartTag, isCommitSha, isSemVer } from './versions';

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

/**
 * The revision of the GitOps repository as Argo CD is told it (`targetRevision` of its
 * Applications, `revision` of its git generators): a branch fully qualified
 * (`refs/heads/<branch>`), anything else as given. Argo CD's repo server resolves a revision
 * against the repository's refs by full name or by short name, whichever ref comes first, so a
 * bare `main` means the tag `main` as well, should one be pushed; `refs/heads/main` matches the
 * branch alone. Its webhooks and the git generator's webhook strip `refs/heads/` before comparing
 * a push's branch, so fully qualified branches refresh as bare ones do. Left as given: `HEAD`, a
 * commit SHA (full, or truncated to 7 or more hex digits), a name under `refs/`, a tag (`v1.2.3`
 * or `1.2.3`, as Flux's GitRepository reads it; `refs/tags/<tag>` for others), and what Git
 * refuses as a branch name (a semver range such as `1.2.*`, which Argo CD resolves among tags).
 */
export function argoCdGitRevision(revision: string): string {
  if (revision === 'HEAD' || revision.startsWith('refs/') || isCommitSha(revision)) return revision;
  if (isChartTag(revision) || isSemVer(revision)) return revision;
  // A commit SHA Argo CD takes truncated (7 to 40 hex digits), and what no branch can be named
  // (Git's check-ref-format: a semver range such as `1.2.*` or `>=1.0 <2.0`): as given.
  if (/^[0-9a-fA-F]{7,40}$/.test(revision) || /[\s~^:?*[\\]|\.\.|@\{/.test(revision)) return revision;
  return `refs/heads/${revision}`;
}
