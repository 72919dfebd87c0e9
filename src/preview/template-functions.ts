import { CallFailure, fixed, str, TemplateFunction, variadic } from './function-signature';
import { byteAt, byteLength } from './go-strings';
import { SPRIG_FUNCTIONS } from './sprig';
import { GoInt64, goTypeName, hasKey, isList, isMap, mapElementZero, sprint, sprintf, Value } from './template-values';

export { CallFailure, type ParamType, type TemplateFunction } from './function-signature';

/** Go's builtin `index`: successive indexes into lists, strings (bytes) and maps. */
function index(args: readonly Value[]): Value {
  let item: Value = args[0] === null ? undefined : args[0];
  if (item === undefined) {
    throw new CallFailure('index of untyped nil');
  }
  for (let k = 1; k < args.length; k++) {
    const raw = args[k];
    const key = raw === null ? undefined : raw;
    if (item === null || item === undefined) {
      throw new CallFailure('index of nil pointer');
    }
    if (isList(item) || typeof item === 'string') {
      const length = isList(item) ? item.length : byteLength(item);
      if (key === undefined) {
        throw new CallFailure('cannot index slice/array with nil');
      }
      if (typeof key !== 'number' && !(key instanceof GoInt64)) {
        throw new CallFailure(`cannot index slice/array with type ${goTypeName(key)}`);
      }
      const at = typeof key === 'number' ? key : key.value;
      if (at < 0 || at >= length) {
        throw new CallFailure(`index out of range: ${at} (length ${length})`);
      }
      item = isList(item) ? item[at]! : byteAt(item, at);
    } else if (isMap(item)) {
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

/** Go's builtin `len`. */
function length([v]: readonly Value[]): Value {
  if (v === undefined) {
    throw new CallFailure('len of untyped nil');
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

/**
 * The functions the preview evaluates, each with Go's signature and behaviour: Go's builtins
 * `index`, `len`, `print`, `printf`; and the functions Argo CD adds, Sprig's and its own
 * ({@link SPRIG_FUNCTIONS}). Any other name is refused with `CG701`.
 */
export const TEMPLATE_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  // Go builtins
  ['index', variadic(['value', 'value'], index)],
  ['len', fixed(['value'], length)],
  ['print', variadic(['any'], (args) => sprint(args))],
  ['printf', variadic(['string', 'any'], ([format, ...args]) => sprintf(str(format), args))],
  // Sprig and Argo CD (src/preview/sprig/)
  ...SPRIG_FUNCTIONS,
]);
