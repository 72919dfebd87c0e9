import type { Chart } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { MANAGED_BY } from '../model/argo-object';
import { Problem, problem } from '../core/errors';
import { NamespaceBaselineModel } from '../model/platform-model';
import { cdk8sPlusLibrary } from '../core/heavy-packages';

/** CPU and memory of a container, as Kubernetes quantities (`500m`, `1Gi`). */
export interface ContainerResources {
  /** @default - not set */
  readonly cpu?: string;
  /** @default - not set */
  readonly memory?: string;
}

/** Per-container bounds of a namespace's LimitRange. */
export interface ContainerLimits {
  /** Requests of a container that sets none. @default - none */
  readonly defaultRequest?: ContainerResources;
  /** Limits of a container that sets none. @default - none */
  readonly defaultLimit?: ContainerResources;
  /** The most a container may ask for. @default - no maximum */
  readonly max?: ContainerResources;
}

/** Properties of {@link NamespaceBaseline.standard}. */
export interface StandardBaselineProps {
  /**
   * The namespace's ResourceQuota (`spec.hard`), e.g.
   * `{ 'requests.cpu': '8', 'requests.memory': '16Gi', 'limits.memory': '32Gi', pods: '60' }`.
   */
  readonly quota: Readonly<Record<string, string>>;
  /** The namespace's LimitRange for containers. */
  readonly limits: ContainerLimits;
  /** Labels on the Namespace, besides `app.kubernetes.io/managed-by`. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The default-deny NetworkPolicy denies egress too, not only ingress. Pods then reach nothing,
   * not even DNS, unless a policy allows it.
   * @default false
   */
  readonly denyEgress?: boolean;
}

/** Where a baseline is rendered: one target's namespace. */
export interface BaselineTarget {
  readonly namespace: string;
  readonly service: string;
  readonly environment: string;
}

/**
 * What every service namespace of an environment starts with, deployed by the target's own
 * Application: the Namespace (with labels), a ResourceQuota and a LimitRange named `baseline`,
 * and a NetworkPolicy `default-deny`. Rendered with cdk8s-plus-28 per target.
 *
 * Where it goes: for a rendered service, next to its objects; for a Helm service, in
 * `<target>/baseline/`, one level deeper than the ApplicationSet's generator glob (so it never
 * becomes an Application of its own), added to the Application as a directory source. Because
 * the Application now holds the Namespace, its sync options leave out `CreateNamespace=true`,
 * and the environment's AppProject allows the cluster-scoped kind `Namespace`, by name, for its
 * services' namespaces only. Where Flux reconciles the environment, in each service's file of
 * the cluster's entry point, which Flux's own Kustomization applies.
 *
 * @example
 * new Environment(platform, 'prod', {
 *   namespaceBaseline: NamespaceBaseline.standard({
 *     quota: { 'requests.cpu': '8', 'requests.memory': '16Gi', pods: '60' },
 *     limits: { defaultRequest: { cpu: '100m', memory: '128Mi' }, defaultLimit: { memory: '512Mi' } },
 *   }),
 * });
 */
export class NamespaceBaseline {
  /** Namespace, ResourceQuota, LimitRange and a default-deny NetworkPolicy. */
  public static standard(props: StandardBaselineProps): NamespaceBaseline {
    const problems: Problem[] = [];
    const bad = (message: string, fix: string): void => {
      problems.push(problem('CG136', { message, fix }));
    };
    if (!props || typeof props.quota !== 'object' || Object.keys(props.quota).length === 0) {
      bad(
        'NamespaceBaseline.standard needs a quota with at least one resource.',
        "Pass e.g. quota: { 'requests.cpu': '8', 'requests.memory': '16Gi' }.",
      );
    } else {
      for (const [k, v] of Object.entries(props.quota)) {
        if (typeof v !== 'string' || v.trim() === '')
          bad(`quota "${k}" is ${JSON.stringify(v)}, not a quantity.`, "Give quantities as strings, e.g. '8', '500m', '16Gi'.");
      }
    }
    const limits = props?.limits;
    const parts = limits ? [limits.defaultRequest, limits.defaultLimit, limits.max].filter((p) => p !== undefined) : [];
    if (parts.length === 0) {
      bad(
        'NamespaceBaseline.standard needs limits with defaultRequest, defaultLimit or max.',
        "Pass e.g. limits: { defaultRequest: { cpu: '100m', memory: '128Mi' } }.",
      );
    }
    for (const p of parts) {
      for (const [k, v] of Object.entries(p!)) {
        if (typeof v !== 'string' || v.trim() === '')
          bad(`limits ${k} is ${JSON.stringify(v)}, not a quantity.`, "Give quantities as strings, e.g. '500m', '1Gi'.");
      }
    }
    return new NamespaceBaseline('standard', props, problems);
  }

  private constructor(
    private readonly kind: string,
    private readonly props: StandardBaselineProps,
    /**
     * What is wrong with the baseline (`CG136`); the environment it is given to reports it.
     * @internal
     */
    public readonly problems: readonly Problem[] = [],
  ) {}

  /** @internal The baseline as the model records it. */
  public toModel(): NamespaceBaselineModel {
    return { kind: this.kind, settings: JSON.parse(JSON.stringify(this.props)) };
  }

  /**
   * @internal Builds the baseline of one target's namespace into `chart`. cdk8s-plus-28 is
   * loaded here, when a baseline is first rendered.
   */
  public build(chart: Chart, target: BaselineTarget): void {
    const { k8s, Namespace } = cdk8sPlusLibrary();
    const p = this.props;
    new Namespace(chart, 'namespace', {
      metadata: { name: target.namespace, labels: { ...MANAGED_BY, ...(p.labels ?? {}) } },
    });
    new k8s.KubeResourceQuota(chart, 'quota', {
      metadata: { name: 'baseline', namespace: target.namespace },
      spec: { hard: quantities(k8s.Quantity, p.quota) },
    });
    const limit = (r: ContainerResources | undefined) =>
      r ? quantities(k8s.Quantity, { ...(r.cpu ? { cpu: r.cpu } : {}), ...(r.memory ? { memory: r.memory } : {}) }) : undefined;
    new k8s.KubeLimitRange(chart, 'limits', {
      metadata: { name: 'baseline', namespace: target.namespace },
      spec: {
        limits: [
          {
            type: 'Container',
            default: limit(p.limits.defaultLimit),
            defaultRequest: limit(p.limits.defaultRequest),
            max: limit(p.limits.max),
          },
        ],
      },
    });
    new k8s.KubeNetworkPolicy(chart, 'default-deny', {
      metadata: { name: 'default-deny', namespace: target.namespace },
      spec: { podSelector: {}, policyTypes: p.denyEgress ? ['Ingress', 'Egress'] : ['Ingress'] },
    });
  }
}

function quantities(quantity: typeof k8s.Quantity, m: Readonly<Record<string, string>>): Record<string, k8s.Quantity> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, quantity.fromString(v)]));
}
