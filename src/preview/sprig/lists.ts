import { CallFailure, CallMeter, fixed, int, str, TemplateFunction, variadic } from '../function-signature';
import { byteLength, compareGoStrings, sliceBytes } from '../go-strings';
import { stringValue } from '../go-fmt';
import { goTypeName, isList, isMap, isNilMap, TemplateMap, TemplateValue, unsupported, Value, withGoType } from '../template-values';
import { deepEqual, expectMap, isEmpty, kindName, stringSlice, toInt64 } from './cast';
import { mutable, newMap, setKey } from './maps';
import { MAX_ITEMS } from './math';

/*
 * Sprig's list and dict functions (list.go, dict.go). A list function given something else
 * fails with Sprig's message ("Cannot find first on type string"); the plain forms panic and the
 * must* forms return the error, which Go reports the same way.
 */

const anyList = (items: TemplateValue[]) => withGoType(items, '[]interface {}');

const nonNil = (v: Value): TemplateValue => (v === undefined ? null : v);

/** The items of a list argument, or Sprig's error naming the operation and the kind received. */
function items(what: string, v: Value): readonly TemplateValue[] {
  if (v === null || v === undefined) {
    // reflect.TypeOf(nil).Kind() panics in Sprig.
    throw new CallFailure('runtime error: invalid memory address or nil pointer dereference');
  }
  if (!isList(v)) {
    throw new CallFailure(`Cannot ${what} on type ${kindName(v)}`);
  }
  return v;
}

/** How many compared pairs of values `inList` counts before it charges them. */
const CHARGE_EVERY = 4096;

/**
 * Sprig's `inList` (reflect.DeepEqual with each item). Every pair of values compared, nested
 * ones included, is charged to `meter` as one unit of work, so that `uniq` of 20,000 items
 * (2×10^8 comparisons, as in Go) is refused within a second.
 */
function inList(list: readonly Value[], needle: Value, meter: CallMeter, name: string): boolean {
  const walked = { count: 0 };
  const charge = () => {
    meter.charge(walked.count, () => `${name} comparing items one by one (with a list of ${list.length} items)`, COMPARE_FIX);
    walked.count = 0;
  };
  for (const e of list) {
    const equal = deepEqual(needle, e, walked);
    if (equal || walked.count >= CHARGE_EVERY) {
      charge();
    }
    if (equal) {
      return true;
    }
  }
  charge();
  return false;
}

const CONCAT_FIX =
  'Build smaller lists; Argo CD renders each field of an Application, which the Kubernetes API server stores up to 1.5 MiB.';

const COMPARE_FIX =
  'Compare fewer items: Sprig compares each item with every other one, which takes time quadratic in the length of the list.';

/** Both the plain and the must* form of a list function. */
function both(name: string, f: TemplateFunction): Array<readonly [string, TemplateFunction]> {
  return [
    [name, f],
    [`must${name[0]!.toUpperCase()}${name.slice(1)}`, f],
  ];
}

function chunk(size: number, v: Value): TemplateValue {
  const list = items('chunk', v);
  if (size <= 0) {
    throw unsupported('chunk with a size below 1 (Go panics or loops on it)');
  }
  const out: TemplateValue[] = [];
  for (let i = 0; i < list.length; i += size) {
    out.push(anyList(list.slice(i, i + size)));
  }
  return withGoType(out, '[][]interface {}');
}

function slice(v: Value, indices: readonly Value[]): Value {
  if (v === null || v === undefined) {
    throw new CallFailure('runtime error: invalid memory address or nil pointer dereference');
  }
  if (!isList(v) && typeof v !== 'string') {
    throw new CallFailure(`list should be type of string, slice or array but ${kindName(v)}`);
  }
  const length = typeof v === 'string' ? byteLength(v) : v.length;
  if (length === 0) {
    return null;
  }
  const start = indices.length > 0 ? toInt64(indices[0]) : 0;
  const end = indices.length > 1 ? toInt64(indices[1]) : length;
  if (start < 0 || end < start || end > length) {
    throw new CallFailure('reflect.Value.Slice: slice index out of range');
  }
  return typeof v === 'string' ? sliceBytes(v, start, end) : withGoType(v.slice(start, end), goTypeName(v));
}

