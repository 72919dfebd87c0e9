import { applicationName } from '../model/placement';
import { targetSourceKind } from '../synth/target-kind';
import { GitOpsError } from '../core/errors';
import { catalogueFix, type ErrorCode } from '../core/error-catalogue';
import { LedgerFile } from '../release/ledger-files';
import { Checkout } from './checkout/checkout-fs';
import { contentHash, FileTree } from '../synth/file-tree';
import { applicationsOf, isVisiblePath, previewOfCheckout, sameDirectories, viewOfCheckout, viewOfDeclaredTree } from './inspect/checkout';
import { isManifestPath, MANIFEST_PATH, manifestShardPath, parseManifest } from '../synth/manifest';
import { readManifestTexts } from './checkout/manifest-io';
import { platformBaseProblems } from './checkout/platform-bases';
import { readsBaselineDirectory } from '../model/source-kinds';
import { clusterEntryDirectory, FLUX_CLUSTERS_DIR, FLUX_NAMESPACE } from '../synth/flux/clusters';
import { isFluxEnvironment } from '../synth/flux/reconciler';
import { PlatformModel } from '../model/platform-model';
import { TOOL_DIR } from '../model/repository-places';
import { targetDirectory } from '../model/placement';
import { BASE_DIRECTORY, BASELINE_DIRECTORY } from '../synth/sources';
import { planWrite, StatCacheFor } from './checkout/writer';
import { TRANSACTION_DIR } from './checkout/transaction-dir';
import { DriftCheck } from './checkout/drift';
import { heldRings } from '../synth/synthesize';
import { releaseState } from '../synth/build';
import { isMap } from '../core/plain';
import { handEditDiff } from './hand-edit-diff';
import { KUSTOMIZATION_NAMES, rootApplicationDirectories } from './inspect/root-manifests';
import { PreviewCode, type GeneratedApplication, type GeneratedAt } from '../preview';

/** Kinds of drift `check` finds. */
export enum FindingKind {
  EDITED = 'edited',
  MISSING = 'missing',
  OUT_OF_DATE = 'out-of-date',
  UNDECLARED_APPLICATION = 'undeclared-application',
  MISSING_APPLICATION = 'missing-application',
  DIGEST_MISMATCH = 'digest-mismatch',
  INTERRUPTED_WRITE = 'interrupted-write',
  UNRECORDED = 'unrecorded',
  MANIFEST_EDITED = 'manifest-edited',
  STRAY_FILE = 'stray-file',
  UNUSABLE_BASE = 'unusable-base',
  /** An Application the checkout's ApplicationSets generate a second time within one ApplicationSet, or that another ApplicationSet owns. */
  DUPLICATE_APPLICATION = 'duplicate-application',
  /** An Application the checkout's ApplicationSets generate whose name or labels the API server refuses. */
  INVALID_APPLICATION = 'invalid-application',
}

/** The catalogue's code of each kind of finding; `docs/errors.md` explains each. */
export const FINDING_CODES: Readonly<Record<FindingKind, ErrorCode>> = {
  [FindingKind.EDITED]: 'CG413',
  [FindingKind.MISSING]: 'CG414',
  [FindingKind.OUT_OF_DATE]: 'CG415',
  [FindingKind.UNDECLARED_APPLICATION]: 'CG416',
  [FindingKind.MISSING_APPLICATION]: 'CG417',
  [FindingKind.DIGEST_MISMATCH]: 'CG418',
  [FindingKind.INTERRUPTED_WRITE]: 'CG419',
  [FindingKind.UNRECORDED]: 'CG420',
  [FindingKind.MANIFEST_EDITED]: 'CG421',
  [FindingKind.STRAY_FILE]: 'CG423',
  [FindingKind.UNUSABLE_BASE]: 'CG424',
  [FindingKind.DUPLICATE_APPLICATION]: 'CG425',
  [FindingKind.INVALID_APPLICATION]: 'CG426',
};

