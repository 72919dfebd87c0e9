import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../errors';
import { contentHash, FileTree } from './file-tree';
import { isOwnablePath, Manifest, ManifestEntry, MANIFEST_PATH, manifestInputs, parseManifest, serializeManifest } from './manifest';

/** Where a write in progress keeps its staged files and its journal. */
export const TRANSACTION_DIR = '.cdk8s-gitops/transaction';
const JOURNAL = `${TRANSACTION_DIR}/journal.json`;

/** Options of {@link writeTree}. */
export interface WriteOptions {
  /**
   * Read every owned file and restore those that differ (hand edits). Without it, files whose
   * inputs did not change are trusted to be as written (a deleted one is still restored).
   * @default false
   */
  readonly verify?: boolean;
  /**
   * Take ownership of files that exist where the tree puts a file but were not written by
   * cdk8s-gitops. Without it, such files stop the write.
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Look for owned files that are gone from the checkout (deleted by hand) and write them
   * again. Without it, a file whose inputs did not change is trusted to be in place, so a
   * release writes only what it changes; `synth` restores such files.
   * @default true
   */
  readonly restoreMissing?: boolean;
  /**
   * Called after each staged file, with the number staged so far, before the journal is
   * committed: for a progress report, or for tests that interrupt a write. @default - none
   */
  readonly onStage?: (count: number) => void;
  /**
   * Called once the journal is committed (with 0) and after each file is moved into place or
   * deleted (with 1, 2, …); for tests that interrupt a write after its commit point.
   * @default - none
   */
  readonly onApply?: (count: number) => void;
  /**
   * Writes one staged file; for tests that simulate a failing disk.
   * @default fs.writeFileSync
   */
  readonly writeFile?: (file: string, text: string) => void;
}

/** What a write did, path by path. */
export interface WriteReport {
  /** Files written that did not exist, repository-relative and sorted. */
  readonly created: readonly string[];
  /** Files rewritten because their content changed. */
  readonly updated: readonly string[];
  /** Owned files removed because the program no longer produces them. */
  readonly deleted: readonly string[];
  /** Number of owned files left as they were. */
  readonly unchanged: number;
  /** Number of files written to disk (created + updated, and the manifest when it changed). */
  readonly filesWritten: number;
}

/** The changes a write would make, without making them. */
export interface WritePlan {
  /** Files to write, by repository-relative path. */
  readonly writes: ReadonlyMap<string, {
    /** The new content. */
    readonly text: string;
    /** Whether a file is there now (an update) or not (a creation). */
    readonly existed: boolean;
  }>;
  /** Owned files to delete. */
  readonly deletes: readonly string[];
  /** Number of owned files that stay as they are. */
  readonly unchanged: number;
  /** The manifest after the write. */
  readonly manifest: Manifest;
  /** {@link WritePlan.manifest} as written to `.cdk8s-gitops/manifest.json`. */
  readonly manifestText: string;
  /** Whether the manifest file changes. */
  readonly manifestChanged: boolean;
}

interface Journal {
  readonly writes: readonly { readonly staged: string; readonly target: string }[];
  readonly deletes: readonly string[];
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e: any) {
    if (e.code === 'ENOENT') return undefined;
    if (e.code === 'EISDIR') {
      throw new GitOpsError({
        code: 'CG402', file,
        message: `A directory stands where cdk8s-gitops writes a file: ${file}.`,
        fix: 'Move that directory away; the program puts a file there.',
      });
    }
    if (e.code === 'ENOTDIR') {
      const blocking = firstNonDirectory(file);
      throw new GitOpsError({
        code: 'CG402', file: blocking,
        message: `A file stands where cdk8s-gitops needs a directory: ${blocking} (to write ${file}).`,
        fix: 'Move that file away; the program puts a directory there.',
      });
    }
    throw e;
  }
}

/** The first ancestor of `file` that exists and is not a directory. */
function firstNonDirectory(file: string): string {
  const parts = file.split(path.sep);
  for (let i = 1; i < parts.length; i++) {
    const p = parts.slice(0, i).join(path.sep) || path.sep;
    try {
      if (!fs.statSync(p).isDirectory()) return p;
    } catch {
      return file;
    }
  }
  return file;
}

