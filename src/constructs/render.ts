/**
 * Renders cdk8s constructs into the plain objects of the model snapshot. Runs in the program
 * process (render functions are code), once per target, each in its own App and Chart: one App
 * with thousands of Charts grows quadratically, one small App per target linearly.
 */
import type { Chart } from 'cdk8s';
import { cdk8sLibrary, cdk8sPlusLibrary } from '../core/heavy-packages';
import { IConstruct } from 'constructs';
import { Problem, problem } from '../core/errors';
import { KubeObjectModel } from '../model/platform-model';
import { imagePlaceholder, misuseProblem, placeholderMisuses } from '../model/images';
import { objectFileName } from '../model/placement';
import { dns1123SubdomainProblem } from '../model/names';
import { isMap } from '../core/plain';
import { isLabelValue } from '../core/kube-names';
import { isClusterScopedKind } from '../model/cluster-scoped-kinds';

/** The label cdk8s-plus puts on pods and selectors, derived from the construct path. */
export const ADDRESS_LABEL = 'cdk8s.io/metadata.addr';
/** Identity labels that replace it: the service, and the workload construct's id. */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** One rendering: a Chart for one target and what to build in it. */
export interface RenderRequest {
  /** The service: the Chart's id, the identity label, and whose image placeholder may appear. */
  readonly service: string;
  /** The Chart's namespace. @default - none */
  readonly namespace?: string;
  /**
   * The image placeholders that may stand as container images.
   * @default - the placeholder of the service's one image
   */
  readonly placeholders?: readonly string[];
  /** What is rendered, for messages, e.g. `Service orders-api on prod/azure/westeurope-01`. */
  readonly label: string;
  /** Construct path problems are reported at. */
  readonly constructPath: string;
  /** Builds the objects into the Chart. */
  readonly build: (chart: Chart) => void;
}

/** What a rendering gives: the objects, or the problems that stopped them. */
export interface RenderResult {
  readonly objects: readonly KubeObjectModel[];
  readonly problems: readonly Problem[];
}

/**
 * Renders `request.build` into a fresh App and Chart and returns the objects as plain JSON,
 * normalized: `cdk8s.io/metadata.addr` labels and selectors replaced by identity labels,
 * `metadata.namespace` removed from cluster-scoped kinds, keys sorted (`apiVersion`, `kind`,
 * `metadata` first). Problems (a failing render function, a failing cdk8s validation, a
 * misplaced image placeholder, a missing or invalid name, two objects of one kind and name,
 * two workloads with one id) are returned, not thrown, so the snapshot reports all at once.
 */
export function renderKubeObjects(request: RenderRequest): RenderResult {
  const { App, Chart } = cdk8sLibrary();
  const chart = new Chart(new App(), request.service, {
    disableResourceNameHashes: true,
    ...(request.namespace ? { namespace: request.namespace } : {}),
  });
  try {
    request.build(chart);
  } catch (e) {
    return {
      objects: [],
      problems: [
        problem('CG130', {
          constructPath: request.constructPath,
          message: `The render function of ${request.label} failed: ${messageOf(e)}`,
          fix: "Fix the render function; it runs once per target, with that target's RenderContext.",
        }),
      ],
    };
  }
  let raw: unknown[];
  try {
    raw = chart.toJson();
  } catch (e) {
    return {
      objects: [],
      problems: [
        problem('CG130', {
          constructPath: request.constructPath,
          message: `The objects of ${request.label} do not synthesize: ${messageOf(e)}`,
          fix: 'Fix the constructs the render function creates.',
        }),
      ],
    };
  }

  const problems: Problem[] = [];
  const components = workloadComponents(
    chart,
    (p) => problems.push(problem(p.code, { constructPath: request.constructPath, message: p.message, fix: p.fix })),
    request.label,
  );
  const identity = (addr: string): Record<string, string> | undefined => {
    const id = components.get(addr);
    return id === undefined ? undefined : { [NAME_LABEL]: request.service, [COMPONENT_LABEL]: id };
  };
  const placeholders = request.placeholders ?? [imagePlaceholder(request.service)];
  const objects: KubeObjectModel[] = [];
  const files = new Map<string, string>();
  for (const item of raw) {
    const obj = normalize(JSON.parse(JSON.stringify(item)), identity) as KubeObjectModel;
    const name = obj?.metadata?.name;
    const what = `${obj?.kind ?? 'An object'} ${typeof name === 'string' ? name : '(unnamed)'}`;
    if (typeof obj?.apiVersion !== 'string' || typeof obj?.kind !== 'string' || typeof name !== 'string') {
      problems.push(
        problem('CG133', {
          constructPath: request.constructPath,
          message: `${what} of ${request.label} has no apiVersion, kind or metadata.name.`,
          fix: 'Give every object an apiVersion, a kind and a name.',
        }),
      );
      continue;
    }
    const why = dns1123SubdomainProblem(name);
    if (why) {
      problems.push(
        problem('CG133', {
          constructPath: request.constructPath,
          message: `${what} of ${request.label} has an invalid name: ${why}.`,
          fix: 'Set metadata.name to a DNS-1123 name, or use construct ids of lower-case letters, digits and "-".',
        }),
      );
    }
    if (JSON.stringify(obj).includes(ADDRESS_LABEL)) {
      problems.push(
        problem('CG133', {
          constructPath: request.constructPath,
          message: `${what} of ${request.label} still refers to the ${ADDRESS_LABEL} label, which depends on construct paths.`,
          fix: `Select pods by labels of your own, or through the workload construct (deployment.matchLabels), not by ${ADDRESS_LABEL}.`,
        }),
      );
    }
    for (const m of placeholderMisuses(obj, placeholders))
      problems.push(misuseProblem(m, `${what} of ${request.label}`, request.constructPath));
    const file = objectFileName(obj);
    const other = files.get(file);
    if (other !== undefined) {
      problems.push(
        problem('CG132', {
          constructPath: request.constructPath,
          message: `${what} of ${request.label} and another ${obj.kind} (${other}) would both be written to ${file}.`,
          fix: 'Give one of them another name (metadata.name, or another construct id).',
        }),
      );
    } else files.set(file, `${obj.apiVersion} ${obj.kind} ${name}`);
    objects.push(obj);
  }
  return { objects, problems };
}

