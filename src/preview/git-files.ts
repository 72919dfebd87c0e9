import * as fs from 'fs';
import * as path from 'path';
import { assertCheckoutDir, readCheckoutDir } from './checkout-dir';
import { formatGoFloat, GoFloat } from './go-float';
import { goBase, goDir } from './go-path';
import { sortGoStrings } from './go-strings';
import { GoData, GoYamlError, readGoYaml } from './go-yaml';
import { gitPathParams, PathParamsOptions } from './path-params';
import { compilePathspec } from './pathspec';
import { fail, PreviewCode, show } from './problems';
import { TemplateMap, TemplateValue, withGoType } from './template-values';

/** One entry of a git generator's `files`. */
export interface GitFileItem {
  /** A Git pathspec over repository files (see {@link compilePathspec}). */
  readonly path: string;
  /**
   * Drop matching files; an exclusion wins over every inclusion.
   * @default false
   */
  readonly exclude?: boolean;
}

/** The largest generator file the preview reads: 1 MiB. */
export const MAX_GIT_FILE_BYTES = 1024 * 1024;

/**
 * Lists the files of a checkout as Argo CD's repo server lists a clean clone with
 * `git ls-files`: every file at any depth, hidden ones included (`.cdk8s-gitops/…`), as
 * relative `/`-separated paths sorted in byte order. It skips `.git` and what is inside a
 * nested repository (a directory holding `.git`), whose files Git does not list.
 *
 * A symbolic link is listed as a file, as Git records it, and never followed: the files below
 * a linked directory are not listed. Like `listGitDirectories`, this walks the file
 * system, so untracked and ignored files count.
 *
 * @throws GitOpsError `CG709` when the checkout cannot be read.
 */
export function listGitFiles(checkoutDir: string): string[] {
  assertCheckoutDir(checkoutDir);
  const out: string[] = [];
  walk(checkoutDir, '', out);
  return sortGoStrings(out);
}

function walk(dir: string, rel: string, out: string[]): void {
  const entries = readCheckoutDir(dir);
  if (rel !== '' && entries.some((e) => e.name === '.git')) {
    return;
  }
  for (const entry of entries) {
    if (entry.name === '.git') {
      continue;
    }
    const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      walk(path.join(dir, entry.name), childRel, out);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      out.push(childRel);
    }
  }
}

/**
 * Keeps the files a git files generator reads, in the order it reads them: a file is kept
 * when it matches at least one pattern without `exclude` and none with `exclude: true`
 * (Argo CD lists each pattern with `git ls-files` and removes what the exclusions list), and
 * the result is sorted in byte order (`sort.Strings`).
 *
 * @throws GitOpsError `CG705` or `CG706` when a pattern is malformed or not modelled
 * ({@link compilePathspec}).
 */
export function filterGitFiles(files: readonly string[], items: readonly GitFileItem[]): string[] {
  const matchers = items.map((item) => ({ match: compilePathspec(item.path), exclude: item.exclude === true }));
  const includes = matchers.filter((m) => !m.exclude);
  const excludes = matchers.filter((m) => m.exclude);
  return sortGoStrings(files.filter((f) => includes.some((m) => m.match(f)) && !excludes.some((m) => m.match(f))));
}

/**
 * A reader of a checkout's files for the git files generator. It reads only regular files
 * inside the checkout: it follows no symbolic link (neither the file nor a directory above
 * it), and refuses a file larger than {@link MAX_GIT_FILE_BYTES} before reading it.
 *
 * @returns a function from a repository-relative path to the file's UTF-8 text
 * @throws GitOpsError `CG711` from the function when the file is a symbolic link, not a
 * regular file, too large, not UTF-8, outside the checkout, or unreadable.
 */
