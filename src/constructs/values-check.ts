import { Problem, problem } from '../core/errors';
import { parse as parseYaml } from 'yaml';
import { holdsJsonWebToken, holdsToken, urlCredentials } from '../core/url-credentials';
import { findNonPlainValues, KeyPath, Values } from '../model/values';

/** Problems with values given to a construct: anything that is not plain data. */
export function problemsOfValues(values: Values, constructPath: string, what: string): Problem[] {
  return findNonPlainValues(values).map((p) =>
    problem('CG107', {
      constructPath,
      message: `${what} at key "${p.keyPath}" is ${p.received}, which is not plain data.`,
    }),
  );
}

/** Words that name a secret wherever they stand in a key: `dbPassword`, `DB_PASSWD`, `db.pass`, `clientSecret`. */
const SECRET_WORDS = new Set([
  'password',
  'passwords',
  'passwd',
  'pass',
  'pwd',
  'pw',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'privatekey',
  'bearer',
]);
/** Endings of words run together that name a secret: `adminpassword`, `clientsecret`, `accesstoken`. */
const SECRET_ENDINGS = ['password', 'passwd', 'passphrase', 'secret', 'secrets', 'token', 'credentials', 'apikey', 'privatekey'];
/** Words that, followed by `key` or `keys`, name a secret key: `apiKey`, `private_key`, `signingKey`. */
const SECRET_KEY_KINDS = new Set(['api', 'private', 'signing', 'encryption', 'master', 'ssh', 'hmac']);
/** Words naming a password, which a following `key` turns into the name of a key in a Secret (`passwordKey`). */
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pass', 'pwd', 'token']);
/**
 * Last words of keys that name where a secret is (`secretName`, `tokenRef`, `passwordFile`,
 * `secretStore`) or a setting about it (`tokenTTL`, `secretsEnabled`, `passwordMinLength`),
 * not the secret itself.
 */
const NOT_SECRET_LAST_WORDS = new Set([
  'name',
  'names',
  'ref',
  'refs',
  'path',
  'paths',
  'file',
  'files',
  'dir',
  'directory',
  'mount',
  'volume',
  'volumes',
  'store',
  'stores',
  'class',
  'provider',
  'providers',
  'manager',
  'backend',
  'enabled',
  'enable',
  'disabled',
  'ttl',
  'length',
  'expiry',
  'expiration',
  'lifetime',
  'timeout',
  'interval',
  'duration',
  'seconds',
  'minutes',
  'hours',
  'days',
  'type',
  'mode',
  'policy',
  'format',
  'size',
  'count',
  'algorithm',
  'issuer',
  'audience',
  'endpoint',
  'url',
  'uri',
  'annotations',
  'labels',
]);
/**
 * First words of keys that name a secret kept elsewhere (`existingSecret`, `externalSecrets`,
 * `sealedSecrets`) or a switch (`allowEmptyPassword`, `automountServiceAccountToken`, `maxTokens`).
 */
const NOT_SECRET_FIRST_WORDS = new Set([
  'existing',
  'external',
  'sealed',
  'use',
  'automount',
  'mount',
  'enable',
  'disable',
  'allow',
  'require',
  'create',
  'generate',
  'rotate',
  'auto',
  'skip',
  'verify',
  'validate',
  'max',
  'min',
  'num',
  'show',
  'hide',
]);
/** Words of keys whose long random-looking strings are secrets: `tls.key`, `jwt.signature`, `auth`. */
const WEAK_SECRET_WORDS = new Set(['key', 'keys', 'auth', 'salt', 'seed', 'hmac', 'signature', 'jwt', 'jwk', 'cookie', 'hash']);

