/**
 * Facts of a whole platform that a model holding only some of its services cannot work out: a
 * model read back from a tree's release model (`.cdk8s-gitops/model/`) carries them as the
 * whole model gave them when the tree was written.
 *
 * @module
 */
import type { PlatformModel } from './platform-model';

/** What a ring may run: see `ringPolicies` in `./versions`. */
export interface RecordedRingPolicy {
  /** Whether the ring takes digests only. */
  readonly requireDigest: boolean;
}

/** The facts of the whole platform a model of some of its services carries. */
export interface FleetFacts {
  /** What each ring may run, by ring name, as the whole model's targets decide it. */
  readonly ringPolicies: Readonly<Record<string, RecordedRingPolicy>>;
  /** The environments whose Helm ApplicationSets read release files (see `readsReleaseFiles`), sorted. */
  readonly releaseFileEnvironments: readonly string[];
}

const FACTS = new WeakMap<PlatformModel, FleetFacts>();

/** Gives a model of some of a platform's services the facts of the whole platform; returns the model. */
export function withFleetFacts<M extends PlatformModel>(model: M, facts: FleetFacts): M {
  FACTS.set(model, facts);
  return model;
}

/** The facts of the whole platform a partial model carries; undefined for a whole model. */
export function fleetFactsOf(model: PlatformModel): FleetFacts | undefined {
  return FACTS.get(model);
}
