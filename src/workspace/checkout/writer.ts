import { gitSync } from '../../core/git-sync';
import * as fs from 'fs';
import { GitOpsError, Problem, systemErrorCode, problem } from '../../core/errors';
import { Checkout, failureCause } from './checkout-fs';
import { DriftCheck, statKey } from './drift';
import { TRANSACTION_DIR } from './transaction-dir';
import type { WriteReport } from '../../model/write-report';
import { TOOL_DIR } from '../../model/repository-places';
import {
  CODEOWNERS_PATH,
  contentHash,
  FileEntry,
  FileKind,
  FileTree,
  isGeneratedFilePath,
  ledgerTextsKey,
  STATUS_PATH,
} from '../../synth/file-tree';
import { deletedLedgerProblem } from '../../release/ledger-files';
import {
  isFileOfServiceIn,
  isManifestPath,
  isOwnablePath,
  manifestShardPath,
  Manifest,
  manifestDigest,
  ManifestEntry,
  MANIFEST_PATH,
  manifestInputs,
  parseManifest,
  recordsInputs,
  serializeManifest,
} from '../../synth/manifest';
import { readManifestTexts } from './manifest-io';
import { isReleaseModelPath } from '../../synth/release-model';
import { recordedPlatform } from '../recorded-model';
import { isMap } from '../../core/plain';
import { assertHeldFit, heldMisfits } from './held-targets';
import { assertPlatformBases, platformBaseProblems } from './platform-bases';

/** The longest name of a file or directory most file systems take, in bytes. */
const MAX_NAME_BYTES = 255;

/** Where GitHub reads code owners first, before the root `CODEOWNERS`. */
const GITHUB_CODEOWNERS = '.github/CODEOWNERS';

const JOURNAL = `${TRANSACTION_DIR}/journal.json`;

/** A stat cache filled for the manifest texts it is given, or undefined for any others (see {@link WriteOptions.statCacheFor}). */
export type StatCacheFor = (texts: ReadonlyMap<string, string>) => DriftCheck | undefined;

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
   * Ledgers the ring rules judged as edited by hand since cdk8s-gitops wrote them, and accept:
   * the write records them, and reports them as {@link WritePlan.acceptedEdits}.
   * @default - none: a ledger whose record is out of date is recorded again without a report
   */
  readonly ledgerEdits?: readonly string[];
  /**
   * Look for owned files that are gone from the checkout (deleted by hand) and write them
   * again. Without it, a file whose inputs did not change is trusted to be in place, so a
   * release writes only what it changes; `synth` restores such files. Not when the manifest
   * records another content for a file of {@link WriteOptions.basis} than the basis holds: then
   * it does not describe the checkout, and every file is looked at.
   * @default true
   */
  readonly restoreMissing?: boolean;
  /**
   * The checkout's stat cache, when the caller loaded it to look at the owned files first
   * (`check`): what it found is not looked at again. Not used with `verify`.
   * @default - loaded from the checkout
   */
  readonly statCache?: DriftCheck;
  /**
   * The stat cache for the manifest texts the write finds, when one was filled before the write
   * (while the program ran, see `CheckoutPrefetch`) and they are those it was filled for.
   * @default - none
   */
  readonly statCacheFor?: StatCacheFor;
  /**
   * The texts the change was worked out from, by path (undefined: the file was not there): the
   * ledger a release command read for its rules. The write fails with `CG407` when one of them
   * holds anything else at its commit point, even when it changed before the plan was made.
   * @default - none: each file is compared with what the plan found
   */
  readonly basis?: ReadonlyMap<string, string | undefined>;
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

