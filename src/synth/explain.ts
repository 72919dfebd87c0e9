/**
 * The whole chain for one target, from the construct that declared it to the Application Argo
 * CD runs, and where each key of its values file comes from. Made from the model and the
 * ledgers only, with the same code the synthesizer uses, so it cannot disagree with the tree.
 */
import { applicationProject } from '../model/teams';
import { IN_CLUSTER_SERVER } from '../model/argo-object';
import { buildWorkloadSets } from './argocd/application-set';
import { applicationName } from '../model/placement';
import { GitOpsError } from '../core/errors';
import { closeMatches, didYouMean } from '../core/suggest';
import { someNames } from '../core/name-list';
import { LedgerFile } from '../release/ledger-files';
import { Hold, RingState } from '../release/types';
import { KustomizeSourceModel, PlatformModel, ServiceModel, TargetModel } from '../model/platform-model';
import { chartOf, ringChart } from '../model/source-kinds';
import { isInitialRelease } from './status';
import { targetDirectory, valuesFile } from '../model/placement';
import { KUSTOMIZATION_FILE } from './sources';
import { targetLayers } from './synthesize';
import { serviceReleaseValues } from '../model/target-values';
import { describeVersion, releaseVersion, sortedImages } from '../release/release';
import { mergeValuesWithProvenance, ValuesLayer } from '../model/values';
import { clusterEntryDirectory, FLUX_NAMESPACE } from './flux/clusters';
import { fluxDeployer } from './flux/deployer';
import { isFluxEnvironment } from './flux/reconciler';

/** One key of the final values file and the layer that set it. */
export interface ExplainedValue {
  /** Dotted key path, e.g. `autoscaling.minReplicas`; lists are leaves. */
  readonly key: string;
  /** The value in the final values file. */
  readonly value: unknown;
  /** Who set it, e.g. `Environment prod` or `release ledger (ring prod)`. */
  readonly layer: string;
}

/** What the ledger says the target's ring runs. */
export interface ExplainedRelease {
  /**
   * Digest (or tag, where the ring's policy allows tags) the ring runs; for a service with
   * named images, all of them as `api=sha256:…,worker=sha256:…`.
   */
  readonly digest: string;
  /**
   * The digest of each named image, for a service with named images.
   * @default - absent for a service with one image
   */
  readonly images?: Readonly<Record<string, string>>;
  /** When it entered the ring, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly since: string;
  /** True when it is the program's initial digest and nothing was promoted since. */
  readonly initial: boolean;
  /** Who put it there, as the ledger records it (a person or an automation, e.g. `ci`). */
  readonly by: string;
  /** The ring it was promoted from; `null` for the first ring, an initial digest or a rollback. */
  readonly from: string | null;
  /** Who approved the promotion; `null` when nobody was named. */
  readonly approvedBy: string | null;
  /** The hold on the ring, or `null` when it is not held. */
  readonly hold: Hold | null;
}

