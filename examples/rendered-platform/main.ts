/**
 * A Helm service and a rendered service side by side: payments-api deploys its Helm chart with
 * a values file per target; orders-api is rendered by the program from cdk8s-plus-28 code
 * (./orders-api.ts), so every change shows up in Git as the exact Kubernetes objects Argo CD
 * applies. Prod gives every service namespace a baseline (Namespace, ResourceQuota, LimitRange,
 * default-deny NetworkPolicy).
 */
import {
  Cloud,
  Cluster,
  ControlPlane,
  Duration,
  Environment,
  Gate,
  NamespaceBaseline,
  Platform,
  PromotionRing,
  Service,
  SyncOption,
  SyncPolicy,
  Targets,
  Workload,
} from '../../src';
import { ordersApi } from './orders-api';

export const PAYMENTS_DIGEST = 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912';
export const ORDERS_DIGEST = 'sha256:7d3c1f5a2b9e4d6c8a0f1e3b5d7c9a2e4f6b8d0c1a3e5f7b9d2c4e6a8f0b1d3c';

export function renderedPlatform(): Platform {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const syncPolicy = SyncPolicy.automated({ prune: true, selfHeal: true, options: [SyncOption.CREATE_NAMESPACE] });
  const nonprod = new Environment(platform, 'nonprod', {
    controlPlane: new ControlPlane(platform, 'nonprod'),
    syncPolicy,
    values: { logLevel: 'debug', autoscaling: { minReplicas: 1, maxReplicas: 3 }, podDisruptionBudget: { minAvailable: 0 } },
  });
  const prod = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'prod'),
    syncPolicy,
    values: { logLevel: 'info', autoscaling: { minReplicas: 3, maxReplicas: 12 }, podDisruptionBudget: { minAvailable: 2 } },
    namespaceBaseline: NamespaceBaseline.standard({
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      quota: { 'requests.cpu': '8', 'requests.memory': '16Gi', 'limits.memory': '32Gi', pods: '60' },
      limits: { defaultRequest: { cpu: '100m', memory: '128Mi' }, defaultLimit: { memory: '512Mi' } },
    }),
  });
  const azure = new Cloud(platform, 'azure', { values: { ingress: { className: 'istio-internal' } } });
  const aws = new Cloud(platform, 'aws', { values: { ingress: { className: 'alb-internal' } } });
  for (const env of [nonprod, prod]) {
    new Cluster(env, 'westeurope-01', { cloud: azure, region: 'westeurope' });
    new Cluster(env, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  }
  const canary = prod.node.findChild('westeurope-01') as Cluster;

  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
  new PromotionRing(platform, 'prod', {
    targets: Targets.environment(prod).except(Targets.cluster(canary)),
    gates: [Gate.soak(Duration.hours(1)), Gate.approval()],
  });

  new Service(platform, 'payments-api', {
    image: { repository: 'registry.example.com/commerce/payments-api' },
    initialDigest: PAYMENTS_DIGEST,
  }).deployTo([nonprod, prod]);

  const orders = new Service(platform, 'orders-api', {
    image: { repository: 'registry.example.com/commerce/orders-api' },
    initialDigest: ORDERS_DIGEST,
    workload: Workload.render(ordersApi),
  });
  orders.deployTo(nonprod, { values: { ingress: { host: 'orders.nonprod.example.com' } } });
  orders.deployTo(prod, { values: { ingress: { host: 'orders.example.com' } } });
  return platform;
}

if (require.main === module) renderedPlatform().synth();
