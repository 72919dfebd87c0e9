/**
 * The checkout before and after a write, as Argo CD's ApplicationSets see it.
 *
 * Applications depend on the ApplicationSets, the directory list and the files their git files
 * generators read (the program's read only release files, {@link FileKind.RELEASE}). Files the write does
 * not own are the same before and after it, so what can differ is the owned part: the files of
 * the tree, and the owned files the write deletes. ApplicationSets are looked for where they
 * can be: in files the tree makes of kind {@link FileKind.APPLICATION_SET} (on disk: what the
 * checkout holds at those paths), in owned files the write deletes, and in files of the user.
 * Other owned files (values files, ledgers, rendered objects, AppProjects, status) are never
 * read for it.
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../../core/errors';
import { Checkout } from '../checkout/checkout-fs';
import { contentHash, FileKind, FileTree } from '../../synth/file-tree';
import { RELEASE_FILE } from '../../synth/sources';
import { gitFileReader } from '../../preview';
import type { WritePlan } from '../checkout/writer';
import {
  applicationSetsIn,
  controlPlaneDir,
  FoundApplicationSet,
  isVisiblePath,
  mayHoldApplicationSets,
  readsFiles,
  RecordedFiles,
  sortedByFile,
  TreeView,
  viewOfTree,
} from './checkout';
import { listCheckout } from './checkout-listing';
import { applicationSetsAppliedIn } from './root-manifests';

/** What `planWrite` works out that the views need: the files it writes and deletes. */
export type PendingWrite = Pick<WritePlan, 'writes' | 'deletes'> & Partial<Pick<WritePlan, 'manifest'>>;

/** Reads a file of a checkout by repository path; `undefined` when there is none. */
export type CheckoutReader = (file: string) => string | undefined;

/** The checkout before and after a write. */
export interface CheckoutViews {
  readonly before: TreeView;
  /**
   * The checkout after the write, made when first asked for: a checkout with no ApplicationSet
   * before the write loses no Application, whatever it becomes.
   */
  readonly after: () => TreeView;
}

/**
 * A {@link CheckoutReader} of the checkout `dir` that reads each file once. A path where no
 * file is (nothing, a directory, or a file in place of a parent directory) reads as
 * `undefined`; any other failure is thrown.
 */
export function cachedReader(dir: string): CheckoutReader {
  const texts = new Map<string, string | undefined>();
  const checkout = new Checkout(dir);
  return (file) => {
    if (texts.has(file)) return texts.get(file);
    let text: string | undefined;
    try {
      text = checkout.read(file);
    } catch (e) {
      if (!(e instanceof GitOpsError && e.code === 'CG402')) throw e;
    }
    texts.set(file, text);
    return text;
  };
}

/** The paths of the tree whose files hold the program's ApplicationSets. */
function applicationSetFiles(tree: FileTree, paths: readonly string[]): string[] {
  return paths.filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET);
}

/** The files of the tree the write creates: those the checkout does not have. */
function createdFiles(write: PendingWrite): Set<string> {
  const out = new Set<string>();
  for (const [p, w] of write.writes) if (!w.existed) out.add(p);
  return out;
}

