/**
 * Application-controller sharding of a self-managed Argo CD: the shard each cluster's declarative
 * Secret names (`shard`), and the replica count that bounds it.
 *
 * @module
 */
import { Problem, problem } from '../core/errors';
import type { Cluster } from './cluster';
import type { ControlPlane } from './control-plane';

/** The bound of replica counts and shards: far above any fleet's, and written as Argo CD parses it (never `1e+21`). */
const MAX = 1_000_000;

/** A declared value as a message shows it: a number as JavaScript prints it (`NaN`, `1.5`), anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

/** Why `value` is no replica count (a whole number from 1), or undefined when it is one. */
function replicasProblem(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX
    ? undefined
    : 'is not a whole number from 1 to 1,000,000';
}

/** Why `value` is no shard (a whole number from 0, below `replicas` when given), or undefined when it is one. */
function shardProblem(value: unknown, replicas: number | undefined): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= MAX)
    return 'is not a whole number from 0 below 1,000,000';
  if (replicas === undefined)
    return "is declared, but its control plane declares no usable controllerReplicas: declare how many application-controller replicas run, which every shard must be below (Argo CD's chart runs 1 unless told)";
  if (value >= replicas)
    return `is not below the control plane's controllerReplicas (${replicas}), so no controller replica would reconcile it`;
  return undefined;
}

/** `value` as Argo CD's cluster Secret takes it (`shard`, a decimal string), or undefined when it is no usable shard. */
export function shardOf(cluster: Cluster): string | undefined {
  const cp = cluster.environment.controlPlane;
  const replicas = replicasProblem(cp.controllerReplicas) === undefined ? cp.controllerReplicas : undefined;
  const value = cluster.controllerShard ?? cp.controllerShard;
  return value === undefined || shardProblem(value, replicas) !== undefined ? undefined : String(value);
}

/** The replica count a control plane declares for its application controller, when it is usable. */
export function controllerReplicasOf(cp: ControlPlane): number | undefined {
  return cp.controllerReplicas !== undefined && replicasProblem(cp.controllerReplicas) === undefined ? cp.controllerReplicas : undefined;
}

/**
 * CG154: controller replicas or shards that are not whole numbers, a shard not below the replica
 * count, and sharding declared where no {@link SelfManagedArgoCd} writes the cluster Secrets (it
 * would have no effect).
 *
 * @param selfManaged the control planes a SelfManagedArgoCd installs Argo CD on
 */
export function problemsOfControllerShards(
  controlPlanes: readonly ControlPlane[],
  clusters: readonly Cluster[],
  selfManaged: ReadonlySet<ControlPlane>,
): Problem[] {
  const problems: Problem[] = [];
  const report = (constructPath: string, message: string): void => {
    problems.push(problem('CG154', { constructPath, message }));
  };
  const unmanaged = (cp: ControlPlane): string =>
    `control plane "${cp.node.id}" is not managed by a SelfManagedArgoCd, so no declarative cluster Secret carries it`;
  for (const cp of controlPlanes) {
    if (cp.controllerReplicas !== undefined) {
      const why = replicasProblem(cp.controllerReplicas);
      if (why !== undefined)
        report(cp.node.path, `controllerReplicas ${shown(cp.controllerReplicas)} of control plane "${cp.node.id}" ${why}.`);
      else if (!selfManaged.has(cp)) report(cp.node.path, `controllerReplicas is declared, but ${unmanaged(cp)}.`);
    }
    if (cp.controllerShard !== undefined) {
      const why = shardProblem(cp.controllerShard, controllerReplicasOf(cp));
      if (why !== undefined) report(cp.node.path, `controllerShard ${shown(cp.controllerShard)} of control plane "${cp.node.id}" ${why}.`);
      else if (!selfManaged.has(cp)) report(cp.node.path, `controllerShard is declared, but ${unmanaged(cp)}.`);
    }
  }
  for (const cluster of clusters) {
    if (cluster.controllerShard === undefined) continue;
    const cp = cluster.environment.controlPlane;
    const why = shardProblem(cluster.controllerShard, controllerReplicasOf(cp));
    if (why !== undefined) {
      report(cluster.node.path, `controllerShard ${shown(cluster.controllerShard)} of cluster ${cluster.qualifiedName} ${why}.`);
    } else if (!selfManaged.has(cp)) {
      report(cluster.node.path, `controllerShard of cluster ${cluster.qualifiedName} is declared, but ${unmanaged(cp)}.`);
    }
  }
  return problems;
}
