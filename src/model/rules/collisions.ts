/** Targets that would land where other targets, or Argo CD itself, already are. */
import { Problem, problem } from '../../core/errors';
import { applicationName } from '../placement';
import { getOrSet } from '../../core/maps';
import { someNames } from '../../core/name-list';
import { ClusterModel, PlatformModel, ServiceModel, TargetModel } from '../platform-model';
import { ownNamespaceFor } from './namespaces';

/**
 * Targets that would land where others, or Argo CD itself, already are.
 *
 * @param targetClusters the cluster of each target, in the order of `model.targets`
 */
export function problemsOfCollisions(model: PlatformModel, targetClusters: readonly (ClusterModel | undefined)[]): Problem[] {
  const problems: Problem[] = [];
  const envCp = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const cpNamespace = new Map(model.controlPlanes.map((cp) => [cp.name, cp.namespace]));
  const inArgoNamespace = new Set<string>();
  const serviceByName = new Map(model.services.map((s) => [s.name, s]));
  for (const t of model.targets) {
    const service = serviceByName.get(t.service)!;
    const cp = envCp.get(t.environment)!;
    if (service.namespace !== cpNamespace.get(cp)) continue;
    // Argo CD's own installation is where it belongs, on the control planes it installs.
    if (service.addon?.argoCd?.controlPlanes.includes(cp)) continue;
    const key = `${service.name}\u0000${cp}`;
    if (!inArgoNamespace.has(key)) {
      inArgoNamespace.add(key);
      problems.push(
        problem('CG123', {
          constructPath: service.path,
          message: `${service.addon === undefined ? 'Service' : 'Cluster add-on'} "${service.name}" deploys into namespace "${service.namespace}", where the Argo CD of control plane "${cp}" runs; an AppProject allowed to deploy there can change Argo CD itself.`,
          fix: `Give the ${service.addon === undefined ? 'service' : 'add-on'} its own namespace, e.g. namespace: '${ownNamespaceFor(model, service)}'.`,
        }),
      );
    }
  }
  // Clusters registered under one destination in a control plane: one problem per destination,
  // which names the Applications that would then share a namespace there (they are not told
  // again one by one: the fix of the destination is the fix of each).
  const byDestination = new Map<string, ClusterModel[]>();
  for (const c of model.clusters) getOrSet(byDestination, `${envCp.get(c.environment)}\u0000${c.destination}`, () => []).push(c);
  const shared = problemsOfSharedPlaces(model, targetClusters, envCp, serviceByName);
  for (const [key, clusters] of byDestination) {
    if (clusters.length > 1)
      problems.push(sharedDestination(clusters, envCp.get(clusters[0]!.environment)!, shared.sharedBy.get(key) ?? []));
  }
  problems.push(...shared.problems);
  return problems;
}

/** How many clusters, Applications or environments a collision names before it counts the rest. */
const NAMES_SHOWN = 3;

function someOf(names: readonly string[]): string {
  return someNames(names, NAMES_SHOWN);
}

/**
 * CG105 for clusters registered under one destination in control plane `cp`, at the second
 * cluster, naming the Applications that would deploy into a namespace another's deploys into.
 */
function sharedDestination(clusters: readonly ClusterModel[], cp: string, applications: readonly string[]): Problem {
  const [first, second] = clusters;
  const envs = [...new Set(clusters.map((c) => c.environment))];
  const which =
    clusters.length === 2 ? `Clusters ${first!.id} and ${second!.id} are both` : `Clusters ${someOf(clusters.map((c) => c.id))} are all`;
  const then =
    applications.length === 0
      ? ''
      : ` ${applications.length} Application${applications.length === 1 ? '' : 's'} would then deploy into the same namespace as another cluster's Application and fight over its resources: ${someOf(applications)}.`;
  const ownName = `give each cluster its own destination name, the one it is registered under in Argo CD (new Cluster(env, '${second!.name}', { cloud, destination: '…' }), or no destination for the default '<cloud>-<cluster>'); a cluster with a destination of its own is deployed by an ApplicationSet of its own, workloads-<env>-<cloud>-<cluster>`;
  return problem('CG105', {
    constructPath: second!.path,
    message: `${which} registered as destination "${first!.destination}" in control plane "${cp}".${then}`,
    fix:
      envs.length > 1
        ? `Manage environments ${someOf(envs)} from separate control planes (new ControlPlane(platform, '${second!.environment}') and Environment's controlPlane), or ${ownName}.`
        : `${ownName[0]!.toUpperCase()}${ownName.slice(1)}.`,
  });
}

/** Where targets of one cluster land: the first target at each namespace, and with each Application name. */
interface Place {
  /** The first target at each namespace of the cluster's destination, in its control plane. */
  readonly byNamespace: Map<string, TargetModel>;
  /** The first target at each namespace of the cluster itself. */
  readonly ownNamespaces: Map<string, TargetModel>;
  /**
   * The first target with each Application name in the control plane: by the whole name, or,
   * when the rest of the name is the cluster's for every target here, by service name.
   */
  readonly byApplication: Map<string, TargetModel>;
}