/** `EACCES: permission denied` and the like: the cause of a failed file operation, in one line. */
function cause(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).split('\n')[0];
}

/** Whether nothing is at `p`; something that is not a directory counts, so reading below it reports it. */
function isMissing(p: string): boolean {
  try {
    fs.statSync(p);
    return false;
  } catch (e: any) {
    return e.code === 'ENOENT';
  }
}

/**
 * Reads files of a checkout by repository path. Directories found missing are remembered, so
 * that the files of a new part of the tree (all of it, in an empty checkout) are known to be
 * absent without a failed read each.
 */
class CheckoutFiles {
  private readonly dirs = new Map<string, boolean>();

  constructor(private readonly dir: string) {}

  public read(p: string): string | undefined {
    const parent = path.posix.dirname(p);
    return parent !== '.' && !this.exists(parent) ? undefined : readIfExists(path.join(this.dir, p));
  }

  /** False when the directory is known to be missing; true when it may exist. */
  private exists(rel: string): boolean {
    let known = this.dirs.get(rel);
    if (known === undefined) {
      const parent = path.posix.dirname(rel);
      known = (parent === '.' || this.exists(parent)) && !isMissing(path.join(this.dir, rel));
      this.dirs.set(rel, known);
    }
    return known;
  }
}

/**
 * Works out what writing `tree` into the checkout `dir` changes. Files not in the manifest
 * are never touched: one in the way of a generated file stops the write with an error.
 */
export function planWrite(tree: FileTree, dir: string, options: WriteOptions = {}): WritePlan {
  const oldText = readIfExists(path.join(dir, MANIFEST_PATH));
  const old: Manifest = oldText === undefined ? { files: new Map() } : parseManifest(oldText);
  if (tree.part !== undefined && old.inputs !== tree.part.basedOn) {
    throw new GitOpsError({
      code: 'CG407', file: MANIFEST_PATH,
      message: `The checkout ${dir} was written by another command while this one ran; its manifest no longer records what the change was worked out from. Nothing was written.`,
      fix: 'Let the other command finish, then run this one again.',
    });
  }
  const checkout = new CheckoutFiles(dir);
  const root = `${path.resolve(dir)}${path.sep}`;
  const files = new Map<string, ManifestEntry>();
  const writes = new Map<string, { text: string; existed: boolean }>();
  const foreign: string[] = [];
  let unchanged = 0;
  for (const p of tree.paths()) {
    if (!isOwnablePath(p) || p.startsWith('.cdk8s-gitops/')) {
      throw new GitOpsError({ code: 'CG403', file: p, message: `The tree has a file at "${p}", which is outside the repository or in a reserved place.`, fix: 'Report this as a bug of cdk8s-gitops.' });
    }
    const entry = tree.get(p)!;
    const before = old.files.get(p);
    const trusted = before !== undefined && !options.verify && (options.restoreMissing === false || fs.existsSync(root + p));
    if (trusted && before.key === entry.key) {
      files.set(p, before);
      unchanged++;
      continue;
    }
    const text = tree.content(p);
    const sha256 = contentHash(text);
    files.set(p, { sha256, key: entry.key });
    const onDisk = trusted && before.sha256 === sha256 ? text : checkout.read(p);
    if (onDisk === text) {
      unchanged++;
      continue;
    }
    if (!before && onDisk !== undefined && !options.adopt) foreign.push(p);
    writes.set(p, { text, existed: onDisk !== undefined });
  }
  if (foreign.length > 0) {
    throw new GitOpsError(foreign.map((p) => ({
      code: 'CG404', file: p,
      message: `"${p}" exists but was not written by cdk8s-gitops, and the program generates a file there.`,
      fix: 'Move the file away, or run with --adopt to let cdk8s-gitops own and rewrite it.',
    })), `${foreign.length} file${foreign.length === 1 ? '' : 's'} not owned by cdk8s-gitops stand in the way; nothing was written:`);
  }
  // A tree of part of the repository leaves the owned files outside the part as they are.
  for (const [p, before] of old.files) {
    if (!tree.covers(p)) {
      files.set(p, before);
      unchanged++;
    }
  }
  const deletes = [...old.files.keys()].filter((p) => tree.covers(p) && !tree.has(p) && fs.existsSync(root + p)).sort();
  const manifest: Manifest = tree.inputs === undefined ? { files } : { files, inputs: tree.inputs };
  const manifestText = serializeManifest(manifest);
  const manifestChanged = oldText !== manifestText;
  return { writes, deletes, unchanged, manifest, manifestText, manifestChanged };
}

