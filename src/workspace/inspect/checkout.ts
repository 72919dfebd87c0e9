import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../../core/errors';
import { LedgerGit } from '../git/ledger-history';
import { parseYamlDocuments, YamlDataError } from '../../core/yaml/parse';
import {
  applicationKey,
  ApplicationSetInput,
  countApplications,
  GeneratedApplication,
  GeneratedAt,
  generateApplications,
  gitFileReader,
  GitRepository,
  GoYamlError,
  readGoYamlDocuments,
  judgeApplications,
  planeKey,
  NotCreatedApplication,
  PreviewBudget,
} from '../../preview';
import { FileKind, FileTree } from '../../synth/file-tree';
import { argoDirectoriesOf, CheckoutListing, listCheckout, walkCheckout } from './checkout-listing';
import { isMap } from '../../core/plain';
import { declaredClustersFor, usesClusterGenerator } from './declared-clusters';
import { applicationSetsAppliedIn, refuseOtherRepositories, RootDirectories } from './root-manifests';

/**
 * Every visible file of a checkout (no segment starts with `.`), repository-relative, as Argo
 * CD's clone holds it ({@link listCheckout}): what Git tracks where the checkout is a Git work
 * tree, else every file on disk.
 */
export function listCheckoutFiles(dir: string): string[] {
  return listCheckout(dir).files.filter(isVisiblePath);
}

/**
 * The symbolic links of a checkout (but below hidden directories; a link's own name may be
 * hidden, as a directory source applies such a file), which no reconciler's view may follow: a
 * command that reads the whole checkout fails on the first (`CG408`). Taken from `listing` when
 * it walked the work tree ({@link listCheckout} of a plain directory, or with `absent`).
 */
export function checkoutSymlinks(dir: string, listing?: CheckoutListing): string[] {
  if (listing?.source === 'filesystem') return listing.links.filter(isVisibleDirectory);
  if (listing?.diskLinks !== undefined) return listing.diskLinks.filter(isVisibleDirectory);
  return walkCheckout(dir, (e) => e.name.startsWith('.') && e.isDirectory()).links;
}

/**
 * The directories Argo CD's repo server lists in a clone holding `files` (hidden ones included:
 * they make their visible parents directories), in its order; see {@link argoDirectoriesOf}.
 */
export function directoriesOf(files: Iterable<string>): string[] {
  return argoDirectoriesOf(files);
}

function isApplicationSet(o: unknown): boolean {
  return isMap(o) && o.kind === 'ApplicationSet' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('argoproj.io/');
}

/** An ApplicationSet found in a file of the tree. */
export interface FoundApplicationSet {
  readonly file: string;
  readonly object: ApplicationSetInput;
}

/**
 * The ApplicationSets in a YAML text (any document of kind ApplicationSet), read as Argo CD's
 * repo server reads the manifests it syncs: go-yaml v2's YAML 1.1, where `no`, `on`, `yes` and
 * `off` are booleans and `010` is the octal 8 ({@link readGoYamlDocuments}).
 *
 * @throws GitOpsError `CG708` for a file Argo CD cannot read either (invalid YAML, a NaN or
 * null key), `CG706` for a form the preview does not read (a YAML tag other than `!!str`).
 */
