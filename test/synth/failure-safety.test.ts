/**
 * A killed job, a failing disk or an interrupted publish must leave the GitOps checkout exactly
 * as it was or exactly as intended, never in between, and say what failed.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WriteReport } from '../../src';
import { FileKind, FileTree } from '../../src/synth/file-tree';
import { buildTree } from '../../src/workspace/build';
import { writeTree, recoverInterruptedWrite } from '../../src/workspace/checkout/writer';
import { TRANSACTION_DIR } from '../../src/workspace/checkout/transaction-dir';
import { runRelease } from '../../src/workspace/release-operations';
import { PlatformModel } from '../../src/model/platform-model';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { Sandbox } from '../git/sandbox';
import { gitOpsError } from '../support/platforms';
import { inBatches, readTree, runCli, treeDiff } from '../support/tree';

const { bigTreeFiles, NEW_FILES, OLD_FILES } = require('./fixtures/big-tree.js') as {
  bigTreeFiles(generation: 'old' | 'new', scale?: number): [string, string][];
  OLD_FILES: number;
  NEW_FILES: number;
};
const CHILD = path.join(__dirname, 'fixtures/big-tree.js');
/** Thousands of small files: on a RAM disk where there is one (the crash semantics are the same). */
const TMP = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/** Files that cdk8s-gitops does not own: they must never change. */
const FOREIGN: Record<string, string> = {
  'README.md': '# platform-gitops\n',
  'environments/env-0/NOTES.md': 'kept by hand\n',
  'environments/env-1/cloud-0/cluster-0/svc-3/extra.yaml': 'beside a file the new tree deletes\n',
};

function bigTree(generation: 'old' | 'new', scale = 1): FileTree {
  const tree = new FileTree();
  for (const [p, text] of bigTreeFiles(generation, scale)) tree.addText(p, FileKind.VALUES, 'platform/test', text);
  return tree;
}

/**
 * Copies a checkout as hard links: cheap, and safe because a write never changes a file in
 * place (it renames new files over old ones and unlinks deleted ones), so the source stays as it was.
 */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const d of fs.readdirSync(from, { withFileTypes: true })) {
    if (d.isDirectory()) linkTree(path.join(from, d.name), path.join(to, d.name));
    else fs.linkSync(path.join(from, d.name), path.join(to, d.name));
  }
}

function runChild(
  dir: string,
  phase: 'stage' | 'apply' | 'none',
  n = 0,
): Promise<{ signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, dir, phase, String(n)], (error, stdout, stderr) =>
      resolve({ signal: (error as any)?.signal ?? null, stdout, stderr }),
    );
  });
}

// Staged: 1,000 changed + 500 new files + the manifest. Applied: those 1,501 moves, then 500 deletes.
const STAGED = OLD_FILES / 5 + NEW_FILES + 1;
const APPLIED = STAGED + OLD_FILES / 10;
const KILL_POINTS: readonly ['stage' | 'apply', number][] = [
  ...[1, 2, 10, 100, 500, 750, 1000, 1200, STAGED - 1, STAGED].map((n) => ['stage', n] as ['stage', number]),
  ...[0, 1, 2, 10, 250, 500, 1000, 1250, STAGED - 1, STAGED, STAGED + 1, 1800, 1900, APPLIED - 1, APPLIED].map(
    (n) => ['apply', n] as ['apply', number],
  ),
];

