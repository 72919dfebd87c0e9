/**
 * A small client of Argo CD's REST API, for what runs where: each Application's sync status,
 * health, synced revision(s), live images and last sync. Node's own `https` (a CA file needs it),
 * TLS verification on unless turned off, a bearer token, a timeout; every failure is an error
 * naming the control plane (CG801 unreachable, CG802 refused, CG803 unexpected).
 *
 * @module
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { GitOpsError, systemErrorCode, withoutPasswords } from '../core/errors';
import { isMap } from '../core/plain';
import { redactUrl } from '../model/names';

/** How to reach the Argo CD of one control plane. */
export interface ArgoCdConnection {
  /** Name of the control plane, for messages. */
  readonly controlPlane: string;
  /** The API server, as the argocd CLI takes it (`host[:port]`, `:443` assumed), or an `https://` URL. */
  readonly server: string;
  /** A bearer token of an account of that Argo CD (`argocd account generate-token`). */
  readonly token: string;
  /** A PEM file of the CA that signed the server's certificate. @default - the system's CAs */
  readonly caFile?: string;
  /** Skip TLS verification (the argocd CLI's `--insecure`). @default false */
  readonly insecure?: boolean;
  /** Speak plain HTTP (the argocd CLI's `--plaintext`). @default false */
  readonly plaintext?: boolean;
  /** How long a request may take, in milliseconds. @default 10000 */
  readonly timeoutMs?: number;
}

/** One source Argo CD last compared an Application's live state with (`status.sync.comparedTo`), and what it resolved it to. */
export interface ComparedSource {
  readonly repoURL: string;
  /** A path in a Git repository or an OCI artifact. @default - none */
  readonly path?: string;
  /** A chart's name in a Helm repository. @default - none */
  readonly chart?: string;
  /**
   * The name other sources of a multi-source Application read this one's files by
   * (`$name/…`): a source of values files has one, a chart's source has none. @default - none
   */
  readonly ref?: string;
  /** The revision the source names: a branch, a tag, a commit SHA, a chart version. @default - none (HEAD) */
  readonly targetRevision?: string;
  /** What Argo CD resolved it to (`status.sync.revision`, or the source's entry of `revisions`). @default - not reported */
  readonly revision?: string;
}

/** What one Application runs, as Argo CD reports it. */
export interface LiveApplication {
  readonly name: string;
  /** The namespace the Application is in (Argo CD's own, or another it is allowed to read). */
  readonly namespace: string;
  readonly project: string;
  /** `Synced`, `OutOfSync` or `Unknown`. */
  readonly sync: string;
  /** The revision(s) last compared: one, or one per source of a multi-source Application. */
  readonly revisions: readonly string[];
  /**
   * The sources it was last compared with, each with the revision it resolved to; undefined
   * where Argo CD reports none (an Application never compared).
   */
  readonly compared?: readonly ComparedSource[];
  /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`. */
  readonly health: string;
  /** Since when its health is what it is (RFC 3339). @default - not reported */
  readonly healthSince?: string;
  /** The images of its live resources. */
  readonly images: readonly string[];
  /** The last successful sync (RFC 3339), from its history. @default - never synced */
  readonly deployedAt?: string;
  /** Whether Argo CD syncs it on its own (`spec.syncPolicy.automated`, not `enabled: false`); `argocd app rollback` turns it off. */
  readonly autoSync: boolean;
  /**
   * The operation that runs (`Running`, also when a sync is asked for and has not started yet),
   * or else the last one: its phase and message (without the credentials it quotes, see
   * `withoutPasswords`). @default - none
   */
  readonly operation?: { readonly phase: string; readonly message?: string; readonly finishedAt?: string };
}

/** The largest CA file read. */
const MAX_CA_BYTES = 1024 * 1024;

/** The largest answer read: a fleet's list of Applications, with room to spare. */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/**
 * A server as messages show it: its scheme, host and port, with the parts of its path and query
 * that may be a credential masked (see `redactUrl`). A server that is not host[:port] nor a URL
 * with a host name, or that holds the token (a token given as the server, the variables
 * swapped, or a token in its path), is not shown at all: a message would print a credential.
 */
function shownServer(server: string, token: string): string {
  if (token.length >= 8 && server.includes(token)) return 'its server not shown: it holds the token';
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`);
  } catch {
    return 'its server not shown: it is not host[:port] nor a URL';
  }
  if (!isHostName(url.hostname)) return 'its server not shown: it names no host';
  const path = url.pathname
    .split('/')
    .map((segment) => (segment.length >= 16 || /^eyJ/.test(segment) ? '***' : segment))
    .join('/');
  const shown = redactUrl(`${url.protocol}//${url.host}${path === '/' && url.search === '' ? '' : path}${url.search}`);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? shown : shown.slice('https://'.length);
}

