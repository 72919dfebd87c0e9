import { CallFailure, fixed, int, TemplateFunction, variadic } from '../function-signature';
import { GoFloat } from '../go-float';
import { GoInt64, unsupported, Value, withGoType } from '../template-values';
import { exactInteger, toFloat64, toInt64 } from './cast';

/*
 * Sprig's math (numeric.go and functions.go): integer functions convert every argument with
 * cast.ToInt64 (so `add 1.5 2` is 3) and return int64; the float functions go through
 * shopspring/decimal as Sprig does, so `addf 0.1 0.2` is 0.3.
 */

/** The longest list `until`, `untilStep`, `seq` and `concat` build. */
export const MAX_ITEMS = 1_000_000;

const i64 = (n: number, what: string) => new GoInt64(exactInteger(n, what));

function intDivide(name: 'div' | 'mod', a: number, b: number): GoInt64 {
  if (b === 0) {
    throw new CallFailure('runtime error: integer divide by zero');
  }
  const q = name === 'div' ? BigInt(a) / BigInt(b) : BigInt(a) % BigInt(b);
  return i64(Number(q), name);
}

/** An exact decimal: `coefficient × 10^exponent`. */
interface Decimal {
  readonly coefficient: bigint;
  readonly exponent: number;
}

/** shopspring/decimal's `NewFromFloat`: the shortest decimal that reads back as `f`. */
function decimalFromFloat(f: number, name: string): Decimal {
  if (!Number.isFinite(f)) {
    throw unsupported(`${name} of an infinite or NaN float (shopspring/decimal panics on it)`);
  }
  const [mantissa, exp] = f.toExponential().split('e') as [string, string];
  const [whole, frac = ''] = mantissa.split('.') as [string, string?];
  return { coefficient: BigInt(whole + frac), exponent: Number(exp) - frac.length };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const e = Math.min(a.exponent, b.exponent);
  return [a.coefficient * 10n ** BigInt(a.exponent - e), b.coefficient * 10n ** BigInt(b.exponent - e), e];
}

function decimalToFloat(d: Decimal): number {
  return Number(`${d.coefficient}e${d.exponent}`);
}

/** `a / b` rounded to 16 decimal places, half away from zero (shopspring's `Div`). */
function decimalDivide(a: Decimal, b: Decimal): Decimal {
  if (b.coefficient === 0n) {
    throw new CallFailure('decimal division by zero');
  }
  const precision = 16;
  // a / b = (ca / cb) × 10^(ea − eb); scaled to 10^-precision.
  const shift = a.exponent - b.exponent + precision;
  let num = a.coefficient;
  let den = b.coefficient;
  if (shift >= 0) {
    num *= 10n ** BigInt(shift);
  } else {
    den *= 10n ** BigInt(-shift);
  }
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let q = n / d;
  if ((n % d) * 2n >= d) {
    q += 1n;
  }
  return { coefficient: negative ? -q : q, exponent: -precision };
}

type DecimalOp = 'add' | 'sub' | 'mul' | 'div';

function decimalOp(name: string, op: DecimalOp, first: Value, rest: readonly Value[]): GoFloat {
  let acc = decimalFromFloat(toFloat64(first), name);
  for (const x of rest) {
    const d = decimalFromFloat(toFloat64(x), name);
    if (op === 'mul') {
      acc = { coefficient: acc.coefficient * d.coefficient, exponent: acc.exponent + d.exponent };
    } else if (op === 'div') {
      acc = decimalDivide(acc, d);
    } else {
      const [ca, cb, e] = align(acc, d);
      acc = { coefficient: op === 'add' ? ca + cb : ca - cb, exponent: e };
    }
  }
  return new GoFloat(decimalToFloat(acc));
}

/** Sprig's `untilStep`, for the function `name` that calls it. */
function untilStep(name: string, start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (stop < start ? step >= 0 : step <= 0) {
    return out;
  }
  const count = Math.ceil(Math.abs(stop - start) / Math.abs(step));
  if (count > MAX_ITEMS) {
    throw unsupported(`${name} building a list of more than ${MAX_ITEMS} integers`);
  }
  for (let i = start; stop < start ? i > stop : i < stop; i += step) {
    out.push(i);
  }
  return out;
}

const intList = (items: number[]) => withGoType(items, '[]int');

