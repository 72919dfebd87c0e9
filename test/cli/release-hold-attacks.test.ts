/**
 * Hostile hand edits around a hold: lifting it with a bumped `since`, putting back the release
 * a ring was rolled back from with no hold, and lifting it on top of a pending operation that
 * was then committed by hand. Only `unhold` lifts a hold; a rollback later unheld is accepted
 * when its held rollback is on record. Each test drives the built CLI on a copy of one published
 * fleet and asserts the refusal and that nothing was written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import { B, copyRingFleet, PAYMENTS, publishRingFleet, ringFleet, T0, T2, T3 } from '../support/ring-fleet';

const T4 = '2026-11-22T16:00:00Z';
let replay: ModelReplay;
/** The fleet through canary-b, then prod rolled back (held): prod runs the initial digest, held; A before it. */
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-hold-attacks-', T0);
  const published = await publishRingFleet(replay, {}, { through: 'canary-b' });
  fleet = published.sandbox;
  await replay.ok(
    published.clone,
    ringFleet(),
    ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'A corrupts payments', '--by', 'bob', '--publish'],
    T3,
  );
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

/** The ledger's text with `edit` applied to prod's entry only. */
function editProd(clone: string, edit: (entry: string) => string): void {
  const text = readFile(clone, PAYMENTS);
  const at = text.indexOf('\n  prod:\n');
  fs.writeFileSync(path.join(clone, PAYMENTS), text.slice(0, at) + edit(text.slice(at)));
}

const noHold = (entry: string): string => entry.replace(/ {4}hold:\n {6}reason: .*\n {6}since: .*\n {6}by: .*\n/, '    hold: null\n');

