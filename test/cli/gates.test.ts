/**
 * Gates hold wherever the ledger can change: `check`, `plan`, `synth` and `publish` apply the
 * ring rules to ledger entries changed by hand (committed or not), soaks are measured from the
 * commits Git recorded and only while the ring before could sync, and approvals need a second
 * person the ring names. Each test drives the built CLI against clones of a bare remote.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { hashTree } from '../support/hash-tree';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'cdk8s-gitops.js');

const T0 = '2026-11-22T10:00:00Z';
const SEED = digest('0');
const A = digest('a');
const B = digest('b');
const LEDGER = 'releases/payments-api.yaml';

/**
 * nonprod → prod-canary (prod/aws/eu-01) → prod (prod/aws/eu-02; soak 1h, approval by bob or
 * carol). `WINDOWS=1` gives prod sync windows: the canary cannot sync 10:00–10:30 UTC, and prod
 * syncs only 22:00–24:00 UTC. `PROD_GATES=none` drops prod's gates (the program as it was before
 * they were added).
 */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, SyncWindow, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const windows = process.env.WINDOWS === '1' ? [
  SyncWindow.deny('0 10 * * *', '30m', { applications: ['*-prod-aws-eu-01'] }),
  SyncWindow.allow('0 22 * * *', '2h', { applications: ['*-prod-aws-eu-02'] }),
] : [];
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod'), syncWindows: windows });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });

new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
new PromotionRing(platform, 'prod', {
  targets: Targets.environment(prod).except(Targets.cluster(canary)),
  gates: process.env.PROD_GATES === 'none' ? [] : [Gate.soak(Duration.hours(1)), Gate.approval({ approvers: ['bob', 'carol'] })],
});

