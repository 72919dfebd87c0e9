import { CallFailure, fixed, int, str, TemplateFunction, variadic } from '../function-signature';
import {
  byteLength,
  fromGoBytes,
  goToLower,
  goToLowerRune,
  goToUpper,
  goToUpperRune,
  goTrim,
  goTrimSpace,
  isGoSpace,
  sliceBytes,
  toGoBytes,
} from '../go-strings';
import { formatValue, stringValue } from '../go-fmt';
import { TemplateMap, unsupported, withGoType } from '../template-values';
import { stringSlice } from './cast';
import { toKebabCase, toPascalCase, toSnakeCase } from './xstrings-case';

/*
 * Sprig's string functions (strings.go, and the goutils and xstrings helpers it calls), on Go
 * byte strings: lengths and cuts count UTF-8 bytes, and a cut inside a character keeps its
 * bytes raw as Go does.
 */

/** The longest string the preview builds (`repeat`, `indent`), against runaway templates. */
const MAX_RESULT_BYTES = 10_000_000;

export function bounded(name: string, length: number): void {
  if (length > MAX_RESULT_BYTES) {
    throw unsupported(`${name} building a string of more than ${MAX_RESULT_BYTES} bytes`);
  }
}

/** Go's `strings.Repeat`, for the function `name` that calls it. */
function goRepeat(s: string, count: number, name = 'repeat'): string {
  if (count < 0) {
    throw new CallFailure('strings: negative Repeat count');
  }
  bounded(name, byteLength(s) * count);
  return s.repeat(count);
}

/** Go's `strings.SplitN` (n < 0: all parts; an empty separator splits after each rune). */
export function goSplitN(s: string, sep: string, n: number): string[] {
  if (n === 0) {
    return [];
  }
  let parts: string[];
  if (sep === '') {
    parts = [...s];
    if (n > 0 && parts.length > n) {
      parts = [...parts.slice(0, n - 1), parts.slice(n - 1).join('')];
    }
    return parts;
  }
  parts = s.split(sep);
  if (n > 0 && parts.length > n) {
    parts = [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  }
  return parts;
}

/** goutils' `AbbreviateFull`, on bytes. */
function abbreviate(s: string, offset: number, maxWidth: number): string {
  const n = byteLength(s);
  if (s === '' || n <= maxWidth) {
    return s;
  }
  let off = Math.min(offset, n);
  if (n - off < maxWidth - 3) {
    off = n - (maxWidth - 3);
  }
  if (off <= 4) {
    return `${sliceBytes(s, 0, maxWidth - 3)}...`;
  }
  if (maxWidth < 7) {
    return '';
  }
  if (off + maxWidth - 3 < n) {
    return `...${abbreviate(sliceBytes(s, off, n), 0, maxWidth - 3)}`;
  }
  return `...${sliceBytes(s, n - (maxWidth - 3), n)}`;
}

/**
 * goutils' `DeleteWhiteSpace`, which works on bytes: when it removes anything, each remaining
 * byte is written as the character of that number, so a non-ASCII character becomes its bytes
 * read as Latin-1 (and its bytes 0x85 and 0xA0 count as white space).
 */
function deleteWhiteSpace(s: string): string {
  const bytes = toGoBytes(s);
  const kept = [...bytes].filter((b) => !isGoSpace(String.fromCharCode(b)));
  return kept.length === bytes.length ? s : kept.map((b) => String.fromCharCode(b)).join('');
}

/** goutils' `WrapCustom`: wraps at spaces, on bytes. */
function wrapCustom(s: string, width: number, newLine: string, wrapLongWords: boolean): string {
  if (s === '') {
    return '';
  }
  const nl = newLine === '' ? '\n' : newLine;
  const w = Math.max(width, 1);
  const b = toGoBytes(s);
  const text = (from: number, to: number) => fromGoBytes(b.subarray(from, to));
  const SPACE = 0x20;
  let offset = 0;
  let out = '';
  while (b.length - offset > w) {
    if (b[offset] === SPACE) {
      offset++;
      continue;
    }
    const window = b.subarray(offset, w + offset + 1);
    const at = window.lastIndexOf(SPACE);
    if (at >= 0) {
      out += text(offset, offset + at) + nl;
      offset += at + 1;
    } else if (wrapLongWords) {
      out += text(offset, offset + w) + nl;
      offset += w;
    } else {
      const next = b.indexOf(SPACE, w + offset);
      if (next < 0) {
        out += text(offset, b.length);
        offset = b.length;
      } else {
        out += text(offset, next) + nl;
        offset = next + 1;
      }
    }
  }
  return out + text(offset, b.length);
}

/** Go's `strings.Title` separator rule. */
function isTitleSeparator(ch: string): boolean {
  if (ch.charCodeAt(0) <= 0x7f) {
    return !/[0-9A-Za-z_]/.test(ch);
  }
  if (/[\p{L}\p{Nd}]/u.test(ch)) {
    return false;
  }
  return isGoSpace(ch);
}

/** Title-case digraphs, whose title case is not their upper case (`unicode.ToTitle`). */
const TITLE_CASE: Readonly<Record<string, string>> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

/** Go's `unicode.ToTitle` of one rune. */
function toTitleRune(ch: string): string {
  const cp = ch.codePointAt(0)!;
  // Georgian Mkhedruli letters have an upper case (Mtavruli) but are their own title case.
  if ((cp >= 0x10d0 && cp <= 0x10fa) || (cp >= 0x10fd && cp <= 0x10ff)) return ch;
  return TITLE_CASE[ch] ?? goToUpper(ch);
}

/** Go's `strings.Title`: the first letter of each word in title case. */
function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    if (ch >= '\udc80' && ch <= '\udcff') {
      // strings.Map writes a byte that is not UTF-8 as U+FFFD.
      out += '\ufffd';
      prev = '\ufffd';
      continue;
    }
    out += isTitleSeparator(prev) ? toTitleRune(ch) : ch;
    prev = ch;
  }
  return out;
}

