/**
 * Ring merges and splits once published: a merged ring's history and hold, and a split's ring
 * order. Each test drives the built CLI on a copy of one published fleet (a clone of a bare
 * remote) with a model replayed from JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { ModelReplay, readFile } from '../support/replay';
import {
  A,
  B,
  copyRingFleet,
  D0,
  PAYMENTS,
  PROD_AWS_VALUES,
  PROD_GCP_VALUES,
  publishProdAndCanaryFleets,
  ringFleet,
  T2,
  T3,
} from '../support/ring-fleet';

/** Two hours after {@link T3}: the merge or split is published. */
const T4 = '2026-11-22T16:00:00Z';
/** Two hours after {@link T4}. */
const T5 = '2026-11-22T18:00:00Z';

const merged = ringFleet({ rings: 'merged' });
const split = ringFleet({ rings: 'prod-split' });

let replay: ModelReplay;
/** The fleet through prod: A promoted through every ring, up to prod (soaked, approved by bob). */
let prodFleet: Sandbox;
/** The fleet through canary-b: prod runs A (approved by bob); mallory then put B into nonprod and prod-canary at T2. */
let canaryFleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-merge-attacks-', T3);
  ({ prod: prodFleet, canary: canaryFleet } = await publishProdAndCanaryFleets(replay));
}, 120_000);
afterAll(() => {
  canaryFleet?.cleanup();
  prodFleet?.cleanup();
  replay.cleanup();
});

/** The entry of `ring` in a ledger's text, up to the next ring. */
function entryOf(ledger: string, ring: string): string {
  const start = ledger.indexOf(`\n  ${ring}:\n`);
  if (start < 0) return '';
  const rest = ledger.slice(start + 1);
  const next = rest.slice(1).search(/\n {2}[a-z0-9-]+:\n/);
  return next < 0 ? rest : rest.slice(0, next + 1);
}

describe('prod-canary and prod merged into production (movedFrom: prod-canary, prod)', () => {
  it('rollback --previous in the merged ring puts back a release prod ran, never one only prod-canary ran (and was rolled back from)', async () => {
    // GIVEN B reached prod-canary (never prod), was rolled back from it to A and the hold lifted
    const { sandbox, clone } = copyRingFleet(canaryFleet);
    try {
      const standard = ringFleet();
      await replay.ok(
        clone,
        standard,
        ['rollback', 'payments-api', '--ring', 'prod-canary', '--previous', '--reason', 'B corrupts payments', '--by', 'bob', '--publish'],
        T3,
      );
      await replay.ok(clone, standard, ['unhold', 'payments-api', '--ring', 'prod-canary', '--by', 'bob', '--publish'], T3);
      // WHEN the merge is published (both rings run A), then production is rolled back
      await replay.ok(clone, merged, ['publish', '--by', 'platform-team'], T4);
      const production = entryOf(readFile(clone, PAYMENTS), 'production');
      expect(production).not.toContain(B);
      const to = await replay.run(
        clone,
        merged,
        ['rollback', 'payments-api', '--ring', 'production', '--to', B, '--reason', 'latency', '--by', 'oncall'],
        T5,
      );
      await replay.ok(
        clone,
        merged,
        ['rollback', 'payments-api', '--ring', 'production', '--previous', '--reason', 'latency', '--by', 'oncall', '--publish'],
        T5,
      );
      // THEN B is not in production's history: --to B is refused, and --previous puts back D0, which every prod cluster ran
      expect([to.code, to.stderr]).toEqual([
        1,
        expect.stringContaining('CG606 sha256:bbbbbbbb is not in the history of ring "production"'),
      ]);
      for (const file of [PROD_AWS_VALUES, PROD_GCP_VALUES]) expect(sandbox.remoteFile(file)).toContain(`digest: ${D0}`);
      expect(entryOf(sandbox.remoteFile(PAYMENTS), 'production')).toContain(`digest: ${D0}`);
    } finally {
      sandbox.cleanup();
    }
  }, 60_000);

  it.each([
    ['prod-canary first', ['prod-canary', 'prod']],
    ['prod first', ['prod', 'prod-canary']],
  ])(
    'keeps the hold of prod whatever the order of movedFrom (%s); plan says so, and a promotion is refused (CG603)',
    async (_, movedFrom) => {
      // GIVEN prod and prod-canary were both rolled back from A to D0; prod is held, prod-canary's hold lifted
      const { sandbox, clone } = copyRingFleet(prodFleet);
      try {
        const standard = ringFleet();
        for (const ring of ['prod', 'prod-canary']) {
          await replay.ok(
            clone,
            standard,
            ['rollback', 'payments-api', '--ring', ring, '--previous', '--reason', 'A corrupts payments', '--by', 'bob', '--publish'],
            T3,
          );
        }
        await replay.ok(clone, standard, ['unhold', 'payments-api', '--ring', 'prod-canary', '--by', 'bob', '--publish'], T3);
        const program = movedFrom[0] === 'prod-canary' ? merged : ringFleet({ rings: 'merged-prod-first' });
        // WHEN plan and publish run with the merge
        const plan = await replay.run(clone, program, ['plan'], T4);
        await replay.ok(clone, program, ['publish', '--by', 'platform-team'], T4);
        const promote = await replay.run(
          clone,
          program,
          ['promote', 'payments-api', '--ring', 'production', '--from', 'nonprod', '--by', 'carol', '--approved-by', 'dave', '--publish'],
          T5,
        );
        // THEN plan notes the hold production keeps, production is held, and A (rolled back from) does not reach prod
        expect(plan.code).toBe(2);
        expect(plan.stderr).toContain(`Note: ${PAYMENTS}: ring "production" takes over "${movedFrom[0]}", "${movedFrom[1]}" (a merge)`);
        expect(plan.stderr).toContain('"A corrupts payments" (set 2026-11-22T14:00:00Z by bob)');
        expect(entryOf(sandbox.remoteFile(PAYMENTS), 'production')).toContain('reason: "A corrupts payments"');
        expect([promote.code, promote.stderr]).toEqual([
          1,
          expect.stringContaining('CG603 Ring "production" is held since 2026-11-22T14:00:00Z by bob'),
        ]);
        expect(sandbox.remoteFile(PROD_AWS_VALUES)).toContain(`digest: ${D0}`);
      } finally {
        sandbox.cleanup();
      }
    },
    60_000,
  );
});