/** The changes a write would make, without making them. */
export interface WritePlan {
  /** Files to write, by repository-relative path. */
  readonly writes: ReadonlyMap<
    string,
    {
      /** The new content. */
      readonly text: string;
      /** Whether a file is there now (an update) or not (a creation). */
      readonly existed: boolean;
      /**
       * For an update: the file as `lstat` saw it when it was read, and its content's hash, to tell a
       * change made while the command runs. For a file of {@link WriteOptions.basis}: no stat, and the
       * hash of the basis text (empty when the basis is no file).
       */
      readonly seen?: { readonly stat: string; readonly sha256: string };
    }
  >;
  /** Owned files to delete. */
  readonly deletes: readonly string[];
  /**
   * What the tree's derived files are made from (`derivedFilesKey`), kept with them in the stat cache.
   * @default - none: the tree does not know (see `FileTree.derivedKey`)
   */
  readonly derivedKey?: string;
  /** The content hash of each file of `deletes` as it was read, to tell a change made while the command runs. @default - not checked */
  readonly deleting?: ReadonlyMap<string, string>;
  /**
   * Owned files the program no longer generates that are kept: changed since cdk8s-gitops
   * wrote them (or a directory now), so deleting them could lose someone's work, or recorded
   * only by a file of the manifest edited by hand (`Manifest.edited`), which proves nothing of
   * who wrote them. They leave the manifest and are the user's from then on.
   */
  readonly kept: readonly string[];
  /**
   * Owned files the write puts back because they were changed since cdk8s-gitops wrote them
   * (hand edits), and a derived file (`STATUS.md`) holding a change Git does not hold that
   * cdk8s-gitops did not make. A write applies it only where the edit is safe in Git, or with
   * {@link WriteOptions.verify} or {@link WriteOptions.adopt}.
   */
  readonly edited: readonly string[];
  /**
   * Files that already hold what the tree makes there, but that the manifest does not record:
   * its record was lost (a shard or the manifest deleted or edited). The write records them
   * again; they count as unchanged.
   */
  readonly unrecorded: readonly string[];
  /**
   * Ledgers edited by hand since cdk8s-gitops wrote them ({@link WriteOptions.ledgerEdits}): a
   * ledger is read into the tree, so the write keeps the edit and records it (the ring rules
   * judged it before). They count as unchanged.
   */
  readonly acceptedEdits: readonly string[];
  /** Number of owned files that stay as they are. */
  readonly unchanged: number;
  /** The manifest after the write. */
  readonly manifest: Manifest;
  /**
   * The files of the manifest that change (`.cdk8s-gitops/manifest.json` and the shards of
   * services, in `.cdk8s-gitops/services/`), with their new text; a shard no longer needed
   * is in {@link WritePlan.manifestDeletes}.
   */
  readonly manifestWrites: ReadonlyMap<string, string>;
  /** Shards of the manifest to delete: their services own no file any more. */
  readonly manifestDeletes: readonly string[];
  /** Whether any file of the manifest changes. */
  readonly manifestChanged: boolean;
  /**
   * The stat cache of the checkout, brought up to date by the write that applies the plan.
   * @default - none: the plan read every file it compared (a verifying write)
   */
  readonly statCache?: DriftCheck;
  /**
   * The {@link manifestDigest} of the manifest after the write, when the plan could tell that
   * it records what cdk8s-gitops wrote (see {@link DriftCheck.trusts}).
   * @default - not known
   */
  readonly verifiedManifest?: string;
  /**
   * What a write of the plan refuses (`CG214`): files of targets held at their ring's release
   * (see `FileTree.held`) deleted or edited by hand, written for another workload, or running
   * another release than their ring. A plan or a check reports them.
   */
  readonly held: readonly Problem[];
  /**
   * Directories of targets new to a held ring, which get no files until the ring runs a
   * release of the program's images (see `heldMisfits`).
   */
  readonly waiting: readonly string[];
  /** What a write of the plan refuses (`CG424`): a Kustomize base of the GitOps repository reached through, or holding, a symbolic link. */
  readonly bases: readonly Problem[];
}

interface Journal {
  /** The transaction directory the journal was written in (device and inode): a journal found anywhere else is not this checkout's. */
  readonly owner: string;
  readonly writes: readonly { readonly staged: string; readonly target: string }[];
  readonly deletes: readonly string[];
}

/** The identity of a real directory: its device and inode, as text. */
function identity(file: string): string {
  const stat = fs.lstatSync(file, { bigint: true });
  return `${stat.dev}:${stat.ino}`;
}

/**
 * The manifest's entry `before` of a file that holds what the tree's `entry` makes, recorded
 * again where the tree files it (its service's shard, or the manifest) and with the tree's
 * release. `Object.assign`, not a spread: Node 20's V8 makes `{ ...before, service }` dozens of times
 * slower, and a write of a fleet records tens of thousands of such entries.
 */
function recordedAgain(before: ManifestEntry, entry: FileEntry): ManifestEntry {
  const again: { -readonly [K in keyof ManifestEntry]: ManifestEntry[K] } = Object.assign({}, before);
  if (entry.service === undefined) delete again.service;
  else again.service = entry.service;
  if (entry.release !== undefined) again.release = entry.release.version;
  return again;
}

/**
 * Works out what writing `tree` into the checkout `dir` changes. Files not in the manifest
 * are never touched: one in the way of a generated file stops the write with an error. An
 * owned file is overwritten or deleted only while its content is what the manifest records
 * (see {@link WriteOptions.verify} and {@link WriteOptions.adopt}); an owned file the program
 * no longer generates that was changed since is kept and given up ({@link WritePlan.kept}).
 */
