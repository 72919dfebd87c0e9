import { GoFloat } from './go-float';
import { goBase, goClean, goDir, goExt } from './go-path';
import { byteLength, goToLower, goToUpper, goTrim, goTrimSpace, isGoSpace, sliceBytes } from './go-strings';
import { sanitizeName } from './sanitize-name';
import { formatValue, goTypeName, isList, isMap, stringValue, TemplateValue, unsupported, Value } from './template-values';

/**
 * How an argument is passed, after Go's `text/template` rules:
 * `string` and `int` must have that type; `any` is `interface{}` (a missing value becomes nil);
 * `value` is a raw `reflect.Value` (builtins `index` and `len` see missing values as they are).
 */
export type ParamType = 'string' | 'int' | 'any' | 'value';

/** A function a template may call. */
export interface TemplateFunction {
  /** Parameter types; when `variadic`, the last one is the type of every extra argument. */
  readonly params: readonly ParamType[];
  readonly variadic?: boolean;
  /** Calls the function; throws {@link CallFailure} as a Go function returns an error. */
  readonly call: (args: readonly Value[]) => Value;
}

/** An error the function returns (Go reports it as "error calling NAME: …"). */
export class CallFailure extends Error {}

const str = (v: Value): string => v as string;
const int = (v: Value): number => v as number;

function fixed(params: readonly ParamType[], call: (args: readonly Value[]) => Value): TemplateFunction {
  return { params, call };
}

function variadic(params: readonly ParamType[], call: (args: readonly Value[]) => Value): TemplateFunction {
  return { params, variadic: true, call };
}

/** Sprig's `empty`: nil, "", 0, false and empty lists and maps are empty. */
function isEmpty(v: Value): boolean {
  if (v === undefined || v === null) {
    return true;
  }
  if (typeof v === 'string') {
    return v.length === 0;
  }
  if (typeof v === 'number') {
    return v === 0;
  }
  if (v instanceof GoFloat) {
    return v.value === 0;
  }
  if (typeof v === 'boolean') {
    return !v;
  }
  return isList(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** Sprig's `strslice`: a list as strings (nils dropped), nil as [], anything else as [strval]. */
function stringSlice(v: Value): string[] {
  if (isList(v)) {
    return v.filter((e) => e !== null).map(stringValue);
  }
  return v === null || v === undefined ? [] : [stringValue(v)];
}

function kindName(v: Value): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof GoFloat) {
    return goTypeName(v);
  }
  return isMap(v) ? 'map' : 'slice';
}

function endOfList(name: 'first' | 'last') {
  return fixed(['any'], ([v]) => {
    if (v === null || v === undefined) {
      throw new CallFailure('runtime error: invalid memory address or nil pointer dereference');
    }
    if (!isList(v)) {
      throw new CallFailure(`Cannot find ${name} on type ${kindName(v)}`);
    }
    if (v.length === 0) {
      return null;
    }
    return name === 'first' ? v[0]! : v[v.length - 1]!;
  });
}

function cut(name: string, s: string, start: number, end: number): string {
  const out = sliceBytes(s, start, end);
  if (out === undefined) {
    throw unsupported(`${name} cutting inside a multi-byte character of ${JSON.stringify(s)}`);
  }
  return out;
}

/**
 * The Sprig and Argo CD functions the preview evaluates, each with Go's signature and
 * behaviour: Sprig's string, list, default and path functions, and Argo CD's `normalize`.
 * Go's builtins are in go-builtins.ts. Any other name is refused with `CG701`.
 */
