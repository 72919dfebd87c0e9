/** Targets that would land where other targets, or Argo CD itself, already are. */
import { Problem, problem } from '../../core/errors';
import { applicationName } from '../placement';
import { ClusterModel, PlatformModel, ServiceModel, TargetModel } from '../platform-model';

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
          message: `Service "${service.name}" deploys into namespace "${service.namespace}", where the Argo CD of control plane "${cp}" runs; an AppProject allowed to deploy there can change Argo CD itself.`,
          fix: `Give the service its own namespace, e.g. namespace: '${service.name === service.namespace ? `${service.name}-app` : service.name}'.`,
        }),
      );
    }
  }
  const destinations = new Map<string, ClusterModel>();
  for (const c of model.clusters) {
    const key = `${envCp.get(c.environment)}\u0000${c.destination}`;
    const other = destinations.get(key);
    if (other) {
      problems.push(
        problem('CG105', {
          constructPath: c.path,
          message: `Clusters ${other.id} and ${c.id} are both registered as destination "${c.destination}" in control plane "${envCp.get(c.environment)}".`,
          fix: `Manage environments ${other.environment} and ${c.environment} from separate control planes (new ControlPlane(platform, '${c.environment}') and Environment's controlPlane), or give one cluster its own destination name.`,
        }),
      );
    } else destinations.set(key, c);
  }
  problems.push(...problemsOfSharedPlaces(model, targetClusters, envCp, serviceByName));
  return problems;
}

/** Where targets of one cluster land: the first target at each namespace, and with each Application name. */
interface Place {
  /** The first target at each namespace of the cluster's destination, in its control plane. */
  readonly byNamespace: Map<string, TargetModel>;
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
): Problem[] {
  const problems: Problem[] = [];
  const byWholeName = serviceNamesNest(model.services);
  const destinations = new Map<string, Map<string, TargetModel>>();
  const applications = new Map<string, Map<string, TargetModel>>();
  const placeOf = (t: TargetModel, cluster: ClusterModel, cp: string): Place => ({
    byNamespace: groupIn(destinations, `${cp}\u0000${cluster.destination}`),
    byApplication: groupIn(applications, byWholeName ? cp : `${cp}\u0000${t.environment}-${t.cloud}-${t.cluster}`),
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
    const { byNamespace, byApplication } = known.place;
    const ns = serviceByName.get(t.service)!.namespace;
    const other = byNamespace.get(ns);
    if (other && !sharesNamespace(model, serviceByName.get(other.service)!, serviceByName.get(t.service)!, t.environment)) {
      problems.push(
        problem('CG104', {
          constructPath: t.path,
          message: `Applications ${applicationName(other)} and ${applicationName(t)} would both deploy to destination "${cluster.destination}", namespace "${ns}", in control plane "${cp}": they would fight over the same resources.`,
          fix:
            other.environment !== t.environment
              ? `Manage environments ${other.environment} and ${t.environment} from separate control planes: new ControlPlane(platform, '${t.environment}') and pass it as the Environment's controlPlane.`
              : `Give one of the services another namespace.`,
        }),
      );
    } else byNamespace.set(ns, t);
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
  return problems;
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

/** The group under `key`, made empty on first use. */
function groupIn<V>(groups: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new Map()));
  return group;
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