describe('prod split into prod-aws and prod-gcp (both movedFrom prod), published', () => {
  it('fails when a hand edit writes one release into both rings of the split (CG610): prod-gcp takes only from prod-aws, in plan, synth and check --base', async () => {
    // GIVEN the split was published, and B then reached nonprod and prod-canary
    const { sandbox, clone } = copyRingFleet(prodFleet);
    try {
      await replay.ok(clone, split, ['publish', '--by', 'platform-team'], T2);
      await replay.ok(clone, split, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'], T3);
      await replay.ok(
        clone,
        split,
        ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'mallory', '--publish'],
        T3,
      );
      // WHEN B is written by hand into prod-aws and prod-gcp at once, as a promotion from prod-canary
      const ledger = readFile(clone, PAYMENTS);
      let edited = ledger;
      for (const ring of ['prod-aws', 'prod-gcp']) {
        const was = entryOf(ledger, ring);
        const inherited = /since: ("[^"]+")\n {4}by: ([a-z]+)\n/.exec(was)!;
        edited = edited.replace(
          was,
          `  ${ring}:\n    digest: ${B}\n    since: "${T5}"\n    by: mallory\n    from: prod-canary\n    approvedBy: bob\n    hold: null\n    previous:\n` +
            `      - { digest: ${A}, since: ${inherited[1]}, by: ${inherited[2]} }\n`,
        );
      }
      expect(edited).not.toBe(ledger);
      fs.writeFileSync(path.join(clone, PAYMENTS), edited);
      const plan = await replay.run(clone, split, ['plan'], T5);
      const synth = await replay.run(clone, split, ['synth'], T5);
      sandbox.git(clone, 'checkout', '--quiet', '-b', 'hand-edit');
      sandbox.git(clone, 'commit', '--quiet', '-am', 'B into prod-aws and prod-gcp');
      const check = await replay.run(clone, split, ['check', '--base', 'main'], T5);
      // THEN each refuses prod-gcp's entry, and prod-gcp's values keep A
      for (const r of [plan, synth, check]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(
          'CG610 Ring "prod-gcp" says it took sha256:bbbbbbbb from "prod-canary", but it takes digests only from "prod-aws", the ring right before it',
        );
      }
      expect(readFile(clone, PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  }, 60_000);
});
