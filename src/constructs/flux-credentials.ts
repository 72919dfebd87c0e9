import { problem, Problem } from '../core/errors';
import { redactQuery } from '../core/url-credentials';
import { dns1123SubdomainProblem } from '../model/names';
import type { FluxSourceCredentialsModel } from '../model/platform-model';

/** A cloud identity Flux's source-controller can read a repository with, without a Secret. */
export type FluxSourceProvider = 'aws' | 'azure' | 'gcp';

const PROVIDERS: readonly string[] = ['aws', 'azure', 'gcp'];

/** What a URL of a repository may start with: `https://`, `http://`, `ssh://`, `oci://` or `git@`. */
const REPOSITORY_URL = /^(https?:\/\/|ssh:\/\/|oci:\/\/|git@)[^\s]+$/;

/**
 * How Flux authenticates to private repositories it reads charts and Kustomize bases from, for
 * the repositories under one URL: the first of a reconciler's credentials whose URL is the
 * source's, or a prefix of it up to a `/`, gives the source its `spec.secretRef` or
 * `spec.provider`. The longest such URL wins.
 *
 * A Secret is read from the service's own namespace on each cluster (Flux's multi-tenancy
 * lockdown refuses references across namespaces): make it there with your secret tooling
 * (External Secrets Operator, SOPS). cdk8s-gitops only names it.
 *
 * @example
 * Reconciler.flux({
 *   sourceCredentials: [
 *     FluxSourceCredentials.secret('https://git.example.com/apps', 'git-apps-read'),
 *     FluxSourceCredentials.provider('oci://123456789012.dkr.ecr.eu-central-1.amazonaws.com', 'aws'),
 *   ],
 * });
 */
export class FluxSourceCredentials {
  /**
   * A Secret of that name in each service's namespace: for Git, `username` and `password` (or
   * `bearerToken`) over HTTPS, `identity` and `known_hosts` over SSH; for a Helm repository,
   * `username` and `password`; for an OCI registry, a `kubernetes.io/dockerconfigjson` Secret.
   */
  public static secret(url: string, secretName: string): FluxSourceCredentials {
    const problems = urlProblems(url);
    const why = typeof secretName === 'string' ? dns1123SubdomainProblem(secretName) : 'it is not a string';
    if (why !== undefined) {
      problems.push(
        problem('CG151', {
          message: `The Secret name "${String(secretName).slice(0, 100)}" of Flux source credentials for ${shownUrl(url).slice(0, 200)} is not a Kubernetes name: ${why}.`,
          fix: "Give the name of the Secret in each service's namespace, e.g. 'git-apps-read'.",
        }),
      );
    }
    return new FluxSourceCredentials({ url, secretName }, problems);
  }

  /**
   * The cloud identity of Flux's source-controller (workload identity), no Secret: `aws` for ECR
   * (OCI) and CodeCommit (Git), `azure` for ACR (OCI) and Azure DevOps (Git), `gcp` for Artifact
   * Registry (OCI).
   */
  public static provider(url: string, provider: FluxSourceProvider): FluxSourceCredentials {
    const problems = urlProblems(url);
    if (!PROVIDERS.includes(provider)) {
      problems.push(
        problem('CG151', {
          message: `The provider "${String(provider).slice(0, 100)}" of Flux source credentials for ${shownUrl(url).slice(0, 200)} is not one Flux knows.`,
          fix: "Give 'aws', 'azure' or 'gcp'.",
        }),
      );
    }
    return new FluxSourceCredentials({ url, provider }, problems);
  }

  private constructor(
    /** @internal */
    public readonly model: FluxSourceCredentialsModel,
    /** @internal */
    public readonly problems: readonly Problem[],
  ) {}
}

/**
 * A credentials URL as messages show it: whatever stands between the scheme and the host is
 * masked (a user name may be a token), and the query and the fragment as {@link redactQuery} shows them.
 */
function shownUrl(url: unknown): string {
  const text = String(url).slice(0, 200);
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#\s]*)(.*)$/is.exec(text);
  if (m === null) return redactQuery(text);
  const at = m[2].lastIndexOf('@');
  return `${m[1]}${at < 0 ? m[2] : `***@${m[2].slice(at + 1)}`}${redactQuery(m[3])}`;
}

/** Why `url` cannot name repositories to give credentials, or undefined. */
function urlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string' || !REPOSITORY_URL.test(url)) return 'it is not an https://, http://, ssh://, oci:// or git@ URL';
  if (/[?#]/.test(url)) return 'it has a query or a fragment';
  if (url.endsWith('/')) return 'it ends with "/"';
  if (/[*[\]{}]/.test(url)) return 'it holds a pattern';
  const authority = /^[a-z]+:\/\/([^/]*)/i.exec(url)?.[1];
  // A user name or password in the URL: Flux reads credentials from the Secret, and the program is no place for them.
  if (authority?.includes('@') === true && !(url.startsWith('ssh://') && /^[\w.-]+@[^@:]+(:\d+)?$/.test(authority)))
    return 'it holds a user name or password';
  return undefined;
}

function urlProblems(url: unknown): Problem[] {
  const why = urlProblem(url);
  if (why === undefined) return [];
  return [
    problem('CG151', {
      message: `The URL "${shownUrl(url)}" of Flux source credentials is not the URL of a repository or of a directory of them: ${why}.`,
      fix: "Give the repositories' common URL, e.g. 'https://git.example.com/apps' or 'oci://registry.example.com/charts'.",
    }),
  ];
}
