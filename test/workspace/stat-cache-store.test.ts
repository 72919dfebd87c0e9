/**
 * The stat cache is kept in buckets: a run that finds or writes a few files rewrites their
 * buckets only, every other entry stays as it was, and what is not a cache this code wrote
 * counts as empty.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { synthesize } from '../../src/synth/synthesize';
import { readManifest, readManifestTexts } from '../../src/workspace/checkout/manifest-io';
import { Checkout } from '../../src/workspace/checkout/checkout-fs';
import { DriftCheck, statKey } from '../../src/workspace/checkout/drift';
import { statCacheEntries } from '../support/stat-cache';
import { writeTreeSettled } from '../support/settled-write';

const tree = synthesize(paymentsPlatform().snapshot());
const VALUES = 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml';
let dir: string;

/** The directory of the checkout's stat cache. */
function cacheDir(): string {
  const root = path.join(dir, '.git', 'cdk8s-gitops', 'stat-cache');
  return path.join(root, fs.readdirSync(root)[0]!);
}

/** Each file of the cache with its inode and modification time: what a rewrite changes. */
function fileIds(): Map<string, string> {
  const d = cacheDir();
  return new Map(
    fs.readdirSync(d).map((f) => {
      const s = fs.statSync(path.join(d, f));
      return [f, `${s.ino}:${s.mtimeMs}`];
    }),
  );
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-stat-cache-'));
  execFileSync('git', ['init', '--quiet', dir]);
  writeTreeSettled(tree, dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('every file written is cached, spread over buckets', () => {
  const entries = statCacheEntries(cacheDir());
  expect(Object.keys(entries).sort()).toEqual([...readManifest(dir).files.keys()].sort());
  expect(fileIds().size).toBeGreaterThan(5);
});

test('a run that finds one file anew rewrites its bucket only', async () => {
  const before = fileIds();
  const entriesBefore = statCacheEntries(cacheDir());
  // Touched with the same content: found again under another stat.
  const file = path.join(dir, VALUES);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8'));
  fs.utimesSync(file, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
  await new Promise((resolve) => setTimeout(resolve, 60));
  const drift = DriftCheck.load(new Checkout(dir));
  const manifest = readManifest(dir);
  for (const [p, e] of manifest.files) if (!e.derived) expect([p, drift.changed(p, e.sha256)]).toEqual([p, false]);
  drift.save(manifest.files);

  const after = fileIds();
  const rewritten = [...after].filter(([f, id]) => before.get(f) !== id).map(([f]) => f);
  expect(rewritten.filter((f) => f !== 'index.json')).toHaveLength(1);
  const entriesAfter = statCacheEntries(cacheDir());
  expect(entriesAfter[VALUES]).not.toBe(entriesBefore[VALUES]);
  expect({ ...entriesAfter, [VALUES]: '' }).toEqual({ ...entriesBefore, [VALUES]: '' });
});

test('a garbled or foreign bucket counts as empty: its files are read again, and found unchanged', () => {
  const d = cacheDir();
  for (const f of fs.readdirSync(d)) fs.writeFileSync(path.join(d, f), f === 'index.json' ? '[' : '{"version":2,"files":{"x":1}}');
  const drift = DriftCheck.load(new Checkout(dir));
  expect(drift.trusts(new Map())).toBe(false);
  const entry = readManifest(dir).files.get(VALUES)!;
  expect(drift.changed(VALUES, entry.sha256)).toBe(false);
  fs.appendFileSync(path.join(dir, VALUES), 'replicaCount: 9\n');
  expect(DriftCheck.load(new Checkout(dir)).changed(VALUES, entry.sha256)).toBe(true);
});

test('a bucket that is a link or a directory counts as empty, and the link is never followed', () => {
  const d = cacheDir();
  const entry = readManifest(dir).files.get(VALUES)!;
  const outside = path.join(dir, '..', `${path.basename(dir)}-outside`);
  try {
    // GIVEN the owned file edited by hand, and every bucket a directory or a link to a file
    // outside whose entry says the file, as it stands now, holds what the manifest records
    fs.appendFileSync(path.join(dir, VALUES), 'replicaCount: 9\n');
    const seen = statKey(fs.lstatSync(path.join(dir, VALUES)));
    fs.writeFileSync(outside, `cdk8s-gitops stat cache 3\n${VALUES}\u0000${seen} ${entry.sha256}\u0000`);
    for (const f of fs.readdirSync(d).filter((n) => n !== 'index.json')) {
      fs.rmSync(path.join(d, f));
      if (f < '80') fs.symlinkSync(outside, path.join(d, f));
      else fs.mkdirSync(path.join(d, f));
    }

    // THEN the edit is found: the entry behind the links was never read
    expect(DriftCheck.load(new Checkout(dir)).changed(VALUES, entry.sha256)).toBe(true);
  } finally {
    fs.rmSync(outside, { force: true });
  }
});

test('a bucket cut short counts as empty: its files are read again', () => {
  const d = cacheDir();
  const entry = readManifest(dir).files.get(VALUES)!;
  const bucket = fs.readdirSync(d).find((f) => fs.readFileSync(path.join(d, f), 'utf8').includes(`${VALUES}\0`))!;
  const text = fs.readFileSync(path.join(d, bucket), 'utf8');
  // WHEN the bucket loses its last NUL, as a write cut short would leave it
  fs.writeFileSync(path.join(d, bucket), text.slice(0, -1));
  const drift = DriftCheck.load(new Checkout(dir));

  // THEN the file is read again (found unchanged), and a save writes the bucket whole again
  expect(drift.changed(VALUES, entry.sha256)).toBe(false);
  drift.save(readManifest(dir).files);
  expect(statCacheEntries(d)[VALUES]).toBeDefined();
  expect(fs.readFileSync(path.join(d, bucket), 'utf8').endsWith('\0')).toBe(true);
});

test('the buckets of the version before (JSON) are left unread, the manifest it trusted kept, and both removed by the next save', () => {
  const d = cacheDir();
  const index = JSON.parse(fs.readFileSync(path.join(d, 'index.json'), 'utf8')) as { manifest: string };
  // GIVEN the cache as the version before kept it: JSON buckets named *.json, an index of version 2
  for (const f of fs.readdirSync(d)) fs.rmSync(path.join(d, f));
  fs.writeFileSync(path.join(d, 'index.json'), JSON.stringify({ version: 2, manifest: index.manifest }));
  fs.writeFileSync(path.join(d, '00.json'), JSON.stringify({ version: 2, files: { [VALUES]: '1:2:3:4 deadbeef' } }));

  // WHEN
  const drift = DriftCheck.load(new Checkout(dir));
  const manifest = readManifest(dir);

  // THEN the manifest is trusted as before, every owned file is read again, and the save leaves the new format only
  expect(drift.trusts(readManifestTexts(dir))).toBe(true);
  for (const [p, e] of manifest.files) if (!e.derived) expect([p, drift.changed(p, e.sha256)]).toEqual([p, false]);
  drift.save(manifest.files);
  expect(fs.readdirSync(d).filter((f) => f.endsWith('.json'))).toEqual(['index.json']);
  expect(Object.keys(statCacheEntries(d)).sort()).toEqual([...manifest.files.keys()].sort());
});

test('the cache of the first version (one file) is left unread and removed by the next save', () => {
  const current = cacheDir();
  const old = `${current}.json`;
  fs.writeFileSync(old, JSON.stringify({ version: 1, files: { [VALUES]: '1:2:3:4 deadbeef' } }));
  const drift = DriftCheck.load(new Checkout(dir));
  const manifest = readManifest(dir);
  drift.trust('0'.repeat(64));
  drift.save(manifest.files);
  expect(fs.readdirSync(path.dirname(current))).toEqual([path.basename(current)]);
});

describe('trusted manifests', () => {
  const digest = (c: string): string => c.repeat(64);
  const index = (): { manifest?: string; manifests?: string[] } => JSON.parse(fs.readFileSync(path.join(cacheDir(), 'index.json'), 'utf8'));

  test('those of the last four whole writes are trusted, the last first; one before them is not', () => {
    // GIVEN the manifest of the write made first, trusted
    const texts = readManifestTexts(dir);
    const files = readManifest(dir).files;
    expect(DriftCheck.load(new Checkout(dir)).trusts(texts)).toBe(true);
    // WHEN three more are trusted, each saved and loaded again: it still is
    for (const c of ['1', '2', '3']) {
      const drift = DriftCheck.load(new Checkout(dir));
      drift.trust(digest(c));
      drift.save(files);
    }
    expect(DriftCheck.load(new Checkout(dir)).trusts(texts)).toBe(true);
    expect(index().manifests).toHaveLength(4);
    // WHEN one already trusted is trusted again: it is the last, and none is dropped
    let drift = DriftCheck.load(new Checkout(dir));
    drift.trust(digest('1'));
    drift.save(files);
    expect(index().manifests!.slice(0, 3)).toEqual([digest('1'), digest('3'), digest('2')]);
    expect(DriftCheck.load(new Checkout(dir)).trusts(texts)).toBe(true);
    // WHEN a fifth is trusted: the first is not any more
    drift = DriftCheck.load(new Checkout(dir));
    drift.trust(digest('4'));
    drift.save(files);
    expect(index()).toEqual({ version: 3, manifest: digest('4'), manifests: [digest('4'), digest('1'), digest('3'), digest('2')] });
    expect(DriftCheck.load(new Checkout(dir)).trusts(texts)).toBe(false);
  });

  test('an index of the form before (the last manifest only) trusts it; what is not a digest is not trusted', () => {
    const texts = readManifestTexts(dir);
    const last = index().manifest!;
    fs.writeFileSync(path.join(cacheDir(), 'index.json'), JSON.stringify({ version: 3, manifest: last }));
    expect(DriftCheck.load(new Checkout(dir)).trusts(texts)).toBe(true);
    fs.writeFileSync(path.join(cacheDir(), 'index.json'), JSON.stringify({ version: 3, manifests: [`${last} `, 7, last.toUpperCase()] }));
    expect(DriftCheck.load(new Checkout(dir)).trusts(texts)).toBe(false);
    fs.writeFileSync(path.join(cacheDir(), 'index.json'), JSON.stringify({ version: 3, manifests: 'not a list' }));
    expect(DriftCheck.load(new Checkout(dir)).trusts(texts)).toBe(false);
  });
});
