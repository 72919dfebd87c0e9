import { RE2JS, RE2JSSyntaxException } from 're2js';
import { unsupported } from '../template-values';

/** The longest string a replacement builds, against a replacement repeated at every position of a long text. */
const MAX_REPLACED_CHARS = 10_000_000;

type Matcher = ReturnType<RE2JS['matcher']>;

/*
 * Go's regexp package over re2js, a JavaScript port of RE2/J, which is itself a port of Go's
 * regexp: the same RE2 syntax (inline flags, (?P<name>…) and (?<name>…), \Q…\E, POSIX and
 * Unicode classes, ASCII \s and \w), the same parse errors for what RE2 refuses (lookarounds,
 * back references, a repetition of nothing or above 1000), leftmost-first matching and linear
 * time on any subject. Go's FindAll, ReplaceAll (with its `$` expansion) and Split are written
 * here over re2js's matches, since RE2/J follows Java's rules for those.
 */

/** A compiled Go regular expression and the names of its capture groups ("" for an unnamed group). */
export interface GoRegexp {
  readonly source: string;
  readonly re: RE2JS;
  /** Names of capture groups 1…n (index 0 is the whole match). */
  readonly names: readonly string[];
  /** The number of instructions of the compiled program. */
  readonly size: number;
  /**
   * The most UTF-16 code units one match attempt can consume, where the pattern repeats nothing
   * without bound (no `*`, `+` or `{n,}`): its program is then free of loops, so an attempt
   * passes each instruction at most once and consumes at most one character (two code units)
   * per instruction. Undefined for a pattern that may repeat without bound.
   */
  readonly maxWidth?: number;
}

/**
 * Pays for the work of a search. Go's regexp (and re2js) takes time proportional to the
 * program's size times the text a search scans; a search may scan to the end of the text
 * however early its match ends, so the functions that search again after each match (FindAll,
 * ReplaceAll, Split) take time quadratic in the text for a pattern such as `a*b|a`. Before each
 * search the most it can cost is charged: program size × (code units after its start + 1), so a
 * search the budget cannot pay for never runs. Where the pattern's matches have a bounded width,
 * the search stops at most that width past the start of its match (every attempt started earlier
 * has ended by then), and what it did not scan is given back (a negative charge). The charge
 * is a count, the same on every run: never a time.
 */
export interface SearchCharge {
  /** The function searching, named in a refusal. */
  readonly name: string;
  /** Charges `units` (negative: gives them back). */
  charge(units: number): void;
}

/** Whether a pattern may repeat something without bound (`*`, `+`, `{n,}`; anywhere, to be safe). */
const UNBOUNDED_REPEAT = /[*+]|\{[0-9]+,\}/;

/**
 * Go's parse error for a pattern it cannot compile, without the part of the pattern Go quotes
 * after the reason (`missing closing )`), as messages quote no template values.
 */
export class GoRegexpSyntaxError extends Error {
  constructor(public readonly reason: string) {
    super(`error parsing regexp: ${reason}`);
    this.name = 'GoRegexpSyntaxError';
  }
}

/**
 * Go's `regexp.Compile`.
 *
 * @throws GoRegexpSyntaxError where Go returns a parse error.
 */
export function compileGoRegexp(pattern: string): GoRegexp {
  const cached = COMPILED.get(pattern);
  if (cached !== undefined) {
    return cached;
  }
  const compiled = compileUncached(pattern);
  if (pattern.length <= MAX_CACHED_PATTERN) {
    if (COMPILED.size >= MAX_CACHED) {
      COMPILED.delete(COMPILED.keys().next().value!);
    }
    COMPILED.set(pattern, compiled);
  }
  return compiled;
}

/**
 * Compiled patterns, by their text: re2js takes about 150 µs to compile even a short pattern,
 * and a template may search with one pattern for every Application of a large set. Only the
 * time this saves depends on the cache; what a call is charged does not (see regex.ts).
 */
const COMPILED = new Map<string, GoRegexp>();
const MAX_CACHED = 512;
const MAX_CACHED_PATTERN = 4096;

function compileUncached(pattern: string): GoRegexp {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    if (e instanceof RE2JSSyntaxException) {
      // "error parsing regexp: missing closing ): `(a`" → "missing closing )"
      const reason = e.message.replace(/^error parsing regexp: /, '').replace(/: `[\s\S]*`$/, '');
      throw new GoRegexpSyntaxError(reason);
    }
    throw e;
  }
  const names: string[] = new Array<string>(re.groupCount()).fill('');
  for (const [name, index] of Object.entries(re.namedGroups())) {
    names[index - 1] = name;
  }
  const size = re.matcher('').programSize();
  return { source: pattern, re, names, size, maxWidth: UNBOUNDED_REPEAT.test(pattern) ? undefined : 2 * size };
}

