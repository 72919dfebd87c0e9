import { Construct } from 'constructs';
import { Problem, problemsAt, problem } from '../core/errors';
import { Values } from '../model/values';
import { Cluster } from './cluster';
import { Environment } from './environment';
import { freeId, platformOf } from './platform-scope';
import { problemsOfValues, secretInString } from './values-check';
import { HelmChartSpec, Workload } from './workload';
import { KustomizePatch, patchModels } from './kustomize-patch';
import type { AddonModel, KustomizePatchModel } from '../model/platform-model';
import { ValuesSchema } from './values-schema';
import { isDns1123Label } from '../core/kube-names';
import { defaultValuesKey, imageRepositoryProblem } from '../model/images';
import { SDK_GLOBAL_KEYS } from '../model/target-values';
import type { ImageModel } from '../model/platform-model';

/** The image a service deploys. */
export interface ImageProps {
  /** Image repository without tag or digest, e.g. `registry.example.com/commerce/payments-api`. */
  readonly repository: string;
}

/** One named image of a service with several images (see {@link ServiceProps.images}). */
export interface NamedImageProps {
  /** Image repository without tag or digest, e.g. `registry.example.com/commerce/orders-worker`. */
  readonly repository: string;
  /**
   * Dotted key path in the Helm values under which the image's `repository` and `digest` (or
   * `tag`) go: with `valuesKey: 'worker.image'` a values file holds `worker.image.repository`
   * and `worker.image.digest`. Unused by a rendered workload, which places the image with
   * `ctx.images.<name>`.
   * @default - `<name>.image` (the layout of charts with several components, e.g. `worker.image.repository`)
   */
  readonly valuesKey?: string;
  /**
   * Digest the image starts with in every ring when the GitOps repository has no release ledger
   * for the service yet. Either every image of the service has one or none has.
   * @default - none: targets appear once a release is promoted into their ring
   */
  readonly initialDigest?: string;
  /**
   * The chart reads only a tag for this image (`<valuesKey>.tag`), no digest, as Argo CD's chart
   * reads `global.image.tag`: every version is then a tag, or a tag pinned by its digest
   * (`v3.2.0@sha256:…`, which the chart writes as `<repository>:v3.2.0@sha256:…`), never a bare
   * digest, which the chart would leave out.
   * @default false
   */
  readonly tagOnly?: boolean;
}

