/**
 * What the values that reach Argo CD's own installation may not hold: settings the program
 * declares itself, images the release ledger owns, objects it cannot check, and literal secrets
 * in Argo CD's credential settings (read as Argo CD would read them, or refused).
 *
 * @module
 */
import { problem, Problem } from '../core/errors';
import { isMap } from '../core/plain';
import type { Values } from '../model/values';
import { findLiteralSecrets } from './values-check';
import { yamlLibrary } from '../core/yaml/parse';

/** The settings of Argo CD's chart the program declares itself (clusters, repositories, credentials): never values. */
const DECLARED_CONFIGS = ['clusterCredentials', 'credentialTemplates', 'repositories', 'secret'] as const;

/**
 * The keys of Argo CD's chart that set an image running Argo CD's own binary (`global.image`,
 * which the release ledger owns): each component's `image`, and Dex's init container.
 */
const ARGO_CD_IMAGE_KEYS: readonly (readonly [string, string])[] = [
  ...['controller', 'server', 'repoServer', 'applicationSet', 'notifications', 'commitServer', 'redisSecretInit'].map(
    (c) => [c, 'image'] as const,
  ),
  ['dex', 'initImage'],
];

/**
 * The `configs.cm` keys of Argo CD's settings that are YAML documents holding credentials (as
 * argo-helm writes cm keys unquoted, compared trimmed and in lower case).
 */
function isCredentialSetting(cmKey: string): boolean {
  const k = cmKey.trim().toLowerCase();
  return k === 'oidc.config' || k === 'dex.config' || k.startsWith('extension.config');
}

/** The maps of the notifications engine's settings: each entry is a YAML document (a notifier's holds its credentials). */
const NOTIFICATION_MAPS = ['notifiers', 'templates', 'triggers'] as const;

/**
 * CG149, CG113 and CG120 for a layer of values that reaches Argo CD's own installation (the
 * platform's, an environment's, a cloud's, a cluster's, its own):
 * - settings the program declares itself (clusters, repositories, credentials);
 * - an image running Argo CD's binary (`server.image`, `dex.initImage`, …): the release ledger
 *   owns Argo CD's image, one for all of them;
 * - Argo CD's settings that are YAML documents holding credentials (`configs.cm."oidc.config"`,
 *   `dex.config`, `extension.config`, each entry of the notifications engine's notifiers,
 *   templates and triggers): a literal secret inside one (where Argo CD takes a `$<key>` reference
 *   to its Secret; keys compared as Go compares them, in any case), or a text cdk8s-gitops cannot
 *   read as Argo CD would (it does not parse, gives a key twice or uses aliases), which it refuses
 *   rather than pass unread. A setting turned off (`null`, `""`) is none.
 * The chart's `extraObjects` are checked on the merged values (see {@link argoCdMergedProblems}).
 *
 * @param allowed key paths where the installation allows what looks secret (`allowLiteralSecrets`)
 */
