/**
 * A pending operation into a ring the program then splits or renames again: the promotion lands
 * in every ring that took the old ring over, as one commit of its own, and the inherited entries
 * are not judged hand edits; `publish` does what `synth` then `publish` does. Each test drives
 * the built CLI on a copy of one published fleet (a clone of a bare remote) in which alice
 * promoted B into prod without --publish.
 */
import { ModelReplay, readFile } from '../support/replay';
import { Sandbox } from '../git/sandbox';
import {
  A,
  B,
  copyRingFleet,
  PAYMENTS,
  PROD_AWS_VALUES,
  PROD_GCP_VALUES,
  publishRingFleet,
  ringFleet,
  subjectsSince,
  T3,
} from '../support/ring-fleet';

/** The pending promotion, as the commit that publishes it names it when prod is one ring. */
const PROMOTE_B = (rings: string, from = 'prod-canary'): string =>
  `promote payments-api sha256:bbbbbbbb to ${rings} from ${from} (by alice, approved by bob)`;

let replay: ModelReplay;
/** The fleet through canary-b (prod runs A, prod-canary B since T2), with alice's pending promotion of B into prod at T3. */
let fleet: Sandbox;
/** The remote's tip the tests start from. */
let base: string;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-split-attacks-', T3);
  const { sandbox, clone } = await publishRingFleet(replay, {}, { through: 'canary-b' });
  fleet = sandbox;
  await replay.ok(
    clone,
    ringFleet(),
    ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob'],
    T3,
  );
  base = sandbox.git(sandbox.remote, 'rev-parse', 'main');
}, 60_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

/** A copy of the fleet with the pending promotion, and its clone. */
function pendingFleet(): { sandbox: Sandbox; clone: string } {
  return copyRingFleet(fleet);
}

/** The entry of `ring` in a ledger's text, up to the next ring. */
function entryOf(ledger: string, ring: string): string {
  const start = ledger.indexOf(`\n  ${ring}:\n`);
  if (start < 0) return '';
  const rest = ledger.slice(start + 1);
  const next = rest.slice(1).search(/\n {2}[a-z0-9-]+:\n/);
  return next < 0 ? rest : rest.slice(0, next + 1);
}

/** What a ring's entry says of B promoted into it by alice at T3, approved by bob. */
function expectBFrom(entry: string, from: string): void {
  expect(entry).toContain(`digest: ${B}`);
  expect(entry).toContain(`since: "${T3}"`);
  expect(entry).toContain('by: alice');
  expect(entry).toContain(`from: ${from}`);
  expect(entry).toContain('approvedBy: bob');
}

describe('a pending promotion into prod, then the program splits prod into prod-aws and prod-gcp (both movedFrom prod)', () => {
  const split = ringFleet({ rings: 'prod-split' });

  it.each([
    ['synth, then publish', true],
    ['publish alone', false],
  ])(
    '%s: the promotion lands in both rings, as one commit after the program\'s, not CG610 "changed by hand"',
    async (_, synthFirst) => {
      const { sandbox, clone } = pendingFleet();
      try {
        if (synthFirst) {
          // WHEN synth runs with the program that splits prod
          const s = await replay.run(clone, split, ['synth'], T3);
          // THEN the split rings' inherited entry (B from prod-canary) is not judged a hand edit, and both run B here
          expect([s.code, s.stderr]).toEqual([0, expect.not.stringContaining('CG610')]);
          expectBFrom(entryOf(readFile(clone, PAYMENTS), 'prod-gcp'), 'prod-canary');
          expect(readFile(clone, PROD_GCP_VALUES)).toContain(`digest: ${B}`);
        }
        // WHEN publish runs with that program
        const r = await replay.run(clone, split, ['publish', '--by', 'ci'], T3);
        // THEN the program's change is one commit (it moves no digest: prod-aws and prod-gcp run A) and alice's promotion
        //      another, into both rings prod was split into, from the ring before prod
        expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('CG6')]);
        expect(subjectsSince(sandbox, base)).toEqual(['Synthesize the platform program', PROMOTE_B('prod-aws, prod-gcp')]);
        for (const file of [PROD_AWS_VALUES, PROD_GCP_VALUES]) {
          expect(sandbox.remoteFile(file, 'main~1')).toContain(`digest: ${A}`);
          expect(sandbox.remoteFile(file)).toContain(`digest: ${B}`);
        }
        const ledger = sandbox.remoteFile(PAYMENTS);
        expect(entryOf(ledger, 'prod')).toBe('');
        expectBFrom(entryOf(ledger, 'prod-aws'), 'prod-canary');
        expectBFrom(entryOf(ledger, 'prod-gcp'), 'prod-canary');
        expect(sandbox.git(sandbox.remote, 'log', '-1', '--format=%B', 'main')).toContain('Cdk8s-Gitops-Ring: prod-gcp');
        // AND the split's ledger passes the ring rules afterwards: a plan finds nothing to do
        const plan = await replay.run(clone, split, ['plan'], T3);
        expect([plan.code, plan.stderr]).toEqual([0, '']);
      } finally {
        sandbox.cleanup();
      }
    },
    60_000,
  );
});

