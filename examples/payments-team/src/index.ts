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
import { Environment, Service, Team } from 'cdk8s-gitops';

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
      values: { replicaCount: 2 },
    });
    this.worker = new Service(this, 'ledger-worker', {
      image: { repository: `${registry}/ledger-worker` },
      initialDigest: LEDGER_WORKER_DIGEST,
    });
    for (const env of props.environments) {
      this.api.deployTo(env, env.production ? { values: { replicaCount: 4 } } : {});
      this.worker.deployTo(env);
    }
  }
}