describe('a write killed with SIGKILL', () => {
  let root: string;
  let template: string;
  let OLD: Map<string, string>;
  let NEW: Map<string, string>;
  let outcomes: {
    phase: string;
    n: number;
    signal: string | null;
    recovered: Map<string, string>;
    txLeft: boolean;
    next: Map<string, string>;
    nextReport: WriteReport;
  }[];

  beforeAll(async () => {
    if (!fs.existsSync(path.resolve(__dirname, '../../lib/workspace/checkout/writer.js')))
      throw new Error('lib/ is missing: run `npm run build` (npm test does).');
    root = fs.mkdtempSync(path.join(TMP, 'cdk8s-gitops-kill-'));
    template = path.join(root, 'template');
    writeTree(bigTree('old'), template);
    for (const [p, text] of Object.entries(FOREIGN)) {
      fs.mkdirSync(path.dirname(path.join(template, p)), { recursive: true });
      fs.writeFileSync(path.join(template, p), text);
    }
    OLD = readTree(template);
    const reference = path.join(root, 'reference');
    linkTree(template, reference);
    const done = await runChild(reference, 'none');
    if (done.stdout !== 'completed\n') throw new Error(`the write did not complete: ${done.stderr}`);
    NEW = readTree(reference);

    outcomes = await inBatches(
      KILL_POINTS.map(([phase, n], i) => async () => {
        const dir = path.join(root, `kill-${i}`);
        linkTree(template, dir);
        const { signal } = await runChild(dir, phase, n);
        recoverInterruptedWrite(dir);
        const recovered = readTree(dir);
        const txLeft = fs.existsSync(path.join(dir, TRANSACTION_DIR));
        const nextReport = writeTree(bigTree('new'), dir);
        // A run that writes nothing leaves the tree as recovered; only read it again after a write.
        const next = nextReport.filesWritten === 0 && nextReport.deleted.length === 0 ? recovered : readTree(dir);
        fs.rmSync(dir, { recursive: true, force: true });
        return { phase, n, signal, recovered, txLeft, next, nextReport };
      }),
      3,
    );
  }, 120_000);

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the trees differ in every way a write can change them', () => {
    const changed = treeDiff(OLD, NEW);
    expect(OLD.size).toBe(OLD_FILES + 1 + Object.keys(FOREIGN).length);
    expect(changed.filter((p) => OLD.has(p) && !NEW.has(p))).toHaveLength(OLD_FILES / 10);
    expect(changed.filter((p) => !OLD.has(p) && NEW.has(p))).toHaveLength(NEW_FILES);
    expect(changed.filter((p) => OLD.has(p) && NEW.has(p))).toHaveLength(OLD_FILES / 5 + 1); // and the manifest
    for (const p of Object.keys(FOREIGN)) expect(NEW.get(p)).toBe(FOREIGN[p]);
  });

  test.each(KILL_POINTS.map(([phase, n], i) => [phase, n, i] as const))(
    'killed at %s %i: the checkout is exactly the old or the new tree',
    (phase, _n, i) => {
      const o = outcomes[i];
      expect(o.signal).toBe('SIGKILL');
      expect(o.txLeft).toBe(false);
      // Before the journal is committed (every stage) the write never happened; from then on it completes.
      const expected = phase === 'stage' ? OLD : NEW;
      expect(treeDiff(o.recovered, expected)).toEqual([]);
      expect(treeDiff(o.next, NEW)).toEqual([]);
      expect(o.nextReport.filesWritten).toBe(phase === 'stage' ? STAGED : 0);
    },
  );

  test(`tests ${KILL_POINTS.length} kill points across staging, the commit point and completion`, () => {
    expect(KILL_POINTS.length).toBeGreaterThanOrEqual(20);
    expect(KILL_POINTS).toEqual(
      expect.arrayContaining([
        ['stage', STAGED],
        ['apply', 0],
        ['apply', APPLIED],
      ]),
    );
  });
});

