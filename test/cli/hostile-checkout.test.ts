/**
 * The GitOps checkout is untrusted input: anyone who can push may put symbolic links, edited
 * manifests, planted journals and ledgers there, and commands may run at once or be killed.
 * Each test plants one such thing and drives the CLI, then compares the checkout, and a
 * directory outside it, byte for byte with what they were.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { buildTree } from '../../src/workspace/build';
import { contentHash } from '../../src/synth/file-tree';
import { PlatformModel } from '../../src/model/platform-model';
import { runRelease } from '../../src/workspace/release-operations';
import { writeTree } from '../../src/workspace/checkout/writer';
import { Sandbox } from '../git/sandbox';
import { hashTree } from '../support/hash-tree';
import { runCli } from '../support/tree';

const D2 = `sha256:${'b'.repeat(64)}`;
const NONPROD_AWS = 'environments/nonprod/aws';
const LEDGER = 'releases/payments-api.yaml';

let root: string;
let model: PlatformModel;
let replay: string;
let seed: string;
let n = 0;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-hostile-'));
  model = paymentsPlatform().snapshot();
  const file = path.join(root, 'model.json');
  fs.writeFileSync(file, JSON.stringify({ model }));
  replay = `cp ${JSON.stringify(file)} "$CDK8S_GITOPS_MODEL_OUT"`;
  seed = path.join(root, 'seed');
  writeTree(buildTree(model, seed), seed);
  fs.writeFileSync(path.join(seed, 'README.md'), '# platform-gitops\n');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A fresh copy of the synthesized example, and an empty directory outside it. */
function checkout(): { dir: string; outside: string } {
  const dir = path.join(root, `checkout-${++n}`);
  const outside = path.join(root, `outside-${n}`);
  fs.cpSync(seed, dir, { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'precious.txt'), 'not yours\n');
  return { dir, outside };
}

/** The files of the synthesized example, by path, as text: what a repository of it holds. */
function seedFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.keys(hashTree(seed))
      .filter((p) => fs.statSync(path.join(seed, p)).isFile())
      .map((p) => [p, fs.readFileSync(path.join(seed, p), 'utf8')]),
  );
}

/** Replaces the directory `rel` of `dir` by a link to a copy of it at `target`. */
function linkDirectory(dir: string, rel: string, target: string): void {
  fs.cpSync(path.join(dir, rel), target, { recursive: true });
  fs.rmSync(path.join(dir, rel), { recursive: true });
  fs.symlinkSync(target, path.join(dir, rel));
}

function cli(dir: string, ...args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '--out', dir, '--app', replay]);
}

function manifestOf(dir: string): any {
  return JSON.parse(fs.readFileSync(path.join(dir, '.cdk8s-gitops/manifest.json'), 'utf8'));
}

function writeManifest(dir: string, manifest: any): void {
  fs.writeFileSync(path.join(dir, '.cdk8s-gitops/manifest.json'), JSON.stringify(manifest, null, 2));
}

/** `it` where the process table can be read (`/proc`), else `it.skip`. */
const withProcessTable = fs.existsSync('/proc/self/cwd') ? it : it.skip;

/** A pid that no process has: a child that already exited. */
function deadPid(): number {
  const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child);
}

