/**
 * A target keeps running what it runs: a write made from the program (not a promotion or a
 * rollback) that would change the release of a target the ledger does not explain fails with
 * `CG144`, naming every Application. A target changes release only when its ring's entry in the
 * ledger changes; a target that joins another ring, or a ring that takes over the entry of
 * another (`movedFrom`), must find the release it runs there.
 *
 * What a target runs is read from its files in the checkout (what Argo CD deploys), not from the
 * manifest; what its ring ran is read from the ledger as cdk8s-gitops last wrote it: the version
 * whose hash the manifest records, in the checkout or in the last commit that changed that record.
 * A service with operations pending in the checkout is judged as `publish` makes the write: the
 * program's change on the ledger and files of `HEAD`, before the operations.
 *
 * @module
 */
import { targetSourceKind } from '../synth/target-kind';
import { FLUX_FILE } from '../synth/flux/helm';
import { GitOpsError, Problem, problem } from '../core/errors';
import { LedgerGit } from './git/ledger-history';
import { ledgerFilePath, MAX_LEDGER_BYTES } from '../release/ledger-files';
import { ringPolicies } from '../model/versions';
import { holdsVersion } from '../model/images';
import { describeVersion, releaseVersion } from '../release/release';
import { parseLedger } from '../release/ledger';
import { applyRingMoves } from '../release/moves';
import { Ledger, RingState } from '../release/types';
import { Checkout } from './checkout/checkout-fs';
import { contentHash, FileTree } from '../synth/file-tree';
import { Manifest, ManifestEntry, MANIFEST_PATH, manifestShardPath } from '../synth/manifest';
import { readManifest } from './checkout/manifest-io';
import { PlatformModel, ServiceModel, TargetModel } from '../model/platform-model';
import { BASE_DIRECTORY, KUSTOMIZATION_FILE, RELEASE_FILE } from '../synth/sources';
import { releaseMismatch, ringRelease } from '../synth/synthesize';
import { applicationName, targetDirectory } from '../model/placement';
import { commitPinnedServices, unpinnedProductionCharts } from '../release/production-charts';
import { readLedgers } from './ledgers';
import { pendingStore, readPending } from './pending-operations';
import type { WritePlan } from './checkout/writer';

/**
 * What a service's rings ran before the write, and where its targets' files are read to tell
 * what they run: the checkout (the ledger as cdk8s-gitops last wrote it is known), or `HEAD`
 * (it is not: then the ledger and the files as committed last are compared).
 */
interface RingsBefore {
  readonly ledger: Ledger;
  readonly at: 'checkout' | 'HEAD';
}

/**
 * The text of the ledger `file` as cdk8s-gitops last wrote it (the hash `recorded`, which
 * `recordFile`, the manifest's shard of the service, holds): the checkout's when it still holds
 * it; else the ledger in the last commit that changed `recordFile`, when that is the version the
 * record names. A record that names any other version (one the manifest was edited to name, a
 * write never committed, a shallow clone) is not trusted: then the ledger and the files as
 * committed last (`HEAD`) are compared. Undefined when the checkout is in no Git repository and
 * its ledger changed.
 */
function textBefore(
  file: string,
  text: string,
  recorded: string | undefined,
  recordFile: string,
  git: () => LedgerGit | undefined,
): { text: string; at: RingsBefore['at'] } | undefined {
  if (recorded !== undefined && contentHash(text) === recorded) return { text, at: 'checkout' };
  const repo = git();
  if (repo === undefined || !repo.hasHead) return undefined;
  const written = repo.lastCommitOf(recordFile);
  const atWrite = written === undefined ? undefined : repo.at(written, [file]).get(file);
  if (recorded !== undefined && atWrite !== undefined && contentHash(atWrite) === recorded) return { text: atWrite, at: 'checkout' };
  const head = repo.atHead([file]).get(file);
  return head === undefined ? undefined : { text: head, at: 'HEAD' };
}

/**
 * What `service`'s rings ran before the write ({@link textBefore}), with the program's ring
 * moves applied, so that a renamed ring ran what its old name ran. Undefined when that is not
 * known: the service has no ledger in the checkout yet, or no record of it is found.
 */
