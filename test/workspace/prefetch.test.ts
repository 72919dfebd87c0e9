/**
 * What a command looks at of a checkout while its program runs is used only while the checkout
 * is as it was looked at: the same manifest, the same Git index; a hand edit made before is
 * found as without it, and a link stops nothing but the look-ahead.
 */
import { execFileSync, spawn } from 'child_process';
import fs = require('fs');
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { GitOpsError } from '../../src/core/errors';
import { FileKind, FileTree } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { readManifest, readManifestTexts } from '../../src/workspace/checkout/manifest-io';
import { CheckoutPrefetch } from '../../src/workspace/checkout/prefetch';
import { writeTree } from '../../src/workspace/checkout/writer';
import { Checkout } from '../../src/workspace/checkout/checkout-fs';
import { readLedgerTexts } from '../../src/workspace/ledgers';
import { buildTree } from '../../src/workspace/build';
import { paymentsPlatform } from '../../examples/payments-platform/main';

let dir: string;
const git = (...args: string[]): string =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-prefetch-'));
  git('init', '--quiet');
  writeTree(tree, dir);
  git('add', '-A');
  git('commit', '--quiet', '-m', 'synth');
  // Past the stat cache's racy window: the files are known unchanged by their stat.
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const tree = synthesize(paymentsPlatform().snapshot());
const VALUES = 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml';

/** A program that has not ended. */
const RUNNING = new Promise<never>(() => undefined);

/** Lets the look-ahead's slices run to the end, however long a busy machine takes. */
async function done(prefetch: CheckoutPrefetch): Promise<void> {
  while (!prefetch.settled) await new Promise((resolve) => setImmediate(resolve));
}

test('the stat cache it filled is given for the manifest it read, and finds every owned file as written', async () => {
  const prefetch = CheckoutPrefetch.start(dir, RUNNING);
  await done(prefetch);
  const drift = prefetch.statCacheFor(readManifestTexts(dir));
  expect(drift).toBeDefined();
  const files = [...readManifest(dir).files].filter(([, e]) => !e.derived);
  expect(files.length).toBeGreaterThan(10);
  for (const [p, e] of files) expect([p, drift!.changed(p, e.sha256)]).toEqual([p, false]);
  // A write with it changes nothing.
  const report = writeTree(tree, dir, { statCacheFor: prefetch.statCacheFor });
  expect(report.filesWritten).toBe(0);
});

test('a hand edit made before it looked is found: the write refuses it (CG409) as without it', async () => {
  fs.appendFileSync(path.join(dir, VALUES), 'replicaCount: 9\n');
  const prefetch = CheckoutPrefetch.start(dir, RUNNING);
  await done(prefetch);
  const drift = prefetch.statCacheFor(readManifestTexts(dir));
  expect(drift!.changed(VALUES, readManifest(dir).files.get(VALUES)!.sha256)).toBe(true);
  const codes = (options: Parameters<typeof writeTree>[2]): string[] => {
    try {
      writeTree(tree, dir, options);
    } catch (e) {
      return (e as GitOpsError).problems.map((p) => `${p.code} ${p.file}`);
    }
    return [];
  };
  expect(codes({ statCacheFor: prefetch.statCacheFor })).toEqual([`CG409 ${VALUES}`]);
  expect(codes({})).toEqual([`CG409 ${VALUES}`]);
});

test('it reads the ledgers ahead, for a release too; one edited since is read as it is now', async () => {
  const model = paymentsPlatform().snapshot();
  const withLedgers = buildTree(model, dir);
  const ledgers = withLedgers.paths().filter((p) => p.startsWith('releases/'));
  expect(ledgers).toEqual(['releases/payments-api.yaml']);
  writeTree(withLedgers, dir);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const readBy = async (f: () => unknown): Promise<string[]> => {
    const read = jest.spyOn(Checkout.prototype, 'read');
    const started = f();
    if (started instanceof CheckoutPrefetch) await done(started);
    const paths = read.mock.calls.map(([p]) => p);
    read.mockRestore();
    return paths.filter((p) => ledgers.includes(p));
  };
  expect(await readBy(() => CheckoutPrefetch.start(dir, RUNNING, false))).toEqual(ledgers);
  // Read while the program ran: the command does not read it again.
  expect(await readBy(() => readLedgerTexts(model, dir))).toEqual([]);
  fs.appendFileSync(path.join(dir, ledgers[0]), '# edited\n');
  let texts = new Map<string, { text: string }>();
  expect(await readBy(() => (texts = readLedgerTexts(model, dir)))).toEqual(ledgers);
  expect(texts.get('payments-api')!.text).toBe(fs.readFileSync(path.join(dir, ledgers[0]), 'utf8'));
});

test('another manifest than the one it read gets no stat cache', async () => {
  const prefetch = CheckoutPrefetch.start(dir, RUNNING);
  await done(prefetch);
  const texts = new Map(readManifestTexts(dir));
  const [file, text] = [...texts].find(([p]) => p !== '.cdk8s-gitops/manifest.json')!;
  texts.set(file, `${text} `);
  expect(prefetch.statCacheFor(texts)).toBeUndefined();
  texts.delete(file);
  expect(prefetch.statCacheFor(texts)).toBeUndefined();
});

