/**
 * Argo CD's cluster generator (`applicationset/generators/cluster.go`) over the clusters a
 * GitOps repository declares: the declarative cluster Secrets (label
 * `argocd.argoproj.io/secret-type: cluster`) Argo CD reads in its namespace, as the repository
 * holds them, written as a `Secret` or as the `ExternalSecret` (External Secrets Operator)
 * that makes one.
 *
 * @module
 */
import { isMap } from '../core/plain';
import { LabelSelector, selectorMatches } from './label-selector';
import { sanitizeName } from './sanitize-name';
import { markStringMap, TemplateMap } from './template-values';

/** The label that makes a Secret one of Argo CD's clusters. */
export const CLUSTER_SECRET_LABEL = 'argocd.argoproj.io/secret-type';

/** The API server address of the cluster Argo CD runs on. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** The name Argo CD gives the cluster it runs on when no Secret declares it. */
export const IN_CLUSTER_NAME = 'in-cluster';

/** One cluster as its declarative Secret describes it. */
export interface DeclaredCluster {
  /** The Secret's `name` field: the cluster's name in Argo CD. */
  readonly name: string;
  /** The Secret's `server` field. */
  readonly server: string;
  /** The Secret's labels, `argocd.argoproj.io/secret-type` included. */
  readonly labels: Readonly<Record<string, string>>;
  /** The Secret's annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The repository file that declares it. */
  readonly file: string;
}

/** Why an object that declares a cluster cannot be read offline. */
export class ClusterSecretError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ClusterSecretError';
  }
}

/**
 * The clusters the objects of one file declare: each `Secret` labelled
 * `argocd.argoproj.io/secret-type: cluster` (its `name` and `server` from `stringData`, else
 * from base64 `data`), and each `ExternalSecret` whose target template carries that label (its
 * `name` and `server` from the template's literal `data`, its labels and annotations from the
 * template's metadata). Other objects are skipped.
 *
 * The External Secrets Operator may add labels and annotations of its own
 * (`reconcile.external-secrets.io/…`) to the Secrets it makes; they are not part of the
 * declaration and not listed.
 *
 * Only objects Argo CD reads as its clusters count: those that land in `namespace`, Argo CD's
 * namespace (no `metadata.namespace`, so the Application's destination namespace, or that
 * one); a cluster Secret elsewhere is an ordinary Secret to Argo CD.
 * @throws ClusterSecretError for a declaration whose name or server is read from a secret store,
 * or a Secret whose `data` is not valid base64 (the API server refuses such a Secret, so Argo CD
 * never holds that cluster)
 */
export function clustersIn(objects: readonly unknown[], file: string, namespace?: string): DeclaredCluster[] {
  const out: DeclaredCluster[] = [];
  for (const o of objects) {
    if (!isMap(o) || typeof o.kind !== 'string') continue;
    const metadata = isMap(o.metadata) ? o.metadata : {};
    if (
      namespace !== undefined &&
      typeof metadata.namespace === 'string' &&
      metadata.namespace !== '' &&
      metadata.namespace !== namespace
    ) {
      continue;
    }
    if (o.kind === 'Secret' && o.apiVersion === 'v1') {
      const labels = stringRecord(metadata.labels);
      if (labels[CLUSTER_SECRET_LABEL] !== 'cluster') continue;
      const field = (key: string): string => {
        const plain = isMap(o.stringData) ? o.stringData[key] : undefined;
        if (typeof plain === 'string') return plain;
        const encoded = isMap(o.data) ? o.data[key] : undefined;
        if (typeof encoded !== 'string') return '';
        const decoded = strictBase64(encoded);
        if (decoded === undefined) {
          const name = typeof metadata.name === 'string' ? metadata.name : '';
          throw new ClusterSecretError(
            `the cluster Secret ${JSON.stringify(name)} in ${JSON.stringify(file)} has a data.${key} that is not valid padded base64 (the API server refuses the Secret, so Argo CD never holds that cluster)`,
          );
        }
        return decoded;
      };
      out.push({ name: field('name'), server: field('server'), labels, annotations: stringRecord(metadata.annotations), file });
    } else if (o.kind === 'ExternalSecret' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('external-secrets.io/')) {
      const spec = isMap(o.spec) ? o.spec : {};
      const target = isMap(spec.target) ? spec.target : {};
      const template = isMap(target.template) ? target.template : {};
      const meta = isMap(template.metadata) ? template.metadata : {};
      const labels = stringRecord(meta.labels);
      if (labels[CLUSTER_SECRET_LABEL] !== 'cluster') continue;
      const data = isMap(template.data) ? template.data : {};
      const field = (key: string): string => {
        const v = data[key];
        if (typeof v !== 'string' || v.includes('{{')) {
          const name = typeof metadata.name === 'string' ? metadata.name : '';
          throw new ClusterSecretError(
            `The ExternalSecret ${JSON.stringify(name)} in ${JSON.stringify(file)} reads the cluster's ${key} from its secret store, which the repository does not hold`,
          );
        }
        return v;
      };
      out.push({ name: field('name'), server: field('server'), labels, annotations: stringRecord(meta.annotations), file });
    }
  }
  return out;
}