/**
 * goutils' `SwapCase`: an upper-case or title-case letter (`unicode.IsUpper`, `IsTitle`: the
 * categories Lu and Lt) to lower case, a lower-case letter (Ll) to upper case, anything else
 * kept; a byte that is not UTF-8 becomes U+FFFD, as ranging over the string reads it.
 */
function swapCase(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch >= '\udc80' && ch <= '\udcff') {
      out += '\ufffd';
    } else if (/^[\p{Lu}\p{Lt}]$/u.test(ch)) {
      out += goToLowerRune(ch);
    } else if (/^\p{Ll}$/u.test(ch)) {
      out += goToUpperRune(ch);
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * goutils' `Uncapitalize`: the first letter of each word separated by white space in lower
 * case. goutils lowers that letter's first byte alone, which breaks a non-ASCII letter, so such
 * words are refused.
 */
function uncapitalize(s: string): string {
  let out = '';
  let next = true;
  for (const ch of s) {
    if (isGoSpace(ch)) {
      if (ch.charCodeAt(0) > 0x7f) {
        throw unsupported('untitle of a string with a non-ASCII space (goutils breaks the bytes after it)');
      }
      next = true;
      out += ch;
    } else if (next) {
      if (ch.charCodeAt(0) > 0x7f) {
        throw unsupported('untitle of a word that starts with a non-ASCII letter (goutils breaks it)');
      }
      out += ch.toLowerCase();
      next = false;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Sprig's `substr`: `s[start:end]` with Sprig's bounds rules. */
function substring(startValue: number, endValue: number, s: string): string {
  const n = byteLength(s);
  let start = startValue;
  let end = endValue;
  if (start < 0) {
    start = 0;
  } else if (end < 0 || end > n) {
    end = n;
  }
  if (start > end || end > n || end < 0) {
    throw new CallFailure('runtime error: slice bounds out of range');
  }
  return sliceBytes(s, start, end);
}

function indexMap(parts: readonly string[]): TemplateMap {
  const out: Record<string, string> = {};
  parts.forEach((p, i) => {
    out[`_${i}`] = p;
  });
  return withGoType(out, 'map[string]string');
}

/** Sprig's `indent` (or `nindent`, `name`): the pad before each line. */
function indent(name: string, spaces: number, s: string): string {
  const lines = s.split('\n');
  const pad = goRepeat(' ', spaces, name);
  bounded(name, byteLength(s) + lines.length * spaces);
  return pad + lines.join(`\n${pad}`);
}

const trimAll = fixed(['string', 'string'], ([cutset, s]) => goTrim(str(s), str(cutset)));

/** Sprig's string functions. */
export const STRING_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['hello', fixed([], () => 'Hello!')],
  ['abbrev', fixed(['int', 'string'], ([width, s]) => (int(width) < 4 ? str(s) : abbreviate(str(s), 0, int(width))))],
  [
    'abbrevboth',
    fixed(['int', 'int', 'string'], ([left, right, s]) =>
      int(right) < 4 || (int(left) > 0 && int(right) < 7) ? str(s) : abbreviate(str(s), int(left), int(right)),
    ),
  ],
  [
    'trunc',
    fixed(['int', 'string'], ([c, s]) => {
      const n = byteLength(str(s));
      if (int(c) < 0 && n + int(c) > 0) {
        return sliceBytes(str(s), n + int(c), n);
      }
      if (int(c) >= 0 && n > int(c)) {
        return sliceBytes(str(s), 0, int(c));
      }
      return str(s);
    }),
  ],
  ['trim', fixed(['string'], ([s]) => goTrimSpace(str(s)))],
  ['upper', fixed(['string'], ([s]) => goToUpper(str(s)))],
  ['lower', fixed(['string'], ([s]) => goToLower(str(s)))],
  ['title', fixed(['string'], ([s]) => goTitle(str(s)))],
  ['untitle', fixed(['string'], ([s]) => uncapitalize(str(s)))],
  ['substr', fixed(['int', 'int', 'string'], ([start, end, s]) => substring(int(start), int(end), str(s)))],
  ['repeat', fixed(['int', 'string'], ([count, s]) => goRepeat(str(s), int(count)))],
  ['trimall', trimAll],
  ['trimAll', trimAll],
  [
    'trimSuffix',
    fixed(['string', 'string'], ([suffix, s]) =>
      str(s).endsWith(str(suffix)) ? str(s).slice(0, str(s).length - str(suffix).length) : str(s),
    ),
  ],
  [
    'trimPrefix',
    fixed(['string', 'string'], ([prefix, s]) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : str(s))),
  ],
  ['nospace', fixed(['string'], ([s]) => deleteWhiteSpace(str(s)))],
  [
    'initials',
    fixed(['string'], ([s]) => {
      let out = '';
      let gap = true;
      for (const ch of str(s)) {
        if (isGoSpace(ch)) {
          gap = true;
        } else if (gap) {
          out += ch;
          gap = false;
        }
      }
      return out;
    }),
  ],
  ['swapcase', fixed(['string'], ([s]) => swapCase(str(s)))],
  ['snakecase', fixed(['string'], ([s]) => toSnakeCase(str(s)))],
  ['kebabcase', fixed(['string'], ([s]) => toKebabCase(str(s)))],
  // Sprig v3.3.0's camelcase is xstrings' ToPascalCase: the first letter in upper case too.
  ['camelcase', fixed(['string'], ([s]) => toPascalCase(str(s)))],
  ['wrap', fixed(['int', 'string'], ([width, s]) => wrapCustom(str(s), int(width), '', false))],
  ['wrapWith', fixed(['int', 'string', 'string'], ([width, sep, s]) => wrapCustom(str(s), int(width), str(sep), true))],
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
  ['indent', fixed(['int', 'string'], ([spaces, s]) => indent('indent', int(spaces), str(s)))],
  ['nindent', fixed(['int', 'string'], ([spaces, s]) => `\n${indent('nindent', int(spaces), str(s))}`)],
  [
    'replace',
    fixed(['string', 'string', 'string'], ([from, to, s]) => {
      if (str(from) === '') {
        const runes = [...str(s)];
        bounded('replace', byteLength(str(s)) + (runes.length + 1) * byteLength(str(to)));
        return str(to) + runes.join(str(to)) + (runes.length > 0 ? str(to) : '');
      }
      const parts = str(s).split(str(from));
      bounded('replace', byteLength(str(s)) + (parts.length - 1) * byteLength(str(to)));
      return parts.join(str(to));
    }),
  ],
  ['plural', fixed(['string', 'string', 'int'], ([one, many, count]) => (int(count) === 1 ? str(one) : str(many)))],
  ['toString', fixed(['any'], ([v]) => stringValue(v))],
  ['toStrings', fixed(['any'], ([v]) => withGoType(stringSlice(v), '[]string'))],
  ['split', fixed(['string', 'string'], ([sep, s]) => indexMap(goSplitN(str(s), str(sep), -1)))],
  ['splitn', fixed(['string', 'int', 'string'], ([sep, n, s]) => indexMap(goSplitN(str(s), str(sep), int(n))))],
  ['splitList', fixed(['string', 'string'], ([sep, s]) => withGoType(goSplitN(str(s), str(sep), -1), '[]string'))],
  [
    'join',
    fixed(['string', 'any'], ([sep, v]) => {
      const items = stringSlice(v);
      bounded('join', items.reduce((n, item) => n + item.length, 0) + Math.max(items.length - 1, 0) * str(sep).length);
      return items.join(str(sep));
    }),
  ],
];
