import * as path from 'path';
import { GitOpsError } from '../../core/errors';

/**
 * A path `normalizePaths` gives as it is: segments that are neither empty, `.` nor `..`, no
 * backslash, not absolute (nor with a drive letter), not in `.git`.
 */
const NORMAL_PATH = /^(?![A-Za-z]:)(?!\.git(?:\/|$))(?!\.\.?(?:\/|$))[^/\\]+(?:\/(?!\.\.?(?:\/|$))[^/\\]+)*$/;

/**
 * Normalises repository-relative paths: forward slashes, no `./`, no trailing `/`,
 * sorted and without duplicates. `.` stands for the whole repository.
 *
 * Fails with `CG512` for an empty path, an absolute path, a path that leaves the
 * repository (`..`), or a path inside `.git`.
 */
export function normalizePaths(paths: readonly string[], root: string): string[] {
  const out: string[] = [];
  // A publish normalises the owned paths at each step: a fleet's 27,000, which come normal and
  // sorted, are then checked with one pattern each and not sorted anew.
  let ascending = true;
  for (const raw of paths) {
    const normalized = NORMAL_PATH.test(raw) ? raw : normalizedPath(raw, root);
    if (ascending && out.length > 0 && !(out[out.length - 1] < normalized)) ascending = false;
    out.push(normalized);
  }
  // Strictly ascending is sorted with no duplicates; `sort()` orders by UTF-16 code units, as `<` does.
  return ascending ? out : [...new Set(out)].sort();
}

/** `raw` normalised (see {@link normalizePaths}); one that is empty, absolute, outside the repository or in `.git` fails with `CG512`. */
function normalizedPath(raw: string, root: string): string {
  const slashed = raw.replace(/\\/g, '/');
  const normalized = slashed === '' ? '' : path.posix.normalize(slashed).replace(/\/+$/, '') || '/';
  const bad =
    normalized === ''
      ? 'is empty'
      : path.posix.isAbsolute(normalized) || /^[A-Za-z]:/.test(normalized)
        ? 'is absolute'
        : normalized === '..' || normalized.startsWith('../')
          ? 'is outside the repository'
          : normalized === '.git' || normalized.startsWith('.git/')
            ? 'is inside .git'
            : undefined;
  if (bad) {
    throw GitOpsError.of('CG512', {
      message: `Path "${raw}" ${bad}; paths are relative to the repository root "${root}".`,
    });
  }
  return normalized;
}

/**
 * Whether a file is one of `paths` or lies under one of them (`.` covers every file), asked of
 * many files: a lookup of the file and each directory above it, so a scope of a fleet's 27,000
 * files asked of as many costs no more than a scope of one.
 *
 * @example
 * const inScope = under(['releases', 'STATUS.md']);
 * inScope('releases/payments-api.yaml'); // true
 */
export function under(paths: readonly string[]): (file: string) => boolean {
  if (paths.includes('.')) return () => true;
  const scope = new Set(paths);
  return (file) => {
    if (scope.has(file)) return true;
    for (let i = file.indexOf('/'); i > 0; i = file.indexOf('/', i + 1)) if (scope.has(file.slice(0, i))) return true;
    return false;
  };
}

/**
 * The `.gitattributes` pattern (of the top `.gitattributes`) that covers `file` and everything
 * beside it under its top directory: `/environments/**` for `environments/dev/values.yaml`, the
 * file itself (`/STATUS.md`) for one at the top.
 */
export function topPattern(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? `/${file}` : path.posix.join('/', file.slice(0, slash), '**');
}
