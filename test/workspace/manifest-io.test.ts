/**
 * The manifest is read several times by one command: a shard known by its stat is not read
 * again, and any change to it, even one that keeps its size and modification time, is read.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { MANIFEST_PATH } from '../../src/synth/manifest';
import { synthesize } from '../../src/synth/synthesize';
import { readManifestTexts } from '../../src/workspace/checkout/manifest-io';
import { writeTree } from '../../src/workspace/checkout/writer';

let dir: string;
const tree = synthesize(paymentsPlatform().snapshot());

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-manifest-io-'));
  writeTree(tree, dir);
  // Past the racy window: the files are known by their stat once read.
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function shardOf(texts: ReadonlyMap<string, string>): string {
  return [...texts.keys()].find((p) => p !== MANIFEST_PATH)!;
}

test('the same texts each time while nothing changes', () => {
  const first = readManifestTexts(dir);
  expect(first.size).toBeGreaterThan(1);
  expect(readManifestTexts(dir)).toEqual(first);
});

test('a shard changed to the same size and modification time is read again', () => {
  const first = readManifestTexts(dir);
  const shard = shardOf(first);
  const file = path.join(dir, shard);
  const { mtime } = fs.statSync(file);
  const edited = first.get(shard)!.replace('"', "'");
  expect(edited.length).toBe(first.get(shard)!.length);
  fs.writeFileSync(file, edited);
  fs.utimesSync(file, mtime, mtime);
  expect(readManifestTexts(dir).get(shard)).toBe(edited);
});

test('a shard removed, added or swapped for a link is seen', () => {
  const first = readManifestTexts(dir);
  const shard = shardOf(first);
  fs.rmSync(path.join(dir, shard));
  expect(readManifestTexts(dir).has(shard)).toBe(false);
  fs.writeFileSync(path.join(dir, shard), first.get(shard)!);
  expect(readManifestTexts(dir).get(shard)).toBe(first.get(shard));
  const outside = path.join(dir, '..', `${path.basename(dir)}-outside.json`);
  fs.writeFileSync(outside, first.get(shard)!);
  try {
    fs.rmSync(path.join(dir, shard));
    fs.symlinkSync(outside, path.join(dir, shard));
    expect(() => readManifestTexts(dir)).toThrow(/symbolic link/);
  } finally {
    fs.rmSync(outside, { force: true });
  }
});

test('another checkout with the same manifest is read on its own', () => {
  const first = readManifestTexts(dir);
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-manifest-io-other-'));
  try {
    fs.cpSync(dir, other, { recursive: true });
    const shard = shardOf(first);
    fs.writeFileSync(path.join(other, shard), `${first.get(shard)} `);
    expect(readManifestTexts(other).get(shard)).toBe(`${first.get(shard)} `);
    expect(readManifestTexts(dir).get(shard)).toBe(first.get(shard));
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});
