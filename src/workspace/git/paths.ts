import * as path from 'path';
import { GitOpsError } from '../../core/errors';

/**
 * Normalises repository-relative paths: forward slashes, no `./`, no trailing `/`,
 * sorted and without duplicates. `.` stands for the whole repository.
 *
 * Fails with `CG512` for an empty path, an absolute path, a path that leaves the
 * repository (`..`), or a path inside `.git`.
 */
export function normalizePaths(paths: readonly string[], root: string): string[] {
  const out = new Set<string>();
  for (const raw of paths) {
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
    out.add(normalized);
  }
  return [...out].sort();
}

/** Whether `file` is one of `paths` or lies under one of them (`.` covers every file). */
export function isUnder(file: string, paths: readonly string[]): boolean {
  return paths.some((p) => p === '.' || file === p || file.startsWith(`${p}/`));
}
