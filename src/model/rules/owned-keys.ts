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
  // The values key of each image of each service: `image` for a service with one (one list for all such).
  const keys = new Map(model.services.map((s) => [s.name, s.images === undefined ? IMAGE_ONLY : s.images.map((i) => i.valuesKey)]));
  const seen = new Set<string>();
  // The layers looked at for each list of keys: most targets share their layers with many others.
  const looked = new Map<readonly string[], Set<string>>();
  for (const t of model.targets) {
    const valuesKeys = keys.get(t.service) ?? NO_KEYS;
    let layers = looked.get(valuesKeys);
    if (layers === undefined) looked.set(valuesKeys, (layers = new Set()));
    for (const layer of t.layers) {
      if (layers.has(layer)) continue;
      layers.add(layer);
      for (const valuesKey of valuesKeys) {
        const key = `${layer}\u0000${valuesKey}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const values = model.layers[layer]?.values ?? {};
        const owned = valuesKey === 'image' ? undefined : ownedKeyIn(values, valuesKey);
        if (owned !== undefined && owned !== 'image.digest' && owned !== 'image.tag') report(layer, owned);
        // A value that is not a map where the image's map is would replace the repository and the digest written there.
        const scalar = notAMapOnPath(values, valuesKey);
        if (scalar !== undefined) {
          const l = model.layers[layer]!;
          problems.push(
            problem('CG113', {
              constructPath: l.path,
              message: `${l.label} sets ${scalar.key} to ${describe(scalar.value)}, where ${t.service}'s image is written as a map (${valuesKey}.repository, and the digest the release ledger owns).`,
              fix: `Set keys inside ${valuesKey} instead (e.g. ${valuesKey}.pullPolicy), or give the image another valuesKey; its repository and digest come from the program and the ledger.`,
            }),
          );
        }
      }
    }
  }
  return problems;
}

/** The values keys of a service with one image. */
const IMAGE_ONLY: readonly string[] = ['image'];
/** The values keys of a target whose service the model lacks. */
const NO_KEYS: readonly string[] = [];

/** The dotted prefix of `valuesKey` (itself included) that `values` sets to something other than a map, and that value, if any. */
function notAMapOnPath(values: unknown, valuesKey: string): { key: string; value: unknown } | undefined {
  let at: unknown = values;
  const parts = valuesKey.split('.');
  for (let i = 0; i < parts.length; i++) {
    if (!isMap(at) || !Object.hasOwn(at, parts[i]!)) return undefined;
    at = at[parts[i]!];
    if (!isMap(at)) return { key: parts.slice(0, i + 1).join('.'), value: at };
  }
  return undefined;
}

/** A value as a message names it, without its content (a secret may be anywhere in values). */
function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
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
