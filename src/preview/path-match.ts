import { fail, PreviewCode, show } from './problems';
import { SLASH, STAR, QUESTION, BACKSLASH, LBRACKET, RBRACKET, CARET, DASH } from './glob-bytes';

/*
 * A port of Go's `path.Match`, the matcher Argo CD's git directory generator applies to every
 * directory. It works on UTF-8 bytes exactly as Go does, so that `*` skipping into the middle
 * of a multi-byte character behaves the same.
 *
 *   pattern:  { term }
 *   term:     '*'  any sequence of non-/ characters
 *             '?'  any single non-/ character
 *             '[' [ '^' ] { character-range } ']'   character class (non-empty)
 *             c    the character c (c != '*', '?', '\\', '[')
 *             '\\' c  the character c
 *   range:    c | '\\' c | lo '-' hi
 *
 * `**` is two stars: it never crosses `/`. The whole name must match.
 */

const RUNE_ERROR = 0xfffd;
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
/** Reused for the names matched: encoding into it allocates nothing per name. */
let scratch = new Uint8Array(1024);

/** `name` as UTF-8, in a view of {@link scratch} valid until the next call. */
function encodeName(name: string): Uint8Array {
  // UTF-8 takes at most three bytes per UTF-16 code unit.
  if (scratch.length < name.length * 3) scratch = new Uint8Array(name.length * 3);
  return scratch.subarray(0, encoder.encodeInto(name, scratch).written);
}

/** Go's `path.ErrBadPattern`, raised as a signal inside the matcher. */
class BadPattern {}
const BAD_PATTERN = new BadPattern();

/**
 * Reports whether `name` matches the shell pattern `pattern`, with the semantics of Go's
 * `path.Match` (`*` and `?` never match `/`, character classes, `\\` escapes).
 *
 * @throws GitOpsError `CG705` when the pattern is malformed (Go's `ErrBadPattern`).
 */
export function pathMatch(pattern: string, name: string): boolean {
  return compilePathPattern(pattern)(name);
}

/**
 * Validates `pattern` once and returns a matcher for it.
 *
 * Go's `path.Match` reports a malformed pattern whatever the name, so checking against the
 * empty name finds every malformed pattern.
 *
 * @throws GitOpsError `CG705` when the pattern is malformed.
 */
export function compilePathPattern(pattern: string): (name: string) => boolean {
  const p = encoder.encode(pattern);
  const run = (name: string): boolean => {
    try {
      return match(p, encodeName(name));
    } catch (e) {
      if (e === BAD_PATTERN) {
        return fail(
          PreviewCode.BAD_PATTERN,
          `Pattern ${show(pattern)} is malformed (Go path.Match: syntax error in pattern).`,
          'Close every "[" with "]", give each character class at least one character, escape a literal "-", "]" or "\\" with "\\", and do not end the pattern with "\\".',
        );
      }
      throw e;
    }
  };
  run('');
  return segmentMatcher(pattern) ?? run;
}

/**
 * For a pattern of literal segments and segments that are one `*` (`environments/prod/*`, the
 * form ApplicationSets mostly take), a matcher that compares segment by segment: such a `*`
 * matches any one segment, every other character only itself, as in `path.Match`. Comparing
 * UTF-16 strings gives what comparing their UTF-8 bytes gives as long as the pattern holds no
 * surrogate and no U+FFFD (the only character whose bytes a name's unpaired surrogate encodes
 * to); any other pattern gets undefined.
 */
