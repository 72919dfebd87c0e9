import { unsupported } from '../template-values';

/*
 * Go's regexp (RE2 syntax) over JavaScript's RegExp. A pattern is translated only where the
 * translation matches exactly: `(?P<name>…)` and `(?<name>…)`, flags `i`, `s`, `m` at the start,
 * Go's ASCII `\s`, `.` that matches `\r`, POSIX classes, `\A`, `\z`, `\Q…\E`, a `{` that is not
 * a repetition. Anything else (lookarounds and back references, which RE2 rejects; flags inside
 * the pattern; `\C`, octal escapes, `(?U)`) is refused with CG701 rather than guessed.
 */

/** A translated pattern and the names of its capture groups ("" for an unnamed group). */
export interface GoRegexp {
  readonly source: string;
  readonly regex: RegExp;
  /** Names of capture groups 1…n (index 0 is the whole match). */
  readonly names: readonly string[];
}

const GO_SPACE = '\\t\\n\\f\\r ';
const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const CATEGORY = /^(?:[CLMNPSZ]|[CLMNPSZ][a-z])$/;

function refuse(what: string): never {
  throw unsupported(
    `a regular expression with ${what} (which the preview does not translate from Go's RE2 syntax)`,
    'Use RE2 syntax that JavaScript shares: classes, groups, (?P<name>…), quantifiers, anchors, a leading (?i)/(?s)/(?m).',
  );
}

function literal(ch: string): string {
  return SYNTAX.has(ch) ? `\\${ch}` : ch;
}

