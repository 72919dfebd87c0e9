/**
 * Reading the release ledgers of a checkout: every declared service's ledger, or the one its
 * initialDigest makes when the checkout has none yet; a ledger that was deleted is refused.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import { PlatformModel } from '../model/platform-model';
import { initialRelease } from '../release/release';
import { contentHash } from '../synth/file-tree';
import { pendingStore, readPending } from './pending-operations';
import {
  deletedLedgerProblem,
  movedLedgerProblem,
  LedgerFile,
  ledgerFilePath,
  LedgerText,
  MAX_LEDGER_BYTES,
  parseLedgerTexts,
  programInitialLedgerText,
  hasOnlyInitialEntries,
  isInitialLedgerText,
} from '../release/ledger-files';
import { readKnownText } from './checkout/known-texts';
import { Checkout } from './checkout/checkout-fs';
import { LedgerGit } from './git/ledger-history';
import { readManifest } from './checkout/manifest-io';
import type { ManifestEntry } from '../synth/manifest';
import { serviceOfFile } from '../release/ledger-reader';

/**
 * Reads the ledger text of every service of the program from the checkout `dir`, or makes it
 * from the service's `initialDigest` where the checkout has none; see {@link readLedgers}.
 * A ledger the manifest records but the checkout lacks was deleted: that fails with `CG210`,
 * for every such ledger at once, rather than start its rings again from `initialDigest`.
 */
export function readLedgerTexts(model: PlatformModel, dir: string): Map<string, LedgerText> {
  const checkout = new Checkout(dir);
  const out = new Map<string, LedgerText>();
  const missing: string[] = [];
  const earlierInitial: { service: string; path: string; text: string; initial: string }[] = [];
  for (const s of model.services) {
    const rel = ledgerFilePath(model, s.name);
    const text = readKnownText(checkout, rel, MAX_LEDGER_BYTES);
    const release = initialRelease(s);
    if (text !== undefined) {
      out.set(s.name, { path: rel, text, initial: false });
      if (release !== undefined && hasOnlyInitialEntries(text)) {
        // The program's own initial ledger is the common case: compared as text, it needs no parse.
        const initial = programInitialLedgerText(model, s.name, release);
        if (text !== initial && isInitialLedgerText(model, s.name, text))
          earlierInitial.push({ service: s.name, path: rel, text, initial });
      }
    } else if (release !== undefined) {
      missing.push(rel);
      out.set(s.name, { path: rel, text: programInitialLedgerText(model, s.name, release), initial: true });
    }
  }
  if (missing.length > 0) assertNoDeletedLedgers(dir, missing);
  for (const l of unpublishedInitialLedgers(dir, earlierInitial)) out.set(l.service, { path: l.path, text: l.initial, initial: true });
  return out;
}

/**
 * Of the ledgers `found` in the checkout `dir`, each the initial ledger of an earlier version of
 * the program (see `isInitialLedgerText`), those never published: as cdk8s-gitops wrote them
 * (the manifest's hash), that no commit holds or deleted and no pending operation made. Nothing ran them: the program's initial release (a changed
 * `initialDigest`, or an add-on's chart version) takes their place, as it would have before the
 * first write. A ledger that was committed is history, and stays.
 */
function unpublishedInitialLedgers<L extends { readonly path: string; readonly text: string }>(dir: string, found: readonly L[]): L[] {
  if (found.length === 0) return [];
  const recorded = readManifest(dir).files;
  const asWritten = found.filter((l) => recorded.get(l.path)?.sha256 === contentHash(l.text));
  const store = pendingStore(dir);
  const pending = new Set(store === undefined ? [] : readPending(store).map((op) => op.ledger.path));
  const unpending = asWritten.filter((l) => !pending.has(l.path));
  const git = LedgerGit.open(dir);
  if (git === undefined || !git.hasHead || unpending.length === 0) return unpending;
  const atHead = git.atHead(unpending.map((l) => l.path));
  const uncommitted = unpending.filter((l) => atHead.get(l.path) === undefined);
  const deleted = uncommitted.length === 0 ? new Map<string, string>() : git.deletions(uncommitted.map((l) => l.path));
  return uncommitted.filter((l) => !deleted.has(l.path));
}

