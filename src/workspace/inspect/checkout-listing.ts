import * as fs from 'fs';
import * as path from 'path';
import { systemErrorCode } from '../../core/errors';
import { sortByGoKey, sortGoStrings } from '../../preview/go-strings';
import { LedgerGit } from '../git/ledger-history';
import { readManifestTexts } from '../checkout/manifest-io';
import { parseManifest } from '../../synth/manifest';

/*
 * A checkout listed as Argo CD's repo server sees the repository: a clone, checked out and
 * cleaned (`git clean -ffdx`), so it holds exactly what Git tracks. Where the checkout is a Git
 * work tree, what the index tracks is listed (`git ls-files`): an untracked or ignored file or
 * directory is absent from Argo CD's clone and makes no Application. The files cdk8s-gitops wrote
 * and records in its manifest count as well, tracked or not: `publish` commits them (ignored
 * ones too), so the clone Argo CD reads after it holds them. (A manifest edited by hand is not
 * trusted for this: then only what Git tracks counts.) Where the checkout is no Git work tree (a
 * first synth into a plain directory), the file system is walked instead, every file counting.
 *
 * Submodules are listed as Argo CD lists them with submodules enabled (its default,
 * `ARGOCD_GIT_MODULES_ENABLED`): what a checked-out submodule tracks is listed as part of the
 * checkout; one not checked out here is an empty directory, as in a clone without submodules.
 *
 * Either way nothing is followed: a symbolic link is listed as a link (what it points at is
 * never read), and a tracked path below a directory that is now a link on disk is left out, its
 * link listed instead, so nothing outside the checkout is ever read.
 */

/** The files of a checkout and the directories Argo CD's repo server lists from them. */
export interface CheckoutListing {
  /** `git` when listed from the index, `filesystem` when walked (the checkout is no Git work tree). */
  readonly source: 'git' | 'filesystem';
  /** Regular files, checkout-relative, hidden ones included (never `.git`), in byte order. */
  readonly files: readonly string[];
  /** Symbolic links, checkout-relative, in byte order; never followed. */
  readonly links: readonly string[];
  /** The directories as Argo CD's repo server lists them ({@link argoDirectoriesOf}). */
  readonly directories: readonly string[];
  /**
   * The files the checkout's manifest records as cdk8s-gitops's, and the manifest's own; empty
   * when the manifest cannot be read or was edited by hand.
   */
  readonly recorded: ReadonlySet<string>;
  /**
   * From the index only, when asked for ({@link ListCheckoutOptions.absent}): the directories
   * the work tree holds files in that Argo CD's clone lacks (untracked or ignored), in the same
   * order; a directory below one of them is left out.
   */
  readonly absent?: readonly string[];
  /**
   * From the index only, with {@link CheckoutListing.absent}: the files of the work tree
   * Argo CD's clone lacks (untracked or ignored), in byte order.
   */
  readonly absentFiles?: readonly string[];
  /**
   * From the index only, with {@link CheckoutListing.absent}: the symbolic links of the work
   * tree, tracked or not, in byte order (from the same walk; never followed).
   */
  readonly diskLinks?: readonly string[];
}

/** Options for {@link listCheckout}. */
export interface ListCheckoutOptions {
  /**
   * Also name the directories of the work tree Argo CD's clone lacks ({@link CheckoutListing.absent}),
   * which takes a walk of the file system besides.
   * @default false
   */
  readonly absent?: boolean;
}

/**
 * Lists the checkout `dir` as Argo CD's clone of it holds it: from the index when `dir` is a
 * Git work tree (a tracked file missing from the work tree is left out), else from the file
 * system. A missing `dir` lists as empty.
 */
export function listCheckout(dir: string, options: ListCheckoutOptions = {}): CheckoutListing {
  if (!fs.existsSync(dir)) return { source: 'filesystem', files: [], links: [], directories: [], recorded: new Set() };
  const git = LedgerGit.open(dir);
  return git === undefined ? walked(dir) : tracked(dir, git, options.absent === true);
}

