import { CallFailure, CallMeter, fixed, str, TemplateFunction } from '../function-signature';
import { unsupported } from '../template-values';

/*
 * Sprig's `semverCompare`: Masterminds/semver v3's `NewConstraint(constraint)`, then
 * `NewVersion(version)`, then `Constraints.Check`, as semver v3.3 (Sprig v3.3.0's) parses and
 * checks them:
 *
 * - hyphen ranges (`1.2 - 1.4.5`) are first rewritten to `>= 1.2, <= 1.4.5` in the text;
 * - the text is split on `||` (or); each part is one or more comparisons joined by `,` or
 *   spaces (and), each an operator (`=`, `!=`, `>`, `<`, `>=`, `=>`, `<=`, `=<`, `~`, `~>`, `^`
 *   or none) and a version that may be partial (`1.2`) or hold wildcards (`1.2.x`, `1.X`, `*`);
 *   a part that is not such a list fails with "improper constraint";
 * - a pre-release version satisfies only comparisons whose version has a pre-release, and then
 *   by SemVer ordering across every major.minor.patch (`>=1.2.3-0` takes `1.5.0-beta`), except
 *   that `!=` with a full version takes any version other than that one.
 *
 * Go's messages that print the constraint or the version are given without it. What the
 * preview does not reproduce exactly is refused: a number with a leading zero (`01.2.3`,
 * `1.2.3-01`), which semver v3.3.0 reads, v3.3.1 refuses and v3.4 reads again, so the answer
 * depends on the release Argo CD links. `semver`, which returns a Version object, is refused too.
 */

/** A version as Masterminds' `Version` holds it (build metadata plays no part in comparing). */
interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
}

/** One comparison: Masterminds' `constraint`. */
interface Constraint {
  /** The operator as written (`origfunc`): `""`, `=`, `=>`… */
  readonly op: string;
  readonly con: Version;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

/** The parts of a version in a constraint (`cvRegex`), the dots and dashes kept as Go's groups keep them. */
interface ConstraintVersion {
  /** The whole version text (group 2). */
  readonly text: string;
  /** The major part (group 3), `[0-9xX*|]+`. */
  readonly major: string;
  /** `.minor` (group 4), or empty. */
  readonly minor: string;
  /** `.patch` (group 5), or empty. */
  readonly patch: string;
  /** `-pre-release` (group 6), or empty. */
  readonly pre: string;
}

const UINT64_MAX = 2n ** 64n - 1n;
const OPS = new Set(['', '=', '!=', '>', '<', '>=', '=>', '<=', '=<', '~', '~>', '^']);
const OP_CHARS = '=!<>~^';
/** Masterminds' loose `NewVersion` syntax (v3.3.0), before its checks of each part. */
const LOOSE_VERSION =
  /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const FIX = 'Use versions and constraints whose numbers have no leading zeros.';
const BOUND_FIX = 'Use a shorter constraint.';

/** Go's `\s`: ASCII spaces only. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
}

/** A character of a version number in a constraint: `[0-9|x|X|\*]` (the `|` is literal). */
function isNumberChar(c: string | undefined): boolean {
  return c !== undefined && ((c >= '0' && c <= '9') || c === 'x' || c === 'X' || c === '*' || c === '|');
}

/** A character of a pre-release or build identifier: `[0-9A-Za-z-]`. */
function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Za-z-]$/.test(c);
}

function skipSpaces(s: string, i: number): number {
  while (isSpace(s[i])) {
    i++;
  }
  return i;
}

/** The end of `[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*` from `i` (which holds an identifier character). */
function identifiersEnd(s: string, i: number): number {
  while (isIdentChar(s[i])) {
    i++;
  }
  while (s[i] === '.' && isIdentChar(s[i + 1])) {
    i += 2;
    while (isIdentChar(s[i])) {
      i++;
    }
  }
  return i;
}

/**
 * The version of a constraint that starts at `i`, as Go's regexp matches `cvRegex` there (every
 * part as long as it goes, which is the only match any context of it admits), or undefined.
 */
