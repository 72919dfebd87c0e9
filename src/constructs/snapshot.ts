import { DEFAULT_MAX_APPLICATIONS_PER_APPLICATION_SET } from '../model/application-set-names';
import { ApplicationSetSplit } from '../model/application-set-split';
import { problemsOfControllerShards } from './controller-shards';
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
  KustomizeSourceModel,
} from '../model/platform-model';
import { Cloud } from './cloud';
import { Cluster } from './cluster';
import { problemsOfForeignClusters, problemsOfRingMembership, problemsOfSchemas } from './construct-checks';
import { Environment } from './environment';
import { MODEL_RULES, ModelRuleName } from '../model/rules';
import type { Platform } from './platform';
import { Team } from './team';
import { PromotionRing } from './ring';
import { imageModelsOf, Service } from './service';
import { ClusterAddon } from './addon';
import { SelfManagedArgoCd } from './argo-cd';
import { DEFAULT_KUSTOMIZE_PATH, KustomizeSpec } from './workload';
import { TargetsBuilder } from './snapshot-targets';
import { problemsOfRepositories, sameRepository } from '../model/repositories';

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
  let snapshot: { model: PlatformModel; problems: readonly Problem[] };
  try {
    snapshot = modelOf(platform);
  } catch (e) {
    // A construct with a recorded problem may be incomplete (no image, a values schema that
    // cannot be used): what that breaks further on is the problem already recorded.
    if (!(e instanceof GitOpsError) && platform.reportedProblems.length === 0) throw e;
    throw programProblems([...platform.reportedProblems, ...(e instanceof GitOpsError ? e.problems : [])]);
  }
  const problems = [...platform.reportedProblems, ...snapshot.problems];
  if (problems.length > 0) throw programProblems(problems);
  return snapshot.model;
}

function programProblems(problems: readonly Problem[]): GitOpsError {
  return new GitOpsError(problems, `The platform program has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`, {
    grouped: true,
  });
}

/** The model of the platform, and what is wrong with it. */
function modelOf(platform: Platform): { model: PlatformModel; problems: Problem[] } {
  const environments = childrenOf(platform, platform, Environment);
  const clouds = childrenOf(platform, platform, Cloud);
  const services = platform.node.findAll().filter((c): c is Service => c instanceof Service && !platform.isRejected(c));
  const rings = childrenOf(platform, platform.group('rings'), PromotionRing);
  const clusters = environments.flatMap((e) => childrenOf(platform, e, Cluster));
  const controlPlanes = [...new Set(environments.map((e) => e.controlPlane))];

  const clusterModels = clusters.map(clusterModelOf);
  const teams = platform.node.findAll().filter((c): c is Team => c instanceof Team);
  const ownership = ownershipOf(teams, services, environments);
  const serviceModels = services.map((s) => serviceModelOf(s, platform, ownership.teamOf.get(s)));
  const ringTargets = new Map<string, string[]>((rings.length === 0 ? environments : rings).map((r) => [r.name, []]));
  const builder = new TargetsBuilder({ platform, environments, clouds, clusters }, rings, ringTargets);
  try {
    for (const service of services) builder.addService(service);
  } catch (e) {
    if (e instanceof GitOpsError) throw new GitOpsError([...builder.problems, ...e.problems]);
    throw e;
  }
  const { targets, targetRings } = builder;

  const ringModels: RingModel[] =
    rings.length === 0
      ? environments.map((e) => ({
          name: e.name,
          path: e.node.path,
          gates: { soakSeconds: 0, requireApproval: false },
          targets: ringTargets.get(e.name)!,
          ...(e.production ? { production: true } : {}),
        }))
      : rings.map((r) => ({
          name: r.name,
          path: r.node.path,
          gates: {
            soakSeconds: r.soakSeconds,
            requireApproval: r.requireApproval,
            ...(r.approvers.length > 0 ? { approvers: r.approvers } : {}),
            ...(r.requireHealthy ? { requireHealthy: true } : {}),
          },
          targets: ringTargets.get(r.name)!,
          ...(r.movedFrom.length > 0 ? { movedFrom: r.movedFrom } : {}),
          ...(clusters.some(
            (c) => c.environment.production && r.targets.matches({ environment: c.environment, cluster: c, cloud: c.cloud }),
          )
            ? { production: true }
            : {}),
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
      // Argo CD, the default, is written only with settings of its own.
      ...(cp.reconciler.model.kind === 'flux' || cp.reconciler.model.api !== undefined ? { reconciler: cp.reconciler.model } : {}),
      ...(cp.maxApplicationsPerApplicationSet !== DEFAULT_MAX_APPLICATIONS_PER_APPLICATION_SET
        ? { maxApplicationsPerApplicationSet: cp.maxApplicationsPerApplicationSet }
        : {}),
      // Written only when it is not the platform's repository at the platform's revision.
      ...(sameRepository(cp.repository.repoURL, platform.repoURL) && cp.repository.revision === platform.revision
        ? {}
        : { repository: cp.repository }),
    })),
    environments: environments.map((e): EnvironmentModel => ({
      name: e.name,
      path: e.node.path,
      controlPlane: e.controlPlane.node.id,
      ...(e.description ? { description: e.description } : {}),
      ...(e.production ? { production: true } : {}),
      syncPolicy: e.syncPolicy.toJson(),
      syncWindows: e.syncWindows.map((w) => w.toJson()),
      roles: e.roles,
      requireDigest: e.requireDigest,
      clusterResources: e.clusterResources,
      ...(e.allowedNamespacedResources.length > 0 ? { allowedNamespacedResources: e.allowedNamespacedResources } : {}),
      ...(e.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: e.revisionHistoryLimit } : {}),
      ...(e.namespaceBaseline ? { namespaceBaseline: e.namespaceBaseline.toModel() } : {}),
      // `auto`, the default, is not written: a program that says nothing keeps its model's bytes.
      ...(e.applicationSets === ApplicationSetSplit.PER_CLUSTER ? { applicationSets: ApplicationSetSplit.PER_CLUSTER } : {}),
    })),
    clusters: clusterModels,
    services: serviceModels,
    rings: ringModels,
    layers: builder.layersById(),
    targets,
    ...(removals.length > 0 ? { removals } : {}),
    ...(teams.length > 0 ? { teams: teams.map((t) => t.toModel()) } : {}),
  };

  // The model's rules, and between them the checks only the constructs can answer, in the
  // order their problems have always been reported.
  const rule = (name: ModelRuleName): Problem[] => MODEL_RULES[name](model);
  const addonProblems = services.flatMap((s) => (s instanceof ClusterAddon ? s.placementProblems() : []));
  const selfManaged = new Set(services.flatMap((s) => (s instanceof SelfManagedArgoCd ? s.controlPlanes : [])));
  const shardProblems = problemsOfControllerShards(controlPlanes, clusters, selfManaged);
  const problems = [
    ...builder.problems,
    ...addonProblems,
    ...shardProblems,
    ...rule('names'),
    ...problemsOfRingMembership(model, targetRings, rings.length > 0),
    ...problemsOfRepositories(model),
    ...rule('services'),
    ...rule('kustomize'),
    ...rule('reconcilers'),
    ...problemsOfForeignClusters(services, builder.foreignClusters),
    ...rule('sensitiveNamespaces'),
    ...rule('collisions'),
    ...rule('ownedKeys'),
    ...rule('applicationSetNames'),
    ...rule('applicationSetSizes'),
    ...problemsOfSchemas(model, services),
    ...rule('ringMoves'),
    ...rule('removals'),
    ...ownership.problems,
    ...(ownership.problems.length === 0 ? rule('teamSources') : []),
  ];
  return { model, problems };
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

