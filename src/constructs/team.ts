import { Construct } from 'constructs';
import { Problem, problem } from '../core/errors';
import { isDns1123Label } from '../core/kube-names';
import type { TeamModel } from '../model/platform-model';
import { platformOf } from './platform-scope';
import type { Service } from './service';

/** Properties of a {@link Team}. */
export interface TeamProps {
  /**
   * The identity-provider groups of its members, as Argo CD's SSO reports them: the team's
   * project roles bind them.
   */
  readonly groups: readonly string[];
  /**
   * The identity-provider groups of those who may act on its production Applications: where
   * given, only they are bound to the team's roles in production environments.
   * @default - its `groups`
   */
  readonly approverGroups?: readonly string[];
  /**
   * Who may approve promotions where a ring's approval names the team (`Gate.approval({ by:
   * team })`), as `promote --approved-by` names them.
   * @default - nobody: an approval by the team cannot be given
   */
  readonly approvers?: readonly string[];
  /**
   * Its owners in `CODEOWNERS`: `@user`, `@org/team` (GitHub) or `@group/subgroup` (GitLab), or
   * an e-mail address.
   */
  readonly codeOwners: readonly string[];
  /**
   * The platform team: it owns the files shared by all services and everything of production
   * environments in `CODEOWNERS`. A platform with teams has exactly one.
   * @default false
   */
  readonly platform?: boolean;
}

/**
 * A team: who its members are, what it owns, who approves for it. A service belongs to the team
 * it is declared in (a `Service` created inside the team, or inside a construct inside it), or to
 * the team that {@link Team.owns} it. Once a platform declares a team, every service belongs to
 * exactly one.
 *
 * @example
 * const payments = new Team(platform, 'payments', {
 *   groups: ['acme:payments'],
 *   approvers: ['alice', 'bob'],
 *   codeOwners: ['@acme/payments'],
 * });
 * new Service(payments, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } });
 */
export class Team extends Construct {
  /** Its name: a DNS-1123 label, e.g. `payments`. */
  public readonly name: string;
  /** Identity-provider groups of its members. */
  public readonly groups: readonly string[];
  /** Identity-provider groups of those who act on production; empty: its `groups`. */
  public readonly approverGroups: readonly string[];
  /** Who may approve for it, as `--approved-by` names them. */
  public readonly approvers: readonly string[];
  /** Its owners in `CODEOWNERS`. */
  public readonly codeOwners: readonly string[];
  /** Whether it is the platform team. */
  public readonly platform: boolean;
  private readonly owned: Service[] = [];

  constructor(scope: Construct, id: string, props: TeamProps) {
    super(scope, id);
    this.name = id;
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    this.groups = list(props?.groups);
    this.approverGroups = list(props?.approverGroups);
    this.approvers = list(props?.approvers);
    this.codeOwners = list(props?.codeOwners);
    this.platform = props?.platform === true;
    platformOf(this).report(teamProblems(this.node.path, id, props));
  }

  /** Makes the team the owner of `services` (declared elsewhere in the program). */
  public owns(...services: Service[]): this {
    this.owned.push(...services);
    return this;
  }

  /** The services it claims with {@link Team.owns}. @internal */
  public get claimed(): readonly Service[] {
    return this.owned;
  }

  /** The team as the model records it. @internal */
  public toModel(): TeamModel {
    return {
      name: this.name,
      path: this.node.path,
      groups: this.groups,
      ...(this.approverGroups.length > 0 ? { approverGroups: this.approverGroups } : {}),
      ...(this.approvers.length > 0 ? { approvers: this.approvers } : {}),
      codeOwners: this.codeOwners,
      ...(this.platform ? { platform: true } : {}),
    };
  }
}

/** A CODEOWNERS owner both GitHub and GitLab read: `@name`, `@org/team`, `@group/sub/group`, or an e-mail address. */
const CODE_OWNER = /^(@[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*|[^\s@#]+@[^\s@#]+\.[^\s@#]+)$/;

/** CG152 for what is wrong with a team's properties. */
function teamProblems(path: string, id: string, props: TeamProps | undefined): Problem[] {
  const problems: Problem[] = [];
  const refuse = (message: string, fix: string): void => {
    problems.push(problem('CG152', { constructPath: path, message: `Team "${id}" ${message}`, fix }));
  };
  if (!isDns1123Label(id)) {
    refuse('is not named as a DNS-1123 label.', "Name it like 'payments' (lower case letters, digits and '-').");
  }
  const names = (what: string, v: unknown, required: boolean, fix: string, ok: (s: string) => boolean): void => {
    if (v === undefined && !required) return;
    if (!Array.isArray(v) || (required && v.length === 0)) {
      refuse(`has no ${what}.`, fix);
      return;
    }
    const bad = v.find((x) => typeof x !== 'string' || !ok(x));
    if (bad !== undefined) refuse(`lists ${JSON.stringify(bad)} among its ${what}, which is not one.`, fix);
    const twice = v.find((x, i) => v.indexOf(x) !== i);
    if (twice !== undefined) refuse(`lists ${JSON.stringify(twice)} twice among its ${what}.`, fix);
  };
  // A group is a field of Argo CD's RBAC policy lines: one line, no quote, no comma.
  const group = (s: string): boolean => s.trim() === s && s !== '' && !/[\r\n",]/.test(s);
  names('groups', props?.groups, true, "List the identity-provider groups of its members: groups: ['acme:payments'].", group);
  // An empty list would fall back to the team's groups: it is refused rather than widen production.
  names(
    'approverGroups',
    props?.approverGroups,
    props?.approverGroups !== undefined,
    "List identity-provider groups: approverGroups: ['acme:payments-leads'], or leave it out.",
    group,
  );
  names(
    'approvers',
    props?.approvers,
    false,
    "Name who may approve as --approved-by names them: approvers: ['alice'].",
    (s) => s.trim() === s && s !== '',
  );
  names('codeOwners', props?.codeOwners, true, "Give owners as CODEOWNERS takes them: codeOwners: ['@acme/payments'].", (s) =>
    CODE_OWNER.test(s),
  );
  return problems;
}
