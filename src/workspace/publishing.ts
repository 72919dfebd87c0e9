import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../core/errors';
import { ExistingBranch, PublishCommit, publishCommits, PublishedCommit, PublishResult } from './git/publish';
import { GitOpsRepository } from './git/repository';
import { CommitTrailers, Operation, releaseParagraphs } from './git/trailers';
import { assertCheckoutLedgers, GateClock } from './checkout-gates';
import { LedgerFile, ledgerFilePath, ledgerText, programInitialLedgerText } from '../release/ledger-files';
import { ringPolicies } from '../model/versions';
import { readLedgers } from './ledgers';
import { describeChange, summarizeChange } from '../release/change-summary';
import { shortDigest } from '../model/versions';
import { parseLedger } from '../release/ledger';
import { ReleaseOutcome, ReleaseRequest, runRelease } from './release-operations';
import { Hold, Ledger, PreviousRelease, RingState } from '../release/types';
import { describeHold, describeRelease, initialRelease, releaseVersion, sameRelease } from '../release/release';
import { applyRingMoves, ringsTakingOver } from '../release/moves';
import { checkoutTree, releaseFilesInUse } from './build';
import { treeInputs } from '../synth/build';
import { Checkout } from './checkout/checkout-fs';
import type { LockHolder } from './checkout/lock';
import { MANIFEST_PATH, MANIFEST_SHARDS_DIR, manifestShardPath, parseManifest } from '../synth/manifest';
import { LedgerGit } from './git/ledger-history';
import { gitProcessesIn } from './git/running-git';
import { RELEASE_FILE } from '../synth/sources';
import { readManifest, readManifestTexts } from './checkout/manifest-io';
import { PlatformModel } from '../model/platform-model';
import { readRecordedModel } from './recorded-model';
import { writeDeclaredTree } from './removals';
import { assertProductionChartsPinned, unpinnedChartProblems } from './release-continuity';
import { recoverInterruptedWrite } from './checkout/writer';
import { WriteReport } from '../model/write-report';
import {
  markPublishing,
  PendingOperation,
  pendingPath,
  PendingStore,
  pendingStore,
  readPending,
  removePending,
  wasPublishing,
} from './pending-operations';

/** How the checkout's changes are published. */
export interface PublishRequest {
  readonly model: PlatformModel;
  /** The fingerprint of the model, as the program handed it over. */
  readonly fingerprint: string;
  /** The GitOps checkout. */
  readonly dir: string;
  /** Who publishes: recorded as Promoted-By on the commit of the program's own changes. */
  readonly by: string;
  /** Push to this new branch (for a merge request). @default - the checkout's branch */
  readonly branch?: string;
  /** The subject of the commit of the program's own changes. @default 'Synthesize the platform program' */
  readonly message?: string;
  /** @default 'origin' */
  readonly remote?: string;
  /** Commit of the platform program, recorded as a trailer. @default - none */
  readonly programCommit?: string;
  /** The holder of a lock left by a killed command, which this one took over. @default - none */
  readonly takenOver?: LockHolder;
  /** Told in one line what was cleaned up after a killed command. @default - not told */
  readonly onNote?: (line: string) => void;
  /**
   * Applications the program's change may delete although the program does not declare them
   * removed (names or globs, `--allow-remove`). @default - none
   */
  readonly allowRemove?: readonly string[];
  /**
   * The times the ring rules are checked with: the checkout's ledgers are checked against them
   * before anything is written, and again on each remote tip. @default - the system clock
   */
  readonly clock?: GateClock;
  /**
   * The date of the commits: `CDK8S_GITOPS_NOW` when it is set (never later than the clock).
   * `GIT_COMMITTER_DATE` and `GIT_AUTHOR_DATE` are not read. @default - git's clock
   */
  readonly commitDate?: Date;
  /**
   * Publish without the program: `model` was read from the tree's release model
   * (`readRecordedModel`) and holds the services of the pending operations; these are the
   * names of every service of the platform. There is no program's change to commit: only the
   * pending operations are published, and on each attempt the model is read again from the tree
   * the operations are made on (the remote tip may have been synthesized from another model).
   * @default - `model` is the program's, whole
   */
  readonly recordedServices?: readonly string[];
}

/** One commit that {@link publishChange} pushed. */
export interface PublishedChangeCommit extends PublishedCommit {
  readonly subject: string;
  readonly operation: Operation;
  readonly promotedBy: string;
}

/** What {@link publishChange} did. */
export interface PublishedChange extends PublishResult {
  readonly commits: readonly PublishedChangeCommit[];
  /** What writing the program's tree did, on the last attempt. */
  readonly synth?: WriteReport;
}

const SYNTH_SUBJECT = 'Synthesize the platform program';

/** What a publish that fails once it has begun leaves: its pending operations, for another publish. */
const NOT_PUBLISHED = 'Nothing was published; the pending operations stay in the checkout.';

