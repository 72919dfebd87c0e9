import { problem, Problem } from '../core/errors';
import { redactUrl } from '../model/names';
import type { ArgoCdApiModel, ReconcilerModel } from '../model/platform-model';
import { Duration } from './duration';
import { FluxSourceCredentials } from './flux-credentials';

/** Properties of {@link Reconciler.flux}. */
export interface FluxReconcilerProps {
  /** How often Flux reconciles each cluster's objects (`spec.interval`), from a second to a day. @default Duration.minutes(10) */
  readonly interval?: Duration;
  /**
   * How Flux authenticates to the private repositories it reads charts and Kustomize bases from.
   * @default - none: every chart and base is read without credentials
   */
  readonly sourceCredentials?: readonly FluxSourceCredentials[];
}

/**
 * How the CLI reaches the API of a control plane's Argo CD, for `status --live`, `wait` and
 * health gates. The token is never part of the program: the CLI reads it from
 * `ARGOCD_AUTH_TOKEN_<CONTROL PLANE>` (upper case, `-` as `_`), and `ARGOCD_SERVER_<CONTROL PLANE>`
 * set in the environment overrides `server`.
 */
export interface ArgoCdApiProps {
  /**
   * The API server as the argocd CLI's `--server` takes it: `host[:port]` (HTTPS, port 443
   * unless given), or an `https://` URL.
   * @default - `ARGOCD_SERVER` (with `ARGOCD_AUTH_TOKEN`)
   */
  readonly server?: string;
  /**
   * A PEM file of the CA that signed the server's certificate, relative to where the CLI runs.
   * @default - `ARGOCD_CA_FILE`, else the system's CAs
   */
  readonly caFile?: string;
  /** How long one request may take, from a second to five minutes. @default Duration.seconds(10) */
  readonly timeout?: Duration;
}

/** Properties of {@link Reconciler.argoCd}. */
export interface ArgoCdReconcilerProps {
  /**
   * How the CLI reaches this Argo CD's API.
   * @default - `ARGOCD_SERVER` and `ARGOCD_AUTH_TOKEN` from the environment, a 10 s timeout
   * @example
   * Reconciler.argoCd({ api: { server: 'argocd.prod.example.com', timeout: Duration.seconds(30) } });
   */
  readonly api?: ArgoCdApiProps;
}

/**
 * Who reconciles a control plane's environments: Argo CD (one instance for all their clusters,
 * ApplicationSets generating an Application per target), or Flux (one per cluster, bootstrapped
 * from `clusters/<environment>/<cloud>/<cluster>/`, a Kustomization and a HelmRelease per target).
 *
 * @example
 * new ControlPlane(platform, 'nonprod', { reconciler: Reconciler.flux() });
 */
export class Reconciler {
  /** Argo CD: the default. */
  public static argoCd(props: ArgoCdReconcilerProps = {}): Reconciler {
    const { api, problems } = apiModel(props?.api);
    return new Reconciler({ kind: 'argocd', ...(api === undefined ? {} : { api }) }, problems);
  }

