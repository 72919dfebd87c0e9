import * as fs from 'fs';
import * as os from 'os';
import { GitOpsError, systemErrorCode } from '../../core/errors';
import { Checkout } from './checkout-fs';
import { assertNoInterruptedWrite, ensureCheckoutDirectory } from './writer';

/** Repository-relative path of the lock a writing command holds on its checkout. */
export const LOCK_PATH = '.cdk8s-gitops/lock';

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
  const madeDir = checkout.kind('.cdk8s-gitops') === 'missing';
  checkout.mkdirs('.cdk8s-gitops');
  const me: LockHolder = { pid: process.pid, host: os.hostname(), command, started: new Date().toISOString() };
  const lockFile = checkout.abs(LOCK_PATH);
  const tmp = `${lockFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(me)}\n`);
  let takenOver: LockHolder | undefined;
  try {
    for (;;) {
      try {
        fs.linkSync(tmp, lockFile);
        break;
      } catch (e) {
        if (systemErrorCode(e) !== 'EEXIST') throw e;
      }
      const holder = readHolder(checkout);
      if (holder !== undefined && isAlive(holder)) throw lockedError(dir, holder);
      if (takenOver !== undefined) throw lockedError(dir, holder); // another process took it over first
      takenOver = holder ?? { pid: 0, host: '', command: 'unknown', started: new Date(0).toISOString() };
      fs.unlinkSync(lockFile);
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
        fs.rmdirSync(checkout.abs('.cdk8s-gitops'));
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
  if (checkout.kind('.cdk8s-gitops') !== 'directory') return;
  const holder = readHolder(checkout);
  if (holder !== undefined && holder.pid !== process.pid && isAlive(holder)) throw lockedError(dir, holder);
  assertNoInterruptedWrite(dir);
}

/** The holder a lock file records; undefined when there is none or it cannot be read. */
function readHolder(checkout: Checkout): LockHolder | undefined {
  let text: string | undefined;
  try {
    text = checkout.read(LOCK_PATH, 64 * 1024);
  } catch (e) {
    if (e instanceof GitOpsError && e.code === 'CG408') throw e;
    return undefined;
  }
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
      return { pid: data.pid, host: data.host, command: data.command.slice(0, 200), started: data.started.slice(0, 40) };
    }
  } catch {
    // Not a lock cdk8s-gitops wrote: taken over.
  }
  return undefined;
}

/** Whether the holder's process still runs; a holder on another host is taken as alive. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return systemErrorCode(e) === 'EPERM';
  }
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