/** A key's words, lower case, without the digits that number them: `adminPassword2` is admin, password. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_./-]+/)
    .map((w) => w.toLowerCase().replace(/[0-9]+$/, ''))
    .filter((w) => w !== '');
}

/** What a key says about the value under it. */
const enum KeyKind {
  /** Nothing. */
  PLAIN,
  /** It names a secret: the value, and everything beneath it, is one. */
  SECRET,
  /** It names a secret kept elsewhere, or a setting about one: nothing beneath it is a literal secret by its key. */
  REFERENCE,
  /** It names something that may be a secret: a long random-looking string under it is one. */
  WEAK,
  /** It names a setting (`ttl`, `name`, `enabled`, `type`): beneath a key that names a secret, not the secret. */
  SETTING,
}

function namesSecret(w: readonly string[]): boolean {
  for (let i = 0; i < w.length; i++) {
    const word = w[i];
    if (SECRET_WORDS.has(word)) return true;
    if ((word === 'key' || word === 'keys') && i > 0 && SECRET_KEY_KINDS.has(w[i - 1])) return true;
    if (word.length > 6) for (const end of SECRET_ENDINGS) if (word.endsWith(end)) return true;
  }
  return false;
}

const kinds = new Map<string, KeyKind>();

/** The kind of a key, remembered: the same keys recur in every layer. */
function kindOf(key: string): KeyKind {
  let kind = kinds.get(key);
  if (kind !== undefined) return kind;
  const w = words(key);
  const last = w[w.length - 1] ?? '';
  if (namesSecret(w)) {
    const reference =
      NOT_SECRET_LAST_WORDS.has(last) ||
      NOT_SECRET_FIRST_WORDS.has(w[0]) ||
      (last === 'key' && w.length > 1 && PASSWORD_WORDS.has(w[w.length - 2])) ||
      // the key in a Secret that holds a password (`passwordSecretKey`); `secretKey` alone is one (an S3 secret key)
      (last === 'key' && w.length > 2 && w[w.length - 2] === 'secret' && namesSecret(w.slice(0, -2)));
    kind = reference ? KeyKind.REFERENCE : KeyKind.SECRET;
  } else if (NOT_SECRET_LAST_WORDS.has(last) && (last === 'annotations' || last === 'labels')) {
    kind = KeyKind.REFERENCE;
  } else if (NOT_SECRET_LAST_WORDS.has(last)) {
    kind = KeyKind.SETTING;
  } else {
    kind = w.some((x) => WEAK_SECRET_WORDS.has(x)) ? KeyKind.WEAK : KeyKind.PLAIN;
  }
  if (kinds.size > 10_000) kinds.clear();
  kinds.set(key, kind);
  return kind;
}

/**
 * Whether a key names a secret value. Keys are read as words (`dbPassword`, `DB_PASSWORD` and
 * `db.password` are each two words, `db` and `password`): a key names a secret when a word is
 * password, passwords, passwd, pass, pwd, pw, passphrase, secret, secrets, token, tokens,
 * credential, credentials, creds, bearer, apikey or privatekey; when a word ends in one of the
 * longer ones (`adminpassword`); or when `key` follows api, private, signing, encryption,
 * master, ssh or hmac (`apiKey`, `private_key`). So `passthrough`, `bypass`, `compass` and
 * `tokenizer` name none.
 *
 * Keys that name where a secret is kept or a setting about it are not secret: keys ending in
 * Name, Ref, Path, File, Store, Provider, Enabled, TTL, Length, Interval, Type, Mode, Policy and
 * the like (`secretName`, `passwordSecretRef`, `tokenTTL`, `secretsEnabled`), keys naming the
 * key of a password in a Secret (`passwordKey`), and keys starting with existing, external,
 * sealed, use, automount, allow, create, max, min and the like (`existingSecret`,
 * `externalSecrets`, `allowEmptyPassword`, `automountServiceAccountToken`, `maxTokens`).
 */
export function isSecretKey(key: string): boolean {
  return kindOf(key) === KeyKind.SECRET;
}

/** A literal secret found in values: where it is and what gives it away, never the secret itself. */
export interface LiteralSecret {
  /** Key path as messages print it: `database.password`, `env[0].value`, `tokens[0]`. */
  readonly keyPath: string;
  /** What it is, e.g. `a literal string; the key names a secret`. */
  readonly what: string;
}

