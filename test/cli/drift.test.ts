/**
 * Drift is a change: an owned file edited by hand is listed by `plan` (exit 2), put back by
 * `synth` where Git keeps the edit, and the restore is pushed by `publish`, even when nothing
 * in the program changed. Hand edits are found through a stat cache in the Git directory, so
 * a run with nothing to do reads no file whose size, times and inode are as cached.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets } from '../../src';
import { PlatformModel } from '../../src/model/platform-model';
import { Sandbox } from '../git/sandbox';
import { hashTree } from '../support/hash-tree';
import { ModelReplay } from '../support/replay';
import { runCli } from '../support/tree';
import { statCacheEntries } from '../support/stat-cache';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const VALUES = 'environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml';

function program(): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
  new Cluster(nonprod, 'eu-central-1-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: D1 }).deployTo(
    nonprod,
  );
  return platform.snapshot();
}

const editedLine = new RegExp(`\\[~\\] ${VALUES}  \\(.*\\)  \\(edited by hand; synth puts it back\\)`);

let replay: ModelReplay;
let app: string;
let sandbox: Sandbox;

beforeAll(() => {
  replay = ModelReplay.create('cdk8s-gitops-drift-');
  app = replay.app(program());
});
afterAll(() => replay.cleanup());

beforeEach(async () => {
  sandbox = Sandbox.create();
  const first = await cli(sandbox.clone('seed-publish'), 'publish', '--by', 'ci');
  expect([first.code, first.stderr]).toEqual([0, '']);
});
afterEach(() => sandbox.cleanup());

function cli(dir: string, ...args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '--out', dir, '--app', app]);
}

/** Edits the file by hand, keeping its size, and sets its modification time back to what it was. */
function editKeepingSizeAndTime(file: string): void {
  const stat = fs.statSync(file);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace('nonprod', 'NONPROD'));
  fs.utimesSync(file, stat.atime, stat.mtime);
}

