/**
 * A synthetic fleet for the benchmark: BENCH_SERVICES services (default 1000) on 2 environments,
 * each with its own control plane, 4 clouds and 3 clusters per environment × cloud, so every
 * service has 24 targets. Three promotion rings: nonprod, prod-canary (one prod cluster) and
 * prod (the other prod clusters). Values are set at every layer: platform, environment, cloud,
 * cluster, service, service × environment, and service × cluster for every seventh service.
 * One more service, rendered-api, is rendered from cdk8s-plus-28 code on every target instead
 * of deploying a Helm chart.
 *
 * Everything is derived from the service index, so two runs declare the same fleet.
 */
import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-28';
import {
  Cloud,
  Cluster,
  ControlPlane,
  Duration,
  Environment,
  Gate,
  Platform,
  PromotionRing,
  RenderContext,
  Service,
  SyncOption,
  SyncPolicy,
  SyncWindow,
  Targets,
  Workload,
} from '../src';

/** Number of services, from BENCH_SERVICES. */
export function serviceCount(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_SERVICES ?? '1000');
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_SERVICES "${env.BENCH_SERVICES}" is not a positive whole number.`);
  return n;
}

/**
 * Number of control planes, from BENCH_CONTROL_PLANES (default 2: one per environment). With more
 * (an even number), each environment is split by cloud into that many halves, each its own
 * environment with its own control plane and GitOps repository (the first reads the platform's).
 */
export function controlPlaneCount(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_CONTROL_PLANES ?? '2');
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0 || n > 2 * CLOUD_COUNT) {
    throw new Error(`BENCH_CONTROL_PLANES "${env.BENCH_CONTROL_PLANES}" is not an even number from 2 to ${2 * CLOUD_COUNT}.`);
  }
  return n;
}

/** The platform's GitOps repository. */
export const PLATFORM_REPO = 'https://git.example.com/platform/platform-gitops.git';

/** The environments of the fleet, by kind, and the repository each control plane reads (undefined: the platform's). */
export function fleetEnvironments(
  env: NodeJS.ProcessEnv = process.env,
): { name: string; kind: 'nonprod' | 'prod'; part: number; repoURL?: string }[] {
  const perKind = controlPlaneCount(env) / 2;
  return (['nonprod', 'prod'] as const).flatMap((kind) =>
    Array.from({ length: perKind }, (_, part) => {
      const name = perKind === 1 ? kind : `${kind}-${part + 1}`;
      const own = perKind > 1 && !(kind === 'nonprod' && part === 0);
      return { name, kind, part, ...(own ? { repoURL: `https://git.example.com/platform/gitops-${name}.git` } : {}) };
    }),
  );
}

/** Name of the i-th service (1-based): svc-0001, svc-0002, … */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** A digest derived from a text, so each service has its own. */
export function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

const CLOUD_COUNT = 4;

const CLOUDS: ReadonlyArray<{ name: string; className: string; regions: readonly string[]; storageClass: string }> = [
  { name: 'azure', className: 'istio-internal', regions: ['westeurope', 'northeurope', 'swedencentral'], storageClass: 'managed-csi' },
  { name: 'aws', className: 'alb-internal', regions: ['eu-central-1', 'eu-west-1', 'eu-north-1'], storageClass: 'gp3' },
  { name: 'gcp', className: 'gce-internal', regions: ['europe-west4', 'europe-west1', 'europe-north1'], storageClass: 'premium-rwo' },
  {
    name: 'oci',
    className: 'oci-native-internal',
    regions: ['eu-frankfurt-1', 'eu-amsterdam-1', 'eu-stockholm-1'],
    storageClass: 'oci-bv',
  },
];

const TEAMS = ['payments', 'ledger', 'risk', 'identity', 'search', 'catalog', 'checkout', 'notifications'];

