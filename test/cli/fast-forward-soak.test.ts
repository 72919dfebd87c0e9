/**
 * A promotion proposed as a merge request (`--branch`) and merged by a fast-forward keeps the
 * commit it was made in, dated before its review. The soak of the ring it enters counts from
 * when it reached the branch: the next commit there, or not at all while none follows; a merge
 * commit, or a rebase on merge, dates the arrival itself.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'cdk8s-gitops.js');

const SEED = `sha256:${'0'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const PROPOSED = '2026-11-22T14:30:00Z';
const MERGED = '2026-11-22T15:55:00Z';
const PROMOTE = '2026-11-22T16:05:00Z';

/** Two rings: prod takes a release only after it ran an hour in canary. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
const rest = new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'canary', { targets: Targets.cluster(canary) });
new PromotionRing(platform, 'prod', { targets: Targets.cluster(rest), gates: [Gate.soak(Duration.hours(1))] });
new Service(platform, 'payments-api', {
  image: { repository: 'registry.example.com/shop/payments-api' },
  initialDigest: ${JSON.stringify(SEED)},
}).deployTo(prod);
platform.synth();
`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the soak of a promotion merged by a fast-forward', () => {
  let workDir: string;
  let app: string;
  let sandbox: Sandbox;
  let ci: string;

  function cli(args: readonly string[], now: string): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_GITOPS_NOW: now, NO_COLOR: '1' };
    for (const key of Object.keys(env)) {
      if (key.startsWith('GIT_') || key.startsWith('CDK8S_GITOPS_MODEL') || ['GITLAB_USER_LOGIN', 'GITHUB_ACTOR', 'CI'].includes(key))
        delete env[key];
    }
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args, '--out', ci, '--app', app], { cwd: ROOT, env, encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  }

  async function ok(args: readonly string[], now: string): Promise<string> {
    const run = await cli(args, now);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  /** Merges the remote branch `branch` into main as `how`, at `at`, and pushes main. */
  function merge(branch: string, how: '--ff-only' | '--no-ff', at: string): void {
    const env = { GIT_COMMITTER_DATE: at, GIT_AUTHOR_DATE: at };
    sandbox.git(ci, 'fetch', '--quiet', 'origin', branch);
    const result = require('child_process').spawnSync('git', ['merge', '--quiet', how, '-m', `Merge ${branch}`, `origin/${branch}`], {
      cwd: ci,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    sandbox.git(ci, 'push', '--quiet', 'origin', 'main');
  }

  /** Proposes B into canary at PROPOSED and merges it as `how` at MERGED. */
  async function canaryMerged(how: '--ff-only' | '--no-ff'): Promise<void> {
    await ok(
      ['promote', 'payments-api', '--ring', 'canary', '--digest', B, '--by', 'alice', '--publish', '--branch', 'promote-b'],
      PROPOSED,
    );
    merge('promote-b', how, MERGED);
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-ff-'));
    const program = path.join(workDir, 'shop.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
  });

  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    sandbox = Sandbox.create();
    ci = sandbox.clone('ci');
    await ok(['publish', '--by', 'platform-team'], '2026-11-22T10:00:00Z');
  });

  afterEach(() => sandbox.cleanup());

  test('the commit made for the merge request says so', async () => {
    await ok(
      ['promote', 'payments-api', '--ring', 'canary', '--digest', B, '--by', 'alice', '--publish', '--branch', 'promote-b'],
      PROPOSED,
    );
    const trailers = sandbox.git(sandbox.remote, 'log', '-1', '--format=%(trailers:key=Cdk8s-Gitops-Proposed-On,valueonly)', 'promote-b');
    expect(trailers.trim()).toBe('promote-b');
  });

  test('merged by a fast-forward with no commit after it: the soak has not begun, and the message says why and what to do', async () => {
    // GIVEN canary's promotion, proposed at 14:30 and fast-forwarded at 15:55
    await canaryMerged('--ff-only');
    const before = sandbox.git(ci, 'rev-parse', 'HEAD');

    // WHEN prod takes it at 16:05, 95 minutes after the commit was made
    const run = await cli(['promote', 'payments-api', '--ring', 'prod', '--from', 'canary', '--by', 'bob', '--publish'], PROMOTE);

    // THEN it is refused, nothing pushed
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CG602 Ring "prod" takes sha256:bbbbbbbb only after it has run 1h in "canary"');
    expect(run.stderr).toContain('merged by a fast-forward, so it keeps the time it was made');
    expect(run.stderr).toContain('Fix: Merge promotion branches with a merge commit');
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(before);
  });

  test('merged by a fast-forward: the soak counts from the next commit on the branch', async () => {
    // GIVEN canary's promotion fast-forwarded, and another change pushed at 16:00
    await canaryMerged('--ff-only');
    fs.writeFileSync(path.join(ci, 'README.md'), '# platform-gitops\n\nWho runs what.\n');
    sandbox.git(ci, 'add', 'README.md');
    require('child_process').execFileSync('git', ['commit', '--quiet', '-m', 'Docs'], {
      cwd: ci,
      env: { ...process.env, GIT_COMMITTER_DATE: '2026-11-22T16:00:00Z', GIT_AUTHOR_DATE: '2026-11-22T16:00:00Z' },
    });
    sandbox.git(ci, 'push', '--quiet', 'origin', 'main');

    // WHEN prod takes it at 16:05, and at 17:00
    const early = await cli(['promote', 'payments-api', '--ring', 'prod', '--from', 'canary', '--by', 'bob'], PROMOTE);

    // THEN it has run 5 minutes, counted from 16:00
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(
      'it has run there 5m (since 2026-11-22T16:00:00Z, the commit after the one that recorded it, which was merged by a fast-forward and keeps the time it was made), 55m remain.',
    );
    await ok(['promote', 'payments-api', '--ring', 'prod', '--from', 'canary', '--by', 'bob', '--publish'], '2026-11-22T17:00:00Z');
    expect(sandbox.remoteFile('releases/payments-api.yaml')).toContain(`prod:\n    digest: ${B}`);
  });

  test('merged with a merge commit: the soak counts from the merge', async () => {
    await canaryMerged('--no-ff');
    const run = await cli(['promote', 'payments-api', '--ring', 'prod', '--from', 'canary', '--by', 'bob'], PROMOTE);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('it has run there 10m (since 2026-11-22T15:55:00Z, the commit that recorded it), 50m remain.');
    await ok(['promote', 'payments-api', '--ring', 'prod', '--from', 'canary', '--by', 'bob'], '2026-11-22T16:56:00Z');
  });

  test('a promotion published straight to the branch soaks from its own commit', async () => {
    await ok(['promote', 'payments-api', '--ring', 'canary', '--digest', B, '--by', 'alice', '--publish'], PROPOSED);
    await ok(['promote', 'payments-api', '--ring', 'prod', '--from', 'canary', '--by', 'bob', '--publish'], '2026-11-22T15:31:00Z');
  });
});