/**
 * Targets that would deploy where an earlier target of their control plane deploys (CG104), or
 * be an Application of the same name (CG114).
 *
 * An Application name is `<service>-<env>-<cloud>-<cluster>`. Unless a service name is another
 * one's followed by "-" (`shop` and `shop-api`), two names are the same only when the services
 * are and the rest is; then the names are compared by their parts, and not built per target.
 */
function problemsOfSharedPlaces(
  model: PlatformModel,
  targetClusters: readonly (ClusterModel | undefined)[],
  envCp: ReadonlyMap<string, string>,
  serviceByName: ReadonlyMap<string, ServiceModel>,
): { readonly problems: Problem[]; readonly sharedBy: Map<string, string[]> } {
  const problems: Problem[] = [];
  const sharedBy = new Map<string, string[]>();
  const byWholeName = serviceNamesNest(model.services);
  const destinations = new Map<string, Map<string, TargetModel>>();
  const applications = new Map<string, Map<string, TargetModel>>();
  const placeOf = (t: TargetModel, cluster: ClusterModel, cp: string): Place => ({
    byNamespace: getOrSet(destinations, `${cp}\u0000${cluster.destination}`, () => new Map()),
    ownNamespaces: new Map(),
    byApplication: getOrSet(applications, byWholeName ? cp : `${cp}\u0000${t.environment}-${t.cloud}-${t.cluster}`, () => new Map()),
  });
  // The place of a cluster's targets, found once per cluster.
  const places = new Map<ClusterModel, { readonly of: TargetModel; readonly cp: string; readonly place: Place }>();
  for (let i = 0; i < model.targets.length; i++) {
    const t = model.targets[i];
    const cluster = targetClusters[i];
    if (!cluster) continue; // a cluster of another platform: reported as CG119
    const cp = envCp.get(t.environment)!;
    let known = places.get(cluster);
    if (
      !known ||
      known.cp !== cp ||
      known.of.environment !== t.environment ||
      known.of.cloud !== t.cloud ||
      known.of.cluster !== t.cluster
    ) {
      known = { of: t, cp, place: placeOf(t, cluster, cp) };
      places.set(cluster, known);
    }
    const { byNamespace, ownNamespaces, byApplication } = known.place;
    const service = serviceByName.get(t.service)!;
    const ns = service.namespace;
    const clashes = (other: TargetModel | undefined): other is TargetModel =>
      other !== undefined && !sharesNamespace(model, serviceByName.get(other.service)!, service, t.environment);
    const same = ownNamespaces.get(ns);
    const other = byNamespace.get(ns);
    if (clashes(same)) {
      problems.push(
        problem('CG104', {
          constructPath: t.path,
          message: `Applications "${applicationName(same)}" and "${applicationName(t)}" would both deploy to destination "${cluster.destination}", namespace "${ns}", in control plane "${cp}": they would fight over the same resources.`,
          fix: `Give one of the services another namespace.`,
        }),
      );
    } else {
      ownNamespaces.set(ns, t);
      // Another cluster under the same destination: told once, by the destination's CG105.
      if (clashes(other)) getOrSet(sharedBy, `${cp}\u0000${cluster.destination}`, () => []).push(applicationName(t));
      else byNamespace.set(ns, t);
    }
    const name = byWholeName ? applicationName(t) : t.service;
    const sameName = byApplication.get(name);
    if (sameName) {
      problems.push(
        problem('CG114', {
          constructPath: t.path,
          message: `Targets ${sameName.id} and ${t.id} would both be Application "${applicationName(t)}" in control plane "${cp}".`,
          fix: 'Rename a service, cluster or cloud so that <service>-<env>-<cloud>-<cluster> differs.',
        }),
      );
    } else byApplication.set(name, t);
  }
  return { problems, sharedBy };
}

/** Whether a service name is another one's followed by "-" and more, as `shop-api` is `shop`'s. */
function serviceNamesNest(services: readonly ServiceModel[]): boolean {
  const names = new Set(services.map((s) => s.name));
  for (const name of names) {
    for (let dash = name.indexOf('-'); dash >= 0; dash = name.indexOf('-', dash + 1)) {
      if (names.has(name.slice(0, dash))) return true;
    }
  }
  return false;
}

/**
 * Whether two cluster add-ons may be installed into one namespace of a cluster: Helm releases of
 * other names live side by side (metrics-server and coredns in kube-system), but not where the
 * environment's namespace baseline would make each Application own the namespace's objects.
 */
function sharesNamespace(model: PlatformModel, a: ServiceModel, b: ServiceModel, env: string): boolean {
  if (a.addon === undefined || b.addon === undefined || a.source.kind !== 'helm' || b.source.kind !== 'helm') return false;
  if (a.source.releaseName === b.source.releaseName) return false;
  return model.environments.find((e) => e.name === env)?.namespaceBaseline === undefined;
}
