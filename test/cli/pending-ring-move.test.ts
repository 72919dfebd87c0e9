/**
 * A target that moves to another ring while an operation on that ring is pending in the
 * checkout: `publish` commits the program's change first, on the last commit's ledgers, then the
 * operation; `plan` and `synth` judge the move (CG144) as that publish does. Drives the built CLI
 * against a bare remote.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { CliRun, runCli } from '../support/cli';
import { hashTree } from '../support/hash-tree';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2025-12-01T10:00:00Z';
const T1 = '2025-12-01T11:00:00Z';
const T2 = '2025-12-01T11:05:00Z';
const SEED = `sha256:${'1'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C2_VALUES = 'environments/prod/aws/c2/api/values.yaml';

/**
 * Rings nonprod (any digest) → prod (24h soak, approval). `MOVED=1` moves prod's cluster c2 into
 * the first ring.
 */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'c1', { cloud: aws });
new Cluster(prod, 'c1', { cloud: aws });
const c2 = new Cluster(prod, 'c2', { cloud: aws });
const prodRing = process.env.MOVED === '1' ? Targets.environment(prod).except(Targets.cluster(c2)) : Targets.environment(prod);
new PromotionRing(platform, 'nonprod', { targets: Targets.all().except(prodRing) });
new PromotionRing(platform, 'prod', { targets: prodRing, gates: [Gate.soak(Duration.hours(24)), Gate.approval()] });
new Service(platform, 'api', { image: { repository: 'r.example.com/api' }, initialDigest: ${JSON.stringify(SEED)} }).deployTo([nonprod, prod]);
platform.synth();
`;

describe('a ring move while an operation on the ring is pending', () => {
  let workDir: string;
  let app: string;
  let sandbox: Sandbox;
  let dir: string;

  function cli(args: readonly string[], now: string, env: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out: dir, now, app, env });
  }

  async function ok(args: readonly string[], now: string, env: Record<string, string> = {}): Promise<string> {
    const run = await cli(args, now, env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  const digestAt = (rev: string): string => /digest: (\S+)/.exec(sandbox.git(dir, 'show', `${rev}:${C2_VALUES}`))![1]!;
  const moved = { MOVED: '1' };

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('Run `npm run build` before the CLI tests.');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-pending-move-'));
    const program = path.join(workDir, 'platform.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
  });

  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    sandbox = Sandbox.create();
    dir = sandbox.clone('gitops');
    await ok(['publish', '--by', 'platform-team'], T0);
  });

  afterEach(() => sandbox.cleanup());

  it('plans, synthesizes and publishes a target that joins a ring with a promotion pending: it keeps its release, then takes the promotion', async () => {
    // GIVEN B promoted into nonprod, not published
    await ok(['promote', 'api', '--ring', 'nonprod', '--digest', B, '--by', 'alice'], T1);
    // WHEN prod's c2 moves into nonprod
    const plan = await cli(['plan'], T2, moved);
    // THEN plan predicts what publish does, without a refusal: c2 ends running B
    expect(plan.code).toBe(2);
    expect(plan.stderr).not.toContain('CG144');
    expect(plan.stdout).toContain(`[~] ${C2_VALUES}`);
    expect(plan.stdout).toContain('image.digest: sha256:11111111… → sha256:bbbbbbbb…');
    // AND synth writes it, c2 on B
    await ok(['synth'], T2, moved);
    expect(fs.readFileSync(path.join(dir, C2_VALUES), 'utf8')).toContain(`digest: ${B}`);
    // AND publish commits the move first, c2 still on its release, then the promotion, which takes c2 to B
    await ok(['publish', '--by', 'platform-team'], T2, moved);
    expect(sandbox.git(dir, 'log', '-2', '--format=%s').split('\n')).toEqual([
      'promote api sha256:bbbbbbbb to nonprod (by alice)',
      'Synthesize the platform program',
    ]);
    expect(digestAt('HEAD~1')).toBe(SEED);
    expect(digestAt('HEAD')).toBe(B);
  });

  it("fails with CG144 in plan, synth and publish alike when the ring runs another release in the last commit, a rollback to the target's pending", async () => {
    // GIVEN nonprod runs B (published), and a rollback of nonprod to the seed is pending
    await ok(['promote', 'api', '--ring', 'nonprod', '--digest', B, '--by', 'alice', '--publish'], T1);
    await ok(['rollback', 'api', '--ring', 'nonprod', '--previous', '--reason', 'errors', '--by', 'alice'], T1);
    const before = hashTree(dir, ['.git']);
    const remote = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    // WHEN prod's c2 (running the seed) moves into nonprod
    // THEN plan warns and synth and publish refuse: publish's first commit would switch c2 to B without prod's gates
    const message =
      'CG144 The write would switch Application api-prod-aws-c2 from sha256:11111111 to sha256:bbbbbbbb without a promotion: ' +
      'the program puts its target in ring "nonprod", which runs sha256:bbbbbbbb of api as the last commit has it';
    const plan = await cli(['plan'], T2, moved);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain(`Warning: synth refuses this (${message.slice(0, 5)}`);
    for (const command of [['synth'], ['publish', '--by', 'platform-team']]) {
      const run = await cli(command, T2, moved);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('publish the pending operations first (cdk8s-gitops publish --no-program)');
    }
    expect(hashTree(dir, ['.git'])).toEqual(before);
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remote);
    // AND with the rollback published first, the move keeps c2 on the seed
    const pending = await runCli(['publish', '--by', 'alice', '--no-program'], { out: dir, now: T2 });
    expect({ code: pending.code, stderr: pending.stderr }).toEqual({ code: 0, stderr: '' });
    await ok(['publish', '--by', 'platform-team'], T2, moved);
    expect(digestAt('HEAD')).toBe(SEED);
  });
});