/** Properties of a {@link Service}. */
export interface ServiceProps {
  /**
   * The image, for a service with one image; `image.repository` in its values, or the
   * repository of a rendered workload's `ctx.image`. Give `image` or `images`, not both.
   * @default - none: the service names its images (`images`)
   */
  readonly image?: ImageProps;
  /**
   * The images of a service with several, by name (a DNS-1123 label, e.g. `api`, `worker`).
   * Each ring's release records a digest per image (`promote --digest api=sha256:… --digest
   * worker=sha256:…`), and the ring rules judge the release as a whole. A Helm values file
   * holds each image under its `valuesKey`; a rendered workload places each with
   * `ctx.images.<name>`. Give `image` or `images`, not both.
   * @default - none: the service has one image (`image`)
   */
  readonly images?: Readonly<Record<string, NamedImageProps>>;
  /**
   * What the service deploys: a Helm chart with a values file per target, a Kustomize base
   * with an overlay per target ({@link Workload.kustomize}), or Kubernetes objects rendered by
   * the program with cdk8s-plus-28 ({@link Workload.render}).
   * @default Workload.helmChart(): the chart at the platform's service defaults
   */
  readonly workload?: Workload;
  /** Namespace it is deployed into. @default - the service name */
  readonly namespace?: string;
  /**
   * Allows a namespace that belongs to the cluster rather than to a service: `kube-system`,
   * `kube-public`, `kube-node-lease`, `default`, or the namespace of another control plane's
   * Argo CD. Without it such a namespace is an error (CG138): the environment's AppProject would
   * let every Application of the environment deploy there. The namespace of the service's own
   * control plane's Argo CD is never allowed (CG123), and an environment with a namespace
   * baseline accepts none of these namespaces, since the baseline would take them over.
   * @default false
   */
  readonly allowSensitiveNamespace?: boolean;
  /**
   * Digest every ring starts with when the GitOps repository has no release ledger for the
   * service yet. Once the ledger exists it is the truth and this no longer matters. A service
   * with named images gives each image its own (`images.<name>.initialDigest`).
   * @default - none: targets appear once a digest is promoted into their ring
   */
  readonly initialDigest?: string;
  /** Values for every target of this service. @default {} */
  readonly values?: Values;
  /**
   * Key paths (as error CG120 prints them, e.g. `smtp.password`, `tokens[0]`, `env[2].value`)
   * at which this service's own values (`values` and `deployTo` values) may hold what CG120
   * takes for a literal secret: a value under a secret-like key, a PEM block, a URL with a
   * password. For values that only look secret, such as a public key or a placeholder; real
   * secrets belong in a secret store, referenced from the values.
   *
   * A list of key paths, rather than a marker on the value, keeps values plain data. Layers
   * shared by many services (platform, environment, cloud, cluster) cannot allow literal secrets.
   * For an object a rendered workload makes, name the object too, as CG120 prints it:
   * `ConfigMap/settings:data.publicKey`. A Secret's `data` and `stringData` are never allowed.
   * @default - none: every literal secret is an error
   */
  readonly allowLiteralSecrets?: readonly string[];
  /**
   * The chart's values schema (`values.schema.json`). Every target's final values are checked
   * against it at synth (CG121), with the release digest still unknown: see {@link ValuesSchema}.
   * @default - values are not checked against a schema
   */
  readonly valuesSchema?: ValuesSchema;
}

/** Options of {@link Service.deployTo}. */
export interface DeployOptions {
  /**
   * Values for this service in the given environment (service × environment layer) or on the
   * given cluster (service × cluster layer). A Kustomize service takes `patches` instead.
   * @default {}
   */
  readonly values?: Values;
  /**
   * Patches of a Kustomize service's overlays in the given environment or on the given cluster,
   * applied after the workload's own (environment's first, then the cluster's).
   * @default []
   */
  readonly patches?: readonly KustomizePatch[];
}

/** Where a service runs: one service on one cluster. */
export interface Placement {
  /** The service. */
  readonly service: Service;
  /** The cluster it runs on. */
  readonly cluster: Cluster;
}

/**
 * A deployable service: an image, values, and a workload (a Helm chart in an application
 * repository, or objects rendered by the program). `deployTo` places it on environments and
 * clusters. Its scope is the Platform or any construct inside it (e.g. a team's construct);
 * service names are unique across the platform.
 *
 * @example
 * const api = new Service(platform, 'payments-api', {
 *   image: { repository: 'registry.example.com/commerce/payments-api' },
 *   values: { autoscaling: { enabled: true } },
 * });
 * api.deployTo(nonprod);
 * api.deployTo(prod, { values: { autoscaling: { minReplicas: 6 } } });
 *
 * // Several images, each released with its own digest (values: api.image.*, worker.image.*)
 * new Service(platform, 'orders', {
 *   images: {
 *     api: { repository: 'registry.example.com/commerce/orders-api' },
 *     worker: { repository: 'registry.example.com/commerce/orders-worker' },
 *   },
 * }).deployTo(nonprod);
 */
