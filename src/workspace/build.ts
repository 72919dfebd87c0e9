/**
 * The tree for a program's model and a checkout: what each ring runs is read from the
 * checkout's ledgers.
 *
 * @module
 */
import { PlatformModel } from '../model/platform-model';
import { LedgerFile, parseLedgerTexts } from '../release/ledger-files';
import { BuildTreeOptions, treeFromLedgers, treeInputs } from '../synth/build';
import { FileTree } from '../synth/file-tree';
import { releaseOverview, statusMarkdown, STATUS_PATH } from '../synth/status';
import { unchangedWrite, WriteOptions } from './checkout/writer';
import { WriteReport } from '../model/write-report';
import { readLedgers, readLedgerTexts } from './ledgers';

/**
 * The tree for a model and a GitOps checkout: what each ring runs is read from the release
 * ledgers in the checkout, or taken from the program's initial digests where there are none.
 * Call `recoverInterruptedWrite` on the checkout first, so that the ledgers of a write
 * interrupted after its commit point are read as that write left them.
 */
export function buildTree(model: PlatformModel, checkoutDir: string, options: BuildTreeOptions = {}): FileTree {
  return treeFromLedgers(model, readLedgers(model, checkoutDir), options);
}

/** What {@link checkoutTree} found: the tree to write, or that the checkout is up to date. */
export type CheckoutTree =
  { readonly tree: FileTree; readonly unchanged?: undefined } | { readonly unchanged: WriteReport; readonly tree?: undefined };

/**
 * The tree for a model and a checkout, unless the checkout's manifest shows that it was
 * written from the same model and ledgers and every owned file is in place: then the report
 * of a write that changes nothing, without building the tree. `verify` and `adopt` always
 * build the tree. Call `recoverInterruptedWrite` on the checkout first.
 */
export function checkoutTree(
  model: PlatformModel,
  checkoutDir: string,
  modelFingerprint: string,
  options: WriteOptions = {},
): CheckoutTree {
  const texts = readLedgerTexts(model, checkoutDir);
  let parsed: Map<string, LedgerFile> | undefined;
  const ledgers = (): Map<string, LedgerFile> => (parsed ??= parseLedgerTexts(model, texts));
  if (!options.verify && !options.adopt) {
    const unchanged = unchangedWrite(checkoutDir, {
      inputs: treeInputs(modelFingerprint),
      ledgers: texts.values(),
      derived: () => new Map([[STATUS_PATH, statusMarkdown(releaseOverview(model, ledgers()))]]),
    });
    if (unchanged) return { unchanged };
  }
  return { tree: treeFromLedgers(model, ledgers(), { modelFingerprint }) };
}
