/**
 * Third attack on the release fixes: following CG210's own fix for ledgers the program moved
 * (layout.releases changed: `git mv` the ledgers), a pending promotion into a ring the program
 * then renamed, a lost manifest record older than the history a check reads, and the
 * shallow-clone CG210 for a service that is new. Each test drives the built CLI on a real
 * checkout (a clone of a bare remote, copied from one published fleet) with a model replayed
 * from JSON.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import {
  B,
  copyRingFleet,
  PAYMENTS,
  PROD_GCP_VALUES,
  prodToBWithoutApproval,
  publishProdAndCanaryFleets,
  ringFleet,
  SHARD,
  T0,
  T3,
} from '../support/ring-fleet';

/** payments-api's ledger once the program keeps ledgers in `ledgers/` (layout.releases). */
const MOVED = 'ledgers/payments-api.yaml';

let replay: ModelReplay;
/** The fleet through prod: A promoted through every ring, up to prod (approved by bob). */
let prodFleet: Sandbox;
/** The fleet through canary-b: prod runs A (approved by bob), prod-canary and nonprod run B. */
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-third-attacks-', T0);
  ({ prod: prodFleet, canary: fleet } = await publishProdAndCanaryFleets(replay));
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  prodFleet?.cleanup();
  replay.cleanup();
});

/** Commits everything staged in `dir` with author and committer date `at`. */
function commitAt(dir: string, message: string, at: string): void {
  execFileSync('git', ['commit', '--quiet', '-m', message], {
    cwd: dir,
    env: { ...process.env, GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at },
  });
}

