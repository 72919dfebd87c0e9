/**
 * No Application disappears as a side effect: a write that would delete Applications the
 * program does not declare removed (`platform.removed(...)`), nor the command allows
 * (`--allow-remove`), fails with `CG141` and writes nothing.
 *
 * @module
 */
import * as path from 'path';
import { GitOpsError, Problem, problem } from '../core/errors';
import { globMatches } from '../core/glob';
import { NAMES_SHOWN, someNames } from '../core/name-list';
import { FileTree } from '../synth/file-tree';
import { PlatformModel, RemovalModel } from '../model/platform-model';
import { applicationsDeletedBy, Replacement } from './plan';
import { cachedReader, CheckoutReader } from './inspect/planned-checkout';
import { clusterEntryDirectory, FLUX_CLUSTERS_DIR } from '../synth/flux/clusters';
import { FLUX_FILE, FLUX_KUSTOMIZATION } from '../synth/flux/helm';
import { FLUX_OVERLAY } from '../synth/flux/kustomize';
import { applicationName, targetDirectory } from '../model/placement';
import { isFluxEnvironment } from '../synth/flux/reconciler';
import { parseYamlDocuments } from '../core/yaml/parse';
import { isMap } from '../core/plain';
import { assertReleasesExplained } from './release-continuity';
import { assertHeldFit } from './checkout/held-targets';
import { applyPlan, ensureCheckoutDirectory, planWrite, recoverInterruptedWrite, WriteOptions, WritePlan } from './checkout/writer';
import { WriteReport } from '../model/write-report';
import { clusterSplitMoves } from '../model/application-set-names';
import { emptyRenderText, rendersNothing } from '../synth/empty-renders';

/** An Application a write deletes: its name and the labels its ApplicationSet gave it. */
export interface DeletedApplication {
  readonly name: string;
  /** `service`, `environment`, `cloud`, `cluster` for the Applications cdk8s-gitops generates. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** The ApplicationSet that generates it after the write, for one that moves between sets. @default - none: it is gone */
  readonly movedTo?: string;
  /**
   * The directory of ApplicationSets of the other Argo CD that generates it after the write (its
   * environment's control plane changed). @default - none
   */
  readonly movedToArgoCd?: string;
  /** It stays, but what it runs is made anew under another namespace or Helm release name, the old pruned. @default - none */
  readonly replaced?: Replacement;
  /** The ApplicationSet that generates it before the write. @default - not known */
  readonly applicationSet?: string;
  /** The destination cluster name (`spec.destination.name`) it had before the write. @default - not known */
  readonly destination?: string;
  /**
   * It stays after the write, but the ApplicationSet's old spec, which Argo CD applies apart
   * from the commit that brings the new one, no longer generates it from the new tree: Argo CD
   * deletes it in between.
   * @default false
   */
  readonly untilNewSpec?: boolean;
  /**
   * Its ApplicationSet keeps what it runs when Argo CD deletes it
   * (`preserveResourcesOnDeletion`: no resources finalizer), as Argo CD's own installation's does.
   * @default false
   */
  readonly keepsResources?: boolean;
  /**
   * It is a Flux Kustomization of a cluster's entry point (named like the Application Argo CD
   * would run for the same target), whose deletion prunes what it deployed.
   * @default false - an Argo CD Application
   */
  readonly flux?: boolean;
  /** For a Flux Kustomization kept: the namespace it moves from, which Flux prunes. @default - none */
  readonly movedFromNamespace?: string;
  /**
   * For a Flux target kept: what deployed its workload before the write and what deploys it
   * after (`HelmRelease web`, `Kustomization web`, or its entry point's Kustomization directly).
   * Flux prunes what the one deployed before the other deploys it again.
   * @default - none
   */
  readonly deployedBy?: { readonly before: string; readonly after: string };
}

/** Options of {@link assertDeclaredRemovals}. */
export interface RemovalOptions {
  /**
   * Application names or globs (`*` any characters, `?` one) the command may delete although
   * the program does not declare them removed (`--allow-remove`).
   * @default - none
   */
  readonly allow?: readonly string[];
}

