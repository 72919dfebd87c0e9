import { Construct } from 'constructs';
import { GitOpsError, Problem, problem } from '../core/errors';
import {
  ClusterModel,
  ControlPlaneModel,
  EnvironmentModel,
  MODEL_VERSION,
  PlatformModel,
  RingModel,
  ServiceModel,
  SourceModel,
  TargetModel,
} from '../model/platform-model';
import { releaseValues, targetLayers } from '../model/target-values';
import { mergeValuesWithProvenance } from '../model/values';
import { repoUrlProblem } from '../model/names';
import { isDigest, isTag, ringPolicies } from '../model/versions';
import { Cloud } from './cloud';
import { Cluster } from './cluster';
import { Environment } from './environment';
import { MODEL_RULES, ModelRuleName } from '../model/rules';
import type { Platform } from './platform';
import { PromotionRing } from './ring';
import { Service } from './service';
import { TargetsBuilder } from './snapshot-targets';

/** The children of `scope` of a type, less those left out for a problem already reported. */
function childrenOf<T extends Construct>(platform: Platform, scope: Construct, type: new (...args: never[]) => T): T[] {
  return scope.node.children.filter((c): c is T => c instanceof type && !platform.isRejected(c));
}

/**
 * Validates a platform's construct tree and takes its model snapshot. Every problem in the
 * whole tree is collected, with those its constructors recorded, and reported at once in one
 * {@link GitOpsError}.
 */
export function snapshotPlatform(platform: Platform): PlatformModel {
  const problems: Problem[] = [...platform.reportedProblems];
  let model: PlatformModel;
  try {
    model = modelOf(platform, problems);
  } catch (e) {
    // A construct with a recorded problem may be incomplete (no image, a values schema that
    // cannot be used): what that breaks further on is the problem already recorded.
    if (e instanceof GitOpsError) problems.push(...e.problems);
    else if (platform.reportedProblems.length === 0) throw e;
    throw programProblems(problems);
  }
  if (problems.length > 0) throw programProblems(problems);
  return model;
}

