/**
 * Checks of a sync window as Argo CD reads it: the schedule with robfig/cron's standard parser
 * (five fields, no descriptors), the duration with Go's `time.ParseDuration`, and the time zone
 * with `time.LoadLocation` (which is case-sensitive, and whose failure Argo CD turns into UTC
 * without a word).
 */
import { Problem, problem } from '../core/errors';
import { didYouMean } from '../core/suggest';
import type { SyncWindowJson } from './sync';

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly hint?: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, hint: ' or JAN-DEC' },
  { name: 'weekday', min: 0, max: 6, names: WEEKDAYS, hint: ' or SUN-SAT; Sunday is 0, not 7' },
];

/** The five-field form of the descriptors other cron dialects take. */
const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const SCHEDULE_FIX = 'Use five fields, minute hour day-of-month month weekday, e.g. "0 22 * * MON-FRI" for 22:00 on weekdays.';

/** Days in each month, February with its leap day (a schedule on 29 February does open). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Every problem of one window of an environment (`index` counts from 0). */
export function problemsOfSyncWindow(w: SyncWindowJson, constructPath: string, index: number): Problem[] {
  const which = `Sync window ${index + 1} (${w.kind})`;
  const problems: Problem[] = [];
  const schedule = scheduleProblem(w.schedule);
  if (schedule)
    problems.push(problem('CG140', { constructPath, message: `${which} schedule "${w.schedule}" ${schedule.message}`, fix: schedule.fix }));
  const duration = durationProblem(w.duration);
  if (duration)
    problems.push(
      problem('CG129', {
        constructPath,
        message: `${which} duration "${w.duration}" ${duration}`,
      }),
    );
  if (w.timeZone !== undefined) {
    const zone = timeZoneProblem(w.timeZone);
    if (zone)
      problems.push(problem('CG140', { constructPath, message: `${which} time zone "${w.timeZone}" ${zone.message}`, fix: zone.fix }));
  }
  return problems;
}

