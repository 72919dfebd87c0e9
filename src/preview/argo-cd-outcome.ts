import { ApplicationSetInput, GeneratedApplication, GeneratedAt, generateApplications, RepositorySource } from './expand';
import { apiServerRejection, ApiServerRejection, FieldError } from './api-server-validation';
import { sortByGoKey } from './go-strings';
import { PreviewCode } from './problems';
import { isMap } from '../core/plain';

/*
 * Which generated Applications Argo CD creates, and what it reports for the others. Read from
 * the ApplicationSet controller (`applicationset/controllers/applicationset_controller.go`):
 *
 * - `validateGeneratedApplications` walks an ApplicationSet's Applications in the order its
 *   generators made them; the first of each name passes, every later one gets the error
 *   `ApplicationSet <set> contains applications with duplicate name: <name>` and is left out.
 *   The ApplicationSet gets the condition `ErrorOccurred` (status True) with reason
 *   `ApplicationValidationError`, and its message is the last error, with ` (and N more)` when
 *   there are several.
 * - `createOrUpdateInCluster` then creates (or updates) each remaining Application, goes on past
 *   one that fails, and reports the first failure as the condition `ErrorOccurred` with reason
 *   `UpdateApplicationError` (`CreateApplicationError` under the `create-only` and
 *   `create-delete` policies). Two failures are foreseeable offline:
 *   - the API server refuses the Application's metadata (a name that is not a lower-case RFC 1123
 *     subdomain, a name over 253 characters, a bad label): `Application.argoproj.io "<name>" is
 *     invalid: …`;
 *   - another ApplicationSet already owns an Application of that namespace and name
 *     (controller-runtime's `SetControllerReference`): `Object <namespace>/<name> is already
 *     owned by another ApplicationSet controller <owner>`.
 *   After such a failure the reconcile ends before `deleteInCluster`: the ApplicationSet deletes
 *   none of its Applications until every create succeeds.
 *
 * Which of two ApplicationSets owns an Application neither owned before depends on which the
 * controller reconciles first; the preview gives it to the one whose file comes first (or to
 * its owner, when the caller knows who owns it already). What needs the cluster (the project
 * exists, the destination is known, the project permits the source) is not checked.
 */

/** The reason of the ApplicationSet condition under which Argo CD reports an Application it does not create. */
export type NotCreatedReason = 'ApplicationValidationError' | 'UpdateApplicationError' | 'CreateApplicationError';

/** An ApplicationSet to preview and the repository file it came from. */
export interface ApplicationSetSource {
  readonly object: ApplicationSetInput;
  readonly file: string;
}

/** A generated Application, its ApplicationSet, and the parameter set it comes from. */
export interface PreviewedApplication {
  readonly app: GeneratedApplication;
  readonly applicationSet: string;
  readonly file: string;
  /** The parameter set: `directory "…"` or `file "…"`. */
  readonly at: string;
}

/** A generated Application that Argo CD does not create, with what Argo CD reports. */
export interface NotCreatedApplication extends PreviewedApplication {
  /** `CG707` (a duplicate name, or owned by another ApplicationSet) or `CG710` (refused by the API server). */
  readonly code: typeof PreviewCode.DUPLICATE_APPLICATION | typeof PreviewCode.INVALID_APPLICATION;
  /** The reason of the ApplicationSet's `ErrorOccurred` condition. */
  readonly reason: NotCreatedReason;
  /** The error as Argo CD reports it in the condition's message and its log. */
  readonly message: string;
  /** For `CG710`: the API server's causes, one per field error. */
  readonly causes?: readonly FieldError[];
  /** For an Application another ApplicationSet owns: that ApplicationSet. */
  readonly ownedBy?: string;
}

/** What Argo CD makes of the Applications of some ApplicationSets. */
export interface ApplicationSetsPreview {
  /** The Applications Argo CD creates, sorted by name (namespace, then name). */
  readonly created: readonly PreviewedApplication[];
  /**
   * The Applications it does not create: first those of each ApplicationSet that are duplicates
   * or that the API server refuses, in the order of the ApplicationSets and their generators;
   * then those another ApplicationSet owns.
   */
  readonly notCreated: readonly NotCreatedApplication[];
}

/** Options for {@link previewApplicationSets} and {@link judgeApplications}. */
export interface JudgeOptions {
  /**
   * The ApplicationSet that owns each Application already, by `namespace/name`: it keeps it
   * while it generates it, whichever ApplicationSet comes first.
   * @default - none: the first ApplicationSet that generates an Application owns it
   */
  readonly owners?: ReadonlyMap<string, string>;
  /**
   * The control plane (the Argo CD) an ApplicationSet's file belongs to. Each control plane
   * runs its own Argo CD, so ApplicationSets of two control planes may generate the same
   * Application name without taking it from each other.
   * @default - one control plane for every file
   */
  readonly controlPlaneOf?: (file: string) => string;
}

/**
 * The key of an Application in a preview of several control planes: `namespace/name`, and
 * ` in <control plane>` where another control plane creates an Application of the same key.
 */
export function planeKey(key: string, plane: string, shared: boolean): string {
  return shared ? `${key} in ${plane}` : key;
}

