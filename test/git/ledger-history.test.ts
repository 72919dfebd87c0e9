/**
 * Reading ledgers from Git: a blob larger than a ledger may be is never read, whatever name it
 * was committed under.
 */
import childProcess = require('child_process');
import * as fs from 'fs';
import * as path from 'path';
import { LedgerGit } from '../../src/workspace/git/ledger-history';
import { MAX_LEDGER_BYTES } from '../../src/release/ledger-files';
import { Sandbox } from './sandbox';

const LEDGER = 'releases/payments-api.yaml';
const SMALL = 'service: payments-api\nrings:\n  prod:\n    digest: sha256:1\n';
/** Begins as the service's ledger does, but is larger than any ledger may be. */
const HUGE = `service: payments-api\n# ${'x'.repeat(MAX_LEDGER_BYTES)}\n`;

let sandbox: Sandbox;
let dir: string;

beforeEach(() => {
  sandbox = Sandbox.create({ [LEDGER]: SMALL });
  dir = sandbox.clone('workspace');
});
afterEach(() => sandbox.cleanup());

function commit(message: string, change: () => void): void {
  change();
  sandbox.git(dir, 'add', '--all');
  sandbox.git(dir, 'commit', '--quiet', '-m', message);
}

test('a version of a ledger larger than a ledger may be is read as no text; the others are read', () => {
  // GIVEN a ledger made huge in one commit and small again in the next
  commit('Make it huge', () => sandbox.write(dir, LEDGER, HUGE));
  commit('Make it small again', () => sandbox.write(dir, LEDGER, SMALL.replace('sha256:1', 'sha256:2')));

  // WHEN
  const git = LedgerGit.open(dir)!;
  const versions = git.history(LEDGER).versions;

  // THEN
  expect(versions.map((v) => v.text)).toEqual([SMALL.replace('sha256:1', 'sha256:2'), undefined, SMALL]);
  expect(git.at(`HEAD~1`, [LEDGER]).get(LEDGER)).toBeUndefined();
  expect(git.at(`HEAD~2`, [LEDGER]).get(LEDGER)).toBe(SMALL);
});

test('a deleted file named as a ledger but larger than one is not taken for the ledger deleted elsewhere', () => {
  // GIVEN a huge payments-api.yaml deleted from old/, and the ledger deleted from releases/ before it
  commit('Keep a huge file', () => sandbox.write(dir, 'old/payments-api.yaml', HUGE));
  commit('Drop the ledger', () => sandbox.git(dir, 'rm', '--quiet', LEDGER));
  commit('Drop the huge file', () => sandbox.git(dir, 'rm', '--quiet', 'old/payments-api.yaml'));
  const ledgerDeletedIn = sandbox.git(dir, 'rev-parse', 'HEAD~1');

  // WHEN the program keeps ledgers in ledgers/
  const found = LedgerGit.open(dir)!.deletedElsewhere(new Map([['payments-api', 'ledgers/payments-api.yaml']]));

  // THEN the ledger deleted from releases/ is found, not the huge file deleted after it
  expect(found.get('payments-api')).toEqual({ commit: ledgerDeletedIn, path: LEDGER });
});

test("a ledger's history is that path's, whatever log.follow the clone sets: not the commits of a file renamed to it", () => {
  // GIVEN a file of another name, with a commit of its own, renamed to the ledger's path
  commit('Drop the ledger', () => sandbox.git(dir, 'rm', '--quiet', LEDGER));
  commit('Add another file', () => sandbox.write(dir, 'old/other.yaml', SMALL.replace('sha256:1', 'sha256:9')));
  commit('Rename it to the ledger', () => {
    sandbox.write(dir, LEDGER, SMALL.replace('sha256:1', 'sha256:9'));
    sandbox.git(dir, 'rm', '--quiet', 'old/other.yaml');
  });
  const path = () =>
    LedgerGit.open(dir)!
      .history(LEDGER)
      .versions.map((v) => v.commit);
  const own = path();
  expect(own).toHaveLength(3); // the rename, the deletion, the first commit

  // WHEN the clone follows renames in its log
  sandbox.git(dir, 'config', 'log.follow', 'true');

  // THEN
  expect(path()).toEqual(own);
});

