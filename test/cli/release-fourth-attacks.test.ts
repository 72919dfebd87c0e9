/**
 * Fourth attack on the release path: ledgers deleted together with their records before the
 * program moved them (layout.releases), and committed hand edits that keep each ring's release
 * but change what a later command relies on (a forged previous release, a hold removed). A
 * ledger edit the ring rules accept is a change that plan shows and synth records. Each test
 * drives the built CLI on a real checkout (a clone of a bare remote) with a model replayed
 * from JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import { A, B, copyRingFleet, PAYMENTS, PROD_GCP_VALUES, publishRingFleet, ringFleet, SHARD, T0, T3 } from '../support/ring-fleet';

const C = `sha256:${'c'.repeat(64)}`;

let replay: ModelReplay;
/** The fleet through canary-b: prod runs A (approved by bob), prod-canary and nonprod run B. */
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-fourth-attacks-', T0);
  fleet = (await publishRingFleet(replay, {}, { through: 'canary-b' })).sandbox;
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

/** A copy of the fleet, and its clone. */
const fleetCopy = (): { sandbox: Sandbox; clone: string } => copyRingFleet(fleet);

/** Rewrites the ledger `file` of the checkout `dir` with `edit`. */
function editLedger(dir: string, edit: (text: string) => string, file = PAYMENTS): void {
  const text = readFile(dir, file);
  const edited = edit(text);
  expect(edited).not.toBe(text);
  fs.writeFileSync(path.join(dir, file), edited);
}

