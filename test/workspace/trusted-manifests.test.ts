/**
 * A write with nothing to do trusts a manifest the checkout's last whole writes found or left,
 * not only the last one: a published promotion writes its own, then puts the one before back
 * (as `HEAD` has it) and writes the program's tree over it, which then changes nothing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { modelFingerprint, treeInputs } from '../../src/synth/build';
import { STATUS_PATH } from '../../src/synth/file-tree';
import { releaseOverview, statusMarkdown } from '../../src/synth/status';
import { buildTree } from '../../src/workspace/build';
import { unchangedWrite, writeTree } from '../../src/workspace/checkout/writer';
import { readLedgers, readLedgerTexts } from '../../src/workspace/ledgers';
import { readManifestTexts } from '../../src/workspace/checkout/manifest-io';

const model = paymentsPlatform().snapshot();
const LEDGER = 'releases/payments-api.yaml';
let dir: string;

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
}

/** Whether `unchangedWrite` finds the checkout as the program and its ledgers make it, without building the tree. */
function unchanged(): boolean {
  const report = unchangedWrite(dir, {
    inputs: treeInputs(modelFingerprint(model)),
    ledgers: [...readLedgerTexts(model, dir).values()],
    derivedPaths: [STATUS_PATH],
    derived: () => new Map([[STATUS_PATH, statusMarkdown(releaseOverview(model, readLedgers(model, dir)))]]),
  });
  return report !== undefined;
}

/** The ledger with its first digest changed: a promotion made by hand. */
function promoted(text: string): string {
  const next = text.replace(/sha256:[0-9a-f]{64}/, `sha256:${'e'.repeat(64)}`);
  expect(next).not.toBe(text);
  return next;
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-trusted-'));
  git('init', '--quiet');
  writeTree(buildTree(model, dir), dir);
  git('add', '--all');
  git('commit', '--quiet', '-m', 'First');
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the manifest a whole write left before the last one is trusted again once Git puts it back', async () => {
  // GIVEN a second whole write, of a promotion made in the ledger
  const first = readManifestTexts(dir);
  fs.writeFileSync(path.join(dir, LEDGER), promoted(fs.readFileSync(path.join(dir, LEDGER), 'utf8')));
  writeTree(buildTree(model, dir), dir);
  expect(readManifestTexts(dir)).not.toEqual(first);
  // WHEN Git puts the files of the first write back
  git('checkout', '--quiet', '--', '.');
  await new Promise((resolve) => setTimeout(resolve, 100));
  // THEN the checkout is known to be as the program makes it, without building the tree
  expect(readManifestTexts(dir)).toEqual(first);
  expect(unchanged()).toBe(true);
});

test('a manifest no write of this checkout found or left is not trusted, even one that records the same files', () => {
  // GIVEN the manifest of the checkout with one byte of a shard changed (a space at its end)
  const shard = [...readManifestTexts(dir).keys()].find((p) => p.includes('/services/'))!;
  fs.appendFileSync(path.join(dir, shard), ' ');
  // THEN the tree must be built to tell
  expect(unchanged()).toBe(false);
});