function programProblems(problems: readonly Problem[]): GitOpsError {
  return new GitOpsError(problems, `The platform program has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
}

/** The model of the platform; adds what is wrong with it to `problems`. */
function modelOf(platform: Platform, problems: Problem[]): PlatformModel {
  const environments = childrenOf(platform, platform, Environment);
  const clouds = childrenOf(platform, platform, Cloud);
  const services = platform.node.findAll().filter((c): c is Service => c instanceof Service && !platform.isRejected(c));
  const rings = childrenOf(platform, platform.group('rings'), PromotionRing);
  const clusters = environments.flatMap((e) => childrenOf(platform, e, Cluster));
  const controlPlanes = [...new Set(environments.map((e) => e.controlPlane))];

  const clusterModels = clusters.map(clusterModelOf);
  const serviceModels = services.map((s) => serviceModelOf(s, platform));
  const ringTargets = new Map<string, string[]>((rings.length === 0 ? environments : rings).map((r) => [r.name, []]));
  const builder = new TargetsBuilder({ platform, environments, clouds, clusters }, rings, ringTargets, problems);
  for (const service of services) builder.addService(service);
  const { targets, targetRings } = builder;

  const ringModels: RingModel[] =
    rings.length === 0
      ? environments.map((e) => ({
          name: e.name,
          path: e.node.path,
          gates: { soakSeconds: 0, requireApproval: false },
          targets: ringTargets.get(e.name)!,
        }))
      : rings.map((r) => ({
          name: r.name,
          path: r.node.path,
          gates: {
            soakSeconds: r.soakSeconds,
            requireApproval: r.requireApproval,
            ...(r.approvers.length > 0 ? { approvers: r.approvers } : {}),
          },
          targets: ringTargets.get(r.name)!,
          ...(r.movedFrom.length > 0 ? { movedFrom: r.movedFrom } : {}),
        }));
  const removals = platform.declaredRemovals.map((r) => r.toModel());

  const model: PlatformModel = {
    version: MODEL_VERSION,
    path: platform.node.path,
    repoURL: platform.repoURL,
    revision: platform.revision,
    argocdNamespace: platform.argocdNamespace,
    ...(platform.applicationRepoURLPattern ? { applicationRepoURLPattern: platform.applicationRepoURLPattern } : {}),
    layout: platform.layout,
    serviceDefaults: platform.serviceDefaults,
    controlPlanes: controlPlanes.map((cp): ControlPlaneModel => ({
      name: cp.node.id,
      path: cp.node.path,
      namespace: cp.namespace,
      environments: environments.filter((e) => e.controlPlane === cp).map((e) => e.name),
    })),
    environments: environments.map((e): EnvironmentModel => ({
      name: e.name,
      path: e.node.path,
      controlPlane: e.controlPlane.node.id,
      ...(e.description ? { description: e.description } : {}),
      syncPolicy: e.syncPolicy.toJson(),
      syncWindows: e.syncWindows.map((w) => w.toJson()),
      roles: e.roles,
      requireDigest: e.requireDigest,
      clusterResources: e.clusterResources,
      ...(e.allowedNamespacedResources.length > 0 ? { allowedNamespacedResources: e.allowedNamespacedResources } : {}),
      ...(e.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: e.revisionHistoryLimit } : {}),
      ...(e.namespaceBaseline ? { namespaceBaseline: e.namespaceBaseline.toModel() } : {}),
    })),
    clusters: clusterModels,
    services: serviceModels,
    rings: ringModels,
    layers: builder.layersById(),
    targets,
    ...(removals.length > 0 ? { removals } : {}),
  };

  // The model's rules (model/rules), and between them what the model cannot show: how the
  // constructs were wired, and the program's own values schemas.
  const rule = (name: ModelRuleName): Problem[] => MODEL_RULES[name](model);
  problems.push(
    ...rule('names'),
    ...problemsOfRings(model, builder.clustersShareIds ? lastByTargetId(targets, targetRings) : targetRings, rings.length > 0),
    ...problemsOfServices(model, services, builder.foreignClusters),
    ...problemsOfSensitiveNamespaces(model, services),
    ...rule('collisions'),
    ...rule('ownedKeys'),
    ...rule('applicationSetNames'),
    ...problemsOfSchemas(model, services),
    ...rule('ringMoves'),
    ...rule('removals'),
  );
  return model;
}

/** For each target, the value of the last target with its id. */
function lastByTargetId<T>(targets: readonly TargetModel[], values: readonly T[]): T[] {
  const byId = new Map(targets.map((t, i) => [t.id, values[i]]));
  return targets.map((t) => byId.get(t.id)!);
}

function clusterModelOf(c: Cluster): ClusterModel {
  return {
    id: c.qualifiedName,
    path: c.node.path,
    environment: c.environment.name,
    cloud: c.cloud.name,
    name: c.name,
    region: c.region,
    destination: c.destination,
  };
}

function serviceModelOf(s: Service, platform: Platform): ServiceModel {
  return {
    name: s.name,
    path: s.node.path,
    namespace: s.namespace,
    imageRepository: s.image.repository,
    ...(s.initialDigest ? { initialDigest: s.initialDigest } : {}),
    source: sourceOf(s, platform),
  };
}

function sourceOf(s: Service, platform: Platform): SourceModel {
  if (s.workload.spec.kind === 'rendered') return { kind: 'rendered' };
  return {
    kind: 'helm',
    repoURL: s.repoURL ?? platform.applicationRepoURLPattern?.split('{service}').join(s.name) ?? '',
    chartPath: s.chartPath,
    targetRevision: s.targetRevision,
    releaseName: s.releaseName,
  };
}

/**
 * @param targetRings the rings of each target, in the order of `model.targets`; targets that
 *   share an id (reported elsewhere) share the rings of the last of them
 */
function problemsOfRings(model: PlatformModel, targetRings: readonly (readonly string[])[], declared: boolean): Problem[] {
  if (!declared) return [];
  const problems: Problem[] = [];
  model.targets.forEach((t, i) => {
    const rings = targetRings[i];
    if (rings.length === 0) {
      problems.push(
        problem('CG116', {
          constructPath: t.path,
          message: `Target ${t.id} is in no promotion ring.`,
          fix: `Select it in one ring, e.g. add Targets.environment(${t.environment}) to a ring's targets.`,
        }),
      );
    } else if (rings.length > 1) {
      problems.push(
        problem('CG117', {
          constructPath: t.path,
          message: `Target ${t.id} is in ${rings.length} promotion rings: ${rings.join(', ')}.`,
          fix: `Keep it in one ring: narrow the others with .except(...).`,
        }),
      );
    }
  });
  for (const r of model.rings) {
    if (r.targets.length === 0) {
      problems.push(
        problem('CG118', {
          constructPath: r.path,
          message: `Promotion ring "${r.name}" selects no target.`,
        }),
      );
    }
  }
  return problems;
}

