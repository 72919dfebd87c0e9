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
import { readManifest } from './checkout/manifest-io';
import { Checkout } from './checkout/checkout-fs';
import { LedgerGit } from './git/ledger-history';
import { RELEASE_FILE } from '../synth/sources';
import { readsReleaseFiles } from '../model/source-kinds';
import { isFluxEnvironment } from '../synth/flux/reconciler';

/**
 * The tree for a model and a GitOps checkout: what each ring runs is read from the release
 * ledgers in the checkout, or taken from the program's initial digests where there are none.
 * Call `recoverInterruptedWrite` on the checkout first, so that the ledgers of a write
 * interrupted after its commit point are read as that write left them.
 */
export function buildTree(model: PlatformModel, checkoutDir: string, options: BuildTreeOptions = {}): FileTree {
  return treeFromLedgers(model, readLedgers(model, checkoutDir), { retainReleaseFiles: releaseFilesInUse(model, checkoutDir), ...options });
}

/**
 * Whether an ApplicationSet file cdk8s-gitops wrote into the checkout reads release files, as
 * the checkout has it or as `HEAD` does: then a write keeps the release files of the targets
 * that remain (see `BuildTreeOptions.retainReleaseFiles`), and the write after the changed
 * ApplicationSets were published removes them.
 */
export function releaseFilesInUse(model: PlatformModel, checkoutDir: string): boolean {
  const recorded = [...readManifest(checkoutDir).files.keys()];
  // Only a release file the tree no longer makes can be kept: without one, nothing is.
  if (!recorded.some(keptReleaseFile(model))) return false;
  const prefix = `${model.layout.applicationSets}/`;
  const sets = recorded.filter((p) => p.startsWith(prefix) && p.endsWith('.yaml'));
  if (sets.length === 0) return false;
  const readsThem = (text: string | undefined): boolean => text !== undefined && text.includes(`/${RELEASE_FILE}`);
  const checkout = new Checkout(checkoutDir);
  if (sets.some((p) => checkout.kind(p) === 'file' && readsThem(checkout.read(p)))) return true;
  const git = LedgerGit.open(checkoutDir);
  if (git === undefined || !git.hasHead) return false;
  return [...git.atHead(sets).values()].some(readsThem);
}

/**
 * Whether a path is a release file in an environment whose ApplicationSets no longer read
 * release files, so that the tree does not make it: one a write may keep. Told from the path and
 * the platform's environments alone, so that a model of some services (read from the tree's
 * release model) tells it as the program's does.
 */
function keptReleaseFile(model: PlatformModel): (path: string) => boolean {
  const prefix = `${model.layout.environments}/`;
  return (p) => {
    if (!p.startsWith(prefix) || !p.endsWith(`/${RELEASE_FILE}`)) return false;
    const env = p.slice(prefix.length, p.indexOf('/', prefix.length));
    // Flux reads no release file: its environment's ApplicationSets are gone with the move.
    return !readsReleaseFiles(model, env) && !isFluxEnvironment(model, env);
  };
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
  const retainReleaseFiles = releaseFilesInUse(model, checkoutDir);
  if (!options.verify && !options.adopt) {
    const unchanged = unchangedWrite(
      checkoutDir,
      {
        inputs: treeInputs(modelFingerprint, retainReleaseFiles),
        ledgers: texts.values(),
        derived: () => new Map([[STATUS_PATH, statusMarkdown(releaseOverview(model, ledgers()))]]),
      },
      options.statCacheFor,
    );
    if (unchanged) return { unchanged };
  }
  return { tree: treeFromLedgers(model, ledgers(), { modelFingerprint, retainReleaseFiles }) };
}
