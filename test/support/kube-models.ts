/**
 * Validation of Kubernetes objects with `kubernetes-models` (the OpenAPI schemas of Kubernetes
 * itself), for tests: the model class is picked by apiVersion and kind, e.g.
 * `apps/v1` `Deployment` → `new Deployment(obj).validate()` from `kubernetes-models/apps/v1`;
 * External Secrets Operator objects with `@kubernetes-models/external-secrets`.
 *
 * @example
 * expect(validateKubeObject(deployment)).toEqual([]);
 */

/** The problems of one object, one line each; `[]` when it is valid. */
export function validateKubeObject(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }): string[] {
  const label = `${String(obj.kind)} ${String(obj.metadata?.name ?? '(unnamed)')}`;
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(obj.apiVersion)) {
    return [`${label}: no apiVersion/kind`];
  }
  let Model: (new (data: unknown) => { validate(): void }) | undefined;
  let checked: unknown = obj;
  try {
    if (obj.apiVersion === 'external-secrets.io/v1') {
      // The package (whose latest major needs Node 22) has the schemas up to v1beta1; the v1 API
      // serves the same ExternalSecret fields, so v1 objects are checked against v1beta1's.
      Model = require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1')[obj.kind];
      checked = { ...obj, apiVersion: 'external-secrets.io/v1beta1' };
    } else {
      Model = require(`kubernetes-models/${obj.apiVersion}`)[obj.kind];
    }
  } catch {
    Model = undefined;
  }
  if (!Model) return [`${label}: kubernetes-models has no ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(checked).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (!Array.isArray(errors)) return [`${label}: ${(e as Error).message}`];
    return errors.map((x) => `${label}: ${x.instancePath || '/'}: ${x.message ?? 'is invalid'}`);
  }
}