export function planWrite(tree: FileTree, dir: string, options: WriteOptions = {}): WritePlan {
  const checkout = new Checkout(dir);
  const oldTexts = readManifestTexts(dir);
  const old = parseManifest(oldTexts);
  // A shard records its service's files only, where the tree's layout puts them: another file
  // there (sealed again, as anyone can) would be taken as owned, and deleted.
  // The layout the checkout was last written with (a program that moves its directories) is read only when needed.
  let previous: { environments: string; releases: string } | null | undefined;
  const layoutBefore = (): { environments: string; releases: string } | null => (previous ??= recordedPlatform(dir)?.model.layout ?? null);
  for (const [p, e] of tree.layout === undefined ? [] : old.files) {
    if (e.service === undefined || isFileOfServiceIn(tree.layout!, p, e.service)) continue;
    const before = layoutBefore();
    if (before === null || !isFileOfServiceIn(before, p, e.service)) {
      throw GitOpsError.of('CG401', {
        file: manifestShardPath(e.service),
        message: `${manifestShardPath(e.service)}, the shard of service ${e.service}, records ${JSON.stringify(p.slice(0, 200))}, which is none of that service's files (its targets' directories under ${tree.layout!.environments}/, its ledger). Nothing was written.`,
        fix: `Restore it from Git (git checkout -- ${manifestShardPath(e.service)}); it is written only by cdk8s-gitops.`,
      });
    }
  }
  if (tree.part !== undefined && old.inputs !== tree.part.basedOn) {
    throw GitOpsError.of('CG407', {
      file: MANIFEST_PATH,
      message: `The checkout ${checkout.root} was written by another command while this one ran; its manifest no longer records what the change was worked out from. Nothing was written.`,
    });
  }
  const files = new Map<string, ManifestEntry>();
  const writes = new Map<string, { text: string; existed: boolean; seen?: { stat: string; sha256: string } }>();
  const foreign: string[] = [];
  const edited: string[] = [];
  const unrecorded: string[] = [];
  const acceptedEdits: string[] = [];
  const ledgerEdits = new Set(options.ledgerEdits ?? []);
  // A file whose inputs did not change is trusted to be as written unless the stat cache shows a
  // hand edit (or, for a release, which writes only its ring, it is trusted as it stands).
  const local = options.verify ? undefined : (options.statCache ?? options.statCacheFor?.(oldTexts) ?? DriftCheck.load(checkout));
  // A file the change was worked out from holds its basis text: a manifest that records other
  // content for it (the file was put back by hand since, as `git checkout -- releases` does after
  // `publish --drop-pending`, and the manifest was not) does not describe the checkout, and no file
  // of the tree is taken as in place on its word: each is looked at, as a whole write does.
  const stale = [...(options.basis ?? [])].some(([p, text]) => {
    const recorded = old.files.get(p);
    return text !== undefined && recorded !== undefined && !recorded.derived && recorded.sha256 !== contentHash(text);
  });
  const drift = options.restoreMissing === false && !stale ? undefined : local;
  // The manifest a whole tree finds or leaves records what cdk8s-gitops wrote; one a part of the
  // tree leaves, only when the manifest it started from did.
  const trusted = local !== undefined && (tree.part === undefined || local.trusts(oldTexts));
  // A manifest a whole write found or left (see DriftCheck.trusts), and it records the tree's
  // inputs: a file made from the inputs alone has the key that manifest records.
  let sameInputs: boolean | undefined;
  const recordsSameInputs = (): boolean =>
    (sameInputs ??= tree.inputs !== undefined && old.inputs === tree.inputs && local !== undefined && local.trusts(oldTexts));
  let unchanged = 0;
  // Derived files that hold content cdk8s-gitops did not make, as far as the stat cache knows (see handEditedDerived).
  const changedDerived: { path: string; recorded: boolean }[] = [];
  let madeBy: DriftCheck | undefined;
  for (const p of tree.paths()) {
    // Of .cdk8s-gitops/, a tree holds the release model only (`.cdk8s-gitops/model/`).
    if (!isOwnablePath(p) || (p.startsWith(`${TOOL_DIR}/`) && !isReleaseModelPath(p)) || !isGeneratedFilePath(p)) {
      throw GitOpsError.of('CG403', {
        file: p,
        message: `The tree has a file at "${p}", which is outside the repository, in a reserved place, or neither YAML, ${STATUS_PATH}, ${CODEOWNERS_PATH} nor a file of the release model.`,
      });
    }
    const long = p.split('/').find((segment) => Buffer.byteLength(segment) > MAX_NAME_BYTES);
    if (long !== undefined) {
      throw GitOpsError.of('CG403', {
        file: p.slice(0, 120),
        message: `The tree has a file whose path holds a name of ${Buffer.byteLength(long)} bytes, more than the ${MAX_NAME_BYTES} a file system takes. Nothing was written.`,
        fix: 'Shorten the names of the constructs the file is named after (environment, cloud, cluster, service).',
      });
    }
    const entry = tree.get(p)!;
    const service = entry.service === undefined ? {} : { service: entry.service };
    const derived = entry.kind === FileKind.STATUS;
    const before = old.files.get(p);
    // A derived file's content is not recorded: it is compared with what the tree makes.
    // A file of the basis is on disk as the change read it: never taken as holding anything else.
    const asRecorded =
      before !== undefined &&
      !before.derived &&
      !derived &&
      !options.verify &&
      (drift === undefined || !drift.changed(p, before.sha256)) &&
      !(options.basis?.has(p) === true && options.basis.get(p) !== tree.content(p));
    // It holds what the tree makes when cdk8s-gitops made that content from the same key: the stat
    // cache knows (a manifest alone is no proof: anyone can write one); a file made from the inputs
    // alone, from the key the manifest a whole write left records. A ledger is not made (the
    // tree holds the text read from it), and a release, which writes only its ring, takes the
    // manifest's key as it stands.
    const current =
      (asRecorded &&
        (drift === undefined || entry.kind === FileKind.LEDGER
          ? before.key === entry.key
          : drift.madeFrom(p, before.sha256) === (entry.fromInputs === true && recordsSameInputs() ? before.key : entry.key))) ||
      // A derived file the stat cache knows holds what the tree's inputs and ledgers make (see `holdsMadeFrom`).
      (derived &&
        before?.derived === true &&
        !options.verify &&
        tree.derivedKey !== undefined &&
        drift?.holdsMadeFrom(p, tree.derivedKey) === true);
    if (current) {
      // Recorded where the tree files it now (a file of the release model moved from its service's shard to the manifest).
      files.set(p, recordedAgain(before, entry));
      unchanged++;
      continue;
    }
    const text = tree.content(p);
    const sha256 = contentHash(text);
    files.set(
      p,
      derived
        ? { sha256: '', key: '', derived: true }
        : { sha256, key: entry.key, ...service, ...(entry.release ? { release: entry.release.version } : {}) },
    );
    const onDisk = asRecorded && before.sha256 === sha256 ? text : checkout.read(p);
    if (onDisk === text) {
      if (derived) {
        // Kept with what it was made from, so that a command need not make it again.
        if (tree.derivedKey !== undefined) drift?.found(p, sha256, tree.derivedKey);
      } else if (entry.kind !== FileKind.LEDGER) drift?.found(p, sha256, entry.key);
      if (before === undefined) unrecorded.push(p);
      else if (before.sha256 !== sha256 && ledgerEdits.has(p)) acceptedEdits.push(p);
      unchanged++;
      continue;
    }
    if (onDisk !== undefined) {
      if (!before) {
        if (!options.adopt) foreign.push(p);
        // A ledger is read into the tree before it is written, so its new content keeps what the file held;
        // a derived file is made from the ledgers, so it is rewritten unless it holds a hand edit (below).
      } else if (entry.kind !== FileKind.LEDGER && !before.derived && contentHash(onDisk) !== before.sha256) edited.push(p);
      else if (derived && before.derived === true) {
        const made = (madeBy ??= local ?? DriftCheck.load(checkout)).madeContentOf(p);
        if (made !== contentHash(onDisk)) changedDerived.push({ path: p, recorded: made !== undefined });
      }
    }
    const seen = onDisk === undefined ? undefined : checkout.stat(p);
    // A file the change was worked out from must hold that text at the commit point (no stat to trust: its content is compared).
    const basis = options.basis?.has(p) ? { text: options.basis.get(p) } : undefined;
    writes.set(p, {
      text,
      existed: onDisk !== undefined,
      ...(basis !== undefined
        ? { seen: basis.text === undefined ? { stat: '', sha256: '' } : { stat: '', sha256: contentHash(basis.text) } }
        : seen
          ? { seen: { stat: statKey(seen), sha256: contentHash(onDisk!) } }
          : {}),
    });
  }
  edited.push(...handEditedDerived(dir, changedDerived));
  assertCodeOwnersRead(checkout, tree.get(CODEOWNERS_PATH) !== undefined || old.files.has(CODEOWNERS_PATH));
  if (foreign.length > 0) {
    throw new GitOpsError(
      foreign.map((p) =>
        problem('CG404', {
          file: p,
          message: `"${p}" exists but was not written by cdk8s-gitops, and the program generates a file there.`,
        }),
      ),
      `${foreign.length} file${foreign.length === 1 ? '' : 's'} not owned by cdk8s-gitops stand in the way; nothing was written:`,
      { grouped: true },
    );
  }
  // A tree of part of the repository leaves the owned files outside the part as they are; a
  // whole tree, the files it retains (the ledgers of services no longer declared), which must be there.
  // The files of a held ring (CG214) are kept as they are, and one deleted by hand cannot be made again.
  const lost: string[] = [];
  const lostHeld: Problem[] = [];
  for (const [p, before] of old.files) {
    if (!tree.covers(p)) {
      files.set(p, before);
      unchanged++;
      if (tree.part !== undefined || checkout.kind(p) !== 'missing') continue;
      const held = tree.heldBecause(p);
      if (held === undefined) lost.push(p);
      else
        lostHeld.push(
          problem('CG214', {
            file: p,
            message: `${p} was deleted, and cdk8s-gitops cannot write it again: ${held.replace(/\.$/, '')}. Nothing was written.`,
            fix: `Restore it (git checkout -- ${p}); the promotion of a release of the program's images into its ring writes it again.`,
          }),
        );
    }
  }
  const heldFindings = heldMisfits(
    tree,
    old.files,
    (p, sha256) => (options.verify ? contentHash(checkout.read(p) ?? '') !== sha256 : drift?.changed(p, sha256) === true),
    (p) => checkout.read(p),
  );
  lostHeld.push(...heldFindings.problems);
  if (lost.length > 0) {
    throw new GitOpsError(
      lost.sort().map((p) => deletedLedgerProblem(p, 'recorded')),
      `${lost.length === 1 ? 'A release ledger was' : `${lost.length} release ledgers were`} deleted:`,
    );
  }
  const deletes: string[] = [];
  const deleting = new Map<string, string>();
  const kept: string[] = [];
  // A record in a file of the manifest edited by hand (its seal does not match) is no proof that
  // cdk8s-gitops wrote the file: anyone may have added it, naming a file of their own.
  const editedRecords = new Set(old.edited ?? []);
  for (const [p, before] of old.files) {
    if (!tree.covers(p) || tree.has(p)) continue;
    // A file of a directory the tree reads and never writes (a Kustomize base of the repository) is
    // not cdk8s-gitops's, whatever the manifest records: its record is dropped, the file left alone.
    if (tree.reads.some((d) => p.startsWith(`${d}/`))) continue;
    const kind = checkout.kind(p, 'delete it');
    if (kind === 'missing') continue;
    const recordedIn = before.service === undefined ? MANIFEST_PATH : manifestShardPath(before.service);
    if (kind === 'file' && !editedRecords.has(recordedIn) && contentHash(checkout.read(p)!) === before.sha256) {
      deletes.push(p);
      deleting.set(p, before.sha256);
    } else kept.push(p);
  }
  deletes.sort();
  kept.sort();
  const manifest: Manifest = tree.inputs === undefined ? { files } : { files, inputs: tree.inputs };
  // A part of the tree on a manifest a whole write found or left (as serializeManifest writes it):
  // the shards of the services it leaves alone are those texts.
  const texts = serializeManifest(
    manifest,
    tree.part !== undefined && local?.trusts(oldTexts) ? untouchedShards(old, files, oldTexts) : undefined,
  );
  const manifestWrites = new Map([...texts].filter(([p, t]) => oldTexts.get(p) !== t));
  const manifestDeletes = [...oldTexts.keys()].filter((p) => !texts.has(p)).sort();
  const manifestChanged = manifestWrites.size > 0 || manifestDeletes.length > 0;
  const verified = trusted ? manifestDigest(texts) : undefined;
  if (verified !== undefined && !manifestChanged && lostHeld.length === 0) local!.trust(verified);
  const plan: WritePlan = {
    ...(tree.derivedKey === undefined ? {} : { derivedKey: tree.derivedKey }),
    writes,
    deletes,
    deleting,
    kept,
    edited: edited.sort(),
    unrecorded: unrecorded.sort(),
    acceptedEdits: acceptedEdits.sort(),
    unchanged,
    manifest,
    manifestWrites,
    manifestDeletes,
    manifestChanged,
    ...(local ? { statCache: local } : {}),
    ...(verified ? { verifiedManifest: verified } : {}),
    held: lostHeld,
    waiting: heldFindings.waiting,
    bases: tree.reads.length === 0 ? [] : platformBaseProblems(tree, checkout).links,
  };
  local?.save(files); // what was read, for the next run (plan and check as well)
  return plan;
}

