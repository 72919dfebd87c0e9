/**
 * What a user runs into at the command line, through the built CLI against the example
 * program: a file or a missing directory as --out, typos in commands, flags, services, rings
 * and digests, and output piped into a reader that stops early. Each mistake ends in a coded
 * error with its fix and exit code 1, and writes nothing.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { CLI, CliResult, inBatches, readTree, ROOT, runCli, treeDiff } from '../support/tree';

const HEX = '2e8f1a31'.repeat(8);

/** Every command that takes --out, with the arguments it needs besides. */
const OUT_COMMANDS: readonly (readonly string[])[] = [
  ['synth'],
  ['plan'],
  ['preview'],
  ['check'],
  ['status'],
  ['explain', 'payments-api-prod-azure-westeurope-01'],
  ['promote', 'payments-api', '--ring', 'nonprod', '--digest', `sha256:${HEX}`],
  ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'x'],
  ['unhold', 'payments-api', '--ring', 'prod'],
  ['publish'],
  ['history', 'payments-api'],
];

/** Commands that read or change a checkout that must exist. */
const EXISTING_ONLY = OUT_COMMANDS.filter(([c]) => c !== 'synth' && c !== 'plan');

let base: string;
let checkout: string;
let replay: string;

function run(args: readonly string[]): Promise<CliResult> {
  return runCli(args.includes('--app') || args[0] === 'preview' ? args : [...args, '--app', replay]);
}