function constraintVersionAt(s: string, i: number): { cv: ConstraintVersion; end: number } | undefined {
  let j = i;
  if (s[j] === 'v' && isNumberChar(s[j + 1])) {
    j++;
  }
  if (!isNumberChar(s[j])) {
    return undefined;
  }
  const numberEnd = (from: number): number => {
    while (isNumberChar(s[from])) {
      from++;
    }
    return from;
  };
  const majorStart = j;
  j = numberEnd(j);
  const major = s.slice(majorStart, j);
  let minor = '';
  let patch = '';
  if (s[j] === '.' && isNumberChar(s[j + 1])) {
    const end = numberEnd(j + 1);
    minor = s.slice(j, end);
    j = end;
    if (s[j] === '.' && isNumberChar(s[j + 1])) {
      const end2 = numberEnd(j + 1);
      patch = s.slice(j, end2);
      j = end2;
    }
  }
  let pre = '';
  if (s[j] === '-' && isIdentChar(s[j + 1])) {
    const end = identifiersEnd(s, j + 1);
    pre = s.slice(j, end);
    j = end;
  }
  if (s[j] === '+' && isIdentChar(s[j + 1])) {
    j = identifiersEnd(s, j + 1);
  }
  return { cv: { text: s.slice(i, j), major, minor, patch, pre }, end: j };
}

/**
 * Masterminds' `rewriteRange`: every match of `\s*(cv)\s+-\s+(cv)\s*`, leftmost first, is
 * replaced, at its first occurrence in the text rewritten so far, by `>= A, <= B`.
 */
function rewriteRange(c: string, charge: (units: number) => void): string {
  const matches: Array<{ whole: string; from: string; to: string }> = [];
  let p = 0;
  while (p < c.length) {
    const q = skipSpaces(c, p);
    const first = constraintVersionAt(c, q);
    charge((first?.end ?? q) - p + 1);
    if (first) {
      const dash = skipSpaces(c, first.end);
      const after = dash > first.end && c[dash] === '-' ? skipSpaces(c, dash + 1) : -1;
      const second = after > dash + 1 ? constraintVersionAt(c, after) : undefined;
      if (second) {
        const end = skipSpaces(c, second.end);
        charge(end - first.end);
        matches.push({ whole: c.slice(p, end), from: first.cv.text, to: second.cv.text });
        p = end;
        continue;
      }
    }
    // From within a run of spaces, or of the major number's characters, every start fails alike.
    p = first ? q + (c[q] === 'v' ? 1 : 0) + first.cv.major.length : q > p ? q : p + 1;
  }
  // Go replaces the first occurrence in the text rewritten so far. A match's text needs spaces
  // around a dash, which no rewritten text has, and its first occurrence is at or before where
  // it was matched, after the previous one: so it is found in what follows the previous rewrite.
  const parts: string[] = [];
  let cursor = 0;
  for (const m of matches) {
    const at = c.indexOf(m.whole, cursor);
    charge(at - cursor + m.whole.length);
    parts.push(c.slice(cursor, at), `>= ${m.from}, <= ${m.to}`);
    cursor = at + m.whole.length;
  }
  parts.push(c.slice(cursor));
  return parts.join('');
}

/**
 * One part between `||` as `validConstraintRegex` and `findConstraintRegex` read it: each
 * comparison's operator and version; undefined when the part is not such a list ("improper
 * constraint"). An operator is the whole run of operator characters before the version.
 */
function comparisons(part: string): Array<{ op: string; cv: ConstraintVersion }> | undefined {
  const out: Array<{ op: string; cv: ConstraintVersion }> = [];
  let i = skipSpaces(part, 0);
  for (;;) {
    const opStart = i;
    while (i < part.length && OP_CHARS.includes(part[i]!)) {
      i++;
    }
    const op = part.slice(opStart, i);
    if (!OPS.has(op)) {
      return undefined;
    }
    const version = constraintVersionAt(part, skipSpaces(part, i));
    if (!version) {
      return undefined;
    }
    out.push({ op, cv: version.cv });
    const end = version.end;
    i = skipSpaces(part, end);
    if (i === part.length) {
      return out;
    }
    if (part[i] === ',') {
      i = skipSpaces(part, i + 1);
    } else if (i === end) {
      // Comparisons are joined by a comma or by spaces.
      return undefined;
    }
  }
}

function isX(part: string): boolean {
  return part === 'x' || part === 'X' || part === '*';
}