  /** Flux, one per cluster. */
  public static flux(props: FluxReconcilerProps = {}): Reconciler {
    const interval = props?.interval ?? Duration.minutes(10);
    // At most a day: a longer interval is no reconciliation, and Go's durations end at 290 years.
    const ok =
      interval instanceof Duration &&
      interval.problems.length === 0 &&
      Number.isInteger(interval.seconds) &&
      interval.seconds >= 1 &&
      interval.seconds <= 86_400;
    const problems: Problem[] = ok
      ? []
      : [
          problem('CG151', {
            message: 'The Flux reconciler interval is not a whole number of seconds from 1 to a day.',
            fix: 'Give interval: Duration.minutes(10) (or leave it out).',
          }),
        ];
    const given: readonly unknown[] = Array.isArray(props?.sourceCredentials) ? props.sourceCredentials : [];
    if (props?.sourceCredentials !== undefined && !Array.isArray(props.sourceCredentials)) {
      problems.push(
        problem('CG151', {
          message: 'sourceCredentials is not a list.',
          fix: 'Give sourceCredentials: [FluxSourceCredentials.secret(…), …].',
        }),
      );
    }
    const credentials: FluxSourceCredentials[] = [];
    for (const c of given) {
      if (c instanceof FluxSourceCredentials) {
        credentials.push(c);
        problems.push(...c.problems);
      } else {
        problems.push(
          problem('CG151', {
            message: 'An entry of sourceCredentials is not FluxSourceCredentials.',
            fix: 'Make each with FluxSourceCredentials.secret(url, name) or FluxSourceCredentials.provider(url, provider).',
          }),
        );
      }
    }
    const urls = credentials.map((c) => c.model.url);
    const twice = urls.find((u, i) => urls.indexOf(u) !== i);
    if (twice !== undefined) {
      problems.push(
        problem('CG151', {
          message: `sourceCredentials gives credentials for ${redactUrl(twice)} twice.`,
          fix: 'Keep one entry per URL.',
        }),
      );
    }
    return new Reconciler(
      {
        kind: 'flux',
        intervalSeconds: ok ? interval.seconds : 600,
        ...(credentials.length === 0 ? {} : { sourceCredentials: credentials.map((c) => c.model) }),
      },
      problems,
    );
  }

  private constructor(
    /** @internal */
    public readonly model: ReconcilerModel,
    /** @internal */
    public readonly problems: readonly Problem[],
  ) {}
}

/** The model of `ArgoCdApiProps`, and CG151 for what is wrong with them. */
function apiModel(props: ArgoCdApiProps | undefined): { api?: ArgoCdApiModel; problems: Problem[] } {
  if (props === undefined) return { problems: [] };
  const problems: Problem[] = [];
  const refuse = (message: string, fix: string): void => {
    problems.push(problem('CG151', { message: `The Argo CD API settings: ${message}`, fix }));
  };
  const { server, caFile, timeout } = props;
  if (server !== undefined && serverProblem(server) !== undefined) {
    refuse(serverProblem(server)!, "Give server: 'argocd.example.com' (host[:port], HTTPS) or 'https://argocd.example.com/argo-cd'.");
  }
  if (caFile !== undefined && (typeof caFile !== 'string' || caFile === '' || hasControl(caFile))) {
    refuse('caFile is not a path.', "Give caFile: 'certs/argocd-ca.pem'.");
  }
  const seconds = timeout instanceof Duration && timeout.problems.length === 0 ? timeout.seconds : undefined;
  if (timeout !== undefined && (seconds === undefined || !Number.isInteger(seconds) || seconds < 1 || seconds > 300)) {
    refuse('timeout is not a whole number of seconds from 1 to 300.', 'Give timeout: Duration.seconds(30) (or leave it out: 10 s).');
  }
  if (problems.length > 0) return { problems };
  return {
    api: {
      ...(server === undefined ? {} : { server }),
      ...(caFile === undefined ? {} : { caFile }),
      ...(seconds === undefined ? {} : { timeoutSeconds: seconds }),
    },
    problems,
  };
}

/** Why `server` is not an API server as the argocd CLI takes it; undefined when it is one. */
function serverProblem(server: unknown): string | undefined {
  if (typeof server !== 'string' || server === '' || /\s/.test(server) || hasControl(server))
    return 'server is empty or holds white space.';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(server)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'https') {
    return `server ${JSON.stringify(redactUrl(server))} is not https: the token would travel in clear.`;
  }
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `https://${server}` : server);
  } catch {
    return `server ${JSON.stringify(redactUrl(server))} is neither host[:port] nor a URL.`;
  }
  if (url.username !== '' || url.password !== '')
    return 'server names a user or password; the token is the credential, and it is read from the environment.';
  if (url.search !== '' || url.hash !== '' || (scheme === undefined && url.pathname !== '/')) {
    return `server ${JSON.stringify(redactUrl(server))} has a ${url.search !== '' ? 'query' : url.hash !== '' ? 'fragment' : 'path without https://'}.`;
  }
  return undefined;
}

/** Whether `text` holds a control character (a line break, an escape, DEL). */
function hasControl(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}