/** The index of the first of the sorted `paths` that is not before `prefix`. */
function firstAtOrAfter(paths: readonly string[], prefix: string): number {
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (paths[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether any visible one of the sorted `paths` below the directory `dir` passes `keep`. */
function holdsFile(paths: readonly string[], dir: string, keep: (p: string) => boolean): boolean {
  const prefix = `${dir}/`;
  for (let i = firstAtOrAfter(paths, prefix); i < paths.length && paths[i].startsWith(prefix); i++) {
    if (isVisiblePath(paths[i]) && keep(paths[i])) return true;
  }
  return false;
}

/** Whether `test` holds for the directory of every visible file in `files` (files at the top have none). */
function everyParent(files: Iterable<string>, test: (dir: string) => boolean): boolean {
  const known = new Map<string, boolean>();
  for (const f of files) {
    const slash = f.lastIndexOf('/');
    if (slash === -1 || !isVisiblePath(f)) continue;
    const dir = f.slice(0, slash);
    let ok = known.get(dir);
    if (ok === undefined) known.set(dir, (ok = test(dir)));
    if (!ok) return false;
  }
  return true;
}

/**
 * Whether the owned part of the checkout spans the same directories before and after: the
 * tree's files that are there now plus the deleted files, against all of the tree's files.
 * Both sets of directories hold every ancestor of theirs, so they are the same when the
 * directory of each created file holds a file now and that of each deleted file holds one after.
 */
function keepsDirectories(paths: readonly string[], write: PendingWrite): boolean {
  const created = createdFiles(write);
  if (created.size === 0 && write.deletes.length === 0) return true;
  const deleted = [...write.deletes].sort();
  const heldNow = (dir: string): boolean => holdsFile(paths, dir, (p) => !created.has(p)) || holdsFile(deleted, dir, () => true);
  const heldAfter = (dir: string): boolean => holdsFile(paths, dir, () => true);
  return everyParent(created, heldNow) && everyParent(deleted, heldAfter);
}

/** Every file asked about: the files of the tree and those the write deletes are the program's. */
const OWNED: RecordedFiles = { has: () => true };

/** The ApplicationSets in an owned file of the checkout as it is now; none when it is not there or not seen. */
function applicationSetsOnDisk(file: string, read: CheckoutReader): FoundApplicationSet[] {
  if (!mayHoldApplicationSets(file, OWNED)) return [];
  const text = read(file);
  return text === undefined ? [] : applicationSetsIn(file, text);
}

/**
 * Whether the tree's ApplicationSet file `file` holds the same ApplicationSets as the checkout.
 * For a file the write leaves alone, the manifest it would write records the hash of the tree's
 * text: the same hash on disk means the same text, without rendering the tree's.
 */
function keepsApplicationSetFile(tree: FileTree, file: string, read: CheckoutReader, write: PendingWrite): boolean {
  const recorded = write.writes.has(file) ? undefined : write.manifest?.files.get(file)?.sha256;
  if (recorded !== undefined && isVisiblePath(file)) {
    const text = read(file);
    if (text !== undefined && contentHash(text) === recorded) return true;
  }
  const now = mayHoldApplicationSets(file, OWNED) ? read(file) : undefined;
  const next = tree.content(file);
  if (now === next) return true;
  return JSON.stringify(applicationSetsOnDisk(file, read)) === JSON.stringify(applicationSetsIn(file, next));
}

/**
 * Whether the write writes or deletes a release file, which the program's ApplicationSets
 * read with git files generators: its text is part of an Application.
 */
function touchesReleaseFiles(tree: FileTree, write: PendingWrite): boolean {
  for (const p of write.writes.keys()) if (tree.get(p)?.kind === FileKind.RELEASE) return true;
  return write.deletes.some((p) => p === RELEASE_FILE || p.endsWith(`/${RELEASE_FILE}`));
}

/**
 * Whether writing the tree leaves every Application as it is, decided without listing the
 * checkout: the owned part keeps its directories, the write neither writes nor deletes a
 * release file, it deletes no ApplicationSet, and each of the tree's ApplicationSet files
 * holds the same ApplicationSets as the checkout at its path. `paths` are the tree's paths;
 * `read` reads the checkout. When this is false, the Applications may still be the same:
 * compare {@link viewsAroundWrite}. With `dir`, an ApplicationSet written by hand beside the
 * program's that reads files makes it false.
 */
export function writeKeepsApplications(
  tree: FileTree,
  paths: readonly string[],
  write: PendingWrite,
  read: CheckoutReader,
  dir?: string,
): boolean {
  return (
    keepsDirectories(paths, write) &&
    !touchesReleaseFiles(tree, write) &&
    write.deletes.every((p) => applicationSetsOnDisk(p, read).length === 0) &&
    applicationSetFiles(tree, paths).every((p) => keepsApplicationSetFile(tree, p, read, write)) &&
    (dir === undefined || !handWrittenSetsReadFiles(tree, paths, dir))
  );
}

/**
 * Whether an ApplicationSet written by hand beside the program's, in a directory a root
 * Application deploys (so one Argo CD applies), reads the text of files: a git files generator
 * (of a values file, say) or a cluster generator (of the declared cluster Secrets). Its
 * Applications may change with any file the write makes, so the write is looked at whole.
 */
function handWrittenSetsReadFiles(tree: FileTree, paths: readonly string[], dir: string): boolean {
  for (const root of new Set(applicationSetFiles(tree, paths).map(controlPlaneDir))) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, root), { withFileTypes: true });
    } catch {
      continue; // not there yet: the write makes it
    }
    for (const e of entries) {
      const file = `${root}/${e.name}`;
      if (!e.isFile() || tree.has(file) || !/\.(ya?ml|json)$/.test(e.name)) continue;
      let sets: FoundApplicationSet[];
      try {
        sets = applicationSetsAppliedIn(file, fs.readFileSync(path.join(dir, file)));
      } catch (e) {
        // What the preview cannot read is refused where the Applications are expanded (check,
        // preview, a plan that changes them); a write that keeps the rest (a rollback) goes on.
        if (e instanceof GitOpsError) continue;
        throw e;
      }
      if (sets.some(readsFiles)) return true;
    }
  }
  return false;
}

/**
 * The checkout `dir` as it is and as it will be once the write is done. Both list the whole
 * checkout; files of the user (neither in the tree nor deleted by the write) are in both, read
 * once. `paths` are the tree's paths; `read` reads the checkout.
 */
export function viewsAroundWrite(
  tree: FileTree,
  paths: readonly string[],
  dir: string,
  write: PendingWrite,
  read: CheckoutReader,
): CheckoutViews {
  const listing = listCheckout(dir);
  const present = new Set(listing.files);
  const deleted = new Set(write.deletes);
  // Files of the user, hidden ones included (a git files generator lists them).
  const foreign = listing.files.filter((f) => !tree.has(f) && !deleted.has(f));
  // Links of the user: they make their parents directories.
  const foreignLinks = listing.links.filter((f) => !tree.has(f) && !deleted.has(f));
  // The directories the root Applications deploy (those of the program's ApplicationSets) are read as Argo CD reads them.
  const roots = new Set(applicationSetFiles(tree, paths).map(controlPlaneDir));
  const foreignSets = foreign.flatMap((f) => {
    if (roots.has(controlPlaneDir(f)))
      return /\.(ya?ml|json)$/.test(f) ? applicationSetsAppliedIn(f, fs.readFileSync(path.join(dir, f))) : [];
    return mayHoldApplicationSets(f) ? applicationSetsIn(f, read(f) ?? '') : [];
  });
  const ownedSets = [...applicationSetFiles(tree, paths), ...write.deletes]
    .filter((p) => present.has(p) && mayHoldApplicationSets(p, OWNED))
    .flatMap((p) => applicationSetsIn(p, read(p) ?? ''));
  const readDisk = gitFileReader(dir);
  const before: TreeView = {
    files: listing.files,
    applicationSets: sortedByFile([...ownedSets, ...foreignSets]),
    directories: listing.directories,
    readFile: readDisk,
  };
  let after: TreeView | undefined;
  return { before, after: () => (after ??= viewOfTree(tree, paths, foreign, foreignSets, readDisk, foreignLinks)) };
}