/** Whether a declared removal covers the Application. */
function removes(r: RemovalModel, app: DeletedApplication): boolean {
  const l = app.labels ?? {};
  switch (r.kind) {
    case 'application':
      return globMatches(r.name, app.name);
    case 'service':
      return l.service === r.name;
    case 'environment':
      return l.environment === r.name;
    case 'cluster':
      return `${l.environment}/${l.cloud}/${l.cluster}` === r.name;
    default:
      return false;
  }
}

/** Whether the program declares the Application removed, or the command allows deleting it. */
export function removalAllowed(model: PlatformModel, app: DeletedApplication, options: RemovalOptions = {}): boolean {
  return (model.removals ?? []).some((r) => removes(r, app)) || (options.allow ?? []).some((p) => globMatches(p, app.name));
}

/** The names of the Applications the program does not declare removed, nor the command allows. */
export function undeclaredDeletions(model: PlatformModel, apps: readonly DeletedApplication[], options: RemovalOptions = {}): string[] {
  return apps.filter((a) => !removalAllowed(model, a, options)).map((a) => a.name);
}

/** What Flux prunes of a target a write changes, in `plan`'s words: why, and whether the program declares it. */
export interface FluxPrune {
  /** Named as the target's Application would be (`<service>-<env>-<cloud>-<cluster>`). */
  readonly name: string;
  readonly why: string;
  /** The program does not declare it removed nor the command allow it: a write refuses it (CG141). */
  readonly refused: boolean;
}

/** The prunes of {@link fluxPrunesBy}, each with why and whether a write refuses it. */
export function fluxPruneList(model: PlatformModel, apps: readonly DeletedApplication[], options: RemovalOptions = {}): FluxPrune[] {
  const splitMoves = clusterSplitMoves(model);
  return apps.map((a) => ({ name: a.name, why: causeOf(model, a, splitMoves).why, refused: !removalAllowed(model, a, options) }));
}

/** Why an Application goes, and the declaration that says so. */
interface Cause {
  readonly why: string;
  /** The declaration that allows it; undefined where none can (the program still declares the target). */
  readonly fix: string | undefined;
  /** A declaration that keeps the Applications where they are, said before the fix. @default - none */
  readonly keep?: string;
  readonly constructPath?: string;
}

function quote(s: string): string {
  return `'${s}'`;
}