export class Service extends Construct {
  /** Name of the service (its id), e.g. `payments-api`. */
  public readonly name: string;
  /** The image it deploys, for a service with one image; undefined for one with named images. */
  public readonly image?: ImageProps;
  /** Its named images, each with its `valuesKey` (the default filled in); undefined for a service with one image. */
  public readonly images?: Readonly<Record<string, NamedImageProps>>;
  /** What it deploys. */
  public readonly workload: Workload;
  /** Helm chart only: the repository holding the chart; undefined for the platform's pattern. */
  public readonly repoURL?: string;
  /** Helm chart only: the chart's path in the application repository (`.` in an OCI artifact, empty in a Helm repository). */
  public readonly chartPath: string;
  /** Helm chart only: the revision of the application repository, or the chart version. */
  public readonly targetRevision: string;
  /** Helm chart only: the Helm release name. */
  public readonly releaseName: string;
  /** Helm chart only: where the chart is published, as the workload gives it. @internal */
  public readonly chartSpec: HelmChartSpec;
  /** Namespace it is deployed into. */
  public readonly namespace: string;
  /** Whether it may deploy into a namespace of the cluster itself, such as `kube-system`. */
  public readonly allowSensitiveNamespace: boolean;
  /** Digest every ring starts with before the release ledger exists. */
  public readonly initialDigest?: string;
  /** Values for every target of this service. */
  public readonly values: Values;
  /** Key paths of its own values that may hold a literal secret; `[]` when none may. */
  public readonly allowLiteralSecrets: readonly string[];
  /** The chart's values schema every target's values are checked against; undefined when there is none. */
  public readonly valuesSchema?: ValuesSchema;
  private readonly environments = new Map<Environment, Values[]>();
  private readonly clusters = new Map<Cluster, Values[]>();
  private readonly patchesOn = new Map<Environment | Cluster, KustomizePatchModel[]>();
  /** @internal The patches of every target's overlay, for a Kustomize service. */
  public readonly patches: readonly KustomizePatchModel[];
  /** @internal What sets a cluster add-on apart; undefined for a service. */
  public addon?: AddonModel;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, freeId(scope, id, 'Service'));
    const platform = platformOf(this);
    this.name = id;
    if (props.images === undefined) this.image = props.image;
    this.workload = props.workload ?? Workload.helmChart();
    const problems: Problem[] = problemsOfValues(props.values ?? {}, this.node.path, 'values');
    const chart = (this.chartSpec = chartSettings(this.workload, props, this.node.path, problems));
    this.repoURL = chart.repoURL;
    this.releaseName = chart.releaseName ?? id;
    if (chart.origin === 'git') {
      this.chartPath = chart.chartPath ?? platform.serviceDefaults.chartPath;
      this.targetRevision = chart.targetRevision ?? platform.serviceDefaults.targetRevision;
    } else {
      this.chartPath = chart.origin === 'oci' ? '.' : '';
      this.targetRevision = chart.version;
    }
    this.namespace = props.namespace ?? id;
    this.allowSensitiveNamespace = props.allowSensitiveNamespace ?? false;
    this.initialDigest = props.initialDigest;
    this.values = props.values ?? {};
    this.allowLiteralSecrets = props.allowLiteralSecrets ?? [];
    this.valuesSchema = props.valuesSchema;
    const spec = this.workload.spec;
    this.patches = spec.kind === 'kustomize' ? patchModels(spec.base.patches, this.node.path, 'patches', problems) : [];
    if (spec.kind === 'kustomize' && Object.keys(this.values).length > 0) problems.push(noValues(this.node.path, 'values'));
    if (props.valuesSchema !== undefined && !(props.valuesSchema instanceof ValuesSchema)) {
      problems.push(
        problem('CG122', {
          constructPath: this.node.path,
          message: `valuesSchema is ${describe(props.valuesSchema)}, not a ValuesSchema.`,
          fix: 'Pass ValuesSchema.fromFile("path/to/values.schema.json") or ValuesSchema.fromObject(schema).',
        }),
      );
    }
    if (props.images !== undefined) {
      this.images = namedImages(props, this.node.path, problems);
    } else if (!props.image || typeof props.image.repository !== 'string' || props.image.repository.length === 0) {
      problems.push(
        problem('CG111', {
          constructPath: this.node.path,
          message: 'image.repository is missing.',
          fix: 'Set image: { repository: "registry.example.com/team/service" }.',
        }),
      );
    } else {
      problems.push(...repositoryProblems(props.image.repository, 'image.repository', this.node.path));
    }
    if (props.valuesSchema instanceof ValuesSchema) problems.push(...problemsAt(props.valuesSchema.problems, this.node.path));
    platform.report(problems);
  }

  /**
   * Places the service on every cluster of an environment, or on one cluster. Values given here
   * form the service × environment or service × cluster layer. Calling it again for the same
   * environment or cluster adds values on top.
   */
  public deployTo(target: Environment | Cluster | readonly (Environment | Cluster)[], options: DeployOptions = {}): this {
    const values = options.values ?? {};
    const problems = problemsOfValues(values, this.node.path, 'deployTo values');
    const kustomize = this.workload.spec.kind === 'kustomize';
    if (kustomize && Object.keys(values).length > 0) problems.push(noValues(this.node.path, 'deployTo values'));
    if (!kustomize && options.patches !== undefined) {
      problems.push(
        problem('CG147', {
          constructPath: this.node.path,
          message:
            'deployTo gives patches, but the service is not a Kustomize service: a Helm service takes values, a rendered one renders its objects.',
          fix: 'Give values (Helm) or change the render function (rendered); patches are for Workload.kustomize.',
        }),
      );
    }
    const patches = kustomize ? patchModels(options.patches, this.node.path, 'deployTo patches', problems) : [];
    const targets = Array.isArray(target) ? target : [target as Environment | Cluster];
    for (const t of targets) {
      const map: Map<Environment | Cluster, Values[]> = t instanceof Cluster ? this.clusters : this.environments;
      if (!(t instanceof Cluster) && !(t instanceof Environment)) {
        problems.push(
          problem('CG112', {
            constructPath: this.node.path,
            message: `deployTo received ${describe(t)}, not an Environment or a Cluster.`,
          }),
        );
        continue;
      }
      map.set(t, [...(map.get(t) ?? []), values]);
      if (patches.length > 0) this.patchesOn.set(t, [...(this.patchesOn.get(t) ?? []), ...patches]);
    }
    platformOf(this).report(problems);
    return this;
  }

  /** Where the service runs: every cluster of its environments plus its single clusters. */
  public get placements(): Placement[] {
    const clusters = new Set<Cluster>();
    for (const env of this.environments.keys()) {
      for (const c of env.node.children) if (c instanceof Cluster) clusters.add(c);
    }
    for (const c of this.clusters.keys()) clusters.add(c);
    return Array.from(clusters, (cluster) => ({ service: this, cluster }));
  }

  /**
   * Every environment and cluster given to {@link deployTo}, with the values given each time.
   * @internal
   */
  public get deployments(): ReadonlyArray<readonly [Environment | Cluster, readonly Values[]]> {
    return [...this.environments, ...this.clusters];
  }

  /** @internal The patches `deployTo` gave for an environment or a cluster. */
  public patchesFor(target: Environment | Cluster): readonly KustomizePatchModel[] {
    return this.patchesOn.get(target) ?? [];
  }

  /** Values of the service × environment layer for `env`. */
  public valuesFor(target: Environment | Cluster): Values[] {
    return (target instanceof Cluster ? this.clusters.get(target) : this.environments.get(target)) ?? [];
  }
}

