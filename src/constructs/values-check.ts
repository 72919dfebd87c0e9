import { Problem } from '../errors';
import { findNonPlainValues, KeyPath, Values } from '../synth/values';

/** Problems with values given to a construct: anything that is not plain data. */
export function problemsOfValues(values: Values, constructPath: string, what: string): Problem[] {
  return findNonPlainValues(values).map((p) => ({
    code: 'CG107',
    constructPath,
    message: `${what} at key "${p.keyPath}" is ${p.received}, which is not plain data.`,
    fix: 'Use only strings, numbers, booleans, null, lists and plain objects in values.',
  }));
}

/** Keys that name a secret. */
const SECRET_KEY = /password|passwd|secret|token|api[-_]?key|private[-_]?key|credential/i;
/** Last words of keys that name where a secret is, not the secret itself (`secretName`, `tokenRef`). */
const REFERENCE_WORDS = new Set(['name', 'names', 'ref', 'refs', 'path', 'file']);

function words(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_.-]+/).filter((w) => w !== '').map((w) => w.toLowerCase());
}

/**
 * Whether a key names a secret value: it contains password, passwd, secret, token, apiKey,
 * api_key, privateKey or credential (in any case), and is not a reference to a secret kept
 * elsewhere: keys ending in Name, Ref, Path or File (`secretName`, `passwordSecretRef`) and keys
 * starting with `existing` (`existingSecret`) are references.
 */
export function isSecretKey(key: string): boolean {
  if (!SECRET_KEY.test(key)) return false;
  const w = words(key);
  return !(REFERENCE_WORDS.has(w[w.length - 1] ?? '') || w[0] === 'existing');
}

/** Key paths (`database.password`, `tokens[0]`) of non-empty strings held by secret keys. */
export function findLiteralSecrets(values: Values): string[] {
  const found: string[] = [];
  const path = new KeyPath();
  const visit = (v: unknown, secret: boolean): void => {
    if (typeof v === 'string') {
      if (secret && v.trim() !== '') found.push(path.toString());
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i], secret);
        path.pop();
      }
    } else if (v !== null && typeof v === 'object') {
      const map = v as Record<string, unknown>;
      for (const k of Object.keys(map)) {
        path.push(k);
        visit(map[k], isSecretKey(k));
        path.pop();
      }
    }
  };
  visit(values, false);
  return found;
}

/**
 * Problems for literal secrets in one values layer. The secret itself is never repeated in
 * a message: messages end up in CI logs.
 *
 * @param allowed key paths the layer's owner allows literal strings at; `undefined` when the
 *   layer cannot allow any (only services can)
 */
export function problemsOfLiteralSecrets(values: Values, constructPath: string, label: string, allowed?: ReadonlySet<string>): Problem[] {
  return findLiteralSecrets(values).filter((p) => !allowed?.has(p)).map((keyPath) => ({
    code: 'CG120',
    constructPath,
    message: `${label} sets "${keyPath}" to a literal string; the key names a secret, and values files are readable by everyone who can read the GitOps repository.`,
    fix: 'Keep the secret in a secret store and reference it (e.g. externalSecrets: { enabled: true, secretStoreRef: { name: … } }), or use an existing Secret by name'
      + (allowed
        ? `; if the value is not secret, add "${keyPath}" to the service's allowLiteralSecrets.`
        : '; if the value is not secret, move it to the service\'s values and add the key path to its allowLiteralSecrets.'),
  }));
}
