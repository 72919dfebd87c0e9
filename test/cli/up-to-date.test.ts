/**
 * A synth whose inputs (the program's model and the release ledgers) are those the manifest
 * records changes nothing without building the tree; these tests pin down when that shortcut
 * may be taken and when the tree must be built again. They run the built CLI against a fixed model.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MANIFEST_PATH } from '../../src/synth/manifest';
import { buildTree } from '../../src/workspace/build';
import { writeTree } from '../../src/workspace/checkout/writer';
import { modelFingerprint } from '../../src/synth/build';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { runBin, writeFixedProgram } from '../support/cli';
import { readTree, treeDiff } from '../support/tree';

const VALUES = 'environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml';
const PROD_VALUES = 'environments/prod/azure/westeurope-01/payments-api/values.yaml';
const LEDGER = 'releases/payments-api.yaml';
const D2 = `sha256:${'d'.repeat(64)}`;

let root: string;
let program: string;
let out: string;

function inputsOf(dir: string): string | undefined {
  return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_PATH), 'utf8')).inputs;
}

/** The hash the manifest records for a service's file, from the service's shard. */
function recordedHash(dir: string, service: string, file: string): string | undefined {
  return JSON.parse(fs.readFileSync(path.join(dir, '.cdk8s-gitops/services', `${service}.json`), 'utf8')).files[file]?.sha256;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-up-to-date-'));
  program = path.join(root, 'program');
  writeFixedProgram(program, paymentsPlatform().snapshot());
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeEach(() => {
  out = fs.mkdtempSync(path.join(root, 'checkout-'));
  expect(runBin(program, ['synth', '--out', out]).status).toBe(0);
});

describe('synth of an unchanged program into an up-to-date checkout', () => {
  test('records a fingerprint of its inputs in the manifest, the same as the program writing the tree itself', () => {
    // GIVEN the same model written through the API (as `npx cdk8s synth` runs the program)
    const model = paymentsPlatform().snapshot();
    const viaApi = path.join(root, 'api');
    writeTree(buildTree(model, viaApi), viaApi);

    // THEN both manifests record the same inputs, and the trees are byte for byte the same
    expect(inputsOf(out)).toMatch(/^[0-9a-f]{40}$/);
    expect(inputsOf(viaApi)).toBe(inputsOf(out));
    expect(treeDiff(readTree(viaApi), readTree(out))).toEqual([]);
    expect(modelFingerprint(model)).toMatch(/^[0-9a-f]{40}$/);
  });

  test('reports no change and writes nothing', () => {
    const before = readTree(out);
    const r = runBin(program, ['synth', '--out', out, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: [], updated: [], deleted: [], unchanged: 18, filesWritten: 0 });
    expect(treeDiff(readTree(out), before)).toEqual([]);
  });

  test('writes again an owned file deleted by hand', () => {
    fs.rmSync(path.join(out, VALUES));
    const r = runBin(program, ['synth', '--out', out, '--format', 'json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: [VALUES], updated: [], deleted: [] });
    expect(fs.existsSync(path.join(out, VALUES))).toBe(true);
  });

  test('rewrites the values files when a ledger was edited by hand', () => {
    // GIVEN a ledger whose nonprod ring now runs another digest
    const ledger = fs.readFileSync(path.join(out, LEDGER), 'utf8');
    const [, current] = /nonprod:\n\s+digest: (sha256:[0-9a-f]{64})/.exec(ledger)!;
    fs.writeFileSync(path.join(out, LEDGER), ledger.replace(`nonprod:\n    digest: ${current}`, `nonprod:\n    digest: ${D2}`));
    const before = inputsOf(out);

    // WHEN
    const r = runBin(program, ['synth', '--out', out, '--format', 'json']);

    // THEN the nonprod values files follow the ledger, and the service's shard records the ledger as it is now;
    // the program's inputs are the same
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).updated).toContain(VALUES);
    expect(fs.readFileSync(path.join(out, VALUES), 'utf8')).toContain(D2);
    expect(recordedHash(out, 'payments-api', LEDGER)).toBe(
      createHash('sha256')
        .update(fs.readFileSync(path.join(out, LEDGER)))
        .digest('hex'),
    );
    expect(inputsOf(out)).toBe(before);
  });

  test('builds the tree when the program changes', () => {
    // GIVEN a program whose model differs
    const model = paymentsPlatform().snapshot();
    const changed = path.join(root, 'changed-program');
    writeFixedProgram(changed, { ...model, revision: 'release' });

    // WHEN
    const r = runBin(changed, ['synth', '--out', out, '--format', 'json']);

    // THEN the Argo CD objects follow the new revision
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).updated).toEqual(
      expect.arrayContaining(['applicationsets/nonprod/workloads-nonprod.yaml', 'bootstrap/prod.yaml']),
    );
    expect(fs.readFileSync(path.join(out, 'bootstrap/prod.yaml'), 'utf8')).toContain('targetRevision: refs/heads/release');
  });

  test('notices a hand edit although nothing changed; outside Git only --verify puts it back', () => {
    fs.writeFileSync(path.join(out, PROD_VALUES), '# edited by hand\n');
    const refused = runBin(program, ['synth', '--out', out, '--format', 'json']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`CG409 "${PROD_VALUES}" was changed by hand since cdk8s-gitops wrote it`);
    const r = runBin(program, ['synth', '--out', out, '--verify', '--format', 'json']);
    expect(JSON.parse(r.stdout).updated).toEqual([PROD_VALUES]);
    expect(fs.readFileSync(path.join(out, PROD_VALUES), 'utf8')).not.toContain('edited by hand');
  });
});