/** @internal The named images of a service as the model holds them; undefined for a service with one image. */
export function imageModelsOf(s: Service): ImageModel[] | undefined {
  if (s.images === undefined) return undefined;
  return Object.entries(s.images).map(([name, i]) => ({
    name,
    repository: i.repository,
    valuesKey: i.valuesKey ?? defaultValuesKey(name),
    ...(i.initialDigest ? { initialDigest: i.initialDigest } : {}),
    ...(i.tagOnly === true ? { tagOnly: true } : {}),
  }));
}

/** A repository followed by a digest, `<repository>@<algorithm>:<hex>`: the only `@` an image reference may hold. */
const WITH_DIGEST = /^[^@]+@[A-Za-z0-9_+.-]+:[0-9A-Fa-f]{32,}$/;

/**
 * CG111 for a repository that carries a tag or digest, or that is not an image repository
 * ({@link imageRepositoryProblem}). One with an `@` that is not a digest's (`user:password@host/…`)
 * or that holds a secret is not repeated in the message.
 */
function repositoryProblems(repository: string, field: string, path: string): Problem[] {
  const fix =
    'Give the repository only, as container runtimes read it, e.g. "registry.example.com/team/api"; digests come from the release ledger (`cdk8s-gitops promote`).';
  if ((repository.includes('@') && !WITH_DIGEST.test(repository)) || secretInString(repository) !== undefined) {
    return [
      problem('CG111', {
        constructPath: path,
        message: `${field} holds an "@" that is not a digest's, as user:password@host does, or a secret; it is not shown here.`,
        fix: `${fix} The cluster pulls from a private registry with an imagePullSecret, which it keeps.`,
      }),
    ];
  }
  if (/[@:]/.test(repository.split('/').pop()!)) {
    return [problem('CG111', { constructPath: path, message: `${field} "${repository}" carries a tag or digest.` })];
  }
  const why = imageRepositoryProblem(repository);
  if (why === undefined) return [];
  return [
    problem('CG111', { constructPath: path, message: `${field} ${JSON.stringify(repository)} is not an image repository: ${why}.`, fix }),
  ];
}

