/**
 * Reading the release ledgers of a checkout: every declared service's ledger, or the one its
 * initialDigest makes when the checkout has none yet; a ledger that was deleted is refused.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import { PlatformModel } from '../model/platform-model';
import { initialRelease } from '../release/release';
import {
  deletedLedgerProblem,
  movedLedgerProblem,
  LedgerFile,
  ledgerFilePath,
  ledgerText,
  LedgerText,
  MAX_LEDGER_BYTES,
  parseLedgerTexts,
  programInitialLedger,
} from '../release/ledger-files';
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
  for (const s of model.services) {
    const rel = ledgerFilePath(model, s.name);
    const text = checkout.read(rel, MAX_LEDGER_BYTES);
    if (text !== undefined) out.set(s.name, { path: rel, text, initial: false });
    else if (initialRelease(s) !== undefined) {
      missing.push(rel);
      out.set(s.name, { path: rel, text: ledgerText(model, programInitialLedger(model, s.name, initialRelease(s)!)), initial: true });
    }
  }
  if (missing.length > 0) assertNoDeletedLedgers(dir, missing);
  return out;
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