describe('symbolic links in the checkout', () => {
  it('fails when a cloud directory is a link out of the checkout, and promote writes nothing there', async () => {
    // GIVEN environments/nonprod/aws points outside
    const { dir, outside } = checkout();
    linkDirectory(dir, NONPROD_AWS, path.join(outside, 'aws'));
    const before = { dir: hashTree(dir), outside: hashTree(outside) };

    // WHEN
    const r = await cli(dir, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`[${NONPROD_AWS}] CG408 ${NONPROD_AWS} is a symbolic link`);
    expect(hashTree(outside)).toEqual(before.outside);
    expect(hashTree(dir)).toEqual(before.dir);
  });

  it('fails when owned files sit below a linked directory, and synth deletes nothing through it', async () => {
    // GIVEN a link to a directory outside, and manifest entries (with the right hashes) below it
    const { dir, outside } = checkout();
    fs.writeFileSync(path.join(outside, 'a.yaml'), 'a: 1\n');
    fs.writeFileSync(path.join(outside, 'precious.yaml'), 'not: yours\n');
    fs.symlinkSync(outside, path.join(dir, 'environments/cache'));
    const manifest = manifestOf(dir);
    for (const f of ['a.yaml', 'precious.yaml']) {
      manifest.files[`environments/cache/${f}`] = { sha256: contentHash(fs.readFileSync(path.join(outside, f), 'utf8')), key: 'x' };
    }
    delete manifest.inputs;
    writeManifest(dir, manifest);
    const before = { dir: hashTree(dir), outside: hashTree(outside) };

    // WHEN
    const r = await cli(dir, 'synth');

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CG408 environments/cache is a symbolic link');
    expect(hashTree(outside)).toEqual(before.outside);
    expect(hashTree(dir)).toEqual(before.dir);
  });

  it('fails when .cdk8s-gitops is a link, and promote leaves the directory it points to alone', async () => {
    // GIVEN .cdk8s-gitops points at a directory of someone else, with a transaction directory in it
    const { dir, outside } = checkout();
    linkDirectory(dir, '.cdk8s-gitops', path.join(outside, 'state'));
    fs.mkdirSync(path.join(outside, 'state/transaction/files'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'state/transaction/files/keep.txt'), 'mine\n');
    const before = { dir: hashTree(dir), outside: hashTree(outside) };

    // WHEN
    const r = await cli(dir, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CG408 .cdk8s-gitops is a symbolic link');
    expect(hashTree(outside)).toEqual(before.outside);
    expect(hashTree(dir)).toEqual(before.dir);
  });

  it('fails when a pushed link to .git comes with a committed journal, and promote --publish in a fresh clone leaves .git/config alone', async () => {
    // GIVEN a repository whose history holds environments/cache -> ../.git and a journal that
    // moves a file with an fsmonitor command onto environments/cache/config
    const sandbox = Sandbox.create({
      ...seedFiles(),
      '.cdk8s-gitops/transaction/files/0': '[core]\n\tfsmonitor = "touch /tmp/cdk8s-gitops-pwned"\n',
      '.cdk8s-gitops/transaction/journal.json': JSON.stringify({
        owner: '1:1',
        writes: [{ staged: '.cdk8s-gitops/transaction/files/0', target: 'environments/cache/config' }],
        deletes: ['README.md'],
      }),
    });
    try {
      const pusher = sandbox.clone('attacker');
      fs.symlinkSync('../.git', path.join(pusher, 'environments/cache'));
      sandbox.git(pusher, 'add', '--all');
      sandbox.git(pusher, 'commit', '--quiet', '-m', 'Add a cache');
      sandbox.git(pusher, 'push', '--quiet', 'origin', 'main');
      const clone = sandbox.clone('ci');
      const config = fs.readFileSync(path.join(clone, '.git/config'), 'utf8');
      const before = hashTree(clone, ['.git']);

      // WHEN
      const r = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish');

      // THEN
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/CG41[2] |CG408 /);
      expect(fs.readFileSync(path.join(clone, '.git/config'), 'utf8')).toBe(config);
      expect(hashTree(clone, ['.git'])).toEqual(before);
      expect(sandbox.remoteLog()[0]).toBe('Add a cache');
    } finally {
      sandbox.cleanup();
    }
  });

  it("never runs a program the checkout's Git configuration names (core.fsmonitor), whatever the command", async () => {
    // GIVEN a clone whose configuration names a program for git to run on every index read, and
    // an owned file edited by hand and not committed (synth asks Git whether the edit would be lost)
    const sandbox = Sandbox.create(seedFiles());
    try {
      const clone = sandbox.clone('ci');
      const witness = path.join(root, `fsmonitor-ran-${n}`);
      sandbox.git(clone, 'config', 'core.fsmonitor', `touch ${witness}; echo`);
      const values = path.join(clone, `${NONPROD_AWS}/eu-central-1-01/payments-api/values.yaml`);
      const text = fs.readFileSync(values, 'utf8');
      fs.appendFileSync(values, '# edited\n');

      // WHEN every command that reads the checkout runs in it
      const edited = [await cli(clone, 'synth'), await cli(clone, 'plan'), await cli(clone, 'check')];
      // (put back without git, which would run the program itself)
      fs.writeFileSync(values, text);
      const clean = [
        await cli(clone, 'status'),
        await runCli(['preview', '--out', clone]),
        await cli(clone, 'history'),
        await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish'),
      ];

      // THEN each ran (the edit was found, the promotion pushed) and the program never did
      expect(edited.map((r) => r.code)).toEqual([1, 2, 2]);
      expect(edited[0].stderr).toContain('CG409');
      expect(clean.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      expect(sandbox.remoteLog()[0]).toContain('payments-api');
      expect(fs.existsSync(witness)).toBe(false);
    } finally {
      sandbox.cleanup();
    }
  });

  it('works in the checkout it is given when git variables name another repository, as in a hook of that one', async () => {
    // GIVEN the GitOps clone, and the platform's program repository with a remote of its own,
    // whose hook would run the CLI with GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE naming it
    const gitops = Sandbox.create(seedFiles());
    const program = Sandbox.create();
    try {
      const clone = gitops.clone('ci');
      const repo = program.clone('program');
      const before = { repo: hashTree(repo), log: program.remoteLog() };
      const hook = { GIT_DIR: path.join(repo, '.git'), GIT_WORK_TREE: repo, GIT_INDEX_FILE: path.join(repo, '.git', 'index') };

      // WHEN
      const synth = await runCli(['synth', '--out', clone, '--app', replay], hook);
      const promote = await runCli(
        ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--out', clone, '--app', replay, '--publish'],
        hook,
      );

      // THEN the promotion is pushed to the GitOps remote, and the program's repository is as it was
      expect([synth.code, promote.code]).toEqual([0, 0]);
      expect(gitops.remoteLog()[0]).toContain('payments-api');
      expect(gitops.remoteFile(LEDGER)).toContain(D2);
      expect(hashTree(repo)).toEqual(before.repo);
      expect(program.remoteLog()).toEqual(before.log);
    } finally {
      gitops.cleanup();
      program.cleanup();
    }
  });

  it('fails when a ledger is a link to a secret, and never prints what the secret holds', async () => {
    // GIVEN the ledger points at a file of environment variables
    const { dir, outside } = checkout();
    fs.writeFileSync(path.join(outside, 'environ'), 'CI_JOB_TOKEN=glpat-s3cr3t-t0ken\nHOME=/root\n');
    fs.rmSync(path.join(dir, LEDGER));
    fs.symlinkSync(path.join(outside, 'environ'), path.join(dir, LEDGER));

    // WHEN
    const results = [await cli(dir, 'plan', '--format', 'markdown'), await cli(dir, 'status'), await cli(dir, 'check')];

    // THEN
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`CG408 ${LEDGER} is a symbolic link`);
      expect(r.stdout + r.stderr).not.toContain('s3cr3t');
    }
  });

  it('fails when a ledger is not a regular file', async () => {
    // GIVEN a directory where the ledger belongs
    const { dir } = checkout();
    fs.rmSync(path.join(dir, LEDGER));
    fs.mkdirSync(path.join(dir, LEDGER));

    // WHEN
    const r = await cli(dir, 'status');

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`CG402 ${LEDGER} is a directory`);
  });

  it('quotes no more than a short value of a malformed ledger in its error', async () => {
    // GIVEN a ledger that is one long line of text
    const { dir } = checkout();
    const secret = `token-${'z'.repeat(200)}`;
    fs.writeFileSync(path.join(dir, LEDGER), `${secret}\n`);

    // WHEN
    const r = await cli(dir, 'plan', '--format', 'markdown');

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CG202');
    expect(r.stderr).toContain(`received a string of ${secret.length} characters`);
    expect(r.stdout + r.stderr).not.toContain('zzzzzzzzzz');
  });
});

