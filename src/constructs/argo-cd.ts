import { Construct } from 'constructs';
import { problem, Problem } from '../core/errors';
import { isLabelKey, isLabelValue } from '../core/kube-names';
import { isIP } from 'net';
import { isMap } from '../core/plain';
import { IN_CLUSTER_SERVER } from '../model/argo-object';
import type { KubeObjectModel } from '../model/platform-model';
import type { Values } from '../model/values';
import { ClusterAddon } from './addon';
import { argoCdValues, clusterObject, ManagedCluster, repositoryObject, RepositoryCredentialsInput } from './argo-cd-config';
import { Cluster } from './cluster';
import {
  ClusterCredentials,
  credentialsProblemsAt,
  credentialsSpecOf,
  refreshIntervalProblems,
  RemoteSecretReference,
  remoteReferenceOf,
  remoteReferenceProblems,
  SecretStoreReference,
  secretStoreOf,
  secretStoreProblems,
} from './cluster-credentials';
import type { ControlPlane } from './control-plane';
import { Environment, isPolicyGroup, isRoleName } from './environment';
import { platformOf } from './platform-scope';
import { Duration } from './duration';
import { Targets } from './ring';
import { Workload } from './workload';
import { controllerReplicasOf, shardOf } from './controller-shards';

/** The image Argo CD's chart runs (`global.image.repository`). */
export const ARGO_CD_IMAGE = 'quay.io/argoproj/argocd';

/** The fields of a repository Secret the store may fill. */
const REPOSITORY_FIELDS = ['username', 'password', 'sshPrivateKey'] as const;

/** Credentials of the GitOps repository, read from a secret store by the External Secrets Operator. */
export interface RepositoryCredentialsProps {
  /** The store. */
  readonly store: SecretStoreReference;
  /** The user name. @default - none */
  readonly username?: RemoteSecretReference;
  /** The password or access token. @default - none */
  readonly password?: RemoteSecretReference;
  /** The SSH private key, for an `ssh://` or `git@` repository URL. @default - none */
  readonly sshPrivateKey?: RemoteSecretReference;
  /** How often the operator reads the store again. @default '1h' */
  readonly refreshInterval?: string;
}

/** Properties of a {@link SelfManagedArgoCd}. */
export interface SelfManagedArgoCdProps {
  /**
   * The upstream `argo-cd` chart at a version, e.g. `Workload.helmRepositoryChart({ repoURL:
   * 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.4' })`. Its version is
   * part of each ring's release: an upgrade moves ring by ring (`promote argo-cd --ring <first>
   * --chart-version 9.1.5 --digest argocd=v3.2.1@sha256:…`).
   */
  readonly chart: Workload;
  /**
   * The clusters the control planes run on, one per control plane: each is Argo CD's in-cluster
   * destination for its control plane, and its Argo CD is upgraded with the ring of that cluster.
   * Each must belong to an environment of the control plane that runs there.
   */
  readonly runsOn: readonly Cluster[];
  /** Repository of Argo CD's image. @default 'quay.io/argoproj/argocd' */
  readonly image?: string;
  /**
   * The version of Argo CD's image every ring starts with before the release ledger exists: the
   * tag the chart would run, pinned by its digest (`v3.2.0@sha256:…`), which the chart's
   * `global.image.tag` takes.
   * @default - none: targets appear once a release is promoted into their ring
   */
  readonly initialVersion?: string;
  /** How often Argo CD compares every Application with Git (`timeout.reconciliation`). @default Duration.minutes(3) */
  readonly reconciliation?: Duration;
  /** Identity-provider groups given Argo CD's `role:admin`. @default [] */
  readonly admins?: readonly string[];
  /**
   * Credentials of the GitOps repository, for a private one: read from a secret store, never literal.
   * @default - none: the repository is public, or Argo CD has its credentials another way
   */
  readonly repositoryCredentials?: RepositoryCredentialsProps;
  /** Values of the chart for every control plane, over the generated ones. @default {} */
  readonly values?: Values;
  /**
   * Key paths at which its values may hold what CG120 takes for a literal secret, for values
   * that only look secret (a setting whose name has a secret's word in it), as CG120 prints
   * them (e.g. `configs.cm.resource.customizations.health.bitnami.com_SealedSecret`, or
   * `configs.cm."oidc.config".clientSecret` inside Argo CD's SSO settings).
   * @default - none: every literal secret is an error
   */
  readonly allowLiteralSecrets?: readonly string[];
}

