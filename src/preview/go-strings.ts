/*
 * Go string semantics that differ from JavaScript's: per-rune simple case mapping, Unicode
 * White_Space, byte (UTF-8) lengths and slicing, and `strconv.Quote`.
 */

// eslint-disable-next-line no-control-regex -- ASCII is a range of control and printable characters alike
const ASCII = /^[\x00-\x7f]*$/;
/** A byte that is not UTF-8, held as a lone surrogate (see {@link toGoBytes}). */
const RAW_BYTE = /[\udc80-\udcff]/u;
const RAW_BYTES = /[\udc80-\udcff]/gu;

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

/**
 * Letters whose case pair Unicode added after 15.1, the edition of Go's unicode tables (Go
 * 1.21 on): Go maps each of them to itself, where JavaScript (a newer edition: ICU's Unicode
 * 17 in Node 20) maps it. Found by comparing every code point with Go's `CaseRanges`.
 */
const NEWER_CASE_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [0x019b, 0x019b],
  [0x0264, 0x0264],
  [0x1c89, 0x1c8a],
  [0xa7cb, 0xa7cf],
  [0xa7d2, 0xa7d5],
  [0xa7da, 0xa7dc],
  [0x10d50, 0x10d65],
  [0x10d70, 0x10d85],
  [0x16ea0, 0x16eb8],
  [0x16ebb, 0x16ed3],
];

function inRanges(cp: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/**
 * Greek small letters with ypogegrammeni, whose full upper case (JavaScript's) is two letters
 * (ᾳ → ΑΙ) but whose simple upper case (Go's) is the capital with prosgegrammeni (ᾳ → ᾼ).
 */
function greekSimpleUpper(cp: number): number | undefined {
  if ((cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) || (cp >= 0x1fa0 && cp <= 0x1fa7)) return cp + 8;
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return cp + 9;
  return undefined;
}

/** Go's `unicode.ToUpper` of one rune (one character). */
export function goToUpperRune(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return ch.toUpperCase();
  if (inRanges(cp, NEWER_CASE_PAIRS)) return ch;
  const greek = greekSimpleUpper(cp);
  if (greek !== undefined) return String.fromCodePoint(greek);
  const mapped = ch.toUpperCase();
  // Go uses simple (one-to-one) case mappings only: "ß" stays "ß" in upper case.
  return [...mapped].length === 1 ? mapped : ch;
}

/** Go's `unicode.ToLower` of one rune (one character). */
export function goToLowerRune(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return ch.toLowerCase();
  if (cp === 0x130) return 'i'; // İ: JavaScript's full mapping is "i̇" (two characters), Go's simple one "i"
  if (inRanges(cp, NEWER_CASE_PAIRS)) return ch;
  const mapped = ch.toLowerCase();
  return [...mapped].length === 1 ? mapped : ch;
}

/** Go's `strings.ToLower`: each rune mapped on its own, never to more than one rune. */
export function goToLower(s: string): string {
  if (ASCII.test(s)) {
    return s.toLowerCase();
  }
  return mapRunes(s, goToLowerRune);
}

/** Go's `strings.ToUpper`: each rune mapped on its own, never to more than one rune. */
export function goToUpper(s: string): string {
  if (ASCII.test(s)) {
    return s.toUpperCase();
  }
  return mapRunes(s, goToUpperRune);
}

function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    if (RAW_BYTE.test(ch)) {
      // strings.Map writes a byte that is not UTF-8 as U+FFFD.
      out += '\ufffd';
      continue;
    }
    out += f(ch);
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

/*
 * Go strings are bytes and may hold invalid UTF-8 (`trunc` can cut a character in two, `b64dec`
 * can decode any bytes). The preview keeps such a byte b (0x80–0xFF) in a JavaScript string as
 * the lone surrogate U+DC00+b, which no valid text holds, so that byte lengths, slices and
 * hashes stay Go's; {@link toValidUtf8} turns what is left into U+FFFD, as encoding/json does
 * when Argo CD writes the Application.
 */

/** Whether a UTF-16 code unit is a byte that is not UTF-8, as {@link fromGoBytes} holds it. */
export function isRawByte(codeUnit: number): boolean {
  return codeUnit >= 0xdc80 && codeUnit <= 0xdcff;
}

/** The bytes of a Go string held as {@link fromGoBytes} holds it. */
export function toGoBytes(s: string): Buffer {
  if (!RAW_BYTE.test(s)) {
    return Buffer.from(s, 'utf8');
  }
  const parts: Buffer[] = [];
  let start = 0;
  for (const m of s.matchAll(RAW_BYTES)) {
    parts.push(Buffer.from(s.slice(start, m.index), 'utf8'), Buffer.of(m[0].charCodeAt(0) - 0xdc00));
    start = m.index + m[0].length;
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** The length of the UTF-8 sequence starting with `b`, or 0 when `b` cannot start one. */
function sequenceLength(b: number): number {
  return b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
}

/**
 * Bytes as a Go string: valid UTF-8 as text, each byte Go's `utf8.DecodeRune` rejects kept as
 * a raw byte (see {@link toGoBytes}).
 */
export function fromGoBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = sequenceLength(b);
    let cp = -1;
    if (n === 1) {
      cp = b;
    } else if (n > 1 && i + n <= bytes.length) {
      cp = b & (0xff >> (n + 1));
      for (let k = 1; k < n; k++) {
        const c = bytes[i + k]!;
        cp = (c & 0xc0) === 0x80 ? (cp << 6) | (c & 0x3f) : -1;
        if (cp < 0) {
          break;
        }
      }
      const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        cp = -1;
      }
    }
    if (cp < 0) {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    } else {
      out += String.fromCodePoint(cp);
      i += n;
    }
  }
  return out;
}