function serviceModelOf(s: Service, platform: Platform, team: Team | undefined): ServiceModel {
  return {
    name: s.name,
    path: s.node.path,
    namespace: s.namespace,
    ...(team === undefined ? {} : { team: team.name }),
    ...(s.images === undefined ? { imageRepository: s.image!.repository } : { images: imageModelsOf(s)! }),
    ...(s.initialDigest ? { initialDigest: s.initialDigest } : {}),
    ...(s.allowSensitiveNamespace ? { allowSensitiveNamespace: true } : {}),
    source: sourceOf(s, platform),
    ...(s.addon === undefined ? {} : { addon: s.addon }),
  };
}

function sourceOf(s: Service, platform: Platform): SourceModel {
  if (s.workload.spec.kind === 'rendered') return { kind: 'rendered' };
  if (s.workload.spec.kind === 'kustomize') return kustomizeSourceOf(s, s.workload.spec.base, platform);
  const spec = s.chartSpec;
  return {
    kind: 'helm',
    ...(spec.origin !== 'git' ? { origin: spec.origin } : {}),
    repoURL: s.repoURL ?? (spec.origin === 'git' ? platform.applicationRepoURLPattern?.split('{service}').join(s.name) : undefined) ?? '',
    chartPath: s.chartPath,
    ...(spec.origin === 'helm-repository' ? { chart: spec.chart } : {}),
    targetRevision: s.targetRevision,
    releaseName: s.releaseName,
    ...(spec.promoted === true ? { promoted: true } : {}),
  };
}

function kustomizeSourceOf(s: Service, base: KustomizeSpec, platform: Platform): KustomizeSourceModel {
  const labels = base.labels !== undefined && Object.keys(base.labels).length > 0 ? { labels: { ...base.labels } } : {};
  if (base.origin === 'platform') return { kind: 'kustomize', path: base.path, targetRevision: '', ...labels };
  return {
    kind: 'kustomize',
    repoURL: base.repoURL ?? platform.applicationRepoURLPattern?.split('{service}').join(s.name) ?? '',
    path: base.path ?? DEFAULT_KUSTOMIZE_PATH,
    targetRevision: base.targetRevision ?? platform.serviceDefaults.targetRevision,
    ...(base.promoted === true ? { promoted: true } : {}),
    ...labels,
  };
}

