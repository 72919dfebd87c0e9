/**
 * The tree for a program's model and a checkout: what each ring runs is read from the
 * checkout's ledgers.
 *
 * @module
 */
import { PlatformModel } from '../model/platform-model';
import { LedgerFile, parseLedgerTexts } from '../release/ledger-files';
import { BuildTreeOptions, servicesTree, treeFromLedgers, treeInputs } from '../synth/build';
import { contentHash, derivedFilesKey, FileTree } from '../synth/file-tree';
import { releaseOverview, statusMarkdown, STATUS_PATH } from '../synth/status';
import { unchangedWrite, WriteOptions } from './checkout/writer';
import { WriteReport } from '../model/write-report';
import { readLedgers, readLedgerTexts } from './ledgers';
import { readManifest, readManifestTexts } from './checkout/manifest-io';
import { DriftCheck } from './checkout/drift';
import { parseManifest } from '../synth/manifest';
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
 * of a write that changes nothing, without building the tree; or, when only ledgers changed
 * and the stat cache filled while the program ran shows every other owned file as written
 * (`WriteOptions.statCacheFor`), the part of the tree they touch ({@link ledgerChangeTree}).
 * `verify` and `adopt` always build the whole tree. Call `recoverInterruptedWrite` on the checkout first.
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
        ledgers: [...texts.values()],
        derivedPaths: [STATUS_PATH],
        derived: () => new Map([[STATUS_PATH, statusMarkdown(releaseOverview(model, ledgers()))]]),
      },
      options.statCacheFor,
    );
    if (unchanged) return { unchanged };
    // The owned files looked at while the program ran: when only ledgers changed, their services' part.
    const drift = options.statCacheFor?.(readManifestTexts(checkoutDir));
    const part = drift && ledgerChangeTree(model, checkoutDir, ledgers(), { modelFingerprint, retainReleaseFiles, drift });
    if (part) return { tree: part };
  }
  return { tree: treeFromLedgers(model, ledgers(), { modelFingerprint, retainReleaseFiles }) };
}

/**
 * The part of the tree that changed ledgers touch, when they are all that changed since a whole
 * write: its manifest is one that the checkout's last whole writes found or left (the stat cache
 * `drift` trusts it), is sealed and records the same program (`inputs`), every declared
 * service's ledger is there and recorded, and every other owned file holds what the manifest
 * records; and no release file is kept for ApplicationSets not yet published (see
 * `BuildTreeOptions.retainReleaseFiles`). The part is what a whole tree would change: the files of the changed ledgers'
 * services, those ledgers and `STATUS.md` (see `servicesTree`), made without the other services'.
 * Undefined otherwise, or when no ledger changed: the whole tree is needed.
 */
export function ledgerChangeTree(
  model: PlatformModel,
  checkoutDir: string,
  ledgers: ReadonlyMap<string, LedgerFile>,
  options: { readonly modelFingerprint: string; readonly retainReleaseFiles: boolean; readonly drift: DriftCheck },
): FileTree | undefined {
  const { drift } = options;
  // Release files kept for ApplicationSets not yet published are kept by a whole tree only.
  if (options.retainReleaseFiles) return undefined;
  const texts = readManifestTexts(checkoutDir);
  if (!drift.trusts(texts)) return undefined;
  const manifest = parseManifest(texts);
  const inputs = treeInputs(options.modelFingerprint, options.retainReleaseFiles);
  if (manifest.inputs !== inputs || manifest.unsealed !== undefined) return undefined;
  const changed = new Set<string>();
  const ledgerPaths = new Set<string>();
  for (const [service, f] of ledgers) {
    const recorded = manifest.files.get(f.path);
    if (f.initial || recorded === undefined || recorded.derived) return undefined;
    ledgerPaths.add(f.path);
    // Changed on disk since written, or as the tree writes it (a ring move rewrites it).
    if (recorded.sha256 !== contentHash(f.text) || drift.changed(f.path, recorded.sha256)) changed.add(service);
  }
  if (changed.size === 0) return undefined;
  for (const [p, e] of manifest.files) {
    if (!e.derived && !ledgerPaths.has(p) && drift.changed(p, e.sha256)) return undefined;
  }
  const before = [...ledgerPaths].map((p) => ({ path: p, sha256: manifest.files.get(p)!.sha256 }));
  const statusPage = knownStatusPage(model, checkoutDir, drift, derivedFilesKey(inputs, before));
  return servicesTree(model, ledgers, changed, inputs, {
    modelFingerprint: options.modelFingerprint,
    retainReleaseFiles: options.retainReleaseFiles,
    ...(statusPage === undefined ? {} : { statusPage }),
  });
}

/**
 * The checkout's `STATUS.md`, for the changed services' sections to be spliced into it, when the
 * stat cache `drift` knows it holds what the program makes from the ledgers before the change
 * (`key`, see `derivedFilesKey`); undefined otherwise, and the page is made from the model.
 */
export function knownStatusPage(
  model: PlatformModel,
  checkoutDir: string,
  drift: DriftCheck,
  key: string,
): BuildTreeOptions['statusPage'] | undefined {
  if (!drift.holdsMadeFrom(STATUS_PATH, key)) return undefined;
  const text = new Checkout(checkoutDir).read(STATUS_PATH);
  return text === undefined ? undefined : { text, services: model.services.map((s) => s.name), whole: true };
}
