/**
 * How the CLI reaches the Argo CD of each control plane: the environment the argocd CLI reads
 * (`ARGOCD_SERVER`, `ARGOCD_AUTH_TOKEN`, and each control plane's own `…_<CP>`) and the
 * program's settings (`Reconciler.argoCd({ api })`), a token only ever going to the server it
 * was given for.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import { ArgoCdClient, ArgoCdConnection } from '../live/argocd-client';
import type { ArgoCdApiModel, PlatformModel } from '../model/platform-model';
import type { CommandContext } from './command';
import { isFromCheckout } from './without-program';

/** The suffix of a control plane's own variables: its name upper-cased, `-` as `_` (`prod-eu` → `PROD_EU`). */
function variableSuffix(cp: string): string {
  return cp.toUpperCase().replace(/-/g, '_');
}

/**
 * How to reach the Argo CD of control plane `cp`, from the environment the argocd CLI reads and
 * the program's settings (`api`). A token goes only to the server it belongs with: the control
 * plane's own `ARGOCD_AUTH_TOKEN_<CP>` to its own server (`ARGOCD_SERVER_<CP>`, else the
 * program's), the shared `ARGOCD_AUTH_TOKEN` only to the shared `ARGOCD_SERVER`, used where the
 * control plane has neither a variable of its own nor a server in the program.
 */
export function argoCdConnection(
  env: Readonly<Record<string, string | undefined>>,
  cp: string,
  api: ArgoCdApiModel = {},
): ArgoCdConnection {
  const suffix = variableSuffix(cp);
  const ownVariables = env[`ARGOCD_SERVER_${suffix}`] !== undefined || env[`ARGOCD_AUTH_TOKEN_${suffix}`] !== undefined;
  const own = ownVariables || api.server !== undefined;
  // TLS settings that weaken a connection go with the server they were given for: a control
  // plane's own server takes only its own (a shared ARGOCD_PLAINTEXT is for the shared server).
  const weakening = (v: string): string | undefined => (own ? env[`${v}_${suffix}`] : env[v]);
  const server = own ? (env[`ARGOCD_SERVER_${suffix}`] ?? api.server) : env.ARGOCD_SERVER;
  const token = own ? env[`ARGOCD_AUTH_TOKEN_${suffix}`] : env.ARGOCD_AUTH_TOKEN;
  const missing = (variable: string, why: string): GitOpsError =>
    GitOpsError.of('CG801', {
      message: `The Argo CD of control plane ${cp}: ${variable} is not set${why}.`,
      fix: `Set ARGOCD_SERVER_${suffix} (host[:port]) and ARGOCD_AUTH_TOKEN_${suffix}, or ARGOCD_SERVER and ARGOCD_AUTH_TOKEN for every control plane.`,
    });
  if (server === undefined || server === '') {
    throw missing(
      own ? `ARGOCD_SERVER_${suffix}` : 'ARGOCD_SERVER',
      own ? ` (ARGOCD_SERVER_${suffix} and ARGOCD_AUTH_TOKEN_${suffix} go together)` : '',
    );
  }
  if (token === undefined || token === '') {
    throw missing(
      own ? `ARGOCD_AUTH_TOKEN_${suffix}` : 'ARGOCD_AUTH_TOKEN',
      !own
        ? ''
        : ownVariables
          ? ` (ARGOCD_SERVER_${suffix} and ARGOCD_AUTH_TOKEN_${suffix} go together)`
          : ' (the program gives the control plane its own server, and a shared ARGOCD_AUTH_TOKEN is never sent to it)',
    );
  }
  if (looksLikeToken(server) || looksLikeServer(token)) {
    const [serverVariable, tokenVariable] = own
      ? [`ARGOCD_SERVER_${suffix}`, `ARGOCD_AUTH_TOKEN_${suffix}`]
      : ['ARGOCD_SERVER', 'ARGOCD_AUTH_TOKEN'];
    throw GitOpsError.of('CG801', {
      message: `The Argo CD of control plane ${cp}: ${looksLikeToken(server) ? `the server (${serverVariable}${own && env[serverVariable] === undefined ? ", or the program's server" : ''}) looks like a token` : `the token (${tokenVariable}) looks like a server`}; neither is shown. Nothing was asked of Argo CD.`,
      fix: `Check that ${serverVariable} holds the server (host[:port]) and ${tokenVariable} the token: they may be swapped.`,
    });
  }
  const caFile = env[`ARGOCD_CA_FILE_${suffix}`] ?? api.caFile ?? env.ARGOCD_CA_FILE;
  return {
    controlPlane: cp,
    server,
    token,
    ...(caFile ? { caFile } : {}),
    ...(weakening('ARGOCD_INSECURE') === 'true' ? { insecure: true } : {}),
    ...(weakening('ARGOCD_PLAINTEXT') === 'true' ? { plaintext: true } : {}),
    ...(api.timeoutSeconds === undefined ? {} : { timeoutMs: api.timeoutSeconds * 1000 }),
  };
}

