import { GitOpsError, problem } from '../../core/errors';
import { toYamlDocuments } from '../../core/yaml/emit';
import type { ApiObjectMetadata } from 'cdk8s';
import { cdk8sLibrary } from '../../core/heavy-packages';
import type { ArgoObject } from '../../model/argo-object';
import { validateArgoObject } from './validate';

/**
 * Renders Argo CD objects through cdk8s (which fixes their key order: `apiVersion`, `kind`,
 * `metadata` first, the rest sorted) as one multi-document YAML file. Each object is first
 * checked against the `@kubernetes-models/argo-cd` schema, so nothing Argo CD would refuse is
 * ever written.
 *
 * cdk8s and the schemas are loaded on the first call: a command that renders no Argo CD
 * object does without them.
 *
 * @param origin construct path of what the objects come from, named in errors
 */
export function renderObjects(objects: readonly ArgoObject[], origin?: string): string {
  const { ApiObject, App, Chart } = cdk8sLibrary();
  const problems = objects.flatMap((o) => validateArgoObject({ ...o }));
  if (problems.length > 0) {
    throw new GitOpsError(problems.map((message) => problem('CG137', { message: `${message}.`, constructPath: origin || undefined })));
  }
  const chart = new Chart(new App(), 'argocd', { disableResourceNameHashes: true });
  const apiObjects = objects.map(
    (o, i) => new ApiObject(chart, `o${i}`, { apiVersion: o.apiVersion, kind: o.kind, metadata: apiMetadata(o.metadata), spec: o.spec }),
  );
  return toYamlDocuments(apiObjects.map((o) => o.toJson()));
}

/** An object's metadata as cdk8s takes it: the same fields, with a list it may change. */
function apiMetadata(metadata: ArgoObject['metadata']): ApiObjectMetadata {
  const { finalizers, ...rest } = metadata;
  return { ...rest, ...(finalizers ? { finalizers: [...finalizers] } : {}) };
}
