import { GoFloat } from './go-float';
import { PreviewCode } from './problems';

/**
 * A Go `int64`, as Sprig's integer arithmetic (`add`, `sub`, `int64`, …) returns it: it prints
 * as an integer, but Go's type checks tell it from `int` (a function taking an `int` refuses it).
 */
export class GoInt64 {
  constructor(
    /** The value; always a safe integer. */
    public readonly value: number,
  ) {}
}

/**
 * A value a Go template can see: a string, an integer (`int`, or {@link GoInt64}), a float64
 * read from a generator file ({@link GoFloat}), a boolean, nil (`null`), a list or a map with
 * string keys. This is the shape of ApplicationSet generator parameters.
 */
export type TemplateValue = string | number | GoInt64 | GoFloat | boolean | null | readonly TemplateValue[] | TemplateMap;

/** A map with string keys (Go `map[string]interface{}`, or `map[string]string` when marked). */
export interface TemplateMap {
  readonly [key: string]: TemplateValue;
}

/**
 * A value during evaluation: `undefined` is Go's invalid `reflect.Value` (a missing map key),
 * which prints as `<no value>`; `null` is a nil interface.
 */
export type Value = TemplateValue | undefined;

const stringMaps = new WeakSet<object>();
const goTypes = new WeakMap<object, string>();

/**
 * Records the Go type of a list or map a function returns (`[]string`, `[]int`,
 * `[]interface {}`, `map[string]string`), which {@link goTypeName} reports.
 */
export function withGoType<T extends readonly TemplateValue[] | TemplateMap>(value: T, type: string): T {
  goTypes.set(value, type);
  if (type === 'map[string]string') {
    stringMaps.add(value);
  }
  return value;
}

const nilMaps = new WeakSet<object>();

/**
 * A nil `map[string]interface{}`: what Go passes to a map parameter for `nil` or a missing
 * value. It reads as an empty map and prints as `map[]`, but JSON and YAML write it as null
 * and nothing can be set in it.
 */
export function nilMap(): TemplateMap {
  const map = Object.freeze({});
  nilMaps.add(map);
  return map;
}

/** Whether `v` is a {@link nilMap}. */
export function isNilMap(v: Value): boolean {
  return typeof v === 'object' && v !== null && nilMaps.has(v);
}

/** Whether the Go type of a list or map was recorded with {@link withGoType}. */
export function hasGoType(v: readonly TemplateValue[] | TemplateMap): boolean {
  return goTypes.has(v);
}

/** The Go type recorded with {@link withGoType} of a list or map, if any (`[]string` for a git generator's `path.segments`). */
export function recordedGoType(v: readonly TemplateValue[] | TemplateMap): string | undefined {
  return goTypes.get(v);
}

/**
 * Marks a map as Go `map[string]string`, so that `index` of a missing key yields "" as in Go
 * rather than nil. Argo CD's generator `values` are such a map.
 */
export function markStringMap<T extends TemplateMap>(map: T): T {
  stringMaps.add(map);
  return map;
}

/** Whether `v` is a map (a plain object). */
export function isMap(v: Value): v is TemplateMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat) && !(v instanceof GoInt64);
}

/** Whether `v` is a list. */
export function isList(v: Value): v is readonly TemplateValue[] {
  return Array.isArray(v);
}

/** The zero value of a map's element type: "" for a string map, nil otherwise. */
export function mapElementZero(map: TemplateMap): TemplateValue {
  return stringMaps.has(map) ? '' : null;
}

/** Whether the map has the key as its own property. */
export function hasKey(map: TemplateMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** The Go type name of a value, as Go's messages print it. */
export function goTypeName(v: Value): string {
  if (v === undefined) {
    return 'invalid';
  }
  if (v === null) {
    return 'interface {}';
  }
  if (typeof v === 'string') {
    return 'string';
  }
  if (typeof v === 'number') {
    return 'int';
  }
  if (v instanceof GoInt64) {
    return 'int64';
  }
  if (v instanceof GoFloat) {
    return 'float64';
  }
  if (typeof v === 'boolean') {
    return 'bool';
  }
  const marked = goTypes.get(v);
  if (marked !== undefined) {
    return marked;
  }
  if (isList(v)) {
    return v.every((e) => typeof e === 'string') ? '[]string' : '[]interface {}';
  }
  return stringMaps.has(v) ? 'map[string]string' : 'map[string]interface {}';
}

/**
 * A failure while parsing or evaluating a template. The template module turns it into a
 * {@link GitOpsError} that quotes the template.
 */
export class TemplateFailure extends Error {
  constructor(
    public readonly code: PreviewCode,
    public readonly detail: string,
    public readonly fix?: string,
  ) {
    super(detail);
    this.name = 'TemplateFailure';
  }
}

/** A construct the preview does not evaluate. */
export function unsupported(detail: string, fix?: string): TemplateFailure {
  return new TemplateFailure(PreviewCode.UNSUPPORTED_TEMPLATE, detail, fix);
}
