import { SelfManagedArgoCd } from './argo-cd';
import { argoCdCredentialSettingPaths, argoCdLayerProblems, argoCdMergedProblems } from './argo-cd-values-check';
import { controllerReplicasOf } from './controller-shards';
import { RESTRICTED_NAMESPACED_RESOURCES } from '../model/argo-object';
import { Problem, problem } from '../core/errors';
import { isMap } from '../core/plain';
import { KubeObjectModel, LayerModel, TargetModel } from '../model/platform-model';
import { imagePlaceholder, serviceImages } from '../model/images';
import { objectFileName } from '../model/placement';
import { mergedValues, sdkLayer } from '../model/target-values';
import { Values } from '../model/values';
import { Cloud } from './cloud';
import { Cluster } from './cluster';
import { Environment } from './environment';
import type { Platform } from './platform';
import { platformOf } from './platform-scope';
import { PromotionRing } from './ring';
import { imageModelsOf, Service } from './service';
import { KeyedProblem, literalSecretsAt, problemsOfLiteralSecrets } from './values-check';
import { RenderContext } from './workload';
import { renderKubeObjects } from './render';
import { renderedObjectSecrets, SECRET_DATA } from './object-secrets';
import { isClusterScopedKind } from '../model/cluster-scoped-kinds';

const NO_LAYERS: readonly string[] = [];

/** What the targets on one cluster take from it. */
interface PlacedCluster {
  /** `<environment>/<cloud>/<name>`. */
  readonly qualifiedName: string;
  /** `<environment>/<cloud>/<name>/`: the id of each of its targets, less the service name. */
  readonly idPrefix: string;
  /** Ids of the platform, environment, cloud and cluster layers. */
  readonly layers: readonly string[];
  /** Names of the promotion rings that select its targets. */
  readonly rings: readonly string[];
  /** The target lists of those rings, to add its targets to. */
  readonly ringTargets: readonly string[][];
}

/** The constructs whose values layers every target starts from. */
export interface SharedLayerSources {
  readonly platform: Platform;
  readonly environments: readonly Environment[];
  readonly clouds: readonly Cloud[];
  readonly clusters: readonly Cluster[];
}

/**
 * Builds the values layers and the targets of a model snapshot, service by service, and checks
 * each layer for literal secrets as it is first used. What targets share is worked out once:
 * per cluster its layers, rings and model; per service and environment the service ×
 * environment layers.
 */
export class TargetsBuilder {
  /** The targets, in the order of the services and their placements. */
  public readonly targets: TargetModel[] = [];
  /** The names of the rings that select each target, in the order of {@link targets}. */
  public readonly targetRings: (readonly string[])[] = [];
  /** The placed clusters that belong to another platform. */
  public readonly foreignClusters = new Set<Cluster>();
  /** The problems found in values and rendered objects as they were built. */
  public readonly problems: Problem[] = [];

  private readonly platform: Platform;
  private readonly layers = new Map<string, LayerModel>();
  /** The layers checked for what Argo CD's own values may not hold. */
  private readonly argoCdLayers = new Set<string>();
  /** The values check's problems of each layer that has any, by the key path each reports. */
  private readonly layerSecrets = new Map<string, readonly KeyedProblem[]>();
  private readonly sharedLayers: ReadonlyMap<Platform | Environment | Cloud | Cluster, readonly string[]>;
  private readonly placedClusters = new Map<Cluster, PlacedCluster>();
  /** Rendered kinds reported as kept out, by service, environment and kind: each once. */
  private readonly keptOutReported = new Set<string>();

  /**
   * @param rings the declared promotion rings; none: one ring per environment
   * @param ringTargets the target list of each ring, by ring name, to fill
   */
  constructor(
    shared: SharedLayerSources,
    private readonly rings: readonly PromotionRing[],
    private readonly ringTargets: ReadonlyMap<string, string[]>,
  ) {
    const platform = (this.platform = shared.platform);
    this.sharedLayers = new Map<Platform | Environment | Cloud | Cluster, readonly string[]>([
      [platform, this.layer('platform', 'Platform', platform.node.path, platform.values)],
      ...shared.environments.map((e) => [e, this.layer(`env:${e.name}`, `Environment ${e.name}`, e.node.path, e.values)] as const),
      ...shared.clouds.map((c) => [c, this.layer(`cloud:${c.name}`, `Cloud ${c.name}`, c.node.path, c.values)] as const),
      ...shared.clusters.map(
        (c) => [c, this.layer(`cluster:${c.qualifiedName}`, `Cluster ${c.qualifiedName}`, c.node.path, c.values)] as const,
      ),
    ]);
  }