/** What a tree is made from, as far as a write that changes nothing can tell without building it. */
export interface TreeInputs {
  /** The tree's {@link FileTree.inputs}: the program's fingerprint. */
  readonly inputs: string;
  /** The ledgers the tree is made from, as read from the checkout. */
  readonly ledgers: readonly { readonly path: string; readonly text: string; readonly initial?: boolean }[];
  /** The paths of the derived files the tree makes (`STATUS.md`). */
  readonly derivedPaths: readonly string[];
  /** The derived files the tree makes, by path: cheap to make without the tree, made only when needed. */
  readonly derived: () => ReadonlyMap<string, string>;
}

/**
 * The report of a write that would change nothing, known without building the tree: the
 * manifest of `dir` is one the checkout's last whole writes or plans found or left
 * ({@link DriftCheck.trusts}), it records the same program and ledgers, every owned file holds what the
 * manifest records (the stat cache tells without reading, see {@link DriftCheck}), and every
 * derived file what the ledgers make. Undefined when that cannot be told, and the tree must be
 * built and compared. Call {@link recoverInterruptedWrite} first.
 *
 * @param statCache the stat cache to use for the manifest texts it is given (one filled while
 *   the program ran, see `CheckoutPrefetch`), when it has one for them
 */
export function unchangedWrite(dir: string, inputs: TreeInputs, statCache?: StatCacheFor): WriteReport | undefined {
  const checkout = new Checkout(dir);
  const main = checkout.read(MANIFEST_PATH);
  if (main === undefined || manifestInputs(main) !== inputs.inputs) return undefined;
  const texts = readManifestTexts(dir);
  const drift = statCache?.(texts) ?? DriftCheck.load(checkout);
  // A manifest this checkout's last whole writes did not find or leave may record files
  // cdk8s-gitops never wrote, or leave out some it did: only the tree can tell.
  if (!drift.trusts(texts)) return undefined;
  const manifest = parseManifest(texts);
  if (!recordsInputs(manifest, inputs.inputs, inputs.ledgers)) return undefined;
  // A derived file is made again only when the stat cache does not know it holds what these inputs make.
  const key = ledgerTextsKey(inputs.inputs, inputs.ledgers);
  let derived: ReadonlyMap<string, string> | undefined;
  const holdsDerived = (p: string): boolean => {
    if (drift.holdsMadeFrom(p, key)) return true;
    const text = (derived ??= inputs.derived()).get(p);
    if (text === undefined || checkout.read(p) !== text) return false;
    drift.found(p, contentHash(text), key);
    return true;
  };
  for (const [p, e] of manifest.files) {
    if (e.derived ? !holdsDerived(p) : drift.changed(p, e.sha256)) return undefined;
  }
  for (const p of inputs.derivedPaths) if (!manifest.files.get(p)?.derived) return undefined;
  assertCodeOwnersRead(checkout, manifest.files.has(CODEOWNERS_PATH));
  drift.save(manifest.files);
  return {
    created: [],
    updated: [],
    deleted: [],
    kept: [],
    restored: [],
    recorded: [],
    acceptedEdits: [],
    waiting: [],
    unchanged: manifest.files.size,
    filesWritten: 0,
  };
}

