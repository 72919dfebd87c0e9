/**
 * A git generator's own `template`, merged with the ApplicationSet's as Argo CD's ApplicationSet
 * controller merges them (`mergo.Merge(generatorTemplate, spec.template)`): the generator's
 * fields win where they are set; where a field is empty (absent, null, `""`, `0`, `false`, an
 * empty list or map) the ApplicationSet's is taken; maps (and objects) merge key by key; lists,
 * and fields Argo CD holds as raw JSON (`valuesObject`), are taken whole.
 *
 * @module
 */
import { isMap } from '../core/plain';
import { isEmptyValue } from './param-maps';

/**
 * Fields Argo CD holds as raw JSON (`runtime.RawExtension`), which mergo takes whole from the
 * generator when it sets them, never key by key: a Helm source's `valuesObject`.
 */
const RAW_FIELDS = new Set(['valuesObject']);

/** `generator` merged onto `set`: see the module. */
export function mergeGeneratorTemplate(generator: unknown, set: unknown): unknown {
  if (isEmptyValue(generator)) return set;
  if (!isMap(generator) || !isMap(set)) return generator;
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(set), ...Object.keys(generator)])) {
    const merged = RAW_FIELDS.has(key)
      ? generator[key] === undefined || generator[key] === null
        ? set[key]
        : generator[key]
      : mergeGeneratorTemplate(generator[key], set[key]);
    if (merged !== undefined) out[key] = merged;
  }
  return out;
}