/** The key of an Application: `namespace/name`. */
export function applicationKey(app: GeneratedApplication): string {
  return `${app.metadata.namespace ?? ''}/${app.metadata.name}`;
}

/**
 * Expands each ApplicationSet over `source` and tells which Applications Argo CD creates and
 * which it does not, with the error it reports for each (see {@link judgeApplications}).
 *
 * @throws GitOpsError with the problems of an ApplicationSet or its templates (`CG701`–`CG706`,
 * `CG708`, `CG709`, `CG711`): Argo CD generates nothing from such an ApplicationSet.
 */
export function previewApplicationSets(
  sets: readonly ApplicationSetSource[],
  source: RepositorySource,
  options: JudgeOptions = {},
): ApplicationSetsPreview {
  return judgeApplications(
    sets.map((set) => ({ set, apps: generateApplications(set.object, source, { file: set.file }) })),
    options,
  );
}

/**
 * Tells which of the generated Applications Argo CD creates: within an ApplicationSet the first
 * of each name (the others are duplicates, `ApplicationValidationError`); then those the API
 * server accepts (else `UpdateApplicationError` with its message); then, of an Application two
 * ApplicationSets generate, the one of its owner (the other cannot take it over).
 */
export function judgeApplications(
  generated: ReadonlyArray<{ readonly set: ApplicationSetSource; readonly apps: readonly GeneratedAt[] }>,
  options: JudgeOptions = {},
): ApplicationSetsPreview {
  const notCreated: NotCreatedApplication[] = [];
  const claims = new Map<string, Array<PreviewedApplication & { reason: NotCreatedReason }>>();
  for (const { set, apps } of generated) {
    const applicationSet = set.object.metadata?.name ?? '';
    const reason = failureReason(set.object);
    const names = new Set<string>();
    for (const { app, at } of apps) {
      const previewed = { app, applicationSet, file: set.file, at };
      if (names.has(app.metadata.name)) {
        notCreated.push({
          ...previewed,
          code: PreviewCode.DUPLICATE_APPLICATION,
          reason: 'ApplicationValidationError',
          message: `ApplicationSet ${applicationSet} contains applications with duplicate name: ${app.metadata.name}`,
        });
        continue;
      }
      names.add(app.metadata.name);
      const rejection = rejectionOf(app);
      if (rejection) {
        notCreated.push({
          ...previewed,
          code: PreviewCode.INVALID_APPLICATION,
          reason,
          message: rejection.message,
          causes: rejection.causes,
        });
        continue;
      }
      const key = `${options.controlPlaneOf?.(set.file) ?? ''}\u0000${applicationKey(app)}`;
      // A literal, not `{ ...previewed, reason }`: Node 20 makes a spread followed by fields slow, once per Application.
      const claim = { app, applicationSet, file: set.file, at, reason };
      const others = claims.get(key);
      if (others === undefined) claims.set(key, [claim]);
      else others.push(claim);
    }
  }
  const created: PreviewedApplication[] = [];
  for (const [planeAndKey, claimants] of claims) {
    const split = planeAndKey.indexOf('\u0000');
    const plane = planeAndKey.slice(0, split);
    const key = planeAndKey.slice(split + 1);
    // Owners may be given per control plane ("ns/name in plane") or by key alone.
    const known = options.owners?.get(planeKey(key, plane, true)) ?? options.owners?.get(key);
    const owner = claimants.find((c) => c.applicationSet === known) ?? claimants[0];
    created.push({ app: owner.app, applicationSet: owner.applicationSet, file: owner.file, at: owner.at });
    for (const other of claimants) {
      if (other === owner) continue;
      notCreated.push({
        app: other.app,
        applicationSet: other.applicationSet,
        file: other.file,
        at: other.at,
        code: PreviewCode.DUPLICATE_APPLICATION,
        reason: other.reason,
        message: `Object ${key} is already owned by another ApplicationSet controller ${owner.applicationSet}`,
        ownedBy: owner.applicationSet,
      });
    }
  }
  // Go's byte order: names the API server refuses may hold any character.
  sortByGoKey(created, (c) => applicationKey(c.app));
  return { created, notCreated };
}

/**
 * What the API server says of each Application generated, by object: `check` judges the
 * Applications of the checkout and those of the program, the same objects where the same
 * directories generate them (see `previewOf`).
 */
const rejections = new WeakMap<GeneratedApplication, ApiServerRejection | null>();

function rejectionOf(app: GeneratedApplication): ApiServerRejection | undefined {
  let rejection = rejections.get(app);
  if (rejection === undefined) rejections.set(app, (rejection = apiServerRejection(app) ?? null));
  return rejection ?? undefined;
}

/** The condition reason of a failed create: `CreateApplicationError` when the policy lets the controller only create. */
function failureReason(appset: ApplicationSetInput): NotCreatedReason {
  const spec = isMap(appset.spec) ? (appset.spec as Record<string, unknown>) : {};
  const policy = isMap(spec.syncPolicy) ? (spec.syncPolicy as Record<string, unknown>).applicationsSync : undefined;
  return policy === 'create-only' || policy === 'create-delete' ? 'CreateApplicationError' : 'UpdateApplicationError';
}
