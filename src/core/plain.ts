/** Whether `v` is a plain map of keys to values: an object, not null and not an array. */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