export function gitFileReader(checkoutDir: string): (file: string) => string {
  const safeDirs = new Set<string>(['']);
  const refuse = (file: string, why: string, fix: string): never => fail(PreviewCode.GENERATOR_FILE, `File ${show(file)} ${why}.`, fix);
  const NOT_FOLLOWED = 'Replace the link with the file itself, or preview this ApplicationSet with argocd appset generate.';
  return (file) => {
    const segments = file.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\'))) {
      refuse(file, 'is not a path inside the checkout', 'Name a repository-relative file.');
    }
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/');
      if (safeDirs.has(dir)) {
        continue;
      }
      const stat = lstat(path.join(checkoutDir, ...segments.slice(0, i)));
      if (stat?.isSymbolicLink()) {
        refuse(file, `is below the symbolic link ${show(dir)}, which the offline preview does not follow`, NOT_FOLLOWED);
      }
      if (!stat?.isDirectory()) {
        refuse(file, 'cannot be read: a directory above it is missing', 'Name a file of the checkout.');
      }
      safeDirs.add(dir);
    }
    const abs = path.join(checkoutDir, ...segments);
    if (lstat(abs)?.isSymbolicLink()) {
      refuse(file, 'is a symbolic link; Argo CD reads what it points to, which the offline preview does not follow', NOT_FOLLOWED);
    }
    let fd: number;
    try {
      fd = fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    } catch (e) {
      return refuse(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'Make the file readable.');
    }
    let bytes: Buffer;
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) {
        refuse(file, 'is not a regular file', 'Match only files with the pattern.');
      }
      if (stat.size > MAX_GIT_FILE_BYTES) {
        refuse(file, `is ${stat.size} bytes, more than the ${MAX_GIT_FILE_BYTES} the offline preview reads`, TOO_LARGE_FIX);
      }
      bytes = Buffer.alloc(MAX_GIT_FILE_BYTES + 1);
      let length = 0;
      for (let n = -1; n !== 0 && length < bytes.length; length += n) {
        n = fs.readSync(fd, bytes, length, bytes.length - length, null);
      }
      if (length > MAX_GIT_FILE_BYTES) {
        refuse(file, `is more than the ${MAX_GIT_FILE_BYTES} bytes the offline preview reads`, TOO_LARGE_FIX);
      }
      bytes = bytes.subarray(0, length);
    } finally {
      fs.closeSync(fd);
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return refuse(file, 'is not UTF-8 text', 'Save the file as UTF-8 JSON or YAML.');
    }
  };
}

const TOO_LARGE_FIX = 'Keep generator files small, or preview this ApplicationSet with argocd appset generate.';

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** One parameter set of a file: the file's map, or one item of its top-level list. */
export interface GitFileParamSet {
  /** The index in the file's top-level list; absent when the file holds one map. */
  readonly item?: number;
  readonly params: TemplateMap;
}

/**
 * The parameter sets Argo CD's git files generator makes of one file
 * (`generateParamsFromGitFile`): the file is read as JSON or YAML ({@link readGoYaml}); a map
 * (or an empty file) makes one set, a list of maps one set per item (a null item is an empty
 * map). Each set holds the file's keys and the path parameters of {@link gitPathParams} for
 * the file's directory and name, which win over file keys of the same name:
 *
 * - with `goTemplate`, the keys keep their nesting and every number is a Go float64
 *   ({@link GoFloat}): `{{ .image.digest }}`, `{{ .path.filename }}`;
 * - without it, nested keys are flattened with `.` (list items by index: `hosts.0`) and every
 *   value is printed with Go's %v (`1e+06`, `true`, `<nil>`); empty maps and lists set nothing.
 *
 * @throws GitOpsError `CG711` when the file is larger than {@link MAX_GIT_FILE_BYTES}, does
 * not parse, is neither a map nor a list of maps, or flattens two keys to one name. Messages
 * name the file and the key, never a value.
 */