describe('a write that fails', () => {
  /** A tenth of the big tree is plenty here. */
  const SCALE = 0.1;
  const treeOf = (generation: 'old' | 'new'): FileTree => bigTree(generation, SCALE);
  let dir: string;
  let OLD: Map<string, string>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(TMP, 'cdk8s-gitops-fail-'));
    writeTree(treeOf('old'), dir);
    fs.writeFileSync(path.join(dir, 'README.md'), FOREIGN['README.md']);
    OLD = readTree(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('fails when the disk fills up while staging, naming the file and the cause, and changes nothing', () => {
    let n = 0;
    const e = gitOpsError(() =>
      writeTree(treeOf('new'), dir, {
        writeFile: (file, text) => {
          if (++n === 70) throw Object.assign(new Error(`ENOSPC: no space left on device, open '${file}'`), { code: 'ENOSPC' });
          fs.writeFileSync(file, text);
        },
      }),
    );
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ code: 'CG405' });
    expect(e.problems[0].file).toMatch(/^environments\/.*\/values\.yaml$/);
    expect(e.problems[0].message).toMatch(/^Could not write environments\/.*\/values\.yaml \(ENOSPC: no space left on device/);
    expect(e.problems[0].message).toContain('was changed');
    expect(treeDiff(readTree(dir), OLD)).toEqual([]);
    expect(writeTree(treeOf('new'), dir).filesWritten).toBe((STAGED - 1) * SCALE + 1);
  });

  test('fails when moving files into place fails after the commit point, and the next run completes the write', () => {
    const e = gitOpsError(() =>
      writeTree(treeOf('new'), dir, {
        onApply: (count) => {
          if (count === 30) throw Object.assign(new Error('EROFS: read-only file system, rename'), { code: 'EROFS' });
        },
      }),
    );
    expect(e.problems[0].code).toBe('CG406');
    expect(e.problems[0].message).toMatch(
      /^The write was committed, but putting environments\/.*\/values\.yaml in place failed \(EROFS: read-only file system, rename\)\. /,
    );
    expect(e.problems[0].message).toContain('the next run completes it');
    expect(fs.existsSync(path.join(dir, TRANSACTION_DIR, 'journal.json'))).toBe(true);
    const report = writeTree(treeOf('new'), dir);
    expect(report.filesWritten).toBe(0);
    expect(fs.existsSync(path.join(dir, TRANSACTION_DIR))).toBe(false);
    const fresh = fs.mkdtempSync(path.join(TMP, 'cdk8s-gitops-fresh-'));
    try {
      writeTree(treeOf('new'), fresh);
      fs.writeFileSync(path.join(fresh, 'README.md'), FOREIGN['README.md']);
      expect(treeDiff(readTree(dir), readTree(fresh))).toEqual([]);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('fails when a file stands where the tree needs a directory, before changing anything', () => {
    const blocking = path.join(dir, 'environments/env-0/cloud-0/cluster-0');
    fs.renameSync(blocking, `${blocking}.moved`);
    fs.writeFileSync(blocking, 'a file in the way\n');
    const before = readTree(dir);
    const e = gitOpsError(() => writeTree(treeOf('new'), dir));
    expect(e.problems[0]).toMatchObject({ code: 'CG402', file: path.relative(dir, blocking) });
    expect(e.problems[0].message).toMatch(
      /^A file stands where cdk8s-gitops needs a directory: .*cluster-0 \(to write .*values\.yaml\)\.$/,
    );
    expect(treeDiff(readTree(dir), before)).toEqual([]);
  });

  test('fails when the journal of an interrupted write was changed by hand, and follows none of it', () => {
    fs.mkdirSync(path.join(dir, TRANSACTION_DIR, 'files'), { recursive: true });
    fs.writeFileSync(path.join(dir, TRANSACTION_DIR, 'files/0'), 'x');
    fs.writeFileSync(
      path.join(dir, TRANSACTION_DIR, 'journal.json'),
      JSON.stringify({ writes: [{ staged: `${TRANSACTION_DIR}/files/0`, target: '../outside.txt' }], deletes: ['README.md'] }),
    );
    const before = readTree(dir);
    const e = gitOpsError(() => writeTree(treeOf('new'), dir));
    expect(e.problems[0]).toMatchObject({ code: 'CG406', file: `${TRANSACTION_DIR}/journal.json` });
    expect(treeDiff(readTree(dir), before)).toEqual([]);
    expect(fs.existsSync(path.join(dir, '../outside.txt'))).toBe(false);
  });
});

describe('interrupted release commands (through the CLI)', () => {
  const D2 = `sha256:${'b'.repeat(64)}`;
  let root: string;
  let model: PlatformModel;
  let replay: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-interrupted-'));
    model = paymentsPlatform().snapshot();
    const file = path.join(root, 'model.json');
    fs.writeFileSync(file, JSON.stringify({ model }));
    replay = `cp ${JSON.stringify(file)} "$CDK8S_GITOPS_MODEL_OUT"`;
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function promotion(dir: string): FileTree {
    return runRelease(
      model,
      dir,
      { kind: 'promote', service: 'payments-api', ring: 'nonprod', digest: D2 },
      { by: 'ci', now: new Date('2026-11-22T10:00:00Z') },
    ).tree;
  }

  test('a promotion interrupted after its commit point is completed, not undone, by the next synth', async () => {
    const dir = path.join(root, 'checkout');
    const done = path.join(root, 'done');
    writeTree(buildTree(model, dir), dir);
    fs.cpSync(dir, done, { recursive: true });
    writeTree(promotion(done), done);
    const e = gitOpsError(() =>
      writeTree(promotion(dir), dir, {
        onApply: (n) => {
          if (n === 1) throw new Error('killed');
        },
      }),
    );
    expect(e.problems[0].code).toBe('CG406');
    expect(fs.readFileSync(path.join(dir, 'releases/payments-api.yaml'), 'utf8')).not.toContain(D2);

    const result = await runCli(['synth', '--out', dir, '--app', replay]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(treeDiff(readTree(dir), readTree(done))).toEqual([]);
  });

  test('a promote --publish whose push fails leaves the remote untouched and the promotion pending, as a commit that was not pushed would be', async () => {
    const seed = path.join(root, 'seed');
    writeTree(buildTree(model, seed), seed);
    // The files as text (readTree reads bytes as latin1, for comparison only).
    const sandbox = Sandbox.create(
      Object.fromEntries([...readTree(seed).keys()].map((p) => [p, fs.readFileSync(path.join(seed, p), 'utf8')])),
    );
    try {
      const clone = sandbox.clone('ci');
      // The remote refuses the push (cdk8s-gitops runs no hook of the clone's own).
      const hook = path.join(sandbox.remote, 'hooks/pre-receive');
      fs.writeFileSync(hook, '#!/bin/sh\necho "pre-receive: protected branch" >&2\nexit 1\n', { mode: 0o755 });
      const remoteBefore = sandbox.remoteLog();
      const tipBefore = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      const before = readTree(clone);

      const result = await runCli([
        'promote',
        'payments-api',
        '--ring',
        'nonprod',
        '--digest',
        D2,
        '--publish',
        '--out',
        clone,
        '--app',
        replay,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^Note: the promote is kept in the checkout as a pending operation: `cdk8s-gitops publish` publishes it; .*\nError: CG509 Pushing "main" to "main" on remote "origin" failed, and not because the remote moved: .*pre-receive: protected branch/s,
      );
      expect(result.stderr).toContain('Nothing was pushed');
      expect(sandbox.remoteLog()).toEqual(remoteBefore);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(tipBefore);
      expect(sandbox.git(clone, 'rev-parse', 'HEAD')).toBe(tipBefore);
      expect(sandbox.status(clone)).toContain(' M releases/payments-api.yaml');

      // Discarding it as the note says puts the checkout back as it was
      expect((await runCli(['publish', '--drop-pending', '--out', clone])).code).toBe(0);
      sandbox.git(clone, 'checkout', '--', 'releases/payments-api.yaml');
      const again = await runCli(['synth', '--out', clone, '--app', replay]);
      expect([again.code, again.stderr]).toEqual([0, '']);
      expect(sandbox.status(clone)).toEqual([]);
      expect(treeDiff(readTree(clone), before)).toEqual([]);
    } finally {
      sandbox.cleanup();
    }
  });
});
