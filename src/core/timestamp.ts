/** A ledger timestamp: UTC, RFC 3339, whole seconds, e.g. `2026-11-22T10:00:00Z`. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Returns true when `s` is a ledger timestamp naming a real instant (no 31 February). */
export function isTimestamp(s: unknown): s is string {
  if (typeof s !== 'string' || !TIMESTAMP_PATTERN.test(s)) {
    return false;
  }
  const ms = Date.parse(s);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === s.replace('Z', '.000Z');
}

/** Returns true when `d` is a `Date` holding a valid time. */
export function isValidDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

/**
 * Formats a time as a ledger timestamp, dropping milliseconds:
 * `2026-11-22T10:00:00.123Z` → `2026-11-22T10:00:00Z`.
 */
export function formatTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Formats a number of seconds for people, largest units first, at most two of them:
 * `4500` → `1h 15m`, `90061` → `1d 1h`, `0` → `0s`. Rounds up to the second.
 */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.ceil(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}