/**
 * Argo CD managing itself: the upstream `argo-cd` chart installed on the cluster each control
 * plane runs on, by that control plane, so that upgrading Argo CD is a Git change like any
 * other, promoted ring by ring (the control plane whose cluster is in the first ring first). Its
 * values are generated from the program: Argo CD's own names, the reconciliation interval, the
 * RBAC policy (admins, and the groups of every environment's roles), and beside the chart a
 * declarative Secret per cluster the control plane manages, labelled with what the model knows
 * (environment, cloud, region, cluster and the cluster's labels) so cluster generators can select
 * them, and one for the GitOps repository. Credentials are referenced, never literal (see
 * {@link ClusterCredentials}).
 *
 * @example
 * new SelfManagedArgoCd(platform, 'argo-cd', {
 *   chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.4' }),
 *   runsOn: [nonprodWesteurope, prodWesteurope],
 *   initialVersion: 'v3.2.0@sha256:…',
 *   admins: ['platform-admins'],
 * });
 */
export class SelfManagedArgoCd extends ClusterAddon {
  /** The clusters the control planes run on. */
  public readonly runsOn: readonly Cluster[];
  /** `timeout.reconciliation`, in seconds. */
  public readonly reconciliationSeconds: number;
  /** Groups given `role:admin`. */
  public readonly admins: readonly string[];
  private readonly repositoryCredentials?: RepositoryCredentialsProps;

