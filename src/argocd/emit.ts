import { ApiObject, App, Chart } from 'cdk8s';
import { toYamlDocuments } from '../synth/yaml';

/** An Argo CD object as plain data. */
export interface ArgoObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
  };
  readonly spec: unknown;
}

/** Label put on every object the SDK generates. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } as const;

/**
 * Renders Argo CD objects through cdk8s (which fixes their key order: `apiVersion`, `kind`,
 * `metadata` first, the rest sorted) as one multi-document YAML file.
 */
export function renderObjects(objects: readonly ArgoObject[]): string {
  const chart = new Chart(new App(), 'argocd', { disableResourceNameHashes: true });
  const apiObjects = objects.map(
    (o, i) => new ApiObject(chart, `o${i}`, { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec } as any),
  );
  return toYamlDocuments(apiObjects.map((o) => o.toJson()));
}
