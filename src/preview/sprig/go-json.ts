import { CallFailure } from '../function-signature';
import { GoFloat } from '../go-float';
import { compareGoStrings, fromGoBytes, toGoBytes, toValidUtf8 } from '../go-strings';
import { GoInt64, isList, isNilMap, TemplateMap, TemplateValue, Value, withGoType } from '../template-values';
import { newMap, setKey } from './maps';

/*
 * Go's encoding/json over template values: `json.Marshal` (map keys sorted, `<`, `>`, `&`
 * escaped unless asked not to, invalid UTF-8 as U+FFFD, floats in the shortest form, with an
 * exponent below 1e-6 and from 1e21) and `json.Unmarshal` into `interface{}` (numbers become
 * float64).
 */

/** How to encode. */
export interface GoJsonOptions {
  /** Escape `<`, `>` and `&` (json.Marshal does; an Encoder with SetEscapeHTML(false) does not). */
  readonly escapeHtml: boolean;
  /** The indent of json.MarshalIndent; none for compact output. */
  readonly indent?: string;
}

function hex4(c: number): string {
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

function encodeString(s: string, escapeHtml: boolean): string {
  let out = '"';
  // Bytes that are not UTF-8 (after joining those that form a character) become the escape
  // \ufffd, as encoding/json writes them.
  for (const ch of fromGoBytes(toGoBytes(s))) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xdc80 && c <= 0xdcff) {
      out += '\\ufffd';
    } else if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
    } else if (c < 0x20) {
      const short: Record<number, string> = { 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };
      out += short[c] ?? hex4(c);
    } else if (escapeHtml && (ch === '<' || ch === '>' || ch === '&')) {
      out += hex4(c);
    } else if (c === 0x2028 || c === 0x2029) {
      out += hex4(c);
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** encoding/json's float64 form. */
export function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) {
    throw new CallFailure(`json: unsupported value: ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`);
  }
  if (Object.is(f, -0)) {
    return '-0';
  }
  // JavaScript's Number-to-String is the shortest round-trip form with the same thresholds.
  return String(f);
}

/** `json.Marshal` (or `MarshalIndent` with `options.indent`) of a value. */
export function goJsonEncode(v: Value, options: GoJsonOptions, depth = 0): string {
  // A nil map is null, as encoding/json writes it.
  if (v === null || v === undefined || isNilMap(v)) {
    return 'null';
  }
  if (typeof v === 'string') {
    return encodeString(v, options.escapeHtml);
  }
  if (typeof v === 'number' || v instanceof GoInt64) {
    return String(typeof v === 'number' ? v : v.value);
  }
  if (v instanceof GoFloat) {
    return goJsonFloat(v.value);
  }
  if (typeof v === 'boolean') {
    return String(v);
  }
  const ind = options.indent;
  const open = (items: string[], l: string, r: string) => {
    if (items.length === 0) {
      return `${l}${r}`;
    }
    if (ind === undefined) {
      return `${l}${items.join(',')}${r}`;
    }
    const inner = `\n${ind.repeat(depth + 1)}`;
    return `${l}${inner}${items.join(`,${inner}`)}\n${ind.repeat(depth)}${r}`;
  };
  if (isList(v)) {
    return open(
      v.map((e) => goJsonEncode(e, options, depth + 1)),
      '[',
      ']',
    );
  }
  const map = v as TemplateMap;
  const keys = Object.keys(map).sort(compareGoStrings);
  const sep = ind === undefined ? ':' : ': ';
  return open(
    keys.map((k) => `${encodeString(k, options.escapeHtml)}${sep}${goJsonEncode(map[k], options, depth + 1)}`),
    '{',
    '}',
  );
}

const LONE_SURROGATE = /[\ud800-\udfff]/gu;

function fromParsed(v: unknown): TemplateValue {
  if (v === null) {
    return null;
  }
  if (typeof v === 'string') {
    // Go decodes an escaped lone surrogate as U+FFFD.
    return v.replace(LONE_SURROGATE, '\ufffd');
  }
  if (typeof v === 'number') {
    return new GoFloat(v);
  }
  if (typeof v === 'boolean') {
    return v;
  }
  if (Array.isArray(v)) {
    return withGoType(v.map(fromParsed), '[]interface {}');
  }
  const out = newMap();
  for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
    setKey(out, (k as string).replace(LONE_SURROGATE, '\ufffd'), fromParsed(e));
  }
  return out;
}

/**
 * `json.Unmarshal` into `interface{}`.
 *
 * @throws CallFailure with Go's message where the text is not JSON.
 */
export function goJsonDecode(text: string): TemplateValue {
  // Invalid UTF-8 reads as U+FFFD, as Go reads it.
  const valid = toValidUtf8(fromGoBytes(toGoBytes(text)));
  if (valid.trim() === '') {
    throw new CallFailure('unexpected end of JSON input');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(valid);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const at = /at position (\d+)/.exec(detail);
    const atEnd = /end of (JSON )?input/i.test(detail) || (at !== null && Number(at[1]) >= valid.trimEnd().length);
    throw new CallFailure(atEnd ? 'unexpected end of JSON input' : `invalid JSON${at === null ? '' : ` at byte ${at[1]}`}`);
  }
  return fromParsed(parsed);
}
