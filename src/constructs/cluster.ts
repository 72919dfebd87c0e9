import { Construct } from 'constructs';
import { freeId, platformOf } from './platform-scope';
import { Values } from '../model/values';
import { Cloud } from './cloud';
import { Environment } from './environment';
import { problemsOfValues } from './values-check';
import { ClusterCredentials } from './cluster-credentials';

/** Properties of a {@link Cluster}. */
export interface ClusterProps {
  /** The cloud it runs in. */
  readonly cloud: Cloud;
  /** The cloud region, e.g. `westeurope`; filled into `global.region`. */
  readonly region: string;
  /** Its name in paths and labels. @default - the construct id */
  readonly name?: string;
  /**
   * The name it is registered under in Argo CD (the Application destination).
   * @default `<cloud>-<name>`, e.g. `azure-westeurope-01`
   */
  readonly destination?: string;
  /** Labels that promotion rings may select on (`Targets.label`). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Values for every target on this cluster. @default {} */
  readonly values?: Values;
  /**
   * URL of its Kubernetes API server, for its declarative cluster Secret when a
   * {@link SelfManagedArgoCd} manages its control plane.
   * @default - none: the cluster is registered in Argo CD some other way, or is where its Argo CD runs
   */
  readonly server?: string;
  /**
   * How its control plane's Argo CD reaches it, for its declarative cluster Secret: referenced,
   * never literal.
   * @default - none: the cluster is registered in Argo CD some other way, or is where its Argo CD runs
   */
  readonly credentials?: ClusterCredentials;
  /**
   * The application-controller shard that reconciles its Applications (`shard` of its declarative
   * cluster Secret), when a {@link SelfManagedArgoCd} manages its control plane: a whole number
   * from 0, below the control plane's `controllerReplicas` when it declares them.
   * @default - the control plane's controllerShard, else none: Argo CD's controller assigns it
   */
  readonly controllerShard?: number;
}

/**
 * A Kubernetes cluster of an environment, registered in that environment's Argo CD.
 * Its directory is `environments/<env>/<cloud>/<name>/`.
 *
 * @example
 * new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
 */
export class Cluster extends Construct {
  /** The environment it belongs to. */
  public readonly environment: Environment;
  /** The cloud it runs in. */
  public readonly cloud: Cloud;
  /** Its name in paths and labels. */
  public readonly name: string;
  /** The cloud region (`global.region` in values). */
  public readonly region: string;
  /** The name it is registered under in Argo CD (the Application destination). */
  public readonly destination: string;
  /** Labels promotion rings may select on. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Values for every target on this cluster. */
  public readonly values: Values;
  /** URL of its Kubernetes API server, if given. */
  public readonly server?: string;
  /** How its control plane's Argo CD reaches it, if given. */
  public readonly credentials?: ClusterCredentials;
  /** The application-controller shard it declares, if any. */
  public readonly controllerShard?: number;

  constructor(scope: Environment, id: string, props: ClusterProps) {
    super(scope, freeId(scope, id, 'Cluster'));
    this.environment = scope;
    this.cloud = props.cloud;
    this.name = props.name ?? id;
    this.region = props.region;
    this.destination = props.destination ?? `${props.cloud.name}-${this.name}`;
    this.labels = props.labels ?? {};
    this.values = props.values ?? {};
    this.server = props.server;
    this.credentials = props.credentials;
    this.controllerShard = props.controllerShard;
    const problems = problemsOfValues(this.values, this.node.path, 'values');
    platformOf(this).report(problems);
  }

  /** `<environment>/<cloud>/<name>`: the cluster's directory below the environments dir. */
  public get qualifiedName(): string {
    return `${this.environment.name}/${this.cloud.name}/${this.name}`;
  }
}
