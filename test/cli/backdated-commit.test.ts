/**
 * What the soaks rest on, attacked: a release command run with its clock set back
 * (`CDK8S_GITOPS_NOW`) before the commit it follows is committed no earlier than its parent, so
 * the soak of the ring it enters counts from then; a ledger committed by hand for a new service
 * is judged entry by entry, not taken as history. Drives the built CLI on clones of a bare remote
 * with the ring fleet's program replayed from JSON.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { hashTree } from '../support/hash-tree';
import { ModelReplay, readFile } from '../support/replay';
import { A, LEDGER_API, PAYMENTS, publishRingFleet, ringFleet, T0, T2, T3 } from '../support/ring-fleet';

let replay: ModelReplay;
beforeAll(() => {
  replay = ModelReplay.create('cdk8s-gitops-backdated-commit-');
});
afterAll(() => replay.cleanup());

/** Commits and pushes a file of nobody's release, dated `at`. */
function unrelatedCommit(clone: string, at: string): void {
  fs.writeFileSync(path.join(clone, 'NOTES.md'), 'notes\n');
  const env = { ...process.env, GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at };
  for (const args of [
    ['add', 'NOTES.md'],
    ['commit', '--quiet', '-m', 'Add notes'],
    ['push', '--quiet', 'origin', 'HEAD'],
  ]) {
    execFileSync('git', args, { cwd: clone, env, stdio: 'ignore' });
  }
}

test('a promotion dated before the commit it follows is committed at that commit’s time: the next ring’s soak is not served by the time set back', async () => {
  // GIVEN A in nonprod since T0, then a commit of someone else's at T2
  const sandbox = Sandbox.create();
  try {
    const clone = sandbox.clone('ci');
    const model = ringFleet();
    await replay.ok(clone, model, ['publish', '--by', 'ci'], '2026-11-21T10:00:00Z');
    await replay.ok(clone, model, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish'], T0);
    unrelatedCommit(clone, T2);

    // WHEN A is promoted into prod-canary with the clock set back to T0, before that commit
    await replay.ok(
      clone,
      model,
      ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish'],
      T0,
    );

    // THEN its commit is dated T2, as its parent is
    expect(sandbox.git(sandbox.remote, 'log', '-1', '--format=%cI', 'main')).toBe('2026-11-22T12:00:00+00:00');
    // AND prod's soak of an hour in prod-canary is not served at T2
    const prod = await replay.run(
      clone,
      model,
      ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob', '--publish'],
      T2,
    );
    expect(prod.code).toBe(1);
    expect(prod.stderr).toContain('CG602');
  } finally {
    sandbox.cleanup();
  }
});

test('a ledger committed by hand for a service synth never wrote one for is judged entry by entry: rings set in one commit serve no soak', async () => {
  // GIVEN a fleet without ledger-api, where A went through every ring of payments-api
  const { sandbox, clone } = await publishRingFleet(replay, { ledgerApi: false }, { through: 'prod' });
  try {
    // AND a ledger for ledger-api, written and pushed by hand: every ring runs A, as payments-api's records say
    const forged = readFile(clone, PAYMENTS).replace(/payments-api/g, 'ledger-api');
    fs.writeFileSync(path.join(clone, LEDGER_API), forged);
    for (const args of [
      ['add', LEDGER_API],
      ['commit', '--quiet', '-m', 'Add ledger-api'],
      ['push', '--quiet', 'origin', 'HEAD'],
    ]) {
      sandbox.git(clone, ...args);
    }
    const ci = sandbox.clone('ci-2');
    const before = hashTree(ci, ['.git']);

    // WHEN the program that declares ledger-api is published from a fresh clone
    const r = await replay.run(ci, ringFleet(), ['publish', '--by', 'ci'], T3);

    // THEN the ledger's entries are judged, not taken as history: prod-canary ran A for no time before prod
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`[${LEDGER_API}] CG611`);
    expect(r.stderr).toContain(`Fix: Remove ${LEDGER_API}, which cdk8s-gitops never wrote (\`git rm ${LEDGER_API}\`, and commit)`);
    expect(hashTree(ci, ['.git'])).toEqual(before);
    expect(sandbox.git(sandbox.remote, 'ls-tree', '--name-only', '-r', 'main')).not.toContain(
      'environments/prod/aws/eu-02/ledger-api/values.yaml',
    );
  } finally {
    sandbox.cleanup();
  }
});
