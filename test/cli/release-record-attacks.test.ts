/**
 * Hostile use of the records a write relies on: the ledger edited by hand around a ring move
 * (CG144 must still see what each target runs), a manifest without or with forged "release"
 * entries, a ledger deleted together with its shard (CG210), a deleted shard (reported, and
 * recorded again). Each test drives the built
 * CLI on a copy of one published fleet (a clone of a bare remote) with a model replayed from JSON
 * and asserts the refusal (or report) the README promises and that nothing was written.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
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
  prodToBWithoutApproval,
  publishRingFleet,
  ringFleet,
  SHARD,
  subjectsSince,
  T0,
  T2,
  T3,
} from '../support/ring-fleet';

let replay: ModelReplay;
/** The fleet through canary-b: prod runs A (approved by bob), prod-canary and nonprod run B. */
let fleet: Sandbox;

beforeAll(async () => {
  replay = ModelReplay.create('cdk8s-gitops-release-record-attacks-', T0);
  fleet = (await publishRingFleet(replay, {}, { through: 'canary-b' })).sandbox;
}, 120_000);
afterAll(() => {
  fleet?.cleanup();
  replay.cleanup();
});

/**
 * Rewrites the checkout's manifest as cdk8s-gitops wrote it before shards and before "release"
 * (version 1: one file, every entry with sha256 and key), and removes the shards.
 */
function asVersion1Manifest(dir: string): void {
  const main = JSON.parse(readFile(dir, MANIFEST));
  const files: Record<string, { sha256: string; key: string }> = {};
  const add = (entries: Record<string, any>): void => {
    for (const [p, e] of Object.entries(entries)) if (e.sha256) files[p] = { sha256: e.sha256, key: e.key };
  };
  add(main.files);
  const shards = path.join(dir, '.cdk8s-gitops/services');
  for (const f of fs.readdirSync(shards)) add(JSON.parse(fs.readFileSync(path.join(shards, f), 'utf8')).files);
  fs.rmSync(shards, { recursive: true });
  files['STATUS.md'] = {
    sha256: createHash('sha256')
      .update(fs.readFileSync(path.join(dir, 'STATUS.md')))
      .digest('hex'),
    key: '0'.repeat(40),
  };
  const lines = Object.keys(files)
    .sort()
    .map((p) => `    ${JSON.stringify(p)}: {"sha256": "${files[p].sha256}", "key": "${files[p].key}"}`);
  fs.writeFileSync(
    path.join(dir, MANIFEST),
    `{\n  "generator": "cdk8s-gitops",\n  "version": 1,\n  "inputs": "${main.inputs}",\n  "files": {\n${lines.join(',\n')}\n  }\n}\n`,
  );
}