/**
 * Publishes what the checkout holds, one commit per change, and pushes the commits together:
 * first the program's own changes (a `synth` commit by `by`, when the program changes anything
 * on the remote tip), then each pending operation (a promote, rollback or unhold made without
 * `--publish`) as a commit of its own, with its own subject and trailers (its operation, who
 * made it, who approved it). Nobody's change is folded into another person's commit.
 *
 * Each commit says which services, rings and Applications changed. A rejected push is retried
 * on the new remote tip by making every change again: the program's tree is written again, and
 * each pending operation is re-applied with the release rules checked as of when it was made,
 * making exactly what it made (the digest it moved, the hold it lifted), or is refused with
 * `CG517`. An operation the remote already has (a publish killed after its push) is dropped.
 * Nothing is ever force-pushed.
 *
 * Before anything is written, each ledger of the checkout must be as its pending operations left
 * it (`CG519`), and a ledger that differs from `HEAD` must have been changed by pending
 * operations only (`CG520`). When the publish fails, the checkout's files are put back as they
 * were (or, when its branch moved to the remote tip, the pending ledgers) and the operations stay
 * pending.
 */
export async function publishChange(request: PublishRequest): Promise<PublishedChange> {
  // Without the program, the model is read again from the tree of each attempt.
  let req = request;
  recoverInterruptedWrite(req.dir);
  const repo = await GitOpsRepository.open(req.dir);
  // The checkout is the top of its clone: its paths are the repository's.
  assertTopOfWorkTree(repo, req.dir);
  await repo.assertNoOperationInProgress();
  if (req.takenOver) await removeStaleIndexLock(repo, req.takenOver, req.onNote);
  const owned = (): string[] => {
    const manifest = readManifestTexts(req.dir);
    return [
      ...new Set([
        ...parseManifest(manifest).files.keys(),
        MANIFEST_PATH,
        ...manifest.keys(),
        ...req.model.services.flatMap((s) => [ledgerFilePath(req.model, s.name), manifestShardPath(s.name)]),
      ]),
    ];
  };

  const store = pendingStore(req.dir);
  const ops = store ? readPending(store) : [];
  // Operations made for a merge-request branch (a release with --publish --branch, then killed) are published there only.
  const recorded = recordedBranch(ops, req.branch);
  if (recorded !== undefined) {
    if (req.branch === undefined) {
      req.onNote?.(
        `The pending ${recorded.ops.map((op) => op.subject).join('; ')} ${recorded.ops.length === 1 ? 'was' : 'were'} made for branch ${recorded.name}; published there.`,
      );
      req = { ...req, branch: recorded.name };
    }
    // A publish killed after it moved to that branch left the checkout on it: back where it was.
    if ((await repo.currentBranch()) === recorded.name) {
      if (recorded.from === undefined || recorded.from === recorded.name) {
        throw GitOpsError.of('CG526', {
          message: `"${repo.root}" is on branch ${recorded.name}, where a publish of its pending operations was interrupted, and the branch it was on before is not known (a detached HEAD). Nothing was published.`,
          fix: `Check out the branch the change goes into (git switch <branch>), then publish again.`,
        });
      }
      await repo.switchBack({ branch: recorded.from });
      req.onNote?.(
        `Switched back to branch ${recorded.from}: an interrupted publish to ${recorded.name} left the checkout on that branch.`,
      );
    }
  }
  const interrupted = store !== undefined && ops.length > 0 && wasPublishing(store);
  const clock = req.clock ?? { now: new Date() };
  assertCheckoutLedgers(req.model, req.dir, clock); // a ledger entry that breaks a rule, committed or not
  // What production would read once every pending operation is published: a write of the program
  // that keeps a team's chart at a tag there is refused (the recorded model, without a program, is not judged).
  const unpinned = req.recordedServices === undefined ? unpinnedChartProblems(req.model, req.dir) : [];
  assertPendingState(req.model, req.dir, ops, store, interrupted);
  if (req.recordedServices !== undefined) await assertOtherLedgersAtHead(repo, req.model, req.recordedServices);
  if (interrupted) {
    req.onNote?.(
      `A publish of the ${ops.length} pending operation${ops.length === 1 ? '' : 's'} was interrupted; ${ops.length === 1 ? 'it is' : 'they are'} published from ${ops.length === 1 ? 'its record' : 'their records'}.`,
    );
  }
  if (store) markPublishing(store, ops.length > 0);
  const startHead = await repo.resolve('HEAD');
  const startBranch = await repo.currentBranch();
  // A write made before this publish (the release command's own) may have deleted owned files
  // the manifest it left no longer records: they are set aside with the others (those its pending
  // operations recorded, and release files), and the program's commit deletes them again.
  const checkout = new Checkout(req.dir);
  const deletedByOps = ops.flatMap((op) => op.deleted ?? []).filter((p) => checkout.kind(p) === 'missing');
  const aside = await setAside(repo, [...new Set([...owned(), ...deletedSinceHead(req.dir), ...deletedByOps])]);

  const described: { subject: string; operation: Operation; promotedBy: string }[] = [];
  let synth: WriteReport | undefined;
  let landed = new Set<PendingOperation>();
  let scope: string[] = [];
  const step = (
    index: number,
    operation: Operation,
    promotedBy: string,
    approvedBy: string | undefined,
    apply: () => string | undefined,
  ): PublishCommit => {
    let subject: string | undefined;
    let made: { readonly files: readonly string[]; readonly message: string; readonly trailers: CommitTrailers } | undefined;
    /** The message and trailers of the commit of `files` (repository-relative), worked out once per attempt. */
    const describe = (files: readonly string[]): NonNullable<typeof made> => {
      if (made?.files === files) return made;
      if (subject === undefined) return { files, message: '', trailers: {} };
      const ledgers = readLedgers(req.model, req.dir);
      const summary = summarizeChange(req.model, files, ledgers, ledgersAtHead(req.dir, req.model, ledgers, files));
      const body = describeChange(summary);
      made = {
        files,
        message: body ? `${subject}\n\n${body}` : subject,
        // A paragraph of trailers for each release, so that no service's digest or chart reads as another's.
        trailers: releaseParagraphs(
          {
            operation,
            promotedBy,
            ...(approvedBy ? { approvedBy: [approvedBy] } : {}),
            ...(req.programCommit ? { programCommit: req.programCommit } : {}),
          },
          summary.releases,
        ),
      };
      return made;
    };
    return {
      apply: () => {
        scope = owned();
        made = undefined;
        subject = apply();
        if (subject !== undefined) described[index] = { subject, operation, promotedBy };
      },
      message: (files) => describe(files).message,
      trailers: (files) => describe(files).trailers,
    };
  };
  const commits: PublishCommit[] = [
    step(0, Operation.SYNTH, req.by, undefined, () => {
      landed = new Set();
      recoverInterruptedWrite(req.dir); // before the ledgers are read
      if (req.recordedServices !== undefined) {
        // No program, so no change of its own; but a tree its last synth left that the next write
        // must bring up to date (its inputs changed since: ApplicationSets that now read release
        // files) is written as the program's synth would write it, from every service's file of the
        // release model, in a commit of its own.
        const names = [...new Set(ops.map((op) => op.request.service))];
        const recorded = readRecordedModel(req.dir, names, 'publish', NOT_PUBLISHED);
        req = { ...req, model: recorded.model, fingerprint: recorded.fingerprint, recordedServices: recorded.services };
        assertCheckoutLedgers(req.model, req.dir, clock);
        if (readManifest(req.dir).inputs === treeInputs(recorded.fingerprint, releaseFilesInUse(recorded.model, req.dir))) return undefined;
        const whole = readRecordedModel(req.dir, 'all', 'publish', NOT_PUBLISHED);
        req = { ...req, model: whole.model };
        const found = checkoutTree(whole.model, req.dir, whole.fingerprint);
        synth = found.unchanged ?? writeDeclaredTree(whole.model, found.tree, req.dir, { allow: req.allowRemove ?? [] });
        return req.message ?? SYNTH_SUBJECT;
      }
      const found = checkoutTree(req.model, req.dir, req.fingerprint);
      if (!found.unchanged) assertProductionChartsPinned(req.model, req.dir, unpinned);
      synth = found.unchanged ?? writeDeclaredTree(req.model, found.tree, req.dir, { allow: req.allowRemove ?? [] });
      return req.message ?? SYNTH_SUBJECT;
    }),
    ...ops.map((op, i) =>
      step(i + 1, OPERATIONS[op.request.kind], op.by, op.request.kind === 'promote' ? op.request.approvedBy : undefined, () => {
        const made = reapply(req, op);
        if (made === undefined) landed.add(op);
        return made;
      }),
    ),
  ];

  let result: PublishResult;
  try {
    result = await publishCommits({
      dir: req.dir,
      remote: req.remote,
      ...(req.branch ? { pushBranch: req.branch, ifBranchExists: ExistingBranch.FAIL } : {}),
      paths: () => [...new Set([...scope, ...owned()])],
      commits,
      ...(req.onNote ? { onNote: req.onNote } : {}),
      ...(req.commitDate ? { date: req.commitDate } : {}),
    });
  } catch (err) {
    putBack(req.dir, aside, ops, (await repo.resolve('HEAD')) === startHead && (await repo.currentBranch()) === startBranch, req.onNote);
    if (store && ops.length > 0) markPublishing(store, false);
    throw err;
  }
  if (store) {
    markPublishing(store, false); // first: a mark left without operations would excuse the next ones
    removePending(store, ops);
  }
  for (const op of landed) req.onNote?.(`The pending ${op.subject} is on the remote already; it was not published again.`);
  return {
    ...result,
    commits: result.commits.map((c) => ({ ...c, ...described[c.index]! })),
    ...(synth ? { synth } : {}),
  };
}