function ringsBefore(
  model: PlatformModel,
  checkout: Checkout,
  recorded: Manifest,
  service: string,
  git: () => LedgerGit | undefined,
): RingsBefore | undefined {
  const file = ledgerFilePath(model, service);
  const text = checkout.read(file, MAX_LEDGER_BYTES);
  const entry = recorded.files.get(file);
  const recordFile = entry?.service === undefined ? MANIFEST_PATH : manifestShardPath(entry.service);
  const before = text === undefined ? undefined : textBefore(file, text, entry?.sha256, recordFile, git);
  if (before === undefined) return undefined;
  try {
    return { ledger: applyRingMoves(model, parseLedger(before.text, file, { policies: ringPolicies(model) })), at: before.at };
  } catch {
    // A ledger that no longer parses under the program's rings explains nothing; the current
    // ledger fails with its own error where it is read for the tree.
    return undefined;
  }
}

/**
 * What the rings ran as `HEAD` has the ledger, with the program's ring moves applied, of each
 * service whose ledger has operations pending in the checkout `dir`: `publish` commits the
 * program's change first, on the ledgers and files as `HEAD` has them, then each operation (a
 * promotion or a rollback, which the ring rules judge). A ledger `HEAD` lacks, or that does not
 * parse, is left out.
 */
function ringsBeforePending(model: PlatformModel, dir: string, git: () => LedgerGit | undefined): Map<string, Ledger> {
  const out = new Map<string, Ledger>();
  const store = pendingStore(dir);
  const ops = store === undefined ? [] : readPending(store);
  if (ops.length === 0) return out;
  const repo = git();
  if (repo === undefined || !repo.hasHead) return out;
  for (const service of new Set(ops.map((op) => op.request.service))) {
    const file = ledgerFilePath(model, service);
    if (!ops.some((op) => op.request.service === service && op.ledger.path === file)) continue;
    const text = repo.atHead([file]).get(file);
    if (text === undefined) continue;
    try {
      out.set(service, applyRingMoves(model, parseLedger(text, file, { policies: ringPolicies(model) })));
    } catch {
      // A ledger that does not parse under the program's rings explains nothing (see ringsBefore).
    }
  }
  return out;
}

/**
 * What each file of `target` the write changes runs, by path: the version its text deploys
 * (`read` gives the checkout's or `HEAD`'s). In the checkout, a file edited by hand since
 * written runs the release cdk8s-gitops wrote into it (the edit is what the write puts back):
 * the version the text it wrote deploys, found by `written` (a version of the file in Git whose
 * hash is what the manifest records). The manifest's word alone is never taken for it: when no
 * such text is found, the file runs what it deploys now. A file with neither runs nothing yet.
 */
function runningNow(
  model: PlatformModel,
  service: ServiceModel,
  target: TargetModel,
  paths: readonly string[],
  read: (p: string) => string | undefined,
  recorded?: RecordedFiles,
  written: (p: string, entry: ManifestEntry) => string | undefined = () => undefined,
): Map<string, string> {
  const context = { model, target, service, directory: targetDirectory(model, target) };
  const deployedBy = (reader: (p: string) => string | undefined): Map<string, string | undefined> =>
    new Map(
      targetSourceKind(model, service, target.environment)
        .deployedVersions(context, reader)
        .map((d) => [d.path, d.version]),
    );
  const deployed = deployedBy(read);
  const out = new Map<string, string>();
  let others: string | undefined | null = null;
  for (const p of paths) {
    const entry = recorded?.files.get(p);
    const text = read(p);
    const edited = entry !== undefined && (text === undefined || contentHash(text) !== entry.sha256);
    let version: string | undefined;
    if (edited) {
      const was = written(p, entry);
      version = was === undefined ? deployed.get(p) : (deployedBy((q) => (q === p ? was : read(q))).get(p) ?? embedded(entry, was));
    } else {
      // A file the target did not have (a renamed object) runs what the target's other files run;
      // a release file (a chart revision) it did not have runs nothing yet.
      version =
        deployed.get(p) ??
        (entry && text !== undefined ? embedded(entry, text) : undefined) ??
        (isReleaseFile(p) ? undefined : others === null ? (others = runByOthers()) : others);
    }
    if (version !== undefined) out.set(p, version);
  }
  return out;

  /**
   * The release the target's recorded files that are as written embed (each holds it), when
   * there is one; the first in path order when there are several.
   */
  function runByOthers(): string | undefined {
    if (recorded === undefined) return undefined;
    for (const [p, e] of recorded.filesIn(targetDirectory(model, target))) {
      if (e.release === undefined || paths.includes(p) || isReleaseFile(p)) continue;
      const text = read(p);
      if (text !== undefined && contentHash(text) === e.sha256 && holdsVersion(text, e.release)) return e.release;
    }
    return undefined;
  }
}