describe('CG144: a target keeps what it runs', () => {
  it('fails when a target moves into a ring running another digest while the ledger carries an unrelated hand edit (a comment)', async () => {
    // GIVEN prod runs A (soaked, approved), prod-canary runs B (not approved for prod)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND the ledger's first line (a comment) is edited by hand: no ring's entry changes
      const ledger = readFile(clone, PAYMENTS);
      fs.writeFileSync(path.join(clone, PAYMENTS), ledger.replace(/^(# [^\n]*)/, '$1 (see the runbook)'));
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary, undeclared, and synth runs
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN synth refuses as it does without the edit: the gcp target must not switch from A to B
      //      without prod's soak and approval
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

  it('fails when the record of a ring release (by:) is rewritten by hand, its digest kept (CG610); nothing is written', async () => {
    // GIVEN prod-canary's `by:` is changed by hand (its digest is not)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const ledger = readFile(clone, PAYMENTS);
      const start = ledger.indexOf('\n  prod-canary:\n');
      fs.writeFileSync(path.join(clone, PAYMENTS), ledger.slice(0, start) + ledger.slice(start).replace('by: mallory', 'by: mallory2'));
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs
      const r = await replay.run(clone, ringFleet(), ['synth'], T2);
      // THEN it is refused, naming the rewrite, and nothing was written
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `[${PAYMENTS}] CG610 Ring "prod-canary" runs sha256:bbbbbbbb as before, but its record was rewritten (by: "mallory" → "mallory2"): the entry was changed by hand.`,
      );
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when a target moves into a ring whose entry was touched by hand without changing its digest (a comment)', async () => {
    // GIVEN prod runs A, prod-canary runs B; prod-canary's entry is touched by hand (a comment; its digest is not)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const ledger = readFile(clone, PAYMENTS);
      const start = ledger.indexOf('\n  prod-canary:\n');
      fs.writeFileSync(
        path.join(clone, PAYMENTS),
        ledger.slice(0, start) + ledger.slice(start).replace('by: mallory', 'by: mallory # touched by hand'),
      );
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary and synth runs
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN it is refused (CG144) and nothing was written
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
  it('fails when a target moves into a ring running another digest after an unrelated hand edit of the ledger was committed (not synthesized)', async () => {
    // GIVEN prod runs A, prod-canary runs B; a commit edits the ledger's comment (no ring's entry changes)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      fs.writeFileSync(path.join(clone, PAYMENTS), readFile(clone, PAYMENTS).replace(/^(# [^\n]*)/, '$1 (see the runbook)'));
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Point to the runbook');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary and synth runs: the ledger as written is found in Git's history
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN it is refused (CG144) and nothing was written
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      // AND with the program unchanged, synth records the edited ledger and changes no target
      const ok2 = await replay.run(clone, ringFleet(), ['synth'], T2);
      expect(ok2.code).toBe(0);
      expect(readFile(clone, PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when a target moves in the first write to a checkout whose manifest predates "release" (version 1, upgraded)', async () => {
    // GIVEN prod runs A, prod-canary runs B, and the manifest is as an earlier cdk8s-gitops wrote it (version 1, no shards, no "release"), committed
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      asVersion1Manifest(clone);
      sandbox.git(clone, 'add', '--all');
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Written by cdk8s-gitops before shards');
      expect((await replay.run(clone, ringFleet(), ['check'], T2)).code).toBe(0);
      const before = cloneSnapshot(sandbox, clone);
      // WHEN the upgraded cdk8s-gitops runs synth with prod's gcp cluster moved into prod-canary
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN it refuses (CG144): the values file says the gcp target runs A, and it must keep it
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

  it('fails when a target moves and its shard entry\'s "release" was forged to the new ring\'s digest, committed', async () => {
    // GIVEN prod runs A, prod-canary runs B; a commit sets the gcp values file's "release" in the shard to B (the file still says A)
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const shard = readFile(clone, SHARD);
      const forged = shard.replace(
        /("environments\/prod\/gcp\/gcp-01\/payments-api\/values\.yaml": \{[^}]*"release": ")sha256:a{64}/,
        `$1${B}`,
      );
      expect(forged).not.toEqual(shard);
      fs.writeFileSync(path.join(clone, SHARD), forged);
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Tidy the manifest');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary and synth runs
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN it refuses (CG144) and nothing was written
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG144');
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(readFile(clone, PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('CG210: a deleted ledger is never made again from initialDigest', () => {
  it('fails when the ledger, its shard and its values files are deleted by hand (not committed): synth must not reset prod to initialDigest', async () => {
    // GIVEN prod runs A; HEAD holds the ledger and the shard that records it
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      // AND someone "cleans up" payments-api in the work tree: ledger, shard and values directories
      fs.rmSync(path.join(clone, PAYMENTS));
      fs.rmSync(path.join(clone, SHARD));
      for (const dir of ['nonprod/aws/eu-01', 'prod/aws/eu-01', 'prod/aws/eu-02', 'prod/gcp/gcp-01']) {
        fs.rmSync(path.join(clone, 'environments', dir, 'payments-api'), { recursive: true });
      }
      const before = cloneSnapshot(sandbox, clone);
      // WHEN synth runs with the unchanged program
      const r = await replay.run(clone, ringFleet(), ['synth'], T2);
      // THEN it refuses (the ledger HEAD records is missing), and writes nothing: no ring rolls back to initialDigest
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`CG210 ${PAYMENTS} is missing`);
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect(fs.existsSync(path.join(clone, PROD_AWS_VALUES))).toBe(false);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('shards', () => {
  it('reports a deleted shard: check and plan do not call the checkout clean while synth writes it back', async () => {
    // GIVEN a published checkout whose payments-api shard was deleted and the deletion committed
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      sandbox.git(clone, 'rm', '--quiet', SHARD);
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Remove a shard');
      const before = cloneSnapshot(sandbox, clone);
      // WHEN check and plan run
      const check = await replay.run(clone, ringFleet(), ['check'], T2);
      const plan = await replay.run(clone, ringFleet(), ['plan'], T2);
      // THEN both find the change synth would make (exit 2), name the files the shard recorded, and write nothing
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
      expect([check.code, plan.code]).toEqual([2, 2]);
      const values = ['nonprod/aws/eu-01', 'prod/aws/eu-01', 'prod/aws/eu-02', 'prod/gcp/gcp-01'].map(
        (d) => `environments/${d}/payments-api/values.yaml`,
      );
      // (check prints the five alike findings as one entry: the first in full, then the others by path)
      expect(check.stdout).toContain(
        `${values[0]} holds what the program makes, but the manifest does not record it: its record was deleted or edited (${SHARD}).`,
      );
      expect(check.stdout).toContain(`… and 4 more CG420 like it: ${values[1]}, ${values[2]}, ${PROD_GCP_VALUES} and 1 more.`);
      expect(check.stdout).toContain('5 findings.');
      const json = await replay.run(clone, ringFleet(), ['check', '--format', 'json'], T2);
      expect((JSON.parse(json.stdout).findings as { code: string; path: string }[]).map((f) => `${f.code} ${f.path}`)).toEqual(
        [...values, PAYMENTS].map((p) => `CG420 ${p}`),
      );
      // (the service's file of the release model is recorded in the manifest itself, not the shard)
      expect(plan.stdout).toBe(
        `Not recorded in the manifest (its record was deleted or edited; synth records them again):\n${[...values, PAYMENTS].map((p) => `    ${p}\n`).join('')}\n` +
          'Plan: no file changes; the manifest records 5 files again.\n',
      );
      // AND synth writes the shard back and says so: no other file changes
      const synth = await replay.run(clone, ringFleet(), ['synth'], T2);
      expect(synth.code).toBe(0);
      expect(synth.stdout).toMatch(/^Recorded 5 files in the manifest of .* again; no file changed\.\n$/);
      expect(synth.stderr).toContain(
        `Recorded 5 files in the manifest again: they hold what the program makes, but the manifest's record of them was missing`,
      );
      expect(sandbox.status(clone)).toEqual(['?? .cdk8s-gitops/services/payments-api.json']);
      expect(sandbox.git(clone, 'show', `HEAD~1:${SHARD}`)).toBe(readFile(clone, SHARD).trimEnd());
      // AND after it, check is clean again
      expect((await replay.run(clone, ringFleet(), ['check'], T2)).code).toBe(0);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('CG144: what a target ran is the file as its record was last written, never an older version', () => {
  /** The shard with the sha256 of `file` set to `sha256`, sealed again as cdk8s-gitops seals it. */
  function forgeRecordedHash(dir: string, file: string, sha256: string): void {
    const text = readFile(dir, SHARD);
    const entry = new RegExp(`(${JSON.stringify(file).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\{"sha256": ")[0-9a-f]{64}`);
    expect(text).toMatch(entry);
    const unsealed = text.replace(entry, `$1${sha256}`).replace(/^ {2}"seal": "[0-9a-f]{64}",\n/m, '');
    const seal = createHash('sha256').update(unsealed).digest('hex');
    const at = unsealed.indexOf('  "files": {');
    fs.writeFileSync(path.join(dir, SHARD), `${unsealed.slice(0, at)}  "seal": "${seal}",\n${unsealed.slice(at)}`);
  }

  it('refuses a move when the shard names an older version of a prod values file (one that ran the release of its new ring)', async () => {
    // GIVEN prod ran B (approved), was rolled back to A and unheld; prod-canary runs B
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const model = ringFleet();
      await replay.ok(
        clone,
        model,
        ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--approved-by', 'carol', '--by', 'alice', '--publish'],
        T3,
      );
      await replay.ok(
        clone,
        model,
        ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'B is bad', '--by', 'bob', '--publish'],
        '2026-11-22T15:00:00Z',
      );
      await replay.ok(clone, model, ['unhold', 'payments-api', '--ring', 'prod', '--by', 'bob', '--publish'], '2026-11-22T15:10:00Z');
      // AND the shard's hash of prod gcp's values file is pointed at its version that ran B, sealed again
      const asB = readFile(clone, PROD_GCP_VALUES).replace(A, B);
      forgeRecordedHash(clone, PROD_GCP_VALUES, createHash('sha256').update(asB).digest('hex'));
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['synth'], '2026-11-22T16:00:00Z');
      // THEN the move is refused: the target runs A
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('refuses a move when a prod values file was edited by hand in many commits since it was written', async () => {
    // GIVEN prod gcp's values file is edited by hand to B and committed, then touched in 25 more commits
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      fs.writeFileSync(path.join(clone, PROD_GCP_VALUES), readFile(clone, PROD_GCP_VALUES).replace(A, B));
      sandbox.git(clone, 'commit', '-qam', 'hand edit');
      for (let i = 0; i < 25; i++) {
        fs.appendFileSync(path.join(clone, PROD_GCP_VALUES), `# ${i}\n`);
        sandbox.git(clone, 'commit', '-qam', `touch ${i}`);
      }
      const before = cloneSnapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary (which runs B)
      const r = await replay.run(clone, ringFleet({ rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN it still runs what cdk8s-gitops wrote, A, and the move is refused
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(cloneSnapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a promotion and its rollback within one second', () => {
  const C = `sha256:${'c'.repeat(64)}`;

  it('rolls back a pending promotion to the release HEAD records from the same second, and publishes both', async () => {
    // GIVEN nonprod runs B since T2 (mallory, published), and bob promotes C there in that same second, unpublished
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      const model = ringFleet();
      const base = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      await replay.ok(clone, model, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', C, '--by', 'bob'], T2);

      // WHEN bob rolls it back, still in that second
      const r = await replay.run(
        clone,
        model,
        ['rollback', 'payments-api', '--ring', 'nonprod', '--previous', '--reason', 'C is bad', '--by', 'bob'],
        T2,
      );

      // THEN the rollback is made, not taken for a hand edit of HEAD's entry
      expect(r.stderr).not.toContain('CG610');
      expect(r.code).toBe(0);
      const nonprod = (
        parse(readFile(clone, PAYMENTS)) as { rings: Record<string, { digest: string; by: string; hold: { reason: string } | null }> }
      ).rings.nonprod;
      expect([nonprod.digest, nonprod.by, nonprod.hold?.reason]).toEqual([B, 'bob', 'C is bad']);
      // AND both are published, each as its own commit
      await replay.ok(clone, model, ['publish', '--by', 'bob'], T2);
      expect(subjectsSince(sandbox, base)).toEqual([
        'promote payments-api sha256:cccccccc to nonprod (by bob)',
        'roll back payments-api nonprod to sha256:bbbbbbbb and hold it (by bob): C is bad',
      ]);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('status of a ledger edited by hand', () => {
  it('shows what the ledger says, and warns that the ring rules refuse it', async () => {
    // GIVEN prod's entry set to B by hand, with no approver
    const { sandbox, clone } = copyRingFleet(fleet);
    try {
      prodToBWithoutApproval(clone);

      // WHEN
      const r = await replay.run(clone, ringFleet(), ['status'], T3);

      // THEN status answers, and says the entry is one synth, publish and check refuse
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        'Warning: the ledgers hold entries the ring rules refuse, so what they say above may not be what runs; synth, publish and check refuse them:',
      );
      expect(r.stderr).toMatch(new RegExp(`\\[${PAYMENTS.replace('.', '\\.')}\\] CG61\\d Ring "prod"`));
      // AND a checkout the rules accept gets no warning
      sandbox.git(clone, 'checkout', '--', PAYMENTS);
      expect((await replay.run(clone, ringFleet(), ['status'], T3)).stderr).toBe('');
    } finally {
      sandbox.cleanup();
    }
  });
});
