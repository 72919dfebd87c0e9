import { LedgerFile } from '../release/ledger-files';
import { PACKAGE_VERSION } from '../core/version';
import { FileKind, FileTree, fingerprint, ledgerTextsKey } from './file-tree';
import { PlatformModel } from '../model/platform-model';
import { releaseOverview, spliceStatusSection, statusMarkdown, STATUS_PATH } from './status';
import { CODEOWNERS_PATH, codeOwnersText } from './codeowners';
import { GitOpsError } from '../core/errors';
import { ReleaseState, RingRelease, ringRelease, synthesize } from './synthesize';
import { RELEASE_FILE } from './sources';
import { releaseModelFiles } from './release-model';
import { clusterEntryDirectory } from './flux/clusters';
import { isFluxEnvironment } from './flux/reconciler';

/**
 * Changes whenever the same model and ledgers would give other bytes: the version of the
 * package that writes the tree, and a number raised with any change to what a version writes
 * before it is released (v2: sources that state their type; v3: the release model recorded in
 * the manifest itself, CODEOWNERS that gives the platform team what decides production; v4: the
 * GitOps branch as `refs/heads/<branch>`, no ApplicationSet that generates nothing, sets split by
 * cluster under a cap, a self-managed Argo CD's revision-sync override and controller shards; v5:
 * the environment's broad ApplicationSets list their clusters once a cluster has sets of its own,
 * and exclude other sets' services on every cluster).
 */
const TREE_VERSION = `tree-v5 ${PACKAGE_VERSION}`;

/** Options of {@link buildTree}. */
export interface BuildTreeOptions {
  /**
   * The {@link modelFingerprint} of the model, when the caller has it already (the CLI takes it
   * from the text the program handed over).
   * @default - computed from the model
   */
  readonly modelFingerprint?: string;
  /**
   * Keep the release files of the model's Helm targets that the tree no longer makes: the
   * checkout's ApplicationSets still read them (a service stopped promoting its chart). Argo CD
   * applies an ApplicationSet's new spec apart from the commit that brings it; until it has,
   * the old spec must still find every target's file.
   * @default false
   */
  readonly retainReleaseFiles?: boolean;
  /**
   * For {@link serviceTree} of a model of some services only (read from the tree's release model),
   * or of the program's when the page is known to be what it makes of the ledgers before the change:
   * the checkout's `STATUS.md` and the names of every service of the platform, in order. The
   * service's section is made again and spliced into the page, in place of rendering every
   * service's (which needs their ledgers and targets).
   * @default - the page is made from the model's services
   */
  readonly statusPage?: {
    readonly text: string;
    readonly services: readonly string[];
    /**
     * Whether the model holds every service (the program's): a page that cannot be split is
     * then made from the model, rather than refused with `CG316`.
     * @default false
     */
    readonly whole?: boolean;
  };
}

/**
 * The fingerprint of a model: of the JSON text a program hands the CLI (`{"model": …}`), which
 * is what the CLI fingerprints, so that a tree written by the CLI and one written by the
 * program itself record the same inputs.
 */
export function modelFingerprint(model: PlatformModel): string {
  return fingerprint(JSON.stringify({ model }));
}

/** What each ring of each service runs, according to the ledgers. */
export function releaseState(ledgers: ReadonlyMap<string, LedgerFile>): ReleaseState {
  const state = new Map<string, Map<string, RingRelease>>();
  for (const [service, file] of ledgers) {
    state.set(service, new Map(Object.entries(file.ledger.rings).map(([ring, r]) => [ring, ringRelease(r)])));
  }
  return state;
}

/**
 * The fingerprint of the program a tree is made from: the package version and the model. The
 * ledgers are the tree's other input; the manifest records each with its content hash, in the
 * service's shard, so that promotions of different services change different files.
 */
export function treeInputs(modelFingerprint: string, retainReleaseFiles = false): string {
  // Release files kept for ApplicationSets not yet published (see BuildTreeOptions.retainReleaseFiles)
  // make another tree: the write after their publication removes them.
  return fingerprint(`${TREE_VERSION}\n${modelFingerprint}${retainReleaseFiles ? '\nretain-release-files' : ''}`);
}

