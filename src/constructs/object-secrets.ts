import { KubeObjectModel } from '../model/platform-model';
import { Values } from '../model/values';
import { findLiteralSecrets, isReference, LiteralSecret } from './values-check';

/** What a Secret's `data` and `stringData` entries are: never allowed, whatever the service allows. */
export const SECRET_DATA = "a Secret's literal data";

/**
 * Literal secrets in an object a rendered workload made, as `findLiteralSecrets` finds them in
 * values (an env entry `DB_PASSWORD` with a value, a URL with a password, a PEM block …), and
 * every entry of a Secret's `data` and `stringData`: a Secret written to the GitOps repository is
 * readable by everyone who can read it, whatever its keys say. Key paths start at the object
 * (`stringData.password`, `spec.template.spec.containers[0].env[0].value`).
 */
export function renderedObjectSecrets(o: KubeObjectModel): LiteralSecret[] {
  const found = findLiteralSecrets(o as unknown as Values);
  if (o.kind !== 'Secret' || o.apiVersion !== 'v1') return found;
  const data = secretDataPaths(o).map((keyPath) => ({ keyPath, what: SECRET_DATA }));
  return [...data, ...found.filter((f) => !data.some((d) => d.keyPath === f.keyPath))];
}

/**
 * The key paths of what a Secret, or a patch of one, sets in its `data` and `stringData`: each
 * entry that is not empty (`stringData.password`), or the field itself when it is no map. An
 * entry that refers to a secret kept elsewhere (argocd-vault-plugin's `<path:…#password>`, see
 * `isReference`) holds none.
 */
export function secretDataPaths(secret: unknown): string[] {
  if (secret === null || typeof secret !== 'object' || Array.isArray(secret)) return [];
  return ['data', 'stringData'].flatMap((field) => {
    const data = (secret as Record<string, unknown>)[field];
    if (data === undefined || data === null || data === '') return [];
    if (typeof data !== 'object' || Array.isArray(data)) return [field];
    return Object.entries(data)
      .filter(([, value]) => value !== '' && value !== null && !(typeof value === 'string' && isReference(value.trim())))
      .map(([key]) => `${field}.${key}`);
  });
}