export const TEMPLATE_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  // Sprig: strings
  ['lower', fixed(['string'], ([s]) => goToLower(str(s)))],
  ['upper', fixed(['string'], ([s]) => goToUpper(str(s)))],
  ['trim', fixed(['string'], ([s]) => goTrimSpace(str(s)))],
  ['trimAll', fixed(['string', 'string'], ([cutset, s]) => goTrim(str(s), str(cutset)))],
  [
    'trimPrefix',
    fixed(['string', 'string'], ([prefix, s]) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : str(s))),
  ],
  [
    'trimSuffix',
    fixed(['string', 'string'], ([suffix, s]) =>
      str(suffix) !== '' && str(s).endsWith(str(suffix)) ? str(s).slice(0, str(s).length - str(suffix).length) : str(s),
    ),
  ],
  [
    'replace',
    fixed(['string', 'string', 'string'], ([from, to, s]) => {
      if (str(from) === '') {
        const runes = [...str(s)];
        return str(to) + runes.join(str(to)) + (runes.length > 0 ? str(to) : '');
      }
      return str(s).split(str(from)).join(str(to));
    }),
  ],
  [
    'trunc',
    fixed(['int', 'string'], ([c, s]) => {
      const n = byteLength(str(s));
      if (int(c) < 0 && n + int(c) > 0) {
        return cut('trunc', str(s), n + int(c), n);
      }
      if (int(c) >= 0 && n > int(c)) {
        return cut('trunc', str(s), 0, int(c));
      }
      return str(s);
    }),
  ],
  [
    'substr',
    fixed(['int', 'int', 'string'], ([startValue, endValue, s]) => {
      const n = byteLength(str(s));
      let start = int(startValue);
      let end = int(endValue);
      if (start < 0) {
        start = 0;
      } else if (end < 0 || end > n) {
        end = n;
      }
      if (start > end || end > n || end < 0) {
        throw new CallFailure(`runtime error: slice bounds out of range [${start}:${end}] with length ${n}`);
      }
      return cut('substr', str(s), start, end);
    }),
  ],
  [
    'repeat',
    fixed(['int', 'string'], ([count, s]) => {
      if (int(count) < 0) {
        throw new CallFailure('strings: negative Repeat count');
      }
      return str(s).repeat(int(count));
    }),
  ],
  ['nospace', fixed(['string'], ([s]) => [...str(s)].filter((ch) => !isGoSpace(ch)).join(''))],
  ['contains', fixed(['string', 'string'], ([sub, s]) => str(s).includes(str(sub)))],
  ['hasPrefix', fixed(['string', 'string'], ([prefix, s]) => str(s).startsWith(str(prefix)))],
  ['hasSuffix', fixed(['string', 'string'], ([suffix, s]) => str(s).endsWith(str(suffix)))],
  [
    'quote',
    variadic(['any'], (args) =>
      args
        .filter((a) => a !== null)
        .map((a) => formatValue(stringValue(a), 'q'))
        .join(' '),
    ),
  ],
  [
    'squote',
    variadic(['any'], (args) =>
      args
        .filter((a) => a !== null)
        .map((a) => `'${formatValue(a, 'v')}'`)
        .join(' '),
    ),
  ],
  [
    'cat',
    variadic(['any'], (args) =>
      args
        .filter((a) => a !== null)
        .map((a) => formatValue(a, 'v'))
        .join(' '),
    ),
  ],
  ['toString', fixed(['any'], ([v]) => stringValue(v))],
  ['splitList', fixed(['string', 'string'], ([sep, s]) => (str(sep) === '' ? [...str(s)] : str(s).split(str(sep))))],
  ['join', fixed(['string', 'any'], ([sep, v]) => stringSlice(v).join(str(sep)))],
  // Sprig: defaults and lists
  ['default', variadic(['any', 'any'], ([fallback, ...given]) => (given.length === 0 || isEmpty(given[0]) ? fallback : given[0]))],
  ['list', variadic(['any'], (args) => args.map((a): TemplateValue => (a === undefined ? null : a)))],
  ['first', endOfList('first')],
  ['last', endOfList('last')],
  // Sprig: paths
  ['base', fixed(['string'], ([s]) => goBase(str(s)))],
  ['dir', fixed(['string'], ([s]) => goDir(str(s)))],
  ['clean', fixed(['string'], ([s]) => goClean(str(s)))],
  ['ext', fixed(['string'], ([s]) => goExt(str(s)))],
  // Argo CD
  ['normalize', fixed(['string'], ([s]) => sanitizeName(str(s)))],
]);