describe('ledgers the program would keep in another directory (layout.releases changed)', () => {
  it('fails with CG211 when the ledgers were moved with Git (not committed): a moved ledger would lose its history; nothing is written', async () => {
    // GIVEN prod runs A (approved by bob), prod-canary and nonprod run B; the ledgers are in releases/
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND the program keeps ledgers in ledgers/ (layout: { releases: 'ledgers' }) and they were moved with Git
      sandbox.git(clone, 'mv', 'releases', 'ledgers');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth, plan and publish run
      for (const command of [['synth'], ['plan'], ['publish', '--by', 'ci']]) {
        const r = await replay.run(clone, ringFleet({ releases: 'ledgers' }), command, T3);
        // THEN each refuses the move (CG211), naming where the manifest records the ledger and the layout to keep, and
        //      not as a hand edit of the rings (CG610)
        expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`[${MOVED}] CG211`)]);
        expect(r.stderr).toContain(`the manifest records it at ${PAYMENTS}`);
        expect(r.stderr).toContain("Keep layout.releases as it was (releases: 'releases')");
        expect(r.stderr).not.toContain('CG610');
      }
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails with CG211 after the move was committed and pushed: no soak is lost, because nothing is published', async () => {
    // GIVEN prod runs A; B entered prod-canary at T2 (prod's soak is 1h)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND the ledgers are moved with Git (git mv releases ledgers), committed at T3 and pushed; the program moved them too
      sandbox.git(clone, 'mv', 'releases', 'ledgers');
      commitAt(clone, 'Move the ledgers to ledgers/', T3);
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN the program with the new layout publishes
      const r = await replay.run(clone, ringFleet({ releases: 'ledgers' }), ['publish', '--by', 'ci'], T3);
      // THEN it refuses (CG211) and nothing is written or pushed
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`[${MOVED}] CG211`)]);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails with CG211, not writing prod, when a hand edit is committed together with the move', async () => {
    // GIVEN prod runs A (approved by bob); prod-canary runs B
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND one commit moves the ledgers (git mv releases ledgers), sets prod to B with no approver and
      //     deletes prod's values directories; it is pushed
      sandbox.git(clone, 'mv', 'releases', 'ledgers');
      prodToBWithoutApproval(clone, MOVED);
      sandbox.git(clone, 'rm', '--quiet', '-r', 'environments/prod/aws/eu-02/payments-api', 'environments/prod/gcp/gcp-01/payments-api');
      sandbox.git(clone, 'add', '-A');
      commitAt(clone, 'Move the ledgers to ledgers/', T3);
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs with the program that keeps the ledgers in ledgers/
      const r = await replay.run(clone, ringFleet({ releases: 'ledgers' }), ['synth'], T3);
      // THEN it refuses (CG211) and nothing is written: prod's clusters are not switched to B
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`[${MOVED}] CG211`)]);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(fs.existsSync(path.join(clone, PROD_GCP_VALUES))).toBe(false);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a lost record older than the versions of the shard that are read', () => {
  it('synth judges the edit (CG612) after 202 commits that touch the shard without the record', async () => {
    // GIVEN prod runs A (approved by bob); prod-canary runs B
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND a commit drops the ledger's entry (and prod's values files') from payments-api's shard, and 201 more commits
      //     reformat the shard (more versions than MAX_LEDGER_VERSIONS, 200)
      const shard = JSON.parse(readFile(clone, SHARD));
      for (const p of Object.keys(shard.files)) {
        if (p === PAYMENTS || p.includes('/prod/aws/eu-02/payments-api/') || p.includes('/prod/gcp/gcp-01/payments-api/'))
          delete shard.files[p];
      }
      for (let k = 0; k < 202; k++) {
        fs.writeFileSync(path.join(clone, SHARD), `${JSON.stringify(shard, null, 1 + (k % 2))}\n`);
        sandbox.git(clone, 'commit', '--quiet', '-am', `Tidy the manifest (${k})`);
      }
      // AND a last commit sets prod to B with no approver and deletes prod's values directories
      prodToBWithoutApproval(clone, PAYMENTS);
      sandbox.git(clone, 'rm', '--quiet', '-r', 'environments/prod/aws/eu-02/payments-api', 'environments/prod/gcp/gcp-01/payments-api');
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Tidy payments-api');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs with the unchanged program
      const r = await replay.run(clone, ringFleet(), ['synth'], T3);
      // THEN the edit is judged (CG612), or refused because the record is out of reach; either way nothing is written
      //      and prod's clusters are not switched to B without an approval
      expect(r.code).toBe(1);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(fs.existsSync(path.join(clone, PROD_GCP_VALUES))).toBe(false);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a pending promotion into a ring the program then renames', () => {
  it('publish after synth moved the ring publishes the promotion into the renamed ring, not CG517 "did you mean nonprod"', async () => {
    // GIVEN prod runs A, prod-canary runs B (since T2)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND alice promotes B into prod at T3, approved by bob, without --publish (pending)
      await replay.ok(
        clone,
        ringFleet(),
        ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob'],
        T3,
      );
      // AND the program then renames prod to production (movedFrom: ['prod']); synth runs and moves the entry
      const renamed = ringFleet({ rings: 'prod-renamed' });
      await replay.ok(clone, renamed, ['synth'], T3);
      expect(readFile(clone, PAYMENTS)).toMatch(new RegExp(`\\n  production:\\n    digest: ${B}`));
      // WHEN publish runs
      const r = await replay.run(clone, renamed, ['publish', '--by', 'ci'], T3);
      // THEN the pending promotion is published into production (prod's new name), as a pending operation into any other
      //      ring is; not refused as a promotion into an undeclared ring with the suggestion "nonprod"
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('CG517')]);
      expect(sandbox.remoteFile(PROD_GCP_VALUES)).toContain(`digest: ${B}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a new service in a shallow clone', () => {
  it('CG210 in a depth-1 clone does not say the ledger of a service that never had one "was deleted"', async () => {
    // GIVEN the fleet is published; CI works in a depth-1 clone
    const { sandbox } = copyRingFleet(prodFleet);
    try {
      sandbox.git(sandbox.root, 'clone', '--quiet', '--depth', '1', `file://${sandbox.remote}`, 'shallow');
      const shallow = path.join(sandbox.root, 'shallow');
      sandbox.git(shallow, 'config', 'user.name', 'CI Bot');
      sandbox.git(shallow, 'config', 'user.email', 'ci@example.com');
      const before = cloneSnapshot(sandbox, shallow);
      // WHEN the program adds orders-api (never declared before, no ledger ever) and synth runs there
      const r = await replay.run(shallow, ringFleet({ rendered: { deployment: 'deployment' } }), ['synth'], T3);
      // THEN it refuses (CG210, naming the ledger and git fetch --unshallow) and writes nothing, but does not claim a
      //      ledger was deleted: whether one existed is exactly what the clone cannot tell
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('[releases/orders-api.yaml] CG210')]);
      expect(r.stderr).toContain('git fetch --unshallow');
      expect(cloneSnapshot(sandbox, shallow)).toEqual(before);
      expect(r.stderr).not.toContain('A release ledger was deleted');
    } finally {
      sandbox.cleanup();
    }
  });
});