/**
 * The team of each service: the nearest team it is declared in, or the one that claims it with
 * `Team.owns`; CG152 where a platform with teams leaves a service without one or gives it two,
 * where two teams share a name, and where there is not exactly one platform team.
 */
function ownershipOf(
  teams: readonly Team[],
  services: readonly Service[],
  environments: readonly Environment[],
): { teamOf: Map<Service, Team>; problems: Problem[] } {
  const teamOf = new Map<Service, Team>();
  const problems: Problem[] = [];
  if (teams.length === 0) return { teamOf, problems };
  const claims = new Map<Service, Team[]>();
  for (const t of teams) for (const s of t.claimed) claims.set(s, [...(claims.get(s) ?? []), t]);
  for (const s of services) {
    const enclosing = [...s.node.scopes].reverse().find((c): c is Team => c instanceof Team);
    const owners = [...new Set([...(enclosing ? [enclosing] : []), ...(claims.get(s) ?? [])])];
    if (owners.length === 1) {
      teamOf.set(s, owners[0]!);
      // Argo CD's own installation holds its RBAC and every cluster's credentials: the platform's alone.
      if (s instanceof SelfManagedArgoCd && !owners[0]!.platform) {
        problems.push(
          problem('CG152', {
            constructPath: s.node.path,
            message: `${s.name} is Argo CD's own installation (its RBAC, the credentials of every cluster it manages), and team ${owners[0]!.name} is not the platform team.`,
            fix: 'Declare it inside the platform team, or claim it with platformTeam.owns(argoCd).',
          }),
        );
      }
      // A namespace of the cluster itself, or of an Argo CD, is the platform's.
      if (s.allowSensitiveNamespace && !owners[0]!.platform && !(s instanceof SelfManagedArgoCd)) {
        problems.push(
          problem('CG152', {
            constructPath: s.node.path,
            message: `Service ${s.name} deploys into namespace ${s.namespace} (allowSensitiveNamespace), which belongs to the cluster or an Argo CD, and team ${owners[0]!.name} is not the platform team.`,
            fix: 'Give the service a namespace of its own, or leave it to the platform team.',
          }),
        );
      }
      // Cluster-scoped kinds reach every team's namespaces: an add-on that declares any is the platform's.
      const scoped = s.addon?.clusterResources ?? [];
      if (!(s instanceof SelfManagedArgoCd) && scoped.length > 0 && !owners[0]!.platform) {
        problems.push(
          problem('CG152', {
            constructPath: s.node.path,
            message: `Cluster add-on ${s.name} declares cluster-scoped kinds (${scoped.map((k) => `${k.group === '' ? '' : `${k.group}/`}${k.kind}`).join(', ')}), which reach every team's namespaces, and team ${owners[0]!.name} is not the platform team.`,
            fix: 'Declare it inside the platform team, or claim it with platformTeam.owns(addon).',
          }),
        );
      }
      continue;
    }
    problems.push(
      problem('CG152', {
        constructPath: s.node.path,
        message:
          owners.length === 0
            ? `Service ${s.name} belongs to no team; the platform declares teams (${teams.map((t) => t.name).join(', ')}), so every service belongs to one.`
            : `Service ${s.name} belongs to ${owners.length} teams: ${owners.map((t) => t.name).join(' and ')}.`,
        fix:
          owners.length === 0
            ? 'Declare it inside its team (new Service(team, …)), or claim it with team.owns(service).'
            : 'Leave it to one team: declared inside it, or claimed by its owns().',
      }),
    );
  }
  const names = teams.map((t) => t.name);
  for (const [i, t] of teams.entries()) {
    if (names.indexOf(t.name) !== i) {
      problems.push(
        problem('CG152', {
          constructPath: t.node.path,
          message: `Two teams are named "${t.name}".`,
          fix: 'Give each team a name of its own.',
        }),
      );
    }
  }
  // What an environment lets its services create cluster-wide would reach every team's namespaces.
  for (const e of environments) {
    if (e.clusterResources.length === 0) continue;
    problems.push(
      problem('CG152', {
        constructPath: e.node.path,
        message: `Environment ${e.name} lets its services create cluster-scoped kinds (clusterResources), which in a platform with teams would let each team reach every other team's namespaces.`,
        fix: 'Leave clusterResources out, and declare what is cluster-scoped as a ClusterAddon of the platform team.',
      }),
    );
  }
  const platformTeams = teams.filter((t) => t.platform);
  if (platformTeams.length !== 1) {
    problems.push(
      problem('CG152', {
        constructPath: (platformTeams[1] ?? teams[0]!).node.path,
        message:
          platformTeams.length === 0
            ? 'The platform declares teams but no platform team, which owns the files shared by all services and production.'
            : `The platform declares ${platformTeams.length} platform teams (${platformTeams.map((t) => t.name).join(', ')}); it has one.`,
        fix: "Mark the team that runs the platform: new Team(platform, 'platform', { …, platform: true }).",
      }),
    );
  }
  return { teamOf, problems };
}