/**
 * The tree for a model and a set of ledgers; the ledgers are part of the tree, and so is
 * `STATUS.md`, the release status made from them.
 */
export function treeFromLedgers(model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>, options: BuildTreeOptions = {}): FileTree {
  const svcPaths = new Map(model.services.map((s) => [s.name, s.path]));
  const print = options.modelFingerprint ?? modelFingerprint(model);
  const inputs = treeInputs(print, options.retainReleaseFiles);
  const derivedKey = ledgerTextsKey(inputs, ledgers.values());
  const made = new Map(ledgers); // what STATUS.md is made from, whenever it is
  return synthesize(model, {
    releases: releaseState(ledgers),
    extraFiles: [
      ...[...ledgers.entries()].map(([service, f]) => ({
        path: f.path,
        kind: FileKind.LEDGER,
        origin: svcPaths.get(service)!,
        text: f.text,
        service,
      })),
      // Made only when a command needs it: not when the stat cache knows the checkout's page is what these make (see `planWrite`).
      {
        path: STATUS_PATH,
        kind: FileKind.STATUS,
        origin: model.path,
        text: { key: () => derivedKey, make: () => statusMarkdown(releaseOverview(model, made)) },
      },
      ...(model.teams === undefined
        ? []
        : [{ path: CODEOWNERS_PATH, kind: FileKind.CODEOWNERS, origin: model.path, text: codeOwnersText(model) }]),
      // What the release commands need of the program, for a run without it.
      ...releaseModelFiles(model, print, PACKAGE_VERSION).map((f) => ({
        path: f.path,
        kind: FileKind.MODEL,
        origin: f.service === undefined ? model.path : svcPaths.get(f.service)!,
        // Its text is made from its data alone: the data (JSON.stringify is native, the text's
        // writer is not) keys it, so a file whose service did not change keeps its key. The data
        // is made from the model and the tool's version, which the tree's inputs fingerprint.
        text: { key: () => fingerprint(`${PACKAGE_VERSION}\u0000${JSON.stringify(f.data())}`), make: f.text, fromInputs: true },
        // Recorded in the manifest itself, not the service's shard: what the program decided is
        // vouched for by the file its owners (the platform's) approve, never by one a team may.
        // A promotion writes none of these, so its change still leaves the manifest alone.
      })),
    ],
    inputs,
    derivedKey,
    retains: retainedFiles(model, options),
  });
}

/** The owned files a tree of `model` keeps without making them: retired ledgers, and release files while in use. */
function retainedFiles(model: PlatformModel, options: BuildTreeOptions): (path: string) => boolean {
  return options.retainReleaseFiles ? anyOf(retiredLedgers(model), targetReleaseFiles(model)) : retiredLedgers(model);
}

/**
 * The ledger files of services the program no longer declares (`<releases>/<name>.yaml`): a
 * write keeps them, so that a service declared again resumes from its history rather than
 * from its `initialDigest`.
 */
export function retiredLedgers(model: PlatformModel): (path: string) => boolean {
  const prefix = `${model.layout.releases}/`;
  const declared = new Set(model.services.map((s) => s.name));
  return (p) =>
    p.startsWith(prefix) &&
    p.endsWith('.yaml') &&
    !p.includes('/', prefix.length) &&
    !declared.has(p.slice(prefix.length, -'.yaml'.length));
}

/** The release files of the model's Helm targets, `<environments>/<target>/release.yaml`. */
function targetReleaseFiles(model: PlatformModel): (path: string) => boolean {
  const helm = new Set(model.services.filter((s) => s.source.kind === 'helm').map((s) => s.name));
  const files = new Set(
    model.targets.filter((t) => helm.has(t.service)).map((t) => `${model.layout.environments}/${t.id}/${RELEASE_FILE}`),
  );
  return (p) => files.has(p);
}

