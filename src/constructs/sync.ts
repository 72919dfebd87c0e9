/** Sync behaviour of the Applications of an environment, as Argo CD spells it. */
import { Problem } from '../errors';

/** Argo CD sync options; the values are what lands in `syncPolicy.syncOptions`. */
export enum SyncOption {
  /** Create the destination namespace if it is missing. */
  CREATE_NAMESPACE = 'CreateNamespace=true',
  /** Apply only resources that are out of sync (faster syncs of large apps). */
  APPLY_OUT_OF_SYNC_ONLY = 'ApplyOutOfSyncOnly=true',
  /** Use server-side apply. */
  SERVER_SIDE_APPLY = 'ServerSideApply=true',
  /** Prune after all other resources are applied and healthy. */
  PRUNE_LAST = 'PruneLast=true',
  /** Fail a sync when a resource is managed by another Application. */
  FAIL_ON_SHARED_RESOURCE = 'FailOnSharedResource=true',
  /** Respect `ignoreDifferences` when syncing. */
  RESPECT_IGNORE_DIFFERENCES = 'RespectIgnoreDifferences=true',
}

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

/** The `syncPolicy` of an Application as plain data. */
export interface SyncPolicyJson {
  /** Present for an automated policy. @default - manual sync */
  readonly automated?: {
    /** Delete resources that are no longer in Git. */
    readonly prune: boolean;
    /** Revert changes made in the cluster outside Git. */
    readonly selfHeal: boolean;
  };
  /** `syncOptions` values, e.g. `CreateNamespace=true`. @default - none */
  readonly syncOptions?: readonly string[];
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

/** Whether a sync window allows or denies syncs. */
export enum SyncWindowKind {
  /** Syncs are allowed only inside the window. */
  ALLOW = 'allow',
  /** Syncs are denied inside the window. */
  DENY = 'deny',
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

/** A sync window of an environment's AppProject as plain data. */
export interface SyncWindowJson {
  /** Whether the window allows or denies syncs. */
  readonly kind: SyncWindowKind;
  /** When the window opens, as a five-field cron expression. */
  readonly schedule: string;
  /** How long it stays open, e.g. `8h`. */
  readonly duration: string;
  /** Application name globs the window applies to. */
  readonly applications: readonly string[];
  /** Whether manual syncs are allowed while automated ones are denied. @default - Argo CD's default (false) */
  readonly manualSync?: boolean;
  /** Time zone of the schedule. @default - UTC */
  readonly timeZone?: string;
}

/**
 * A time window in which syncs are allowed or denied (AppProject `syncWindows`).
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

  /**
   * What is wrong with the window (`CG129`); the environment it is given to reports it.
   * @internal
   */
  public readonly problems: readonly Problem[];

  private constructor(
    private readonly kind: SyncWindowKind,
    private readonly schedule: string,
    private readonly duration: string,
    private readonly options: SyncWindowOptions,
  ) {
    const problems: Problem[] = [];
    this.problems = problems;
    if (typeof schedule !== 'string' || schedule.trim().split(/\s+/).length !== 5) {
      problems.push({
        code: 'CG129',
        message: `Sync window schedule "${schedule}" is not a five-field cron expression.`,
        fix: 'Use minute hour day month weekday, e.g. "0 22 * * *" for 22:00 every day.',
      });
    }
    if (typeof duration !== 'string' || !/^\d+[smh]$/.test(duration)) {
      problems.push({
        code: 'CG129',
        message: `Sync window duration "${duration}" is not a duration.`,
        fix: 'Use a whole number with s, m or h, e.g. "8h".',
      });
    }
  }

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

/** An AppProject role: who may do what with the environment's Applications. */
export interface ProjectRole {
  /** Role name, e.g. `deployers`. */
  readonly name: string;
  /** @default - none */
  readonly description?: string;
  /** Casbin policies, e.g. `p, proj:prod:deployers, applications, sync, prod/*, allow`. */
  readonly policies: readonly string[];
  /** SSO groups bound to the role. @default - none */
  readonly groups?: readonly string[];
}

/** A Kubernetes resource kind, for AppProject white lists. */
export interface ResourceKind {
  /** API group; `''` is the core group. */
  readonly group: string;
  /** Kind, e.g. `Namespace`. */
  readonly kind: string;
}
