import { FileKind, FileTree } from '../synth/file-tree';
import { applicationsOf, controlPlaneDir, previewOf, readsFiles, TreeView, ViewApplication } from './inspect/checkout';
import { keepsResourcesOnDeletion, type GeneratedApplication, type GeneratedAt, type NotCreatedApplication } from '../preview';
import { MANIFEST_GENERATE_PATHS } from '../synth/argocd/application-set';
import { cachedReader, CheckoutReader, viewsAroundWrite, writeKeepsApplications } from './inspect/planned-checkout';
import { planWrite, WriteOptions, WritePlan } from './checkout/writer';
import { readYaml, readYamlDocuments } from '../core/yaml/read';
import { isMap } from '../core/plain';
import { mayRevealSecret, secretInString } from '../constructs/values-check';

/** What a plan gives instead of a value, or a key, that may hold a secret. */
export const NOT_SHOWN = '(may hold a secret: not shown)';

/**
 * A values key that changes: dotted path, before and after (absent means the key is new or
 * gone). A plan never gives a value that may hold a secret ({@link mayRevealSecret}): such a
 * change is `hidden`, its `before` and `after` (where present) are {@link NOT_SHOWN}, and so is a
 * key of its path that holds one.
 */
export interface KeyChange {
  readonly key: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** True when the value may hold a secret: `before` and `after` only say whether there is one. @default false */
  readonly hidden?: true;
}

/** A file that changes. */
export interface FileChange {
  readonly path: string;
  readonly change: 'create' | 'update' | 'delete';
  /** What the file holds. */
  readonly kind?: FileKind;
  /** Construct path of what produces it (for deletions: what produced it before, when known). */
  readonly origin?: string;
  /** For values files that are updated: the keys that change. */
  readonly keys?: readonly KeyChange[];
  /** For Argo CD objects that are updated: the fields that change, e.g. `spec.destinations`. */
  readonly fields?: readonly string[];
  /** For files of Kubernetes objects (rendered workloads, namespace baselines): each object that changes. */
  readonly objects?: readonly ObjectChange[];
  /** True when the file was edited by hand since it was written, and the write puts it back. @default false */
  readonly edited?: boolean;
}

/** A Kubernetes object that changes, e.g. `[~] Deployment orders-api: spec.template.spec.containers[0].image`. */
export interface ObjectChange {
  readonly kind: string;
  readonly name: string;
  readonly change: 'create' | 'update' | 'delete';
  /** For updates: the fields that change. */
  readonly fields?: readonly string[];
}

/** An Application that changes. */
export interface ApplicationChange {
  readonly name: string;
  readonly change: 'create' | 'update' | 'delete';
  /** The ApplicationSet that generates it (after the change; before it for deletions). */
  readonly applicationSet: string;
  /** For updates: the fields that change, e.g. `spec.destination.name`. */
  readonly fields?: readonly string[];
  /**
   * For a created Application: the release its target runs from the ring's ledger entry (what a
   * new production Application starts with, which its reviewers should see).
   * @default - none: the tree does not say
   */
  readonly runs?: string;
  /** For deletions: the Application's labels (`service`, `environment`, `cloud`, `cluster`), which tell what removed it. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * For deletions: the ApplicationSet that generates an Application of the same name after the
   * write. Argo CD's ApplicationSet controller deletes an Application its set no longer
   * generates, and another set cannot take one over: the Application is deleted (pruning what
   * it runs) before it is created again.
   * @default - none: the Application is gone after the write
   */
  readonly movedTo?: string;
  /**
   * For deletions of an Application that moves: the directory of ApplicationSets of the Argo CD
   * that generates it after the write, when that is another Argo CD (its environment's control
   * plane changed). The one it leaves deletes it; the other creates it.
   * @default - none: the same Argo CD, or gone
   */
  readonly movedToArgoCd?: string;
  /**
   * For deletions: the Application stays after the write, but the ApplicationSet's old spec
   * (which Argo CD applies apart from the commit that brings the new one) no longer generates
   * it from the new tree, so Argo CD deletes it in between.
   * @default - none
   */
  readonly untilNewSpec?: true;
  /**
   * For deletions of what an Application runs, the Application kept: its destination namespace,
   * or its Helm release name (which names the chart's objects), changes. Argo CD creates what it
   * runs anew and prunes what it ran before, with the data of its volumes.
   * @default - none
   */
  readonly replaced?: Replacement;
  /**
   * For deletions of the Application itself (not `replaced`): its ApplicationSet preserves
   * resources on deletion (no resources finalizer), as Argo CD's own installation's does, so
   * Argo CD keeps what it runs instead of pruning it.
   * @default - none: Argo CD prunes what it runs
   */
  readonly keepsResources?: true;
  /**
   * For creations: another ApplicationSet whose old spec (which Argo CD applies apart from the
   * commit that brings the new one) generates it from the new tree first, so in between it
   * creates it with its own template (another destination, chart or namespace), and deletes it,
   * with what it runs, once its new spec no longer generates it (or once it is deleted from Argo
   * CD, where the write removes its file: the root Application does not prune); only then does
   * `applicationSet` create it.
   * @default - none: the ApplicationSet that generates it after the write creates it
   */
  readonly createdMeanwhileBy?: string;
}

