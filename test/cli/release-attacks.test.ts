/**
 * Hostile use of the release path: ring moves, removals, ledger edits and Git times that walk
 * around the promises of "Gates hold wherever the ledger can change" and "Rename a ring, remove
 * a cluster: nothing is deleted by accident". Each test drives the built CLI on a real checkout
 * (a clone of a bare remote, copied from one published fleet) with a model replayed from JSON,
 * and asserts the refusal the README promises and that nothing was written.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Removal } from '../../src';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import {
  A,
  B,
  copyRingFleet,
  MANIFEST,
  PAYMENTS,
  PROD_AWS_VALUES,
  PROD_GCP_VALUES,
  publishProdAndCanaryFleets,
  ringFleet,
  SHARD,
  T0,
  T2,
} from '../support/ring-fleet';

const X = `sha256:${'e'.repeat(64)}`;

let replay: ModelReplay;
/** The fleet through prod: A promoted through every ring, up to prod (soaked, approved by bob). */
let prodFleet: Sandbox;
/** The fleet through canary-b: prod runs A (approved by bob); mallory then put B into nonprod and prod-canary at T2. */
let canaryFleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-attacks-', T0);
  ({ prod: prodFleet, canary: canaryFleet } = await publishProdAndCanaryFleets(replay));
}, 120_000);
afterAll(() => {
  canaryFleet?.cleanup();
  prodFleet?.cleanup();
  replay.cleanup();
});

