/** Sync behaviour of the Applications of an environment, as Argo CD spells it. */
import { SyncOption, SyncPolicyJson, SyncWindowJson, SyncWindowKind } from '../model/sync';

/** Options of an automated sync policy. */
export interface AutomatedSyncOptions {
  /** Delete resources that are no longer in Git. @default false */
  readonly prune?: boolean;
  /** Revert changes made in the cluster outside Git. @default false */
  readonly selfHeal?: boolean;
  /** Sync options. @default - none */
  readonly options?: readonly SyncOption[];
}

/** Options of a manual sync policy. */
export interface ManualSyncOptions {
  /** Sync options used when someone syncs. @default - none */
  readonly options?: readonly SyncOption[];
}

/**
 * How Argo CD syncs the Applications of an environment.
 *
 * @example
 * SyncPolicy.automated({ prune: true, selfHeal: true, options: [SyncOption.CREATE_NAMESPACE] });
 * SyncPolicy.manual();
 */
export class SyncPolicy {
  /** Argo CD syncs every change in Git by itself. */
  public static automated(options: AutomatedSyncOptions = {}): SyncPolicy {
    return new SyncPolicy({
      automated: { prune: options.prune ?? false, selfHeal: options.selfHeal ?? false },
      ...syncOptions(options.options),
    });
  }

  /** Someone (or a pipeline) presses sync; Argo CD only reports drift. */
  public static manual(options: ManualSyncOptions = {}): SyncPolicy {
    return new SyncPolicy({ ...syncOptions(options.options) });
  }

  private constructor(private readonly json: SyncPolicyJson) {}

  /** The policy as it lands in an Application's `spec.syncPolicy`. */
  public toJson(): SyncPolicyJson {
    return this.json;
  }
}

function syncOptions(options: readonly SyncOption[] | undefined): { syncOptions?: string[] } {
  return options && options.length > 0 ? { syncOptions: [...new Set(options)] } : {};
}

/** Options of a sync window. */
export interface SyncWindowOptions {
  /** Allow manual syncs while the window denies automated ones. @default false */
  readonly manualSync?: boolean;
  /** Time zone of the schedule, e.g. `Europe/Amsterdam`. @default 'UTC' (Argo CD's default) */
  readonly timeZone?: string;
  /** Application name globs the window applies to. @default ['*'] */
  readonly applications?: readonly string[];
}

/**
 * A time window in which syncs are allowed or denied (AppProject `syncWindows`). The
 * Environment it is given to checks it as Argo CD reads it: `schedule` a five-field cron
 * expression (names such as MON and JAN, lists, ranges and steps; no `@daily`), `duration`
 * hours, minutes and seconds (`8h`, `1h30m`), `timeZone` an IANA name (CG140, CG129).
 *
 * @example
 * SyncWindow.deny('0 22 * * *', '8h', { manualSync: true }); // no automated syncs at night
 */
export class SyncWindow {
  /** Syncs are allowed only inside this window. `schedule` is cron, `duration` like `1h`. */
  public static allow(schedule: string, duration: string, options: SyncWindowOptions = {}): SyncWindow {
    return new SyncWindow(SyncWindowKind.ALLOW, schedule, duration, options);
  }

  /** Syncs are denied inside this window. `schedule` is cron, `duration` like `1h`. */
  public static deny(schedule: string, duration: string, options: SyncWindowOptions = {}): SyncWindow {
    return new SyncWindow(SyncWindowKind.DENY, schedule, duration, options);
  }

  private constructor(
    private readonly kind: SyncWindowKind,
    private readonly schedule: string,
    private readonly duration: string,
    private readonly options: SyncWindowOptions,
  ) {}

  /** The window as it lands in an AppProject's `spec.syncWindows`. */
  public toJson(): SyncWindowJson {
    return {
      kind: this.kind,
      schedule: this.schedule,
      duration: this.duration,
      applications: [...(this.options.applications ?? ['*'])],
      ...(this.options.manualSync !== undefined ? { manualSync: this.options.manualSync } : {}),
      ...(this.options.timeZone !== undefined ? { timeZone: this.options.timeZone } : {}),
    };
  }
}