const service = new Service(platform, 'payments-api', {
  image: { repository: 'registry.example.com/shop/payments-api' },
  initialDigest: ${JSON.stringify(SEED)},
});
service.deployTo(nonprod);
service.deployTo(prod);
platform.synth();
`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let workDir: string;
let app: string;
let template: Sandbox;
let sandbox: Sandbox;
let a: string;

/** Runs the CLI on `out` at time `now` (undefined: the system clock), with `env` added. */
function cli(out: string, args: readonly string[], now: string | undefined = T0, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const full: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...(now === undefined ? {} : { CDK8S_GITOPS_NOW: now }) };
  if (now === undefined) delete full.CDK8S_GITOPS_NOW;
  for (const key of Object.keys(full)) {
    if (
      key.startsWith('GIT_') ||
      ['GITLAB_USER_LOGIN', 'GITHUB_ACTOR', 'BUILD_REQUESTEDFOR', 'CI_COMMIT_SHA', 'GITHUB_SHA', 'CDK8S_GITOPS_MODEL_OUT'].includes(key)
    )
      delete full[key];
  }
  Object.assign(full, env);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args, '--out', out, '--app', app],
      { cwd: ROOT, env: full, encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

async function ok(out: string, args: readonly string[], now: string | undefined = T0, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const run = await cli(out, args, now, env);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  return run;
}

/** The checkout (without .git), the commit it is on and the remote's tip: what "nothing written" compares. */
function snapshot(dir: string): unknown {
  return {
    files: hashTree(dir, ['.git']),
    head: sandbox.git(dir, 'rev-parse', 'HEAD'),
    remote: sandbox.git(sandbox.remote, 'rev-parse', 'main'),
  };
}

/** Replaces `from` by `to` in the ledger of `dir`, in the entry of `ring`. */
function editRing(dir: string, ring: string, from: string, to: string): void {
  const file = path.join(dir, LEDGER);
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf(`\n  ${ring}:\n`);
  const end = text.indexOf('\n  ', start + ring.length + 6) === -1 ? text.length : nextRing(text, start);
  const part = text.slice(start, end);
  expect(part).toContain(from);
  fs.writeFileSync(file, text.slice(0, start) + part.replace(from, to) + text.slice(end));
}

function nextRing(text: string, start: number): number {
  const m = /\n {2}[a-z]/g;
  m.lastIndex = start + 1;
  const found = m.exec(text);
  return found === null ? text.length : found.index;
}

/** A release entry at prod-canary (published from `dir`, committed at `at`), so prod may take A after its soak. */
async function canaryRunsA(at: string, env: NodeJS.ProcessEnv = {}, dir: string = a): Promise<void> {
  await ok(dir, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish'], at, {
    GIT_COMMITTER_DATE: at,
    ...env,
  });
  await ok(dir, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish'], at, {
    GIT_COMMITTER_DATE: at,
    ...env,
  });
}

beforeAll(async () => {
  assertBuilt();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-gates-'));
  const program = path.join(workDir, 'shop.js');
  fs.writeFileSync(program, PROGRAM);
  app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
  template = Sandbox.create();
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

describe('hand edits of the ledger', () => {
  test("fails when prod's digest is edited by hand: check, plan, synth --verify and publish refuse with CG610 and write nothing", async () => {
    // GIVEN prod's digest edited to one that never ran in prod-canary
    editRing(a, 'prod', SEED, B);
    const before = snapshot(a);

    // WHEN
    const runs: Run[] = [];
    for (const args of [['check'], ['plan'], ['synth', '--verify'], ['publish', '--by', 'mallory']]) runs.push(await cli(a, args));

    // THEN
    for (const r of runs) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `[${LEDGER}] CG610 Ring "prod" runs sha256:bbbbbbbb, which does not run in "prod-canary" (it runs sha256:00000000): the entry was changed by hand.`,
      );
      expect(r.stderr).toContain(
        `Fix: Restore the ledger from Git (\`git checkout HEAD -- ${LEDGER}\`), then promote with \`cdk8s-gitops promote payments-api --ring prod --from prod-canary\`, once sha256:bbbbbbbb runs in "prod-canary".`,
      );
    }
    expect(snapshot(a)).toEqual(before);
  });

  test('fails when a committed hand edit skips the soak: the manifest still records the ledger cdk8s-gitops wrote', async () => {
    // GIVEN A reached prod-canary a minute ago (by Git), and prod's entry set to it by hand, committed and pushed
    const now = T0;
    await canaryRunsA('2026-11-22T09:59:00Z');
    const written = sandbox.git(a, 'rev-parse', 'HEAD');
    editRing(a, 'prod', `digest: ${SEED}`, `digest: ${A}`);
    editRing(a, 'prod', 'from: null', 'from: prod-canary');
    editRing(a, 'prod', 'approvedBy: null', 'approvedBy: bob');
    execFileSync('git', ['commit', '--quiet', '-am', 'Hot fix'], {
      cwd: a,
      env: { ...process.env, GIT_COMMITTER_DATE: now, GIT_AUTHOR_DATE: now },
    });
    const before = snapshot(a);

    // WHEN
    const check = await cli(a, ['check'], now);
    const synth = await cli(a, ['synth'], now);

    // THEN
    for (const r of [check, synth]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `[${LEDGER}] CG611 The ledger says ring "prod" runs sha256:aaaaaaaa, but the soak was not served: Ring "prod" takes sha256:aaaaaaaa only after it has run 1h in "prod-canary"; it has run there 1m (since 2026-11-22T09:59:00Z, the commit that recorded it)`,
      );
      expect(r.stderr).toContain(
        `Fix: Restore the ledger from Git (\`git checkout ${written.slice(0, 12)} -- ${LEDGER}\`, or revert the commits that changed it).`,
      );
    }
    expect(snapshot(a)).toEqual(before);
  });

  test("fails when a held ring's release is replaced by hand (CG613), or a since lies in the future (CG616)", async () => {
    // GIVEN nonprod rolled back and held, then its entry edited to another digest with the hold removed; prod-canary's since set ahead
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
    await ok(a, ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'errors', '--by', 'carol', '--publish']);
    const text = fs.readFileSync(path.join(a, LEDGER), 'utf8');
    const edited = text
      .replace(/( {2}nonprod:\n {4}digest: )\S+/, `$1${B}`)
      .replace(/ {4}hold:\n {6}reason: "errors"\n {6}since: "[^"]+"\n {6}by: carol\n/, '    hold: null\n')
      .replace(/( {2}prod-canary:\n {4}digest: \S+\n {4}since: )"[^"]+"/, '$1"2030-01-01T00:00:00Z"');
    expect(edited).not.toBe(text);
    fs.writeFileSync(path.join(a, LEDGER), edited);
    const before = snapshot(a);

    // WHEN
    const r = await cli(a, ['check']);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`[${LEDGER}] CG613 Ring "nonprod" runs sha256:bbbbbbbb, but Git has it held since`);
    expect(r.stderr).toContain('run `cdk8s-gitops unhold payments-api --ring nonprod --publish` once the incident is over, then promote.');
    expect(r.stderr).toContain(`[${LEDGER}] CG616 Ring "prod-canary" has since 2030-01-01T00:00:00Z, which is later than now`);
    expect(snapshot(a)).toEqual(before);
  });

  test('a ring that gained a soak and an approval after its digest was promoted keeps it: check is clean', async () => {
    // GIVEN A promoted through every ring at once while prod had no gates, published
    const env = { PROD_GATES: 'none' };
    await canaryRunsA(T0, env);
    await ok(a, ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--publish'], T0, env);

    // WHEN prod has its gates again
    const r = await cli(a, ['check']);

    // THEN the ledger passes; only the release model, which records the gates, is out of date
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      '[out-of-date] CG415 .cdk8s-gitops/model/platform.json: .cdk8s-gitops/model/platform.json differs from what the program synthesizes.\n' +
        '    Fix: Run `cdk8s-gitops synth` (or publish) and commit the result.\n1 finding.\n',
    );
    // AND once synth writes it, check is clean
    await ok(a, ['synth']);
    expect(await cli(a, ['check'])).toMatchObject({ code: 0, stdout: 'Clean: the checkout is exactly what the program synthesizes.\n' });
  });
});