/** The chain of one target: construct → control plane → ring → ApplicationSet → Application. */
export interface Explanation {
  /** Name of the Application, `<service>-<env>-<cloud>-<cluster>`. */
  readonly application: string;
  /** `<environment>/<cloud>/<cluster>/<service>`. */
  readonly target: string;
  /** Name of the service. */
  readonly service: string;
  /** Name of the environment. */
  readonly environment: string;
  /** Name of the cloud. */
  readonly cloud: string;
  /** Name of the cluster. */
  readonly cluster: string;
  /** Construct path of the placement. */
  readonly constructPath: string;
  /** The team that owns the service. @default - none: the platform has no teams */
  readonly team?: string;
  /** The Argo CD instance that runs the Application, and its namespace. */
  readonly controlPlane: {
    /** Name of the control plane. */
    readonly name: string;
    /** Namespace Argo CD runs in. */
    readonly namespace: string;
  };
  /** Name of the promotion ring the target belongs to. */
  readonly ring: string;
  /**
   * Where Flux reconciles the target: the Kustomization of its cluster's entry point, and what in
   * the target's directory deploys the workload; `null` where Argo CD does (then the
   * ApplicationSet, project and destination say how).
   */
  readonly flux: {
    /** The Kustomization (`<namespace>/<name>`) and its file. */
    readonly kustomization: { readonly name: string; readonly file: string };
    /**
     * The Flux object of the target's directory that deploys the workload: a Helm service's
     * HelmRelease, the Kustomization of a Kustomize base in an application repository; `null`
     * where the entry point's Kustomization applies the directory's objects itself.
     */
    readonly deployedBy: {
      /** `HelmRelease` or `Kustomization`. */
      readonly kind: string;
      /** `<namespace>/<name>`. */
      readonly name: string;
      /** Repository-relative path of its file. */
      readonly file: string;
    } | null;
    /** The directory the entry point's Kustomization builds. */
    readonly directory: string;
  } | null;
  /** The ApplicationSet that generates the Application, and its file; `null` when none does. */
  readonly applicationSet: {
    /** Name of the ApplicationSet. */
    readonly name: string;
    /** Repository-relative path of its file. */
    readonly file: string;
  } | null;
  /** The AppProject. */
  readonly project: string;
  /** Cluster name as registered in Argo CD, and namespace. */
  readonly destination: {
    /** Name the cluster is registered under in Argo CD. */
    readonly name: string;
    /** Namespace the service is deployed into. */
    readonly namespace: string;
    /**
     * The API server the Application names instead of the cluster's name: Argo CD's own
     * installation goes to where it runs. @default - none: the Application names the cluster
     */
    readonly server?: string;
  };
  /** The Helm chart: repository, path in it, revision, release name; null for rendered services. */
  readonly chart: {
    /** Repository holding the chart: Git, Helm (`chart` is set) or OCI (`oci://`). */
    readonly repoURL: string;
    /** Path of the chart in that repository; `.` in an OCI artifact, empty in a Helm repository. */
    readonly path: string;
    /** Name of the chart in a Helm repository. @default - none */
    readonly chart?: string;
    /** Revision of the Git repository, or the chart version, the target's Application reads. */
    readonly targetRevision: string;
    /**
     * For a chart promoted with the image: whether the ring's release records `targetRevision`
     * (false: it records none, and the target reads the program's revision).
     * @default - absent: the chart is not promoted with the image
     */
    readonly pinned?: boolean;
    /** Helm release name. */
    readonly releaseName: string;
  } | null;
  /**
   * The Kustomize overlay, for a Kustomize service: its file, the base it reads (a remote base
   * `<repository>//<path>`, or a directory of the GitOps repository) and at which revision, and
   * what each of its patches applies to; null for other services.
   */
  readonly kustomize: {
    /**
     * Repository-relative path of the overlay (`<target>/kustomization.yaml`; on Flux, for a base
     * in an application repository, the Flux Kustomization's `<target>/overlay.yaml`).
     */
    readonly overlay: string;
    /** The base: `<repository>//<path>`, or its directory in the GitOps repository. */
    readonly base: string;
    /**
     * Revision of the base's repository the target reads; absent for a base in the GitOps
     * repository, read at the overlay's own commit.
     * @default - none
     */
    readonly targetRevision?: string;
    /**
     * For a base promoted with the image: whether the ring's release records `targetRevision`.
     * @default - absent: the base is not promoted with the image
     */
    readonly pinned?: boolean;
    /** What each patch applies to, in order, e.g. `Deployment web`. */
    readonly patches: readonly string[];
  } | null;
  /** Repository-relative path of the target's values file (written only once its ring runs a digest; none for a Kustomize service). */
  readonly valuesFile: string;
  /** `null`: the ring runs nothing yet, so the target has no values file and no Application. */
  readonly release: ExplainedRelease | null;
  /** Every key of the values file, in file order. */
  readonly values: readonly ExplainedValue[];
}

/** Which targets a name selects; see {@link selectTargets}. */
export interface TargetSelector {
  /** An Application name, a target id (`prod/azure/westeurope-01/payments-api`) or a service. */
  readonly name: string;
  /** @default - any environment */
  readonly environment?: string;
  /** @default - any cloud */
  readonly cloud?: string;
  /** @default - any cluster */
  readonly cluster?: string;
}

