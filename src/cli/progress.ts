import type { EnvironmentVariables, OutputStream } from '../core/streams';

/** A one-line progress report on a terminal, rewritten in place. */
export interface Progress {
  /**
   * Shows `text` as the current state: at most ten times a second, except the first update and
   * those marked `final` (the last step of a phase), which always show.
   */
  update(text: string, final?: boolean): void;
  /** Clears the line. Call it before printing results. */
  done(): void;
}

/** A {@link Progress} that shows nothing: output is not a terminal, CI is set, or `--quiet`. */
export const SILENT_PROGRESS: Progress = { update: () => undefined, done: () => undefined };

/** How often the line is rewritten at most. */
const INTERVAL_MS = 100;

/**
 * A {@link Progress} writing to `stream`, a terminal: `\r` and erase-line, so the line never
 * ends up in a log. `clock` is injectable for tests.
 */
export function terminalProgress(stream: OutputStream, clock: () => number = Date.now): Progress {
  let shown = false;
  let last = -Infinity;
  return {
    update(text, final = false) {
      const now = clock();
      if (shown && !final && now - last < INTERVAL_MS) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[2K${text}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** Whether a progress line may be shown: on a terminal, not in CI (`CI` set, other than `false`), not with `--quiet`. */
export function progressAllowed(stream: OutputStream, env: EnvironmentVariables, quiet: boolean): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return stream.isTTY === true && !ci && !quiet;
}

/** Whether output may be coloured: a terminal, `NO_COLOR` unset or empty, and `TERM` not `dumb`. */
export function colourAllowed(stream: OutputStream, env: EnvironmentVariables): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}