/**
 * Whether `p` is a release file: it embeds a revision (a chart's, in a release file or a Flux
 * target's objects, or a Kustomize base's), the other files of a target an image.
 */
function isReleaseFile(p: string): boolean {
  return p.endsWith(`/${RELEASE_FILE}`) || p.endsWith(`/${BASE_DIRECTORY}/${KUSTOMIZATION_FILE}`) || p.endsWith(`/${FLUX_FILE}`);
}

/** The release a manifest entry records for a file, when `text` (the file as recorded) holds it. */
function embedded(entry: ManifestEntry, text: string): string | undefined {
  return entry.release !== undefined && contentHash(text) === entry.sha256 && holdsVersion(text, entry.release) ? entry.release : undefined;
}

/** The manifest's entries, and those of the files directly in a directory, sorted (indexed on first use). */
class RecordedFiles {
  private byDirectory?: Map<string, [string, ManifestEntry][]>;

  constructor(public readonly files: Manifest['files']) {}

  public filesIn(directory: string): readonly [string, ManifestEntry][] {
    if (this.byDirectory === undefined) {
      this.byDirectory = new Map();
      for (const [p, e] of [...this.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const dir = p.slice(0, p.lastIndexOf('/'));
        const list = this.byDirectory.get(dir);
        if (list) list.push([p, e]);
        else this.byDirectory.set(dir, [[p, e]]);
      }
    }
    return this.byDirectory.get(directory) ?? [];
  }
}

/** Reads files as `HEAD` holds them; `paths` in one batch, any other on its own. */
function headReader(git: LedgerGit, paths: readonly string[]): (p: string) => string | undefined {
  const texts = git.atHead(paths);
  return (p) => {
    if (!texts.has(p)) texts.set(p, git.atHead([p]).get(p));
    return texts.get(p);
  };
}

/**
 * The problems (`CG144`) of the targets whose release writing `tree` (as `write` plans it)
 * would change without their ring's ledger entry changing: one per service, ring and pair of
 * releases.
 */
export function unexplainedReleaseChanges(model: PlatformModel, tree: FileTree, dir: string, write: WritePlan): Problem[] {
  const targets = new Map(model.targets.map((t) => [t.path, t]));
  const services = new Map(model.services.map((s) => [s.name, s]));
  const changed = new Map<TargetModel, string[]>();
  const existing = new Set<TargetModel>();
  for (const [p, w] of write.writes) {
    const e = tree.get(p);
    const target = e?.release === undefined ? undefined : targets.get(e.origin);
    if (target === undefined) continue;
    changed.set(target, [...(changed.get(target) ?? []), p]);
    if (w.existed) existing.add(target);
  }
  let repo: LedgerGit | undefined | null = null;
  const git = (): LedgerGit | undefined => (repo === null ? (repo = LedgerGit.open(dir)) : repo);
  // The targets of a service with operations pending on its ledger are judged as publish judges
  // them, by the program's change on HEAD, whether or not the write changes their files: a
  // pending operation may give their ring the release they run, which HEAD's does not.
  const atHead = ringsBeforePending(model, dir, git);
  if (atHead.size > 0) {
    for (const p of tree.paths()) {
      const e = tree.get(p)!;
      const target = e.release === undefined ? undefined : targets.get(e.origin);
      if (target === undefined || !atHead.has(target.service)) continue;
      const paths = changed.get(target) ?? [];
      if (!paths.includes(p)) changed.set(target, [...paths, p]);
    }
  }
  if (changed.size === 0) return [];
  const recorded = readManifest(dir);
  const recordedFiles = new RecordedFiles(recorded.files);
  // A target none of whose files exists yet or is recorded (a first write) runs nothing yet.
  for (const target of changed.keys()) {
    if (atHead.has(target.service)) continue;
    if (!existing.has(target) && recordedFiles.filesIn(targetDirectory(model, target)).length === 0) changed.delete(target);
  }
  if (changed.size === 0) return [];
  const checkout = new Checkout(dir);
  const texts = new Map<string, string | undefined>();
  const readCheckout = (p: string): string | undefined => {
    if (!texts.has(p)) texts.set(p, checkout.kind(p) === 'file' ? checkout.read(p) : undefined);
    return texts.get(p);
  };
  /**
   * The text of `p` as cdk8s-gitops wrote it: the file in the commit that last changed its
   * record (the service's shard, or the manifest), when its hash is what the record says. Only
   * that commit: a record edited to name an older version of the file names one the commit
   * does not hold, and a file edited by hand in any number of commits since is still found.
   */
  const writtenText = (p: string, entry: ManifestEntry): string | undefined => {
    const g = git();
    if (g === undefined || !g.hasHead) return undefined;
    const recordFile = entry.service === undefined ? MANIFEST_PATH : manifestShardPath(entry.service);
    const commit = g.lastCommitOf(recordFile);
    const text = commit === undefined ? undefined : g.at(commit, [p]).get(p);
    return text !== undefined && contentHash(text) === entry.sha256 ? text : undefined;
  };
  const rings = new Map<string, RingsBefore | undefined>();
  const groups = new Map<
    string,
    { service: string; ring: string; from: string; to: string; apps: Set<string>; rollsBack: boolean; beforePending: boolean }
  >();
  const addProblem = (
    target: TargetModel,
    ring: string,
    from: string,
    to: string,
    ran: RingState | undefined,
    beforePending = false,
  ): void => {
    const key = [target.service, ring, from, to].join('\u0000');
    const group = groups.get(key) ?? {
      service: target.service,
      ring,
      from,
      to,
      apps: new Set<string>(),
      // A rollback goes back only to what the ring ran before.
      rollsBack: ran !== undefined && ran.previous.some((p) => releaseVersion(p) === from),
      beforePending,
    };
    group.apps.add(applicationName(target));
    groups.set(key, group);
  };
  for (const [target, paths] of changed) {
    const head = atHead.get(target.service);
    if (head !== undefined) {
      // What the program's change, committed first on HEAD, does to the files HEAD has.
      const service = services.get(target.service)!;
      const kind = targetSourceKind(model, service, target.environment);
      for (const [p, was] of runningNow(model, service, target, paths, headReader(git()!, paths))) {
        const ring = tree.get(p)!.release!.ring;
        const ran = head.rings[ring];
        const to = kind.embeddedRelease(p, service, ran, target);
        if (to === undefined || to === was) continue;
        if (ran !== undefined && releaseMismatch(service, ring, ringRelease(ran)) !== undefined) continue;
        addProblem(target, ring, was, to, ran, true);
      }
      continue;
    }
    let running = runningNow(model, services.get(target.service)!, target, paths, readCheckout, recordedFiles, writtenText);
    if ([...running].every(([p, was]) => was === tree.get(p)!.release!.version)) continue;
    if (!rings.has(target.service)) rings.set(target.service, ringsBefore(model, checkout, recorded, target.service, git));
    const before = rings.get(target.service);
    // No record of what the rings ran (a checkout outside Git whose ledger changed): the ring
    // rules judged the ledger's changes.
    if (before === undefined) continue;
    if (before.at === 'HEAD') running = runningNow(model, services.get(target.service)!, target, paths, headReader(git()!, paths));
    for (const [p, was] of running) {
      const release = tree.get(p)!.release!;
      // The target runs what it ran; or its ring ran that and its entry changes now: a promotion
      // or a rollback of the ring, which the ring rules judge. A ring held at a release of other
      // images than the program's (CG214) ran what its files were checked to run (held-targets),
      // which the program's images cannot name: its files are written now only because a
      // release of the program's images was promoted into it.
      const service = services.get(target.service)!;
      const ran = before.ledger.rings[release.ring];
      if (was === release.version || targetSourceKind(model, service, target.environment).embeddedRelease(p, service, ran, target) === was)
        continue;
      if (ran !== undefined && releaseMismatch(service, release.ring, ringRelease(ran)) !== undefined) continue;
      addProblem(target, release.ring, was, release.version, ran);
    }
  }
  return [...groups.values()].map((g) => {
    const apps = [...g.apps].sort();
    const ring = model.rings.find((r) => r.name === g.ring);
    return problem('CG144', {
      ...(ring ? { constructPath: ring.path } : {}),
      message:
        `The write would switch ${apps.length === 1 ? 'Application' : `${apps.length} Applications`} ${apps.join(', ')} from ${describeVersion(g.from)} to ${describeVersion(g.to)} ` +
        `without a promotion: the program puts ${apps.length === 1 ? 'its target' : 'their targets'} in ring "${g.ring}", which runs ${describeVersion(g.to)} of ${g.service}${g.beforePending ? " as the last commit has it (publish commits the program's change before the operations pending in the checkout)" : ''} ` +
        `(a target moved to another ring, a ring that takes over the entry of a ring ${apps.length === 1 ? 'it' : 'they'} did not run in, or ${apps.length === 1 ? 'its files' : 'their files'} changed by hand). No ring's gates were checked for it.`,
      fix:
        `A target keeps what it runs: keep ${apps.length === 1 ? 'it' : 'them'} in ${apps.length === 1 ? 'its' : 'their'} ring; or first make both rings run one digest ` +
        `(promote ${describeVersion(g.to)} into the ring ${apps.length === 1 ? 'it leaves' : 'they leave'}${g.rollsBack ? `, or roll "${g.ring}" back to ${describeVersion(g.from)}` : ''}), then move ${apps.length === 1 ? 'it' : 'them'}${g.beforePending ? ": publish the pending operations first (cdk8s-gitops publish --no-program), then the program's change" : ''}. ` +
        "movedFrom names only a ring's own old names. Files changed by hand (a commit that changed a values file and its record in the manifest): find the commit (git log -- <file>) and revert it, so that they run what their ring runs again. " +
        'If the ledger was changed in commits this clone does not hold (a shallow clone), fetch them first: git fetch --unshallow.',
    });
  });
}

/** Fails with `CG144` when the write changes the release of a target its ring's ledger entry does not explain. */
export function assertReleasesExplained(model: PlatformModel, tree: FileTree, dir: string, write: WritePlan): void {
  const problems = unexplainedReleaseChanges(model, tree, dir, write);
  if (problems.length > 0)
    throw new GitOpsError(problems, 'This write would change what targets run without a promotion; nothing was written:', {
      grouped: true,
    });
}

/**
 * CG152 for each production ring whose recorded release reads a team's chart in Git at a tag
 * (see `unpinnedProductionCharts`). Reads the ledgers only on a platform that has such services.
 */
export function unpinnedChartProblems(model: PlatformModel, dir: string): Problem[] {
  return commitPinnedServices(model).length === 0 ? [] : unpinnedProductionCharts(model, readLedgers(model, dir));
}

/**
 * Fails with CG152 when a write of the program would keep production reading a team's chart at
 * a tag its ledger records (one promoted while the service was the platform team's, or before
 * its environment was production). The release commands do not call it: they make the fix.
 * `problems`: those found already (by a publish, before it puts the ledgers back to the last
 * commit to publish its pending operations one by one).
 */
export function assertProductionChartsPinned(model: PlatformModel, dir: string, problems = unpinnedChartProblems(model, dir)): void {
  if (problems.length > 0) {
    throw new GitOpsError(
      problems,
      `This write would keep production reading a team's chart at a tag the ${problems.length === 1 ? 'ledger records' : 'ledgers record'}; nothing was written:`,
    );
  }
}
