import { SyncOption, SyncPolicyJson } from '../../model/sync';
import { ControlPlaneModel, EnvironmentModel, PlatformModel, ServiceModel, ClusterModel, TargetModel } from '../../model/platform-model';
import { clusterIndex, targetClusters } from '../../model/cluster-index';
import { SourceKind, sourceKindOf } from '../sources';
import { argoCdGitRevision, ArgoObject, IN_CLUSTER_SERVER, MANAGED_BY } from '../../model/argo-object';
import { environmentsSplitByCluster, hasOwnSets, SetShape, setName } from '../../model/application-set-names';
import { projectTeamOf, teamProjectName } from '../../model/teams';

/**
 * Limits which commits refresh an Application (argo-cd#4272): only a commit that touches one of
 * these paths regenerates its manifests. The value is an absolute path from the repository root
 * (leading `/`): a relative one would be joined with the path of every source, and the `$values`
 * ref source has none, so it would widen to the whole repository. Each Application names its own
 * values directory, which also holds the digest the release ledger sets, so a promotion of one
 * service refreshes that service's Applications only.
 */
export const MANIFEST_GENERATE_PATHS = 'argocd.argoproj.io/manifest-generate-paths';

/** One ApplicationSet of a control plane and the targets it generates. */
export interface WorkloadSet {
  /** ApplicationSet name, e.g. `workloads-prod`. */
  readonly name: string;
  readonly environment: string;
  readonly object: ArgoObject;
  readonly targets: readonly TargetModel[];
}

type Shape = SetShape<SourceKind>;

/**
 * The ApplicationSets of a control plane. An environment where one set would generate more
 * Applications than the control plane's cap has its sets split by cluster, as if each cluster
 * had its own destination (see `environmentsSplitByCluster`). Per environment: `workloads-<env>` for Helm services,
 * with the seed's template (everything derived from `environments/<env>/<cloud>/<cluster>/<service>`),
 * and `rendered-<env>` for rendered services, a plain directory source listing each rendered
 * service's directories by name. A service whose settings differ from what the template
 * derives (chart, revision, repository, release name or namespace), or a cluster registered
 * under another destination name, gets its own ApplicationSet (`workloads-<env>-<service>`,
 * `workloads-<env>-<cloud>-<cluster>`, likewise `rendered-…`), and the broader ones exclude its
 * directories; once a cluster has sets of its own, the environment's broader sets list their
 * clusters by name instead of matching every cluster (see `glob`). A set that would generate no Application (every target has its own set) is not
 * written. Names depend only on the model, so they stay stable. In a platform with teams, a
 * set has a git generator per team, listing the team's services' directories, whose template
 * puts their Applications in the team's AppProject: teams change no set's name.
 */