/** @param foreignClusters the clusters services are placed on that belong to another platform */
function problemsOfServices(model: PlatformModel, services: Service[], foreignClusters: ReadonlySet<Cluster>): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map<string, Service>();
  for (const s of services) {
    const other = byName.get(s.name);
    if (other) {
      problems.push(
        problem('CG135', {
          constructPath: s.node.path,
          message: `Services ${other.node.path} and ${s.node.path} are both named "${s.name}": they would share directories, a release ledger and Applications.`,
          fix: 'Give one of them another name; service names are unique across the platform.',
        }),
      );
    } else byName.set(s.name, s);
  }
  const digestEnvs = new Set(model.environments.filter((e) => e.requireDigest).map((e) => e.name));
  const requiringDigest = new Set<string>();
  for (const t of model.targets) if (digestEnvs.has(t.environment)) requiringDigest.add(t.service);
  const digestRings = Object.entries(ringPolicies(model))
    .filter(([, policy]) => policy.requireDigest)
    .map(([ring]) => ring);
  for (const s of model.services) {
    if (s.source.kind === 'helm' && !s.source.repoURL) {
      problems.push(
        problem('CG106', {
          constructPath: s.path,
          message: `Service "${s.name}" has no application repository.`,
        }),
      );
    }
    if (s.initialDigest !== undefined && !isDigest(s.initialDigest)) {
      // The initial release goes into every ring's entry of the ledger, so every ring must take it.
      const strictRing = digestRings[0];
      if (requiringDigest.has(s.name)) {
        problems.push(problem('CG115', { constructPath: s.path, message: `initialDigest "${s.initialDigest}" is not a sha256 digest.` }));
      } else if (!isTag(s.initialDigest)) {
        problems.push(
          problem('CG115', {
            constructPath: s.path,
            message: `initialDigest "${s.initialDigest}" is not a sha256 digest nor an image tag.`,
            fix: 'Use the image digest as sha256:<64 lower-case hex digits>, or a tag of letters, digits, ".", "_" and "-" (at most 128).',
          }),
        );
      } else if (strictRing !== undefined) {
        problems.push(
          problem('CG115', {
            constructPath: s.path,
            message:
              `initialDigest "${s.initialDigest}" is a tag, but ring "${strictRing}" takes only digests, and the initial release ` +
              "goes into every ring's entry of the service's ledger.",
          }),
        );
      }
    }
  }
  for (const s of services) {
    const repoProblem = s.repoURL === undefined ? undefined : repoUrlProblem(s.repoURL);
    if (repoProblem) {
      problems.push(
        problem('CG109', {
          constructPath: s.node.path,
          message: `repoURL "${s.repoURL}" of service "${s.name}" is not usable: ${repoProblem}.`,
          fix: 'Use the URL Argo CD clones, e.g. https://git.example.com/apps/payments-api.git.',
        }),
      );
    }
    if (foreignClusters.size === 0) continue;
    for (const { cluster } of s.placements) {
      if (foreignClusters.has(cluster)) {
        problems.push(
          problem('CG119', {
            constructPath: s.node.path,
            message: `Service "${s.name}" is placed on cluster ${cluster.node.path} of another platform.`,
          }),
        );
      }
    }
  }
  return problems;
}

/** Namespaces every Kubernetes cluster has, which belong to the cluster rather than to a service. */
const SENSITIVE_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/**
 * Services whose namespace belongs to the cluster (`kube-system`, `default`, …) or to an Argo
 * CD of the platform: without `allowSensitiveNamespace`, and in any environment with a namespace
 * baseline, which would take the namespace over (Namespace object, quota, default-deny). The
 * namespace of the service's own control plane is CG123's.
 */