test('a change of the Git index meanwhile (a pull, a checkout, a reset) gets no stat cache', async () => {
  const prefetch = CheckoutPrefetch.start(dir, RUNNING);
  await done(prefetch);
  // A commit elsewhere, pulled in: the index is rewritten.
  fs.appendFileSync(path.join(dir, VALUES), 'replicaCount: 9\n');
  git('commit', '--quiet', '-am', 'by hand');
  expect(prefetch.statCacheFor(readManifestTexts(dir))).toBeUndefined();
});

test('a write in progress is recovered first: nothing is looked at before', async () => {
  fs.mkdirSync(path.join(dir, '.cdk8s-gitops', 'transaction'), { recursive: true });
  const prefetch = CheckoutPrefetch.start(dir, RUNNING);
  await done(prefetch);
  expect(prefetch.statCacheFor(readManifestTexts(dir))).toBeUndefined();
});

test('a link in the checkout ends the look-ahead quietly; the write refuses it as without it (CG408)', async () => {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-prefetch-outside-'));
  try {
    const env = path.join(dir, 'environments', 'prod');
    fs.cpSync(env, target, { recursive: true });
    fs.rmSync(env, { recursive: true });
    fs.symlinkSync(target, env);
    const prefetch = CheckoutPrefetch.start(dir, RUNNING);
    await done(prefetch);
    let error: unknown;
    try {
      writeTree(tree, dir, { statCacheFor: prefetch.statCacheFor });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitOpsError);
    expect((error as GitOpsError).problems.map((p) => p.code)).toContain('CG408');
    // Nothing outside was written or deleted.
    expect(fs.readFileSync(path.join(target, 'aws', 'eu-central-1-01', 'payments-api', 'values.yaml'), 'utf8')).toBe(tree.content(VALUES));
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
});

test('a checkout with no manifest (a first synth) gets no stat cache', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-prefetch-empty-'));
  try {
    const prefetch = CheckoutPrefetch.start(path.join(empty, 'not-yet'), RUNNING);
    await done(prefetch);
    expect(prefetch.statCacheFor(new Map())).toBeUndefined();
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('a directory it found real that is a link once the program ended is not looked through: the file not yet looked at fails (CG408)', () => {
  const many = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-prefetch-many-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-prefetch-outside-'));
  try {
    // More owned files in one directory than the first slice of the look-ahead looks at: a clock that
    // moves a millisecond each time it is read ends the slice after a few steps of 64 files.
    const big = new FileTree();
    const names = Array.from({ length: 600 }, (_, i) => `environments/z/f${String(i).padStart(5, '0')}.yaml`);
    for (const p of names) big.addText(p, FileKind.VALUES, 'platform', `name: ${p}\n`);
    writeTree(big, many);
    let ms = 0;
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => ms++);
    const prefetch = CheckoutPrefetch.start(many, RUNNING);
    clock.mockRestore();
    // Meanwhile the directory is swapped for a link to a copy outside the checkout.
    const z = path.join(many, 'environments', 'z');
    fs.cpSync(z, outside, { recursive: true });
    fs.rmSync(z, { recursive: true });
    fs.symlinkSync(outside, z);
    const drift = prefetch.statCacheFor(readManifestTexts(many));
    expect(drift).toBeDefined();
    const last = names[names.length - 1];
    let error: unknown;
    try {
      drift!.changed(last, readManifest(many).files.get(last)!.sha256);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitOpsError);
    expect((error as GitOpsError).problems.map((p) => `${p.code} ${p.file}`)).toEqual(['CG408 environments/z']);
  } finally {
    fs.rmSync(many, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

describe("the look-ahead works in the program's time, and only then", () => {
  let many: string;
  let names: string[];
  let clock: jest.SpyInstance | undefined;
  beforeEach(() => {
    many = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-prefetch-slices-'));
    const big = new FileTree();
    names = Array.from({ length: 2000 }, (_, i) => `environments/z/f${String(i).padStart(5, '0')}.yaml`);
    for (const p of names) big.addText(p, FileKind.VALUES, 'platform', `name: ${p}\n`);
    writeTree(big, many);
    // A clock that moves a millisecond each time it is read: a slice looks at a few steps of 64
    // files, and looking at them all takes several slices.
    let ms = 0;
    clock = jest.spyOn(performance, 'now').mockImplementation(() => ms++);
  });
  afterEach(() => {
    clock?.mockRestore();
    fs.rmSync(many, { recursive: true, force: true });
  });

  /** Edits the last owned file, and says whether the stat cache the look-ahead filled finds it changed. */
  function lastEditFound(prefetch: CheckoutPrefetch): boolean {
    const last = names[names.length - 1];
    fs.appendFileSync(path.join(many, last), 'edited: true\n');
    const drift = prefetch.statCacheFor(readManifestTexts(many));
    expect(drift).toBeDefined();
    return drift!.changed(last, readManifest(many).files.get(last)!.sha256);
  }

  test("a program that prints nothing: every owned file is looked at while it runs (an edit after is the next command's)", async () => {
    // Nothing wakes the CLI's event loop until the program ends: the slices go on regardless.
    const running = new Promise<void>((resolve, reject) => {
      const child = spawn('sleep', ['1'], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    const prefetch = CheckoutPrefetch.start(many, running);
    await running;
    expect(lastEditFound(prefetch)).toBe(false);
  });

  test('a program that has ended: the work ends with it, and the command looks at what is left', async () => {
    const running = Promise.resolve();
    const prefetch = CheckoutPrefetch.start(many, running);
    await running;
    // Time the work would have had to go on.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(prefetch.settled).toBe(true);
    expect(lastEditFound(prefetch)).toBe(true);
  });
});
