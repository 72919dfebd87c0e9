import { Construct } from 'constructs';
import { problem, Problem } from '../core/errors';
import { isLabelKey, isLabelValue } from '../core/kube-names';
import { isIP } from 'net';
import { isMap } from '../core/plain';
import { parseAllDocuments, visit } from 'yaml';
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
import { findLiteralSecrets } from './values-check';

/** The image Argo CD's chart runs (`global.image.repository`). */
export const ARGO_CD_IMAGE = 'quay.io/argoproj/argocd';

/** The settings of Argo CD's chart the program declares itself (clusters, repositories, credentials): never values. */
const DECLARED_CONFIGS = ['clusterCredentials', 'credentialTemplates', 'repositories', 'secret'] as const;

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
  private readonly reconciliation: Duration;

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
    this.reconciliation = props.reconciliation ?? Duration.minutes(3);
    this.reconciliationSeconds = this.reconciliation.seconds;
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
    if (
      !(this.reconciliation instanceof Duration) ||
      this.reconciliation.problems.length > 0 ||
      !Number.isInteger(this.reconciliationSeconds)
    ) {
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
      values: argoCdValues(this.reconciliationSeconds, { admins, projectRoles }),
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
    return [...managed.map((m) => clusterObject(m, namespace)), repositoryObject(platformOf(this).repoURL, namespace, repository)];
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

/**
 * The keys of Argo CD's chart that set an image running Argo CD's own binary (`global.image`,
 * which the release ledger owns): each component's `image`, and Dex's init container.
 */
const ARGO_CD_IMAGE_KEYS: readonly (readonly [string, string])[] = [
  ...['controller', 'server', 'repoServer', 'applicationSet', 'notifications', 'commitServer', 'redisSecretInit'].map(
    (c) => [c, 'image'] as const,
  ),
  ['dex', 'initImage'],
];

/**
 * The `configs.cm` keys of Argo CD's settings that are YAML documents holding credentials (as
 * argo-helm writes cm keys unquoted, compared trimmed and in lower case).
 */
function isCredentialSetting(cmKey: string): boolean {
  const k = cmKey.trim().toLowerCase();
  return k === 'oidc.config' || k === 'dex.config' || k.startsWith('extension.config');
}

/** The maps of the notifications engine's settings: each entry is a YAML document (a notifier's holds its credentials). */
const NOTIFICATION_MAPS = ['notifiers', 'templates', 'triggers'] as const;

/**
 * CG149, CG113 and CG120 for a layer of values that reaches Argo CD's own installation (the
 * platform's, an environment's, a cloud's, a cluster's, its own):
 * - settings the program declares itself (clusters, repositories, credentials);
 * - an image running Argo CD's binary (`server.image`, `dex.initImage`, …): the release ledger
 *   owns Argo CD's image, one for all of them;
 * - Argo CD's settings that are YAML documents holding credentials (`configs.cm."oidc.config"`,
 *   `dex.config`, `extension.config`, each entry of the notifications engine's notifiers,
 *   templates and triggers): a literal secret inside one (where Argo CD takes a `$<key>` reference
 *   to its Secret; keys compared as Go compares them, in any case), or a text cdk8s-gitops cannot
 *   read as Argo CD would (it does not parse, gives a key twice or uses aliases), which it refuses
 *   rather than pass unread. A setting turned off (`null`, `""`) is none.
 * The chart's `extraObjects` are checked on the merged values (see {@link argoCdMergedProblems}).
 *
 * @param allowed key paths where the installation allows what looks secret (`allowLiteralSecrets`)
 */
export function argoCdLayerProblems(
  values: Values,
  constructPath: string,
  label: string,
  allowed: ReadonlySet<string> = new Set(),
): Problem[] {
  const problems: Problem[] = [];
  const report = (code: 'CG113' | 'CG149', message: string, fix: string): void => {
    problems.push(problem(code, { constructPath, message, fix }));
  };
  const v = values as Record<string, unknown>;
  const configs = v.configs;
  if (isMap(configs)) {
    for (const c of DECLARED_CONFIGS) {
      if (!Object.hasOwn(configs, c)) continue;
      report(
        'CG149',
        `${label} sets configs.${c} of Argo CD's chart, which the program declares (cluster and repository Secrets, with credentials referenced, never literal).`,
        `Declare clusters with server and credentials (ClusterCredentials), and the repository's with repositoryCredentials; remove configs.${c}.`,
      );
    }
  }
  for (const [component, key] of ARGO_CD_IMAGE_KEYS) {
    const c = v[component];
    if (isMap(c) && Object.hasOwn(c, key)) {
      report(
        'CG113',
        `${label} sets ${component}.${key} of Argo CD's chart: it runs Argo CD's image (global.image), whose version the release ledger owns, ring by ring.`,
        `Remove ${component}.${key}; upgrade Argo CD with promote <installation> --digest argocd=<tag>@sha256:… (and --chart-version).`,
      );
    }
  }
  const settings: [string, unknown][] = [];
  const cm = isMap(configs) && isMap(configs.cm) ? configs.cm : {};
  // argo-helm writes these maps' keys unquoted into ConfigMaps: a key that is not plain could be read as another.
  const notifications = isMap(v.notifications) ? v.notifications : {};
  const keyed: [string, unknown][] = [
    ['configs.cm', cm],
    ...NOTIFICATION_MAPS.map((m) => [`notifications.${m}`, notifications[m]] as [string, unknown]),
  ];
  for (const [where, map] of keyed) {
    for (const k of isMap(map) ? Object.keys(map) : []) {
      if (/^[A-Za-z0-9._/-]+$/.test(k)) continue;
      const shown = JSON.stringify(k);
      report(
        'CG149',
        `${label} sets a key of ${where} with characters other than letters, digits, ".", "_", "/" and "-" (${shown.length > 40 ? `${shown.slice(0, 37)}…` : shown}): the chart writes it unquoted, where YAML could read it as another key.`,
        'Write the key as Argo CD names the setting.',
      );
    }
  }
  for (const [k, text] of Object.entries(cm)) if (isCredentialSetting(k)) settings.push([`configs.cm.${keyName(k)}`, text]);
  for (const m of NOTIFICATION_MAPS) {
    const entries = isMap(notifications[m]) ? notifications[m] : {};
    for (const [k, text] of Object.entries(entries)) settings.push([`notifications.${m}.${keyName(k)}`, text]);
  }
  for (const [path, text] of settings) {
    if (text === null || text === undefined || text === '') continue; // turned off
    const read = readSetting(text);
    if (read.problem !== undefined) {
      report(
        'CG149',
        `${label} sets ${path}, which cdk8s-gitops cannot read as Argo CD would: ${read.problem}, so what it holds is not known.`,
        'Write it as plain YAML: a map, each key once, no aliases.',
      );
      continue;
    }
    // As written, and with keys folded as Go matches them (an odd spelling is found by its folded path).
    const plain = findLiteralSecrets({ '': withoutReferences(read.value) } as Values);
    const seen = new Set(plain.map((f) => f.keyPath.toLowerCase()));
    const folded = findLiteralSecrets({ '': withoutReferences(foldedKeys(read.value)) } as Values).filter((f) => !seen.has(f.keyPath));
    for (const found of [...plain, ...folded, ...authorizationCredentials(read.value)]) {
      const inner = found.keyPath.replace(/^\.|^\[""\]\.?/, '');
      if (allowed.has(`${path}.${inner}`)) continue;
      problems.push(
        problem('CG120', {
          constructPath,
          message: `${label} sets ${path}, whose "${inner}" is ${found.what}, and values files are readable by everyone who can read the GitOps repository.`,
          fix: `Keep the secret in Argo CD's Secret and reference it: $<key> of argocd-secret (e.g. clientSecret: $oidc.clientSecret) or $<secret>:<key>; if it is no secret, add "${path}.${inner}" to allowLiteralSecrets.`,
        }),
      );
    }
  }
  return problems;
}

/**
 * CG149 for what the merged values of Argo CD's installation on one cluster hold: the chart's
 * `extraObjects`, objects cdk8s-gitops cannot check (argo-helm templates each one, and Argo CD
 * unpacks lists), which could register a cluster or repository outside the program or hold a
 * credential. Checked merged, so an installation may empty what a shared layer gives.
 */
export function argoCdMergedProblems(values: Values, constructPath: string): Problem[] {
  const extra = (values as Record<string, unknown>).extraObjects;
  const empty =
    extra === undefined ||
    extra === null ||
    (Array.isArray(extra) && extra.length === 0) ||
    (isMap(extra) && Object.keys(extra).length === 0);
  if (empty) return [];
  return [
    problem('CG149', {
      constructPath,
      message:
        "Argo CD's values set extraObjects, objects cdk8s-gitops cannot check (the chart templates each one): they could register a cluster or repository outside the program, or hold a credential.",
      fix: "Declare objects beside Argo CD in the program: a service with a rendered workload, or a cluster add-on, in their own namespace; or set extraObjects: [] in the installation's values.",
    }),
  ];
}

/** Values that are an HTTP authorization with its credential (`Bearer <token>`, `Basic <…>`), wherever they stand. */
function authorizationCredentials(value: unknown, path = ''): { keyPath: string; what: string }[] {
  if (typeof value === 'string') {
    // The scheme and one word, all of the value: prose or a template ("Bearer {{ .token }}") is none.
    return /^(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}$/i.test(value.trim())
      ? [{ keyPath: path, what: 'a literal HTTP authorization with its credential' }]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((x, i) => authorizationCredentials(x, `${path}[${i}]`));
  if (isMap(value)) return Object.entries(value).flatMap(([k, x]) => authorizationCredentials(x, path === '' ? k : `${path}.${k}`));
  return [];
}

/** Whether two keys of one map of `value` (at any depth) are one key as Go's JSON decoding folds them. */
function foldsTwice(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(foldsTwice);
  if (!isMap(value)) return false;
  const keys = Object.keys(value).map(foldKey);
  return new Set(keys).size !== keys.length || Object.values(value).some(foldsTwice);
}

/** A key as Go's JSON decoding matches it: Unicode case folding. */
function foldKey(k: string): string {
  return k
    .normalize('NFKC')
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .toLowerCase();
}

/**
 * A document's keys as Go's JSON decoding matches them to fields: without case (Unicode folding,
 * so `clientSecreT`, `clientſecret` are `clientsecret`). Which key names a secret is then told on
 * the folded key.
 */
function foldedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(foldedKeys);
  if (!isMap(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [foldKey(k), foldedKeys(x)]));
}

/** A key as a path shows it: quoted when it has a dot (`configs.cm."oidc.config"`). */
function keyName(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/**
 * One of Argo CD's YAML settings, read strictly: one document, a map, each key once, no alias,
 * no error or warning of the parser. Argo CD's parser may read a text this one would read
 * otherwise; such a text is refused, never passed unread.
 */
function readSetting(text: unknown): { value: unknown; problem?: undefined } | { problem: string; value?: undefined } {
  if (typeof text !== 'string') return { problem: 'it is not a text' };
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: true });
  } catch {
    return { problem: 'it does not parse as YAML' };
  }
  if (!Array.isArray(docs)) return { problem: 'it does not parse as YAML' };
  if (docs.length !== 1) return { problem: docs.length === 0 ? 'it is empty' : 'it holds more than one YAML document' };
  const doc = docs[0]!;
  if (doc.errors.length > 0 || doc.warnings.length > 0) return { problem: 'it does not parse as YAML (or gives a key twice)' };
  let aliases = false;
  visit(doc, {
    Alias() {
      aliases = true;
      return visit.BREAK;
    },
  });
  if (aliases) return { problem: 'it uses YAML aliases' };
  const value = doc.toJS();
  if (!isMap(value) && !Array.isArray(value)) return { problem: 'it is neither a YAML map nor a list' };
  if (foldsTwice(value)) return { problem: 'it gives a key twice, as Argo CD compares keys (in any case)' };
  return { value };
}

/**
 * `value` with references left out, which are no literal: Argo CD's to its Secrets (`$key`,
 * `$secret:key`), and a Dex setting's environment variable (`secretEnv: CLIENT_SECRET`, a name).
 */
function withoutReferences(value: unknown): unknown {
  if (typeof value === 'string') return /^\$[A-Za-z0-9._:-]+$/.test(value) ? '' : value;
  if (Array.isArray(value)) return value.map(withoutReferences);
  if (isMap(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        /env$/i.test(k) && typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? '' : withoutReferences(v),
      ]),
    );
  }
  return value;
}