function problemsOfSensitiveNamespaces(model: PlatformModel, services: readonly Service[]): Problem[] {
  const problems: Problem[] = [];
  const argocd = new Map<string, string>();
  for (const cp of model.controlPlanes)
    if (!argocd.has(cp.namespace)) argocd.set(cp.namespace, `the namespace of the Argo CD of control plane "${cp.name}"`);
  if (!argocd.has(model.argocdNamespace)) argocd.set(model.argocdNamespace, "the platform's Argo CD namespace");
  const whose = (ns: string): string | undefined =>
    SENSITIVE_NAMESPACES.includes(ns) ? 'a namespace of the cluster itself' : argocd.get(ns);
  const sensitive = services.filter((s) => whose(s.namespace) !== undefined);
  if (sensitive.length === 0) return problems;
  const envCp = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const cpNamespace = new Map(model.controlPlanes.map((cp) => [cp.name, cp.namespace]));
  const withBaseline = new Set(model.environments.filter((e) => e.namespaceBaseline).map((e) => e.name));
  for (const s of sensitive) {
    const ns = s.namespace;
    const environments = new Set<string>();
    for (const t of model.targets) if (t.service === s.name) environments.add(t.environment);
    // In its own control plane's Argo CD namespace it is refused by CG123 already.
    const ownArgo = [...environments].some((e) => cpNamespace.get(envCp.get(e)!) === ns);
    if (ownArgo) continue;
    if (!s.allowSensitiveNamespace) {
      problems.push(
        problem('CG138', {
          constructPath: s.node.path,
          message: `Service "${s.name}" deploys into namespace "${ns}", ${whose(ns)}; the AppProject of its environments would let every one of their Applications deploy there.`,
          fix: `Give the service its own namespace (namespace: '${s.name}'), or, if it must run in "${ns}", set allowSensitiveNamespace: true on it.`,
        }),
      );
      continue;
    }
    for (const e of [...environments].filter((x) => withBaseline.has(x)).sort()) {
      problems.push(
        problem('CG138', {
          constructPath: s.node.path,
          message: `Service "${s.name}" deploys into namespace "${ns}" in environment ${e}, whose namespace baseline would take "${ns}" over (Namespace object, ResourceQuota, LimitRange, default-deny NetworkPolicy).`,
          fix: `Give the service its own namespace (namespace: '${s.name}'), or deploy it to an environment without a namespace baseline.`,
        }),
      );
    }
  }
  return problems;
}

/** A placeholder for the digest the ledger sets later, for checking values against a schema. */
const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;
/** How many targets a schema problem lists before it counts the rest. */
const TARGETS_SHOWN = 3;

function problemsOfSchemas(model: PlatformModel, services: Service[]): Problem[] {
  const problems: Problem[] = [];
  for (const service of services) {
    const schema = service.valuesSchema;
    if (!schema) continue;
    const found = new Map<string, { keyPath: string; rule: string; setBy?: string; targets: string[] }>();
    for (const t of model.targets) {
      if (t.service !== service.name) continue;
      const release = { id: 'release', label: 'release ledger', values: releaseValues(service.initialDigest ?? PLACEHOLDER_DIGEST) };
      const merged = mergeValuesWithProvenance([...targetLayers(model, t), release]);
      for (const v of schema.check(merged.values)) {
        const setBy = merged.provenance.get(v.keyPath.replace(/\[\d+\].*$/, ''));
        const key = `${v.keyPath}\u0000${v.rule}\u0000${setBy ?? ''}`;
        const entry = found.get(key) ?? { ...v, ...(setBy ? { setBy } : {}), targets: [] };
        entry.targets.push(t.id);
        found.set(key, entry);
      }
    }
    for (const f of found.values()) {
      const shown = f.targets.slice(0, TARGETS_SHOWN).join(', ');
      const more = f.targets.length > TARGETS_SHOWN ? ` and ${f.targets.length - TARGETS_SHOWN} more` : '';
      problems.push(
        problem('CG121', {
          constructPath: service.node.path,
          message: `Values of ${f.targets.length === 1 ? 'target' : 'targets'} ${shown}${more} break ${schema.source}: "${f.keyPath}" ${f.rule}${f.setBy ? `; it is set by ${f.setBy}` : ''}.`,
          fix: f.setBy
            ? `Change "${f.keyPath}" in the values of ${f.setBy}, or update the schema if the chart accepts it.`
            : `Set "${f.keyPath}" in the service's values, or update the schema if the chart accepts it.`,
        }),
      );
    }
  }
  return problems;
}
