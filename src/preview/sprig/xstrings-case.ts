import { goToLowerRune, goToUpperRune, isGoSpace } from '../go-strings';
import { unsupported } from '../template-values';
import { LETTER, NUMBER, PUNCT, UPPER } from './go-unicode-classes';

/*
 * xstrings v1.5.0's `ToSnakeCase`, `ToKebabCase` and `ToPascalCase` (Sprig v3.3.0's `snakecase`,
 * `kebabcase` and `camelcase`), rune by rune on Go strings: Go's `unicode.IsUpper`, `IsLetter`,
 * `IsNumber`, `IsPunct` (Unicode 15.0.0's categories) and `IsSpace`, Go's simple case mappings,
 * and xstrings' handling of bytes that are not UTF-8 (and of U+FFFD, which Go decodes alike).
 * A string is held as the preview holds Go strings: a byte that is not UTF-8 is a lone surrogate
 * U+DC80…U+DCFF.
 */

const RUNE_ERROR = 0xfffd;

/** A decoded class: sorted range starts and ends. */
interface RangeTable {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

const tables = new Map<string, RangeTable>();

function table(encoded: string): RangeTable {
  let t = tables.get(encoded);
  if (t === undefined) {
    const pairs = encoded.split(',');
    const starts = new Int32Array(pairs.length);
    const ends = new Int32Array(pairs.length);
    let previousEnd = -1;
    pairs.forEach((pair, i) => {
      const [gap, length] = pair.split('.') as [string, string];
      starts[i] = previousEnd + parseInt(gap, 36);
      ends[i] = starts[i]! + parseInt(length, 36);
      previousEnd = ends[i]!;
    });
    t = { starts, ends };
    tables.set(encoded, t);
  }
  return t;
}

function inTable(encoded: string, r: number): boolean {
  const { starts, ends } = table(encoded);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r < starts[mid]!) {
      hi = mid - 1;
    } else if (r > ends[mid]!) {
      lo = mid + 1;
    } else {
      return true;
    }
  }
  return false;
}

const isUpper = (r: number): boolean => inTable(UPPER, r);
const isNumber = (r: number): boolean => inTable(NUMBER, r);
const isPunct = (r: number): boolean => inTable(PUNCT, r);
const isSpace = (r: number): boolean => r !== RUNE_ERROR && isGoSpace(String.fromCodePoint(r));
const toUpper = (r: number): number => (r === RUNE_ERROR ? r : goToUpperRune(String.fromCodePoint(r)).codePointAt(0)!);
const toLower = (r: number): number => (r === RUNE_ERROR ? r : goToLowerRune(String.fromCodePoint(r)).codePointAt(0)!);

/** xstrings' `isAlphabet`: a letter, but not a CJK ideograph of its listed ranges. */
function isAlphabet(r: number): boolean {
  if (!inTable(LETTER, r)) {
    return false;
  }
  if (r < 0x3400) {
    return true;
  }
  return !((r >= 0x4e00 && r <= 0x9fcc) || (r >= 0x3400 && r <= 0x4d85) || (r >= 0x20000 && r <= 0x2b81d));
}

/** xstrings' `isConnector`: `-`, `_` or white space. */
function isConnector(r: number): boolean {
  return r === 0x2d || r === 0x5f || isSpace(r);
}

/** `utf8.DecodeRuneInString` at `i`: the rune (U+FFFD for a byte that is not UTF-8) and its length in code units. */
function decode(s: string, i: number): { r: number; size: number } {
  const cp = s.codePointAt(i)!;
  if (cp >= 0xd800 && cp <= 0xdfff) {
    return { r: RUNE_ERROR, size: 1 };
  }
  return { r: cp, size: cp > 0xffff ? 2 : 1 };
}

/** `utf8.AppendRune`: U+FFFD for what Go cannot encode. */
function runeText(r: number): string {
  return String.fromCodePoint(r);
}

