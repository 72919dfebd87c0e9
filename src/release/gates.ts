/**
 * The ring rules applied to a release ledger as found in a checkout, wherever it is read (not
 * only by `promote`): each ring's entry that differs from the ledger's baseline (what
 * cdk8s-gitops last wrote and Git holds) must be one the release rules could have written
 * today. Entries equal to the baseline are history: they were checked when they were made,
 * under the rules of that day (a ring that gained a soak since keeps the digest it runs).
 *
 * Times come from Git where there is Git: a digest reached a ring when the commit that recorded
 * it there was made (committer time, along the first-parent history), not when the ledger's
 * `since` says, which is written by the promoter's clock.
 */
import { Problem, problem } from '../core/errors';
import { ruleChecks } from './rules';
import { formatTimestamp } from '../core/timestamp';
import { Ledger, RingSpec, RingState } from './types';
import {
  chartRevisionProblem,
  describeRelease,
  ImageVersions,
  Release,
  releaseOf,
  releaseVersion,
  sameRelease,
  shortChart,
} from './release';
import { orderBeforeSplit, ringsTakingOver } from './moves';

const { soakProblem, approverProblems } = ruleChecks;

/** The `since` of the entries `initialLedger` makes from a program's initial digest. */
const INITIAL_SINCE_TEXT = formatTimestamp(new Date(0));

/** One version of a ledger file in Git. */
export interface LedgerVersion {
  /** The commit that wrote this version. */
  readonly commit: string;
  /** When the version reached the branch (its commit's time; see `fastForward`). */
  readonly time: Date;
  /**
   * A merge-request commit that reached the branch by a fast-forward: `time` is the next
   * commit's (`next`), or the clock's when none follows yet (`unknown`).
   * @default - the commit's own time
   */
  readonly fastForward?: 'next' | 'unknown';
  /** The ledger as that commit has it; undefined when the file was absent or did not parse. */
  readonly ledger?: Ledger;
}

/** What Git holds of a ledger file. */
export interface LedgerHistory {
  /** The versions along the first-parent history of `HEAD`, newest (the one `HEAD` has) first. */
  readonly versions: readonly LedgerVersion[];
  /** Whether older versions exist that were not read. */
  readonly truncated: boolean;
}

