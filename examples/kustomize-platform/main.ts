/**
 * Kustomize services: storefront's objects come from a Kustomize base in its application
 * repository (`deploy/kustomize`, as in ./app-base), read at the revision each ring runs: the
 * base's revision is promoted with the images, ring by ring. status-page's base is kept in the
 * GitOps repository itself (`bases/status-page`, as in ./platform-base). The synthesizer writes
 * one overlay per target with the ring's image digests, the namespace, labels and the program's
 * patches (per service, environment and cluster). Prod gives every namespace a baseline. An
 * OpenTelemetry collector add-on runs on every cluster, its chart version promoted ring by ring.
 * Each control plane's Argo CD manages itself: the argo-cd chart on the cluster it runs on
 * (nonprod's on Azure, prod's on AWS), configured from the program, with a declarative Secret per
 * cluster it manages (nonprod's AWS cluster reached through IAM, prod's Azure cluster through a
 * secret store); an Argo CD upgrade moves nonprod → prod, with prod's soak and approval.
 */
import {
  Cloud,
  Cluster,
  ClusterAddon,
  ClusterCredentials,
  ControlPlane,
  Duration,
  Environment,
  Gate,
  KustomizePatch,
  NamespaceBaseline,
  Platform,
  PromotionRing,
  SelfManagedArgoCd,
  Service,
  SyncOption,
  SyncPolicy,
  Targets,
  Workload,
} from '../../src';

export const WEB_DIGEST = 'sha256:5b0a3c1d9e7f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b';
export const WORKER_DIGEST = 'sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d2c1b0a';
export const OTEL_DIGEST = 'sha256:4c1f3e2d5b6a79808172635445362718091a2b3c4d5e6f708192a3b4c5d6e7f8';
export const STATUS_DIGEST = 'sha256:1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809';
/** Argo CD's image as its chart runs it: the tag, pinned by its digest. */
export const ARGOCD_VERSION = 'v3.2.0@sha256:8f2e4a6c1b3d5f7092a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8';
/** The CA certificate of the nonprod EKS cluster (base64 PEM, as its kubeconfig holds it; public). */
export const EKS_CA = Buffer.from(
  [
    '-----BEGIN CERTIFICATE-----',
    'MIIBfzCCASWgAwIBAgIURZPnUZccoXJcSBvG3iZhXwK/bJgwCgYIKoZIzj0EAwIw',
    'FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjEyMDUxMDE4NDRaFw0zNjEyMDIx',
    'MDE4NDRaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO',
    'PQMBBwNCAASsuCaYm6geJbTqhZ19pxbkHmQxowFSe1n6HI72rYnbGvfyrJC03QCW',
    'Q+miF2An1ds5bqJ4UiOhrKp6Mp2Q+6qSo1MwUTAdBgNVHQ4EFgQUhrpsdY8ZgI4d',
    'ZM92cRw+xtwiK5wwHwYDVR0jBBgwFoAUhrpsdY8ZgI4dZM92cRw+xtwiK5wwDwYD',
    'VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBLpGx4TjOj3pURIIBHOXZZ',
    '34DkO+bbWE2vMMN8sIl+4AIhAIUnHXwUdylXPwbap2r+xm4H1ZtCEd8Cwn7UmBTf',
    'pfuA',
    '-----END CERTIFICATE-----',
  ].join('\n') + '\n',
).toString('base64');

