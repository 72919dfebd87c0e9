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
  const keep = (dir: string): boolean => {
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
  };
  const candidates = candidatesOf(directories, items);
  return candidates === undefined ? directories.filter(keep) : candidates.map((i) => directories[i]).filter(keep);
}

/**
 * The indices, in order, of the only directories the include patterns of `items` can match, when
 * each is literal segments followed by segments of one `*` (`environments/prod/*`): the
 * directories that many levels below the literal part. Undefined when a pattern has another form
 * (then every directory is a candidate). The patterns are still matched against each candidate.
 */
function candidatesOf(directories: readonly string[], items: readonly GitDirectoryItem[]): number[] | undefined {
  const reaches: { base: string; depth: number }[] = [];
  for (const item of items) {
    if (item.exclude === true) continue;
    const reach = reachOf(item.path);
    if (reach === undefined) return undefined;
    reaches.push(reach);
  }
  const tree = directoryTree(directories);
  const found = new Set<number>();
  for (const { base, depth } of reaches) {
    const levels = base === '' ? 0 : base.split('/').length;
    for (const i of tree.below(levels).get(base) ?? []) if (tree.segments[i] === levels + depth) found.add(i);
  }
  return [...found].sort((a, b) => a - b);
}

/** A pattern's literal leading segments and how many `*` segments follow; undefined for other forms. */
function reachOf(pattern: string): { base: string; depth: number } | undefined {
  // Literal text that compares as strings the way path.Match compares its bytes (see path-match).
  if (/[?[\\\ud800-\udfff\ufffd]/.test(pattern)) return undefined;
  const segments = pattern.split('/');
  let literal = 0;
  while (literal < segments.length && segments[literal] !== '*') literal++;
  const base = segments.slice(0, literal);
  if (base.some((s) => s === '' || s.includes('*')) || segments.slice(literal).some((s) => s !== '*')) return undefined;
  return { base: base.join('/'), depth: segments.length - literal };
}

interface DirectoryTree {
  /** How many segments each directory of the list has. */
  readonly segments: Int32Array;
  /** The indices of the directories, in order, by their first `levels` segments (`''` for none). */
  below(levels: number): ReadonlyMap<string, readonly number[]>;
}

/** The index of a directory list, made once per list: an ApplicationSet holds many generators over one. */
const trees = new WeakMap<readonly string[], DirectoryTree>();

function directoryTree(directories: readonly string[]): DirectoryTree {
  let tree = trees.get(directories);
  if (tree !== undefined) return tree;
  const segments = Int32Array.from(directories, (d) => d.split('/').length);
  const byLevels = new Map<number, Map<string, number[]>>();
  const below = (levels: number): ReadonlyMap<string, readonly number[]> => {
    let groups = byLevels.get(levels);
    if (groups !== undefined) return groups;
    groups = new Map<string, number[]>();
    directories.forEach((dir, i) => {
      if (segments[i] < levels) return;
      let end = levels === 0 ? 0 : -1;
      for (let n = 0; n < levels; n++) end = dir.indexOf('/', end + 1);
      const key = levels === 0 ? '' : end === -1 ? dir : dir.slice(0, end);
      const group = groups!.get(key);
      if (group === undefined) groups!.set(key, [i]);
      else group.push(i);
    });
    byLevels.set(levels, groups);
    return groups;
  };
  tree = { segments, below };
  trees.set(directories, tree);
  return tree;
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
