/**
 * The ring rules applied to the ledgers of a checkout, with times from Git: what `check`,
 * `plan`, `synth`, `publish` and the release commands run before they use a ledger.
 *
 * Which entries are checked: those that differ from the ledger's baseline. The baseline is the
 * ledger as `HEAD` has it, unless the ledger differs from what cdk8s-gitops last wrote (the hash
 * in the manifest): then it is the newest version in Git with that hash, so that a hand edit is
 * checked whether or not it was committed. Entries equal to the baseline are history, made under
 * the rules of their day.
 *
 * Which times count: a digest reached a ring when the commit that recorded it there was made;
 * an entry no commit records yet arrives now. `now` may be set back (`CDK8S_GITOPS_NOW`, for
 * reproducible runs) but not ahead of the system clock, and soaks are measured up to the earlier
 * of the two. Outside a Git repository the ledger's own `since` times are used, and a note says so.
 */
import { promotedSourceOf } from '../model/source-kinds';
import { applicationName } from '../model/placement';
import { GitOpsError, Problem, problem } from '../core/errors';
import { LedgerGit, MAX_LEDGER_VERSIONS } from './git/ledger-history';
import { contentHash } from '../synth/file-tree';
import { readManifest } from './checkout/manifest-io';
import { MANIFEST_PATH, manifestShardPath, parseManifest } from '../synth/manifest';
import { serviceOfFile } from '../release/ledger-reader';
import { PlatformModel } from '../model/platform-model';
import { describeVersion, ImageVersions, initialRelease } from '../release/release';
import { initialLedgerOf, isInitialLedgerText, LedgerText, movedLedgerProblem, parseLedgerTexts } from '../release/ledger-files';
import { ringPolicies } from '../model/versions';
import { readLedgerTexts, recordedElsewhere } from './ledgers';
import { LedgerCheck, LedgerHistory, ledgerProblems } from '../release/gates';
import { parseLedger } from '../release/ledger';
import { applyRingMoves, undeclaredRingProblems } from '../release/moves';
import { globMatches } from '../core/glob';
import { hasWindows, nextOpen, WindowGroup } from '../release/sync-windows';
import { formatTimestamp } from '../core/timestamp';
import { Ledger, RingSpec } from '../release/types';
import { pendingStore, readPending } from './pending-operations';

/** How far a time may be ahead of the system clock (clocks of two machines differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The times a command works with. */
export interface GateClock {
  /** The time to record: `CDK8S_GITOPS_NOW`, or the system clock. */
  readonly now: Date;
  /**
   * The system clock.
   * @default - `now`
   */
  readonly clock?: Date;
}

/** The time soaks are measured up to: the earlier of `now` and the system clock. */
export function soakUntil(c: GateClock): Date {
  return new Date(Math.min(c.now.getTime(), (c.clock ?? c.now).getTime()));
}

/** CG616 when `now` is ahead of the system clock: it may set the time back, never forward. */
export function clockProblems(c: GateClock): Problem[] {
  if (c.clock === undefined || c.now.getTime() <= c.clock.getTime() + CLOCK_SKEW_MS) return [];
  return [
    problem('CG616', {
      message: `The time given (CDK8S_GITOPS_NOW=${formatTimestamp(c.now)}) is later than the system clock (${formatTimestamp(c.clock)}); it may set the time back for reproducible runs, never forward.`,
      fix: 'Unset CDK8S_GITOPS_NOW, or set it to a time that has passed.',
    }),
  ];
}

/** A lost record is looked for in every version of its file: stopping early would read "never recorded". */
const ALL_VERSIONS = 1_000_000;

/** What {@link gateRings} looks up, once per model: a fleet has thousands of services. */
interface ModelIndex {
  readonly environments: ReadonlyMap<string, PlatformModel['environments'][number]>;
  readonly targetsOf: ReadonlyMap<string, PlatformModel['targets'][number][]>;
}

