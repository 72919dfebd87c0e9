import { CallFailure, fixed, ParamType, str, TemplateFunction } from '../function-signature';
import { GoInt64, goTypeName, unsupported, Value } from '../template-values';
import { parseGoInt } from './cast';

/*
 * Sprig's date functions (date.go), where their result follows from the template alone:
 * `duration`, `durationRound`, and `dateInZone`/`htmlDateInZone` of Unix seconds in UTC (Go's
 * time.Format layouts). A date Sprig takes from the clock (any date that is not Unix seconds
 * or a time.Time), or formats in the Argo CD controller's local time zone (`date`, `htmlDate`,
 * `toDate`), is refused with CG701; functions that need a time.Time fail as Go does, since the
 * preview has no time values.
 */

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width: number, fill = '0') => String(n).padStart(width, fill);

/** Go's `Time.Format` of a UTC time with whole seconds. */
export function formatGoTime(layout: string, t: Date): string {
  const year = t.getUTCFullYear();
  const month = t.getUTCMonth();
  const day = t.getUTCDate();
  const hour = t.getUTCHours();
  const minute = t.getUTCMinutes();
  const second = t.getUTCSeconds();
  const yday = Math.floor((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  const tokens: Array<[string, () => string]> = [
    ['January', () => MONTHS[month]!],
    ['Jan', () => MONTHS[month]!.slice(0, 3)],
    ['Monday', () => WEEKDAYS[t.getUTCDay()]!],
    ['Mon', () => WEEKDAYS[t.getUTCDay()]!.slice(0, 3)],
    ['MST', () => 'UTC'],
    ['2006', () => pad(year, 4)],
    ['002', () => pad(yday, 3)],
    ['01', () => pad(month + 1, 2)],
    ['02', () => pad(day, 2)],
    ['03', () => pad(hour % 12 === 0 ? 12 : hour % 12, 2)],
    ['04', () => pad(minute, 2)],
    ['05', () => pad(second, 2)],
    ['06', () => pad(year % 100, 2)],
    ['__2', () => pad(yday, 3, ' ')],
    ['_2', () => pad(day, 2, ' ')],
    ['15', () => pad(hour, 2)],
    ['1', () => String(month + 1)],
    ['2', () => String(day)],
    ['3', () => String(hour % 12 === 0 ? 12 : hour % 12)],
    ['4', () => String(minute)],
    ['5', () => String(second)],
    ['PM', () => (hour >= 12 ? 'PM' : 'AM')],
    ['pm', () => (hour >= 12 ? 'pm' : 'am')],
    ['-07:00:00', () => '+00:00:00'],
    ['-070000', () => '+000000'],
    ['-07:00', () => '+00:00'],
    ['-0700', () => '+0000'],
    ['-07', () => '+00'],
    ['Z07:00:00', () => 'Z'],
    ['Z070000', () => 'Z'],
    ['Z07:00', () => 'Z'],
    ['Z0700', () => 'Z'],
    ['Z07', () => 'Z'],
  ];
  let out = '';
  let i = 0;
  while (i < layout.length) {
    // Fractional seconds: "." or "," then a run of 0s or 9s not followed by a digit.
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac) {
      out += frac[1]!.startsWith('0') ? `${layout[i]}${'0'.repeat(frac[1]!.length)}` : '';
      i += frac[0].length;
      continue;
    }
    // "_2006" is "_" then the year; "Jan" inside "January" and the like go by longest match.
    const token = tokens.find(([name]) => layout.startsWith(name, i));
    if (token && !(token[0] === '_2' && layout.startsWith('_2006', i))) {
      out += token[1]();
      i += token[0].length;
    } else {
      out += layout[i];
      i++;
    }
  }
  return out;
}

function unixSeconds(name: string, v: Value): number {
  if (typeof v === 'number' || v instanceof GoInt64) {
    return typeof v === 'number' ? v : v.value;
  }
  throw unsupported(
    `${name} of ${v === null || v === undefined ? 'nil' : `a ${goTypeName(v)}`} (Sprig formats the current time for anything but a time or Unix seconds)`,
  );
}

function inZone(name: string, layout: string, date: Value, zone: string): string {
  const seconds = unixSeconds(name, date);
  if (zone !== 'UTC' && zone !== '') {
    throw unsupported(`${name} in a time zone other than UTC (the preview formats dates in UTC only)`);
  }
  const t = new Date(seconds * 1000);
  if (Number.isNaN(t.getTime()) || t.getUTCFullYear() < 0 || t.getUTCFullYear() > 9999) {
    throw unsupported(`${name} of a time outside the years 0–9999`);
  }
  return formatGoTime(layout, t);
}

const NANOS_PER_SECOND = 1_000_000_000n;

/** Go's `Duration.String` of a whole number of nanoseconds. */
function formatDuration(nanos: bigint): string {
  if (nanos === 0n) {
    return '0s';
  }
  const negative = nanos < 0n;
  const u = negative ? -nanos : nanos;
  if (u < NANOS_PER_SECOND) {
    const [unit, size] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    return `${negative ? '-' : ''}${decimal(u, size)}${unit}`;
  }
  const hours = u / (3600n * NANOS_PER_SECOND);
  const minutes = (u / (60n * NANOS_PER_SECOND)) % 60n;
  const secs = u % (60n * NANOS_PER_SECOND);
  let out = `${decimal(secs, NANOS_PER_SECOND)}s`;
  if (hours > 0n || minutes > 0n) {
    out = `${minutes}m${out}`;
  }
  if (hours > 0n) {
    out = `${hours}h${out}`;
  }
  return `${negative ? '-' : ''}${out}`;
}

/** `value / size` as a decimal without trailing zeros. */
function decimal(value: bigint, size: bigint): string {
  const whole = value / size;
  const frac = (value % size)
    .toString()
    .padStart(size.toString().length - 1, '0')
    .replace(/0+$/, '');
  return frac === '' ? `${whole}` : `${whole}.${frac}`;
}

const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: NANOS_PER_SECOND,
  m: 60n * NANOS_PER_SECOND,
  h: 3600n * NANOS_PER_SECOND,
};