/** A key of Helm values that a template reads as `.Values.<key>`: letters, digits, `_` and `-`. */
const VALUES_KEY_SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** A key that names a JavaScript object's prototype: a values key path through it would reach every object. */
const RESERVED_SEGMENTS = new Set(['__proto__']);

/**
 * The named images of a service, with their values keys, and the problems of their declaration
 * (CG146; CG111 for a repository): a name that is not a DNS-1123 label, a values key that is not
 * a dotted path of plain keys, that lies under `global` (the SDK's), or that two images share or
 * nest; an initial digest on some images only, or on the service as well.
 */
function namedImages(props: ServiceProps, path: string, problems: Problem[]): Record<string, NamedImageProps> {
  const given = props.images!;
  const out: Record<string, NamedImageProps> = {};
  const report = (message: string, fix?: string): void => {
    problems.push(problem('CG146', { constructPath: path, message, ...(fix === undefined ? {} : { fix }) }));
  };
  if (props.image !== undefined) {
    report(
      'The service sets both image and images.',
      'Give image for a service with one image, or images with every image by name, not both.',
    );
  }
  if (typeof given !== 'object' || given === null || Object.keys(given).length === 0) {
    report('images names no image.', 'Name each image: images: { api: { repository: "registry.example.com/team/api" }, … }.');
    return out;
  }
  if (props.initialDigest !== undefined) {
    report(
      'The service sets initialDigest, but it names its images.',
      'Give each image its own initial digest: images: { api: { repository: …, initialDigest: "sha256:…" }, … }.',
    );
  }
  const keys = new Map<string, string>();
  for (const [name, image] of Object.entries(given)) {
    if (Object.hasOwn(Object.prototype, name)) {
      report(
        `Image name "${name}" is the name of a property every JavaScript object has.`,
        'Name the image otherwise (e.g. api, worker, ctor): releases look images up by name.',
      );
    } else if (!isDns1123Label(name)) {
      report(
        `Image name "${name}" is not a DNS-1123 label.`,
        'Name images with lower-case letters, digits and "-" (e.g. api, worker): promote --digest <name>=sha256:… and the ledger use the name.',
      );
    }
    if (image === null || typeof image !== 'object' || typeof image.repository !== 'string' || image.repository.length === 0) {
      problems.push(
        problem('CG111', {
          constructPath: path,
          message: `images.${name}.repository is missing.`,
          fix: `Set images: { ${name}: { repository: "registry.example.com/team/${name}" } }.`,
        }),
      );
      continue;
    }
    problems.push(...repositoryProblems(image.repository, `images.${name}.repository`, path));
    const valuesKey = image.valuesKey ?? defaultValuesKey(name);
    const segments = valuesKey.split('.');
    if (!segments.every((seg) => VALUES_KEY_SEGMENT.test(seg) && !RESERVED_SEGMENTS.has(seg))) {
      report(
        `images.${name}.valuesKey "${valuesKey}" is not a dotted path of values keys.`,
        'Write the key path as the chart reads it, keys of letters, digits, "_" and "-" joined by ".", e.g. worker.image (not __proto__).',
      );
    } else if (segments[0] === 'global' && (segments.length === 1 || SDK_GLOBAL_KEYS.has(segments[1]))) {
      report(
        `images.${name}.valuesKey "${valuesKey}" is or lies under a key cdk8s-gitops sets (global.${[...SDK_GLOBAL_KEYS].join(', global.')}).`,
        `Place the image under a key of its own, e.g. ${defaultValuesKey(name)} (or global.image, as charts with one global image read it).`,
      );
    } else {
      for (const [other, key] of keys) {
        if (key === valuesKey || key.startsWith(`${valuesKey}.`) || valuesKey.startsWith(`${key}.`)) {
          report(
            `Images "${other}" and "${name}" have the values keys "${key}" and "${valuesKey}": one would overwrite the other's repository or digest.`,
            'Give each image a values key of its own, neither inside the other.',
          );
        }
      }
      keys.set(name, valuesKey);
    }
    out[name] = { ...image, valuesKey };
  }
  const initial = Object.entries(out).filter(([, i]) => i.initialDigest !== undefined);
  if (initial.length > 0 && initial.length < Object.keys(out).length) {
    const without = Object.keys(out).filter((n) => out[n].initialDigest === undefined);
    report(
      `Images ${initial.map(([n]) => `"${n}"`).join(', ')} have an initialDigest, but ${without.map((n) => `"${n}"`).join(', ')} ${without.length === 1 ? 'has' : 'have'} none: a release names a digest for every image.`,
      'Give every image an initialDigest, or none.',
    );
  }
  return out;
}