/** xstrings' `nextValidRune`: the next rune other than U+FFFD, and the code units up to its end; `prev` when there is none. */
function nextValidRune(s: string, i: number, prev: number): { r: number; size: number } {
  let size = 0;
  while (i < s.length) {
    const d = decode(s, i);
    size += d.size;
    i += d.size;
    if (d.r !== RUNE_ERROR) {
      return { r: d.r, size };
    }
  }
  return { r: prev, size };
}

const enum Word {
  Invalid,
  Number,
  UpperCase,
  Alphabet,
  Connector,
  Punct,
  Other,
}

/** xstrings' `nextWord` from `start`: the word's type and end (`start` when the text is used up). */
function nextWord(s: string, start: number): { wt: Word; end: number } {
  if (start >= s.length) {
    return { wt: Word.Invalid, end: start };
  }
  let offset = start;
  let { r, size } = nextValidRune(s, offset, RUNE_ERROR);
  offset += size;
  if (r === RUNE_ERROR) {
    return { wt: Word.Invalid, end: offset };
  }
  const extend = (keep: (r: number) => boolean): void => {
    while (offset < s.length) {
      ({ r, size } = nextValidRune(s, offset, r));
      if (!keep(r)) {
        break;
      }
      offset += size;
    }
  };
  if (isConnector(r)) {
    extend(isConnector);
    return { wt: Word.Connector, end: offset };
  }
  if (isPunct(r)) {
    extend(isPunct);
    return { wt: Word.Punct, end: offset };
  }
  if (isUpper(r)) {
    if (offset < s.length) {
      ({ r, size } = nextValidRune(s, offset, r));
      if (isUpper(r)) {
        let prevSize = size;
        offset += size;
        while (offset < s.length) {
          ({ r, size } = nextValidRune(s, offset, r));
          if (!isUpper(r)) {
            break;
          }
          prevSize = size;
          offset += size;
        }
        // "HTTPStatus" is "HTTP" and "Status": the last upper-case rune starts the next word.
        if (offset < s.length && isAlphabet(r)) {
          offset -= prevSize;
        }
      } else if (isAlphabet(r)) {
        offset += size;
        extend((next) => isAlphabet(next) && !isUpper(next));
      }
    }
    return { wt: Word.UpperCase, end: offset };
  }
  if (isAlphabet(r)) {
    extend((next) => isAlphabet(next) && !isUpper(next));
    return { wt: Word.Alphabet, end: offset };
  }
  if (isNumber(r)) {
    extend(isNumber);
    return { wt: Word.Number, end: offset };
  }
  extend((next) => !(isConnector(next) || isAlphabet(next) || isNumber(next) || isPunct(next)));
  return { wt: Word.Other, end: offset };
}

/** xstrings' `toLower` of one word: upper-case and connector words rune by rune, others as they are. */
function wordText(wt: Word, word: string, connector: string): string {
  if (wt !== Word.UpperCase && wt !== Word.Connector) {
    return word;
  }
  let out = '';
  for (let i = 0; i < word.length;) {
    const { r, size } = decode(word, i);
    i += size;
    out += isConnector(r) ? connector : isUpper(r) ? runeText(toLower(r)) : runeText(r);
  }
  return out;
}

