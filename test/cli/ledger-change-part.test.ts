/**
 * When only ledgers changed since the checkout's last whole write (a promotion made by editing
 * the ledger, merged by review), `synth` and `plan` build only the changed services' part of the
 * tree, from what they looked at while the program ran; the result is the whole tree's, and any
 * other change in the checkout (a hand edit, a deleted file) makes them build the whole tree, so
 * it is found as before.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../support/tree';
import { runBin, writeFixedProgram } from '../support/cli';
import { A, PAYMENTS, LEDGER_API, ringFleet } from '../support/ring-fleet';

const OTHER_VALUES = 'environments/nonprod/aws/eu-01/ledger-api/values.yaml';
const NOW = { CDK8S_GITOPS_NOW: '2026-11-22T10:00:00Z' };

let dir: string;
let co: string;
/** payments-api's ledger after a promotion of A into nonprod, as `promote` writes it. */
let promoted: string;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });

function ok(args: string[], cwd = dir): string {
  const r = runBin(cwd, args, NOW);
  if (r.status !== 0 && r.status !== 2) throw new Error(`cdk8s-gitops ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-ledger-part-'));
  writeFixedProgram(dir, ringFleet());
  co = path.join(dir, 'co');
  git(dir, 'init', '--quiet', 'co');
  ok(['synth', '--out', 'co']);
  git(co, 'add', '-A');
  git(co, 'commit', '--quiet', '-m', 'synth');
  const copy = path.join(dir, 'copy');
  fs.cpSync(co, copy, { recursive: true });
  ok(['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--out', 'copy']);
  promoted = fs.readFileSync(path.join(copy, PAYMENTS), 'utf8');
  // Past the stat cache's racy window.
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the checkout with payments-api's ledger ahead of its values files. */
function ledgerAhead(name: string): string {
  const out = path.join(dir, name);
  fs.rmSync(out, { recursive: true, force: true });
  fs.cpSync(co, out, { recursive: true });
  fs.writeFileSync(path.join(out, PAYMENTS), promoted);
  return out;
}

test('synth of a checkout whose only change is a ledger writes what a whole tree writes', () => {
  const part = ledgerAhead('part');
  const whole = ledgerAhead('whole');
  const report = JSON.parse(ok(['synth', '--out', 'part', '--format', 'json']));
  // --verify builds the whole tree and reads every owned file.
  const verified = JSON.parse(ok(['synth', '--out', 'whole', '--verify', '--format', 'json']));
  expect(report.updated).toEqual(verified.updated);
  expect(report.created).toEqual([]);
  expect(report.updated).toContain('environments/nonprod/aws/eu-01/payments-api/values.yaml');
  expect(report.updated).toContain('STATUS.md');
  expect(report.updated.some((p: string) => p.includes('ledger-api'))).toBe(false);
  expect(readTree(part)).toEqual(readTree(whole));
  // Then nothing is left to do, and check finds the checkout as the program makes it.
  expect(ok(['synth', '--out', 'part'])).toMatch(/^No changes in part/m);
  expect(ok(['check', '--out', 'part'])).toMatch(/^Clean/m);
});

test('plan of such a checkout shows the changes a synth then makes', () => {
  const out = ledgerAhead('plan');
  const plan = JSON.parse(ok(['plan', '--out', 'plan', '--format', 'json']));
  const report = JSON.parse(ok(['synth', '--out', 'plan', '--format', 'json']));
  expect(plan.files.map((f: { path: string }) => f.path).sort()).toEqual([...report.updated].sort());
  expect(plan.acceptedEdits).toEqual([PAYMENTS]);
  expect(fs.existsSync(out)).toBe(true);
});

test("a hand edit of another service's file is found as without the part: the write refuses it (CG409)", () => {
  const out = ledgerAhead('edited');
  fs.appendFileSync(path.join(out, OTHER_VALUES), 'replicaCount: 9\n');
  const r = runBin(dir, ['synth', '--out', 'edited'], NOW);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`CG409 "${OTHER_VALUES}" was changed by hand`);
  // plan shows it put back.
  const plan = JSON.parse(ok(['plan', '--out', 'edited', '--format', 'json']));
  expect(plan.files.find((f: { path: string }) => f.path === OTHER_VALUES)).toMatchObject({ change: 'update', edited: true });
});

test("another service's file deleted by hand is written again, with the ledger's change", () => {
  const out = ledgerAhead('deleted');
  fs.rmSync(path.join(out, OTHER_VALUES));
  const report = JSON.parse(ok(['synth', '--out', 'deleted', '--format', 'json']));
  expect([...report.created, ...report.updated, ...report.restored]).toContain(OTHER_VALUES);
  expect(report.updated).toContain('environments/nonprod/aws/eu-01/payments-api/values.yaml');
  expect(fs.readFileSync(path.join(out, OTHER_VALUES), 'utf8')).toBe(fs.readFileSync(path.join(co, OTHER_VALUES), 'utf8'));
});

test('a second ledger changed too: both services are written', () => {
  const out = ledgerAhead('two');
  const other = fs.readFileSync(path.join(co, LEDGER_API), 'utf8');
  fs.writeFileSync(path.join(out, LEDGER_API), promoted.split('payments-api').join('ledger-api'));
  const r = runBin(dir, ['synth', '--out', 'two', '--format', 'json'], NOW);
  const whole = ledgerAhead('two-whole');
  fs.writeFileSync(path.join(whole, LEDGER_API), promoted.split('payments-api').join('ledger-api'));
  const v = runBin(dir, ['synth', '--out', 'two-whole', '--verify', '--format', 'json'], NOW);
  expect([r.status, v.status]).toEqual([0, 0]);
  expect(JSON.parse(r.stdout).updated).toEqual(JSON.parse(v.stdout).updated);
  expect(JSON.parse(r.stdout).updated).toContain('environments/nonprod/aws/eu-01/ledger-api/values.yaml');
  expect(readTree(out)).toEqual(readTree(whole));
  expect(other).not.toBe(fs.readFileSync(path.join(out, LEDGER_API), 'utf8'));
});