/** Declares the fleet. */
export function fleet(services: number = serviceCount()): Platform {
  const platform = new Platform({
    repoURL: PLATFORM_REPO,
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    values: {
      global: { organization: 'example', logFormat: 'json', tracing: { enabled: true, sampler: 'parentbased_traceidratio', ratio: 0.05 } },
      podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      serviceMonitor: { enabled: true, interval: '30s' },
    },
  });

  const declared = fleetEnvironments();
  const perKind = declared.length / 2;
  const envs = declared.map(
    ({ name, kind, repoURL }) =>
      new Environment(platform, name, {
        controlPlane: new ControlPlane(platform, name, repoURL === undefined ? {} : { repository: { repoURL } }),
        syncPolicy: SyncPolicy.automated({
          prune: true,
          selfHeal: true,
          options: [SyncOption.CREATE_NAMESPACE, SyncOption.APPLY_OUT_OF_SYNC_ONLY],
        }),
        revisionHistoryLimit: 3,
        ...(kind === 'prod' ? { syncWindows: [SyncWindow.deny('0 22 * * *', '8h', { manualSync: true })] } : {}),
        values:
          kind === 'prod'
            ? {
                autoscaling: { enabled: true, minReplicas: 6, maxReplicas: 18, targetCPUUtilizationPercentage: 70 },
                externalSecrets: { enabled: true, secretStoreRef: { name: 'prod-cluster-secrets', kind: 'ClusterSecretStore' } },
                podDisruptionBudget: { minAvailable: 4 },
                global: { logLevel: 'info' },
              }
            : {
                autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 },
                externalSecrets: { enabled: true, secretStoreRef: { name: 'nonprod-cluster-secrets', kind: 'ClusterSecretStore' } },
                podDisruptionBudget: { minAvailable: 1 },
                global: { logLevel: 'debug' },
              },
      }),
  );
  const nonprods = envs.filter((_, i) => declared[i]!.kind === 'nonprod');
  const prods = envs.filter((_, i) => declared[i]!.kind === 'prod');
  const partOf = new Map(envs.map((e, i) => [e, declared[i]!.part]));

  const clouds = CLOUDS.map((c) => ({
    spec: c,
    cloud: new Cloud(platform, c.name, {
      values: { ingress: { className: c.className }, persistence: { storageClass: c.storageClass }, global: { provider: c.name } },
    }),
  }));

  let prodCanary: Cluster | undefined;
  for (const env of envs) {
    for (const [index, { spec, cloud }] of clouds.entries()) {
      if (index % perKind !== partOf.get(env)) continue;
      spec.regions.forEach((region, i) => {
        const cluster = new Cluster(env, `${region}-01`, {
          cloud,
          region,
          labels: { tier: i === 0 ? 'primary' : 'secondary' },
          values: {
            ingress: { domain: `${region}.${env.name}.${spec.name}.example.com` },
            nodeSelector: { 'topology.kubernetes.io/region': region },
            global: { zoneCount: 3 },
          },
        });
        if (env === prods[0] && !prodCanary) prodCanary = cluster;
      });
    }
  }

  // A ring's targets are read from one repository: one ring per environment (prod's first split for its canary).
  for (const nonprod of nonprods) new PromotionRing(platform, nonprod.name, { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(prodCanary!) });
  for (const prod of prods) {
    new PromotionRing(platform, prod.name, {
      targets: Targets.environment(prod).except(Targets.cluster(prodCanary!)),
      gates: [Gate.soak(Duration.hours(2)), Gate.approval()],
    });
  }

  const prodClusters = prods.flatMap((prod) => prod.node.children.filter((c): c is Cluster => c instanceof Cluster));
  for (let i = 1; i <= services; i++) {
    const name = serviceName(i);
    const team = TEAMS[i % TEAMS.length];
    const cpu = 100 + (i % 8) * 50;
    const memory = 128 * (1 + (i % 4));
    const service = new Service(platform, name, {
      image: { repository: `registry.example.com/${team}/${name}` },
      initialDigest: digestOf(name),
      values: {
        team,
        resources: {
          requests: { cpu: `${cpu}m`, memory: `${memory}Mi` },
          limits: { cpu: `${cpu * 2}m`, memory: `${memory * 2}Mi` },
        },
        service: { type: 'ClusterIP', port: 8080 + (i % 10) },
        env: [
          { name: 'SERVICE_NAME', value: name },
          { name: 'TEAM', value: team },
          { name: 'JAVA_OPTS', value: `-Xmx${memory}m -XX:+UseG1GC` },
        ],
        probes: { liveness: { path: '/healthz', initialDelaySeconds: 10 }, readiness: { path: '/ready', periodSeconds: 5 } },
      },
    });
    for (const env of envs) {
      service.deployTo(env, {
        values: {
          ingress: {
            enabled: true,
            hosts: [{ host: `${name}.${env.name}.example.com`, paths: [{ path: '/', pathType: 'Prefix' }] }],
          },
          config: { featureFlags: { newCheckout: nonprods.includes(env), batchSize: 50 + (i % 5) * 10 } },
        },
      });
    }
    if (i % 7 === 0) {
      const cluster = prodClusters[i % prodClusters.length];
      service.deployTo(cluster, {
        values: { autoscaling: { minReplicas: 10, maxReplicas: 30 }, config: { shard: `${cluster.name}-${i % 3}` } },
      });
    }
  }

  new Service(platform, RENDERED_SERVICE, {
    image: { repository: `registry.example.com/platform/${RENDERED_SERVICE}` },
    initialDigest: digestOf(RENDERED_SERVICE),
    workload: Workload.render(renderedApi),
  }).deployTo(envs);
  return platform;
}

/** The rendered service: not counted in BENCH_SERVICES, and it has no values files. */
export const RENDERED_SERVICE = 'rendered-api';

/** A Deployment and its Service, sized from the target's layered values. */
function renderedApi(ctx: RenderContext): void {
  const v = ctx.values as { autoscaling: { minReplicas: number } };
  const deployment = new kplus.Deployment(ctx.scope, ctx.service, {
    replicas: v.autoscaling.minReplicas,
    containers: [{ name: 'api', image: ctx.image, portNumber: 8080, securityContext: { user: 10001, group: 10001 } }],
  });
  deployment.exposeViaService({ name: ctx.service, ports: [{ port: 80, targetPort: 8080 }] });
}

if (require.main === module) fleet().synth();