/** A ledger to check, with what it is checked against. */
export interface LedgerCheck {
  /** Repository-relative path, named in every problem. */
  readonly file: string;
  /** The ledger as the checkout has it. */
  readonly ledger: Ledger;
  /**
   * What the ledger is compared with: entries equal to their baseline entry are not checked.
   * @default - no baseline: every entry is checked
   */
  readonly baseline?: Ledger;
  /**
   * How to restore the baseline, for the fix: `HEAD` or a commit.
   * @default - the ledger is not in Git
   */
  readonly baselineRef?: string;
  /**
   * The rings the baseline records as written, before the program's ring moves are applied: a
   * ring the program split that is among them is being split by this change.
   * @default - the rings of `baseline`
   */
  readonly baselineRings?: readonly string[];
  /**
   * The rings an operation made on one ring before the program split it lands in (a pending
   * operation published after the split): one release written into all of them is that
   * operation's, judged in the ring order before the split.
   * @default - none
   */
  readonly movedTo?: readonly string[];
  /** The program's rings, in order, with their gates and sync windows for this service. */
  readonly rings: readonly RingSpec[];
  /**
   * The service's initial digest: the entries `initialLedger` makes from it are accepted.
   * @default - none
   */
  readonly initialDigest?: string;
  /**
   * The initial digest of each named image, for a service with named images: the entries
   * `initialLedger` makes from them are accepted.
   * @default - none
   */
  readonly initialImages?: ImageVersions;
  /**
   * The chart version the initial entries pin, for a chart of a Helm or OCI repository promoted
   * with the images.
   * @default - none
   */
  readonly initialChart?: string;
  /**
   * The ledger's history in Git.
   * @default - not a Git repository: the ledger's own times are used
   */
  readonly history?: LedgerHistory;
  /**
   * The ledger differs from what cdk8s-gitops last wrote (the hash the manifest records), and
   * the baseline is that version: every difference was made by hand. A hold is then lifted
   * only by `unhold`.
   * @default false
   */
  readonly editedByHand?: boolean;
  /**
   * The ledger is in Git, but no version of the manifest ever recorded it: cdk8s-gitops never
   * wrote it (it was committed by hand). There is no baseline; its fix is to remove it.
   * @default false
   */
  readonly neverWritten?: boolean;
  /**
   * Versions of the ledger between the baseline and the checkout: those of the commits after
   * the baseline (with `check --base`), and those pending operations left in the checkout, not
   * yet committed. A rollback that was unheld since shows its hold in one of them.
   * @default - none
   */
  readonly intermediate?: readonly Ledger[];
  /**
   * Of {@link LedgerCheck.intermediate}, the versions pending operations of the checkout left
   * (written by the release rules, each judged again when it is published): a release a ring ran
   * in one of them is one it ran.
   * @default - none
   */
  readonly pending?: readonly Ledger[];
  /**
   * A hold lifted since the baseline counts only when a version in `intermediate` shows the
   * release unheld (the record of an `unhold`), whether or not the ledger was edited by hand:
   * true in a Git checkout, where pending operations record every unhold not committed yet;
   * false with `check --base`, whose commits cannot tell an unhold from a hand edit.
   * @default false
   */
  readonly holdLiftedOnRecordOnly?: boolean;
  /**
   * The service's chart, when it is promoted with the image (`inGit`: a chart in Git): a chart
   * revision a changed entry records must be one `promote` would take for it (CG618).
   * @default - the chart is not promoted: revisions are not judged by their form
   */
  readonly promotedChart?: { readonly inGit: boolean };
  /** Soak is measured up to this time (an entry not committed yet arrives now). */
  readonly now: Date;
  /** A `since` later than this has not happened yet. */
  readonly latest: Date;
}

/** When a digest reached a ring, and until when it ran there. */
export interface Arrival {
  /** When it reached the ring; `null` when it has not reached it in Git (only in the checkout). */
  readonly at: Date | null;
  /** When it left the ring. @default - it still runs there */
  readonly left?: Date;
  /** Whether the times come from Git. */
  readonly inGit: boolean;
  /** How `at` was found for a commit that reached the branch by a fast-forward ({@link LedgerVersion.fastForward}). @default - its own time */
  readonly fastForward?: 'next' | 'unknown';
}

/**
 * When `release` reached `ring`: with a history, the time of the oldest commit of the newest
 * run of versions in which the ring has that entry (unless the checkout changed the entry since,
 * which no commit records yet); without one, the ledger's `since`.
 */
export function arrivalOf(ledger: Ledger, ring: string, release: Release, history?: LedgerHistory): Arrival {
  const working = entry(ledger, ring);
  if (history === undefined) {
    if (sameRelease(working, release)) return { at: new Date(Date.parse(working!.since)), inGit: false };
    const i = working?.previous.findIndex((p) => sameRelease(p, release)) ?? -1;
    if (working === undefined || i < 0) return { at: null, inGit: false };
    const next = i === 0 ? working.since : working.previous[i - 1].since;
    return { at: new Date(Date.parse(working.previous[i].since)), left: new Date(Date.parse(next)), inGit: false };
  }
  const versions = history.versions;
  const atHead = versions[0]?.ledger === undefined ? undefined : entry(versions[0].ledger, ring);
  if (sameRelease(working, release) && !sameArrival(atHead, working)) return { at: null, inGit: true };
  const i = versions.findIndex((v) => v.ledger !== undefined && sameRelease(entry(v.ledger, ring), release));
  if (i < 0) {
    // Beyond the versions read: as old as the oldest of them at least.
    if (history.truncated && sameRelease(working, release) && versions.length > 0)
      return { at: versions[versions.length - 1].time, inGit: true };
    return { at: null, inGit: true };
  }
  const found = entry(versions[i].ledger!, ring)!;
  let j = i;
  while (
    j + 1 < versions.length &&
    sameArrival(versions[j + 1].ledger === undefined ? undefined : entry(versions[j + 1].ledger!, ring), found)
  )
    j++;
  return {
    at: versions[j].time,
    ...(i > 0 ? { left: versions[i - 1].time } : {}),
    inGit: true,
    ...(versions[j].fastForward ? { fastForward: versions[j].fastForward } : {}),
  };
}