/** What writing the program's tree into the checkout would change. */
export interface Plan {
  readonly files: readonly FileChange[];
  readonly applications: readonly ApplicationChange[];
  readonly unchangedFiles: number;
  /**
   * Owned files the program no longer makes that stay, because they changed since they were
   * written: the write gives them up instead of deleting them.
   */
  readonly kept: readonly string[];
  /**
   * Files that hold what the program makes but that the manifest does not record (its record
   * was lost: a shard or the manifest deleted or edited). The write records them again.
   */
  readonly unrecorded: readonly string[];
  /** Ledgers edited by hand that the ring rules accept: the write records the edit. */
  readonly acceptedEdits: readonly string[];
  /**
   * Applications the ApplicationSets generate once the write is done that Argo CD does not
   * create: a second one of a name within an ApplicationSet, one whose name or labels the API
   * server refuses, one another ApplicationSet owns. They are never among `applications` as
   * created (a plan never claims an Application Argo CD would not create); each comes with the
   * error Argo CD reports. Listed only when the write can change the Applications.
   * @default - none
   */
  readonly notCreated?: readonly NotCreatedApplication[];
}

/** Whether a plan changes anything. */
export function planHasChanges(plan: Plan): boolean {
  return (
    plan.files.length > 0 ||
    plan.applications.length > 0 ||
    plan.kept.length > 0 ||
    plan.unrecorded.length > 0 ||
    plan.acceptedEdits.length > 0
  );
}

/**
 * Compares the program's tree with the checkout `dir`: files, values keys, and the
 * Applications the ApplicationSets generate before and after (expanded offline).
 */
export function computePlan(tree: FileTree, dir: string): Plan {
  return planAndWrite(tree, dir).plan;
}

/** {@link computePlan}, with the write it describes (for the checks a write makes before it writes). */
export function planAndWrite(tree: FileTree, dir: string, options: WriteOptions = {}): { readonly plan: Plan; readonly write: WritePlan } {
  const write = planWrite(tree, dir, options);
  const read = cachedReader(dir);
  const { changes, notCreated } = applicationChangesOf(tree, dir, write, read);
  return {
    plan: {
      files: fileChanges(tree, write, read),
      applications: changes,
      ...(notCreated.length > 0 ? { notCreated } : {}),
      unchangedFiles: write.unchanged,
      kept: write.kept,
      unrecorded: write.unrecorded,
      acceptedEdits: write.acceptedEdits,
    },
    write,
  };
}

