import { SyncOption, SyncPolicyJson } from '../../model/sync';
import { ControlPlaneModel, EnvironmentModel, PlatformModel, ServiceModel, ClusterModel, TargetModel } from '../../model/platform-model';
import { clusterIndex } from '../../model/cluster-index';
import { helmSource, SourceKind, sourceKindOf } from '../sources';
import { ArgoObject, IN_CLUSTER_SERVER, MANAGED_BY } from '../../model/argo-object';
import { hasOwnDestination, SetShape, setName } from '../../model/application-set-names';
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
 * The ApplicationSets of a control plane. Per environment: `workloads-<env>` for Helm services,
 * with the seed's template (everything derived from `environments/<env>/<cloud>/<cluster>/<service>`),
 * and `rendered-<env>` for rendered services, a plain directory source listing each rendered
 * service's directories by name. A service whose settings differ from what the template
 * derives (chart, revision, repository, release name or namespace), or a cluster registered
 * under another destination name, gets its own ApplicationSet (`workloads-<env>-<service>`,
 * `workloads-<env>-<cloud>-<cluster>`, likewise `rendered-…`), and the broader ones exclude its
 * directories. Names depend only on the model, so they stay stable.
 */
export function buildWorkloadSets(
  model: PlatformModel,
  cp: ControlPlaneModel,
  defaults: { chartPath: string; targetRevision: string },
): WorkloadSet[] {
  const services = new Map(model.services.map((s) => [s.name, s]));
  const clusterOf = clusterIndex(model);
  const sets: WorkloadSet[] = [];
  for (const envName of cp.environments) {
    const env = model.environments.find((e) => e.name === envName)!;
    const groups = new Map<string, { shape: Shape; targets: TargetModel[]; globs: Set<string> }>();
    const placements = placementsOf(model, envName, defaults);
    for (const t of model.targets) {
      if (t.environment !== envName) continue;
      const { name, shape, glob: pattern } = placements(services.get(t.service)!, clusterOf(t));
      let group = groups.get(name);
      if (!group) {
        group = { shape, targets: [], globs: new Set<string>() };
        groups.set(name, group);
      }
      group.targets.push(t);
      group.globs.add(pattern);
    }
    const defaultName = `${helmSource.applicationSetPrefix}-${envName}`;
    // The environment's own set exists even while empty, so its name never comes and goes;
    // without a repository URL pattern it cannot be written and holds nothing anyway.
    if (!groups.has(defaultName) && model.applicationRepoURLPattern) {
      groups.set(defaultName, {
        shape: { source: helmSource },
        targets: [],
        globs: new Set([glob(model, envName, { source: helmSource })]),
      });
    }
    const allGlobs = [...groups].flatMap(([name, g]) => [...g.globs].map((pattern) => ({ name, pattern })));
    for (const [name, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const own = [...group.globs].sort();
      const excludes = [
        ...new Set(allGlobs.filter((g) => g.name !== name && own.some((o) => narrower(g.pattern, o))).map((g) => g.pattern)),
      ].sort();
      sets.push({
        name,
        environment: envName,
        targets: group.targets,
        object: applicationSet(model, cp, env, name, group.shape, own, excludes, defaults),
      });
    }
  }
  return sets;
}

/** Where a target of one service on one cluster goes: its ApplicationSet, shape and glob. */
interface Placement {
  readonly name: string;
  readonly shape: Shape;
  readonly glob: string;
}

/**
 * The placement of each (service, cluster) of an environment, worked out once per service and
 * per cluster with its own destination, not once per target.
 */
function placementsOf(
  model: PlatformModel,
  env: string,
  defaults: { chartPath: string; targetRevision: string },
): (service: ServiceModel, cluster: ClusterModel) => Placement {
  const byService = new Map<ServiceModel, Map<ClusterModel | undefined, Placement>>();
  const ownDestination = new Set(model.clusters.filter((c) => c.destination !== `${c.cloud}-${c.name}`));
  return (service, cluster) => {
    let own = byService.get(service);
    if (!own) {
      own = new Map();
      byService.set(service, own);
    }
    const key = ownDestination.has(cluster) ? cluster : undefined;
    let placement = own.get(key);
    if (!placement) {
      const shape = shapeOf(model, service, cluster, defaults);
      placement = { name: setName(env, shape), shape, glob: glob(model, env, shape, service) };
      own.set(key, placement);
    }
    return placement;
  };
}

function shapeOf(
  model: PlatformModel,
  service: ServiceModel,
  cluster: ClusterModel,
  defaults: { chartPath: string; targetRevision: string },
): Shape {
  const source = sourceKindOf(service);
  const team = projectTeamOf(service);
  return {
    source,
    ...(source.deviates(model, service, defaults) ? { service } : {}),
    ...(hasOwnDestination(cluster) ? { cluster } : {}),
    ...(team === undefined ? {} : { team }),
  };
}

function glob(model: PlatformModel, env: string, shape: Shape, service?: ServiceModel): string {
  // A team's set lists its services' directories by name: the others are other teams'.
  const serviceSegment = shape.service?.name ?? ((shape.source.listsServices || shape.team !== undefined) && service ? service.name : '*');
  return [model.layout.environments, env, shape.cluster?.cloud ?? '*', shape.cluster?.name ?? '*', serviceSegment].join('/');
}

/** Whether every path `a` matches also matches `b`, and `a` is not `b`. */
function narrower(a: string, b: string): boolean {
  const as = a.split('/');
  const bs = b.split('/');
  return a !== b && as.length === bs.length && as.every((seg, i) => bs[i] === '*' || bs[i] === seg);
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
  includes: readonly string[],
  excludes: readonly string[],
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
  const listed = [...paths(includes).map((path) => ({ path })), ...paths(excludes).map((path) => ({ path, exclude: true }))];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: cp.namespace, labels: { ...MANAGED_BY } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      // Argo CD's own installation outlives its Application: deleting it never uninstalls Argo CD.
      ...(s?.addon?.argoCd ? { syncPolicy: { preserveResourcesOnDeletion: true } } : {}),
      generators: [
        {
          git: {
            repoURL: model.repoURL,
            revision: model.revision,
            ...(file === undefined ? { directories: listed } : { files: listed }),
          },
        },
      ],
      template: {
        metadata: {
          name: `{{ ${SERVICE} }}-{{ ${ENV} }}-{{ ${CLOUD} }}-{{ ${CLUSTER} }}`,
          annotations: { [MANIFEST_GENERATE_PATHS]: '/{{ .path.path }}' },
          labels: {
            service: `{{ ${SERVICE} }}`,
            environment: `{{ ${ENV} }}`,
            cloud: `{{ ${CLOUD} }}`,
            cluster: `{{ ${CLUSTER} }}`,
            ...(shape.team === undefined ? {} : { team: shape.team }),
          },
        },
        spec: {
          project:
            (shape.team !== undefined ? teamProjectName(env.name, shape.team) : undefined) ??
            (s === undefined ? undefined : shape.source.project?.(env.name, s)) ??
            `{{ ${ENV} }}`,
          // Argo CD's own installation goes to where it runs: the cluster's registered name is a
          // Secret that installation deploys, which does not exist before its first sync.
          destination: s?.addon?.argoCd
            ? { server: IN_CLUSTER_SERVER, namespace: s.namespace }
            : {
                name: shape.cluster ? shape.cluster.destination : `{{ printf "%s-%s" (${CLOUD}) (${CLUSTER}) }}`,
                namespace: s ? s.namespace : `{{ ${SERVICE} }}`,
              },
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
