/**
 * When Argo CD may sync a ring's Applications, from the sync windows of their AppProjects, as
 * Argo CD decides it for an automated sync: never inside an active deny window; only inside an
 * active allow window when the project has allow windows. A window is active from each time its
 * cron schedule fires (in its time zone) for its duration. `manualSync` is not taken into
 * account: a soak counts the time in which the change could sync by itself.
 */
import type { SyncWindowJson } from '../model/sync';
import { cronSchedule, CronSchedule, durationSeconds } from '../model/schedule';

/**
 * The windows of one environment (one AppProject) that apply to a ring's Applications. A ring
 * that spans environments has one group per environment; it can sync when every group lets it.
 */
export type WindowGroup = readonly SyncWindowJson[];

/** A half-open span of time `[start, end)`, in milliseconds since the epoch. */
interface Span {
  readonly start: number;
  readonly end: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far ahead {@link nextOpen} looks, and how far {@link soakEnds} walks. */
const HORIZON_DAYS = 366;

/** Whether any group has a window at all. */
export function hasWindows(groups: readonly WindowGroup[]): boolean {
  return groups.some((g) => g.length > 0);
}

/**
 * Seconds in `[from, to)` in which every group lets Argo CD sync. Stops counting once `enough`
 * seconds are found (a soak needs no more).
 */
export function openSeconds(groups: readonly WindowGroup[], from: Date, to: Date, enough = Infinity): number {
  const end = to.getTime();
  let total = 0;
  for (let start = from.getTime(); start < end && total < enough; start += DAY) {
    total += openSpans(groups, start, Math.min(start + DAY, end)).reduce((sum, s) => sum + (s.end - s.start), 0) / 1000;
  }
  return total;
}

/**
 * The time at which `seconds` of open time have passed since `from`, or undefined when that is
 * more than a year away.
 */
export function soakEnds(groups: readonly WindowGroup[], from: Date, seconds: number): Date | undefined {
  let rest = seconds * 1000;
  const limit = from.getTime() + HORIZON_DAYS * DAY;
  for (let start = from.getTime(); start < limit; start += DAY) {
    for (const s of openSpans(groups, start, start + DAY)) {
      if (s.end - s.start >= rest) return new Date(s.start + rest);
      rest -= s.end - s.start;
    }
  }
  return undefined;
}

/** The first time at or after `at` at which every group lets Argo CD sync; undefined when none within a year. */
export function nextOpen(groups: readonly WindowGroup[], at: Date): Date | undefined {
  const limit = at.getTime() + HORIZON_DAYS * DAY;
  for (let start = at.getTime(); start < limit; start += DAY) {
    const first = openSpans(groups, start, start + DAY)[0];
    if (first !== undefined) return new Date(first.start);
  }
  return undefined;
}

/** The spans of `[from, to)` in which every group is open, in order. */
function openSpans(groups: readonly WindowGroup[], from: number, to: number): Span[] {
  let open: Span[] = [{ start: from, end: to }];
  for (const group of groups) {
    if (group.length === 0) continue;
    open = intersect(open, groupOpen(group, from, to));
    if (open.length === 0) break;
  }
  return open;
}

/** The spans of `[from, to)` in which one AppProject's windows let an automated sync run. */
function groupOpen(group: WindowGroup, from: number, to: number): Span[] {
  const allows = group.filter((w) => w.kind === 'allow');
  const denies = group.filter((w) => w.kind === 'deny');
  const base = allows.length === 0 ? [{ start: from, end: to }] : union(allows.flatMap((w) => activeSpans(w, from, to)));
  return subtract(base, union(denies.flatMap((w) => activeSpans(w, from, to))));
}

/** The spans in `[from, to)` in which one window is active. A window that does not parse is never active. */
function activeSpans(w: SyncWindowJson, from: number, to: number): Span[] {
  const schedule = cronSchedule(w.schedule);
  const seconds = durationSeconds(w.duration);
  if (schedule === undefined || seconds === undefined) return [];
  const length = seconds * 1000;
  const out: Span[] = [];
  const zone = w.timeZone ?? 'UTC';
  for (let t = Math.ceil((from - length) / MINUTE) * MINUTE; t < to; t += MINUTE) {
    if (!fires(schedule, t + offsetOf(zone, t))) continue;
    const span = { start: Math.max(from, t), end: Math.min(to, t + length) };
    if (span.end > span.start) out.push(span);
  }
  return out;
}

/** Whether the schedule fires at the minute whose local time, read as UTC, is `local`. */
function fires(s: CronSchedule, local: number): boolean {
  const d = new Date(local);
  if (!s.minutes.has(d.getUTCMinutes()) || !s.hours.has(d.getUTCHours()) || !s.months.has(d.getUTCMonth() + 1)) return false;
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.weekdays.has(d.getUTCDay());
  return s.eitherDay ? dom || dow : dom && dow;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** The offset of a time zone from UTC at `t`, in milliseconds (read once per zone and UTC hour). */
function offsetOf(zone: string, t: number): number {
  if (zone === 'UTC') return 0;
  const hour = Math.floor(t / 3_600_000);
  const key = `${zone} ${hour}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  let format = formatters.get(zone);
  if (format === undefined) {
    const formatter = (timeZone: string): Intl.DateTimeFormat =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    try {
      format = formatter(zone);
    } catch {
      // Argo CD reads an unknown zone as UTC.
      format = formatter('UTC');
    }
    formatters.set(zone, format);
  }
  const at = hour * 3_600_000;
  const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offset = local - at;
  if (offsets.size > 100_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, s.end) };
    else out.push(s);
  }
  return out;
}

function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end > start) out.push({ start, end });
    }
  }
  return union(out);
}

function subtract(a: readonly Span[], b: readonly Span[]): Span[] {
  let out = [...a];
  for (const cut of b) {
    out = out.flatMap((s) => {
      if (cut.end <= s.start || cut.start >= s.end) return [s];
      return [
        ...(cut.start > s.start ? [{ start: s.start, end: cut.start }] : []),
        ...(cut.end < s.end ? [{ start: cut.end, end: s.end }] : []),
      ];
    });
  }
  return out;
}