/**
 * The problems of a ledger's changed entries under today's ring rules, each naming the file,
 * the ring and the fix: out of ring order (CG610), soak not served (CG611), approval missing
 * (CG612), a held ring's release replaced (CG613), self-approval (CG614), an approver the ring
 * does not name (CG615), a `since` in the future (CG616). Rings the program does not declare
 * are left alone.
 *
 * @example
 * const problems = ledgerProblems({ file, ledger, baseline, rings, now, latest: now });
 */
export function ledgerProblems(c: LedgerCheck): Problem[] {
  const out: Problem[] = [];
  const at = (p: Problem): Problem => ({ ...p, file: c.file });
  const service = c.ledger.service;
  const restore =
    c.neverWritten === true
      ? `Remove ${c.file}, which cdk8s-gitops never wrote (\`git rm ${c.file}\`, and commit): synth writes the service's initial ledger`
      : c.baselineRef === undefined
        ? `Restore ${c.file} from a backup`
        : c.baselineRef === 'HEAD'
          ? `Restore the ledger from Git (\`git checkout HEAD -- ${c.file}\`)`
          : `Restore the ledger from Git (\`git checkout ${/^[0-9a-f]{40}$/.test(c.baselineRef) ? c.baselineRef.slice(0, 12) : c.baselineRef} -- ${c.file}\`, or revert the commits that changed it)`;
  c.rings.forEach((spec) => {
    const ring = spec.name;
    const now = entry(c.ledger, ring);
    const was = c.baseline === undefined ? undefined : entry(c.baseline, ring);
    if (now === undefined || sameEntry(now, was)) return;
    // Production's values are written from this entry by whoever runs synth next, unreviewed:
    // only promote and rollback change it, whose change carries those values with it.
    if (c.editedByHand === true && spec.production === true) {
      out.push(
        at(
          problem('CG621', {
            message: `Ring "${ring}" has targets in production, and the entry of ${service} there was changed by hand: production changes only by promote or rollback, whose change holds production's files for review.`,
            fix: `${restore}, then promote or roll back with cdk8s-gitops (--publish, or --branch for a merge request).`,
          }),
        ),
      );
      return;
    }
    // A release where nothing of the service runs, now or in a later ring, waits for the day the
    // program places it there, with whatever approval was named: promote refuses it, and so does this.
    const initialEntry =
      c.initialImages !== undefined
        ? { images: c.initialImages, ...(c.initialChart === undefined ? {} : { chart: c.initialChart }) }
        : c.initialDigest !== undefined
          ? { digest: c.initialDigest, ...(c.initialChart === undefined ? {} : { chart: c.initialChart }) }
          : undefined;
    if (spec.runsNothing === true && !(isInitial(now, initialEntry) && was === undefined)) {
      out.push(
        at(
          problem('CG622', {
            message: `Ring "${ring}" has no target of ${service}, nor has a ring after it, and its entry there changed: a release there would run nowhere until the program places ${service} there, then without review.`,
            fix: `${restore}; place ${service} on the clusters of "${ring}" in the program first, then promote.`,
          }),
        ),
      );
      return;
    }
    const order = orderOf(c, ring, now);
    const index = order.findIndex((r) => r.name === ring);
    const chartWhy =
      now.chart === undefined || c.promotedChart === undefined ? undefined : chartRevisionProblem(now.chart, c.promotedChart.inGit);
    if (c.promotedChart !== undefined && was?.chart !== undefined && now.chart === undefined) {
      out.push(
        at(
          problem('CG618', {
            message: `Ring "${ring}" ran chart ${shortChart(was.chart)} and now records none: it would read the chart at its moving revision, which no ring may have run. No command unpins a ring's chart: the entry was changed by hand.`,
            fix: `${restore}; promote a pinned chart revision instead.`,
          }),
        ),
      );
    }
    if (chartWhy !== undefined && now.chart !== was?.chart) {
      out.push(
        at(
          problem('CG618', {
            message: `Ring "${ring}" records chart revision ${JSON.stringify(now.chart)}, which ${chartWhy}: the entry was changed by hand.`,
            fix: `${restore}; promote writes chart revisions (--chart-revision for a chart in Git, --chart-version for a Helm or OCI chart).`,
          }),
        ),
      );
    }
    for (const [what, time] of [
      ['since', now.since],
      ['hold.since', now.hold?.since],
    ] as const) {
      if (time !== undefined && Date.parse(time) > c.latest.getTime()) {
        out.push(
          at(
            problem('CG616', {
              message: `Ring "${ring}" has ${what} ${time}, which is later than now (${formatTimestamp(c.latest)}): the entry was written with a clock set ahead, or by hand.`,
              fix: `${restore}; the release rules write the time of the change.`,
            }),
          ),
        );
      }
    }
    if (c.baseline !== undefined) {
      // Only a promotion or rollback adds to `previous`, and only the release it replaced: a
      // release listed there that the ring never ran could be rolled back to. A pending
      // operation's ledger shows what the ring ran since the baseline.
      const ran = [was, ...(c.pending ?? []).map((l) => entry(l, ring))].flatMap((e) => (e === undefined ? [] : [e, ...e.previous]));
      const invented = now.previous.filter((p) => !ran.some((r) => sameRelease(r, p) && r.since === p.since && r.by === p.by));
      if (invented.length > 0) {
        out.push(
          at(
            problem('CG610', {
              message: `Ring "${ring}" lists ${invented.map((p) => describeRelease(p)).join(', ')} among its previous releases, which it never ran there: the entry was changed by hand.`,
              fix: `${restore}; previous releases are recorded by promote and rollback.`,
            }),
          ),
        );
        return;
      }
    }
    // A hold removed or changed by hand, the release kept (its time or record changed with it):
    // only `unhold` lifts one. A release replaced in a held ring is CG613 below.
    const holdChanged = was?.hold && sameRelease(now, was) && (now.hold === null || JSON.stringify(now.hold) !== JSON.stringify(was.hold));
    const unholdOnRecord = (c.intermediate ?? []).some((l) => {
      const e = entry(l, ring);
      return e !== undefined && e.hold === null && sameArrival(e, now);
    });
    if (holdChanged && (c.editedByHand || (c.holdLiftedOnRecordOnly && !(now.hold === null && unholdOnRecord)))) {
      out.push(
        at(
          problem('CG613', {
            message: `Ring "${ring}" is held since ${was.hold.since} by ${was.hold.by}, and the hold was ${now.hold === null ? 'removed' : 'changed'} by hand.`,
            fix: `${restore}, and lift the hold with \`cdk8s-gitops unhold ${service} --ring ${ring} --publish\` once the incident is over.`,
          }),
        ),
      );
      return;
    }
    // A pending operation of this checkout moved the ring away since (a promotion then its
    // rollback, made within one second): the entry is a new one, judged below, not a rewrite.
    const movedSince = (c.pending ?? []).some((l) => {
      const e = entry(l, ring);
      return e !== undefined && !sameArrival(e, was);
    });
    if (was !== undefined && sameArrival(now, was) && !movedSince) {
      // The same release, made once: who made it, from where and with whose approval is its
      // record; no release command rewrites it (an unhold lifts the hold only).
      const rewritten = (['by', 'from', 'approvedBy'] as const).filter((k) => now[k] !== was[k]);
      if (rewritten.length === 0) return;
      // The approval rules a new entry would break, where the rewrite breaks one; else the rewrite itself.
      const approval = [
        ...approverProblems(ring, spec, now.by, now.approvedBy, 'The ledger says: ').map((p) => at({ ...p, fix: `${restore}. ${p.fix}` })),
        ...(spec.gates.requireApproval && now.approvedBy === null
          ? [
              at(
                problem('CG612', {
                  message: `Ring "${ring}" runs ${describeRelease(now)} with no approver named, but it requires an approval: the entry was changed by hand.`,
                  fix: `${restore}; who approved a release is recorded by promote.`,
                }),
              ),
            ]
          : []),
      ];
      out.push(
        ...(approval.length > 0
          ? approval
          : [
              at(
                problem('CG610', {
                  message: `Ring "${ring}" runs ${describeRelease(now)} as before, but its record was rewritten (${rewritten.map((k) => `${k}: ${JSON.stringify(was[k])} → ${JSON.stringify(now[k])}`).join(', ')}): the entry was changed by hand.`,
                  fix: `${restore}; who promoted a release, from where and with whose approval are recorded by promote.`,
                }),
              ),
            ]),
      );
      return;
    }
    const initial =
      c.initialImages !== undefined
        ? { images: c.initialImages, ...(c.initialChart === undefined ? {} : { chart: c.initialChart }) }
        : c.initialDigest !== undefined
          ? { digest: c.initialDigest, ...(c.initialChart === undefined ? {} : { chart: c.initialChart }) }
          : undefined;
    if (isInitial(now, initial) && was === undefined) return;
    const before = index > 0 ? order[index - 1].name : undefined;
    const promoteFix = `${restore}, then promote with \`cdk8s-gitops promote ${service} --ring ${ring} ${before === undefined ? '--digest <sha256:…>' : `--from ${before}`}\``;
    // A rollback puts back a release the ring ran before its current one (never the one it runs),
    // or only its image, with the chart the ring ran (rollback --keep-chart).
    // (Its history: the baseline's entry, and those of the versions pending operations left.)
    const ran = [was, ...(c.pending ?? []).map((l) => entry(l, ring))].some(
      (h) =>
        h !== undefined &&
        (h.previous.some((p) => sameRelease(p, now)) ||
          (h.chart !== undefined && now.chart === h.chart && h.previous.some((p) => releaseVersion(p) === releaseVersion(now)))),
    );
    // Unheld since, in the same change: the rollback with its hold is in a version between the
    // baseline and the checkout (a commit after the baseline, or a pending operation).
    const unheldRollback =
      now.hold === null &&
      !c.editedByHand &&
      (c.intermediate ?? []).some((l) => {
        const e = entry(l, ring);
        return e !== undefined && e.hold !== null && e.from === null && sameArrival(e, now);
      });
    if (now.from === null && (now.hold !== null || (before !== undefined && ran && unheldRollback))) {
      // A rollback: it puts back a release from the ring's own history, held (or unheld since).
      if (!ran) {
        out.push(
          at(
            problem('CG610', {
              message: `Ring "${ring}" was rolled back to ${describeRelease(now)}, which is not in its history${was === undefined ? '' : ` (${was.previous.map((p) => describeRelease(p)).join(', ') || 'empty'})`}: the entry was changed by hand.`,
              fix: `${restore}, and roll back with \`cdk8s-gitops rollback ${service} --ring ${ring} --previous\`.`,
            }),
          ),
        );
      }
      return;
    }
    if (was?.hold) {
      out.push(
        at(
          problem('CG613', {
            message: `Ring "${ring}" runs ${describeRelease(now)}, but ${c.baselineRef === undefined ? 'the ledger' : 'Git'} has it held since ${was.hold.since} by ${was.hold.by}: ${JSON.stringify(was.hold.reason)}.`,
            fix: `${restore} if it was changed by hand. A hold is lifted by a change of its own: run \`cdk8s-gitops unhold ${service} --ring ${ring} --publish\` once the incident is over, then promote.`,
          }),
        ),
      );
      return;
    }
    if (before !== undefined) {
      const upstream = entry(c.ledger, before);
      const upstreamBefore = c.baseline === undefined ? undefined : entry(c.baseline, before);
      // Outside Git the ledger is its only record: a digest the previous ring ran before its
      // current one (its `previous`) ran there too. In Git, history says what ran.
      const ranEarlier = c.history === undefined && c.baseline === undefined && upstream?.previous.some((p) => sameRelease(p, now));
      if (!sameRelease(upstream, now) && !sameRelease(upstreamBefore, now) && !ranEarlier) {
        out.push(
          at(
            problem('CG610', {
              message: `Ring "${ring}" runs ${describeRelease(now)}, which does not run in "${before}" (it runs ${upstream === undefined ? 'nothing' : describeRelease(upstream)}): the entry was changed by hand.`,
              fix: `${promoteFix}, once ${describeRelease(now)} runs in "${before}".`,
            }),
          ),
        );
        return;
      }
    }
    // A `from` that names an old name of the ring before (its movedFrom) names that ring: it was renamed since.
    if (now.from !== (before ?? null) && !(index > 0 && now.from !== null && (order[index - 1].movedFrom ?? []).includes(now.from))) {
      const expected = before === undefined ? 'no ring (it is the first ring)' : `"${before}", the ring right before it`;
      out.push(
        at(
          problem('CG610', {
            message: `Ring "${ring}" says it took ${describeRelease(now)} from ${now.from === null ? 'no ring' : `"${now.from}"`}, but it takes digests only from ${expected}: the entry was changed by hand.`,
            fix: `${promoteFix}.`,
          }),
        ),
      );
      return;
    }
    if (before !== undefined) {
      const soakSeconds = spec.gates.soakSeconds ?? 0;
      if (soakSeconds > 0) {
        const upstreamArrival = arrivalOf(c.ledger, before, now, c.history);
        const own = c.history === undefined ? { at: new Date(Date.parse(now.since)), inGit: false } : committedArrival(c, ring, now);
        const ends = [c.now, ...(own.at ? [own.at] : []), ...(upstreamArrival.left ? [upstreamArrival.left] : [])];
        const soak = soakProblem(
          {
            ring,
            before,
            soakSeconds,
            release: releaseOf(now),
            arrival: upstreamArrival.at,
            until: new Date(Math.min(...ends.map((d) => d.getTime()))),
            windows: order[index - 1].syncWindows ?? [],
            inGit: upstreamArrival.inGit,
            ...(upstreamArrival.fastForward ? { fastForward: upstreamArrival.fastForward } : {}),
          },
          'CG611',
          `The ledger says ring "${ring}" runs ${describeRelease(now)}, but the soak was not served: `,
        );
        if (soak !== undefined) out.push(at({ ...soak, fix: `${restore}. ${soak.fix}` }));
      }
    }
    if (spec.gates.requireApproval && now.approvedBy === null) {
      out.push(
        at(
          problem('CG612', {
            message: `Ring "${ring}" runs ${describeRelease(now)} with no approver named, but it requires an approval: the entry was changed by hand.`,
            fix: `${promoteFix} --approved-by <name>.`,
          }),
        ),
      );
    }
    out.push(
      ...approverProblems(ring, spec, now.by, now.approvedBy, 'The ledger says: ').map((p) => at({ ...p, fix: `${restore}. ${p.fix}` })),
    );
  });
  return out;
}

