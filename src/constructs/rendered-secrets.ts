import { KubeObjectModel } from '../model/platform-model';
import { Values } from '../model/values';
import { findLiteralSecrets, LiteralSecret } from './values-check';

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
  const data = Object.entries(o as unknown as Record<string, unknown>)
    .filter(([k, v]) => (k === 'data' || k === 'stringData') && v !== null && typeof v === 'object')
    .flatMap(([k, v]) =>
      Object.entries(v as Record<string, unknown>)
        .filter(([, value]) => value !== '' && value !== null)
        .map(([key]) => ({ keyPath: `${k}.${key}`, what: SECRET_DATA })),
    );
  return [...data, ...found.filter((f) => !data.some((d) => d.keyPath === f.keyPath))];
}
