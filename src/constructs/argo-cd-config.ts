/**
 * What a self-managed Argo CD is configured with, made from the program: the values of its
 * chart for one control plane, and the declarative Secrets of the clusters and the repository it
 * reads. Pure: plain data in, plain data out.
 *
 * @module
 */
import { KUSTOMIZE_LABEL_PREFIX } from '../model/source-kinds';
import type { KubeObjectModel } from '../model/platform-model';
import { policyGroupField, type ProjectRole } from '../model/sync';
import type { Values } from '../model/values';
import { MANAGED_BY } from '../model/argo-object';
import type { ClusterCredentialsSpec, RemoteSecretReference, SecretStoreReference } from './cluster-credentials';

/** The label that makes a Secret one of Argo CD's declarative settings. */
const SECRET_TYPE = 'argocd.argoproj.io/secret-type';

/** What the RBAC policy of one control plane is made from. */
export interface RbacInput {
  /** IdP groups given Argo CD's built-in `role:admin`. */
  readonly admins: readonly string[];
  /** The roles of the control plane's environments, each with its AppProject's name. */
  readonly projectRoles: readonly { readonly project: string; readonly role: ProjectRole }[];
}

/**
 * The chart values one control plane's Argo CD is configured with: the names Argo CD's own
 * manifests use (`argocd-server`, …), the reconciliation interval and the RBAC policy.
 */
export function argoCdValues(reconciliationSeconds: number, rbac: RbacInput, controllerReplicas?: number): Values {
  const lines = [
    ...rbac.admins.map((g) => `g, ${policyGroupField(g)}, role:admin`),
    ...rbac.projectRoles.flatMap(({ project, role }) =>
      (role.groups ?? []).map((g) => `g, ${policyGroupField(g)}, proj:${project}:${role.name}`),
    ),
  ];
  return {
    fullnameOverride: 'argocd',
    // The chart sets the StatefulSet's replicas and ARGOCD_CONTROLLER_REPLICAS, which shards count to.
    ...(controllerReplicas === undefined ? {} : { controller: { replicas: controllerReplicas } }),
    configs: {
      cm: {
        'timeout.reconciliation': `${reconciliationSeconds}s`,
        // Syncing to a revision other than the Application's is an override (Argo CD 3.2 and
        // later), which no role written here grants: what runs is what the GitOps repository says.
        'application.sync.requireOverridePrivilegeForRevisionSync': 'true',
      },
      rbac: {
        // No access unless a policy grants it: Argo CD's built-in role:readonly is not the default.
        'policy.default': '',
        'policy.csv': lines.length === 0 ? '' : `${lines.join('\n')}\n`,
        scopes: '[groups]',
      },
    },
  } as Values;
}

/** A cluster as its declarative Secret describes it. */
export interface ManagedCluster {
  /** `<environment>/<cloud>/<cluster>`. */
  readonly id: string;
  readonly environment: string;
  readonly cloud: string;
  readonly name: string;
  readonly region: string;
  /** The name it is registered under (Applications' destination). */
  readonly destination: string;
  /** Labels rings select on. */
  readonly labels: Readonly<Record<string, string>>;
  /** Its API server; the in-cluster one (`https://kubernetes.default.svc`) where the control plane runs. */
  readonly server: string;
  /** How Argo CD reaches it; none where the control plane runs. */
  readonly credentials?: ClusterCredentialsSpec;
  /** The application-controller shard that reconciles it, as a decimal string. @default - none: the controller assigns one */
  readonly shard?: string;
}

/** The labels every cluster Secret carries: what the model knows of it, for cluster generators to select on. */
function clusterLabels(c: ManagedCluster): Record<string, string> {
  return {
    ...c.labels,
    [`${KUSTOMIZE_LABEL_PREFIX}environment`]: c.environment,
    [`${KUSTOMIZE_LABEL_PREFIX}cloud`]: c.cloud,
    [`${KUSTOMIZE_LABEL_PREFIX}region`]: c.region,
    [`${KUSTOMIZE_LABEL_PREFIX}cluster`]: c.name,
    ...MANAGED_BY,
    [SECRET_TYPE]: 'cluster',
  };
}