export function argoCdLayerProblems(
  values: Values,
  constructPath: string,
  label: string,
  allowed: ReadonlySet<string> = new Set(),
): Problem[] {
  const problems: Problem[] = [];
  const report = (code: 'CG113' | 'CG149', message: string, fix: string): void => {
    problems.push(problem(code, { constructPath, message, fix }));
  };
  const v = values as Record<string, unknown>;
  const configs = v.configs;
  if (isMap(configs)) {
    for (const c of DECLARED_CONFIGS) {
      if (!Object.hasOwn(configs, c)) continue;
      report(
        'CG149',
        `${label} sets configs.${c} of Argo CD's chart, which the program declares (cluster and repository Secrets, with credentials referenced, never literal).`,
        `Declare clusters with server and credentials (ClusterCredentials), and the repository's with repositoryCredentials; remove configs.${c}.`,
      );
    }
  }
  for (const [component, key] of ARGO_CD_IMAGE_KEYS) {
    const c = v[component];
    if (isMap(c) && Object.hasOwn(c, key)) {
      report(
        'CG113',
        `${label} sets ${component}.${key} of Argo CD's chart: it runs Argo CD's image (global.image), whose version the release ledger owns, ring by ring.`,
        `Remove ${component}.${key}; upgrade Argo CD with promote <installation> --digest argocd=<tag>@sha256:… (and --chart-version).`,
      );
    }
  }
  const settings: [string, unknown][] = [];
  const cm = isMap(configs) && isMap(configs.cm) ? configs.cm : {};
  // argo-helm writes these maps' keys unquoted into ConfigMaps: a key that is not plain could be read as another.
  const notifications = isMap(v.notifications) ? v.notifications : {};
  const keyed: [string, unknown][] = [
    ['configs.cm', cm],
    ...NOTIFICATION_MAPS.map((m) => [`notifications.${m}`, notifications[m]] as [string, unknown]),
  ];
  for (const [where, map] of keyed) {
    for (const k of isMap(map) ? Object.keys(map) : []) {
      if (/^[A-Za-z0-9._/-]+$/.test(k)) continue;
      const shown = JSON.stringify(k);
      report(
        'CG149',
        `${label} sets a key of ${where} with characters other than letters, digits, ".", "_", "/" and "-" (${shown.length > 40 ? `${shown.slice(0, 37)}…` : shown}): the chart writes it unquoted, where YAML could read it as another key.`,
        'Write the key as Argo CD names the setting.',
      );
    }
  }
  settings.push(
    ...credentialSettings(v).map(
      ([keys, text]) => [keys.map((k, i) => (i < keys.length - 1 ? k : keyName(k))).join('.'), text] as [string, unknown],
    ),
  );
  for (const [path, text] of settings) {
    if (text === null || text === undefined || text === '') continue; // turned off
    const read = readSetting(text);
    if (read.problem !== undefined) {
      report(
        'CG149',
        `${label} sets ${path}, which cdk8s-gitops cannot read as Argo CD would: ${read.problem}, so what it holds is not known.`,
        'Write it as plain YAML: a map, each key once, no aliases.',
      );
      continue;
    }
    // As written, and with keys folded as Go matches them (an odd spelling is found by its folded path).
    const plain = findLiteralSecrets({ '': withoutReferences(read.value) } as Values);
    const seen = new Set(plain.map((f) => f.keyPath.toLowerCase()));
    const folded = findLiteralSecrets({ '': withoutReferences(foldedKeys(read.value)) } as Values).filter((f) => !seen.has(f.keyPath));
    for (const found of [...plain, ...folded, ...authorizationCredentials(read.value)]) {
      const inner = found.keyPath.replace(/^\.|^\[""\]\.?/, '');
      if (allowed.has(`${path}.${inner}`)) continue;
      problems.push(
        problem('CG120', {
          constructPath,
          message: `${label} sets ${path}, whose "${inner}" is ${found.what}, and values files are readable by everyone who can read the GitOps repository.`,
          fix: `Keep the secret in Argo CD's Secret and reference it: $<key> of argocd-secret (e.g. clientSecret: $oidc.clientSecret) or $<secret>:<key>; if it is no secret, add "${path}.${inner}" to allowLiteralSecrets.`,
        }),
      );
    }
  }
  return problems;
}

/**
 * CG149 for what the merged values of Argo CD's installation on one cluster hold: the chart's
 * `extraObjects`, objects cdk8s-gitops cannot check (argo-helm templates each one, and Argo CD
 * unpacks lists), which could register a cluster or repository outside the program or hold a
 * credential. Checked merged, so an installation may empty what a shared layer gives.
 */
export function argoCdMergedProblems(values: Values, constructPath: string, controllerReplicas?: number): Problem[] {
  const controller = (values as Record<string, unknown>).controller;
  const replicas = isMap(controller) ? controller.replicas : undefined;
  // The shards of the cluster Secrets are bounded by the declared replicas: values may not run another count.
  const replicaProblems =
    controllerReplicas !== undefined && replicas !== controllerReplicas
      ? [
          problem('CG154', {
            constructPath,
            message: `Argo CD's values set controller.replicas to ${JSON.stringify(replicas) ?? String(replicas)}, but its control plane declares controllerReplicas ${controllerReplicas}, which the cluster Secrets' shards count to.`,
            fix: 'Declare the count once, as controllerReplicas of the control plane, and remove controller.replicas from the values.',
          }),
        ]
      : [];
  return [...replicaProblems, ...extraObjectsProblems(values, constructPath)];
}

function extraObjectsProblems(values: Values, constructPath: string): Problem[] {
  const extra = (values as Record<string, unknown>).extraObjects;
  const empty =
    extra === undefined ||
    extra === null ||
    (Array.isArray(extra) && extra.length === 0) ||
    (isMap(extra) && Object.keys(extra).length === 0);
  if (empty) return [];
  return [
    problem('CG149', {
      constructPath,
      message:
        "Argo CD's values set extraObjects, objects cdk8s-gitops cannot check (the chart templates each one): they could register a cluster or repository outside the program, or hold a credential.",
      fix: "Declare objects beside Argo CD in the program: a service with a rendered workload, or a cluster add-on, in their own namespace; or set extraObjects: [] in the installation's values.",
    }),
  ];
}

