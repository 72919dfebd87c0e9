import { isOwnablePath } from '../synth/manifest';
import { GitOpsError } from '../core/errors';
import type { ReleaseRequest } from './release-operations';
import type { UpstreamHealth } from '../release/rules';
import { LocalState, localState } from './checkout/local-state';
import { isMap } from '../core/plain';

/**
 * A promote, rollback or unhold made without `--publish`: what was asked, by whom and when, and
 * the ledger as it was before and after. `publish` commits each as a commit of its own, with its
 * own subject and trailers, re-applied on the remote tip with the rules checked as of `at`.
 */
export interface PendingOperation {
  /** The record's file name, e.g. `000001.json`. */
  readonly file: string;
  /** The checkout directory relative to the root of the work tree; `''` at the root. */
  readonly checkout: string;
  /** What was asked. */
  readonly request: ReleaseRequest;
  /** Who asked (`--by`). */
  readonly by: string;
  /** When, ISO 8601: the time the release rules were checked at, and are checked at again. */
  readonly at: string;
  /** The commit subject, e.g. `promote payments-api sha256:2e8f1a31 to nonprod (by alice)`. */
  readonly subject: string;
  /** The service's ledger, checkout-relative, before the operation (`null`: there was no file) and after it. */
  readonly ledger: { readonly path: string; readonly before: string | null; readonly after: string };
  /**
   * Owned files the operation's write deleted (checkout-relative): a publish sets them aside with
   * the rest, and its program commit deletes them, as the program no longer makes them.
   * @default - none
   */
  readonly deleted?: readonly string[];
  /**
   * Made by a release command with `--publish --branch`: the merge-request branch it is published
   * to, and the branch the checkout was on then (`undefined`: a detached `HEAD`). A publish that
   * was killed is finished there, never on the checkout's branch.
   * @default - published to the checkout's branch
   */
  readonly branch?: { readonly name: string; readonly from?: string };
}

/** Where the pending operations of a checkout are kept: in the git directory, never in the work tree. */
export type PendingStore = LocalState;

/** Records live in `<git dir>/cdk8s-gitops/pending/`: git never lists, commits or clones them. */
const PENDING_DIR = 'cdk8s-gitops/pending';
const RECORD = /^\d{6}\.json$/;
const PUBLISHING = 'cdk8s-gitops/publishing';
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * The pending-operation store of the checkout `dir`, or undefined when `dir` is not in a git work
 * tree (then there is nothing to publish to, and nothing is recorded).
 */
export function pendingStore(dir: string): PendingStore | undefined {
  return localState(dir);
}

/** The pending operations of the store's checkout, oldest first. A record that is not one cdk8s-gitops wrote fails with `CG521`. */
export function readPending(store: PendingStore): PendingOperation[] {
  const ops: PendingOperation[] = [];
  for (const file of recordFiles(store)) {
    const rel = `${PENDING_DIR}/${file}`;
    let op: PendingOperation | undefined;
    try {
      op = parseRecord(file, store.gitDir.read(rel, MAX_RECORD_BYTES));
    } catch (e) {
      if (!(e instanceof GitOpsError)) throw e;
    }
    if (op === undefined) {
      throw GitOpsError.of('CG521', {
        file: store.gitDir.abs(rel),
        message: `${store.gitDir.abs(rel)} is not the record of a pending operation that cdk8s-gitops wrote (not a file, not JSON, or another shape). Nothing was published.`,
        fix: `Remove it (rm ${JSON.stringify(store.gitDir.abs(rel))}), then run the promote, rollback or unhold again if it is still wanted.`,
      });
    }
    if (op.checkout === store.checkout) ops.push(op);
  }
  return ops;
}

/** Records `op` as the newest pending operation of the store's checkout. */
export function addPending(store: PendingStore, op: Omit<PendingOperation, 'file' | 'checkout'>): PendingOperation {
  const last = recordFiles(store).at(-1);
  const file = `${String((last ? Number(last.slice(0, 6)) : 0) + 1).padStart(6, '0')}.json`;
  const record: PendingOperation = { file, checkout: store.checkout, ...op };
  const { file: _, ...stored } = record;
  store.gitDir.writeFile(`${PENDING_DIR}/${file}`, `${JSON.stringify({ version: 1, ...stored }, null, 2)}\n`);
  return record;
}

/** Removes the records of `ops`. */
export function removePending(store: PendingStore, ops: readonly PendingOperation[]): void {
  for (const op of ops) store.gitDir.remove(`${PENDING_DIR}/${op.file}`);
}

/**
 * Marks (with `true`) or unmarks a publish of the pending operations in progress: while it runs,
 * the ledgers of the checkout are its scratch space, and a publish that finds the mark after a
 * killed one publishes the operations from their records.
 */