/** The listing from the index; a submodule is an (empty) directory of the clone. */
function tracked(dir: string, git: LedgerGit, withAbsent: boolean): CheckoutListing {
  const files: string[] = [];
  const links = new Set<string>();
  const present: string[] = [];
  const kinds = new Map<string, 'dir' | 'link' | 'missing'>();
  /** Directories whose subdirectories were looked up one by one, by how many; listed at {@link LIST_AFTER}. */
  const lookups = new Map<string, number>();
  /**
   * What the work tree holds at a directory path, by `lstat`: a link is never gone through.
   * A directory of many (a cluster's directory of services) is listed once instead, its entries'
   * types read from the listing.
   */
  const kindOf = (rel: string): 'dir' | 'link' | 'missing' => {
    let kind = kinds.get(rel);
    if (kind !== undefined) return kind;
    const slash = rel.lastIndexOf('/');
    const parent = slash === -1 ? '' : rel.slice(0, slash);
    const n = (lookups.get(parent) ?? 0) + 1;
    lookups.set(parent, n);
    if (n === LIST_AFTER && (parent === '' || kindOf(parent) === 'dir')) {
      for (const e of entriesOf(path.join(dir, parent))) {
        kinds.set(parent === '' ? e.name : `${parent}/${e.name}`, e.isSymbolicLink() ? 'link' : e.isDirectory() ? 'dir' : 'missing');
      }
      kind = kinds.get(rel) ?? 'missing';
    } else {
      const stat = lstat(path.join(dir, rel));
      kind = stat === undefined ? 'missing' : stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'missing';
    }
    kinds.set(rel, kind);
    return kind;
  };
  const entries = git.tracked();
  const tracked = new Set(entries.map((e) => e.path));
  const recorded = recordedFiles(dir);
  for (const file of recorded) if (!tracked.has(file)) entries.push({ mode: '100644', path: file });
  /** Whether every directory of `above` (a path up to its last `/`) is a real directory of the checkout; links on the way are noted. */
  const throughDirectories = (above: string): boolean => {
    for (let i = above.indexOf('/'); i !== -1; i = above.indexOf('/', i + 1)) {
      const parent = above.slice(0, i);
      const kind = kindOf(parent);
      if (kind === 'link') links.add(parent);
      if (kind !== 'dir') return false;
    }
    return true;
  };
  // The index lists a directory's files one after another: its directories are looked at once.
  let lastDir: string | undefined;
  let lastThrough = false;
  for (const { mode, path: file } of entries) {
    const above = file.slice(0, file.lastIndexOf('/') + 1);
    if (above !== lastDir) [lastDir, lastThrough] = [above, throughDirectories(above)];
    if (!lastThrough) continue;
    if (mode === '160000') {
      present.push(`${file}/`);
      continue;
    }
    const stat = lstat(path.join(dir, file));
    if (stat === undefined) continue;
    if (stat.isSymbolicLink()) links.add(file);
    else if (stat.isFile()) files.push(file);
    else continue;
    present.push(file);
  }
  const directories = argoDirectoriesOf(present);
  const listing = {
    source: 'git' as const,
    files: sortGoStrings(files),
    links: sortGoStrings([...links]),
    directories,
    recorded,
  };
  if (!withAbsent) return listing;
  const listed = new Set(directories);
  const absent: string[] = [];
  const onDisk = walkCheckout(dir, (e) => e.name === '.git');
  const known = new Set(listing.files);
  const absentFiles = onDisk.files.filter((f) => !known.has(f));
  for (const d of argoDirectoriesOf([...onDisk.files, ...onDisk.links])) {
    // In walk order what lies below a directory comes right after it.
    if (listed.has(d) || (absent.length > 0 && d.startsWith(`${absent[absent.length - 1]}/`))) continue;
    absent.push(d);
  }
  return { ...listing, absent, absentFiles, diskLinks: onDisk.links };
}

/** Subdirectories of one directory looked up one by one before it is listed (see `tracked`). */
const LIST_AFTER = 8;