describe('soak measured in Git', () => {
  test('fails when CDK8S_GITOPS_NOW is set ahead of the clock (CG616), and the soak counts from the commit', async () => {
    // GIVEN A reached prod-canary now (the commit is made by the system clock)
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish'], undefined);
    await ok(a, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish'], undefined);
    const before = snapshot(a);
    const toProd = ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob'];

    // WHEN
    const ahead = await cli(a, toProd, '2030-01-01T00:00:00Z');
    const clock = await cli(a, toProd, undefined);

    // THEN
    expect(ahead.code).toBe(1);
    expect(ahead.stderr).toMatch(
      /^Error: CG616 The time given \(CDK8S_GITOPS_NOW=2030-01-01T00:00:00Z\) is later than the system clock \(\d{4}-.*Z\); it may set the time back for reproducible runs, never forward\. Fix: Unset CDK8S_GITOPS_NOW/,
    );
    expect(clock.code).toBe(1);
    expect(clock.stderr).toMatch(
      /CG602 Ring "prod" takes sha256:aaaaaaaa only after it has run 1h in "prod-canary"; it has run there \d+s \(since .*, the commit that recorded it\)/,
    );
    expect(snapshot(a)).toEqual(before);
  });

  test("fails when the canary's promotion is not committed yet: its soak has not begun", async () => {
    // GIVEN A in prod-canary in the checkout only, with its ledger time an hour old
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    await ok(a, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice']);
    const before = snapshot(a);

    // WHEN
    const r = await cli(
      a,
      ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob'],
      '2026-11-22T12:00:00Z',
    );

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: CG602 Ring "prod" takes sha256:aaaaaaaa only after it has run 1h in "prod-canary"; no commit records it in "prod-canary" yet, ' +
        'so Argo CD has not synced it there and its soak has not begun. Fix: Publish the promotion into "prod-canary" (`--publish`, or commit and push it), then promote 1h later.\n',
    );
    expect(snapshot(a)).toEqual(before);
  });

  test("outside a Git repository the ledger's times count, and a note says so", async () => {
    // GIVEN a copy of the checkout without .git, where A reached prod-canary at T0
    await canaryRunsA(T0);
    const copy = path.join(sandbox.root, 'plain');
    fs.cpSync(a, copy, { recursive: true, filter: (src) => path.basename(src) !== '.git' });

    // WHEN
    const early = await cli(
      copy,
      ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob'],
      '2026-11-22T10:30:00Z',
    );
    const later = await ok(
      copy,
      ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob'],
      '2026-11-22T11:00:00Z',
    );

    // THEN
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("(since 2026-11-22T10:00:00Z, the ledger's time: the checkout is not in a Git repository), 30m remain.");
    expect(later.stderr).toBe(
      `Note: ${copy} is not in a Git repository: soak times are measured with the ledgers' own \`since\` times, which Git cannot confirm.\n`,
    );
  });
});

describe('approvals', () => {
  /** The remote and checkout where A reached prod-canary at 08:00, two hours before T0. */
  let soaked: Sandbox;

  beforeAll(async () => {
    soaked = Sandbox.create();
    soaked.git(template.remote, 'push', '--quiet', '--force', soaked.remote, 'main');
    await canaryRunsA('2026-11-22T08:00:00Z', {}, soaked.clone('ci-a'));
  });

  afterAll(() => soaked?.cleanup());

  beforeEach(() => {
    // each test works on a copy of that remote and checkout
    sandbox.cleanup();
    sandbox = soaked.copy();
    a = path.join(sandbox.root, 'ci-a');
  });

  test('fails when the approver is the promoter (CG614) or not one the ring names (CG615)', async () => {
    // GIVEN A has soaked in prod-canary
    const before = snapshot(a);
    const toProd = ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary'];

    // WHEN
    const self = await cli(a, [...toProd, '--by', 'bob', '--approved-by', 'bob']);
    const stranger = await cli(a, [...toProd, '--by', 'alice', '--approved-by', 'bobby']);

    // THEN
    expect(self.code).toBe(1);
    expect(self.stderr).toBe(
      'Error: CG614 The promotion into "prod" is approved by "bob", who also promotes it (by "bob"); an approval needs a second person. ' +
        'Fix: Ask someone else to approve, and pass --approved-by <their name>.\n',
    );
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toBe(
      'Error: CG615 Ring "prod" takes approvals only from "bob", "carol"; received --approved-by "bobby". Did you mean "bob"? Fix: Ask one of bob, carol to approve.\n',
    );
    expect(snapshot(a)).toEqual(before);
  });

  test('fails when a hand edit makes the promoter its own approver', async () => {
    // GIVEN A has soaked in prod-canary; prod promoted properly (not published), then its approver changed to the promoter
    await ok(a, ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob']);
    editRing(a, 'prod', 'approvedBy: bob', 'approvedBy: alice');
    const before = snapshot(a);

    // WHEN
    const r = await cli(a, ['publish', '--by', 'alice']);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `[${LEDGER}] CG614 The ledger says: The promotion into "prod" is approved by "alice", who also promotes it (by "alice")`,
    );
    expect(r.stderr).toContain(`[${LEDGER}] CG615 The ledger says: Ring "prod" takes approvals only from "bob", "carol"`);
    expect(snapshot(a)).toEqual(before);
  });
});

describe('sync windows', () => {
  const env = { WINDOWS: '1' };

  test("a soak counts only time the canary's sync windows let Argo CD sync", async () => {
    // GIVEN A reached prod-canary at 10:00, when the canary's deny window opened for 30m
    await canaryRunsA(T0, env);
    const before = snapshot(a);
    const toProd = ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob'];

    // WHEN
    const early = await cli(a, toProd, '2026-11-22T11:00:00Z', env);

    // THEN
    expect(early.code).toBe(1);
    expect(early.stderr).toBe(
      'Error: CG602 Ring "prod" takes sha256:aaaaaaaa only after it has run 1h in "prod-canary"; it has run there 30m of time its sync windows let Argo CD sync ' +
        '(since 2026-11-22T10:00:00Z, the commit that recorded it), 30m remain. Fix: Promote at or after 2026-11-22T11:30:00Z.\n',
    );
    expect(snapshot(a)).toEqual(before);

    // WHEN at 11:30, with prod's own window closed until 22:00
    const later = await ok(a, toProd, '2026-11-22T11:30:00Z', env);

    // THEN it is promoted, and says when it takes effect
    expect(later.stdout).toMatch(/^promote payments-api sha256:aaaaaaaa to prod from prod-canary \(by alice, approved by bob\)\n/);
    expect(later.stderr).toBe("Note: prod's sync window opens at 2026-11-22T22:00:00Z: Argo CD syncs sha256:aaaaaaaa then, not now.\n");
  });
});

function digest(c: string): string {
  return `sha256:${c.repeat(64)}`;
}

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