function dig(args: readonly Value[]): Value {
  if (args.length < 3) {
    throw new CallFailure('dig needs at least three arguments');
  }
  const fallback = args[args.length - 2];
  let dict = args[args.length - 1];
  const keys = args.slice(0, -2);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string') {
      throw new CallFailure(`interface conversion: interface {} is ${k === null || k === undefined ? 'nil' : goTypeName(k)}, not string`);
    }
    if (!isMap(dict) || goTypeName(dict) !== 'map[string]interface {}') {
      const got = dict === null || dict === undefined ? 'nil' : goTypeName(dict);
      throw new CallFailure(`interface conversion: interface {} is ${got}, not map[string]interface {}`);
    }
    if (!Object.prototype.hasOwnProperty.call(dict, k)) {
      return fallback;
    }
    dict = dict[k];
  }
  return dict;
}

/** `mergo.Merge` (or `MergeWithOverwrite`) of `src` into `dst`, maps merged key by key. */
function mergeInto(dst: Record<string, TemplateValue>, src: TemplateMap, overwrite: boolean): void {
  for (const k of Object.keys(src)) {
    const s = src[k]!;
    const has = Object.prototype.hasOwnProperty.call(dst, k);
    const d = has ? dst[k] : undefined;
    if (has && isMap(d) && isMap(s) && Object.keys(s).length > 0) {
      // mergo merges a map into a map key by key (changing the map in `dst`).
      mergeInto(mutable('merge', d), s, overwrite);
    } else if (!has || overwrite || isEmpty(d)) {
      // mergo sets a key `dst` lacks or holds empty, and with overwrite any key, empty values too.
      setKey(dst, k, s);
    }
  }
}

function mergeMaps(name: string, dst: Value, srcs: readonly Value[], overwrite: boolean): Value {
  const target = mutable(name, expectMap(dst));
  for (const src of srcs) {
    mergeInto(target, expectMap(src), overwrite);
  }
  return target;
}

/** Sprig's list functions. */
export const LIST_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['list', variadic(['any'], (args) => anyList(args.map(nonNil)))],
  ['tuple', variadic(['any'], (args) => anyList(args.map(nonNil)))],
  ...both(
    'append',
    fixed(['any', 'any'], ([l, v]) => anyList([...items('push', l), nonNil(v)])),
  ),
  ...both(
    'push',
    fixed(['any', 'any'], ([l, v]) => anyList([...items('push', l), nonNil(v)])),
  ),
  ...both(
    'prepend',
    fixed(['any', 'any'], ([l, v]) => anyList([nonNil(v), ...items('prepend', l)])),
  ),
  ...both(
    'first',
    fixed(['any'], ([l]) => items('find first', l)[0] ?? null),
  ),
  ...both(
    'last',
    fixed(['any'], ([l]) => items('find last', l).at(-1) ?? null),
  ),
  ...both(
    'rest',
    fixed(['any'], ([l]) => {
      const list = items('find rest', l);
      return anyList(list.slice(1));
    }),
  ),
  ...both(
    'initial',
    fixed(['any'], ([l]) => {
      const list = items('find initial', l);
      return anyList(list.slice(0, -1));
    }),
  ),
  ...both(
    'reverse',
    fixed(['any'], ([l]) => anyList([...items('find reverse', l)].reverse())),
  ),
  ...both(
    'uniq',
    fixed(['any'], ([l], meter) => {
      const out: TemplateValue[] = [];
      for (const e of items('find uniq', l)) {
        if (!inList(out, e, meter, 'uniq')) {
          out.push(e);
        }
      }
      return anyList(out);
    }),
  ),
  ...both(
    'without',
    variadic(['any', 'any'], ([l, ...omit], meter) => anyList(items('find without', l).filter((e) => !inList(omit, e, meter, 'without')))),
  ),
  ...both(
    'has',
    fixed(['any', 'any'], ([needle, l], meter) =>
      l === null || l === undefined ? false : inList(items('find has', l), needle, meter, 'has'),
    ),
  ),
  ...both(
    'compact',
    fixed(['any'], ([l]) => anyList(items('compact', l).filter((e) => !isEmpty(e)))),
  ),
  ...both(
    'slice',
    variadic(['any', 'any'], ([l, ...indices]) => slice(l, indices)),
  ),
  ...both(
    'chunk',
    fixed(['int', 'any'], ([size, l]) => chunk(int(size), l)),
  ),
  [
    'concat',
    variadic(['any'], (lists) => {
      // Bounded before it is built: a list doubled in a loop would otherwise reach tens of
      // millions of items first, which takes the preview many seconds.
      const total = lists.reduce<number>((n, l) => n + (isList(l) ? l.length : 0), 0);
      if (total > MAX_ITEMS) {
        throw unsupported(`concat building a list of more than ${MAX_ITEMS} items`, CONCAT_FIX);
      }
      const out: TemplateValue[] = [];
      for (const l of lists) {
        // One push per item: spreading a list of a million items into push overflows the stack.
        for (const item of items('concat type', l)) {
          out.push(item);
        }
      }
      return anyList(out);
    }),
  ],
  ['sortAlpha', fixed(['any'], ([l]) => withGoType(isList(l) ? stringSlice(l).sort(compareGoStrings) : [stringValue(l)], '[]string'))],
];

