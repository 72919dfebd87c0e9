import * as path from 'path';
import { assertCheckoutDir, readCheckoutDir } from './checkout-dir';
import { compilePathPattern } from './path-match';
import { gitPathParams, PathParamsOptions } from './path-params';
import { TemplateMap } from './template-values';

/** One entry of a git generator's `directories`. */
export interface GitDirectoryItem {
  /** A Go `path.Match` pattern over repository-relative directory paths. */
  readonly path: string;
  /**
   * Drop matching directories; an exclusion wins over every inclusion.
   * @default false
   */
  readonly exclude?: boolean;
}

/** Options for {@link listGitDirectories}. */
export interface ListGitDirectoriesOptions {
  /**
   * Also list directories that hold no file at any depth. Git cannot record such directories,
   * so Argo CD's clone never has them; they are skipped by default.
   * @default false
   */
  readonly includeEmpty?: boolean;
}

/**
 * Lists the directories of a checkout as Argo CD's repo server does (`GetGitDirectories`):
 * every directory at any depth, as a relative `/`-separated path, skipping every directory
 * whose name starts with `.` together with everything below it (`.git`, `.cdk8s-gitops`).
 * Symbolic links are not followed. The order is Go's `filepath.WalkDir`: depth-first, the
 * entries of each directory sorted by name in byte order (`a`, `a/b`, `a-b`).
 *
 * Unlike Argo CD, which lists a clean clone, this walks the file system: untracked and ignored
 * directories count. Empty directories are skipped, as Git cannot hold them.
 *
 * @throws GitOpsError `CG709` when the directory cannot be read.
 */
export function listGitDirectories(checkoutDir: string, options: ListGitDirectoriesOptions = {}): string[] {
  const out: string[] = [];
  const includeEmpty = options.includeEmpty ?? false;
  assertCheckoutDir(checkoutDir);
  walk(checkoutDir, '', out, includeEmpty);
  return out;
}

/** Walks `dir`; returns whether it holds a file at any depth (hidden ones included). */
function walk(dir: string, rel: string, out: string[], includeEmpty: boolean): boolean {
  const entries = readCheckoutDir(dir);
  let hasFile = false;
  for (const entry of entries) {
    const name = entry.name;
    if (!entry.isDirectory()) {
      hasFile = true;
      continue;
    }
    const abs = path.join(dir, name);
    if (name.startsWith('.')) {
      // Hidden: never listed, but its files still make the parent a directory Git can hold.
      if (!hasFile && rel !== '' && !includeEmpty) {
        hasFile = holdsFile(abs);
      }
      continue;
    }
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const at = out.length;
    out.push(childRel);
    const childHasFile = walk(abs, childRel, out, includeEmpty);
    if (!childHasFile && !includeEmpty) {
      out.length = at;
    }
    hasFile = hasFile || childHasFile;
  }
  return hasFile;
}

function holdsFile(dir: string): boolean {
  return readCheckoutDir(dir).some((entry) => !entry.isDirectory() || holdsFile(path.join(dir, entry.name)));
}

/**
 * Keeps the directories a git directory generator selects, as Argo CD's `filterApps` does:
 * a directory is kept when it matches (Go `path.Match`) at least one pattern without
 * `exclude`, and no pattern with `exclude: true`. The input order is kept.
 *
 * A pattern with a leading `/` never matches (directory paths are relative). Argo CD logs a
 * malformed pattern and ignores it; the preview fails instead, so the mistake is seen.
 *
 * @throws GitOpsError `CG705` when a pattern is malformed.
 */
export function filterDirectories(directories: readonly string[], items: readonly GitDirectoryItem[]): string[] {
  const matchers = items.map((item) => ({ match: compilePathPattern(item.path), exclude: item.exclude === true }));
  return directories.filter((dir) => {
    let include = false;
    for (const m of matchers) {
      if (m.match(dir)) {
        if (m.exclude) {
          return false;
        }
        include = true;
      }
    }
    return include;
  });
}

/** How the parameters of one directory are shaped. */
export type DirectoryParamsOptions = PathParamsOptions;

/**
 * The parameters Argo CD's git directory generator sets for one directory ({@link gitPathParams}).
 *
 * With `goTemplate`: `{ path: { path, basename, basenameNormalized, segments } }` (the
 * directory generator sets no `filename`; that is the files generator). Without it, flat
 * keys: `path`, `path.basename`, `path.basenameNormalized` and `path[N]` for each non-empty
 * segment.
 *
 * @example
 * directoryParams('environments/prod/My_Service', { goTemplate: true });
 * // { path: { path: 'environments/prod/My_Service', basename: 'My_Service',
 * //           basenameNormalized: 'my-service', segments: ['environments', 'prod', 'My_Service'] } }
 */
export function directoryParams(dir: string, options: DirectoryParamsOptions): TemplateMap {
  return gitPathParams(dir, options);
}
