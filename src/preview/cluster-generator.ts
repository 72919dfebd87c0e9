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
 * A cluster declaration the API server refuses, so that Argo CD never holds the cluster: a
 * field Kubernetes decodes as strings (labels, annotations, `stringData`, `data`, an
 * ExternalSecret's template) holding a boolean, a number, a list or a map once read as YAML 1.1.
 */
export class ClusterSecretRefused extends ClusterSecretError {
  constructor(
    reason: string,
    /** How to write the field so that Kubernetes reads it. */
    public readonly fix: string,
  ) {
    super(reason);
    this.name = 'ClusterSecretRefused';
  }
}

const QUOTE_FIX =
  'Quote the value in the file (e.g. env: "yes"): Kubernetes reads manifests as YAML 1.1, where an unquoted yes, no, on, off, y, n, true or false is a boolean and 1 or 0x1 a number.';

/** What Kubernetes reads a value that is not a string as: "the boolean true", "a number". */
function readAs(v: unknown): string {
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (typeof v === 'number') return 'a number';
  return Array.isArray(v) ? 'a list' : 'a map';
}

/** `.key` or `["a/b"]`: a key of a field, as the messages name it. */
function keyOf(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * A field the API server decodes into `map[string]string`, as it decodes it: absent or null is
 * empty; a null value is "" in a Secret (encoding/json leaves the string empty) and dropped in a
 * custom resource (the API server prunes nulls its schema does not allow); anything else but a
 * string is refused, and so is a field that is not a map.
 *
 * @param what the object, as `the cluster Secret "x" in "f.yaml"`
 * @param path the field, as `metadata.labels`; `show` whether its values may be quoted (not for data)
 */
function stringMap(v: unknown, what: string, path: string, nulls: 'empty' | 'drop', show: boolean): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) {
    throw new ClusterSecretRefused(
      `${what} has a ${path} that Kubernetes reads as ${readAs(v)}, not a map of strings, so the API server refuses it and Argo CD never holds that cluster`,
      `Write ${path} as a map of quoted strings.`,
    );
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    if (typeof value === 'string') {
      out[key] = value;
    } else if (value === null) {
      if (nulls === 'empty') out[key] = '';
    } else {
      const reading = show || typeof value !== 'boolean' ? readAs(value) : 'a boolean';
      throw new ClusterSecretRefused(
        `${what} has a ${path}${keyOf(key)} that Kubernetes reads as ${reading} (YAML 1.1), not a string: the API server refuses the object, so Argo CD's sync of the Application that deploys it fails (all of that Application's objects, in its dry run) and the cluster is never added`,
        QUOTE_FIX,
      );
    }
  }
  return out;
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
 * The objects are read as Argo CD's repo server reads manifests (YAML 1.1: see
 * `readGoYamlDocuments`), so an unquoted `yes` is a boolean.
 *
 * @throws ClusterSecretError for a declaration whose name or server is read from a secret store,
 * or a Secret whose `data` is not valid base64 (the API server refuses such a Secret, so Argo CD
 * never holds that cluster); {@link ClusterSecretRefused} for a label, annotation or data value
 * that is not a string (the API server refuses the object)
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
      if (!isMap(metadata.labels) || metadata.labels[CLUSTER_SECRET_LABEL] !== 'cluster') continue;
      const name = typeof metadata.name === 'string' ? metadata.name : '';
      const what = `the cluster Secret ${JSON.stringify(name)} in ${JSON.stringify(file)}`;
      const labels = stringMap(metadata.labels, what, 'metadata.labels', 'empty', true);
      const annotations = stringMap(metadata.annotations, what, 'metadata.annotations', 'empty', true);
      const stringData = stringMap(o.stringData, what, 'stringData', 'empty', false);
      const data = stringMap(o.data, what, 'data', 'empty', false);
      const field = (key: string): string => {
        const plain = stringData[key];
        if (plain !== undefined) return plain;
        const encoded = data[key];
        if (encoded === undefined) return '';
        const decoded = strictBase64(encoded);
        if (decoded === undefined) {
          throw new ClusterSecretError(
            `${what} has a data.${key} that is not valid padded base64 (the API server refuses the Secret, so Argo CD never holds that cluster)`,
          );
        }
        return decoded;
      };
      out.push({ name: field('name'), server: field('server'), labels, annotations, file });
    } else if (o.kind === 'ExternalSecret' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('external-secrets.io/')) {
      const spec = isMap(o.spec) ? o.spec : {};
      const target = isMap(spec.target) ? spec.target : {};
      const template = isMap(target.template) ? target.template : {};
      const meta = isMap(template.metadata) ? template.metadata : {};
      if (!isMap(meta.labels) || meta.labels[CLUSTER_SECRET_LABEL] !== 'cluster') continue;
      const name = typeof metadata.name === 'string' ? metadata.name : '';
      const what = `the ExternalSecret ${JSON.stringify(name)} in ${JSON.stringify(file)}`;
      const labels = stringMap(meta.labels, what, 'spec.target.template.metadata.labels', 'drop', true);
      const annotations = stringMap(meta.annotations, what, 'spec.target.template.metadata.annotations', 'drop', true);
      const data = stringMap(template.data, what, 'spec.target.template.data', 'drop', false);
      const field = (key: string): string => {
        const v = data[key];
        if (typeof v !== 'string' || v.includes('{{')) {
          throw new ClusterSecretError(
            `The ExternalSecret ${JSON.stringify(name)} in ${JSON.stringify(file)} reads the cluster's ${key} from its secret store, which the repository does not hold`,
          );
        }
        return v;
      };
      out.push({ name: field('name'), server: field('server'), labels, annotations, file });
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
