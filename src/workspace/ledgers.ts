/**
 * Reading the release ledgers of a checkout: every declared service's ledger, or the one its
 * initialDigest makes when the checkout has none yet; a ledger that was deleted is refused.
 *
 * @module
 */
import { GitOpsError, problem } from '../core/errors';
import { PlatformModel } from '../model/platform-model';
import { initialLedger } from '../release/ledger';
import { INITIAL_SINCE, LedgerFile, ledgerFilePath, LedgerText, ledgerText, parseLedgerTexts, ringSpecs } from '../release/ledger-files';
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
  const rings = ringSpecs(model);
  const checkout = new Checkout(dir);
  const out = new Map<string, LedgerText>();
  const missing: string[] = [];
  for (const s of model.services) {
    const rel = ledgerFilePath(model, s.name);
    const text = checkout.read(rel, MAX_LEDGER_BYTES);
    if (text !== undefined) out.set(s.name, { path: rel, text, initial: false });
    else if (s.initialDigest) {
      missing.push(rel);
      out.set(s.name, { path: rel, text: ledgerText(model, initialLedger(s.name, rings, s.initialDigest, INITIAL_SINCE)), initial: true });
    }
  }
  if (missing.length > 0) assertNoDeletedLedgers(dir, missing);
  return out;
}

/**
 * Fails with `CG210` when any of the ledgers `missing` (checkout-relative paths) was deleted:
 * the manifest records it, or the last commit holds it (a deletion not committed yet, made
 * together with the manifest's record of it).
 */
function assertNoDeletedLedgers(dir: string, missing: readonly string[]): void {
  const recorded = readManifest(dir).files;
  const git = LedgerGit.open(dir);
  const atHead = git?.hasHead ? git.atHead(missing.filter((p) => !recorded.has(p))) : new Map<string, string | undefined>();
  const deleted = missing.filter((p) => recorded.has(p) || atHead.get(p) !== undefined);
  if (deleted.length === 0) return;
  throw new GitOpsError(
    deleted.map((p) =>
      problem('CG210', {
        file: p,
        message:
          `${p} is missing, but ${recorded.has(p) ? 'cdk8s-gitops wrote it and the manifest records it' : 'the last commit holds it'}: the ledger was deleted (by hand, or by a commit). ` +
          'Without it every ring of the service would start again from its initialDigest, prod included, and its holds and history would be gone. Nothing was written.',
        fix:
          `Restore it from Git: \`git checkout HEAD -- ${p}\` if the deletion is not committed; else find the commit that deleted it ` +
          `(\`git log --diff-filter=D --format=%h -1 -- ${p}\`) and \`git checkout <that commit>^ -- ${p}\`.`,
      }),
    ),
    `${deleted.length === 1 ? 'A release ledger was' : `${deleted.length} release ledgers were`} deleted:`,
  );
}

/**
 * Reads the ledger of every service of the program from the checkout `dir`. A service without
 * a ledger file gets one from its `initialDigest`, if it declares one; otherwise it has none
 * and its targets are not emitted yet. Malformed ledgers fail with file and line.
 */
export function readLedgers(model: PlatformModel, dir: string): Map<string, LedgerFile> {
  return parseLedgerTexts(model, readLedgerTexts(model, dir));
}
