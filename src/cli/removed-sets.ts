/**
 * What `plan`, `synth` and `publish` say of an ApplicationSet file a write removes: the root Application of its
 * control plane does not prune (`prune: false`), so the ApplicationSet stays in Argo CD, with its
 * last spec, until someone deletes it there.
 *
 * @module
 */
import type { PlatformModel } from '../model/platform-model';

/**
 * One note per ApplicationSet file of a control plane among `deleted`, the files a write deletes
 * (or deleted).
 *
 * @param when when to delete the set in Argo CD. @default 'once this change is published'
 */
export function removedSetNotes(model: PlatformModel, deleted: readonly string[], when = 'once this change is published'): string[] {
  const notes: string[] = [];
  for (const p of deleted) {
    const rest = p.startsWith(`${model.layout.applicationSets}/`) ? p.slice(model.layout.applicationSets.length + 1) : undefined;
    const [cpName, file, ...more] = rest?.split('/') ?? [];
    // A control plane now reconciled by Flux left its Argo CD whole: see control-plane-notes.ts.
    const cp = model.controlPlanes.find((c) => c.name === cpName && c.reconciler?.kind !== 'flux');
    if (!cp || file === undefined || more.length > 0 || !file.endsWith('.yaml')) continue;
    const name = file.slice(0, -'.yaml'.length);
    notes.push(
      `${p} is no longer written, and the root Application of control plane ${cp.name} does not prune: ApplicationSet ${name} stays in Argo CD with its last spec until you delete it there ` +
        `(kubectl -n ${cp.namespace} delete applicationset ${name}) ${when}. ` +
        'Deleting it deletes the Applications it still owns: the plan lists each Application that leaves it.',
    );
  }
  return notes;
}