/** What removed an Application, from its labels and the model, with the fix. */
function causeOf(model: PlatformModel, app: DeletedApplication, splitMoves: ReturnType<typeof clusterSplitMoves>): Cause {
  const l = app.labels ?? {};
  if (app.movedFromNamespace !== undefined) {
    return {
      why: `its namespace changes from ${app.movedFromNamespace}: Flux prunes what the target runs there before it runs in the new one (the namespace itself stays)`,
      fix: undefined,
    };
  }
  if (app.deployedBy !== undefined) {
    return {
      why:
        `what deploys it changes from ${app.deployedBy.before} to ${app.deployedBy.after} (the service's kind, chart source or Helm release changed), ` +
        'and what the one deployed is not carried over to the other: Flux prunes it, or a release of another name or namespace is installed beside it (plan the window)',
      fix: undefined,
    };
  }
  if (app.untilNewSpec === true) {
    return {
      why:
        `until Argo CD applies the new spec of ApplicationSet ${app.applicationSet ?? '(unknown)'} (apart from the commit that brings it), its old spec reads the new tree and no longer generates it, so Argo CD deletes it in between ` +
        '(a generator changed together with the files it reads): write the files first and the ApplicationSet in a later change',
      fix: undefined,
    };
  }
  if (app.replaced !== undefined) {
    const { what, from, to } = app.replaced;
    return {
      why:
        `its ${what} changes from ${from} to ${to}: Argo CD makes what it runs anew ${what === 'namespace' ? `in ${to}` : `under ${to}`} and prunes what it ran ${what === 'namespace' ? `in ${from}` : `under ${from}`}, ` +
        'the data of its volumes (PersistentVolumeClaims) with it',
      keep: `To keep what it runs, keep the service's ${what} ${from}`,
      fix: undefined,
    };
  }
  if (app.movedToArgoCd !== undefined) {
    return {
      why:
        `it moves to another Argo CD (the one that applies ${app.movedToArgoCd}/): its environment's control plane changed, so the other creates it while the one it leaves ` +
        'keeps its ApplicationSet (its root Application does not prune) and goes on running it, the two managing the same resources, until the set is deleted there, which prunes what it runs',
      keep: "To keep it where it is, keep the environment's controlPlane as it was",
      fix: undefined,
    };
  }
  if (app.movedTo !== undefined) {
    const split = splitMove(app, app.movedTo, splitMoves);
    if (split !== undefined) return split;
    return {
      why:
        `${app.applicationSet === undefined ? 'it moves to' : `it moves from ApplicationSet ${app.applicationSet} to`} ${app.movedTo}, and Argo CD deletes an ` +
        "Application its ApplicationSet no longer generates before another ApplicationSet can create it again (the service's chart, revision, " +
        'repository, release name or namespace now differ from what the template of the one derives, or the reverse: keep them as they were to keep the Application)',
      fix: undefined,
    };
  }
  if (l.service === undefined || l.environment === undefined || l.cloud === undefined || l.cluster === undefined) {
    return { why: 'its directory or ApplicationSet is gone', fix: `platform.removed(Removal.application(${quote(app.name)}))` };
  }
  if (!model.services.some((s) => s.name === l.service)) {
    return { why: `service "${l.service}" is no longer declared`, fix: `platform.removed(Removal.service(${quote(l.service)}))` };
  }
  if (!model.environments.some((e) => e.name === l.environment)) {
    return {
      why: `environment "${l.environment}" is no longer declared`,
      fix: `platform.removed(Removal.environment(${quote(l.environment)}))`,
    };
  }
  const cluster = `${l.environment}/${l.cloud}/${l.cluster}`;
  if (!model.clusters.some((c) => c.id === cluster)) {
    return { why: `cluster ${cluster} is no longer declared`, fix: `platform.removed(Removal.cluster(${quote(cluster)}))` };
  }
  // The environment changed reconciler: the one it leaves prunes what the other installs again.
  const fluxNow = isFluxEnvironment(model, l.environment);
  if (fluxNow !== (app.flux === true)) {
    return {
      why: `environment "${l.environment}" is now reconciled by ${fluxNow ? 'Flux' : 'Argo CD'}, which installs it again once ${fluxNow ? 'Argo CD' : 'Flux'} has pruned it (plan the window, or move its workloads without pruning)`,
      fix: undefined,
    };
  }
  const target = model.targets.find((t) => t.id === `${cluster}/${l.service}`);
  if (!target) {
    return {
      why: `service "${l.service}" is no longer deployed to ${cluster}`,
      fix: `platform.removed(Removal.application(${quote(app.name)}))`,
    };
  }
  const service = model.services.find((s) => s.name === l.service);
  if (rendersNothing(service, target)) {
    return { why: emptyRenderText(target), fix: undefined, ...(service ? { constructPath: service.path } : {}) };
  }
  const ring = model.rings.find((r) => r.name === target.ring);
  return {
    why: `its ring "${target.ring}" runs no digest of ${l.service} (a ring renamed, split, or given targets of another ring)`,
    fix:
      `if the targets of ring "${target.ring}" ran in another ring before, make it inherit that ring's digest: new PromotionRing(platform, '${target.ring}', { …, movedFrom: ['<that ring>'] }); ` +
      `or promote a digest into "${target.ring}" first (cdk8s-gitops promote ${l.service} --ring ${target.ring} …)`,
    ...(ring ? { constructPath: ring.path } : {}),
  };
}

/** What Argo CD does with an Application that moves between ApplicationSets. */
const MOVE =
  'and Argo CD deletes an Application its ApplicationSet no longer generates (with what it runs) before another ApplicationSet can create it again';

/**
 * The cause of a move between an environment's shared ApplicationSet and a cluster's own one,
 * when its split by cluster starts or ends ({@link clusterSplitMoves}); undefined for other moves.
 */
