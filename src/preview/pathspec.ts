import { fail, PreviewCode, show } from './problems';
import { NUL, SLASH, STAR, QUESTION, BACKSLASH, LBRACKET, RBRACKET, BANG, CARET, DASH } from './glob-bytes';

/*
 * How Argo CD's git files generator selects files by default: the repo server runs
 * `git ls-files --full-name -z -- <files[].path>` at the root of its clone, so each pattern is
 * a Git pathspec without magic. Git matches a pathspec against a tracked file in two ways
 * (dir.c `match_pathspec_item`):
 *
 * - literally: the pattern, wildcards taken as plain characters, equals the file's path or is
 *   a leading directory of it (`environments/prod` selects every file below it);
 * - when the pattern has a wildcard (`*`, `?`, `[` or `\`), with `wildmatch` and no flags
 *   (wildmatch.c `dowild`), where `*` matches any string, `/` included, so that `*` and `**`
 *   are the same and `environments/*.json` also selects `environments/prod/api/release.json`;
 *   `?` matches any byte, `/` included; `[...]` is a class of bytes (`!` or `^` negates,
 *   `a-z` ranges, `[:alpha:]` and the other POSIX classes); `\` escapes.
 *
 * The matching below is a port of both, on UTF-8 bytes. Argo CD's opt-in
 * `--enable-new-git-file-globbing` (doublestar globs, where `*` stops at `/`) is not modelled.
 */

const COLON = 0x3a;

const MATCH = 0;
const NO_MATCH = 1;
const ABORT_ALL = -1;

const encoder = new TextEncoder();

/**
 * Validates a `files[].path` pattern once and returns whether a repository file (relative,
 * `/`-separated) matches it as `git ls-files -- <pattern>` would list it. The empty pattern
 * and `.` select every file (Argo CD passes `.` for an empty path).
 *
 * @throws GitOpsError `CG705` when the pattern cannot select what it says: it starts with `/`
 * (Git refuses a path outside the repository, and Argo CD fails the ApplicationSet), holds a
 * NUL, ends with a lone `\`, or has a character class without its closing `]` or with an
 * unknown `[:class:]` (Git then matches nothing). `CG706` for what the preview does not
 * model: pathspec magic (a leading `:`) and `.`, `..` or empty segments, which Git normalizes.
 *
 * @example
 * const match = compilePathspec('environments/prod/*.json');
 * match('environments/prod/release.json'); // true
 * match('environments/prod/aws/eu-1/api/release.json'); // true: `*` crosses "/"
 * match('environments/nonprod/release.json'); // false
 */
export function compilePathspec(pattern: string): (file: string) => boolean {
  if (pattern === '' || pattern === '.') {
    return () => true;
  }
  checkPathspec(pattern);
  const p = encoder.encode(pattern);
  const wildcard = p.some(isGlobSpecial);
  return (file) => {
    const n = encoder.encode(file);
    if (p.length <= n.length && p.every((b, i) => n[i] === b)) {
      if (p.length === n.length || p[p.length - 1] === SLASH || n[p.length] === SLASH) {
        return true;
      }
    }
    return wildcard && dowild(p, 0, n, 0) === MATCH;
  };
}

function checkPathspec(pattern: string): void {
  const bad = (why: string, fix: string): never => fail(PreviewCode.BAD_PATTERN, `Pattern ${show(pattern)} ${why}.`, fix);
  if (pattern.includes('\0')) {
    bad('holds a NUL character, which no path has', 'Remove the NUL character.');
  }
  if (pattern.startsWith('/')) {
    bad(
      'starts with "/": git ls-files reads it as a path outside the repository and fails, so Argo CD fails the ApplicationSet',
      'Write the path relative to the repository root, without the leading "/".',
    );
  }
  if (pattern.startsWith(':')) {
    fail(
      PreviewCode.UNSUPPORTED_FEATURE,
      `Pattern ${show(pattern)} starts with ":", Git's pathspec magic, which the offline preview does not evaluate.`,
      'Write a plain path pattern, or preview this ApplicationSet with argocd appset generate.',
    );
  }
  const segments = pattern.split('/');
  if (segments.slice(0, pattern.endsWith('/') ? -1 : undefined).some((s) => s === '' || s === '.' || s === '..')) {
    fail(
      PreviewCode.UNSUPPORTED_FEATURE,
      `Pattern ${show(pattern)} has a ".", ".." or empty segment, which Git normalizes and the offline preview does not.`,
      'Write the path without ".", ".." or "//" segments.',
    );
  }
  const p = encoder.encode(pattern);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === BACKSLASH) {
      if (i + 1 >= p.length) {
        bad('ends with a lone "\\", so Git matches nothing with it', 'Remove the trailing "\\", or escape it as "\\\\".');
      }
      i++;
    } else if (p[i] === LBRACKET) {
      const end = scanClass(p, i, NUL).next;
      if (end < 0) {
        bad(
          'has a character class without its closing "]" or with an unknown "[:class:]", so Git matches nothing with it',
          'Close every "[" with "]", and use only the POSIX classes alnum, alpha, blank, cntrl, digit, graph, lower, print, punct, space, upper and xdigit.',
        );
      }
      i = end;
    }
  }
}

/** Git's `is_glob_special`: the bytes that make a pathspec a wildcard pattern. */
function isGlobSpecial(b: number): boolean {
  return b === STAR || b === QUESTION || b === LBRACKET || b === BACKSLASH;
}

