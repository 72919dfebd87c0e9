import { problem, Problem } from '../core/errors';
import { problemsOfLiteralSecrets } from './values-check';

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
  /** Its arguments, e.g. `['azure']` or `['gcp']`. @default [] */
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

/** How the credentials are given: the declarative cluster Secret's `config`, or a secret store's. */
export type ClusterCredentialsSpec =
  | { readonly kind: 'config'; readonly config: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'external-secret';
      readonly store: Required<SecretStoreReference>;
      readonly config: RemoteSecretReference;
      readonly refreshInterval: string;
    };

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
    const awsAuthConfig = { clusterName: props.clusterName, ...(props.roleArn === undefined ? {} : { roleARN: props.roleArn }) };
    const problems = [
      ...requiredText(props.clusterName, 'awsIam clusterName'),
      ...(props.roleArn === undefined || /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(props.roleArn)
        ? []
        : [credentialsProblem(`awsIam roleArn "${String(props.roleArn)}" is not an IAM role ARN.`)]),
      ...caDataProblems(props.caData),
    ];
    return new ClusterCredentials({ kind: 'config', config: { awsAuthConfig, tlsClientConfig: tls(props.caData) } }, problems);
  }

  /** A credential plugin run by Argo CD (`execProviderConfig`), e.g. `argocd-k8s-auth azure` with workload identity. */
  public static exec(props: ExecCredentialsProps): ClusterCredentials {
    const execProviderConfig = {
      command: props.command,
      args: [...(props.args ?? [])],
      env: { ...(props.env ?? {}) },
      apiVersion: props.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
    };
    const problems = [
      ...requiredText(props.command, 'exec command'),
      ...(Array.isArray(props.args ?? []) && (props.args ?? []).every((a) => typeof a === 'string')
        ? []
        : [credentialsProblem('exec args is not a list of strings.')]),
      ...caDataProblems(props.caData),
    ];
    return new ClusterCredentials({ kind: 'config', config: { execProviderConfig, tlsClientConfig: tls(props.caData) } }, problems);
  }

  /** A secret store holds the cluster's `config`: the External Secrets Operator makes the cluster Secret from it. */
  public static externalSecret(props: ExternalSecretCredentialsProps): ClusterCredentials {
    const store = { name: props.store?.name, kind: props.store?.kind ?? 'ClusterSecretStore' };
    const problems = [
      ...requiredText(store.name, 'externalSecret store.name'),
      ...(store.kind === 'SecretStore' || store.kind === 'ClusterSecretStore'
        ? []
        : [credentialsProblem(`externalSecret store.kind "${String(store.kind)}" is neither SecretStore nor ClusterSecretStore.`)]),
      ...requiredText(props.config?.key, 'externalSecret config.key'),
      ...(props.config?.property === undefined ? [] : requiredText(props.config.property, 'externalSecret config.property')),
      ...(props.refreshInterval === undefined || /^(\d+(ns|us|µs|ms|s|m|h))+$/.test(props.refreshInterval)
        ? []
        : [credentialsProblem(`externalSecret refreshInterval "${String(props.refreshInterval)}" is not a Go duration (e.g. 1h, 15m).`)]),
    ];
    return new ClusterCredentials(
      {
        kind: 'external-secret',
        store: store as Required<SecretStoreReference>,
        config: { key: props.config?.key, ...(props.config?.property === undefined ? {} : { property: props.config.property }) },
        refreshInterval: props.refreshInterval ?? '1h',
      },
      problems,
    );
  }

  private constructor(
    /** @internal */
    public readonly spec: ClusterCredentialsSpec,
    /** @internal */
    public readonly problems: readonly Problem[],
  ) {}

  /**
   * What is wrong with the credentials, reported at the cluster that uses them: anything above,
   * and a literal secret anywhere in the config Argo CD would be given (CG120).
   * @internal
   */
  public problemsAt(constructPath: string): Problem[] {
    const literal =
      this.spec.kind === 'config' ? problemsOfLiteralSecrets(this.spec.config as never, constructPath, 'The cluster credentials') : [];
    return [...this.problems.map((p) => ({ ...p, constructPath })), ...literal];
  }
}

function credentialsProblem(message: string): Problem {
  return problem('CG149', {
    message,
    fix: 'Reference the credentials: ClusterCredentials.awsIam({ … }), ClusterCredentials.exec({ command: "argocd-k8s-auth", args: ["azure"], … }) or ClusterCredentials.externalSecret({ store, config: { key } }).',
  });
}

function requiredText(value: unknown, field: string): Problem[] {
  return typeof value === 'string' && value.trim() !== '' && !/[\n\r]/.test(value)
    ? []
    : [credentialsProblem(`${field} is missing or not one line of text.`)];
}

function tls(caData: string): Record<string, unknown> {
  return { insecure: false, caData };
}

/** A CA certificate, base64-encoded PEM; never a private key. */
function caDataProblems(caData: unknown): Problem[] {
  if (typeof caData !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(caData)) {
    return [credentialsProblem('caData is missing or not base64 (the cluster CA certificate, base64-encoded PEM).')];
  }
  const pem = Buffer.from(caData, 'base64').toString('latin1');
  if (/PRIVATE KEY/.test(pem)) {
    return [credentialsProblem('caData holds a private key; it takes the cluster CA certificate only, which is public.')];
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    return [credentialsProblem('caData is not a base64-encoded PEM certificate (-----BEGIN CERTIFICATE-----).')];
  }
  return [];
}
