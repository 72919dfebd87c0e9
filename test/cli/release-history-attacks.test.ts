/**
 * Hostile and ordinary use of the release path not covered by the other attack files: tag
 * releases, a release command published in the same run as a ring rename (movedFrom), the ledger
 * of a removed service deleted and the service declared again, and a ledger edited in a commit
 * that also deletes its record in the manifest. Each test drives the built CLI on a real
 * checkout (a clone of a bare remote; all but the tag test's copied from one published fleet)
 * with a model replayed from JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Removal } from '../../src';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import {
  A,
  B,
  copyRingFleet,
  LEDGER_API,
  PAYMENTS,
  PROD_GCP_VALUES,
  publishRingFleet,
  ringFleet,
  SHARD,
  subjectsSince,
  T0,
  T3,
} from '../support/ring-fleet';

let replay: ModelReplay;
/** The fleet through canary-b: prod runs A (approved by bob), prod-canary and nonprod run B. */
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-history-attacks-', T0);
  fleet = (await publishRingFleet(replay, {}, { through: 'canary-b' })).sandbox;
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

describe('a release command published in the same run as a ring rename (movedFrom)', () => {
  it('promote --publish into the renamed ring publishes the rename and the promotion, and leaves the checkout clean', async () => {
    // GIVEN prod runs A, prod-canary runs B (soaked 2h by T3)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const base = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      // WHEN the program renames prod to production (movedFrom: ['prod']) and the next release command promotes into it
      const renamed = ringFleet({ rings: 'prod-renamed' });
      const r = await replay.run(
        clone,
        renamed,
        ['promote', 'payments-api', '--ring', 'production', '--from', 'prod-canary', '--by', 'eve', '--approved-by', 'bob', '--publish'],
        T3,
      );
      // THEN the program's change (both ledgers renamed) is one synth commit and the promotion one commit of its own
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('CG520')]);
      expect(subjectsSince(sandbox, base)).toEqual([
        'Synthesize the platform program',
        'promote payments-api sha256:bbbbbbbb to production from prod-canary (by eve, approved by bob)',
      ]);
      expect(sandbox.remoteFile(PAYMENTS)).toMatch(/\n {2}production:\n {4}digest: sha256:b{64}\n/);
      expect(sandbox.remoteFile(LEDGER_API)).toContain('\n  production:\n');
      expect(sandbox.status(clone)).toEqual([]);
    } finally {
      sandbox.cleanup();
    }
  });

  it('publish of a pending promotion made after a ring rename is not refused as a hand edit (CG520) of the other ledgers', async () => {
    // GIVEN prod runs A, prod-canary runs B; the program renames prod to production
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const renamed = ringFleet({ rings: 'prod-renamed' });
      // AND a promotion into the renamed ring, pending (not published)
      await replay.ok(
        clone,
        renamed,
        ['promote', 'payments-api', '--ring', 'production', '--from', 'prod-canary', '--by', 'eve', '--approved-by', 'bob'],
        T3,
      );
      // check calls the checkout clean
      expect((await replay.run(clone, renamed, ['check'], T3)).code).toBe(0);
      // WHEN publish runs
      const r = await replay.run(clone, renamed, ['publish', '--by', 'ci'], T3);
      // THEN it publishes the rename (the program's change) and eve's promotion; ledger-api's rename is no hand edit
      expect(r.stderr).not.toContain(`[${LEDGER_API}] CG520`);
      expect(r.code).toBe(0);
      expect(sandbox.remoteLog()[0]).toBe('promote payments-api sha256:bbbbbbbb to production from prod-canary (by eve, approved by bob)');
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('the ledger of a removed service', () => {
  it('check, plan and synth refuse a checkout whose removed service lost its ledger (CG210), as for a declared service', async () => {
    // GIVEN prod runs A; payments-api is removed (declared), published: its ledger stays, owned
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const removed = ringFleet({ paymentsApi: false, removals: [Removal.service('payments-api')] });
      await replay.ok(clone, removed, ['publish', '--by', 'ci'], T3);
      expect(fs.existsSync(path.join(clone, PAYMENTS))).toBe(true);
      // AND someone deletes the ledger in a commit ("the service is gone")
      sandbox.git(clone, 'rm', '--quiet', PAYMENTS);
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Remove the ledger of a removed service');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN check, plan and synth run
      const runs = [];
      for (const command of ['check', 'plan', 'synth']) runs.push(await replay.run(clone, removed, [command], T3));
      // THEN each refuses the deleted ledger as it does a declared service's (CG210, with the restore from Git),
      //      and nothing is written; none calls the checkout up to date
      for (const r of runs) {
        expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`CG210 ${PAYMENTS} is missing, but cdk8s-gitops wrote it`)]);
        expect(r.stderr).toContain(`git checkout <that commit>^ -- ${PAYMENTS}`);
        expect(r.stdout).not.toMatch(/No changes|Clean/);
      }
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('re-adding a removed service whose ledger and shard were deleted in a commit does not restart prod from initialDigest', async () => {
    // GIVEN prod runs A; payments-api is removed (declared), published
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      await replay.ok(clone, ringFleet({ paymentsApi: false, removals: [Removal.service('payments-api')] }), ['publish', '--by', 'ci'], T3);
      // AND its leftovers, the ledger and its shard, are deleted in a commit (Git's history still holds the ledger)
      sandbox.git(clone, 'rm', '--quiet', PAYMENTS, SHARD);
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Clean up payments-api');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN the service is declared again and synth runs
      const r = await replay.run(clone, ringFleet(), ['synth'], T3);
      // THEN it refuses (CG210: the ledger was deleted; Git holds what its rings last ran) and writes nothing:
      //      prod must resume from A, never from initialDigest
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`CG210 ${PAYMENTS}`)]);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a ledger edit committed together with the deletion of its manifest record', () => {
  it("synth judges prod's changed entry (CG612) when the commit that changed it also deleted the service's shard", async () => {
    // GIVEN prod runs A (approved by bob); prod-canary runs B
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND one commit sets prod to B with no approver, deletes payments-api's shard (its record of the ledger)
      //     and prod's values directories
      const ledger = readFile(clone, PAYMENTS);
      const i = ledger.indexOf('\n  prod:\n');
      fs.writeFileSync(
        path.join(clone, PAYMENTS),
        ledger.slice(0, i) + ledger.slice(i).replace(`digest: ${A}`, `digest: ${B}`).replace('approvedBy: bob', 'approvedBy: null'),
      );
      sandbox.git(
        clone,
        'rm',
        '--quiet',
        '-r',
        SHARD,
        'environments/prod/aws/eu-02/payments-api',
        'environments/prod/gcp/gcp-01/payments-api',
      );
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Tidy payments-api');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs with the unchanged program
      const r = await replay.run(clone, ringFleet(), ['synth'], T3);
      // THEN prod's entry is judged as the hand edit it is (no approver: CG612), and nothing is written;
      //      the shard's deletion does not turn the edit into history
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('CG612')]);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(fs.existsSync(path.join(clone, PROD_GCP_VALUES))).toBe(false);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('tag releases', () => {
  it('a tag as initialDigest in environments that allow tags is accepted, or refused with its construct path', async () => {
    // GIVEN a platform whose environments allow tags (requireDigest: false), payments-api's initial release a tag
    const sandbox = Sandbox.create();
    const clone = sandbox.clone('ci');
    try {
      // WHEN it is published
      const r = await replay.run(clone, ringFleet({ tags: true, paymentsApiInitial: '1.0.0' }), ['publish', '--by', 'ci']);
      // THEN the program's validation (no CG115 for tag environments) and the commands agree: either the tag is
      //      the initial release, or the problem is reported as a program problem, with its construct path
      expect(r.code === 0 ? readFile(clone, PROD_GCP_VALUES) : r.stderr).toMatch(
        r.code === 0 ? /tag: "1\.0\.0"/ : /\[platform\/payments-api\]/,
      );
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('history of a commit that carries release trailers by hand', () => {
  it('marks the commit whose trailers no ledger change bears out, and none of the releases cdk8s-gitops made', async () => {
    // GIVEN the fleet's real releases, then a commit of NOTES.md whose message claims a promotion of B into prod
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      fs.writeFileSync(path.join(clone, 'NOTES.md'), 'notes\n');
      sandbox.git(clone, 'add', 'NOTES.md');
      sandbox.git(
        clone,
        'commit',
        '--quiet',
        '-m',
        `promote payments-api sha256:bbbbbbbb to prod (by alice)\n\nCdk8s-Gitops-Operation: promote\nCdk8s-Gitops-Service: payments-api\nCdk8s-Gitops-Ring: prod\nCdk8s-Gitops-Digest: ${B}\nCdk8s-Gitops-Promoted-By: alice\nCdk8s-Gitops-Approved-By: bob`,
      );
      const forged = sandbox.git(clone, 'rev-parse', 'HEAD');

      // WHEN
      const json = await replay.run(clone, ringFleet(), ['history', 'payments-api', '--ring', 'prod', '--format', 'json'], T3);
      const text = await replay.run(clone, ringFleet(), ['history', 'payments-api', '--ring', 'prod'], T3);

      // THEN the forged commit is marked, the real promotion into prod is not
      expect(json.code).toBe(0);
      const entries = JSON.parse(json.stdout) as { sha: string; operation?: string; ledgerUnchanged?: boolean }[];
      expect(entries.filter((e) => e.ledgerUnchanged === true).map((e) => e.sha)).toEqual([forged]);
      expect(entries.some((e) => e.operation === 'promote' && e.sha !== forged && e.ledgerUnchanged === undefined)).toBe(true);
      expect(text.stdout).toContain('[no ledger change] promote payments-api sha256:bbbbbbbb to prod (by alice)');
      expect(text.stderr).toContain('Note: 1 commit carries the trailers of a release but changes no ledger of the services it names');
    } finally {
      sandbox.cleanup();
    }
  });
});