/** Translates a Go regular expression, or refuses it. */
export function compileGoRegexp(pattern: string): GoRegexp {
  let i = 0;
  let flags = '';
  const lead = /^\(\?([ism]+)\)/.exec(pattern);
  if (lead) {
    flags = [...new Set(lead[1])].join('');
    i = lead[0].length;
  }
  const multiline = flags.includes('m');
  const dotAll = flags.includes('s');
  const names: string[] = [];
  let out = '';

  const escape = (inClass: boolean): string => {
    const c = pattern[i + 1];
    if (c === undefined) {
      refuse('a trailing backslash');
    }
    i += 2;
    switch (c) {
      case 'd':
        return inClass ? '0-9' : '[0-9]';
      case 'w':
        return inClass ? '0-9A-Za-z_' : '[0-9A-Za-z_]';
      case 's':
        return inClass ? GO_SPACE : `[${GO_SPACE}]`;
      case 'D':
      case 'W':
      case 'S':
        if (inClass) {
          refuse(`\\${c} inside a character class`);
        }
        return c === 'D' ? '[^0-9]' : c === 'W' ? '[^0-9A-Za-z_]' : `[^${GO_SPACE}]`;
      case 'b':
      case 'B':
        if (inClass) {
          refuse(`\\${c} inside a character class`);
        }
        return `\\${c}`;
      case 'A':
        return inClass ? refuse('\\A inside a class') : '(?<![\\s\\S])';
      case 'z':
        return inClass ? refuse('\\z inside a class') : '(?![\\s\\S])';
      case 'n':
      case 't':
      case 'r':
      case 'f':
      case 'v':
        return `\\${c}`;
      case 'a':
        return '\\x07';
      case 'x': {
        const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(pattern.slice(i));
        if (braced) {
          i += braced[0].length;
          return `\\u{${braced[1]}}`;
        }
        const two = /^[0-9A-Fa-f]{2}/.exec(pattern.slice(i));
        if (!two) {
          refuse('a malformed \\x escape');
        }
        i += 2;
        return `\\x${two[0]}`;
      }
      case 'p':
      case 'P': {
        const m = /^(?:\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))/.exec(pattern.slice(i));
        if (!m) {
          refuse(`a malformed \\${c} escape`);
        }
        i += m[0].length;
        const name = m[2] ?? m[3]!;
        const negated = (c === 'P') !== (m[1] === '^');
        if (name === 'Any') {
          return negated ? refuse('\\P{Any}') : inClass ? '\\u{0}-\\u{10FFFF}' : '[\\u{0}-\\u{10FFFF}]';
        }
        const prop = CATEGORY.test(name) ? name : `Script=${name}`;
        return `\\${negated ? 'P' : 'p'}{${prop}}`;
      }
      case 'Q': {
        const end = pattern.indexOf('\\E', i);
        const text = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
        i = end < 0 ? pattern.length : end + 2;
        if (inClass) {
          refuse('\\Q…\\E inside a class');
        }
        return [...text].map(literal).join('');
      }
      default:
        if (/[0-9A-Za-z]/.test(c)) {
          refuse(`the escape \\${c}`);
        }
        return inClass && c === '-' ? '\\-' : literal(c);
    }
  };

  const klass = (): string => {
    let s = '[';
    i++;
    if (pattern[i] === '^') {
      s += '^';
      i++;
    }
    let first = true;
    while (i < pattern.length) {
      const ch = pattern[i]!;
      if (ch === ']' && !first) {
        i++;
        return `${s}]`;
      }
      first = false;
      if (ch === '[' && pattern[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
        if (!m || POSIX[m[2]!] === undefined || m[1] === '^') {
          refuse('a POSIX class the preview does not know or a negated one');
        }
        s += POSIX[m[2]!];
        i += m[0].length;
      } else if (ch === '\\') {
        s += escape(true);
      } else {
        const cp = pattern.codePointAt(i)!;
        const text = String.fromCodePoint(cp);
        s += text === '-' || text === '^' ? text : literal(text);
        i += text.length;
      }
    }
    refuse('an unclosed character class');
  };

  while (i < pattern.length) {
    const ch = pattern[i]!;
    switch (ch) {
      case '\\':
        out += escape(false);
        break;
      case '[':
        out += klass();
        break;
      case '.':
        out += dotAll ? '[\\s\\S]' : '[^\\n]';
        i++;
        break;
      case '^':
        out += multiline ? '(?<=^|\\n)' : '^';
        i++;
        break;
      case '$':
        out += multiline ? '(?=$|\\n)' : '$';
        i++;
        break;
      case '(': {
        const rest = pattern.slice(i);
        const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
        if (named) {
          // The name is kept here (Go allows names JavaScript does not, such as "1W").
          names.push(named[1]!);
          out += '(';
          i += named[0].length;
        } else if (rest.startsWith('(?:')) {
          out += '(?:';
          i += 3;
        } else if (rest.startsWith('(?')) {
          refuse('a group flag other than (?P<name>…) and (?:…)');
        } else {
          names.push('');
          out += '(';
          i++;
        }
        break;
      }
      case '{': {
        const rep = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (rep && (out === '' || /(?:^|[^\\])[(|]$/.test(out) || out.endsWith('(?:'))) {
          refuse('a repetition with nothing to repeat, which Go rejects');
        }
        if (rep) {
          if (Number(rep[1]) > 1000 || (rep[3] !== undefined && rep[3] !== '' && Number(rep[3]) > 1000)) {
            refuse('a repetition count above 1000, which Go rejects');
          }
          out += rep[0];
          i += rep[0].length;
        } else {
          out += '\\{';
          i++;
        }
        break;
      }
      case '}':
        out += '\\}';
        i++;
        break;
      case '*':
      case '+':
      case '?':
        if (pattern[i + 1] === '+') {
          refuse('a possessive quantifier');
        }
        out += ch;
        i++;
        break;
      default: {
        const text = String.fromCodePoint(pattern.codePointAt(i)!);
        out += text === ')' || text === '|' ? text : literal(text);
        i += text.length;
      }
    }
  }
  if (mayBacktrack(out)) {
    refuse(
      "a repeated group that repeats or alternates inside, or more than four unbounded repetitions: Go's RE2 matches it in linear time, JavaScript's engine may take exponential time",
    );
  }
  const jsFlags = `gu${flags.includes('i') ? 'i' : ''}`;
  let regex: RegExp;
  try {
    regex = new RegExp(out, jsFlags);
  } catch (e) {
    refuse(`a pattern that does not compile once translated: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { source: pattern, regex, names };
}

/** One match: the start and end of the whole match and of each group (undefined when it did not take part). */
export type Match = ReadonlyArray<readonly [number, number] | undefined>;

function execAt(re: GoRegexp, s: string, pos: number): Match | undefined {
  const r = new RegExp(re.regex.source, `${re.regex.flags}d`);
  r.lastIndex = pos;
  const m = r.exec(s);
  if (!m) {
    return undefined;
  }
  return m.indices!.map((span) => (span === undefined ? undefined : ([span[0], span[1]] as const)));
}

function runeWidth(s: string, pos: number): number {
  const cp = s.codePointAt(pos);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}

/** Go's `FindAllStringSubmatchIndex(s, n)`: empty matches right after a match are skipped. */
export function findAll(re: GoRegexp, s: string, n: number): Match[] {
  const out: Match[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    const m = execAt(re, s, pos);
    if (!m) {
      break;
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
export function replaceAll(re: GoRegexp, s: string, replacement: string, literal: boolean): string {
  let out = '';
  let lastEnd = 0;
  let pos = 0;
  while (pos <= s.length) {
    const m = execAt(re, s, pos);
    if (!m) {
      break;
    }
    const [start, end] = m[0]!;
    out += s.slice(lastEnd, start);
    if (end > lastEnd || start === 0) {
      out += literal ? replacement : expand(re, replacement, s, m);
    }
    lastEnd = end;
    const width = pos < s.length ? runeWidth(s, pos) : 1;
    pos = pos + width > end ? pos + width : pos + 1 > end ? pos + 1 : end;
  }
  return out + s.slice(lastEnd);
}

/** Go's `Regexp.Split(s, n)`. */
export function split(re: GoRegexp, s: string, n: number): string[] {
  if (n === 0) {
    return [];
  }
  if (re.source.length > 0 && s.length === 0) {
    return [''];
  }
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(re, s, n)) {
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

/**
 * Whether a JavaScript pattern may backtrack catastrophically: a quantified group that holds a
 * quantifier or an alternation (`(a+)+`, `(a|aa)*`), or more than four unbounded quantifiers
 * (`.*` after `.*` …). RE2 has no such case; JavaScript's backtracking engine does.
 */
function mayBacktrack(source: string): boolean {
  const frames: { repeats: boolean }[] = [{ repeats: false }];
  let closed: { repeats: boolean } | undefined;
  let unbounded = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const quantifier = /^(\*|\+|\?|\{\d+(,\d*)?\})/.exec(source.slice(i))?.[0];
    if (quantifier !== undefined && !(c === '?' && source[i - 1] === '(')) {
      if (closed?.repeats === true) return true;
      if (quantifier === '*' || quantifier === '+' || /,\}$/.test(quantifier)) unbounded++;
      frames[frames.length - 1]!.repeats = true;
      closed = undefined;
      i += quantifier.length - 1;
      continue;
    }
    closed = undefined;
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') {
      frames.push({ repeats: false });
    } else if (c === ')') {
      closed = frames.pop();
      if (closed?.repeats === true) frames[frames.length - 1]!.repeats = true;
    } else if (c === '|') {
      frames[frames.length - 1]!.repeats = true;
    }
  }
  return unbounded > 4;
}