const indexes = new WeakMap<PlatformModel, ModelIndex>();

function modelIndex(model: PlatformModel): ModelIndex {
  let index = indexes.get(model);
  if (index === undefined) {
    const targetsOf = new Map<string, PlatformModel['targets'][number][]>();
    for (const t of model.targets) {
      const list = targetsOf.get(t.service);
      if (list) list.push(t);
      else targetsOf.set(t.service, [t]);
    }
    index = { environments: new Map(model.environments.map((e) => [e.name, e])), targetsOf };
    indexes.set(model, index);
  }
  return index;
}

/**
 * The program's rings as the rules see them for one service: gates, approvers, and the sync
 * windows of each environment that apply to the service's Applications in the ring.
 */
export function gateRings(model: PlatformModel, service: string): RingSpec[] {
  const { environments, targetsOf } = modelIndex(model);
  const targets = targetsOf.get(service) ?? [];
  // The last ring with a target of the service: a ring after it runs nothing of it, ever.
  const order = model.rings.map((r) => r.name);
  const lastPlaced = targets.reduce((m, t) => Math.max(m, order.indexOf(t.ring)), -1);
  return model.rings.map((r, index) => {
    const apps = new Map<string, string[]>();
    for (const t of targets) {
      if (t.ring === r.name) apps.set(t.environment, [...(apps.get(t.environment) ?? []), applicationName(t)]);
    }
    // A ring that selects production's clusters: an entry there is production's, or will be the
    // day the program places this service there.
    const production = r.production === true;
    const syncWindows: WindowGroup[] = [...apps].map(([env, names]) =>
      (environments.get(env)?.syncWindows ?? []).filter((w) => w.applications.some((g) => names.some((n) => globMatches(g, n)))),
    );
    return {
      name: r.name,
      gates: {
        soakSeconds: r.gates.soakSeconds,
        requireApproval: r.gates.requireApproval,
        ...(r.gates.approvers ? { approvers: r.gates.approvers } : {}),
        ...(r.gates.requireHealthy === true ? { requireHealthy: true } : {}),
      },
      ...(hasWindows(syncWindows) ? { syncWindows } : {}),
      ...(r.movedFrom?.length ? { movedFrom: r.movedFrom } : {}),
      ...(production ? { production: true } : {}),
      ...(index > lastPlaced ? { runsNothing: true } : {}),
    };
  });
}

/** When a ring's sync windows next let Argo CD sync, if they do not at `at`. */
export function closedUntil(rings: readonly RingSpec[], ring: string, at: Date): { readonly opensAt?: Date } | undefined {
  const windows = rings.find((r) => r.name === ring)?.syncWindows ?? [];
  if (!hasWindows(windows)) return undefined;
  const opens = nextOpen(windows, at);
  if (opens !== undefined && opens.getTime() === at.getTime()) return undefined;
  return opens === undefined ? {} : { opensAt: opens };
}

/** What Git says of one service's ledger: its history and the baseline its entries are checked against. */
export interface LedgerGitContext {
  /** The baseline is what cdk8s-gitops last wrote, and the ledger differs from it. @default false */
  readonly editedByHand?: boolean;
  /** @default - not a Git repository */
  readonly history?: LedgerHistory;
  /** @default - none: every entry is checked */
  readonly baseline?: Ledger;
  /** @default - the baseline is not in Git */
  readonly baselineRef?: string;
  /** Versions between the baseline and the checkout (see {@link LedgerCheck.intermediate}). @default - none */
  readonly intermediate?: readonly Ledger[];
  /** Of those, the versions pending operations left (see {@link LedgerCheck.pending}). @default - none */
  readonly pending?: readonly Ledger[];
  /**
   * With `check --base`: the commits of the change that wrote the ledger, oldest first, each
   * judged against the version before it as it was when made, so that what one of them ran counts
   * for the next only when it was itself a change the rules accept.
   * @default - none
   */
  readonly commits?: readonly LedgerCommit[];
  /** No version of the manifest ever recorded the ledger (see {@link LedgerCheck.neverWritten}). @default false */
  readonly neverWritten?: boolean;
}