/*
 * The ring order for entries a ring took over (`movedFrom`). An entry's `from` names the ring its
 * release was taken from, by that ring's name on the day; it is never rewritten, so it stays true.
 * - A renamed ring keeps its place, and its entry is judged as before. A `from` that names an old
 *   name of the ring before (that ring's `movedFrom`) names that ring.
 * - The rings a ring was split into (every ring that took it over: the one still named so, if
 *   any, and each whose `movedFrom` names it) hold the old ring's releases: those they inherited,
 *   and those of an operation made on the old ring before the split and published after it, which
 *   lands in each. Such a release is one release, written into the rings of the split at once:
 *   the same digest, since, by, from and approver in the ring and in every ring of the split
 *   before it, and new in each of them (not the baseline's entry: a release an earlier ring of
 *   the split took on its own, after the split, is not one to copy). It is judged in the ring
 *   order of its day ({@link orderBeforeSplit}): taken from the ring before the first ring of the
 *   split, its soak served there, approved as the ring's own gates require, and refused by a hold
 *   of the ring's own. Any other entry of a split ring is judged in the ring order as it is now:
 *   a promotion made after the split takes from the ring right before it.
 * - Only while the split is being written: the baseline still records the old ring (or there is
 *   no baseline), or the change is an operation made on the old ring before the split
 *   (`movedTo`). Once the baseline holds the split, every entry is judged in today's ring order:
 *   one release written into every ring of the split at once by hand is not the old ring's.
 */