export function buildWorkloadSets(
  model: PlatformModel,
  cp: ControlPlaneModel,
  defaults: { chartPath: string; targetRevision: string },
): WorkloadSet[] {
  const services = new Map(model.services.map((s) => [s.name, s]));
  const clusterOf = clusterIndex(model);
  const split = environmentsSplitByCluster(model, targetClusters(model));
  const sets: WorkloadSet[] = [];
  for (const envName of cp.environments) {
    const env = model.environments.find((e) => e.name === envName)!;
    // Each set's globs, with the team whose generator lists each (none: the set's own template).
    const groups = new Map<string, { shape: Shape; targets: TargetModel[]; globs: Map<string, string | undefined> }>();
    // Once a cluster of the environment has sets of its own, the broader sets list their clusters (see glob).
    const listClusters = model.clusters.some((c) => c.environment === envName && hasOwnSets(c, split));
    const placements = placementsOf(model, envName, defaults, split, listClusters);
    for (const t of model.targets) {
      if (t.environment !== envName) continue;
      const { name, shape, glob: pattern, team } = placements(services.get(t.service)!, clusterOf(t));
      let group = groups.get(name);
      if (!group) {
        group = { shape, targets: [], globs: new Map() };
        groups.set(name, group);
      }
      group.targets.push(t);
      group.globs.set(pattern, team);
    }
    // Only sets that generate an Application are written: a set is made for the targets placed
    // in it, so one whose targets all have their own sets (or an environment without targets)
    // writes none. Removing such a set from a checkout deletes no Application (see README,
    // "When a service or a cluster gets its own ApplicationSet").
    const excludesOf = listClusters ? servicesOfOtherSets(groups) : narrowerGlobs(groups);
    const teamOrder = (model.teams ?? []).map((t) => t.name);
    for (const [name, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      // One generator per team (in the program's order of teams), each with the team's template;
      // a set without teams has one, with the set's own template.
      const teams = [...new Set(group.globs.values())].sort((a, b) => teamOrder.indexOf(a ?? '') - teamOrder.indexOf(b ?? ''));
      const generators = teams.map((team) => {
        const own = [...group.globs]
          .filter(([, t]) => t === team)
          .map(([pattern]) => pattern)
          .sort();
        const excludes = [...(excludesOf.get(generatorKey(name, team)) ?? [])].sort();
        return { ...(team === undefined ? {} : { team }), includes: own, excludes };
      });
      sets.push({
        name,
        environment: envName,
        targets: group.targets,
        object: applicationSet(model, cp, env, name, group.shape, generators, defaults),
      });
    }
  }
  return sets;
}

/** Where a target of one service on one cluster goes: its ApplicationSet, shape, glob and the team whose generator lists it. */
interface Placement {
  readonly name: string;
  readonly shape: Shape;
  readonly glob: string;
  /** @default - no team: the ApplicationSet's own template */
  readonly team?: string;
}

/**
 * The placement of each (service, cluster) of an environment, worked out once per service and
 * per cluster with its own destination, not once per target.
 */
function placementsOf(
  model: PlatformModel,
  env: string,
  defaults: { chartPath: string; targetRevision: string },
  split: ReadonlySet<string>,
  listClusters: boolean,
): (service: ServiceModel, cluster: ClusterModel) => Placement {
  const byService = new Map<ServiceModel, Map<ClusterModel | undefined, Placement>>();
  const ownSets = new Set(model.clusters.filter((c) => c.environment === env && hasOwnSets(c, split)));
  // The shape of a service's targets on clusters without sets of their own: one per service, however many clusters list it.
  const sharedShapes = new Map<ServiceModel, Shape>();
  const sharedShape = (service: ServiceModel): Shape => {
    let shape = sharedShapes.get(service);
    if (!shape) sharedShapes.set(service, (shape = shapeOf(model, service, undefined, defaults)));
    return shape;
  };
  return (service, cluster) => {
    let placements = byService.get(service);
    if (!placements) {
      placements = new Map();
      byService.set(service, placements);
    }
    const own = ownSets.has(cluster);
    const key = own || listClusters ? cluster : undefined;
    let placement = placements.get(key);
    if (!placement) {
      const shape = own ? shapeOf(model, service, cluster, defaults) : sharedShape(service);
      const team = projectTeamOf(service);
      placement = {
        name: setName(env, shape),
        shape,
        glob: glob(model, env, shape, service, team, listClusters ? cluster : undefined),
        ...(team === undefined ? {} : { team }),
      };
      placements.set(key, placement);
    }
    return placement;
  };
}

function shapeOf(
  model: PlatformModel,
  service: ServiceModel,
  cluster: ClusterModel | undefined,
  defaults: { chartPath: string; targetRevision: string },
): Shape {
  const source = sourceKindOf(service);
  return {
    source,
    ...(source.deviates(model, service, defaults) ? { service } : {}),
    ...(cluster ? { cluster } : {}),
  };
}

/**
 * The directory glob of a target of `shape`. The cloud and cluster segments are `*` for a set
 * of the whole environment, unless `listed` names the target's cluster.
 *
 * Listed clusters: Argo CD applies an ApplicationSet's new spec apart from
 * the commit that brings the new tree, so for a while the old spec reads the new tree. A broad
 * set that matches `environments/<env>/*` and excludes the clusters with sets of their own
 * would, with its old spec, generate the directories of a cluster added with a set of its own
 * (its own destination) in the same commit: it creates them with the wrong destination, and
 * deletes them, with what they run, once its new spec excludes them. A broad set that lists its
 * clusters never generates a cluster it does not list: a cluster added with its own set is never
 * its, and an ordinary cluster added is only created late, once the broad set's new spec lists
 * it (a delay, nothing deleted). So once any cluster of an environment has sets of its own, the
 * broad sets list their clusters; an environment where none has keeps the seed's `*` globs.
 */
function glob(model: PlatformModel, env: string, shape: Shape, service?: ServiceModel, team?: string, listed?: ClusterModel): string {
  // A team's generator lists its services' directories by name: the others are other teams'.
  const serviceSegment = shape.service?.name ?? ((shape.source.listsServices || team !== undefined) && service ? service.name : '*');
  const cluster = shape.cluster ?? listed;
  return [model.layout.environments, env, cluster?.cloud ?? '*', cluster?.name ?? '*', serviceSegment].join('/');
}

/** The key of one generator of a set: the set's name and the team whose generator it is. */
function generatorKey(name: string, team: string | undefined): string {
  return `${name}\u0000${team ?? ''}`;
}

/**
 * The excludes of each generator (by {@link generatorKey}) of an environment whose sets list
 * their clusters (see {@link glob}): a generator that matches every service of a cluster
 * (`…/<cloud>/<cluster>/*`) excludes the directories of every service another set lists, on
 * every cluster (`…/*` + `/*` + `/<service>`). A service whose settings differ from the
 * template's, or of another kind, is never the template's on any cluster, so the wider exclude
 * is exact; and unlike one naming the clusters it runs on, it already holds when the service is
 * deployed to another cluster, whose directory the old spec of the broader set would otherwise
 * generate in between (with the template's settings), until its new spec excludes it.
 */
function servicesOfOtherSets(
  groups: ReadonlyMap<string, { readonly globs: ReadonlyMap<string, string | undefined> }>,
): Map<string, Set<string>> {
  const listed = new Map<string, Set<string>>();
  for (const [name, g] of groups) {
    for (const pattern of g.globs.keys()) {
      const segments = pattern.split('/');
      const n = segments.length;
      if (segments[n - 1] === '*') continue;
      const everyCluster = [...segments.slice(0, n - 3), '*', '*', segments[n - 1]].join('/');
      listed.set(name, (listed.get(name) ?? new Set<string>()).add(everyCluster));
    }
  }
  const out = new Map<string, Set<string>>();
  for (const [name, g] of groups) {
    for (const [pattern, team] of g.globs) {
      if (!pattern.endsWith('/*')) continue;
      const excludes = out.get(generatorKey(name, team)) ?? new Set<string>();
      for (const [other, globs] of listed) if (other !== name) for (const x of globs) excludes.add(x);
      if (excludes.size > 0) out.set(generatorKey(name, team), excludes);
    }
  }
  return out;
}

/**
 * For each generator (by {@link generatorKey}), the globs of the other sets that are narrower
 * than one of its own: every path such a glob matches, its own glob matches too, and Argo CD
 * would generate the Application twice unless the generator excludes it. A glob `a` is narrower
 * than `b` when they differ, have as many segments, and each segment of `b` is `*` or `a`'s.
 * Found by replacing the literal segments of each glob with `*` in every combination (at the
 * positions where some glob has a `*`) and looking the results up among the generators' own
 * globs, so that a fleet's thousands of globs are not compared pair by pair.
 */
function narrowerGlobs(groups: ReadonlyMap<string, { readonly globs: ReadonlyMap<string, string | undefined> }>): Map<string, Set<string>> {
  const owners = new Map<string, { name: string; key: string }[]>();
  const wild = new Set<number>();
  for (const [name, g] of groups) {
    for (const [pattern, team] of g.globs) {
      const list = owners.get(pattern) ?? [];
      list.push({ name, key: generatorKey(name, team) });
      owners.set(pattern, list);
      pattern.split('/').forEach((seg, i) => seg === '*' && wild.add(i));
    }
  }
  const out = new Map<string, Set<string>>();
  for (const [name, g] of groups) {
    for (const pattern of g.globs.keys()) {
      const segments = pattern.split('/');
      const literal = [...wild].filter((i) => i < segments.length && segments[i] !== '*');
      for (let mask = 1; mask < 1 << literal.length; mask++) {
        const wider = segments.map((seg, i) => (literal.some((p, bit) => p === i && mask & (1 << bit)) ? '*' : seg)).join('/');
        for (const owner of owners.get(wider) ?? []) {
          if (owner.name === name) continue;
          const set = out.get(owner.key) ?? new Set<string>();
          out.set(owner.key, set.add(pattern));
        }
      }
    }
  }
  return out;
}

/**
 * The sync policy of an environment's Applications. Where a namespace baseline provides the
 * namespace (a Namespace object in the Application), `CreateNamespace=true` is left out: Argo CD
 * would otherwise create the namespace before, and apart from, the object that declares it.
 */
function syncPolicyOf(env: EnvironmentModel): SyncPolicyJson {
  if (!env.namespaceBaseline || !env.syncPolicy.syncOptions) return env.syncPolicy;
  const syncOptions = env.syncPolicy.syncOptions.filter((o) => o !== SyncOption.CREATE_NAMESPACE);
  return {
    ...(env.syncPolicy.automated ? { automated: env.syncPolicy.automated } : {}),
    ...(syncOptions.length > 0 ? { syncOptions } : {}),
  };
}

function applicationSet(
  model: PlatformModel,
  cp: ControlPlaneModel,
  env: EnvironmentModel,
  name: string,
  shape: Shape,
  generators: readonly { readonly team?: string; readonly includes: readonly string[]; readonly excludes: readonly string[] }[],
  defaults: { chartPath: string; targetRevision: string },
): ArgoObject {
  const base = model.layout.environments.split('/').length;
  const seg = (i: number): string => `index .path.segments ${base + i}`;
  const [ENV, CLOUD, CLUSTER, SERVICE] = [0, 1, 2, 3].map((i) => seg(i));
  const s = shape.service;
  const syncPolicy = syncPolicyOf(env);
  // A set that reads each target's release file lists the files; its Applications are the
  // same (path parameters are the file's directory), and each reads what its ring runs.
  const file = shape.source.releaseFile(model, env.name);
  const paths = (globs: readonly string[]): string[] => (file === undefined ? [...globs] : globs.map((g) => `${g}/${file}`));
  const destination = s?.addon?.argoCd
    ? { server: IN_CLUSTER_SERVER, namespace: s.namespace }
    : {
        name: shape.cluster ? shape.cluster.destination : `{{ printf "%s-%s" (${CLOUD}) (${CLUSTER}) }}`,
        namespace: s ? s.namespace : `{{ ${SERVICE} }}`,
      };
  // A team's generator puts its Applications in the team's AppProject, labelled with the team:
  // Argo CD merges a generator's template onto the set's, the generator's fields first.
  const gitGenerators = generators.map(({ team, includes, excludes }) => {
    const listed = [...paths(includes).map((path) => ({ path })), ...paths(excludes).map((path) => ({ path, exclude: true }))];
    return {
      git: {
        repoURL: model.repoURL,
        revision: argoCdGitRevision(model.revision),
        ...(file === undefined ? { directories: listed } : { files: listed }),
        ...(team === undefined || s?.addon !== undefined
          ? {}
          : { template: { metadata: { labels: { team } }, spec: { project: teamProjectName(env.name, team), destination } } }),
      },
    };
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: cp.namespace, labels: { ...MANAGED_BY } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      // Argo CD's own installation outlives its Application: deleting it never uninstalls Argo CD.
      ...(s?.addon?.argoCd ? { syncPolicy: { preserveResourcesOnDeletion: true } } : {}),
      generators: gitGenerators,
      template: {
        metadata: {
          name: `{{ ${SERVICE} }}-{{ ${ENV} }}-{{ ${CLOUD} }}-{{ ${CLUSTER} }}`,
          annotations: { [MANIFEST_GENERATE_PATHS]: '/{{ .path.path }}' },
          labels: {
            service: `{{ ${SERVICE} }}`,
            environment: `{{ ${ENV} }}`,
            cloud: `{{ ${CLOUD} }}`,
            cluster: `{{ ${CLUSTER} }}`,
          },
        },
        spec: {
          project: (s === undefined ? undefined : shape.source.project?.(env.name, s)) ?? `{{ ${ENV} }}`,
          // Argo CD's own installation goes to where it runs: the cluster's registered name is a
          // Secret that installation deploys, which does not exist before its first sync.
          destination,
          ...shape.source.templateSources({
            model,
            environment: env,
            ...(s ? { service: s } : {}),
            segments: { environment: ENV, cloud: CLOUD, cluster: CLUSTER, service: SERVICE },
            defaults,
          }),
          ...(Object.keys(syncPolicy).length > 0 ? { syncPolicy } : {}),
          ...(env.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: env.revisionHistoryLimit } : {}),
        },
      },
    },
  };
}
