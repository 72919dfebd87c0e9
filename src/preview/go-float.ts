/*
 * Go's float64 as Argo CD's git files generator hands it to templates: every number a JSON or
 * YAML file holds is decoded by encoding/json into a float64, integers included, and printed
 * with fmt's %v.
 */

/**
 * A number read from a generator file: a Go `float64`. Templates print it as Go does
 * ({@link formatGoFloat}) and type errors name it `float64`, unlike the integers of template
 * literals and `len`.
 */
export class GoFloat {
  constructor(
    /** The value; always finite (encoding/json cannot hold NaN or infinities). */
    public readonly value: number,
  ) {}
}

/**
 * Go's `fmt.Sprint` of a float64 (%v, that is `strconv.FormatFloat(x, 'g', -1, 64)`): the
 * shortest decimal that reads back as `x`, in exponent form when the decimal exponent is below
 * -4 or at least 6 (strconv decides with precision 6 when the precision is the shortest):
 * `1e+06`, `1.234567e+06`, `1.5e-05`, `123456`, `0.0001`, `-0`.
 *
 * @example
 * formatGoFloat(1000000); // '1e+06'
 * formatGoFloat(3); // '3'
 */
export function formatGoFloat(x: number): string {
  if (!Number.isFinite(x)) {
    return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  }
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  // toExponential() without an argument gives the shortest digits that read back as x.
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) {
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const whole = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
  const frac = digits.length > exp + 1 ? `.${digits.slice(exp + 1)}` : '';
  return `${sign}${whole}${frac}`;
}