/** The ring order `ring`'s entry `now` is judged in: the program's, or the one before a split that `now` is a release of. */
function orderOf(c: LedgerCheck, ring: string, now: RingState): readonly RingSpec[] {
  for (const old of c.rings.find((r) => r.name === ring)?.movedFrom ?? []) {
    const split = ringsTakingOver(c.rings, old);
    const earlier = split.slice(0, split.indexOf(ring));
    if (earlier.length === 0 || !splitBeingWritten(c, old, [...earlier, ring])) continue;
    const atOnce = (r: string): boolean =>
      sameRecord(entry(c.ledger, r), now) && !(c.baseline !== undefined && sameRecord(entry(c.baseline, r), now));
    if (earlier.every(atOnce)) return orderBeforeSplit(c.rings, split, ring);
  }
  return c.rings;
}

/** Whether the split of `old` into (among others) `rings` is being written by the change checked. */
function splitBeingWritten(c: LedgerCheck, old: string, rings: readonly string[]): boolean {
  if (c.baseline === undefined) return true;
  if ((c.baselineRings ?? Object.keys(c.baseline.rings)).includes(old)) return true;
  return c.movedTo !== undefined && rings.every((r) => c.movedTo!.includes(r));
}

/** The same release, made once: release, time, who made it, from where, approved by whom. */
function sameRecord(a: RingState | undefined, b: RingState): boolean {
  return a !== undefined && sameArrival(a, b) && a.by === b.by && a.from === b.from && a.approvedBy === b.approvedBy;
}

