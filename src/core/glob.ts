/** Line terminators, which neither `*` nor `?` matches (as `.` does not in a JavaScript RegExp). */
const LINE = new Set(['\n', '\r', '\u2028', '\u2029']);

/**
 * Whether `name` matches the glob `pattern`, as Argo CD matches Application names in sync
 * windows and as `--allow-remove` and `Removal.application` take them: `*` any characters
 * (none included), `?` one character, all else literal.
 *
 * The match is the greedy one with backtracking to the last `*` only, in O(pattern × name)
 * steps on any input (a regular expression of `.*` runs took exponential time on
 * `*a*a*a*a*a*a*a*b`).
 */
export function globMatches(pattern: string, name: string): boolean {
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < name.length) {
    const p = pattern[pi];
    if (p === '*') {
      star = pi++;
      mark = ti;
    } else if (p !== undefined && (p === '?' ? !LINE.has(name[ti]!) : p === name[ti])) {
      pi++;
      ti++;
    } else if (star >= 0 && !LINE.has(name[mark]!)) {
      // The last "*" takes one more character, and the rest of the pattern starts over after it.
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[pi] === '*') {
    pi++;
  }
  return pi === pattern.length;
}