/** The files the write creates, updates and deletes, with what changes in each, by path. */
function fileChanges(tree: FileTree, write: WritePlan, read: CheckoutReader): FileChange[] {
  const readText = (p: string): string => {
    try {
      return read(p) ?? '';
    } catch {
      return '';
    }
  };
  const files: FileChange[] = [];
  const edited = new Set(write.edited);
  for (const [p, w] of write.writes) {
    const entry = tree.get(p)!;
    const change: FileChange = {
      path: p,
      change: w.existed ? 'update' : 'create',
      kind: entry.kind,
      origin: entry.origin,
      ...(edited.has(p) ? { edited: true } : {}),
    };
    if (entry.kind === FileKind.OBJECT) files.push({ ...change, objects: objectChanges(w.existed ? readText(p) : '', w.text) });
    else if (!w.existed) files.push(change);
    else if (entry.kind === FileKind.VALUES || entry.kind === FileKind.KUSTOMIZE)
      files.push({ ...change, keys: valuesKeyChanges(readText(p), w.text) });
    else if (entry.kind === FileKind.APPLICATION_SET || entry.kind === FileKind.APP_PROJECT || entry.kind === FileKind.BOOTSTRAP) {
      files.push({ ...change, fields: objectFieldChanges(readText(p), w.text) });
    } else files.push(change);
  }
  for (const p of write.deletes) {
    const objects = /\.ya?ml$/.test(p) ? objectChanges(readText(p), '') : [];
    files.push({ path: p, change: 'delete', ...(objects.length > 0 ? { objects } : {}) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The Applications that change. The checkout is listed and its ApplicationSets expanded only
 * when the write can change them: see {@link writeKeepsApplications}.
 */
function applicationChangesOf(
  tree: FileTree,
  dir: string,
  write: WritePlan,
  read: CheckoutReader,
): { changes: ApplicationChange[]; notCreated: NotCreatedApplication[] } {
  const paths = tree.paths();
  const none = { changes: [], notCreated: [] };
  if (writeKeepsApplications(tree, paths, write, read, dir)) return none;
  const views = viewsAroundWrite(tree, paths, dir, write, read);
  const [before, after] = [views.before, views.after()];
  if (sameApplications(before, after)) return none;
  // The release a created Application's target runs: recorded on its files (the directory its annotation names).
  const runsOf = (app: GeneratedApplication): string | undefined => {
    const dir = app.metadata.annotations?.[MANIFEST_GENERATE_PATHS]?.replace(/^\//, '');
    if (dir === undefined) return undefined;
    return paths
      .filter((p) => p.startsWith(`${dir}/`))
      .map((p) => tree.get(p)?.release?.version)
      .find((v) => v !== undefined);
  };
  return applicationChanges(before, after, runsOf);
}

/**
 * The Applications a write deletes: those the ApplicationSets generate from the checkout as it
 * is, and no longer once the write is done, or from another ApplicationSet (`movedTo`: Argo CD
 * deletes it before the other set can create it). Decided without listing the checkout when
 * the write keeps every Application ({@link writeKeepsApplications}), as a no-op synth or a
 * promotion does.
 */
export function applicationsDeletedBy(
  tree: FileTree,
  dir: string,
  write: WritePlan,
  read: CheckoutReader = cachedReader(dir),
): {
  readonly app: GeneratedApplication;
  readonly applicationSet: string;
  readonly movedTo?: string;
  readonly movedToArgoCd?: string;
  readonly untilNewSpec?: true;
  readonly replaced?: Replacement;
  readonly keepsResources?: true;
}[] {
  const paths = tree.paths();
  if (writeKeepsApplications(tree, paths, write, read, dir)) return [];
  const views = viewsAroundWrite(tree, paths, dir, write, read);
  // No ApplicationSet in the checkout (a first write): no Application to delete, whatever the write makes of it.
  if (views.before.applicationSets.length === 0) return [];
  const [before, after] = [views.before, views.after()];
  if (sameApplications(before, after)) return [];
  const expansions = sameList(before.directories, after.directories) ? new Map<string, GeneratedAt[]>() : undefined;
  const was = applicationsOf(before, expansions);
  // Nothing generated before: nothing can be lost, and the new tree need not be expanded.
  if (was.size === 0) return [];
  const now = applicationsOf(after, expansions, ownersOf(was));
  const { lost } = inBetween(before, after, was, now);
  const out: {
    app: GeneratedApplication;
    applicationSet: string;
    movedTo?: string;
    movedToArgoCd?: string;
    untilNewSpec?: true;
    replaced?: Replacement;
    keepsResources?: true;
  }[] = [];
  for (const [key, o] of was) {
    const n = now.get(key);
    if (n === undefined) out.push({ app: o.app, applicationSet: o.applicationSet, ...keepsOf(o.app) });
    else if (!sameOwner(o, n)) out.push({ app: o.app, applicationSet: o.applicationSet, ...movedOf(o, n), ...keepsOf(o.app) });
    else if (lost.has(key)) {
      out.push({ app: o.app, applicationSet: o.applicationSet, untilNewSpec: true, ...keepsOf(o.app) });
    } else {
      const replaced = replacementOf(o.app, n.app);
      if (replaced !== undefined) out.push({ app: o.app, applicationSet: o.applicationSet, replaced });
    }
  }
  return out.sort((a, b) => (a.app.metadata.name < b.app.metadata.name ? -1 : a.app.metadata.name > b.app.metadata.name ? 1 : 0));
}

/** What an Application kept across a write runs anew: its namespace or Helm release name, from and to. */
export interface Replacement {
  readonly what: 'namespace' | 'Helm release name';
  readonly from: string;
  readonly to: string;
}

/** The change of namespace or Helm release name that makes Argo CD run an Application's resources anew, if any. */
function replacementOf(o: GeneratedApplication, n: GeneratedApplication): Replacement | undefined {
  const namespace = (a: GeneratedApplication): string =>
    String((a.spec as { destination?: { namespace?: unknown } }).destination?.namespace ?? '');
  if (namespace(o) !== namespace(n)) return { what: 'namespace', from: namespace(o), to: namespace(n) };
  const release = (a: GeneratedApplication): string => {
    const spec = a.spec as { source?: { helm?: { releaseName?: unknown } }; sources?: { helm?: { releaseName?: unknown } }[] };
    const helm = [spec.source, ...(spec.sources ?? [])].find((s) => s?.helm !== undefined)?.helm;
    // Without one, Argo CD names the release after the Application, whose name is kept.
    return helm === undefined ? '' : String(helm.releaseName ?? a.metadata.name);
  };
  const [from, to] = [release(o), release(n)];
  return from !== '' && to !== '' && from !== to ? { what: 'Helm release name', from, to } : undefined;
}

/** The Applications of a view, by namespace and name, with their ApplicationSet. */
type Applications = ReturnType<typeof applicationsOf>;

/**
 * What the ApplicationSets' old specs do with the new tree in between: Argo CD applies an
 * ApplicationSet's new spec apart from the commit that brings it, and until it has, the old spec
 * generates from the new tree (old specs × new tree, each Application kept by the set that owns
 * it).
 *
 * - `lost`: the keys of the Applications an ApplicationSet keeps across the write but whose old
 *   spec no longer generates them from the new tree: deleted in between, though the new spec
 *   would create them again.
 * - `wrongSet`: the Applications the write creates that another ApplicationSet's old spec
 *   generates from the new tree, by key, with that set: it creates them first, with its own
 *   template, and deletes them once its new spec arrives, before their set creates them (as a
 *   cluster added with a destination of its own would be, by an environment's set that matches
 *   every cluster).
 */
function inBetween(
  before: TreeView,
  after: TreeView,
  was: Applications,
  now: Applications,
): { lost: Set<string>; wrongSet: Map<string, string> } {
  const lost = new Set<string>();
  const wrongSet = new Map<string, string>();
  if (JSON.stringify(before.applicationSets) === JSON.stringify(after.applicationSets)) return { lost, wrongSet };
  const meanwhile = applicationsOf({ ...after, applicationSets: before.applicationSets }, undefined, ownersOf(was));
  for (const [key, o] of was) {
    if (now.get(key)?.applicationSet === o.applicationSet && meanwhile.get(key)?.applicationSet !== o.applicationSet) lost.add(key);
  }
  for (const [key, m] of meanwhile) {
    const owner = now.get(key)?.applicationSet;
    if (!was.has(key) && owner !== undefined && owner !== m.applicationSet) wrongSet.set(key, m.applicationSet);
  }
  return { lost, wrongSet };
}

/**
 * Whether two views give the same Applications, decided on the ApplicationSets and the
 * directory list; an ApplicationSet with a git files generator depends on the files' text as
 * well, and is expanded to tell.
 */
function sameApplications(a: TreeView, b: TreeView): boolean {
  if (!sameList(a.directories, b.directories)) return false;
  if (a.applicationSets.some(readsFiles) || b.applicationSets.some(readsFiles)) return false;
  return JSON.stringify(a.applicationSets) === JSON.stringify(b.applicationSets);
}

function applicationChanges(
  before: TreeView,
  after: TreeView,
  runsOf: (app: GeneratedApplication) => string | undefined = () => undefined,
): { changes: ApplicationChange[]; notCreated: NotCreatedApplication[] } {
  const expansions = sameList(before.directories, after.directories) ? new Map<string, GeneratedAt[]>() : undefined;
  const old = applicationsOf(before, expansions);
  const next = previewOf(after, expansions, ownersOf(old));
  const now = next.created;
  const { lost, wrongSet } = inBetween(before, after, old, now);
  const out: ApplicationChange[] = [...lost].map((key) => ({
    ...deletion(old.get(key)!),
    untilNewSpec: true as const,
  }));
  for (const [key, n] of now) {
    const o = old.get(key);
    const runs = runsOf(n.app);
    const meanwhileBy = o ? undefined : wrongSet.get(key);
    const created: ApplicationChange = {
      name: n.app.metadata.name,
      change: 'create',
      applicationSet: n.applicationSet,
      ...(runs === undefined ? {} : { runs }),
      ...(meanwhileBy === undefined ? {} : { createdMeanwhileBy: meanwhileBy }),
    };
    const replaced = o && sameOwner(o, n) ? replacementOf(o.app, n.app) : undefined;
    if (!o) out.push(created);
    else if (!sameOwner(o, n)) {
      out.push({ ...deletion(o), ...movedOf(o, n) }, created);
    } else if (replaced !== undefined) {
      out.push(deletion(o, replaced), created);
    } else if (!sameValue(o.app, n.app)) {
      const fields = diffPaths(o.app, n.app, '');
      if (fields.length > 0) out.push({ name: n.app.metadata.name, change: 'update', applicationSet: n.applicationSet, fields });
    }
  }
  for (const [key, o] of old) {
    if (!now.has(key)) out.push(deletion(o));
  }
  return {
    changes: out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : b.change === 'delete' ? 1 : a.change === 'delete' ? -1 : 0)),
    notCreated: next.notCreated,
  };
}

/**
 * Whether the same ApplicationSet of the same Argo CD generates an Application before and after
 * a write: each control plane runs an Argo CD of its own, whose ApplicationSets may share names
 * with another's. A control plane's ApplicationSets are in a directory named for it
 * (`applicationsets/<control plane>/`), wherever the layout puts that directory.
 */
function sameOwner(o: ViewApplication, n: ViewApplication): boolean {
  return o.applicationSet === n.applicationSet && argoCdOf(o) === argoCdOf(n);
}

/** Where an Application another ApplicationSet generates after a write moves to: that set, and its Argo CD's directory when that changed. */
function movedOf(o: ViewApplication, n: ViewApplication): { movedTo: string; movedToArgoCd?: string } {
  return argoCdOf(o) === argoCdOf(n)
    ? { movedTo: n.applicationSet }
    : { movedTo: n.applicationSet, movedToArgoCd: controlPlaneDir(n.file) };
}

/** The control plane whose Argo CD generates an Application: the name of its ApplicationSet's directory. */
function argoCdOf(a: ViewApplication): string {
  const dir = controlPlaneDir(a.file);
  return dir.slice(dir.lastIndexOf('/') + 1);
}

/** The ApplicationSet that owns each Application of a view: it keeps it across the write while it generates it. */
function ownersOf(apps: ReadonlyMap<string, ViewApplication>): Map<string, string> {
  return new Map([...apps].map(([key, a]) => [key, a.applicationSet]));
}

/**
 * The deletion of an Application, or of what it runs when `replaced`; whether Argo CD keeps what
 * a deleted Application runs is its own (see {@link keepsResourcesOnDeletion}).
 */
function deletion(o: { app: GeneratedApplication; applicationSet: string }, replaced?: Replacement): ApplicationChange {
  return {
    name: o.app.metadata.name,
    change: 'delete',
    applicationSet: o.applicationSet,
    ...(o.app.metadata.labels ? { labels: o.app.metadata.labels } : {}),
    ...(replaced !== undefined ? { replaced } : keepsOf(o.app)),
  };
}

/** `{ keepsResources: true }` when Argo CD keeps what the Application runs once it is deleted. */
function keepsOf(app: GeneratedApplication): { keepsResources?: true } {
  return keepsResourcesOnDeletion(app) ? { keepsResources: true } : {};
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether {@link diffPaths} finds no difference between two values, without listing paths. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isMap(a) && isMap(b)) {
    for (const k of Object.keys(a)) if (!sameValue(a[k], b[k])) return false;
    for (const k of Object.keys(b)) if (!Object.prototype.hasOwnProperty.call(a, k) && !sameValue(a[k], b[k])) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.every((v, i) => sameValue(v, b[i]));
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * `prefix` and a map key `k` as one path: `a.b`, or `a["x.y"]` for a key a dot would make two
 * (a dot, a bracket, a quote, white space, or no character at all), as Helm reads them apart.
 */
function keyPath(prefix: string, k: string): string {
  if (k === '' || /[.[\]"'\\\s]/.test(k)) return `${prefix}[${JSON.stringify(k)}]`;
  return prefix ? `${prefix}.${k}` : k;
}

/** Leaf paths at which two values differ (`spec.sources[0].targetRevision`). */
export function diffPaths(a: unknown, b: unknown, prefix: string): string[] {
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => diffPaths(a[k], b[k], keyPath(prefix, k)));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((v, i) => diffPaths(v, b[i], `${prefix}[${i}]`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '<root>'];
}

/** A leaf of a values file: the keys down to it, and what it holds. */
interface Leaf {
  readonly keys: readonly string[];
  readonly value: unknown;
}

/** The leaves of a values file by path (`a.b`, `a["x.y"]`); lists are leaves. */
function flatten(v: unknown, prefix: string, keys: readonly string[], out: Map<string, Leaf>): void {
  if (isMap(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) flatten(x, keyPath(prefix, k), [...keys, k], out);
  } else if (prefix) out.set(prefix, { keys, value: v });
}

/** A path as a plan shows it: each key that holds a secret (`"--db-password=…": x`) is {@link NOT_SHOWN}. */
function shownPath(keys: readonly string[]): string {
  return keys.reduce((p, k) => keyPath(p, secretInString(k) === undefined ? k : NOT_SHOWN), '');
}

/**
 * The keys that differ between two values files, in the order of the new file. A change whose
 * value, before or after, may hold a secret ({@link mayRevealSecret}) is `hidden`.
 */
export function valuesKeyChanges(beforeText: string, afterText: string): KeyChange[] {
  const parse = (t: string): unknown => {
    try {
      return readYaml(t) ?? {};
    } catch {
      return {};
    }
  };
  const a = new Map<string, Leaf>();
  const b = new Map<string, Leaf>();
  flatten(parse(beforeText), '', [], a);
  flatten(parse(afterText), '', [], b);
  const change = (leaf: Leaf, before: Leaf | undefined, after: Leaf | undefined): KeyChange => {
    const key = shownPath(leaf.keys);
    const hidden =
      leaf.keys.some((k) => secretInString(k) !== undefined) ||
      [before, after].some((l) => l !== undefined && mayRevealSecret(l.keys, l.value));
    if (hidden) {
      return {
        key,
        ...(before === undefined ? {} : { before: NOT_SHOWN }),
        ...(after === undefined ? {} : { after: NOT_SHOWN }),
        hidden: true,
      };
    }
    return { key, ...(before === undefined ? {} : { before: before.value }), ...(after === undefined ? {} : { after: after.value }) };
  };
  const out: KeyChange[] = [];
  for (const [k, v] of b) {
    const was = a.get(k);
    if (was === undefined) out.push(change(v, undefined, v));
    else if (JSON.stringify(was.value) !== JSON.stringify(v.value)) out.push(change(v, was, v));
  }
  for (const [k, v] of a) if (!b.has(k)) out.push(change(v, v, undefined));
  return out;
}

/** The documents of a YAML text: read directly when cdk8s-gitops wrote it, else parsed; none when it does not parse. */
function yamlDocuments(text: string): unknown[] {
  try {
    return readYamlDocuments(text);
  } catch {
    return [];
  }
}

function kubeObjects(text: string): Map<string, { kind: string; name: string; obj: unknown }> {
  const out = new Map<string, { kind: string; name: string; obj: unknown }>();
  const docs = text ? yamlDocuments(text) : [];
  for (const o of docs) {
    const m = isMap(o) ? o.metadata : undefined;
    if (!isMap(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || !isMap(m) || typeof m.name !== 'string') continue;
    out.set(`${o.apiVersion}\u0000${o.kind}\u0000${String(m.namespace ?? '')}\u0000${m.name}`, { kind: o.kind, name: m.name, obj: o });
  }
  return out;
}

/**
 * The Kubernetes objects that are created, changed (with their fields) or deleted between two
 * YAML files, matched by apiVersion, kind, namespace and name. Documents that are not
 * Kubernetes objects (e.g. values files) are left out.
 */
export function objectChanges(beforeText: string, afterText: string): ObjectChange[] {
  const a = kubeObjects(beforeText);
  const b = kubeObjects(afterText);
  const out: ObjectChange[] = [];
  for (const [key, n] of b) {
    const o = a.get(key);
    if (!o) out.push({ kind: n.kind, name: n.name, change: 'create' });
    else {
      const fields = diffPaths(o.obj, n.obj, '');
      if (fields.length > 0) out.push({ kind: n.kind, name: n.name, change: 'update', fields });
    }
  }
  for (const [key, o] of a) if (!b.has(key)) out.push({ kind: o.kind, name: o.name, change: 'delete' });
  return out;
}

/** The fields that differ between two multi-document YAML files of Kubernetes objects. */
export function objectFieldChanges(beforeText: string, afterText: string): string[] {
  const a = yamlDocuments(beforeText);
  const b = yamlDocuments(afterText);
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const kind = (b[i] ?? a[i]) as { kind?: string; metadata?: { name?: string } } | undefined;
    const prefix = a.length + b.length > 2 ? `${kind?.kind ?? 'object'} ${kind?.metadata?.name ?? i}: ` : '';
    out.push(...diffPaths(a[i], b[i], '').map((f) => `${prefix}${f}`));
  }
  return out;
}
