import { GoFloat } from './go-float';
import { goSprint, goSprintf, goSprintln } from './go-fmt';
import { byteAt, byteLength, compareGoStrings, isRawByte, sliceBytes, toGoBytes } from './go-strings';
import { CallFailure, TemplateFunction } from './template-functions';
import { GoInt64, goTypeName, hasKey, isList, isMap, mapElementZero, unsupported, Value } from './template-values';

/*
 * Go's text/template builtins (text/template/funcs.go) with Go's semantics and error words:
 * and, or, not, len, index, slice, print, printf, println, html, js, urlquery, eq, ne, lt, le,
 * gt, ge and call. `and`/`or` short-circuit and `call` names its callee, so go-template.ts
 * evaluates those two itself.
 */

/** Go's `indirectInterface`: a nil interface is no value. */
const indirect = (v: Value): Value => (v === null ? undefined : v);

/** Go's `isTrue` (the truth of if, with, and, or, not): empty values are false. */
export function isTrue(v: Value): boolean {
  if (v === undefined || v === null) {
    return false;
  }
  if (typeof v === 'string') {
    return v.length > 0;
  }
  if (typeof v === 'number') {
    return v !== 0;
  }
  if (v instanceof GoFloat || v instanceof GoInt64) {
    return v.value !== 0;
  }
  if (typeof v === 'boolean') {
    return v;
  }
  return isList(v) ? v.length > 0 : Object.keys(v).length > 0;
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

/** The value of an integer of either type (int, or int64 as {@link GoInt64}). */
const integer = (v: Value): number => (v instanceof GoInt64 ? v.value : (v as number));

function basicKind(v: Value): Kind {
  if (typeof v === 'boolean') {
    return 'bool';
  }
  // Go's basicKind puts every signed integer type in one kind: int and int64 compare as integers.
  if (typeof v === 'number' || v instanceof GoInt64) {
    return 'int';
  }
  if (v instanceof GoFloat) {
    return 'float';
  }
  return typeof v === 'string' ? 'string' : 'invalid';
}

/** The Go kind of a value that is not basic: lists and maps are not comparable. */
const reflectKind = (v: Value): string => (v === undefined ? 'invalid' : isList(v) ? 'slice' : 'map');

const BAD_TYPE = 'invalid type for comparison';
const incompatible = (a: Value, b: Value) => `incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`;

function eq(args: readonly Value[]): boolean {
  const a = indirect(args[0]);
  if (args.length < 2) {
    throw new CallFailure('missing argument for comparison');
  }
  const k1 = basicKind(a);
  for (const raw of args.slice(1)) {
    const b = indirect(raw);
    const k2 = basicKind(b);
    let truth = false;
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) {
        throw new CallFailure(incompatible(a, b));
      }
    } else if (k1 === 'float') {
      truth = (a as GoFloat).value === (b as GoFloat).value;
    } else if (k1 === 'int') {
      truth = integer(a) === integer(b);
    } else if (k1 !== 'invalid') {
      truth = a === b;
    } else {
      if (reflectKind(a) !== reflectKind(b) && a !== undefined && b !== undefined) {
        throw new CallFailure(`non-comparable types ${goTypeName(a)}, ${goTypeName(b)}`);
      }
      if (a === undefined || b === undefined) {
        truth = (a === undefined) === (b === undefined);
      } else {
        throw new CallFailure(`non-comparable type ${goTypeName(b)}`);
      }
    }
    if (truth) {
      return true;
    }
  }
  return false;
}

function lt([x, y]: readonly Value[]): boolean {
  const a = indirect(x);
  const b = indirect(y);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') {
    throw new CallFailure(BAD_TYPE);
  }
  if (k1 !== k2) {
    throw new CallFailure(incompatible(a, b));
  }
  switch (k1) {
    case 'bool':
      throw new CallFailure(BAD_TYPE);
    case 'float':
      return (a as GoFloat).value < (b as GoFloat).value;
    case 'string':
      return compareGoStrings(a as string, b as string) < 0;
    default:
      return integer(a) < integer(b);
  }
}

const le = (args: readonly Value[]): boolean => lt(args) || eq(args);

/** Go's `indexArg`: an integer index no greater than `cap`. */
function indexArg(raw: Value, cap: number): number {
  const given = indirect(raw);
  if (given === undefined) {
    throw new CallFailure('cannot index slice/array with nil');
  }
  // Go's indexArg takes an integer of any size.
  const key = given instanceof GoInt64 ? given.value : given;
  if (typeof key !== 'number') {
    throw new CallFailure(`cannot index slice/array with type ${goTypeName(key)}`);
  }
  if (key < 0 || key > cap) {
    throw new CallFailure('index out of range');
  }
  return key;
}

