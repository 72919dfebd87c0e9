/**
 * Flux and Argo CD side by side: nonprod's clusters run Flux (one per cluster, bootstrapped from
 * `clusters/nonprod/<cloud>/<cluster>/`), prod's are managed by its Argo CD. The program is
 * otherwise the same as for Argo CD alone: three Helm services (a chart in the application
 * repository, one in an OCI registry, one in a Helm repository whose version moves ring by ring
 * with the image), a Kustomize service whose base moves ring by ring with the image, a service
 * rendered by the program, a cluster add-on, the same values, rings, gates and ledgers.
 */
import * as kplus from 'cdk8s-plus-28';
import {
  Cloud,
  Cluster,
  ClusterAddon,
  ControlPlane,
  Duration,
  Environment,
  Gate,
  KustomizePatch,
  Platform,
  PromotionRing,
  Reconciler,
  Service,
  SyncPolicy,
  Targets,
  Workload,
} from '../../src';

export const CHECKOUT_DIGEST = 'sha256:3b5d7f9a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5a7c9e1b3d5f7a9c1e3b5d';
export const SEARCH_DIGEST = 'sha256:8a6c4e2f0b8d6a4c2e0f8b6d4a2c0e8f6b4d2a0c8e6f4b2d0a8c6e4f2b0d8a6c';
export const OTEL_DIGEST = 'sha256:4c1f3e2d5b6a79808172635445362718091a2b3c4d5e6f708192a3b4c5d6e7f8';
export const STOREFRONT_DIGEST = 'sha256:6e8a0c2e4f6a8c0e2a4c6e8f0a2c4e6a8c0e2f4a6c8e0a2c4e6f8a0c2e4a6c8e';
export const CERT_MANAGER_DIGEST = 'sha256:9f1e3d5b7a9c1e3f5b7d9a1c3e5f7b9d1a3c5e7f9b1d3a5c7e9f1b3d5a7c9e1f';
export const NOTIFY_DIGEST = 'sha256:2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f';

export function fluxPlatform(): Platform {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  // Each cluster of nonprod runs its own Flux; prod's clusters are managed by one Argo CD.
  const nonprod = new Environment(platform, 'nonprod', {
    controlPlane: new ControlPlane(platform, 'nonprod', { reconciler: Reconciler.flux({ interval: Duration.minutes(5) }) }),
    // Flux applies what it reads: an automated policy, whose prune the Kustomizations take.
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  const prod = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'prod'),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  const aws = new Cloud(platform, 'aws');
  const gcp = new Cloud(platform, 'gcp');
  for (const env of [nonprod, prod]) {
    new Cluster(env, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
    new Cluster(env, 'europe-west1-01', { cloud: gcp, region: 'europe-west1' });
  }

  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(24)), Gate.approval()] });

  new Service(platform, 'checkout', {
    image: { repository: 'registry.example.com/shop/checkout' },
    initialDigest: CHECKOUT_DIGEST,
    values: { replicaCount: 2 },
  })
    .deployTo(nonprod)
    .deployTo(prod, { values: { replicaCount: 4 } });

  new Service(platform, 'search', {
    image: { repository: 'registry.example.com/shop/search' },
    initialDigest: SEARCH_DIGEST,
    workload: Workload.ociChart({ repoURL: 'oci://registry.example.com/charts/search', version: '2.3.1' }),
  }).deployTo([nonprod, prod]);

  // A third-party chart whose version is part of each ring's release.
  new Service(platform, 'otel-collector', {
    image: { repository: 'otel/opentelemetry-collector-contrib' },
    initialDigest: OTEL_DIGEST,
    namespace: 'observability',
    workload: Workload.helmRepositoryChart({
      repoURL: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
      chart: 'opentelemetry-collector',
      version: '0.110.0',
      promoted: true,
    }),
    values: { mode: 'daemonset' },
  }).deployTo([nonprod, prod]);

  // A Kustomize base in the application repository, at the tag each ring runs: on Flux, a
  // GitRepository and a Flux Kustomization, as Flux reads a base (never a Kustomize remote base).
  new Service(platform, 'storefront', {
    image: { repository: 'registry.example.com/shop/storefront' },
    initialDigest: STOREFRONT_DIGEST,
    workload: Workload.kustomize({
      path: 'deploy/base',
      targetRevision: 'v1.4.0',
      promoted: true,
      patches: [
        KustomizePatch.strategicMerge({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'storefront' }, { spec: { replicas: 2 } }),
      ],
    }),
  }).deployTo([nonprod, prod]);

  // Objects the program renders: on Flux, the entry point's Kustomization applies them.
  new Service(platform, 'notifications', {
    image: { repository: 'registry.example.com/shop/notifications' },
    initialDigest: NOTIFY_DIGEST,
    workload: Workload.render((ctx) => {
      new kplus.Deployment(ctx.scope, ctx.service, { containers: [{ image: ctx.image, portNumber: 8080 }] });
    }),
  }).deployTo([nonprod, prod]);

  // A cluster add-on on every cluster: on Flux, its accounts get exactly the cluster-scoped kinds
  // it declares (a ClusterRole in its file of the entry point), never cluster-admin.
  new ClusterAddon(platform, 'cert-manager', {
    chart: Workload.helmRepositoryChart({ repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: '1.16.2' }),
    image: { repository: 'quay.io/jetstack/cert-manager-controller' },
    initialDigest: CERT_MANAGER_DIGEST,
    // Its leader election in its own namespace (the chart's default is kube-system, where it has no rights).
    values: { crds: { enabled: true }, global: { leaderElection: { namespace: 'cert-manager' } } },
    // Its chart makes Roles and RoleBindings in its namespace, which an AppProject keeps out unless allowed.
    allowedNamespacedResources: [
      { group: 'rbac.authorization.k8s.io', kind: 'Role' },
      { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
    ],
    clusterResources: [
      { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
      { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
    ],
  });
  return platform;
}

if (require.main === module) fluxPlatform().synth();
