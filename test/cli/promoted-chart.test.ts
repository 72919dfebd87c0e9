/**
 * A chart promoted with the image, through the built CLI against a bare remote: the chart
 * revision moves ring by ring with the digest, only the ring promoted into reads the new chart
 * (its Applications expanded from the tree as Argo CD does), and a rollback restores both.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { Sandbox } from '../git/sandbox';
import { CliRun, runCli } from '../support/cli';
import { hashTree } from '../support/hash-tree';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const LATER = '2026-11-22T12:00:00Z';
const SEED = `sha256:${'0'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const CHART_1 = '1111111111111111111111111111111111111111';
const CHART_2 = '2222222222222222222222222222222222222222';

/** payments-api promotes its chart (in Git) with the image; orders-api does not. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(1))] });

new Service(platform, 'payments-api', {
  image: { repository: 'registry.example.com/shop/payments-api' },
  initialDigest: ${JSON.stringify(SEED)},
  // CHART_BRANCH=<branch>: the chart is read at that branch until a ring pins one
  // CHART_SOURCE=oci or helm-repository: the chart of an OCI or Helm repository; CHART_PROMOTED=false: not promoted
  workload:
    process.env.CHART_SOURCE === 'oci'
      ? Workload.ociChart({ repoURL: 'oci://registry.example.com/charts/payments-api', version: '1.0.0', promoted: process.env.CHART_PROMOTED !== 'false' })
      : process.env.CHART_SOURCE === 'helm-repository'
        ? Workload.helmRepositoryChart({ repoURL: 'https://charts.example.com/stable', chart: 'payments-api', version: '2.0.0', promoted: process.env.CHART_PROMOTED !== 'false' })
        : Workload.helmChart({ promoted: true, ...(process.env.CHART_BRANCH ? { targetRevision: process.env.CHART_BRANCH } : {}) }),
}).deployTo(nonprod).deployTo(prod);
new Service(platform, 'orders-api', {
  image: { repository: 'registry.example.com/shop/orders-api' },
  initialDigest: ${JSON.stringify(SEED)},
}).deployTo(nonprod).deployTo(prod);
platform.synth();
`;

const RELEASE = (env: string, cluster: string) => `environments/${env}/aws/${cluster}/payments-api/release.yaml`;

describe('a chart promoted with the image, through the CLI', () => {
  let workDir: string;
  let app: string;
  let template: Sandbox;
  let sandbox: Sandbox;
  let a: string;

  function cli(out: string, args: readonly string[], now = T0, extra: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out, now, app, env: extra });
  }

  async function ok(out: string, args: readonly string[], now = T0, extra: Record<string, string> = {}): Promise<string> {
    const run = await cli(out, args, now, extra);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  const revisionIn = (dir: string, file: string): string => parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')).chart.revision;
  const ledger = (dir: string): any => parseYaml(fs.readFileSync(path.join(dir, 'releases', 'payments-api.yaml'), 'utf8'));

  /** The chart revision each Application reads, as `preview` expands the checkout's ApplicationSets. */
  async function previewRevisions(dir: string): Promise<Record<string, string>> {
    const apps = JSON.parse(await ok(dir, ['preview', '--format', 'json'])) as any[];
    return Object.fromEntries(apps.map((x) => [x.metadata.name, x.spec.sources[0].targetRevision]));
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-chart-'));
    const program = path.join(workDir, 'shop.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
    template = Sandbox.create();
    // Made before the tests' clock: a commit dated after the later ones would set their times forward.
    await ok(template.clone('platform'), ['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z');
  });

  afterAll(() => {
    template?.cleanup();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    sandbox = Sandbox.create();
    sandbox.git(template.remote, 'push', '--quiet', '--force', sandbox.remote, 'main');
    a = sandbox.clone('ci-a');
  });

  afterEach(() => sandbox.cleanup());

  test('before any chart is promoted, every ring reads the program revision (main), the other service too, from release files', async () => {
    expect(revisionIn(a, RELEASE('prod', 'eu-01'))).toBe('main');
    expect(revisionIn(a, 'environments/prod/aws/eu-01/orders-api/release.yaml')).toBe('main');
    expect(await previewRevisions(a)).toMatchObject({ 'payments-api-prod-aws-eu-01': 'main', 'orders-api-prod-aws-eu-01': 'main' });
  });

  test('a chart read at a branch with a slash (release/1.4, refs/heads/main) is recorded so that every command reads it back', async () => {
    for (const branch of ['release/1.4', 'refs/heads/main']) {
      const fresh = Sandbox.create();
      try {
        const dir = fresh.clone('ci');
        await ok(dir, ['publish', '--by', 'platform-team'], T0, { CHART_BRANCH: branch });
        expect(revisionIn(dir, RELEASE('prod', 'eu-01'))).toBe(branch);
        expect(await ok(dir, ['check'], T0, { CHART_BRANCH: branch })).toBe(
          'Clean: the checkout is exactly what the program synthesizes.\n',
        );
        expect(await ok(dir, ['status'], T0, { CHART_BRANCH: branch })).toContain('payments-api');
      } finally {
        fresh.cleanup();
      }
    }
    const odd = await cli(a, ['synth'], T0, { CHART_BRANCH: 'feature#1' });
    expect([odd.code, odd.stderr]).toEqual([
      1,
      expect.stringContaining('CG109 The chart revision "feature#1" of service "payments-api" is not a Git revision'),
    ]);
  });

  test('a promoted chart read from another source is refused (CG216) by synth, plan, check, publish and promote while rings pin the old source, nothing written', async () => {
    const fresh = Sandbox.create();
    try {
      // GIVEN payments-api's OCI chart promoted, nonprod pinned at 1.5.0
      const dir = fresh.clone('ci');
      const oci = { CHART_SOURCE: 'oci' };
      await ok(dir, ['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z', oci);
      await ok(dir, ['promote', 'payments-api', '--ring', 'nonprod', '--chart-version', '1.5.0', '--by', 'alice', '--publish'], T0, oci);
      const before = hashTree(dir);
      // WHEN the program reads the chart from a Helm repository (the same kind of revision), or from Git (another kind)
      for (const source of ['helm-repository', 'git'])
        for (const command of [
          ['synth'],
          ['plan'],
          ['check'],
          ['publish', '--by', 'platform-team'],
          ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice'],
        ]) {
          const run = await cli(dir, command, LATER, { CHART_SOURCE: source });
          // THEN no ring reads the new source at the old source's version
          expect(run.code).toBe(1);
          expect(run.stderr).toContain(
            `[platform/payments-api] CG216 payments-api promotes its chart from ${
              source === 'git'
                ? 'the chart at deploy/chart in https://git.example.com/apps/payments-api.git'
                : 'chart "payments-api" of the Helm repository https://charts.example.com/stable'
            }, but the checkout's release model records it promoted from the OCI chart oci://registry.example.com/charts/payments-api, and releases/payments-api.yaml records revisions of that source in rings "nonprod" (1.5.0), "prod" (1.0.0).`,
          );
        }
      expect(hashTree(dir)).toEqual(before);
      // AND the source changes with the chart not promoted: every ring reads the program's version of the new source
      await ok(dir, ['publish', '--by', 'platform-team'], LATER, { CHART_SOURCE: 'helm-repository', CHART_PROMOTED: 'false' });
      const apps = JSON.parse(await ok(dir, ['preview', '--format', 'json'])) as any[];
      const payments = apps.filter((x) => x.metadata.name.startsWith('payments-api-'));
      expect(payments.map((x) => [x.spec.sources[0].repoURL, x.spec.sources[0].chart, x.spec.sources[0].targetRevision])).toEqual(
        payments.map(() => ['https://charts.example.com/stable', 'payments-api', '2.0.0']),
      );
    } finally {
      fresh.cleanup();
    }
  });

  test('a chart change reaches only the ring it was promoted into, then the next ring with --from, image and chart together', async () => {
    // WHEN the chart moves into nonprod, with the image
    const out = await ok(a, [
      'promote',
      'payments-api',
      '--ring',
      'nonprod',
      '--digest',
      A,
      '--chart-revision',
      CHART_1,
      '--by',
      'alice',
      '--publish',
    ]);

    // THEN nonprod reads the new chart and prod the old, in the tree and as Argo CD expands it
    expect(out).toContain(`promote payments-api sha256:aaaaaaaa with chart 111111111111 to nonprod (by alice)`);
    expect(out).toContain(`[~] ${RELEASE('nonprod', 'eu-01')}`);
    expect(revisionIn(a, RELEASE('nonprod', 'eu-01'))).toBe(CHART_1);
    expect(revisionIn(a, RELEASE('prod', 'eu-01'))).toBe('main');
    expect(ledger(a).rings.nonprod).toMatchObject({ digest: A, chart: CHART_1 });
    expect(ledger(a).rings.prod.chart).toBeUndefined();
    expect(await previewRevisions(a)).toMatchObject({
      'payments-api-nonprod-aws-eu-01': CHART_1,
      'payments-api-prod-aws-eu-01': 'main',
      'payments-api-prod-aws-eu-02': 'main',
    });
    expect(sandbox.git(a, 'log', '-1', '--format=%(trailers:key=Cdk8s-Gitops-Chart-Revision,valueonly)').trim()).toBe(CHART_1);

    // WHEN prod takes what nonprod runs once its soak is over
    await ok(a, ['promote', 'payments-api', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--publish'], LATER);

    // THEN prod runs the image and the chart of nonprod
    expect(ledger(a).rings.prod).toMatchObject({ digest: A, chart: CHART_1, from: 'nonprod' });
    expect(await previewRevisions(a)).toMatchObject({ 'payments-api-prod-aws-eu-01': CHART_1, 'payments-api-prod-aws-eu-02': CHART_1 });
    const check = await cli(a, ['check']);
    expect(check.code).toBe(0);
  });

  test('plan says which rings read the chart unpinned; status, STATUS.md, explain and history show image and chart', async () => {
    // Before any chart is promoted
    const plan = await cli(a, ['plan']);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain(
      'Note: payments-api promotes its chart with the image, but rings "nonprod", "prod" record no chart revision yet: they read the chart unpinned, at main.',
    );
    expect(plan.stderr).toContain(
      'Pin it from the first ring on: `cdk8s-gitops promote payments-api --ring nonprod --chart-revision <commit SHA>` (--chart-version for a Helm or OCI chart), then `--from` ring by ring.',
    );
    expect(plan.stderr).not.toContain('orders-api');
    expect(await ok(a, ['status'])).toContain('main (unpinned)');

    // After a promotion into nonprod
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--chart-revision', CHART_1, '--by', 'alice', '--publish']);
    const status = (await ok(a, ['status'])).split('\n');
    const row = (ring: string) => status.find((l) => l.trimStart().startsWith(`${ring} `))!;
    expect(status.find((l) => l.includes('RING'))).toMatch(/DIGEST +CHART +SINCE/);
    expect(row('nonprod')).toMatch(/sha256:aaaaaaaa +111111111111 +2026-11-22T10:00:00Z +alice/);
    expect(row('prod')).toContain('main (unpinned)');
    const json = JSON.parse(await ok(a, ['status', '--format', 'json']));
    const payments = json.services.find((x: any) => x.service === 'payments-api');
    expect(payments.rings.map((r: any) => r.chart)).toEqual([
      { revision: CHART_1, pinned: true },
      { revision: 'main', pinned: false },
    ]);
    expect(json.services.find((x: any) => x.service === 'orders-api').rings[0].chart).toBeUndefined();
    const page = fs.readFileSync(path.join(a, 'STATUS.md'), 'utf8');
    expect(page).toContain('| Ring | Targets | Digest | Chart | Since | By | From | Approved by | Hold |');
    expect(page).toContain('| nonprod | 1 | `sha256:aaaaaaaa` | `111111111111` |');
    expect(page).toContain('| Ring | Targets | Digest | Since | By | From | Approved by | Hold |'); // orders-api
    expect(await ok(a, ['explain', 'payments-api-nonprod-aws-eu-01'])).toContain(`@ ${CHART_1} (ring nonprod's release)`);
    expect(await ok(a, ['explain', 'payments-api-prod-aws-eu-01'])).toContain(
      '@ main (unpinned: no chart revision promoted into the ring yet)',
    );
    const history = (await ok(a, ['history', 'payments-api'])).split('\n');
    expect(history[0]).toMatch(/DIGEST +CHART +BY/);
    expect(history[1]).toMatch(/promote +nonprod +sha256:aaaaaaaa +111111111111 +alice/);
  });

  test('a chart-only promotion keeps the image; the next ring refuses it until its soak is served', async () => {
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--chart-revision', CHART_2, '--by', 'alice', '--publish']);
    expect(ledger(a).rings.nonprod).toMatchObject({ digest: SEED, chart: CHART_2 });
    const early = await cli(a, ['promote', 'payments-api', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('CG602');
    expect(early.stderr).toContain('with chart 222222222222');
  });

  test('a release tag pins no chart in a ring that requires digests, as every ring does by default (CG608), nothing written', async () => {
    const before = hashTree(a);
    const run = await cli(a, [
      'promote',
      'payments-api',
      '--ring',
      'nonprod',
      '--digest',
      A,
      '--chart-revision',
      'v2.0.0',
      '--by',
      'alice',
    ]);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toContain(
      'CG608 Cannot promote chart revision "v2.0.0" into "nonprod": the ring requires digests, and a tag can be moved in the application repository',
    );
    expect(run.stderr).toContain('git rev-parse v2.0.0^{commit}');
    expect(hashTree(a)).toEqual(before);
  });

  test('a rollback restores the image and the chart it replaced', async () => {
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--chart-revision', CHART_1, '--by', 'alice', '--publish']);
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--chart-revision', CHART_2, '--by', 'alice', '--publish']);
    await ok(a, ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'errors', '--by', 'alice', '--publish'], LATER);
    expect(ledger(a).rings.nonprod).toMatchObject({ digest: A, chart: CHART_1, hold: { reason: 'errors' } });
    expect(revisionIn(a, RELEASE('nonprod', 'eu-01'))).toBe(CHART_1);
  });

  test('a rollback from a pinned chart to a release recorded before any was pinned is refused (CG618), nothing written', async () => {
    // GIVEN nonprod pins CHART_1; the release before it read the chart unpinned, at main
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--chart-revision', CHART_1, '--by', 'alice', '--publish']);
    const before = hashTree(a);

    // WHEN it is rolled back to that release
    const run = await cli(a, ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'errors', '--by', 'alice'], LATER);

    // THEN it is refused: main today may hold a chart no ring has run
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toContain(
      `CG618 Ring "nonprod" runs chart 111111111111; sha256:${SEED.slice(7, 15)} was recorded there before the chart was pinned`,
    );
    expect(run.stderr).toContain('Fix: Pass --keep-chart to put back only the image, with chart 111111111111;');
    expect(run.stderr).toContain(`--digest ${SEED} --chart-revision <revision>`);
    expect(hashTree(a)).toEqual(before);

    // AND with --keep-chart only the image goes back, with the chart the ring runs, held
    await ok(
      a,
      ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--keep-chart', '--reason', 'errors', '--by', 'alice', '--publish'],
      LATER,
    );
    expect(ledger(a).rings.nonprod).toMatchObject({ digest: SEED, chart: CHART_1, hold: { reason: 'errors' } });
    expect(revisionIn(a, RELEASE('nonprod', 'eu-01'))).toBe(CHART_1);
  });

  test('--keep-chart for a service whose chart is not promoted, or a ring with no pinned chart: CG618, nothing written', async () => {
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
    await ok(a, ['promote', 'orders-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
    const before = hashTree(a);
    for (const [service, text] of [
      ['payments-api', 'the ring runs no pinned chart'],
      ['orders-api', 'orders-api does not promote its chart with its image'],
    ] as const) {
      const run = await cli(
        a,
        ['rollback', service, '--ring', 'nonprod', '--previous', '--keep-chart', '--reason', 'x', '--by', 'alice'],
        LATER,
      );
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toContain(`CG618 --keep-chart keeps the chart revision ring "nonprod" runs, but ${text}.`);
    }
    expect(hashTree(a)).toEqual(before);
  });

  test('a chart revision that would move, one for a service whose chart is not promoted, or the wrong flag: CG618, nothing written', async () => {
    const before = hashTree(a);
    for (const [args, text] of [
      [['payments-api', '--chart-revision', 'main'], 'a branch name would move'],
      [['payments-api', '--chart-version', '1.2.3'], 'received --chart-version'],
      [['orders-api', '--chart-revision', CHART_1], 'does not promote its chart'],
    ] as const) {
      const run = await cli(a, ['promote', ...args, '--ring', 'nonprod', '--by', 'alice']);
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toContain('CG618');
      expect(run.stderr).toContain(text);
    }
    expect(hashTree(a)).toEqual(before);
  });

  test('turning promoted on for a published platform moves no Application to another ApplicationSet and deletes none', async () => {
    // GIVEN a platform published before payments-api promoted its chart
    const before = path.join(workDir, 'shop-before.js');
    fs.writeFileSync(before, PROGRAM.replace('promoted: true', 'promoted: false'));
    const old = Sandbox.create();
    try {
      const dir = old.clone('platform');
      const publish = await cli(dir, [
        'publish',
        '--by',
        'platform-team',
        '--app',
        `${JSON.stringify(process.execPath)} ${JSON.stringify(before)}`,
      ]);
      expect(publish.code).toBe(0);
      expect(fs.existsSync(path.join(dir, RELEASE('prod', 'eu-01')))).toBe(false);
      const setsBefore = fs.readdirSync(path.join(dir, 'applicationsets', 'prod')).sort();

      // WHEN the program turns it on
      const plan = await cli(dir, ['plan', '--format', 'json']);
      expect(plan.code).toBe(2);
      const changes = JSON.parse(plan.stdout);
      expect(changes.applications.filter((x: any) => x.change !== 'update')).toEqual([]);
      expect(changes.files.filter((f: any) => f.change === 'delete')).toEqual([]);
      await ok(dir, ['publish', '--by', 'platform-team']);

      // THEN every Application stays in its ApplicationSet, reading the same revision as before
      expect(fs.readdirSync(path.join(dir, 'applicationsets', 'prod')).sort()).toEqual(setsBefore);
      expect(revisionIn(dir, RELEASE('prod', 'eu-01'))).toBe('main');
      expect(Object.values(await previewRevisions(dir))).toEqual(expect.arrayContaining(['main']));
      expect(new Set(Object.values(await previewRevisions(dir)))).toEqual(new Set(['main']));
    } finally {
      old.cleanup();
    }
  });

  test('turning promoted off keeps the release files until the ApplicationSets that read them are published, so no Application is deleted in between', async () => {
    // GIVEN a published platform whose sets read release files, nonprod on a chart revision
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--chart-revision', CHART_1, '--by', 'alice', '--publish']);
    const off = path.join(workDir, 'shop-off.js');
    fs.writeFileSync(off, PROGRAM.replace('promoted: true', 'promoted: false'));
    const offApp = ['--app', `${JSON.stringify(process.execPath)} ${JSON.stringify(off)}`];
    // WHEN the program stops promoting its chart
    const plan = await cli(a, ['plan', '--format', 'json', ...offApp]);
    expect(plan.code).toBe(2);
    const changes = JSON.parse(plan.stdout);
    expect(changes.applications.filter((x: any) => x.change === 'delete')).toEqual([]);
    // THEN the first write switches the sets back to directories and keeps every release file
    await ok(a, ['publish', '--by', 'platform-team', ...offApp]);
    expect(fs.readFileSync(path.join(a, 'applicationsets/prod/workloads-prod.yaml'), 'utf8')).not.toContain('release.yaml');
    expect(revisionIn(a, RELEASE('prod', 'eu-01'))).toBe('main');
    // AND the next write, with those sets published, removes the files and deletes no Application
    const second = await cli(a, ['plan', '--format', 'json', ...offApp]);
    expect(second.code).toBe(2);
    const removed = JSON.parse(second.stdout);
    expect(removed.applications).toEqual([]);
    expect(removed.files.map((f: any) => [f.path, f.change])).toContainEqual([RELEASE('prod', 'eu-01'), 'delete']);
    await ok(a, ['publish', '--by', 'platform-team', ...offApp]);
    expect(fs.existsSync(path.join(a, RELEASE('prod', 'eu-01')))).toBe(false);
    expect(new Set(Object.values(await previewRevisions(a)))).toEqual(new Set(['main']));
    // AND turned on again, plan says that rings with a recorded chart revision go back to it
    const on = await cli(a, ['plan']);
    expect(on.code).toBe(2);
    expect(on.stderr).toContain(
      `Note: payments-api's release files are written again, and its ring "nonprod" (111111111111) goes back to the chart revision its release records`,
    );
  });

  test('a promotion before the sets that stop reading release files are published keeps those files too', async () => {
    // GIVEN a published platform whose sets read release files, and the program no longer
    // promoting the chart synthesized but not yet published: HEAD's sets still read the files
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--chart-revision', CHART_1, '--by', 'alice', '--publish']);
    const off = path.join(workDir, 'shop-off.js');
    fs.writeFileSync(off, PROGRAM.replace('promoted: true', 'promoted: false'));
    const offApp = ['--app', `${JSON.stringify(process.execPath)} ${JSON.stringify(off)}`];
    await ok(a, ['synth', ...offApp]);
    const files = [RELEASE('nonprod', 'eu-01'), RELEASE('prod', 'eu-01'), RELEASE('prod', 'eu-02')];
    expect(files.filter((f) => fs.existsSync(path.join(a, f)))).toEqual(files);
    // WHEN payments-api is promoted into nonprod, with the program and then without it
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', ...offApp]);
    const without = await runCli(['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'alice', '--no-program'], {
      out: a,
      now: T0,
    });
    expect({ code: without.code, stderr: without.stderr }).toEqual({ code: 0, stderr: '' });
    // THEN every release file is still there for the sets Argo CD runs until the new ones are applied
    expect(files.filter((f) => fs.existsSync(path.join(a, f)))).toEqual(files);
    expect(await previewRevisions(a)).toMatchObject({ 'payments-api-prod-aws-eu-01': 'main' });
  });

  test('a release file replaced by a symbolic link is refused (CG408) by plan and synth; what it points to is not read or written', async () => {
    const outside = path.join(workDir, 'outside.yaml');
    fs.writeFileSync(outside, 'chart:\n  revision: "x"\n');
    fs.rmSync(path.join(a, RELEASE('prod', 'eu-01')));
    fs.symlinkSync(outside, path.join(a, RELEASE('prod', 'eu-01')));
    for (const command of ['plan', 'synth']) {
      const run = await cli(a, [command]);
      expect([command, run.code]).toEqual([command, 1]);
      expect(run.stderr).toContain(`CG408 ${RELEASE('prod', 'eu-01')} is a symbolic link`);
    }
    expect(fs.readFileSync(outside, 'utf8')).toBe('chart:\n  revision: "x"\n');
    expect(fs.lstatSync(path.join(a, RELEASE('prod', 'eu-01'))).isSymbolicLink()).toBe(true);
  });

  test('a hand edit of a release file is drift: plan lists it and exits 2, synth refuses to replace it, synth --verify puts it back', async () => {
    fs.writeFileSync(path.join(a, RELEASE('prod', 'eu-01')), `chart:\n  revision: "${CHART_1}"\n`);
    const plan = await cli(a, ['plan']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(RELEASE('prod', 'eu-01'));
    const synth = await cli(a, ['synth']);
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(`CG409 "${RELEASE('prod', 'eu-01')}" was changed by hand`);
    const verify = await cli(a, ['synth', '--verify']);
    expect(verify.code).toBe(0);
    expect(verify.stderr).toContain(`Put back 1 owned file edited by hand since cdk8s-gitops wrote it:\n    ${RELEASE('prod', 'eu-01')}`);
    expect(revisionIn(a, RELEASE('prod', 'eu-01'))).toBe('main');
  });
});
