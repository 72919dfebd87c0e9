/**
 * What a target runs against what Git declares for it, in one word: the verdict of
 * `status --live` for an Application of Argo CD.
 *
 * @module
 */
import type { LiveApplication } from './argocd-client';

/** `running` (what Git declares, Synced and Healthy), or how it differs. */
export type LiveVerdict = 'running' | 'syncing' | 'degraded' | 'drifted' | 'missing';

/** One image a target is declared to run: its repository and version (a digest, a tag, a tag pinned by its digest). */
export interface DeclaredImage {
  readonly repository: string;
  readonly version: string;
}

/** Whether `image` (a live image reference) is `declared`: its repository, at its version. */
function isImage(image: string, declared: DeclaredImage): boolean {
  const { repository, version } = declared;
  if (!image.startsWith(`${repository}@`) && !image.startsWith(`${repository}:`)) return false;
  const rest = image.slice(repository.length);
  const at = version.indexOf('@');
  // A digest pins it whatever tag stands beside it; a tag pinned by its digest is its digest.
  if (version.startsWith('sha256:')) return rest.endsWith(`@${version}`);
  if (at > 0) return rest.endsWith(`@${version.slice(at + 1)}`);
  return rest === `:${version}`;
}

/** Whether every declared image runs among the live `images`; undefined where Argo CD reports none. */
export function runsDeclared(images: readonly string[], declared: readonly DeclaredImage[]): boolean | undefined {
  if (images.length === 0) return undefined;
  return declared.every((d) => images.some((i) => isImage(i, d)));
}

/**
 * The verdict for a target whose ring runs `declared` (empty: nothing to compare), from its
 * Application: `syncing` while an operation runs or ends (or Progressing), `degraded` unless
 * Healthy or when its last operation failed, `drifted` unless Synced, every declared image is seen running and, where the release pins
 * its chart by a revision Argo CD reports as it is (`revision`: a commit SHA, a chart version),
 * Argo CD synced that revision.
 */
export function verdictOf(app: LiveApplication | undefined, declared: readonly DeclaredImage[], revision?: string): LiveVerdict {
  if (app === undefined) return 'missing';
  if (app.operation?.phase === 'Running' || app.operation?.phase === 'Terminating' || app.health === 'Progressing') return 'syncing';
  // The last sync failed (a hook, a resource that did not apply): whatever the health says, the release did not go through cleanly.
  if (app.health !== 'Healthy' || app.operation?.phase === 'Failed' || app.operation?.phase === 'Error') return 'degraded';
  if (app.sync !== 'Synced') return 'drifted';
  if (declared.length > 0 && runsDeclared(app.images, declared) !== true) return 'drifted';
  if (revision !== undefined && !app.revisions.includes(revision)) return 'drifted';
  return 'running';
}
