import type { WindowGroup } from './sync-windows';
import type { Release } from './release';

/** A promotion ring as the program declares it, in order (index 0 is the first ring). */
export interface RingSpec {
  /** Ring name, a DNS-1123 label, e.g. `prod-canary`. */
  readonly name: string;
  /** What a digest must satisfy before it may enter this ring. */
  readonly gates: RingGates;
  /**
   * The sync windows that apply to the ring's Applications (of one service), one group per
   * environment of its targets. A soak in this ring counts only time in which every group lets
   * Argo CD sync.
   * @default - no windows: Argo CD may always sync
   */
  readonly syncWindows?: readonly WindowGroup[];
  /**
   * The rings whose ledger entries this ring took over (the program's `movedFrom`): a ring
   * renamed, or one of the rings a ring was split into.
   * @default - none
   */
  readonly movedFrom?: readonly string[];
  /**
   * The ring has targets in a production environment (of any service: an entry of a service not
   * placed there yet becomes production's the day it is): its entry changes only by promote and
   * rollback, never by hand (CG621).
   * @default false
   */
  readonly production?: boolean;
  /**
   * Neither the ring nor a ring after it has a target of the service: a release there would run
   * nowhere, and a changed entry there is refused (CG622) as a promotion into it is.
   * @default false
   */
  readonly runsNothing?: boolean;
}

/** Conditions a promotion into a ring must meet. */
export interface RingGates {
  /**
   * Minimum time (seconds) the digest must have run in the previous ring.
   * @default 0
   */
  readonly soakSeconds?: number;
  /**
   * Promotions into this ring must name who approved them.
   * @default false
   */
  readonly requireApproval?: boolean;
  /**
   * Who may approve; the approver must be one of them.
   * @default - anyone but the promoter
   */
  readonly approvers?: readonly string[];
  /**
   * The ring before must run the release Synced and Healthy, as its Argo CD reports it (see
   * `PromoteOptions.upstreamHealthy`); its soak counts from when it became so.
   * @default false
   */
  readonly requireHealthy?: boolean;
}

/** A release a ring ran before its current one, kept so it can be rolled back to. */
export interface PreviousRelease extends Release {
  /** When it entered the ring, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly since: string;
  /** Who put it there. */
  readonly by: string;
}

/** A hold on a ring: no promotion may enter it until the hold is lifted. */
export interface Hold {
  /** Why the ring is held, as given to `rollback`. */
  readonly reason: string;
  /** When the hold was set, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly since: string;
  /** Who set it. */
  readonly by: string;
}

/** What one ring runs (its release: image, and chart where the chart is released with it), and how it got there. */
export interface RingState extends Release {
  /** When it entered the ring, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly since: string;
  /** Who put it there (a person or an automation, e.g. `ci`). */
  readonly by: string;
  /** The ring it was promoted from; `null` for the first ring, an initial digest or a rollback. */
  readonly from: string | null;
  /** Who approved the promotion; `null` when nobody was named. */
  readonly approvedBy: string | null;
  /** The hold on this ring, or `null`. */
  readonly hold: Hold | null;
  /** Releases the ring ran before, newest first, without the current digest. */
  readonly previous: readonly PreviousRelease[];
}

/** The content of one ledger file, `releases/<service>.yaml`. */
export interface Ledger {
  /** The service the ledger is for; equals the file's base name. */
  readonly service: string;
  /** State per ring name. Rings the program no longer declares are kept. */
  readonly rings: Readonly<Record<string, RingState>>;
}
