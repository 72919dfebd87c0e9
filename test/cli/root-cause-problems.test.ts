/**
 * Problems of one root cause print as one entry, through the built CLI: clusters registered under
 * one destination are one CG105 per destination that names the Applications it makes collide
 * (not a CG104 for each of them), its fix fits the case (no "separate control planes" for
 * clusters of one environment), and following the fix leads to the layout the README describes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin/cdk8s-gitops.js');

/**
 * Two environments with Argo CDs of their own, three aws clusters each, two services on all of
 * them. `DESTINATIONS`: `shared` (every cluster of an environment under one destination), `own`
 * (each under its own, the fix), or the default. `NAMESPACE=shared`: both services in one namespace.
 */
const PROGRAM = `
const g = require(${JSON.stringify(path.join(REPO, 'lib'))});
const platform = new g.Platform({ repoURL: 'https://git.example.com/p.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const aws = new g.Cloud(platform, 'aws');
const envs = ['nonprod', 'prod'].map((name) => new g.Environment(platform, name, { controlPlane: new g.ControlPlane(platform, name) }));
for (const env of envs) {
  for (const name of ['c1', 'c2', 'c3']) {
    const destination = { shared: env.node.id + '-shared', own: env.node.id + '-' + name }[process.env.DESTINATIONS];
    new g.Cluster(env, name, { cloud: aws, region: 'r', ...(destination ? { destination } : {}) });
  }
  new g.PromotionRing(platform, env.node.id, { targets: g.Targets.environment(env) });
}
for (const name of ['payments-api', 'orders-api']) {
  new g.Service(platform, name, {
    image: { repository: 'registry.example.com/' + name },
    initialDigest: 'sha256:' + 'a'.repeat(64),
    ...(process.env.NAMESPACE === 'shared' ? { namespace: 'shop' } : {}),
  }).deployTo(envs);
}
platform.synth();
`;

describe('problems of one root cause', () => {
  let work: string;
  let app: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-root-cause-'));
    fs.writeFileSync(path.join(work, 'platform.js'), PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(work, 'platform.js'))}`;
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  function cli(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args, '--app', app], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test('clusters of one environment under one destination: one CG105 per destination, naming the Applications that collide', () => {
    // WHEN
    const r = cli(['plan', '--out', path.join(work, 'shared')], { DESTINATIONS: 'shared' });

    // THEN two problems, one per destination, and no CG104 for each Application
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      'Error: The platform program has 2 problems:',
      `[platform/nonprod/c2] CG105 Clusters nonprod/aws/c1, nonprod/aws/c2 and nonprod/aws/c3 are all registered as destination "nonprod-shared" in control plane "nonprod". ` +
        `4 Applications would then deploy into the same namespace as another cluster's Application and fight over its resources: ` +
        `payments-api-nonprod-aws-c2, payments-api-nonprod-aws-c3, orders-api-nonprod-aws-c2 and orders-api-nonprod-aws-c3. ` +
        `Fix: Give each cluster its own destination name, the one it is registered under in Argo CD (new Cluster(env, 'c2', { cloud, destination: '…' }), ` +
        `or no destination for the default '<cloud>-<cluster>'); a cluster with a destination of its own is deployed by an ApplicationSet of its own, workloads-<env>-<cloud>-<cluster>.`,
      `[platform/prod/c2] CG105 Clusters prod/aws/c1, prod/aws/c2 and prod/aws/c3 are all registered as destination "prod-shared" in control plane "prod". ` +
        `4 Applications would then deploy into the same namespace as another cluster's Application and fight over its resources: ` +
        `payments-api-prod-aws-c2, payments-api-prod-aws-c3, orders-api-prod-aws-c2 and orders-api-prod-aws-c3. ` +
        `Fix: Give each cluster its own destination name, the one it is registered under in Argo CD (new Cluster(env, 'c2', { cloud, destination: '…' }), ` +
        `or no destination for the default '<cloud>-<cluster>'); a cluster with a destination of its own is deployed by an ApplicationSet of its own, workloads-<env>-<cloud>-<cluster>.`,
      '',
    ]);
    // AND nothing is grouped, so there is no hint that --verbose would print more
    expect(r.stderr).not.toContain('--verbose');
  });

  test('following the fix (a destination of its own for each cluster) leads to one ApplicationSet per cluster, as the README describes', () => {
    // WHEN
    const out = path.join(work, 'own');
    const r = cli(['synth', '--out', out, '--format', 'json'], { DESTINATIONS: 'own' });

    // THEN every cluster's targets come from workloads-<env>-<cloud>-<cluster>, and no set generates nothing
    expect(r.status).toBe(0);
    const sets = (JSON.parse(r.stdout).created as string[]).filter((p) => p.startsWith('applicationsets/')).sort();
    expect(sets).toEqual(
      ['nonprod', 'prod'].flatMap((env) => ['c1', 'c2', 'c3'].map((c) => `applicationsets/${env}/workloads-${env}-aws-${c}.yaml`)),
    );
  });

  test("plan of that fix on a checkout with the default destinations shows the AppProject's moved destinations as one line (--verbose: each)", () => {
    // GIVEN a checkout written with the default destinations
    const out = path.join(work, 'default');
    expect(cli(['synth', '--out', out], {}).status).toBe(0);

    // WHEN each cluster gets a destination of its own
    const r = cli(['plan', '--out', out], { DESTINATIONS: 'own' });
    const verbose = cli(['plan', '--out', out, '--verbose'], { DESTINATIONS: 'own' });

    // THEN each environment's AppProject shows its moved destination names as one run
    expect(r.status).toBe(2);
    const project = (text: string): string[] => {
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.startsWith('[~] projects/prod.yaml'));
      return lines.slice(
        at + 1,
        lines.findIndex((l, i) => i > at && !l.startsWith('      ')),
      );
    };
    expect(project(r.stdout)).toEqual(['      spec.destinations[0…5].name  (6 fields)']);
    expect(project(verbose.stdout)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `      spec.destinations[${i}].name`));
  });

  test('two services in one namespace of every cluster: one entry, whatever the Application names', () => {
    // WHEN
    const r = cli(['plan', '--out', path.join(work, 'namespace')], { NAMESPACE: 'shared' });
    const verbose = cli(['plan', '--out', path.join(work, 'namespace'), '--verbose'], { NAMESPACE: 'shared' });

    // THEN six CG104, printed as one entry that names the first in full and counts the others
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('Error: The platform program has 6 problems:');
    expect(lines[1]).toBe(
      '[platform/orders-api/nonprod/aws/c1] CG104 Applications "payments-api-nonprod-aws-c1" and "orders-api-nonprod-aws-c1" would both deploy to destination "aws-c1", namespace "shop", in control plane "nonprod": they would fight over the same resources. Fix: Give one of the services another namespace.',
    );
    expect(lines[2]).toBe(
      '  … and 5 more CG104 like it: platform/orders-api/nonprod/aws/c2, platform/orders-api/nonprod/aws/c3, platform/orders-api/prod/aws/c1 and 2 more.',
    );
    expect(lines[3]).toBe('(--verbose prints every problem in full.)');
    // AND --verbose prints each, with the same exit code
    expect(verbose.status).toBe(1);
    expect(verbose.stderr.split('\n').filter((l) => l.includes('] CG104 '))).toHaveLength(6);
  });
});
