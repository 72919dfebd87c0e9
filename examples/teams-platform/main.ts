/**
 * A platform of teams: the platform team (ops) runs the ingress; the payments team arrives as a
 * construct library of its own (`@acme/payments-team`, in examples/payments-team), the storefront
 * team is declared here. Each team gets an AppProject per environment that reaches only its own
 * namespaces and repositories, owns its services' files in CODEOWNERS, and approves promotions
 * into production of what it runs.
 */
import { PaymentsTeam } from '@acme/payments-team';
import {
  Cloud,
  Cluster,
  ControlPlane,
  Duration,
  Environment,
  Gate,
  Platform,
  PromotionRing,
  Service,
  SyncPolicy,
  Targets,
  Team,
  Workload,
} from 'cdk8s-gitops';

export const STOREFRONT_DIGEST = 'sha256:5e7a9c1e3b5d7f9a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5a7c9e1b3d5f7a';
/** The commit of the storefront chart production runs: a team's chart reaches production only by its commit. */
export const STOREFRONT_CHART = '4b6d8f0a2c4e6a8c0e2b4d6f8a0c2e4b6d8f0a2c';
export const INGRESS_DIGEST = 'sha256:3d5f7a9c1e3b5d7f9a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5a7c9e1b3d5f';

export function teamsPlatform(): Platform {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const nonprod = new Environment(platform, 'nonprod', {
    controlPlane: new ControlPlane(platform, 'nonprod'),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  const prod = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'prod'),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    production: true,
  });
  const aws = new Cloud(platform, 'aws');
  const gcp = new Cloud(platform, 'gcp');
  for (const env of [nonprod, prod]) {
    new Cluster(env, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
    new Cluster(env, 'europe-west1-01', { cloud: gcp, region: 'europe-west1' });
  }

  const ops = new Team(platform, 'ops', {
    groups: ['acme:platform'],
    approvers: ['carol'],
    codeOwners: ['@acme/platform'],
    platform: true,
  });
  new PaymentsTeam(platform, 'payments', { environments: [nonprod, prod] });
  const storefront = new Team(platform, 'storefront', {
    groups: ['acme:storefront'],
    approvers: ['dave'],
    codeOwners: ['@acme/storefront'],
  });

  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  // Into production, a release needs a day in nonprod and the approval of one of the platform team's approvers.
  new PromotionRing(platform, 'prod', {
    targets: Targets.environment(prod),
    gates: [Gate.soak(Duration.hours(24)), Gate.approval({ by: ops })],
  });

  new Service(ops, 'ingress', { image: { repository: 'registry.example.com/platform/ingress' }, initialDigest: INGRESS_DIGEST })
    .deployTo(nonprod)
    .deployTo(prod);
  new Service(storefront, 'storefront', {
    image: { repository: 'registry.example.com/shop/storefront' },
    initialDigest: STOREFRONT_DIGEST,
    workload: Workload.helmChart({ targetRevision: STOREFRONT_CHART }),
  })
    .deployTo(nonprod)
    .deployTo(prod);
  return platform;
}

if (require.main === module) {
  teamsPlatform().synth();
}