/** Values that are an HTTP authorization with its credential (`Bearer <token>`, `Basic <…>`), wherever they stand. */
function authorizationCredentials(value: unknown, path = ''): { keyPath: string; what: string }[] {
  if (typeof value === 'string') {
    // The scheme and one word, all of the value: prose or a template ("Bearer {{ .token }}") is none.
    return /^(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}$/i.test(value.trim())
      ? [{ keyPath: path, what: 'a literal HTTP authorization with its credential' }]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((x, i) => authorizationCredentials(x, `${path}[${i}]`));
  if (isMap(value)) return Object.entries(value).flatMap(([k, x]) => authorizationCredentials(x, path === '' ? k : `${path}.${k}`));
  return [];
}

/** Whether two keys of one map of `value` (at any depth) are one key as Go's JSON decoding folds them. */
function foldsTwice(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(foldsTwice);
  if (!isMap(value)) return false;
  const keys = Object.keys(value).map(foldKey);
  return new Set(keys).size !== keys.length || Object.values(value).some(foldsTwice);
}

/** A key as Go's JSON decoding matches it: Unicode case folding. */
function foldKey(k: string): string {
  return k
    .normalize('NFKC')
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .toLowerCase();
}

/**
 * A document's keys as Go's JSON decoding matches them to fields: without case (Unicode folding,
 * so `clientSecreT`, `clientſecret` are `clientsecret`). Which key names a secret is then told on
 * the folded key.
 */
function foldedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(foldedKeys);
  if (!isMap(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [foldKey(k), foldedKeys(x)]));
}

/** The YAML settings of Argo CD's values read for credentials: the keys to each, and its text. */
function credentialSettings(v: Record<string, unknown>): [string[], unknown][] {
  const configs = isMap(v.configs) ? v.configs : {};
  const cm = isMap(configs.cm) ? configs.cm : {};
  const notifications = isMap(v.notifications) ? v.notifications : {};
  return [
    ...Object.entries(cm)
      .filter(([k]) => isCredentialSetting(k))
      .map(([k, text]) => [['configs', 'cm', k], text] as [string[], unknown]),
    ...NOTIFICATION_MAPS.flatMap((m) =>
      Object.entries(isMap(notifications[m]) ? notifications[m] : {}).map(
        ([k, text]) => [['notifications', m, k], text] as [string[], unknown],
      ),
    ),
  ];
}

/**
 * The key paths (as `findLiteralSecrets` gives them) of the settings {@link argoCdLayerProblems}
 * reads for credentials, key by key: its problems say where in the setting a secret is.
 */
export function argoCdCredentialSettingPaths(values: Values): string[] {
  return credentialSettings(values as Record<string, unknown>).map(([keys]) => keys.join('.'));
}

/** A key as a path shows it: quoted when it has a dot (`configs.cm."oidc.config"`). */
function keyName(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/**
 * One of Argo CD's YAML settings, read strictly: one document, a map, each key once, no alias,
 * no error or warning of the parser. Argo CD's parser may read a text this one would read
 * otherwise; such a text is refused, never passed unread.
 */
function readSetting(text: unknown): { value: unknown; problem?: undefined } | { problem: string; value?: undefined } {
  if (typeof text !== 'string') return { problem: 'it is not a text' };
  // Loaded here: a program without Argo CD's own installation never needs the YAML parser.
  const { parseAllDocuments, visit } = yamlLibrary();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: true });
  } catch {
    return { problem: 'it does not parse as YAML' };
  }
  if (!Array.isArray(docs)) return { problem: 'it does not parse as YAML' };
  if (docs.length !== 1) return { problem: docs.length === 0 ? 'it is empty' : 'it holds more than one YAML document' };
  const doc = docs[0]!;
  if (doc.errors.length > 0 || doc.warnings.length > 0) return { problem: 'it does not parse as YAML (or gives a key twice)' };
  let aliases = false;
  visit(doc, {
    Alias() {
      aliases = true;
      return visit.BREAK;
    },
  });
  if (aliases) return { problem: 'it uses YAML aliases' };
  const value = doc.toJS();
  if (!isMap(value) && !Array.isArray(value)) return { problem: 'it is neither a YAML map nor a list' };
  if (foldsTwice(value)) return { problem: 'it gives a key twice, as Argo CD compares keys (in any case)' };
  return { value };
}

/**
 * `value` with references left out, which are no literal: Argo CD's to its Secrets (`$key`,
 * `$secret:key`), and a Dex setting's environment variable (`secretEnv: CLIENT_SECRET`, a name).
 */
function withoutReferences(value: unknown): unknown {
  if (typeof value === 'string') return /^\$[A-Za-z0-9._:-]+$/.test(value) ? '' : value;
  if (Array.isArray(value)) return value.map(withoutReferences);
  if (isMap(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        /env$/i.test(k) && typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? '' : withoutReferences(v),
      ]),
    );
  }
  return value;
}