/**
 * Fails with CG404 when the checkout holds a `.github/CODEOWNERS` and cdk8s-gitops writes (or
 * has written) the root `CODEOWNERS`: GitHub reads the former first and ignores the latter.
 * Checked by every write, one that changes nothing included, and by a release's.
 */
function assertCodeOwnersRead(checkout: Checkout, ownsCodeOwners: boolean): void {
  if (!ownsCodeOwners || checkout.kind(GITHUB_CODEOWNERS) === 'missing') return;
  throw GitOpsError.of('CG404', {
    file: GITHUB_CODEOWNERS,
    message: `"${GITHUB_CODEOWNERS}" exists, and GitHub reads it before the ${CODEOWNERS_PATH} cdk8s-gitops writes for the platform's teams, which it would ignore. Nothing was written.`,
    fix: `Move what it says into the program's teams and delete it (git rm ${GITHUB_CODEOWNERS}), so that GitHub reads the ${CODEOWNERS_PATH} cdk8s-gitops writes.`,
  });
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
 * write. Either names the file and the cause. No path is followed through a symbolic link
 * (`CG408`).
 */
export function writeTree(tree: FileTree, dir: string, options: WriteOptions = {}): WriteReport {
  ensureCheckoutDirectory(dir);
  recoverInterruptedWrite(dir);
  const plan = planWrite(tree, dir, options);
  return applyPlan(plan, dir, options);
}

/** Makes the checkout directory `dir` if it is missing; fails with `CG402` when a file is there. */
export function ensureCheckoutDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    if (systemErrorCode(e) !== 'EEXIST' && systemErrorCode(e) !== 'ENOTDIR') throw e;
  }
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw GitOpsError.of('CG402', {
      file: dir,
      message: `${dir} is not a directory, so it cannot be a checkout of the GitOps repository.`,
      fix: 'Pass --out the directory of a checkout (or a new directory to create).',
    });
  }
}