const OPERATIONS: Record<ReleaseRequest['kind'], Operation> = {
  promote: Operation.PROMOTE,
  rollback: Operation.ROLLBACK,
  unhold: Operation.UNHOLD,
};

/**
 * Applies a pending operation to the checkout as it is now (the remote tip, with the commits
 * before it), with the release rules checked as of when it was made, and returns the commit
 * subject; undefined when the remote has this very operation already (see {@link inEffect}).
 *
 * A promote or rollback moves exactly the digest it moved when it was made (its record's ledger
 * says which), never what `--from` or `--previous` would name on the remote tip; an unhold lifts
 * only the hold it lifted. When the remote tip makes that impossible, or makes the operation
 * change nothing, it is refused with `CG517`: an operation is published as its own commit, or not
 * at all.
 */
function reapply(req: PublishRequest, pending: PendingOperation): string | undefined {
  recoverInterruptedWrite(req.dir);
  const movedTo = ringsNow(req.model, pending);
  const op = movedTo[0] === pending.request.ring ? pending : { ...pending, request: { ...pending.request, ring: movedTo[0]! } };
  const made = recordedRing(req.model, pending, pending.ledger.after);
  const before = pending.ledger.before === null ? undefined : recordedRing(req.model, pending, pending.ledger.before);
  const current = readLedgers(req.model, req.dir).get(op.request.service)?.ledger;
  const now = current?.rings[op.request.ring];
  const has = (ring: string): boolean => {
    const state = current !== undefined && Object.hasOwn(current.rings, ring) ? current.rings[ring] : undefined;
    return state !== undefined && made !== undefined && inEffect(op, made, state, before);
  };
  if (movedTo.every(has)) return undefined;
  const request = exactRequest(req.model, pending, op, made, current, movedTo);
  let outcome: ReleaseOutcome;
  try {
    outcome = runRelease(
      req.model,
      req.dir,
      request,
      { by: op.by, now: new Date(op.at) },
      {
        modelFingerprint: req.fingerprint,
        movedTo,
        ...(req.recordedServices === undefined ? {} : { recordedServices: req.recordedServices }),
      },
    );
  } catch (e) {
    if (!(e instanceof GitOpsError) || !e.code.startsWith('CG6')) throw e;
    throw noLongerApplies(op, e.message);
  }
  if (!outcome.change.changed) {
    throw noLongerApplies(
      op,
      `${outcome.change.summary}${now ? ` (${release(now)})` : ''}, by a change other than this operation; it would change nothing.`,
    );
  }
  writeDeclaredTree(outcome.model ?? req.model, outcome.tree, req.dir, {
    restoreMissing: false,
    allow: req.allowRemove ?? [],
    basis: outcome.basis,
  });
  return outcome.change.summary;
}

