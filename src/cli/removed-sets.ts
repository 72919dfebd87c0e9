/**
 * What `plan` says of an ApplicationSet file the write removes: the root Application of its
 * control plane does not prune (`prune: false`), so the ApplicationSet stays in Argo CD, with its
 * last spec, until someone deletes it there.
 *
 * @module
 */
import type { PlatformModel } from '../model/platform-model';
import type { Plan } from '../workspace/plan';

/** One note per ApplicationSet file of a control plane that the plan deletes. */
export function removedSetNotes(model: PlatformModel, plan: Plan): string[] {
  const notes: string[] = [];
  for (const f of plan.files) {
    if (f.change !== 'delete') continue;
    const rest = f.path.startsWith(`${model.layout.applicationSets}/`) ? f.path.slice(model.layout.applicationSets.length + 1) : undefined;
    const [cpName, file, ...more] = rest?.split('/') ?? [];
    const cp = model.controlPlanes.find((c) => c.name === cpName);
    if (!cp || file === undefined || more.length > 0 || !file.endsWith('.yaml')) continue;
    const name = file.slice(0, -'.yaml'.length);
    notes.push(
      `${f.path} is no longer written, and the root Application of control plane ${cp.name} does not prune: ApplicationSet ${name} stays in Argo CD with its last spec until you delete it there ` +
        `(kubectl -n ${cp.namespace} delete applicationset ${name}) once this change is published. ` +
        'Deleting it deletes the Applications it still owns: the plan lists each Application that leaves it.',
    );
  }
  return notes;
}
