import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { GitOpsError, PlatformModel } from '../../src';
import { FileKind, FileTree, contentHash } from '../../src/synth/file-tree';
import { MANIFEST_PATH } from '../../src/synth/manifest';
import { synthesize } from '../../src/synth/synthesize';
import { planWrite, recoverInterruptedWrite, writeTree } from '../../src/workspace/checkout/writer';
import { TRANSACTION_DIR } from '../../src/workspace/checkout/transaction-dir';
import { readManifest } from '../../src/workspace/checkout/manifest-io';
import { hashTree } from '../support/hash-tree';
import { gitOpsError } from '../support/platforms';
// The module object itself (not an import-star copy), so that a spy on it reaches the writer.
import fs = require('fs');
import { statCacheEntries } from '../support/stat-cache';

const SHARD = '.cdk8s-gitops/services/payments-api.json';
const VALUES = 'environments/prod/azure/westeurope-01/payments-api/values.yaml';
const USER_FILES: Record<string, string> = {
  'README.md': '# platform-gitops\n\nOwned by the platform team.  \n',
  CODEOWNERS: '* @platform-team\n',
  '.gitlab-ci.yml': 'stages: [check]\ncheck:\n  script: ["cdk8s-gitops check"]\n',
};

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-writer-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const exampleModel = (): PlatformModel => paymentsPlatform().snapshot();

/** Trees are immutable once built: each is made once per file. */
const memo = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

const exampleTree = memo((): FileTree => synthesize(exampleModel()));

/** The example with another ingress class on azure: the two azure values files change. */
const changedTree = memo((): FileTree => {
  const model = exampleModel();
  return synthesize({
    ...model,
    layers: { ...model.layers, 'cloud:azure': { ...model.layers['cloud:azure'], values: { ingress: { className: 'nginx' } } } },
  });
});

/** The example with only nonprod running and another ingress class on azure: one file changes, four go. */
const changedNonprodOnlyTree = memo((): FileTree => {
  const model = exampleModel();
  const digest = model.services[0].initialDigest!;
  return synthesize(
    {
      ...model,
      layers: { ...model.layers, 'cloud:azure': { ...model.layers['cloud:azure'], values: { ingress: { className: 'nginx' } } } },
    },
    { releases: new Map([['payments-api', new Map([['nonprod', { version: digest }]])]]) },
  );
});

/** The example with only nonprod running (its digest unchanged): the four prod values files go. */
const nonprodOnlyTree = memo((): FileTree => {
  const model = exampleModel();
  const digest = model.services[0].initialDigest!;
  return synthesize(model, { releases: new Map([['payments-api', new Map([['nonprod', { version: digest }]])]]) });
});

/** Every file under `root` (hidden ones too) as relative path → bytes. */
function filesOf(root: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(p);
      else out[p] = fs.readFileSync(path.join(root, p));
    }
  };
  walk('');
  return out;
}

/** Every directory under `root`, relative. */
function dirsOf(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(p);
      walk(p);
    }
  };
  walk('');
  return out.sort();
}

/** The files a write of `tree` should leave: its files and the manifest. */
const expected = new Map<FileTree, Record<string, string>>();
function expectedFiles(tree: FileTree): Record<string, string> {
  if (!expected.has(tree)) expected.set(tree, { ...tree.toRecord(), ...serializedManifestOf(tree) });
  return expected.get(tree)!;
}

/** The files of the manifest (with its shards) that writing `tree` into an empty directory makes. */
function serializedManifestOf(tree: FileTree): Record<string, string> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-expected-'));
  try {
    writeTree(tree, scratch);
    const texts = textsOf(scratch);
    return Object.fromEntries(Object.entries(texts).filter(([p]) => p.startsWith('.cdk8s-gitops/')));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function textsOf(root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(filesOf(root)).map(([p, b]) => [p, b.toString('utf8')]));
}

function writeUserFiles(): void {
  for (const [p, text] of Object.entries(USER_FILES)) fs.writeFileSync(path.join(dir, p), text);
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof GitOpsError) return e.code;
    throw e;
  }
  throw new Error('Expected a GitOpsError');
}

