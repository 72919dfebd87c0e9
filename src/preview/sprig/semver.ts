import { CallFailure, fixed, str, TemplateFunction } from '../function-signature';
import { unsupported } from '../template-values';

/*
 * Sprig's `semverCompare` (Masterminds/semver v3 constraints) for the constraints whose meaning
 * the preview reproduces exactly: comparisons `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>` and `^`
 * with full versions (`>=`, `<`, `=`, `~` and `^` also with partial ones such as `^1.2`), joined
 * by `,` or spaces (and) and `||` (or), over release versions. Wildcards, hyphen ranges and
 * pre-release constraints are refused. `semver`, which returns a Version object, is refused too.
 */

interface Version {
  readonly parts: readonly [number, number, number];
  readonly prerelease: string;
}

interface Constraint {
  readonly op: string;
  readonly version: Version;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
  readonly text: string;
}

const VERSION =
  /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function refuse(what: string): never {
  throw unsupported(`semverCompare with ${what}`, 'Use comparisons of full release versions, ^ or ~ ranges, joined by "," and "||".');
}

function number(part: string): number {
  if (part.length > 1 && part.startsWith('0')) {
    refuse('a version with a number with a leading zero');
  }
  const n = Number(part);
  if (!Number.isSafeInteger(n)) {
    refuse('a version with a number beyond 2^53');
  }
  return n;
}

/** Masterminds' `NewVersion` (partial versions are filled with zeros). */
function parseVersion(text: string): Version {
  const m = VERSION.exec(text);
  if (!m) {
    throw new CallFailure('Invalid Semantic Version');
  }
  return {
    parts: [number(m[1]!), number(m[2] ?? '0'), number(m[3] ?? '0')],
    prerelease: m[4] ?? '',
  };
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    if (a.parts[i] !== b.parts[i]) {
      return a.parts[i]! < b.parts[i]! ? -1 : 1;
    }
  }
  return 0;
}

const ITEM =
  /^\s*(!=|>=|=>|<=|=<|~>|=|>|<|~|\^)?\s*(v?[0-9xX*]+(?:\.[0-9xX*]+)?(?:\.[0-9xX*]+)?(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)\s*,?/;

function parseConstraint(op: string, text: string): Constraint {
  if (/[xX*]/.test(text)) {
    refuse('a wildcard version (x or *)');
  }
  const m = VERSION.exec(text)!;
  if (m[4] !== undefined) {
    refuse('a pre-release constraint');
  }
  const minorDirty = m[2] === undefined;
  const patchDirty = m[3] === undefined;
  const normalized = op === '=>' ? '>=' : op === '=<' ? '<=' : op === '~>' ? '~' : op === '' ? '=' : op;
  if ((minorDirty || patchDirty) && ['!=', '>', '<='].includes(normalized)) {
    refuse('a partial version after !=, > or <=');
  }
  return { op: normalized, version: parseVersion(text), minorDirty, patchDirty, text };
}

/** Masterminds' `NewConstraint`: a list of alternatives, each a list of comparisons. */
function parseConstraints(text: string): Constraint[][] {
  if (/\s-\s/.test(text)) {
    refuse('a hyphen range');
  }
  return text.split('||').map((alternative) => {
    const out: Constraint[] = [];
    let rest = alternative;
    while (rest.trim() !== '') {
      const m = ITEM.exec(rest);
      if (!m) {
        refuse('a constraint the preview does not read');
      }
      out.push(parseConstraint(m[1] ?? '', m[2]!));
      rest = rest.slice(m[0].length);
    }
    if (out.length === 0) {
      refuse('a constraint the preview does not read');
    }
    return out;
  });
}

function tilde(v: Version, c: Constraint): boolean {
  const [major, minor, patch] = c.version.parts;
  if (compare(v, c.version) < 0) {
    return false;
  }
  if (major === 0 && minor === 0 && patch === 0 && !c.minorDirty && !c.patchDirty) {
    return true;
  }
  return v.parts[0] === major && (v.parts[1] === minor || c.minorDirty);
}

function caret(v: Version, c: Constraint): boolean {
  const [major, minor, patch] = c.version.parts;
  if (compare(v, c.version) < 0) {
    return false;
  }
  if (major > 0 || c.minorDirty) {
    return v.parts[0] === major;
  }
  if (v.parts[0] > 0) {
    return false;
  }
  if (minor > 0 || c.patchDirty) {
    return v.parts[1] === minor;
  }
  if (v.parts[1] > 0) {
    return false;
  }
  return v.parts[2] === patch;
}

function check(v: Version, c: Constraint): boolean {
  if (v.prerelease !== '') {
    if (c.op === '!=') {
      refuse('!= and a pre-release version');
    }
    // Masterminds: a pre-release version matches only a constraint that names a pre-release.
    return false;
  }
  const cmp = compare(v, c.version);
  switch (c.op) {
    case '=':
      return c.minorDirty || c.patchDirty ? tilde(v, c) : cmp === 0;
    case '!=':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    case '~':
      return tilde(v, c);
    default:
      return caret(v, c);
  }
}

/** Sprig's SemVer functions. */
export const SEMVER_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  [
    'semverCompare',
    fixed(['string', 'string'], ([constraint, version]) => {
      const alternatives = parseConstraints(str(constraint));
      const v = parseVersion(str(version));
      return alternatives.some((all) => all.every((c) => check(v, c)));
    }),
  ],
];