  /** The values layers by id, in the order they were first used. */
  public layersById(): Record<string, LayerModel> {
    const byId: Record<string, LayerModel> = {}; // ids start with their kind (`service:`), never `__proto__`
    for (const [id, layer] of this.layers) byId[id] = layer;
    return byId;
  }

  /** Adds the targets of a service, one per cluster it is placed on. */
  public addService(service: Service): void {
    const path = service.node.path;
    const pathPrefix = `${path}/`;
    // Argo CD's own installation: its resource settings are named after kinds (SealedSecret), not secrets.
    const allowed = new Set([
      ...service.allowLiteralSecrets,
      ...(service instanceof SelfManagedArgoCd ? service.resourceSettingPaths() : []),
    ]);
    const serviceLayer = this.layer(`service:${service.name}`, `Service ${service.name}`, path, service.values, allowed);
    this.checkValuesForEmptyEnvironments(service, allowed);
    const clusterValues = clusterValuesOf(service);
    const envLayers = new Map<Environment, readonly string[]>();
    const renders = service.workload.spec.kind === 'rendered';
    const kustomize = service.workload.spec.kind === 'kustomize';
    for (const { cluster } of service.placements) {
      if (this.platform.isRejected(cluster)) continue; // an id used twice, reported as such
      const placed = this.placedCluster(cluster);
      const env = cluster.environment;
      let serviceEnvLayers = envLayers.get(env);
      if (!serviceEnvLayers) {
        serviceEnvLayers = this.layersOf(
          service.valuesFor(env),
          `service-env:${service.name}/${env.name}`,
          `Service ${service.name} × Environment ${env.name}`,
          path,
          allowed,
        );
        envLayers.set(env, serviceEnvLayers);
      }
      const valuesOnCluster = clusterValues.size === 0 ? undefined : clusterValues.get(cluster);
      const serviceClusterLayers =
        valuesOnCluster === undefined
          ? NO_LAYERS
          : this.layersOf(
              valuesOnCluster,
              `service-cluster:${service.name}/${placed.qualifiedName}`,
              `Service ${service.name} × Cluster ${placed.qualifiedName}`,
              path,
              allowed,
            );
      // Argo CD's own installation: the values and the Secrets of the control plane that runs there.
      const argoCd = service instanceof SelfManagedArgoCd ? service : undefined;
      const generated = argoCd?.generatedValuesOn(cluster);
      const generatedLayers =
        generated === undefined ? NO_LAYERS : this.layer(`argocd:${env.controlPlane.node.id}`, generated.label, path, generated.values);
      const id = placed.idPrefix + service.name;
      const patches = kustomize ? [...service.patches, ...service.patchesFor(env), ...service.patchesFor(cluster)] : [];
      const target: TargetModel = {
        id,
        path: pathPrefix + placed.qualifiedName,
        service: service.name,
        environment: env.name,
        cloud: cluster.cloud.name,
        cluster: cluster.name,
        ring: placed.rings[0] ?? '',
        layers: placed.layers.concat(generatedLayers, serviceLayer, serviceEnvLayers, serviceClusterLayers),
        ...(patches.length > 0 ? { patches } : {}),
      };
      if (argoCd !== undefined) {
        // Every layer that reaches Argo CD's own values, checked once.
        for (const layer of target.layers) {
          if (layer === generatedLayers[0] || this.argoCdLayers.has(layer)) continue;
          this.argoCdLayers.add(layer);
          const l = this.layers.get(layer)!;
          // The installation's own layers may allow what only looks secret; shared layers cannot.
          this.problems.push(...argoCdLayerProblems(l.values, l.path, l.label, layer.startsWith('service') ? allowed : undefined));
          // Its credential settings are judged key by key there: the values check's finding of the whole text goes.
          const judged = new Set(argoCdCredentialSettingPaths(l.values));
          const dropped = new Set((this.layerSecrets.get(layer) ?? []).filter((f) => judged.has(f.keyPath)).map((f) => f.problem));
          for (let i = this.problems.length - 1; i >= 0 && dropped.size > 0; i--) {
            if (dropped.delete(this.problems[i]!)) this.problems.splice(i, 1);
          }
        }
        const merged = mergedValues(target.layers.map((id) => ({ id, ...this.layers.get(id)! })));
        for (const p of argoCdMergedProblems(merged, path, controllerReplicasOf(env.controlPlane)))
          if (!this.problems.some((q) => q.message === p.message && q.constructPath === p.constructPath)) this.problems.push(p);
        // Argo CD's namespace takes no namespace baseline: its default-deny would cut Argo CD off.
        this.targets.push({ ...target, baseline: argoCd.objectsOn(cluster) });
      } else {
        this.targets.push(renders || env.namespaceBaseline ? { ...target, ...this.render(service, cluster, target) } : target);
      }
      this.targetRings.push(placed.rings);
      for (const list of placed.ringTargets) list.push(id);
    }
  }

