/**
 * A Helm service on a cluster reconciled by Flux: the same values file as for Argo CD, beside it
 * the HelmRelease that installs the chart from it and the chart's source, and a Kustomize
 * `kustomization.yaml` that makes the values file a ConfigMap (the target's Flux Kustomization
 * builds the directory).
 *
 * @module
 */
import { isMap } from '../../core/plain';
import { readYaml } from '../../core/yaml/read';
import { toYamlDocuments } from '../../core/yaml/emit';
import { MANAGED_BY } from '../../model/argo-object';
import type { HelmSourceModel, ServiceModel } from '../../model/platform-model';
import { chartOf, ringChart } from '../../model/source-kinds';
import { isChartTag, isCommitSha, isSemVer } from '../../model/versions';
import { FileKind, fingerprint } from '../file-tree';
import { helmSource } from '../sources/helm';
import type { DeployedVersion, SourceKind, TargetFile } from '../sources/source-kind';
import { fluxInterval } from './reconciler';
import { RELEASE_SERVICE_ACCOUNT } from './clusters';

/** Changes whenever the bytes written for the same input would change. */
const FLUX_VERSION = 'flux-v2';

/** The Flux objects of a target: its HelmRelease and its chart's source. */
export const FLUX_FILE = 'flux.yaml';

/** The Kustomize file of a Flux target: its objects and the values ConfigMap. */
export const FLUX_KUSTOMIZATION = 'kustomization.yaml';

/** What Flux reads a Helm chart of an OCI registry as: the chart's layer, copied as it is. */
const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** The name of the ConfigMap of a target's values. */
export function valuesConfigMapName(service: string): string {
  return `${service}-values`;
}

/**
 * The chart's source and where the ring's revision goes: a Helm repository's version is the
 * HelmRelease's `chart.spec.version`, an OCI artifact's tag and a Git repository's ref are the
 * source's.
 */
function chartSource(
  service: ServiceModel,
  revision: string,
  interval: string,
): { source: Record<string, unknown>; chart: Record<string, unknown> } {
  const chart: HelmSourceModel = chartOf(service);
  const metadata = { labels: { ...MANAGED_BY }, name: service.name };
  if (chart.origin === 'helm-repository') {
    return {
      source: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata, spec: { interval, url: chart.repoURL } },
      chart: {
        chart: { spec: { chart: chart.chart, sourceRef: { kind: 'HelmRepository', name: service.name }, version: revision } },
      },
    };
  }
  if (chart.origin === 'oci') {
    return {
      source: {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'OCIRepository',
        metadata,
        // Helm pushes a chart version's "+" as "_" in the OCI tag.
        spec: {
          interval,
          layerSelector: { mediaType: HELM_CHART_LAYER, operation: 'copy' },
          ref: { tag: revision.replace(/\+/g, '_') },
          url: chart.repoURL,
        },
      },
      chart: { chartRef: { kind: 'OCIRepository', name: service.name } },
    };
  }
  // A chart in a Git repository: a commit SHA or a release tag pins it (as a ring's release
  // records them); anything else is the branch the program names.
  const ref = gitRef(revision);
  return {
    source: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata, spec: { interval, ref, url: chart.repoURL } },
    chart: {
      chart: {
        spec: { chart: chart.chartPath, reconcileStrategy: 'Revision', sourceRef: { kind: 'GitRepository', name: service.name } },
      },
    },
  };
}

/**
 * A Git revision as Flux's GitRepository takes it: a full commit SHA, a tag (`v1.2.3`, `1.2.3` or
 * `refs/tags/<tag>`), or a branch (`refs/heads/<branch>`, or any other name).
 */
function gitRef(revision: string): Record<string, string> {
  if (isCommitSha(revision)) return { commit: revision };
  if (revision.startsWith('refs/tags/')) return { tag: revision.slice('refs/tags/'.length) };
  if (revision.startsWith('refs/heads/')) return { branch: revision.slice('refs/heads/'.length) };
  if (revision.startsWith('refs/')) return { name: revision };
  if (isChartTag(revision) || isSemVer(revision)) return { tag: revision };
  return { branch: revision };
}

/** The revision of the service's chart a ring reads: the ring's pinned one, or the program's. */
function revisionOf(service: ServiceModel, recorded: string | undefined): string {
  return ringChart(service, recorded)?.revision ?? chartOf(service).targetRevision;
}

