/**
 * Release operations made in a stale clone and published after the remote moved on. Publish
 * re-applies each pending operation on the remote tip: it must make exactly what it made when it
 * was made (the digest it promoted or rolled back to, the hold it lifted), or be refused with
 * CG517 and push nothing; and it is "on the remote already" only when the remote has that very
 * operation. Each test drives the built CLI on clones of one bare remote, which is reset before
 * each test to the published fleet: prod runs A (approved by bob), prod-canary and nonprod run B.
 */
import * as fs from 'fs';
import * as path from 'path';
import { shortDigest as short } from '../../src/model/versions';
import { Sandbox } from '../git/sandbox';
import { CliResult } from '../support/tree';
import { ModelReplay, readFile } from '../support/replay';
import { A, B, D0, PAYMENTS, PROD_GCP_VALUES, publishRingFleet, ringFleet, T3 } from '../support/ring-fleet';

/** A third digest, which reaches nonprod and prod-canary on the remote after the stale clone was made. */
const C = `sha256:${'c'.repeat(64)}`;
/** Two hours after {@link T3}. */
const T4 = '2026-11-22T16:00:00Z';

const model = ringFleet();
let replay: ModelReplay;
let sandbox: Sandbox;
let fleet: string;
let clones = 0;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-stale-clone-attacks-', T3);
  ({ sandbox } = await publishRingFleet(replay, {}, { through: 'canary-b' }));
  fleet = sandbox.git(sandbox.remote, 'rev-parse', 'main');
}, 60_000);
afterAll(() => {
  sandbox?.cleanup();
  replay.cleanup();
});
beforeEach(() => sandbox.git(sandbox.remote, 'update-ref', 'refs/heads/main', fleet));

/** A new clone of the remote as it is now. */
function clone(name: string): string {
  return sandbox.clone(`${name}-${++clones}`);
}

/** Runs the CLI on `dir` at `now` with the fleet's program, expecting exit code 0. */
function ok(dir: string, args: readonly string[], now: string): Promise<void> {
  return replay.ok(dir, model, args, now);
}

/** The pending-operation records of the clone `dir`, parsed. */
function pendingRecords(dir: string): { subject: string; ledger: { after: string } }[] {
  const store = path.resolve(dir, sandbox.git(dir, 'rev-parse', '--git-path', 'cdk8s-gitops/pending'));
  if (!fs.existsSync(store)) return [];
  return fs
    .readdirSync(store)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(store, f), 'utf8')));
}

/**
 * The refusal `r` is CG517 for payments-api's ledger and pushed nothing: the remote is still at
 * `tip`, the stale clone committed nothing (its branch is at the remote tip it was refused on),
 * and it holds only the refused operation, still pending, with the ledger as that operation left it.
 */
function expectRefusedNothingPushed(r: CliResult, stale: string, tip: string, subject: string): void {
  expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`[${PAYMENTS}] CG517 The pending ${subject} (made `)]);
  expect(r.stderr).toContain('Nothing was pushed; the operation is still pending.');
  expect(r.stderr).not.toContain('on the remote already');
  expect(r.stdout).not.toMatch(/Also published|Pushed|Nothing to publish/);
  expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(tip);
  expect(sandbox.git(stale, 'rev-parse', 'HEAD')).toBe(tip);
  expect(sandbox.status(stale)).toEqual([` M ${PAYMENTS}`]);
  const records = pendingRecords(stale);
  expect(records.map((p) => p.subject)).toEqual([subject]);
  expect(readFile(stale, PAYMENTS)).toBe(records[0]!.ledger.after);
}

