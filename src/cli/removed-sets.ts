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
 * (or deleted), and one per root Application file of a control plane the program no longer declares.
 *
 * @param when when to delete the set in Argo CD. @default 'once this change is published'
 */
export function removedSetNotes(model: PlatformModel, deleted: readonly string[], when = 'once this change is published'): string[] {
  const notes: string[] = [];
  for (const p of deleted) {
    const rest = p.startsWith(`${model.layout.applicationSets}/`) ? p.slice(model.layout.applicationSets.length + 1) : undefined;
    const [cpName, file, ...more] = rest?.split('/') ?? [];
    if (cpName === undefined || file === undefined || more.length > 0 || !file.endsWith('.yaml')) continue;
    const cp = model.controlPlanes.find((c) => c.name === cpName);
    const name = file.slice(0, -'.yaml'.length);
    // A control plane the program no longer declares (renamed, or its environments moved): its namespace is not known any more.
    const namespace = cp?.namespace ?? '<the namespace of its Argo CD>';
    notes.push(
      `${p} is no longer written, and the root Application of control plane ${cpName}${cp ? '' : ' (which the program no longer declares)'} does not prune: ApplicationSet ${name} stays in Argo CD with its last spec until you delete it there ` +
        `(kubectl -n ${namespace} delete applicationset ${name}) ${when}. ` +
        'Deleting it deletes the Applications it still owns: the plan lists each Application that leaves it.',
    );
  }
  for (const p of deleted) {
    const rest = p.startsWith(`${model.layout.bootstrap}/`) ? p.slice(model.layout.bootstrap.length + 1) : undefined;
    if (rest === undefined || rest.includes('/') || !rest.endsWith('.yaml')) continue;
    const cpName = rest.slice(0, -'.yaml'.length);
    if (model.controlPlanes.some((c) => c.name === cpName)) continue;
    notes.push(
      `${p} is no longer written: control plane ${cpName} is no longer declared, and its root Application (bootstrap) stays in its Argo CD, reading ${model.layout.applicationSets}/${cpName}, which is gone. ` +
        `Delete it there (kubectl -n <the namespace of that Argo CD> delete application bootstrap) ${when}, once its ApplicationSets are dealt with; apply the root Application of each control plane that takes over its environments (${model.layout.bootstrap}/<control plane>.yaml).`,
    );
  }
  return notes;
}
