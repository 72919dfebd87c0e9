/**
 * Validation of Kubernetes objects with `kubernetes-models` (the OpenAPI schemas of Kubernetes
 * itself), for tests: the model class is picked by apiVersion and kind, e.g.
 * `apps/v1` `Deployment` → `new Deployment(obj).validate()` from `kubernetes-models/apps/v1`.
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
  try {
    Model = require(`kubernetes-models/${obj.apiVersion}`)[obj.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`${label}: kubernetes-models has no ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (!Array.isArray(errors)) return [`${label}: ${(e as Error).message}`];
    return errors.map((x) => `${label}: ${x.instancePath || '/'}: ${x.message ?? 'is invalid'}`);
  }
}