describe('a checkout inside another tree', () => {
  it.each([['environments'], ['.git'], ['.git/cdk8s-gitops']])(
    'refuses --out %s of a checkout (CG428), and writes nothing',
    async (inside) => {
      // GIVEN a synthesized checkout, in Git
      const { dir } = checkout();
      execFileSync('git', ['init', '--quiet', dir]);
      const before = hashTree(dir);

      // WHEN a tree is written into a directory inside it
      const r = await cli(path.join(dir, inside), 'synth');

      // THEN it is refused, and nothing was written
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG428 --out ');
      expect(r.stderr).toContain(
        inside.startsWith('.git') ? 'is inside a Git directory (.git)' : `is inside ${dir}, a tree cdk8s-gitops wrote`,
      );
      expect(hashTree(dir)).toEqual(before);
    },
  );

  it("refuses --out of a platform program's project whose cdk8s.yaml names its checkout elsewhere (CG428)", async () => {
    // GIVEN a program's project, whose cdk8s.yaml names the GitOps checkout beside it
    const project = path.join(root, `project-${++n}`);
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'app: npx tsx platform.ts\ngitops:\n  checkout: ../platform-gitops\n');
    const before = hashTree(project);

    // WHEN synth is pointed at the project itself
    const r = await cli(project, 'synth');

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `is a platform program's project: its cdk8s.yaml names the GitOps checkout ${path.join(root, 'platform-gitops')}.`,
    );
    expect(hashTree(project)).toEqual(before);
  });
});

