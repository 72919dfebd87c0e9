import type { Duration as Cdk8sDuration } from 'cdk8s';
import { Problem, problemsAt, problem } from '../core/errors';
import { Construct } from 'constructs';
import { Cloud } from './cloud';
import { Cluster } from './cluster';
import { Environment } from './environment';
import { freeId, platformOf } from './platform-scope';
import { Duration } from './duration';
import { Team } from './team';

/** What a target is, as ring selectors see it. */
export interface TargetRef {
  /** The environment of the target's cluster. */
  readonly environment: Environment;
  /** The cluster the service is placed on. */
  readonly cluster: Cluster;
  /** The cloud of that cluster. */
  readonly cloud: Cloud;
}

/**
 * A selection of targets (service placements) by environment, cloud, cluster or cluster label.
 *
 * @example
 * Targets.environment(prod).except(Targets.cluster(prodWesteurope));
 */
export class Targets {
  /** Every target. */
  public static all(): Targets {
    return new Targets(() => true, 'all targets');
  }
  /** Targets in any of these environments. */
  public static environment(...envs: Environment[]): Targets {
    return new Targets((t) => envs.includes(t.environment), `environment ${envs.map((e) => e.name).join(', ')}`);
  }
  /** Targets on clusters of any of these clouds. */
  public static cloud(...clouds: Cloud[]): Targets {
    return new Targets((t) => clouds.includes(t.cloud), `cloud ${clouds.map((c) => c.name).join(', ')}`);
  }
  /** Targets on any of these clusters. */
  public static cluster(...clusters: Cluster[]): Targets {
    return new Targets((t) => clusters.includes(t.cluster), `cluster ${clusters.map((c) => c.qualifiedName).join(', ')}`);
  }
  /** Targets on clusters carrying the label `key=value`. */
  public static label(key: string, value: string): Targets {
    return new Targets((t) => t.cluster.labels[key] === value, `clusters labelled ${key}=${value}`);
  }

  private constructor(
    private readonly predicate: (t: TargetRef) => boolean,
    /** A readable description, e.g. `environment prod except cluster prod/azure/westeurope-01`. */
    public readonly description: string,
  ) {}

  /** These targets, less those of `other`. */
  public except(other: Targets): Targets {
    return new Targets((t) => this.predicate(t) && !other.predicate(t), `${this.description} except ${other.description}`);
  }

  /** Whether the target is selected. */
  public matches(t: TargetRef): boolean {
    return this.predicate(t);
  }
}

/** Options of {@link Gate.approval}. */
export interface ApprovalOptions {
  /**
   * Who may approve promotions into the ring (names as `--approved-by` takes them). Whoever
   * approves, the approver must differ from the promoter (`--by`).
   * @default - anyone but the promoter
   * @example
   * Gate.approval({ approvers: ['alice', 'bob'] });
   */
  readonly approvers?: readonly string[];
  /**
   * The team whose approvers may approve (its `approvers`); with `approvers` as well, an
   * approver must be in both lists.
   * @default - no team
   * @example
   * Gate.approval({ by: paymentsTeam });
   */
  readonly by?: Team;
}

/**
 * A condition checked when a digest is promoted into a ring.
 *
 * @example
 * new PromotionRing(platform, 'prod', {
 *   targets: Targets.environment(prod),
 *   gates: [Gate.soak(Duration.hours(2)), Gate.approval()],
 * });
 */