/** Sprig's dict functions. */
export const DICT_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  [
    'dict',
    variadic(['any'], (args) => {
      const out = newMap();
      for (let i = 0; i < args.length; i += 2) {
        setKey(out, stringValue(args[i]), i + 1 < args.length ? nonNil(args[i + 1]) : '');
      }
      return out;
    }),
  ],
  [
    'get',
    fixed(['map', 'string'], ([d, k]) => {
      const map = expectMap(d);
      return Object.prototype.hasOwnProperty.call(map, str(k)) ? nonNil(map[str(k)]) : '';
    }),
  ],
  [
    'set',
    fixed(['map', 'string', 'any'], ([d, k, v]) => {
      const map = mutable('set', expectMap(d));
      setKey(map, str(k), nonNil(v));
      return map;
    }),
  ],
  [
    'unset',
    fixed(['map', 'string'], ([d, k]) => {
      if (isNilMap(d)) {
        // delete on a nil map does nothing.
        return d;
      }
      const map = mutable('unset', expectMap(d));
      delete map[str(k)];
      return map;
    }),
  ],
  ['hasKey', fixed(['map', 'string'], ([d, k]) => Object.prototype.hasOwnProperty.call(expectMap(d), str(k)))],
  [
    'pluck',
    variadic(['string', 'map'], ([k, ...dicts]) =>
      anyList(
        dicts
          .map(expectMap)
          .filter((m) => Object.prototype.hasOwnProperty.call(m, str(k)))
          .map((m) => nonNil(m[str(k)])),
      ),
    ),
  ],
  [
    'keys',
    variadic(['map'], (dicts) => {
      if (dicts.some((d) => Object.keys(expectMap(d)).length > 1)) {
        throw unsupported('keys of a map with more than one key (Go returns them in random order; use keys … | sortAlpha)');
      }
      return withGoType(
        dicts.flatMap((d) => Object.keys(expectMap(d))),
        '[]string',
      );
    }),
  ],
  [
    'values',
    fixed(['map'], ([d]) => {
      const map = expectMap(d);
      if (Object.keys(map).length > 1) {
        throw unsupported('values of a map with more than one key (Go returns them in random order)');
      }
      return anyList(Object.values(map).map(nonNil));
    }),
  ],
  [
    'pick',
    variadic(['map', 'string'], ([d, ...keys]) => {
      const map = expectMap(d);
      const out = newMap();
      for (const k of keys as string[]) {
        if (Object.prototype.hasOwnProperty.call(map, k)) {
          setKey(out, k, nonNil(map[k]));
        }
      }
      return out;
    }),
  ],
  [
    'omit',
    variadic(['map', 'string'], ([d, ...keys]) => {
      const map = expectMap(d);
      const out = newMap();
      for (const k of Object.keys(map)) {
        if (!(keys as string[]).includes(k)) {
          setKey(out, k, nonNil(map[k]));
        }
      }
      return out;
    }),
  ],
  ['merge', variadic(['map', 'map'], ([dst, ...srcs]) => mergeMaps('merge', dst, srcs, false))],
  ['mustMerge', variadic(['map', 'map'], ([dst, ...srcs]) => mergeMaps('mustMerge', dst, srcs, false))],
  ['mergeOverwrite', variadic(['map', 'map'], ([dst, ...srcs]) => mergeMaps('mergeOverwrite', dst, srcs, true))],
  ['mustMergeOverwrite', variadic(['map', 'map'], ([dst, ...srcs]) => mergeMaps('mustMergeOverwrite', dst, srcs, true))],
  ['dig', variadic(['any'], dig)],
];
