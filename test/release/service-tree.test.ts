/**
 * A release into a checkout written from the same model and ledgers builds only the service's
 * part of the tree. Writing that part must leave the checkout exactly as writing the whole tree
 * would, and a checkout that is not what the part was worked out from must not be written.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitOpsError } from '../../src';
import { MANIFEST_PATH } from '../../src/synth/manifest';
import * as manifestModule from '../../src/synth/manifest';
import { readManifest, readManifestTexts } from '../../src/workspace/checkout/manifest-io';
import * as status from '../../src/synth/status';
import { buildTree } from '../../src/workspace/build';
import { writeTree } from '../../src/workspace/checkout/writer';
import { runRelease, ReleaseRequest } from '../../src/workspace/release-operations';
import { PlatformModel } from '../../src/model/platform-model';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { renderedPlatform } from '../../examples/rendered-platform/main';
import { readTree, treeDiff } from '../support/tree';
import { writeTreeSettled } from '../support/settled-write';

const D2 = `sha256:${'e'.repeat(64)}`;
const NOW = { by: 'ci', now: new Date('2026-11-22T10:00:00Z') };

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-service-tree-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function checkout(model: PlatformModel): string {
  const dir = fs.mkdtempSync(path.join(root, 'checkout-'));
  writeTree(buildTree(model, dir), dir);
  return dir;
}

const cases: [string, () => PlatformModel, ReleaseRequest][] = [
  ['a Helm service', () => paymentsPlatform().snapshot(), { kind: 'promote', service: 'payments-api', ring: 'nonprod', digest: D2 }],
  ['a rendered service', () => renderedPlatform().snapshot(), { kind: 'promote', service: 'orders-api', ring: 'nonprod', digest: D2 }],
];

describe.each(cases)('a promotion of %s into an up-to-date checkout', (_name, modelOf, request) => {
  test("builds only the service's part, and writing it equals writing the whole tree", () => {
    // GIVEN two copies of a checkout written from the model
    const model = modelOf();
    const dir = checkout(model);
    const whole = path.join(root, `${path.basename(dir)}-whole`);
    fs.cpSync(dir, whole, { recursive: true });

    // WHEN the promotion is written as the part the release builds, and as a whole tree
    const outcome = runRelease(model, dir, request, NOW);
    writeTree(outcome.tree, dir);
    writeTree(buildTree(model, whole), whole); // the ledger is not promoted yet here …
    fs.copyFileSync(path.join(dir, `releases/${request.service}.yaml`), path.join(whole, `releases/${request.service}.yaml`));
    writeTree(buildTree(model, whole), whole); // … and now the whole tree follows the promoted ledger

    // THEN the part left out the Argo CD objects, and both checkouts are byte for byte the same
    expect(outcome.tree.part?.basedOn).toMatch(/^[0-9a-f]{40}$/);
    expect(outcome.tree.paths().filter((p) => p.startsWith('applicationsets/') || p.startsWith('projects/'))).toEqual([]);
    expect(treeDiff(readTree(dir), readTree(whole))).toEqual([]);
  });

  test("in a Git checkout whose stat cache knows STATUS.md, splices the service's section into it: the same page as made whole", () => {
    // GIVEN a Git checkout written from the model long enough before the stat cache records it
    const model = modelOf();
    const dir = fs.mkdtempSync(path.join(root, 'git-'));
    execFileSync('git', ['init', '--quiet', dir]);
    writeTreeSettled(buildTree(model, dir), dir);
    const whole = path.join(root, `${path.basename(dir)}-whole`);
    fs.cpSync(dir, whole, { recursive: true });

    // WHEN the promotion is worked out, STATUS.md made for no service but the promoted one
    const pages = jest.spyOn(status, 'statusMarkdown');
    let outcome: ReturnType<typeof runRelease>;
    let made: number;
    try {
      outcome = runRelease(model, dir, request, NOW);
      made = pages.mock.calls.length;
    } finally {
      pages.mockRestore();
    }
    expect(made).toBe(0);
    const serialize = jest.spyOn(manifestModule, 'serializeManifest');
    try {
      writeTree(outcome.tree, dir);
      // The shards of the services the promotion leaves alone are taken as they are …
      const others = model.services.map((s) => s.name).filter((n) => n !== request.service);
      expect(serialize.mock.calls.map(([, unchanged]) => [...(unchanged?.services ?? ['(all serialized)'])].sort())).toEqual([others]);
    } finally {
      serialize.mockRestore();
    }
    // … and every file of the manifest is what serializing all of it makes.
    const texts = readManifestTexts(dir);
    expect(new Map([...manifestModule.serializeManifest(readManifest(dir))])).toEqual(texts);
    fs.copyFileSync(path.join(dir, `releases/${request.service}.yaml`), path.join(whole, `releases/${request.service}.yaml`));
    writeTree(buildTree(model, whole), whole);

    // THEN the page is the one the whole tree makes, and so is every other file
    expect(outcome.tree.has('STATUS.md')).toBe(true);
    expect(treeDiff(readTree(dir), readTree(whole))).toEqual([]);
  });

  test('builds the whole tree when the checkout was written from another model', () => {
    const model = modelOf();
    const dir = checkout({ ...model, revision: 'release' });
    const outcome = runRelease(model, dir, request, NOW);
    expect(outcome.tree.part).toBeUndefined();
    expect(outcome.tree.has(`bootstrap/${model.controlPlanes[0].name}.yaml`)).toBe(true);
  });
});

test('the part is not written into a checkout another command changed in the meantime', () => {
  // GIVEN a promotion worked out from a checkout …
  const model = paymentsPlatform().snapshot();
  const dir = checkout(model);
  const outcome = runRelease(model, dir, cases[0][2], NOW);
  // … that another command rewrote before the write, from another model
  writeTree(buildTree({ ...model, revision: 'release' }, dir), dir);
  const before = readTree(dir);

  // WHEN the promotion is written
  let error: unknown;
  try {
    writeTree(outcome.tree, dir);
  } catch (e) {
    error = e;
  }

  // THEN it fails with CG407 naming the manifest, and nothing was written
  expect(error).toBeInstanceOf(GitOpsError);
  expect((error as GitOpsError).problems).toEqual([expect.objectContaining({ code: 'CG407', file: MANIFEST_PATH })]);
  expect(treeDiff(readTree(dir), before)).toEqual([]);
});
