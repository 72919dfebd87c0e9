/**
 * How a construct finds the {@link Platform} it belongs to. Constructs import this, not the
 * Platform class, so that the Platform (which takes the snapshot of every construct kind) is
 * the only module that knows them all.
 *
 * @module
 */
import { IConstruct } from 'constructs';
import { GitOpsError } from '../core/errors';
import type { Platform } from './platform';

/** Marks a Platform, for every copy of the SDK a program loads. */
export const PLATFORM_SYMBOL = Symbol.for('cdk8s-gitops.Platform');

/** The platform a construct belongs to; fails (CG100) with the construct's path if none. */
export function platformOf(construct: IConstruct): Platform {
  const found = construct.node.scopes.find((s) => (s as unknown as Record<symbol, unknown>)[PLATFORM_SYMBOL] === true);
  if (!found) {
    throw GitOpsError.of('CG100', {
      constructPath: construct.node.path,
      message: `Construct "${construct.node.path}" is not inside a Platform.`,
    });
  }
  return found as Platform;
}

/**
 * The id a construct of `kind` takes in `scope`: `id`, unless it is empty or taken, which is
 * recorded as a problem of the platform (see {@link Platform.claimId}). Used in constructors.
 * @internal
 */
export function freeId(scope: IConstruct, id: string, kind: string): string {
  return platformOf(scope).claimId(scope, id, kind);
}