/** wildmatch.c `dowild` with no flags: `p[pi…]` against `t[ti…]`, both read as NUL-terminated. */
function dowild(p: Uint8Array, pi: number, t: Uint8Array, ti: number): number {
  const at = (b: Uint8Array, i: number): number => (i < b.length ? b[i]! : NUL);
  for (; at(p, pi) !== NUL; ti++, pi++) {
    let pCh = at(p, pi);
    let tCh = at(t, ti);
    if (tCh === NUL && pCh !== STAR) {
      return ABORT_ALL;
    }
    switch (pCh) {
      case QUESTION:
        // Without WM_PATHNAME, "?" matches "/" too.
        continue;
      case STAR: {
        // Without WM_PATHNAME, "*" is "**": it matches any string, "/" included.
        while (at(p, pi + 1) === STAR) {
          pi++;
        }
        pi++;
        if (at(p, pi) === NUL) {
          return MATCH;
        }
        for (;;) {
          if (tCh === NUL) {
            break;
          }
          if (!isGlobSpecial(at(p, pi))) {
            // A literal follows: skip to its next occurrence. Where there is none, no later
            // start of this "*" (nor of any "*" before it) can match: wildmatch aborts the
            // whole match, which keeps it to O(pattern × path) on any pattern.
            pCh = at(p, pi);
            while ((tCh = at(t, ti)) !== NUL && tCh !== pCh) {
              ti++;
            }
            if (tCh !== pCh) {
              return ABORT_ALL;
            }
          }
          const matched = dowild(p, pi, t, ti);
          if (matched !== NO_MATCH) {
            return matched;
          }
          tCh = at(t, ++ti);
        }
        return ABORT_ALL;
      }
      case LBRACKET: {
        const cls = scanClass(p, pi, tCh);
        if (cls.next < 0) {
          return ABORT_ALL;
        }
        pi = cls.next;
        if (!cls.matched) {
          return NO_MATCH;
        }
        continue;
      }
      case BACKSLASH:
        // A literal match with the next byte; a trailing "\" compares with NUL and fails.
        pCh = at(p, ++pi);
        if (tCh !== pCh) {
          return NO_MATCH;
        }
        continue;
      default:
        if (tCh !== pCh) {
          return NO_MATCH;
        }
        continue;
    }
  }
  return at(t, ti) !== NUL ? NO_MATCH : MATCH;
}

/**
 * Reads the character class that opens at `p[start]` (a `[`) as `dowild` does, and whether
 * the byte `tCh` is in it (negation applied). `next` is the index of the closing `]`, or -1
 * where `dowild` aborts: no closing `]`, or an unknown `[:class:]`.
 */
function scanClass(p: Uint8Array, start: number, tCh: number): { next: number; matched: boolean } {
  const at = (i: number): number => (i < p.length ? p[i]! : NUL);
  const abort = { next: -1, matched: false };
  let pi = start + 1;
  let pCh = at(pi);
  if (pCh === CARET) {
    pCh = BANG;
  }
  const negated = pCh === BANG;
  if (negated) {
    pCh = at(++pi);
  }
  let prevCh = NUL;
  let matched = false;
  do {
    if (pCh === NUL) {
      return abort;
    }
    if (pCh === BACKSLASH) {
      pCh = at(++pi);
      if (pCh === NUL) {
        return abort;
      }
      matched ||= tCh === pCh;
    } else if (pCh === DASH && prevCh !== NUL && at(pi + 1) !== NUL && at(pi + 1) !== RBRACKET) {
      pCh = at(++pi);
      if (pCh === BACKSLASH) {
        pCh = at(++pi);
        if (pCh === NUL) {
          return abort;
        }
      }
      matched ||= tCh <= pCh && tCh >= prevCh;
      pCh = NUL; // So that the next "-" does not start a range.
    } else if (pCh === LBRACKET && at(pi + 1) === COLON) {
      const s = (pi += 2);
      while ((pCh = at(pi)) !== NUL && pCh !== RBRACKET) {
        pi++;
      }
      if (pCh === NUL) {
        return abort;
      }
      const length = pi - s - 1;
      if (length < 0 || at(pi - 1) !== COLON) {
        // No ":]": a plain "[" in the class, and the scan resumes after it.
        pi = s - 2;
        pCh = LBRACKET;
        matched ||= tCh === pCh;
        continue;
      }
      const test = POSIX_CLASSES.get(String.fromCharCode(...p.subarray(s, s + length)));
      if (!test) {
        return abort;
      }
      matched ||= test(tCh);
      pCh = NUL;
    } else {
      matched ||= tCh === pCh;
    }
  } while (((prevCh = pCh), (pCh = at(++pi)) !== RBRACKET));
  return { next: pi, matched: matched !== negated };
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const isAlnum = (c: number): boolean => isDigit(c) || isLower(c) || isUpper(c);
const isGraph = (c: number): boolean => c >= 0x21 && c <= 0x7e;

/** The POSIX classes of `[[:name:]]`, on ASCII bytes as Git's own ctype defines them. */
const POSIX_CLASSES: ReadonlyMap<string, (c: number) => boolean> = new Map([
  ['alnum', isAlnum],
  ['alpha', (c: number) => isLower(c) || isUpper(c)],
  ['blank', (c: number) => c === 0x20 || c === 0x09],
  ['cntrl', (c: number) => c < 0x20 || c === 0x7f],
  ['digit', isDigit],
  ['graph', isGraph],
  ['lower', isLower],
  ['print', (c: number) => c >= 0x20 && c <= 0x7e],
  ['punct', (c: number) => isGraph(c) && !isAlnum(c)],
  ['space', (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d],
  ['upper', isUpper],
  ['xdigit', (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)],
]);