  /** Values for an environment without clusters make no layer yet, but are checked all the same. */
  private checkValuesForEmptyEnvironments(service: Service, allowed: ReadonlySet<string>): void {
    for (const [target, list] of service.deployments) {
      if (!(target instanceof Environment) || target.node.children.some((c) => c instanceof Cluster)) continue;
      for (const v of list)
        this.problems.push(
          ...problemsOfLiteralSecrets(v, service.node.path, `Service ${service.name} × Environment ${target.name}`, allowed),
        );
    }
  }

  /**
   * The layer of one construct's values, made and checked on first use: `[id]`, or `[]` when
   * the values are empty.
   */
  private layer(id: string, label: string, path: string, values: Values, allowLiteralSecrets?: ReadonlySet<string>): string[] {
    if (Object.keys(values).length === 0) return [];
    if (!this.layers.has(id)) {
      this.layers.set(id, { label, path, values });
      const found = literalSecretsAt(values, path, label, allowLiteralSecrets);
      if (found.length > 0) this.layerSecrets.set(id, found);
      this.problems.push(...found.map((f) => f.problem));
    }
    return [id];
  }

  /** The layers of values given in turn (`deployTo` called again), numbered `<idPrefix>#<i>`. */
  private layersOf(list: readonly Values[], idPrefix: string, label: string, path: string, allowed: ReadonlySet<string>): string[] {
    return list.flatMap((v, i) => this.layer(`${idPrefix}#${i}`, label, path, v, allowed));
  }

  private placedCluster(cluster: Cluster): PlacedCluster {
    let placed = this.placedClusters.get(cluster);
    if (!placed) {
      placed = this.place(cluster);
      this.placedClusters.set(cluster, placed);
    }
    return placed;
  }

  private place(cluster: Cluster): PlacedCluster {
    const env = cluster.environment;
    const qualifiedName = cluster.qualifiedName;
    if (platformOf(cluster) !== this.platform) this.foreignClusters.add(cluster);
    const rings =
      this.rings.length === 0
        ? [env.name]
        : this.rings.filter((r) => r.targets.matches({ environment: env, cluster, cloud: cluster.cloud })).map((r) => r.name);
    return {
      qualifiedName,
      idPrefix: `${qualifiedName}/`,
      layers: [this.platform, env, cluster.cloud, cluster].flatMap((c) => this.sharedLayers.get(c) ?? []),
      rings,
      // none for an environment of another platform
      ringTargets: rings.map((r) => this.ringTargets.get(r)).filter((list) => list !== undefined),
    };
  }