/**
 * Base64 as the API server decodes a Secret's `data` (Go's encoding/json into []byte:
 * standard alphabet, padded, line breaks ignored); undefined where it refuses the text.
 */
function strictBase64(text: string): string | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64').toString('utf8');
}

function stringRecord(v: unknown): Record<string, string> {
  if (!isMap(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** One parameter set of the cluster generator and the cluster it is for. */
export interface ClusterParamSet {
  readonly at: string;
  readonly params: TemplateMap;
}

/**
 * The parameter sets of a cluster generator, before its `values`, as Argo CD makes them:
 *
 * - one per declared cluster whose labels match the generator's own `selector`: `name`,
 *   `nameNormalized`, `server`, and its labels and annotations (`goTemplate`:
 *   `.metadata.labels` and `.metadata.annotations`, each present when not empty; flat:
 *   `metadata.labels.<key>` and `metadata.annotations.<key>`);
 * - and Argo CD's local cluster (`in-cluster`, `https://kubernetes.default.svc`, no metadata)
 *   when no declared cluster has that server and the selector is empty.
 *
 * @param selector the generator's `clusters.selector`, absent or empty when it selects all
 */
export function clusterParamSets(
  clusters: readonly DeclaredCluster[],
  selector: LabelSelector | undefined,
  goTemplate: boolean,
): ClusterParamSet[] {
  const sets: ClusterParamSet[] = [];
  const selecting = selector !== undefined && selector.requirements.length > 0;
  const declaresLocal = clusters.some((c) => c.server.replace(/\/+$/, '') === IN_CLUSTER_SERVER);
  if (!declaresLocal && !selecting) {
    sets.push({
      at: `cluster ${JSON.stringify(IN_CLUSTER_NAME)}`,
      params: { name: IN_CLUSTER_NAME, nameNormalized: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER },
    });
  }
  // Argo CD keys the selected Secrets by cluster name (of two with one name, the later one
  // listed counts) and looks each listed cluster up by its name.
  const selected = new Map<string, DeclaredCluster>();
  for (const c of clusters) {
    if (selector === undefined || selectorMatches(selector, new Map(Object.entries(c.labels)))) selected.set(c.name, c);
  }
  for (const listed of clusters) {
    const c = selected.get(listed.name);
    if (c === undefined) continue;
    const params: Record<string, unknown> = { name: c.name, nameNormalized: sanitizeName(c.name), server: c.server };
    if (goTemplate) {
      const meta: Record<string, unknown> = {};
      if (Object.keys(c.annotations).length > 0) meta.annotations = markStringMap({ ...c.annotations });
      if (Object.keys(c.labels).length > 0) meta.labels = markStringMap({ ...c.labels });
      params.metadata = meta;
    } else {
      for (const [k, v] of Object.entries(c.annotations)) params[`metadata.annotations.${k}`] = v;
      for (const [k, v] of Object.entries(c.labels)) params[`metadata.labels.${k}`] = v;
    }
    sets.push({ at: `cluster ${JSON.stringify(c.name)} (${c.file})`, params: params as TemplateMap });
  }
  return sets;
}
