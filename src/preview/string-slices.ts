/**
 * Which lists of generator parameters are Go `[]string` rather than `[]interface{}`: the git
 * generators' `path.segments`. The two print alike, but Argo CD's parameter flattening (for a
 * generator's `selector`) walks only `[]interface{}` and prints a `[]string` whole (`[a b]`).
 *
 * @module
 */
import type { TemplateValue } from './template-values';

const stringSlices = new WeakSet<object>();

/** Marks a list as Go `[]string`. */
export function markStringSlice<T extends readonly string[]>(list: T): T {
  stringSlices.add(list);
  return list;
}

/** Whether a list was marked as Go `[]string`. */
export function isStringSlice(v: TemplateValue | undefined): boolean {
  return Array.isArray(v) && stringSlices.has(v);
}