  /**
   * The objects of one target: the service's rendered objects, when its workload is rendered,
   * and the environment's namespace baseline, when it has one. Each is rendered in its own App.
   */
  private render(service: Service, cluster: Cluster, target: TargetModel): Pick<TargetModel, 'objects' | 'baseline'> {
    const env = cluster.environment;
    const spec = service.workload.spec;
    const label = `Service ${service.name} on ${target.id.slice(0, target.id.lastIndexOf('/'))}`;
    const out: { objects?: readonly KubeObjectModel[]; baseline?: readonly KubeObjectModel[] } = {};
    // A baseline declared wrongly is reported by its environment (CG136): rendering it would only fail again.
    if (env.namespaceBaseline && env.namespaceBaseline.problems.length === 0) {
      const baseline = env.namespaceBaseline;
      const result = renderKubeObjects({
        service: service.name,
        label: `The namespace baseline of ${label}`,
        constructPath: env.node.path,
        build: (chart) => baseline.build(chart, { namespace: service.namespace, service: service.name, environment: env.name }),
      });
      this.problems.push(...result.problems);
      out.baseline = result.objects;
    }
    if (spec.kind === 'rendered') {
      const values = deepFreeze(
        structuredClone(
          mergedValues([
            sdkLayer(
              { environment: env.name, cloud: cluster.cloud.name },
              cluster,
              serviceImages({ name: service.name, imageRepository: service.image?.repository, images: imageModelsOf(service) }),
            ),
            ...target.layers.map((l) => ({ id: l, ...this.layers.get(l)! })),
          ]),
        ),
      );
      const result = renderKubeObjects({
        service: service.name,
        namespace: service.namespace,
        placeholders: serviceImages({ name: service.name, images: imageModelsOf(service) }).map((i) => i.placeholder),
        label,
        constructPath: service.node.path,
        build: (chart) => {
          const ctx: RenderContext = {
            scope: chart,
            service: service.name,
            environment: env.name,
            cloud: cluster.cloud.name,
            cluster: cluster.name,
            region: cluster.region,
            destination: cluster.destination,
            namespace: service.namespace,
            values,
            image: imagePlaceholder(service.name),
            images: Object.freeze(
              Object.fromEntries(Object.keys(service.images ?? {}).map((name) => [name, imagePlaceholder(service.name, name)])),
            ),
          };
          if (service.images !== undefined) {
            const names = Object.keys(service.images);
            Object.defineProperty(ctx, 'image', {
              enumerable: true,
              get: () => {
                throw new Error(
                  `${service.name} names its images (${names.join(', ')}): place each with ctx.images.<name>, e.g. ctx.images.${names[0]}, not ctx.image.`,
                );
              },
            });
          }
          spec.render(Object.freeze(ctx));
        },
      });
      this.problems.push(...result.problems);
      const taken = new Set((out.baseline ?? []).map(objectFileName));
      for (const o of result.objects) {
        if (taken.has(objectFileName(o))) {
          this.problems.push(
            problem('CG132', {
              constructPath: service.node.path,
              message: `${o.kind} ${o.metadata.name} of ${label} would be written to ${objectFileName(o)}, where the namespace baseline of environment ${env.name} writes its own ${o.kind}.`,
              fix: 'Give the object another name; the baseline owns its Namespace, ResourceQuota and LimitRange "baseline" and NetworkPolicy "default-deny".',
            }),
          );
        }
      }
      this.checkRenderedObjects(service, env, label, result.objects);
      out.objects = result.objects;
    }
    return out;
  }

  /**
   * A rendered object is written to the GitOps repository as values are: a literal secret in it
   * is refused the same way (CG120), once per object and key path whatever the targets. The
   * service's allowLiteralSecrets names one as `<Kind>/<name>:<key path>`.
   */
  private checkRenderedSecrets(service: Service, label: string, o: KubeObjectModel): void {
    for (const { keyPath, what } of renderedObjectSecrets(o)) {
      const at = `${o.kind}/${o.metadata.name}:${keyPath}`;
      const key = `${service.name}\u0000secret\u0000${at}`;
      if (this.keptOutReported.has(key) || (what !== SECRET_DATA && service.allowLiteralSecrets.includes(at))) continue;
      this.keptOutReported.add(key);
      this.problems.push(
        problem('CG120', {
          constructPath: service.node.path,
          message: `${o.kind} ${o.metadata.name} of ${label} sets "${keyPath}" to ${what}, and rendered objects are readable by everyone who can read the GitOps repository.`,
          fix:
            what === SECRET_DATA
              ? 'Keep the secret in a secret store and render a reference to it (an ExternalSecret, a SealedSecret), or mount an existing Secret by name.'
              : `Keep the secret in a secret store and reference it (an env entry's valueFrom.secretKeyRef, a mounted Secret); if the value is not secret, add "${at}" to the service's allowLiteralSecrets.`,
        }),
      );
    }
  }

