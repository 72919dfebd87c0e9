/** Small builders shared by the construct and synthesis tests. */
import {
  Cloud,
  Cluster,
  ControlPlane,
  Duration,
  Environment,
  EnvironmentProps,
  Gate,
  GitOpsError,
  Platform,
  PlatformProps,
  Problem,
  PromotionRing,
  Reconciler,
  Service,
  SyncOption,
  SyncPolicy,
  SyncWindow,
  Targets,
  Workload,
} from '../../src';

/** The GitOps repository of the test platforms. */
export const GITOPS_REPO = 'https://git.example.com/platform/platform-gitops.git';

/** A digest every ring may run. */
export const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A platform with the GitOps repository and an application repository pattern. */
export function newPlatform(props: Partial<PlatformProps> = {}): Platform {
  return new Platform({
    repoURL: GITOPS_REPO,
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    ...props,
  });
}

/**
 * Environment `dev` of `p` on a control plane `dev` reconciled by Flux (`reconciler`, else
 * Reconciler.flux()), syncing automatically with pruning unless `props` say otherwise, with one
 * cluster `c1` on cloud `aws`.
 */
export function fluxEnvironment(p: Platform, props: Partial<EnvironmentProps> & { readonly reconciler?: Reconciler } = {}): Environment {
  const { reconciler, ...rest } = props;
  const env = new Environment(p, 'dev', {
    controlPlane: new ControlPlane(p, 'dev', { reconciler: reconciler ?? Reconciler.flux() }),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    ...rest,
  });
  new Cluster(env, 'c1', { cloud: new Cloud(p, 'aws'), region: 'eu-central-1' });
  return env;
}

/** The problems `f` fails with; fails the test when `f` does not throw a GitOpsError. */
export function problemsOf(f: () => unknown): readonly Problem[] {
  try {
    f();
  } catch (e) {
    if (e instanceof GitOpsError) return e.problems;
    throw e;
  }
  throw new Error('Expected a GitOpsError, but nothing was thrown.');
}

/** Every problem as `[path] CODE message`, without the fix, for compact assertions. */
export function linesOf(f: () => unknown): string[] {
  return problemsOf(f).map((p) => `[${p.constructPath ?? p.file ?? ''}] ${p.code} ${p.message}`);
}

/**
 * A platform that uses every feature the synthesizer turns into Argo CD objects: two control
 * planes, three environments, sync policies and windows, roles, cluster resources, a cluster
 * with its own destination, services with their own chart, namespace, repository, revision
 * and release name, and promotion rings with gates.
 */
export function deviatingPlatform(): Platform {
  const platform = newPlatform({ values: { global: { owner: 'platform-team' } } });
  const nonprodArgo = new ControlPlane(platform, 'nonprod-argocd');
  const prodArgo = new ControlPlane(platform, 'prod-argocd', { namespace: 'argocd-prod' });
  const dev = new Environment(platform, 'dev', {
    controlPlane: nonprodArgo,
    syncPolicy: SyncPolicy.manual({ options: [SyncOption.SERVER_SIDE_APPLY] }),
  });
  const staging = new Environment(platform, 'staging', {
    controlPlane: nonprodArgo,
    syncPolicy: SyncPolicy.automated({ selfHeal: true }),
    syncWindows: [SyncWindow.allow('0 6 * * 1-5', '12h')],
  });
  const prod = new Environment(platform, 'prod', {
    controlPlane: prodArgo,
    description: 'Production on three clouds',
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true, options: [SyncOption.CREATE_NAMESPACE, SyncOption.PRUNE_LAST] }),
    syncWindows: [SyncWindow.deny('0 22 * * *', '8h', { manualSync: true, timeZone: 'Europe/Amsterdam', applications: ['*-prod-*'] })],
    roles: [
      {
        name: 'deployers',
        description: 'May sync',
        policies: ['p, proj:prod:deployers, applications, sync, prod/*, allow'],
        groups: ['payments-team'],
      },
      { name: 'viewers', policies: ['p, proj:prod:viewers, applications, get, prod/*, allow'] },
    ],
    clusterResources: [
      { group: '', kind: 'Namespace' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    ],
    allowedNamespacedResources: [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }],
    revisionHistoryLimit: 5,
    values: { replicas: 3 },
  });
  const azure = new Cloud(platform, 'azure', { values: { ingress: { className: 'istio-internal' } } });
  const aws = new Cloud(platform, 'aws');
  const gcp = new Cloud(platform, 'gcp');
  new Cluster(dev, 'westeurope-01', { cloud: azure, region: 'westeurope' });
  new Cluster(staging, 'westeurope-02', { cloud: azure, region: 'westeurope' });
  new Cluster(staging, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  const canary = new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope', labels: { tier: 'canary' } });
  const frankfurt = new Cluster(prod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1', destination: 'eks-prod-frankfurt' });
  new Cluster(prod, 'europe-west4-01', { cloud: gcp, region: 'europe-west4' });

  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  new Service(platform, 'payments-api', {
    image: { repository: 'registry.example.com/payments-api' },
    initialDigest: digest('1'),
  }).deployTo([dev, staging, prod]);
  new Service(platform, 'ledger', {
    image: { repository: 'registry.example.com/ledger' },
    initialDigest: digest('2'),
    workload: Workload.helmChart({ chartPath: 'charts/ledger' }),
    namespace: 'commerce',
  }).deployTo([staging, prod]);
  new Service(platform, 'checkout', {
    image: { repository: 'registry.example.com/checkout' },
    initialDigest: digest('3'),
    workload: Workload.helmChart({
      repoURL: 'https://git.example.com/commerce/checkout-monorepo.git',
      targetRevision: 'v2',
      releaseName: 'checkout-web',
    }),
  }).deployTo(prod);
  new Service(platform, 'fraud', { image: { repository: 'registry.example.com/fraud' }, initialDigest: digest('4') }).deployTo(
    [frankfurt, canary],
    { values: { model: 'v7' } },
  );

  new PromotionRing(platform, 'ring-dev', { targets: Targets.environment(dev) });
  new PromotionRing(platform, 'ring-staging', { targets: Targets.environment(staging) });
  new PromotionRing(platform, 'prod-canary', { targets: Targets.label('tier', 'canary') });
  new PromotionRing(platform, 'prod-main', {
    targets: Targets.environment(prod).except(Targets.label('tier', 'canary')),
    gates: [Gate.soak(Duration.hours(2)), Gate.approval()],
  });
  return platform;
}