export function markPublishing(store: PendingStore, on: boolean): void {
  if (on) store.gitDir.writeFile(PUBLISHING, `${process.pid}\n`);
  else store.gitDir.remove(PUBLISHING);
}

/** Whether a publish of the pending operations was interrupted (see {@link markPublishing}). */
export function wasPublishing(store: PendingStore): boolean {
  return store.gitDir.kind(PUBLISHING) !== 'missing';
}

/** The path of the store's records, for messages. */
export function pendingPath(store: PendingStore): string {
  return store.gitDir.abs(PENDING_DIR);
}

function recordFiles(store: PendingStore): string[] {
  return store.gitDir
    .list(PENDING_DIR)
    .map((d) => d.name)
    .filter((n) => RECORD.test(n))
    .sort();
}

function parseRecord(file: string, text: string | undefined): PendingOperation | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const d = isMap(parsed) ? parsed : {};
  const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 10_000;
  const opt = (v: unknown): boolean => v === undefined || str(v);
  const optImages = (v: unknown): boolean => v === undefined || (isMap(v) && Object.keys(v).length > 0 && Object.values(v).every(str));
  const r = isMap(d.request) ? d.request : undefined;
  const request =
    !r || !str(r.service) || !str(r.ring)
      ? undefined
      : r.kind === 'promote' &&
          opt(r.digest) &&
          optImages(r.images) &&
          opt(r.chart) &&
          opt(r.fromRing) &&
          opt(r.approvedBy) &&
          (r.upstreamHealthy === undefined || healthReading(r.upstreamHealthy))
        ? {
            kind: r.kind,
            service: r.service,
            ring: r.ring,
            digest: r.digest,
            ...(r.images === undefined ? {} : { images: r.images as Record<string, string> }),
            ...(r.chart === undefined ? {} : { chart: r.chart }),
            fromRing: r.fromRing,
            approvedBy: r.approvedBy,
            ...(r.upstreamHealthy === undefined ? {} : { upstreamHealthy: r.upstreamHealthy as UpstreamHealth }),
          }
        : r.kind === 'rollback' &&
            opt(r.to) &&
            opt(r.toChart) &&
            (r.previous === undefined || typeof r.previous === 'boolean') &&
            (r.keepChart === undefined || r.keepChart === true) &&
            str(r.reason)
          ? {
              kind: r.kind,
              service: r.service,
              ring: r.ring,
              to: r.to,
              ...(r.toChart === undefined ? {} : { toChart: r.toChart }),
              ...(r.keepChart === true ? { keepChart: true } : {}),
              previous: r.previous,
              reason: r.reason,
            }
          : r.kind === 'unhold'
            ? { kind: r.kind, service: r.service, ring: r.ring }
            : undefined;
  const l = isMap(d.ledger) ? d.ledger : undefined;
  if (
    d.version !== 1 ||
    request === undefined ||
    typeof d.checkout !== 'string' ||
    !str(d.by) ||
    !str(d.subject) ||
    !str(d.at) ||
    Number.isNaN(Date.parse(d.at)) ||
    !l ||
    !str(l.path) ||
    typeof l.after !== 'string' ||
    !(l.before === null || typeof l.before === 'string') ||
    !(d.deleted === undefined || (Array.isArray(d.deleted) && d.deleted.every((p) => str(p) && isOwnablePath(p)))) ||
    !(d.branch === undefined || (isMap(d.branch) && str(d.branch.name) && opt(d.branch.from)))
  ) {
    return undefined;
  }
  const branch = isMap(d.branch) ? { name: d.branch.name as string, ...(str(d.branch.from) ? { from: d.branch.from } : {}) } : undefined;
  return {
    file,
    checkout: d.checkout,
    request: request as ReleaseRequest,
    by: d.by,
    at: d.at,
    subject: d.subject,
    ledger: { path: l.path, before: l.before, after: l.after },
    ...(Array.isArray(d.deleted) && d.deleted.length > 0 ? { deleted: d.deleted as string[] } : {}),
    ...(branch === undefined ? {} : { branch }),
  };
}

/** Whether `v` is a reading of Argo CD as a promotion records it (see `UpstreamHealth`). */
function healthReading(v: unknown): boolean {
  if (!isMap(v) || Object.keys(v).some((k) => k !== 'applications' && k !== 'since')) return false;
  const { applications, since } = v;
  return (
    typeof applications === 'number' &&
    Number.isSafeInteger(applications) &&
    applications >= 0 &&
    (since === null || (typeof since === 'string' && since.length <= 64 && !Number.isNaN(Date.parse(since))))
  );
}