  /**
   * Rendered objects the target could not apply, once per service, environment and kind: a kind
   * the environment's AppProject keeps out (RBAC objects, network policies) and the environment
   * does not allow; a cluster-scoped kind the environment does not list in `clusterResources`; an
   * object in another namespace than the service's. Argo CD would refuse to sync them; on Flux,
   * the target runs as its namespace's admin (it cannot create cluster-scoped objects) and the
   * Kustomization moves every object into the service's namespace. On Flux, a Flux Kustomization
   * or HelmRelease the service renders must run as a service account (else Flux runs it as its
   * own controller, cluster-admin where the lockdown is not set) and read only sources of its
   * own namespace. The namespace baseline's own objects do not count.
   */
  private checkRenderedObjects(service: Service, env: Environment, label: string, objects: readonly KubeObjectModel[]): void {
    const flux = env.controlPlane.reconciler.model.kind === 'flux';
    const refuse = (key: string, message: string, fix: string): void => {
      if (this.keptOutReported.has(key)) return;
      this.keptOutReported.add(key);
      this.problems.push(problem('CG139', { constructPath: service.node.path, message, fix }));
    };
    for (const o of objects) {
      const slash = o.apiVersion.indexOf('/');
      const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
      const key = `${service.name}\u0000${env.name}\u0000${group}\u0000${o.kind}`;
      this.checkRenderedSecrets(service, label, o);
      // As an AppProject reads its lists: "*" stands for any group or kind.
      const allows = (list: readonly { group: string; kind: string }[]): boolean =>
        list.some((r) => (r.group === group || r.group === '*') && (r.kind === o.kind || r.kind === '*'));
      if (Array.isArray(o.items) && o.kind.endsWith('List')) {
        // Kustomize and kubectl apply each item: its checks would be the items'.
        refuse(
          key,
          `${o.kind} ${o.metadata.name} of ${label} is a list of objects, which are applied one by one but would not be checked as rendered objects are.`,
          'Render each object on its own.',
        );
        continue;
      }
      if (isClusterScopedKind(o.kind, group)) {
        if (allows(env.clusterResources)) continue;
        refuse(
          key,
          `${o.kind} ${o.metadata.name} of ${label} is cluster-scoped (${group}/${o.kind}), and environment ${env.name} does not let its services create such kinds: ` +
            (flux
              ? "on Flux the service's accounts have no right to create it."
              : 'its AppProject keeps the kind out, so Argo CD would refuse to sync it.'),
          `Leave it out, or allow the kind on the environment: clusterResources: [{ group: '${group}', kind: '${o.kind}' }].`,
        );
        continue;
      }
      if (o.metadata.namespace !== undefined && o.metadata.namespace !== service.namespace) {
        refuse(
          `${key}\u0000${o.metadata.namespace}`,
          `${o.kind} ${o.metadata.name} of ${label} is in namespace ${o.metadata.namespace}, but the service deploys into ${service.namespace}: ` +
            (flux
              ? "Flux would move it into the service's namespace."
              : "its AppProject allows only the service's namespace, so Argo CD would refuse to sync it."),
          "Leave metadata.namespace out (the service's namespace is set), or give the object a service of its own in that namespace.",
        );
        continue;
      }
      const escape = flux ? fluxEscape(o) : undefined;
      if (escape !== undefined) {
        refuse(
          `${key}\u0000${o.metadata.name}`,
          `${o.kind} ${o.metadata.name} of ${label} ${escape}: Flux would reconcile it beyond the service's namespace and rights.`,
          "Give it spec.serviceAccountName (a service account of the service's namespace, e.g. flux-reconciler) and sources of its own namespace only.",
        );
        continue;
      }
      if (!RESTRICTED_NAMESPACED_RESOURCES.some((r) => r.group === group && r.kind === o.kind) || allows(env.allowedNamespacedResources))
        continue;
      refuse(
        key,
        flux
          ? `${o.kind} ${o.metadata.name} of ${label} is a kind (${group}/${o.kind}) environment ${env.name} does not allow its services (allowedNamespacedResources).`
          : `${o.kind} ${o.metadata.name} of ${label} is a kind (${group}/${o.kind}) the AppProject of environment ${env.name} keeps out: Argo CD would refuse to sync it.`,
        `Leave it out, or allow the kind on the environment: allowedNamespacedResources: [{ group: '${group}', kind: '${o.kind}' }].`,
      );
    }
  }
}

/**
 * Why a rendered Flux object would act beyond its namespace, or undefined: a Kustomization or
 * HelmRelease without `spec.serviceAccountName`, one that deploys to another cluster, or a
 * reference to a source (or a chart's) in another namespace.
 */
function fluxEscape(o: KubeObjectModel): string | undefined {
  if (!/\.toolkit\.fluxcd\.io\//.test(o.apiVersion)) return undefined;
  const spec = isMap(o.spec) ? o.spec : {};
  if (
    (o.kind === 'Kustomization' || o.kind === 'HelmRelease') &&
    (typeof spec.serviceAccountName !== 'string' || spec.serviceAccountName === '')
  )
    return 'has no spec.serviceAccountName';
  if (spec.kubeConfig !== undefined) return 'deploys to another cluster (spec.kubeConfig)';
  const refs = [spec.sourceRef, spec.chartRef, isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec.sourceRef : undefined];
  if (refs.some((r) => isMap(r) && r.namespace !== undefined)) return 'refers to another namespace';
  return undefined;
}

/** The values a service was given for single clusters (service × cluster layers), by cluster. */
function clusterValuesOf(service: Service): ReadonlyMap<Cluster, readonly Values[]> {
  const byCluster = new Map<Cluster, readonly Values[]>();
  for (const [target, list] of service.deployments) if (target instanceof Cluster) byCluster.set(target, list);
  return byCluster;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
