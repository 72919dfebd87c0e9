/**
 * Release commands in a clone of the GitOps repository without the platform program, through
 * the built CLI against bare remotes: each writes the same bytes (the checkout, and the commits
 * it pushes) as the same command run with the program in a clone of a copy of the same remote;
 * a tree written by another major version, a hand-edited release model and a service the tree
 * has no model of are refused with nothing written; a ring move made by the program reaches a
 * promotion without it after the next synth.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { hashTree } from '../support/hash-tree';
import { recordInManifest } from '../support/manifest';
import { contentHash } from '../../src/synth/file-tree';
import { serializeManifest } from '../../src/synth/manifest';
import { readManifest } from '../../src/workspace/checkout/manifest-io';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'cdk8s-gitops.js');

const T0 = '2026-11-22T10:00:00Z';
const LATER = '2026-11-22T12:00:00Z';
const LATEST = '2026-11-22T13:00:00Z';
const SEED = `sha256:${'0'.repeat(64)}`;
const W0 = `sha256:${'1'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const W = `sha256:${'b'.repeat(64)}`;
const CHART_1 = '1111111111111111111111111111111111111111';

/**
 * payments-api promotes its chart (in Git) with the image; orders has named images; inventory
 * one image. MOVED=1 moves prod/eu-02 from ring prod into ring nonprod.
 */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const kplus = require(${JSON.stringify(require.resolve('cdk8s-plus-28'))});

const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod'), requireDigest: true });
const aws = new Cloud(platform, 'aws');
const n1 = new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
const p2 = new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
const moved = process.env.MOVED === '1';
new PromotionRing(platform, 'nonprod', { targets: moved ? Targets.cluster(n1, p2) : Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', {
  targets: moved ? Targets.environment(prod).except(Targets.cluster(p2)) : Targets.environment(prod),
  gates: [Gate.soak(Duration.hours(1))],
});