function splitMove(app: DeletedApplication, movedTo: string, splitMoves: ReturnType<typeof clusterSplitMoves>): Cause | undefined {
  const l = app.labels ?? {};
  if (app.applicationSet === undefined || l.environment === undefined || l.service === undefined) return undefined;
  const move = splitMoves({
    environment: l.environment,
    service: l.service,
    clusterId: `${l.environment}/${l.cloud}/${l.cluster}`,
    from: app.applicationSet,
    to: movedTo,
  });
  if (move === undefined) return undefined;
  const env = quote(move.environment);
  const cap = `maxApplicationsPerApplicationSet of control plane "${move.controlPlane}" (${move.cap})`;
  const registered = `${l.cloud}-${l.cluster}`;
  if (move.kind === 'join' && app.destination !== undefined && app.destination !== registered) {
    // The cluster's own sets end because its destination of its own does, not because of the cap.
    return {
      why:
        `each moves from its cluster's ApplicationSet (${move.perCluster}) to ${move.shared}: cluster ${l.environment}/${l.cloud}/${l.cluster} is no longer registered under a destination of its own ` +
        `(it was ${app.destination}; now ${registered}), which ends its own ApplicationSets, ${MOVE}`,
      keep:
        `To keep them where they are, keep its destination: new Cluster(…, ${quote(l.cluster ?? '')}, { …, destination: ${quote(app.destination)} }); ` +
        `or, to change the destination in place, declare applicationSets: ApplicationSetSplit.PER_CLUSTER on new Environment(platform, ${env}, { … })`,
      fix: undefined,
    };
  }
  if (move.kind === 'join') {
    return {
      why:
        `each moves from its cluster's ApplicationSet (${move.perCluster}) to ${move.shared}: environment "${move.environment}" is no longer split by cluster, as its ApplicationSet of this shape would generate ${move.count} Application${move.count === 1 ? '' : 's'}, ` +
        `within the ${cap}, which joins the ApplicationSets of its clusters again, ${MOVE}`,
      keep:
        `To keep them in their clusters' ApplicationSets whatever the count (nothing moves), declare it on the environment: ` +
        `new Environment(platform, ${env}, { …, applicationSets: ApplicationSetSplit.PER_CLUSTER })`,
      fix: undefined,
    };
  }
  if (move.declared) {
    return {
      why: `each moves from ${move.shared} to its cluster's ApplicationSet (${move.perCluster}): environment "${move.environment}" declares applicationSets: ApplicationSetSplit.PER_CLUSTER, which splits its ApplicationSets by cluster, ${MOVE}`,
      keep: `To keep them in the environment's ApplicationSet, leave applicationSets out of new Environment(platform, ${env}, { … }) while it is within the ${cap}`,
      fix: undefined,
    };
  }
  return {
    why:
      `each moves from ${move.shared} to its cluster's ApplicationSet (${move.perCluster}): environment "${move.environment}" crossed the ${cap}: its ApplicationSet of this shape would generate ${move.count} Applications, ` +
      `so its ApplicationSets are split by cluster (Argo CD keeps at most applicationsetcontroller.status.max.resources.count of a set's Applications in its status), ${MOVE}. ` +
      'The split is needed once the environment is over the cap, and moves each Application once; later additions move none',
    keep: `To keep them in one ApplicationSet instead, raise the ${cap} to at least ${move.count} (and Argo CD's applicationsetcontroller.status.max.resources.count with it), or keep the environment within it`,
    fix: undefined,
  };
}

/**
 * The problems (`CG141`) of the Applications a write would delete that the program does not
 * declare removed nor the command allows: one per cause, naming every Application and the
 * declaration that fixes it.
 */
