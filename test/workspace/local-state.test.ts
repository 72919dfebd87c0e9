/**
 * Where a checkout's local state is (its Git directory) is asked of git once per directory and
 * process, and asked again whenever a repository is made, removed or made again on the way from
 * the checkout up to its work tree's root.
 */
import childProcess = require('child_process');
import { execFileSync } from 'child_process';
import fs = require('fs');
import * as os from 'os';
import * as path from 'path';
import { localState } from '../../src/workspace/checkout/local-state';

let root: string;

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-local-state-')));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

const init = (dir: string): void => {
  execFileSync('git', ['init', '--quiet', dir]);
};

test('asks git once for a checkout, however often a command asks, and gives the same answer', () => {
  // GIVEN a checkout in a subdirectory of a work tree
  const repo = path.join(root, 'repo');
  const checkout = path.join(repo, 'gitops');
  fs.mkdirSync(checkout, { recursive: true });
  init(repo);
  const runs = jest.spyOn(childProcess, 'spawnSync');
  // WHEN its local state is asked for three times
  const answers = [localState(checkout), localState(checkout), localState(`${checkout}/`)];
  // THEN git ran once, and every answer names the repository's Git directory and index
  expect(runs.mock.calls.map(([command]) => command)).toEqual(['git']);
  for (const a of answers) {
    expect(a?.gitDir.root).toBe(path.join(repo, '.git'));
    expect(a?.checkout).toBe('gitops');
    expect(a?.index).toBe(path.join(repo, '.git', 'index'));
  }
});

test('asks again when the checkout becomes a repository of its own, or its repository is made again', () => {
  // GIVEN a checkout in a work tree, asked once
  const repo = path.join(root, 'repo');
  const checkout = path.join(repo, 'gitops');
  fs.mkdirSync(checkout, { recursive: true });
  init(repo);
  expect(localState(checkout)?.checkout).toBe('gitops');
  // WHEN the checkout is made a repository of its own
  init(checkout);
  // THEN its own Git directory is the answer
  expect(localState(checkout)?.gitDir.root).toBe(path.join(checkout, '.git'));
  expect(localState(checkout)?.checkout).toBe('');
  // AND when that repository is removed, the one above is the answer again
  fs.rmSync(path.join(checkout, '.git'), { recursive: true });
  expect(localState(checkout)?.gitDir.root).toBe(path.join(repo, '.git'));
  // AND when every repository is removed, there is none
  fs.rmSync(path.join(repo, '.git'), { recursive: true });
  expect(localState(checkout)).toBeUndefined();
});

test('a directory outside Git is asked again each time, so a repository made later is found', () => {
  const dir = path.join(root, 'plain');
  fs.mkdirSync(dir);
  expect(localState(dir)).toBeUndefined();
  init(dir);
  expect(localState(dir)?.gitDir.root).toBe(path.join(dir, '.git'));
});