/**
 * The request that makes exactly what the pending operation made: a promote of the digest it
 * promoted (with `--from`, only while that ring still runs it), a rollback to the digest it
 * rolled back to, an unhold of the hold it lifted (in each of `rings`, the rings its ring is
 * now). Fails with `CG517` when the remote tip (`current`) no longer allows that.
 */
function exactRequest(
  model: PlatformModel,
  pending: PendingOperation,
  op: PendingOperation,
  made: RingState | undefined,
  current: Ledger | undefined,
  rings: readonly string[],
): ReleaseRequest {
  const request = op.request;
  if (request.kind === 'unhold') {
    const lifted = pending.ledger.before === null ? undefined : recordedRing(model, pending, pending.ledger.before)?.hold;
    for (const ring of rings) {
      const hold = current?.rings[ring]?.hold;
      if (lifted && hold && !sameHold(lifted, hold)) {
        throw noLongerApplies(
          op,
          `it lifted the hold ${describeHold(lifted)}, but "${ring}" is held by another since: ${describeHold(hold)}. ` +
            'An unhold lifts only the hold it was made for.',
        );
      }
    }
    return request;
  }
  if (made === undefined) {
    throw noLongerApplies(
      op,
      `its record does not say which digest it moved "${pending.request.ring}" to, as the program reads ${op.ledger.path} now.`,
    );
  }
  if (request.kind === 'rollback') {
    if (request.keepChart === true) {
      // Only the image went back: the ring must still run the chart it kept.
      const runs = current?.rings[request.ring]?.chart;
      if (runs !== made.chart) {
        throw noLongerApplies(
          op,
          `it kept chart ${made.chart ?? '(none)'} of "${request.ring}", which runs ${runs ?? 'no pinned chart'} now.`,
        );
      }
      return { ...request, to: releaseVersion(made), previous: false };
    }
    return { ...request, to: releaseVersion(made), ...(made.chart === undefined ? {} : { toChart: made.chart }), previous: false };
  }
  const source = request.fromRing === undefined ? undefined : current?.rings[request.fromRing];
  if (source !== undefined && !sameRelease(source, made)) {
    throw noLongerApplies(
      op,
      `it promoted ${describeRelease(made)}, what "${request.fromRing}" ran when it was made, but "${request.fromRing}" runs ` +
        `${describeRelease(source)} now (${release(source)}). A promotion moves exactly the digest it was made${request.approvedBy ? ' and approved' : ''} for, ` +
        'never what the ring runs by the time it is published.',
      `Drop it (cdk8s-gitops publish --drop-pending, then git checkout -- ${op.ledger.path}), bring the checkout up to date (git pull), ` +
        `look at what "${request.fromRing}" runs now (cdk8s-gitops status), and promote again` +
        `${request.approvedBy ? ', with an approval for that digest,' : ''} if it should go on.`,
    );
  }
  if (request.fromRing === undefined && made !== undefined) {
    const kept = keptParts(model, request, made, current);
    if (kept !== undefined) {
      throw noLongerApplies(
        op,
        `it kept ${kept.parts.join(', ')} of what "${kept.ring}" ran when it was made, but "${kept.ring}" runs ${describeRelease(kept.now)} now: ` +
          'publishing it would take back a change made since.',
        `Drop it (cdk8s-gitops publish --drop-pending, then git checkout -- ${op.ledger.path}), bring the checkout up to date (git pull), and promote again.`,
      );
    }
  }
  const { digest: _digest, images: _images, ...rest } = request;
  return {
    ...rest,
    ...(made.images === undefined ? { digest: made.digest } : { images: made.images }),
    ...(made.chart === undefined ? {} : { chart: made.chart }),
  };
}