/** The name of a cluster's Secret: `cluster-<environment>-<cloud>-<cluster>`. */
function clusterSecretName(c: Pick<ManagedCluster, 'id'>): string {
  return `cluster-${c.id.split('/').join('-')}`;
}

/**
 * The declarative Secret of a cluster, or the ExternalSecret that makes it from a secret store.
 * The Secret holds no credential: the cluster is in-cluster, or reached through the cloud's
 * workload identity.
 */
export function clusterObject(c: ManagedCluster, namespace: string): KubeObjectModel {
  const name = clusterSecretName(c);
  const labels = sortedRecord(clusterLabels(c));
  const spec = c.credentials;
  if (spec?.kind === 'external-secret') {
    const plain = { name: c.destination, server: c.server, ...(c.shard === undefined ? {} : { shard: c.shard }) };
    return externalSecret(name, namespace, spec.store, spec.refreshInterval, labels, plain, [
      { secretKey: 'config', remoteRef: spec.config },
    ]);
  }
  const config = spec?.kind === 'config' ? spec.config : { tlsClientConfig: { insecure: false } };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { labels, name, namespace },
    stringData: {
      config: JSON.stringify(config),
      name: c.destination,
      server: c.server,
      ...(c.shard === undefined ? {} : { shard: c.shard }),
    },
    type: 'Opaque',
  };
}

/** Credentials of the GitOps repository, read from a secret store: see `SelfManagedArgoCdProps.repositoryCredentials`. */
export interface RepositoryCredentialsInput {
  readonly store: Required<SecretStoreReference>;
  readonly refreshInterval: string;
  readonly fields: readonly { readonly field: 'username' | 'password' | 'sshPrivateKey'; readonly ref: RemoteSecretReference }[];
}

/** The declarative Secret of the GitOps repository (URL only), or the ExternalSecret that adds its credentials. */
export function repositoryObject(repoURL: string, namespace: string, credentials?: RepositoryCredentialsInput): KubeObjectModel {
  const name = 'repo-platform-gitops';
  const labels = sortedRecord({ ...MANAGED_BY, [SECRET_TYPE]: 'repository' });
  const plain = { name: 'platform-gitops', type: 'git', url: repoURL };
  if (credentials !== undefined && credentials.fields.length > 0) {
    return externalSecret(
      name,
      namespace,
      credentials.store,
      credentials.refreshInterval,
      labels,
      plain,
      credentials.fields.map((f) => ({ secretKey: f.field, remoteRef: f.ref })),
    );
  }
  return { apiVersion: 'v1', kind: 'Secret', metadata: { labels, name, namespace }, stringData: plain, type: 'Opaque' };
}

/**
 * An External Secrets Operator `ExternalSecret` that makes the Secret `name` with `labels`, the
 * plain `fields` and the secret ones read from the store. Its template passes the store's values
 * through unchanged.
 */
function externalSecret(
  name: string,
  namespace: string,
  store: Required<SecretStoreReference>,
  refreshInterval: string,
  labels: Record<string, string>,
  fields: Record<string, string>,
  data: readonly { secretKey: string; remoteRef: RemoteSecretReference }[],
): KubeObjectModel {
  const templated: Record<string, string> = { ...fields };
  for (const d of data) templated[d.secretKey] = `{{ .${d.secretKey} }}`;
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { labels: sortedRecord({ ...MANAGED_BY }), name, namespace },
    spec: {
      data: data.map((d) => ({ remoteRef: sortedRecord({ ...d.remoteRef }), secretKey: d.secretKey })),
      refreshInterval,
      secretStoreRef: { kind: store.kind, name: store.name },
      target: {
        creationPolicy: 'Owner',
        name,
        template: { data: sortedRecord(templated), engineVersion: 'v2', metadata: { labels }, type: 'Opaque' },
      },
    },
  };
}

function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
