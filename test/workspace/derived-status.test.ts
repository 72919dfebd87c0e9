/**
 * A write that changes nothing makes `STATUS.md` (made from every ledger) again only when the
 * stat cache does not know that the file holds what these ledgers and this program make: by its
 * stat, or by the content hash it cached with them.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { modelFingerprint, treeInputs } from '../../src/synth/build';
import { STATUS_PATH } from '../../src/synth/file-tree';
import * as status from '../../src/synth/status';
import { releaseOverview, statusMarkdown } from '../../src/synth/status';
import { buildTree } from '../../src/workspace/build';
import { planWrite, unchangedWrite, writeTree } from '../../src/workspace/checkout/writer';
import { readLedgers, readLedgerTexts } from '../../src/workspace/ledgers';
import { writeTreeSettled } from '../support/settled-write';

const model = paymentsPlatform().snapshot();
let dir: string;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-derived-'));
  execFileSync('git', ['init', '--quiet', dir]);
  writeTree(buildTree(model, dir), dir);
  // Past the stat cache's racy window: the files just written are known by their stat.
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `unchangedWrite` for the program and the checkout's ledgers, counting how often STATUS.md is made. */
function noop(): { unchanged: boolean; made: number } {
  let made = 0;
  const report = unchangedWrite(dir, {
    inputs: treeInputs(modelFingerprint(model)),
    ledgers: [...readLedgerTexts(model, dir).values()],
    derivedPaths: [STATUS_PATH],
    derived: () => {
      made++;
      return new Map([[STATUS_PATH, statusMarkdown(releaseOverview(model, readLedgers(model, dir)))]]);
    },
  });
  return { unchanged: report !== undefined, made };
}

test('a STATUS.md written within the racy window is read and known by its content, not made again', () => {
  expect(noop()).toEqual({ unchanged: true, made: 0 });
  expect(noop()).toEqual({ unchanged: true, made: 0 });
});

test('the write that made STATUS.md leaves it known: nothing is made again', () => {
  const file = path.join(dir, STATUS_PATH);
  fs.writeFileSync(file, 'stale\n');
  writeTreeSettled(buildTree(model, dir), dir);
  expect(fs.readFileSync(file, 'utf8')).not.toBe('stale\n');
  expect(noop()).toEqual({ unchanged: true, made: 0 });
});

test('STATUS.md edited by hand, even to the same size: it is made again and found different', () => {
  const file = path.join(dir, STATUS_PATH);
  const text = fs.readFileSync(file, 'utf8');
  const { mtime } = fs.statSync(file);
  fs.writeFileSync(file, text.replace('#', '%'));
  fs.utimesSync(file, mtime, mtime);
  expect(noop()).toEqual({ unchanged: false, made: 1 });
});

test('STATUS.md rewritten with what it held (touched, checked out again): read and known by its content, not made again', () => {
  const file = path.join(dir, STATUS_PATH);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8'));
  fs.utimesSync(file, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
  expect(noop()).toEqual({ unchanged: true, made: 0 });
  expect(noop()).toEqual({ unchanged: true, made: 0 });
});

test('a whole tree compared with the checkout (check, plan) makes STATUS.md only when the stat cache does not know it', () => {
  const made = (): { made: number; writes: string[] } => {
    const spy = jest.spyOn(status, 'statusMarkdown');
    const plan = planWrite(buildTree(model, dir), dir);
    const made = spy.mock.calls.length;
    spy.mockRestore();
    return { made, writes: [...plan.writes.keys()] };
  };
  expect(made()).toEqual({ made: 0, writes: [] });
  // Edited by hand: made, found different, written again.
  fs.appendFileSync(path.join(dir, STATUS_PATH), 'edited\n');
  expect(made()).toEqual({ made: 1, writes: [STATUS_PATH] });
});