describe('drift', () => {
  it('plan lists an uncommitted hand edit and exits 2; synth refuses to lose it (CG409) and writes nothing', async () => {
    // GIVEN a clone whose stat cache knows every owned file, and a hand edit that keeps size and time
    const clone = sandbox.clone('ci');
    expect((await cli(clone, 'plan')).code).toBe(0);
    editKeepingSizeAndTime(path.join(clone, VALUES));
    const before = hashTree(clone, ['.git']);

    // WHEN
    const plan = await cli(clone, 'plan');
    const json = await cli(clone, 'plan', '--format', 'json');
    const synth = await cli(clone, 'synth');

    // THEN plan shows what synth would put back
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(editedLine);
    expect(JSON.parse(json.stdout).files).toEqual(expect.arrayContaining([expect.objectContaining({ path: VALUES, edited: true })]));
    // AND synth refuses, because Git does not keep the edit
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(`CG409 "${VALUES}" was changed by hand since cdk8s-gitops wrote it, the change is not committed`);
    expect(hashTree(clone, ['.git'])).toEqual(before);
  });

  it.each([['--skip-worktree'], ['--assume-unchanged']])(
    'synth refuses to lose an uncommitted hand edit of a file Git is told not to look at (%s): CG409, nothing written',
    async (flag) => {
      // GIVEN an owned file Git does not look at, edited by hand
      const clone = sandbox.clone('ci');
      sandbox.git(clone, 'update-index', flag, '--', VALUES);
      fs.appendFileSync(path.join(clone, VALUES), '# tuned here, only in this work tree\n');
      const before = hashTree(clone, ['.git']);

      // WHEN
      const synth = await cli(clone, 'synth');

      // THEN
      expect(synth.code).toBe(1);
      expect(synth.stderr).toContain(`CG409 "${VALUES}" was changed by hand since cdk8s-gitops wrote it, the change is not committed`);
      expect(hashTree(clone, ['.git'])).toEqual(before);
    },
  );

  it('synth refuses to lose a hand edit of a file .gitignore hides (CG409): Git holds no copy of it', async () => {
    // GIVEN a repository whose .gitignore hides the environments, synthesized, and an owned file there edited by hand
    const dir = sandbox.init('ignored');
    sandbox.write(dir, '.gitignore', 'environments/\n');
    sandbox.git(dir, 'add', '.gitignore');
    sandbox.git(dir, 'commit', '--quiet', '-m', 'ignore the environments');
    expect((await cli(dir, 'synth')).code).toBe(0);
    fs.appendFileSync(path.join(dir, VALUES), '# tuned here, only in this work tree\n');
    const before = hashTree(dir, ['.git']);

    // WHEN
    const synth = await cli(dir, 'synth');

    // THEN
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(`CG409 "${VALUES}" was changed by hand since cdk8s-gitops wrote it, the change is not committed`);
    expect(hashTree(dir, ['.git'])).toEqual(before);
  });

  it('a hand edit pushed to the remote: plan lists it, synth puts it back and says so, publish pushes the restore', async () => {
    // GIVEN someone pushed a hand edit of an owned file
    const other = sandbox.clone('other');
    const edited = sandbox.pushChange(other, VALUES, `${sandbox.read(other, VALUES)}replicaCount: 9\n`, 'Scale by hand');
    const clone = sandbox.clone('ci');
    expect(sandbox.git(clone, 'rev-parse', 'HEAD')).toBe(edited);

    // WHEN plan, then synth
    const plan = await cli(clone, 'plan');
    const synth = await cli(clone, 'synth');

    // THEN plan lists it, and synth puts it back
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(editedLine);
    expect(synth.code).toBe(0);
    expect(synth.stderr).toBe(`Put back 1 owned file edited by hand since cdk8s-gitops wrote it:\n    ${VALUES}\n`);
    expect(sandbox.read(clone, VALUES)).not.toContain('replicaCount: 9');
    // AND a second synth, and plan, find nothing
    expect((await cli(clone, 'synth')).stdout).toMatch(/^No changes/);
    expect((await cli(clone, 'plan')).code).toBe(0);

    // WHEN publish runs in a fresh clone of the edited remote
    const ci = sandbox.clone('ci-publish');
    const publish = await cli(ci, 'publish', '--by', 'ci');

    // THEN the restore is pushed
    expect([publish.code, publish.stderr]).toEqual([
      0,
      `Put back 1 owned file edited by hand since cdk8s-gitops wrote it:\n    ${VALUES}\n`,
    ]);
    expect(sandbox.git(sandbox.remote, 'diff', '--name-only', edited, 'main')).toBe(VALUES);
    expect(sandbox.git(sandbox.remote, 'show', `main:${VALUES}`)).not.toContain('replicaCount: 9');
  });

  it('keeps its stat cache in the Git directory: plan and synth leave the work tree clean', async () => {
    // GIVEN
    const clone = sandbox.clone('ci');

    // WHEN
    expect((await cli(clone, 'plan')).code).toBe(0);
    expect((await cli(clone, 'synth')).code).toBe(0);

    // THEN
    expect(sandbox.git(clone, 'status', '--porcelain', '--ignored')).toBe('');
    const cache = path.join(clone, '.git', 'cdk8s-gitops', 'stat-cache');
    expect(fs.readdirSync(cache)).toHaveLength(1);
    expect(Object.keys(statCacheEntries(path.join(cache, fs.readdirSync(cache)[0]!)))).toContain(VALUES);
  });

  it('a cache that is not one cdk8s-gitops wrote costs a read of every file, nothing else', async () => {
    // GIVEN a clone with a garbled cache, and a hand edit
    const clone = sandbox.clone('ci');
    expect((await cli(clone, 'plan')).code).toBe(0);
    const cache = path.join(clone, '.git', 'cdk8s-gitops', 'stat-cache');
    const [id] = fs.readdirSync(cache);
    for (const f of fs.readdirSync(path.join(cache, id!))) fs.writeFileSync(path.join(cache, id!, f), '{"version":2,"files":{"x":1}');
    editKeepingSizeAndTime(path.join(clone, VALUES));

    // WHEN
    const plan = await cli(clone, 'plan');

    // THEN
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(editedLine);
  });

  describe('STATUS.md, which is made from the ledgers', () => {
    const STATUS = 'STATUS.md';
    const NOTE = '\nowner: payments-team\n';

    it('plan and check list an uncommitted hand edit; synth and promote refuse to lose it (CG409) and write nothing', async () => {
      // GIVEN a hand edit of STATUS.md, not committed
      const clone = sandbox.clone('ci');
      fs.appendFileSync(path.join(clone, STATUS), NOTE);
      const before = hashTree(clone, ['.git']);

      // WHEN plan, check, synth and a promotion run
      const plan = await cli(clone, 'plan');
      const check = await cli(clone, 'check', '--format', 'json');
      const synth = await cli(clone, 'synth');
      const promote = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);

      // THEN plan says synth would put it back, and check finds the edit with its diff
      expect(plan.code).toBe(2);
      expect(plan.stdout).toMatch(/\[~\] STATUS\.md {2}\(.*\) {2}\(edited by hand; synth puts it back\)/);
      expect(JSON.parse(check.stdout).findings).toEqual([
        expect.objectContaining({ kind: 'edited', code: 'CG413', path: STATUS, diff: expect.stringContaining('+owner: payments-team') }),
      ]);
      // AND synth and promote refuse, as for any other owned file, and write nothing
      for (const r of [synth, promote]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`CG409 "${STATUS}" was changed by hand since cdk8s-gitops wrote it, the change is not committed`);
      }
      expect(hashTree(clone, ['.git'])).toEqual(before);
      expect(sandbox.read(clone, STATUS)).toContain(NOTE);
    });

    it('a page cdk8s-gitops rewrote and did not commit yet is no edit: promote, then synth and plan go on', async () => {
      // GIVEN a promotion without --publish, which rewrites STATUS.md in the work tree only
      const clone = sandbox.clone('ci');
      const promote = await cli(clone, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);
      expect(promote.code).toBe(0);
      expect(sandbox.git(clone, 'status', '--porcelain')).toContain(STATUS);

      // WHEN
      const plan = await cli(clone, 'plan');
      const synth = await cli(clone, 'synth');
      const check = await cli(clone, 'check');

      // THEN nothing is taken for a hand edit
      expect([plan.code, synth.code, check.code]).toEqual([0, 0, 0]);
      expect(synth.stderr).toBe('');
    });

    it('a page written before the checkout was put in Git is no edit: synth makes it again', async () => {
      // GIVEN a checkout written outside Git, then made a repository whose one commit brings a promotion's ledger (as a pull would)
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-status-later-'));
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-status-other-'));
      try {
        expect((await cli(dir, 'synth')).code).toBe(0);
        fs.cpSync(dir, other, { recursive: true });
        expect((await cli(other, 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2)).code).toBe(0);
        fs.cpSync(path.join(other, 'releases'), path.join(dir, 'releases'), { recursive: true });
        execFileSync('git', ['init', '-q', '-b', 'main', dir]);
        execFileSync('git', ['-C', dir, 'add', 'releases']);
        execFileSync('git', ['-C', dir, '-c', 'user.name=P', '-c', 'user.email=p@example.com', 'commit', '-q', '-m', 'Promote']);

        // WHEN synth runs again THEN STATUS.md, which Git never held and the stat cache records nothing of, is made again
        const synth = await cli(dir, 'synth');
        expect([synth.code, synth.stderr]).toEqual([0, '']);
        expect(fs.readFileSync(path.join(dir, STATUS), 'utf8')).toEqual(fs.readFileSync(path.join(other, STATUS), 'utf8'));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(other, { recursive: true, force: true });
      }
    });

    it("a committed page, out of date or edited, is Git's to keep: synth makes it again", async () => {
      // GIVEN someone pushed a hand edit of STATUS.md
      const other = sandbox.clone('other');
      sandbox.pushChange(other, STATUS, `${sandbox.read(other, STATUS)}${NOTE}`, 'Note on STATUS.md');
      const clone = sandbox.clone('ci');

      // WHEN
      const synth = await cli(clone, 'synth');

      // THEN it is made again from the ledgers
      expect(synth.code).toBe(0);
      expect(sandbox.read(clone, STATUS)).not.toContain(NOTE);
    });
  });
});
