/**
 * The platform of "GitOps in Production": payments-api on four clouds in nonprod and prod,
 * each environment managed by its own Argo CD (control plane), so that the clusters that share
 * names across environments never meet in one Argo CD.
 */
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
  SyncOption,
  SyncPolicy,
  Targets,
} from '../../src';

const SEED_DIGEST = 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912';

export function paymentsPlatform(): Platform {
  const platform = new Platform({
    repoURL: 'https://git.xxxcompany.com/platform/platform-gitops.git',
    revision: 'main',
    applicationRepoURLPattern: 'https://git.xxxcompany.com/apps/{service}.git',
  });

  const syncPolicy = SyncPolicy.automated({
    prune: true,
    selfHeal: true,
    options: [SyncOption.CREATE_NAMESPACE, SyncOption.APPLY_OUT_OF_SYNC_ONLY],
  });
  const nonprod = new Environment(platform, 'nonprod', {
    controlPlane: new ControlPlane(platform, 'nonprod'),
    syncPolicy,
    revisionHistoryLimit: 3,
    values: {
      autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 },
      externalSecrets: { enabled: true, secretStoreRef: { name: 'nonprod-cluster-secrets' } },
      podDisruptionBudget: { minAvailable: 1 },
    },
  });
  const prod = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'prod'),
    syncPolicy,
    revisionHistoryLimit: 3,
    values: {
      autoscaling: { enabled: true, minReplicas: 6, maxReplicas: 18, targetCPUUtilizationPercentage: 70 },
      externalSecrets: { enabled: true, secretStoreRef: { name: 'prod-cluster-secrets' } },
      podDisruptionBudget: { minAvailable: 4 },
    },
  });

  const clouds = {
    azure: new Cloud(platform, 'azure', { values: { ingress: { className: 'istio-internal' } } }),
    aws: new Cloud(platform, 'aws', { values: { ingress: { className: 'alb-internal' } } }),
    gcp: new Cloud(platform, 'gcp', { values: { ingress: { className: 'gce-internal' } } }),
    oci: new Cloud(platform, 'oci', { values: { ingress: { className: 'oci-native-internal' } } }),
  };
  const clusters: Array<[keyof typeof clouds, string, string]> = [
    ['azure', 'westeurope-01', 'westeurope'],
    ['aws', 'eu-central-1-01', 'eu-central-1'],
    ['gcp', 'europe-west4-01', 'europe-west4'],
    ['oci', 'eu-frankfurt-1-01', 'eu-frankfurt-1'],
  ];
  for (const env of [nonprod, prod]) {
    for (const [cloud, name, region] of clusters) new Cluster(env, name, { cloud: clouds[cloud], region });
  }
  const prodCanary = prod.node.findChild('westeurope-01') as Cluster;

  // A digest moves nonprod → prod-canary → prod, each step a separate Git change.
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(prodCanary) });
  new PromotionRing(platform, 'prod', {
    targets: Targets.environment(prod).except(Targets.cluster(prodCanary)),
    gates: [Gate.soak(Duration.hours(1)), Gate.approval()],
  });

  const paymentsApi = new Service(platform, 'payments-api', {
    image: { repository: 'registry.xxxcompany.com/commerce/payments-api' },
    initialDigest: SEED_DIGEST,
    values: {
      resources: {
        requests: { cpu: '500m', memory: '1Gi' },
        limits: { cpu: '1', memory: '2Gi' },
      },
    },
  });
  paymentsApi.deployTo(nonprod, {
    values: {
      ingress: { enabled: true, hosts: [{ host: 'payments.nonprod.eu.xxxcompany.com', paths: [{ path: '/', pathType: 'Prefix' }] }] },
    },
  });
  paymentsApi.deployTo(prod, {
    values: {
      ingress: { enabled: true, hosts: [{ host: 'payments.prod.eu.xxxcompany.com', paths: [{ path: '/', pathType: 'Prefix' }] }] },
    },
  });
  return platform;
}

if (require.main === module) paymentsPlatform().synth();