/** Whether a server setting is a token: a JSON Web Token, as Argo CD's are (`eyJ…`), or a `Bearer …` header. */
function looksLikeToken(server: string): boolean {
  return /^(bearer\s+)?eyJ[A-Za-z0-9_-]+\./i.test(server.trim());
}

/** Whether a token setting is a server: host[:port] or a URL, not the JSON Web Token Argo CD issues. */
function looksLikeServer(token: string): boolean {
  return (
    !/^eyJ/.test(token) &&
    (/^[a-z][a-z0-9+.-]*:\/\//i.test(token) || /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\/?$/i.test(token) || /^[a-z0-9.-]+:\d+$/i.test(token))
  );
}

/** Whether anything says where the Argo CD of control plane `cp` is: a variable of the environment or the program's server. */
export function argoCdConfigured(env: Readonly<Record<string, string | undefined>>, cp: string, api: ArgoCdApiModel = {}): boolean {
  const suffix = variableSuffix(cp);
  return (
    api.server !== undefined ||
    ['ARGOCD_SERVER', 'ARGOCD_AUTH_TOKEN', `ARGOCD_SERVER_${suffix}`, `ARGOCD_AUTH_TOKEN_${suffix}`].some((v) => (env[v] ?? '') !== '')
  );
}

/** The settings of `api` that say nothing of where a token goes. */
function onlyTimeout(api: ArgoCdApiModel): ArgoCdApiModel {
  return api.timeoutSeconds === undefined ? {} : { timeoutSeconds: api.timeoutSeconds };
}

/**
 * A client of the Argo CD of each control plane of `planes`, from the environment and the
 * program's settings; fails (CG801, CG802) when one has no usable settings, before any request.
 */
export function argoCdClients(model: PlatformModel, planes: readonly string[], env: CommandContext['env']): Map<string, ArgoCdClient> {
  return new Map(planes.map((cp) => [cp, new ArgoCdClient(connectionOf(model, cp, env))]));
}

/** How to reach the Argo CD of control plane `cp`, from the environment and the program's settings. */
function connectionOf(model: PlatformModel, cp: string, env: CommandContext['env']): ArgoCdConnection {
  const reconciler = model.controlPlanes.find((c) => c.name === cp)?.reconciler;
  const declared = reconciler?.kind === 'argocd' ? reconciler.api : undefined;
  // A model read from the checkout never says where a token goes: only the program and the environment do.
  const api = declared === undefined ? undefined : isFromCheckout(model) ? onlyTimeout(declared) : declared;
  return argoCdConnection(env, cp, api);
}

/**
 * A note naming the control planes of `planes` whose Argo CD is asked without verifying its TLS
 * certificate (`ARGOCD_INSECURE…=true`) or over plain HTTP (`ARGOCD_PLAINTEXT…=true`): anyone on
 * the way could answer for it, so what it says (a ring running its release, Synced and Healthy)
 * is said with less weight. Undefined when every one is verified, or cannot be asked.
 */
export function unverifiedConnectionsNote(model: PlatformModel, planes: readonly string[], env: CommandContext['env']): string | undefined {
  const weak = [...new Set(planes)].sort().flatMap((cp) => {
    let c: ArgoCdConnection;
    try {
      c = connectionOf(model, cp, env);
    } catch {
      return []; // no settings: asking it fails with its own message
    }
    const how =
      c.plaintext === true
        ? 'over plain HTTP (ARGOCD_PLAINTEXT)'
        : c.insecure === true
          ? 'without verifying its TLS certificate (ARGOCD_INSECURE)'
          : undefined;
    return how === undefined ? [] : [`The Argo CD of control plane ${cp} was asked ${how}`];
  });
  if (weak.length === 0) return undefined;
  return `${weak.join('; ')}: anyone between this machine and it could have answered in its name. Give its CA instead (ARGOCD_CA_FILE, or the control plane's own), and an https server.`;
}
