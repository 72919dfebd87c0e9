import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../support/tree';
import { BIN, cleanEnv } from '../support/cli';

/**
 * The boundary between the CLI and the program it runs: exit status, signals, timeouts, the
 * program's output, and problems found while the program builds its constructs. Each program
 * is a small JavaScript file on the built SDK (`npm run build` first), run with `--app`.
 */
const LIB = path.resolve(__dirname, '..', '..', 'lib');

/** A valid platform; `before` runs before `platform.synth()`, `after` after it. */
function program(parts: { before?: string; after?: string; services?: readonly string[] } = {}): string {
  return `
const fs = require('fs');
const { Cloud, Cluster, Duration, Environment, Gate, Platform, PromotionRing, Service, SyncWindow, Targets, ValuesSchema } = require(${JSON.stringify(LIB)});
const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const prod = new Environment(platform, 'prod');
const aws = new Cloud(platform, 'aws');
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
for (const name of ${JSON.stringify(parts.services ?? ['payments-api'])}) {
  new Service(platform, name, { image: { repository: 'registry.example.com/shop/' + name }, initialDigest: 'sha256:${'a'.repeat(64)}' }).deployTo(prod);
}
${parts.before ?? ''}
platform.synth();
${parts.after ?? ''}
`;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  /** stderr, up to 1 MiB. */
  readonly stderr: string;
  /** Bytes written to stderr in all. */
  readonly stderrBytes: number;
  readonly ms: number;
}

/** Runs the built CLI in `cwd`, keeping at most 1 MiB of its stderr. */
function cli(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errKept = 0;
    let errBytes = 0;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      errBytes += b.length;
      if (errKept < 1024 * 1024) {
        err.push(b);
        errKept += b.length;
      }
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stderrBytes: errBytes,
        ms: Date.now() - started,
      }),
    );
  });
}