/** One commit of a change that wrote a ledger (see {@link LedgerGitContext.commits}). */
export interface LedgerCommit {
  readonly commit: string;
  /** When it reached the branch (see `LedgerVersion.time`). */
  readonly time: Date;
  readonly ledger: Ledger;
  /** The ledger's history before it: the versions older than this commit's. */
  readonly before: LedgerHistory;
}

/** Options of {@link CheckoutGates.open}. */
export interface CheckoutGatesOptions {
  /**
   * Judge every ledger entry that differs from the ledger in this commit (a merge request's
   * target branch, e.g. `origin/main`), whatever the manifest records: a change that rewrites a
   * ledger and the manifest together is judged as well. Only ledgers the change made differ from
   * where it forked from the base are judged; each of its commits against the one before it, and
   * its commits count as made now (a release they bring soaks from the merge). Fails with
   * `CG315` when it names no commit, or the checkout is in no Git repository.
   * @default - the baseline is `HEAD`, or the version the manifest records
   */
  readonly base?: string;
}

/** The ring rules over the ledgers of one checkout. */
export class CheckoutGates {
  /** Opens the checkout `dir` (and the Git repository it is in, if any). */
  public static open(model: PlatformModel, dir: string, clock: GateClock, options: CheckoutGatesOptions = {}): CheckoutGates {
    const git = LedgerGit.open(dir);
    if (options.base === undefined) return new CheckoutGates(model, dir, clock, git);
    const commit = git?.commitOf(options.base);
    if (git === undefined || commit === undefined) {
      throw GitOpsError.of('CG315', {
        file: dir,
        message:
          git === undefined
            ? `--base ${options.base} needs a Git repository, and ${dir} is in none.`
            : `--base ${JSON.stringify(options.base.slice(0, 200))} names no commit in the repository of ${dir}.`,
      });
    }
    return new CheckoutGates(model, dir, clock, git, { ref: options.base, commit, fork: git.forkPoint(commit) });
  }

  private readonly manifest: ReturnType<typeof readManifest>;
  private readonly lost = new Map<string, string | undefined>();
  /** Ledgers whose baseline is what cdk8s-gitops last wrote, and which differ from it. */
  private readonly editedByHand = new Set<string>();
  /** The rings each ledger read from Git or the checkout records as written, before the program's ring moves. */
  private readonly ringsAsWritten = new WeakMap<Ledger, readonly string[]>();
  private everWritten?: boolean;
  private heads?: Map<string, string | undefined>;

  private bases?: Map<string, string | undefined>;
  private forks?: Map<string, string | undefined>;

  private constructor(
    private readonly model: PlatformModel,
    private readonly dir: string,
    private readonly clock: GateClock,
    private readonly git: LedgerGit | undefined,
    /** With `check --base`: the base's commit, and where the change forked from it (their merge base). */
    private readonly base?: { readonly ref: string; readonly commit: string; readonly fork?: string },
  ) {
    this.manifest = readManifest(dir);
  }

  /** Whether the checkout is in a Git repository (else the ledger's own times are used). */
  public get inGit(): boolean {
    return this.git !== undefined;
  }

  /** A note for the user when times cannot come from Git. */
  public get note(): string | undefined {
    return this.git === undefined
      ? `${this.dir} is not in a Git repository: soak times are measured with the ledgers' own \`since\` times, which Git cannot confirm.`
      : undefined;
  }