function segmentMatcher(pattern: string): ((name: string) => boolean) | undefined {
  if (/[?[\\\ud800-\udfff\ufffd]/.test(pattern)) return undefined;
  const segments = pattern.split('/');
  if (segments.some((s) => s !== '*' && s.includes('*'))) return undefined;
  const last = segments.length - 1;
  return (name) => {
    let from = 0;
    for (let i = 0; i <= last; i++) {
      const slash = name.indexOf('/', from);
      if ((slash === -1) !== (i === last)) return false;
      const end = i === last ? name.length : slash;
      const segment = segments[i];
      if (segment !== '*' && (end - from !== segment.length || !name.startsWith(segment, from))) return false;
      from = end + 1;
    }
    return true;
  };
}

function match(p: Uint8Array, n: Uint8Array): boolean {
  let pi = 0;
  let ni = 0;
  pattern: while (pi < p.length) {
    const chunk = scanChunk(p, pi);
    pi = chunk.rest;
    if (chunk.star && chunk.start === chunk.end) {
      // A trailing star matches the rest of the name unless it has a slash.
      return n.indexOf(SLASH, ni) < 0;
    }
    // Look for a match at the current position; the last chunk must exhaust the name.
    const t = matchChunk(p, chunk.start, chunk.end, n, ni);
    if (t >= 0 && (t === n.length || pi < p.length)) {
      ni = t;
      continue;
    }
    if (chunk.star) {
      // Look for a match skipping i+1 bytes; a star cannot skip a slash.
      for (let i = ni; i < n.length && n[i] !== SLASH; i++) {
        const t2 = matchChunk(p, chunk.start, chunk.end, n, i + 1);
        if (t2 >= 0) {
          if (pi >= p.length && t2 < n.length) {
            continue;
          }
          ni = t2;
          continue pattern;
        }
      }
    }
    // Before returning false, check that the rest of the pattern is well-formed.
    while (pi < p.length) {
      const rest = scanChunk(p, pi);
      pi = rest.rest;
      matchChunk(p, rest.start, rest.end, EMPTY, 0);
    }
    return false;
  }
  return ni === n.length;
}

interface Chunk {
  readonly star: boolean;
  readonly start: number;
  readonly end: number;
  readonly rest: number;
}

/** The next segment of the pattern: a non-star string, possibly preceded by stars. */
function scanChunk(p: Uint8Array, from: number): Chunk {
  let i = from;
  let star = false;
  while (i < p.length && p[i] === STAR) {
    i++;
    star = true;
  }
  const start = i;
  let inRange = false;
  for (; i < p.length; i++) {
    switch (p[i]) {
      case BACKSLASH:
        // A trailing backslash is reported by matchChunk.
        if (i + 1 < p.length) {
          i++;
        }
        break;
      case LBRACKET:
        inRange = true;
        break;
      case RBRACKET:
        inRange = false;
        break;
      case STAR:
        if (!inRange) {
          return { star, start, end: i, rest: i };
        }
        break;
      default:
        break;
    }
  }
  return { star, start, end: p.length, rest: p.length };
}

/**
 * Matches the chunk `p[cs, ce)` against the beginning of `n[si:]`. Returns the index in `n`
 * after the match, or -1. After a failure it keeps reading the chunk to check its syntax.
 */
function matchChunk(p: Uint8Array, cs: number, ce: number, n: Uint8Array, si: number): number {
  let failed = false;
  let c = cs;
  let s = si;
  while (c < ce) {
    if (!failed && s >= n.length) {
      failed = true;
    }
    switch (p[c]) {
      case LBRACKET: {
        let r = 0;
        if (!failed) {
          const [rune, width] = decodeRune(n, s, n.length);
          r = rune;
          s += width;
        }
        c++;
        let negated = false;
        if (c < ce && p[c] === CARET) {
          negated = true;
          c++;
        }
        let matched = false;
        let ranges = 0;
        for (;;) {
          if (c < ce && p[c] === RBRACKET && ranges > 0) {
            c++;
            break;
          }
          const [lo, afterLo] = getEsc(p, c, ce);
          c = afterLo;
          let hi = lo;
          if (p[c] === DASH) {
            const [h, afterHi] = getEsc(p, c + 1, ce);
            hi = h;
            c = afterHi;
          }
          if (lo <= r && r <= hi) {
            matched = true;
          }
          ranges++;
        }
        if (matched === negated) {
          failed = true;
        }
        break;
      }
      case QUESTION:
        if (!failed) {
          if (n[s] === SLASH) {
            failed = true;
          }
          s += decodeRune(n, s, n.length)[1];
        }
        c++;
        break;
      case BACKSLASH:
        c++;
        if (c >= ce) {
          throw BAD_PATTERN;
        }
        // An escaped character matches itself, like any other literal.
        if (!failed) {
          failed = p[c] !== n[s];
          s++;
        }
        c++;
        break;
      default:
        if (!failed) {
          failed = p[c] !== n[s];
          s++;
        }
        c++;
        break;
    }
  }
  return failed ? -1 : s;
}

/** A possibly escaped character of a character class, and the index after it. */
function getEsc(p: Uint8Array, c: number, ce: number): [number, number] {
  if (c >= ce || p[c] === DASH || p[c] === RBRACKET) {
    throw BAD_PATTERN;
  }
  if (p[c] === BACKSLASH) {
    c++;
    if (c >= ce) {
      throw BAD_PATTERN;
    }
  }
  const [r, width] = decodeRune(p, c, ce);
  if (r === RUNE_ERROR && width === 1) {
    throw BAD_PATTERN;
  }
  const next = c + width;
  if (next >= ce) {
    throw BAD_PATTERN;
  }
  return [r, next];
}

/** Go's `utf8.DecodeRune` on `b[i:end]`: the rune and its width; (U+FFFD, 1) when invalid. */
function decodeRune(b: Uint8Array, i: number, end: number): [number, number] {
  if (i >= end) {
    return [RUNE_ERROR, 0];
  }
  const b0 = b[i]!;
  if (b0 < 0x80) {
    return [b0, 1];
  }
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    const x = i + k < end ? b[i + k]! : -1;
    return x >= lo && x <= hi ? x & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [RUNE_ERROR, 1] : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 < 0 ? -1 : cont(2);
    return c2 < 0 ? [RUNE_ERROR, 1] : [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 < 0 ? -1 : cont(2);
    const c3 = c2 < 0 ? -1 : cont(3);
    return c3 < 0 ? [RUNE_ERROR, 1] : [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [RUNE_ERROR, 1];
}
