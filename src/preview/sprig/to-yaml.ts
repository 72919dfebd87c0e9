import { formatGoFloat, GoFloat } from '../go-float';
import { compareGoStrings, toValidUtf8 } from '../go-strings';
import { GoInt64, isList, isNilMap, TemplateMap, unsupported, Value } from '../template-values';

/*
 * Argo CD's `toYaml`: sigs.k8s.io/yaml.Marshal, that is encoding/json (map keys sorted, numbers
 * that are whole written as integers) read back and written by go-yaml v2 (two-space indents,
 * lists not indented under their key, strings quoted only where YAML 1.1 would read them as
 * something else, strings of several lines as literal block scalars), without the final
 * newline. Strings go-yaml would fold (long text with spaces) or escape, and the block scalars
 * it would write otherwise than plainly, are refused rather than approximated.
 */

/** Plain scalars go-yaml v2 reads as another type than a string (YAML 1.1 resolution). */
const NOT_A_STRING = [
  /^(?:~|null|Null|NULL)$/,
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)$/,
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^<<$/,
];

const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;

function refuse(why: string): never {
  throw unsupported(`toYaml of a string that ${why}`);
}

/** Whether go-yaml v2 reads a plain `YYYY-M-D` as a timestamp: a valid date. */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d\d?)-(\d\d?)$/.exec(s);
  if (!m) {
    return false;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return mo >= 1 && mo <= 12 && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** go-yaml v2 folds a scalar at a space past this column. */
const BEST_WIDTH = 80;

/**
 * A string as go-yaml v2 writes it, starting at `column` (0 for a key, which is never folded);
 * a string of several lines is a literal block scalar whose lines are indented by `indent`.
 */
function scalarString(raw: string, column: number, key = false, indent = 2): string {
  if (!key && raw.includes('\n')) {
    return literal(toValidUtf8(raw), indent);
  }
  const text = quoteString(raw);
  if (key && [...text].length > 128) {
    refuse('is a key longer than 128 characters, which go-yaml writes as a complex key');
  }
  if (!key && [...text].some((ch, i) => ch === ' ' && column + i > BEST_WIDTH)) {
    refuse(`go-yaml folds at a space past column ${BEST_WIDTH}`);
  }
  return text;
}

/**
 * go-yaml v2's literal block scalar for a string with a line break (`|`, `|-` without a final
 * line break; an indentation indicator `2` when the text starts with a space or a break), its
 * lines indented by `indent` spaces and empty lines left empty. Where go-yaml would write the
 * string double-quoted instead (a space before a break or at the end, a character it escapes)
 * or keep its trailing breaks (`|+`, followed by a document end marker), it is refused.
 */
function literal(s: string, indent: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are what go-yaml escapes
  if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\t]|[\ud800-\udfff]/.test(s)) {
    refuse('holds characters go-yaml escapes (control characters, tabs, carriage returns, characters beyond U+FFFF)');
  }
  if (/ \n/.test(s) || s.endsWith(' ')) {
    refuse('has a space before a line break or at its end, which go-yaml writes double-quoted');
  }
  if (s.endsWith('\n\n') || s === '\n') {
    refuse('ends with several line breaks, which go-yaml keeps with "|+" and a document end marker');
  }
  const hint = s.startsWith(' ') || s.startsWith('\n') ? '2' : '';
  const clip = s.endsWith('\n');
  const body = clip ? s.slice(0, -1) : s;
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((line) => (line === '' ? '' : `${pad}${line}`));
  return `|${hint}${clip ? '' : '-'}\n${lines.join('\n')}`;
}

function quoteString(raw: string): string {
  const s = toValidUtf8(raw);
  if (s.includes('\n') || s.includes('\r')) {
    refuse('go-yaml writes as a block scalar here (a key, or a line break other than \\n)');
  }
  if (/[\ud800-\udfff\ufffe\uffff]/.test(s)) {
    refuse('holds characters go-yaml escapes (beyond U+FFFF)');
  }
  // eslint-disable-next-line no-control-regex -- control characters are what go-yaml escapes
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\t]/.test(s)) {
    refuse('holds control characters go-yaml escapes');
  }
  if (/^\d{4}-\d\d?-\d\d?[Tt ]/.test(s)) {
    refuse('go-yaml may read as a timestamp');
  }
  if (s === '' || isDate(s) || NOT_A_STRING.some((re) => re.test(s))) {
    return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  const plain =
    !INDICATOR_START.test(s) &&
    !s.startsWith(' ') &&
    !s.endsWith(' ') &&
    !s.includes(': ') &&
    !s.includes(' #') &&
    !s.endsWith(':') &&
    !s.startsWith('---') &&
    !s.startsWith('...');
  const startsWithSafeIndicator = /^[-?:][^ ]/.test(s) && !s.startsWith('---');
  if (plain || (startsWithSafeIndicator && !s.endsWith(' ') && !s.includes(': ') && !s.includes(' #') && !s.endsWith(':'))) {
    return s;
  }
  return `'${s.replace(/'/g, "''")}'`;
}

function scalar(v: Value, column: number, indent: number): string | undefined {
  // encoding/json writes a nil map as null.
  if (v === null || v === undefined || isNilMap(v)) {
    return 'null';
  }
  if (typeof v === 'string') {
    return scalarString(v, column, false, indent);
  }
  if (typeof v === 'boolean') {
    return String(v);
  }
  if (typeof v === 'number' || v instanceof GoInt64) {
    return String(typeof v === 'number' ? v : v.value);
  }
  if (v instanceof GoFloat) {
    const f = v.value;
    if (!Number.isFinite(f)) {
      throw unsupported(`toYaml of ${formatGoFloat(f)} (encoding/json refuses it)`);
    }
    // encoding/json writes a whole float below 1e21 as an integer, which go-yaml reads as one.
    if (Number.isInteger(f) && Math.abs(f) < 1e21) {
      if (!Number.isSafeInteger(f)) {
        throw unsupported('toYaml of a whole float beyond the integers the preview writes exactly');
      }
      return String(Object.is(f, -0) ? '-0' : f);
    }
    return formatGoFloat(f);
  }
  if (isList(v)) {
    return v.length === 0 ? '[]' : undefined;
  }
  return Object.keys(v).length === 0 ? '{}' : undefined;
}

function block(v: Value, indent: string): string {
  if (isList(v)) {
    return v
      .map((item) => {
        const s = scalar(item, indent.length + 2, indent.length + 2);
        if (s !== undefined) {
          return `${indent}- ${s}\n`;
        }
        const inner = block(item, `${indent}  `);
        return `${indent}- ${inner.slice(indent.length + 2)}`;
      })
      .join('');
  }
  const map = v as TemplateMap;
  return Object.keys(map)
    .sort(compareGoStrings)
    .map((k) => {
      const key = scalarString(k, indent.length, true);
      const item = map[k];
      const s = scalar(item, indent.length + [...key].length + 2, indent.length + 2);
      if (s !== undefined) {
        return `${indent}${key}: ${s}\n`;
      }
      return `${indent}${key}:\n${block(item, isList(item) ? indent : `${indent}  `)}`;
    })
    .join('');
}

/** Argo CD's `toYaml` of a value. */
export function goToYaml(v: Value): string {
  const s = scalar(v, 0, 2);
  const text = s !== undefined ? `${s}\n` : block(v, '');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