describe('the manifest and the journal are checked before they are acted on', () => {
  it('keeps owned files whose content changed instead of deleting them, and says so', async () => {
    // GIVEN a YAML file of the user's, and a manifest that claims it (with another hash) and changed inputs
    const { dir } = checkout();
    fs.writeFileSync(path.join(dir, 'notes.yaml'), 'kept: by hand\n');
    const manifest = manifestOf(dir);
    manifest.files['notes.yaml'] = { sha256: contentHash('something else\n'), key: 'x' };
    delete manifest.inputs;
    writeManifest(dir, manifest);

    // WHEN
    const first = await cli(dir, 'synth');
    const second = await cli(dir, 'synth');

    // THEN notes.yaml stays, and is no longer claimed
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Kept 1 file the program no longer generates');
    expect(first.stderr).toContain('    notes.yaml');
    expect(fs.readFileSync(path.join(dir, 'notes.yaml'), 'utf8')).toBe('kept: by hand\n');
    expect(manifestOf(dir).files['notes.yaml']).toBeUndefined();
    expect(second).toMatchObject({ code: 0, stderr: '' });
  });

  it('never deletes a file of the user that a manifest edited by hand claims with its very content', async () => {
    // GIVEN a YAML file of the user's, never committed, and a manifest edited by hand to claim it, with its hash
    const { dir } = checkout();
    fs.mkdirSync(path.join(dir, 'ci'));
    fs.writeFileSync(path.join(dir, 'ci/pipeline.yaml'), 'stages: [build, deploy]\n');
    const manifest = manifestOf(dir);
    manifest.files['ci/pipeline.yaml'] = { sha256: contentHash('stages: [build, deploy]\n'), key: '0'.repeat(40) };
    writeManifest(dir, manifest);

    // WHEN
    const first = await cli(dir, 'synth');
    const second = await cli(dir, 'synth');

    // THEN the file stays, is given up by the manifest, and is said to be kept
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain('[-] ci/pipeline.yaml');
    expect(first.stderr).toContain('Kept 1 file the program no longer generates');
    expect(first.stderr).toContain('    ci/pipeline.yaml');
    expect(fs.readFileSync(path.join(dir, 'ci/pipeline.yaml'), 'utf8')).toBe('stages: [build, deploy]\n');
    expect(manifestOf(dir).files['ci/pipeline.yaml']).toBeUndefined();
    expect(second).toMatchObject({ code: 0, stderr: '' });
  });

  it.each([['.github/workflows/ci.yml'], ['.gitignore'], ['.git/config'], ['../outside.txt'], ['README.md']])(
    'fails when the manifest claims %s, and deletes nothing',
    async (claimed) => {
      // GIVEN
      const { dir } = checkout();
      fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
      fs.writeFileSync(path.join(dir, '.github/workflows/ci.yml'), 'on: push\n');
      fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
      const manifest = manifestOf(dir);
      manifest.files[claimed] = { sha256: contentHash('on: push\n'), key: 'x' };
      delete manifest.inputs;
      writeManifest(dir, manifest);
      const before = hashTree(dir);

      // WHEN
      const r = await cli(dir, 'synth');

      // THEN
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG401');
      expect(hashTree(dir)).toEqual(before);
    },
  );

  it('does not wedge on a manifest entry that names a directory', async () => {
    // GIVEN a directory whose name is that of a YAML file, claimed by the manifest
    const { dir } = checkout();
    fs.mkdirSync(path.join(dir, 'environments/nonprod.yaml'));
    fs.writeFileSync(path.join(dir, 'environments/nonprod.yaml/notes.md'), 'kept by hand\n');
    const manifest = manifestOf(dir);
    manifest.files['environments/nonprod.yaml'] = { sha256: contentHash('x'), key: 'x' };
    delete manifest.inputs;
    writeManifest(dir, manifest);
    const values = hashTree(path.join(dir, 'environments'));

    // WHEN
    const first = await cli(dir, 'synth');
    const second = await cli(dir, 'synth');

    // THEN
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('    environments/nonprod.yaml');
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(hashTree(path.join(dir, 'environments'))).toEqual(values);
  });

  it('fails when a journal was not written in this checkout, and replays nothing', async () => {
    // GIVEN a journal copied in from elsewhere that would create a workflow and delete the README
    const { dir } = checkout();
    const tx = path.join(dir, '.cdk8s-gitops/transaction');
    fs.mkdirSync(path.join(tx, 'files'), { recursive: true });
    fs.writeFileSync(path.join(tx, 'files/0'), 'on: push\njobs: {}\n');
    fs.writeFileSync(
      path.join(tx, 'journal.json'),
      JSON.stringify({
        owner: '1:2',
        writes: [{ staged: '.cdk8s-gitops/transaction/files/0', target: 'workflows/ci.yml' }],
        deletes: ['README.md'],
      }),
    );
    const before = hashTree(dir);

    // WHEN
    const r = await cli(dir, 'synth');

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CG412 The journal in .cdk8s-gitops/transaction was not written in this checkout');
    expect(hashTree(dir)).toEqual(before);
  });

  it('fails when Git tracks the transaction directory', async () => {
    // GIVEN a repository with a committed, well-formed transaction
    const sandbox = Sandbox.create({
      'README.md': '# platform-gitops\n',
      '.cdk8s-gitops/transaction/files/0': 'x\n',
    });
    try {
      const clone = sandbox.clone('ci');
      const before = hashTree(clone, ['.git']);

      // WHEN
      const r = await cli(clone, 'synth');

      // THEN
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG412 Git tracks files in .cdk8s-gitops/transaction');
      expect(hashTree(clone, ['.git'])).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when an owned file was edited by hand and a release would replace it, and writes nothing', async () => {
    // GIVEN a hand edit of a values file that the promotion rewrites
    const { dir } = checkout();
    const values = path.join(dir, NONPROD_AWS, 'eu-central-1-01/payments-api/values.yaml');
    fs.appendFileSync(values, 'replicaCount: 9\n');
    const before = hashTree(dir);

    // WHEN
    const r = await cli(dir, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `CG409 "${NONPROD_AWS}/eu-central-1-01/payments-api/values.yaml" was changed by hand since cdk8s-gitops wrote it, the change is not committed`,
    );
    expect(hashTree(dir)).toEqual(before);
  });
});

describe('one writer at a time', () => {
  it('fails when another live command holds the lock, naming it, and writes nothing', async () => {
    // GIVEN a live process holding the lock
    const { dir } = checkout();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const started = new Date(Date.now() + 1000).toISOString();
    try {
      fs.writeFileSync(
        path.join(dir, '.cdk8s-gitops/lock'),
        JSON.stringify({ pid: holder.pid, host: os.hostname(), command: 'promote payments-api', started }),
      );
      const before = hashTree(dir);

      // WHEN
      const results = [
        await cli(dir, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2),
        await cli(dir, 'plan'),
        await cli(dir, 'status'),
      ];

      // THEN
      for (const r of results) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`CG410 "cdk8s-gitops promote payments-api" (process ${holder.pid}, since ${started}) is writing`);
      }
      expect(hashTree(dir)).toEqual(before);
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock whose process id now belongs to a process started after the lock was taken', async () => {
    // GIVEN a lock of a command long gone, whose process id a live process has got again
    const { dir } = checkout();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(
        path.join(dir, '.cdk8s-gitops/lock'),
        JSON.stringify({ pid: other.pid, host: os.hostname(), command: 'synth', started: '2026-01-01T00:00:00.000Z' }),
      );

      // WHEN
      const r = await cli(dir, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);

      // THEN
      expect(r.stderr).toBe(`Note: took over the lock of an interrupted cdk8s-gitops synth (process ${other.pid}, gone).\n`);
      expect(r.code).toBe(0);
      expect(fs.readFileSync(path.join(dir, LEDGER), 'utf8')).toContain(D2);
    } finally {
      other.kill();
    }
  });

  it('never writes through a link planted where the lock is prepared, and leaves no lock behind', async () => {
    // GIVEN links to a file outside, at every name lock.<pid>.tmp the next processes could have
    const { dir, outside } = checkout();
    const victim = path.join(outside, 'precious.txt');
    const next = deadPid();
    for (let pid = next; pid < next + 2000; pid++) fs.symlinkSync(victim, path.join(dir, `.cdk8s-gitops/lock.${pid}.tmp`));
    const before = hashTree(outside);

    // WHEN
    const r = await cli(dir, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);

    // THEN the file outside is untouched, and the lock is gone
    expect(r.code).toBe(0);
    expect(hashTree(outside)).toEqual(before);
    expect(fs.existsSync(path.join(dir, '.cdk8s-gitops/lock'))).toBe(false);
    expect((await cli(dir, 'plan')).code).toBe(0);
  });

  it('takes over the lock of a process that is gone, and says so in one line', async () => {
    // GIVEN a lock left by a killed promote
    const { dir } = checkout();
    const pid = deadPid();
    fs.writeFileSync(
      path.join(dir, '.cdk8s-gitops/lock'),
      JSON.stringify({ pid, host: os.hostname(), command: 'promote payments-api', started: '2026-11-22T09:59:00.000Z' }),
    );

    // WHEN
    const r = await cli(dir, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);

    // THEN
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`Note: took over the lock of an interrupted cdk8s-gitops promote payments-api (process ${pid}, gone).\n`);
    expect(fs.existsSync(path.join(dir, '.cdk8s-gitops/lock'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, LEDGER), 'utf8')).toContain(D2);
  });

  it('gives two synths into one checkout at once a whole tree: each finishes or is refused', async () => {
    const expected = hashTree(seed, ['README.md']);
    for (let round = 0; round < 4; round++) {
      // GIVEN an empty directory
      const dir = path.join(root, `race-${round}`);

      // WHEN two synths start together
      const results = await Promise.all([cli(dir, 'synth'), cli(dir, 'synth')]);

      // THEN each wrote the whole tree or was refused with CG410, and the tree is whole
      for (const r of results) {
        if (r.code !== 0) expect(r.stderr).toContain('CG410');
      }
      expect(results.some((r) => r.code === 0)).toBe(true);
      expect(hashTree(dir)).toEqual(expected);
    }
  });
});