  /**
   * Checks every ledger of the checkout that differs from its baseline; throws a GitOpsError
   * with every rule broken (CG610–CG616), each naming file, ring and fix. A ring the program
   * neither declares nor explains, in the ledger or in its baseline, fails first (CG209); the
   * program's ring moves apply to the ledger and to its history alike, so a renamed ring keeps
   * what it ran.
   *
   * @returns the ledgers edited by hand since cdk8s-gitops wrote them, which the rules accept
   */
  public assertLedgers(texts: ReadonlyMap<string, LedgerText>): string[] {
    const problems = clockProblems(this.clock);
    const ledgers = parseLedgerTexts(this.model, texts);
    const onDisk = [...texts].filter(([, f]) => !f.initial);
    if (this.git !== undefined && this.heads === undefined) this.heads = this.git.atHead(onDisk.map(([, f]) => f.path));
    if (this.git !== undefined && this.base !== undefined && this.bases === undefined)
      this.bases = this.git.at(
        this.base.commit,
        onDisk.map(([, f]) => f.path),
      );
    // Where the change forked from the base, the ledgers that differ from the base, read at once.
    if (this.git !== undefined && this.base?.fork !== undefined && this.forks === undefined)
      this.forks = this.git.at(
        this.base.fork,
        onDisk.filter(([, f]) => this.baseText(f.path) !== f.text).map(([, f]) => f.path),
      );
    for (const [service, f] of onDisk) {
      if (!this.mayDiffer(f.path, f.text)) continue;
      problems.push(...this.problemsOf(service, f.path, f.text, ledgers.get(service)!.ledger));
    }
    if (problems.length > 0) throw new GitOpsError(problems);
    return onDisk.map(([, f]) => f.path).filter((p) => this.editedByHand.has(p));
  }

  /**
   * The problems of `ledger`, the ledger a change makes of the file `file`, whose text in the
   * checkout is `text` (undefined when the checkout has none). `movedTo`: the rings an operation
   * made on one ring before the program split it lands in (see `LedgerCheck.movedTo`).
   */
  public problemsOf(
    service: string,
    file: string,
    text: string | undefined,
    ledger: Ledger,
    movedTo?: readonly string[],
    made?: Ledger,
  ): Problem[] {
    const found = this.context(file, text);
    // The ledger an operation is making now is on record as that operation's.
    const { commits, ...context } = made === undefined ? found : { ...found, intermediate: [...(found.intermediate ?? []), made] };
    // A ring the baseline records and the program no longer accounts for, with no version before
    // it that the program reads whole (a ring renamed twice whose movedFrom lists only its last
    // name), would read as history the ring never had: that is the problem.
    const ref = context.baselineRef ?? 'HEAD';
    const at = /^[0-9a-f]{40}$/.test(ref) ? `commit ${ref.slice(0, 12)}` : ref;
    const undeclared = context.baseline ? undeclaredRingProblems(this.model, context.baseline, file, at) : [];
    if (undeclared.length > 0) return undeclared;
    const now = soakUntil(this.clock);
    const check = (baseline: Ledger | undefined, rest: Omit<LedgerCheck, 'file' | 'rings' | 'now' | 'latest'>, until = now): Problem[] => {
      const baselineRings = baseline === undefined ? undefined : this.ringsAsWritten.get(baseline);
      return ledgerProblems({
        file,
        rings: gateRings(this.model, service),
        ...(this.git !== undefined && this.base === undefined ? { holdLiftedOnRecordOnly: true } : {}),
        ...promotedChartOf(this.model, service),
        ...(baselineRings === undefined ? {} : { baselineRings }),
        ...(movedTo === undefined ? {} : { movedTo }),
        ...initialReleaseOf(this.model, service),
        ...rest,
        ...(baseline === undefined ? {} : { baseline }),
        now: until,
        latest: new Date((this.clock.clock ?? this.clock.now).getTime() + CLOCK_SKEW_MS),
      });
    };
    // The commits of a change, one by one, each against the one before it (soak measured up to
    // when it was made); the checkout then against the last of them.
    let baseline = context.baseline;
    for (const c of commits ?? []) {
      const problems = check(
        baseline,
        { ...context, ledger: c.ledger, history: c.before, intermediate: [] },
        new Date(Math.min(now.getTime(), c.time.getTime())),
      );
      if (problems.length > 0)
        return commits!.length === 1
          ? problems
          : problems.map((p) => ({ ...p, message: `${p.message} (Commit ${c.commit.slice(0, 12)} made the change.)` }));
      baseline = c.ledger;
    }
    return check(baseline, { ...context, ledger });
  }