/** Masterminds' `parseConstraint` of one comparison. */
function parseConstraint(op: string, cv: ConstraintVersion): Constraint {
  let text = cv.text;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  const minor = cv.minor.slice(1);
  const patch = cv.patch.slice(1);
  if (isX(cv.major) || cv.major === '') {
    text = `0.0.0${cv.pre}`;
    dirty = true;
  } else if (isX(minor) || cv.minor === '') {
    text = `${cv.major}.0.0${cv.pre}`;
    dirty = true;
    minorDirty = true;
  } else if (isX(patch) || cv.patch === '') {
    text = `${cv.major}${cv.minor}.0${cv.pre}`;
    dirty = true;
    patchDirty = true;
  }
  let con: Version | undefined;
  try {
    con = newVersion(text, 'a constraint');
  } catch (e) {
    if (!(e instanceof CallFailure)) {
      throw e;
    }
  }
  if (con === undefined) {
    // Go turns every error of NewVersion here into this one.
    throw new CallFailure('constraint Parser Error');
  }
  return { op, con, dirty, minorDirty, patchDirty };
}

/** Masterminds' `NewConstraint`: alternatives (`||`), each a list of comparisons that must all hold. */
function newConstraint(c: string, meter: CallMeter): Constraint[][] {
  let spent = 0;
  const charge = (units: number): void => {
    spent += units;
    if (spent >= 4096) {
      meter.charge(spent, () => `semverCompare reading a constraint of ${c.length} characters`, BOUND_FIX);
      spent = 0;
    }
  };
  const rewritten = rewriteRange(c, charge);
  charge(rewritten.length);
  meter.charge(spent, () => `semverCompare reading a constraint of ${c.length} characters`, BOUND_FIX);
  return rewritten.split('||').map((part) => {
    const items = comparisons(part);
    if (items === undefined) {
      // Go: "improper constraint: <the part>", the part not quoted here.
      throw new CallFailure('improper constraint');
    }
    return items.map(({ op, cv }) => parseConstraint(op, cv));
  });
}

/**
 * Masterminds' `NewVersion`: undefined when the text is not a version; `what` names the text
 * in the refusal of a number with a leading zero.
 *
 * @throws CallFailure when a number is beyond uint64, as `strconv.ParseUint` fails.
 */
function newVersion(text: string, what: string): Version | undefined {
  const m = LOOSE_VERSION.exec(text);
  if (!m) {
    return undefined;
  }
  const numbers = [m[1]!, m[2] ?? '0', m[3] ?? '0'];
  const pre = m[4] ?? '';
  if (numbers.some((n) => n.length > 1 && n.startsWith('0'))) {
    throw unsupported(`semverCompare with ${what} with a number with a leading zero`, FIX);
  }
  if (pre.split('.').some((p) => /^0[0-9]+$/.test(p))) {
    throw unsupported(`semverCompare with ${what} whose pre-release has a number with a leading zero`, FIX);
  }
  const [major, minor, patch] = numbers.map((n) => {
    const value = BigInt(n);
    if (value > UINT64_MAX) {
      // Go: Error parsing version segment: strconv.ParseUint: parsing "<n>": value out of range
      throw new CallFailure('Error parsing version segment: strconv.ParseUint: value out of range');
    }
    return value;
  }) as [bigint, bigint, bigint];
  return { major, minor, patch, pre };
}