/**
 * The parts of a promotion's release that it did not name (an image, the chart) and took from
 * the ring it takes releases from (the ring before, or the ring's own entry in the first ring),
 * where that ring runs something else on the remote tip now; undefined when none does.
 */
function keptParts(
  model: PlatformModel,
  request: Extract<ReleaseRequest, { kind: 'promote' }>,
  made: RingState,
  current: Ledger | undefined,
): { ring: string; parts: string[]; now: RingState } | undefined {
  const order = model.rings.map((r) => r.name);
  const before = order[order.indexOf(request.ring) - 1];
  const ring = before !== undefined && current !== undefined && Object.hasOwn(current.rings, before) ? before : request.ring;
  const now = current !== undefined && Object.hasOwn(current.rings, ring) ? current.rings[ring]! : undefined;
  if (now === undefined) return undefined;
  const parts: string[] = [];
  if (request.chart === undefined && now.chart !== made.chart) parts.push(`chart ${made.chart ?? '(none)'}`);
  if (made.images !== undefined) {
    for (const [name, version] of Object.entries(made.images)) {
      if (request.images?.[name] === undefined && now.images?.[name] !== version) parts.push(`image ${name} ${shortDigest(version)}`);
    }
  } else if (request.digest === undefined && made.digest !== undefined && now.digest !== made.digest) {
    parts.push(`image ${shortDigest(made.digest)}`);
  }
  return parts.length === 0 ? undefined : { ring, parts, now };
}

/** `CG517`: the pending operation cannot be made on the remote tip, for the reason `why`. */
function noLongerApplies(op: PendingOperation, why: string, fix?: string): GitOpsError {
  return GitOpsError.of('CG517', {
    file: op.ledger.path,
    message:
      `The pending ${op.subject} (made ${op.at}) no longer applies on the remote tip, which changed ${op.ledger.path} since: ${why} ` +
      'Nothing was pushed; the operation is still pending.',
    ...(fix ? { fix } : {}),
  });
}

/** A ring's release, for messages: `since 2026-11-22T14:00:00Z, by mallory[, held: reason]`. */
function release(state: RingState): string {
  return `since ${state.since}, by ${state.by}${state.hold ? `, held: ${state.hold.reason}` : ''}`;
}

function sameHold(a: Hold, b: Hold): boolean {
  return a.reason === b.reason && a.since === b.since && a.by === b.by;
}

/**
 * The operation's ring in a ledger text of its record (before or after it), under the ring's name
 * when it was made; undefined when the text does not parse or has no such ring.
 */
function recordedRing(model: PlatformModel, op: PendingOperation, text: string): RingState | undefined {
  try {
    return parseLedger(text, op.ledger.path, { policies: ringPolicies(model) }).rings[op.request.ring];
  } catch (e) {
    if (e instanceof GitOpsError) return undefined;
    throw e;
  }
}

/**
 * The rings a pending operation's ring is now, in ring order. The ring itself while the program
 * declares it; and every ring that took it over since the operation was made (its `movedFrom`
 * names the ring, and the ledger the operation left has no entry of its own for it): a ring
 * renamed is the ring by its new name, a ring split is each of the rings it was split into, so
 * that the operation lands where `synth` moves what it wrote. Rings that had entries of their own
 * when the operation was made were split off before it and are left alone.
 */
function ringsNow(model: PlatformModel, op: PendingOperation): string[] {
  const made = ledgerOf(model, op);
  const split = ringsTakingOver(model.rings, op.request.ring).filter(
    (r) => r === op.request.ring || made === undefined || !Object.hasOwn(made.rings, r),
  );
  return split.length > 0 ? split : [op.request.ring];
}

/** The ledger as the pending operation left it, as written (no ring moves applied); undefined when it does not parse. */
function ledgerOf(model: PlatformModel, op: PendingOperation): Ledger | undefined {
  try {
    return parseLedger(op.ledger.after, op.ledger.path, { policies: ringPolicies(model) });
  } catch (e) {
    if (e instanceof GitOpsError) return undefined;
    throw e;
  }
}

/**
 * Whether the remote tip has this very operation already (a publish killed after its push):
 * `ring` (the ring on the tip) runs or ran the release the operation made, `made`: the same
 * digest, put there at the same time by the same person. For an unhold, the ring runs the release
 * the unhold left it with, unheld. Where the ring already had such an entry before the operation
 * (`before`: a rollback to a release promoted in the same second by the same person), the tip
 * must hold one more of them than that.
 */