/** A PEM private key block: RSA, EC, OPENSSH, ENCRYPTED, PGP … PRIVATE KEY. */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/;
/** `-----BEGIN` in base64, as it starts a base64-encoded PEM block. */
const BASE64_PEM = 'LS0tLS1CRUdJT';
/**
 * A value that refers to a variable instead of holding a secret: `$(DB_PASSWORD)`,
 * `${DB_PASSWORD}`, `$DB_PASSWORD`, Argo CD's `$oidc.clientSecret` and `$secret-name:key`,
 * `{{ .Values.x }}`, `%24{…}`. A `$` followed by anything else (`$ecretPw`) is a literal.
 */
const PLACEHOLDER = /^(\$\(|\$\{|\$[A-Z_][A-Z0-9_]*$|\$[A-Za-z_][\w-]*[.:][\w.:-]+$|\{\{.*\}\}|%24)/;
/**
 * A whole value that refers to a variable instead of holding a secret: `${DB_PASSWORD}` (with
 * `:?message` or an empty default `:-`, never a default that is a value), `$(DB_PASSWORD)`,
 * `$DB_PASSWORD`, Argo CD's `$oidc.clientSecret` and `$secret-name:key`, `{{ .Values.x }}`.
 */
const WHOLE_PLACEHOLDER =
  /^(?:\$\{[A-Za-z_][\w.]*(?::?\?[^}]*|:?-)?\}|\$\([A-Za-z_][\w.]*\)|\$[A-Z_][A-Z0-9_]*|\$[A-Za-z_][\w-]*[.:][\w.:-]+|\{\{.*\}\})$/;
/**
 * A value that names where a secret is kept, or holds it encrypted: argocd-vault-plugin's
 * `<path:secret/data/db#password>` and `<password | base64encode>` (a key in lower case, or
 * upper-case snake case), vals' `ref+vault://…` of a secret store (not `ref+echo://`, which is its
 * own value), Bank-Vaults' `vault:secret/data/db#password` (and `#2`, a version), and a value
 * SOPS encrypted, whole (`ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`).
 */
const KEPT_ELSEWHERE = new RegExp(
  [
    /<path:[^<>\n]+>/.source,
    /<(?:[a-z][a-z0-9_.-]*|[A-Z][A-Z0-9_]*)(?: *\| *\w+)*>/.source,
    /ref\+(?:vault|awssecrets|awsssm|awskms|gcpsecrets|gcpkms|azurekeyvault|sops|onepassword|onepasswordconnect|doppler|bitwarden|k8s|conjur|hcpvaultsecrets|infisical):\/\/\S+/
      .source,
    /vault:[\w./-]+#[\w.-]+(?:#\d+)?/.source,
    /ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]/.source,
  ]
    .map((form) => `^${form}$`)
    .join('|'),
);
/**
 * A value Sealed Secrets encrypted for one cluster: base64 of the length of the encrypted session
 * key (256 or 512 bytes: `AQ…`, `Ag…`), that key, and the secret sealed with it; hundreds of
 * characters, so that no password passes for one.
 */
const SEALED = /^(?:AQ|Ag)[A-P][A-Za-z0-9+/]{340,}={0,2}$/;

/**
 * Whether a whole value refers to a secret instead of holding it ({@link WHOLE_PLACEHOLDER},
 * {@link KEPT_ELSEWHERE}), or is a secret sealed or encrypted for its reader ({@link SEALED}).
 */
export function isReference(value: string): boolean {
  return WHOLE_PLACEHOLDER.test(value) || KEPT_ELSEWHERE.test(value) || SEALED.test(value);
}

/** Whether a value found in a text (an assignment's, a URL's password) refers to a secret: it starts as a variable does ({@link PLACEHOLDER}), or is kept elsewhere. */
function isReferenceInText(value: string): boolean {
  return PLACEHOLDER.test(value) || KEPT_ELSEWHERE.test(value);
}