function scheduleProblem(schedule: string): { message: string; fix: string } | undefined {
  const text = schedule.trim();
  if (text.startsWith('@')) {
    const same = DESCRIPTORS[text.toLowerCase()];
    return {
      message: "is a descriptor; Argo CD's sync windows take only five-field cron expressions.",
      fix: same ? `Use "${same}", which is what ${text} means.` : SCHEDULE_FIX,
    };
  }
  if (/^(CRON_)?TZ=/.test(text)) {
    return {
      message: 'starts with a time zone.',
      fix: 'Put the time zone in the timeZone option, e.g. SyncWindow.deny("0 22 * * *", "8h", { timeZone: "Europe/Amsterdam" }).',
    };
  }
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return {
      message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}; Argo CD takes exactly five.`,
      fix: fields.length === 6 ? `${SCHEDULE_FIX} Argo CD has no seconds field: leave out the first one.` : SCHEDULE_FIX,
    };
  }
  const mistakes = fields.flatMap((f, i) => fieldProblems(f, FIELDS[i]));
  if (mistakes.length > 0) return { message: `is not a cron expression Argo CD accepts: ${mistakes.join('; ')}.`, fix: SCHEDULE_FIX };
  const never = neverOpens(fields);
  return never
    ? { message: `never opens: ${never}.`, fix: 'Pick a day of month every chosen month has, or use the weekday field instead.' }
    : undefined;
}

/** What is wrong with one field, as short phrases. */
function fieldProblems(text: string, field: Field): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const [range, step, ...more] = part.split('/');
    if (more.length > 0 || (step !== undefined && !/^\d+$/.test(step))) {
      out.push(`${field.name} "${part}" has a step that is not a whole number`);
      continue;
    }
    if (step !== undefined && Number(step) === 0) out.push(`${field.name} "${part}" has a step of 0`);
    if (range === '*' || range === '?') continue;
    const ends = range.split('-');
    if (ends.length > 2) {
      out.push(`${field.name} "${part}" is not a value, a range or "*"`);
      continue;
    }
    const values = ends.map((e) => valueOf(e, field));
    const bad = ends.filter((_, i) => values[i] === undefined);
    if (bad.length > 0) {
      out.push(
        ...bad.map((e) => `${field.name} "${e}" is not a number${field.names ? ` nor a name (${field.names[0].toUpperCase()}…)` : ''}`),
      );
      continue;
    }
    for (const [i, v] of values.entries()) {
      if (v! < field.min || v! > field.max)
        out.push(`${field.name} ${ends[i]} is out of range ${field.min}-${field.max}${field.hint ?? ''}`);
    }
    if (values.length === 2 && values[0]! > values[1]!) out.push(`${field.name} range "${range}" runs backwards`);
  }
  return out;
}

function valueOf(text: string, field: Field): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return i < 0 ? undefined : field.names === MONTHS ? i + 1 : i;
}

/** The values a valid field selects. */
function selected(text: string, field: Field): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, step] = part.split('/');
    const ends = range === '*' || range === '?' ? [field.min, field.max] : range.split('-').map((e) => valueOf(e, field)!);
    const to = ends.length === 2 ? ends[1] : step !== undefined ? field.max : ends[0];
    for (let v = ends[0]; v <= to; v += Number(step ?? 1)) out.add(v);
  }
  return out;
}

/** Why a valid schedule never opens (days of month no chosen month has), if it does not. */
function neverOpens(fields: readonly string[]): string | undefined {
  const [, , dom, month, dow] = fields;
  // robfig/cron matches either field when both day fields are restricted; only the day of month counts when the weekday is "*".
  if (dom.startsWith('*') || dom.startsWith('?') || !(dow === '*' || dow === '?')) return undefined;
  const days = [...selected(dom, FIELDS[2])];
  const months = [...selected(month, FIELDS[3])];
  if (months.some((m) => days.some((d) => d <= MONTH_DAYS[m - 1]))) return undefined;
  return `no chosen month (${months.map((m) => MONTHS[m - 1].toUpperCase()).join(', ')}) has day ${days.join(', ')}`;
}

function durationProblem(duration: string): string | undefined {
  if (/^\d+d$/.test(duration)) return 'is in days, which Argo CD does not read.';
  if (!/^(\d+(\.\d+)?[hms])+$/.test(duration)) return 'is not a duration.';
  const seconds = [...duration.matchAll(/(\d+(?:\.\d+)?)([hms])/g)].reduce(
    (sum, [, n, unit]) => sum + Number(n) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'],
    0,
  );
  return seconds > 0 ? undefined : 'is zero: the window would never be open.';
}

function timeZoneProblem(zone: string): { message: string; fix: string } | undefined {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat(undefined, { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return {
      message: `is not an IANA time zone; Argo CD would use UTC instead.${didYouMean(zone, ['UTC', ...Intl.supportedValuesOf('timeZone')])}`,
      fix: 'Use a name of the IANA time zone database, e.g. "Europe/Amsterdam" or "UTC".',
    };
  }
  const caseWrong = zone.split('/').some((s) => !/^[A-Z]/.test(s)) || (zone !== resolved && zone.toLowerCase() === resolved.toLowerCase());
  return caseWrong
    ? {
        message: `is not spelt as in the IANA time zone database; Argo CD reads names case-sensitively and would use UTC instead. Did you mean "${resolved}"?`,
        fix: `Write "${resolved}".`,
      }
    : undefined;
}

/** A schedule as robfig/cron reads it: the values each field selects, and how the two day fields combine. */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  /** robfig/cron matches a day when either day field matches if both are restricted, else when both do. */
  readonly eitherDay: boolean;
}

/** Reads a schedule this module accepts (no problem from {@link problemsOfSyncWindow}); undefined for any other. */
export function cronSchedule(schedule: string): CronSchedule | undefined {
  if (scheduleProblem(schedule) !== undefined) return undefined;
  const fields = schedule.trim().split(/\s+/);
  const star = (f: string): boolean => f.startsWith('*') || f.startsWith('?');
  return {
    minutes: selected(fields[0], FIELDS[0]),
    hours: selected(fields[1], FIELDS[1]),
    daysOfMonth: selected(fields[2], FIELDS[2]),
    months: selected(fields[3], FIELDS[3]),
    weekdays: selected(fields[4], FIELDS[4]),
    eitherDay: !star(fields[2]) && !star(fields[4]),
  };
}

/** A window's duration in seconds, as Go's `time.ParseDuration` reads `8h`, `1h30m`; undefined when it is not one. */
export function durationSeconds(duration: string): number | undefined {
  if (durationProblem(duration) !== undefined) return undefined;
  return [...duration.matchAll(/(\d+(?:\.\d+)?)([hms])/g)].reduce(
    (sum, [, n, unit]) => sum + Number(n) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'],
    0,
  );
}
