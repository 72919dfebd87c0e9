/**
 * A merge request is judged as what its merge would make of the branch: a release the change
 * itself brings into a ring has run there for no time until it is merged, and ledgers the change
 * does not touch are not its to answer for. Each test drives the built CLI on a copy of one
 * published fleet (A through every ring, prod soaked and approved).
 */
import { Sandbox } from '../git/sandbox';
import { ModelReplay } from '../support/replay';
import { B, copyRingFleet, publishRingFleet, ringFleet, T3 } from '../support/ring-fleet';

/** Two hours after {@link T3}: prod's one-hour soak would be served twice over since T3. */
const T5 = '2026-11-22T16:00:00Z';

let replay: ModelReplay;
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-merge-request-soak-', T3);
  fleet = (await publishRingFleet(replay, {}, { through: 'prod' })).sandbox;
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

/** `promote <service> --ring <ring> <how…> --publish` in `clone` at `now`: `how` says the release and who. */
function promote(clone: string, service: string, ring: string, how: readonly string[], now: string): Promise<void> {
  return replay.ok(clone, ringFleet(), ['promote', service, '--ring', ring, ...how, '--publish'], now);
}

/** B into nonprod, then from there into prod-canary, by alice at T3, each published. */
async function bIntoCanary(clone: string): Promise<void> {
  await promote(clone, 'payments-api', 'nonprod', ['--digest', B, '--by', 'alice'], T3);
  await promote(clone, 'payments-api', 'prod-canary', ['--from', 'nonprod', '--by', 'alice'], T3);
}

/** B from prod-canary into prod at T5, approved by bob; `more` adds to the command (`--branch`). */
function bIntoProd(clone: string, more: readonly string[] = []): Promise<void> {
  return promote(clone, 'payments-api', 'prod', ['--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob', ...more], T5);
}

describe('check --base on a merge request', () => {
  it('refuses a release into prod whose soak in prod-canary was served on the unmerged branch only (CG611)', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // GIVEN a branch, pushed as it is, onto which B is promoted into nonprod and prod-canary at T3
      sandbox.git(clone, 'checkout', '-q', '-b', 'feat');
      sandbox.git(clone, 'push', '-q', '-u', 'origin', 'feat');
      await bIntoCanary(clone);
      // WHEN two hours later the same branch takes B into prod, approved, and is proposed for main
      await bIntoProd(clone);
      const check = await replay.run(clone, ringFleet(), ['check', '--base', 'main'], T5);
      // THEN B has run in prod-canary for no time: it gets there when the branch is merged
      expect(check.code).toBe(1);
      expect(check.stderr).toContain('CG611');
      expect(check.stderr).toContain('Ring "prod"');
    } finally {
      sandbox.cleanup();
    }
  });

  it('accepts the same release into prod once prod-canary ran it on the base for the soak', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      await bIntoCanary(clone);
      await bIntoProd(clone, ['--branch', 'prod']);
      sandbox.git(clone, 'checkout', '-q', 'prod');
      const check = await replay.run(clone, ringFleet(), ['check', '--base', 'main'], T5);
      expect([check.code, check.stderr]).toEqual([0, '']);
    } finally {
      sandbox.cleanup();
    }
  });

  it('judges only the ledgers the change touches: one that moved on the base since the branch forked is not its to answer for', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // GIVEN a merge request that promotes ledger-api, forked after payments-api took B into nonprod
      // and before main took it into prod-canary
      await promote(clone, 'payments-api', 'nonprod', ['--digest', B, '--by', 'alice'], T3);
      await promote(clone, 'ledger-api', 'nonprod', ['--digest', B, '--by', 'carol', '--branch', 'ledger'], T3);
      await promote(clone, 'payments-api', 'prod-canary', ['--from', 'nonprod', '--by', 'alice'], T3);
      sandbox.git(clone, 'checkout', '-q', 'ledger');
      // WHEN its pipeline checks it against the base as it is now
      const check = await replay.run(clone, ringFleet(), ['check', '--base', 'origin/main'], T5);
      // THEN payments-api, which the change leaves as it found it, is not judged
      expect([check.code, check.stderr]).toEqual([0, '']);
    } finally {
      sandbox.cleanup();
    }
  });
});
