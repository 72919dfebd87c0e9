/*
 * Go's number literals as text/template reads them (parse.NewNumber over strconv.ParseInt,
 * ParseUint, ParseFloat and UnquoteChar): every form of integer (decimal, 0x, 0o, 0b, a leading
 * 0 for octal, underscores between digits), floats (decimal and hexadecimal), and character
 * constants, which are integers.
 */

/** A number literal, typed as Go's `NumberNode`: which of int, uint and float64 it can be. */
export interface GoNumber {
  /** The literal as written. */
  readonly text: string;
  /** The value as an int, when the literal is an integer (or an integral float) that fits. */
  readonly int?: bigint;
  /** The value as a uint64, when it fits. */
  readonly uint?: bigint;
  /** The value as a float64, when it has one. */
  readonly float?: number;
}

/** Why a literal is not a number; the message is Go's. */
export class NumberSyntaxError extends Error {}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** strconv's `underscoreOK`: underscores only between digits, or after a base prefix. */
function underscoreOK(text: string): boolean {
  let s = text;
  if (s[0] === '+' || s[0] === '-') {
    s = s.slice(1);
  }
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw === '_') {
      return false;
    }
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(text, 0, 64) without the sign: undefined when it fails. */
function parseUnsigned(text: string): bigint | undefined {
  if (text === '') {
    return undefined;
  }
  let s = text;
  let base = 10;
  if (s[0] === '0') {
    const p = s[1]?.toLowerCase();
    if (s.length >= 3 && (p === 'b' || p === 'o' || p === 'x')) {
      base = p === 'b' ? 2 : p === 'o' ? 8 : 16;
      s = s.slice(2);
    } else {
      base = 8;
      s = s.slice(1);
    }
  }
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) {
      return undefined;
    }
    n = n * BigInt(base) + BigInt(d);
    if (n > UINT64_MAX) {
      return undefined;
    }
  }
  if (underscores && !underscoreOK(text)) {
    return undefined;
  }
  return n;
}

/** strconv.ParseFloat(text, 64): undefined when it fails or is out of range. */
function parseFloat64(text: string): number | undefined {
  const m = /^([+-]?)(0[xX])?(.*)$/.exec(text)!;
  const [, sign, hexPrefix, body] = m as unknown as [string, string, string | undefined, string];
  if (body.includes('_') && !underscoreOK(text)) {
    return undefined;
  }
  const clean = body.replace(/_/g, '');
  let value: number;
  if (hexPrefix) {
    const h = /^([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(clean);
    if (!h || (h[1] === '' && (h[2] ?? '') === '')) {
      return undefined;
    }
    const digits = `${h[1]}${h[2] ?? ''}`;
    const exp = Number(h[3]) - 4 * (h[2] ?? '').length;
    value = Number(BigInt(`0x${digits}`)) * 2 ** exp;
  } else {
    if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(clean)) {
      return undefined;
    }
    value = Number(clean);
  }
  if (!Number.isFinite(value)) {
    return undefined;
  }
  return sign === '-' ? -value : value;
}

const CHAR_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39 };

/** strconv.UnquoteChar of a character constant `'x'`: its code point. */
function charValue(text: string): number {
  const body = text.slice(1);
  const first = String.fromCodePoint(body.codePointAt(0) ?? 0);
  let value: number;
  let rest: string;
  if (body === '' || first === "'") {
    throw new NumberSyntaxError('invalid syntax');
  }
  if (first !== '\\') {
    value = first.codePointAt(0)!;
    rest = body.slice(first.length);
  } else {
    const e = body[1] ?? '';
    if (CHAR_ESCAPES[e] !== undefined) {
      value = CHAR_ESCAPES[e]!;
      rest = body.slice(2);
    } else if (e === 'x' || e === 'u' || e === 'U' || /[0-7]/.test(e)) {
      const octal = /[0-7]/.test(e);
      const n = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 3;
      const digits = octal ? body.slice(1, 1 + n) : body.slice(2, 2 + n);
      if (digits.length !== n || !(octal ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/).test(digits)) {
        throw new NumberSyntaxError('invalid syntax');
      }
      value = parseInt(digits, octal ? 8 : 16);
      if ((octal && value > 255) || ((e === 'u' || e === 'U') && (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)))) {
        throw new NumberSyntaxError('invalid syntax');
      }
      rest = body.slice((octal ? 1 : 2) + n);
    } else {
      throw new NumberSyntaxError('invalid syntax');
    }
  }
  if (rest !== "'") {
    throw new NumberSyntaxError(`malformed character constant: ${text}`);
  }
  return value;
}

/**
 * Reads a number token as Go's `parse.NewNumber` does (complex literals excluded).
 *
 * @throws NumberSyntaxError with Go's message (`illegal number syntax: "1x"`,
 * `integer overflow: "08"`, `malformed character constant: 'ab'`).
 */
export function parseGoNumber(text: string): GoNumber {
  if (text.startsWith("'")) {
    const v = BigInt(charValue(text));
    return { text, int: v, uint: v, float: Number(v) };
  }
  const negative = text.startsWith('-');
  const unsigned = text.startsWith('+') || negative ? text.slice(1) : text;
  const magnitude = parseUnsigned(unsigned);
  const uint = !negative && !text.startsWith('+') ? magnitude : undefined;
  let int: bigint | undefined;
  if (magnitude !== undefined) {
    const signed = negative ? -magnitude : magnitude;
    if (signed >= INT64_MIN && signed <= INT64_MAX) {
      int = signed;
    }
  }
  if (int !== undefined) {
    return { text, int, uint: int === 0n ? 0n : uint, float: Number(int) };
  }
  if (uint !== undefined) {
    return { text, uint, float: Number(uint) };
  }
  const f = parseFloat64(text);
  if (f === undefined) {
    throw new NumberSyntaxError(`illegal number syntax: ${JSON.stringify(text)}`);
  }
  if (!/[.eEpP]/.test(text)) {
    throw new NumberSyntaxError(`integer overflow: ${JSON.stringify(text)}`);
  }
  const integral = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
  return {
    text,
    int: integral ? BigInt(f) : undefined,
    uint: integral && f >= 0 && f < 2 ** 64 ? BigInt(f) : undefined,
    float: f,
  };
}

/**
 * Whether a literal is a float constant when nothing gives it a type (Go's `idealConstant`):
 * it has a float's syntax and is not a hexadecimal integer or a character.
 */
export function isFloatLiteral(n: GoNumber): boolean {
  // Go checks for a hexadecimal integer without a sign: -0x1e is a float, 0x1e an int.
  const hexInt = /^0[xX]./.test(n.text) && !/[pP]/.test(n.text);
  return n.float !== undefined && !hexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text);
}
