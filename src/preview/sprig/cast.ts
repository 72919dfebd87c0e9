import { CallFailure } from '../function-signature';
import { GoFloat } from '../go-float';
import { stringValue } from '../go-fmt';
import { GoInt64, goTypeName, isList, isMap, isNilMap, TemplateMap, unsupported, Value } from '../template-values';

/*
 * spf13/cast, as Sprig converts its `interface{}` arguments: integers as they are, floats
 * truncated toward zero, strings parsed by strconv (base prefixes for integers), booleans as
 * 1 or 0, nil as 0, anything else 0.
 */

/** A number that must stay exact: the preview does not reproduce int64 overflow. */
export function exactInteger(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) {
    throw unsupported(`${what} giving a number beyond the integers the preview computes exactly (±2^53)`);
  }
  return Object.is(n, -0) ? 0 : n;
}

/** Removes a decimal part that is all zeros, as cast's `trimZeroDecimal` ("10.00" → "10"). */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const ch = s[i - 1];
    if (ch === '.') {
      return foundZero ? s.slice(0, i - 1) : s;
    }
    if (ch !== '0') {
      return s;
    }
    foundZero = true;
  }
  return s;
}

/**
 * Go's `strconv.ParseInt(s, 0, 64)`: an optional sign, then `0x`, `0o`, `0b` or a leading `0`
 * (octal), with `_` between digits. Returns undefined where Go returns an error.
 */
export function parseGoInt(s: string, base0 = true): bigint | undefined {
  let body = s;
  let sign = 1n;
  if (body.startsWith('+') || body.startsWith('-')) {
    sign = body[0] === '-' ? -1n : 1n;
    body = body.slice(1);
  }
  let base = 10;
  let prefixed = false;
  if (base0) {
    const lower = body.toLowerCase();
    if (lower.startsWith('0x')) {
      base = 16;
      body = body.slice(2);
      prefixed = true;
    } else if (lower.startsWith('0o')) {
      base = 8;
      body = body.slice(2);
      prefixed = true;
    } else if (lower.startsWith('0b')) {
      base = 2;
      body = body.slice(2);
      prefixed = true;
    } else if (body.length > 1 && body.startsWith('0')) {
      base = 8;
      body = body.slice(1);
      prefixed = true;
    }
    if (body.includes('_')) {
      // Underscores only between digits, or after a base prefix.
      const ok = (prefixed ? `0${body}` : body).split('_').every((part) => part.length > 0);
      if (!ok) {
        return undefined;
      }
      body = body.replaceAll('_', '');
    }
  }
  const digits = base === 16 ? /^[0-9a-f]+$/i : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) {
    return undefined;
  }
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const v = sign * BigInt(prefix + body);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) {
    return undefined;
  }
  return v;
}

/** cast's `ToInt64E`: the value, or undefined where cast returns an error (and 0). */
export function castInt64(v: Value): number | undefined {
  if (v === null || v === undefined) {
    return 0;
  }
  if (typeof v === 'number') {
    return v;
  }
  if (v instanceof GoInt64) {
    return v.value;
  }
  if (v instanceof GoFloat) {
    return exactInteger(Math.trunc(v.value), 'converting a float to an integer');
  }
  if (typeof v === 'boolean') {
    return v ? 1 : 0;
  }
  if (typeof v === 'string') {
    const parsed = parseGoInt(trimZeroDecimal(v));
    return parsed === undefined ? undefined : exactInteger(Number(parsed), 'converting a string to an integer');
  }
  return undefined;
}

/** cast's `ToInt64` (also `ToInt`, as Go's int is 64 bits): 0 where the conversion fails. */
export function toInt64(v: Value): number {
  return castInt64(v) ?? 0;
}