/** Whether a process runs (exists and is not a zombie). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live processes of a process group. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state, ppid, pgrp, …
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/** Waits until `check` holds, at most `ms`. */
async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('the program behind the CLI', () => {
  let dir: string;
  let out: string;
  let before: Map<string, string>;
  /** Runs `synth` (or another command) with the program `text`, into the checkout written in beforeEach. */
  const run = (text: string, args: readonly string[] = ['synth'], env: Record<string, string> = {}): Promise<Run> => {
    fs.writeFileSync(path.join(dir, 'prog.js'), text);
    return cli(dir, [...args, '--app', 'node prog.js', '--out', out], env);
  };

  beforeAll(() => {
    if (!fs.existsSync(path.join(LIB, 'index.js'))) throw new Error('lib/ is missing: run `npm run build` first.');
  });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-boundary-'));
    out = path.join(dir, 'gitops');
    // GIVEN a checkout written by the program, and a file of the user's own
    const first = await run(program());
    expect(first.code).toBe(0);
    fs.writeFileSync(path.join(out, 'README.md'), '# ours\n');
    before = readTree(out);
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The checkout is byte for byte as it was. */
  const expectNothingWritten = (): void => {
    expect(readTree(out)).toEqual(before);
  };

  test('fails when the program exits with 3 after synth(), showing its output and writing nothing', async () => {
    // WHEN a program that declares one more service hands it over, then exits with 3
    const r = await run(
      program({
        services: ['payments-api', 'orders-api'],
        before: "console.error('about to synth');",
        after: "console.error('cleanup failed'); process.exit(3);",
      }),
    );

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CG309 The program "node prog.js" exited with 3 after handing over its model; nothing was written.');
    expect(r.stderr).toMatch(/the last lines of its output:\n {2}about to synth\n {2}cleanup failed\n/);
    expect(r.stderr).toContain('Fix: Fix what fails after platform.synth()');
    expect(r.stdout).toBe('');
    expectNothingWritten();
  });

  test('fails when the program throws after synth(), with the error it threw', async () => {
    const r = await run(program({ services: ['payments-api', 'orders-api'], after: "throw new Error('upload failed');" }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CG309 The program "node prog.js" exited with 1 after handing over its model; nothing was written.');
    expect(r.stderr).toMatch(/the last lines of its output:\n {2}Error: upload failed\n {6}at /);
    expectNothingWritten();
  });

  test('fails when the program is killed by a signal after synth()', async () => {
    const r = await run(program({ services: ['payments-api', 'orders-api'], after: "process.kill(process.pid, 'SIGKILL');" }));
    expect(r.code).toBe(1);
    // (the shell that runs the command reports its death as exit status 128 + 9)
    expect(r.stderr).toMatch(
      /CG309 The program "node prog.js" (was killed by SIGKILL|exited with 137 \(as a process killed by SIGKILL\)) after handing over its model; nothing was written\./,
    );
    expectNothingWritten();
  });

  test('fails when an asynchronous step of the program fails after synth()', async () => {
    const r = await run(program({ services: ['payments-api', 'orders-api'], after: "Promise.reject(new Error('late rejection'));" }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CG309');
    expect(r.stderr).toContain('Error: late rejection');
    expectNothingWritten();
  });

  test('fails when the program never exits, stopping it and every process it started', async () => {
    // GIVEN a program that starts a process of its own, then waits forever
    const pids = path.join(dir, 'pids.json');
    const r = await run(
      program({
        services: ['payments-api', 'orders-api'],
        after: `
const child = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
const stat = fs.readFileSync('/proc/self/stat', 'utf8');
fs.writeFileSync(${JSON.stringify(pids)}, JSON.stringify({ self: process.pid, child: child.pid, pgid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) }));
setInterval(() => {}, 1000);`,
      }),
      ['synth', '--timeout', '2s'],
    );

    // THEN the command fails after about two seconds, naming the timeout and the fix
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'CG310 The program "node prog.js" ran longer than its timeout of 2s and was stopped, with every process it started; nothing was written.',
    );
    expect(r.stderr).toContain('pass e.g. --timeout 4s or set CDK8S_GITOPS_PROGRAM_TIMEOUT');
    expect(r.ms).toBeGreaterThanOrEqual(2000);
    expect(r.ms).toBeLessThan(10000);
    // AND its process group is gone
    const { self, child, pgid } = JSON.parse(fs.readFileSync(pids, 'utf8'));
    expect(await eventually(() => !alive(self) && !alive(child) && groupMembers(pgid).length === 0)).toBe(true);
    expectNothingWritten();
  });

  test('fails when the CLI is interrupted, stopping the program and what it started', async () => {
    // GIVEN a program that starts a process of its own, then waits forever
    const pids = path.join(dir, 'pids.json');
    fs.writeFileSync(
      path.join(dir, 'prog.js'),
      program({
        after: `
const child = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync(${JSON.stringify(pids)}, JSON.stringify({ self: process.pid, child: child.pid }));
setInterval(() => {}, 1000);`,
      }),
    );
    const cliProcess = spawn(process.execPath, [BIN, 'synth', '--app', 'node prog.js', '--out', out], {
      cwd: dir,
      env: cleanEnv(),
      stdio: 'ignore',
    });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => cliProcess.on('exit', (_code, signal) => resolve(signal)));
    expect(await eventually(() => fs.existsSync(pids) && fs.statSync(pids).size > 0, 8000)).toBe(true);

    // WHEN the CLI gets Ctrl-C (the program, in a process group of its own, does not)
    cliProcess.kill('SIGINT');

    // THEN the CLI ends as interrupted, and the program's process group with it
    expect(await ended).toBe('SIGINT');
    const { self, child } = JSON.parse(fs.readFileSync(pids, 'utf8'));
    expect(await eventually(() => !alive(self) && !alive(child))).toBe(true);
    expectNothingWritten();
  });

  test('fails when the program runs past CDK8S_GITOPS_PROGRAM_TIMEOUT, and --timeout wins over it', async () => {
    const hang = program({ after: 'setInterval(() => {}, 1000);' });
    const r = await run(hang, ['plan'], { CDK8S_GITOPS_PROGRAM_TIMEOUT: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ran longer than its timeout of 1s');
    const flag = await run(hang, ['check', '--timeout', '2'], { CDK8S_GITOPS_PROGRAM_TIMEOUT: '1h' });
    expect(flag.stderr).toContain('ran longer than its timeout of 2s');
    expectNothingWritten();
  });

  test.each([
    [['--timeout', '0'], {}, 'synth: --timeout "0" is not a time between 1 second and 24 hours.'],
    [['--timeout', '5x'], {}, 'synth: --timeout "5x" is not a time between 1 second and 24 hours.'],
    [['--timeout', '25h'], {}, 'synth: --timeout "25h" is not a time between 1 second and 24 hours.'],
    [
      [],
      { CDK8S_GITOPS_PROGRAM_TIMEOUT: 'soon' },
      'synth: CDK8S_GITOPS_PROGRAM_TIMEOUT "soon" is not a time between 1 second and 24 hours.',
    ],
  ])('fails when the timeout is not a time (%j %j), without running the program', async (args, env, message) => {
    const marker = path.join(dir, 'ran');
    const r = await run(program({ before: `fs.writeFileSync(${JSON.stringify(marker)}, '');` }), ['synth', ...args], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`CG301 ${message}`);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test("streams the program's output to stderr and keeps stdout for results", async () => {
    const r = await run(
      program({
        services: ['payments-api', 'orders-api'],
        before: "console.log('to stdout'); process.stdout.write('{\"not\": \"results\"'); console.error('to stderr');",
      }),
      ['synth', '--format', 'json'],
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).created).toContain('environments/prod/aws/eu-01/orders-api/values.yaml');
    expect(r.stderr).toContain('to stdout\n');
    expect(r.stderr).toContain('{"not": "results"');
    expect(r.stderr).toContain('to stderr\n');
  });

  test('passes on more output than any buffer holds', async () => {
    // 80 MiB of output: more than the 64 MiB a buffered run allowed
    const r = await run(
      program({ before: "const line = 'x'.repeat(1023) + '\\n'; for (let i = 0; i < 80 * 1024; i++) process.stderr.write(line);" }),
      ['plan'],
    );
    expect(r.code).toBe(0);
    expect(r.stderrBytes).toBeGreaterThanOrEqual(80 * 1024 * 1024);
  });

  test('stops what the program leaves running when it exits', async () => {
    const pidFile = path.join(dir, 'child.pid');
    const r = await run(
      program({
        before: `
const child = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
child.unref();
fs.writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));`,
      }),
      ['plan'],
    );
    expect(r.code).toBe(0);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(await eventually(() => !alive(pid))).toBe(true);
  });

  test('fails when constructors find problems, listing every one with its code, path and fix at once', async () => {
    // GIVEN a program whose constructors find four problems
    const r = await run(
      program({
        before: `
const staging = new Environment(platform, 'staging', { syncWindows: [SyncWindow.deny('@daily', '8h')] });
new Environment(platform, 'prod');
new Service(platform, 'orders-api', { image: { repository: 'registry.example.com/shop/orders-api' }, valuesSchema: ValuesSchema.fromFile('charts/orders-api/values.schema.json') }).deployTo(prod);
new PromotionRing(platform, 'everything', { targets: Targets.all(), gates: [Gate.soak(Duration.hours(-2))] });`,
      }),
    );

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('CG304');
    const error = r.stderr.slice(r.stderr.indexOf('Error: '));
    expect(error.split('\n').filter((l) => l !== '')).toEqual([
      'Error: The platform program has 4 problems:',
      '[platform/staging] CG140 Sync window 1 (deny) schedule "@daily" is a descriptor; Argo CD\'s sync windows take only five-field cron expressions. Fix: Use "0 0 * * *", which is what @daily means.',
      '[platform/prod] CG103 Environment "prod" cannot be created: platform already has an Environment named "prod". Fix: Give one of them another id (ids are unique within their scope).',
      `[platform/orders-api] CG122 Values schema charts/orders-api/values.schema.json cannot be read (ENOENT: no such file or directory, open '${fs.realpathSync(dir)}/charts/orders-api/values.schema.json'). Fix: Point ValuesSchema.fromFile at the chart's values.schema.json.`,
      '[platform/rings/everything] CG128 Duration of -7200 seconds is not a non-negative, finite length of time. Fix: Use e.g. Duration.hours(2) or Duration.minutes(30).',
    ]);
    expectNothingWritten();
  });

  test('fails when a construct id is used twice in a scope the constructs library guards, as CG103 with the path', async () => {
    const r = await run(
      program({
        before:
          "new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' }); new Cluster(prod, 'eu/02', { cloud: aws, region: 'eu-west-1' }); new Cluster(prod, 'eu/02', { cloud: aws, region: 'eu-west-1' });",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '[platform/prod/eu-01] CG103 Cluster "eu-01" cannot be created: platform/prod already has a Cluster named "eu-01".',
    );
    // the same mistake twice: one entry, naming the second place
    expect(r.stderr).toContain('  … and 1 more CG103 like it: platform/prod/eu/02.\n');
    expect(r.stderr).not.toContain('There is already a Construct');
    expectNothingWritten();
  });

  test('fails when the program throws a GitOpsError before synth(), with its code, path and fix, printed once', async () => {
    const r = await run(
      program({
        before:
          "new Environment(new (require(require.resolve('constructs', { paths: [" +
          JSON.stringify(LIB) +
          "] })).Construct)(undefined, 'elsewhere'), 'dev');",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('CG304');
    const line =
      '[elsewhere] CG100 Construct "elsewhere" is not inside a Platform. Fix: Create it with a Platform (or a construct inside one) as its scope.';
    expect(r.stderr).toContain(`Error: ${line}\n`);
    expect(r.stderr.split(line)).toHaveLength(2);
    expectNothingWritten();
  });

  test('fails when the program throws before synth(), with its error and a fix for that case', async () => {
    const r = await run(program({ before: 'null.services;' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /the last lines of its output:\n {2}TypeError: Cannot read properties of null \(reading 'services'\)\n {6}at .*prog\.js:/,
    );
    expect(r.stderr).toContain(
      'CG304 The program "node prog.js" exited with 1 without handing over a model. Fix: The program failed before platform.synth(): fix the error its output shows',
    );
    expectNothingWritten();
  });

  test.each([
    [
      'twice on one Platform',
      'platform.synth();',
      '[platform] CG320 platform.synth() was called a second time: the CLI takes the model of one synth() call, and a second would replace the first unseen.',
    ],
    [
      'on a second Platform',
      "const other = new Platform({ repoURL: 'https://git.example.com/platform/other-gitops.git' }); other.synth();",
      '[platform] CG320 synth() was called on a second Platform: the CLI takes the model of one synth() call, of one Platform, and a second would replace the first unseen.',
    ],
  ])('fails when the program calls synth() %s, writing nothing', async (_, after, line) => {
    // WHEN a program that declares one more service hands it over, then calls synth() again
    const r = await run(program({ services: ['payments-api', 'orders-api'], after }));
    // THEN the run fails with CG320 and its fix, printed once, and the checkout is as it was
    expect(r.code).toBe(1);
    const fix = ' Fix: Call synth() once, as the last statement of the program, on its one Platform; declare everything before it.';
    expect(r.stderr).toContain(`Error: ${line}${fix}\n`);
    expect(r.stderr.split(line)).toHaveLength(2);
    expect(r.stderr).not.toMatch(/CG30[49]/);
    expectNothingWritten();
  });

  test('fails when the program exits with 0 without calling synth()', async () => {
    const r = await run(program({ before: 'process.exit(0);' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'CG304 The program "node prog.js" exited with 0 without handing over a model. Fix: End the program with platform.synth()',
    );
    expectNothingWritten();
  });

  test.each(['synth', 'plan', 'check', 'status', 'explain', 'promote', 'rollback', 'unhold', 'publish'])(
    'documents --timeout in `%s --help`',
    async (command) => {
      const r = await cli(dir, [command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/--timeout T +how long the program may run: seconds or a duration such as 90s, 5m,/);
    },
  );
});
