import { CallFailure } from '../function-signature';
import { isNilMap, TemplateMap, TemplateValue, unsupported, Value } from '../template-values';

/*
 * Maps that Sprig functions build. Go maps are references: `set`, `unset` and `merge` change
 * the map they are given. The preview changes only maps a function of the same template built
 * (`dict`, `pick`, `fromJson`, …); changing a generator's parameter map, which Argo CD's later
 * fields would then see, is refused.
 */

const built = new WeakSet<object>();

/** A new, empty `map[string]interface{}` that functions may change. */
export function newMap(): Record<string, TemplateValue> {
  const m: Record<string, TemplateValue> = {};
  built.add(m);
  return m;
}

/** Sets a key as an own property (so that a key such as `__proto__` is an ordinary key). */
export function setKey(map: Record<string, Value>, key: string, value: Value): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The map, to be changed in place; refuses a map the template did not build. */
export function mutable(name: string, map: TemplateMap): Record<string, TemplateValue> {
  if (isNilMap(map)) {
    if (name === 'set') {
      throw new CallFailure('assignment to entry in nil map');
    }
    throw unsupported(`${name} into a nil map (a missing value or nil, where Sprig expects a map)`, 'Give it a map, e.g. dict.');
  }
  if (!built.has(map)) {
    throw unsupported(
      `${name} on a map of the generator's parameters (Argo CD changes that map for every later field of the Application)`,
      `Copy the map first, e.g. ${name} (deepCopy .map) …, or build it with dict.`,
    );
  }
  return map as Record<string, TemplateValue>;
}
