import { gitSync } from '../../core/git-sync';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import { GitOpsError, systemErrorCode } from '../../core/errors';
import { Checkout } from './checkout-fs';
import { assertNoInterruptedWrite, ensureCheckoutDirectory } from './writer';

import { LOCK_PATH } from './lock-path';
import { TOOL_DIR } from '../../model/repository-places';

export { LOCK_PATH };

/** Who holds a checkout's lock, as the lock file records it. */
export interface LockHolder {
  /** Process id of the holder. */
  readonly pid: number;
  /** Host name of the machine it runs on. */
  readonly host: string;
  /** The command, e.g. `synth` or `promote payments-api`. */
  readonly command: string;
  /** When it took the lock, ISO 8601. */
  readonly started: string;
  /**
   * When its process started, in clock ticks since the machine booted (Linux `/proc`): it tells
   * the holder from a later process that got its id, whatever the wall clock did meanwhile.
   * @default - not known: the process start is compared with `started`
   */
  readonly startTicks?: number;
}

/** A held lock on a checkout; see {@link lockCheckout}. */
export interface CheckoutLock {
  /** The holder of a lock left behind by a process that is gone, which this lock took over. */
  readonly takenOver?: LockHolder;
  /** Gives the lock up; safe to call more than once. */
  release(): void;
}

/**
 * Takes the lock of the checkout `dir` for a writing command: one writer at a time per
 * checkout. The lock is a file made with one atomic `link` (never through a symbolic link),
 * holding the holder's process id, host and command. A lock whose process is gone (on this
 * host) is taken over and reported in {@link CheckoutLock.takenOver}; a live one fails with
 * `CG410` naming it. The lock is given up by {@link CheckoutLock.release}, or when the process
 * exits.
 */
export function lockCheckout(dir: string, command: string): CheckoutLock {
  ensureCheckoutDirectory(dir);
  const checkout = new Checkout(dir);
  const madeDir = checkout.kind(TOOL_DIR) === 'missing';
  checkout.mkdirs(TOOL_DIR);
  const ticks = startTicks(process.pid);
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    command,
    started: new Date().toISOString(),
    ...(ticks === undefined ? {} : { startTicks: ticks }),
  };
  const lockFile = checkout.abs(LOCK_PATH);
  // A name nobody can plant a link at beforehand, made only if nothing stands there (no link followed).
  const tmp = `${lockFile}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(me)}\n`, { flag: 'wx' });
  let takenOver: LockHolder | undefined;
  try {
    for (;;) {
      try {
        fs.linkSync(tmp, lockFile);
        break;
      } catch (e) {
        if (systemErrorCode(e) !== 'EEXIST') throw e;
      }
      assertLockNotCommitted(dir);
      const seen = lockText(checkout);
      const holder = holderOf(seen);
      if (holder !== undefined && isAlive(holder)) throw lockedError(dir, holder);
      if (takenOver !== undefined) throw lockedError(dir, holder); // another process took it over first
      takenOver = holder ?? { pid: 0, host: '', command: 'unknown', started: new Date(0).toISOString() };
      removeStaleLock(dir, lockFile, seen);
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    try {
      if (readHolder(checkout)?.pid === process.pid) fs.unlinkSync(lockFile);
    } catch {
      // Gone already, or unreadable: the next writer takes over a lock of a process that is gone.
    }
    // A command that wrote nothing leaves no directory it made for its lock.
    if (madeDir) {
      try {
        fs.rmdirSync(checkout.abs(TOOL_DIR));
      } catch {
        // Not empty: the command wrote the manifest into it.
      }
    }
  };
  process.on('exit', release);
  return { ...(takenOver ? { takenOver } : {}), release };
}

/**
 * For read-only commands: fails with `CG410` when a live command is writing the checkout `dir`,
 * and with `CG411` when a write into it was interrupted half-way, rather than read a tree that
 * is only partly written.
 */
export function assertCheckoutReadable(dir: string): void {
  const checkout = new Checkout(dir);
  if (checkout.kind(TOOL_DIR) !== 'directory') return;
  const holder = readHolder(checkout);
  if (holder !== undefined && holder.pid !== process.pid && isAlive(holder)) {
    assertLockNotCommitted(dir);
    throw lockedError(dir, holder);
  }
  assertNoInterruptedWrite(dir);
}

/**
 * Removes the lock file judged stale from its text `seen`, unless another command took the lock
 * over since: the file is moved aside with one rename (so that no other command's lock is ever
 * deleted), and put back, failing with `CG410`, when it is not the one judged.
 */