/** xstrings' `camelCaseToLowerCase`. */
function camelCaseToLowerCase(s: string, connector: string): string {
  if (s === '') {
    return '';
  }
  let out = '';
  const write = (wt: Word, from: number, to: number): void => {
    out += wordText(wt, s.slice(from, to), connector);
  };
  // The word after the one ending at `from`.
  const after = (from: number): { start: number; wt: Word; end: number } => ({ start: from, ...nextWord(s, from) });
  let { start, wt, end } = after(0);
  while (end < s.length) {
    if (wt !== Word.Connector) {
      write(wt, start, end);
    }
    const prev = wt;
    const lastStart = start;
    const lastEnd = end;
    ({ start, wt, end } = after(end));
    switch (prev) {
      case Word.Number:
        while (wt === Word.Alphabet || wt === Word.Number) {
          write(wt, start, end);
          ({ start, wt, end } = after(end));
        }
        if (wt !== Word.Invalid && wt !== Word.Punct && wt !== Word.Connector) {
          out += connector;
        }
        break;
      case Word.Connector:
        write(prev, lastStart, lastEnd);
        break;
      case Word.Punct:
        break;
      default: {
        if (wt !== Word.Number) {
          if (wt !== Word.Connector && wt !== Word.Punct) {
            out += connector;
          }
          break;
        }
        if (end >= s.length) {
          break;
        }
        const numberStart = start;
        const numberEnd = end;
        ({ start, wt, end } = after(end));
        // A number followed by no letters belongs to the word before it ("Bld4Floor").
        if (wt !== Word.Alphabet) {
          write(Word.Number, numberStart, numberEnd);
          if (wt !== Word.Connector && wt !== Word.Punct) {
            out += connector;
          }
          break;
        }
        // Letters after the number: the number starts a word ("HTTP2xx" is "http_2xx").
        out += connector;
        write(Word.Number, numberStart, numberEnd);
        while (wt === Word.Alphabet || wt === Word.Number) {
          write(wt, start, end);
          ({ start, wt, end } = after(end));
        }
        if (wt !== Word.Invalid && wt !== Word.Connector && wt !== Word.Punct) {
          out += connector;
        }
      }
    }
  }
  write(wt, start, end);
  return out;
}

/**
 * Refuses what Go's tables of Unicode 15.0 and 15.1 class differently: the letters of CJK
 * Extension I (U+2EBF0…U+2EE5D), unassigned in 15.0; which edition Argo CD's Go has decides the
 * words xstrings finds.
 */
function checkEdition(name: string, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    if (cp >= 0x2ebf0 && cp <= 0x2ee5d) {
      throw unsupported(
        `${name} of a string with a CJK Extension I character, which Go's Unicode tables class as a letter from Unicode 15.1 on only`,
      );
    }
  }
}

/** xstrings' `ToSnakeCase`. */
export function toSnakeCase(s: string): string {
  checkEdition('snakecase', s);
  return camelCaseToLowerCase(s, '_');
}

/** xstrings' `ToKebabCase`. */
export function toKebabCase(s: string): string {
  checkEdition('kebabcase', s);
  return camelCaseToLowerCase(s, '-');
}

/** xstrings' `ToPascalCase` (`toCamelCase(str, true)`), Sprig's `camelcase`. */
export function toPascalCase(s: string): string {
  if (s === '') {
    return '';
  }
  let out = '';
  let i = 0;
  let r0 = 0;
  let size = 0;
  let firstRuneUpper = false;
  // Leading connectors are kept.
  while (i < s.length) {
    ({ r: r0, size } = decode(s, i));
    i += size;
    if (!isConnector(r0)) {
      firstRuneUpper = isUpper(r0);
      r0 = toUpper(r0);
      break;
    }
    out += runeText(r0);
  }
  if (i >= s.length) {
    // xstrings writes the last rune again, a connector included ("_" gives "__").
    if (size !== 0) {
      out += runeText(r0);
    }
    return out;
  }
  while (i < s.length) {
    const r1 = r0;
    ({ r: r0, size } = decode(s, i));
    i += size;
    if (isConnector(r0) && isConnector(r1)) {
      out += runeText(r1);
      continue;
    }
    if (isConnector(r1)) {
      firstRuneUpper = isUpper(r0);
      r0 = toUpper(r0);
    } else {
      if (firstRuneUpper) {
        if (isUpper(r0)) {
          r0 = toLower(r0);
        } else {
          firstRuneUpper = false;
        }
      }
      out += runeText(r1);
    }
  }
  return out + runeText(r0);
}