  /** The history and baseline of a ledger file whose checkout text is `text`. */
  public context(file: string, text: string | undefined): LedgerGitContext {
    const recorded = this.recorded(file);
    const handEdited = text !== undefined && recorded !== undefined && contentHash(text) !== recorded;
    const parse = (t: string | undefined): Ledger | undefined => {
      if (t === undefined) return undefined;
      try {
        const written = parseLedger(t, file, { policies: ringPolicies(this.model) });
        const moved = applyRingMoves(this.model, written);
        this.ringsAsWritten.set(moved, Object.keys(written.rings));
        return moved;
      } catch (e) {
        if (e instanceof GitOpsError) return undefined;
        throw e;
      }
    };
    if (this.git === undefined) {
      // No Git: only what cdk8s-gitops last wrote (the manifest's hash) is known to be history.
      return !handEdited && text !== undefined ? { baseline: parse(text) } : {};
    }
    const history = this.git.history(file);
    const versions = history.versions.map((v) => ({
      commit: v.commit,
      time: v.time,
      ...(v.fastForward ? { fastForward: v.fastForward } : {}),
      ...(parse(v.text) ? { ledger: parse(v.text)! } : {}),
    }));
    const gitHistory: LedgerHistory = { versions, truncated: history.truncated };
    // A baseline with a ring the program does not account for (a typo in a ring key, committed by
    // hand) cannot judge a change: the newest version before it that the program reads whole does.
    // When there is none (a ring renamed twice, movedFrom naming only its last name), the
    // baseline stays, and its ring is the problem (CG209).
    const accountedFor = (l: Ledger | undefined): boolean => l !== undefined && undeclaredRingProblems(this.model, l, file).length === 0;
    const readable = (
      baseline: Ledger,
      baselineRef: string,
      older: readonly { readonly commit: string; readonly ledger?: Ledger }[],
    ): { baseline: Ledger; baselineRef: string } => {
      if (accountedFor(baseline)) return { baseline, baselineRef };
      const before = older.find((v) => accountedFor(v.ledger));
      return before === undefined ? { baseline, baselineRef } : { baseline: before.ledger!, baselineRef: before.commit };
    };
    if (this.base !== undefined) {
      const fromBase = this.git.history(file, MAX_LEDGER_VERSIONS, this.base.commit).versions;
      // The commits of the change: versions HEAD's history has and the base's has not. They reach
      // the branch when the change is merged, not when they were made: until then no soak counts
      // from them, as from a commit made now.
      const inBase = new Set(fromBase.map((v) => v.commit));
      const merged = soakUntil(this.clock).getTime();
      for (const v of versions) if (!inBase.has(v.commit) && v.time.getTime() < merged) v.time = new Date(merged);
      const atBase = parse(this.baseText(file));
      if (atBase === undefined) return { history: gitHistory };
      const older = () => fromBase.map((v) => ({ commit: v.commit, ledger: parse(v.text) }));
      const commits = versions
        .map((v, i) => ({ ...v, before: { versions: versions.slice(i + 1), truncated: gitHistory.truncated } }))
        .filter((v) => !inBase.has(v.commit) && v.ledger !== undefined)
        .map((v) => ({ commit: v.commit, time: v.time, ledger: v.ledger!, before: v.before }))
        .reverse();
      return { history: gitHistory, ...readable(atBase, this.base.ref, accountedFor(atBase) ? [] : older()), commits };
    }
    const head = this.git.hasHead ? this.headText(file) : undefined;
    // Ledgers pending operations of this checkout left, not yet committed, oldest first.
    const pending = this.pendingTexts(file).map((t) => ({ sha256: contentHash(t), ledger: parse(t) }));
    const intermediate = pending.map((p) => p.ledger).filter((l): l is Ledger => l !== undefined);
    // The newest version in Git that is what cdk8s-gitops last wrote, when the checkout differs from it.
    const written = handEdited ? history.versions.findIndex((v) => v.text !== undefined && contentHash(v.text) === recorded) : -1;
    if (written > 0 && versions[written].ledger !== undefined) {
      this.editedByHand.add(file);
      return {
        history: gitHistory,
        ...readable(versions[written].ledger, versions[written].commit, versions.slice(written + 1)),
        editedByHand: true,
        intermediate,
        pending: intermediate,
      };
    }
    // What cdk8s-gitops last wrote is a pending operation's ledger, not in Git: the edit is judged against it.
    const writtenPending = handEdited && written < 0 ? [...pending].reverse().find((p) => p.sha256 === recorded)?.ledger : undefined;
    if (writtenPending !== undefined) {
      this.editedByHand.add(file);
      return {
        history: gitHistory,
        baseline: writtenPending,
        baselineRef: 'HEAD',
        editedByHand: true,
        intermediate,
        pending: intermediate,
      };
    }
    // Neither in Git nor pending (a pending operation's ledger committed by hand with an edit on
    // top, its records gone): what cdk8s-gitops wrote last that Git has is the version an older
    // record of the manifest names.
    const recordedEarlier = handEdited && written < 0 ? this.earlierRecordedVersion(file, history.versions) : -1;
    // (The checkout may hold that very version again: a dropped operation, its ledger restored.)
    if (recordedEarlier >= 0 && versions[recordedEarlier].ledger !== undefined && history.versions[recordedEarlier].text !== text) {
      this.editedByHand.add(file);
      return {
        history: gitHistory,
        ...readable(versions[recordedEarlier].ledger, versions[recordedEarlier].commit, versions.slice(recordedEarlier + 1)),
        editedByHand: true,
        intermediate,
        pending: intermediate,
      };
    }
    // A ledger no commit holds yet: what it was before the pending operations, when that is the
    // initial ledger synth wrote (for the program's initial release of its day), is the baseline.
    const before = head === undefined ? this.beforePending(file) : undefined;
    if (before !== undefined) return { history: gitHistory, baseline: before, intermediate, pending: intermediate };
    // A ledger no file of the manifest ever recorded was never written by cdk8s-gitops (committed by
    // hand for a service synth never wrote one for): no version of it is history, every entry is judged.
    if (this.neverRecorded(recorded) && head !== undefined) {
      return { history: gitHistory, intermediate, pending: intermediate, neverWritten: true };
    }
    const baseline = parse(head);
    if (baseline === undefined) return { history: gitHistory };
    if (written === 0) this.editedByHand.add(file);
    return {
      history: gitHistory,
      ...readable(baseline, 'HEAD', versions),
      ...(written === 0 ? { editedByHand: true } : {}),
      intermediate,
      pending: intermediate,
    };
  }

