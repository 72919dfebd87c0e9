/**
 * What `rollback` says of Argo CD: whether the ring's Applications already run the release it puts
 * back (rolled back by hand, e.g. `argocd app rollback`, before the change reached Git), and which
 * of them will not take it on their own because their auto-sync is off (as `argocd app rollback`
 * leaves it). Asked as `status --live` asks; a rollback never fails for want of an answer.
 *
 * @module
 */
import { GitOpsError } from '../core/errors';
import type { PlatformModel } from '../model/platform-model';
import type { Ledger } from '../release/types';
import { statusOf } from '../synth/status';
import { readLedgers } from '../workspace/ledgers';
import type { CommandContext } from './command';
import { argoCdConfigured } from './argocd-settings';
import { LiveRow, liveRows, shortVersion } from './live-status';
import { printable } from './terminal-text';

/** One Application of the rolled-back ring, as its Argo CD reports it. */
export interface RolledBackApplication {
  readonly application: string;
  readonly controlPlane: string;
  /**
   * Whether it runs the release put back already, whatever its sync status and health: one
   * rolled back by hand runs it OutOfSync (Argo CD compares it with the release in Git).
   */
  readonly rolledBack: boolean;
  /** The versions of the service's images it runs (see `LiveRow.running`). */
  readonly running: string | null;
  readonly sync: string | null;
  readonly health: string | null;
  /** Whether Argo CD syncs it on its own; `null` when it has no such Application. */
  readonly autoSync: boolean | null;
}

/** What Argo CD says of a rollback: its Applications, or why it was not asked. */
export type RollbackLive =
  | {
      /** The release put back, as the ledger gives it (`status`'s digest). */
      readonly release: string | null;
      readonly applications: readonly RolledBackApplication[];
    }
  | { readonly notAsked: string };

/**
 * Reads the Applications of `service` in `ring` after a rollback made `ledger` (the service's
 * ledger as it wrote it: a change published to a branch of its own is no longer in the checkout
 * `dir`, which holds the other ledgers); undefined when nothing says where the Argo CD of any of
 * their control planes is.
 */
export async function rollbackLive(
  model: PlatformModel,
  dir: string,
  service: string,
  ring: string,
  ledger: Ledger,
  env: CommandContext['env'],
): Promise<RollbackLive | undefined> {
  const environments = new Set(model.targets.filter((t) => t.service === service && t.ring === ring).map((t) => t.environment));
  const planes = model.controlPlanes.filter((cp) => cp.environments.some((e) => environments.has(e)) && cp.reconciler?.kind !== 'flux');
  if (!planes.some((cp) => argoCdConfigured(env, cp.name, cp.reconciler?.kind === 'argocd' ? cp.reconciler.api : undefined))) {
    return undefined;
  }
  let rows: LiveRow[];
  try {
    const ledgers = readLedgers(model, dir);
    const file = ledgers.get(service);
    if (file !== undefined) ledgers.set(service, { ...file, ledger });
    rows = await liveRows(model, statusOf(model, ledgers), dir, env, (t) => t.service === service && t.ring === ring);
  } catch (e) {
    if (e instanceof GitOpsError && e.problems.every((p) => /^CG80\d$/.test(p.code))) {
      return { notAsked: e.problems.map((p) => `${p.code} ${p.message}`).join(' ') };
    }
    throw e;
  }
  return {
    release: rows[0]?.declared ?? null,
    applications: rows.map((r) => ({
      application: r.application,
      controlPlane: r.controlPlane,
      rolledBack: r.runsDeclared,
      running: r.running,
      sync: r.sync,
      health: r.health,
      autoSync: r.autoSync,
    })),
  };
}

/**
 * Where a rollback's change is when Argo CD is asked: pushed to the branch Argo CD reads
 * (`pushed`), pushed to a branch of its own for a merge request (`branch`, with its name), or
 * only in the checkout (`checkout`, without `--publish`).
 */
export type RollbackChangeAt =
  { readonly kind: 'pushed' } | { readonly kind: 'branch'; readonly branch: string } | { readonly kind: 'checkout' };

/** The lines `rollback` prints of `live` (why Argo CD was not asked is a note: see {@link rollbackLiveNote}). */
export function rollbackLiveText(live: RollbackLive, service: string, ring: string, at: RollbackChangeAt): string[] {
  if ('notAsked' in live) return [];
  const { applications: apps, release: to } = live;
  if (apps.length === 0) return [];
  const done = apps.filter((a) => a.rolledBack).length;
  // Argo CD reads the change only once it is on the branch it follows.
  const when =
    at.kind === 'pushed'
      ? 'from this change'
      : at.kind === 'branch'
        ? `once branch ${at.branch} is merged`
        : 'once this change is published (cdk8s-gitops publish)';
  const lines = [
    done === apps.length
      ? `Argo CD already runs ${shortVersion(to)} on ${apps.length === 1 ? 'the Application' : `all ${apps.length} Applications`} of ${service} in ring ${ring}.`
      : `Argo CD runs ${shortVersion(to)} on ${done} of ${apps.length} Application${apps.length === 1 ? '' : 's'} of ${service} in ring ${ring} so far; it syncs the rest ${when}:`,
  ];
  for (const a of apps.filter((x) => !x.rolledBack || x.autoSync === false || x.sync !== 'Synced' || x.health !== 'Healthy')) {
    const runs = a.rolledBack
      ? a.sync === 'Synced' && a.health === 'Healthy'
        ? 'rolled back'
        : `rolled back, ${a.sync}, ${a.health}`
      : a.sync === null
        ? 'no such Application'
        : `runs ${shortVersion(a.running)}, ${a.sync}, ${a.health}`;
    const manual =
      a.autoSync === false
        ? `; auto-sync is off (as argocd app rollback leaves it), so it takes no change from Git until it is turned on: argocd app set ${a.application} --sync-policy automated`
        : '';
    lines.push(printable(`  ${a.application} (control plane ${a.controlPlane}): ${runs}${manual}`));
  }
  return lines;
}

/** The note `rollback` gives when Argo CD could not be asked; undefined when it was. */
export function rollbackLiveNote(live: RollbackLive, ring: string): string | undefined {
  return 'notAsked' in live ? printable(`Argo CD could not be asked whether it has rolled ${ring} back: ${live.notAsked}`) : undefined;
}