function inEffect(op: PendingOperation, made: RingState, ring: RingState, before?: RingState): boolean {
  const same = (p: PreviousRelease): boolean => sameRelease(p, made) && p.since === made.since && p.by === made.by;
  if (op.request.kind === 'unhold') return ring.hold === null && same(ring);
  const count = (r: RingState | undefined): number => (r === undefined ? 0 : [r, ...r.previous].filter(same).length);
  return count(ring) > count(before);
}

/**
 * Fails when a ledger of the checkout is not as its pending operations left it (`CG519`), or
 * differs from `HEAD` by a change no pending operation made (`CG520`). A new ledger that holds
 * the program's initial digests is what `synth` writes, and passes.
 */
export function assertPendingState(
  model: PlatformModel,
  dir: string,
  ops: readonly PendingOperation[],
  store?: PendingStore,
  interrupted = false,
): void {
  const checkout = new Checkout(dir);
  const where = store ? ` (records in ${pendingPath(store)})` : '';
  for (const op of ops) {
    if (!model.services.some((s) => s.name === op.request.service) || ledgerFilePath(model, op.request.service) !== op.ledger.path) {
      throw notAsLeft(op, `the program no longer keeps the ledger of ${op.request.service} at ${op.ledger.path}`, where);
    }
  }
  // Every ledger at HEAD, read at once (one git process, not one per service of a fleet).
  const heads = LedgerGit.open(dir)?.blobsAtHead(model.services.map((s) => ledgerFilePath(model, s.name)));
  for (const s of model.services) {
    const file = ledgerFilePath(model, s.name);
    const mine = ops.filter((o) => o.ledger.path === file);
    const now = checkout.read(file) ?? null;
    if (interrupted && mine.length > 0) continue; // the ledger is the interrupted publish's scratch space
    const blob = heads?.get(file);
    if (blob === null) throw unlikeHead(file); // larger than a ledger may be: nothing the checkout holds is it
    const head = blob ?? null;
    // What `synth` writes from HEAD's ledger is the program's change, no operation's: a new ledger
    // with the program's initial digests, or HEAD's ledger with the program's ring moves applied.
    // Ledgers are compared as the program reads them (its ring moves applied): a `synth` by an
    // earlier program that renamed a ring the program has renamed again since wrote the same ledger.
    const declared = initialRelease(s);
    const initial = declared ? programInitialLedgerText(model, s.name, declared) : undefined;
    const moved = (text: string): string => withRingMoves(model, text, file) ?? text;
    const same = (a: string | null, b: string | null): boolean => a === b || (a !== null && b !== null && moved(a) === moved(b));
    const atHead = (text: string | null): boolean => (head === null ? text === null || text === initial : same(text, head));
    if (mine.length === 0) {
      if (atHead(now)) continue;
      throw unlikeHead(file);
    }
    // Operations whose ledger HEAD holds were committed by a publish killed after its commit: its
    // recovery drops the commit when it never reached the remote, and the replay skips them when it did.
    const start = mine.map((o) => o.ledger.after).lastIndexOf(head ?? '\0') + 1;
    for (const [i, op] of mine.entries()) {
      if (i < start) continue;
      if (i === start ? !atHead(op.ledger.before) : !same(op.ledger.before, mine[i - 1]!.ledger.after)) {
        throw GitOpsError.of('CG520', {
          file,
          message:
            `${file} was changed ${i === start ? 'before the pending' : `between the pending ${mine[i - 1]!.subject} and the`} ${op.subject} by a change ` +
            'that no pending operation made (an edit by hand, or a commit made since). Publish commits a ledger change only as the operation that made it. Nothing was published.',
          fix: `Drop the pending operations (cdk8s-gitops publish --drop-pending), discard the ledger change (git checkout -- ${file}), and run the operations again${where}.`,
        });
      }
    }
    const last = mine[mine.length - 1]!;
    // `synth` since the operations applies the program's ring moves to what they left.
    if (!same(now, last.ledger.after)) {
      throw notAsLeft(
        last,
        now === head ? 'the change was discarded since (or a publish of it was interrupted)' : 'it was edited since',
        where,
      );
    }
  }
}

/**
 * Without the program (see `PublishRequest.recordedServices`), the ledgers of the services the
 * model does not hold: each must be as `HEAD` has it (`CG520`), since no pending operation
 * changed it and publish would otherwise set the change aside and lose it.
 */
export async function assertOtherLedgersAtHead(repo: GitOpsRepository, model: PlatformModel, services: readonly string[]): Promise<void> {
  const held = new Set(model.services.map((s) => s.name));
  const files = services.filter((s) => !held.has(s)).map((s) => ledgerFilePath(model, s));
  if (files.length === 0) return;
  const changed = await repo.changedFiles(files);
  if (changed.length === 0) return;
  throw unlikeHead(files.find((f) => changed.includes(f)) ?? changed[0]!);
}

/** A ledger's text once the program's ring moves are applied (as `synth` writes it); undefined when it has none to apply or does not parse. */
function withRingMoves(model: PlatformModel, text: string, file: string): string | undefined {
  let ledger: Ledger;
  try {
    ledger = parseLedger(text, file, { policies: ringPolicies(model) });
  } catch (e) {
    if (e instanceof GitOpsError) return undefined;
    throw e;
  }
  const moved = applyRingMoves(model, ledger);
  return moved === ledger ? undefined : ledgerText(model, moved);
}

