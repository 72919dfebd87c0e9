import { Construct } from 'constructs';
import { problem, Problem } from '../core/errors';
import type { ResourceKind } from '../model/sync';
import type { Values } from '../model/values';
import { Cluster } from './cluster';
import { Environment } from './environment';
import { platformOf } from './platform-scope';
import { Targets } from './ring';
import { DeployOptions, ImageProps, NamedImageProps, Placement, Service } from './service';
import { Workload } from './workload';

/** Properties of a {@link ClusterAddon}. */
export interface ClusterAddonProps {
  /**
   * The chart: a Helm repository's (`Workload.helmRepositoryChart`), an OCI registry's
   * (`Workload.ociChart`) or a Git repository's (`Workload.helmChart`). Its version is part of
   * each ring's release, whatever the workload says: an upgrade moves ring by ring
   * (`promote <add-on> --ring <first> --chart-version 0.110.0 --digest sha256:…`).
   */
  readonly chart: Workload;
  /**
   * The image the chart runs, by digest (the chart's `image.repository` and `image.digest`
   * values), for a chart with one image. Give `image` or `images`.
   * @default - none: the add-on names its images (`images`)
   */
  readonly image?: ImageProps;
  /**
   * The images the chart runs, by name, each at its values key (e.g. cert-manager's
   * `webhook.image`). Give `image` or `images`.
   * @default - none: the add-on has one image (`image`)
   */
  readonly images?: Readonly<Record<string, NamedImageProps>>;
  /** Digest every ring starts with before the release ledger exists (one image). @default - none */
  readonly initialDigest?: string;
  /** The clusters it is installed on. @default Targets.all(): every cluster of the platform */
  readonly clusters?: Targets;
  /** Namespace it is installed into. @default - its name */
  readonly namespace?: string;
  /** Values for every cluster it is installed on (the add-on's layer, over platform, environment, cloud and cluster). @default {} */
  readonly values?: Values;
  /**
   * The cluster-scoped kinds it creates, exactly (e.g. `{ group: 'apiextensions.k8s.io', kind:
   * 'CustomResourceDefinition' }`, `{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }`):
   * its AppProject allows those and no other, never `*`.
   * @default [] - none
   */
  readonly clusterResources?: readonly ResourceKind[];
  /**
   * Namespaced kinds its AppProject lets it create that an environment's keeps out (RBAC
   * objects, network policies), e.g. `{ group: 'rbac.authorization.k8s.io', kind: 'Role' }`.
   * @default [] - none
   */
  readonly allowedNamespacedResources?: readonly ResourceKind[];
  /** It may be installed into a namespace of the cluster itself, such as `kube-system`. @default false */
  readonly allowSensitiveNamespace?: boolean;
  /**
   * Key paths at which its values may hold what CG120 takes for a literal secret (see
   * `ServiceProps.allowLiteralSecrets`).
   * @default - none: every literal secret is an error
   */
  readonly allowLiteralSecrets?: readonly string[];
}

/**
 * A cluster add-on: a third-party chart (an OpenTelemetry collector, cert-manager, an ingress
 * controller) installed on the clusters a selector picks, into its namespace, with values layered
 * like a service's (platform → environment → cloud → cluster → add-on, then
 * {@link ClusterAddon.valuesOn} per environment or cluster). Its release is its chart's version
 * and its images' digests, promoted through the rings of the clusters it is on with the same
 * rules as a service's (order, soak, approval, hold, rollback, history). Its Applications come
 * from ApplicationSets of its own (`addons-<env>-<add-on>`) under an AppProject of its own per
 * environment (`<env>-addon-<add-on>`) that allows exactly the kinds it declares.
 *
 * @example
 * new ClusterAddon(platform, 'otel-collector', {
 *   chart: Workload.helmRepositoryChart({
 *     repoURL: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
 *     chart: 'opentelemetry-collector',
 *     version: '0.110.0',
 *   }),
 *   image: { repository: 'otel/opentelemetry-collector-contrib' },
 *   namespace: 'observability',
 *   values: { mode: 'daemonset' },
 *   clusterResources: [
 *     { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
 *     { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
 *   ],
 * });
 */
export class ClusterAddon extends Service {
  /** The clusters it is installed on. */
  public readonly clusterSelector: Targets;

