import { Construct } from 'constructs';
import { Problem, problemsAt, problem } from '../core/errors';
import { Values } from '../model/values';
import { ControlPlane } from './control-plane';
import { NamespaceBaseline } from './namespace-baseline';
import { freeId, platformOf } from './platform-scope';
import { SyncPolicy, SyncWindow } from './sync';
import { ProjectRole, ResourceKind } from '../model/sync';
import { problemsOfSyncWindow } from '../model/schedule';
import { problemsOfValues } from './values-check';
import { ApplicationSetSplit, applicationSetSplitProblem } from '../model/application-set-split';

/** Properties of an {@link Environment}. */
export interface EnvironmentProps {
  /** The Argo CD instance that manages this environment. @default - the platform's implicit control plane */
  readonly controlPlane?: ControlPlane;
  /** How its Applications sync. @default SyncPolicy.manual() */
  readonly syncPolicy?: SyncPolicy;
  /** When syncs are allowed or denied. @default - always allowed */
  readonly syncWindows?: readonly SyncWindow[];
  /** AppProject roles. @default - none */
  readonly roles?: readonly ProjectRole[];
  /** Images must be pinned by `sha256:` digest; tags are refused. @default true */
  readonly requireDigest?: boolean;
  /** Cluster-scoped resources its Applications may create. @default - none */
  readonly clusterResources?: readonly ResourceKind[];
  /**
   * Namespaced kinds its Applications may create although the AppProject keeps them out by
   * default: `Role` and `RoleBinding` (`rbac.authorization.k8s.io`), which could grant a
   * workload more than the project does, and `NetworkPolicy` (`networking.k8s.io`,
   * `cilium.io` `CiliumNetworkPolicy`, `crd.projectcalico.org`), which could open what a
   * namespace baseline's default-deny closes. Every other namespaced kind is allowed. E.g.
   * `[{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }]` for charts that ship their own
   * network policies.
   * @default - none: the AppProject's `namespaceResourceBlacklist` holds every kind above
   */
  readonly allowedNamespacedResources?: readonly ResourceKind[];
  /** Deployed revisions Argo CD keeps per Application. @default - Argo CD's default (10) */
  readonly revisionHistoryLimit?: number;
  /** Shown on the AppProject. @default - none */
  readonly description?: string;
  /** Values for every target in this environment. @default {} */
  readonly values?: Values;
  /**
   * Objects every service namespace of the environment starts with (Namespace, ResourceQuota,
   * LimitRange, default-deny NetworkPolicy), deployed by each target's Application. The
   * namespace is then an object of the Application: `CreateNamespace=true` is left out of its
   * sync options and the AppProject allows `Namespace` for the environment's service namespaces.
   * @default - none: namespaces are created by Argo CD's `CreateNamespace=true`, if set, or exist already
   */
  readonly namespaceBaseline?: NamespaceBaseline;
  /**
   * A production environment: in a platform with teams, its files are the platform team's in
   * `CODEOWNERS` (a team's approval alone never changes production).
   * @default false
   */
  readonly production?: boolean;
  /**
   * How its ApplicationSets are grouped. `AUTO`: one per shape for the environment
   * (`workloads-<env>`), split by cluster (`workloads-<env>-<cloud>-<cluster>`) only while one
   * would generate more Applications than its control plane's `maxApplicationsPerApplicationSet`.
   * `PER_CLUSTER`: split by cluster whatever the count. An environment split by the cap that
   * falls under it again (a service or cluster removed) would be joined again, which moves every
   * Application of it to the shared set: Argo CD deletes each, with what it runs, before the
   * other set creates it, and a write refuses that (CG141). Declaring `PER_CLUSTER` on such an
   * environment keeps its sets as they are and changes no ApplicationSet; declaring it on an
   * environment with one set moves its Applications, which a write refuses like any move. An
   * environment Flux reconciles has no ApplicationSet, and this changes nothing there.
   * @default ApplicationSetSplit.AUTO
   */
  readonly applicationSets?: ApplicationSetSplit;
}

/**
 * An environment such as `nonprod` or `prod`: an AppProject that fences its Applications, a
 * sync policy, and a layer of values. Its clusters are created inside it.
 *
 * @example
 * const prod = new Environment(platform, 'prod', {
 *   syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
 *   values: { autoscaling: { minReplicas: 6 } },
 * });
 */