/** `CG520`: the ledger `file` differs from `HEAD`'s, and no pending operation made the change. */
function unlikeHead(file: string): GitOpsError {
  return GitOpsError.of('CG520', {
    file,
    message:
      `${file} differs from the last commit, and no pending promote, rollback or unhold made the change (an edit by hand, or a command ` +
      'killed before it recorded its operation). Publish commits a ledger change only as the operation that made it, under the name of who made it. Nothing was published.',
    fix: `Discard the change (git checkout -- ${file}) and run the promote, rollback or unhold again; or commit the edit yourself, with a message that says who changed what and why.`,
  });
}

function notAsLeft(op: PendingOperation, why: string, where: string): GitOpsError {
  return GitOpsError.of('CG519', {
    file: op.ledger.path,
    message:
      `${op.ledger.path} no longer holds what the pending ${op.subject} (made ${op.at}) wrote: ${why}. ` +
      'Publish will not commit that ledger under their name. Nothing was published.',
    fix: `Put the ledger back as the operation left it, or drop the pending operations (cdk8s-gitops publish --drop-pending) and run them again${where}.`,
  });
}

/**
 * The release files the manifest at `HEAD` records that the checkout `dir` lacks and its
 * manifest no longer records (checkout-relative): a write deleted them (an ApplicationSet no
 * longer reads them), and they are owned files all the same. Nothing else: a record at `HEAD`
 * is no proof that cdk8s-gitops wrote a file.
 */
function deletedSinceHead(dir: string): string[] {
  const git = LedgerGit.open(dir);
  if (git === undefined || !git.hasHead) return [];
  const texts = new Map<string, string>();
  for (const [p, text] of git.atHead([MANIFEST_PATH, ...git.filesAtHead(MANIFEST_SHARDS_DIR)])) if (text !== undefined) texts.set(p, text);
  let recorded: ReadonlySet<string>;
  try {
    recorded = new Set(parseManifest(texts).files.keys());
  } catch (e) {
    // A manifest at HEAD that is not as cdk8s-gitops writes it records nothing it can trust.
    if (e instanceof GitOpsError) return [];
    throw e;
  }
  // Only what a write dropped: the files the checkout's manifest no longer records.
  const now = readManifest(dir).files;
  const checkout = new Checkout(dir);
  return [...recorded].filter((p) => p.endsWith(`/${RELEASE_FILE}`) && !now.has(p) && checkout.kind(p) === 'missing');
}

/** The owned files that differ from `HEAD`, with their content (undefined: deleted); then they go back to `HEAD`. */
async function setAside(repo: GitOpsRepository, owned: string[]): Promise<Map<string, string | undefined>> {
  const aside = new Map<string, string | undefined>();
  const changes = await repo.changes(owned);
  if (changes.length === 0) return aside;
  const checkout = new Checkout(repo.root);
  for (const c of changes) aside.set(c.path, checkout.kind(c.path) === 'file' ? checkout.read(c.path) : undefined);
  await repo.discardChanges(owned, undefined, changes);
  return aside;
}

/**
 * After a failed publish: the set-aside files go back as they were, when the checkout is still on
 * its commit; otherwise (its branch moved to the remote tip) the ledgers of the pending operations.
 */
function putBack(
  dir: string,
  aside: ReadonlyMap<string, string | undefined>,
  ops: readonly PendingOperation[],
  sameCommit: boolean,
  onNote?: (line: string) => void,
): void {
  const checkout = new Checkout(dir);
  if (sameCommit) {
    for (const [p, text] of aside) {
      if (text === undefined) checkout.remove(p);
      else if (checkout.read(p) !== text) checkout.writeFile(p, text);
    }
    return;
  }
  const ledgers = new Map(ops.map((op) => [op.ledger.path, op.ledger.after]));
  for (const [p, text] of ledgers) checkout.writeFile(p, text);
  if (ledgers.size > 0) {
    onNote?.(
      `The checkout is at the remote tip now; the ledgers of the ${ops.length} pending operation${ops.length === 1 ? '' : 's'} were put back (${[...ledgers.keys()].join(', ')}); \`synth\` writes their values files.`,
    );
  }
}

/**
 * Fails as {@link publishChange} would before it writes anything: when the clone is in the middle
 * of a Git operation (`CG524`), or a ledger of the checkout `dir` is not as its pending operations
 * left it (`CG519`) or was changed by no operation (`CG520`).
 */
export async function assertCheckoutPublishable(model: PlatformModel, dir: string, recordedServices?: readonly string[]): Promise<void> {
  const repo = await GitOpsRepository.open(dir);
  assertTopOfWorkTree(repo, dir);
  await repo.assertNoOperationInProgress();
  const store = pendingStore(dir);
  assertPendingState(model, dir, store ? readPending(store) : [], store);
  if (recordedServices !== undefined) await assertOtherLedgersAtHead(repo, model, recordedServices);
}

/**
 * Fails with `CG525` when `dir` is a directory inside the work tree of `repo` rather than its top:
 * its files would be published under that directory, where Argo CD, which reads the tree's paths
 * from the top of the repository, does not look.
 */