describe('a ledger deleted, with its record, before the program moved the ledgers', () => {
  it('fails with CG210 naming where the ledger was and the commit that deleted it; nothing is written or pushed', async () => {
    // GIVEN prod runs A (approved by bob), prod-canary and nonprod run B; the ledgers are in releases/
    const { sandbox, clone } = fleetCopy();
    try {
      // AND one pushed commit deletes every ledger and drops their records from the shards
      sandbox.git(clone, 'rm', '--quiet', '-r', 'releases');
      for (const service of ['payments-api', 'ledger-api']) {
        const shard = `.cdk8s-gitops/services/${service}.json`;
        const json = JSON.parse(readFile(clone, shard));
        for (const p of Object.keys(json.files)) if (p.startsWith('releases/')) delete json.files[p];
        fs.writeFileSync(path.join(clone, shard), `${JSON.stringify(json, null, 2)}\n`);
      }
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Drop the old ledgers');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const deletedIn = sandbox.git(clone, 'rev-parse', '--short=12', 'HEAD');
      const before = cloneSnapshot(sandbox, clone);
      const remoteBefore = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      // WHEN the program that keeps ledgers in ledgers/ runs plan, synth and publish
      for (const command of [['plan'], ['synth'], ['publish', '--by', 'ci']]) {
        const r = await replay.run(clone, ringFleet({ releases: 'ledgers' }), command, T3);
        // THEN each refuses: prod would start again from the initial digest
        expect([command[0], r.code, r.stderr]).toEqual([command[0], 1, expect.stringContaining('[ledgers/payments-api.yaml] CG210')]);
        expect(r.stderr).toContain(`the service's ledger was at ${PAYMENTS} until commit ${deletedIn} deleted it`);
        expect(r.stderr).toContain(`git checkout ${deletedIn}^ -- ${PAYMENTS}`);
        // the second missing ledger, alike, is named in the same entry
        expect(r.stderr).toContain('2 release ledgers are missing:');
        expect(r.stderr).toContain('… and 1 more CG210 like it: ledgers/ledger-api.yaml.');
      }
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteBefore);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('committed hand edits that keep every ring release', () => {
  it('a release prod never ran, put into its previous releases, is refused (CG610) by plan, synth and rollback', async () => {
    // GIVEN prod runs A, and before it ran the initial digest
    const { sandbox, clone } = fleetCopy();
    try {
      // AND a pushed commit lists C, which ran nowhere, as prod's last previous release
      editLedger(clone, (t) =>
        t.replace(/(\n {2}prod:\n(?:.*\n)*? {4}previous:\n)/, `$1      - { digest: ${C}, since: "2026-11-22T11:00:00Z", by: alice }\n`),
      );
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Add history');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN plan, synth and a rollback to the previous release run
      for (const command of [
        ['plan'],
        ['synth'],
        ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'incident', '--by', 'oncall', '--publish'],
      ]) {
        const r = await replay.run(clone, ringFleet(), command, T3);
        // THEN each refuses the forged history, naming the ring and the digest
        expect([command[0], r.code, r.stderr]).toEqual([command[0], 1, expect.stringContaining(`[${PAYMENTS}] CG610`)]);
        expect(r.stderr).toContain('Ring "prod" lists sha256:cccccccc among its previous releases, which it never ran there');
      }
      // AND nothing was written: prod still runs A
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, PROD_GCP_VALUES)).not.toContain(C);
    } finally {
      sandbox.cleanup();
    }
  });

  it('a hold removed by hand is refused (CG613) by synth and by a promotion into the held ring', async () => {
    // GIVEN prod was rolled back and held (published)
    const { sandbox, clone } = fleetCopy();
    try {
      await replay.ok(
        clone,
        ringFleet(),
        ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'p99 doubled', '--by', 'bob', '--publish'],
        T3,
      );
      // AND a pushed commit removes the hold
      editLedger(clone, (t) => t.replace(/\n {4}hold:\n(?: {6}.*\n)+/, '\n    hold: null\n'));
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Tidy the ledger');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs, and then a promotion of B into prod
      for (const command of [
        ['synth'],
        ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob', '--publish'],
      ]) {
        const r = await replay.run(clone, ringFleet(), command, '2026-11-22T18:00:00Z');
        // THEN both refuse: only unhold lifts a hold
        expect([command[0], r.code, r.stderr]).toEqual([command[0], 1, expect.stringContaining(`[${PAYMENTS}] CG613`)]);
        expect(r.stderr).toContain('the hold was removed by hand');
        expect(r.stderr).toContain('cdk8s-gitops unhold payments-api --ring prod --publish');
      }
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a hand edit of a ledger that the ring rules accept', () => {
  it('is a change: plan lists it and exits 2, synth records it and says so, then plan finds nothing', async () => {
    // GIVEN the published fleet, and a comment added to payments-api's ledger by hand
    const { sandbox, clone } = fleetCopy();
    try {
      editLedger(clone, (t) => t.replace('\nrings:\n', '\n# Reviewed for the audit.\nrings:\n'));
      const shardBefore = readFile(clone, SHARD);
      // WHEN plan runs
      const plan = await replay.run(clone, ringFleet(), ['plan'], T3);
      // THEN it lists the ledger as an accepted hand edit, and exits 2
      expect([plan.code, plan.stdout]).toEqual([
        2,
        expect.stringContaining(`Ledgers edited by hand (the ring rules accept the edit; synth records it):\n    ${PAYMENTS}\n`),
      ]);
      expect(plan.stdout).toContain('the manifest records 1 file again');
      // WHEN synth runs
      const synth = await replay.run(clone, ringFleet(), ['synth'], T3);
      // THEN it keeps the edit, records it in the shard, and says so on stderr
      expect([synth.code, synth.stderr]).toEqual([0, expect.stringContaining(`Recorded 1 ledger edited by hand`)]);
      expect(readFile(clone, PAYMENTS)).toContain('# Reviewed for the audit.');
      expect(readFile(clone, SHARD)).not.toBe(shardBefore);
      // AND plan finds nothing more to do
      const again = await replay.run(clone, ringFleet(), ['plan'], T3);
      expect([again.code, again.stdout]).toEqual([0, expect.stringContaining('No changes')]);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a typo in a ring key, committed by hand, then corrected', () => {
  /** A copy of the fleet whose remote's main has a commit that changed "prod-canary:" to "prod-canry:" by hand; the ledger before it. */
  function withTypo(): { sandbox: Sandbox; clone: string; written: string } {
    const { sandbox, clone } = fleetCopy();
    const written = readFile(clone, PAYMENTS);
    editLedger(clone, (text) => text.replace('  prod-canary:\n', '  prod-canry:\n'));
    sandbox.git(clone, 'commit', '--quiet', '-am', 'Typo');
    sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
    return { sandbox, clone, written };
  }

  it('is judged against the version before the typo: corrected in the checkout, plan, check and synth agree it breaks no rule', async () => {
    const { sandbox, clone, written } = withTypo();
    try {
      // WHEN the ledger is put back as cdk8s-gitops wrote it
      fs.writeFileSync(path.join(clone, PAYMENTS), written);
      const results = [];
      for (const command of [['plan'], ['check'], ['synth']]) results.push(await replay.run(clone, ringFleet(), command, T3));
      // THEN none refuses, and none names a ring rule
      expect(results.map((r) => [r.code, r.stderr])).toEqual([
        [0, ''],
        [0, ''],
        [0, ''],
      ]);
      expect(readFile(clone, PAYMENTS)).toBe(written);
    } finally {
      sandbox.cleanup();
    }
  });

  it('the correction committed on a branch, or the typo reverted, passes check --base origin/main', async () => {
    const { sandbox, clone, written } = withTypo();
    try {
      // GIVEN the correction on a branch of its own, as a merge request would carry it
      sandbox.git(clone, 'checkout', '--quiet', '-b', 'fix-typo');
      fs.writeFileSync(path.join(clone, PAYMENTS), written);
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Correct the typo');
      // WHEN / THEN
      const fixed = await replay.run(clone, ringFleet(), ['check', '--base', 'origin/main'], T3);
      expect([fixed.code, fixed.stderr]).toEqual([0, '']);
      // AND the same for a revert of the commit that made the typo
      sandbox.git(clone, 'checkout', '--quiet', '-b', 'revert-typo', 'origin/main');
      sandbox.git(clone, 'revert', '--no-edit', 'HEAD');
      const reverted = await replay.run(clone, ringFleet(), ['check', '--base', 'origin/main'], T3);
      expect([reverted.code, reverted.stderr]).toEqual([0, '']);
    } finally {
      sandbox.cleanup();
    }
  });

  it('a change of a digest made together with the correction is judged as a change of that ring (CG610)', async () => {
    const { sandbox, clone, written } = withTypo();
    try {
      // WHEN the correction also puts C into prod, by hand
      fs.writeFileSync(path.join(clone, PAYMENTS), written);
      editLedger(clone, (text) => {
        const at = text.indexOf('\n  prod:\n');
        return text.slice(0, at) + text.slice(at).replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${C}`);
      });
      const r = await replay.run(clone, ringFleet(), ['plan'], T3);
      // THEN it is refused by the ring rules, judged against the ledger before the typo
      expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/CG6\d\d Ring "prod"/)]);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe("a shard's record of a values file, edited so that it claims the release of the ring the target moves to", () => {
  it('does not explain the switch: publish refuses it (CG144) and pushes nothing', async () => {
    const { sandbox, clone } = fleetCopy();
    try {
      // GIVEN a pushed commit whose shard says prod gcp-01's values file was written with B (the canary's), under another hash
      const shard = readFile(clone, SHARD);
      const forged = shard.replace(
        new RegExp(`("${PROD_GCP_VALUES}": \\{"sha256": ")[0-9a-f]{64}(", "key": "[^"]*", "release": ")[^"]+`),
        `$1${'e'.repeat(64)}$2${B}`,
      );
      expect(forged).not.toBe(shard);
      fs.writeFileSync(path.join(clone, SHARD), forged);
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Tidy the manifest');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const remoteBefore = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      // WHEN the program moves prod's gcp cluster into prod-canary, which runs B, and publish runs
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['publish', '--by', 'mallory'], T3);
      // THEN the file's own text says it runs A: the switch to B is refused, nothing is pushed
      expect([r.code, r.stderr]).toEqual([
        1,
        expect.stringContaining(
          'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
        ),
      ]);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteBefore);
      expect(sandbox.remoteFile(PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a rollback not published yet, then an unhold of the same ring', () => {
  it('unholds it: the rollback is a release from the ring\'s own history, not CG610 "never ran"; publish publishes both', async () => {
    const { sandbox, clone } = fleetCopy();
    try {
      // GIVEN prod-canary rolled back from B to A, without --publish
      await replay.ok(
        clone,
        ringFleet(),
        ['rollback', 'payments-api', '--ring', 'prod-canary', '--previous', '--reason', 'bad', '--by', 'bob'],
        T3,
      );
      // WHEN the ring is unheld, and publish runs
      const unhold = await replay.run(clone, ringFleet(), ['unhold', 'payments-api', '--ring', 'prod-canary', '--by', 'bob'], T3);
      const publish = await replay.run(clone, ringFleet(), ['publish', '--by', 'ci'], T3);
      // THEN both are published, each as its own commit, and prod-canary runs A, unheld
      expect([unhold.code, unhold.stderr, publish.code, publish.stderr]).toEqual([0, '', 0, '']);
      expect(sandbox.git(sandbox.remote, 'log', '-2', '--format=%s', 'main').split('\n')).toEqual([
        expect.stringContaining('unhold payments-api prod-canary'),
        expect.stringContaining('roll back payments-api prod-canary to sha256:aaaaaaaa'),
      ]);
      const ledger = sandbox.remoteFile(PAYMENTS);
      const canary = ledger.slice(ledger.indexOf('\n  prod-canary:\n'), ledger.indexOf('\n  prod:\n'));
      expect(canary).toContain(`digest: ${A}`);
      expect(canary).toContain('hold: null');
    } finally {
      sandbox.cleanup();
    }
  });
});