function compareNumbers(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `strconv.ParseUint(s, 10, 64)`, or undefined when it fails. */
function parseUint(s: string): bigint | undefined {
  if (!/^[0-9]+$/.test(s)) {
    return undefined;
  }
  const n = BigInt(s);
  return n <= UINT64_MAX ? n : undefined;
}

/** Masterminds' `comparePrePart`. */
function comparePrePart(s: string, o: string): number {
  if (s === o) {
    return 0;
  }
  if (s === '') {
    return -1;
  }
  if (o === '') {
    return 1;
  }
  const oi = parseUint(o);
  const si = parseUint(s);
  if (oi === undefined && si === undefined) {
    return s > o ? 1 : -1;
  }
  if (oi === undefined) {
    return -1;
  }
  if (si === undefined) {
    return 1;
  }
  return si > oi ? 1 : -1;
}

/** Masterminds' `comparePrerelease`. */
function comparePrerelease(v: string, o: string): number {
  const sparts = v.split('.');
  const oparts = o.split('.');
  for (let i = 0; i < Math.max(sparts.length, oparts.length); i++) {
    const d = comparePrePart(sparts[i] ?? '', oparts[i] ?? '');
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/** Masterminds' `Version.Compare`: numbers, then a pre-release below its release. */
function compare(v: Version, o: Version): number {
  const d = compareNumbers(v.major, o.major) || compareNumbers(v.minor, o.minor) || compareNumbers(v.patch, o.patch);
  if (d !== 0) {
    return d;
  }
  if (v.pre === '' && o.pre === '') {
    return 0;
  }
  if (v.pre === '') {
    return 1;
  }
  if (o.pre === '') {
    return -1;
  }
  return comparePrerelease(v.pre, o.pre);
}

/** A pre-release version is checked only against a comparison whose version has a pre-release. */
function excluded(v: Version, c: Constraint): boolean {
  return v.pre !== '' && c.con.pre === '';
}

function notEqual(v: Version, c: Constraint): boolean {
  if (c.dirty) {
    if (excluded(v, c)) {
      return false;
    }
    if (c.con.major !== v.major) {
      return true;
    }
    if (c.con.minor !== v.minor && !c.minorDirty) {
      return true;
    }
    if (c.minorDirty) {
      return false;
    }
    if (c.con.patch !== v.patch && !c.patchDirty) {
      return true;
    }
    if (c.patchDirty) {
      if (v.pre !== '' || c.con.pre !== '') {
        return comparePrerelease(v.pre, c.con.pre) !== 0;
      }
      return false;
    }
  }
  return compare(v, c.con) !== 0;
}

function greaterThan(v: Version, c: Constraint): boolean {
  if (excluded(v, c)) {
    return false;
  }
  if (!c.dirty) {
    return compare(v, c.con) === 1;
  }
  if (v.major > c.con.major) {
    return true;
  }
  if (v.major < c.con.major || c.minorDirty) {
    return false;
  }
  if (c.patchDirty) {
    return v.minor > c.con.minor;
  }
  return compare(v, c.con) === 1;
}

function lessThan(v: Version, c: Constraint): boolean {
  return !excluded(v, c) && compare(v, c.con) < 0;
}

function greaterThanEqual(v: Version, c: Constraint): boolean {
  return !excluded(v, c) && compare(v, c.con) >= 0;
}

function lessThanEqual(v: Version, c: Constraint): boolean {
  if (excluded(v, c)) {
    return false;
  }
  if (!c.dirty) {
    return compare(v, c.con) <= 0;
  }
  if (v.major > c.con.major) {
    return false;
  }
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function tilde(v: Version, c: Constraint): boolean {
  if (excluded(v, c) || compare(v, c.con) < 0) {
    return false;
  }
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) {
    return true;
  }
  if (v.major !== c.con.major) {
    return false;
  }
  return v.minor === c.con.minor || c.minorDirty;
}

function tildeOrEqual(v: Version, c: Constraint): boolean {
  if (excluded(v, c)) {
    return false;
  }
  return c.dirty ? tilde(v, c) : compare(v, c.con) === 0;
}

function caret(v: Version, c: Constraint): boolean {
  if (excluded(v, c) || compare(v, c.con) < 0) {
    return false;
  }
  if (c.con.major > 0n || c.minorDirty) {
    return v.major === c.con.major;
  }
  if (v.major > 0n) {
    return false;
  }
  if (c.con.minor > 0n || c.patchDirty) {
    return v.minor === c.con.minor;
  }
  if (v.minor > 0n) {
    return false;
  }
  return c.con.patch === v.patch;
}

const CHECKS: Readonly<Record<string, (v: Version, c: Constraint) => boolean>> = {
  '': tildeOrEqual,
  '=': tildeOrEqual,
  '!=': notEqual,
  '>': greaterThan,
  '<': lessThan,
  '>=': greaterThanEqual,
  '=>': greaterThanEqual,
  '<=': lessThanEqual,
  '=<': lessThanEqual,
  '~': tilde,
  '~>': tilde,
  '^': caret,
};

/** Sprig's `semverCompare`: the constraint is read first, then the version. */
export function semverCompare(constraint: string, version: string, meter: CallMeter): boolean {
  const alternatives = newConstraint(constraint, meter);
  const v = newVersion(version, 'a version');
  if (v === undefined) {
    throw new CallFailure('Invalid Semantic Version');
  }
  return alternatives.some((all) => all.every((c) => CHECKS[c.op]!(v, c)));
}

/** Sprig's SemVer functions. */
export const SEMVER_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['semverCompare', fixed(['string', 'string'], ([constraint, version], meter) => semverCompare(str(constraint), str(version), meter))],
];
