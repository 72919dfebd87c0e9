/** Sync settings of Applications and AppProjects as plain data, as Argo CD spells them. */

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

/** Whether a sync window allows or denies syncs. */
export enum SyncWindowKind {
  /** Syncs are allowed only inside the window. */
  ALLOW = 'allow',
  /** Syncs are denied inside the window. */
  DENY = 'deny',
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

/**
 * A group as Argo CD takes it in a field of an RBAC policy line (an AppProject role's groups,
 * `policy.csv`): as it is, or quoted when it has a comma (an LDAP DN), as Argo CD requires.
 */
export function policyGroupField(group: string): string {
  return group.includes(',') && !/^".*"$/.test(group) ? `"${group}"` : group;
}