export function undeclaredDeletionProblems(
  model: PlatformModel,
  apps: readonly DeletedApplication[],
  options: RemovalOptions = {},
): Problem[] {
  const groups = new Map<string, { cause: Cause; names: string[]; keep: boolean; flux: boolean }>();
  const splitMoves = clusterSplitMoves(model);
  for (const app of apps) {
    if (removalAllowed(model, app, options)) continue;
    const cause = causeOf(model, app, splitMoves);
    const keep = app.keepsResources === true;
    const key = `${cause.why}\u0000${cause.fix}\u0000${cause.keep}\u0000${keep}\u0000${app.flux === true}`;
    const group = groups.get(key) ?? { cause, names: [], keep, flux: app.flux === true };
    group.names.push(app.name);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ cause, names, keep, flux }) =>
    problem('CG141', {
      ...(cause.constructPath ? { constructPath: cause.constructPath } : {}),
      message: flux
        ? `The write would make Flux prune what ${someNames(names)} ${names.length === 1 ? 'runs' : 'run'}: ${cause.why}.`
        : `The write would delete ${names.length === 1 ? 'Application' : `${names.length} Applications`} ${someNames(names)}: ${cause.why}. ` +
          (keep
            ? `Argo CD would keep what ${names.length === 1 ? 'it runs' : 'they run'} (${names.length === 1 ? 'its' : 'their'} ApplicationSet preserves resources on deletion), which nothing would manage any more (Argo CD's own installation would stop managing itself).`
            : `Argo CD would prune everything ${names.length === 1 ? 'it runs' : 'they run'}.`),
      fix:
        (cause.keep === undefined ? '' : `${cause.keep}. `) +
        (cause.fix === undefined
          ? `If that is intended, allow it for the command that publishes it (the program still declares the target, so it cannot declare it removed): ${allowFlags(names)}.`
          : `If that is intended, declare it in the program: ${cause.fix}; or allow it for this command only: ${allowFlags(names)}.`),
    }),
  );
}

/**
 * The `--allow-remove` flags that allow deleting the Applications `names`: one per name, or, for
 * more than a message lists, how to give them (`plan` lists every one).
 */
function allowFlags(names: readonly string[]): string {
  if (names.length <= NAMES_SHOWN + 1) return names.map((n) => `--allow-remove ${n}`).join(' ');
  return `--allow-remove <application> for each of the ${names.length}, or --allow-remove <glob> (cdk8s-gitops plan lists every one)`;
}

/**
 * Fails with `CG141` when writing `tree` into the checkout `dir` (as `write` plans it) would
 * delete an Application the program does not declare removed nor `options.allow` names.
 * Lists the checkout and expands its ApplicationSets only when the write can change
 * Applications (a no-op synth or a promotion does not).
 */
export function assertDeclaredRemovals(
  model: PlatformModel,
  tree: FileTree,
  dir: string,
  write: WritePlan,
  options: RemovalOptions = {},
): void {
  const deleted: DeletedApplication[] = applicationsDeletedBy(tree, dir, write).map(
    ({ app, applicationSet, movedTo, movedToArgoCd, untilNewSpec, replaced, keepsResources }): DeletedApplication => ({
      name: app.metadata.name,
      applicationSet,
      ...(replaced !== undefined ? { replaced } : {}),
      ...(movedToArgoCd !== undefined ? { movedToArgoCd } : {}),
      ...destinationOf(app.spec),
      ...(untilNewSpec ? { untilNewSpec } : {}),
      ...(app.metadata.labels ? { labels: app.metadata.labels } : {}),
      ...(movedTo !== undefined ? { movedTo } : {}),
      ...(keepsResources ? { keepsResources } : {}),
    }),
  );
  deleted.push(...fluxPrunesBy(model, tree, dir, write));
  const problems = undeclaredDeletionProblems(model, deleted, options);
  if (problems.length === 0) return;
  const names = undeclaredDeletions(model, deleted, options);
  throw new GitOpsError(
    problems,
    `This write would delete ${names.length} Application${names.length === 1 ? '' : 's'} the program does not declare removed; nothing was written:`,
  );
}

/** `{ destination }` of an Application's spec, when it names its destination cluster. */
function destinationOf(spec: Readonly<Record<string, unknown>>): { destination?: string } {
  const d = spec.destination;
  // Read from the checkout: only a name Argo CD could register a cluster under is said back.
  return isMap(d) && typeof d.name === 'string' && /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(d.name) ? { destination: d.name } : {};
}

/**
 * Writes `tree` into the checkout `dir` as {@link writeTree} does, but first fails (writing
 * nothing) with `CG141` when the write would delete an Application the program does not
 * declare removed nor `options.allow` names (see {@link assertDeclaredRemovals}), and with
 * `CG144` when it would change what a target runs without its ring's ledger entry changing.
 */
