/**
 * A test double of Argo CD's API server: a real HTTPS server on 127.0.0.1 (its own CA, made with
 * openssl) that answers `GET /api/v1/applications` and `GET /api/v1/applications/{name}` as Argo
 * CD v3.5 does (a bearer token, 401 without it, 403 for an Application it does not have), with
 * Applications built as the API describes them. Tests check its answers against the description
 * (`argocd-api-schema.ts`), so it cannot drift from the real API.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';

/** The token the double accepts. */
export const DOUBLE_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaTphcGlLZXkifQ.c2lnbmF0dXJl';

/** A source of an Application (`v1alpha1ApplicationSource`), as far as the double writes one. */
export interface DoubleSource {
  readonly repoURL: string;
  readonly path?: string;
  readonly chart?: string;
  readonly targetRevision?: string;
  readonly ref?: string;
}

/** What an Application of the double runs. */
export interface DoubleApplication {
  readonly name: string;
  readonly project?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly sync?: 'Synced' | 'OutOfSync' | 'Unknown';
  readonly health?: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  readonly healthSince?: string;
  readonly revision?: string;
  /** The revision of each source, for a multi-source Application. @default - one source, `revision` */
  readonly revisions?: readonly string[];
  /**
   * Its sources (`spec.sources`), for a multi-source Application.
   * @default - one source (`spec.source`): its directory in the GitOps repository at `main`
   */
  readonly sources?: readonly DoubleSource[];
  /**
   * The sources it was last compared with (`status.sync.comparedTo.sources`, or `.source` for
   * one): other than its own while Argo CD has not compared it since they changed; null for none
   * (an Application Argo CD has not compared yet).
   * @default - its sources
   */
  readonly comparedTo?: readonly DoubleSource[] | null;
  readonly images?: readonly string[];
  readonly deployedAt?: string;
  /** Whether it syncs automatically. @default true */
  readonly autoSync?: boolean;
  readonly operation?: { readonly phase: string; readonly message?: string; readonly finishedAt?: string };
  /**
   * A sync asked for (by this user, `argocd app sync`) that the controller has not started yet:
   * the Application's `operation`, while `operationState` still tells of the last one.
   * @default - none
   */
  readonly syncRequestedBy?: string;
}

/** An Application as Argo CD's API sends it (`v1alpha1Application`). */
export function applicationObject(a: DoubleApplication): Record<string, unknown> {
  const revision = a.revision ?? 'a'.repeat(40);
  const own: DoubleSource = {
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    path: `environments/${a.name}`,
    targetRevision: 'main',
  };
  const compared = a.comparedTo === null ? [] : (a.comparedTo ?? a.sources ?? [own]);
  return {
    ...(a.syncRequestedBy ? { operation: { sync: { revision: 'HEAD' }, initiatedBy: { username: a.syncRequestedBy } } } : {}),
    metadata: {
      name: a.name,
      namespace: 'argocd',
      ...(a.labels ? { labels: { ...a.labels } } : {}),
      creationTimestamp: '2026-11-20T10:00:00Z',
    },
    spec: {
      project: a.project ?? 'default',
      destination: { name: 'in-cluster', namespace: a.name },
      ...(a.sources ? { sources: a.sources.map((x) => ({ ...x })) } : { source: { ...own } }),
      ...(a.autoSync === false ? {} : { syncPolicy: { automated: { prune: true, selfHeal: true } } }),
    },
    status: {
      sync: {
        status: a.sync ?? 'Synced',
        ...(a.revisions ? { revisions: [...a.revisions] } : { revision }),
        ...(compared.length === 0
          ? {}
          : {
              comparedTo: {
                ...(compared.length === 1 && a.revisions === undefined
                  ? { source: { ...compared[0] } }
                  : { sources: compared.map((x) => ({ ...x })) }),
                destination: { name: 'in-cluster', namespace: a.name },
              },
            }),
      },
      health: { status: a.health ?? 'Healthy', ...(a.healthSince ? { lastTransitionTime: a.healthSince } : {}) },
      summary: { images: [...(a.images ?? [])] },
      ...(a.deployedAt ? { history: [{ id: 1, revision, deployedAt: a.deployedAt, deployStartedAt: a.deployedAt }] } : {}),
      ...(a.operation
        ? {
            operationState: {
              operation: { sync: { revision } },
              phase: a.operation.phase,
              ...(a.operation.message ? { message: a.operation.message } : {}),
              startedAt: '2026-11-20T10:00:00Z',
              ...(a.operation.finishedAt ? { finishedAt: a.operation.finishedAt } : {}),
            },
          }
        : {}),
      reconciledAt: '2026-11-22T10:00:00Z',
    },
  };
}