/**
 * The report of a write that would change nothing, known without building the tree: the
 * manifest of `dir` records the same {@link FileTree.inputs} and every owned file is in place.
 * Undefined when that cannot be told, and the tree must be built and compared.
 * Call {@link recoverInterruptedWrite} first.
 */
export function unchangedWrite(dir: string, inputs: string): WriteReport | undefined {
  const text = readIfExists(path.join(dir, MANIFEST_PATH));
  if (text === undefined || manifestInputs(text) !== inputs) return undefined;
  const manifest = parseManifest(text);
  const root = `${path.resolve(dir)}${path.sep}`;
  for (const p of manifest.files.keys()) if (!fs.existsSync(root + p)) return undefined;
  return { created: [], updated: [], deleted: [], unchanged: manifest.files.size, filesWritten: 0 };
}

/**
 * Writes `tree` into the checkout `dir` as one transaction: new contents are staged in
 * `.cdk8s-gitops/transaction/`, a journal is committed with an atomic rename, then files are
 * moved into place and removed owned files deleted. If the process dies before the journal
 * is committed, the tree is untouched; after, the next run (or {@link recoverInterruptedWrite})
 * completes the same transaction. A write with no change writes no file.
 *
 * A failure before the commit point (a full or read-only disk) leaves the tree untouched and
 * fails with `CG405`; a failure after it fails with `CG406`, and the next run completes the
 * write. Either names the file and the cause.
 */
export function writeTree(tree: FileTree, dir: string, options: WriteOptions = {}): WriteReport {
  fs.mkdirSync(dir, { recursive: true });
  recoverInterruptedWrite(dir);
  const plan = planWrite(tree, dir, options);
  return applyPlan(plan, dir, options);
}

/** Applies a {@link WritePlan} as one transaction (see {@link writeTree}). */
export function applyPlan(plan: WritePlan, dir: string, options: WriteOptions = {}): WriteReport {
  const created = [...plan.writes].filter(([, w]) => !w.existed).map(([p]) => p).sort();
  const updated = [...plan.writes].filter(([, w]) => w.existed).map(([p]) => p).sort();
  const report: WriteReport = {
    created, updated, deleted: plan.deletes, unchanged: plan.unchanged,
    filesWritten: plan.writes.size + (plan.manifestChanged ? 1 : 0),
  };
  if (plan.writes.size === 0 && plan.deletes.length === 0 && !plan.manifestChanged) return report;

  const txDir = path.join(dir, TRANSACTION_DIR);
  const writeFile = options.writeFile ?? ((file: string, text: string) => fs.writeFileSync(file, text));
  const writes: { staged: string; target: string }[] = [];
  let current: string = TRANSACTION_DIR;
  try {
    fs.rmSync(txDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(txDir, 'files'), { recursive: true });
    let n = 0;
    const stage = (target: string, text: string): void => {
      current = target;
      const staged = `${TRANSACTION_DIR}/files/${n++}`;
      writeFile(path.join(dir, staged), text);
      writes.push({ staged, target });
      options.onStage?.(n);
    };
    for (const [p, w] of plan.writes) stage(p, w.text);
    if (plan.manifestChanged) stage(MANIFEST_PATH, plan.manifestText);
    current = JOURNAL;
    const journal: Journal = { writes, deletes: plan.deletes };
    const tmp = path.join(txDir, 'journal.json.tmp');
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(journal));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(dir, JOURNAL)); // the commit point
  } catch (e) {
    try {
      fs.rmSync(txDir, { recursive: true, force: true });
    } catch {
      // Left for the next run, which discards a transaction without a journal.
    }
    if (e instanceof GitOpsError) throw e;
    throw new GitOpsError({
      code: 'CG405', file: current,
      message: `Could not write ${current === JOURNAL ? 'the journal of the write' : current} (${cause(e)}). Nothing in ${dir} was changed.`,
      fix: 'Fix the cause (free disk space, permissions, a read-only file system), then run again.',
    });
  }
  completeJournal(dir, { writes, deletes: plan.deletes }, options.onApply);
  return report;
}