/** Applies a {@link WritePlan} as one transaction (see {@link writeTree}). */
export function applyPlan(plan: WritePlan, dir: string, options: WriteOptions = {}): WriteReport {
  assertPlatformBases(plan);
  assertHeldFit(plan);
  const created = [...plan.writes]
    .filter(([, w]) => !w.existed)
    .map(([p]) => p)
    .sort();
  const updated = [...plan.writes]
    .filter(([, w]) => w.existed)
    .map(([p]) => p)
    .sort();
  const report: WriteReport = {
    created,
    updated,
    deleted: plan.deletes,
    kept: plan.kept,
    restored: plan.edited,
    recorded: plan.unrecorded,
    acceptedEdits: plan.acceptedEdits,
    waiting: plan.waiting,
    unchanged: plan.unchanged,
    filesWritten: plan.writes.size + plan.manifestWrites.size,
  };
  const drift = plan.statCache;
  if (plan.writes.size === 0 && plan.deletes.length === 0 && !plan.manifestChanged) return report;
  if (!options.verify && !options.adopt) assertEditsRecoverable(dir, plan.edited);

  const checkout = new Checkout(dir);
  const writeFile = options.writeFile ?? ((file: string, text: string) => fs.writeFileSync(file, text, { flag: 'wx' }));
  const writes: { staged: string; target: string }[] = [];
  let current: string = TRANSACTION_DIR;
  let owner = '';
  try {
    checkout.removeTree(TRANSACTION_DIR);
    checkout.mkdirs(`${TRANSACTION_DIR}/files`);
    owner = identity(checkout.abs(TRANSACTION_DIR));
    let n = 0;
    const stage = (target: string, text: string): void => {
      current = target;
      const staged = `${TRANSACTION_DIR}/files/${n++}`;
      writeFile(checkout.abs(staged), text);
      writes.push({ staged, target });
      options.onStage?.(n);
    };
    for (const [p, w] of plan.writes) stage(p, w.text);
    for (const [p, text] of plan.manifestWrites) stage(p, text);
    assertUnchangedSincePlanned(checkout, plan);
    current = JOURNAL;
    const deletes = [...plan.deletes, ...plan.manifestDeletes];
    const journal: Journal = { owner, writes, deletes };
    const tmp = checkout.abs(`${TRANSACTION_DIR}/journal.json.tmp`);
    const fd = fs.openSync(tmp, 'wx');
    try {
      fs.writeSync(fd, JSON.stringify(journal));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, checkout.abs(JOURNAL)); // the commit point
  } catch (e) {
    try {
      if (!(e instanceof GitOpsError && e.code === 'CG408')) checkout.removeTree(TRANSACTION_DIR);
    } catch {
      // Left for the next run, which discards a transaction without a journal.
    }
    if (e instanceof GitOpsError) throw e;
    throw GitOpsError.of('CG405', {
      file: current,
      message: `Could not write ${current === JOURNAL ? 'the journal of the write' : current} (${failureCause(e)}). Nothing in ${dir} was changed.`,
    });
  }
  completeJournal(checkout, { owner, writes, deletes: [...plan.deletes, ...plan.manifestDeletes] }, { onApply: options.onApply });
  if (drift) {
    drift.written(
      checkout,
      [...plan.writes].map(([p, w]) => {
        const e = plan.manifest.files.get(p)!;
        return e.derived ? ([p, contentHash(w.text), plan.derivedKey ?? ''] as const) : ([p, e.sha256, e.key] as const);
      }),
    );
    if (plan.verifiedManifest !== undefined) drift.trust(plan.verifiedManifest);
    drift.save(plan.manifest.files);
  }
  return report;
}

/**
 * Fails with `CG407` when a file the write replaces was changed (by an editor, another tool)
 * since the plan read it: its new content was worked out without that change, which the write
 * would lose. Checked just before the write's commit point, so nothing is written.
 */
function assertUnchangedSincePlanned(checkout: Checkout, plan: WritePlan): void {
  const changed = [...plan.writes]
    .filter(([p, w]) => {
      if (w.seen === undefined) return false;
      const now = checkout.stat(p);
      // A basis of no file (see WriteOptions.basis): it must still be missing.
      if (w.seen.sha256 === '') return now !== undefined;
      if (now === undefined) return true;
      // Another name of the file (a hard link) renamed or removed changes its times, not its content.
      if (statKey(now) === w.seen.stat) return false;
      const text = checkout.read(p);
      return text === undefined || contentHash(text) !== w.seen.sha256;
    })
    .map(([p]) => p);
  for (const [p, sha256] of plan.deleting ?? []) {
    const text = checkout.read(p);
    if (text !== undefined && contentHash(text) !== sha256) changed.push(p);
  }
  if (changed.length === 0) return;
  throw new GitOpsError(
    changed.map((p) =>
      problem('CG407', {
        file: p,
        message: `${p} was changed while this command ran, after it read it; the write would ${plan.deleting?.has(p) ? 'delete it with' : 'lose'} that change. Nothing was written.`,
        fix: 'Run the command again once nothing else writes the file.',
      }),
    ),
    `${changed.length} file${changed.length === 1 ? ' was' : 's were'} changed while the command ran; nothing was written:`,
    { grouped: true },
  );
}