export class Gate {
  /**
   * The digest must have run at least this long in the previous ring.
   * @param duration this package's `Duration` or cdk8s's
   */
  public static soak(duration: Duration | Cdk8sDuration): Gate {
    if (duration instanceof Duration) return new Gate({ soakSeconds: duration.seconds }, duration.problems);
    if (typeof (duration as Partial<Cdk8sDuration> | undefined)?.toMilliseconds === 'function') {
      const own = Duration.seconds(duration.toMilliseconds() / 1000);
      return new Gate({ soakSeconds: own.seconds }, own.problems);
    }
    return new Gate({ soakSeconds: 0 }, [
      problem('CG128', {
        message: `Gate.soak() was given ${duration == null ? String(duration) : typeof duration === 'object' ? 'an object' : `a ${typeof duration}`}, not a Duration.`,
        fix: 'Use e.g. Duration.hours(2) or Duration.minutes(30).',
      }),
    ]);
  }
  /**
   * Promotions into the ring must name who approved them (`--approved-by`): someone other than
   * the promoter, and one of `approvers` when given.
   */
  public static approval(options: ApprovalOptions = {}): Gate {
    const problems: Problem[] = [];
    const team = options.by;
    if (team !== undefined && !(team instanceof Team)) {
      problems.push(
        problem('CG617', { message: 'Gate.approval() was given `by` that is not a Team.', fix: 'Give by: a Team of the program.' }),
      );
    } else if (team !== undefined && team.approvers.length === 0) {
      problems.push(
        problem('CG617', {
          message: `Gate.approval() names team "${team.name}", which has no approvers: nobody could approve a promotion.`,
          fix: `List who may approve for it: new Team(…, '${team.name}', { approvers: ['alice'], … }).`,
        }),
      );
    }
    const own = options.approvers === undefined ? undefined : [...options.approvers];
    const fromTeam = team instanceof Team && team.approvers.length > 0 ? team.approvers : undefined;
    const approvers =
      own === undefined
        ? fromTeam === undefined
          ? undefined
          : [...fromTeam]
        : fromTeam === undefined
          ? own
          : own.filter((a) => fromTeam.includes(a));
    if (own !== undefined && fromTeam !== undefined && approvers!.length === 0 && own.length > 0) {
      problems.push(
        problem('CG617', {
          message: `Gate.approval() names approvers none of whom is an approver of team "${team!.name}": nobody could approve a promotion.`,
          fix: "Name approvers of the team, or leave approvers out to take the team's.",
        }),
      );
      return new Gate({ requireApproval: true, approvers: [] }, problems);
    }
    if (approvers !== undefined && approvers.length === 0) {
      problems.push(
        problem('CG617', {
          message: 'Gate.approval() names an empty list of approvers: nobody could approve a promotion.',
        }),
      );
    }
    for (const a of approvers ?? []) {
      if (typeof a !== 'string' || a.trim() === '' || a !== a.trim()) {
        problems.push(
          problem('CG617', {
            message: `Gate.approval() names the approver ${JSON.stringify(a)}, which is empty or has surrounding spaces.`,
            fix: 'Write each approver as `--approved-by` takes it, e.g. "alice".',
          }),
        );
      }
    }
    return new Gate({ requireApproval: true, ...(approvers !== undefined ? { approvers } : {}) }, problems);
  }
  /**
   * Promotions into the ring take a release only once every Application of the service in the
   * ring before runs it Synced and Healthy, as that ring's Argo CD reports it when `promote`
   * runs; a soak of the ring then counts from the moment the last of them became so, not from
   * the commit that recorded the release there. Without a reachable Argo CD the promotion is
   * refused (CG620), never let through.
   *
   * Argo CD is reached as `status --live` reaches it: `ARGOCD_SERVER` and `ARGOCD_AUTH_TOKEN`,
   * or each control plane's own settings (see `ArgoCdApiProps`).
   */
  public static healthy(): Gate {
    return new Gate({ requireHealthy: true });
  }
  private constructor(
    /** What the gate requires. */
    public readonly spec: {
      /** Minimum time in the previous ring, in seconds. @default - none */
      readonly soakSeconds?: number;
      /** Whether an approver must be named. @default false */
      readonly requireApproval?: boolean;
      /** Who may approve. @default - anyone but the promoter */
      readonly approvers?: readonly string[];
      /** Whether the ring before must run the release Synced and Healthy. @default false */
      readonly requireHealthy?: boolean;
    },
    /**
     * What is wrong with the gate; the ring it is given to reports it.
     * @internal
     */
    public readonly problems: readonly Problem[] = [],
  ) {}
}