/** What {@link checkCheckout} compares the checkout with besides the program. */
export interface CheckOptions {
  /**
   * The base of the change set the checkout is (`check --base <ref>`): `read` gives the text of
   * files there (undefined for a file it does not have).
   * @default - no base: the checkout is compared with the program alone
   */
  readonly base?: {
    readonly ref: string;
    read(paths: readonly string[]): ReadonlyMap<string, string | undefined>;
    /** Every file below the directory `dir` there. */
    list(dir: string): readonly string[];
  };
  /**
   * The stat cache filled while the program ran, for the manifest texts it was filled for (see
   * `WriteOptions.statCacheFor`).
   * @default - none: the stat cache is loaded and every owned file looked at
   */
  readonly statCacheFor?: StatCacheFor;
}

/** One difference between the checkout and what the program synthesizes. */
export interface Finding {
  readonly kind: FindingKind;
  /** The kind's code in the error catalogue ({@link FINDING_CODES}). */
  readonly code: ErrorCode;
  /** Repository-relative file or directory. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  /**
   * For a file edited by hand that the program still makes: the unified diff from what
   * cdk8s-gitops writes to what the checkout holds (lines that may hold a secret not shown).
   * @default - none
   */
  readonly diff?: string;
}

/** A finding of `kind` at `path`; its code is the kind's, its fix the catalogue's unless `fix` is given. */
function finding(kind: FindingKind, path: string, message: string, fix?: string): Finding {
  const code = FINDING_CODES[kind];
  return { kind, code, path, message, fix: fix ?? catalogueFix(code) };
}

/**
 * Compares a checkout with what the program synthesizes, for the GitOps repository's own CI:
 * owned files edited by hand or missing, changes not synthesized yet, directories that would
 * become Applications nobody declared, and values whose digest disagrees with the ledger.
 * Reads only; changes nothing.
 */