/** A running double. */
export interface ArgoCdDouble {
  /** `127.0.0.1:<port>`, as ARGOCD_SERVER takes it. */
  readonly server: string;
  /** The PEM file of the CA that signed its certificate. */
  readonly caFile: string;
  /** What it serves now. */
  applications: DoubleApplication[];
  /** Milliseconds it waits before answering. */
  delayMs: number;
  /** How many of the next requests it answers 503, as a proxy in front of a restarting Argo CD does. */
  unavailable: number;
  /**
   * What a server in front of Argo CD (a proxy, a health endpoint at the wrong path) answers to
   * the list of Applications instead of it, with 200; not Argo CD's API. @default - Argo CD's list
   */
  listAnswer: unknown;
  /** Every answer it sent: the definition of the API description it follows, and its body. */
  readonly sent: { readonly definition: string; readonly body: unknown }[];
  close(): Promise<void>;
}

/** Makes a CA and a certificate for 127.0.0.1 with openssl, in `dir`. */
function certificates(dir: string): { ca: string; key: Buffer; cert: Buffer } {
  const run = (...args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=argocd-double-ca',
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  return {
    ca: path.join(dir, 'ca.pem'),
    key: fs.readFileSync(path.join(dir, 'server.key')),
    cert: fs.readFileSync(path.join(dir, 'server.pem')),
  };
}

/** Whether openssl is there to make the double's certificates. */
export function canStartArgoCdDouble(): boolean {
  return spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
}

/** Starts a double serving `applications`. */
export async function startArgoCdDouble(applications: DoubleApplication[] = []): Promise<ArgoCdDouble> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-argocd-'));
  const { ca, key, cert } = certificates(dir);
  const sent: { definition: string; body: unknown }[] = [];
  const state: { applications: DoubleApplication[]; delayMs: number; unavailable: number; listAnswer: unknown } = {
    applications,
    delayMs: 0,
    unavailable: 0,
    listAnswer: undefined,
  };
  const answer = (res: import('http').ServerResponse, status: number, definition: string, body: unknown): void => {
    sent.push({ definition, body });
    const text = JSON.stringify(body);
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (res.destroyed) return;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(text);
    }, state.delayMs);
    pending.add(timer);
  };
  /** Answers not given yet (a client that gave up on a slow one): dropped on close, not left to keep the process alive. */
  const pending = new Set<NodeJS.Timeout>();
  const error = (res: import('http').ServerResponse, status: number, code: number, message: string): void =>
    answer(res, status, 'runtimeError', { code, error: message, message });
  const server = https.createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (state.unavailable > 0) {
      state.unavailable--;
      return error(res, 503, 14, 'upstream connect error');
    }
    if (req.headers.authorization !== `Bearer ${DOUBLE_TOKEN}`) return error(res, 401, 16, 'no session information');
    if (req.method === 'GET' && url.pathname === '/api/v1/applications') {
      if (state.listAnswer !== undefined) return answer(res, 200, 'notArgoCd', state.listAnswer);
      const selector = url.searchParams.get('selector');
      const wanted = selector === null ? [] : selector.split(',').map((p) => p.split('='));
      const items = state.applications
        .filter((a) => wanted.every(([k, v]) => a.labels?.[k] === v))
        .sort((x, y) => (x.name < y.name ? -1 : 1))
        .map(applicationObject);
      return answer(res, 200, 'v1alpha1ApplicationList', { metadata: { resourceVersion: '1' }, items });
    }
    const one = /^\/api\/v1\/applications\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && one !== null) {
      const app = state.applications.find((a) => a.name === decodeURIComponent(one[1]));
      // Argo CD answers 403, not 404, for an Application it does not have (unless ?project= is given).
      if (app === undefined) return error(res, 403, 7, 'permission denied');
      return answer(res, 200, 'v1alpha1Application', applicationObject(app));
    }
    return error(res, 404, 5, 'Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server: `127.0.0.1:${port}`,
    caFile: ca,
    get applications() {
      return state.applications;
    },
    set applications(a: DoubleApplication[]) {
      state.applications = a;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    get listAnswer() {
      return state.listAnswer;
    },
    set listAnswer(body: unknown) {
      state.listAnswer = body;
    },
    get unavailable() {
      return state.unavailable;
    },
    set unavailable(n: number) {
      state.unavailable = n;
    },
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.closeAllConnections();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