export function writeDeclaredTree(
  model: PlatformModel,
  tree: FileTree,
  dir: string,
  options: WriteOptions & RemovalOptions = {},
): WriteReport {
  ensureCheckoutDirectory(dir);
  recoverInterruptedWrite(dir);
  const plan = planWrite(tree, dir, options);
  assertHeldFit(plan);
  assertDeclaredRemovals(model, tree, dir, plan, options);
  assertReleasesExplained(model, tree, dir, plan);
  return applyPlan(plan, dir, options);
}

/**
 * What a write makes Flux prune on the clusters it reconciles: a target's Kustomization deleted,
 * its namespace changed, or what deploys it changed. Named as Applications are, so that the same
 * declarations allow it.
 */
export function fluxPrunesBy(
  model: PlatformModel,
  tree: FileTree,
  dir: string,
  write: Pick<WritePlan, 'deletes' | 'writes'>,
): DeletedApplication[] {
  const read = cachedReader(dir);
  return [...fluxKustomizationsDeletedBy(write, read, tree), ...fluxDeployerChanges(model, write, read, tree)];
}

/**
 * What a write makes Flux prune of clusters' entry points (`clusters/<env>/<cloud>/<cluster>/<service>.yaml`):
 * the Kustomization of a file it deletes that the tree does not write again, and the namespace of
 * a file it rewrites with another (Flux deletes the one it made, with everything in it). Each is
 * named and labelled as the target's Application would be, so that the same declarations
 * (`Removal.service`, `--allow-remove <service>-<env>-<cloud>-<cluster>`) allow it.
 */
export function fluxKustomizationsDeletedBy(
  write: Pick<WritePlan, 'deletes' | 'writes'>,
  read: CheckoutReader,
  tree: FileTree,
): DeletedApplication[] {
  const entry = new RegExp(`^${FLUX_CLUSTERS_DIR}/([^/]+)/([^/]+)/([^/]+)/([^/]+)\\.yaml$`);
  const objects = (text: string | undefined): Record<string, unknown>[] => {
    try {
      return parseYamlDocuments(text ?? '').filter(isMap);
    } catch {
      return [];
    }
  };
  const kustomizations = (docs: Record<string, unknown>[]): unknown[] =>
    docs.filter(
      (d) => d.kind === 'Kustomization' && typeof d.apiVersion === 'string' && d.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/'),
    );
  const namespaces = (docs: Record<string, unknown>[]): string[] =>
    docs.filter((d) => d.kind === 'Namespace' && isMap(d.metadata)).map((d) => String((d.metadata as Record<string, unknown>).name));
  const out: DeletedApplication[] = [];
  const add = (m: RegExpExecArray, namespace?: string): void => {
    const [, environment, cloud, cluster, service] = m as unknown as [string, string, string, string, string];
    out.push({
      name: `${service}-${environment}-${cloud}-${cluster}`,
      labels: { service, environment, cloud, cluster },
      flux: true,
      ...(namespace === undefined ? {} : { movedFromNamespace: namespace }),
    });
  };
  for (const p of write.deletes) {
    const m = entry.exec(p);
    if (m !== null && !tree.has(p) && kustomizations(objects(read(p))).length > 0) add(m);
  }
  for (const [p, w] of write.writes) {
    const m = entry.exec(p);
    if (m === null || !w.existed) continue;
    const now = new Set(namespaces(objects(w.text)));
    const gone = namespaces(objects(read(p))).find((n) => !now.has(n));
    if (gone !== undefined) add(m, gone);
  }
  return out;
}

/** The files of a Flux target that may hold what deploys its workload: a HelmRelease, a Flux Kustomization. */
const FLUX_DEPLOYER_FILES = [FLUX_FILE, FLUX_OVERLAY];

/**
 * What a write makes Flux prune of targets it keeps on clusters Flux reconciles: the workload of a
 * target whose deployer changes (a HelmRelease, a Flux Kustomization of the target's directory, or
 * the objects its entry point's Kustomization applies directly), as when a service's kind or chart
 * source changes. Flux applies the new objects and prunes the old owner, which takes what it
 * deployed with it, before the new owner deploys it again. The deployer before the write is what
 * the checkout's kustomization names (a file the write keeps, edited by hand, but no longer names
 * is pruned as well).
 */
