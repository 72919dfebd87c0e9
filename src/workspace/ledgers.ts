/**
 * Reading the release ledgers of a checkout: every declared service's ledger, or the one its
 * initialDigest makes when the checkout has none yet; a ledger that was deleted is refused.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import { PlatformModel } from '../model/platform-model';
import {
  deletedLedgerProblem,
  LedgerFile,
  ledgerFilePath,
  ledgerText,
  LedgerText,
  parseLedgerTexts,
  programInitialLedger,
} from '../release/ledger-files';
import { Checkout } from './checkout/checkout-fs';
import { LedgerGit } from './git/ledger-history';
import { readManifest } from './checkout/manifest-io';

/** Largest ledger read: a ledger keeps a few releases per ring, kilobytes, never megabytes. */
export const MAX_LEDGER_BYTES = 16 * 1024 * 1024;

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
    else if (s.initialDigest) {
      missing.push(rel);
      out.set(s.name, { path: rel, text: ledgerText(model, programInitialLedger(model, s.name, s.initialDigest)), initial: true });
    }
  }
  if (missing.length > 0) assertNoDeletedLedgers(dir, missing);
  return out;
}

/**
 * Fails with `CG210` when any of the ledgers `missing` (checkout-relative paths) was deleted:
 * the manifest records it, the last commit holds it (a deletion not committed yet, made
 * together with the manifest's record of it), or a commit of the branch's history deleted it.
 */
function assertNoDeletedLedgers(dir: string, missing: readonly string[]): void {
  const recorded = readManifest(dir).files;
  const git = LedgerGit.open(dir);
  const unrecorded = missing.filter((p) => !recorded.has(p));
  const atHead = git?.hasHead ? git.atHead(unrecorded) : new Map<string, string | undefined>();
  const deletions = git?.hasHead ? git.deletions(unrecorded.filter((p) => atHead.get(p) === undefined)) : new Map<string, string>();
  const problems = missing.flatMap((p) => {
    if (recorded.has(p)) return [deletedLedgerProblem(p, 'recorded')];
    if (atHead.get(p) !== undefined) return [deletedLedgerProblem(p, 'head')];
    const commit = deletions.get(p);
    return commit === undefined ? [] : [deletedLedgerProblem(p, { deletedIn: commit })];
  });
  if (problems.length === 0) return;
  throw new GitOpsError(problems, `${problems.length === 1 ? 'A release ledger was' : `${problems.length} release ledgers were`} deleted:`);
}

/**
 * Reads the ledger of every service of the program from the checkout `dir`. A service without
 * a ledger file gets one from its `initialDigest`, if it declares one; otherwise it has none
 * and its targets are not emitted yet. Malformed ledgers fail with file and line.
 */
export function readLedgers(model: PlatformModel, dir: string): Map<string, LedgerFile> {
  return parseLedgerTexts(model, readLedgerTexts(model, dir));
}