/**
 * Explains one target of the model.
 *
 * @example
 * const e = explainTarget(model, readLedgers(model, '../platform-gitops'), 'prod/azure/westeurope-01/payments-api');
 * e.values.find((v) => v.key === 'autoscaling.minReplicas'); // { value: 6, layer: 'Environment prod' }
 */
export function explainTarget(model: PlatformModel, ledgers: ReadonlyMap<string, LedgerFile>, targetId: string): Explanation {
  const t = model.targets.find((x) => x.id === targetId);
  if (!t) {
    throw GitOpsError.of('CG306', {
      message: `The program has no target "${targetId}".`,
      fix: `Use a target id <environment>/<cloud>/<cluster>/<service>${model.targets[0] ? `, e.g. "${model.targets[0].id}"` : ''}.`,
    });
  }
  const env = model.environments.find((e) => e.name === t.environment)!;
  const cp = model.controlPlanes.find((c) => c.name === env.controlPlane)!;
  const cluster = model.clusters.find((c) => c.id === `${t.environment}/${t.cloud}/${t.cluster}`)!;
  const service = model.services.find((s) => s.name === t.service)!;
  const set = buildWorkloadSets(model, cp, model.serviceDefaults).find((s) => s.targets.some((x) => x.id === t.id));
  const state = ledgers.get(t.service)?.ledger.rings[t.ring];

  const layers: ValuesLayer[] = [
    ...targetLayers(model, t),
    ...(state
      ? [
          {
            id: 'release',
            label: `release ledger (ring ${t.ring})`,
            values: serviceReleaseValues(service, (image) => (image === undefined ? (state.digest ?? '') : (state.images?.[image] ?? ''))),
          },
        ]
      : []),
  ];
  const merged = mergeValuesWithProvenance(layers);
  const values: ExplainedValue[] = [];
  walk(merged.values, '', (key, value) => values.push({ key, value, layer: merged.provenance.get(key) ?? '?' }));

  return {
    application: applicationName(t),
    target: t.id,
    service: t.service,
    environment: t.environment,
    cloud: t.cloud,
    cluster: t.cluster,
    constructPath: t.path,
    ...(service.team === undefined ? {} : { team: service.team }),
    controlPlane: { name: cp.name, namespace: cp.namespace },
    ring: t.ring,
    flux: isFluxEnvironment(model, t.environment)
      ? {
          kustomization: { name: `${FLUX_NAMESPACE}/${service.name}`, file: `${clusterEntryDirectory(t)}/${service.name}.yaml` },
          deployedBy: fluxDeployer(model, t, service) ?? null,
          directory: targetDirectory(model, t),
        }
      : null,
    applicationSet: set ? { name: set.name, file: `${model.layout.applicationSets}/${cp.name}/${set.name}.yaml` } : null,
    project: applicationProject(env.name, service),
    destination: {
      name: cluster.destination,
      namespace: service.namespace,
      ...(service.addon?.argoCd ? { server: IN_CLUSTER_SERVER } : {}),
    },
    chart:
      service.source.kind === 'helm'
        ? {
            repoURL: service.source.repoURL,
            path: service.source.chartPath,
            ...(service.source.chart !== undefined ? { chart: service.source.chart } : {}),
            ...revisionOf(service, state),
            releaseName: service.source.releaseName,
          }
        : null,
    kustomize: service.source.kind === 'kustomize' ? kustomizeOf(model, t, service.source, state) : null,
    valuesFile: valuesFile(model, t),
    release: state
      ? {
          digest: releaseVersion(state),
          ...(state.images === undefined ? {} : { images: sortedImages(state.images) }),
          since: state.since,
          initial: isInitialRelease(state),
          by: state.by,
          from: state.from,
          approvedBy: state.approvedBy,
          hold: state.hold,
        }
      : null,
    values,
  };
}

/** The chart revision a target reads: its ring's, for a chart promoted with the image, else the program's. */
function revisionOf(service: ServiceModel, state: RingState | undefined): { targetRevision: string; pinned?: boolean } {
  const chart = ringChart(service, state?.chart);
  if (chart === undefined) return { targetRevision: chartOf(service).targetRevision };
  return { targetRevision: chart.revision, pinned: chart.pinned };
}