export function checkCheckout(
  model: PlatformModel,
  tree: FileTree,
  ledgers: ReadonlyMap<string, LedgerFile>,
  dir: string,
  options: CheckOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const checkout = new Checkout(dir);
  if (checkout.kind(TRANSACTION_DIR) !== 'missing') {
    findings.push(finding(FindingKind.INTERRUPTED_WRITE, TRANSACTION_DIR, 'A write was interrupted and has not been completed.'));
  }
  const texts = readManifestTexts(dir);
  const manifest = parseManifest(texts);
  for (const p of manifest.edited ?? []) {
    findings.push(
      finding(
        FindingKind.MANIFEST_EDITED,
        p,
        `${p} was edited by hand since cdk8s-gitops wrote it: what it records of the files it owns is not what cdk8s-gitops recorded.`,
      ),
    );
  }
  // A file the stat cache shows unchanged since it was found to hold what the manifest records
  // holds it still (a fresh clone has no cache: every file is read).
  const drift = options.statCacheFor?.(texts) ?? DriftCheck.load(checkout);
  for (const [p, e] of manifest.files) {
    const text = !e.derived && !drift.changed(p, e.sha256) ? AS_RECORDED : readFile(checkout, p);
    if (e.derived && text !== undefined) continue; // made from the ledgers: out of date, never edited
    if (text === undefined) {
      findings.push(finding(FindingKind.MISSING, p, `${p} is owned by cdk8s-gitops but missing.`));
    } else if (text !== AS_RECORDED && contentHash(text) !== e.sha256) {
      const diff = tree.has(p) ? handEditDiff(p, tree.content(p), text) : undefined;
      findings.push({ ...finding(FindingKind.EDITED, p, `${p} was edited by hand.`), ...(diff === undefined ? {} : { diff }) });
    }
  }
  const flagged = new Set(findings.map((f) => f.path));
  // A file is made again and compared unless cdk8s-gitops made its content from the same key and
  // it is unchanged since (the stat cache knows; a fresh clone makes every file): the manifest's
  // record of a file is no proof of its content, since anyone can write a manifest.
  const write = planWrite(tree, dir, { statCache: drift });
  // Files exactly as the program writes them now.
  const current = new Set(tree.paths().filter((p) => !write.writes.has(p)));
  // Files of a ring held at its release that do not fit it (CG214), but for those named already.
  for (const problem of write.held) {
    if (problem.file !== undefined && flagged.has(problem.file)) continue;
    findings.push(finding(FindingKind.OUT_OF_DATE, problem.file ?? '.', problem.message, problem.fix));
  }
  // A held ring's files stay as they are until a release of the program's images is promoted
  // into it: a change to them since the base of a change set (`check --base`) is one nobody may
  // make, whatever they run now (they can no longer be made again to compare with).
  if (options.base !== undefined) {
    for (const [held, h] of tree.held) {
      // What the target has now and what it had there: files deleted since count as changed.
      const paths = [...new Set([...manifest.files.keys(), ...options.base.list(held.slice(0, -1))])]
        .filter((p) => p.startsWith(held) && !flagged.has(p))
        .sort();
      const before = options.base.read(paths);
      for (const p of paths) {
        if (readFile(checkout, p) === before.get(p)) continue;
        flagged.add(p);
        findings.push(
          finding(
            FindingKind.OUT_OF_DATE,
            p,
            `${p} changed since ${options.base.ref}, but it is a file of ring "${h.ring}" of ${h.service}, which is held at its release: its files stay as they are until a release of the program's images is promoted into it.`,
            `Restore it (git checkout ${options.base.ref} -- ${p}); change what the ring runs with promote, once a release of the program's images can go into it.`,
          ),
        );
      }
    }
  }
  // A record the manifest gained since the base of a change set for a file the program does not
  // make is one nobody but cdk8s-gitops writes, for a file it just deleted: a record planted for
  // someone else's file, which the next write would delete.
  if (options.base !== undefined) {
    const before = recordedAt(options.base);
    for (const p of write.deletes) {
      if (flagged.has(p) || before === undefined || before.has(p)) continue;
      flagged.add(p);
      findings.push(
        finding(
          FindingKind.MANIFEST_EDITED,
          p,
          `The manifest records ${p} since ${options.base.ref}, but the program does not make it: cdk8s-gitops never records a file it does not write, and synth would delete it.`,
          `Remove the record (restore the manifest: git checkout ${options.base.ref} -- .cdk8s-gitops), and keep the file.`,
        ),
      );
    }
  }
  // A derived file (STATUS.md) holding a hand edit Git does not hold, which a write refuses to lose (CG409).
  for (const p of write.edited) {
    if (flagged.has(p)) continue;
    flagged.add(p);
    const text = readFile(checkout, p);
    const diff = text === undefined || !tree.has(p) ? undefined : handEditDiff(p, tree.content(p), text);
    findings.push({ ...finding(FindingKind.EDITED, p, `${p} was edited by hand.`), ...(diff === undefined ? {} : { diff }) });
  }
  for (const [p, w] of write.writes) {
    if (flagged.has(p)) continue;
    findings.push(
      finding(
        FindingKind.OUT_OF_DATE,
        p,
        w.existed ? `${p} differs from what the program synthesizes.` : `${p} is declared by the program but not synthesized yet.`,
      ),
    );
  }
  for (const p of write.unrecorded) {
    findings.push(
      finding(
        FindingKind.UNRECORDED,
        p,
        `${p} holds what the program makes, but the manifest does not record it: its record was deleted or edited (${recordOf(tree, p)}).`,
      ),
    );
  }
  for (const p of write.deletes) {
    if (!flagged.has(p))
      findings.push(
        finding(
          FindingKind.OUT_OF_DATE,
          p,
          `${p} is no longer produced by the program.`,
          'Run `cdk8s-gitops synth` to remove it, and commit the result (a removal that deletes an Application must be declared in the program first, CG141).',
        ),
      );
  }

  for (const p of manifest.files.keys()) {
    const base = tree.reads.find((d) => p.startsWith(`${d}/`));
    if (base === undefined || flagged.has(p)) continue;
    flagged.add(p);
    findings.push(
      finding(
        FindingKind.MANIFEST_EDITED,
        p,
        `The manifest records ${p}, a file of the Kustomize base ${base}, which cdk8s-gitops reads and never writes: the record was planted (synth drops it and leaves the file).`,
      ),
    );
  }
  const bases = platformBaseProblems(tree, checkout);
  for (const p of [...bases.links, ...bases.missing]) findings.push(finding(FindingKind.UNUSABLE_BASE, p.file!, p.message));
  const onDisk = viewOfCheckout(dir, undefined, rootApplicationDirectories(model));
  for (const [directory, reads] of directoriesReconcilersRead(model)) {
    for (const e of checkout.list(directory)) {
      const p = `${directory}/${e.name}`;
      if (manifest.files.has(p) || flagged.has(p)) continue;
      if (reads === 'flux-entry') {
        // Flux builds the whole entry point: every manifest below it, or only what a kustomization file there names.
        const why = e.isDirectory()
          ? e.name === FLUX_NAMESPACE
            ? undefined
            : `Flux applies every manifest below ${directory}`
          : KUSTOMIZATION_NAMES.has(e.name)
            ? `Flux would build ${directory} by it, and leave out every file it does not name`
            : /\.(ya?ml|json)$/.test(e.name)
              ? `Flux applies every manifest of ${directory}`
              : undefined;
        if (why !== undefined) findings.push(finding(FindingKind.STRAY_FILE, p, `${p} was not written by cdk8s-gitops, and ${why}.`));
        continue;
      }
      if (e.isDirectory()) continue;
      if (e.isSymbolicLink() && MANIFEST_NAME.test(e.name) && (reads === 'every-manifest' || reads === 'application-sets')) {
        findings.push(
          finding(
            FindingKind.STRAY_FILE,
            p,
            `${p} is a symbolic link, which Argo CD follows within the repository and applies what it points at, as it applies every manifest of ${directory}; cdk8s-gitops follows no link, so what it applies there is not checked.`,
          ),
        );
        continue;
      }
      const why =
        e.name.startsWith('.argocd-source') && reads !== 'kustomize-base'
          ? reads === 'projects'
            ? `Argo CD merges it into the source of each root Application that applies an AppProjects file of ${directory} (which files of it the root Application applies: an include of every file applies what anyone adds there)`
            : `Argo CD merges it into the source of the Application of ${directory} (its images, patches or which files it applies)`
          : reads === 'every-manifest' && MANIFEST_NAME.test(e.name)
            ? `Argo CD applies every manifest of ${directory}`
            : reads !== 'every-manifest' && reads !== 'projects' && KUSTOMIZATION_NAMES.has(e.name)
              ? `Kustomize reads ${directory} by it, and stops at two kustomization files (its Application or Kustomization cannot build it)`
              : reads === 'application-sets' && e.name.endsWith('Chart.yaml')
                ? `its name makes Argo CD render ${directory} as a Helm chart (its templates/) instead of applying the ApplicationSets there`
                : undefined;
      if (why !== undefined) findings.push(finding(FindingKind.STRAY_FILE, p, `${p} was not written by cdk8s-gitops, and ${why}.`));
    }
  }
  findings.push(...fluxStrays(model, checkout, onDisk.files.filter(isVisiblePath), manifest.files, flagged));
  // What Argo CD would not create from the checkout is a finding of its own (never a created
  // Application): the ApplicationSet reports an error condition, and after a failed create it
  // deletes none of its Applications.
  const expansions = new Map<string, GeneratedAt[]>();
  const { created: actual, notCreated } = previewOfCheckout(dir, onDisk, expansions);
  for (const n of notCreated) {
    findings.push(
      finding(
        n.code === PreviewCode.DUPLICATE_APPLICATION ? FindingKind.DUPLICATE_APPLICATION : FindingKind.INVALID_APPLICATION,
        sourceDirectory(n.app),
        `Argo CD would not create the Application ${JSON.stringify(n.app.metadata.name)} that ApplicationSet ${n.applicationSet} generates from ${n.at} (${n.reason}): ${n.message}`,
      ),
    );
  }
  // The files of a ring held at its release are the program's as they stand (CG214).
  const kept = [...manifest.files.keys()].filter((p) => tree.heldBecause(p) !== undefined);
  const declared = viewOfDeclaredTree(tree, kept, (p) => readFile(checkout, p) ?? '');
  // The same directories generate the same Applications from the same ApplicationSets: expanded once.
  const expected = applicationsOf(declared, sameDirectories(onDisk, declared) ? expansions : undefined);
  let owned: ReadonlySet<string> | undefined;
  for (const [key, a] of actual) {
    if (expected.has(key)) continue;
    if (manifest.files.has(a.file)) {
      const directory = sourceDirectory(a.app);
      owned ??= ownedDirectories(manifest.files.keys());
      findings.push(
        finding(
          FindingKind.UNDECLARED_APPLICATION,
          directory,
          `ApplicationSet ${a.applicationSet} would generate Application ${a.app.metadata.name}, which the program does not declare.`,
          // A directory cdk8s-gitops wrote is a target the program dropped: its Application may be running.
          owned.has(directory)
            ? `The program no longer declares this target, which cdk8s-gitops wrote: declare it again, or declare its removal in the program (platform.removed(Removal.application(${JSON.stringify(a.app.metadata.name)})), or Removal.service or Removal.cluster for all of theirs) and run synth, which removes it (removed by hand, its Application would go without that declaration).`
            : 'Remove the stray directory, or declare the target in the program.',
        ),
      );
    } else {
      // An ApplicationSet written by hand: the file that holds it is what to look at.
      findings.push(
        finding(
          FindingKind.UNDECLARED_APPLICATION,
          a.file,
          `ApplicationSet ${a.applicationSet}, which cdk8s-gitops did not write, would generate Application ${a.app.metadata.name}, which the program does not declare.`,
          'Remove the ApplicationSet, or declare the target in the program.',
        ),
      );
    }
  }
  for (const [key, e] of expected) {
    if (!actual.has(key))
      findings.push(
        finding(
          FindingKind.MISSING_APPLICATION,
          e.file,
          `Application ${e.app.metadata.name} is declared but the checkout would not generate it.`,
        ),
      );
  }

  const services = new Map(model.services.map((s) => [s.name, s]));
  // A file exactly as the program writes it now runs its ring's digest by construction: only
  // the others are read for the version they deploy.
  const read = (p: string): string | undefined => {
    return current.has(p) ? undefined : readFile(checkout, p);
  };
  // A ring held at a release that does not fit its service's images keeps its files as they are (CG214).
  const held = new Set(heldRings(model, releaseState(ledgers)).map((h) => `${h.service}\u0000${h.ring}`));
  for (const t of model.targets) {
    const ring = ledgers.get(t.service)?.ledger.rings[t.ring];
    if (!ring || held.has(`${t.service}\u0000${t.ring}`)) continue;
    const service = services.get(t.service)!;
    const kind = targetSourceKind(model, service, t.environment);
    for (const { path: p, version } of kind.deployedVersions({ model, target: t, service, directory: targetDirectory(model, t) }, read)) {
      // What the file holds of its ring's release: the digest (of a service with named images,
      // those of the images it holds), or the chart's or base's revision.
      const expected = kind.embeddedRelease(p, service, ring, t);
      if (version === expected) continue;
      findings.push(
        finding(
          FindingKind.DIGEST_MISMATCH,
          p,
          version === undefined
            ? `${applicationName(t)} runs no release cdk8s-gitops can read in ${p.slice(p.lastIndexOf('/') + 1)} (it holds none where cdk8s-gitops writes it, or does not read as YAML), but the ledger says ring ${t.ring} runs ${expected}.`
            : `${applicationName(t)} runs ${version} in ${p.slice(p.lastIndexOf('/') + 1)}, but the ledger says ring ${t.ring} runs ${expected}.`,
        ),
      );
    }
  }
  return findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : 1));
}

