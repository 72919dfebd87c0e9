/*
 * Go string semantics that differ from JavaScript's: per-rune simple case mapping, Unicode
 * White_Space, byte (UTF-8) lengths and slicing, and `strconv.Quote`.
 */

// eslint-disable-next-line no-control-regex -- ASCII is a range of control and printable characters alike
const ASCII = /^[\x00-\x7f]*$/;

/** Go's `unicode.IsSpace`: the Unicode White_Space property (not JavaScript's `\s`). */
export function isGoSpace(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's `strings.ToLower`: each rune mapped on its own, never to more than one rune. */
export function goToLower(s: string): string {
  if (ASCII.test(s)) {
    return s.toLowerCase();
  }
  return mapRunes(s, (ch) => (ch === '\u0130' ? 'i' : ch.toLowerCase()));
}

/** Go's `strings.ToUpper`: each rune mapped on its own, never to more than one rune. */
export function goToUpper(s: string): string {
  if (ASCII.test(s)) {
    return s.toUpperCase();
  }
  return mapRunes(s, (ch) => ch.toUpperCase());
}

function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const mapped = f(ch);
    // Go uses simple (one-to-one) case mappings only: "ß" stays "ß" in upper case.
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

/** Go's `strings.TrimSpace`. */
export function goTrimSpace(s: string): string {
  const runes = [...s];
  let start = 0;
  let end = runes.length;
  while (start < end && isGoSpace(runes[start]!)) {
    start++;
  }
  while (end > start && isGoSpace(runes[end - 1]!)) {
    end--;
  }
  return runes.slice(start, end).join('');
}

/** Go's `strings.Trim(s, cutset)`: removes leading and trailing runes found in `cutset`. */
export function goTrim(s: string, cutset: string): string {
  const cut = new Set([...cutset]);
  const runes = [...s];
  let start = 0;
  let end = runes.length;
  while (start < end && cut.has(runes[start]!)) {
    start++;
  }
  while (end > start && cut.has(runes[end - 1]!)) {
    end--;
  }
  return runes.slice(start, end).join('');
}

/** Go's `len(s)`: the length in UTF-8 bytes. */
export function byteLength(s: string): number {
  return ASCII.test(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/**
 * Go's `s[start:end]` on UTF-8 bytes. Returns undefined when a bound falls inside a
 * multi-byte character (Go would produce invalid UTF-8, which JavaScript cannot hold).
 */
export function sliceBytes(s: string, start: number, end: number): string | undefined {
  if (ASCII.test(s)) {
    return s.slice(start, end);
  }
  const bytes = Buffer.from(s, 'utf8');
  const isBoundary = (i: number) => i === bytes.length || (bytes[i]! & 0xc0) !== 0x80;
  if (!isBoundary(start) || !isBoundary(end)) {
    return undefined;
  }
  return bytes.subarray(start, end).toString('utf8');
}

/** The byte at `index` of the UTF-8 encoding of `s` (Go's `s[index]`). */
export function byteAt(s: string, index: number): number {
  return Buffer.from(s, 'utf8')[index]!;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `strconv.Quote` (and `fmt`'s `%q` for strings). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
      default:
        break;
    }
    if (PRINTABLE.test(ch)) {
      out += ch;
    } else if (c < 0x20 || c === 0x7f) {
      out += `\\x${hex(c, 2)}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd';
    } else if (c < 0x10000) {
      out += `\\u${hex(c, 4)}`;
    } else {
      out += `\\U${hex(c, 8)}`;
    }
  }
  return `${out}"`;
}

function hex(c: number, width: number): string {
  return c.toString(16).padStart(width, '0');
}

/** Compares strings by UTF-8 bytes (Go's string order), not by UTF-16 code units. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      return utf8Rank(x) - utf8Rank(y);
    }
  }
  return a.length - b.length;
}

/** Surrogates (astral characters) sort after U+E000–U+FFFF in UTF-8 byte order. */
function utf8Rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) {
    return unit + 0x2000;
  }
  if (unit >= 0xe000) {
    return unit - 0x800;
  }
  return unit;
}