/**
 * Whether `host` (as `URL` reads it) is a host name, an IPv4 or a bracketed IPv6 address: labels
 * of letters, digits and `-` up to 63 characters, none of them the start of a JSON Web Token.
 */
function isHostName(host: string): boolean {
  if (/^\[[0-9a-f:.]+\]$/i.test(host)) return true;
  return (
    host.length > 0 &&
    host.length <= 253 &&
    host.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label) && !/^eyj/i.test(label))
  );
}

/** A value of an answer as a message quotes it: JSON, at most 100 characters, nothing a terminal would act on. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return (text.length > 100 ? `${text.slice(0, 97)}...` : text).replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '?');
}

/** The base URL of an API server given as `host[:port]` or as a URL. */
function baseUrl(c: ArgoCdConnection): URL {
  const scheme = c.plaintext === true ? 'http' : 'https';
  const text = /^[a-z]+:\/\//i.test(c.server) ? c.server : `${scheme}://${c.server}`;
  return new URL(text.replace(/\/+$/, ''));
}

/**
 * The sources of `status.sync.comparedTo` (its `sources`, else its `source`), each with the
 * revision Argo CD resolved it to: `revisions` follows `sources` entry by entry, `revision`
 * the single `source`. Undefined where it names none.
 */
function comparedSources(sync: Record<string, unknown>, revisions: readonly string[]): ComparedSource[] | undefined {
  const to = isMap(sync.comparedTo) ? sync.comparedTo : {};
  const list = Array.isArray(to.sources) && to.sources.length > 0 ? to.sources : isMap(to.source) ? [to.source] : [];
  const sources = list.filter(isMap).filter((s) => typeof s.repoURL === 'string' && s.repoURL !== '');
  // A list that does not match the revisions entry by entry ties no revision to a source.
  const paired = sources.length === list.length && (sources.length === revisions.length || revisions.length === 0);
  if (sources.length === 0) return undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return sources.map((s, i) => {
    const path = text(s.path);
    const chart = text(s.chart);
    const ref = text(s.ref);
    const targetRevision = text(s.targetRevision);
    const revision = paired ? revisions[i] : undefined;
    return {
      repoURL: s.repoURL as string,
      ...(path === undefined ? {} : { path }),
      ...(chart === undefined ? {} : { chart }),
      ...(ref === undefined ? {} : { ref }),
      ...(targetRevision === undefined ? {} : { targetRevision }),
      ...(revision === undefined ? {} : { revision }),
    };
  });
}

/** The client of one control plane's Argo CD. */
export class ArgoCdClient {
  private readonly base: URL;
  private readonly ca?: Buffer;

  constructor(private readonly connection: ArgoCdConnection) {
    try {
      this.base = baseUrl(connection);
    } catch {
      throw this.error('CG801', 'its server is not host[:port] nor a URL.');
    }
    if (this.base.protocol !== 'https:' && !(this.base.protocol === 'http:' && connection.plaintext === true)) {
      throw this.error(
        'CG801',
        this.base.protocol === 'http:'
          ? "its server is an http:// URL, which would carry the token in clear (give host[:port] for HTTPS, or say plaintext as the argocd CLI's --plaintext does)."
          : `its server's scheme ${this.base.protocol} is not https.`,
      );
    }
    if (this.base.username !== '' || this.base.password !== '')
      throw this.error('CG801', 'its server names a user or password; the token is the credential.');
    // A header value: a token with a line break or a control character would end it.
    if (!/^[\x21-\x7e]+$/.test(connection.token))
      throw this.error('CG802', 'the token is empty or holds characters a token cannot hold (white space, a line break).');
    if (connection.caFile !== undefined) this.ca = this.readCaFile(connection.caFile);
  }

