/**
 * What a target runs against what Git declares for it, in one word: the verdict of
 * `status --live` for an Application of Argo CD.
 *
 * @module
 */
import type { LiveApplication } from './argocd-client';

/** `running` (what Git declares, Synced and Healthy), or how it differs. */
export type LiveVerdict = 'running' | 'syncing' | 'degraded' | 'drifted' | 'missing';

/**
 * Whether `images` (the live images of an Application) hold the version `declared` (a digest, a
 * tag, a tag pinned by its digest; for named images `api=sha256:…,worker=sha256:…`, each of them);
 * undefined where Argo CD reports no image.
 */
export function runsDeclared(images: readonly string[], declared: string): boolean | undefined {
  if (images.length === 0) return undefined;
  const versions = declared.includes('=') ? declared.split(',').map((p) => p.slice(p.indexOf('=') + 1)) : [declared];
  const held = (v: string): boolean => {
    const at = v.indexOf('@');
    const suffix = v.startsWith('sha256:') ? `@${v}` : at > 0 ? `:${v}` : `:${v}`;
    return images.some((i) => i.endsWith(suffix) || (at > 0 && i.endsWith(`@${v.slice(at + 1)}`)));
  };
  return versions.every(held);
}

/** The verdict for a target whose ring runs `declared` (null: nothing yet), from its Application. */
export function verdictOf(app: LiveApplication | undefined, declared: string | null): LiveVerdict {
  if (app === undefined) return 'missing';
  if (app.health === 'Degraded' || app.health === 'Missing') return 'degraded';
  if (app.operation?.phase === 'Running' || app.health === 'Progressing') return 'syncing';
  if (app.sync !== 'Synced') return 'drifted';
  if (declared !== null && runsDeclared(app.images, declared) === false) return 'drifted';
  return 'running';
}
