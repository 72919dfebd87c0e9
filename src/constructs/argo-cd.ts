import { Construct } from 'constructs';
import { problem, Problem } from '../core/errors';
import { isLabelKey, isLabelValue } from '../core/kube-names';
import { isMap } from '../core/plain';
import { IN_CLUSTER_SERVER } from '../model/argo-object';
import type { KubeObjectModel } from '../model/platform-model';
import type { Values } from '../model/values';
import { ClusterAddon } from './addon';
import { argoCdValues, clusterObject, ManagedCluster, repositoryObject, RepositoryCredentialsInput } from './argo-cd-config';
import { Cluster } from './cluster';
import { ClusterCredentials, RemoteSecretReference, SecretStoreReference } from './cluster-credentials';
import type { ControlPlane } from './control-plane';
import { Environment } from './environment';
import { platformOf } from './platform-scope';
import { Duration, Targets } from './ring';
import { Workload } from './workload';

/** The image Argo CD's chart runs (`global.image.repository`). */
export const ARGO_CD_IMAGE = 'quay.io/argoproj/argocd';

/** The settings of Argo CD's chart the program declares itself (clusters, repositories, credentials): never values. */
const DECLARED_CONFIGS = ['clusterCredentials', 'credentialTemplates', 'repositories', 'secret'] as const;

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
   * clusters it cannot register, groups that would break the RBAC policy, settings the program
   * declares itself.
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
    for (const [key, value] of Object.entries(this.values)) {
      if (key !== 'configs' || !isMap(value)) continue;
      for (const c of DECLARED_CONFIGS) {
        if (Object.hasOwn(value, c)) {
          report(
            `values set configs.${c}, which the program declares (cluster and repository Secrets, with credentials referenced, never literal).`,
            'Declare clusters with server and credentials (ClusterCredentials), and the repository credentials with repositoryCredentials; remove configs.' +
              c +
              '.',
          );
        }
      }
    }
    for (const group of this.admins) this.checkGroup(group, 'admins', this.node.path, report);
    for (const [cp, home] of byControlPlane) {
      for (const env of this.environmentsOf(cp)) {
        for (const role of env.roles) for (const g of role.groups ?? []) this.checkGroup(g, `role ${role.name}`, env.node.path, report);
        for (const cluster of clustersOf(env)) {
          if (cluster === home) continue;
          problems.push(...this.clusterProblems(cluster, cp));
        }
      }
    }
    return problems;
  }

  /** The values generated for the control plane that runs on `cluster`. @internal */
  public generatedValuesOn(cluster: Cluster): { label: string; values: Values } | undefined {
    if (!this.runsOn.includes(cluster)) return undefined;
    const cp = cluster.environment.controlPlane;
    const projectRoles = this.environmentsOf(cp).flatMap((env) => env.roles.map((role) => ({ project: env.name, role })));
    return {
      label: `Argo CD of control plane ${cp.node.id}`,
      values: argoCdValues(this.reconciliationSeconds, { admins: this.admins, projectRoles }),
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
            store: { name: creds.store?.name, kind: creds.store?.kind ?? 'ClusterSecretStore' },
            refreshInterval: creds.refreshInterval ?? '1h',
            fields: (['username', 'password', 'sshPrivateKey'] as const).flatMap((field) => {
              const ref = creds[field];
              return ref === undefined
                ? []
                : [{ field, ref: { key: ref.key, ...(ref.property === undefined ? {} : { property: ref.property }) } }];
            }),
          };
    return [...managed.map((m) => clusterObject(m, namespace)), repositoryObject(platformOf(this).repoURL, namespace, repository)];
  }

  private environmentsOf(cp: ControlPlane): Environment[] {
    return platformOf(this)
      .node.findAll()
      .filter((c): c is Environment => c instanceof Environment && c.controlPlane === cp);
  }

  private checkGroup(group: unknown, where: string, at: string, report: (m: string, f: string, at?: string) => void): void {
    if (typeof group === 'string' && group.trim() === group && group !== '' && !/[,\n\r#"]/.test(group)) return;
    report(
      `${where} names the group ${JSON.stringify(group)}, which cannot be written into Argo CD's RBAC policy (policy.csv): a group is one line of text without commas, quotes or "#", nor spaces around it.`,
      'Give the group as the identity provider names it.',
      at,
    );
  }

  private clusterProblems(cluster: Cluster, cp: ControlPlane): Problem[] {
    const problems: Problem[] = [];
    const constructPath = cluster.node.path;
    const report = (message: string, fix: string): void => {
      problems.push(problem('CG149', { constructPath, message, fix }));
    };
    const server = cluster.server;
    if (server === undefined) {
      report(
        `Cluster ${cluster.qualifiedName} is managed by control plane ${cp.node.id}, whose Argo CD ${this.node.id} registers its clusters, but it has no server.`,
        "Give the cluster server: 'https://…' (its API server URL) and credentials: ClusterCredentials.…(…).",
      );
    } else if (
      typeof server !== 'string' ||
      !/^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/.test(server) ||
      server === IN_CLUSTER_SERVER
    ) {
      report(
        `Cluster ${cluster.qualifiedName} gives server ${JSON.stringify(server)}, which is not the https URL of another cluster's API server.`,
        "Give server: 'https://<host>[:port]' without user, query or fragment; the cluster the control plane runs on is in its runsOn and needs none.",
      );
    }
    if (!(cluster.credentials instanceof ClusterCredentials)) {
      report(
        cluster.credentials === undefined
          ? `Cluster ${cluster.qualifiedName} is managed by control plane ${cp.node.id}, whose Argo CD ${this.node.id} registers its clusters, but it has no credentials.`
          : `Cluster ${cluster.qualifiedName} gives credentials that are not a ClusterCredentials: a literal token or config is refused, as everyone who can read the GitOps repository could read it.`,
        'Reference them: ClusterCredentials.awsIam({ … }), ClusterCredentials.exec({ command: "argocd-k8s-auth", … }) or ClusterCredentials.externalSecret({ store, config: { key } }).',
      );
    } else {
      problems.push(...cluster.credentials.problemsAt(constructPath));
    }
    for (const [key, value] of Object.entries(cluster.labels)) {
      if (isLabelKey(key) && isLabelValue(value)) continue;
      report(
        `Cluster ${cluster.qualifiedName} has the label ${JSON.stringify(key)}=${JSON.stringify(value)}, which its cluster Secret cannot carry (not a Kubernetes label).`,
        'Give labels Kubernetes accepts: a key of at most 63 characters (with an optional DNS prefix), a value of at most 63.',
      );
    }
    return problems;
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
    ...(home || !(c.credentials instanceof ClusterCredentials) ? {} : { credentials: c.credentials.spec }),
  };
}