/** The status page after a change to the ledgers of `services`: made from the model, or their sections spliced into the checkout's (`CG316` when that cannot be). */
function statusPageOf(
  model: PlatformModel,
  ledgers: ReadonlyMap<string, LedgerFile>,
  services: ReadonlySet<string>,
  page: BuildTreeOptions['statusPage'],
): string {
  if (page === undefined) return statusMarkdown(releaseOverview(model, ledgers));
  const overview = releaseOverview({ ...model, services: model.services.filter((s) => services.has(s.name)) }, ledgers);
  const spliced = spliceStatusSection(page.text, overview, page.services);
  if (spliced === undefined && page.whole === true) return statusMarkdown(releaseOverview(model, ledgers));
  if (spliced === undefined) {
    throw GitOpsError.of('CG316', {
      file: STATUS_PATH,
      message: `${STATUS_PATH} cannot be split into one section per service as cdk8s-gitops writes it (edited by hand, or written from another model), so the section of ${[...services].join(', ')} cannot be written without the program. Nothing was written.`,
      fix: `Run the command with the program (--app, or app in cdk8s.yaml), or run \`cdk8s-gitops synth\` with it first, which writes ${STATUS_PATH} again.`,
    });
  }
  return spliced;
}

function anyOf(...tests: ((path: string) => boolean)[]): (path: string) => boolean {
  return (p) => tests.some((t) => t(p));
}

/**
 * The part of the tree that a change to one service's ledger touches: the files of the
 * service's targets (with their files in the entry points of clusters Flux reconciles), its
 * ledger and `STATUS.md`. `basedOn` is the inputs fingerprint of the
 * checkout it is written into, which must have been written from the same model and from
 * `ledgers` as they were before the change (the writer checks); all other owned files stay
 * as they are.
 */
export function serviceTree(
  model: PlatformModel,
  ledgers: ReadonlyMap<string, LedgerFile>,
  service: string,
  basedOn: string,
  options: BuildTreeOptions = {},
): FileTree {
  return servicesTree(model, ledgers, new Set([service]), basedOn, options);
}

/** {@link serviceTree} for a change to the ledgers of several services. */
export function servicesTree(
  model: PlatformModel,
  ledgers: ReadonlyMap<string, LedgerFile>,
  services: ReadonlySet<string>,
  basedOn: string,
  options: BuildTreeOptions = {},
): FileTree {
  const mine = [...services].flatMap((service) => {
    const ledger = ledgers.get(service);
    return ledger ? [{ service, ledger }] : [];
  });
  const ledgerPaths = new Set(mine.map((m) => m.ledger.path));
  const origins = new Map(model.services.map((s) => [s.name, s.path]));
  const prefix = `${model.layout.environments}/`;
  const mineTargets = model.targets.filter((t) => services.has(t.service));
  const targets = new Set(mineTargets.map((t) => t.id));
  // On a cluster Flux reconciles, a target's file in the cluster's entry point is the service's as well.
  const entryFiles = new Set(
    mineTargets.filter((t) => isFluxEnvironment(model, t.environment)).map((t) => `${clusterEntryDirectory(t)}/${t.service}.yaml`),
  );
  const covers = (p: string): boolean => {
    if (p === STATUS_PATH || ledgerPaths.has(p) || entryFiles.has(p)) return true;
    if (!p.startsWith(prefix)) return false;
    // <environments>/<env>/<cloud>/<cluster>/<service>/…: the target's id is the four segments after the prefix.
    let end = prefix.length;
    for (let i = 0; i < 4 && end !== -1; i++) end = p.indexOf('/', end + 1);
    return end !== -1 && targets.has(p.slice(prefix.length, end));
  };
  const inputs = treeInputs(options.modelFingerprint ?? modelFingerprint(model), options.retainReleaseFiles);
  return synthesize(model, {
    releases: releaseState(ledgers),
    extraFiles: [
      ...mine.map(({ service, ledger }) => ({
        path: ledger.path,
        kind: FileKind.LEDGER,
        origin: origins.get(service)!,
        text: ledger.text,
        service,
      })),
      { path: STATUS_PATH, kind: FileKind.STATUS, origin: model.path, text: statusPageOf(model, ledgers, services, options.statusPage) },
    ],
    inputs,
    // The page is every service's, spliced or made whole: what the whole tree of these ledgers makes.
    derivedKey: ledgerTextsKey(inputs, ledgers.values()),
    // A part keeps what a whole tree keeps: a promotion must not remove release files the checkout's sets still read.
    retains: retainedFiles(model, options),
    part: { services, basedOn, covers },
  });
}