  /** The CA file: a regular file of at most 1 MiB (a device or a pipe would never end). */
  private readCaFile(file: string): Buffer {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw this.error('CG801', `its CA file ${file} is not a regular file.`);
      if (stat.size > MAX_CA_BYTES) throw this.error('CG801', `its CA file ${file} is larger than 1 MiB.`);
      return fs.readFileSync(fd);
    } catch (e) {
      if (e instanceof GitOpsError) throw e;
      throw this.error('CG801', `its CA file ${file} cannot be read (${systemErrorCode(e) ?? 'error'}).`);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /**
   * The Applications the token may see, those of `selector` (a label selector) only when given;
   * by `deadline` (epoch milliseconds) when given, sooner than the connection's timeout.
   */
  async applications(selector?: string, deadline?: number): Promise<LiveApplication[]> {
    const body = await this.get('/api/v1/applications', selector === undefined ? {} : { selector }, false, deadline);
    // Argo CD's list always carries its metadata and items (null for none): another answer (a
    // proxy's `{"message":"ok"}`, a health endpoint's `{}`) is not an empty list.
    if (!isMap(body) || !isMap(body.metadata) || !('items' in body) || !(body.items === null || Array.isArray(body.items))) {
      throw this.error('CG803', 'its answer to GET /api/v1/applications is not a list of Applications (no metadata and items).');
    }
    return ((body.items as unknown[] | null) ?? []).map((a) => this.liveApplication(a));
  }

  /** One Application, or undefined where Argo CD says there is none (404, or 403 for a name it does not know). */
  async application(name: string): Promise<LiveApplication | undefined> {
    const body = await this.get(`/api/v1/applications/${encodeURIComponent(name)}`, {}, true);
    if (body === undefined) return undefined;
    const app = this.liveApplication(body);
    if (app.name !== name) throw this.error('CG803', `it answered with ${quoted(app.name)} when asked for ${quoted(name)}.`);
    return app;
  }

  /** What `a`, an Application of an answer, runs; CG803 for what is not an Application. */
  private liveApplication(a: unknown): LiveApplication {
    const app = isMap(a) ? a : {};
    const metadata = isMap(app.metadata) ? app.metadata : {};
    if (typeof metadata.name !== 'string') throw this.error('CG803', 'it sent an Application without a name.');
    // Argo CD leaves out an item's kind; one that gives another (an ApplicationSet) is not an Application, whatever its name.
    if (
      (app.kind !== undefined && app.kind !== 'Application') ||
      (app.apiVersion !== undefined && app.apiVersion !== 'argoproj.io/v1alpha1')
    ) {
      throw this.error(
        'CG803',
        `it sent an object of kind ${quoted(app.kind ?? null)} (apiVersion ${quoted(app.apiVersion ?? null)}) named ${quoted(metadata.name)} among its Applications.`,
      );
    }
    if (!isMap(app.spec) || typeof app.spec.project !== 'string') {
      throw this.error(
        'CG803',
        `it sent ${quoted(metadata.name)} without the project every Application has (spec.project): not an Application.`,
      );
    }
    const spec = app.spec;
    const status = isMap(app.status) ? app.status : {};
    const sync = isMap(status.sync) ? status.sync : {};
    const health = isMap(status.health) ? status.health : {};
    const summary = isMap(status.summary) ? status.summary : {};
    const history = Array.isArray(status.history) ? status.history.filter(isMap) : [];
    // A sync asked for and not started yet: Argo CD sets the Application's `operation` until the
    // operation ends, while `operationState` still tells of the last one until it starts.
    const last = isMap(status.operationState) ? status.operationState : undefined;
    const requested = isMap(app.operation) && !(last !== undefined && (last.phase === 'Running' || last.phase === 'Terminating'));
    const op: Record<string, unknown> | undefined = requested
      ? { phase: 'Running', message: 'a sync is asked for and has not started yet' }
      : last;
    const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const revisions =
      strings(sync.revisions).length > 0 ? strings(sync.revisions) : typeof sync.revision === 'string' ? [sync.revision] : [];
    const compared = comparedSources(sync, revisions);
    const lastSync = history[history.length - 1];
    const policy = isMap(spec.syncPolicy) ? spec.syncPolicy : {};
    const automated = isMap(policy.automated) ? policy.automated : undefined;
    return {
      name: metadata.name,
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
      project: typeof spec.project === 'string' ? spec.project : '',
      sync: typeof sync.status === 'string' ? sync.status : 'Unknown',
      revisions,
      ...(compared === undefined ? {} : { compared }),
      health: typeof health.status === 'string' ? health.status : 'Unknown',
      ...(typeof health.lastTransitionTime === 'string' ? { healthSince: health.lastTransitionTime } : {}),
      images: strings(summary.images),
      autoSync: automated !== undefined && automated.enabled !== false,
      ...(lastSync !== undefined && typeof lastSync.deployedAt === 'string' ? { deployedAt: lastSync.deployedAt } : {}),
      ...(op !== undefined && typeof op.phase === 'string'
        ? {
            operation: {
              phase: op.phase,
              // Argo CD's words, as every output shows them: without a token it quotes (an expired session's).
              ...(typeof op.message === 'string' ? { message: withoutPasswords(op.message) } : {}),
              ...(typeof op.finishedAt === 'string' ? { finishedAt: op.finishedAt } : {}),
            },
          }
        : {}),
    };
  }

  /** GET `path` and its JSON body, by `deadline` when given; undefined for a missing object when `missingOk`. */
  private get(path: string, query: Record<string, string>, missingOk = false, deadline?: number): Promise<unknown> {
    const url = new URL(`${this.base.pathname.replace(/\/$/, '')}${path}`, this.base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const own = this.connection.timeoutMs ?? 10_000;
    const left = deadline === undefined ? own : deadline - Date.now();
    // Cut short by the caller's deadline (`wait --timeout`), not by a setting of the server: the fix says so.
    const waitLonger = 'Wait longer (a longer --timeout), or look at why the API server answers slowly; its settings are not in question.';
    if (left <= 0) return Promise.reject(this.error('CG801', 'it was not asked: no time was left before the deadline.', waitLonger));
    const timeout = Math.min(own, left);
    const tooSlow =
      timeout < own
        ? `it did not answer within the ${Math.round(timeout / 100) / 10} s left before the deadline.`
        : `it did not answer within ${timeout / 1000} s.`;
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { Authorization: `Bearer ${this.connection.token}`, Accept: 'application/json' },
      timeout,
      ...(url.protocol === 'https:' ? { rejectUnauthorized: this.connection.insecure !== true, ...(this.ca ? { ca: this.ca } : {}) } : {}),
    };
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      // The whole exchange, not only the gaps between bytes, must end within the timeout.
      const deadline = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeout);
      const req = request(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            clearTimeout(deadline);
            req.destroy();
            reject(this.error('CG803', `its answer to GET ${url.pathname} is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB.`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e) => reject(this.error('CG801', `the answer broke off (${systemErrorCode(e) ?? e.message}).`)));
        res.on('end', () => {
          clearTimeout(deadline);
          const code = res.statusCode ?? 0;
          if (code === 401) return reject(this.error('CG802', 'it does not accept the token (401).'));
          if (code === 403)
            return missingOk ? resolve(undefined) : reject(this.error('CG802', 'the token may not read Applications (403).'));
          if (code === 404 && missingOk) return resolve(undefined);
          if (code !== 200) return reject(this.error('CG803', `it answered ${code} to GET ${url.pathname}.`));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(this.error('CG803', `its answer to GET ${url.pathname} is not JSON.`));
          }
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => {
        clearTimeout(deadline);
        const code = systemErrorCode(e) ?? '';
        const why =
          code === 'ETIMEDOUT'
            ? tooSlow
            : code === 'ECONNREFUSED'
              ? 'nothing listens at its address.'
              : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
                ? 'its host name does not resolve.'
                : /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)
                  ? `its TLS certificate is not one this client trusts (${code}).`
                  : `the connection failed (${code || e.message}).`;
        reject(this.error('CG801', why, code === 'ETIMEDOUT' && timeout < own ? waitLonger : undefined));
      });
      req.end();
    });
  }

  /** The error `code` of this control plane's Argo CD, `why`, with `fix` where it is not the catalogue's. */
  private error(code: 'CG801' | 'CG802' | 'CG803', why: string, fix?: string): GitOpsError {
    return GitOpsError.of(code, {
      message: `The Argo CD of control plane ${this.connection.controlPlane} (${shownServer(this.connection.server, this.connection.token)}): ${why}`,
      ...(fix === undefined ? {} : { fix }),
    });
  }
}
