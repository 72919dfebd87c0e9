import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { Sandbox } from '../git/sandbox';
import { CliRun, runCli } from '../support/cli';

/**
 * The built CLI, run as CI runs it: a child process in the project root, writing into a clone
 * of a bare repository. Run `npm run build` first; the CLI and the test program both use lib/.
 */
const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const SEED = digest('0');
const A = digest('a');
const B = digest('b');

/**
 * Two services on a small platform with the rings of the example: nonprod (two clusters) →
 * prod-canary (one prod cluster) → prod (the other prod cluster; soak 1h, approval). Plain
 * JavaScript on the built SDK, so each run of the program costs a Node start, not a compile.
 */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(nonprod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });

new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
new PromotionRing(platform, 'prod', {
  targets: Targets.environment(prod).except(Targets.cluster(canary)),
  gates: [Gate.soak(Duration.hours(1)), Gate.approval()],
});

for (const name of ['payments-api', 'orders-api']) {
  const service = new Service(platform, name, {
    image: { repository: 'registry.example.com/shop/' + name },
    initialDigest: ${JSON.stringify(SEED)},
  });
  service.deployTo(nonprod);
  service.deployTo(prod);
}
platform.synth();
`;

/** Values files per service and ring. */
function valuesFiles(service: string, ring: 'nonprod' | 'prod-canary' | 'prod'): string[] {
  const clusters = { nonprod: ['nonprod/aws/eu-01', 'nonprod/aws/eu-02'], 'prod-canary': ['prod/aws/eu-01'], prod: ['prod/aws/eu-02'] }[
    ring
  ];
  return clusters.map((c) => `environments/${c}/${service}/values.yaml`);
}

/** What a promotion of payments-api changes of the manifest: its shard, never the manifest itself. */
const MANIFEST = '.cdk8s-gitops/services/payments-api.json';

describe('promotion through the CLI against a bare remote', () => {
  let workDir: string;
  let app: string;
  /** A remote that holds the published platform; each test starts from a copy of it. */
  let template: Sandbox;
  let sandbox: Sandbox;
  let a: string;
  let b: string;

  /** Runs the CLI in the project root, writing into `out`, at time `now`. */
  function cdk8sGitops(out: string, args: readonly string[], now = T0, extraEnv: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out, now, app, env: extraEnv });
  }

  /** Runs the CLI and expects it to succeed; returns its output. */
  async function ok(out: string, args: readonly string[], now = T0, extraEnv: Record<string, string> = {}): Promise<string> {
    const run = await cdk8sGitops(out, args, now, extraEnv);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  function ledger(dir: string, service: string): any {
    return parseYaml(fs.readFileSync(path.join(dir, 'releases', `${service}.yaml`), 'utf8'));
  }

  function deployed(dir: string, file: string): string {
    return parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')).image.digest;
  }

  /**
   * The trailers of a commit as git reads them (and `history` with it), as `Key: value` lines;
   * the program commit, which depends on this checkout, left out.
   */
  function trailers(dir: string, ref = 'HEAD'): string[] {
    return sandbox
      .git(dir, 'log', '-1', '--format=%(trailers:only,unfold)', ref)
      .split('\n')
      .filter((t) => t !== '' && !t.startsWith('Cdk8s-Gitops-Program-Commit:'));
  }

  function changedIn(dir: string, ref = 'HEAD'): string[] {
    return sandbox.git(dir, 'show', '--name-only', '--format=', ref).split('\n').sort();
  }

  /**
   * Holds every push in the remote's pre-receive hook until two pushes have arrived, so two
   * racing workspaces both push on the same remote tip and one of them must retry. The loser
   * waits for the winner's ref lock rather than fail on it, so it is rejected only once the
   * winner's commit is on the remote.
   */
  function holdPushesUntilTwoArrive(): void {
    sandbox.git(sandbox.remote, 'config', 'core.filesRefLockTimeout', '10000');
    const hook = path.join(sandbox.remote, 'hooks', 'pre-receive');
    fs.writeFileSync(
      hook,
      [
        '#!/bin/sh',
        'touch "arrived.$$"',
        'n=0',
        'while [ "$(ls arrived.* | wc -l)" -lt 2 ] && [ "$n" -lt 600 ]; do sleep 0.05; n=$((n + 1)); done',
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  }

  beforeAll(async () => {
    assertBuilt();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-cli-'));
    const program = path.join(workDir, 'shop.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
    template = Sandbox.create();
    // Made before the tests' clock: a commit dated after the later ones would set their times forward
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
    b = sandbox.clone('ci-b');
  });

  afterEach(() => sandbox.cleanup());

  describe('release rules', () => {
    test('the first ring takes any digest, and only its values files and the ledger change', async () => {
      // WHEN
      const out = await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);

      // THEN
      expect(out.split('\n')).toEqual([
        'promote payments-api sha256:aaaaaaaa to nonprod (by alice)',
        '[~] STATUS.md',
        ...valuesFiles('payments-api', 'nonprod').map((f) => `[~] ${f}`),
        '[~] releases/payments-api.yaml',
        'Applications: payments-api-nonprod-aws-eu-01, payments-api-nonprod-aws-eu-02',
        '',
      ]);
      expect(sandbox.status(a)).toEqual(
        [MANIFEST, 'STATUS.md', ...valuesFiles('payments-api', 'nonprod'), 'releases/payments-api.yaml'].map((f) => ` M ${f}`),
      );
      expect(valuesFiles('payments-api', 'nonprod').map((f) => deployed(a, f))).toEqual([A, A]);
      expect(ledger(a, 'payments-api').rings.nonprod).toEqual({
        digest: A,
        since: T0,
        by: 'alice',
        from: null,
        approvedBy: null,
        hold: null,
        previous: [{ digest: SEED, since: '1970-01-01T00:00:00Z', by: 'initial' }],
      });
    });

    test('fails when a later ring is given a digest the ring before does not run', async () => {
      // WHEN
      const run = await cdk8sGitops(a, ['promote', 'payments-api', '--ring', 'prod-canary', '--digest', A]);

      // THEN
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'Error: CG601 Ring "prod-canary" takes only the digest running in "nonprod" (sha256:00000000); received sha256:aaaaaaaa. ' +
          'Fix: Promote sha256:aaaaaaaa into "nonprod" first, or use --from nonprod.\n',
      );
      expect(sandbox.status(a)).toEqual([]);
    });

    test('fails when --from names a ring other than the one before', async () => {
      // WHEN
      const run = await cdk8sGitops(a, ['promote', 'payments-api', '--ring', 'prod', '--from', 'nonprod', '--approved-by', 'bob']);

      // THEN
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'Error: CG601 Ring "prod" takes digests only from "prod-canary", the ring right before it; received --from nonprod. ' +
          'Fix: Use --from prod-canary, once the digest has reached "prod-canary".\n',
      );
    });

    test('prod takes the canary digest only after its soak time and with an approver', async () => {
      // GIVEN the digest reached prod-canary at T0: the commit that recorded it there was made then
      await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
      await ok(a, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish'], T0, {
        GIT_COMMITTER_DATE: T0,
      });
      const toProd = ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice'];

      // WHEN
      const early = await cdk8sGitops(a, [...toProd, '--approved-by', 'bob'], '2026-11-22T10:59:59Z');
      const unapproved = await cdk8sGitops(a, toProd, '2026-11-22T11:00:00Z');
      const out = await ok(a, [...toProd, '--approved-by', 'bob', '--publish'], '2026-11-22T11:00:00Z');

      // THEN
      expect(early.code).toBe(1);
      expect(early.stderr).toBe(
        'Error: CG602 Ring "prod" takes sha256:aaaaaaaa only after it has run 1h in "prod-canary"; it has run there 59m 59s ' +
          '(since 2026-11-22T10:00:00Z, the commit that recorded it), 1s remain. Fix: Promote at or after 2026-11-22T11:00:00Z.\n',
      );
      expect(unapproved.code).toBe(1);
      expect(unapproved.stderr).toBe(
        'Error: CG604 Ring "prod" requires the promotion to name who approved it; no approver was given. ' +
          'Fix: Pass --approved-by <name> of who approved promoting sha256:aaaaaaaa into "prod".\n',
      );
      expect(out).toMatch(/^promote payments-api sha256:aaaaaaaa to prod from prod-canary \(by alice, approved by bob\)\n/);
      expect(valuesFiles('payments-api', 'prod').map((f) => deployed(a, f))).toEqual([A]);
      expect(ledger(a, 'payments-api').rings.prod).toMatchObject({
        digest: A,
        since: '2026-11-22T11:00:00Z',
        from: 'prod-canary',
        approvedBy: 'bob',
      });
      expect(trailers(sandbox.remote, 'main')).toEqual(
        expect.arrayContaining([
          'Cdk8s-Gitops-Ring: prod',
          `Cdk8s-Gitops-Digest: ${A}`,
          'Cdk8s-Gitops-Promoted-By: alice',
          'Cdk8s-Gitops-Approved-By: bob',
        ]),
      );
    });

    test('a rollback holds the ring: promotions fail until unhold lifts it', async () => {
      // GIVEN
      await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
      await ok(
        a,
        ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'error rate up', '--by', 'carol', '--publish'],
        '2026-11-22T10:05:00Z',
      );
      const remoteTip = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      // WHEN
      const held = await cdk8sGitops(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--publish']);

      // THEN
      expect(held.code).toBe(1);
      expect(held.stderr).toBe(
        'Error: CG603 Ring "nonprod" is held since 2026-11-22T10:05:00Z by carol: "error rate up". ' +
          'Fix: Run `cdk8s-gitops unhold payments-api --ring nonprod` once the incident is over.\n',
      );
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteTip);
      expect(sandbox.status(a)).toEqual([]);
      expect(ledger(a, 'payments-api').rings.nonprod).toMatchObject({
        digest: SEED,
        hold: { reason: 'error rate up', since: '2026-11-22T10:05:00Z', by: 'carol' },
      });
      expect(valuesFiles('payments-api', 'nonprod').map((f) => deployed(a, f))).toEqual([SEED, SEED]);

      // WHEN the hold is lifted
      await ok(a, ['unhold', 'payments-api', '--ring', 'nonprod', '--by', 'carol', '--publish']);
      await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'alice', '--publish']);

      // THEN
      const nonprod = ledger(sandbox.clone('check'), 'payments-api').rings.nonprod;
      expect(nonprod).toMatchObject({ digest: B, hold: null });
      expect(nonprod.previous.map((p: any) => p.digest)).toEqual([SEED, A]);
      expect(trailers(sandbox.remote, 'main~1')).toEqual([
        'Cdk8s-Gitops-Operation: unhold',
        'Cdk8s-Gitops-Service: payments-api',
        'Cdk8s-Gitops-Ring: nonprod',
        'Cdk8s-Gitops-Promoted-By: carol',
      ]);
      expect(trailers(sandbox.remote, 'main~2')).toEqual([
        'Cdk8s-Gitops-Operation: rollback',
        'Cdk8s-Gitops-Service: payments-api',
        'Cdk8s-Gitops-Ring: nonprod',
        `Cdk8s-Gitops-Digest: ${SEED}`,
        'Cdk8s-Gitops-Promoted-By: carol',
      ]);
    });
  });

  describe('publishing', () => {
    test('--publish commits exactly the changed files with trailers and pushes them to main', async () => {
      // WHEN
      const out = await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);

      // THEN
      const head = sandbox.git(a, 'rev-parse', 'HEAD');
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(head);
      expect(out).toMatch(new RegExp(`\nPushed ${head.slice(0, 12)} to main\\.\n$`));
      expect(changedIn(a)).toEqual([MANIFEST, 'STATUS.md', ...valuesFiles('payments-api', 'nonprod'), 'releases/payments-api.yaml']);
      expect(sandbox.git(a, 'log', '-1', '--format=%s')).toBe('promote payments-api sha256:aaaaaaaa to nonprod (by alice)');
      expect(trailers(a)).toEqual([
        'Cdk8s-Gitops-Operation: promote',
        'Cdk8s-Gitops-Service: payments-api',
        'Cdk8s-Gitops-Ring: nonprod',
        `Cdk8s-Gitops-Digest: ${A}`,
        'Cdk8s-Gitops-Promoted-By: alice',
      ]);
      expect(sandbox.git(a, 'log', '-1', '--format=%B')).toMatch(
        /\n\nCdk8s-Gitops-Operation: promote\nCdk8s-Gitops-Service: payments-api\n/,
      );
      expect(sandbox.status(a)).toEqual([]);
    });

    test('--publish --branch pushes promote/<service>/<ring>/<short digest> and leaves main alone', async () => {
      // GIVEN
      const main = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      // WHEN
      const out = await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish', '--branch']);

      // THEN
      const branch = 'promote/payments-api/nonprod/aaaaaaaa';
      expect(out).toMatch(new RegExp(`\nPushed [0-9a-f]{12} to ${branch}\\.\n$`));
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(main);
      expect(sandbox.git(sandbox.remote, 'rev-parse', `${branch}~1`)).toBe(main);
      expect(parseYaml(sandbox.remoteFile('releases/payments-api.yaml', branch)).rings.nonprod.digest).toBe(A);
      expect(trailers(sandbox.remote, branch)).toEqual(
        expect.arrayContaining([`Cdk8s-Gitops-Digest: ${A}`, 'Cdk8s-Gitops-Promoted-By: alice']),
      );
    });

    test('publish commits the change a plain promote left in the checkout as that promote, by whom made it', async () => {
      // GIVEN
      await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);

      // WHEN bob publishes
      const out = await ok(a, ['publish', '--by', 'bob']);

      // THEN the commit is alice's promote, not bob's synth
      const files = [MANIFEST, 'STATUS.md', ...valuesFiles('payments-api', 'nonprod'), 'releases/payments-api.yaml'];
      expect(out).toMatch(
        new RegExp(
          `^${files.map((f) => `\\[~\\] ${f}\n`).join('')}Pushed [0-9a-f]{12} to main: 5 files, 0 created, 5 updated, 0 deleted\\.\n$`,
        ),
      );
      expect(changedIn(sandbox.remote, 'main')).toEqual(files);
      expect(parseYaml(sandbox.remoteFile('releases/payments-api.yaml')).rings.nonprod.digest).toBe(A);
      expect(sandbox.git(sandbox.remote, 'log', '-1', '--format=%s', 'main')).toBe(
        'promote payments-api sha256:aaaaaaaa to nonprod (by alice)',
      );
      expect(trailers(sandbox.remote, 'main')).toEqual([
        'Cdk8s-Gitops-Operation: promote',
        'Cdk8s-Gitops-Service: payments-api',
        'Cdk8s-Gitops-Ring: nonprod',
        `Cdk8s-Gitops-Digest: ${A}`,
        'Cdk8s-Gitops-Promoted-By: alice',
      ]);
      expect(sandbox.status(a)).toEqual([]);
    });
    test("publish --message names the program's own commit only: a pending promote keeps its own subject", async () => {
      // GIVEN
      await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
      const before = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      // WHEN
      await ok(a, ['publish', '--by', 'alice', '--message', 'Release payments-api to nonprod']);

      // THEN one commit, the promote's; the program changed nothing else, so there is no commit to name
      expect(sandbox.git(sandbox.remote, 'log', '--format=%s', `${before}..main`)).toBe(
        'promote payments-api sha256:aaaaaaaa to nonprod (by alice)',
      );
      expect(changedIn(sandbox.remote, 'main')).toEqual([
        MANIFEST,
        'STATUS.md',
        ...valuesFiles('payments-api', 'nonprod'),
        'releases/payments-api.yaml',
      ]);
      expect(valuesFiles('payments-api', 'nonprod').map((f) => parseYaml(sandbox.remoteFile(f)).image.digest)).toEqual([A, A]);
      expect(sandbox.status(a)).toEqual([]);
    });
  });

  describe('concurrent workspaces', () => {
    test('two services promoted at once from two workspaces both land', async () => {
      // GIVEN
      holdPushesUntilTwoArrive();
      const before = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      // WHEN
      const [ra, rb] = await Promise.all([
        cdk8sGitops(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']),
        cdk8sGitops(b, ['promote', 'orders-api', '--ring', 'nonprod', '--digest', B, '--by', 'bob', '--publish']),
      ]);

      // THEN
      expect([ra.code, ra.stderr, rb.code, rb.stderr]).toEqual([0, '', 0, '']);
      expect([ra.stdout, rb.stdout].filter((o) => / after 2 attempts\.\n$/.test(o))).toHaveLength(1);
      expect(sandbox.git(sandbox.remote, 'rev-list', '--count', `${before}..main`)).toBe('2');
      const fresh = sandbox.clone('check');
      expect(ledger(fresh, 'payments-api').rings.nonprod.digest).toBe(A);
      expect(ledger(fresh, 'orders-api').rings.nonprod.digest).toBe(B);
      expect(valuesFiles('payments-api', 'nonprod').map((f) => deployed(fresh, f))).toEqual([A, A]);
      expect(valuesFiles('orders-api', 'nonprod').map((f) => deployed(fresh, f))).toEqual([B, B]);
      expect(await ok(fresh, ['synth'])).toMatch(/^No changes in .*: \d+ files up to date\.\n$/);
    });

    test('one ring promoted at once with two digests ends in one consistent ledger and tree', async () => {
      // GIVEN
      holdPushesUntilTwoArrive();

      // WHEN
      const [ra, rb] = await Promise.all([
        cdk8sGitops(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']),
        cdk8sGitops(b, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'bob', '--publish']),
      ]);

      // THEN
      expect([ra.code, ra.stderr, rb.code, rb.stderr]).toEqual([0, '', 0, '']);
      const fresh = sandbox.clone('check');
      const nonprod = ledger(fresh, 'payments-api').rings.nonprod;
      const last = / after 2 attempts\.\n$/.test(ra.stdout) ? A : B;
      const first = last === A ? B : A;
      expect(nonprod.digest).toBe(last);
      expect(nonprod.previous.map((p: any) => p.digest)).toEqual([first, SEED]);
      expect(valuesFiles('payments-api', 'nonprod').map((f) => deployed(fresh, f))).toEqual([last, last]);
      expect(await ok(fresh, ['synth'])).toMatch(/^No changes in .*: \d+ files up to date\.\n$/);
      expect(sandbox.status(fresh)).toEqual([]);
    });
  });

  describe('history', () => {
    test('lists published changes with ring, digest, who and commit; --ring filters', async () => {
      // GIVEN
      await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
      await ok(a, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'bob', '--publish']);
      const sha = (ref: string): string => sandbox.git(sandbox.remote, 'rev-parse', '--short=10', ref);

      // WHEN
      const all = await ok(a, ['history', 'payments-api']);
      const canary = await ok(a, ['history', 'payments-api', '--ring', 'prod-canary']);

      // THEN
      const row = (operation: string, ring: string, dig: string, by: string, ref: string): RegExp =>
        new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${operation} +${ring} +${dig} +${by} +${sha(ref)}  `);
      const lines = (text: string): string[] => text.trimEnd().split('\n');
      expect(lines(all)[0]).toMatch(/^DATE +OPERATION +RING +DIGEST +BY +APPROVED +COMMIT +SUBJECT$/);
      expect(lines(all).slice(1)).toEqual([
        expect.stringMatching(row('promote', 'prod-canary', 'sha256:aaaaaaaa', 'bob', 'main')),
        expect.stringMatching(row('promote', 'nonprod', 'sha256:aaaaaaaa', 'alice', 'main~1')),
        expect.stringMatching(row('synth', 'nonprod,prod-canary,prod', 'sha256:00000000', 'platform-team', 'main~2')),
      ]);
      expect(lines(canary).slice(1)).toEqual([
        expect.stringMatching(row('promote', 'prod-canary', 'sha256:aaaaaaaa', 'bob', 'main')),
        expect.stringMatching(row('synth', 'nonprod,prod-canary,prod', 'sha256:00000000', 'platform-team', 'main~2')),
      ]);
    });
  });
});

/** The CLI and the program run from lib/: fails when it is missing or older than src/. */
function assertBuilt(): void {
  const built = path.join(ROOT, 'lib', 'index.js');
  const newest = (dir: string): number =>
    Math.max(
      ...fs
        .readdirSync(dir, { withFileTypes: true })
        .map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)),
    );
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newest(path.join(ROOT, 'src'))) {
    throw new Error('lib/ is missing or older than src/: run `npm run build` first (or `npm test`), since these tests run the built CLI.');
  }
}

function digest(hex: string): string {
  return `sha256:${hex.repeat(64)}`;
}