describe('writeTree', () => {
  it('writes every file and the manifest, and reports what it created', () => {
    // GIVEN
    const tree = exampleTree();

    // WHEN
    const report = writeTree(tree, dir);

    // THEN
    expect(report).toEqual({
      created: tree.paths(),
      updated: [],
      deleted: [],
      kept: [],
      restored: [],
      recorded: [],
      acceptedEdits: [],
      waiting: [],
      unchanged: 0,
      filesWritten: 16,
    });
    expect(textsOf(dir)).toEqual({ ...tree.toRecord(), [MANIFEST_PATH]: expect.any(String), [SHARD]: expect.any(String) });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_PATH), 'utf8'));
    const shard = JSON.parse(fs.readFileSync(path.join(dir, SHARD), 'utf8'));
    expect([manifest.generator, manifest.version, shard.generator, shard.version, shard.service]).toEqual([
      'cdk8s-gitops',
      3,
      'cdk8s-gitops',
      3,
      'payments-api',
    ]);
    // the service's files are in its shard, the others in the manifest itself
    const ofService = tree.paths().filter((p) => tree.get(p)!.service === 'payments-api');
    expect(ofService).toContain(VALUES);
    expect(Object.keys(shard.files)).toEqual(ofService);
    expect(Object.keys(manifest.files)).toEqual(tree.paths().filter((p) => !ofService.includes(p)));
    expect(shard.files[VALUES]).toEqual({
      sha256: contentHash(tree.content(VALUES)),
      key: tree.get(VALUES)!.key,
      release: tree.get(VALUES)!.release!.version,
    });
    expect(tree.get(VALUES)!.release!.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('writes nothing the second time: no file written, no modification time changed', () => {
    // GIVEN
    writeTree(exampleTree(), dir);
    const past = new Date('2000-01-01T00:00:00Z');
    for (const p of Object.keys(filesOf(dir))) fs.utimesSync(path.join(dir, p), past, past);
    const before = filesOf(dir);

    // WHEN
    const report = writeTree(exampleTree(), dir);

    // THEN
    expect(report).toEqual({
      created: [],
      updated: [],
      deleted: [],
      kept: [],
      restored: [],
      recorded: [],
      acceptedEdits: [],
      waiting: [],
      unchanged: 14,
      filesWritten: 0,
    });
    expect(filesOf(dir)).toEqual(before);
    for (const p of Object.keys(before)) expect(fs.statSync(path.join(dir, p)).mtime).toEqual(past);
    expect(dirsOf(dir)).not.toContain(TRANSACTION_DIR);
  });

  it('rewrites only the files whose content changed', () => {
    // GIVEN
    writeTree(exampleTree(), dir);

    // WHEN
    const report = writeTree(changedTree(), dir);

    // THEN
    expect(report).toEqual({
      created: [],
      updated: [
        'environments/nonprod/azure/westeurope-01/payments-api/values.yaml',
        'environments/prod/azure/westeurope-01/payments-api/values.yaml',
      ],
      deleted: [],
      kept: [],
      restored: [],
      recorded: [],
      acceptedEdits: [],
      waiting: [],
      unchanged: 12,
      filesWritten: 3,
    });
    expect(textsOf(dir)).toEqual(expectedFiles(changedTree()));
  });

  it("leaves a user's own files byte for byte as they were", () => {
    // GIVEN
    writeUserFiles();

    // WHEN
    writeTree(exampleTree(), dir);
    writeTree(changedTree(), dir);
    writeTree(nonprodOnlyTree(), dir);

    // THEN
    const files = filesOf(dir);
    for (const [p, text] of Object.entries(USER_FILES)) expect(files[p].equals(Buffer.from(text))).toBe(true);
  });

  it('removes the owned files the program no longer produces, and their emptied directories', () => {
    // GIVEN
    writeTree(exampleTree(), dir);

    // WHEN
    const report = writeTree(nonprodOnlyTree(), dir);

    // THEN
    expect(report.deleted).toEqual([
      'environments/prod/aws/eu-central-1-01/payments-api/values.yaml',
      'environments/prod/azure/westeurope-01/payments-api/values.yaml',
      'environments/prod/gcp/europe-west4-01/payments-api/values.yaml',
      'environments/prod/oci/eu-frankfurt-1-01/payments-api/values.yaml',
    ]);
    expect(textsOf(dir)).toEqual(expectedFiles(nonprodOnlyTree()));
    expect(dirsOf(dir).filter((d) => d.startsWith('environments/prod'))).toEqual([]);
  });

  it('keeps foreign files in the directories it empties, and those directories', () => {
    // GIVEN
    writeTree(exampleTree(), dir);
    const notes = 'environments/prod/gcp/europe-west4-01/payments-api/NOTES.md';
    fs.writeFileSync(path.join(dir, notes), 'hand-written\n');

    // WHEN
    writeTree(nonprodOnlyTree(), dir);

    // THEN
    expect(fs.readFileSync(path.join(dir, notes), 'utf8')).toBe('hand-written\n');
    expect(dirsOf(dir).filter((d) => d.startsWith('environments/prod'))).toEqual([
      'environments/prod',
      'environments/prod/gcp',
      'environments/prod/gcp/europe-west4-01',
      'environments/prod/gcp/europe-west4-01/payments-api',
    ]);
  });

  it('fails when a foreign file stands where a generated file goes, and writes nothing', () => {
    // GIVEN
    writeUserFiles();
    fs.mkdirSync(path.join(dir, 'projects'));
    fs.writeFileSync(path.join(dir, 'projects/prod.yaml'), 'kind: AppProject # by hand\n');
    const before = filesOf(dir);

    // WHEN
    let error: GitOpsError | undefined;
    try {
      writeTree(exampleTree(), dir);
    } catch (e) {
      error = e as GitOpsError;
    }

    // THEN
    expect(error).toBeInstanceOf(GitOpsError);
    expect(error!.problems).toEqual([
      {
        code: 'CG404',
        file: 'projects/prod.yaml',
        message: '"projects/prod.yaml" exists but was not written by cdk8s-gitops, and the program generates a file there.',
        fix: 'Move the file away, or run with --adopt to let cdk8s-gitops own and rewrite it.',
      },
    ]);
    expect(error!.message.split('\n')[0]).toBe('1 file not owned by cdk8s-gitops stand in the way; nothing was written:');
    expect(filesOf(dir)).toEqual(before);
    expect(dirsOf(dir)).toEqual(['projects']);
  });

  it('takes over a foreign file with adopt', () => {
    // GIVEN
    fs.mkdirSync(path.join(dir, 'projects'));
    fs.writeFileSync(path.join(dir, 'projects/prod.yaml'), 'kind: AppProject # by hand\n');
    const tree = exampleTree();

    // WHEN
    const report = writeTree(tree, dir, { adopt: true });

    // THEN
    expect(report.updated).toEqual(['projects/prod.yaml']);
    expect(report.created).toEqual(tree.paths().filter((p) => p !== 'projects/prod.yaml'));
    expect(textsOf(dir)).toEqual(expectedFiles(tree));
    expect(writeTree(exampleTree(), dir).filesWritten).toBe(0);
  });

  it('takes over a foreign file that already holds the generated content without writing it', () => {
    // GIVEN
    const tree = exampleTree();
    fs.mkdirSync(path.join(dir, 'projects'));
    fs.writeFileSync(path.join(dir, 'projects/prod.yaml'), tree.content('projects/prod.yaml'));

    // WHEN
    const report = writeTree(tree, dir);

    // THEN
    expect(report.unchanged).toBe(1);
    expect(report.created).not.toContain('projects/prod.yaml');
    expect(JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_PATH), 'utf8')).files['projects/prod.yaml']).toBeDefined();
  });

  it('notices a hand edit of a file whose inputs did not change: refuses to lose it outside Git, and with verify restores it', () => {
    // GIVEN
    writeTree(exampleTree(), dir);
    fs.writeFileSync(path.join(dir, VALUES), 'edited: by hand\n');

    // WHEN
    const plan = planWrite(exampleTree(), dir);
    const refused = codeOf(() => writeTree(exampleTree(), dir));
    const verifying = writeTree(exampleTree(), dir, { verify: true });

    // THEN
    expect(plan.edited).toEqual([VALUES]);
    expect(refused).toBe('CG409');
    expect(verifying).toEqual({
      created: [],
      updated: [VALUES],
      deleted: [],
      kept: [],
      restored: [VALUES],
      recorded: [],
      acceptedEdits: [],
      waiting: [],
      unchanged: 13,
      filesWritten: 1,
    });
    expect(textsOf(dir)).toEqual(expectedFiles(exampleTree()));
  });

  it('records the files of a first write into a Git work tree in its stat cache: the next plan reads none, and finds a hand edit that keeps size and time', () => {
    // GIVEN an empty Git work tree, written into once; the write waits out the racy window (50 ms)
    // between staging the files and moving them into place, so that it may cache them
    expect(spawnSync('git', ['init', '--quiet', dir]).status).toBe(0);
    const report = writeTree(exampleTree(), dir, {
      onApply: (n) => {
        if (n === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      },
    });
    const cacheDir = path.join(dir, '.git', 'cdk8s-gitops', 'stat-cache');
    const cached = Object.keys(statCacheEntries(path.join(cacheDir, fs.readdirSync(cacheDir)[0]!)));
    const open = fs.openSync;
    const opened: string[] = [];
    jest.spyOn(fs, 'openSync').mockImplementation((file, ...rest) => {
      opened.push(path.relative(dir, String(file)));
      return open(file, ...rest);
    });

    // WHEN nothing changed, then after a hand edit that keeps the file's size and modification time
    const unchanged = planWrite(exampleTree(), dir);
    const openedUnchanged = [...opened];
    const stat = fs.statSync(path.join(dir, VALUES));
    fs.writeFileSync(path.join(dir, VALUES), fs.readFileSync(path.join(dir, VALUES), 'utf8').replace('prod', 'PROD'));
    fs.utimesSync(path.join(dir, VALUES), stat.atime, stat.mtime);
    const edited = planWrite(exampleTree(), dir);

    // THEN every file written is cached, and no owned file is read until one changes
    expect(cached.sort()).toEqual([...report.created].sort());
    expect(unchanged.writes.size).toBe(0);
    expect(openedUnchanged.filter((p) => exampleTree().has(p))).toEqual([]);
    expect(edited.edited).toEqual([VALUES]);
    expect(opened.slice(openedUnchanged.length)).toContain(VALUES);
  });

  it('fails when a directory stands where a generated file goes', () => {
    // GIVEN
    fs.mkdirSync(path.join(dir, 'projects/prod.yaml'), { recursive: true });

    // THEN
    expect(codeOf(() => writeTree(exampleTree(), dir))).toBe('CG402');
  });

  describe('when interrupted', () => {
    it('before the journal is committed, leaves the old tree as it was; the next write completes', () => {
      // GIVEN
      writeUserFiles();
      writeTree(exampleTree(), dir);
      const before = filesOf(dir);

      // WHEN the process "dies" after two staged files
      expect(() =>
        writeTree(changedTree(), dir, {
          onStage: (n) => {
            if (n === 2) throw new Error('killed');
          },
        }),
      ).toThrow('killed');

      // THEN
      const after = filesOf(dir);
      const outsideTransaction = Object.fromEntries(Object.entries(after).filter(([p]) => !p.startsWith(`${TRANSACTION_DIR}/`)));
      expect(outsideTransaction).toEqual(before);

      // WHEN
      const report = writeTree(changedTree(), dir);

      // THEN
      expect(report.updated).toHaveLength(2);
      expect(textsOf(dir)).toEqual({ ...expectedFiles(changedTree()), ...USER_FILES });
      expect(fs.existsSync(path.join(dir, TRANSACTION_DIR))).toBe(false);
    });

    it('refuses (CG407) when a file it replaces is changed while it stages, keeps the change, and writes nothing', () => {
      // GIVEN an old tree, and a write that updates the azure values files
      writeTree(exampleTree(), dir);
      const [file] = planWrite(changedTree(), dir).writes.keys();
      const before = filesOf(dir);

      // WHEN an editor saves one of them while the write stages its files
      let edited = '';
      const error = gitOpsError(() =>
        writeTree(changedTree(), dir, {
          onStage: (n) => {
            if (n === 1) {
              fs.appendFileSync(path.join(dir, file), '# saved in an editor\n');
              edited = fs.readFileSync(path.join(dir, file), 'utf8');
            }
          },
        }),
      );

      // THEN nothing is written, the edit is kept, and no transaction is left
      expect(error.problems.map((p) => [p.code, p.file])).toEqual([['CG407', file]]);
      expect(error.message).toContain(`${file} was changed while this command ran, after it read it`);
      expect(filesOf(dir)).toEqual({ ...before, [file]: filesOf(dir)[file] });
      expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(edited);
      expect(fs.existsSync(path.join(dir, TRANSACTION_DIR))).toBe(false);
    });

    it('refuses (CG407) when a file the change was worked out from changed before the plan was made, and writes nothing', () => {
      // GIVEN an old tree, and a write worked out from one of the files it updates as it was then
      writeTree(exampleTree(), dir);
      const [file] = planWrite(changedTree(), dir).writes.keys();
      // (as read then; since, a pull in another terminal brought the file, and the manifest, as they are now)
      const basis = `${fs.readFileSync(path.join(dir, file!), 'utf8')}# before the pull\n`;

      // WHEN it is written
      const before = filesOf(dir);
      const error = gitOpsError(() => writeTree(changedTree(), dir, { basis: new Map([[file!, basis]]) }));

      // THEN nothing is written, and the change is kept
      expect(error.problems.map((p) => [p.code, p.file])).toEqual([['CG407', file]]);
      expect(filesOf(dir)).toEqual(before);

      // and a file the change was worked out from as missing must still be missing
      const missing = gitOpsError(() => writeTree(changedTree(), dir, { basis: new Map([[file!, undefined]]) }));
      expect(missing.problems.map((p) => [p.code, p.file])).toEqual([['CG407', file]]);
    });

    it('refuses (CG407) when a file it deletes is changed while it stages, keeps the change, and writes nothing', () => {
      // GIVEN an old tree, and a write that deletes the prod files
      writeTree(exampleTree(), dir);
      const [file] = planWrite(changedNonprodOnlyTree(), dir).deletes;
      const before = filesOf(dir);

      // WHEN an editor saves one of them while the write stages its files
      const error = gitOpsError(() =>
        writeTree(changedNonprodOnlyTree(), dir, {
          onStage: (n) => {
            if (n === 1) fs.appendFileSync(path.join(dir, file!), '# saved in an editor\n');
          },
        }),
      );

      // THEN nothing is written or deleted, and the edit is kept
      expect(error.problems.map((p) => [p.code, p.file])).toEqual([['CG407', file]]);
      expect(error.message).toContain(
        `${file} was changed while this command ran, after it read it; the write would delete it with that change`,
      );
      expect(Object.keys(filesOf(dir)).sort()).toEqual(Object.keys(before).sort());
      expect(fs.readFileSync(path.join(dir, file!), 'utf8')).toContain('# saved in an editor');
      expect(fs.existsSync(path.join(dir, TRANSACTION_DIR))).toBe(false);
    });

    it('before the journal is committed, is discarded by recoverInterruptedWrite', () => {
      // GIVEN
      writeTree(exampleTree(), dir);
      const before = filesOf(dir);
      // a write that failed while staging cleans up after itself…
      expect(() =>
        writeTree(changedTree(), dir, {
          onStage: () => {
            throw new Error('killed');
          },
        }),
      ).toThrow('killed');
      expect(recoverInterruptedWrite(dir)).toBe(false);
      // …and one that was killed (no cleanup ran) leaves staged files but no journal
      fs.mkdirSync(path.join(dir, TRANSACTION_DIR, 'files'), { recursive: true });
      fs.writeFileSync(path.join(dir, TRANSACTION_DIR, 'files', '0'), 'staged: true\n');

      // WHEN
      const recovered = recoverInterruptedWrite(dir);

      // THEN
      expect(recovered).toBe(true);
      expect(filesOf(dir)).toEqual(before);
      expect(recoverInterruptedWrite(dir)).toBe(false);
    });

    it('after the journal is committed, is completed by recoverInterruptedWrite', () => {
      // GIVEN an old tree, and a write that dies while moving files into place
      writeUserFiles();
      writeTree(exampleTree(), dir);
      const rename = fs.renameSync;
      let renames = 0;
      jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
        // 1: the journal (the commit point), 2: the changed values file moved into place, 3: dies
        // before the manifest is moved and the prod files are deleted
        if (++renames === 3) throw new Error('killed');
        rename(from, to);
      });
      expect(() => writeTree(changedNonprodOnlyTree(), dir)).toThrow('killed');
      jest.restoreAllMocks();
      expect(fs.existsSync(path.join(dir, `${TRANSACTION_DIR}/journal.json`))).toBe(true);
      expect(fs.existsSync(path.join(dir, VALUES))).toBe(true);

      // WHEN
      const recovered = recoverInterruptedWrite(dir);

      // THEN
      expect(recovered).toBe(true);
      expect(textsOf(dir)).toEqual({ ...expectedFiles(changedNonprodOnlyTree()), ...USER_FILES });
      // no transaction left: the only directory below .cdk8s-gitops is the manifest's shards
      expect(dirsOf(dir).filter((d) => d.startsWith('environments/prod') || d.startsWith('.cdk8s-gitops/'))).toEqual([
        '.cdk8s-gitops/services',
      ]);
      expect(writeTree(changedNonprodOnlyTree(), dir).filesWritten).toBe(0);
    });

    it('after the journal is committed, is completed by the next write', () => {
      // GIVEN
      writeTree(exampleTree(), dir);
      const rename = fs.renameSync;
      let renames = 0;
      jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
        if (++renames === 2) throw new Error('killed');
        rename(from, to);
      });
      expect(() => writeTree(changedTree(), dir)).toThrow('killed');
      jest.restoreAllMocks();

      // WHEN
      const report = writeTree(changedTree(), dir);

      // THEN
      expect(report.filesWritten).toBe(0);
      expect(textsOf(dir)).toEqual(expectedFiles(changedTree()));
    });
  });

  describe('with hostile shards of the manifest', () => {
    const codeAndFiles = (write: () => unknown): [string | undefined, Record<string, string>] => {
      const before = hashTree(dir);
      let code: string | undefined;
      try {
        write();
      } catch (e) {
        code = (e as GitOpsError).code;
      }
      expect(hashTree(dir)).toEqual(before);
      return [code, before];
    };

    it("fails when the shards' directory is a symbolic link, and writes nothing", () => {
      // GIVEN a checkout whose shards' directory links outside
      writeTree(exampleTree(), dir);
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-outside-'));
      fs.renameSync(path.join(dir, SHARD), path.join(outside, 'payments-api.json'));
      fs.rmdirSync(path.dirname(path.join(dir, SHARD)));
      fs.symlinkSync(outside, path.dirname(path.join(dir, SHARD)));
      // WHEN / THEN
      expect(codeAndFiles(() => writeTree(changedNonprodOnlyTree(), dir))[0]).toBe('CG408');
      fs.rmSync(outside, { recursive: true, force: true });
    });

    it("fails when a file in the shards' directory is not named as a shard, or two files record one path, and writes nothing", () => {
      // GIVEN
      writeTree(exampleTree(), dir);
      const shards = path.dirname(path.join(dir, SHARD));
      fs.writeFileSync(path.join(shards, 'NOTES.md'), '# notes\n');
      // WHEN / THEN
      expect(codeAndFiles(() => writeTree(exampleTree(), dir))[0]).toBe('CG401');
      fs.rmSync(path.join(shards, 'NOTES.md'));
      // AND a second shard that claims a file of the first
      const shard = JSON.parse(fs.readFileSync(path.join(dir, SHARD), 'utf8'));
      fs.writeFileSync(path.join(shards, 'orders-api.json'), JSON.stringify({ ...shard, service: 'orders-api' }));
      expect(codeAndFiles(() => writeTree(exampleTree(), dir))[0]).toBe('CG401');
    });
  });

  describe('with a manifest cdk8s-gitops did not seal', () => {
    it('reads one written before seals (version 2) as unsealed, not edited, and seals it on the next write', () => {
      // GIVEN a checkout whose manifest files are version 2: no seal line
      writeTree(exampleTree(), dir);
      for (const file of [MANIFEST_PATH, SHARD]) {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        fs.writeFileSync(path.join(dir, file), text.replace('"version": 3', '"version": 2').replace(/^ {2}"seal": .*\n/m, ''));
      }
      // WHEN / THEN it is read, entries and all, and named unsealed only
      const before = readManifest(dir);
      expect([before.unsealed, before.edited, before.files.size]).toEqual([
        [MANIFEST_PATH, SHARD],
        undefined,
        exampleTree().paths().length,
      ]);
      // AND a write seals both files again, and changes nothing else
      expect(writeTree(exampleTree(), dir)).toMatchObject({ created: [], updated: [], deleted: [], filesWritten: 2 });
      expect(readManifest(dir)).toEqual({ files: before.files, inputs: before.inputs });
    });

    it('names a shard of an older version beside a sealed manifest as edited: a write seals every file', () => {
      // GIVEN a checkout written by this version, whose shard was then made version 2 by hand
      writeTree(exampleTree(), dir);
      const text = fs.readFileSync(path.join(dir, SHARD), 'utf8');
      fs.writeFileSync(path.join(dir, SHARD), text.replace('"version": 3', '"version": 2').replace(/^ {2}"seal": .*\n/m, ''));
      // WHEN / THEN
      expect(readManifest(dir)).toMatchObject({ unsealed: [SHARD], edited: [SHARD] });
    });

    it('names a sealed file edited by hand, even when its JSON is the same', () => {
      // GIVEN a shard whose one entry's hash was changed, and the manifest reformatted
      writeTree(exampleTree(), dir);
      const shard = fs.readFileSync(path.join(dir, SHARD), 'utf8');
      fs.writeFileSync(path.join(dir, SHARD), shard.replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'0'.repeat(64)}"`));
      const main = fs.readFileSync(path.join(dir, MANIFEST_PATH), 'utf8');
      fs.writeFileSync(path.join(dir, MANIFEST_PATH), main.replace('"files": {', '"files":  {'));
      // WHEN / THEN
      expect(readManifest(dir)).toMatchObject({ unsealed: [MANIFEST_PATH, SHARD], edited: [MANIFEST_PATH, SHARD] });
    });
  });

  describe('with a corrupt manifest', () => {
    it.each([
      ['not JSON', '{"generator": "cdk8s-gitops", ', 'The manifest is not valid JSON'],
      [
        'of another form',
        '{"generator": "other", "version": 2, "files": {}}',
        'The manifest does not have the expected form (generator "cdk8s-gitops", version 3, files).',
      ],
      [
        'with a malformed entry',
        '{"generator": "cdk8s-gitops", "version": 1, "files": {"../outside": {"sha256": "x", "key": "y"}}}',
        'The manifest entry for "../outside" is malformed',
      ],
      [
        'with an entry for a hidden file',
        '{"generator": "cdk8s-gitops", "version": 1, "files": {".github/workflows/ci.yml": {"sha256": "' +
          '0'.repeat(64) +
          '", "key": "y"}}}',
        'The manifest entry for ".github/workflows/ci.yml" is malformed',
      ],
    ])('fails when it is %s, and writes nothing', (_what, text, message) => {
      // GIVEN
      fs.mkdirSync(path.join(dir, '.cdk8s-gitops'));
      fs.writeFileSync(path.join(dir, MANIFEST_PATH), text);
      const before = filesOf(dir);

      // WHEN
      let error: GitOpsError | undefined;
      try {
        writeTree(exampleTree(), dir);
      } catch (e) {
        error = e as GitOpsError;
      }

      // THEN
      expect(error?.problems).toEqual([
        {
          code: 'CG401',
          file: MANIFEST_PATH,
          message: expect.stringContaining(message),
          fix: `Restore it from Git (git checkout -- ${MANIFEST_PATH}); it is written only by cdk8s-gitops.`,
        },
      ]);
      expect(filesOf(dir)).toEqual(before);
    });
  });
});

describe('planWrite', () => {
  it('works out the changes without making them', () => {
    // GIVEN
    writeTree(exampleTree(), dir);
    const before = filesOf(dir);

    // WHEN
    const plan = planWrite(nonprodOnlyTree(), dir);

    // THEN
    expect([...plan.writes.keys()]).toEqual([]);
    expect(plan.deletes).toHaveLength(4);
    expect(plan.unchanged).toBe(10);
    expect(plan.manifestChanged).toBe(true);
    expect(filesOf(dir)).toEqual(before);
  });
});

describe('a name no file system takes', () => {
  test('is refused (CG403) before anything is written, not half-way through a write', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-long-name-'));
    try {
      const tree = new FileTree();
      tree.addText(`applicationsets/p/${'x'.repeat(251)}.yaml`, FileKind.APPLICATION_SET, 'platform', 'kind: ApplicationSet\n');
      let thrown: unknown;
      try {
        writeTree(tree, dir);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(GitOpsError);
      expect((thrown as GitOpsError).message).toContain('CG403 The tree has a file whose path holds a name of 256 bytes');
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