function assertTopOfWorkTree(repo: GitOpsRepository, dir: string): void {
  const inside = path.relative(fs.realpathSync(repo.root), fs.realpathSync(dir));
  if (inside === '') return;
  throw GitOpsError.of('CG525', {
    message: `"${dir}" is the directory ${inside.split(path.sep).join('/')} of the clone "${repo.root}", not its top: the tree would be published under ${inside.split(path.sep).join('/')}/, where Argo CD does not read it. Nothing was published.`,
  });
}

/** The branch checked out in the checkout `dir`; undefined for a detached `HEAD`. */
export async function checkedOutBranch(dir: string): Promise<string | undefined> {
  return (await GitOpsRepository.open(dir)).currentBranch();
}

/**
 * The merge-request branch pending operations were made for (`PendingOperation.branch`), with the
 * branch the checkout was on then, and those operations; undefined when none was. Fails with
 * `CG526` when they name different branches, or when the publish names another (`branch`).
 */
function recordedBranch(
  ops: readonly PendingOperation[],
  branch: string | undefined,
): { readonly name: string; readonly from?: string; readonly ops: readonly PendingOperation[] } | undefined {
  const made = ops.filter((op) => op.branch !== undefined);
  if (made.length === 0) return undefined;
  const names = [...new Set(made.map((op) => op.branch!.name))];
  if (names.length > 1 || (branch !== undefined && branch !== names[0])) {
    throw GitOpsError.of('CG526', {
      message: `Pending operations of this checkout were made for ${names.length > 1 ? `branches ${names.join(', ')}` : `branch ${names[0]}`} (--publish --branch) and not published${branch === undefined ? '' : `; this publish names branch ${branch}`}: ${made.map((op) => `${op.subject} (${op.branch!.name})`).join('; ')}. Nothing was published.`,
      fix:
        names.length > 1
          ? 'Drop them (cdk8s-gitops publish --drop-pending), put their ledgers back (git checkout -- <ledger>), and make each again with --publish --branch.'
          : `Publish them to that branch (cdk8s-gitops publish --branch ${names[0]}), or drop them (cdk8s-gitops publish --drop-pending).`,
    });
  }
  return { name: names[0]!, ...(made[0]!.branch!.from === undefined ? {} : { from: made[0]!.branch!.from }), ops: made };
}

/**
 * Drops the pending operations of the checkout `dir` (their records only: the checkout's files
 * stay as they are) and returns them.
 */
export function dropPending(dir: string): PendingOperation[] {
  const store = pendingStore(dir);
  if (!store) return [];
  const ops = readPending(store);
  markPublishing(store, false);
  removePending(store, ops);
  return ops;
}

/**
 * Removes the `index.lock` a killed command's git left behind: only when this command took over
 * the lock of a cdk8s-gitops command that is gone, git's lock was made while that command ran,
 * and no git command runs in the checkout now (one that does may hold it, as a commit waiting
 * for its editor does). Where that cannot be told, the lock is left, and said so.
 */
async function removeStaleIndexLock(repo: GitOpsRepository, holder: LockHolder, onNote?: (line: string) => void): Promise<void> {
  const file = await repo.gitPath('index.lock');
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  const started = Date.parse(holder.started);
  if (!stat?.isFile() || !(stat.mtimeMs >= started - 1000)) return;
  // A git command running in the checkout now (a commit waiting for its editor) holds it: not the killed command's.
  const running = gitProcessesIn(repo.root);
  if (running === undefined || running.length > 0) {
    onNote?.(
      `Left ${path.relative(repo.root, file)} in place: ${running === undefined ? 'whether a git command holds it cannot be told on this system' : `a git command runs in the checkout (pid ${running.join(', ')})`}; remove it once no git command runs there.`,
    );
    return;
  }
  fs.unlinkSync(file);
  onNote?.(`Removed ${path.relative(repo.root, file)} left by the interrupted cdk8s-gitops ${holder.command}.`);
}

/** The changed ledgers as `HEAD` has them, by service; one `HEAD` lacks or cannot read is left out. */
function ledgersAtHead(
  dir: string,
  model: PlatformModel,
  ledgers: ReadonlyMap<string, LedgerFile>,
  changed: readonly string[],
): Map<string, Ledger> {
  const out = new Map<string, Ledger>();
  const changedSet = new Set(changed);
  const mine = [...ledgers].filter(([, file]) => changedSet.has(file.path));
  const texts = LedgerGit.open(dir)?.atHead(mine.map(([, file]) => file.path));
  for (const [service, file] of mine) {
    const text = texts?.get(file.path);
    if (text === undefined) continue;
    try {
      out.set(service, parseLedger(text, file.path, { policies: ringPolicies(model) }));
    } catch (e) {
      if (!(e instanceof GitOpsError)) throw e;
    }
  }
  return out;
}

/** A default merge-request branch: `<operation>/<service>/<ring>/<short digest>`. */
export function releaseBranch(operation: string, service: string, ring: string, digest?: string): string {
  const short = digest ? shortDigest(digest).replace('sha256:', '') : undefined;
  return [operation, service, ring, ...(short ? [short] : [])].join('/');
}