  /**
   * The index in `versions` (a ledger's history, newest first) of the newest version that a
   * committed version of its manifest record names: what cdk8s-gitops wrote last, of what Git
   * has. -1 when none does.
   */
  private earlierRecordedVersion(file: string, versions: readonly { readonly text?: string }[]): number {
    const git = this.git!;
    const hashes = versions.map((v) => (v.text === undefined ? undefined : contentHash(v.text)));
    for (const recordFile of [manifestShardPath(serviceOfFile(file)), MANIFEST_PATH]) {
      for (const version of git.history(recordFile, MAX_LEDGER_VERSIONS).versions) {
        if (version.text === undefined || !version.text.includes(JSON.stringify(file))) continue;
        let sha256: string | undefined;
        try {
          sha256 = parseManifest(new Map([[recordFile, version.text]])).files.get(file)?.sha256;
        } catch (e) {
          if (!(e instanceof GitOpsError)) throw e;
        }
        const at = sha256 === undefined ? -1 : hashes.indexOf(sha256);
        if (at >= 0) return at;
      }
    }
    return -1;
  }

  /**
   * The ledger `file` was before the first operation still pending in the checkout, when that is
   * an initial ledger (see `isInitialLedgerText`): the file synth wrote, or, where the operation
   * made the file, the initial ledger of the release it started from. Else undefined.
   */
  private beforePending(file: string): Ledger | undefined {
    const store = pendingStore(this.dir);
    const first = store === undefined ? undefined : readPending(store).find((op) => op.ledger.path === file);
    if (first === undefined) return undefined;
    const service = serviceOfFile(file);
    const read = (text: string): Ledger | undefined => {
      try {
        return parseLedger(text, file, { policies: ringPolicies(this.model) });
      } catch (e) {
        if (e instanceof GitOpsError) return undefined;
        throw e;
      }
    };
    const { before, after } = first.ledger;
    if (before !== null) return isInitialLedgerText(this.model, service, before) ? read(before) : undefined;
    const made = read(after);
    return made === undefined ? undefined : initialLedgerOf(this.model, service, made);
  }

