import { lockCheckout, LockHolder } from '../workspace/checkout/lock';
import { CommandContext } from './command';

/**
 * Runs `work` while holding the lock of the checkout `out` (see `lockCheckout`): one writing
 * command per checkout at a time. Taking over the lock of a command that was killed is said in
 * one line on stderr; `work` gets the holder it took over from, to clean up after it.
 */
export async function withCheckoutLock<T>(
  ctx: CommandContext,
  out: string,
  command: string,
  work: (takenOver?: LockHolder) => T | Promise<T>,
): Promise<T> {
  const lock = lockCheckout(out, command);
  try {
    if (lock.takenOver) {
      const h = lock.takenOver;
      ctx.stderr.write(
        `Note: took over the lock of an interrupted cdk8s-gitops ${h.command}${h.pid ? ` (process ${h.pid}, gone)` : ''}.\n`,
      );
    }
    return await work(lock.takenOver);
  } finally {
    lock.release();
  }
}