export class Environment extends Construct {
  /** Name of the environment (its id), e.g. `prod`. */
  public readonly name: string;
  /** The Argo CD instance that manages it. */
  public readonly controlPlane: ControlPlane;
  /** How its Applications sync. */
  public readonly syncPolicy: SyncPolicy;
  /** When syncs are allowed or denied. */
  public readonly syncWindows: readonly SyncWindow[];
  /** Roles of its AppProject. */
  public readonly roles: readonly ProjectRole[];
  /** Whether images must be pinned by digest. */
  public readonly requireDigest: boolean;
  /** Cluster-scoped resources its Applications may create. */
  public readonly clusterResources: readonly ResourceKind[];
  /** Namespaced kinds its Applications may create although the AppProject keeps them out by default. */
  public readonly allowedNamespacedResources: readonly ResourceKind[];
  /** Deployed revisions Argo CD keeps per Application (undefined: Argo CD's default). */
  public readonly revisionHistoryLimit?: number;
  /** Shown on the AppProject. */
  public readonly description?: string;
  /** Values for every target in this environment. */
  public readonly values: Values;
  /** Objects every service namespace of the environment starts with; undefined when it has none. */
  public readonly namespaceBaseline?: NamespaceBaseline;
  /** Whether it is a production environment. */
  public readonly production: boolean;
  /** How its ApplicationSets are grouped. */
  public readonly applicationSets: ApplicationSetSplit;

  /**
   * @param scope the platform, or any construct inside it (a team's library): the environment is
   *   kept with the platform's environments either way, in the order they are declared
   */
  constructor(scope: Construct, id: string, props: EnvironmentProps = {}) {
    const platform = platformOf(scope);
    super(platform, freeId(platform, id, 'Environment'));
    this.name = id;
    this.controlPlane = props.controlPlane ?? ControlPlane.defaultOf(platform);
    this.syncPolicy = props.syncPolicy ?? SyncPolicy.manual();
    this.syncWindows = props.syncWindows ?? [];
    this.roles = props.roles ?? [];
    this.requireDigest = props.requireDigest ?? true;
    this.clusterResources = props.clusterResources ?? [];
    this.allowedNamespacedResources = props.allowedNamespacedResources ?? [];
    this.revisionHistoryLimit = props.revisionHistoryLimit;
    this.description = props.description;
    this.values = props.values ?? {};
    this.namespaceBaseline = props.namespaceBaseline;
    this.production = props.production === true;
    this.applicationSets = props.applicationSets ?? ApplicationSetSplit.AUTO;
    const problems = [
      ...problemsOfValues(this.values, this.node.path, 'values'),
      ...this.syncWindows.flatMap((w, i) => problemsOfSyncWindow(w.toJson(), this.node.path, i)),
    ];
    if (props.revisionHistoryLimit !== undefined && !(Number.isInteger(props.revisionHistoryLimit) && props.revisionHistoryLimit >= 0)) {
      problems.push(
        problem('CG110', {
          constructPath: this.node.path,
          message: `revisionHistoryLimit ${props.revisionHistoryLimit} is not a whole number of at least 0.`,
        }),
      );
    }
    const splitProblem = props.applicationSets === undefined ? undefined : applicationSetSplitProblem(props.applicationSets);
    if (splitProblem !== undefined) {
      problems.push(
        problem('CG153', {
          constructPath: this.node.path,
          message: `applicationSets of environment "${id}" is not usable: ${splitProblem}.`,
          fix: 'Give applicationSets: ApplicationSetSplit.PER_CLUSTER to keep a set per cluster whatever the count, or leave it out (ApplicationSetSplit.AUTO).',
        }),
      );
      this.applicationSets = ApplicationSetSplit.AUTO;
    }
    problems.push(
      ...problemsAt(props.namespaceBaseline instanceof NamespaceBaseline ? props.namespaceBaseline.problems : [], this.node.path),
      ...roleProblems(props.roles, this.node.path, this.name),
    );
    platformOf(this).report(problems);
  }
}

/**
 * CG150 for roles an AppProject cannot hold: a name Argo CD refuses, policies that are not the
 * project role's own (Argo CD's form `p, proj:<project>:<role>, <resource>, <action>,
 * <project>/<object>, allow|deny`: a line of another form would reach Argo CD's enforcer), groups
 * that are not one line of text each.
 */