/** Sprig's `seq`, like the Unix command: `seq 3` is "1 2 3", `seq 0 2 5` is "0 2 4". */
function seq(params: readonly number[]): string {
  let start: number;
  let end: number;
  let step: number;
  let increment = 1;
  switch (params.length) {
    case 1:
      start = 1;
      end = params[0]!;
      if (end < start) {
        increment = -1;
      }
      step = increment;
      break;
    case 2:
      start = params[0]!;
      end = params[1]!;
      increment = end < start ? -1 : 1;
      step = increment;
      break;
    case 3:
      start = params[0]!;
      end = params[2]!;
      step = params[1]!;
      if (end < start) {
        increment = -1;
        if (step > 0) {
          return '';
        }
      }
      break;
    default:
      return '';
  }
  return untilStep('seq', start, end + increment, step).join(' ');
}

/** Sprig's `round`: Go's float arithmetic, half up (or at `roundOn`) on the digit past `places`. */
function round(value: Value, places: number, roundOn: number): GoFloat {
  if (places < 0 || places > 22) {
    throw unsupported("round to fewer than 0 or more than 22 places (Go's math.Pow may differ from JavaScript's there)");
  }
  const pow = 10 ** places;
  const digit = pow * toFloat64(value);
  const frac = digit % 1;
  const rounded = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return new GoFloat(rounded / pow);
}

/** Sprig's math functions. */
export const MATH_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['add1', fixed(['any'], ([a]) => i64(toInt64(a) + 1, 'add1'))],
  [
    'add',
    variadic(['any'], (args) =>
      i64(
        args.reduce<number>((sum, a) => sum + toInt64(a), 0),
        'add',
      ),
    ),
  ],
  ['sub', fixed(['any', 'any'], ([a, b]) => i64(toInt64(a) - toInt64(b), 'sub'))],
  ['div', fixed(['any', 'any'], ([a, b]) => intDivide('div', toInt64(a), toInt64(b)))],
  ['mod', fixed(['any', 'any'], ([a, b]) => intDivide('mod', toInt64(a), toInt64(b)))],
  [
    'mul',
    variadic(['any', 'any'], ([a, ...rest]) =>
      i64(
        rest.reduce<number>((p, b) => p * toInt64(b), toInt64(a)),
        'mul',
      ),
    ),
  ],
  ['add1f', fixed(['any'], ([a]) => decimalOp('add1f', 'add', a, [1]))],
  ['addf', variadic(['any'], (args) => decimalOp('addf', 'add', new GoFloat(0), args))],
  ['subf', variadic(['any', 'any'], ([a, ...rest]) => decimalOp('subf', 'sub', a, rest))],
  ['divf', variadic(['any', 'any'], ([a, ...rest]) => decimalOp('divf', 'div', a, rest))],
  ['mulf', variadic(['any', 'any'], ([a, ...rest]) => decimalOp('mulf', 'mul', a, rest))],
  ['biggest', variadic(['any', 'any'], ([a, ...rest]) => new GoInt64(rest.reduce<number>((m, b) => Math.max(m, toInt64(b)), toInt64(a))))],
  ['max', variadic(['any', 'any'], ([a, ...rest]) => new GoInt64(rest.reduce<number>((m, b) => Math.max(m, toInt64(b)), toInt64(a))))],
  ['min', variadic(['any', 'any'], ([a, ...rest]) => new GoInt64(rest.reduce<number>((m, b) => Math.min(m, toInt64(b)), toInt64(a))))],
  ['maxf', variadic(['any', 'any'], ([a, ...rest]) => new GoFloat(rest.reduce<number>((m, b) => Math.max(m, toFloat64(b)), toFloat64(a))))],
  ['minf', variadic(['any', 'any'], ([a, ...rest]) => new GoFloat(rest.reduce<number>((m, b) => Math.min(m, toFloat64(b)), toFloat64(a))))],
  ['floor', fixed(['any'], ([a]) => new GoFloat(Math.floor(toFloat64(a))))],
  ['ceil', fixed(['any'], ([a]) => new GoFloat(Math.ceil(toFloat64(a))))],
  [
    'round',
    variadic(['any', 'int', 'float64'], ([a, places, ...options]) =>
      round(a, int(places), options.length > 0 ? (options[0] as GoFloat).value : 0.5),
    ),
  ],
  ['seq', variadic(['int'], (params) => seq(params as number[]))],
  ['until', fixed(['int'], ([count]) => intList(untilStep('until', 0, int(count), int(count) < 0 ? -1 : 1)))],
  ['untilStep', fixed(['int', 'int', 'int'], ([start, stop, step]) => intList(untilStep('untilStep', int(start), int(stop), int(step))))],
];
