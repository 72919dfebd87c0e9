/**
 * The checkout's lock: a lock left by a process that is gone is taken over, and never one that
 * another command took over in the meantime.
 */
import { execFileSync, spawn } from 'child_process';
import fs = require('fs');
import * as os from 'os';
import * as path from 'path';
import { LOCK_PATH, lockCheckout } from '../../src/workspace/checkout/lock';
import { gitOpsError } from '../support/platforms';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-lock-'));
  fs.mkdirSync(path.join(dir, '.cdk8s-gitops'));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A pid that no process has: a child that already exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
}

test('a stale lock another command took over between reading it and removing it is put back, and the take-over fails (CG410)', () => {
  // GIVEN a lock of a process that is gone
  const lock = path.join(dir, LOCK_PATH);
  fs.writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: os.hostname(), command: 'synth', started: '2026-11-22T09:00:00.000Z' }));
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const theirs = JSON.stringify({
    pid: live.pid,
    host: os.hostname(),
    command: 'promote payments-api',
    started: new Date(Date.now() + 1000).toISOString(),
  });
  try {
    // WHEN another command takes it over just before this one moves it away
    const rename = fs.renameSync;
    jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (from === lock) fs.writeFileSync(lock, theirs);
      rename(from, to);
    });
    const error = gitOpsError(() => lockCheckout(dir, 'synth'));

    // THEN this one fails naming the other, whose lock is in place, and leaves nothing beside it
    expect(error.code).toBe('CG410');
    expect(error.message).toContain(`"cdk8s-gitops promote payments-api" (process ${live.pid}`);
    expect(fs.readFileSync(lock, 'utf8')).toBe(theirs);
    expect(fs.readdirSync(path.join(dir, '.cdk8s-gitops'))).toEqual(['lock']);
  } finally {
    live.kill();
  }
});

test('a stale lock is taken over, and given up on release', () => {
  const lock = path.join(dir, LOCK_PATH);
  const pid = deadPid();
  fs.writeFileSync(lock, JSON.stringify({ pid, host: os.hostname(), command: 'synth', started: '2026-11-22T09:00:00.000Z' }));
  const held = lockCheckout(dir, 'promote payments-api');
  expect(held.takenOver).toMatchObject({ pid, command: 'synth' });
  expect(JSON.parse(fs.readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, command: 'promote payments-api' });
  held.release();
  expect(fs.readdirSync(path.join(dir, '.cdk8s-gitops'))).toEqual([]);
});
