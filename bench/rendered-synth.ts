/*
 * Times rendered workloads at fleet scale: N rendered services × 2 environments × 12 clusters,
 * each target rendered in its own cdk8s App and Chart (a Deployment, its Service and a
 * HorizontalPodAutoscaler), then synthesized into files. Doubling the number of targets should
 * double the time: one App with one Chart per target was measured to grow quadratically
 * (2,400 Charts 15 s, 4,800 Charts 62 s).
 *
 *   npx tsx bench/rendered-synth.ts            # 50, 100 and 200 services: 1,200 to 4,800 targets
 *   npx tsx bench/rendered-synth.ts 400        # one size
 */
import { performance } from 'perf_hooks';
import * as kplus from 'cdk8s-plus-28';
import { Cloud, Cluster, ControlPlane, Environment, Platform, RenderContext, Service, Workload } from '../src';
import { synthesize } from '../src/synth/synthesize';

const CLOUDS = ['azure', 'aws', 'gcp', 'oci'];
const DIGEST = `sha256:${'0'.repeat(64)}`;

function workload(ctx: RenderContext): void {
  const api = new kplus.Deployment(ctx.scope, ctx.service, { containers: [{ name: 'api', image: ctx.image, portNumber: 8080 }] });
  api.exposeViaService({ name: ctx.service, ports: [{ port: 80, targetPort: 8080 }] });
  new kplus.HorizontalPodAutoscaler(ctx.scope, 'hpa', { target: api, minReplicas: 2, maxReplicas: 6 });
}

function fleet(services: number): Platform {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const clouds = CLOUDS.map((c) => new Cloud(platform, c));
  for (const name of ['nonprod', 'prod']) {
    const env = new Environment(platform, name, { controlPlane: new ControlPlane(platform, name) });
    for (const cloud of clouds)
      for (const n of ['01', '02', '03']) new Cluster(env, `${cloud.name}-${n}`, { cloud, name: `region-${n}`, region: `region-${n}` });
  }
  const envs = platform.node.children.filter((c): c is Environment => c instanceof Environment);
  for (let i = 0; i < services; i++) {
    new Service(platform, `service-${String(i).padStart(4, '0')}`, {
      image: { repository: `registry.example.com/fleet/service-${i}` },
      initialDigest: DIGEST,
      workload: Workload.render(workload),
    }).deployTo(envs);
  }
  return platform;
}

function time<T>(run: () => T): [T, number] {
  const cpu = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(cpu);
  return [result, (used.user + used.system) / 1000];
}

const sizes = process.argv[2] ? [Number(process.argv[2])] : [50, 100, 200];
for (const n of sizes) {
  const start = performance.now();
  const [model, renderMs] = time(() => fleet(n).snapshot());
  const [files, synthMs] = time(() => {
    const tree = synthesize(model);
    for (const p of tree.paths()) tree.content(p);
    return tree.size;
  });
  const targets = model.targets.length;
  console.log(
    `${n} rendered services, ${targets} targets: render ${renderMs.toFixed(0)} ms CPU (${(renderMs / targets).toFixed(2)} ms/target), ` +
      `synthesize ${files} files ${synthMs.toFixed(0)} ms CPU; ${(performance.now() - start).toFixed(0)} ms wall`,
  );
}