test('a commit made for a merge request is told by its trailer, whatever trailer settings the clone has', () => {
  // GIVEN a change of the ledger made for a merge request (authored and committed at once), then another commit
  // (dated after the first commit, made now)
  const at = (date: string) => ({ ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  sandbox.write(dir, LEDGER, SMALL.replace('sha256:1', 'sha256:2'));
  sandbox.git(dir, 'add', '--all');
  childProcess.execFileSync('git', ['commit', '--quiet', '-m', 'Promote\n\nCdk8s-Gitops-Proposed-On: main'], {
    cwd: dir,
    env: at('2027-01-01T10:00:00Z'),
  });
  sandbox.write(dir, 'notes.txt', 'x\n');
  sandbox.git(dir, 'add', '--all');
  childProcess.execFileSync('git', ['commit', '--quiet', '-m', 'Later'], { cwd: dir, env: at('2027-01-03T10:00:00Z') });
  const newest = () => LedgerGit.open(dir)!.history(LEDGER).versions[0]!;
  expect(newest()).toMatchObject({ fastForward: 'next', time: new Date('2027-01-03T10:00:00Z') });

  // WHEN the clone's trailers are separated by "#" alone: git's own reading finds no trailer in the message
  sandbox.git(dir, 'config', 'trailer.separators', '#');

  // THEN
  expect(newest()).toMatchObject({ fastForward: 'next', time: new Date('2027-01-03T10:00:00Z') });
});

describe('files at HEAD', () => {
  test('are read once per commit: again after a commit, never from another commit', () => {
    // GIVEN the ledger read at HEAD once
    const spawned = jest.spyOn(childProcess, 'execFileSync');
    try {
      expect(LedgerGit.open(dir)!.atHead([LEDGER]).get(LEDGER)).toBe(SMALL);
      const catFiles = (): number => spawned.mock.calls.filter(([, args]) => (args as string[]).includes('cat-file')).length;
      const first = catFiles();
      expect(first).toBe(2); // the blob's size, then its text

      // WHEN it is read at the same commit again, by another reader
      expect(LedgerGit.open(dir)!.atHead([LEDGER, 'releases/other.yaml'])).toEqual(
        new Map([
          [LEDGER, SMALL],
          ['releases/other.yaml', undefined],
        ]),
      );
      // THEN git is asked only about the file not read before
      expect(catFiles()).toBe(first + 1);

      // WHEN a commit changes the ledger
      const changed = SMALL.replace('sha256:1', 'sha256:2');
      commit('Change it', () => sandbox.write(dir, LEDGER, changed));
      // THEN the new commit's text is read, and the commit before still has the text it had
      expect(LedgerGit.open(dir)!.atHead([LEDGER]).get(LEDGER)).toBe(changed);
      expect(
        LedgerGit.open(dir)!
          .at(sandbox.git(dir, 'rev-parse', 'HEAD~1'), [LEDGER])
          .get(LEDGER),
      ).toBe(SMALL);
    } finally {
      spawned.mockRestore();
    }
  });

  test('a blob larger than a ledger may be is told from a missing file, and never read', () => {
    commit('Make it huge', () => sandbox.write(dir, LEDGER, HUGE));
    expect(LedgerGit.open(dir)!.blobsAtHead([LEDGER, 'releases/other.yaml'])).toEqual(
      new Map([
        [LEDGER, null],
        ['releases/other.yaml', undefined],
      ]),
    );
    expect(LedgerGit.open(dir)!.atHead([LEDGER]).get(LEDGER)).toBeUndefined();
  });

  test('many files of one directory are read as one by one: a huge blob, a link, a directory, a missing file, another directory', () => {
    // GIVEN 40 ledgers, and beside them what a ledger's name may be given to
    const ledgers = Array.from({ length: 40 }, (_, i) => `releases/svc-${String(i).padStart(2, '0')}.yaml`);
    commit('Many ledgers', () => {
      for (const p of ledgers) sandbox.write(dir, p, SMALL.replace('payments-api', p));
      sandbox.write(dir, 'releases/huge.yaml', HUGE);
      sandbox.write(dir, 'releases/sub.yaml/values.yaml', SMALL);
      fs.symlinkSync('svc-00.yaml', path.join(dir, 'releases/link.yaml'));
      sandbox.write(dir, 'other/svc-00.yaml', 'other\n');
    });
    const names = [...ledgers, 'releases/huge.yaml', 'releases/sub.yaml', 'releases/link.yaml', 'releases/none.yaml', 'other/svc-00.yaml'];
    const spawned = jest.spyOn(childProcess, 'execFileSync');
    try {
      // WHEN they are read at HEAD
      const blobs = LedgerGit.open(dir)!.blobsAtHead(names);
      // THEN each is what it is, as a lookup of each tells (a link is the text it holds)
      expect(blobs.get('releases/svc-07.yaml')).toBe(SMALL.replace('payments-api', 'releases/svc-07.yaml'));
      expect(ledgers.every((p) => blobs.get(p) === SMALL.replace('payments-api', p))).toBe(true);
      expect(blobs.get('releases/huge.yaml')).toBeNull();
      expect(blobs.get('releases/sub.yaml')).toBeUndefined();
      expect(blobs.get('releases/link.yaml')).toBe('svc-00.yaml');
      expect(blobs.get('releases/none.yaml')).toBeUndefined();
      expect(blobs.get('other/svc-00.yaml')).toBe('other\n');
      // AND the ledgers' directory was listed once, the file of the other directory looked up on its own
      const argsOf = spawned.mock.calls.map(([, args]) => args as string[]);
      expect(argsOf.filter((a) => a.includes('ls-tree'))).toHaveLength(1);
      const lookups = argsOf.filter((a) => a.some((x) => x.startsWith('--batch-check')));
      expect(lookups).toHaveLength(1);
    } finally {
      spawned.mockRestore();
    }
  });
});
