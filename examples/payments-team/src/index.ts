/**
 * The payments team as a construct: who its members are, who approves for it, and the services
 * it runs with their values, for any platform that places them. A platform program installs the
 * package and declares the team where its services should run:
 *
 * ```ts
 * import { PaymentsTeam } from '@acme/payments-team';
 * new PaymentsTeam(platform, 'payments', { environments: [nonprod, prod] });
 * ```
 */
import { Construct } from 'constructs';
import { Environment, Service, Team, Workload } from 'cdk8s-gitops';

/** Properties of a {@link PaymentsTeam}. */
export interface PaymentsTeamProps {
  /** The environments the team's services run in (on every cluster of each). */
  readonly environments: readonly Environment[];
  /**
   * The image registry of the team's services.
   * @default 'registry.example.com/payments'
   */
  readonly registry?: string;
}

/** The first digest of each service, which every ring runs until a release is promoted. */
export const PAYMENTS_API_DIGEST = 'sha256:1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5a7c9e1b3d5f7a9c1e3b';
export const LEDGER_WORKER_DIGEST = 'sha256:7c9e1b3d5f7a9c1e3b5d7f9a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5a7c9e';

/**
 * The commit of each service's chart that every ring reads until a release pins another
 * (`promote --chart-revision <SHA>`): production takes a team's chart only by its commit.
 */
export const PAYMENTS_API_CHART = '0e5d8c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d';
export const LEDGER_WORKER_CHART = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b';

/**
 * The payments team and its services: `payments-api` (two replicas, four in production) and
 * `ledger-worker`.
 *
 * @example
 * new PaymentsTeam(platform, 'payments', { environments: [nonprod, prod] });
 */
export class PaymentsTeam extends Team {
  /** The API service. */
  public readonly api: Service;
  /** The worker service. */
  public readonly worker: Service;

  constructor(scope: Construct, id: string, props: PaymentsTeamProps) {
    super(scope, id, {
      groups: ['acme:payments'],
      approverGroups: ['acme:payments-leads'],
      approvers: ['alice', 'bob'],
      codeOwners: ['@acme/payments'],
    });
    const registry = props.registry ?? 'registry.example.com/payments';
    this.api = new Service(this, 'payments-api', {
      image: { repository: `${registry}/payments-api` },
      initialDigest: PAYMENTS_API_DIGEST,
      workload: Workload.helmChart({ targetRevision: PAYMENTS_API_CHART, promoted: true }),
      values: { replicaCount: 2 },
    });
    this.worker = new Service(this, 'ledger-worker', {
      image: { repository: `${registry}/ledger-worker` },
      initialDigest: LEDGER_WORKER_DIGEST,
      workload: Workload.helmChart({ targetRevision: LEDGER_WORKER_CHART, promoted: true }),
    });
    for (const env of props.environments) {
      this.api.deployTo(env, env.production ? { values: { replicaCount: 4 } } : {});
      this.worker.deployTo(env);
    }
  }
}
