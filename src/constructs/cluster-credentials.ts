import { X509Certificate } from 'crypto';
import { problem, Problem } from '../core/errors';
import { isSecretKey, looksRandom, problemsOfLiteralSecrets, secretInString } from './values-check';

/** Where an External Secrets Operator store keeps a secret: see {@link ClusterCredentials.externalSecret}. */
export interface SecretStoreReference {
  /** Name of the `SecretStore` or `ClusterSecretStore`. */
  readonly name: string;
  /** Its kind. @default 'ClusterSecretStore' */
  readonly kind?: 'SecretStore' | 'ClusterSecretStore';
}

/** One value in a secret store: the key, and the property of a structured secret. */
export interface RemoteSecretReference {
  /** The key of the secret in the store, e.g. `argocd/clusters/prod-aws-eu-central-1-01`. */
  readonly key: string;
  /** The property of a JSON secret to read. @default - the whole secret */
  readonly property?: string;
}

/** Properties of {@link ClusterCredentials.awsIam}. */
export interface AwsIamCredentialsProps {
  /** Name of the EKS cluster. */
  readonly clusterName: string;
  /** The IAM role Argo CD assumes for the cluster. @default - Argo CD's own identity (IRSA or Pod Identity) */
  readonly roleArn?: string;
  /** The cluster's CA certificate, base64-encoded PEM: public, not a credential. */
  readonly caData: string;
}

/** Properties of {@link ClusterCredentials.exec}. */
export interface ExecCredentialsProps {
  /** The credential plugin, e.g. `argocd-k8s-auth` (shipped with Argo CD). */
  readonly command: string;
  /** Its arguments, e.g. `['azure']` or `['gcp']`: settings, never a secret. @default [] */
  readonly args?: readonly string[];
  /** Environment of the plugin: names and plain settings, never a secret (CG120). @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** API version of the exec credential. @default 'client.authentication.k8s.io/v1beta1' */
  readonly apiVersion?: string;
  /** The cluster's CA certificate, base64-encoded PEM: public, not a credential. */
  readonly caData: string;
}

/** Properties of {@link ClusterCredentials.externalSecret}. */
export interface ExternalSecretCredentialsProps {
  /** The store that holds the cluster's Argo CD connection config. */
  readonly store: SecretStoreReference;
  /**
   * The secret holding Argo CD's cluster `config` JSON (bearer token or client certificate and
   * TLS settings), as Argo CD's declarative setup documents it.
   */
  readonly config: RemoteSecretReference;
  /** How often the operator reads the store again. @default '1h' */
  readonly refreshInterval?: string;
}

/**
 * How the credentials are given: the declarative cluster Secret's `config`, or a secret store's.
 * @internal
 */
export type ClusterCredentialsSpec =
  | { readonly kind: 'config'; readonly config: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'external-secret';
      readonly store: Required<SecretStoreReference>;
      readonly config: RemoteSecretReference;
      readonly refreshInterval: string;
    };

/** What the factories made: a ClusterCredentials not made by them (a forged prototype) has none. */
const MADE = new WeakMap<ClusterCredentials, { spec: ClusterCredentialsSpec; problems: readonly Problem[] }>();

/** The API versions of an exec credential plugin. */
const EXEC_API_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);

/** A command: a program name or path, nothing a shell would read. */
const COMMAND = /^[A-Za-z0-9_./-]{1,256}$/;

/** An argument of a credential plugin: a word, a flag, a flag with its value. */
const ARGUMENT = /^[A-Za-z0-9_.,:/=@+-]{0,512}$/;

/** A Go duration, as the External Secrets Operator reads `refreshInterval`. */
const GO_DURATION = /^(\d+(ns|us|µs|ms|s|m|h))+$/;

/**
 * How a self-managed Argo CD reaches a cluster it manages, for the cluster's declarative
 * Secret. Never a literal credential: the cloud's workload identity (`awsIam`, `exec` with
 * `argocd-k8s-auth`), or a secret store the External Secrets Operator reads (`externalSecret`).
 * The cluster a control plane runs on needs none: it is registered as Argo CD's in-cluster
 * destination.
 *
 * @example
 * new Cluster(prod, 'eu-central-1-01', {
 *   cloud: aws,
 *   region: 'eu-central-1',
 *   server: 'https://4f1c.gr7.eu-central-1.eks.amazonaws.com',
 *   credentials: ClusterCredentials.awsIam({ clusterName: 'prod-eu-central-1-01', caData: 'LS0tLS1CRUdJTi…' }),
 * });
 */
