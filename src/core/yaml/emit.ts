/**
 * The one YAML writer of cdk8s-gitops, for plain data (maps, lists, strings, numbers,
 * booleans, null).
 *
 * It is small and fast on purpose: values files are the bulk of a fleet's tree, and YAML
 * serialization is most of the cost of writing them. Output is byte-for-byte deterministic:
 * keys keep their insertion order, indentation is two spaces, lists are indented under their key.
 *
 * Strings are written plain only when every YAML reader Argo CD and Helm may use (YAML 1.1
 * and 1.2) reads them back as the same string; otherwise they are double-quoted. So `"yes"`,
 * `"on"`, `"1"`, `"0o17"` and `"2026-01-01"` stay strings in Helm, where a naive writer would
 * turn them into booleans, numbers or timestamps.
 */
import { isMap } from '../plain';

/** Strings YAML 1.1 or 1.2 would read as something other than a string. */
const SPECIAL_WORDS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  'null',
  'Null',
  'NULL',
  '~',
  '',
  '.inf',
  '.Inf',
  '.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  '.NAN',
  '<<',
  '=',
]);

/** Characters that are always safe inside a plain scalar, and at its start. */
const PLAIN_SAFE = /^[A-Za-z_/.][A-Za-z0-9_./@%+:=-]*(?: [A-Za-z0-9_./@%+()=-]+)*$/;
/** Anything that starts like a number, a date or a sexagesimal in some YAML version. */
const NUMBER_LIKE = /^[-+.]?[0-9]|^\.(?:inf|nan)$/i;
/** YAML 1.1 floats without a leading digit: `.`, `._1`, `e3`, `.e1`, `E+5`. */
const YAML11_FLOAT = /^(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$/;

function isPlainSafe(s: string): boolean {
  if (SPECIAL_WORDS.has(s)) return false;
  if (NUMBER_LIKE.test(s) || YAML11_FLOAT.test(s)) return false;
  // `key: value` inside a scalar, or a trailing colon, would read as a map.
  if (s.endsWith(':') || s.includes(': ')) return false;
  // `...` at the start of a line ends a YAML document: a document that is such a string would read as none.
  if (s.startsWith('...')) return false;
  return PLAIN_SAFE.test(s);
}

/**
 * A string as a YAML scalar: plain when every YAML reader (1.1 and 1.2) reads it back as the
 * same string, in block and in flow context; else double-quoted. The one quoting rule of the
 * files cdk8s-gitops writes (values, Argo CD objects, ledgers).
 */
export function yamlString(s: string): string {
  if (s.length > MEMO_LENGTH) return isPlainSafe(s) ? s : JSON.stringify(s);
  let scalar = memo.get(s);
  if (scalar === undefined) {
    scalar = isPlainSafe(s) ? s : JSON.stringify(s);
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(s, scalar);
  }
  return scalar;
}

/** Scalars written before, by string: a fleet's files repeat the same keys and values thousands of times. */
const memo = new Map<string, string>();
/** The longest string {@link yamlString} remembers. */
const MEMO_LENGTH = 128;
/** How many strings {@link yamlString} remembers before it forgets them all. */
const MEMO_SIZE = 20_000;

function scalar(v: unknown, where: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return yamlString(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`Cannot write ${v} at ${where || '<root>'} as YAML: not a finite number.`);
      return Object.is(v, -0) ? '0' : String(v);
    default:
      throw new TypeError(`Cannot write a value of type ${typeof v} at ${where || '<root>'} as YAML: only plain data is allowed.`);
  }
}

function emitMap(obj: Record<string, unknown>, indent: string, out: string[], where: string): void {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    const k = yamlString(key);
    const path = where ? `${where}.${key}` : key;
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${indent}${k}: []\n`);
      else {
        out.push(`${indent}${k}:\n`);
        emitList(v, indent + '  ', out, path);
      }
    } else if (isMap(v)) {
      if (Object.keys(v).length === 0) out.push(`${indent}${k}: {}\n`);
      else {
        out.push(`${indent}${k}:\n`);
        emitMap(v, indent + '  ', out, path);
      }
    } else {
      out.push(`${indent}${k}: ${scalar(v, path)}\n`);
    }
  }
}

function emitList(list: readonly unknown[], indent: string, out: string[], where: string): void {
  list.forEach((v, i) => {
    const path = `${where}[${i}]`;
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${indent}- []\n`);
      else {
        // A nested list starts on its own line under the dash.
        out.push(`${indent}-\n`);
        emitList(v, indent + '  ', out, path);
      }
    } else if (isMap(v)) {
      const keys = Object.keys(v).filter((key) => v[key] !== undefined);
      if (keys.length === 0) {
        out.push(`${indent}- {}\n`);
        return;
      }
      // The first key shares the dash's line: `- name: x`.
      const inner: string[] = [];
      emitMap(v, indent + '  ', inner, path);
      inner[0] = `${indent}- ${inner[0].slice(indent.length + 2)}`;
      out.push(...inner);
    } else {
      out.push(`${indent}- ${scalar(v, path)}\n`);
    }
  });
}

/**
 * Writes plain data as one YAML document.
 *
 * @param value a map, list or scalar of plain data
 * @returns the YAML text, ending with a newline
 */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  if (isMap(value)) {
    if (Object.keys(value).length === 0) return '{}\n';
    emitMap(value, '', out, '');
  } else if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    emitList(value, '', out, '');
  } else {
    return `${scalar(value, '')}\n`;
  }
  return out.join('');
}

/** Writes several objects as a multi-document YAML stream separated by `---`. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map(toYaml).join('---\n');
}
