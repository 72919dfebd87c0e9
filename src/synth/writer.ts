import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../errors';
import { contentHash, FileTree } from './file-tree';
import { isOwnablePath, Manifest, ManifestEntry, MANIFEST_PATH, readManifest, serializeManifest } from './manifest';

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
   * Called after each staged file, with the number staged so far, before the journal is
   * committed: for a progress report, or for tests that interrupt a write. @default - none
   */
  readonly onStage?: (count: number) => void;
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
    throw e;
  }
}

/**
 * Works out what writing `tree` into the checkout `dir` changes. Files not in the manifest
 * are never touched: one in the way of a generated file stops the write with an error.
 */
export function planWrite(tree: FileTree, dir: string, options: WriteOptions = {}): WritePlan {
  const old = readManifest(dir);
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
    const trusted = before !== undefined && !options.verify && fs.existsSync(path.join(dir, p));
    if (trusted && before.key === entry.key) {
      files.set(p, before);
      unchanged++;
      continue;
    }
    const text = tree.content(p);
    const sha256 = contentHash(text);
    files.set(p, { sha256, key: entry.key });
    const onDisk = trusted && before.sha256 === sha256 ? text : readIfExists(path.join(dir, p));
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
  const deletes = [...old.files.keys()].filter((p) => !tree.has(p) && fs.existsSync(path.join(dir, p))).sort();
  const manifest: Manifest = { files };
  const manifestText = serializeManifest(manifest);
  const manifestChanged = readIfExists(path.join(dir, MANIFEST_PATH)) !== manifestText;
  return { writes, deletes, unchanged, manifest, manifestText, manifestChanged };
}

/**
 * Writes `tree` into the checkout `dir` as one transaction: new contents are staged in
 * `.cdk8s-gitops/transaction/`, a journal is committed with an atomic rename, then files are
 * moved into place and removed owned files deleted. If the process dies before the journal
 * is committed, the tree is untouched; after, the next run (or {@link recoverInterruptedWrite})
 * completes the same transaction. A write with no change writes no file.
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
  fs.rmSync(txDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(txDir, 'files'), { recursive: true });
  const writes: { staged: string; target: string }[] = [];
  let n = 0;
  const stage = (target: string, text: string): void => {
    const staged = `${TRANSACTION_DIR}/files/${n++}`;
    fs.writeFileSync(path.join(dir, staged), text);
    writes.push({ staged, target });
    options.onStage?.(n);
  };
  for (const [p, w] of plan.writes) stage(p, w.text);
  if (plan.manifestChanged) stage(MANIFEST_PATH, plan.manifestText);
  const journal: Journal = { writes, deletes: plan.deletes };
  const tmp = path.join(txDir, 'journal.json.tmp');
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, JSON.stringify(journal));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, path.join(dir, JOURNAL)); // the commit point
  completeJournal(dir, journal);
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
  completeJournal(dir, JSON.parse(text) as Journal);
  return true;
}

function completeJournal(dir: string, journal: Journal): void {
  const made = new Set<string>();
  for (const w of journal.writes) {
    const from = path.join(dir, w.staged);
    if (!fs.existsSync(from)) continue; // moved before the interruption
    const to = path.join(dir, w.target);
    const parent = path.dirname(to);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.renameSync(from, to);
  }
  for (const p of journal.deletes) {
    fs.rmSync(path.join(dir, p), { force: true });
    removeEmptyParents(dir, path.dirname(p));
  }
  fs.rmSync(path.join(dir, TRANSACTION_DIR), { recursive: true, force: true });
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
