import { CallFailure, fixed, str, TemplateFunction, variadic } from '../function-signature';
import { GoFloat } from '../go-float';
import { formatValue } from '../go-fmt';
import { GoInt64, goTypeName, isList, isMap, TemplateValue, Value, withGoType } from '../template-values';
import { deepEqual, exactInteger, isEmpty, kindName, parseGoInt, toFloat64, toInt64 } from './cast';
import { goJsonDecode, goJsonEncode } from './go-json';
import { newMap, setKey } from './maps';

/*
 * Sprig's conversion, default, JSON and reflection functions (numeric.go, defaults.go,
 * reflect.go).
 */

/** A deep copy whose maps functions may change (copystructure.Copy). */
export function deepCopy(v: Value): TemplateValue {
  if (v === undefined || v === null) {
    return null;
  }
  if (isList(v)) {
    return withGoType(v.map(deepCopy), goTypeName(v));
  }
  if (isMap(v)) {
    const out = newMap();
    for (const k of Object.keys(v)) {
      setKey(out, k, deepCopy(v[k]));
    }
    return goTypeName(v) === 'map[string]string' ? withGoType(out, 'map[string]string') : out;
  }
  return v;
}

/** Go's `strconv.Atoi`, or 0 where it fails. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    return 0;
  }
  const v = parseGoInt(s, false);
  return v === undefined ? 0 : exactInteger(Number(v), 'atoi');
}

/** `%T` of a value. */
function typeOf(v: Value): string {
  return v === null || v === undefined ? '<nil>' : goTypeName(v);
}

/** Encodes; a value JSON cannot hold gives "" (`toJson`) or the error (`mustToJson`, and `toRawJson`'s panic). */
function json(v: Value, options: { escapeHtml: boolean; indent?: string }, swallow: boolean): string {
  try {
    return goJsonEncode(v, options);
  } catch (e) {
    if (e instanceof CallFailure && swallow) {
      return '';
    }
    throw e;
  }
}

/** Sprig's conversion, default, JSON and reflection functions. */
export const CONVERSION_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['atoi', fixed(['string'], ([s]) => atoi(str(s)))],
  ['int', fixed(['any'], ([v]) => toInt64(v))],
  ['int64', fixed(['any'], ([v]) => new GoInt64(toInt64(v)))],
  ['float64', fixed(['any'], ([v]) => new GoFloat(toFloat64(v)))],
  [
    'toDecimal',
    fixed(['any'], ([v]) => {
      const text = formatValue(v, 'v');
      const parsed = /^[+-]?[0-7]+$/.test(text) ? parseGoInt(text.replace(/^([+-]?)/, '$10o'), true) : undefined;
      return new GoInt64(parsed === undefined ? 0 : exactInteger(Number(parsed), 'toDecimal'));
    }),
  ],
  ['default', variadic(['any', 'any'], ([fallback, ...given]) => (given.length === 0 || isEmpty(given[0]) ? fallback : given[0]))],
  ['empty', fixed(['any'], ([v]) => isEmpty(v))],
  ['coalesce', variadic(['any'], (args) => args.find((a) => !isEmpty(a)) ?? null)],
  ['all', variadic(['any'], (args) => args.every((a) => !isEmpty(a)))],
  ['any', variadic(['any'], (args) => args.some((a) => !isEmpty(a)))],
  ['ternary', fixed(['any', 'any', 'bool'], ([yes, no, condition]) => (condition ? yes : no))],
  [
    'fromJson',
    fixed(['string'], ([s]) => {
      try {
        return goJsonDecode(str(s));
      } catch (e) {
        if (e instanceof CallFailure) {
          return null;
        }
        throw e;
      }
    }),
  ],
  ['mustFromJson', fixed(['string'], ([s]) => goJsonDecode(str(s)))],
  ['toJson', fixed(['any'], ([v]) => json(v, { escapeHtml: true }, true))],
  ['mustToJson', fixed(['any'], ([v]) => json(v, { escapeHtml: true }, false))],
  ['toPrettyJson', fixed(['any'], ([v]) => json(v, { escapeHtml: true, indent: '  ' }, true))],
  ['mustToPrettyJson', fixed(['any'], ([v]) => json(v, { escapeHtml: true, indent: '  ' }, false))],
  ['toRawJson', fixed(['any'], ([v]) => json(v, { escapeHtml: false }, false))],
  ['mustToRawJson', fixed(['any'], ([v]) => json(v, { escapeHtml: false }, false))],
  ['deepCopy', fixed(['any'], ([v]) => deepCopy(v))],
  ['mustDeepCopy', fixed(['any'], ([v]) => deepCopy(v))],
  ['typeOf', fixed(['any'], ([v]) => typeOf(v))],
  ['typeIs', fixed(['string', 'any'], ([target, v]) => str(target) === typeOf(v))],
  ['typeIsLike', fixed(['string', 'any'], ([target, v]) => str(target) === typeOf(v) || `*${str(target)}` === typeOf(v))],
  ['kindOf', fixed(['any'], ([v]) => kindName(v))],
  ['kindIs', fixed(['string', 'any'], ([target, v]) => str(target) === kindName(v))],
  ['deepEqual', fixed(['any', 'any'], ([a, b]) => deepEqual(a, b))],
  [
    'fail',
    // Its message is not shown: a template may build it from parameters (which may be secrets).
    fixed(['string'], ([msg]) => {
      throw new CallFailure(
        `the template failed with a message of ${[...str(msg)].length} characters, not shown since it may quote parameter values`,
      );
    }),
  ],
];