export function kustomizePlatform(): Platform {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const syncPolicy = SyncPolicy.automated({ prune: true, selfHeal: true, options: [SyncOption.CREATE_NAMESPACE] });
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod'), syncPolicy });
  const prod = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'prod'),
    syncPolicy,
    namespaceBaseline: NamespaceBaseline.standard({
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      quota: { 'requests.cpu': '8', 'requests.memory': '16Gi', pods: '60' },
      limits: { defaultRequest: { cpu: '100m', memory: '128Mi' }, defaultLimit: { memory: '512Mi' } },
    }),
  });
  const azure = new Cloud(platform, 'azure');
  const aws = new Cloud(platform, 'aws');
  // Each control plane's Argo CD runs on one of its clusters (its in-cluster destination): nonprod's
  // on Azure, prod's on AWS, in the prod ring. The other clusters say how Argo CD reaches them.
  const nonprodHub = new Cluster(nonprod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
  new Cluster(nonprod, 'eu-central-1-01', {
    cloud: aws,
    region: 'eu-central-1',
    server: 'https://nonprod-euc1.gr7.eu-central-1.eks.amazonaws.com',
    credentials: ClusterCredentials.awsIam({
      clusterName: 'nonprod-euc1',
      roleArn: 'arn:aws:iam::111122223333:role/argocd-manager',
      caData: EKS_CA,
    }),
  });
  new Cluster(prod, 'westeurope-01', {
    cloud: azure,
    region: 'westeurope',
    server: 'https://prod-weu-dns-4f1c.hcp.westeurope.azmk8s.io:443',
    credentials: ClusterCredentials.externalSecret({ store: { name: 'platform-vault' }, config: { key: 'argocd/clusters/prod-weu' } }),
  });
  const prodHub = new Cluster(prod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  const canary = prod.node.findChild('westeurope-01') as Cluster;

  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
  new PromotionRing(platform, 'prod', {
    targets: Targets.environment(prod).except(Targets.cluster(canary)),
    gates: [Gate.soak(Duration.hours(24)), Gate.approval()],
  });

  const storefront = new Service(platform, 'storefront', {
    images: {
      web: { repository: 'registry.example.com/shop/storefront-web', initialDigest: WEB_DIGEST },
      worker: { repository: 'registry.example.com/shop/storefront-worker', initialDigest: WORKER_DIGEST },
    },
    workload: Workload.kustomize({
      promoted: true,
      labels: { 'app.kubernetes.io/part-of': 'shop' },
      patches: [
        KustomizePatch.strategicMerge(
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'storefront-web' },
          { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'LOG_LEVEL', value: 'info' }] }] } } } },
        ),
      ],
    }),
  });
  storefront.deployTo(nonprod, {
    patches: [KustomizePatch.json({ kind: 'Deployment', name: 'storefront-web' }, [{ op: 'replace', path: '/spec/replicas', value: 1 }])],
  });
  storefront.deployTo(prod, {
    patches: [KustomizePatch.json({ kind: 'Deployment', name: 'storefront-web' }, [{ op: 'replace', path: '/spec/replicas', value: 4 }])],
  });

  const statusPage = new Service(platform, 'status-page', {
    image: { repository: 'registry.example.com/shop/status-page' },
    initialDigest: STATUS_DIGEST,
    workload: Workload.kustomizePlatformBase({ path: 'bases/status-page' }),
  });
  statusPage.deployTo([nonprod, prod]);

  // An OpenTelemetry collector on every cluster: its chart version and image digest move ring by ring.
  const otel = new ClusterAddon(platform, 'otel-collector', {
    chart: Workload.helmRepositoryChart({
      repoURL: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
      chart: 'opentelemetry-collector',
      version: '0.110.0',
    }),
    image: { repository: 'otel/opentelemetry-collector-contrib' },
    initialDigest: OTEL_DIGEST,
    namespace: 'observability',
    values: { mode: 'daemonset', presets: { kubernetesAttributes: { enabled: true } } },
    clusterResources: [
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    ],
  });
  otel.valuesOn(prod, { resources: { limits: { memory: '1Gi' } } });

  // Argo CD manages itself: an upgrade is `promote argo-cd`, nonprod's Argo CD first.
  new SelfManagedArgoCd(platform, 'argo-cd', {
    chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.4' }),
    runsOn: [nonprodHub, prodHub],
    initialVersion: ARGOCD_VERSION,
    admins: ['platform-admins'],
    values: { global: { domain: 'argocd.shop.example.com' } },
  });
  return platform;
}

if (require.main === module) kustomizePlatform().synth();
