/**
 * Hostile use of the release path around ring moves: a rendered object renamed in the same
 * write, the manifest's record of a ledger pointed at an older version of it (committed or
 * not); and outside Git, a ledger edit that changes no entry must not be refused.
 * Each test drives the built CLI on a real checkout (most on a copy of one published fleet) with
 * a model replayed from JSON.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import { A, copyRingFleet, PAYMENTS, PROD_GCP_VALUES, publishRingFleet, ringFleet, SHARD, T0, T2 } from '../support/ring-fleet';

let replay: ModelReplay;
/** The fleet without ledger-api, through canary-b: prod runs A (approved by bob), prod-canary and nonprod run B. */
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-move-attacks-', T0);
  fleet = (await publishRingFleet(replay, { ledgerApi: false }, { through: 'canary-b' })).sandbox;
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

function commitAll(dir: string, message: string, date = T2): void {
  execFileSync('git', ['add', '--all'], { cwd: dir });
  execFileSync('git', ['commit', '--quiet', '-m', message], {
    cwd: dir,
    env: { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
  });
}

/** The sha256 cdk8s-gitops records for a text. */
function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A copy of `clone`'s work tree outside any Git repository. */
function outsideGit(clone: string): string {
  const out = fs.mkdtempSync(path.join(replay.root, 'nogit-'));
  fs.cpSync(clone, out, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
  return out;
}

describe('CG144: a target keeps what it runs', () => {
  it("fails when a rendered service's target moves into a ring running another digest while its Deployment is renamed in the same write", async () => {
    // GIVEN orders-api is rendered (one Deployment, id "api"); it runs A in prod (soaked, approved) and B in prod-canary
    const { sandbox, clone } = await publishRingFleet(
      replay,
      { ledgerApi: false, rendered: { deployment: 'api' } },
      { service: 'orders-api', through: 'canary-b' },
    );
    try {
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary, undeclared, and the Deployment's id becomes "web" (a new file name)
      const moved = ringFleet({ ledgerApi: false, rendered: { deployment: 'web' }, rings: 'gcp-into-canary' });
      const r = await replay.run(clone, moved, ['synth'], T2);
      // THEN synth refuses as it does without the rename: the gcp target would switch from A to B without prod's gates
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application orders-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      // AND nothing was written: the gcp target still runs A
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, 'environments/prod/gcp/gcp-01/orders-api/deployment-orders-api-api.yaml')).toContain(
        `registry.example.com/orders-api@${A}`,
      );
      // AND plan warns that synth refuses it
      const plan = await replay.run(clone, moved, ['plan'], T2);
      expect(plan.stderr).toContain('Warning: synth refuses this (CG144)');
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it("fails when a target moves after the shard's hash of the ledger was pointed at an older ledger version (where the new ring ran the target's digest)", async () => {
    // GIVEN prod runs A (soaked, approved), prod-canary runs B; one commit before, prod-canary ran A
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND the shard's sha256 of the ledger is replaced by the hash of the ledger at HEAD~1 (the ledger itself is untouched)
      const older = `${sandbox.git(clone, 'show', `HEAD~1:${PAYMENTS}`)}\n`;
      const shard = readFile(clone, SHARD);
      expect(shard).toContain(sha256(readFile(clone, PAYMENTS)));
      fs.writeFileSync(path.join(clone, SHARD), shard.replace(sha256(readFile(clone, PAYMENTS)), sha256(older)));
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary, undeclared, and synth runs
      const r = await replay.run(clone, ringFleet({ ledgerApi: false, rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN it is refused (CG144): the gcp target runs A and prod-canary runs B, whatever the record says the ledger was
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      // AND nothing was written; prod's gcp cluster still runs A
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it("fails when publish pushes a target move after the shard's hash of the ledger was pointed at an older ledger version, committed", async () => {
    // GIVEN prod runs A, prod-canary runs B, and the shard's sha256 of the ledger is that of the ledger at HEAD~1 (prod-canary ran A)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const older = `${sandbox.git(clone, 'show', `HEAD~1:${PAYMENTS}`)}\n`;
      fs.writeFileSync(path.join(clone, SHARD), readFile(clone, SHARD).replace(sha256(readFile(clone, PAYMENTS)), sha256(older)));
      // AND that edit is committed and pushed
      commitAll(clone, 'Tidy the manifest');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary, undeclared, and publish runs
      const r = await replay.run(clone, ringFleet({ ledgerApi: false, rings: 'gcp-into-canary' }), ['publish', '--by', 'mallory'], T2);
      // THEN it is refused (CG144); nothing was written, committed or pushed
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(sandbox.git(sandbox.remote, 'show', `main:${PROD_GCP_VALUES}`)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('outside Git', () => {
  it('does not refuse a ledger whose only hand edit is its comment, with the program unchanged (no false CG610)', async () => {
    // GIVEN a published tree copied outside Git: prod runs A (taken from prod-canary, which ran A from 10:00 to 12:00, approved by bob)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const out = outsideGit(clone);
      expect((await replay.run(out, ringFleet({ ledgerApi: false }), ['synth'], T2)).code).toBe(0);
      // AND the ledger's first line (a comment) is edited by hand: no ring's entry changes
      fs.writeFileSync(path.join(out, PAYMENTS), readFile(out, PAYMENTS).replace(/^(# [^\n]*)/, '$1 (see the runbook)'));
      const values = readFile(out, PROD_GCP_VALUES);
      // WHEN synth runs with the unchanged program
      const r = await replay.run(out, ringFleet({ ledgerApi: false }), ['synth'], T2);
      // THEN it is not refused: prod's entry is what promote wrote, and A did run in prod-canary (its previous list says so)
      expect(r.stderr).not.toContain('CG610');
      expect(r.code).toBe(0);
      // AND no target changes what it runs
      expect(readFile(out, PROD_GCP_VALUES)).toBe(values);
    } finally {
      sandbox.cleanup();
    }
  });
});