export class ClusterCredentials {
  /** EKS through IAM (`awsAuthConfig`): Argo CD's identity, or a role it assumes. */
  public static awsIam(props: AwsIamCredentialsProps): ClusterCredentials {
    const awsAuthConfig = { clusterName: props?.clusterName, ...(props?.roleArn === undefined ? {} : { roleARN: props.roleArn }) };
    const problems = [
      ...requiredText(props?.clusterName, 'awsIam clusterName'),
      ...(props?.roleArn === undefined ||
      (typeof props.roleArn === 'string' && /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(props.roleArn))
        ? []
        : [credentialsProblem('awsIam roleArn is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).')]),
      ...caDataProblems(props?.caData),
    ];
    return new ClusterCredentials({ kind: 'config', config: { awsAuthConfig, tlsClientConfig: tls(props?.caData) } }, problems);
  }

  /** A credential plugin run by Argo CD (`execProviderConfig`), e.g. `argocd-k8s-auth azure` with workload identity. */
  public static exec(props: ExecCredentialsProps): ClusterCredentials {
    const args: unknown = props?.args ?? [];
    const env: unknown = props?.env ?? {};
    const apiVersion = props?.apiVersion ?? 'client.authentication.k8s.io/v1beta1';
    const problems: Problem[] = [];
    if (typeof props?.command !== 'string' || !COMMAND.test(props.command)) {
      problems.push(credentialsProblem('exec command is not a program name or path (letters, digits, ".", "_", "/", "-").'));
    }
    if (typeof apiVersion !== 'string' || !EXEC_API_VERSIONS.has(apiVersion)) {
      problems.push(credentialsProblem(`exec apiVersion is not one of ${[...EXEC_API_VERSIONS].join(', ')}.`));
    }
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      problems.push(credentialsProblem('exec args is not a list of strings.'));
    } else {
      problems.push(...argumentProblems(args));
    }
    if (env === null || typeof env !== 'object' || Array.isArray(env) || !Object.values(env).every((v) => typeof v === 'string')) {
      problems.push(credentialsProblem('exec env is not a map of names to strings.'));
    } else {
      for (const [name, value] of Object.entries(env as Record<string, string>)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name))
          problems.push(credentialsProblem('exec env has a name that is not an environment variable name.'));
        else if (!isSecretKey(name) && looksSecret(value)) {
          problems.push(secretProblem(`exec env ${name} is set to a literal string that looks like a key or token`));
        }
      }
    }
    problems.push(...caDataProblems(props?.caData));
    const execProviderConfig = {
      command: props?.command,
      args: Array.isArray(args) ? [...args] : [],
      env: env !== null && typeof env === 'object' ? { ...(env as Record<string, string>) } : {},
      apiVersion,
    };
    return new ClusterCredentials({ kind: 'config', config: { execProviderConfig, tlsClientConfig: tls(props?.caData) } }, problems);
  }

  /** A secret store holds the cluster's `config`: the External Secrets Operator makes the cluster Secret from it. */
  public static externalSecret(props: ExternalSecretCredentialsProps): ClusterCredentials {
    const problems = [
      ...secretStoreProblems(props?.store, 'externalSecret store'),
      ...remoteReferenceProblems(props?.config, 'externalSecret config'),
      ...refreshIntervalProblems(props?.refreshInterval, 'externalSecret refreshInterval'),
    ];
    return new ClusterCredentials(
      {
        kind: 'external-secret',
        store: secretStoreOf(props?.store),
        config: remoteReferenceOf(props?.config),
        refreshInterval: props?.refreshInterval ?? '1h',
      },
      problems,
    );
  }

  private constructor(spec: ClusterCredentialsSpec, problems: readonly Problem[]) {
    MADE.set(this, { spec, problems });
  }
}

/**
 * The spec of credentials made by the factories of {@link ClusterCredentials}; undefined for
 * anything else (a literal, a forged object).
 * @internal
 */