/** Values that are settings, never a secret: none, a switch, a mask. */
const SETTING_VALUE = /^(?:null|~|none|true|false|yes|no|on|off|enabled?|disabled?|required|optional|auto|\*+)$/i;

/**
 * A name given a value in a text: a flag (`--db-password=…`), a connection string or DSN
 * (`host=db password=…`, `Password=…;`), a query (`?token=…`), a line of a configuration file
 * (`password: …`, `"apiKey": "…"`).
 */
const ASSIGNMENT = new RegExp(
  [
    // name=value after a separator: a flag, a DSN, a query, a connection string, an INI line
    /(?:^|[\s;?&,{(["'])-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*=[ \t]*(["']?)([^\s;&,"'}\])]+)/.source,
    // name: value where a key stands (a line's start, after { or ,), never in prose ("reset your password: see …")
    /(?:^|\n|[{,])[ \t]*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*:[ \t]*(["']?)([^\s;&,"'}\])]+)/.source,
  ].join('|'),
  'g',
);
/** Values of an assignment that give no secret: a setting, the start of a YAML block or flow. */
const BLOCK_START = /^(?:[|>][-+0-9]*|[{[])$/;
/** A flag alone, whose value is the next argument: `--db-password`. */
const FLAG = /^--?([A-Za-z][A-Za-z0-9_.-]*)$/;
/** A run of base64 long enough to hold a PEM block. */
const BASE64_RUN = /[A-Za-z0-9+/]{100,}={0,2}/g;
/** The longest text read for configuration files and base64 held in a string. */
const MAX_EMBEDDED = 256 * 1024;

/** What every name {@link isSecretKey} takes for a secret holds, in any case: texts without it are not read for assignments. */
const SECRET_WORD = /pass|pwd|pw|secret|token|cred|key|bearer/i;

/** The name of the first secret a text gives a value (see {@link ASSIGNMENT}), or undefined. */
function assignedSecret(s: string): string | undefined {
  if ((!s.includes('=') && !s.includes(':')) || !SECRET_WORD.test(s)) return undefined;
  for (const m of s.matchAll(ASSIGNMENT)) {
    const [name, quote, value] = m[1] === undefined ? [m[4], m[5], m[6]] : [m[1], m[2], m[3]];
    if (
      isSecretKey(name!) &&
      !SETTING_VALUE.test(value!) &&
      !BLOCK_START.test(value!) &&
      !isReferenceInText(value!) &&
      !(quote === '' && value!.startsWith('//'))
    )
      return name;
  }
  return undefined;
}

/** Whether a run of base64 in `s` decodes to a text holding a PEM private key (a key, or a bundle with one). */
function holdsBase64PrivateKey(s: string): boolean {
  if (s.length < 100 || s.length > MAX_EMBEDDED) return false;
  for (const m of s.matchAll(BASE64_RUN)) if (PEM_PRIVATE_KEY.test(Buffer.from(m[0], 'base64').toString('latin1'))) return true;
  return false;
}

/** What in a string alone gives a secret away, whatever its key; undefined when nothing does. */
export function secretInString(s: string): string | undefined {
  if (holdsToken(s)) return 'a literal string holding an access token (ghp_…, glpat-…)';
  if (holdsJsonWebToken(s)) return 'a literal string holding a JSON Web Token';
  if (s.includes('-----BEGIN') && PEM_PRIVATE_KEY.test(s)) return 'a literal string holding a private key (PEM)';
  const b64 = s.indexOf(BASE64_PEM);
  if ((b64 >= 0 && PEM_PRIVATE_KEY.test(Buffer.from(s.slice(b64, b64 + 120), 'base64').toString('latin1'))) || holdsBase64PrivateKey(s))
    return 'a literal string holding a base64-encoded private key (PEM)';
  if (s.includes('@') && urlCredentials(s).some((c) => !isReferenceInText(c))) return 'a literal string holding a URL with a password';
  const assigned = assignedSecret(s);
  if (assigned !== undefined) return `a literal string holding a secret (${assigned}=…)`;
  return undefined;
}

/**
 * The map a string holds when it is a configuration file or a JSON document (a `config.yaml`
 * given as text, a `.dockerconfigjson`), or undefined: its keys name secrets as values' keys do.
 */
function embeddedDocument(s: string): Record<string, unknown> | undefined {
  if (s.length > MAX_EMBEDDED || !(s.includes('\n') || /^\s*\{/.test(s))) return undefined;
  try {
    const doc: unknown = parseYaml(s, { maxAliasCount: 0, uniqueKeys: false, logLevel: 'silent' });
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // not YAML (an nginx.conf, a script): its lines were read as assignments
  }
}

/** A name as Kubernetes spells it (a Secret's name, a key of one): not a random string. */
const KUBERNETES_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/**
 * Whether a string looks like a key or token: at least 20 characters of base64 or hex, with
 * letters and digits or both cases, and at least 3.5 bits of entropy per character.
 */
export function looksRandom(s: string): boolean {
  if (s.length < 20 || s.length > 16_384 || !/^[A-Za-z0-9+/=_-]+$/.test(s) || KUBERNETES_NAME.test(s)) return false;
  if (!(/[0-9]/.test(s) && /[A-Za-z]/.test(s)) && !(/[a-z]/.test(s) && /[A-Z]/.test(s))) return false;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits >= 3.5;
}

/**
 * Whether showing a value found under a key path could give a secret away, as a plan showing a
 * values key edited by hand would: a key of the path names a secret ({@link isSecretKey}); or
 * the value is a string that holds one ({@link secretInString}) or looks like a key or token
 * ({@link looksRandom}), whatever its key; or it would be a literal secret under its path by
 * {@link findLiteralSecrets} (an env entry naming a secret, a flag's argument, a document that
 * sets one).
 *
 * @param keys the map keys from the top of the values down to the value
 */
export function mayRevealSecret(keys: readonly string[], value: unknown): boolean {
  if (keys.some(isSecretKey)) return true;
  if (typeof value === 'string' && (secretInString(value) !== undefined || looksRandom(value))) return true;
  // Computed keys make own properties, `__proto__` included.
  const nested = keys.reduceRight<unknown>((v, k) => ({ [k]: v }), value);
  return findLiteralSecrets(nested as Values).length > 0;
}

/**
 * Whether `value`, under the key `key` whose last word is `key` (`secretKey`), is the name of a
 * key in a Secret (`password`, `admin-password`, `api_token`), as an ExternalSecret's
 * `secretKey` gives it: lower-case words without digits, one of them a secret's
 * ({@link SECRET_WORDS}). An S3 `secretKey` is random, and stays a secret.
 */
function namesKeyOfSecret(key: string, value: string): boolean {
  return words(key).at(-1) === 'key' && /^[a-z]+(?:[-_.][a-z]+)*$/.test(value) && value.split(/[-_.]/).some((w) => SECRET_WORDS.has(w));
}

/**
 * Whether a value under a key that names a secret could be one: a string but an empty one, a
 * setting ({@link SETTING_VALUE}) or a reference ({@link isReference}); a number. A boolean is a
 * switch (`passwordReset: true`), never a secret.
 */
function isScalarSecret(v: unknown): boolean {
  if (typeof v === 'string') {
    const s = v.trim();
    return s !== '' && !SETTING_VALUE.test(s) && !isReference(s);
  }
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Literal secrets in values, by key path. A value is one when:
 * - its key names a secret ({@link isSecretKey}): a string or a number, but an empty string, a
 *   setting (`enabled`, `none`, `****`) or a reference to a secret kept elsewhere (`${DB_PASSWORD}`,
 *   `<path:secret/data/db#password>`, `ref+vault://…`, a value SOPS encrypted); never a boolean;
 * - a key above it names one (`credentials: { user, pw }`): the same, unless a key on the way
 *   names a reference or a setting (`credentials: { secretName }`);
 * - it is the `value` of a `{ name, value }` entry whose name names a secret, as in a
 *   Kubernetes env list (`env: [{ name: DB_PASSWORD, value: … }]`);
 * - it is a string holding a PEM private key, plain or base64-encoded, or a URL with a
 *   password in its userinfo (`postgres://admin:…@db`), under any key;
 * - it is a long random-looking string (base64, hex) under a key with `key`, `auth`, `salt`,
 *   `hash`, `signature`, … in it, or under a reference to a secret (`secretName: <blob>`).
 *
 * A whole value that refers to a secret kept elsewhere, or holds it sealed or encrypted, is none
 * ({@link isReference}), nor is a value beneath a key that names a setting (`token: { ttl }`).
 */
export function findLiteralSecrets(values: Values): LiteralSecret[] {
  const found: LiteralSecret[] = [];
  const path = new KeyPath();
  /**
   * @param kind what the nearest key says
   * @param secretAbove the key above that names a secret, when one does and no reference came since
   * @param byKey whether keys still tell (not beneath a reference to a secret kept elsewhere)
   */
  const visit = (v: unknown, kind: KeyKind, key: string, secretAbove: string | undefined, byKey: boolean): void => {
    if (typeof v === 'string') {
      if (isReference(v.trim())) return;
      const what = secretInString(v) ?? (embeddedSecret(v) ? 'a literal string holding a document that sets a secret' : undefined);
      if (what) found.push({ keyPath: path.toString(), what });
      else if (!byKey) {
        // Beneath annotations and labels, keys name secrets kept elsewhere (`…/agent-inject-secret-db: <path>`):
        // one that names a secret gives it away only with a value that looks like one.
        if (key !== '' && isSecretKey(key) && looksRandom(v))
          found.push({
            keyPath: path.toString(),
            what: `a literal string that looks like a key or token (long and random) under key "${key}"`,
          });
      } else if (kind === KeyKind.SECRET && isScalarSecret(v) && !namesKeyOfSecret(key, v))
        found.push({ keyPath: path.toString(), what: 'a literal string; the key names a secret' });
      else if (secretAbove !== undefined && kind !== KeyKind.REFERENCE && isScalarSecret(v))
        found.push({ keyPath: path.toString(), what: `a literal string; the key "${secretAbove}" above it names a secret` });
      else if ((kind === KeyKind.WEAK || kind === KeyKind.REFERENCE) && looksRandom(v))
        found.push({
          keyPath: path.toString(),
          what: `a literal string that looks like a key or token (long and random) under key "${key}"`,
        });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        // An argument after a flag naming a secret is its value: `args: [--db-password, …]`.
        const flag = i > 0 && typeof v[i - 1] === 'string' ? FLAG.exec(v[i - 1] as string) : null;
        const value = v[i];
        if (flag !== null && isSecretKey(flag[1]!) && typeof value === 'string' && !value.startsWith('-') && isScalarSecret(value))
          found.push({ keyPath: path.toString(), what: `a literal string; the flag "${flag[0]}" before it names a secret` });
        else visit(value, kind, key, secretAbove, byKey);
        path.pop();
      }
    } else if (v !== null && typeof v === 'object') {
      const map = v as Record<string, unknown>;
      const envName = byKey && typeof map.name === 'string' && 'value' in map && isSecretKey(map.name) ? map.name : undefined;
      for (const k of Object.keys(map)) {
        path.push(k);
        const child = map[k];
        if (envName !== undefined && k === 'value' && isScalarSecret(child) && !(typeof child === 'string' && secretInString(child))) {
          found.push({ keyPath: path.toString(), what: `a literal ${typeof child}; the entry's name "${envName}" names a secret` });
        } else {
          const childKind = byKey ? kindOf(k) : KeyKind.PLAIN;
          const above =
            childKind === KeyKind.REFERENCE || childKind === KeyKind.SETTING ? undefined : kind === KeyKind.SECRET ? key : secretAbove;
          // Beneath a reference (`secretStoreRef: { name, kind }`, `annotations`), keys tell nothing.
          const nested = child !== null && typeof child === 'object';
          visit(child, childKind, k, above, byKey && !(childKind === KeyKind.REFERENCE && nested));
        }
        path.pop();
      }
    } else if (byKey && (typeof v === 'number' || typeof v === 'boolean')) {
      if (kind === KeyKind.SECRET && isScalarSecret(v))
        found.push({ keyPath: path.toString(), what: `a literal ${typeof v}; the key names a secret` });
      else if (secretAbove !== undefined && kind !== KeyKind.REFERENCE && isScalarSecret(v))
        found.push({ keyPath: path.toString(), what: `a literal ${typeof v}; the key "${secretAbove}" above it names a secret` });
    }
  };
  visit(values, KeyKind.PLAIN, '', undefined, true);
  return found;
}

/** Whether a string is a configuration file or JSON document that sets a secret ({@link embeddedDocument}). */
function embeddedSecret(s: string): boolean {
  const doc = embeddedDocument(s);
  return doc !== undefined && findLiteralSecrets(withoutPlaceholders(doc) as Values).length > 0;
}

/** A document with the values that refer to a secret ({@link isReference}: `$oidc.clientSecret`) emptied. */
function withoutPlaceholders(v: unknown): unknown {
  if (typeof v === 'string') return isReference(v) ? '' : v;
  if (Array.isArray(v)) return v.map(withoutPlaceholders);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutPlaceholders(x)]));
}

/**
 * Problems for literal secrets in one values layer. The secret itself is never repeated in
 * a message: messages end up in CI logs.
 *
 * @param allowed key paths the layer's owner allows literal strings at; `undefined` when the
 *   layer cannot allow any (only services can)
 * @param judgedElsewhere key paths a check of its own judges (and reports in its own words)
 */
export function problemsOfLiteralSecrets(
  values: Values,
  constructPath: string,
  label: string,
  allowed?: ReadonlySet<string>,
  judgedElsewhere?: (keyPath: string) => boolean,
): Problem[] {
  return literalSecretsAt(values, constructPath, label, allowed)
    .filter((f) => judgedElsewhere?.(f.keyPath) !== true)
    .map((f) => f.problem);
}

/** A problem of {@link literalSecretsAt}, with the key path of the literal secret it reports. */
export interface KeyedProblem {
  /** The key path the secret is at, as {@link findLiteralSecrets} gives it. */
  readonly keyPath: string;
  readonly problem: Problem;
}

/**
 * {@link problemsOfLiteralSecrets}, each problem with the key path it was found at: for a check
 * that later learns that a check of its own judges some of those paths, and drops their problems
 * by path, never by their text.
 */
export function literalSecretsAt(values: Values, constructPath: string, label: string, allowed?: ReadonlySet<string>): KeyedProblem[] {
  return findLiteralSecrets(values)
    .filter((f) => !allowed?.has(f.keyPath))
    .map((found) => ({ keyPath: found.keyPath, problem: literalSecretProblem(found, constructPath, label, allowed) }));
}

/**
 * The problem (`CG120`) of one literal secret `label` sets, found by {@link findLiteralSecrets}.
 *
 * @param allowed whether the layer's owner may allow literal strings (see {@link problemsOfLiteralSecrets})
 */
export function literalSecretProblem({ keyPath, what }: LiteralSecret, constructPath: string, label: string, allowed?: unknown): Problem {
  return problem('CG120', {
    constructPath,
    message: `${label} sets "${keyPath}" to ${what}, and values files are readable by everyone who can read the GitOps repository.`,
    fix:
      'Keep the secret in a secret store and reference it (e.g. externalSecrets: { enabled: true, secretStoreRef: { name: … } }), or use an existing Secret by name' +
      (allowed
        ? `; if the value is not secret, add "${keyPath}" to the service's allowLiteralSecrets.`
        : "; if the value is not secret, move it to the service's values and add the key path to its allowLiteralSecrets."),
  });
}