/** When a changed entry reached Git: its commit's time when `HEAD` has it, else not yet (null). */
function committedArrival(c: LedgerCheck, ring: string, now: RingState): Arrival {
  const head = c.history?.versions[0]?.ledger;
  if (head === undefined || !sameArrival(entry(head, ring), now)) return { at: null, inGit: true };
  return arrivalOf(c.ledger, ring, now, c.history);
}

function entry(ledger: Ledger, ring: string): RingState | undefined {
  return Object.hasOwn(ledger.rings, ring) ? ledger.rings[ring] : undefined;
}

/** The same release (image and chart), entered at the same time. */
function sameArrival(a: RingState | undefined, b: RingState | undefined): boolean {
  return sameRelease(a, b) && a!.since === b!.since;
}

function sameEntry(a: RingState, b: RingState | undefined): boolean {
  return b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** An entry as the program's initial digest makes it (`initialLedger`). */
function isInitial(e: RingState, initial: Release | undefined): boolean {
  return (
    initial !== undefined &&
    releaseVersion(e) === releaseVersion(initial) &&
    e.chart === initial.chart &&
    e.since === INITIAL_SINCE_TEXT &&
    e.by === 'initial' &&
    e.from === null &&
    e.approvedBy === null &&
    e.hold === null &&
    e.previous.length === 0
  );
}