export function credentialsSpecOf(credentials: unknown): ClusterCredentialsSpec | undefined {
  return credentials instanceof ClusterCredentials ? MADE.get(credentials)?.spec : undefined;
}

/**
 * What is wrong with credentials made by the factories, reported at the cluster that uses them:
 * what the factory found, and a literal secret anywhere in the config Argo CD would be given (CG120).
 * @internal
 */
export function credentialsProblemsAt(credentials: ClusterCredentials, constructPath: string): Problem[] {
  const made = MADE.get(credentials);
  if (made === undefined) return [];
  const literal =
    made.spec.kind === 'config'
      ? problemsOfLiteralSecrets(made.spec.config as never, constructPath, 'The cluster credentials', undefined, judgedAsExec)
      : [];
  return [...made.problems.map((p) => ({ ...p, constructPath })), ...literal];
}

/**
 * Key paths of the credentials' config whose values the exec plugin's checks judge, by what each
 * means: its arguments (see `argumentProblems`), and the variables of its environment whose names
 * do not name a secret (a value that looks like a key or token is reported there).
 */
function judgedAsExec(keyPath: string): boolean {
  const env = 'execProviderConfig.env.';
  return keyPath.startsWith('execProviderConfig.args') || (keyPath.startsWith(env) && !isSecretKey(keyPath.slice(env.length)));
}

/** The store reference as written: its name and kind (`ClusterSecretStore` unless given). */
export function secretStoreOf(store: SecretStoreReference | undefined): Required<SecretStoreReference> {
  return { name: store?.name as string, kind: store?.kind ?? 'ClusterSecretStore' };
}

/** A reference as written: its key, and its property when given. */
export function remoteReferenceOf(ref: RemoteSecretReference | undefined): RemoteSecretReference {
  return { key: ref?.key as string, ...(ref?.property === undefined ? {} : { property: ref.property }) };
}

/** What is wrong with a secret store reference (CG149). */
export function secretStoreProblems(store: unknown, field: string): Problem[] {
  if (store === null || typeof store !== 'object') return [credentialsProblem(`${field} is not a store reference ({ name, kind }).`)];
  const s = store as Record<string, unknown>;
  const kind = s.kind ?? 'ClusterSecretStore';
  return [
    ...requiredText(s.name, `${field}.name`, /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/),
    ...(kind === 'SecretStore' || kind === 'ClusterSecretStore'
      ? []
      : [credentialsProblem(`${field}.kind is neither SecretStore nor ClusterSecretStore.`)]),
  ];
}

/** What is wrong with a reference to a value in a store (CG149): a literal where a reference goes is refused. */
export function remoteReferenceProblems(ref: unknown, field: string): Problem[] {
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) {
    return [
      credentialsProblem(
        `${field} is not a reference ({ key, property }) to a value in the store${typeof ref === 'string' ? ': a literal is refused, everyone who can read the GitOps repository could read it' : ''}.`,
      ),
    ];
  }
  const r = ref as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => k !== 'key' && k !== 'property');
  return [
    ...requiredText(r.key, `${field}.key`),
    ...(r.property === undefined ? [] : requiredText(r.property, `${field}.property`)),
    ...(extra.length === 0 ? [] : [credentialsProblem(`${field} has fields other than key and property (${extra.length}).`)]),
  ];
}

/** What is wrong with an External Secrets Operator refresh interval (CG149). */
export function refreshIntervalProblems(interval: unknown, field: string): Problem[] {
  return interval === undefined || (typeof interval === 'string' && GO_DURATION.test(interval))
    ? []
    : [credentialsProblem(`${field} is not a Go duration (e.g. 1h, 15m).`)];
}

function credentialsProblem(message: string): Problem {
  return problem('CG149', {
    message,
    fix: 'Reference the credentials: ClusterCredentials.awsIam({ … }), ClusterCredentials.exec({ command: "argocd-k8s-auth", args: ["azure"], … }) or ClusterCredentials.externalSecret({ store, config: { key } }).',
  });
}

function secretProblem(what: string): Problem {
  return problem('CG120', {
    message: `${what}, and the cluster's Secret is readable by everyone who can read the GitOps repository.`,
    fix: 'Use workload identity (the plugin reads its credential from the pod, e.g. argocd-k8s-auth azure with AZURE_CLIENT_ID only), or ClusterCredentials.externalSecret with the whole config in a secret store.',
  });
}

