/**
 * Property: whatever is planted in a checkout (symbolic links anywhere, manifest entries for
 * any path, journals), a write and the recovery of an interrupted one change no byte outside
 * the checkout, nothing in `.git`, and no file the tool does not own; they succeed or fail with
 * a GitOpsError, never with anything else.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { GitOpsError } from '../../src';
import { buildTree } from '../../src/workspace/build';
import { contentHash } from '../../src/synth/file-tree';
import { PlatformModel } from '../../src/model/platform-model';
import { recoverInterruptedWrite, writeTree } from '../../src/workspace/checkout/writer';
import { hashTree } from '../support/hash-tree';
import { addLedgerApi, exampleModel } from './example-checkout';

/** Paths where something is planted: directories and files of the tree, state files, new places. */
const PLACES = [
  'environments/nonprod/aws',
  'environments/prod',
  'environments/nonprod/aws/eu-central-1-01/ledger-api/values.yaml',
  'environments/nonprod/gcp/europe-west4-01/ledger-api',
  'environments/cache',
  'releases',
  'releases/payments-api.yaml',
  'releases/ledger-api.yaml',
  'applicationsets',
  'STATUS.md',
  '.cdk8s-gitops',
  '.cdk8s-gitops/transaction',
  '.cdk8s-gitops/manifest.json',
] as const;

/** Where a planted link points. */
const TARGETS = ['OUTSIDE', 'OUTSIDE/precious.txt', '../.git', '.git', '/proc/self/environ'] as const;

/** Paths a planted manifest entry or journal names. */
const CLAIMS = [
  'README.md',
  'notes/NOTES.md',
  'environments/cache/config',
  'environments/nonprod',
  '../outside/precious.txt',
  '.git/config',
  'releases/other.yaml',
  'environments/nonprod/aws/eu-central-1-01/ledger-api/values.yaml',
  '.cdk8s-gitops/manifest.json',
] as const;

/** Files of the user: never owned, so never changed. */
const USER_FILES: Record<string, string> = { 'README.md': '# platform-gitops\n', 'notes/NOTES.md': 'by hand\n' };

type Plant =
  | { readonly kind: 'link'; readonly at: string; readonly to: string }
  | { readonly kind: 'claim'; readonly path: string; readonly rightHash: boolean }
  | { readonly kind: 'journal'; readonly writes: readonly string[]; readonly deletes: readonly string[] };

const plant: fc.Arbitrary<Plant> = fc.oneof(
  fc.record({ kind: fc.constant('link' as const), at: fc.constantFrom(...PLACES), to: fc.constantFrom(...TARGETS) }),
  fc.record({ kind: fc.constant('claim' as const), path: fc.constantFrom(...CLAIMS), rightHash: fc.boolean() }),
  fc.record({
    kind: fc.constant('journal' as const),
    writes: fc.array(fc.constantFrom(...CLAIMS), { maxLength: 3 }),
    deletes: fc.array(fc.constantFrom(...CLAIMS), { maxLength: 3 }),
  }),
);

describe('a checkout with anything planted in it', () => {
  let root: string;
  let seed: string;
  let withLedgerApi: PlatformModel;
  let plain: PlatformModel;
  let run = 0;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-fuzz-'));
    withLedgerApi = exampleModel(addLedgerApi);
    plain = exampleModel();
    seed = path.join(root, 'seed');
    writeTree(buildTree(withLedgerApi, seed), seed);
    for (const [p, text] of Object.entries(USER_FILES)) {
      fs.mkdirSync(path.dirname(path.join(seed, p)), { recursive: true });
      fs.writeFileSync(path.join(seed, p), text);
    }
    fs.mkdirSync(path.join(seed, '.git'));
    fs.writeFileSync(path.join(seed, '.git/config'), '[core]\n\tbare = false\n');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function apply(dir: string, outside: string, p: Plant): void {
    const abs = (rel: string): string => path.join(dir, rel);
    if (p.kind === 'link') {
      fs.rmSync(abs(p.at), { recursive: true, force: true });
      fs.mkdirSync(path.dirname(abs(p.at)), { recursive: true });
      fs.symlinkSync(p.to.replace('OUTSIDE', outside), abs(p.at));
    } else if (p.kind === 'claim') {
      const file = path.join(dir, '.cdk8s-gitops/manifest.json');
      let manifest: any;
      try {
        manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        return; // replaced by a link or a directory: nothing to edit
      }
      let current = 'x';
      try {
        current = fs.readFileSync(abs(p.path), 'utf8');
      } catch {
        // no file there
      }
      manifest.files[p.path] = { sha256: contentHash(p.rightHash ? current : `${current}!`), key: 'planted' };
      delete manifest.inputs;
      try {
        fs.writeFileSync(file, JSON.stringify(manifest));
      } catch {
        // the manifest's place is not writable as a file
      }
    } else {
      const tx = abs('.cdk8s-gitops/transaction');
      try {
        fs.mkdirSync(path.join(tx, 'files'), { recursive: true });
        p.writes.forEach((_, i) => fs.writeFileSync(path.join(tx, `files/${i}`), 'planted\n'));
        fs.writeFileSync(
          path.join(tx, 'journal.json'),
          JSON.stringify({
            owner: '1:1',
            writes: p.writes.map((target, i) => ({ staged: `.cdk8s-gitops/transaction/files/${i}`, target })),
            deletes: p.deletes,
          }),
        );
      } catch {
        // a link or file is in the way
      }
    }
  }

  it('changes nothing outside the checkout, in .git, or of the user', () => {
    fc.assert(
      fc.property(fc.array(plant, { minLength: 1, maxLength: 5 }), fc.boolean(), (plants, recoverFirst) => {
        // GIVEN a synthesized checkout with things planted in it, and a directory beside it
        const dir = path.join(root, `c${++run}`);
        const outside = path.join(root, `o${run}`);
        fs.cpSync(seed, dir, { recursive: true });
        fs.mkdirSync(outside);
        fs.writeFileSync(path.join(outside, 'precious.txt'), 'not yours\n');
        for (const p of plants) apply(dir, outside, p);
        const owned = new Set(
          plants.filter((p): p is Extract<Plant, { kind: 'claim' }> => p.kind === 'claim' && p.rightHash).map((p) => p.path),
        );
        const before = { outside: hashTree(outside), git: hashTree(path.join(dir, '.git')) };

        // WHEN recovery and a write that deletes ledger-api's files run
        const attempt = (work: () => unknown): void => {
          try {
            work();
          } catch (e) {
            if (!(e instanceof GitOpsError)) throw e;
          }
        };
        if (recoverFirst) attempt(() => recoverInterruptedWrite(dir));
        attempt(() => writeTree(buildTree(plain, dir), dir));

        // THEN
        expect(hashTree(outside)).toEqual(before.outside);
        expect(hashTree(path.join(dir, '.git'))).toEqual(before.git);
        for (const [p, text] of Object.entries(USER_FILES)) {
          if (!owned.has(p)) expect(fs.readFileSync(path.join(dir, p), 'utf8')).toBe(text);
        }
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(outside, { recursive: true, force: true });
      }),
      { numRuns: 150, seed: 20261203 },
    );
  });
});
