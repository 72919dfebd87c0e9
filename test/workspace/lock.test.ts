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

test('a live holder is known by its process start tick, whatever the wall clock did since it took the lock (CG410)', () => {
  // GIVEN a live process whose lock records a time before its process started, as after the clock was set forward
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const stat = fs.readFileSync(`/proc/${live.pid}/stat`, 'utf8');
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const lock = path.join(dir, LOCK_PATH);
    const holder = { pid: live.pid, host: os.hostname(), command: 'synth', started: '2026-01-01T00:00:00.000Z' };
    fs.writeFileSync(lock, JSON.stringify({ ...holder, startTicks }));

    // THEN it is alive: the take-over fails naming it
    expect(gitOpsError(() => lockCheckout(dir, 'promote payments-api')).code).toBe('CG410');

    // AND the same lock recording another start tick is a process gone: taken over
    fs.writeFileSync(lock, JSON.stringify({ ...holder, startTicks: startTicks + 1 }));
    const held = lockCheckout(dir, 'promote payments-api');
    expect(held.takenOver).toMatchObject({ pid: live.pid });
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).startTicks).toEqual(expect.any(Number));
    held.release();
  } finally {
    live.kill();
  }
});

test('a holder killed and not yet reaped by its parent (a zombie) is gone: its lock is taken over', async () => {
  // GIVEN a process that has exited, whose parent never reaps it: the shell starts it and, while
  // it still runs (so the shell cannot have reaped it), becomes `sleep 60`, which never waits
  const parent = spawn('sh', ['-c', 'sleep 0.3 & exec sleep 60'], { stdio: 'ignore' });
  try {
    /** The fields after the command name of /proc/<pid>/stat: state, ppid, … */
    const fields = (pid: string): string[] | undefined => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      } catch {
        return undefined; // gone, or not a process
      }
    };
    const zombieChild = (): string | undefined =>
      fs.readdirSync('/proc').find((p) => /^\d+$/.test(p) && fields(p)?.[1] === String(parent.pid) && fields(p)?.[0] === 'Z');
    for (let i = 0; i < 150 && zombieChild() === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const zombie = zombieChild();
    expect(zombie).toBeDefined();
    const pid = Number(zombie);
    const startTicks = Number(fields(zombie!)![19]);
    // AND its lock, recording its very start tick
    fs.writeFileSync(
      path.join(dir, LOCK_PATH),
      JSON.stringify({ pid, host: os.hostname(), command: 'promote payments-api', started: new Date().toISOString(), startTicks }),
    );

    // WHEN another command takes the lock
    const held = lockCheckout(dir, 'synth');

    // THEN it took it over
    expect(held.takenOver).toMatchObject({ pid });
    held.release();
  } finally {
    parent.kill();
  }
});