/** Fails unless `r` is a coded error with a fix and exit code 1, and no internal error. */
function expectMistake(r: CliResult, code: string): void {
  expect(r.stderr).toMatch(new RegExp(`^Error: ${code} `));
  expect(r.stderr).toContain(' Fix: ');
  expect(r.stderr).not.toContain('Internal error');
  expect(r.stdout).toBe('');
  expect(r.code).toBe(1);
}

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-rough-'));
  // The first synth runs the example program and keeps its model; the tests replay it.
  const model = path.join(base, 'model.json');
  const app = `${parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')).app} && cp "$CDK8S_GITOPS_MODEL_OUT" ${JSON.stringify(model)}`;
  checkout = path.join(base, 'checkout');
  const first = await runCli(['synth', '--out', checkout, '--app', app]);
  if (first.code !== 0) throw new Error(`synth failed: ${first.stderr}`);
  replay = `cp ${JSON.stringify(model)} "$CDK8S_GITOPS_MODEL_OUT"`;
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', checkout, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'A hand-made first commit');
}, 120_000);

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('--out', () => {
  test('fails when --out is a file, for every command that takes it, and leaves the file alone', async () => {
    // GIVEN
    const file = path.join(base, 'not-a-dir.yaml');
    fs.writeFileSync(file, 'kind: List\n');

    // WHEN
    const results = await inBatches(
      OUT_COMMANDS.map((args) => () => run([...args, '--out', file])),
      3,
    );

    // THEN
    results.forEach((r, i) => {
      expectMistake(r, 'CG312');
      expect([OUT_COMMANDS[i][0], r.stderr]).toEqual([
        OUT_COMMANDS[i][0],
        expect.stringContaining(`--out ${file} is a file, not a directory. Fix: Pass the directory of the GitOps checkout`),
      ]);
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('kind: List\n');
  }, 120_000);

  test('fails when --out runs through a file, instead of an internal ENOTDIR', async () => {
    // GIVEN
    const file = path.join(base, 'plain-file');
    fs.writeFileSync(file, 'x');

    // WHEN
    const r = await run(['synth', '--out', path.join(file, 'gitops')]);

    // THEN
    expectMistake(r, 'CG312');
    expect(r.stderr).toContain(`runs through a file, ${file}, so it is not a directory.`);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  test('fails when a command that reads the checkout is given one that does not exist, and creates nothing', async () => {
    // GIVEN
    const missing = path.join(base, 'no-such-checkout');

    // WHEN
    const results = await inBatches(
      EXISTING_ONLY.map((args) => () => run([...args, '--out', missing])),
      3,
    );

    // THEN
    results.forEach((r, i) => {
      expectMistake(r, 'CG313');
      expect(r.stderr).toContain(
        `--out ${missing} does not exist. ${EXISTING_ONLY[i][0]} works on an existing checkout of the GitOps repository.`,
      );
      expect(r.stderr).toContain(
        `Fix: Clone the GitOps repository there (git clone <url> ${missing}), or run \`cdk8s-gitops synth --out ${missing}\` first`,
      );
    });
    expect(fs.existsSync(missing)).toBe(false);
  }, 120_000);

  test('fails when status runs on the default checkout and there is none, instead of showing every ring as initial', async () => {
    // GIVEN a project directory without dist/
    const project = path.join(base, 'project');
    fs.mkdirSync(project);
    fs.copyFileSync(path.join(base, 'model.json'), path.join(project, 'model.json'));
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'app: cp model.json "$CDK8S_GITOPS_MODEL_OUT"\n');

    // WHEN
    const r = await runCli(['status'], {}, project);

    // THEN
    expectMistake(r, 'CG313');
    expect(r.stderr).toContain(`The default checkout "dist" (${path.join(project, 'dist')}) does not exist.`);
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  });

  test('works on gitops.checkout of cdk8s.yaml, read before "output", which the cdk8s CLI deletes', async () => {
    // GIVEN a project whose cdk8s.yaml names the checkout, and a cdk8s output of its own
    const project = path.join(base, 'project-checkout');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `app: ${replay}\noutput: dist\ngitops:\n  checkout: ${JSON.stringify(checkout)}\n`);

    // WHEN
    const r = await runCli(['status'], {}, project);

    // THEN it reads the checkout, and says nothing of cdk8s's output
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('payments-api');
  });

  test('warns when the checkout is "output" of cdk8s.yaml (a project made before gitops.checkout), and still works on it', async () => {
    // GIVEN the layout init used to scaffold: "output" is the checkout
    const project = path.join(base, 'project-output');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `app: ${replay}\noutput: ${JSON.stringify(checkout)}\n`);

    // WHEN
    const r = await runCli(['status'], {}, project);

    // THEN
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('payments-api');
    expect(r.stderr).toBe(
      `Warning: The checkout comes from "output" in cdk8s.yaml (${checkout}): \`npx cdk8s synth\` deletes that directory before it runs the program, ` +
        "the clone's .git, unpushed commits and pending operations with it. Name the checkout with gitops.checkout in cdk8s.yaml " +
        '(gitops: { checkout: ../platform-gitops }) and give "output" another directory, or run only cdk8s-gitops on this project.\n',
    );
  });

  test('warns when gitops.checkout reaches "output" of cdk8s.yaml through a symbolic link', async () => {
    // GIVEN gitops.checkout is a link to the directory that is also cdk8s's output
    const project = path.join(base, 'project-linked-checkout');
    fs.mkdirSync(project);
    fs.symlinkSync(checkout, path.join(project, 'linked'));
    fs.writeFileSync(
      path.join(project, 'cdk8s.yaml'),
      `app: ${replay}\noutput: ${JSON.stringify(checkout)}\ngitops:\n  checkout: linked\n`,
    );

    // WHEN
    const r = await runCli(['status'], {}, project);

    // THEN it warns as for the directory itself
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('deletes that directory before it runs the program');
  });

  test('fails when gitops.checkout in cdk8s.yaml names no directory (CG303), rather than fall back to "output"', async () => {
    // GIVEN
    const project = path.join(base, 'project-bad-checkout');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `app: ${replay}\noutput: ${JSON.stringify(checkout)}\ngitops:\n  checkout: 3\n`);

    // WHEN
    const r = await runCli(['status'], {}, project);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: \[cdk8s\.yaml\] CG303 gitops\.checkout in cdk8s\.yaml must name a directory; received 3\. Fix: /);
  });

  test('plans a first synth into a new directory whose parent exists, saying so, and writes nothing', async () => {
    // GIVEN
    const fresh = path.join(base, 'fresh');

    // WHEN
    const r = await run(['plan', '--out', fresh]);

    // THEN
    expect(r.stderr).toBe(`Note: ${fresh} does not exist yet; this is the plan of a first synth, which creates it.\n`);
    expect(r.stdout).toContain('[+] projects/prod.yaml');
    expect(r.code).toBe(2);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  test('fails when plan is given a directory whose parent does not exist either', async () => {
    // WHEN
    const r = await run(['plan', '--out', path.join(base, 'typo', 'gitops')]);

    // THEN
    expectMistake(r, 'CG313');
    expect(r.stderr).toContain('plan works on an existing checkout, or shows a first synth into a new directory whose parent exists.');
    expect(fs.existsSync(path.join(base, 'typo'))).toBe(false);
  });
});

describe('names', () => {
  test('fails when history names an unknown service, suggesting the closest, instead of "no published change"', async () => {
    // WHEN
    const r = await run(['history', 'payments-ap', '--out', checkout]);

    // THEN
    expectMistake(r, 'CG306');
    expect(r.stderr).toBe(
      'Error: CG306 No service "payments-ap": the program does not declare it and no commit names it. Did you mean "payments-api"? Fix: Name one of: payments-api.\n',
    );
  });

  test('fails when history names an unknown ring, suggesting the closest', async () => {
    // WHEN
    const r = await run(['history', 'payments-api', '--ring', 'prdo', '--out', checkout]);

    // THEN
    expectMistake(r, 'CG314');
    expect(r.stderr).toContain('No ring "prdo": the program does not declare it and no commit names it. Did you mean "prod"?');
  });

  test('shows no history, with exit code 0, for a declared service nobody published yet', async () => {
    // WHEN
    const r = await run(['history', 'payments-api', '--ring', 'prod', '--out', checkout]);

    // THEN
    expect(r.stdout).toBe(`No published change of payments-api in ring prod in ${checkout}.\n`);
    expect(r.code).toBe(0);
  });

  test('fails when promote, rollback, unhold or explain name an unknown service or ring, suggesting the closest, and writes nothing', async () => {
    // GIVEN
    const before = readTree(checkout);
    const cases: [string[], string, string][] = [
      [
        ['promote', 'paymnets-api', '--ring', 'nonprod', '--digest', `sha256:${HEX}`],
        'CG306',
        'The program has no service "paymnets-api"; it has payments-api. Did you mean "payments-api"?',
      ],
      [
        ['promote', 'payments-api', '--ring', 'nonpord', '--digest', `sha256:${HEX}`],
        'CG605',
        'Ring "nonpord" is not declared for payments-api; the program declares "nonprod", "prod-canary", "prod". Did you mean "nonprod"?',
      ],
      [['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canry'], 'CG605', 'Did you mean "prod-canary"'],
      [['rollback', 'payments-api', '--ring', 'prdo', '--previous', '--reason', 'x'], 'CG605', 'Did you mean "prod"?'],
      [['unhold', 'payment-api', '--ring', 'prod'], 'CG306', 'Did you mean "payments-api"?'],
      [
        ['unhold', 'payments-api', '--ring', 'Prod'],
        'CG605',
        'The ledger of payments-api has no ring "Prod"; it has "nonprod", "prod-canary", "prod". Did you mean "prod"?',
      ],
      [['explain', 'payments-apii'], 'CG306', 'The program has no Application or service "payments-apii". Did you mean "payments-api"?'],
    ];

    // WHEN
    const results = await inBatches(
      cases.map(
        ([args]) =>
          () =>
            run([...args, '--out', checkout]),
      ),
      1,
    ); // one at a time: each takes the checkout's lock

    // THEN
    results.forEach((r, i) => {
      expectMistake(r, cases[i][1]);
      expect(r.stderr).toContain(cases[i][2]);
    });
    expect(treeDiff(before, readTree(checkout))).toEqual([]);
  }, 60_000);
});

describe('commands and flags', () => {
  test('fails when a command is misspelt, suggesting the closest', async () => {
    // WHEN
    const r = await runCli(['snyth']);

    // THEN
    expectMistake(r, 'CG311');
    expect(r.stderr).toBe(
      'Error: CG311 Unknown command "snyth". Did you mean synth? Fix: Run `cdk8s-gitops --help` to list the commands: ' +
        'init, synth, plan, preview, check, status, explain, promote, rollback, unhold, publish, history, wait.\n',
    );
  });

  test('fails when a flag is misspelt, suggesting the closest and printing the usage line, and writes nothing', async () => {
    // GIVEN
    const before = readTree(checkout);

    // WHEN
    const r = await run(['promote', 'payments-api', '--ring', 'nonprod', '--digset', `sha256:${HEX}`, '--out', checkout]);

    // THEN
    expectMistake(r, 'CG301');
    expect(r.stderr.split('\n')).toEqual([
      'Error: CG301 Unknown option --digset for promote. Did you mean --digest? Fix: Run `cdk8s-gitops promote --help` to see its options.',
      'Usage: cdk8s-gitops promote <service> --ring RING (--digest [IMAGE=]sha256:… [--chart-revision R | --chart-version V] | --from RING) [--approved-by NAME] [--by NAME] [--app CMD | --no-program] [--timeout T] [--out DIR] [--repository URL] [--publish [--branch [NAME]] [--remote NAME]] [--allow-remove APP]… [--verbose] [--format text|json]',
      '',
    ]);
    expect(treeDiff(before, readTree(checkout))).toEqual([]);
  });

  test('fails when a flag that takes a value has none, in plain words', async () => {
    // WHEN (the --app the test adds follows --ring)
    const r = await run(['history', 'payments-api', '--out', checkout, '--ring']);
    const last = await runCli(['history', 'payments-api', '--out', checkout, '--ring']);
    const flag = await runCli(['history', 'payments-api', '--out', checkout, '--limit=2', '--format=json', '--ring=prod', '--help=yes']);

    // THEN
    expectMistake(r, 'CG301');
    expect(r.stderr).toContain('Error: CG301 history: --ring needs a value, but is followed by another option. Fix:');
    expect(r.stderr).toContain('\nUsage: cdk8s-gitops history [<service>]');
    expectMistake(last, 'CG301');
    expect(last.stderr).toContain('Error: CG301 history: --ring needs a value. Fix:');
    expectMistake({ ...flag, stdout: '' }, 'CG301');
    expect(flag.stderr).toContain('Error: CG301 history: --help takes no value. Fix:');
    // AND with --format=json, stdout holds the error as JSON
    expect(JSON.parse(flag.stdout).error).toMatchObject({ code: 'CG301', problems: [{ message: 'history: --help takes no value.' }] });
  });
});

describe('digests', () => {
  test('fails when a digest lacks its sha256: prefix, suggesting it, and writes nothing', async () => {
    // GIVEN
    const before = readTree(checkout);

    // WHEN
    const r = await run(['promote', 'payments-api', '--ring', 'nonprod', '--digest', HEX, '--out', checkout]);

    // THEN
    expectMistake(r, 'CG608');
    expect(r.stderr).toContain(
      `Cannot promote "${HEX}" into "nonprod": it looks like a digest without its algorithm; write it as sha256:${HEX}. Fix:`,
    );
    expect(r.stderr).not.toContain('is a tag');
    expect(treeDiff(before, readTree(checkout))).toEqual([]);
  });
});

describe('output into a closed pipe', () => {
  /** Runs the CLI with its stdout (and stderr if asked) closed by the reader before anything is written. */
  function withClosedPipe(args: readonly string[], closeStderr = false): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stdout.destroy();
      if (closeStderr) child.stderr.destroy();
      else
        child.stderr.on('data', (d) => {
          stderr += d;
        });
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  test("ends quietly with the command's own exit code when the reader goes away (preview | head -1)", async () => {
    // WHEN
    const [preview, plan, check] = await Promise.all([
      withClosedPipe(['preview', '--out', checkout, '--format', 'yaml']),
      withClosedPipe(['plan', '--out', checkout, '--app', replay]),
      withClosedPipe(['check', '--out', path.join(base, 'fresh-2'), '--app', replay], true),
    ]);

    // THEN
    expect(preview).toEqual({ code: 0, stderr: '' });
    expect(plan).toEqual({ code: 0, stderr: '' });
    expect(check.code).toBe(1);
  }, 60_000);

  test('prints only the first line into head -1 and nothing on stderr', () => {
    // WHEN
    const out = execFileSync(
      'bash',
      ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" preview --out "${checkout}" --format yaml 2>"${base}/stderr" | head -1`],
      { encoding: 'utf8' },
    );

    // THEN
    expect(out).toBe('apiVersion: argoproj.io/v1alpha1\n');
    expect(fs.readFileSync(path.join(base, 'stderr'), 'utf8')).toBe('');
  });
});