new Service(platform, 'payments-api', {
  image: { repository: 'registry.example.com/shop/payments-api' },
  initialDigest: ${JSON.stringify(SEED)},
  workload: Workload.helmChart({ promoted: process.env.UNPROMOTED !== '1' }),
}).deployTo(nonprod).deployTo(prod);
new Service(platform, 'orders', {
  images: {
    api: { repository: 'registry.example.com/shop/orders-api', initialDigest: ${JSON.stringify(SEED)} },
    worker: { repository: 'registry.example.com/shop/orders-worker', initialDigest: ${JSON.stringify(W0)} },
  },
}).deployTo(nonprod).deployTo(prod);
new Service(platform, 'inventory', {
  image: { repository: 'registry.example.com/shop/inventory' },
  initialDigest: ${JSON.stringify(SEED)},
}).deployTo(nonprod).deployTo(prod);
// rendered with cdk8s-plus-28: its objects, not a values file, carry the digest
new Service(platform, 'web', {
  image: { repository: 'registry.example.com/shop/web' },
  initialDigest: ${JSON.stringify(SEED)},
  values: { replicas: 2 },
  workload: Workload.render((ctx) => {
    new kplus.Deployment(ctx.scope, ctx.service, {
      replicas: ctx.values.replicas,
      containers: [{ name: 'web', image: ctx.image, portNumber: 8080, securityContext: { user: 10001, group: 10001 } }],
    });
  }),
}).deployTo(nonprod).deployTo(prod);
platform.synth();
`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const MODEL = '.cdk8s-gitops/model';

describe('release commands without the program', () => {
  let workDir: string;
  let empty: string;
  let app: string;
  let template: Sandbox;
  let withProgram: Sandbox;
  let without: Sandbox;
  let p: string;
  let n: string;

  /** Runs the CLI; `app` undefined runs it without the program, in a directory with no cdk8s.yaml. */
  function cli(
    out: string,
    args: readonly string[],
    now: string,
    program: string | undefined,
    extra: NodeJS.ProcessEnv = {},
  ): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_GITOPS_NOW: now, NO_COLOR: '1' };
    for (const key of Object.keys(env)) {
      if (key.startsWith('GIT_') || key.startsWith('CDK8S_GITOPS_') || ['GITLAB_USER_LOGIN', 'GITHUB_ACTOR', 'CI'].includes(key))
        delete env[key];
    }
    env.CDK8S_GITOPS_NOW = now;
    // The commit recorded as Program-Commit: CI's, with or without the program.
    env.CI_COMMIT_SHA = 'c'.repeat(40);
    Object.assign(env, extra);
    const flags = program === undefined ? [] : ['--app', program];
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args, '--out', out, ...flags],
        { cwd: program === undefined ? empty : ROOT, env, encoding: 'utf8' },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  }

  async function ok(
    out: string,
    args: readonly string[],
    now: string,
    program: string | undefined,
    extra: NodeJS.ProcessEnv = {},
  ): Promise<string> {
    const run = await cli(out, args, now, program, extra);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

  /** The checkout's files but its Git directory, and the remote's commits (tree, subject, body) on main. */
  function state(sandbox: Sandbox, clone: string): { files: Record<string, string>; remote: string } {
    return { files: hashTree(clone, ['.git']), remote: git(sandbox.remote, 'log', '--format=%T %an %ad%n%B', 'main') };
  }

  /**
   * Runs `args` with the program in `p` and without it in `n`; both must succeed and leave the
   * same bytes, and print the same output (but for publish's report of the program's synth,
   * which does not run without the program).
   */
  async function same(args: readonly string[], now = T0): Promise<string> {
    const a = await ok(p, args, now, app);
    const b = await ok(n, args, now, undefined);
    const report = (out: string): unknown =>
      args[0] !== 'publish' ? out : args.includes('json') ? { ...JSON.parse(out), synth: undefined } : out.replace(/; synth: [^)]*/, '');
    expect(report(b)).toEqual(report(a));
    expect(state(without, n)).toEqual(state(withProgram, p));
    return b;
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-noprog-'));
    empty = path.join(workDir, 'ci');
    fs.mkdirSync(empty);
    const program = path.join(workDir, 'shop.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
    template = Sandbox.create();
    await ok(template.clone('platform'), ['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z', app);
  });

  afterAll(() => {
    template?.cleanup();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    withProgram = Sandbox.create();
    without = Sandbox.create();
    for (const s of [withProgram, without]) s.git(template.remote, 'push', '--quiet', '--force', s.remote, 'main');
    p = withProgram.clone('ci');
    n = without.clone('ci');
  });

  afterEach(() => {
    withProgram.cleanup();
    without.cleanup();
  });

  test('synth writes the release model: platform.json and one file per service, recorded in the manifest', () => {
    const files = fs.readdirSync(path.join(n, MODEL, 'services')).sort();
    expect(files).toEqual(['inventory.json', 'orders.json', 'payments-api.json', 'web.json']);
    const platform = JSON.parse(fs.readFileSync(path.join(n, MODEL, 'platform.json'), 'utf8'));
    expect(platform).toMatchObject({ format: 1, services: ['payments-api', 'orders', 'inventory', 'web'] });
    expect(platform.model.rings.map((r: any) => r.name)).toEqual(['nonprod', 'prod']);
    expect(platform.model.rings[0].targets).toBeUndefined();
    const manifest = readManifest(n);
    expect(manifest.files.get(`${MODEL}/platform.json`)?.sha256).toBe(
      contentHash(fs.readFileSync(path.join(n, MODEL, 'platform.json'), 'utf8')),
    );
    // In the manifest itself, which the platform's owners approve, not in the service's shard, which its team's may.
    expect(manifest.files.get(`${MODEL}/services/orders.json`)?.service).toBeUndefined();
  });

  test('promote, publish, rollback, unhold, status and history write and print the same bytes as with the program', async () => {
    // a promotion with a chart revision, kept pending, then published
    await same(['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--chart-revision', CHART_1, '--by', 'ci-bot']);
    await same(['publish', '--by', 'ci-bot']);
    // (time moves forward only: a commit is never dated before its parent)
    // named images; a service with one image
    await same([
      'promote',
      'orders',
      '--ring',
      'nonprod',
      '--digest',
      `api=${A}`,
      '--digest',
      `worker=${W}`,
      '--by',
      'ci-bot',
      '--publish',
    ]);
    await same(['promote', 'inventory', '--ring', 'nonprod', '--digest', A, '--by', 'ci-bot', '--publish']);
    // a rendered service: the digest goes into its objects
    await same(['promote', 'web', '--ring', 'nonprod', '--digest', A, '--by', 'ci-bot', '--publish']);
    // --from into a ring with a soak, published at once
    await same(['promote', 'payments-api', '--ring', 'prod', '--from', 'nonprod', '--by', 'ci-bot', '--publish'], LATER);
    await same(['promote', 'web', '--ring', 'prod', '--from', 'nonprod', '--by', 'ci-bot', '--publish'], LATER);
    expect(fs.readFileSync(path.join(n, 'environments/prod/aws/eu-02/web/deployment-web.yaml'), 'utf8')).toContain(
      `registry.example.com/shop/web@${A}`,
    );
    await same(['promote', 'inventory', '--ring', 'prod', '--from', 'nonprod', '--by', 'ci-bot', '--format', 'json'], LATER);
    await same(['publish', '--by', 'ci-bot', '--format', 'json'], LATER);
    // a rollback holds the ring; unhold lifts it
    await same(
      [
        'rollback',
        'payments-api',
        '--ring',
        'prod',
        '--previous',
        '--keep-chart',
        '--reason',
        'p99 latency',
        '--by',
        'oncall',
        '--publish',
      ],
      LATEST,
    );
    await same(['unhold', 'payments-api', '--ring', 'prod', '--by', 'oncall', '--publish'], LATEST);
    // reading
    expect(await same(['status'], LATEST)).toContain('payments-api');
    await same(['status', '--targets', '--format', 'json'], LATEST);
    expect(await same(['history', 'payments-api'], LATEST)).toContain('rollback');
    await same(['history', 'orders', '--ring', 'nonprod', '--format', 'json'], LATEST);
    // the STATUS.md spliced without the program is the page made from every service
    expect(fs.readFileSync(path.join(n, 'STATUS.md'), 'utf8')).toContain('## inventory');
  }, 240_000); // some thirty commands, each run twice

  test('publish without the program and nothing pending says so and writes nothing', async () => {
    const before = state(without, n);
    expect(await ok(n, ['publish'], T0, undefined)).toMatch(/^Nothing to publish: no pending operation/);
    expect(state(without, n)).toEqual(before);
  });

  test('--no-program reads the release model although --app is not given but cdk8s.yaml names a program', async () => {
    fs.writeFileSync(path.join(empty, 'cdk8s.yaml'), `app: ${app}\n`);
    try {
      const run = await cli(
        n,
        ['promote', 'inventory', '--ring', 'nonprod', '--digest', A, '--by', 'ci-bot', '--no-program'],
        T0,
        undefined,
      );
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const both = await cli(n, ['status', '--no-program'], T0, app);
      expect(both.stderr).toContain('takes --app or --no-program, not both');
    } finally {
      fs.rmSync(path.join(empty, 'cdk8s.yaml'));
    }
  });

  test('after the platform starts promoting a chart and publishes, a promotion without the program publishes the promotion alone', async () => {
    // GIVEN the program stops promoting payments-api's chart (published twice: the release files go), then promotes it again
    for (const env of [{ UNPROMOTED: '1' }, { UNPROMOTED: '1' }, {}]) await ok(n, ['publish', '--by', 'platform-team'], T0, app, env);
    const before = git(without.remote, 'rev-parse', 'main');

    // WHEN an application's CI promotes without the program
    await ok(n, ['promote', 'inventory', '--ring', 'nonprod', '--digest', A, '--by', 'ci-bot', '--publish'], LATER, undefined);

    // THEN one commit is published, the promotion's: no synth of the program in the application team's name
    expect(git(without.remote, 'log', '--format=%s', `${before}..main`)).toBe('promote inventory sha256:aaaaaaaa to nonprod (by ci-bot)');
  });

  describe('refusals, with nothing written', () => {
    async function refused(args: readonly string[], code: string): Promise<string> {
      const before = hashTree(n, ['.git/index', '.git/logs', '.git/cdk8s-gitops']);
      const run = await cli(n, args, T0, undefined);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(code);
      expect(hashTree(n, ['.git/index', '.git/logs', '.git/cdk8s-gitops'])).toEqual(before);
      expect(git(n, 'status', '--porcelain')).toBe('');
      expect(git(without.remote, 'rev-parse', 'main')).toBe(git(template.remote, 'rev-parse', 'main'));
      return run.stderr;
    }

    test('fails when the tree was written by another version, naming the version to run', async () => {
      const file = `${MODEL}/platform.json`;
      const text = fs.readFileSync(path.join(n, file), 'utf8').replace(/"toolVersion": "[^"]*"/, '"toolVersion": "7.3.1"');
      fs.writeFileSync(path.join(n, file), text);
      recordInManifest(n, file, { ...readManifest(n).files.get(file)!, sha256: contentHash(text) });
      git(n, 'commit', '--quiet', '-am', 'written by 7.3.1');
      git(n, 'push', '--quiet', 'origin', 'main');
      const template0 = git(n, 'rev-parse', 'HEAD');
      const before = hashTree(n, ['.git']);
      const run = await cli(n, ['promote', 'inventory', '--ring', 'nonprod', '--digest', A, '--publish'], T0, undefined);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG317');
      expect(run.stderr).toContain('npx cdk8s-gitops@7.3.1 promote');
      expect(hashTree(n, ['.git'])).toEqual(before);
      expect(git(without.remote, 'rev-parse', 'main')).toBe(template0);
    });

    test('fails when a file of the release model was edited by hand', async () => {
      const file = path.join(n, MODEL, 'services', 'inventory.json');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"namespace": "inventory"', '"namespace": "kube-system"'));
      git(n, 'commit', '--quiet', '-am', 'edit by hand');
      git(n, 'push', '--quiet', '--force', 'origin', 'main');
      const before = hashTree(n, ['.git']);
      const run = await cli(n, ['promote', 'inventory', '--ring', 'nonprod', '--digest', A], T0, undefined);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG422');
      expect(run.stderr).toContain(`${MODEL}/services/inventory.json`);
      expect(hashTree(n, ['.git'])).toEqual(before);
      // plan with the program reports the edit, synth restores it
      const plan = await cli(n, ['plan'], T0, app);
      expect(plan.stdout).toContain(`${MODEL}/services/inventory.json`);
    });

    test("fails when a service's model file is recorded in its shard rather than the manifest, sealed as cdk8s-gitops seals it", async () => {
      // GIVEN inventory's model file recorded in inventory's shard (a file its team may approve), each file sealed
      const manifest = readManifest(n);
      const model = `${MODEL}/services/inventory.json`;
      const files = new Map([...manifest.files].map(([p, e]) => [p, p === model ? { ...e, service: 'inventory' } : e]));
      for (const [p, text] of serializeManifest({ ...manifest, files })) fs.writeFileSync(path.join(n, p), text);
      git(n, 'add', '-A');
      git(n, 'commit', '--quiet', '-m', 'records moved by hand');
      git(n, 'push', '--quiet', 'origin', 'main');
      const head = git(n, 'rev-parse', 'HEAD');
      // WHEN inventory is promoted without the program
      const before = hashTree(n, ['.git']);
      const run = await cli(n, ['promote', 'inventory', '--ring', 'nonprod', '--digest', A, '--publish'], T0, undefined);
      // THEN it is refused, naming the shard that records the file, and nothing is written
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`CG422`);
      expect(run.stderr).toContain(`${model} is recorded in .cdk8s-gitops/services/inventory.json, not in .cdk8s-gitops/manifest.json`);
      expect(hashTree(n, ['.git'])).toEqual(before);
      expect(git(without.remote, 'rev-parse', 'main')).toBe(head);
      // AND synth with the program records it in the manifest again (as where a checkout of an older build recorded it), and the promotion works
      expect((await cli(n, ['synth'], T0, app)).code).toBe(0);
      expect(readManifest(n).files.get(model)?.service).toBeUndefined();
      expect((await cli(n, ['promote', 'inventory', '--ring', 'nonprod', '--digest', A], T0, undefined)).code).toBe(0);
    });

    test('fails when a file of the manifest is not sealed, whichever it is', async () => {
      // GIVEN a shard of another service edited by hand (its seal no longer matches)
      const shard = path.join(n, '.cdk8s-gitops/services/orders.json');
      fs.writeFileSync(shard, fs.readFileSync(shard, 'utf8').replace('"service": "orders",', '"service": "orders", '));
      git(n, 'commit', '--quiet', '-am', 'edit by hand');
      // WHEN inventory is promoted without the program
      const run = await cli(n, ['promote', 'inventory', '--ring', 'nonprod', '--digest', A], T0, undefined);
      // THEN it is refused, naming that shard
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG422 .cdk8s-gitops/services/orders.json is not sealed');
      expect(git(n, 'status', '--porcelain')).toBe('');
    });

    test('fails when the service has no model file: a new service needs the program', async () => {
      const stderr = await refused(['promote', 'billing', '--ring', 'nonprod', '--digest', A, '--publish'], 'CG318');
      expect(stderr.toLowerCase()).toContain('a new service needs the program: run synth with the program first');
    });
  });

  test('a ring move the program makes reaches a promotion without it after the next synth', async () => {
    // GIVEN the program moves prod/eu-02 into ring nonprod, and its synth is published
    for (const clone of [p, n]) await ok(clone, ['publish', '--by', 'platform-team'], T0, app, { MOVED: '1' });
    const recorded = JSON.parse(fs.readFileSync(path.join(n, MODEL, 'services', 'inventory.json'), 'utf8'));
    expect(recorded.targets.find((t: any) => t.id === 'prod/aws/eu-02/inventory').ring).toBe('nonprod');
    // WHEN nonprod is promoted into without the program (and with it, in the other clone)
    const a = await ok(p, ['promote', 'inventory', '--ring', 'nonprod', '--digest', A, '--by', 'ci-bot', '--publish'], LATER, app, {
      MOVED: '1',
    });
    const b = await ok(n, ['promote', 'inventory', '--ring', 'nonprod', '--digest', A, '--by', 'ci-bot', '--publish'], LATER, undefined);
    // THEN the moved target's values file is written, the same bytes as with the program
    expect(b).toBe(a);
    expect(b).toContain('environments/prod/aws/eu-02/inventory/values.yaml');
    expect(fs.readFileSync(path.join(n, 'environments/prod/aws/eu-02/inventory/values.yaml'), 'utf8')).toContain(A);
    expect(state(without, n)).toEqual(state(withProgram, p));
  });

  test('after the program stops promoting a chart, the next promotion with --publish publishes the removal of the release files kept for it', async () => {
    // GIVEN payments-api's release is published with a chart revision, then the program stops
    // promoting the chart and its synth is published: the release files stay for the ApplicationSets
    // Argo CD has not applied yet
    const release = 'environments/prod/aws/eu-02/payments-api/release.yaml';
    await same(['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--chart-revision', CHART_1, '--by', 'ci-bot', '--publish']);
    for (const clone of [p, n]) await ok(clone, ['publish', '--by', 'platform-team'], T0, app, { UNPROMOTED: '1' });
    expect(git(without.remote, 'ls-tree', '--name-only', 'main', '--', release)).toBe(release);

    // WHEN the next promotion is published, with the program and without it
    const args = ['promote', 'inventory', '--ring', 'nonprod', '--digest', A, '--by', 'ci-bot', '--publish'];
    const a = await ok(p, args, LATER, app, { UNPROMOTED: '1' });
    const b = await ok(n, args, LATER, undefined);

    // THEN both publish the same commits: the kept release files are removed, and nothing is left uncommitted
    expect(b).toBe(a);
    expect(git(without.remote, 'ls-tree', '--name-only', 'main', '--', release)).toBe('');
    expect(git(n, 'status', '--porcelain')).toBe('');
    expect(state(without, n)).toEqual(state(withProgram, p));
  });
});