describe('synth into a checkout whose manifest was edited by hand', () => {
  const SHARD = path.join('.cdk8s-gitops', 'services', 'payments-api.json');
  const HAND_MADE = 'environments/prod/azure/westeurope-01/hand-svc/values.yaml';

  /** Edits the service's shard as JSON, leaving its seal as it was. */
  function editShard(dir: string, edit: (files: Record<string, unknown>) => void): void {
    const file = path.join(dir, SHARD);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(json.files);
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  }

  test('an entry added for a directory made by hand, of another service: check, plan and synth refuse the shard (CG401), nothing is written', () => {
    // GIVEN a directory made by hand (an Application of its own), and a shard entry that claims its file
    const text = 'replicaCount: 1\n';
    fs.mkdirSync(path.dirname(path.join(out, HAND_MADE)), { recursive: true });
    fs.writeFileSync(path.join(out, HAND_MADE), text);
    editShard(out, (files) => {
      files[HAND_MADE] = { sha256: createHash('sha256').update(text).digest('hex'), key: 'f'.repeat(40) };
    });
    const before = readTree(out);

    // WHEN plan and synth run
    const plan = runBin(program, ['plan', '--out', out]);
    const synth = runBin(program, ['synth', '--out', out]);
    const check = runBin(program, ['check', '--out', out]);

    // THEN all three refuse the shard, which claims a file of another service than its own, and nothing is written
    for (const r of [check, plan, synth]) {
      expect([r.status, r.stderr]).toEqual([
        1,
        expect.stringContaining(
          `CG401 ${SHARD}, the shard of service payments-api, records "${HAND_MADE}", which is none of that service's files`,
        ),
      ]);
    }
    expect(treeDiff(readTree(out), before)).toEqual([]);
  });

  test('an entry removed: synth records the file again and seals the shard; the next synth takes the shortcut', () => {
    // GIVEN the shard no longer records a prod values file
    editShard(out, (files) => {
      delete files[PROD_VALUES];
    });

    // WHEN
    const r = runBin(program, ['synth', '--out', out, '--format', 'json']);

    // THEN the file is recorded again, as it is, and the shard holds what cdk8s-gitops writes
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: [], updated: [], deleted: [], recorded: [PROD_VALUES] });
    expect(recordedHash(out, 'payments-api', PROD_VALUES)).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(path.join(out, SHARD), 'utf8')).toMatch(/^ {2}"seal": "[0-9a-f]{64}",$/m);
    const again = runBin(program, ['synth', '--out', out, '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ recorded: [], unchanged: 18, filesWritten: 0 });
  });
});