/** What {@link Explanation.kustomize} says of a target of a Kustomize service. */
function kustomizeOf(
  model: PlatformModel,
  t: TargetModel,
  source: KustomizeSourceModel,
  state: RingState | undefined,
): Explanation['kustomize'] {
  const service = model.services.find((x) => x.name === t.service)!;
  // On Flux, a base of an application repository is built by the target's Flux Kustomization.
  const overlay =
    (isFluxEnvironment(model, t.environment) ? fluxDeployer(model, t, service)?.file : undefined) ??
    `${targetDirectory(model, t)}/${KUSTOMIZATION_FILE}`;
  const patches = (t.patches ?? []).map(
    (p) =>
      `${p.target.kind} ${p.target.name ?? [p.target.labelSelector, p.target.annotationSelector].filter((x) => x !== undefined).join(', ')}`,
  );
  if (source.repoURL === undefined) return { overlay, base: source.path, patches };
  const pinned = ringChart(service, state?.chart);
  return {
    overlay,
    base: `${source.repoURL}//${source.path}`,
    targetRevision: pinned?.revision ?? source.targetRevision,
    ...(pinned === undefined ? {} : { pinned: pinned.pinned }),
    patches,
  };
}

/** Leaves of merged values in insertion (file) order; lists and empty maps are leaves. */
function walk(values: Record<string, unknown>, prefix: string, visit: (key: string, value: unknown) => void): void {
  for (const [k, v] of Object.entries(values)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0)
      walk(v as Record<string, unknown>, key, visit);
    else visit(key, v);
  }
}

/**
 * The targets a name selects: the target of an Application name or target id, or the targets
 * of a service narrowed by environment, cloud and cluster. Fails when the name is unknown
 * (listing close matches) or when nothing is left after narrowing.
 */
export function selectTargets(model: PlatformModel, selector: TargetSelector): TargetModel[] {
  const { name } = selector;
  const narrow = (t: TargetModel): boolean =>
    (selector.environment === undefined || t.environment === selector.environment) &&
    (selector.cloud === undefined || t.cloud === selector.cloud) &&
    (selector.cluster === undefined || t.cluster === selector.cluster);
  const exact = model.targets.filter((t) => applicationName(t) === name || t.id === name);
  const candidates = exact.length > 0 ? exact : model.targets.filter((t) => t.service === name);
  if (candidates.length === 0) {
    const names = [...new Set([...model.services.map((s) => s.name), ...model.targets.map(applicationName)])];
    throw GitOpsError.of('CG306', {
      message: `The program has no Application or service "${name}".${didYouMean(name, names)}`,
      fix: `Name an Application (<service>-<env>-<cloud>-<cluster>) or a service; services: ${someNames(model.services.map((s) => s.name)) || 'none'}.`,
    });
  }
  const selected = candidates.filter(narrow);
  if (selected.length === 0) {
    const filters = (
      [
        ['--env', selector.environment, (t: TargetModel) => t.environment],
        ['--cloud', selector.cloud, (t: TargetModel) => t.cloud],
        ['--cluster', selector.cluster, (t: TargetModel) => t.cluster],
      ] as const
    ).filter(([, v]) => v !== undefined);
    const wrong = filters
      .map(([flag, v, of]) => ({ flag, v: v!, known: [...new Set(candidates.map(of))].sort() }))
      .filter((f) => !f.known.includes(f.v));
    throw GitOpsError.of('CG306', {
      message: `No target of "${name}" matches ${filters.map(([flag, v]) => `${flag} ${v}`).join(' ')}.`,
      fix:
        wrong.length > 0
          ? wrong
              .map(
                (f) =>
                  `${f.flag} takes one of ${f.known.join(', ')}${closeMatches(f.v, f.known).length ? ` (did you mean ${closeMatches(f.v, f.known).slice(0, 3).join(', ')}?)` : ''}.`,
              )
              .join(' ')
          : `Its targets are: ${candidates.map(applicationName).sort().join(', ')}.`,
    });
  }
  return selected;
}

/** Output formats of {@link formatExplanation}. */
export type ExplanationFormat = 'text' | 'json';