export function applicationSetsIn(file: string, text: string): FoundApplicationSet[] {
  if (!text.includes('ApplicationSet')) return [];
  if (file.endsWith('.json')) {
    // The repo server reads a .json manifest with encoding/json, as one JSON value: YAML there fails its sync.
    try {
      JSON.parse(text);
    } catch {
      throw GitOpsError.of('CG708', {
        message: `The manifest file ${JSON.stringify(file)} mentions an ApplicationSet but is not valid JSON, which Argo CD reads .json manifests as; Argo CD cannot sync it.`,
        fix: 'Write the file as one JSON object, or rename it to .yaml if it holds YAML.',
        file,
      });
    }
  }
  let docs: unknown[];
  try {
    docs = readGoYamlDocuments(text);
  } catch (e) {
    if (!(e instanceof GoYamlError)) throw e;
    // A file whose documents are no ApplicationSets (read as YAML 1.2) is not this reader's concern;
    // one that cannot be read at all is an ApplicationSet's only if it says so.
    let holdsApplicationSet: boolean;
    try {
      holdsApplicationSet = parseYamlDocuments(text).some(isApplicationSet);
    } catch (f) {
      if (!(f instanceof YamlDataError)) throw f;
      holdsApplicationSet = /^kind:\s*["']?ApplicationSet["']?\s*$/m.test(text);
    }
    if (!holdsApplicationSet) return [];
    const unmodelled = e.reason.includes('which the preview does not');
    throw GitOpsError.of(unmodelled ? 'CG706' : 'CG708', {
      message: `The manifest file ${JSON.stringify(file)}, which holds an ApplicationSet, ${e.reason}${unmodelled ? '' : '; Argo CD cannot sync it either'}.`,
      fix: unmodelled
        ? 'Write the file without YAML tags (other than !!str), or preview it with argocd appset generate.'
        : 'Fix the file so that it is valid YAML whose keys JSON can hold.',
      file,
    });
  }
  return docs.filter(isApplicationSet).map((object) => ({ file, object: object as ApplicationSetInput }));
}

/**
 * A view of a repository tree, on disk or to be: its files, the ApplicationSets in them, the
 * directories Argo CD's directory generator would see, and the text of the files a git files
 * generator reads.
 */
export interface TreeView {
  readonly files: readonly string[];
  readonly applicationSets: readonly FoundApplicationSet[];
  readonly directories: readonly string[];
  /**
   * The text of one of `files`, as a git files generator reads it; throws `CG711` for a file
   * it cannot use (a symbolic link, a file over 1 MiB).
   */
  readonly readFile: (file: string) => string;
}

/**
 * Whether an ApplicationSet's Applications depend on the text of files, not only on the
 * directory list: it has a git files generator, or a cluster generator (which reads the
 * declared cluster Secrets), at any depth of matrix and merge generators.
 */
export function readsFiles(set: FoundApplicationSet): boolean {
  const spec = set.object.spec;
  const generators = isMap(spec) && Array.isArray(spec.generators) ? spec.generators : [];
  return generators.some(readsFileText);
}

function readsFileText(g: unknown): boolean {
  if (!isMap(g)) return false;
  if ((isMap(g.git) && g.git.files !== undefined) || (g.clusters !== undefined && g.clusters !== null)) return true;
  return [g.matrix, g.merge].some((c) => isMap(c) && Array.isArray(c.generators) && c.generators.some(readsFileText));
}

/** Paths cdk8s-gitops records as written by it (its manifest's files). */
export interface RecordedFiles {
  has(file: string): boolean;
}

/**
 * Whether a file may hold ApplicationSets: a manifest file Argo CD's directory source applies
 * (YAML or JSON; a hidden name too, as the repo server's walk skips none) in a directory with no
 * hidden segment (a directory source without `recurse` never enters one), that is not a values
 * file cdk8s-gitops wrote (`recorded`; such a file holds values, and a hand edit of it is
 * `check`'s finding). A values file it did not write may hold anything.
 */
export function mayHoldApplicationSets(file: string, recorded?: RecordedFiles): boolean {
  if (!/\.(ya?ml|json)$/.test(file) || !isVisibleDirectory(file)) return false;
  return !(file.endsWith(VALUES_SUFFIX) && recorded?.has(file) === true);
}

const VALUES_SUFFIX = '/values.yaml';

/**
 * Whether a file is one Argo CD evaluates where its directory source applies manifests, and
 * the preview cannot: Jsonnet (in a directory with no hidden segment).
 */
export function isJsonnetManifest(file: string): boolean {
  return file.endsWith('.jsonnet') && isVisibleDirectory(file);
}

/** Whether no directory above a file is hidden (its own name may be). */
function isVisibleDirectory(file: string): boolean {
  const slash = file.lastIndexOf('/');
  return slash === -1 || isVisiblePath(file.slice(0, slash));
}

/** ApplicationSets in the order of their files' paths; those of one file keep their order. */
export function sortedByFile(sets: readonly FoundApplicationSet[]): FoundApplicationSet[] {
  return [...sets].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Whether no segment of a path is hidden, so that Argo CD's directory generator sees it. */
export function isVisiblePath(file: string): boolean {
  return !file.startsWith('.') && !file.includes('/.');
}

/**
 * The tree as Argo CD's clone of the checkout holds it ({@link listCheckout}): its files, hidden
 * ones included (a git files generator's `git ls-files` lists `config/.app.yaml`), the
 * ApplicationSets in the files that may hold them ({@link mayHoldApplicationSets}, with the
 * files its manifest records), and the directories the repo server lists (hidden files count).
 * The files of `rootDirectories`, the directories control planes' root Applications deploy,
 * are read as the repo server reads them, every one ({@link applicationSetsAppliedIn}).
 */
export function viewOfCheckout(
  dir: string,
  listing: CheckoutListing = listCheckout(dir),
  rootDirectories: RootDirectories = new Map(),
): TreeView {
  const applicationSets = listing.files.flatMap((f) => {
    // What a root Application applies is read as its repo server reads it, every file of it.
    if (rootDirectories.has(controlPlaneDir(f))) {
      return /\.(ya?ml|json)$/.test(f) ? applicationSetsAppliedIn(f, fs.readFileSync(path.join(dir, f))) : [];
    }
    return mayHoldApplicationSets(f, listing.recorded) ? applicationSetsIn(f, fs.readFileSync(path.join(dir, f), 'utf8')) : [];
  });
  refuseOtherRepositories(applicationSets, rootDirectories);
  return { files: listing.files, applicationSets, directories: listing.directories, readFile: gitFileReader(dir) };
}

/**
 * The tree the program declares (what `check` expects Argo CD to see), with the owned files it
 * keeps as they are without making them, `kept` (the files of a ring held at its release),
 * read with `readKept`.
 */
export function viewOfDeclaredTree(tree: FileTree, kept: readonly string[] = [], readKept?: (file: string) => string): TreeView {
  return viewOfTree(
    tree,
    tree.paths(),
    kept,
    [],
    readKept ??
      (() => {
        throw new Error('the declared tree has no other files');
      }),
  );
}

/**
 * The tree `tree` (whose sorted paths are `paths`) together with files of the user that are
 * not in it, `foreign`, which hold the ApplicationSets `foreignSets` and are read with
 * `readForeign`; `present` are further paths of the user (links) that count only for the
 * directories.
 */
export function viewOfTree(
  tree: FileTree,
  paths: readonly string[],
  foreign: readonly string[],
  foreignSets: readonly FoundApplicationSet[],
  readForeign: (file: string) => string,
  present: readonly string[] = [],
): TreeView {
  const files = [...paths, ...foreign].sort();
  const applicationSets = sortedByFile([
    ...paths.filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET).flatMap((p) => applicationSetsIn(p, tree.content(p))),
    ...foreignSets,
  ]);
  return {
    files,
    applicationSets,
    directories: argoDirectoriesOf([...files, ...present]),
    readFile: (file) => (tree.has(file) ? tree.content(file) : readForeign(file)),
  };
}

/** An Application of a view, with its ApplicationSet and the file that holds the ApplicationSet. */
export interface ViewApplication {
  readonly app: GeneratedApplication;
  readonly applicationSet: string;
  readonly file: string;
}

/**
 * What Argo CD makes of a view's ApplicationSets: the Applications it creates, by
 * `namespace/name`, and those it does not create, with its reason ({@link previewApplicationSets}).
 * `expansions`, when given, keeps the Applications each ApplicationSet generates by its file
 * and object, so that a second view with the same directories expands only the ApplicationSets
 * the first did not have; an ApplicationSet with a git files or cluster generator, whose
 * Applications depend on the files' text as well, is expanded in each view. An ApplicationSet
 * with a cluster generator is expanded after the others, over the clusters its control plane's
 * Argo CD holds as the tree declares them (see `declaredClustersFor`). `owners` names the
 * ApplicationSet that owns an Application already (it keeps it; see {@link JudgeOptions}).
 */
export function previewOf(
  view: TreeView,
  expansions?: Map<string, GeneratedAt[]>,
  owners?: ReadonlyMap<string, string>,
): { created: Map<string, ViewApplication>; notCreated: NotCreatedApplication[] } {
  const repository: GitRepository = {
    directories: () => view.directories,
    files: () => view.files,
    readFile: (_repoURL, _revision, file) => view.readFile(file),
  };
  refuseRepeatedApplicationSets(view.applicationSets);
  refuseJsonnetBesideApplicationSets(view);
  // Cluster generators read the clusters the control plane's other ApplicationSets deploy: those are expanded first.
  const expanded = new Map<FoundApplicationSet, GeneratedAt[]>();
  const byFile = new Map<string, GeneratedApplication[]>();
  const later = view.applicationSets.filter(usesClusterGenerator);
  // One bound over every ApplicationSet of the view, besides each one's own.
  const budget: PreviewBudget = { applications: 0, characters: 0 };
  for (const set of view.applicationSets) {
    if (later.includes(set)) continue;
    const cache = readsFiles(set) ? undefined : expansions;
    const key = cache ? `${set.file}\u0000${JSON.stringify(set.object)}` : '';
    let apps = cache?.get(key);
    if (apps) {
      countApplications(apps.length, set.object, { file: set.file, budget });
    } else {
      apps = generateApplications(set.object, repository, { file: set.file, budget });
      cache?.set(key, apps);
    }
    expanded.set(set, apps);
    byFile.set(set.file, [...(byFile.get(set.file) ?? []), ...apps.map((a) => a.app)]);
  }
  for (const set of later) {
    const clusters = declaredClustersFor(view, set, byFile);
    expanded.set(
      set,
      generateApplications(set.object, repository, { file: set.file, budget, ...(clusters === undefined ? {} : { clusters }) }),
    );
  }
  const generated = view.applicationSets.map((set) => ({ set, apps: expanded.get(set) ?? [] }));
  const judged = judgeApplications(generated, { controlPlaneOf: controlPlaneDir, ...(owners === undefined ? {} : { owners }) });
  // Each control plane (the directory its root Application deploys) runs its own Argo CD: an
  // Application of one name in two control planes is two Applications.
  const placed = judged.created.map((c) => ({ c, key: applicationKey(c.app), plane: controlPlaneDir(c.file) }));
  const firstPlane = new Map<string, string>();
  const inSeveral = new Set<string>();
  for (const { key, plane } of placed) {
    const first = firstPlane.get(key);
    if (first === undefined) firstPlane.set(key, plane);
    else if (first !== plane) inSeveral.add(key);
  }
  const created = new Map<string, ViewApplication>();
  for (const { c, key, plane } of placed) {
    created.set(planeKey(key, plane, inSeveral.has(key)), { app: c.app, applicationSet: c.applicationSet, file: c.file });
  }
  return { created, notCreated: [...judged.notCreated] };
}

/**
 * Fails on a Jsonnet file in a directory that holds ApplicationSets: the root Application that
 * applies the directory has Argo CD evaluate it too, and what it yields (an ApplicationSet,
 * say) the preview cannot know.
 */
function refuseJsonnetBesideApplicationSets(view: TreeView): void {
  const planes = new Set(view.applicationSets.map((s) => controlPlaneDir(s.file)));
  const file = view.files.find((f) => isJsonnetManifest(f) && planes.has(controlPlaneDir(f)));
  if (file === undefined) return;
  throw GitOpsError.of('CG706', {
    message: `The Jsonnet file ${JSON.stringify(file)} is in ${JSON.stringify(controlPlaneDir(file))}, a directory of ApplicationSets, whose root Application has Argo CD evaluate it as well; the preview does not evaluate Jsonnet, so it cannot say what Argo CD applies there.`,
    fix: 'Move the file out of the directory (or render it to YAML there), or preview the directory with argocd appset generate.',
    file,
  });
}

/**
 * Fails when one control plane's directory declares two ApplicationSets of one namespace and
 * name: its root Application applies one object per name (Argo CD keeps one of the two and
 * reports `RepeatedResourceWarning`), so previewing both would show Applications Argo CD never
 * generates.
 *
 * @throws GitOpsError `CG708` naming both files.
 */
function refuseRepeatedApplicationSets(sets: readonly FoundApplicationSet[]): void {
  const seen = new Map<string, FoundApplicationSet>();
  for (const set of sets) {
    const meta = set.object.metadata;
    const key = JSON.stringify([controlPlaneDir(set.file), meta?.namespace ?? '', meta?.name ?? '']);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, set);
      continue;
    }
    const where =
      first.file === set.file ? `twice in ${JSON.stringify(set.file)}` : `in ${JSON.stringify(first.file)} and ${JSON.stringify(set.file)}`;
    throw GitOpsError.of('CG708', {
      file: set.file,
      message:
        `ApplicationSet ${JSON.stringify(meta?.name ?? '')} of namespace ${JSON.stringify(meta?.namespace ?? '')} is declared ${where}, ` +
        `which the root Application of directory ${JSON.stringify(controlPlaneDir(set.file))} deploys: Argo CD applies only one of them (RepeatedResourceWarning), so the preview cannot say which Applications it generates.`,
      fix: 'Give each ApplicationSet its own name, or remove one of them.',
    });
  }
}