/**
 * The component id of every pod-making construct (Pod, Deployment, StatefulSet, …) by its
 * `cdk8s.io/metadata.addr` value: its construct id. Two of them with one id would select each
 * other's pods, and are reported.
 */
function workloadComponents(chart: Chart, report: (p: Omit<Problem, 'constructPath'>) => void, label: string): Map<string, string> {
  const { AbstractPod } = cdk8sPlusLibrary();
  const { Names } = cdk8sLibrary();
  const byAddr = new Map<string, string>();
  const byId = new Map<string, IConstruct>();
  for (const c of chart.node.findAll()) {
    if (!(c instanceof AbstractPod)) continue;
    const id = c.node.id;
    const other = byId.get(id);
    if (other) {
      report(
        problem('CG133', {
          message: `${label} has two workloads with id "${id}" (${other.node.path} and ${c.node.path}): both would carry the labels ${NAME_LABEL}=${chart.node.id}, ${COMPONENT_LABEL}=${id} and select each other's pods.`,
          fix: 'Give each workload (Deployment, StatefulSet, Pod, …) its own construct id.',
        }),
      );
    } else byId.set(id, c);
    if (!isLabelValue(id)) {
      report(
        problem('CG133', {
          message: `${label} has a workload with id "${id}", which is not a valid label value for ${COMPONENT_LABEL}.`,
          fix: 'Use an id of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.',
        }),
      );
    }
    byAddr.set(Names.toLabelValue(c), id);
  }
  return byAddr;
}

/** Replaces address labels, drops namespaces of cluster-scoped kinds, sorts keys. */
function normalize(obj: unknown, identity: (addr: string) => Record<string, string> | undefined): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isMap(v)) return v;
    let entries = Object.entries(v);
    const addr = v[ADDRESS_LABEL];
    const ids = typeof addr === 'string' ? identity(addr) : undefined;
    if (ids) entries = [...entries.filter(([k]) => k !== ADDRESS_LABEL && !(k in ids)), ...Object.entries(ids)];
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries) out[k] = walk(x);
    return out;
  };
  const sorted = walk(obj);
  if (!isMap(sorted)) return sorted;
  const metadata = sorted.metadata;
  const group =
    typeof sorted.apiVersion === 'string' && sorted.apiVersion.includes('/')
      ? sorted.apiVersion.slice(0, sorted.apiVersion.indexOf('/'))
      : '';
  if (typeof sorted.kind === 'string' && isClusterScopedKind(sorted.kind, group) && isMap(metadata) && 'namespace' in metadata) {
    const rest = { ...metadata };
    delete rest.namespace;
    sorted.metadata = rest;
  }
  const ordered: Record<string, unknown> = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(sorted)]) if (k in sorted) ordered[k] = sorted[k];
  return ordered;
}

function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}