/** What {@link checkCheckout} takes a file to hold when the stat cache shows it as the manifest records it. */
const AS_RECORDED = Symbol('as recorded');

/** The file of the manifest that records `p`: its service's shard, or the manifest itself. */
function recordOf(tree: FileTree, p: string): string {
  const service = tree.get(p)?.service;
  return service === undefined ? MANIFEST_PATH : manifestShardPath(service);
}

/** A file's text, or undefined when no regular file is there; a symbolic link fails with `CG408`. */
function readFile(checkout: Checkout, p: string): string | undefined {
  try {
    return checkout.read(p);
  } catch (e) {
    if (e instanceof GitOpsError && e.code === 'CG402') return undefined;
    throw e;
  }
}

/** Every directory that holds an owned file (`paths`), at any depth. */
function ownedDirectories(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) {
    for (let slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
      const dir = p.slice(0, slash);
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  return dirs;
}

/** The directory an Application deploys: that of its `$values` file, else its source's path (else its name). */
function sourceDirectory(app: GeneratedApplication): string {
  const sources = Array.isArray(app.spec.sources) ? (app.spec.sources as unknown[]) : [];
  const helm = sources.map((s) => (isMap(s) && isMap(s.helm) ? s.helm : undefined)).find((h) => h !== undefined);
  const valueFile = helm && Array.isArray(helm.valueFiles) ? helm.valueFiles[0] : undefined;
  const path = isMap(app.spec.source) ? app.spec.source.path : undefined;
  return String(valueFile ?? path ?? app.metadata.name)
    .replace(/^\$values\//, '')
    .replace(/\/values\.yaml$/, '');
}

/** The files Argo CD's directory source applies (its repo server's pattern): YAML, JSON and Jsonnet. */
const MANIFEST_NAME = /\.(yaml|yml|json|jsonnet)$/;

/**
 * How Argo CD reads a directory of the tree: a directory source applies every YAML, JSON and
 * Jsonnet file in it ({@link MANIFEST_NAME}, hidden files too), a control plane's directory of
 * ApplicationSets as well; the root Applications apply their AppProjects files of `projects`
 * by an include; a Kustomize overlay, and the base kustomization below it, the kustomization
 * file and what it names. Argo CD merges an `.argocd-source*.yaml` of an Application's source
 * path into its source.
 */
type DirectoryReading = 'every-manifest' | 'application-sets' | 'projects' | 'kustomize-overlay' | 'kustomize-base' | 'flux-entry';

/**
 * The directories of the tree a reconciler reads, and how: Argo CD a control plane's directory
 * of ApplicationSets (its root Application applies every manifest there; what those hold is
 * previewed), the AppProjects directory, a rendered or Kustomize target's, a baseline's; Flux a
 * cluster's entry point (every manifest below it, but for what `flux bootstrap` writes in
 * `flux-system/`) and a target's (by its kustomization file).
 */
function directoriesReconcilersRead(model: PlatformModel): Map<string, DirectoryReading> {
  const services = new Map(model.services.map((s) => [s.name, s]));
  const environments = new Map(model.environments.map((e) => [e.name, e]));
  const out = new Map<string, DirectoryReading>();
  for (const cp of model.controlPlanes) {
    if (cp.reconciler?.kind !== 'flux') {
      out.set(`${model.layout.applicationSets}/${cp.name}`, 'application-sets');
      // The root Application applies its AppProjects file of this directory, by a directory source's include.
      out.set(model.layout.projects, 'projects');
    }
  }
  for (const t of model.targets) {
    const directory = targetDirectory(model, t);
    if (isFluxEnvironment(model, t.environment)) {
      out.set(clusterEntryDirectory(t), 'flux-entry');
      out.set(directory, 'kustomize-overlay');
      continue;
    }
    const service = services.get(t.service);
    const source = service?.source;
    // A Helm target's directory is no source's path: its Application reads the values file by a `$values` ref.
    if (source?.kind === 'rendered') out.set(directory, 'every-manifest');
    if (source?.kind === 'kustomize') {
      out.set(directory, 'kustomize-overlay');
      if (source.repoURL !== undefined) out.set(`${directory}/${BASE_DIRECTORY}`, 'kustomize-base');
    }
    const environment = environments.get(t.environment);
    if (source?.kind !== 'rendered' && environment !== undefined && readsBaselineDirectory(environment, service)) {
      out.set(`${directory}/${BASELINE_DIRECTORY}`, 'every-manifest');
    }
  }
  return out;
}

/** The files the manifest at the base of a change set records; undefined where it cannot be read. */
function recordedAt(base: NonNullable<CheckOptions['base']>): ReadonlySet<string> | undefined {
  const paths = base.list(TOOL_DIR).filter(isManifestPath);
  const texts = base.read(paths);
  try {
    return new Set(parseManifest(new Map([...texts].filter((e): e is [string, string] => e[1] !== undefined))).files.keys());
  } catch {
    return undefined;
  }
}

/**
 * What Flux would apply or leave out unnoticed: a `.sourceignore` in the repository's root or in a
 * directory above a Flux target's or entry point's (source-controller leaves out what it names,
 * so Flux prunes it), and any file below `clusters/` nobody declared, also in the entry point of a
 * cluster no longer reconciled by Flux (a Flux still installed there applies it), but for what
 * `flux bootstrap` writes in `flux-system/`.
 */
function fluxStrays(
  model: PlatformModel,
  checkout: Checkout,
  files: readonly string[],
  owned: ReadonlyMap<string, unknown>,
  flagged: ReadonlySet<string>,
): Finding[] {
  const out: Finding[] = [];
  const fluxTargets = model.targets.filter((t) => isFluxEnvironment(model, t.environment));
  const entries = new Set(fluxTargets.map(clusterEntryDirectory));
  if (fluxTargets.length > 0) {
    const dirs = new Set<string>(['']);
    for (const t of fluxTargets) {
      for (const d of [clusterEntryDirectory(t), targetDirectory(model, t)]) {
        const parts = d.split('/');
        for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
      }
    }
    for (const d of dirs) {
      const p = d === '' ? SOURCE_IGNORE : `${d}/${SOURCE_IGNORE}`;
      if (checkout.kind(p) !== 'missing' && !owned.has(p)) {
        out.push(
          finding(
            FindingKind.STRAY_FILE,
            p,
            `${p} was not written by cdk8s-gitops, and Flux's source-controller leaves out every file it names, which Flux then prunes.`,
          ),
        );
      }
    }
  }
  for (const f of files) {
    if (!f.startsWith(`${FLUX_CLUSTERS_DIR}/`) || owned.has(f) || flagged.has(f)) continue;
    const parts = f.split('/');
    if (parts.length > 5 && parts[4] === FLUX_NAMESPACE) continue; // what flux bootstrap writes
    const entry = parts.slice(0, 4).join('/');
    if (entries.has(entry)) continue; // reported with the entry point's own scan
    // Only where flux bootstrap put Flux (its flux-system/): elsewhere no Flux reads the files.
    if (parts.length < 5 || checkout.kind(`${entry}/${FLUX_NAMESPACE}`) !== 'directory') continue;
    out.push(
      finding(
        FindingKind.STRAY_FILE,
        f,
        `${f} was not written by cdk8s-gitops, and a Flux still installed on ${entry.slice(FLUX_CLUSTERS_DIR.length + 1)} applies every manifest below ${entry} (remove Flux from a cluster no longer reconciled by it: flux uninstall).`,
      ),
    );
  }
  return out;
}

/** The file in which Flux's source-controller names what it leaves out of the repository's artifact. */
const SOURCE_IGNORE = '.sourceignore';