function removeStaleLock(dir: string, lockFile: string, seen: string | undefined): void {
  const aside = `${lockFile}.${process.pid}.${randomBytes(8).toString('hex')}.stale`;
  try {
    fs.renameSync(lockFile, aside);
  } catch (e) {
    if (systemErrorCode(e) === 'ENOENT') return; // taken over and given up by another command meanwhile
    throw e;
  }
  let moved: string | undefined;
  try {
    moved = fs.readFileSync(aside, 'utf8');
  } catch {
    moved = undefined;
  }
  if (moved === seen) {
    fs.unlinkSync(aside);
    return;
  }
  // Another command took the stale lock over between the read and the rename: its lock goes back.
  try {
    fs.linkSync(aside, lockFile);
  } finally {
    fs.unlinkSync(aside);
  }
  throw lockedError(dir, holderOf(moved));
}

/** The text of the lock file; undefined when there is none or it cannot be read (a link fails with `CG408`). */
function lockText(checkout: Checkout): string | undefined {
  try {
    return checkout.read(LOCK_PATH, 64 * 1024);
  } catch (e) {
    if (e instanceof GitOpsError && e.code === 'CG408') throw e;
    return undefined;
  }
}

/** The holder a lock file records; undefined when there is none or it cannot be read. */
function readHolder(checkout: Checkout): LockHolder | undefined {
  return holderOf(lockText(checkout));
}

/** The holder the lock text `text` records; undefined when there is none or it is not one cdk8s-gitops wrote. */
function holderOf(text: string | undefined): LockHolder | undefined {
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text);
    if (
      Number.isInteger(data?.pid) &&
      data.pid > 0 &&
      typeof data.host === 'string' &&
      typeof data.command === 'string' &&
      typeof data.started === 'string'
    ) {
      return {
        pid: data.pid,
        host: data.host,
        command: data.command.slice(0, 200),
        started: data.started.slice(0, 40),
        ...(Number.isSafeInteger(data.startTicks) && data.startTicks >= 0 ? { startTicks: data.startTicks } : {}),
      };
    }
  } catch {
    // Not a lock cdk8s-gitops wrote: taken over.
  }
  return undefined;
}

/**
 * Whether the holder's process still runs; a holder on another host is taken as alive. A
 * process with the holder's id that started after the holder took the lock is another one
 * that got the id again: the holder is gone.
 */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if (systemErrorCode(e) !== 'EPERM') return false;
  }
  // Killed, and not yet reaped by its parent (a zombie): it writes nothing any more.
  if (processState(holder.pid) === 'Z') return false;
  const ticks = startTicks(holder.pid);
  // The same process only when it started at the same tick (a lock written by this version).
  if (ticks !== undefined && holder.startTicks !== undefined) return ticks === holder.startTicks;
  const started = processStart(holder.pid, ticks);
  const locked = Date.parse(holder.started);
  // Start times are known to the second (the boot time's resolution): a margin of two.
  return started === undefined || Number.isNaN(locked) || started <= locked + 2000;
}

/** User-space clock ticks per second (`getconf CLK_TCK`): 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

/** The state of the process `pid` (`R`, `S`, `Z` for a zombie, …), where `/proc` tells; else undefined. */
function processState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 (state) follows the command name's ")".
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** When the process `pid` started, in clock ticks since boot, where `/proc` tells; else undefined. */
function startTicks(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counts from the one after the command name's ")".
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isSafeInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** When a process that started at `ticks` after boot started (ms since the epoch), where `/proc` tells; else undefined. */
function processStart(pid: number, ticks = startTicks(pid)): number | undefined {
  if (ticks === undefined) return undefined;
  try {
    const boot = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    return boot === null ? undefined : Number(boot[1]) * 1000 + (ticks / CLOCK_TICKS) * 1000;
  } catch {
    return undefined;
  }
}

/**
 * Fails with `CG410` when the checkout's lock file is committed to Git: a lock is local to one
 * run, and one committed (a `git add` while a command ran) would stop every clone.
 */
function assertLockNotCommitted(dir: string): void {
  const tracked = gitSync(dir, ['ls-files', '--error-unmatch', '--', LOCK_PATH]);
  if (tracked.status !== 0) return;
  throw GitOpsError.of('CG410', {
    file: LOCK_PATH,
    message: `${LOCK_PATH} is committed to the repository of ${dir}: a lock belongs to one run and is never committed (it was added while a command ran). Nothing was read or written.`,
    fix: `Remove it from the repository (git rm ${LOCK_PATH}), commit that, and run again.`,
  });
}

function lockedError(dir: string, holder: LockHolder | undefined): GitOpsError {
  const who = holder
    ? `"cdk8s-gitops ${holder.command}" (process ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}, since ${holder.started})`
    : 'another cdk8s-gitops command';
  return GitOpsError.of('CG410', {
    file: LOCK_PATH,
    message: `${who} is writing ${dir}; one command writes a checkout at a time. Nothing was read or written.`,
    fix:
      holder && holder.host !== os.hostname()
        ? `Wait for it to finish. If that process is gone, delete ${LOCK_PATH} and run again.`
        : 'Wait for it to finish, then run again.',
  });
}