describe('holds lifted by hand', () => {
  it('refuses a hold removed by hand together with a bumped since (CG613), and nothing is written', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      editProd(clone, (e) => noHold(e).replace('since: "2026-11-22T14:00:00Z"', 'since: "2026-11-22T14:00:01Z"'));
      const before = cloneSnapshot(sandbox, clone);
      for (const command of ['synth', 'plan', 'check']) {
        const r = await replay.run(clone, ringFleet(), [command], T4);
        expect([command, r.code]).toEqual([command, 1]);
        expect(r.stderr).toContain(
          `[${PAYMENTS}] CG613 Ring "prod" is held since 2026-11-22T14:00:00Z by bob, and the hold was removed by hand.`,
        );
      }
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('refuses putting back, unheld, the release the ring was rolled back from, also committed for a merge request', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // prod ran A before its rollback: a hand edit puts A back from no ring, with no hold
      const ledger = readFile(clone, PAYMENTS);
      const a = /\n {2}prod:\n[\s\S]*?previous:\n {6}- \{ digest: (sha256:[0-9a-f]{64})/.exec(ledger)![1]!;
      editProd(clone, (e) =>
        noHold(e)
          .replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${a}`)
          .replace('by: bob', 'by: mallory'),
      );
      const before = cloneSnapshot(sandbox, clone);
      const synth = await replay.run(clone, ringFleet(), ['synth'], T4);
      expect(synth.code).toBe(1);
      expect(synth.stderr).toContain(
        `[${PAYMENTS}] CG613 Ring "prod" runs sha256:aaaaaaaa, but Git has it held since 2026-11-22T14:00:00Z by bob`,
      );
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      // AND committed on a branch, the merge request's check refuses it too
      sandbox.git(clone, 'checkout', '-q', '-b', 'hand');
      sandbox.git(clone, 'commit', '-qam', 'hand edit');
      const check = await replay.run(clone, ringFleet(), ['check', '--base', 'main'], T4);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain('CG613 Ring "prod" runs sha256:aaaaaaaa, but Git has it held');
    } finally {
      sandbox.cleanup();
    }
  });

  it('accepts a rollback unheld since when its held rollback is on record: pending, and as the commits of a merge request', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // prod-canary runs B: roll it back and unhold it, both pending, then check; then publish both to a branch and check --base
      await replay.ok(
        clone,
        ringFleet(),
        ['rollback', 'payments-api', '--ring', 'prod-canary', '--previous', '--reason', 'x', '--by', 'bob'],
        T4,
      );
      await replay.ok(clone, ringFleet(), ['unhold', 'payments-api', '--ring', 'prod-canary', '--by', 'bob'], T4);
      expect((await replay.run(clone, ringFleet(), ['synth'], T4)).code).toBe(0);
      await replay.ok(clone, ringFleet(), ['publish', '--branch', 'rollback-canary', '--by', 'bob'], T4);
      sandbox.git(clone, 'checkout', '-q', 'rollback-canary');
      const check = await replay.run(clone, ringFleet(), ['check', '--base', 'main'], T4);
      expect([check.code, check.stderr]).toEqual([0, '']);
    } finally {
      sandbox.cleanup();
    }
  });

  it('accepts a promotion and its rollback as the commits of a merge request, each judged against the one before it', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // nonprod runs B: promote C into it, then roll it back to B, both pending, published to a branch as two commits
      const C = B.replace(/b/g, 'c');
      await replay.ok(clone, ringFleet(), ['promote', 'payments-api', '--ring', 'nonprod', '--digest', C, '--by', 'carol'], T4);
      await replay.ok(
        clone,
        ringFleet(),
        ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'C fails', '--by', 'carol'],
        T4,
      );
      await replay.ok(clone, ringFleet(), ['publish', '--branch', 'promote-and-back', '--by', 'carol'], T4);
      sandbox.git(clone, 'checkout', '-q', 'promote-and-back');
      expect(sandbox.git(clone, 'log', '--format=%s', 'main..HEAD').split('\n')).toHaveLength(2);
      const check = await replay.run(clone, ringFleet(), ['check', '--base', 'main'], T4);
      expect([check.code, check.stderr]).toEqual([0, '']);
    } finally {
      sandbox.cleanup();
    }
  });

  it('refuses a merge request whose first commit invents a previous release, though its second only rolls back to it (CG610)', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // commit 1, by hand: C among nonprod's previous releases; commit 2, by hand, as a rollback would write it: nonprod back on C, held
      const C = B.replace(/b/g, 'c');
      const invented = `      - { digest: ${C}, since: "2026-11-22T11:00:00Z", by: mallory }\n`;
      sandbox.git(clone, 'checkout', '-q', '-b', 'invented');
      const text = readFile(clone, PAYMENTS);
      const nonprod = text.slice(text.indexOf('  nonprod:\n'), text.indexOf('  prod-canary:\n'));
      const previous = nonprod.slice(nonprod.indexOf('      - '));
      fs.writeFileSync(path.join(clone, PAYMENTS), text.replace(nonprod, nonprod.replace(previous, invented + previous)));
      sandbox.git(clone, 'commit', '-qam', 'invent a previous release');
      const rolledBack = [
        '  nonprod:',
        `    digest: ${C}`,
        `    since: "${T4}"`,
        '    by: mallory',
        '    from: null',
        '    approvedBy: null',
        '    hold:',
        '      reason: "x"',
        `      since: "${T4}"`,
        '      by: mallory',
        '    previous:',
        `      - { digest: ${B}, since: "${T2}", by: mallory }`,
        invented + previous,
      ].join('\n');
      fs.writeFileSync(path.join(clone, PAYMENTS), text.replace(nonprod, rolledBack));
      sandbox.git(clone, 'commit', '-qam', 'roll back to it');
      const check = await replay.run(clone, ringFleet(), ['check', '--base', 'main'], T4);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain('CG610 Ring "nonprod" lists sha256:cccccccc among its previous releases');
    } finally {
      sandbox.cleanup();
    }
  });

  it('refuses a hold removed by hand on top of a pending operation, and after both were committed by hand', async () => {
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      await replay.ok(
        clone,
        ringFleet(),
        ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B.replace(/b/g, 'c'), '--by', 'carol'],
        T4,
      );
      editProd(clone, noHold);
      const synth = await replay.run(clone, ringFleet(), ['synth'], T4);
      expect(synth.code).toBe(1);
      expect(synth.stderr).toContain('CG613 Ring "prod" is held since 2026-11-22T14:00:00Z by bob, and the hold was removed by hand.');
      // AND committed by hand, with the pending records gone, every command still refuses it
      sandbox.git(clone, 'commit', '-qam', 'promote nonprod');
      fs.rmSync(path.join(clone, '.git', 'cdk8s-gitops', 'pending'), { recursive: true, force: true });
      for (const command of ['check', 'synth']) {
        const r = await replay.run(clone, ringFleet(), [command], T4);
        expect([command, r.code]).toEqual([command, 1]);
        expect(r.stderr).toContain('CG613 Ring "prod" is held since 2026-11-22T14:00:00Z by bob, and the hold was removed by hand.');
      }
    } finally {
      sandbox.cleanup();
    }
  });
});