export function fluxDeployerChanges(
  model: PlatformModel,
  write: Pick<WritePlan, 'deletes' | 'writes'>,
  read: CheckoutReader,
  tree: FileTree,
): DeletedApplication[] {
  const prefix = `${model.layout.environments}/`;
  const touched = new Set<string>();
  for (const p of [...write.deletes, ...write.writes.keys()]) if (p.startsWith(prefix)) touched.add(p.slice(0, p.lastIndexOf('/')));
  const out: DeletedApplication[] = [];
  for (const t of model.targets) {
    const dir = targetDirectory(model, t);
    if (!touched.has(dir) || !isFluxEnvironment(model, t.environment)) continue;
    // A target that ran nothing before (no entry point for it) loses nothing.
    const entry = `${clusterEntryDirectory(t)}/${t.service}.yaml`;
    if (read(entry) === undefined) continue;
    const before = deployerOf((f) => read(`${dir}/${f}`));
    const after = deployerOf((f) => (tree.has(`${dir}/${f}`) ? tree.content(`${dir}/${f}`) : undefined));
    if (before === after) continue;
    out.push({
      name: applicationName(t),
      labels: { service: t.service, environment: t.environment, cloud: t.cloud, cluster: t.cluster },
      flux: true,
      deployedBy: { before, after },
    });
  }
  return out;
}

/** The fields of a HelmRelease that say which Helm release it is. */
interface HelmReleaseDoc {
  readonly metadata: { readonly name?: unknown };
  readonly spec?: { readonly releaseName?: unknown; readonly targetNamespace?: unknown; readonly storageNamespace?: unknown };
}

/**
 * A HelmRelease as the Helm release it makes: its name, the release's name (by default
 * `[targetNamespace-]name`) and the namespace Helm stores it in. Another of these is another Helm
 * release: the one installed before is not upgraded. (Its chart is not: Helm upgrades a release
 * to another chart in place.)
 */
function helmReleaseOf(d: HelmReleaseDoc): string {
  const spec = d.spec ?? {};
  const name = String(d.metadata.name);
  const target = spec.targetNamespace === undefined ? undefined : String(spec.targetNamespace);
  const release = spec.releaseName === undefined ? (target === undefined ? name : `${target}-${name}`) : String(spec.releaseName);
  const storage = spec.storageNamespace === undefined ? '' : `, stored in ${String(spec.storageNamespace)}`;
  return `HelmRelease ${name} (release ${release}${storage})`;
}

/**
 * What deploys a Flux target's workload, from its files as Flux builds them: the HelmRelease or
 * Flux Kustomization of a file its kustomization names (of any such file, where it has no
 * kustomization that reads), else its entry point's Kustomization.
 */
function deployerOf(read: (file: string) => string | undefined): string {
  const docs = (file: string): unknown[] => {
    try {
      return parseYamlDocuments(read(file) ?? '');
    } catch {
      return [];
    }
  };
  const kustomization = docs(FLUX_KUSTOMIZATION)[0];
  // Named as Kustomize resolves them (`./flux.yaml`, the old `bases`); without a kustomization
  // that reads, every file that may hold one counts (Flux's inventory still holds what it applied).
  const named = isMap(kustomization)
    ? [kustomization.resources, kustomization.bases].flatMap((l) => (Array.isArray(l) ? l : [])).map((r) => path.posix.normalize(String(r)))
    : FLUX_DEPLOYER_FILES;
  for (const file of FLUX_DEPLOYER_FILES.filter((f) => named.includes(f))) {
    for (const d of docs(file)) {
      if (!isMap(d) || !isMap(d.metadata) || typeof d.apiVersion !== 'string') continue;
      if (d.kind === 'HelmRelease' && d.apiVersion.startsWith('helm.toolkit.fluxcd.io/'))
        return helmReleaseOf(d as unknown as HelmReleaseDoc);
      if (d.kind === 'Kustomization' && d.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/'))
        return `Kustomization ${String(d.metadata.name)}`;
    }
  }
  return "the entry point's Kustomization";
}