/**
 * Fails with `CG409` when putting back the hand-edited owned files `edited` would lose an edit:
 * one that Git does not hold (the file differs from `HEAD`, `.gitignore` hides it, or the checkout
 * is not a Git repository), or one Git is told not to look at (`skip-worktree` or
 * `assume-unchanged`: `git status` does not say whether it differs). A committed edit is kept
 * by Git's history, so the write may put the file back.
 */
function assertEditsRecoverable(dir: string, edited: readonly string[]): void {
  if (edited.length === 0) return;
  const { inGit, uncommitted } = uncommittedChanges(dir, edited);
  const lost = inGit ? uncommitted : edited;
  if (lost.length === 0) return;
  throw new GitOpsError(
    lost.map((p) =>
      problem('CG409', {
        file: p,
        message: `"${p}" was changed by hand since cdk8s-gitops wrote it, the change is not committed, and this write would replace it.`,
      }),
    ),
    `${lost.length} owned file${lost.length === 1 ? ' was' : 's were'} changed by hand and not committed; nothing was written:`,
    { grouped: true },
  );
}

/**
 * The derived files of `changed` (`STATUS.md`: holding other content than the stat cache records
 * cdk8s-gitops made there, or none it records, see {@link DriftCheck.madeContentOf}) that hold a
 * hand edit: a change Git does not hold (see {@link uncommittedChanges}), and, of a page the cache
 * records nothing of, a change to the page Git holds. Their content is not recorded in the manifest
 * (it is made from the ledgers), so a committed page that is out of date, as a fresh clone's is
 * after a promotion was merged, is no edit; nor is any page of a checkout outside Git, nor one Git
 * never held that the cache records nothing of (a checkout put in Git after it was written).
 */
function handEditedDerived(dir: string, changed: readonly { path: string; recorded: boolean }[]): string[] {
  if (changed.length === 0) return [];
  const { inGit, uncommitted, untracked } = uncommittedChanges(
    dir,
    changed.map((c) => c.path),
  );
  // Where the stat cache records nothing, only a change to what Git holds tells an edit: a page
  // Git never held was written before the checkout was put in Git, by cdk8s-gitops as far as anyone knows.
  const unrecorded = new Set(changed.filter((c) => !c.recorded).map((c) => c.path));
  return inGit ? uncommitted.filter((p) => !(unrecorded.has(p) && untracked.has(p))) : [];
}

/**
 * Of the files `paths` of the checkout `dir`, those whose change Git does not hold: that differ
 * from `HEAD` (in the work tree or the index), that `.gitignore` hides, or that Git is told not to
 * look at (`skip-worktree`, `assume-unchanged`: `git status` does not say whether they differ).
 * `inGit` is false when `dir` is in no Git repository with a commit: then Git holds none of them.
 */