/** Replaces prod's digest in `text` (the ledger) by `digest`. */
function withProdDigest(text: string, digest: string): string {
  const start = text.indexOf('\n  prod:\n');
  expect(start).toBeGreaterThan(0);
  return text.slice(0, start) + text.slice(start).replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${digest}`);
}

describe('ring moves', () => {
  it("fails when movedFrom names a ring the program still declares: the gated ring would take the ungated ring's unapproved digest", async () => {
    // GIVEN prod runs A (soaked, approved by bob) and mallory has just put B into nonprod, published
    const { sandbox, clone } = copyRingFleet(prodFleet);
    try {
      await replay.ok(
        clone,
        ringFleet(),
        ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'],
        T2,
      );
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster gets a gated ring "prod-gcp" declared as movedFrom: ['nonprod'] (which still exists) and is planned and published
      const moved = ringFleet({ rings: 'gcp-moved-from-nonprod' });
      const plan = await replay.run(clone, moved, ['plan'], T2);
      const r = await replay.run(clone, moved, ['publish', '--by', 'mallory'], T2);
      // THEN plan warns and the write is refused: prod's gcp target ran A in prod, and must not take nonprod's B
      //      without prod's soak and approval
      expect(plan.stderr).toContain(
        'Warning: synth refuses this (CG144): The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb without a promotion',
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      // AND nothing was written or pushed; prod's gcp cluster still runs A
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(sandbox.remoteFile(PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when a target moves, without a declaration, from a gated ring into a ring that runs another digest', async () => {
    // GIVEN prod runs A, and B runs in nonprod and prod-canary (not soaked, not approved for prod)
    const { sandbox, clone } = copyRingFleet(canaryFleet);
    try {
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster is moved into prod-canary's targets, with no movedFrom, and synth runs
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN synth refuses: a target that ran a digest keeps running it
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it("fails when two rings running different digests are merged with movedFrom: the merged ring silently takes the first one's", async () => {
    // GIVEN prod runs A (approved), prod-canary runs B (unapproved)
    const { sandbox, clone } = copyRingFleet(canaryFleet);
    try {
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod-canary and prod are merged into "production", movedFrom: ['prod-canary', 'prod']
      const r = await replay.run(clone, ringFleet({ rings: 'merged' }), ['synth'], T2);
      // THEN the merge is refused: prod's clusters must not switch to B
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch 2 Applications payments-api-prod-aws-eu-02, payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, PROD_AWS_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('removals', () => {
  it('fails when Removal.application names an Application the program still declares (CG143)', () => {
    // WHEN the program declares the removal of an Application it still declares, by name or by a pattern
    // THEN it is an error like Removal.service/cluster/environment of something still declared
    expect(() => ringFleet({ removals: [Removal.application('payments-api-prod-aws-eu-02')] })).toThrow(
      'CG143 Removal.application("payments-api-prod-aws-eu-02") matches an Application the program still declares: payments-api-prod-aws-eu-02.',
    );
    expect(() => ringFleet({ removals: [Removal.application('*')] })).toThrow(
      /CG143 Removal.application\("\*"\) matches \d+ Applications the program still declares/,
    );
  });

  it('fails when the ledger of a declared service was deleted and pushed by someone else: publish must not reset prod to initialDigest', async () => {
    // GIVEN prod runs A (soaked, approved), and someone else deleted releases/payments-api.yaml and pushed
    const { sandbox, clone } = copyRingFleet(prodFleet);
    try {
      const other = sandbox.clone('other');
      sandbox.git(other, 'rm', '--quiet', PAYMENTS);
      sandbox.git(other, 'commit', '--quiet', '-m', 'Clean up');
      sandbox.git(other, 'push', '--quiet', 'origin', 'main');
      sandbox.git(clone, 'pull', '--quiet', '--ff-only', 'origin', 'main');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN CI runs plan and publish
      const plan = await replay.run(clone, ringFleet(), ['plan'], T2);
      const r = await replay.run(clone, ringFleet(), ['publish', '--by', 'ci'], T2);
      // THEN plan and publish refuse: no ring rolls back to initialDigest, no history is lost
      for (const run of [plan, r]) {
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`CG210 ${PAYMENTS} is missing, but cdk8s-gitops wrote it and the manifest records it`);
      }
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(sandbox.remoteFile(PROD_AWS_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when an uncommitted deletion of a ledger would make synth reset every ring to initialDigest (CG210)', async () => {
    // GIVEN prod runs A; the ledger is deleted in the work tree
    const { sandbox, clone } = copyRingFleet(prodFleet);
    try {
      fs.rmSync(path.join(clone, PAYMENTS));
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs
      const r = await replay.run(clone, ringFleet(), ['synth'], T2);
      // THEN it refuses, and writes nothing
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`CG210 ${PAYMENTS} is missing`);
      expect(r.stderr).toContain(`git checkout HEAD -- ${PAYMENTS}`);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, PROD_AWS_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when a removed service whose kept ledger was deleted in Git is declared again: it never comes back from its initialDigest', async () => {
    // GIVEN ledger-api ran B in nonprod, then was removed (Removal.service), published
    const { sandbox, clone } = copyRingFleet(prodFleet);
    try {
      await replay.ok(clone, ringFleet(), ['promote', 'ledger-api', '--ring', 'nonprod', '--digest', B, '--by', 'bob', '--publish'], T2);
      const removed = ringFleet({ ledgerApi: false, removals: [Removal.service('ledger-api')] });
      await replay.ok(clone, removed, ['publish', '--by', 'ci'], T2);
      // AND its kept ledger was deleted and pushed
      sandbox.git(clone, 'rm', '--quiet', 'releases/ledger-api.yaml');
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Clean up the old ledger');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      // WHEN ledger-api is declared again, with another initialDigest
      const before = cloneSnapshot(sandbox, clone);
      const back = await replay.run(clone, ringFleet({ ledgerApiInitial: X }), ['publish', '--by', 'ci'], T2);
      // THEN it is refused (CG210), naming how to restore the ledger; it never runs its initialDigest
      expect(back.code).toBe(1);
      expect(back.stderr).toContain('CG210 releases/ledger-api.yaml is missing, but cdk8s-gitops wrote it and the manifest records it');
      expect(back.stderr).toContain('git log --diff-filter=D --format=%h -1 -- releases/ledger-api.yaml');
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('gates', () => {
  it("check --base refuses, in a merge request, a hand edit of prod's digest pushed together with the ledger's new hash in the manifest (CG610)", async () => {
    // GIVEN prod runs A; someone sets prod to X (never ran in prod-canary), rewrites the ledger's hash in
    // the manifest so that nothing looks edited by hand, and pushes it as a merge-request branch
    const { sandbox, clone } = copyRingFleet(prodFleet);
    try {
      const other = sandbox.clone('other');
      const ledger = withProdDigest(readFile(other, PAYMENTS), X);
      fs.writeFileSync(path.join(other, PAYMENTS), ledger);
      const sha = createHash('sha256').update(ledger).digest('hex');
      const shard = readFile(other, SHARD).replace(/("releases\/payments-api\.yaml": \{"sha256": ")[0-9a-f]{64}/, `$1${sha}`);
      expect(shard).toContain(sha);
      fs.writeFileSync(path.join(other, SHARD), shard);
      sandbox.git(other, 'checkout', '--quiet', '-b', 'hot-fix');
      sandbox.git(other, 'commit', '--quiet', '-am', 'Hot fix');
      sandbox.git(other, 'push', '--quiet', 'origin', 'hot-fix');
      // AND the merge-request pipeline of the GitOps repository checks out the branch
      sandbox.git(clone, 'fetch', '--quiet', 'origin');
      sandbox.git(clone, 'checkout', '--quiet', '-b', 'hot-fix', 'origin/hot-fix');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN it runs check against the branch the change goes into
      const r = await replay.run(clone, ringFleet(), ['check', '--base', 'origin/main'], T2);
      const typo = await replay.run(clone, ringFleet(), ['check', '--base', 'origin/mian'], T2);
      // THEN the edit is refused with the rule it breaks, and a base that names no commit is an error
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG610 Ring "prod" runs sha256:eeeeeeee, which does not run in "prod-canary"');
      expect(r.stderr).toContain('git checkout origin/main -- releases/payments-api.yaml');
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain('CG315 --base "origin/mian" names no commit');
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it("fails when prod's digest is edited by hand and the manifest deleted, pushed: synth --adopt refuses", async () => {
    // GIVEN prod runs A; someone else sets prod to X and deletes the manifest, pushed
    const { sandbox, clone } = copyRingFleet(prodFleet);
    try {
      const other = sandbox.clone('other');
      fs.writeFileSync(path.join(other, PAYMENTS), withProdDigest(readFile(other, PAYMENTS), X));
      sandbox.git(other, 'rm', '--quiet', MANIFEST);
      sandbox.git(other, 'commit', '--quiet', '-am', 'Hot fix');
      sandbox.git(other, 'push', '--quiet', 'origin', 'main');
      sandbox.git(clone, 'pull', '--quiet', '--ff-only', 'origin', 'main');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth --adopt runs
      const r = await replay.run(clone, ringFleet(), ['synth', '--adopt'], T2);
      // THEN it refuses with CG610 and writes nothing
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG610');
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, PROD_AWS_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when promote --publish is given a committer date set back after the parent commit: its commits are dated now (CG602)', async () => {
    // GIVEN at T5, B promoted into nonprod and prod-canary with --publish and GIT_COMMITTER_DATE/GIT_AUTHOR_DATE set
    // back to seconds after the last ledger commit (T2), CDK8S_GITOPS_NOW honest
    const { sandbox, clone } = copyRingFleet(prodFleet);
    const T5 = '2026-11-22T18:00:00Z';
    const back = { GIT_COMMITTER_DATE: '2026-11-22T12:00:05Z', GIT_AUTHOR_DATE: '2026-11-22T12:00:05Z' };
    try {
      const nonprod = await replay.run(
        clone,
        ringFleet(),
        ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'],
        T5,
        back,
      );
      await replay.ok(
        clone,
        ringFleet(),
        ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'mallory', '--publish'],
        T5,
        back,
      );
      expect(nonprod.code).toBe(0);
      expect(nonprod.stderr).toContain(
        'Note: GIT_COMMITTER_DATE and GIT_AUTHOR_DATE are not read: soaks are measured from the times of the commits cdk8s-gitops makes, so they are dated CDK8S_GITOPS_NOW (2026-11-22T18:00:00Z).\n',
      );
      expect(sandbox.git(clone, 'log', '-2', '--format=%cI %aI')).toBe(`${T5} ${T5}\n${T5} ${T5}`.replace(/Z/g, '+00:00'));
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod is promoted from prod-canary at T5, seconds after B reached prod-canary
      const r = await replay.run(
        clone,
        ringFleet(),
        ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'mallory', '--approved-by', 'eve', '--publish'],
        T5,
      );
      // THEN B has not soaked in prod-canary: it arrived at T5
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG602 Ring "prod" takes sha256:bbbbbbbb only after it has run 1h in "prod-canary"; it has run there 0s');
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when the soak is counted from a committer date the promoter set before its parent commit (CG602)', async () => {
    // GIVEN B promoted into nonprod at T2 and into prod-canary at T2, that commit made by hand and backdated
    // (GIT_COMMITTER_DATE) 3h, before its own parent (the commits cdk8s-gitops makes do not read GIT_COMMITTER_DATE)
    const { sandbox, clone } = copyRingFleet(prodFleet);
    try {
      await replay.ok(
        clone,
        ringFleet(),
        ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'alice', '--publish'],
        T2,
      );
      await replay.ok(clone, ringFleet(), ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice'], T2);
      await replay.ok(clone, ringFleet(), ['publish', '--drop-pending'], T2);
      const backdated = { ...process.env, GIT_COMMITTER_DATE: '2026-11-22T09:00:00Z' };
      execFileSync('git', ['-C', clone, 'commit', '--quiet', '--all', '-m', 'promote payments-api to prod-canary'], { env: backdated });
      execFileSync('git', ['-C', clone, 'push', '--quiet', 'origin', 'main'], { env: backdated });
      expect(sandbox.git(clone, 'log', '-2', '--format=%cI')).toBe('2026-11-22T09:00:00Z\n2026-11-22T12:00:00Z'.replace(/Z/g, '+00:00'));
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod is promoted from prod-canary at T2, seconds after B reached prod-canary
      const r = await replay.run(
        clone,
        ringFleet(),
        ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob', '--publish'],
        T2,
      );
      // THEN the soak has not been served: B cannot have reached prod-canary before the commit it was taken from
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG602');
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});