/** The entries of the directory `abs`, none when it cannot be listed (gone, or not a directory). */
function entriesOf(abs: string): fs.Dirent[] {
  try {
    return fs.readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    if (systemErrorCode(e) === 'ENOENT' || systemErrorCode(e) === 'ENOTDIR') return [];
    throw e;
  }
}

/** The listing from the file system: every file and link below `dir`, `.git` left out. */
function walked(dir: string): CheckoutListing {
  const { files, links } = walkCheckout(dir, (e) => e.name === '.git');
  return { source: 'filesystem', files, links, directories: argoDirectoriesOf([...files, ...links]), recorded: recordedFiles(dir) };
}

/**
 * The files and symbolic links below `dir` on disk, checkout-relative and sorted in Go's byte
 * order, without the entries `skip` picks (nor anything below them); links are not followed.
 */
export function walkCheckout(dir: string, skip: (entry: fs.Dirent) => boolean): { files: string[]; links: string[] } {
  const files: string[] = [];
  const links: string[] = [];
  const walk = (rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(rel ? path.join(dir, rel) : dir, { withFileTypes: true });
    } catch (e) {
      if (systemErrorCode(e) === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      if (skip(e)) continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
      else if (e.isSymbolicLink()) links.push(p);
    }
  };
  walk('');
  return { files: sortGoStrings(files), links: sortGoStrings(links) };
}

/**
 * The files `publish` commits whether Git tracks them yet or not: those the manifest records,
 * and the manifest's own files. None when the manifest cannot be read or was edited by hand
 * (a planted record must not make a directory count).
 */
function recordedFiles(dir: string): Set<string> {
  try {
    const texts = readManifestTexts(dir);
    const manifest = parseManifest(texts);
    if ((manifest.unsealed ?? []).length > 0) return new Set();
    return new Set([...texts.keys(), ...manifest.files.keys()]);
  } catch {
    return new Set();
  }
}

function lstat(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (e) {
    if (systemErrorCode(e) === 'ENOENT' || systemErrorCode(e) === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * The directories Argo CD's repo server lists (`GetGitDirectories`) in a clone holding
 * `paths` (its files, links, and submodules written with a trailing `/`): it walks the clone
 * with Go's `filepath.WalkDir`, lists every directory, and skips each one whose name starts
 * with `.` (`.git`, `.github`, `.config`) together with everything below it. So a directory is
 * listed when it holds anything, hidden files included (`keep-svc/.gitkeep` lists `keep-svc`;
 * `conf-svc/.config/app.yaml` lists `conf-svc`), and a symbolic link is never a directory.
 * Git holds no empty directory. The order is `WalkDir`'s: depth first, the entries of each
 * directory in byte order (`a`, `a/b`, `a-b`).
 */
export function argoDirectoriesOf(paths: Iterable<string>): string[] {
  const dirs = new Set<string>();
  let lastDir: string | undefined;
  for (const p of paths) {
    // The directories of a path are those of the part before its last `/`: the last segment is
    // the entry itself, unless the path ends in `/` (a directory). Paths in one directory come
    // one after another: the directory is looked at once.
    const dir = p.slice(0, p.lastIndexOf('/') + 1);
    if (dir === lastDir) continue;
    lastDir = dir;
    // Argo CD looks into those before the first hidden (or empty) segment.
    let end = 0;
    while (end < dir.length) {
      const next = dir.indexOf('/', end);
      if (next === end || dir[end] === '.') break;
      end = next + 1;
    }
    // Deepest first: one known already was added with every directory above it.
    for (let cut = end - 1; cut > 0; cut = dir.lastIndexOf('/', cut - 1)) {
      const d = dir.slice(0, cut);
      if (dirs.has(d)) break;
      dirs.add(d);
    }
  }
  return sortInWalkOrder([...dirs]);
}

/**
 * Sorts paths in place in `filepath.WalkDir`'s order: segment by segment, each in byte order.
 * That is the byte order of the paths with `/` taken as a byte below every other (no path holds
 * NUL), one sort of whole strings.
 */
export function sortInWalkOrder(paths: string[]): string[] {
  return sortByGoKey(paths, (p) => p.replaceAll('/', '\u0000'));
}