export function gitFileParamSets(file: string, text: string, options: PathParamsOptions): GitFileParamSet[] {
  const refuse = (why: string, fix: string): never => fail(PreviewCode.GENERATOR_FILE, `File ${show(file)} ${why}.`, fix);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_GIT_FILE_BYTES) {
    refuse(`is ${size} bytes, more than the ${MAX_GIT_FILE_BYTES} the offline preview reads`, TOO_LARGE_FIX);
  }
  let data: GoData;
  try {
    data = readGoYaml(text);
  } catch (e) {
    if (!(e instanceof GoYamlError)) {
      throw e;
    }
    // What the preview does not model (a tag, many aliases) Argo CD may read well.
    return e.reason.includes('the preview does not')
      ? refuse(e.reason, UNMODELLED_FIX)
      : refuse(e.reason, 'Fix the file; Argo CD fails the whole ApplicationSet on it.');
  }
  const NOT_MAPS_FIX = 'Write the file as one map of keys, or a list of such maps.';
  let objects: Array<{ item?: number; map: GoMap }>;
  if (data === null) {
    objects = [{ map: {} }];
  } else if (isGoMap(data)) {
    objects = [{ map: data }];
  } else if (Array.isArray(data)) {
    objects = (data as readonly GoData[]).map((v, item) => {
      if (v !== null && !isGoMap(v)) {
        refuse(`has an item ${item} in its top-level list that is not a map, so Argo CD fails to read it`, NOT_MAPS_FIX);
      }
      return { item, map: v === null ? {} : (v as GoMap) };
    });
  } else {
    return refuse('holds neither a map nor a list of maps, so Argo CD fails to read it', NOT_MAPS_FIX);
  }
  const pathParams = gitPathParams(goDir(file), options, goBase(file));
  return objects.map(({ item, map }) => {
    const keys = options.goTemplate ? (templateValue(map) as TemplateMap) : flatten(map, (why) => refuse(why, FLAT_FIX));
    return { ...(item === undefined ? {} : { item }), params: { ...keys, ...pathParams } };
  });
}

const UNMODELLED_FIX =
  'Write the file without YAML tags (other than !!str) and chains of aliases, or preview this ApplicationSet with argocd appset generate.';

const FLAT_FIX = 'Rename one of the keys, or set goTemplate: true to keep them nested.';

type GoMap = { readonly [key: string]: GoData };

function isGoMap(v: GoData): v is GoMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * File data as Go templates see it after encoding/json: the same shape, numbers as float64,
 * lists as `[]interface {}` whatever they hold.
 */
function templateValue(v: GoData): TemplateValue {
  if (typeof v === 'number') {
    return new GoFloat(v);
  }
  if (Array.isArray(v)) {
    return withGoType((v as readonly GoData[]).map(templateValue), '[]interface {}');
  }
  if (isGoMap(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, templateValue(e)]));
  }
  return v as string | boolean | null;
}

/**
 * `flatten.Flatten(map, "", flatten.DotStyle)` and `fmt.Sprintf("%v", value)` for each value,
 * as Argo CD builds fasttemplate parameters. Two keys flattening to one name (`a.b` and
 * `a: {b}`) are refused: Go's map order would pick either.
 */
function flatten(map: GoMap, refuse: (why: string) => never): Record<string, string> {
  const out = new Map<string, string>();
  const visit = (key: string, v: GoData): void => {
    if (Array.isArray(v)) {
      (v as readonly GoData[]).forEach((e, i) => visit(`${key}.${i}`, e));
    } else if (isGoMap(v)) {
      Object.entries(v).forEach(([k, e]) => visit(`${key}.${k}`, e));
    } else {
      if (out.has(key)) {
        refuse(`has two keys that both flatten to the parameter ${show(key)}, and Argo CD keeps either at random`);
      }
      out.set(key, typeof v === 'number' ? formatGoFloat(v) : v === null ? '<nil>' : String(v));
    }
  };
  Object.entries(map).forEach(([k, v]) => visit(k, v));
  return Object.fromEntries(out);
}
