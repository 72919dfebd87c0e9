import { LedgerFile, readLedgers } from '../release/checkout';
import { FileKind, FileTree } from './file-tree';
import { PlatformModel } from './model';
import { statusMarkdown, statusOf, STATUS_PATH } from './status';
import { ReleaseState, RingRelease, synthesize } from './synthesize';

/** What each ring of each service runs, according to the ledgers. */
export function releaseState(ledgers: ReadonlyMap<string, LedgerFile>): ReleaseState {
  const state = new Map<string, Map<string, RingRelease>>();
  for (const [service, file] of ledgers) {
    state.set(service, new Map(Object.entries(file.ledger.rings).map(([ring, r]) => [ring, { version: r.digest }])));
  }
  return state;
}

/**
 * The tree for a model and a set of ledgers; the ledgers are part of the tree, and so is
 * `STATUS.md`, the release status made from them.
 */
export function treeFromLedgers(model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>): FileTree {
  const svcPaths = new Map(model.services.map((s) => [s.name, s.path]));
  return synthesize(model, {
    releases: releaseState(ledgers),
    extraFiles: [
      ...[...ledgers.entries()].map(([service, f]) => ({ path: f.path, kind: FileKind.LEDGER, origin: svcPaths.get(service)!, text: f.text })),
      { path: STATUS_PATH, kind: FileKind.STATUS, origin: model.path, text: statusMarkdown(statusOf(model, ledgers)) },
    ],
  });
}

/**
 * The tree for a model and a GitOps checkout: what each ring runs is read from the release
 * ledgers in the checkout, or taken from the program's initial digests where there are none.
 * Call `recoverInterruptedWrite` on the checkout first, so that the ledgers of a write
 * interrupted after its commit point are read as that write left them.
 */
export function buildTree(model: PlatformModel, checkoutDir: string): FileTree {
  return treeFromLedgers(model, readLedgers(model, checkoutDir));
}
