/**
 * Small helpers for maps of groups and memoized values.
 *
 * @module
 */

/** The value of `key` in `map`, set to `make()` first when it has none. */
export function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}
