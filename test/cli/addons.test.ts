/**
 * A cluster add-on through the built CLI against a bare remote: an upgrade (chart version and
 * image digest) moves ring by ring like a service's release, as Argo CD would expand the tree.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const LATER = '2026-11-22T12:00:00Z';
const SEED = `sha256:${'0'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;

const PROGRAM = `
const { Cloud, Cluster, ClusterAddon, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(1))] });

new Service(platform, 'web', {
  image: { repository: 'registry.example.com/shop/web' },
  initialDigest: ${JSON.stringify(SEED)},
  workload: Workload.ociChart({ repoURL: 'oci://registry.example.com/charts/web', version: '1.0.0' }),
}).deployTo([nonprod, prod]);
// NO_ADDON=1: the add-on is gone from the program
if (process.env.NO_ADDON !== '1') new ClusterAddon(platform, 'otel-collector', {
  chart: Workload.ociChart({ repoURL: 'oci://ghcr.io/open-telemetry/charts/opentelemetry-collector', version: '0.110.0' }),
  image: { repository: 'otel/opentelemetry-collector-contrib' },
  initialDigest: ${JSON.stringify(SEED)},
  namespace: 'observability',
  clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' }],
});
platform.synth();
`;

describe('a cluster add-on, through the CLI', () => {
  const checkout = useProgramCheckout(PROGRAM, 'addons');

  function cli(args: readonly string[], now = T0): Promise<CliRun> {
    return runCli(args, { out: checkout.out, now, app: checkout.app });
  }

  /** The chart version each Application reads, as `preview` expands the checkout's ApplicationSets. */
  async function versions(): Promise<Record<string, string>> {
    const apps = JSON.parse((await cli(['preview', '--format', 'json'])).stdout) as any[];
    return Object.fromEntries(apps.map((x) => [x.metadata.name, `${x.spec.project} ${x.spec.sources[0].targetRevision}`]));
  }

  test('an upgrade is a promotion: chart version and digest reach nonprod, then prod once its soak is over, and roll back together', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    expect(await versions()).toMatchObject({
      'otel-collector-nonprod-aws-eu-01': 'nonprod-addon-otel-collector 0.110.0',
      'otel-collector-prod-aws-eu-01': 'prod-addon-otel-collector 0.110.0',
      'otel-collector-prod-aws-eu-02': 'prod-addon-otel-collector 0.110.0',
    });

    const upgrade = await cli([
      'promote',
      'otel-collector',
      '--ring',
      'nonprod',
      '--chart-version',
      '0.111.0',
      '--digest',
      A,
      '--by',
      'alice',
      '--publish',
    ]);
    expect({ code: upgrade.code, stderr: upgrade.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await versions()).toMatchObject({
      'otel-collector-nonprod-aws-eu-01': 'nonprod-addon-otel-collector 0.111.0',
      'otel-collector-prod-aws-eu-01': 'prod-addon-otel-collector 0.110.0',
    });
    expect(
      parseYaml(fs.readFileSync(path.join(checkout.out, 'environments/nonprod/aws/eu-01/otel-collector/values.yaml'), 'utf8')).image.digest,
    ).toBe(A);

    const early = await cli(['promote', 'otel-collector', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob'], '2026-11-22T10:30:00Z');
    expect([early.code, early.stderr]).toEqual([1, expect.stringContaining('CG602')]);
    expect((await cli(['promote', 'otel-collector', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--publish'], LATER)).code).toBe(
      0,
    );
    expect(await versions()).toMatchObject({ 'otel-collector-prod-aws-eu-02': 'prod-addon-otel-collector 0.111.0' });
    expect((await cli(['status'], LATER)).stdout).toMatch(/prod +2 +sha256:aaaaaaaa +0\.111\.0 /);

    // The next upgrade, then a rollback of prod to the one before: image and chart go back together.
    const AFTER = '2026-11-22T13:30:00Z';
    expect(
      (
        await cli(
          ['promote', 'otel-collector', '--ring', 'nonprod', '--chart-version', '0.112.0', '--digest', SEED, '--by', 'alice', '--publish'],
          LATER,
        )
      ).code,
    ).toBe(0);
    expect((await cli(['promote', 'otel-collector', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--publish'], AFTER)).code).toBe(
      0,
    );
    expect(await versions()).toMatchObject({ 'otel-collector-prod-aws-eu-01': 'prod-addon-otel-collector 0.112.0' });
    const back = await cli(
      ['rollback', 'otel-collector', '--ring', 'prod', '--previous', '--reason', 'dropped spans', '--by', 'bob', '--publish'],
      AFTER,
    );
    expect({ code: back.code, stderr: back.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await versions()).toMatchObject({
      'otel-collector-prod-aws-eu-01': 'prod-addon-otel-collector 0.111.0',
      'otel-collector-nonprod-aws-eu-01': 'nonprod-addon-otel-collector 0.112.0',
    });
    expect(
      parseYaml(fs.readFileSync(path.join(checkout.out, 'environments/prod/aws/eu-02/otel-collector/values.yaml'), 'utf8')).image.digest,
    ).toBe(A);
    expect((await cli(['check'], AFTER)).code).toBe(0);
  });

  test('the first upgrade rolls back to the version and digest every ring started with, pinned from the start', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    expect(parseYaml(fs.readFileSync(path.join(checkout.out, 'releases/otel-collector.yaml'), 'utf8')).rings.prod).toMatchObject({
      digest: SEED,
      chart: '0.110.0',
    });
    expect(
      (
        await cli([
          'promote',
          'otel-collector',
          '--ring',
          'nonprod',
          '--chart-version',
          '0.111.0',
          '--digest',
          A,
          '--by',
          'alice',
          '--publish',
        ])
      ).code,
    ).toBe(0);
    const back = await cli([
      'rollback',
      'otel-collector',
      '--ring',
      'nonprod',
      '--previous',
      '--reason',
      'dropped spans',
      '--by',
      'alice',
      '--publish',
    ]);
    expect({ code: back.code, stderr: back.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await versions()).toMatchObject({ 'otel-collector-nonprod-aws-eu-01': 'nonprod-addon-otel-collector 0.110.0' });
    expect(
      parseYaml(fs.readFileSync(path.join(checkout.out, 'environments/nonprod/aws/eu-01/otel-collector/values.yaml'), 'utf8')).image.digest,
    ).toBe(SEED);
  });

  test('a promotion published with the removal of an add-on commits the removal in the program commit, and its own change after it', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const before = checkout.sandbox.git(checkout.sandbox.remote, 'rev-parse', 'main');
    const run = await runCli(
      ['promote', 'web', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--allow-remove', 'otel-collector-*', '--publish'],
      {
        out: checkout.out,
        now: T0,
        app: checkout.app,
        env: { NO_ADDON: '1' },
      },
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(checkout.sandbox.git(checkout.sandbox.remote, 'log', '--format=%s', `${before}..main`).split('\n')).toEqual([
      'promote web sha256:aaaaaaaa to nonprod (by alice)',
      'Synthesize the platform program',
    ]);
    expect(checkout.sandbox.git(checkout.sandbox.remote, 'show', '--name-only', '--format=', 'main~1')).toContain(
      'projects/nonprod-addon-otel-collector.yaml',
    );
    expect(checkout.sandbox.status(checkout.out)).toEqual([]);
  });

  test('a chart of an OCI registry is pinned by its version, not a Git revision', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const wrong = await cli([
      'promote',
      'otel-collector',
      '--ring',
      'nonprod',
      '--chart-revision',
      'v0.111.0',
      '--digest',
      A,
      '--by',
      'alice',
    ]);
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining('CG618 otel-collector reads its chart from an OCI registry')]);
  });
});
