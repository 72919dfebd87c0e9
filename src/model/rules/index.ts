/**
 * The validations of the platform model: each a small named rule over the model alone, run on
 * every snapshot. Checks that need the constructs themselves (a target selected by two rings,
 * clusters of another platform, values schemas that run the program's code) are in
 * `constructs/construct-checks.ts`.
 *
 * @module
 */
import { Problem } from '../../core/errors';
import { problemsOfApplicationSetSizes, problemsOfWorkloadSetNames } from '../application-set-names';
import { targetClusters } from '../cluster-index';
import { PlatformModel } from '../platform-model';
import { problemsOfCollisions } from './collisions';
import { problemsOfKustomize } from './kustomize';
import { problemsOfMoves } from './moves';
import { problemsOfNames } from './names';
import { problemsOfOwnedKeys } from './owned-keys';
import { problemsOfSensitiveNamespaces } from './namespaces';
import { problemsOfRemovals } from './removals';
import { problemsOfServices } from './services';
import { problemsOfReconcilers } from './reconcilers';
import { problemsOfTeamSources } from './teams';

/** One validation of the platform model: the problems it finds, each with its code and where it is. */
export type ModelRule = (model: PlatformModel) => Problem[];

/** Every rule, by name, in the order their problems are reported. */
export const MODEL_RULES = {
  names: problemsOfNames,
  services: problemsOfServices,
  kustomize: problemsOfKustomize,
  sensitiveNamespaces: problemsOfSensitiveNamespaces,
  collisions: (model) => problemsOfCollisions(model, targetClusters(model)),
  ownedKeys: problemsOfOwnedKeys,
  applicationSetNames: (model) => problemsOfWorkloadSetNames(model, targetClusters(model)),
  applicationSetSizes: (model) => problemsOfApplicationSetSizes(model, targetClusters(model)),
  ringMoves: problemsOfMoves,
  removals: problemsOfRemovals,
  reconcilers: problemsOfReconcilers,
  teamSources: problemsOfTeamSources,
} as const satisfies Record<string, ModelRule>;

/** The name of a rule of {@link MODEL_RULES}. */
export type ModelRuleName = keyof typeof MODEL_RULES;
