/**
 * `status --live`: what each target of a control plane reconciled by Argo CD runs, as that Argo
 * CD reports it, against what Git declares; a verdict per target, exit code 2 when any target
 * does not run what Git declares.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import { ArgoCdClient, ArgoCdConnection, LiveApplication } from '../live/argocd-client';
import { LiveVerdict, verdictOf } from '../live/verdict';
import type { PlatformModel } from '../model/platform-model';
import type { StatusReport } from '../synth/status';
import type { CommandContext } from './command';

/** One row of `status --live`. */
interface LiveRow {
  readonly application: string;
  readonly controlPlane: string;
  readonly ring: string;
  readonly declared: string | null;
  readonly sync: string | null;
  readonly health: string | null;
  readonly since: string | null;
  readonly revisions: readonly string[];
  readonly images: readonly string[];
  readonly operation: LiveApplication['operation'] | null;
  readonly verdict: LiveVerdict;
}

/** How to reach the Argo CD of control plane `cp`, from the environment the argocd CLI reads. */
export function argoCdConnection(env: Readonly<Record<string, string | undefined>>, cp: string): ArgoCdConnection {
  const suffix = cp.toUpperCase().replace(/-/g, '_');
  const pick = (name: string): string | undefined => env[`${name}_${suffix}`] ?? env[name];
  const server = pick('ARGOCD_SERVER');
  const token = pick('ARGOCD_AUTH_TOKEN');
  if (server === undefined || server === '' || token === undefined || token === '') {
    throw GitOpsError.of('CG801', {
      message: `The Argo CD of control plane ${cp}: no ${server ? 'token' : 'server'} is given (ARGOCD_${server ? 'AUTH_TOKEN' : 'SERVER'}_${suffix} or ARGOCD_${server ? 'AUTH_TOKEN' : 'SERVER'}).`,
      fix: `Set ARGOCD_SERVER_${suffix} (host[:port]) and ARGOCD_AUTH_TOKEN_${suffix}, or ARGOCD_SERVER and ARGOCD_AUTH_TOKEN for every control plane.`,
    });
  }
  const caFile = pick('ARGOCD_CA_FILE');
  return {
    controlPlane: cp,
    server,
    token,
    ...(caFile ? { caFile } : {}),
    ...(pick('ARGOCD_INSECURE') === 'true' ? { insecure: true } : {}),
  };
}

/** Runs `status --live`: prints the rows and returns the exit code. */
export async function liveStatus(
  model: PlatformModel,
  report: StatusReport,
  format: 'text' | 'json',
  ctx: CommandContext,
): Promise<number> {
  const argoCd = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind !== 'flux').map((cp) => cp.name));
  const cpOf = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  // A target whose ring runs nothing yet has no Application by design.
  const targets = report.targets.filter((t) => t.emitted && argoCd.has(cpOf.get(t.environment) ?? ''));
  const live = new Map<string, LiveApplication>();
  for (const cp of [...new Set(targets.map((t) => cpOf.get(t.environment)!))]) {
    const client = new ArgoCdClient(argoCdConnection(ctx.env, cp));
    for (const app of await client.applications()) live.set(`${cp}\u0000${app.name}`, app);
  }
  const rows: LiveRow[] = targets.map((t) => {
    const cp = cpOf.get(t.environment)!;
    const app = live.get(`${cp}\u0000${t.application}`);
    return {
      application: t.application,
      controlPlane: cp,
      ring: t.ring,
      declared: t.digest,
      sync: app?.sync ?? null,
      health: app?.health ?? null,
      since: app?.healthSince ?? null,
      revisions: app?.revisions ?? [],
      images: app?.images ?? [],
      operation: app?.operation ?? null,
      verdict: verdictOf(app, t.digest),
    };
  });
  if (format === 'json') ctx.stdout.write(`${JSON.stringify({ targets: rows }, null, 2)}\n`);
  else {
    const head = ['APPLICATION', 'RING', 'DECLARED', 'SYNC', 'HEALTH', 'SINCE', 'VERDICT'];
    const cells = rows.map((r) => [
      r.application,
      r.ring,
      shortVersion(r.declared),
      r.sync ?? '—',
      r.health ?? '—',
      r.since ?? '—',
      r.verdict,
    ]);
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
      ctx.stdout.write(`  ${r.application}: ${r.operation!.phase}: ${r.operation!.message}\n`);
  }
  return rows.every((r) => r.verdict === 'running') ? 0 : 2;
}

/** A version as a table shows it: a digest by its first 8 hex characters. */
function shortVersion(v: string | null): string {
  if (v === null) return '—';
  return v.replace(/sha256:([0-9a-f]{8})[0-9a-f]{56}/g, 'sha256:$1');
}