describe('a pending promotion into prod, then the program renames prod-canary, the ring it was taken from', () => {
  it('publish lands it in prod, taken from canary (prod-canary renamed), not CG610 for its `from`', async () => {
    const { sandbox, clone } = pendingFleet();
    try {
      // WHEN publish runs with the program that renames prod-canary to canary (movedFrom prod-canary)
      const r = await replay.run(clone, ringFleet({ rings: 'canary-renamed' }), ['publish', '--by', 'ci'], T3);
      // THEN the rename is the program's commit and the promotion its own, from the ring by its new name
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('CG6')]);
      expect(subjectsSince(sandbox, base)).toEqual(['Synthesize the platform program', PROMOTE_B('prod', 'canary')]);
      expectBFrom(entryOf(sandbox.remoteFile(PAYMENTS), 'prod'), 'canary');
      expect(sandbox.remoteFile(PROD_GCP_VALUES)).toContain(`digest: ${B}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a pending promotion into prod, synth with prod renamed production, then production renamed live', () => {
  it('publish publishes it into live (movedFrom production and prod), as synth then publish does, not CG519 "edited since"', async () => {
    const { sandbox, clone } = pendingFleet();
    try {
      // GIVEN synth ran with prod renamed production (movedFrom prod)
      await replay.ok(clone, ringFleet({ rings: 'prod-renamed' }), ['synth'], T3);
      // WHEN publish runs with production renamed live (movedFrom production, prod)
      const r = await replay.run(clone, ringFleet({ rings: 'prod-renamed-twice' }), ['publish', '--by', 'ci'], T3);
      // THEN the rename is the program's commit and alice's promotion its own, into live
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('CG519')]);
      expect(subjectsSince(sandbox, base)).toEqual(['Synthesize the platform program', PROMOTE_B('live')]);
      const ledger = sandbox.remoteFile(PAYMENTS);
      expect([entryOf(ledger, 'prod'), entryOf(ledger, 'production')]).toEqual(['', '']);
      expectBFrom(entryOf(ledger, 'live'), 'prod-canary');
      expect(sandbox.remoteFile(PROD_AWS_VALUES)).toContain(`digest: ${B}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a pending promotion into prod, synth with prod renamed production, then production renamed live without movedFrom prod', () => {
  it('publish refuses it with CG209 naming prod, the ring the program no longer accounts for, and movedFrom with both names; nothing is pushed', async () => {
    const { sandbox, clone } = pendingFleet();
    try {
      // GIVEN synth ran with prod renamed production (movedFrom prod)
      await replay.ok(clone, ringFleet({ rings: 'prod-renamed' }), ['synth'], T3);
      const remoteBefore = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      // WHEN publish runs with production renamed live, moved from production only
      const r = await replay.run(clone, ringFleet({ rings: 'prod-renamed-twice-from-production' }), ['publish', '--by', 'ci'], T3);
      // THEN it names the last commit's ring prod and the declaration that accounts for it, not CG610 "changed by hand"
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`[${PAYMENTS}] CG209 ${PAYMENTS} as of HEAD records ring "prod"`)]);
      expect(r.stderr).toContain("new PromotionRing(platform, 'live', { …, movedFrom: ['production', 'prod'] })");
      expect(r.stderr).not.toContain('CG610');
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteBefore);
    } finally {
      sandbox.cleanup();
    }
  });
});