/** A Helm service's targets on clusters reconciled by Flux. */
export const fluxHelmSource: SourceKind = {
  ...helmSource,

  targetFiles(input): TargetFile[] {
    const { model, target: t, service, release, directory } = input;
    // The values file is the one an Argo CD target has: same layers, same bytes.
    const values = helmSource.targetFiles(input).filter((f) => f.kind === FileKind.VALUES);
    const interval = fluxInterval(model, t.environment);
    const revision = revisionOf(service, release.chart);
    const chart = chartOf(service);
    const kustomization: TargetFile = {
      path: `${directory}/${FLUX_KUSTOMIZATION}`,
      kind: FileKind.FLUX,
      key: fingerprint(`${FLUX_VERSION}\nkustomization\n${t.path}`),
      content: () =>
        `# Generated by cdk8s-gitops from ${t.path}. Change the program, not this file.\n` +
        toYamlDocuments([
          {
            apiVersion: 'kustomize.config.k8s.io/v1beta1',
            kind: 'Kustomization',
            resources: [FLUX_FILE],
            configMapGenerator: [
              {
                name: valuesConfigMapName(service.name),
                files: ['values.yaml'],
                // A stable name, watched: a change of values (a promotion) upgrades the release.
                options: { disableNameSuffixHash: true, labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } },
              },
            ],
          },
        ]),
    };
    const flux: TargetFile = {
      path: `${directory}/${FLUX_FILE}`,
      kind: FileKind.FLUX,
      key: fingerprint(
        `${FLUX_VERSION}\nobjects\n${t.path}\n${chart.origin ?? 'git'}\n${chart.repoURL}\n${chart.chart ?? chart.chartPath}\n${chart.releaseName}\n${interval}\n${revision}`,
      ),
      // Only a promoted chart's revision is the ring's release; another is the program's to change.
      ...(ringChart(service, release.chart) === undefined ? {} : { release: revision, revision: true }),
      content: () => {
        const { source, chart: chartSpec } = chartSource(service, revision, interval);
        const helmRelease = {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { labels: { ...MANAGED_BY }, name: service.name },
          spec: {
            ...chartSpec,
            interval,
            releaseName: chart.releaseName,
            serviceAccountName: RELEASE_SERVICE_ACCOUNT,
            valuesFrom: [{ kind: 'ConfigMap', name: valuesConfigMapName(service.name), valuesKey: 'values.yaml' }],
          },
        };
        return (
          `# Generated by cdk8s-gitops from ${t.path}: the chart at the revision its ring runs. Change it with \`cdk8s-gitops promote\` or in the program, not by hand.\n` +
          toYamlDocuments([source, helmRelease])
        );
      },
    };
    return [...values, kustomization, flux];
  },

  deployedVersions(input, read): DeployedVersion[] {
    const values = helmSource.deployedVersions({ ...input, model: input.model }, read).filter((v) => v.path.endsWith('/values.yaml'));
    const path = `${input.directory}/${FLUX_FILE}`;
    if (ringChart(input.service, undefined) === undefined) return values;
    const text = read(path);
    if (text === undefined) return values;
    return [...values, { path, version: revisionIn(text, input.service) }];
  },

  embeddedRelease(path, service, state, target) {
    if (state === undefined) return undefined;
    if (path.endsWith(`/${FLUX_FILE}`)) return ringChart(service, state.chart)?.revision;
    return helmSource.embeddedRelease(path, service, state, target);
  },

  releaseFile(): string | undefined {
    return undefined;
  },
};

/** The chart revision a target's Flux objects read, or undefined where they cannot be read. */
function revisionIn(text: string, service: ServiceModel): string | undefined {
  let docs: unknown[];
  try {
    docs = text
      .split(/^---$/m)
      .filter((d) => d.trim() !== '')
      .map((d) => readYaml(d));
  } catch {
    return undefined;
  }
  const origin = chartOf(service).origin;
  for (const doc of docs) {
    if (!isMap(doc) || !isMap(doc.spec)) continue;
    if (origin === 'helm-repository' && doc.kind === 'HelmRelease') {
      const spec = isMap(doc.spec.chart) && isMap(doc.spec.chart.spec) ? doc.spec.chart.spec : {};
      return typeof spec.version === 'string' ? spec.version : undefined;
    }
    if (origin !== 'helm-repository' && (doc.kind === 'OCIRepository' || doc.kind === 'GitRepository') && isMap(doc.spec.ref)) {
      const ref = doc.spec.ref;
      const value = ref.tag ?? ref.commit ?? ref.branch;
      if (typeof value !== 'string') return undefined;
      // The OCI tag of a version with "+" has "_": the version is the release's.
      return doc.kind === 'OCIRepository' ? value.replace(/_/g, '+') : value;
    }
  }
  return undefined;
}
