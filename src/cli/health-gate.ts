/**
 * The reading of Argo CD a promotion into a ring with a health gate (`Gate.healthy()`) is judged
 * on: every Application of the service in the ring before must run the release Synced and
 * Healthy, and the time since when the last of them is so starts the ring's soak. Asked of the
 * ring before's control planes as `status --live` asks; anything that keeps the answer from being
 * "yes" refuses the promotion (CG620), never lets it through.
 *
 * @module
 */
import { GitOpsError, problem } from '../core/errors';
import { formatTimestamp } from '../core/timestamp';
import type { PlatformModel } from '../model/platform-model';
import type { UpstreamHealth } from '../release/rules';
import { statusOf } from '../synth/status';
import { readLedgers } from '../workspace/ledgers';
import type { CommandContext } from './command';
import { DRIFTED_FIX, LiveRow, liveRows } from './live-status';
import { unverifiedConnectionsNote } from './argocd-settings';
import { printable } from './terminal-text';

/** What a promotion takes into account of the ring before: the reading, and a note for the user. */
export interface HealthGateReading {
  readonly reading: UpstreamHealth;
  /** @default - nothing to say */
  readonly note?: string;
}

/**
 * Reads the Applications of `service` in the ring before `ring` from their Argo CD, when `ring`
 * has a health gate; undefined when it has none (or is the first ring, or the ring before runs
 * nothing of the service, which the release rules refuse on their own).
 * @throws GitOpsError CG620 naming each Application that does not run the release Synced and
 *   Healthy, or why Argo CD could not be asked
 */
export async function healthGateReading(
  model: PlatformModel,
  dir: string,
  service: string,
  ring: string,
  env: CommandContext['env'],
): Promise<HealthGateReading | undefined> {
  const index = model.rings.findIndex((r) => r.name === ring);
  if (index <= 0 || model.rings[index]!.gates.requireHealthy !== true) return undefined;
  const before = model.rings[index - 1]!.name;
  const report = statusOf(model, readLedgers(model, dir));
  const targets = report.targets.filter((t) => t.service === service && t.ring === before && t.emitted);
  if (targets.length === 0) {
    const declared = report.targets.some((t) => t.service === service && t.ring === before);
    if (declared) return undefined;
    return {
      reading: { applications: 0, since: null },
      note: `${service} has no Application in "${before}", so the health gate of "${ring}" has none to read.`,
    };
  }
  const gate = `Ring "${ring}" takes a release only once every Application of ${service} in "${before}" runs it Synced and Healthy (Gate.healthy)`;
  const cpOf = new Map(model.environments.map((e) => [e.name, e.controlPlane]));
  const flux = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind === 'flux').map((cp) => cp.name));
  const unread = [...new Set(targets.map((t) => cpOf.get(t.environment)!).filter((cp) => flux.has(cp)))];
  if (unread.length > 0) {
    throw new GitOpsError([
      problem('CG620', {
        message: `${gate}, but control plane${unread.length === 1 ? '' : 's'} ${unread.join(', ')} of "${before}" ${unread.length === 1 ? 'is' : 'are'} reconciled by Flux, whose state cdk8s-gitops does not read. Nothing was written.`,
        fix: `Drop Gate.healthy() from ring "${ring}", or keep the rings before it on control planes reconciled by Argo CD.`,
      }),
    ]);
  }
  let rows: LiveRow[];
  try {
    rows = await liveRows(model, report, dir, env, (t) => t.service === service && t.ring === before);
  } catch (e) {
    if (!(e instanceof GitOpsError) || !e.problems.every((p) => /^CG80\d$/.test(p.code))) throw e;
    throw new GitOpsError(
      e.problems.map((p) =>
        problem('CG620', {
          message: `${gate}, and Argo CD could not be asked: ${p.message} Nothing was written.`,
          ...(p.fix === undefined ? {} : { fix: p.fix }),
        }),
      ),
    );
  }
  const off = rows.filter((r) => r.verdict !== 'running');
  if (off.length > 0) {
    throw new GitOpsError([
      problem('CG620', {
        message:
          `${gate}; ${off.length} of ${rows.length} do${off.length === 1 ? 'es' : ''} not: ` +
          off.map((r) => printable(describeRow(r))).join('; ') +
          '. Nothing was written.',
        fix:
          `Look at them (argocd app get <name>, cdk8s-gitops status --live); promote once they run the release of "${before}" Synced and Healthy, or roll "${before}" back.` +
          (off.some((r) => r.verdict === 'drifted') ? ` ${DRIFTED_FIX}` : ''),
      }),
    ]);
  }
  const times = rows.map(readySince);
  // Whole seconds, rounded up: the soak never starts before the reading says.
  const since = times.some((t) => t === undefined)
    ? null
    : formatTimestamp(new Date(Math.ceil(Math.max(...(times as number[])) / 1000) * 1000));
  const unverified = unverifiedConnectionsNote(
    model,
    rows.map((r) => r.controlPlane),
    env,
  );
  return {
    reading: { applications: rows.length, since },
    ...(unverified === undefined ? {} : { note: `${unverified} The health gate of "${ring}" was judged on its answer.` }),
  };
}

/** An Application that does not run its release, for a message: name, control plane, verdict, status, last operation, why. */
export function describeRow(r: LiveRow): string {
  return (
    `${r.application} (control plane ${r.controlPlane}) is ${r.verdict}: sync ${r.sync ?? 'none'}, health ${r.health ?? 'none'}` +
    (r.operation?.message !== undefined ? `, ${r.operation.phase}: ${r.operation.message}` : '') +
    (r.why === null ? '' : `, ${r.why}`)
  );
}

/**
 * Since when an Application runs what it runs Synced and Healthy, at the latest: its last health
 * transition, its last sync operation's end, its last deployment (a later time is the safe side
 * of a soak). Undefined when Argo CD reports none of them.
 */
function readySince(r: LiveRow): number | undefined {
  // RFC 3339 as Argo CD writes times: a time without its zone would be read in the machine's.
  const times = [r.since, r.operation?.finishedAt, r.deployedAt]
    .filter((t): t is string => typeof t === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t))
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t));
  return times.length === 0 ? undefined : Math.max(...times);
}