function uncommittedChanges(dir: string, paths: readonly string[]): { inGit: boolean; uncommitted: string[]; untracked: Set<string> } {
  const status = gitSync(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored', '--', ...paths], 64 * 1024 * 1024);
  const flags = gitSync(dir, ['ls-files', '-v', '-z', '--full-name', '--', ...paths], 64 * 1024 * 1024);
  const inGit = status.status === 0 && flags.status === 0 && gitSync(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']).status === 0;
  const dirty = new Set(
    inGit
      ? [
          ...status.stdout
            .split('\0')
            .filter((e) => e.length > 3)
            .map((e) => e.slice(3)),
          // `S` skip-worktree; a lower-case tag, assume-unchanged.
          ...flags.stdout
            .split('\0')
            .filter((e) => e.length > 2 && (e[0] === 'S' || (e[0] !== e[0]!.toUpperCase() && e[1] === ' ')))
            .map((e) => e.slice(2)),
        ]
      : [],
  );
  const prefix = inGit ? gitPrefix(dir) : '';
  const untrackedPaths = new Set(
    inGit
      ? status.stdout
          .split('\0')
          .filter((e) => e.startsWith('?? ') || e.startsWith('!! '))
          .map((e) => e.slice(3))
      : [],
  );
  return {
    inGit,
    uncommitted: inGit ? paths.filter((p) => dirty.has(prefix + p)) : [],
    untracked: new Set(paths.filter((p) => untrackedPaths.has(prefix + p))),
  };
}

/** The path of `dir` inside its Git work tree, with a trailing slash (`''` at the root). */
function gitPrefix(dir: string): string {
  const result = gitSync(dir, ['rev-parse', '--show-prefix']);
  return result.status === 0 ? result.stdout.trim() : '';
}

/**
 * Whether a write into `dir` was interrupted after its commit point: its journal is there, and
 * the next writing command completes it. Read-only commands refuse to run on such a tree
 * ({@link assertNoInterruptedWrite}).
 */
function hasInterruptedWrite(dir: string): boolean {
  const checkout = new Checkout(dir);
  return checkout.kind(TRANSACTION_DIR) === 'directory' && checkout.isFile(JOURNAL);
}

/** Fails with `CG411` when a write into `dir` was interrupted after its commit point. */
export function assertNoInterruptedWrite(dir: string): void {
  if (!hasInterruptedWrite(dir)) return;
  throw GitOpsError.of('CG411', {
    file: TRANSACTION_DIR,
    message: `A write into ${dir} was interrupted half-way and the checkout holds part of it; reading it now would report changes that are not there.`,
  });
}

/**
 * Completes a write that was interrupted after its commit point, or discards one interrupted
 * before it. Returns whether anything was left over. A journal is replayed only when it was
 * written in this very transaction directory; one found anywhere else (committed to Git and
 * cloned, copied, planted) is refused with `CG412`, and so is a transaction directory that Git
 * tracks.
 */
export function recoverInterruptedWrite(dir: string): boolean {
  const checkout = new Checkout(dir);
  if (checkout.kind(TRANSACTION_DIR) === 'missing') return false;
  if (checkout.kind(TRANSACTION_DIR) !== 'directory') {
    throw GitOpsError.of('CG412', {
      file: TRANSACTION_DIR,
      message: `${TRANSACTION_DIR} is not a directory cdk8s-gitops made; it holds the state of a write in progress and is never committed.`,
      fix: `Remove it (git rm -r --cached ${TRANSACTION_DIR} if Git tracks it, and delete it), then run again.`,
    });
  }
  if (isTrackedByGit(checkout.root, TRANSACTION_DIR)) {
    throw GitOpsError.of('CG412', {
      file: TRANSACTION_DIR,
      message: `Git tracks files in ${TRANSACTION_DIR}, which holds the state of a write in progress: a journal that came with the repository is not replayed.`,
      fix: `Remove it from the repository (git rm -r ${TRANSACTION_DIR}, and commit), then run again.`,
    });
  }
  const text = checkout.read(JOURNAL);
  if (text === undefined) {
    checkout.removeTree(TRANSACTION_DIR);
    return true;
  }
  const journal = parseJournal(text);
  if (journal.owner !== identity(checkout.abs(TRANSACTION_DIR))) {
    throw GitOpsError.of('CG412', {
      file: JOURNAL,
      message: `The journal in ${TRANSACTION_DIR} was not written in this checkout (it was copied or planted here), so it is not replayed. Nothing was changed.`,
      fix: `Delete ${TRANSACTION_DIR} (rm -r ${TRANSACTION_DIR}), check the checkout with git status, then run again.`,
    });
  }
  completeJournal(checkout, journal, { replay: true });
  return true;
}

/** Whether Git tracks any file under `rel` in the repository holding `root` (false where Git cannot tell). */
function isTrackedByGit(root: string, rel: string): boolean {
  const result = gitSync(root, ['ls-files', '-z', '--', rel]);
  return result.status === 0 && result.stdout.length > 0;
}

function parseJournal(text: string): Journal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const data = isMap(parsed) ? parsed : {};
  const staged = (p: unknown): boolean => typeof p === 'string' && /^\.cdk8s-gitops\/transaction\/files\/\d+$/.test(p);
  const target = (p: unknown): boolean =>
    typeof p === 'string' && isOwnablePath(p) && (!p.startsWith(`${TOOL_DIR}/`) || isManifestPath(p) || isReleaseModelPath(p));
  const valid =
    typeof data.owner === 'string' &&
    Array.isArray(data.writes) &&
    Array.isArray(data.deletes) &&
    data.writes.every((w: unknown) => isMap(w) && staged(w.staged) && target(w.target)) &&
    data.deletes.every(target);
  if (!valid) {
    throw GitOpsError.of('CG406', {
      file: JOURNAL,
      message: 'The journal of an interrupted write is not one cdk8s-gitops wrote, so the write cannot be completed. Nothing was changed.',
      fix: `Delete ${TRANSACTION_DIR} (rm -r ${TRANSACTION_DIR}); then check with git status whether any generated file was left half-updated, and run synth again.`,
    });
  }
  return data as unknown as Journal;
}

/**
 * Moves the staged files of `journal` into place and deletes its deletions, then the transaction
 * directory. With `replay` (the journal of an interrupted run), a staged file already moved
 * before the interruption is skipped.
 */
function completeJournal(checkout: Checkout, journal: Journal, options: { replay?: boolean; onApply?: (count: number) => void }): void {
  const { replay = false, onApply } = options;
  let current: string = TRANSACTION_DIR;
  let n = 0;
  try {
    onApply?.(n);
    for (const w of journal.writes) {
      current = w.target;
      if (replay && checkout.kind(w.staged) === 'missing') continue; // moved before the interruption
      checkout.rename(w.staged, w.target);
      onApply?.(++n);
    }
    for (const p of journal.deletes) {
      current = p;
      checkout.remove(p);
      onApply?.(++n);
    }
    current = TRANSACTION_DIR;
    checkout.removeTree(TRANSACTION_DIR);
  } catch (e) {
    if (e instanceof GitOpsError) throw e;
    throw GitOpsError.of('CG406', {
      file: current,
      message:
        `The write was committed, but putting ${current} in place failed (${failureCause(e)}). ` +
        `The journal in ${TRANSACTION_DIR}/ keeps the whole change; the next run completes it.`,
      fix: 'Fix the cause (free disk space, permissions, a read-only file system), then run again.',
    });
  }
}

/**
 * The services whose entries `files` (the manifest being planned) keeps exactly as `old` has
 * them (the same objects), with `texts`, the files `old` was read from.
 */
function untouchedShards(
  old: Manifest,
  files: ReadonlyMap<string, ManifestEntry>,
  texts: ReadonlyMap<string, string>,
): { services: Set<string>; texts: ReadonlyMap<string, string> } {
  const touched = new Set<string>();
  for (const [p, e] of files) {
    const before = old.files.get(p);
    if (before === e) continue;
    if (e.service !== undefined) touched.add(e.service);
    if (before?.service !== undefined) touched.add(before.service);
  }
  for (const [p, before] of old.files) if (!files.has(p) && before.service !== undefined) touched.add(before.service);
  const services = new Set<string>();
  for (const e of old.files.values()) if (e.service !== undefined && !touched.has(e.service)) services.add(e.service);
  return { services, texts };
}
