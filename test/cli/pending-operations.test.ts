import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { Sandbox } from '../git/sandbox';
import { CliRun, runCli } from '../support/cli';
import { hashTree } from '../support/hash-tree';
import { MAX_LEDGER_BYTES } from '../../src/release/ledger-files';

/**
 * The built CLI, run as CI runs it: a child process in the project root, writing into a clone
 * of a bare repository. Run `npm run build` first; the CLI and the test program both use lib/.
 */
const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const T1 = '2026-11-22T11:00:00Z';
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

/** What a promotion of payments-api changes of the manifest: its shard, never the manifest itself. */
const MANIFEST = '.cdk8s-gitops/services/payments-api.json';

/**
 * Promotions, rollbacks and unholds made without --publish are pending operations: `publish`
 * commits each as a commit of its own, under its own subject, operation, author and approver.
 */
describe('pending operations through the CLI against a bare remote', () => {
  let workDir: string;
  let app: string;
  let template: Sandbox;
  let sandbox: Sandbox;
  let a: string;

  function cdk8sGitops(out: string, args: readonly string[], now = T0): Promise<CliRun> {
    // Soaks are measured from commit times, which follow the test's clock; dropping pending operations needs no program.
    return runCli(args, { out, now, ...(args.includes('--drop-pending') ? {} : { app }), env: { GIT_COMMITTER_DATE: now } });
  }

  async function ok(out: string, args: readonly string[], now = T0): Promise<string> {
    const run = await cdk8sGitops(out, args, now);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  /** The trailers of a commit, program commit left out. */
  function trailers(dir: string, ref = 'HEAD'): string[] {
    return sandbox
      .git(dir, 'log', '-1', '--format=%(trailers:only,unfold)', ref)
      .split('\n')
      .filter((t) => t !== '' && !t.startsWith('Cdk8s-Gitops-Program-Commit:'));
  }

  /** The records of pending operations in the git directory of `dir`. */
  function pendingRecords(dir: string): string[] {
    const p = path.resolve(dir, sandbox.git(dir, 'rev-parse', '--git-path', 'cdk8s-gitops/pending'));
    return fs.existsSync(p) ? fs.readdirSync(p).sort() : [];
  }

  function failPushes(on: boolean): void {
    const hook = path.join(sandbox.remote, 'hooks', 'pre-receive');
    if (on) fs.writeFileSync(hook, '#!/bin/sh\necho "pushes are closed" >&2\nexit 1\n', { mode: 0o755 });
    else fs.rmSync(hook, { force: true });
  }

  beforeAll(async () => {
    assertBuilt();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-pending-'));
    const program = path.join(workDir, 'shop.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
    template = Sandbox.create();
    await ok(template.clone('platform'), ['publish', '--by', 'platform-team']);
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

  test('publish commits each pending operation as its own commit, in order, by who made it and who approved it', async () => {
    // GIVEN payments-api published in prod-canary an hour ago, so that prod may take it
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
    await ok(a, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish']);
    const before = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    // and three people promote without --publish
    await ok(a, ['promote', 'orders-api', '--ring', 'nonprod', '--digest', A, '--by', 'bob'], T1);
    await ok(a, ['promote', 'orders-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'carol'], T1);
    await ok(a, ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'carol', '--approved-by', 'dave'], T1);
    expect(sandbox.status(a).some((l) => l.includes('cdk8s-gitops/pending'))).toBe(false);
    expect(pendingRecords(a)).toEqual(['000001.json', '000002.json', '000003.json']);

    // WHEN erin publishes
    const out = await ok(a, ['publish', '--by', 'erin'], '2026-11-22T12:00:00Z');

    // THEN three commits, oldest first, and no synth commit: the program changed nothing else
    expect(sandbox.git(sandbox.remote, 'log', '--format=%s', `${before}..main`).split('\n')).toEqual([
      'promote payments-api sha256:aaaaaaaa to prod from prod-canary (by carol, approved by dave)',
      'promote orders-api sha256:aaaaaaaa to prod-canary from nonprod (by carol)',
      'promote orders-api sha256:aaaaaaaa to nonprod (by bob)',
    ]);
    expect(out).toMatch(/\nPushed [0-9a-f]{12} to main in 3 commits: \d+ files, 0 created, \d+ updated, 0 deleted\.\n$/);
    expect(trailers(sandbox.remote, 'main~2')).toEqual([
      'Cdk8s-Gitops-Operation: promote',
      'Cdk8s-Gitops-Service: orders-api',
      'Cdk8s-Gitops-Ring: nonprod',
      `Cdk8s-Gitops-Digest: ${A}`,
      'Cdk8s-Gitops-Promoted-By: bob',
    ]);
    expect(trailers(sandbox.remote, 'main~1')).toEqual([
      'Cdk8s-Gitops-Operation: promote',
      'Cdk8s-Gitops-Service: orders-api',
      'Cdk8s-Gitops-Ring: prod-canary',
      `Cdk8s-Gitops-Digest: ${A}`,
      'Cdk8s-Gitops-Promoted-By: carol',
    ]);
    expect(trailers(sandbox.remote, 'main')).toEqual([
      'Cdk8s-Gitops-Operation: promote',
      'Cdk8s-Gitops-Service: payments-api',
      'Cdk8s-Gitops-Ring: prod',
      `Cdk8s-Gitops-Digest: ${A}`,
      'Cdk8s-Gitops-Promoted-By: carol',
      'Cdk8s-Gitops-Approved-By: dave',
    ]);
    expect(sandbox.git(sandbox.remote, 'show', '--name-only', '--format=', 'main').split('\n').sort()).toEqual([
      MANIFEST,
      'STATUS.md',
      'environments/prod/aws/eu-02/payments-api/values.yaml',
      'releases/payments-api.yaml',
    ]);
    const history = JSON.parse(await ok(a, ['history', 'orders-api', '--format', 'json']));
    expect(history.slice(0, 2).map((e: any) => [e.operation, e.ring, e.promotedBy, e.approvedBy])).toEqual([
      ['promote', ['prod-canary'], 'carol', []],
      ['promote', ['nonprod'], 'bob', []],
    ]);
    expect(JSON.parse(await ok(a, ['history', 'payments-api', '--ring', 'prod', '--format', 'json']))[0]).toMatchObject({
      operation: 'promote',
      promotedBy: 'carol',
      approvedBy: ['dave'],
    });
    expect(pendingRecords(a)).toEqual([]);
    expect(sandbox.status(a)).toEqual([]);
  });

  test("a rollback and an unhold made without --publish are published as a rollback and an unhold, and a synth commit carries the program's own change", async () => {
    // GIVEN
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
    const before = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    await ok(
      a,
      ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'error rate up', '--by', 'carol'],
      '2026-11-22T10:05:00Z',
    );
    await ok(a, ['unhold', 'payments-api', '--ring', 'nonprod', '--by', 'dave'], '2026-11-22T10:10:00Z');
    // and the program changes: a values layer for every target
    const changed = path.join(workDir, 'changed.js');
    fs.writeFileSync(changed, PROGRAM.replace('initialDigest:', 'values: { replicas: 3 }, initialDigest:'));

    // WHEN erin publishes the changed program
    const run = await cdk8sGitops(a, [
      'publish',
      '--by',
      'erin',
      '--message',
      'Run three replicas',
      '--app',
      `${JSON.stringify(process.execPath)} ${JSON.stringify(changed)}`,
    ]);

    // THEN the program's change is erin's synth commit; the rollback and the unhold keep their authors
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(sandbox.git(sandbox.remote, 'log', '--format=%s', `${before}..main`).split('\n')).toEqual([
      'unhold payments-api nonprod (by dave)',
      'roll back payments-api nonprod to sha256:00000000 and hold it (by carol): error rate up',
      'Run three replicas',
    ]);
    expect(trailers(sandbox.remote, 'main~2')).toEqual(
      expect.arrayContaining(['Cdk8s-Gitops-Operation: synth', 'Cdk8s-Gitops-Promoted-By: erin']),
    );
    expect(trailers(sandbox.remote, 'main~1')).toEqual([
      'Cdk8s-Gitops-Operation: rollback',
      'Cdk8s-Gitops-Service: payments-api',
      'Cdk8s-Gitops-Ring: nonprod',
      `Cdk8s-Gitops-Digest: ${SEED}`,
      'Cdk8s-Gitops-Promoted-By: carol',
    ]);
    expect(trailers(sandbox.remote, 'main')).toEqual([
      'Cdk8s-Gitops-Operation: unhold',
      'Cdk8s-Gitops-Service: payments-api',
      'Cdk8s-Gitops-Ring: nonprod',
      'Cdk8s-Gitops-Promoted-By: dave',
    ]);
    // the operations' commits hold the operations' files only
    expect(sandbox.git(sandbox.remote, 'show', '--name-only', '--format=', 'main').split('\n').sort()).toEqual([
      MANIFEST,
      'STATUS.md',
      'releases/payments-api.yaml',
    ]);
    expect(sandbox.status(a)).toEqual([]);
  });

  test('a rollback of a promotion still pending is a rollback, not a hand edit, and both are published in order', async () => {
    // GIVEN a promotion not published yet
    const before = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);

    // WHEN it is rolled back before anyone publishes, then published
    await ok(
      a,
      ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'wrong build', '--by', 'alice'],
      '2026-11-22T10:05:00Z',
    );
    await ok(a, ['publish', '--by', 'alice'], '2026-11-22T10:05:00Z');

    // THEN the remote has both, each judged on its own, and the ring runs what it ran before, held
    expect(sandbox.git(sandbox.remote, 'log', '--format=%s', `${before}..main`).split('\n')).toEqual([
      'roll back payments-api nonprod to sha256:00000000 and hold it (by alice): wrong build',
      'promote payments-api sha256:aaaaaaaa to nonprod (by alice)',
    ]);
    expect(sandbox.status(a)).toEqual([]);
  });

  test('fails with CG519 when the ledger was edited by hand after a pending promote, and changes nothing', async () => {
    // GIVEN
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    fs.appendFileSync(path.join(a, 'releases/payments-api.yaml'), '# edited by hand\n');
    const tree = hashTree(a, ['.git']);
    const remoteTip = sandbox.git(sandbox.remote, 'rev-parse', 'main');

    // WHEN
    const run = await cdk8sGitops(a, ['publish', '--by', 'erin']);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Error: \[releases\/payments-api\.yaml\] CG519 releases\/payments-api\.yaml no longer holds what the pending promote payments-api sha256:aaaaaaaa to nonprod \(by alice\) \(made 2026-11-22T10:00:00\.000Z\) wrote: it was edited since\. /,
    );
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteTip);
    expect(hashTree(a, ['.git'])).toEqual(tree);
    expect(pendingRecords(a)).toEqual(['000001.json']);
  });

  test('fails with CG520 when a ledger change was made by no operation, as a promote --publish killed before it recorded it leaves', async () => {
    // GIVEN a ledger changed in the work tree with no pending operation
    const file = path.join(a, 'releases/payments-api.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/digest: sha256:0{64}/, `digest: ${A}`));
    const tree = hashTree(a, ['.git']);
    const remoteTip = sandbox.git(sandbox.remote, 'rev-parse', 'main');

    // WHEN
    const publish = await cdk8sGitops(a, ['publish', '--by', 'erin']);
    const promote = await cdk8sGitops(a, ['promote', 'orders-api', '--ring', 'nonprod', '--digest', B, '--by', 'bob', '--publish']);

    // THEN neither publishes it under its name
    for (const run of [publish, promote]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^Error: \[releases\/payments-api\.yaml\] CG520 releases\/payments-api\.yaml differs from the last commit, and no pending promote, rollback or unhold made the change/,
      );
    }
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteTip);
    expect(hashTree(a, ['.git'])).toEqual(tree);
  });

  test('fails with CG520 when the last commit holds a ledger larger than a ledger may be, which it never reads', async () => {
    // GIVEN a commit on the remote, made by hand, whose ledger is past the size limit, and the work tree's ledger as cdk8s-gitops wrote it
    const file = path.join(a, 'releases/payments-api.yaml');
    const written = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${written}# ${'x'.repeat(MAX_LEDGER_BYTES)}\n`);
    sandbox.git(a, 'commit', '--quiet', '-am', 'A ledger too large');
    sandbox.git(a, 'push', '--quiet', 'origin', 'main');
    fs.writeFileSync(file, written);
    const tree = hashTree(a, ['.git']);
    const head = sandbox.git(a, 'rev-parse', 'HEAD');

    // WHEN
    const publish = await cdk8sGitops(a, ['publish', '--by', 'erin']);

    // THEN it does not publish the change to that ledger as the program's
    expect(publish.code).toBe(1);
    expect(publish.stderr).toMatch(
      /^Error: \[releases\/payments-api\.yaml\] CG520 releases\/payments-api\.yaml differs from the last commit, and no pending promote, rollback or unhold made the change/,
    );
    expect(publish.stderr.length).toBeLessThan(2000);
    expect(sandbox.git(a, 'rev-parse', 'HEAD')).toBe(head);
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(head);
    expect(hashTree(a, ['.git'])).toEqual(tree);
  });

  test('a publish whose push fails leaves the checkout as it was, and the operation pending for the next publish', async () => {
    // GIVEN
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    const tree = hashTree(a, ['.git']);
    failPushes(true);

    // WHEN
    const failed = await cdk8sGitops(a, ['publish', '--by', 'erin']);

    // THEN
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/CG509 /);
    expect(hashTree(a, ['.git'])).toEqual(tree);
    expect(pendingRecords(a)).toEqual(['000001.json']);

    // WHEN pushes open again
    failPushes(false);
    await ok(a, ['publish', '--by', 'erin']);

    // THEN
    expect(sandbox.git(sandbox.remote, 'log', '-1', '--format=%s', 'main')).toBe(
      'promote payments-api sha256:aaaaaaaa to nonprod (by alice)',
    );
    expect(trailers(sandbox.remote, 'main')).toContain('Cdk8s-Gitops-Promoted-By: alice');
  });

  test('a pending operation is re-applied on a moved remote, with the rules checked as of when it was made', async () => {
    // GIVEN alice's pending promote of payments-api, and bob's promote of orders-api published from another clone
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    const b = sandbox.clone('ci-b');
    await ok(b, ['promote', 'orders-api', '--ring', 'nonprod', '--digest', B, '--by', 'bob', '--publish']);

    // WHEN
    await ok(a, ['publish', '--by', 'erin']);

    // THEN both are on the remote, each under its author
    expect(sandbox.remoteLog().slice(0, 2)).toEqual([
      'promote payments-api sha256:aaaaaaaa to nonprod (by alice)',
      'promote orders-api sha256:bbbbbbbb to nonprod (by bob)',
    ]);
    expect(parseYaml(sandbox.remoteFile('releases/orders-api.yaml')).rings.nonprod.digest).toBe(B);
    expect(parseYaml(sandbox.remoteFile('releases/payments-api.yaml')).rings.nonprod).toMatchObject({ digest: A, by: 'alice', since: T0 });
  });

  test('a pending operation the remote already has (a publish killed after its push) is not published again', async () => {
    // GIVEN alice's promote was pushed, but its record was left behind
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    const dir = path.resolve(a, sandbox.git(a, 'rev-parse', '--git-path', 'cdk8s-gitops/pending'));
    const record = fs.readFileSync(path.join(dir, '000001.json'));
    await ok(a, ['publish', '--by', 'erin']);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '000001.json'), record);
    const remoteTip = sandbox.git(sandbox.remote, 'rev-parse', 'main');

    // WHEN
    const run = await cdk8sGitops(a, ['publish', '--by', 'erin']);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'Note: The pending promote payments-api sha256:aaaaaaaa to nonprod (by alice) is on the remote already; it was not published again.\n',
    );
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteTip);
    expect(pendingRecords(a)).toEqual([]);
  });

  test('a publish killed after it set the pending ledgers aside is completed from the records', async () => {
    // GIVEN a pending promote whose ledger edit a killed publish had set aside
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    sandbox.git(a, 'checkout', '--', '.');
    const mark = path.resolve(a, sandbox.git(a, 'rev-parse', '--git-path', 'cdk8s-gitops/publishing'));
    fs.writeFileSync(mark, '12345\n');

    // WHEN
    const run = await cdk8sGitops(a, ['publish', '--by', 'erin']);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('Note: A publish of the 1 pending operation was interrupted; it is published from its record.\n');
    expect(sandbox.git(sandbox.remote, 'log', '-1', '--format=%s', 'main')).toBe(
      'promote payments-api sha256:aaaaaaaa to nonprod (by alice)',
    );
    expect(fs.existsSync(mark)).toBe(false);
  });

  test('fails with CG519 when a pending change was discarded, and --drop-pending forgets it', async () => {
    // GIVEN
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    sandbox.git(a, 'checkout', '--', '.');

    // WHEN
    const refused = await cdk8sGitops(a, ['publish', '--by', 'erin']);
    const dropped = await ok(a, ['publish', '--drop-pending']);
    const after = await ok(a, ['publish', '--by', 'erin']);

    // THEN
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/CG519 .* the change was discarded since \(or a publish of it was interrupted\)\./);
    expect(dropped).toBe(
      'Dropped the pending promote payments-api sha256:aaaaaaaa to nonprod (by alice) (made 2026-11-22T10:00:00.000Z).\n',
    );
    expect(after).toBe('Nothing to publish: the remote already has this tree.\n');
    expect(pendingRecords(a)).toEqual([]);
  });

  test('a promotion dropped and discarded as the README says is made again in full, recorded, and published', async () => {
    // GIVEN a pending promote dropped, and its ledger edit discarded (git checkout -- releases), the rest left
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    await ok(a, ['publish', '--drop-pending']);
    sandbox.git(a, 'checkout', '--', 'releases');

    // WHEN the same promotion is made again, at the same time (a job run again with its CDK8S_GITOPS_NOW): the same ledger text
    const again = await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);

    // THEN it writes its ledger, records what it changed, and publishes
    expect(again).toContain('[~] releases/payments-api.yaml');
    expect(again).not.toContain('No files changed.');
    expect(parseYaml(fs.readFileSync(path.join(a, 'releases/payments-api.yaml'), 'utf8')).rings.nonprod.digest).toBe(A);
    expect(pendingRecords(a)).toEqual(['000001.json']);
    const record = JSON.parse(
      fs.readFileSync(path.resolve(a, sandbox.git(a, 'rev-parse', '--git-path', 'cdk8s-gitops/pending/000001.json')), 'utf8'),
    );
    expect(record.ledger.after).not.toBe(record.ledger.before);
    await ok(a, ['publish', '--by', 'erin']);
    expect(sandbox.remoteLog()[0]).toBe('promote payments-api sha256:aaaaaaaa to nonprod (by alice)');
    expect(parseYaml(sandbox.remoteFile('releases/payments-api.yaml')).rings.nonprod.digest).toBe(A);
    expect(sandbox.status(a)).toEqual([]);
  });

  test('a promotion made again after its files but not its manifest were put back writes every file it changes', async () => {
    // GIVEN a pending promote dropped, and its files put back from Git, all but the service's shard of the manifest
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    await ok(a, ['publish', '--drop-pending']);
    sandbox.git(a, 'checkout', '--', 'releases', 'environments', 'STATUS.md');
    expect(sandbox.status(a)).toEqual([` M ${MANIFEST}`]);

    // WHEN it is made again, at the same time
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);

    // THEN the values files hold the promoted digest, as the manifest records, and nothing is left to write
    for (const cluster of ['eu-01', 'eu-02']) {
      expect(fs.readFileSync(path.join(a, `environments/nonprod/aws/${cluster}/payments-api/values.yaml`), 'utf8')).toContain(A);
    }
    expect(await ok(a, ['plan'])).toMatch(/^No changes: /m);
    await ok(a, ['publish', '--by', 'erin']);
    expect(sandbox.remoteFile('environments/nonprod/aws/eu-01/payments-api/values.yaml')).toContain(A);
  });

  test("a promote killed after its write and before its record: CG520's fix (put the ledger back, promote again) publishes it", async () => {
    // GIVEN a promote whose pending record is missing, as a kill between its write and its record leaves it
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice']);
    fs.rmSync(path.resolve(a, sandbox.git(a, 'rev-parse', '--git-path', 'cdk8s-gitops/pending')), { recursive: true });
    const refused = await cdk8sGitops(a, ['publish', '--by', 'erin']);
    expect(refused.stderr).toContain(
      'Fix: Discard the change (git checkout -- releases/payments-api.yaml) and run the promote, rollback or unhold again',
    );

    // WHEN the fix is followed, at the same time (a job run again with its CDK8S_GITOPS_NOW)
    sandbox.git(a, 'checkout', '--', 'releases/payments-api.yaml');
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);

    // THEN
    expect(sandbox.remoteLog()[0]).toBe('promote payments-api sha256:aaaaaaaa to nonprod (by alice)');
    expect(parseYaml(sandbox.remoteFile('releases/payments-api.yaml')).rings.nonprod.digest).toBe(A);
    expect(sandbox.remoteFile('environments/nonprod/aws/eu-01/payments-api/values.yaml')).toContain(A);
    expect(sandbox.status(a)).toEqual([]);
    expect(pendingRecords(a)).toEqual([]);
  });

  test('promote --publish --branch leaves the checkout on the branch it started from, without the published change', async () => {
    // WHEN
    await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish', '--branch']);

    // THEN
    expect(sandbox.git(a, 'branch', '--show-current')).toBe('main');
    expect(sandbox.status(a)).toEqual([]);
    expect(parseYaml(fs.readFileSync(path.join(a, 'releases/payments-api.yaml'), 'utf8')).rings.nonprod.digest).toBe(SEED);
    expect(parseYaml(sandbox.remoteFile('releases/payments-api.yaml', 'promote/payments-api/nonprod/aaaaaaaa')).rings.nonprod.digest).toBe(
      A,
    );

    // WHEN a plain publish follows, it goes to main, not onto the promotion branch
    await ok(a, ['promote', 'orders-api', '--ring', 'nonprod', '--digest', B, '--by', 'bob']);
    await ok(a, ['publish', '--by', 'bob']);

    // THEN
    expect(sandbox.remoteLog()[0]).toBe('promote orders-api sha256:bbbbbbbb to nonprod (by bob)');
    expect(sandbox.remoteLog('promote/payments-api/nonprod/aaaaaaaa')[0]).toBe(
      'promote payments-api sha256:aaaaaaaa to nonprod (by alice)',
    );
  });

  test('publish makes the first commit of a new, empty GitOps repository', async () => {
    // GIVEN
    const empty = Sandbox.createEmpty();
    try {
      const c = empty.clone('platform');

      // WHEN
      const out = await ok(c, ['publish', '--by', 'platform-team']);

      // THEN
      expect(out).toMatch(/\nPushed [0-9a-f]{12} to main: (\d+) files, \1 created, 0 updated, 0 deleted\.\n$/);
      // The first commit of an empty repository creates every file it holds, and says so.
      expect(out).not.toContain('[~]');
      expect(empty.remoteLog()).toEqual(['Synthesize the platform program']);
      expect(empty.git(empty.remote, 'show', '--name-only', '--format=', 'main').split('\n')).toContain('releases/payments-api.yaml');
      expect(empty.status(c)).toEqual([]);
      expect(await ok(c, ['publish', '--by', 'platform-team'])).toBe('Nothing to publish: the remote already has this tree.\n');
    } finally {
      empty.cleanup();
    }
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