const CHART_FIELDS = ['repoURL', 'chartPath', 'targetRevision', 'releaseName'] as const;

/**
 * The chart settings of a service, from `Workload.helmChart({...})`; a rendered workload has
 * none. The settings are no longer props of the service itself: a program that still passes
 * them (JavaScript, or a cast) is told where they went rather than having them ignored.
 */
function chartSettings(workload: Workload, props: ServiceProps, path: string, problems: Problem[]): HelmChartSpec {
  const given = CHART_FIELDS.filter((f) => (props as Partial<Record<(typeof CHART_FIELDS)[number], unknown>>)[f] !== undefined);
  if (given.length > 0) {
    const settings = given.map((f) => `${f}: ...`).join(', ');
    problems.push(
      problem('CG134', {
        constructPath: path,
        message: `${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set on the service; chart settings belong to the workload.`,
        fix:
          workload.spec.kind !== 'helm'
            ? `Remove ${given.join(', ')}: a ${workload.spec.kind === 'rendered' ? 'workload rendered by the program' : 'Kustomize workload'} has no Helm chart.`
            : `Move ${given.length === 1 ? 'it' : 'them'} into the workload: workload: Workload.helmChart({ ${settings} }).`,
      }),
    );
  }
  return workload.spec.kind === 'helm' ? workload.spec.chart : { origin: 'git' };
}

/** CG147: values given to a Kustomize service, whose objects no values reach. */
function noValues(path: string, where: string): Problem {
  return problem('CG147', {
    constructPath: path,
    message: `The service gives ${where}, but it is a Kustomize service: no values reach its objects.`,
    fix: 'Change its objects with patches: Workload.kustomize({ patches: [KustomizePatch.strategicMerge(…)] }), or deployTo(env, { patches }).',
  });
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `an instance of ${Object.getPrototypeOf(v)?.constructor?.name ?? 'Object'}`;
  return `a ${typeof v}`;
}