describe('synth into a Git checkout whose manifest was changed and sealed again since its last synth', () => {
  const SHARD = '.cdk8s-gitops/services/payments-api.json';
  const HAND_MADE = 'environments/prod/azure/westeurope-01/hand-svc/values.yaml';

  /** Adds `entry` for `file` to the service's shard, and seals the shard again as cdk8s-gitops would. */
  function forgeEntry(dir: string, file: string, entry: Record<string, string>): void {
    const text = fs.readFileSync(path.join(dir, SHARD), 'utf8');
    const json = JSON.parse(text);
    const lines = Object.entries({ ...json.files, [file]: entry })
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([p, e]) => `    ${JSON.stringify(p)}: ${JSON.stringify(e).replace(/":/g, '": ').replace(/,"/g, ', "')}`);
    const unsealed = `${text.slice(0, text.indexOf('  "seal"'))}  "files": {\n${lines.join(',\n')}\n  }\n}\n`;
    const seal = createHash('sha256').update(unsealed).digest('hex');
    const at = unsealed.indexOf('  "files": {');
    fs.writeFileSync(path.join(dir, SHARD), `${unsealed.slice(0, at)}  "seal": "${seal}",\n${unsealed.slice(at)}`);
  }

  beforeEach(() => {
    // a Git work tree (the stat cache lives in its Git directory), synthesized once more in it
    execFileSync('git', ['init', '--quiet', out]);
    expect(runBin(program, ['synth', '--out', out]).status).toBe(0);
  });

  test('an entry for a directory made by hand, of another service, is refused (CG401) though the shard looks as cdk8s-gitops writes it', () => {
    // GIVEN a directory made by hand, and a shard entry that claims its file, sealed again
    const text = 'replicaCount: 1\n';
    fs.mkdirSync(path.dirname(path.join(out, HAND_MADE)), { recursive: true });
    fs.writeFileSync(path.join(out, HAND_MADE), text);
    forgeEntry(out, HAND_MADE, { sha256: createHash('sha256').update(text).digest('hex'), key: 'f'.repeat(40) });
    const before = readTree(out);

    // WHEN
    const plan = runBin(program, ['plan', '--out', out]);
    const synth = runBin(program, ['synth', '--out', out]);

    // THEN neither takes the shard's word: it claims a file of another service than its own
    for (const r of [plan, synth]) expect([r.status, r.stderr]).toEqual([1, expect.stringContaining('CG401')]);
    expect(treeDiff(readTree(out), before)).toEqual([]);
  });

  test('an entry for a file cdk8s-gitops never writes (README.md) is refused by every command (CG401)', () => {
    // GIVEN
    const text = '# platform-gitops\n';
    fs.writeFileSync(path.join(out, 'README.md'), text);
    forgeEntry(out, 'README.md', { sha256: createHash('sha256').update(text).digest('hex'), key: 'f'.repeat(40) });
    // WHEN / THEN
    for (const command of ['synth', 'plan', 'check']) {
      const r = runBin(program, [command, '--out', out]);
      expect([command, r.status, r.stderr]).toEqual([command, 1, expect.stringContaining('CG401')]);
      expect(r.stderr).toContain('names a path cdk8s-gitops never writes');
    }
    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toBe(text);
  });

  test('an entry whose path holds NUL is refused by every command (CG401), not taken to the file system', () => {
    // GIVEN a shard entry no file system can hold, sealed again
    forgeEntry(out, 'environments/prod/aws/eu-central-1-01/payments-api/x\u0000y.yaml', { sha256: 'a'.repeat(64), key: 'f'.repeat(40) });
    const before = readTree(out);
    // WHEN / THEN a malformed manifest, named with its fix; no internal error
    for (const command of ['synth', 'plan', 'check']) {
      const r = runBin(program, [command, '--out', out]);
      expect([command, r.status, r.stderr]).toEqual([command, 1, expect.stringContaining('CG401')]);
      expect(r.stderr).toContain('x\\u0000y.yaml');
      expect(r.stderr).not.toContain('Internal error');
    }
    expect(treeDiff(readTree(out), before)).toEqual([]);
  });

  test("a values file edited with its record in the shard (hash updated, sealed again) is found by check, plan and synth: a manifest is not proof of a file's content", async () => {
    // GIVEN prod's digest edited by hand, and the shard made to record the edit, as a merge request could
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runBin(program, ['synth', '--out', out]).status).toBe(0);
    const file = path.join(out, PROD_VALUES);
    const text = fs.readFileSync(file, 'utf8').replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${D2}`);
    fs.writeFileSync(file, text);
    const recorded = JSON.parse(fs.readFileSync(path.join(out, SHARD), 'utf8')).files[PROD_VALUES];
    forgeEntry(out, PROD_VALUES, { ...recorded, sha256: createHash('sha256').update(text).digest('hex') });

    // WHEN check, plan and synth run in this checkout, and check in a copy without its stat cache (a fresh clone)
    const check = runBin(program, ['check', '--out', out]);
    const plan = runBin(program, ['plan', '--out', out]);
    const fresh = fs.mkdtempSync(path.join(root, 'fresh-'));
    fs.cpSync(out, fresh, { recursive: true });
    fs.rmSync(path.join(fresh, '.git', 'cdk8s-gitops'), { recursive: true, force: true });
    const freshCheck = runBin(program, ['check', '--out', fresh]);

    // THEN each names the file: it differs from what the program makes
    for (const r of [check, freshCheck]) {
      expect([r.status, r.stdout]).toEqual([
        2,
        expect.stringContaining(`CG415 ${PROD_VALUES}: ${PROD_VALUES} differs from what the program synthesizes`),
      ]);
    }
    expect([plan.status, plan.stdout]).toEqual([2, expect.stringContaining(PROD_VALUES)]);
    // and synth does not take it as up to date: it would put back what the ledger says the target runs, which is a
    // change of what prod runs that no promotion made, so it stops (CG144) and writes nothing
    const before = readTree(out);
    const synth = runBin(program, ['synth', '--out', out, '--verify']);
    expect([synth.status, synth.stderr]).toEqual([
      1,
      expect.stringContaining('CG144 The write would switch Application payments-api-prod-azure-westeurope-01 from sha256:dddddddd'),
    ]);
    expect(treeDiff(readTree(out), before)).toEqual([]);
  });

  test('a manifest whose line ends Git converted to CRLF is not reported as edited by hand', () => {
    for (const file of [MANIFEST_PATH, SHARD]) {
      const p = path.join(out, file);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/\n/g, '\r\n'));
    }
    const r = runBin(program, ['check', '--out', out]);
    expect(r.stdout).not.toContain('CG421');
  });
});

describe('a promotion', () => {
  test('writes only what it changes: an owned file deleted by hand stays for synth to restore', () => {
    // GIVEN a prod values file deleted by hand
    fs.rmSync(path.join(out, PROD_VALUES));

    // WHEN nonprod is promoted
    const r = runBin(program, [
      'promote',
      'payments-api',
      '--ring',
      'nonprod',
      '--digest',
      D2,
      '--out',
      out,
      '--by',
      'ci',
      '--format',
      'json',
    ]);

    // THEN the promotion writes the ring's values files, the ledger and the status, and nothing else
    expect(r.status).toBe(0);
    const written = JSON.parse(r.stdout);
    expect(written.created).toEqual([]);
    expect([...written.updated].sort()).toEqual([
      'STATUS.md',
      ...['aws/eu-central-1-01', 'azure/westeurope-01', 'gcp/europe-west4-01', 'oci/eu-frankfurt-1-01'].map(
        (c) => `environments/nonprod/${c}/payments-api/values.yaml`,
      ),
      LEDGER,
    ]);
    expect(fs.existsSync(path.join(out, PROD_VALUES))).toBe(false);

    // AND the next synth restores the deleted file
    const s = runBin(program, ['synth', '--out', out, '--format', 'json']);
    expect(JSON.parse(s.stdout)).toMatchObject({ created: [PROD_VALUES], updated: [], deleted: [] });
  });
});

describe('check in a Git checkout whose stat cache knows every owned file', () => {
  test('finds a hand edit that keeps the size and the modification time of the file', async () => {
    // GIVEN a checkout in Git, synthesized again once its files are past the stat cache's racy window
    execFileSync('git', ['init', '--quiet', out]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runBin(program, ['synth', '--out', out]).status).toBe(0);
    expect(runBin(program, ['check', '--out', out]).status).toBe(0);

    // WHEN a values file is edited by hand: same length, its modification time put back
    const file = path.join(out, PROD_VALUES);
    const before = fs.statSync(file);
    const text = fs.readFileSync(file, 'utf8');
    const edited = text.replace(/(repository: \S*)\S/, (_, head: string) => `${head}X`);
    expect(edited).not.toBe(text);
    expect(edited.length).toBe(text.length);
    fs.writeFileSync(file, edited);
    fs.utimesSync(file, before.atime, before.mtime);

    // THEN check names it as edited
    const r = runBin(program, ['check', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`CG413 ${PROD_VALUES}`);
  });
});
