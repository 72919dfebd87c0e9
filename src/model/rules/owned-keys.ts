/** Values that set what the release ledger owns. */
import { Problem, problem } from '../../core/errors';
import { isMap } from '../../core/plain';
import { PlatformModel } from '../platform-model';

/**
 * Layers of values that set `image.digest` or `image.tag`, or for a service with named images
 * `<valuesKey>.digest` or `<valuesKey>.tag` of one of its images, which the release ledger owns (CG113).
 */
export function problemsOfOwnedKeys(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  const report = (layer: string, key: string): void => {
    const l = model.layers[layer];
    problems.push(problem('CG113', { constructPath: l.path, message: `${l.label} sets ${key}, which the release ledger owns.` }));
  };
  for (const [id, l] of Object.entries(model.layers)) {
    const owned = ownedKeyIn(l.values, 'image');
    if (owned !== undefined) report(id, owned);
  }
  const named = new Map(model.services.filter((s) => s.images !== undefined).map((s) => [s.name, s.images!]));
  if (named.size === 0) return problems;
  const seen = new Set<string>();
  for (const t of model.targets) {
    const images = named.get(t.service);
    if (images === undefined) continue;
    for (const layer of t.layers) {
      for (const image of images) {
        const owned = ownedKeyIn(model.layers[layer]?.values ?? {}, image.valuesKey);
        const key = `${layer}\u0000${owned}`;
        if (owned === undefined || owned === 'image.digest' || owned === 'image.tag' || seen.has(key)) continue;
        seen.add(key);
        report(layer, owned);
      }
    }
  }
  return problems;
}

/** `<valuesKey>.digest` or `<valuesKey>.tag` when `values` sets it, else undefined. */
function ownedKeyIn(values: unknown, valuesKey: string): string | undefined {
  let at: unknown = values;
  for (const key of valuesKey.split('.')) {
    if (!isMap(at)) return undefined;
    at = at[key];
  }
  if (!isMap(at)) return undefined;
  if ('digest' in at) return `${valuesKey}.digest`;
  if ('tag' in at) return `${valuesKey}.tag`;
  return undefined;
}
