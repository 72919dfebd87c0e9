/**
 * What Argo CD's ApplicationSet controller does to parameter maps between generators:
 * the matrix generator's combination of two parameter sets, the merge generator's override,
 * and the flattening a generator's `selector` matches on. Each follows the Go code it stands
 * for (mergo, `utils.CombineStringMaps`, `jeremywohl/flatten`), quirks included.
 *
 * @module
 */
import { GoFloat } from './go-float';
import { compareGoStrings } from './go-strings';
import { goTypeName, isMap, isNilMap, markStringMap, recordedGoType, TemplateMap, TemplateValue, withGoType } from './template-values';
import { formatValue } from './go-fmt';

/** A parameter map under construction. */
type MutableMap = { [key: string]: TemplateValue };

/** Whether a Go `map[string]string` (generator `values`, a cluster's labels), not `map[string]interface{}`. */
function isStringMap(v: TemplateValue): boolean {
  return isMap(v) && goTypeName(v) === 'map[string]string';
}

/** A deep copy of a parameter value, keeping the Go type of each list and map (a nil map stays nil). */
export function cloneValue(v: TemplateValue): TemplateValue {
  if (Array.isArray(v)) {
    const list = (v as readonly TemplateValue[]).map(cloneValue);
    const type = recordedGoType(v);
    return type === undefined ? list : withGoType(list, type);
  }
  if (isMap(v)) {
    if (isNilMap(v)) return v;
    const out: MutableMap = {};
    for (const [k, e] of Object.entries(v)) out[k] = cloneValue(e);
    const type = recordedGoType(v);
    return type !== undefined ? withGoType(out, type) : isStringMap(v) ? markStringMap(out) : out;
  }
  return v;
}

/** A deep copy of a parameter map. */
export function cloneParams(params: TemplateMap): MutableMap {
  return cloneValue(params) as MutableMap;
}

/**
 * mergo's `isEmptyValue` of a map element (an interface, dereferenced): nil, `""`, `0`,
 * `false`, an empty map or list.
 */
export function isEmptyValue(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    v === 0 ||
    v === false ||
    (v instanceof GoFloat && v.value === 0) ||
    (Array.isArray(v) && v.length === 0) ||
    (isMap(v as TemplateValue) && Object.keys(v as object).length === 0)
  );
}

/**
 * `mergo.Merge(&dst, src)` (with `mergo.WithOverride` when `override`) on two parameter maps,
 * in place on `dst`: a map present in both is merged key by key; any other value of `src`
 * replaces `dst`'s when `override` is set or `dst`'s is absent or empty (a nil of `src` only
 * with `override`). The maps of `src` are taken, not copied: pass copies.
 */
export function mergoMerge(dst: MutableMap, src: TemplateMap, override: boolean): void {
  for (const [key, s] of Object.entries(src)) {
    const present = Object.prototype.hasOwnProperty.call(dst, key);
    const d = present ? dst[key] : undefined;
    if (s === null) {
      if (override) dst[key] = null;
      continue;
    }
    if (isMap(s) && isMap(d)) {
      mergoMerge(d as MutableMap, s, override);
      if (!isEmptyValue(d)) continue;
    }
    if (override || !present || isEmptyValue(d)) dst[key] = s;
  }
}

/**
 * The parameters a matrix generator makes of a set `a` of its first generator and a set `b` of
 * its second, with `goTemplate`: `b` merged with `a` over it (mergo with override), so that the
 * first generator's values win and maps present in both are merged key by key.
 */
export function matrixMergeGo(a: TemplateMap, b: TemplateMap): TemplateMap {
  const out: MutableMap = {};
  mergoMerge(out, cloneParams(b), true);
  mergoMerge(out, cloneParams(a), true);
  return out;
}

/** A key both sets of a fasttemplate matrix hold with different values (Argo CD's error). */
export class DuplicateParameter extends Error {
  constructor(
    public readonly key: string,
    public readonly first: string,
    public readonly second: string,
  ) {
    super(`found duplicate key ${key} with different value, a: ${first} ,b: ${second}`);
    this.name = 'DuplicateParameter';
  }
}

/** `utils.ConvertToMapStringString`: each value printed with fmt's %v. */
export function toStringMap(params: TemplateMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' ? v : formatValue(v, 'v');
  return out;
}

/**
 * `utils.CombineStringMaps`, as a matrix generator combines two fasttemplate sets: every value
 * printed as a string, and a key both hold with different values an error.
 *
 * @throws DuplicateParameter for such a key
 */
export function combineStringMaps(a: TemplateMap, b: TemplateMap): Record<string, string> {
  const out = toStringMap(a);
  for (const [k, v] of Object.entries(toStringMap(b))) {
    if (Object.prototype.hasOwnProperty.call(out, k) && out[k] !== v) throw new DuplicateParameter(k, out[k]!, v);
    out[k] = v;
  }
  return out;
}

/** `utils.CombineStringMapsAllowDuplicates`, as a merge generator overrides a fasttemplate set: `b`'s values win. */
export function combineStringMapsAllowDuplicates(a: TemplateMap, b: TemplateMap): Record<string, string> {
  return { ...toStringMap(a), ...toStringMap(b) };
}

/**
 * `flatten.Flatten(params, "", flatten.DotStyle)` and `fmt.Sprintf("%v")` of each value, as
 * Argo CD flattens a parameter set before matching a generator's `selector`: maps of
 * `interface{}` and lists of `interface{}` are walked (`path.basename`, `hosts.0`); anything
 * else, Go string maps and string slices included, is one value printed whole
 * (`values` → `map[a:b]`, `path.segments` → `[environments prod]`).
 */
export function flattenParams(params: TemplateMap): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (prefix: string, v: TemplateValue): void => {
    if (isMap(v) && !isStringMap(v)) {
      for (const [k, e] of Object.entries(v)) visit(prefix === '' ? k : `${prefix}.${k}`, e);
    } else if (Array.isArray(v) && recordedGoType(v as readonly TemplateValue[]) !== '[]string') {
      (v as readonly TemplateValue[]).forEach((e, i) => visit(prefix === '' ? String(i) : `${prefix}.${i}`, e));
    } else {
      out.set(prefix, typeof v === 'string' ? v : formatValue(v, 'v'));
    }
  };
  for (const [k, v] of Object.entries(params)) visit(k, v);
  return out;
}

/**
 * The key a merge generator matches parameter sets by: `json.Marshal` of a map from each merge
 * key to the set's value (null when absent; with `goTemplate` only top-level parameters are
 * found, so `path.basename` is absent), keys sorted, as Go marshals maps.
 */
export function goJsonKey(mergeKeys: readonly string[], params: TemplateMap): string {
  const entries = [...mergeKeys]
    .sort(compareGoStrings)
    .map((k) => `${goJson(k)}:${goJson(Object.prototype.hasOwnProperty.call(params, k) ? params[k]! : null)}`);
  return `{${entries.join(',')}}`;
}

function goJson(v: TemplateValue): string {
  if (v instanceof GoFloat) return JSON.stringify(v.value);
  if (typeof v === 'string') {
    // encoding/json escapes <, > and & (HTML-safe) and the line separators U+2028 and U+2029.
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(v)) return `[${(v as readonly TemplateValue[]).map(goJson).join(',')}]`;
  if (isMap(v)) {
    return `{${Object.keys(v)
      .sort(compareGoStrings)
      .map((k) => `${goJson(k)}:${goJson(v[k]!)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