  /** The texts `file` had after each operation still pending in the checkout, oldest first. */
  private pendingTexts(file: string): string[] {
    const store = pendingStore(this.dir);
    if (store === undefined) return [];
    return readPending(store)
      .filter((op) => op.ledger.path === file)
      .map((op) => op.ledger.after);
  }

  /** Whether a ledger may hold entries that differ from its baseline (else it needs no check). */
  private mayDiffer(file: string, text: string): boolean {
    // A ledger the change leaves as it found it (the same at the fork point) is not the change's:
    // what differs from the base came onto the base since the branch forked.
    if (this.base !== undefined) return this.baseText(file) !== text && (this.base.fork === undefined || this.forkText(file) !== text);
    const recorded = this.recorded(file);
    const asWritten = recorded === undefined || contentHash(text) === recorded;
    // Without a commit, what cdk8s-gitops last wrote (the manifest) is the only record of history.
    if (this.git === undefined || !this.git.hasHead) return !asWritten;
    return !asWritten || this.headText(file) !== text || this.neverRecorded(recorded);
  }

  /**
   * Whether a ledger whose record is `recorded` ({@link recorded}) is one no version of
   * the manifest or of its shard ever recorded, in a repository cdk8s-gitops wrote: cdk8s-gitops
   * never wrote it (it was committed by hand, for a service synth never wrote a ledger for).
   */
  private neverRecorded(recorded: string | undefined): boolean {
    // (`recorded` looked through every version of both when the manifest has no record of it.)
    return recorded === undefined && this.everWritten === true;
  }

  /**
   * The sha256 of the ledger as cdk8s-gitops last wrote it: what the manifest records; when the
   * record was lost (its shard, or the whole manifest, deleted or edited, in one commit or
   * several), what the last version of the record's file that recorded the ledger held. A lost
   * record does not make the ledger's text history.
   */
  private recorded(file: string): string | undefined {
    const entry = this.manifest.files.get(file);
    if (entry !== undefined) return entry.sha256;
    const elsewhere = recordedElsewhere(this.manifest.files, [file]).get(file);
    if (elsewhere !== undefined) throw new GitOpsError([movedLedgerProblem(file, elsewhere)]);
    if (this.git === undefined || !this.git.hasHead) return undefined;
    this.everWritten ??= this.manifest.files.size > 0 || this.git.lastCommitOf(MANIFEST_PATH) !== undefined;
    if (!this.everWritten) return undefined; // cdk8s-gitops never wrote this repository: nothing was recorded
    if (!this.lost.has(file)) this.lost.set(file, this.lostRecord(this.git, file));
    return this.lost.get(file);
  }