/** A Go string as valid text: bytes that are not UTF-8 become U+FFFD, one for each byte. */
export function toValidUtf8(s: string): string {
  return RAW_BYTE.test(s) ? fromGoBytes(toGoBytes(s)).replace(RAW_BYTES, '\ufffd') : s;
}

/** Go's `len(s)`: the length in UTF-8 bytes. */
export function byteLength(s: string): number {
  return ASCII.test(s) ? s.length : toGoBytes(s).length;
}

/**
 * Go's `s[start:end]` on UTF-8 bytes. A bound inside a multi-byte character leaves its bytes
 * raw, as in Go.
 */
export function sliceBytes(s: string, start: number, end: number): string {
  if (ASCII.test(s)) {
    return s.slice(start, end);
  }
  return fromGoBytes(toGoBytes(s).subarray(start, end));
}

/** The byte at `index` of the UTF-8 encoding of `s` (Go's `s[index]`). */
export function byteAt(s: string, index: number): number {
  return toGoBytes(s)[index]!;
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
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      out += `\\x${hex(c - 0xdc00, 2)}`;
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

/**
 * A surrogate code unit: of an astral character (which UTF-8 sorts after U+E000–U+FFFF, UTF-16
 * before) or of a raw byte (see {@link toGoBytes}). Strings without one sort alike in both.
 */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Sorts `items` in place by the Go string order ({@link compareGoStrings}) of `keyOf` each,
 * equal keys keeping their order; each key is made once. Keys without a surrogate (the common
 * case: names, paths) are compared as JavaScript strings, whose order is then Go's.
 *
 * @example
 * sortByGoKey(['b', 'a/c', 'a'], (s) => s); // ['a', 'a/c', 'b']
 */
export function sortByGoKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ key: keyOf(item), item }));
  const plain = !keyed.some((k) => SURROGATE.test(k.key));
  keyed.sort(plain ? (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : (a, b) => compareGoStrings(a.key, b.key));
  for (let i = 0; i < keyed.length; i++) items[i] = keyed[i].item;
  return items;
}

/** Sorts strings in place in Go's string order (see {@link sortByGoKey}). */
export function sortGoStrings(strings: string[]): string[] {
  return strings.some((s) => SURROGATE.test(s)) ? strings.sort(compareGoStrings) : strings.sort();
}

/** Compares strings by UTF-8 bytes (Go's string order), not by UTF-16 code units. */
export function compareGoStrings(a: string, b: string): number {
  if (RAW_BYTE.test(a) || RAW_BYTE.test(b)) {
    // A raw byte sorts among the bytes of characters: compare the bytes.
    return Buffer.compare(toGoBytes(a), toGoBytes(b));
  }
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