/**
 * Fails with `CG210` when any of the ledgers `missing` (checkout-relative paths) was deleted:
 * the manifest records it, the last commit holds it (a deletion not committed yet, made
 * together with the manifest's record of it), or a commit of the branch's history deleted it,
 * there or at another path (before `layout.releases` changed).
 */
function assertNoDeletedLedgers(dir: string, missing: readonly string[]): void {
  const recorded = readManifest(dir).files;
  const git = LedgerGit.open(dir);
  const elsewhere = recordedElsewhere(recorded, missing);
  const unrecorded = missing.filter((p) => !recorded.has(p) && !elsewhere.has(p));
  const atHead = git?.hasHead ? git.atHead(unrecorded) : new Map<string, string | undefined>();
  const unknown = unrecorded.filter((p) => atHead.get(p) === undefined);
  const deletions = git?.hasHead ? git.deletions(unknown) : new Map<string, string>();
  const notDeleted = unknown.filter((p) => !deletions.has(p));
  const deletedElsewhere =
    git?.hasHead && notDeleted.length > 0 ? git.deletedElsewhere(new Map(notDeleted.map((p) => [serviceOfFile(p), p]))) : new Map();
  const shallow = git?.hasHead === true && notDeleted.some((p) => !deletedElsewhere.has(serviceOfFile(p))) && git.shallow;
  const problems = missing.flatMap((p) => {
    if (recorded.has(p)) return [deletedLedgerProblem(p, 'recorded')];
    const other = elsewhere.get(p);
    if (other !== undefined) return [movedLedgerProblem(p, other)];
    if (atHead.get(p) !== undefined) return [deletedLedgerProblem(p, 'head')];
    const commit = deletions.get(p);
    if (commit !== undefined) return [deletedLedgerProblem(p, { deletedIn: commit })];
    const before = deletedElsewhere.get(serviceOfFile(p));
    if (before !== undefined) return [deletedLedgerProblem(p, { deletedIn: before.commit, at: before.path })];
    return shallow ? [deletedLedgerProblem(p, 'shallow')] : [];
  });
  if (problems.length === 0) return;
  throw new GitOpsError(problems, `${problems.length === 1 ? 'A release ledger is' : `${problems.length} release ledgers are`} missing:`, {
    grouped: true,
  });
}

/**
 * For each of the ledgers `missing`, the other path at which the manifest records the same
 * service's ledger, if any: a file of the service's shard named `<service>.yaml` that is not
 * in a directory of the service's own (where its values and objects are).
 */
export function recordedElsewhere(recorded: ReadonlyMap<string, ManifestEntry>, missing: readonly string[]): Map<string, string> {
  const wanted = new Map(missing.map((p) => [serviceOfFile(p), p]));
  const out = new Map<string, string>();
  for (const [q, entry] of recorded) {
    const p = entry.service === undefined ? undefined : wanted.get(entry.service);
    if (p === undefined || q === p || out.has(p)) continue;
    const parts = q.split('/');
    if (parts[parts.length - 1] === `${entry.service}.yaml` && parts[parts.length - 2] !== entry.service) out.set(p, q);
  }
  return out;
}

/**
 * Reads the ledger of every service of the program from the checkout `dir`. A service without
 * a ledger file gets one from its `initialDigest`, if it declares one; otherwise it has none
 * and its targets are not emitted yet. Malformed ledgers fail with file and line.
 */
export function readLedgers(model: PlatformModel, dir: string): Map<string, LedgerFile> {
  return parseLedgerTexts(model, readLedgerTexts(model, dir));
}
