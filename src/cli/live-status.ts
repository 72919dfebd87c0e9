/**
 * `status --live`: what each target of a control plane reconciled by Argo CD runs, as that Argo
 * CD reports it, against what Git declares; a verdict per target, exit code 2 when any target
 * does not run what Git declares.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import { ArgoCdClient, ArgoCdConnection, LiveApplication } from '../live/argocd-client';
import { DeclaredImage, LiveVerdict, verdictOf } from '../live/verdict';
import type { ArgoCdApiModel, EnvironmentModel, PlatformModel, ServiceModel } from '../model/platform-model';
import { promotedSourceOf } from '../model/source-kinds';
import { shortDigests } from '../model/versions';
import { applicationProject } from '../model/teams';
import type { StatusReport } from '../synth/status';
import type { CommandContext } from './command';
import { isFromCheckout } from './without-program';

/** One row of `status --live`. */
export interface LiveRow {
  readonly application: string;
  readonly controlPlane: string;
  readonly ring: string;
  readonly declared: string | null;
  /** The chart (or Kustomize base) revision the ring's release pins, for a service whose chart is promoted with its image. */
  readonly declaredChart: string | null;
  readonly sync: string | null;
  readonly health: string | null;
  readonly since: string | null;
  readonly revisions: readonly string[];
  readonly images: readonly string[];
  /**
   * The versions of the service's own images among `images` (`api=…,worker=…` for named images),
   * as the table compares them with `declared`; `null` when none of them is seen.
   */
  readonly running: string | null;
  readonly operation: LiveApplication['operation'] | null;
  /** Whether Argo CD syncs it on its own; `null` without an Application. */
  readonly autoSync: boolean | null;
  /** The last successful sync, from the Application's history. */
  readonly deployedAt: string | null;
  readonly verdict: LiveVerdict;
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
  const suffix = cp.toUpperCase().replace(/-/g, '_');
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

/** Whether anything says where the Argo CD of control plane `cp` is: a variable of the environment or the program's server. */
export function argoCdConfigured(env: Readonly<Record<string, string | undefined>>, cp: string, api: ArgoCdApiModel = {}): boolean {
  const suffix = cp.toUpperCase().replace(/-/g, '_');
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
 * Characters a terminal may act on rather than show: C0 and C1 controls (escapes, line breaks),
 * format characters (bidirectional overrides and isolates, zero-width ones) and the line and
 * paragraph separators.
 */
const UNSHOWN = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** Text from Argo CD as a terminal may show it: each character a terminal would act on as `?`. */
export function printable(text: string): string {
  return text.replace(UNSHOWN, '?');
}

/** JSON of `value` with the characters of {@link printable} escaped (`\u009b`): JSON all the same, inert in a terminal. */
export function printableJson(value: unknown): string {
  const escape = (c: string): string =>
    [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  // JSON.stringify escapes C0 controls in strings itself: a raw one in its output is its own line break.
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\p{Cf}\u2028\u2029]/gu, escape);
}

/**
 * A client of the Argo CD of each control plane of `planes`, from the environment and the
 * program's settings; fails (CG801, CG802) when one has no usable settings, before any request.
 */
export function argoCdClients(model: PlatformModel, planes: readonly string[], env: CommandContext['env']): Map<string, ArgoCdClient> {
  return new Map(
    planes.map((cp) => {
      const reconciler = model.controlPlanes.find((c) => c.name === cp)?.reconciler;
      const declared = reconciler?.kind === 'argocd' ? reconciler.api : undefined;
      // A model read from the checkout never says where a token goes: only the program and the environment do.
      const api = declared === undefined ? undefined : isFromCheckout(model) ? onlyTimeout(declared) : declared;
      return [cp, new ArgoCdClient(argoCdConnection(env, cp, api))];
    }),
  );
}

/**
 * What the targets of `report` (those `only` keeps) run, as their control planes' Argo CD report
 * it: a row per emitted target of a control plane reconciled by Argo CD.
 */
export async function liveRows(
  model: PlatformModel,
  report: StatusReport,
  env: CommandContext['env'],
  only: (t: StatusReport['targets'][number]) => boolean = () => true,
): Promise<LiveRow[]> {
  const argoCd = new Map(model.controlPlanes.filter((cp) => cp.reconciler?.kind !== 'flux').map((cp) => [cp.name, cp]));
  const cpOf = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const services = new Map(model.services.map((s) => [s.name, s]));
  const charts = new Map(
    report.services.flatMap((s) =>
      s.rings.flatMap((r) => (r.chart?.pinned === true ? [[`${s.service}\u0000${r.ring}`, r.chart.revision] as const] : [])),
    ),
  );
  // A target whose ring runs nothing yet has no Application by design.
  const targets = report.targets.filter((t) => t.emitted && argoCd.has(cpOf.get(t.environment) ?? '') && only(t));
  const live = new Map<string, LiveApplication>();
  for (const [cp, client] of argoCdClients(model, [...new Set(targets.map((t) => cpOf.get(t.environment)!))], env)) {
    // Only the control plane's own Applications: one of the same name elsewhere is not the target's.
    const namespace = argoCd.get(cp)!.namespace;
    for (const app of await client.applications()) if (app.namespace === namespace) live.set(`${cp}\u0000${app.name}`, app);
  }
  const rows: LiveRow[] = targets.map((t) => {
    const cp = cpOf.get(t.environment)!;
    const found = live.get(`${cp}\u0000${t.application}`);
    const service = services.get(t.service)!;
    const environment = model.environments.find((e) => e.name === t.environment)!;
    // In the project the program gives it: one in another project is not the target's.
    const app = found !== undefined && found.project === projectOf(environment, service) ? found : undefined;
    return {
      application: t.application,
      controlPlane: cp,
      ring: t.ring,
      declared: t.digest,
      declaredChart: charts.get(`${t.service}\u0000${t.ring}`) ?? null,
      sync: app?.sync ?? null,
      health: app?.health ?? null,
      since: app?.healthSince ?? null,
      revisions: app?.revisions ?? [],
      images: app?.images ?? [],
      running: runningVersions(service, app?.images ?? []),
      operation: app?.operation ?? null,
      deployedAt: app?.deployedAt ?? null,
      autoSync: app?.autoSync ?? null,
      verdict: verdictOf(app, declaredImages(service, t.digest), reportedRevision(service, charts.get(`${t.service}\u0000${t.ring}`))),
    };
  });
  return rows;
}

/** Runs `status --live`: prints the rows and returns the exit code. */
export async function liveStatus(
  model: PlatformModel,
  report: StatusReport,
  format: 'text' | 'json',
  ctx: CommandContext,
): Promise<number> {
  const rows = await liveRows(model, report, ctx.env);
  if (format === 'json') ctx.stdout.write(`${printableJson({ targets: rows })}\n`);
  else if (rows.length === 0) {
    ctx.stdout.write('No target is read: none is on a control plane reconciled by Argo CD with a release yet.\n');
  } else {
    // The chart a release pins, where one does: beside the digest, as Argo CD's REVISION shows it.
    const charts = rows.some((r) => r.declaredChart !== null);
    const head = [
      'APPLICATION',
      'RING',
      'DECLARED',
      ...(charts ? ['CHART'] : []),
      'RUNNING',
      'REVISION',
      'SYNC',
      'HEALTH',
      'SINCE',
      'VERDICT',
    ];
    const cells = rows.map((r) =>
      [
        r.application,
        r.ring,
        shortVersion(r.declared),
        ...(charts
          ? [r.declaredChart === null ? '—' : /^[0-9a-f]{40}$/.test(r.declaredChart) ? r.declaredChart.slice(0, 8) : r.declaredChart]
          : []),
        shortVersion(r.running),
        r.revisions.length === 0 ? '—' : r.revisions.map((v) => (/^[0-9a-f]{40}$/.test(v) ? v.slice(0, 8) : v)).join(','),
        r.sync ?? '—',
        r.health ?? '—',
        r.since ?? '—',
        r.verdict,
      ].map(printable),
    );
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    for (const r of [head, ...cells])
      ctx.stdout.write(
        `${r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd()}\n`,
      );
    const off = rows.filter((r) => r.verdict !== 'running');
    ctx.stdout.write(
      off.length === 0
        ? `${rows.length} target${rows.length === 1 ? '' : 's'}: all run what Git declares.\n`
        : `${off.length} of ${rows.length} target${rows.length === 1 ? '' : 's'} do not run what Git declares.\n`,
    );
    for (const r of off.filter((x) => x.operation?.message !== undefined))
      ctx.stdout.write(`  ${r.application}: ${printable(r.operation!.phase)}: ${printable(r.operation!.message!)}\n`);
  }
  return rows.every((r) => r.verdict === 'running') ? 0 : 2;
}

/** A version as a table shows it: a digest by its first 8 hex characters. */
export function shortVersion(v: string | null): string {
  return v === null ? '—' : shortDigests(v);
}

/** The images target of `service` runs at `version` (`api=sha256:…,worker=…` for named images), each with its repository. */
function declaredImages(service: ServiceModel, version: string | null): DeclaredImage[] {
  if (version === null) return [];
  if (service.images === undefined) return service.imageRepository === undefined ? [] : [{ repository: service.imageRepository, version }];
  const versions = new Map(version.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  return service.images.flatMap((i) => (versions.has(i.name) ? [{ repository: i.repository, version: versions.get(i.name)! }] : []));
}

/**
 * The versions of `service`'s images among the live `images`, as `declared` spells a release: the
 * version alone for one image, `name=version` joined by `,` for named images (a tag and a digest
 * of one image as `tag@digest`). Null when none is seen.
 */
function runningVersions(service: ServiceModel, images: readonly string[]): string | null {
  const repositories =
    service.images?.map((i) => ({ name: i.name, repository: i.repository })) ??
    (service.imageRepository === undefined ? [] : [{ name: undefined, repository: service.imageRepository }]);
  const seen = repositories.flatMap(({ name, repository }) => {
    const versions = [
      ...new Set(
        images.filter((i) => i.startsWith(`${repository}@`) || i.startsWith(`${repository}:`)).map((i) => i.slice(repository.length + 1)),
      ),
    ].sort();
    return versions.length === 0 ? [] : [name === undefined ? versions.join(' ') : `${name}=${versions.join(' ')}`];
  });
  return seen.length === 0 ? null : seen.join(',');
}

/**
 * The chart revision a ring's release pins, as Argo CD reports it among an Application's synced
 * revisions: a Helm repository chart's version, a Git chart's (or Kustomize base's) commit SHA.
 * Undefined where Argo CD reports something else (a tag resolves to its commit; an OCI chart).
 */
function reportedRevision(service: ServiceModel, pinned: string | undefined): string | undefined {
  if (pinned === undefined) return undefined;
  const inGit = promotedSourceOf(service)?.inGit;
  if (inGit === true) return /^[0-9a-f]{40}$/.test(pinned) ? pinned : undefined;
  return service.source.kind === 'helm' && service.source.origin === 'helm-repository' ? pinned : undefined;
}

/** The AppProject the program puts the Application of `service` in, in `environment`. */
function projectOf(environment: EnvironmentModel, service: ServiceModel): string {
  return applicationProject(environment.name, service);
}