  constructor(scope: Construct, id: string, props: SelfManagedArgoCdProps) {
    const runsOn = Array.isArray(props.runsOn) ? props.runsOn.filter((c): c is Cluster => c instanceof Cluster) : [];
    super(scope, id, {
      chart: props.chart,
      images: {
        argocd: {
          repository: props.image ?? ARGO_CD_IMAGE,
          valuesKey: 'global.image',
          tagOnly: true,
          ...(props.initialVersion === undefined ? {} : { initialDigest: props.initialVersion }),
        },
      },
      clusters: Targets.cluster(...runsOn),
      namespace: runsOn[0]?.environment.controlPlane.namespace ?? 'argocd',
      ...(props.values === undefined ? {} : { values: props.values }),
      clusterResources: [
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
      ],
      allowedNamespacedResources: [
        { group: 'rbac.authorization.k8s.io', kind: 'Role' },
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
        { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
      ],
      allowSensitiveNamespace: true,
      ...(props.allowLiteralSecrets === undefined ? {} : { allowLiteralSecrets: props.allowLiteralSecrets }),
    });
    this.runsOn = runsOn;
    const reconciliation = props.reconciliation ?? Duration.minutes(3);
    this.reconciliationSeconds = reconciliation instanceof Duration ? reconciliation.seconds : NaN;
    this.admins = props.admins ?? [];
    this.repositoryCredentials = props.repositoryCredentials;
    this.addon = { ...this.addon!, argoCd: { controlPlanes: this.controlPlanes.map((cp) => cp.node.id) } };
    const report = (message: string, fix: string): void => platformOf(this).report([this.problem(message, fix)]);
    if (!Array.isArray(props.runsOn) || runsOn.length === 0 || runsOn.length !== props.runsOn.length) {
      report(
        'runsOn does not list the clusters the control planes run on (Cluster constructs, one per control plane).',
        'Give runsOn: [nonprodCluster, prodCluster], each a cluster of an environment of the control plane that runs there.',
      );
    }
    if (!(reconciliation instanceof Duration) || reconciliation.problems.length > 0 || !Number.isInteger(this.reconciliationSeconds)) {
      report(
        'reconciliation is not a whole number of seconds.',
        'Give reconciliation: Duration.minutes(3) (Argo CD’s default), or Duration.seconds(0) to turn polling off.',
      );
    }
  }

  /** The control planes it installs Argo CD on, in the order of {@link SelfManagedArgoCd.runsOn}. */
  public get controlPlanes(): ControlPlane[] {
    return this.runsOn.map((c) => c.environment.controlPlane);
  }

  /**
   * @internal Everything CG148 says of an add-on, and CG149: control planes it is on twice,
   * clusters it cannot register, groups that would change the RBAC policy, repository
   * credentials declared wrongly.
   */
  public override placementProblems(): Problem[] {
    const problems = [...super.placementProblems()];
    const report = (message: string, fix: string, at = this.node.path): void => {
      problems.push({ ...this.problem(message, fix), constructPath: at });
    };
    const byControlPlane = new Map<ControlPlane, Cluster>();
    for (const cluster of this.runsOn) {
      const cp = cluster.environment.controlPlane;
      const other = byControlPlane.get(cp);
      if (other !== undefined) {
        report(
          `runsOn names two clusters of control plane ${cp.node.id}: ${other.qualifiedName} and ${cluster.qualifiedName}; one Argo CD runs per control plane.`,
          'Name one cluster per control plane.',
        );
      }
      byControlPlane.set(cp, cluster);
    }
    const namespaces = new Set(this.controlPlanes.map((cp) => cp.namespace));
    if (namespaces.size > 1) {
      report(
        `The control planes it runs on use different namespaces (${[...namespaces].sort().join(', ')}); one installation is in one namespace.`,
        'Give the control planes the same namespace, or a SelfManagedArgoCd each.',
      );
    }
    if (!Array.isArray(this.admins) || !this.admins.every(isPolicyGroup)) {
      report(
        "admins is not a list of group names Argo CD's RBAC policy (policy.csv) can hold: one line of text each, without quotes in it or spaces around it.",
        "Give the groups as the identity provider names them, e.g. admins: ['platform-admins'].",
      );
    }
    problems.push(...this.repositoryCredentialsProblems());
    for (const [cp, home] of byControlPlane) {
      const servers = new Map<string, Cluster>();
      for (const env of this.environmentsOf(cp)) {
        for (const cluster of clustersOf(env)) {
          problems.push(...labelProblems(cluster));
          if (cluster === home) continue;
          problems.push(...this.clusterProblems(cluster, cp));
          const server = normalizedServer(cluster.server);
          if (server === undefined) continue;
          const other = servers.get(server);
          if (other !== undefined) {
            report(
              `Clusters ${other.qualifiedName} and ${cluster.qualifiedName} of control plane ${cp.node.id} have the same server: Argo CD knows a cluster by its server, so their Applications would land on one cluster.`,
              'Give each cluster the URL of its own API server.',
              cluster.node.path,
            );
          } else servers.set(server, cluster);
        }
      }
    }
    return problems;
  }

  /**
   * @internal The key paths CG120 prints for Argo CD's resource settings in its own values
   * (`configs.cm.resource.customizations.health.bitnami.com_SealedSecret`): settings of resource
   * kinds, whose names hold a kind's words (Secret), not secrets.
   */
  public resourceSettingPaths(): string[] {
    const paths = new Set<string>();
    for (const values of [this.values, ...this.deployments.flatMap(([, list]) => list)]) {
      const configs = (values as Record<string, unknown>).configs;
      const cm = isMap(configs) && isMap(configs.cm) ? configs.cm : {};
      for (const k of Object.keys(cm)) if (k.trim().startsWith('resource.')) paths.add(`configs.cm.${k}`);
    }
    return [...paths];
  }

  /** The values generated for the control plane that runs on `cluster`. @internal */
  public generatedValuesOn(cluster: Cluster): { label: string; values: Values } | undefined {
    if (!this.runsOn.includes(cluster)) return undefined;
    const cp = cluster.environment.controlPlane;
    // Only what a policy line can hold: anything else is reported (CG149, CG150), and nothing is written.
    const projectRoles = this.environmentsOf(cp).flatMap((env) =>
      (Array.isArray(env.roles) ? env.roles : [])
        .filter((role) => isRoleName(role?.name))
        .map((role) => ({
          project: env.name,
          role: { ...role, groups: Array.isArray(role.groups) ? role.groups.filter(isPolicyGroup) : [] },
        })),
    );
    const admins = Array.isArray(this.admins) ? this.admins.filter(isPolicyGroup) : [];
    return {
      label: `Argo CD of control plane ${cp.node.id}`,
      values: argoCdValues(this.reconciliationSeconds, { admins, projectRoles }, controllerReplicasOf(cp)),
    };
  }

  /** The declarative Secrets written beside the chart on `cluster`: one per managed cluster, one for the repository. @internal */
  public objectsOn(cluster: Cluster): KubeObjectModel[] {
    if (!this.runsOn.includes(cluster)) return [];
    const cp = cluster.environment.controlPlane;
    const namespace = this.namespace;
    const managed = this.environmentsOf(cp)
      .flatMap((env) => clustersOf(env))
      .map((c) => managedCluster(c, c === cluster));
    const creds = this.repositoryCredentials;
    const repository: RepositoryCredentialsInput | undefined =
      creds === undefined
        ? undefined
        : {
            store: secretStoreOf(creds.store),
            refreshInterval: creds.refreshInterval ?? '1h',
            fields: REPOSITORY_FIELDS.flatMap((field) => {
              const ref = creds[field];
              return ref === undefined ? [] : [{ field, ref: remoteReferenceOf(ref) }];
            }),
          };
    return [...managed.map((m) => clusterObject(m, namespace)), repositoryObject(cp.repository.repoURL, namespace, repository)];
  }

  private environmentsOf(cp: ControlPlane): Environment[] {
    return platformOf(this)
      .node.findAll()
      .filter((c): c is Environment => c instanceof Environment && c.controlPlane === cp);
  }

  private clusterProblems(cluster: Cluster, cp: ControlPlane): Problem[] {
    const problems: Problem[] = [];
    const constructPath = cluster.node.path;
    const report = (message: string, fix: string): void => {
      problems.push(problem('CG149', { constructPath, message, fix }));
    };
    const server: unknown = cluster.server;
    if (server === undefined) {
      report(
        `Cluster ${cluster.qualifiedName} is managed by control plane ${cp.node.id}, whose Argo CD ${this.node.id} registers its clusters, but it has no server.`,
        "Give the cluster server: 'https://…' (its API server URL) and credentials: ClusterCredentials.…(…).",
      );
    } else {
      // The URL is not repeated: it may hold a user and password.
      const why = serverProblem(server);
      if (why !== undefined) {
        report(
          `Cluster ${cluster.qualifiedName} gives a server that ${why}.`,
          "Give server: 'https://<host>[:port][/path]', the URL of that cluster's API server; the cluster the control plane runs on is in runsOn and needs none.",
        );
      }
    }
    const credentials: unknown = cluster.credentials;
    if (credentialsSpecOf(credentials) === undefined) {
      report(
        credentials === undefined
          ? `Cluster ${cluster.qualifiedName} is managed by control plane ${cp.node.id}, whose Argo CD ${this.node.id} registers its clusters, but it has no credentials.`
          : `Cluster ${cluster.qualifiedName} gives credentials that are not made by ClusterCredentials: a literal token or config is refused, as everyone who can read the GitOps repository could read it.`,
        'Reference them: ClusterCredentials.awsIam({ … }), ClusterCredentials.exec({ command: "argocd-k8s-auth", … }) or ClusterCredentials.externalSecret({ store, config: { key } }).',
      );
    } else {
      problems.push(...credentialsProblemsAt(credentials as ClusterCredentials, constructPath));
    }
    return problems;
  }

  private repositoryCredentialsProblems(): Problem[] {
    const creds: unknown = this.repositoryCredentials;
    if (creds === undefined) return [];
    const at = (p: Problem): Problem => ({ ...p, constructPath: this.node.path });
    if (creds === null || typeof creds !== 'object') {
      return [
        this.problem(
          'repositoryCredentials is not { store, username?, password?, sshPrivateKey? }.',
          'Give the store and a reference per field.',
        ),
      ];
    }
    const c = creds as Record<string, unknown>;
    const fields = REPOSITORY_FIELDS.filter((f) => c[f] !== undefined);
    return [
      ...secretStoreProblems(c.store, 'repositoryCredentials.store').map(at),
      ...fields.flatMap((f) => remoteReferenceProblems(c[f], `repositoryCredentials.${f}`)).map(at),
      ...refreshIntervalProblems(c.refreshInterval, 'repositoryCredentials.refreshInterval').map(at),
      ...(fields.length === 0
        ? [
            this.problem(
              'repositoryCredentials names no field to read from the store.',
              'Give password (with username) or sshPrivateKey: { key, property }.',
            ),
          ]
        : []),
    ];
  }

  private problem(message: string, fix: string): Problem {
    return problem('CG149', { constructPath: this.node.path, message, fix });
  }
}

function clustersOf(env: Environment): Cluster[] {
  return env.node.findAll().filter((c): c is Cluster => c instanceof Cluster && c.environment === env);
}

function managedCluster(c: Cluster, home: boolean): ManagedCluster {
  return {
    id: c.qualifiedName,
    environment: c.environment.name,
    cloud: c.cloud.name,
    name: c.name,
    region: c.region,
    destination: c.destination,
    labels: c.labels,
    server: home ? IN_CLUSTER_SERVER : (c.server ?? ''),
    ...(home || credentialsSpecOf(c.credentials) === undefined ? {} : { credentials: credentialsSpecOf(c.credentials) }),
    ...(shardOf(c) === undefined ? {} : { shard: shardOf(c) }),
  };
}

/** CG149 for labels of a cluster its Secret cannot carry. */
function labelProblems(cluster: Cluster): Problem[] {
  const labels: unknown = cluster.labels;
  const bad =
    labels === null || typeof labels !== 'object'
      ? ['(not a map)']
      : Object.entries(labels)
          .filter(([k, v]) => !isLabelKey(k) || !isLabelValue(v))
          .map(([k]) => k);
  return bad.length === 0
    ? []
    : [
        problem('CG149', {
          constructPath: cluster.node.path,
          message: `Cluster ${cluster.qualifiedName} has labels its cluster Secret cannot carry (not Kubernetes labels): ${bad.map((k) => JSON.stringify(k)).join(', ')}.`,
          fix: 'Give labels Kubernetes accepts: a key of at most 63 characters (with an optional DNS prefix), a value of at most 63.',
        }),
      ];
}

/** A host that names the cluster Argo CD runs on, whatever cluster it is given for. */
const IN_CLUSTER_HOST = /^(kubernetes|kubernetes\.default|kubernetes\.default\.svc(\..*)?|localhost(\..*)?)$/i;

/** Whether `host` (a URL's hostname) is a loopback or unspecified address, however spelled. */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(h) === 4) return h.startsWith('127.') || h === '0.0.0.0';
  if (isIP(h) !== 6) return false;
  // IPv6: the loopback, the unspecified address, or an IPv4-mapped one of those.
  const mapped = /^(?:0{0,4}:){0,5}(?::|0{0,4}:)?ffff:(.+)$/.exec(h);
  if (mapped) {
    const v4 = mapped[1]!;
    if (isIP(v4) === 4) return v4.startsWith('127.') || v4 === '0.0.0.0';
    return /^7f[0-9a-f]{2}:/.test(v4) || /^0{1,4}:0{1,4}$/.test(v4);
  }
  return /^[0:]+1?$/.test(h);
}

/** Why `server` is not the https URL of another cluster's API server (without repeating it), or undefined. */
function serverProblem(server: unknown): string | undefined {
  if (typeof server !== 'string') return 'is not a string';
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return 'is not an https URL';
  if (url.username !== '' || url.password !== '') return 'holds a user or password, which would be committed to the GitOps repository';
  if (url.search !== '' || url.hash !== '' || server.includes('?') || server.includes('#')) return 'has a query or fragment';
  if (IN_CLUSTER_HOST.test(url.hostname.replace(/\.$/, '')) || isLoopback(url.hostname))
    return "names the cluster Argo CD runs on (in-cluster), not the cluster's own API server";
  if (!/^https:\/\/[A-Za-z0-9.[\]:-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/.test(server)) return 'has characters a cluster URL does not';
  return undefined;
}

/** A server URL as Argo CD compares them: host in lower case, without the default port and a trailing slash. */
function normalizedServer(server: unknown): string | undefined {
  if (typeof server !== 'string') return undefined;
  try {
    const url = new URL(server);
    return `${url.protocol}//${url.hostname.toLowerCase().replace(/\.$/, '')}:${url.port || '443'}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}
