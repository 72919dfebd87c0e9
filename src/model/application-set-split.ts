/**
 * How an environment's ApplicationSets are grouped: one per shape for the whole environment
 * while it fits its control plane's cap, or one per cluster whatever the count.
 *
 * @module
 */

/**
 * How an environment's ApplicationSets are grouped (`Environment`'s `applicationSets`).
 *
 * Which ApplicationSet generates an Application cannot change without Argo CD deleting it (with
 * what it runs) before the other set creates it again. An environment over its control plane's
 * `maxApplicationsPerApplicationSet` is split by cluster, and one that falls under the cap again
 * would be joined again: {@link ApplicationSetSplit.PER_CLUSTER} keeps it split, so that the
 * count crossing the cap back and forth moves nothing.
 */
export enum ApplicationSetSplit {
  /** One ApplicationSet per shape for the environment; split by cluster only while one would generate more Applications than the cap. */
  AUTO = 'auto',
  /** ApplicationSets of their own for every cluster (`workloads-<env>-<cloud>-<cluster>`), whatever the count. */
  PER_CLUSTER = 'perCluster',
}

/** The values of {@link ApplicationSetSplit}, as a program may give them. */
const SPLITS: readonly string[] = Object.values(ApplicationSetSplit);

/** Why `value` is no {@link ApplicationSetSplit}, or undefined when it is one. */
export function applicationSetSplitProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && SPLITS.includes(value)) return undefined;
  return `${JSON.stringify(value) ?? String(value)} is not one of ${SPLITS.map((s) => `'${s}'`).join(', ')}`;
}