function requiredText(value: unknown, field: string, pattern = /^[^\n\r]{1,1024}$/): Problem[] {
  return typeof value === 'string' && value.trim() === value && pattern.test(value)
    ? []
    : [credentialsProblem(`${field} is missing or not one line of text.`)];
}

/** A JSON Web Token: three base64url parts joined by dots. */
const JWT = /^eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*$/;

/** A flag of a credential plugin that takes a secret: one whose name names a secret, `--jwt`, `--pat`, `-p`. */
function isSecretFlag(name: string): boolean {
  return isSecretKey(name) || /^(p|jwt|pat|pw)$/i.test(name);
}

/** A flag that is a switch, whatever its name says (`--oidc-use-access-token`, `--no-token-cache`): it takes no value. */
function isSwitch(name: string): boolean {
  return name.split(/[-_]/).some((w) => SWITCH_WORDS.has(w.toLowerCase()));
}

const SWITCH_WORDS = new Set(['use', 'enable', 'enabled', 'disable', 'disabled', 'skip', 'no', 'allow', 'insecure', 'cache']);

/** Whether a plain value (no key to go by) looks like a secret: a token, a JWT, a key, a URL with a password. */
function looksSecret(value: string): boolean {
  return looksRandom(value) || JWT.test(value) || secretInString(value) !== undefined;
}

/** Arguments that carry a secret: the value of a flag naming one (`--client-secret X`, `--token=X`, `-p X`), or one that looks like a key. */
function argumentProblems(args: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  for (const [i, arg] of args.entries()) {
    if (!ARGUMENT.test(arg)) {
      problems.push(credentialsProblem(`exec args[${i}] has characters other than letters, digits and . _ , : / = @ + -.`));
      continue;
    }
    const flag = /^--?([A-Za-z][A-Za-z0-9_-]*)(=(.*))?$/.exec(arg);
    const previous = i > 0 ? /^--?([A-Za-z][A-Za-z0-9_-]*)$/.exec(args[i - 1]!) : null;
    if (flag?.[3] !== undefined && flag[3] !== '' && isSecretFlag(flag[1]!)) {
      problems.push(
        secretProblem(`exec args[${i}] gives the flag ${arg.slice(0, arg.indexOf('='))} a literal value, and the flag takes a secret`),
      );
    } else if (previous !== null && isSecretFlag(previous[1]!) && !isSwitch(previous[1]!)) {
      // What follows a flag that takes a secret is its value, even when it starts with "-" or "--"
      // (a switch, such as --oidc-use-access-token, takes none).
      problems.push(secretProblem(`exec args[${i}] is a literal value of the flag ${args[i - 1]}, which takes a secret`));
    } else if (looksSecret(flag?.[3] ?? arg)) {
      problems.push(secretProblem(`exec args[${i}] is a literal string that looks like a key or token`));
    }
  }
  return problems;
}

function tls(caData: unknown): Record<string, unknown> {
  return { insecure: false, caData };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END CERTIFICATE-----/g;

/** A CA certificate, base64-encoded PEM: one or more certificate blocks and nothing else. */
function caDataProblems(caData: unknown): Problem[] {
  if (typeof caData !== 'string' || caData.length > 65_536 || !/^[A-Za-z0-9+/]+={0,2}$/.test(caData)) {
    return [credentialsProblem('caData is missing or not base64 (the cluster CA certificate, base64-encoded PEM).')];
  }
  const pem = Buffer.from(caData, 'base64').toString('latin1');
  const blocks = [...pem.matchAll(PEM_CERTIFICATE)];
  // Nothing but certificate blocks and the whitespace between them.
  const rest = pem.replace(PEM_CERTIFICATE, '').trim();
  if (blocks.length === 0 || rest !== '') {
    return [
      credentialsProblem(
        /PRIVATE/.test(pem)
          ? 'caData holds a private key; it takes the cluster CA certificate only, which is public.'
          : 'caData is not only base64-encoded PEM certificates (-----BEGIN CERTIFICATE-----): it takes the cluster CA certificate only, which is public.',
      ),
    ];
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block[0]);
    } catch {
      return [credentialsProblem('caData holds a certificate block that is not an X.509 certificate.')];
    }
  }
  return [];
}