/** Go's `time.ParseDuration`, or undefined where it fails. */
function parseDuration(s: string): bigint | undefined {
  const m = /^([-+]?)(.*)$/.exec(s)!;
  const body = m[2]!;
  if (body === '0') {
    return 0n;
  }
  if (body === '') {
    return undefined;
  }
  let total = 0n;
  const part = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/;
  let rest = body;
  while (rest !== '') {
    const p = part.exec(rest);
    if (!p || (p[1] === '' && (p[2] ?? '') === '')) {
      return undefined;
    }
    const unit = UNITS[p[3]!]!;
    const frac = p[2] ?? '';
    const scale = 10n ** BigInt(frac.length);
    total += BigInt(p[1] || '0') * unit + (BigInt(frac || '0') * unit) / scale;
    rest = rest.slice(p[0].length);
  }
  if (total > 0x7fffffffffffffffn) {
    return undefined;
  }
  return m[1] === '-' ? -total : total;
}

/** Sprig's `durationRound`: the largest whole unit (y, mo, d, h, m, s) the duration exceeds. */
function durationRound(v: Value): string {
  let d = 0n;
  if (typeof v === 'string') {
    d = parseDuration(v) ?? 0n;
  } else if (v instanceof GoInt64) {
    d = BigInt(v.value);
  }
  const u = d < 0n ? -d : d;
  const hour = 3600n * NANOS_PER_SECOND;
  const units: Array<[bigint, string]> = [
    [hour * 24n * 365n, 'y'],
    [hour * 24n * 30n, 'mo'],
    [hour * 24n, 'd'],
    [hour, 'h'],
    [60n * NANOS_PER_SECOND, 'm'],
    [NANOS_PER_SECOND, 's'],
  ];
  const found = units.find(([size]) => u > size);
  return found ? `${u / found[0]}${found[1]}` : '0s';
}

/** A function whose last parameter is a time.Time, which no value of the preview is. */
function needsTime(params: readonly ParamType[]): TemplateFunction {
  return fixed(params, (args) => {
    const v = args[args.length - 1];
    throw new CallFailure(
      `wrong type for value; expected time.Time; got ${v === null || v === undefined ? 'interface {}' : goTypeName(v)}`,
    );
  });
}

function localZone(name: string, params: readonly ParamType[]): readonly [string, TemplateFunction] {
  return [
    name,
    fixed(params, () => {
      throw unsupported(
        `the function ${name} (it formats or reads the date in the time zone of the Argo CD controller)`,
        `Use ${name === 'htmlDate' ? 'htmlDateInZone' : 'dateInZone'} with "UTC".`,
      );
    }),
  ];
}

/** Sprig's date functions. */
export const DATE_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  [
    'duration',
    fixed(['any'], ([v]) => {
      let seconds = 0n;
      if (typeof v === 'string') {
        seconds = /^[+-]?[0-9]+$/.test(v) ? (parseGoInt(v, false) ?? 0n) : 0n;
      } else if (v instanceof GoInt64) {
        seconds = BigInt(v.value);
      }
      if (seconds > 9_223_372_036n || seconds < -9_223_372_036n) {
        throw unsupported("duration of more seconds than Go's Duration holds (it overflows)");
      }
      return formatDuration(seconds * NANOS_PER_SECOND);
    }),
  ],
  ['durationRound', fixed(['any'], ([v]) => durationRound(v))],
  ['dateInZone', fixed(['string', 'any', 'string'], ([layout, date, zone]) => inZone('dateInZone', str(layout), date, str(zone)))],
  ['date_in_zone', fixed(['string', 'any', 'string'], ([layout, date, zone]) => inZone('date_in_zone', str(layout), date, str(zone)))],
  ['htmlDateInZone', fixed(['any', 'string'], ([date, zone]) => inZone('htmlDateInZone', '2006-01-02', date, str(zone)))],
  localZone('date', ['string', 'any']),
  localZone('htmlDate', ['any']),
  localZone('toDate', ['string', 'string']),
  localZone('mustToDate', ['string', 'string']),
  ['unixEpoch', needsTime(['any'])],
  ['dateModify', needsTime(['string', 'any'])],
  ['date_modify', needsTime(['string', 'any'])],
  ['mustDateModify', needsTime(['string', 'any'])],
  ['must_date_modify', needsTime(['string', 'any'])],
];
