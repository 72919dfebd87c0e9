/**
 * What `plan`, `synth` and `publish` say of a control plane the program no longer declares
 * (renamed or removed), or declares reconciled by Flux now, whose files a write deletes: its Argo CD keeps what its bootstrap applied
 * there (its root Application does not prune, and nothing deletes the root Application), and the
 * bootstrap of the control plane that takes its environments over must be applied by hand.
 *
 * @module
 */
import type { PlatformModel } from '../model/platform-model';
import type { FormerControlPlane } from '../workspace/former-control-planes';

/** The files a write changes (or changed), by what it does to them. */
export interface WrittenPaths {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly deleted: readonly string[];
}

/**
 * One note per control plane of `former` whose bootstrap or ApplicationSets the write deletes:
 * what stays in its Argo CD and how to delete it there without pruning what its Applications run,
 * and the bootstraps of declared control planes the write creates or changes, to apply.
 *
 * @param when when to delete them in Argo CD. @default 'once this change is published'
 */
export function formerControlPlaneNotes(
  model: PlatformModel,
  former: readonly FormerControlPlane[],
  paths: WrittenPaths,
  when = 'once this change is published',
): string[] {
  const notes: string[] = [];
  // A bootstrap deleted before it could be read (by a synth before this publish) says its control plane's name only.
  const argoCd = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind !== 'flux').map((cp) => cp.name));
  const unread = paths.deleted
    .filter((p) => p.startsWith(`${model.layout.bootstrap}/`) && p.endsWith('.yaml') && !former.some((cp) => cp.bootstrap === p))
    .map((p) => p.slice(model.layout.bootstrap.length + 1, -'.yaml'.length))
    .filter((name) => !name.includes('/') && !argoCd.has(name))
    .map((name): FormerControlPlane => ({
      name,
      bootstrap: `${model.layout.bootstrap}/${name}.yaml`,
      applicationSets: `${model.layout.applicationSets}/${name}`,
    }));
  for (const cp of [...former, ...unread]) {
    const sets = paths.deleted
      .filter((p) => p.startsWith(`${cp.applicationSets}/`) && p.endsWith('.yaml') && !p.slice(cp.applicationSets.length + 1).includes('/'))
      .map((p) => p.slice(cp.applicationSets.length + 1, -'.yaml'.length));
    if (!paths.deleted.includes(cp.bootstrap) && sets.length === 0) continue;
    const ns = cp.namespace ?? '<its namespace>';
    const root = cp.root ?? 'root';
    const kept = [
      `the root Application ${root}`,
      ...(sets.length === 0 ? [] : [`${sets.length === 1 ? 'ApplicationSet' : 'ApplicationSets'} ${sets.join(', ')}`]),
    ];
    notes.push(
      `Control plane ${cp.name} ${model.controlPlanes.some((c) => c.name === cp.name) ? 'is now reconciled by Flux' : 'is no longer declared'}, but its Argo CD${cp.namespace === undefined ? '' : ` (namespace ${cp.namespace})`} keeps what its bootstrap applied there, which nothing prunes: ` +
        `${kept.join(' and ')}${sets.length === 0 ? '' : `, whose Applications keep running what they run until ${sets.length === 1 ? 'it is' : 'they are'} deleted there`}. ` +
        `Delete ${sets.length === 0 ? 'it' : 'them'} in that Argo CD ${when}` +
        (sets.length === 0
          ? `: kubectl -n ${ns} delete application ${root}.`
          : `, without pruning what the Applications run: kubectl -n ${ns} delete applicationset ${sets.join(' ')} --cascade=orphan ` +
            `(without --cascade=orphan, Argo CD deletes the Applications and prunes everything they run), then each Application ${sets.length === 1 ? 'it leaves' : 'they leave'} there ` +
            `(argocd app delete <application> --cascade=false keeps what it runs, for the Argo CD or Flux that now deploys it), and the root Application (kubectl -n ${ns} delete application ${root}).`),
    );
  }
  if (notes.length === 0) return notes;
  for (const cp of model.controlPlanes) {
    if (!argoCd.has(cp.name)) continue;
    const bootstrap = `${model.layout.bootstrap}/${cp.name}.yaml`;
    const how = paths.created.includes(bootstrap) ? 'created' : paths.updated.includes(bootstrap) ? 'changed' : undefined;
    if (how === undefined) continue;
    notes.push(
      `Apply ${bootstrap}, which this write ${how}, to the Argo CD of control plane ${cp.name} (kubectl apply -n ${cp.namespace} -f ${bootstrap}): ` +
        'Argo CD does not apply a bootstrap itself, and until it is applied there, that Argo CD deploys neither the AppProjects nor the ApplicationSets of the environments it takes over.',
    );
  }
  return notes;
}