/** Properties of a {@link PromotionRing}. */
export interface PromotionRingProps {
  /** The targets of this ring. Every target belongs to exactly one ring. */
  readonly targets: Targets;
  /**
   * Conditions for promotions into this ring. Every ring but the first also takes only the
   * digest running in the ring before it.
   * @default - none
   */
  readonly gates?: readonly Gate[];
  /**
   * The names of the ring before a rename, or the ring it was split from: the ring takes over
   * what the first of them with an entry in a service's release ledger runs, with its history
   * and any hold, so that its targets keep running it. The next write renames the ledger entry
   * (an old ring no longer declared is dropped from the ledger; Git history keeps it). In the
   * spirit of Terraform's `moved` blocks: once every ledger has been written, it may stay (it
   * changes nothing more) or be dropped.
   *
   * Several rings may name the same old ring (a split: each inherits its digest).
   * @default - none: the ring starts with what is promoted into it
   */
  readonly movedFrom?: readonly string[];
}

/**
 * A promotion ring: a set of targets that receive an image digest together. Rings are ordered
 * as declared; a digest enters the first ring, then moves ring by ring through separate changes.
 *
 * Without any ring, each environment is a ring, in declaration order.
 *
 * @example
 * new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
 * new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(prodWesteurope) });
 * new PromotionRing(platform, 'prod', {
 *   targets: Targets.environment(prod).except(Targets.cluster(prodWesteurope)),
 *   gates: [Gate.soak(Duration.hours(2)), Gate.approval()],
 * });
 * // A ring renamed from "prod": its targets keep running what "prod" runs.
 * new PromotionRing(platform, 'production', { targets: Targets.environment(prod), movedFrom: ['prod'] });
 */
export class PromotionRing extends Construct {
  /** Name of the ring, as `promote --ring` takes it. */
  public readonly name: string;
  /** The targets of the ring. */
  public readonly targets: Targets;
  /** The longest soak of its gates, in seconds (0: none). */
  public readonly soakSeconds: number;
  /** Whether promotions into it need `--approved-by`. */
  public readonly requireApproval: boolean;
  /** Whether promotions into it wait for the ring before to run the release Synced and Healthy ({@link Gate.healthy}). */
  public readonly requireHealthy: boolean;
  /** Names of the ring before a rename, or rings it was split from. */
  public readonly movedFrom: readonly string[];
  /**
   * Who may approve promotions into it; empty when anyone but the promoter may (or when no
   * approval is required). With several approval gates, each of them may restrict the list:
   * an approver must be in every list given.
   */
  public readonly approvers: readonly string[];

  /**
   * @param scope the platform, or any construct inside it (a team's library): the ring is kept
   *   with the platform's rings either way, which are ordered as they are declared
   */
  constructor(scope: Construct, id: string, props: PromotionRingProps) {
    const platform = platformOf(scope);
    super(platform.group('rings'), freeId(platform.group('rings'), id, 'PromotionRing'));
    this.name = id;
    this.targets = props.targets;
    const gates = props.gates ?? [];
    this.soakSeconds = Math.max(0, ...gates.map((g) => g.spec.soakSeconds ?? 0));
    this.requireApproval = gates.some((g) => g.spec.requireApproval === true);
    this.requireHealthy = gates.some((g) => g.spec.requireHealthy === true);
    this.movedFrom = Array.isArray(props.movedFrom)
      ? [...props.movedFrom]
      : props.movedFrom === undefined
        ? []
        : [props.movedFrom as unknown as string];
    const lists = gates.map((g) => g.spec.approvers).filter((l): l is readonly string[] => l !== undefined && l.length > 0);
    this.approvers = lists.length === 0 ? [] : [...new Set(lists[0].filter((a) => lists.every((l) => l.includes(a))))].sort();
    if (lists.length > 1 && this.approvers.length === 0) {
      platform.report([
        problem('CG617', {
          constructPath: this.node.path,
          message: `The approval gates of ring "${id}" name approvers no one of whom is in every list: nobody could approve a promotion.`,
          fix: 'Give the ring one approval gate with the list of who may approve.',
        }),
      ]);
    }
    platform.report(gates.flatMap((g) => problemsAt(g.problems ?? [], this.node.path)));
  }
}