/** Go's `strconv.ParseFloat(s, 64)`, or undefined where Go returns an error. */
export function parseGoFloat(s: string): number | undefined {
  const body = s.replace(/^[+-]/, '');
  const lower = body.toLowerCase();
  const negative = s.startsWith('-');
  if (lower === 'inf' || lower === 'infinity') {
    return negative ? -Infinity : Infinity;
  }
  if (lower === 'nan') {
    return NaN;
  }
  if (/^0x/i.test(body) || body.includes('_')) {
    throw unsupported('converting a string in hexadecimal or "_" form to a float');
  }
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(body)) {
    return undefined;
  }
  const f = Number(s);
  // Go reports a value out of range as an error; cast then gives 0.
  return Number.isFinite(f) ? f : undefined;
}

/** cast's `ToFloat64`: 0 where the conversion fails. */
export function toFloat64(v: Value): number {
  if (v === null || v === undefined) {
    return 0;
  }
  if (typeof v === 'number') {
    return v;
  }
  if (v instanceof GoInt64 || v instanceof GoFloat) {
    return v.value;
  }
  if (typeof v === 'boolean') {
    return v ? 1 : 0;
  }
  if (typeof v === 'string') {
    return parseGoFloat(v) ?? 0;
  }
  return 0;
}

/** Sprig's `empty`: nil, "", 0, false and empty lists and maps are empty. */
export function isEmpty(v: Value): boolean {
  if (v === undefined || v === null) {
    return true;
  }
  if (typeof v === 'string') {
    return v.length === 0;
  }
  if (typeof v === 'number') {
    return v === 0;
  }
  if (v instanceof GoFloat || v instanceof GoInt64) {
    return v.value === 0;
  }
  if (typeof v === 'boolean') {
    return !v;
  }
  return isList(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** Sprig's `strslice`: a list as strings (nils dropped), nil as [], anything else as [strval]. */
export function stringSlice(v: Value): string[] {
  if (isList(v)) {
    return v.filter((e) => e !== null).map(stringValue);
  }
  return v === null || v === undefined ? [] : [stringValue(v)];
}

/** Go's `reflect.Kind` name of a value (`string`, `int`, `int64`, `float64`, `bool`, `slice`, `map`). */
export function kindName(v: Value): string {
  if (v === null || v === undefined) {
    return 'invalid';
  }
  if (isList(v)) {
    return 'slice';
  }
  if (isMap(v)) {
    return 'map';
  }
  return goTypeName(v);
}

/**
 * Go's `reflect.DeepEqual` over template values: types must match, then contents. Each pair of
 * values it compares adds one to `walked`, when given.
 */
export function deepEqual(a: Value, b: Value, walked?: { count: number }): boolean {
  if (walked) {
    walked.count++;
  }
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a ?? null) === (b ?? null);
  }
  if (typeof a !== 'object' && typeof b !== 'object') {
    // A string, an int (a number) and a bool: equal when of one type and value.
    return a === b;
  }
  if (goTypeName(a) !== goTypeName(b)) {
    return false;
  }
  if (a instanceof GoFloat || a instanceof GoInt64) {
    return a.value === (b as GoFloat | GoInt64).value;
  }
  if (a === b && (isList(a) || isMap(a))) {
    // reflect.DeepEqual: a slice or map is equal to itself (one pointer), NaNs inside included.
    return true;
  }
  if (isList(a)) {
    const other = b as readonly Value[];
    return a.length === other.length && a.every((e, i) => deepEqual(e, other[i], walked));
  }
  if (isMap(a)) {
    if (isNilMap(a) !== isNilMap(b)) {
      // reflect.DeepEqual tells a nil map from an empty one.
      return false;
    }
    const other = b as Record<string, Value>;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(other).length &&
      keys.every((k) => Object.prototype.hasOwnProperty.call(other, k) && deepEqual(a[k], other[k], walked))
    );
  }
  return a === b;
}

/** Checks an argument Go passes as a `map[string]interface{}` parameter. */
export function expectMap(v: Value): TemplateMap {
  if (!isMap(v) || goTypeName(v) !== 'map[string]interface {}') {
    throw new CallFailure(`wrong type for value; expected map[string]interface {}; got ${goTypeName(v)}`);
  }
  return v;
}