/** One match: the start and end of the whole match and of each group (undefined when it did not take part). */
export type Match = ReadonlyArray<readonly [number, number] | undefined>;

function runeWidth(s: string, pos: number): number {
  const cp = s.codePointAt(pos);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}

/** The leftmost-first match at or after `pos`, with `s` before `pos` as context for ^ and \b. */
function execAt(re: GoRegexp, m: Matcher, pos: number, charge: SearchCharge): Match | undefined {
  const length = m.inputLength();
  const reserved = re.size * (length - pos + 1);
  charge.charge(reserved);
  if (!m.find(pos)) {
    return undefined;
  }
  if (re.maxWidth !== undefined) {
    const scanned = Math.min(length, m.start(0) + re.maxWidth + 1) - pos + 1;
    charge.charge(re.size * scanned - reserved);
  }
  const spans: Array<readonly [number, number] | undefined> = [];
  for (let g = 0; g <= re.names.length; g++) {
    const start = m.start(g);
    spans.push(start < 0 ? undefined : [start, m.end(g)]);
  }
  return spans;
}

/** The most matches one call collects: Go builds as many as asked for, but the preview holds each one as an object. */
export const MAX_MATCHES = 1 << 18;

/** Go's `FindAllStringSubmatchIndex(s, n)`: empty matches right after a match are skipped. */
export function findAll(re: GoRegexp, s: string, n: number, charge: SearchCharge): Match[] {
  const matcher = re.re.matcher(s);
  const out: Match[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    const m = execAt(re, matcher, pos, charge);
    if (!m) {
      break;
    }
    if (out.length === MAX_MATCHES) {
      throw unsupported(
        `${charge.name} of a regular expression matching more than ${MAX_MATCHES} times in one call (the preview holds each match, and millions exhaust its memory)`,
      );
    }
    const [start, end] = m[0]!;
    let accept = true;
    if (end === pos) {
      if (start === prevEnd) {
        accept = false;
      }
      pos += pos < s.length ? runeWidth(s, pos) : 1;
    } else {
      pos = end;
    }
    prevEnd = end;
    if (accept) {
      out.push(m);
    }
  }
  return out;
}

/** Go's `Regexp.Expand` of a `$1`, `${1}`, `${name}` template for one match. */
export function expand(re: GoRegexp, template: string, s: string, m: Match): string {
  let out = '';
  let t = template;
  for (;;) {
    const at = t.indexOf('$');
    if (at < 0) {
      break;
    }
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(t);
    if (!ref) {
      out += '$';
      continue;
    }
    t = t.slice(ref[0].length);
    const name = ref[1] ?? ref[2]!;
    let span: readonly [number, number] | undefined;
    if (/^[0-9]+$/.test(name)) {
      const num = name.length > 8 ? -1 : Number(name);
      span = num >= 0 && num < m.length ? m[num] : undefined;
    } else {
      const index = re.names.findIndex((n, k) => n === name && m[k + 1] !== undefined);
      span = index >= 0 ? m[index + 1] : undefined;
    }
    if (span) {
      out += s.slice(span[0], span[1]);
    }
  }
  return out + t;
}

/** Go's `ReplaceAllString` (with `$` expansion) or `ReplaceAllLiteralString`. */
export function replaceAll(re: GoRegexp, s: string, replacement: string, literal: boolean, charge: SearchCharge): string {
  const matcher = re.re.matcher(s);
  let out = '';
  let lastEnd = 0;
  let pos = 0;
  while (pos <= s.length) {
    const m = execAt(re, matcher, pos, charge);
    if (!m) {
      break;
    }
    const [start, end] = m[0]!;
    out += s.slice(lastEnd, start);
    if (end > lastEnd || start === 0) {
      out += literal ? replacement : expand(re, replacement, s, m);
    }
    if (out.length > MAX_REPLACED_CHARS) {
      throw unsupported(`${charge.name} building a string of more than ${MAX_REPLACED_CHARS} characters`);
    }
    lastEnd = end;
    const width = pos < s.length ? runeWidth(s, pos) : 1;
    pos = pos + width > end ? pos + width : pos + 1 > end ? pos + 1 : end;
  }
  return out + s.slice(lastEnd);
}

/** Go's `Regexp.Split(s, n)`. */
export function split(re: GoRegexp, s: string, n: number, charge: SearchCharge): string[] {
  if (n === 0) {
    return [];
  }
  if (re.source.length > 0 && s.length === 0) {
    return [''];
  }
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(re, s, n, charge)) {
    if (n > 0 && out.length === n - 1) {
      break;
    }
    end = m[0]![0];
    if (m[0]![1] !== 0) {
      out.push(s.slice(beg, end));
    }
    beg = m[0]![1];
  }
  if (end !== s.length) {
    out.push(s.slice(beg));
  }
  return out;
}

/** Go's `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
