/**
 * What Flux would reconcile from a checkout, listed: Flux has no generator to expand, so this
 * reads each cluster's entry point (`clusters/…`) and, for each Kustomization there, the Flux
 * objects of the directory it builds (a HelmRelease and its chart's source, a Kustomization and
 * its base's GitRepository).
 *
 * @module
 */
import { isMap } from '../../core/plain';
import { parseYamlDocuments } from '../../core/yaml/parse';
import { FLUX_CLUSTERS_DIR } from '../../synth/flux/clusters';
import { FLUX_FILE } from '../../synth/flux/helm';
import { FLUX_OVERLAY } from '../../synth/flux/kustomize';
import type { TreeView } from './checkout';

/** A Kubernetes object as read from a file. */
export interface ReadObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
}

/** One Flux Kustomization of a cluster's entry point, and what the directory it builds deploys. */
export interface FluxEntry {
  /** The cluster's entry point directory, e.g. `clusters/prod/aws/eu-01`. */
  readonly cluster: string;
  /** The file it is in. */
  readonly file: string;
  /** The Kustomization. */
  readonly kustomization: ReadObject;
  /** The Flux objects of the directory it builds (HelmReleases, sources), where cdk8s-gitops wrote them. */
  readonly deploys: readonly ReadObject[];
}

const KUSTOMIZATION_API = /^kustomize\.toolkit\.fluxcd\.io\//;

/** The Flux Kustomizations of every cluster's entry point of `view`, by file then order in it. */
export function fluxEntriesOf(view: TreeView): FluxEntry[] {
  const out: FluxEntry[] = [];
  const files = new Set(view.files); // a lookup: a fleet's entry points name tens of thousands of directories
  for (const file of view.files.filter((f) => f.startsWith(`${FLUX_CLUSTERS_DIR}/`) && f.endsWith('.yaml'))) {
    const cluster = file.split('/').slice(0, 4).join('/');
    for (const doc of documentsOf(view, file)) {
      if (!KUSTOMIZATION_API.test(doc.apiVersion) || doc.kind !== 'Kustomization') continue;
      const dir = typeof doc.spec?.path === 'string' ? doc.spec.path.replace(/^\.\//, '').replace(/\/$/, '') : undefined;
      const found =
        dir === undefined
          ? []
          : [FLUX_FILE, FLUX_OVERLAY].filter((f) => files.has(`${dir}/${f}`)).flatMap((f) => documentsOf(view, `${dir}/${f}`));
      // In the namespace the Kustomization puts them in, as Flux applies them.
      const ns = typeof doc.spec?.targetNamespace === 'string' ? doc.spec.targetNamespace : undefined;
      const deploys = ns === undefined ? found : found.map((d) => ({ ...d, metadata: { ...d.metadata, namespace: ns } }));
      out.push({ cluster, file, kustomization: doc, deploys });
    }
  }
  return out;
}

/** What a Flux Kustomization of a target's directory builds, as one line: the base and the revision it is read at. */
export function baseOfKustomization(kustomization: ReadObject, deploys: readonly ReadObject[]): string {
  const spec = kustomization.spec ?? {};
  const sourceRef = isMap(spec.sourceRef) ? spec.sourceRef : {};
  const src = deploys.find((d) => d.kind === sourceRef.kind && d.metadata.name === sourceRef.name);
  const ref = isMap(src?.spec?.ref) ? src.spec.ref : {};
  const at = ref.commit ?? ref.tag ?? ref.branch ?? ref.name ?? '?';
  return `${String(src?.spec?.url ?? sourceRef.name)}//${String(spec.path ?? '').replace(/^\.\//, '')}@${String(at)}`;
}

/** What a HelmRelease installs, as one line: the chart and the revision it is read at. */
export function chartOfRelease(release: ReadObject, deploys: readonly ReadObject[]): string {
  const spec = release.spec ?? {};
  const source = (kind: unknown, name: unknown): ReadObject | undefined => deploys.find((d) => d.kind === kind && d.metadata.name === name);
  if (isMap(spec.chartRef)) {
    const src = source(spec.chartRef.kind, spec.chartRef.name);
    const ref = isMap(src?.spec?.ref) ? src.spec.ref : {};
    return `${String(src?.spec?.url ?? spec.chartRef.name)}:${String(ref.tag ?? ref.semver ?? ref.digest ?? '?')}`;
  }
  const chart = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : {};
  const sourceRef = isMap(chart.sourceRef) ? chart.sourceRef : {};
  const src = source(sourceRef.kind, sourceRef.name);
  if (sourceRef.kind === 'GitRepository') {
    const ref = isMap(src?.spec?.ref) ? src.spec.ref : {};
    return `${String(src?.spec?.url ?? sourceRef.name)}//${String(chart.chart)}@${String(ref.commit ?? ref.tag ?? ref.branch ?? '?')}`;
  }
  return `${String(src?.spec?.url ?? sourceRef.name)} ${String(chart.chart)}@${String(chart.version ?? '*')}`;
}

function documentsOf(view: TreeView, file: string): ReadObject[] {
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(view.readFile(file));
  } catch {
    return [];
  }
  return docs.filter(
    (d): d is ReadObject =>
      isMap(d) &&
      typeof d.apiVersion === 'string' &&
      typeof d.kind === 'string' &&
      isMap(d.metadata) &&
      typeof d.metadata.name === 'string',
  );
}