describe('a promote --from made in a stale clone', () => {
  const subject = `promote payments-api ${short(B)} to prod from prod-canary (by alice, approved by bob)`;
  const promoteProd = [
    'promote',
    'payments-api',
    '--ring',
    'prod',
    '--from',
    'prod-canary',
    '--by',
    'alice',
    '--approved-by',
    'bob',
    '--publish',
  ];

  it('fails with CG517 when the ring it promoted from runs another digest on the remote now: the approval was for B, not C', async () => {
    // GIVEN a clone made while prod-canary runs B
    const ci = clone('ci');
    const stale = clone('stale');
    // AND on the remote, mallory then moves C into nonprod and prod-canary at T3
    await ok(ci, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', C, '--by', 'mallory', '--publish'], T3);
    await ok(ci, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'mallory', '--publish'], T3);
    const tip = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    // WHEN alice, in the stale clone, promotes what she sees in prod-canary (B) into prod at T4, approved by bob
    const r = await replay.run(stale, model, promoteProd, T4);
    // THEN it is refused (CG517), naming the digest promoted (B), what prod-canary runs now (C) and the way on; prod still runs A
    expectRefusedNothingPushed(r, stale, tip, subject);
    expect(r.stderr).toContain(
      `it promoted ${short(B)}, what "prod-canary" ran when it was made, but "prod-canary" runs ${short(C)} now (since ${T3}, by mallory).`,
    );
    expect(r.stderr).toContain('Fix: Drop it (cdk8s-gitops publish --drop-pending');
    expect(r.stderr).toContain('(git pull)');
    expect(r.stderr).toContain('with an approval for that digest');
    expect(sandbox.remoteFile(PROD_GCP_VALUES)).toContain(`digest: ${A}`);
  });

  it('fails with CG517, not "on the remote already", when the ring it promoted from was rolled back on the remote', async () => {
    // GIVEN a clone made while prod-canary runs B; on the remote, bob then rolls prod-canary back to A (held) at T3
    const ci = clone('ci');
    const stale = clone('stale');
    await ok(ci, ['rollback', 'payments-api', '--ring', 'prod-canary', '--previous', '--reason', 'bad', '--by', 'bob', '--publish'], T3);
    const tip = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    // WHEN alice, in the stale clone, promotes B into prod from prod-canary at T4
    const r = await replay.run(stale, model, promoteProd, T4);
    // THEN it is refused (CG517) naming B and what prod-canary runs now (A, held), rather than dropped as published
    expectRefusedNothingPushed(r, stale, tip, subject);
    expect(r.stderr).toContain(
      `it promoted ${short(B)}, what "prod-canary" ran when it was made, but "prod-canary" runs ${short(A)} now (since ${T3}, by bob, held: bad).`,
    );
    expect(sandbox.remoteFile(PROD_GCP_VALUES)).toContain(`digest: ${A}`);
  });

  it('fails with CG517, not "on the remote already", when another promotion of the same digest reached the ring first', async () => {
    // GIVEN a clone made while prod runs A; on the remote, carol then promotes B into prod at T3, approved by dave
    const ci = clone('ci');
    const stale = clone('stale');
    await carolPromotesBIntoProd(ci);
    const tip = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    // WHEN alice, in the stale clone, promotes B into prod at T4, approved by bob
    const r = await replay.run(stale, model, promoteProd, T4);
    // THEN her promotion is refused (CG517): prod runs B by carol's promotion, not hers, which would change nothing
    expectRefusedNothingPushed(r, stale, tip, subject);
    expect(r.stderr).toContain(`payments-api prod already runs ${short(B)} (since ${T3}, by carol), by a change other than this operation`);
  });
});

/** On the remote, through the clone `ci`: carol promotes B into prod at T3, approved by dave. */
function carolPromotesBIntoProd(ci: string): Promise<void> {
  return ok(
    ci,
    ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'carol', '--approved-by', 'dave', '--publish'],
    T3,
  );
}

describe('a rollback or unhold made in a stale clone', () => {
  it('rollback --previous goes back to the digest it went back to in the clone, not to what is previous on the remote now', async () => {
    // GIVEN a clone made while prod runs A (before it, D0); on the remote, carol then promotes B into prod at T3
    const ci = clone('ci');
    const stale = clone('stale');
    await carolPromotesBIntoProd(ci);
    // WHEN alice, in the stale clone, rolls prod back to its previous release (D0) at T4, and publishes
    await ok(stale, ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'p99 up', '--by', 'alice', '--publish'], T4);
    // THEN prod runs D0 on the remote, under the subject the operation was recorded with; not A (previous to B)
    expect(sandbox.remoteFile(PROD_GCP_VALUES)).toContain(`digest: ${D0}`);
    expect(sandbox.remoteLog()[0]).toBe(`roll back payments-api prod to ${short(D0)} and hold it (by alice): p99 up`);
  });

  it('fails with CG517 when the hold the unhold lifted was replaced on the remote by another one', async () => {
    // GIVEN bob rolled prod back at T3 (hold "r1"), and a clone is made then
    const ci = clone('ci');
    await ok(ci, ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'r1', '--by', 'bob', '--publish'], T3);
    const stale = clone('stale');
    // AND on the remote, carol rolls prod back again at T4, which replaces the hold with hers ("r2")
    await ok(ci, ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'r2', '--by', 'carol', '--publish'], T4);
    const tip = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    // WHEN alice, in the stale clone, lifts the hold she sees ("r1") at T4
    const r = await replay.run(stale, model, ['unhold', 'payments-api', '--ring', 'prod', '--by', 'alice', '--publish'], T4);
    // THEN it is refused (CG517), naming both holds; carol's hold stays
    expectRefusedNothingPushed(r, stale, tip, 'unhold payments-api prod (by alice)');
    expect(r.stderr).toContain(
      `it lifted the hold "r1" (set ${T3} by bob), but "prod" is held by another since: "r2" (set ${T4} by carol).`,
    );
    expect(sandbox.remoteFile(PAYMENTS)).toContain('reason: "r2"');
  });
});
