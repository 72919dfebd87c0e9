/**
 * A file made from the tree's inputs alone (the release model) keeps the key the manifest
 * records while the manifest is the one the last whole write left and records the same inputs;
 * any other manifest makes the write compute the key and compare.
 */
import { execFileSync } from 'child_process';
import fs = require('fs');
import * as os from 'os';
import * as path from 'path';
import { FileKind, fingerprint } from '../../src/synth/file-tree';
import { serializeManifest } from '../../src/synth/manifest';
import { PLATFORM_MODEL_PATH } from '../../src/synth/release-model';
import { synthesize } from '../../src/synth/synthesize';
import { readManifest } from '../../src/workspace/checkout/manifest-io';
import { writeTree } from '../../src/workspace/checkout/writer';
import { paymentsPlatform } from '../../examples/payments-platform/main';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-inputs-keys-'));
  // The stat cache that tells a manifest the last write left lives in the Git directory.
  execFileSync('git', ['init', '--quiet', dir]);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const model = paymentsPlatform().snapshot();

/** A tree whose one extra file is made from its inputs: `text`, keyed by `key`, which counts its calls. */
function treeOf(inputs: string, text: string, calls: { n: number }) {
  return synthesize(model, {
    inputs,
    extraFiles: [
      {
        path: PLATFORM_MODEL_PATH,
        kind: FileKind.MODEL,
        origin: 'platform',
        text: {
          key: () => {
            calls.n++;
            return fingerprint(text);
          },
          make: () => text,
          fromInputs: true,
        },
      },
    ],
  });
}

test("a write from the same inputs over the manifest the last write left takes the file's key from that manifest", async () => {
  // GIVEN a checkout written from inputs A, past the stat cache's racy window
  writeTree(treeOf('a'.repeat(40), '{"made": "from A"}\n', { n: 0 }), dir);
  await new Promise((resolve) => setTimeout(resolve, 100));

  // WHEN the same inputs are written again
  const calls = { n: 0 };
  const report = writeTree(treeOf('a'.repeat(40), '{"made": "from A"}\n', calls), dir);

  // THEN the key is not made, and nothing is written
  expect(calls.n).toBe(0);
  expect(report.filesWritten).toBe(0);
});

test('a manifest edited to record the new inputs does not make the write keep a file of the old ones', () => {
  // GIVEN a checkout written from inputs A, whose manifest is then edited (and sealed again) to record inputs B
  writeTree(treeOf('a'.repeat(40), '{"made": "from A"}\n', { n: 0 }), dir);
  const edited = serializeManifest({ ...readManifest(dir), inputs: 'b'.repeat(40) });
  for (const [p, text] of edited) fs.writeFileSync(path.join(dir, p), text);

  // WHEN the tree of inputs B is written
  const calls = { n: 0 };
  const report = writeTree(treeOf('b'.repeat(40), '{"made": "from B"}\n', calls), dir);

  // THEN the key is compared, and the file is B's
  expect(calls.n).toBeGreaterThan(0);
  expect(report.updated).toContain(PLATFORM_MODEL_PATH);
  expect(fs.readFileSync(path.join(dir, PLATFORM_MODEL_PATH), 'utf8')).toBe('{"made": "from B"}\n');
});

test('a write from other inputs makes the key and writes the new file', () => {
  // GIVEN a checkout written from inputs A
  writeTree(treeOf('a'.repeat(40), '{"made": "from A"}\n', { n: 0 }), dir);

  // WHEN the tree of inputs B is written
  const calls = { n: 0 };
  writeTree(treeOf('b'.repeat(40), '{"made": "from B"}\n', calls), dir);

  // THEN B's file is in place
  expect(calls.n).toBeGreaterThan(0);
  expect(fs.readFileSync(path.join(dir, PLATFORM_MODEL_PATH), 'utf8')).toBe('{"made": "from B"}\n');
});
