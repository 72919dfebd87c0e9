import { Problem } from '../errors';
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
export function buildWorkloadSets(model: PlatformModel, cp: ControlPlaneModel, defaults: { chartPath: string; targetRevision: string }): WorkloadSet[] {
  const services = new Map(model.services.map((s) => [s.name, s]));
  const clusters = new Map(model.clusters.map((c) => [c.id, c]));
  const sets: WorkloadSet[] = [];
  for (const envName of cp.environments) {
    const env = model.environments.find((e) => e.name === envName)!;
    const groups = new Map<string, { shape: Shape; targets: TargetModel[] }>();
    for (const t of model.targets) {
      if (t.environment !== envName) continue;
      const shape = shapeOf(model, services.get(t.service)!, clusters.get(`${t.environment}/${t.cloud}/${t.cluster}`)!, defaults);
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

function shapeOf(model: PlatformModel, service: ServiceModel, cluster: ClusterModel, defaults: { chartPath: string; targetRevision: string }): Shape {
  return {
    ...(serviceDeviates(model, service, defaults) ? { service } : {}),
    ...(cluster.destination !== `${cluster.cloud}-${cluster.name}` ? { cluster } : {}),
  };
}

function setName(env: string, shape: Shape): string {
  return ['workloads', env, ...(shape.cluster ? [shape.cluster.cloud, shape.cluster.name] : []), ...(shape.service ? [shape.service.name] : [])].join('-');
}

/**
 * ApplicationSet names that two different groups of targets of one control plane would share,
 * e.g. `workloads-prod-azure-x` for cluster `azure/x` with its own destination and for a
 * service `azure-x` with its own settings. Names are not made unique by renaming: that is an error.
 */
export function problemsOfWorkloadSetNames(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  const services = new Map(model.services.map((s) => [s.name, s]));
  const clusters = new Map(model.clusters.map((c) => [c.id, c]));
  for (const cp of model.controlPlanes) {
    const seen = new Map<string, string>();
    const reported = new Set<string>();
    const claim = (name: string, what: string, path: string): void => {
      const other = seen.get(name);
      if (other === undefined) seen.set(name, what);
      else if (other !== what && !reported.has(name)) {
        reported.add(name);
        problems.push({
          code: 'CG120', constructPath: path,
          message: `ApplicationSet "${name}" in control plane "${cp.name}" would be made twice: for ${other} and for ${what}.`,
          fix: 'Rename a service, cluster or cloud: a service or cluster with its own settings gets an ApplicationSet named workloads-<env>[-<cloud>-<cluster>][-<service>].',
        });
      }
    };
    for (const env of cp.environments) {
      const envModel = model.environments.find((e) => e.name === env);
      if (model.applicationRepoURLPattern && envModel) claim(setName(env, {}), `environment ${env}`, envModel.path);
    }
    for (const t of model.targets) {
      const service = services.get(t.service);
      const cluster = clusters.get(`${t.environment}/${t.cloud}/${t.cluster}`);
      if (!cp.environments.includes(t.environment) || !service || !cluster) continue;
      const shape = shapeOf(model, service, cluster, model.serviceDefaults);
      const what = shape.service && shape.cluster
        ? `service ${shape.service.name} on cluster ${shape.cluster.id}`
        : shape.service
          ? `service ${shape.service.name} in environment ${t.environment} (own settings)`
          : shape.cluster
            ? `cluster ${shape.cluster.id} (own destination)`
            : `environment ${t.environment}`;
      claim(setName(t.environment, shape), what, shape.service?.path ?? shape.cluster?.path ?? t.path);
    }
  }
  return problems;
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