  private lostRecord(git: LedgerGit, file: string): string | undefined {
    const key = JSON.stringify(file);
    for (const recordFile of [manifestShardPath(serviceOfFile(file)), MANIFEST_PATH]) {
      for (const version of git.history(recordFile, ALL_VERSIONS).versions) {
        if (version.text === undefined || !version.text.includes(key)) continue;
        try {
          const sha256 = parseManifest(new Map([[recordFile, version.text]])).files.get(file)?.sha256;
          if (sha256 !== undefined) return sha256;
        } catch (e) {
          if (!(e instanceof GitOpsError)) throw e;
        }
      }
    }
    return undefined;
  }

  private baseText(file: string): string | undefined {
    if (this.git === undefined || this.base === undefined) return undefined;
    if (this.bases === undefined || !this.bases.has(file)) {
      this.bases = new Map([...(this.bases ?? []), ...this.git.at(this.base.commit, [file])]);
    }
    return this.bases.get(file);
  }

  private forkText(file: string): string | undefined {
    if (this.git === undefined || this.base?.fork === undefined) return undefined;
    if (this.forks === undefined || !this.forks.has(file)) {
      this.forks = new Map([...(this.forks ?? []), ...this.git.at(this.base.fork, [file])]);
    }
    return this.forks.get(file);
  }

  private headText(file: string): string | undefined {
    if (this.git === undefined) return undefined;
    if (this.heads === undefined || !this.heads.has(file)) {
      this.heads = new Map([...(this.heads ?? []), ...this.git.atHead([file])]);
    }
    return this.heads.get(file);
  }
}

/** `{ promotedChart }` for a service whose chart is promoted with the image, else nothing. */
function promotedChartOf(model: PlatformModel, service: string): { promotedChart?: { readonly inGit: boolean } } {
  const s = model.services.find((x) => x.name === service);
  const promoted = s === undefined ? undefined : promotedSourceOf(s);
  return promoted === undefined ? {} : { promotedChart: promoted };
}

/** One line saying when a change to a ring takes effect, for a ring whose sync windows are closed now. */
export function takesEffect(rings: readonly RingSpec[], ring: string, at: Date, digest?: string): string | undefined {
  const closed = closedUntil(rings, ring, at);
  if (closed === undefined) return undefined;
  const what = digest === undefined ? 'the change' : describeVersion(digest);
  return closed.opensAt === undefined
    ? `${ring}'s sync windows are closed now and do not open within a year: Argo CD will not sync ${what} by itself.`
    : `${ring}'s sync window opens at ${formatTimestamp(closed.opensAt)}: Argo CD syncs ${what} then, not now.`;
}

/**
 * Checks the ledgers of the checkout `dir` against the ring rules before a command uses them;
 * throws a GitOpsError with every rule broken (CG610–CG616). See {@link CheckoutGates}.
 */
export function assertCheckoutLedgers(model: PlatformModel, dir: string, clock: GateClock, options: CheckoutGatesOptions = {}): string[] {
  return CheckoutGates.open(model, dir, clock, options).assertLedgers(readLedgerTexts(model, dir));
}

/** `{ initialDigest }` or `{ initialImages }` (with `initialChart` where it pins one) when the program declares an initial release for `service`, else nothing. */
function initialReleaseOf(
  model: PlatformModel,
  service: string,
): { initialDigest?: string; initialImages?: ImageVersions; initialChart?: string } {
  const s = model.services.find((x) => x.name === service);
  const initial = s === undefined ? undefined : initialRelease(s);
  if (initial === undefined) return {};
  const chart = initial.chart === undefined ? {} : { initialChart: initial.chart };
  return initial.images === undefined ? { initialDigest: initial.digest!, ...chart } : { initialImages: initial.images, ...chart };
}