/**
 * {@link previewOf} for a checkout on disk, where two ApplicationSets of one control plane
 * generate one Application: the one whose file Git added first (along the first-parent history
 * of `HEAD`) is taken to own it, as Argo CD keeps the owner that created the Application; a new
 * ApplicationSet (a later or uncommitted file) gets the "already owned" error, whatever its name.
 * Without Git history the first in file order owns it. `expansions` as for {@link previewOf}.
 */
export function previewOfCheckout(dir: string, view: TreeView, expansions?: Map<string, GeneratedAt[]>): ReturnType<typeof previewOf> {
  const first = previewOf(view, expansions);
  const contested = first.notCreated.filter((n) => n.ownedBy !== undefined);
  if (contested.length === 0) return first;
  const git = LedgerGit.open(dir);
  if (git === undefined) return first;
  const ages = new Map<string, number>();
  const ageOf = (file: string): number => {
    let age = ages.get(file);
    if (age === undefined) ages.set(file, (age = git.addedAt(file) ?? Number.POSITIVE_INFINITY));
    return age;
  };
  const byKey = new Map<string, { applicationSet: string; file: string }[]>();
  const keyOf = (app: GeneratedApplication, file: string): string => planeKey(applicationKey(app), controlPlaneDir(file), true);
  for (const c of first.created.values()) byKey.set(keyOf(c.app, c.file), [{ applicationSet: c.applicationSet, file: c.file }]);
  for (const n of contested) byKey.get(keyOf(n.app, n.file))?.push({ applicationSet: n.applicationSet, file: n.file });
  const owners = new Map<string, string>();
  for (const [key, claimants] of byKey) {
    if (claimants.length < 2) continue;
    // The oldest file wins; of one age, the first in file order (the current owner) keeps it.
    const oldest = claimants.reduce((a, b) => (ageOf(b.file) < ageOf(a.file) ? b : a));
    owners.set(key, oldest.applicationSet);
  }
  return owners.size === 0 ? first : previewOf(view, expansions, owners);
}

/** Whether two views list the same directories, so that one's expansions serve the other ({@link previewOf}). */
export function sameDirectories(a: TreeView, b: TreeView): boolean {
  return a.directories.length === b.directories.length && a.directories.every((d, i) => d === b.directories[i]);
}

/**
 * The control plane an ApplicationSet file belongs to: its directory, which the control plane's
 * root Application deploys (the SDK writes one such directory per control plane).
 */
export function controlPlaneDir(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

/**
 * The Applications Argo CD creates from a view's ApplicationSets, by `namespace/name`, with the
 * ApplicationSet of each: those it would not create (a duplicate name, a name or label the API
 * server refuses, a name another ApplicationSet owns) are left out; {@link previewOf} lists them.
 */
export function applicationsOf(
  view: TreeView,
  expansions?: Map<string, GeneratedAt[]>,
  owners?: ReadonlyMap<string, string>,
): Map<string, ViewApplication> {
  return previewOf(view, expansions, owners).created;
}