describe('what a killed command leaves behind', () => {
  it('fails when a read-only command finds a half-written tree, instead of reporting phantom changes', async () => {
    // GIVEN a promotion killed after its commit point
    const { dir } = checkout();
    const tree = runRelease(
      model,
      dir,
      { kind: 'promote', service: 'payments-api', ring: 'nonprod', digest: D2 },
      { by: 'ci', now: new Date('2026-11-22T10:00:00Z') },
    ).tree;
    expect(() =>
      writeTree(tree, dir, {
        onApply: (i) => {
          if (i === 1) throw new Error('killed');
        },
      }),
    ).toThrow();

    // WHEN
    const results = [await cli(dir, 'plan'), await cli(dir, 'check'), await cli(dir, 'status'), await runCli(['preview', '--out', dir])];

    // THEN
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG411 A write into');
    }
    // AND the next writing command completes it
    expect((await cli(dir, 'synth')).code).toBe(0);
    expect((await cli(dir, 'plan')).code).toBe(0);
  });

  describe('with a remote', () => {
    let sandbox: Sandbox;
    beforeEach(() => {
      sandbox = Sandbox.create(seedFiles());
    });
    afterEach(() => sandbox.cleanup());

    it('refuses to publish a checkout that is a directory inside a clone, not its top (CG525), and pushes nothing', async () => {
      // GIVEN a tree synthesized into a directory of a clone (a typo, or the default "dist" of a program's own repository)
      const other = Sandbox.create();
      try {
        const clone = other.clone('ci');
        const inside = path.join(clone, 'gitops');
        expect((await cli(inside, 'synth')).code).toBe(0);
        const remote = other.git(other.remote, 'rev-parse', 'main');

        // WHEN it is published, or a promotion in it
        const results = [
          await cli(inside, 'publish'),
          await cli(inside, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish'),
        ];

        // THEN both are refused, naming the directory and the fix, and the remote is as it was
        for (const r of results) {
          expect(r.code).toBe(1);
          expect(r.stderr).toContain(`CG525 "${inside}" is the directory gitops of the clone "${fs.realpathSync(clone)}", not its top`);
          expect(r.stderr).toContain('Fix: Publish from the top of a clone of the GitOps repository');
        }
        expect(other.git(other.remote, 'rev-parse', 'main')).toBe(remote);
      } finally {
        other.cleanup();
      }
    });

    it.each([['.git/cdk8s-gitops'], ['.cdk8s-gitops/lock']])(
      'names a link at %s, where cdk8s-gitops keeps state of its own, with a fix that does not commit it',
      async (rel) => {
        // GIVEN a link where cdk8s-gitops keeps its own state, pointing outside
        const clone = sandbox.clone('ci');
        const outside = path.join(sandbox.root, 'outside');
        fs.mkdirSync(outside);
        fs.rmSync(path.join(clone, rel), { recursive: true, force: true });
        fs.symlinkSync(outside, path.join(clone, rel));

        // WHEN
        const r = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);

        // THEN it is refused, named as the work tree names it, and the fix removes the link
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`CG408 ${rel} is a symbolic link`);
        expect(r.stderr).toContain(
          `Fix: Remove the link (rm ${rel}): it stands where cdk8s-gitops keeps state of its own, which Git does not track; then run again.`,
        );
        expect(fs.readdirSync(outside)).toEqual([]);
      },
    );

    it('publishes a release made for a merge-request branch there only, after a publish that did not finish, and from the branch it was made on', async () => {
      // GIVEN a promote --publish --branch whose publish failed (the remote unreachable), so the promotion is pending
      const clone = sandbox.clone('ci');
      const remote = sandbox.git(clone, 'remote', 'get-url', 'origin');
      sandbox.git(clone, 'remote', 'set-url', 'origin', path.join(sandbox.root, 'unreachable.git'));
      const made = await cli(
        clone,
        'promote',
        'payments-api',
        '--ring',
        'nonprod',
        '--digest',
        D2,
        '--publish',
        '--branch',
        'review/nonprod',
      );
      expect(made.code).toBe(1);
      expect(made.stderr).toContain('`cdk8s-gitops publish` publishes it to branch review/nonprod');
      sandbox.git(clone, 'remote', 'set-url', 'origin', remote);
      // AND the checkout left on that branch, as a publish killed after it moved there leaves it
      sandbox.git(clone, 'switch', '--quiet', '--create', 'review/nonprod');
      const main = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      // WHEN another branch is named, the publish is refused
      const other = await cli(clone, 'publish', '--branch', 'elsewhere');
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('CG526 Pending operations of this checkout were made for branch review/nonprod (--publish --branch)');

      // WHEN a plain publish runs
      const r = await cli(clone, 'publish');

      // THEN it goes back to main and publishes the promotion to the merge-request branch, not to main
      expect(r.stderr).toContain(
        'Note: Switched back to branch main: an interrupted publish to review/nonprod left the checkout on that branch.',
      );
      expect(r.stderr).toContain('was made for branch review/nonprod; published there.');
      expect(r.code).toBe(0);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(main);
      expect(sandbox.git(sandbox.remote, 'show', `review/nonprod:${LEDGER}`)).toContain(D2);
      expect(sandbox.git(clone, 'branch', '--show-current')).toBe('main');
    });

    it('names a lock committed to the repository as such, with the fix, and writes nothing', async () => {
      // GIVEN a lock of a command on another machine, committed by mistake
      const clone = sandbox.clone('ci');
      fs.writeFileSync(
        path.join(clone, '.cdk8s-gitops/lock'),
        JSON.stringify({ pid: 4242, host: 'laptop', command: 'promote payments-api', started: '2026-11-22T13:00:00.000Z' }),
      );
      sandbox.git(clone, 'add', '.cdk8s-gitops/lock');
      sandbox.git(clone, 'commit', '--quiet', '-m', 'wip');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'HEAD');
      const before = hashTree(clone);

      // WHEN
      const results = [await cli(clone, 'check'), await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2)];

      // THEN
      for (const r of results) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`CG410 .cdk8s-gitops/lock is committed to the repository of ${clone}`);
        expect(r.stderr).toContain('Fix: Remove it from the repository (git rm .cdk8s-gitops/lock), commit that, and run again.');
      }
      expect(hashTree(clone)).toEqual(before);

      // AND after the fix, the promotion publishes
      sandbox.git(clone, 'rm', '--quiet', '.cdk8s-gitops/lock');
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Remove the lock');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'HEAD');
      const r = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(sandbox.remoteFile(LEDGER)).toContain(D2);
    });

    // Whether a git command holds it is told from /proc: elsewhere the lock is left, and said so.
    withProcessTable('removes the index.lock of a killed publish, says so, and publishes', async () => {
      // GIVEN the lock of a killed promote --publish, and git's index.lock made while it ran
      const clone = sandbox.clone('ci');
      const pid = deadPid();
      fs.writeFileSync(
        path.join(clone, '.cdk8s-gitops/lock'),
        JSON.stringify({ pid, host: os.hostname(), command: 'promote payments-api', started: new Date(Date.now() - 60_000).toISOString() }),
      );
      fs.writeFileSync(path.join(clone, '.git/index.lock'), '');

      // WHEN
      const r = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish');

      // THEN
      expect(r.stderr).toContain('Note: Removed .git/index.lock left by the interrupted cdk8s-gitops promote payments-api.\n');
      expect(r.code).toBe(0);
      expect(sandbox.remoteFile(LEDGER)).toContain(D2);
    });

    withProcessTable(
      "leaves the index.lock of a git command running in the checkout now, though a killed publish's lock is taken over",
      async () => {
        // GIVEN the lock of a killed promote --publish, and a commit of the user's waiting for its editor, holding index.lock
        const clone = sandbox.clone('ci');
        fs.writeFileSync(
          path.join(clone, '.cdk8s-gitops/lock'),
          JSON.stringify({
            pid: deadPid(),
            host: os.hostname(),
            command: 'promote payments-api',
            started: new Date(Date.now() - 60_000).toISOString(),
          }),
        );
        fs.writeFileSync(path.join(clone, 'NOTES.md'), 'notes\n');
        sandbox.git(clone, 'add', 'NOTES.md');
        sandbox.git(clone, 'commit', '--quiet', '-m', 'notes');
        fs.appendFileSync(path.join(clone, 'NOTES.md'), 'more\n');
        const editing = spawn('git', ['commit', '--quiet', '-a'], {
          cwd: clone,
          env: { ...process.env, GIT_EDITOR: 'sleep 60 #' },
          stdio: 'ignore',
        });
        try {
          const lock = path.join(clone, '.git/index.lock');
          for (let i = 0; i < 100 && !fs.existsSync(lock); i++) await new Promise((resolve) => setTimeout(resolve, 50));
          expect(fs.existsSync(lock)).toBe(true);

          // WHEN
          const r = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish');

          // THEN the lock is left to the git command that holds it, and said so
          expect(r.stderr).toContain(
            `Note: Left .git/index.lock in place: a git command runs in the checkout (pid ${editing.pid}); remove it once no git command runs there.`,
          );
          expect(fs.existsSync(lock)).toBe(true);
          expect(sandbox.remoteFile(LEDGER)).not.toContain(D2);
        } finally {
          editing.kill('SIGKILL');
        }
      },
    );

    it('drops its own commit that a killed publish never pushed, says so, and publishes', async () => {
      // GIVEN a commit of a publish, killed before its push
      const clone = sandbox.clone('ci');
      sandbox.git(clone, 'commit', '--quiet', '--allow-empty', '-m', 'Promote payments-api to nonprod\n\nCdk8s-Gitops-Operation: promote');
      const orphan = sandbox.git(clone, 'rev-parse', 'HEAD');

      // WHEN
      const r = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish');

      // THEN
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `Note: Dropped 1 unpushed commit of an interrupted publish (${orphan.slice(0, 8)}); it never reached "origin".`,
      );
      expect(sandbox.git(sandbox.remote, 'log', '--format=%H', 'main')).not.toContain(orphan);
      expect(sandbox.remoteFile(LEDGER)).toContain(D2);
    });

    it('fails when the remote went back on a promotion it published (CG527), keeps it, and publishes it once pushed again', async () => {
      // GIVEN a published promotion that a force-push took off the remote
      const clone = sandbox.clone('ci');
      expect((await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish')).code).toBe(0);
      const published = sandbox.git(clone, 'rev-parse', 'HEAD');
      const subject = sandbox.git(clone, 'log', '-1', '--format=%s');
      sandbox.git(sandbox.remote, 'update-ref', 'refs/heads/main', 'main~1');
      const back = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      // WHEN
      const r = await cli(clone, 'publish');

      // THEN it is refused, naming the commit and both ways out, and nothing is dropped or pushed
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `CG527 Remote "origin" no longer has a commit published to its branch "main" from "${clone}", which it had (branch "main" is at ${back.slice(0, 8)} now): ${published.slice(0, 8)} ${subject}.`,
      );
      expect(r.stderr).toContain(`git push origin ${published}:main, then publish again.`);
      expect(r.stderr).toContain('git fetch origin && git reset --hard origin/main');
      expect(r.stderr).not.toContain('never reached');
      expect(sandbox.git(clone, 'rev-parse', 'HEAD')).toBe(published);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(back);
      expect(fs.readFileSync(path.join(clone, LEDGER), 'utf8')).toContain(D2);

      // AND once pushed again as the fix says, publish goes on
      sandbox.git(clone, 'push', '--quiet', 'origin', `${published}:main`);
      const again = await cli(clone, 'publish');
      expect([again.code, again.stderr]).toEqual([0, '']);
      expect(sandbox.remoteFile(LEDGER)).toContain(D2);
    });

    it('fails when the local branch has commits of someone else, and keeps them', async () => {
      // GIVEN a commit of a person, not of cdk8s-gitops
      const clone = sandbox.clone('ci');
      sandbox.git(clone, 'commit', '--quiet', '--allow-empty', '-m', 'Work in progress');
      const mine = sandbox.git(clone, 'rev-parse', 'HEAD');

      // WHEN
      const r = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--publish');

      // THEN
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG505');
      expect(sandbox.git(clone, 'rev-parse', 'HEAD')).toBe(mine);
    });

    it('publishes owned files that .gitignore hides, and says so', async () => {
      // GIVEN a .gitignore that hides values files, pushed before them
      const pusher = sandbox.clone('ops');
      fs.writeFileSync(path.join(pusher, '.gitignore'), 'values.yaml\n');
      sandbox.git(pusher, 'rm', '--quiet', '-r', '--cached', 'environments');
      sandbox.git(pusher, 'add', '--all');
      sandbox.git(pusher, 'commit', '--quiet', '-m', 'Ignore values files');
      sandbox.git(pusher, 'push', '--quiet', 'origin', 'main');
      const clone = sandbox.clone('ci');

      // WHEN
      const r = await cli(clone, 'publish');

      // THEN
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('Note: Added 8 files that .gitignore hides, because Argo CD reads them from the repository:');
      expect(sandbox.remoteFile(`${NONPROD_AWS}/eu-central-1-01/payments-api/values.yaml`)).toContain('payments-api');
      const fresh = sandbox.clone('fresh');
      const preview = await runCli(['preview', '--out', fresh]);
      expect(preview.stdout).toContain('8 Applications.');
    });

    it.each([['environments/\n'], ['/environments\n'], ['environments/**\n'], ['*\n!.gitignore\n']])(
      'publishes owned files when .gitignore hides their whole directory (%j), and says so',
      async (ignore) => {
        // GIVEN a committed .gitignore that hides the directory of every values file
        const pusher = sandbox.clone('ops');
        fs.writeFileSync(path.join(pusher, '.gitignore'), ignore);
        sandbox.git(pusher, 'rm', '--quiet', '-r', '--cached', 'environments');
        sandbox.git(pusher, 'add', '--all');
        sandbox.git(pusher, 'commit', '--quiet', '-m', 'Ignore the environments');
        sandbox.git(pusher, 'push', '--quiet', 'origin', 'main');
        const clone = sandbox.clone('ci');

        // WHEN
        const r = await cli(clone, 'publish');

        // THEN the owned files are committed (Argo CD reads them from the repository), with a note
        expect(r.stderr).not.toContain('CG599');
        expect(r.code).toBe(0);
        expect(r.stderr).toContain('that .gitignore hides, because Argo CD reads them from the repository:');
        expect(sandbox.remoteFile(`${NONPROD_AWS}/eu-central-1-01/payments-api/values.yaml`)).toContain('payments-api');
      },
    );
  });
});
