import { ControlPlaneModel, EnvironmentModel, PlatformModel, ServiceModel, ClusterModel, TargetModel } from '../synth/model';
import { ArgoObject, MANAGED_BY } from './emit';

/** One ApplicationSet of a control plane and the targets it generates. */
export interface WorkloadSet {
  /** ApplicationSet name, e.g. `workloads-prod`. */
  readonly name: string;
  readonly environment: string;
  readonly object: ArgoObject;
  readonly targets: readonly TargetModel[];
}

/**
 * How a target's Application can be written in a template: every field derived from the
 * directory path (the seed's template), or with the service's or the cluster's own settings.
 */
interface Shape {
  /** The service's settings differ from what the path and platform defaults give. */
  readonly service?: ServiceModel;
  /** The cluster's destination differs from `<cloud>-<cluster>`. */
  readonly cluster?: ClusterModel;
}

function serviceDeviates(model: PlatformModel, s: ServiceModel, defaults: { chartPath: string; targetRevision: string }): boolean {
  const derivedRepo = model.applicationRepoURLPattern?.split('{service}').join(s.name);
  return s.repoURL !== derivedRepo || s.releaseName !== s.name || s.namespace !== s.name
    || s.chartPath !== defaults.chartPath || s.targetRevision !== defaults.targetRevision;
}

/**
 * The ApplicationSets of a control plane: one per environment, `workloads-<env>`, with the
 * seed's template (everything derived from `environments/<env>/<cloud>/<cluster>/<service>`).
 * A service whose chart, revision, repository, release name or namespace differs from the
 * platform's defaults, or a cluster registered under another destination name, gets its own
 * ApplicationSet (`workloads-<env>-<service>`, `workloads-<env>-<cloud>-<cluster>`), and the
 * broader ones exclude its directories. Names depend only on the model, so they stay stable.
 */
/** Lookups of services and clusters by name and id. */
export interface ModelIndex {
  readonly services: ReadonlyMap<string, ServiceModel>;
  readonly clusters: ReadonlyMap<string, ClusterModel>;
}

/** Indexes a model's services and clusters. */
export function indexModel(model: PlatformModel): ModelIndex {
  return {
    services: new Map(model.services.map((s) => [s.name, s])),
    clusters: new Map(model.clusters.map((c) => [c.id, c])),
  };
}

function shapeOf(model: PlatformModel, index: ModelIndex, t: TargetModel, defaults: { chartPath: string; targetRevision: string }): Shape {
  const service = index.services.get(t.service)!;
  const cluster = index.clusters.get(`${t.environment}/${t.cloud}/${t.cluster}`)!;
  return {
    ...(serviceDeviates(model, service, defaults) ? { service } : {}),
    ...(cluster.destination !== `${cluster.cloud}-${cluster.name}` ? { cluster } : {}),
  };
}

function setName(envName: string, shape: Shape): string {
  return ['workloads', envName, ...(shape.cluster ? [shape.cluster.cloud, shape.cluster.name] : []), ...(shape.service ? [shape.service.name] : [])].join('-');
}

/**
 * The ApplicationSet that generates a target's Application: its name, and the directory glob
 * its template is written for. Two targets with one name but different globs would share one
 * ApplicationSet, and one of them would get the other's template: validation refuses that.
 */
export function workloadSetOf(model: PlatformModel, index: ModelIndex, t: TargetModel, defaults: { chartPath: string; targetRevision: string }): { name: string; glob: string } {
  const shape = shapeOf(model, index, t, defaults);
  return { name: setName(t.environment, shape), glob: glob(model, t.environment, shape) };
}