  constructor(scope: Construct, id: string, props: ClusterAddonProps) {
    super(scope, id, {
      ...(props.images === undefined ? { image: props.image } : { images: props.images }),
      ...(props.initialDigest === undefined ? {} : { initialDigest: props.initialDigest }),
      workload: props.chart instanceof Workload ? props.chart.withPromotedChart() : props.chart,
      ...(props.namespace === undefined ? {} : { namespace: props.namespace }),
      ...(props.values === undefined ? {} : { values: props.values }),
      ...(props.allowSensitiveNamespace === undefined ? {} : { allowSensitiveNamespace: props.allowSensitiveNamespace }),
      ...(props.allowLiteralSecrets === undefined ? {} : { allowLiteralSecrets: props.allowLiteralSecrets }),
    });
    this.clusterSelector = props.clusters ?? Targets.all();
    const problems: Problem[] = [];
    const kinds = (given: readonly ResourceKind[] | undefined, field: string): ResourceKind[] => {
      const out: ResourceKind[] = [];
      for (const [i, r] of (given ?? []).entries()) {
        const ok =
          r !== null &&
          typeof r === 'object' &&
          typeof r.group === 'string' &&
          typeof r.kind === 'string' &&
          /^[A-Za-z][A-Za-z0-9]*$/.test(r.kind) &&
          /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/.test(r.group);
        if (ok) out.push({ group: r.group, kind: r.kind });
        else
          problems.push(
            problem('CG148', {
              constructPath: this.node.path,
              message: `${field}[${i}] is not one kind of one API group (${JSON.stringify(r)}): an add-on's AppProject allows exactly the kinds it names, never a pattern.`,
              fix: "Name each kind: { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' } ('' for the core group).",
            }),
          );
      }
      return out;
    };
    if (!(props.chart instanceof Workload)) {
      problems.push(
        problem('CG148', {
          constructPath: this.node.path,
          message: `The add-on's chart is ${props.chart === undefined ? 'missing' : 'not a Workload'}: a chart read at a moving branch would move without a promotion.`,
          fix: 'Give chart: Workload.helmRepositoryChart({ repoURL, chart, version }) or Workload.ociChart({ repoURL, version }).',
        }),
      );
    } else if (this.workload.spec.kind !== 'helm') {
      problems.push(
        problem('CG148', {
          constructPath: this.node.path,
          message: 'An add-on installs a Helm chart; its chart is not one.',
          fix: 'Give chart: Workload.helmRepositoryChart({ … }), Workload.ociChart({ … }) or Workload.helmChart({ … }).',
        }),
      );
    }
    this.addon = {
      clusterResources: kinds(props.clusterResources, 'clusterResources'),
      allowedNamespacedResources: kinds(props.allowedNamespacedResources, 'allowedNamespacedResources'),
    };
    platformOf(this).report(problems);
  }

  /** Every cluster of the platform its selector picks. */
  public override get placements(): Placement[] {
    return platformOf(this)
      .node.findAll()
      .filter((c): c is Cluster => c instanceof Cluster && platformOf(c) === platformOf(this))
      .filter((cluster) => this.clusterSelector.matches({ environment: cluster.environment, cluster, cloud: cluster.cloud }))
      .map((cluster) => ({ service: this, cluster }));
  }

  /**
   * @internal CG148 for an add-on its selector puts on no cluster, and for values given (with
   * {@link ClusterAddon.valuesOn}) where it is on no cluster: they would reach no file.
   */
  public placementProblems(): Problem[] {
    const clusters = this.placements.map((p) => p.cluster);
    const report = (message: string, fix: string): Problem => problem('CG148', { constructPath: this.node.path, message, fix });
    const problems: Problem[] = [];
    if (clusters.length === 0) {
      problems.push(
        report(
          `The add-on's clusters selector (${this.clusterSelector.description}) picks no cluster: it would be installed nowhere.`,
          'Select the clusters it runs on, e.g. clusters: Targets.all() or Targets.environment(prod).',
        ),
      );
    }
    for (const [target] of this.deployments) {
      const on = target instanceof Cluster ? clusters.includes(target) : clusters.some((c) => c.environment === target);
      if (!on && clusters.length > 0) {
        const where = target instanceof Cluster ? `cluster ${target.qualifiedName}` : `environment ${target.name}`;
        problems.push(
          report(
            `valuesOn(${where}) gives values where the add-on is on no cluster (${this.clusterSelector.description}): they would reach no file.`,
            `Give values where the add-on runs, or select ${where} in its clusters.`,
          ),
        );
      }
    }
    return problems;
  }

  /**
   * Values for the add-on in an environment or on a cluster (the service × environment or × cluster
   * layer); where it is installed is its `clusters` selector's to say.
   */
  public valuesOn(target: Environment | Cluster | readonly (Environment | Cluster)[], values: Values): this {
    super.deployTo(target, { values });
    return this;
  }

  /** An add-on is installed where its `clusters` selector says (CG148): give values with {@link ClusterAddon.valuesOn}. */
  public override deployTo(_target: Environment | Cluster | readonly (Environment | Cluster)[], _options: DeployOptions = {}): this {
    platformOf(this).report([
      problem('CG148', {
        constructPath: this.node.path,
        message: 'deployTo was called on an add-on, which is installed on the clusters its `clusters` selector picks.',
        fix: 'Select its clusters with clusters: Targets.environment(…) (or .cluster, .cloud, .label), and give values with valuesOn(env or cluster, values).',
      }),
    ]);
    return this;
  }
}