function roleProblems(roles: unknown, constructPath: string, project: string): Problem[] {
  const report = (message: string, fix: string): Problem => problem('CG150', { constructPath, message, fix });
  if (roles === undefined) return [];
  if (!Array.isArray(roles))
    return [report('roles is not a list of roles.', "Give roles: [{ name: 'deployers', policies: [...], groups: [...] }].")];
  const problems: Problem[] = [];
  for (const [i, role] of roles.entries()) {
    const r = (role ?? {}) as Record<string, unknown>;
    if (!isRoleName(r.name)) {
      problems.push(
        report(
          `roles[${i}] has the name ${JSON.stringify(r.name)}, which Argo CD does not accept for a project role.`,
          'Name it with letters, digits, "-" and "_", starting and ending with a letter or digit, e.g. deployers.',
        ),
      );
      continue;
    }
    const example = `p, proj:${project}:${r.name}, applications, sync, ${project}/*, allow`;
    if (!Array.isArray(r.policies) || !r.policies.every((p) => typeof p === 'string')) {
      problems.push(report(`roles[${i}].policies is not a list of strings.`, `Give policies: ['${example}'].`));
    } else {
      for (const [j, policy] of r.policies.entries()) {
        const why = policyProblem(policy as string, project, r.name as string);
        if (why !== undefined) {
          problems.push(report(`roles[${i}].policies[${j}] ${why}.`, `Write each policy as Argo CD takes a project role's: '${example}'.`));
        }
      }
    }
    if (r.groups !== undefined && (!Array.isArray(r.groups) || !r.groups.every(isPolicyGroup))) {
      problems.push(
        report(
          `roles[${i}].groups is not a list of group names Argo CD can bind (one line of text each, without quotes in it or spaces around it): Argo CD writes each as a field of a line of its RBAC policy.`,
          'Give the groups as the identity provider names them, e.g. groups: ["payments-oncall"].',
        ),
      );
    }
  }
  return problems;
}

/**
 * Why a policy of role `role` of project `project` is not one Argo CD takes for a project role
 * (as Argo CD checks them), or undefined.
 */
function policyProblem(policy: string, project: string, role: string): string | undefined {
  if (/[\r\n]/.test(policy)) return 'is more than one line';
  const parts = policy.split(',').map((p) => p.trim());
  if (parts.length !== 6 || parts[0] !== 'p') return "is not of the form 'p, <subject>, <resource>, <action>, <object>, <effect>'";
  if (parts[1] !== `proj:${project}:${role}`)
    return `has the subject ${JSON.stringify(parts[1])}, not the role's own, proj:${project}:${role}`;
  if (!/^[A-Za-z*-]+$/.test(parts[2]!) || !/^[A-Za-z0-9*/_.-]+$/.test(parts[3]!)) return 'has a resource or an action that is not a word';
  const object = new RegExp(`^${project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[*\\w.-]+(/[*\\w.-]+)?$`);
  if (!object.test(parts[4]!))
    return `has the object ${JSON.stringify(parts[4])}, which is not one of the project's, ${project}/<application>`;
  if (parts[5] !== 'allow' && parts[5] !== 'deny') return 'has an effect other than allow or deny';
  return undefined;
}

/**
 * Whether `group` can stand as one field of a line of Argo CD's RBAC policy, as Argo CD writes an
 * AppProject role's groups (and `policy.csv`): one line of text, without quotes but around it
 * (a group with a comma, such as an LDAP DN, is written quoted, see `policyGroupField`).
 */
export function isPolicyGroup(group: unknown): boolean {
  if (typeof group !== 'string' || group === '' || group.trim() !== group || /[\r\n]/.test(group) || group.length > 1024) return false;
  return !group.includes('"') || /^"[^"]+"$/.test(group);
}

/** A role name as Argo CD accepts it in an AppProject. */
const ROLE_NAME = /^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,62}[a-zA-Z0-9])?$/;

/** Whether `name` is a project role name Argo CD accepts (and an RBAC policy line can hold). */
export function isRoleName(name: unknown): boolean {
  return typeof name === 'string' && ROLE_NAME.test(name);
}