export function buildWorkloadSets(model: PlatformModel, cp: ControlPlaneModel, defaults: { chartPath: string; targetRevision: string }): WorkloadSet[] {
  const index = indexModel(model);
  const sets: WorkloadSet[] = [];
  for (const envName of cp.environments) {
    const env = model.environments.find((e) => e.name === envName)!;
    const groups = new Map<string, { shape: Shape; targets: TargetModel[] }>();
    for (const t of model.targets) {
      if (t.environment !== envName) continue;
      const shape = shapeOf(model, index, t, defaults);
      const name = setName(envName, shape);
      const group = groups.get(name) ?? { shape, targets: [] };
      group.targets.push(t);
      groups.set(name, group);
    }
    const defaultName = `workloads-${envName}`;
    // The environment's own set exists even while empty, so its name never comes and goes;
    // without a repository URL pattern it cannot be written and holds nothing anyway.
    if (!groups.has(defaultName) && model.applicationRepoURLPattern) groups.set(defaultName, { shape: {}, targets: [] });
    const globs = new Map([...groups].map(([name, g]) => [name, glob(model, envName, g.shape)]));
    for (const [name, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const own = globs.get(name)!;
      const excludes = [...globs.entries()]
        .filter(([other, g]) => other !== name && narrower(g, own))
        .map(([, g]) => g)
        .sort();
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

function glob(model: PlatformModel, env: string, shape: Shape): string {
  return [model.layout.environments, env, shape.cluster?.cloud ?? '*', shape.cluster?.name ?? '*', shape.service?.name ?? '*'].join('/');
}

/** Whether every path `a` matches also matches `b`, and `a` is not `b`. */
function narrower(a: string, b: string): boolean {
  const as = a.split('/');
  const bs = b.split('/');
  return a !== b && as.length === bs.length && as.every((seg, i) => bs[i] === '*' || bs[i] === seg);
}

function applicationSet(
  model: PlatformModel, cp: ControlPlaneModel, env: EnvironmentModel, name: string, shape: Shape,
  include: string, excludes: string[], defaults: { chartPath: string; targetRevision: string },
): ArgoObject {
  const base = model.layout.environments.split('/').length;
  const seg = (i: number): string => `index .path.segments ${base + i}`;
  const [ENV, CLOUD, CLUSTER, SERVICE] = [0, 1, 2, 3].map((i) => seg(i));
  const s = shape.service;
  const appRepo = s ? s.repoURL : model.applicationRepoURLPattern!.split('{service}').join(`{{ ${SERVICE} }}`);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: cp.namespace, labels: { ...MANAGED_BY } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{
        git: {
          repoURL: model.repoURL,
          revision: model.revision,
          directories: [{ path: include }, ...excludes.map((path) => ({ path, exclude: true }))],
        },
      }],
      template: {
        metadata: {
          name: `{{ ${SERVICE} }}-{{ ${ENV} }}-{{ ${CLOUD} }}-{{ ${CLUSTER} }}`,
          labels: {
            service: `{{ ${SERVICE} }}`,
            environment: `{{ ${ENV} }}`,
            cloud: `{{ ${CLOUD} }}`,
            cluster: `{{ ${CLUSTER} }}`,
          },
        },
        spec: {
          project: `{{ ${ENV} }}`,
          destination: {
            name: shape.cluster ? shape.cluster.destination : `{{ printf "%s-%s" (${CLOUD}) (${CLUSTER}) }}`,
            namespace: s ? s.namespace : `{{ ${SERVICE} }}`,
          },
          sources: [
            {
              repoURL: appRepo,
              targetRevision: s ? s.targetRevision : defaults.targetRevision,
              path: s ? s.chartPath : defaults.chartPath,
              helm: {
                releaseName: s ? s.releaseName : `{{ ${SERVICE} }}`,
                valueFiles: ['$values/{{ .path.path }}/values.yaml'],
              },
            },
            { repoURL: model.repoURL, targetRevision: model.revision, ref: 'values' },
          ],
          ...(Object.keys(env.syncPolicy).length > 0 ? { syncPolicy: env.syncPolicy } : {}),
          ...(env.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: env.revisionHistoryLimit } : {}),
        },
      },
    },
  };
}