/**
 * Completes a write that was interrupted after its commit point, or discards one interrupted
 * before it. Returns whether anything was left over.
 */
export function recoverInterruptedWrite(dir: string): boolean {
  const txDir = path.join(dir, TRANSACTION_DIR);
  if (!fs.existsSync(txDir)) return false;
  const text = readIfExists(path.join(dir, JOURNAL));
  if (text === undefined) {
    fs.rmSync(txDir, { recursive: true, force: true });
    return true;
  }
  completeJournal(dir, parseJournal(text));
  return true;
}

function parseJournal(text: string): Journal {
  let data: any;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const staged = (p: unknown): boolean => typeof p === 'string' && p.startsWith(`${TRANSACTION_DIR}/files/`) && isOwnablePath(p);
  const target = (p: unknown): boolean => typeof p === 'string' && isOwnablePath(p) && (!p.startsWith('.cdk8s-gitops/') || p === MANIFEST_PATH);
  const valid = Array.isArray(data?.writes) && Array.isArray(data?.deletes)
    && data.writes.every((w: any) => staged(w?.staged) && target(w?.target))
    && data.deletes.every(target);
  if (!valid) {
    throw new GitOpsError({
      code: 'CG406', file: JOURNAL,
      message: 'The journal of an interrupted write is not one cdk8s-gitops wrote, so the write cannot be completed.',
      fix: `Discard the interrupted write: restore the checkout from Git (git checkout -- . && git clean -fd ${TRANSACTION_DIR}), then run again.`,
    });
  }
  return data as Journal;
}

function completeJournal(dir: string, journal: Journal, onApply?: (count: number) => void): void {
  const made = new Set<string>();
  let current: string = TRANSACTION_DIR;
  let n = 0;
  try {
    onApply?.(n);
    for (const w of journal.writes) {
      current = w.target;
      const to = path.join(dir, w.target);
      const parent = path.dirname(to);
      if (!made.has(parent)) {
        fs.mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      try {
        fs.renameSync(path.join(dir, w.staged), to);
      } catch (e: any) {
        if (e.code === 'ENOENT') continue; // moved before the interruption
        throw e;
      }
      onApply?.(++n);
    }
    for (const p of journal.deletes) {
      current = p;
      fs.rmSync(path.join(dir, p), { force: true });
      removeEmptyParents(dir, path.dirname(p));
      onApply?.(++n);
    }
    current = TRANSACTION_DIR;
    fs.rmSync(path.join(dir, TRANSACTION_DIR), { recursive: true, force: true });
  } catch (e) {
    if (e instanceof GitOpsError) throw e;
    throw new GitOpsError({
      code: 'CG406', file: current,
      message: `The write was committed, but putting ${current} in place failed (${cause(e)}). ` +
        `The journal in ${TRANSACTION_DIR}/ keeps the whole change; the next run completes it.`,
      fix: 'Fix the cause (free disk space, permissions, a read-only file system), then run again.',
    });
  }
}

function removeEmptyParents(root: string, rel: string): void {
  let current = rel;
  while (current !== '.' && current !== '') {
    const abs = path.join(root, current);
    try {
      fs.rmdirSync(abs);
    } catch {
      return; // not empty, or already gone
    }
    current = path.dirname(current);
  }
}