/** Go's builtin `index`: successive indexes into lists, strings (bytes) and maps. */
function index(args: readonly Value[]): Value {
  let item: Value = indirect(args[0]);
  if (item === undefined) {
    throw new CallFailure('index of untyped nil');
  }
  for (const raw of args.slice(1)) {
    if (item === null || item === undefined) {
      throw new CallFailure('index of nil pointer');
    }
    if (isList(item) || typeof item === 'string') {
      const size: number = isList(item) ? item.length : byteLength(item);
      const x = indexArg(raw, size);
      if (x === size) {
        // Go's indexArg lets the length through and reflect panics on it.
        throw new CallFailure(`reflect: ${isList(item) ? 'slice' : 'string'} index out of range`);
      }
      item = isList(item) ? item[x]! : byteAt(item, x);
    } else if (isMap(item)) {
      const key = indirect(raw);
      if (key === undefined) {
        throw new CallFailure('value is nil; should be of type string');
      }
      if (typeof key !== 'string') {
        throw new CallFailure(`value has type ${goTypeName(key)}; should be string`);
      }
      item = hasKey(item, key) ? item[key]! : mapElementZero(item);
    } else {
      throw new CallFailure(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

/** Go's builtin `slice`: `slice x 1 2` is x[1:2]; strings are cut by bytes. */
function slice(args: readonly Value[]): Value {
  const item = indirect(args[0]);
  const indexes = args.slice(1);
  if (item === undefined) {
    throw new CallFailure('slice of untyped nil');
  }
  if (indexes.length > 3) {
    throw new CallFailure(`too many slice indexes: ${indexes.length}`);
  }
  if (typeof item === 'string') {
    if (indexes.length === 3) {
      throw new CallFailure('cannot 3-index slice a string');
    }
  } else if (!isList(item)) {
    throw new CallFailure(`can't slice item of type ${goTypeName(item)}`);
  }
  const size = typeof item === 'string' ? byteLength(item) : item.length;
  const idx = [0, size, size];
  indexes.forEach((raw, i) => {
    // A list's capacity may exceed its length in Go; only a string's is known here.
    const x = indexArg(raw, typeof item === 'string' ? size : Number.MAX_SAFE_INTEGER);
    if (x > size) {
      throw unsupported("slice past the end of a list: Go reads up to the list's capacity, which the preview does not know");
    }
    idx[i] = x;
  });
  if (idx[0]! > idx[1]!) {
    throw new CallFailure('invalid slice index: the first index is above the second');
  }
  if (indexes.length === 3 && idx[1]! > idx[2]!) {
    throw new CallFailure('invalid slice index: the second index is above the third');
  }
  if (typeof item === 'string') {
    // A bound inside a character leaves its bytes raw, as in Go.
    return sliceBytes(item, idx[0]!, idx[1]!);
  }
  return item.slice(idx[0], idx[1]);
}

/** Go's builtin `len`. */
function length([v]: readonly Value[]): Value {
  if (v === undefined) {
    // Go's length asks the type of no value, and reflect panics.
    throw new CallFailure('reflect: call of reflect.Value.Type on zero Value');
  }
  if (v === null) {
    throw new CallFailure('len of nil pointer');
  }
  if (typeof v === 'string') {
    return byteLength(v);
  }
  if (isList(v)) {
    return v.length;
  }
  if (isMap(v)) {
    return Object.keys(v).length;
  }
  throw new CallFailure(`len of type ${goTypeName(v)}`);
}

/** text/template's `evalArgs`: one string as is, else fmt.Sprint with missing values as <no value>. */
function evalArgs(args: readonly Value[]): string {
  if (args.length === 1 && typeof args[0] === 'string') {
    return args[0];
  }
  return goSprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

const HTML: Readonly<Record<string, string>> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\ufffd' };

/** Go's `template.HTMLEscapeString`. */
function htmlEscape(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) => HTML[c]!);
}

const JS: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `template.JSEscapeString`. */
function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (JS[ch] !== undefined) {
      out += JS[ch];
    } else if (isRawByte(c)) {
      // A byte that is not UTF-8 decodes as U+FFFD, which is printable: Go writes the byte.
      out += ch;
    } else if (c < 0x20) {
      out += `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`;
    } else if (c < 0x80 || PRINTABLE.test(ch)) {
      out += ch;
    } else {
      out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return out;
}

/** Go's `url.QueryEscape`. */
function urlQueryEscape(s: string): string {
  let out = '';
  for (const byte of toGoBytes(s)) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) {
      out += ch;
    } else if (ch === ' ') {
      out += '+';
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

function fixed(params: TemplateFunction['params'], call: TemplateFunction['call']): TemplateFunction {
  return { params, call };
}

function variadic(params: TemplateFunction['params'], call: TemplateFunction['call']): TemplateFunction {
  return { params, variadic: true, call };
}

function evaluatedByTheTemplate(): never {
  throw new Error('and, or and call are evaluated by the template itself');
}

/** Go's `and`, `or` and `call`, which go-template.ts evaluates itself. */
export const AND = variadic(['value', 'value'], evaluatedByTheTemplate);
export const OR = variadic(['value', 'value'], evaluatedByTheTemplate);
export const CALL = variadic(['value', 'value'], evaluatedByTheTemplate);

/** Go's text/template builtins, with Go's signatures (which decide argument checks). */
export const GO_BUILTINS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ['and', AND],
  ['call', CALL],
  ['html', variadic(['any'], (args) => htmlEscape(evalArgs(args)))],
  ['index', variadic(['value', 'value'], index)],
  ['slice', variadic(['value', 'value'], slice)],
  ['js', variadic(['any'], (args) => jsEscape(evalArgs(args)))],
  ['len', fixed(['value'], length)],
  ['not', fixed(['value'], ([v]) => !isTrue(indirect(v)))],
  ['or', OR],
  ['print', variadic(['any'], (args) => goSprint(args))],
  ['printf', variadic(['string', 'any'], ([format, ...args]) => goSprintf(format as string, args))],
  ['println', variadic(['any'], (args) => goSprintln(args))],
  ['urlquery', variadic(['any'], (args) => urlQueryEscape(evalArgs(args)))],
  ['eq', variadic(['value', 'value'], eq)],
  ['ge', fixed(['value', 'value'], (args) => !lt(args))],
  ['gt', fixed(['value', 'value'], (args) => !le(args))],
  ['le', fixed(['value', 'value'], le)],
  ['lt', fixed(['value', 'value'], lt)],
  ['ne', fixed(['value', 'value'], (args) => !eq(args))],
]);