/** An explanation as text for people, or as JSON. */
export function formatExplanation(e: Explanation, format: ExplanationFormat): string {
  if (format === 'json') return `${JSON.stringify(e, null, 2)}\n`;
  const r = e.release;
  const rows: [string, string][] = [
    ['construct', e.constructPath],
    ...(e.team === undefined ? [] : [['team', e.team] as [string, string]]),
    ...((e.flux
      ? [
          ['control plane', `${e.controlPlane.name} (Flux, one per cluster)`],
          ['ring', e.ring],
          ['Kustomization', `${e.flux.kustomization.name} (${e.flux.kustomization.file})`],
          [
            'deployed by',
            e.flux.deployedBy
              ? `${e.flux.deployedBy.kind} ${e.flux.deployedBy.name} (${e.flux.deployedBy.file})`
              : `the Kustomization, from ${e.flux.directory}`,
          ],
        ]
      : [
          ['control plane', `${e.controlPlane.name} (Argo CD in namespace ${e.controlPlane.namespace})`],
          ['ring', e.ring],
          ['ApplicationSet', e.applicationSet ? `${e.applicationSet.name} (${e.applicationSet.file})` : 'none'],
          ['Application', e.application],
          ['project', e.project],
          [
            'destination',
            e.destination.server === undefined
              ? `${e.destination.name}/${e.destination.namespace} (cluster/namespace)`
              : `${e.destination.server}/${e.destination.namespace} (server/namespace: the cluster it runs on, registered as ${e.destination.name})`,
          ],
        ]) as [string, string][]),
    e.chart
      ? [
          'chart',
          `${e.chart.repoURL} ${e.chart.chart ?? e.chart.path} @ ${e.chart.targetRevision}` +
            `${e.chart.pinned === undefined ? '' : e.chart.pinned ? ` (ring ${e.ring}'s release)` : ' (unpinned: no chart revision promoted into the ring yet)'}` +
            `, release ${e.chart.releaseName}`,
        ]
      : e.kustomize
        ? [
            'Kustomize base',
            `${e.kustomize.base}${e.kustomize.targetRevision === undefined ? " (in the GitOps repository, at the overlay's commit)" : ` @ ${e.kustomize.targetRevision}`}` +
              `${e.kustomize.pinned === undefined ? '' : e.kustomize.pinned ? ` (ring ${e.ring}'s release)` : ' (unpinned: no base revision promoted into the ring yet)'}`,
          ]
        : ['workload', 'rendered manifests (cdk8s-plus-28), one file per object in the target directory'],
    e.kustomize
      ? ['overlay', r ? e.kustomize.overlay : `${e.kustomize.overlay} (not written yet)`]
      : ['values file', r ? e.valuesFile : `${e.valuesFile} (not written yet)`],
    ...(e.kustomize ? [['patches', e.kustomize.patches.join('; ') || 'none'] as [string, string]] : []),
    [
      r?.images === undefined ? 'digest' : 'images',
      r
        ? `${describeVersion(r.digest)} ${r.initial ? "(the program's initialDigest; not promoted since)" : `since ${r.since} by ${r.by}${r.from ? `, from ${r.from}` : ''}${r.approvedBy ? `, approved by ${r.approvedBy}` : ''}`}`
        : `not released yet: ring ${e.ring} runs nothing, so there is no values file and no Application`,
    ],
    ...(r?.hold ? [['hold', `HELD: ${r.hold.reason} (by ${r.hold.by}, ${r.hold.since})`] as [string, string]] : []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const out = [
    `${e.application}  (${e.target})`,
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    // No values reach a Kustomize service's objects: its overlay's patches change them.
    ...(e.kustomize
      ? []
      : [
          '',
          r
            ? `Values (${e.valuesFile}), each key with the layer that set it:`
            : 'Values it will get once its ring runs a digest, each key with the layer that set it:',
          ...e.values.map((v) => `  ${v.key} = ${show(v.value)}  ← ${v.layer}`),
        ]),
  ];
  return `${out.join('\n')}\n`;
}

/** A value on one line: strings plain unless they would read as another type; the rest as JSON. */
function show(v: unknown): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  if (v === '' || v.trim() !== v || /[\n"]/.test(v)) return JSON.stringify(v);
  try {
    JSON.parse(v);
    return JSON.stringify(v);
  } catch {
    return v;
  }
}
