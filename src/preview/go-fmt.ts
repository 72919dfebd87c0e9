import { formatGoFloat, GoFloat } from './go-float';
import { compareGoStrings, goQuote, isRawByte, toGoBytes } from './go-strings';
import { GoInt64, goTypeName, hasGoType, isList, unsupported, Value } from './template-values';

/*
 * Go's fmt (Sprint, Sprintln, Sprintf) over template values: the verbs %v %s %d %q %x %X %o %O
 * %b %c %U %e %E %f %F %g %G %t %T %%, the flags + - # space 0, widths and precisions (also
 * from `*`), and Go's in-band reports (%!d(string=x), %!s(MISSING), %!(EXTRA …), %!(NOVERB),
 * %!(BADWIDTH), %!(BADPREC)). Floats are rounded from their exact binary value, half to even,
 * as strconv does. Go syntax (%#v, %+v), argument indexes (%[1]d), hexadecimal and binary
 * floats and zero-padded strings are refused with CG701 rather than approximated.
 */

const FIX = 'Use the verbs %v %s %d %q %x %X %o %b %c %U %e %f %g %t %T with flags, widths and precisions.';

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

const runeCount = (s: string): number => [...s].length;

function pad(s: string, f: Spec): string {
  if (f.width === undefined) {
    return s;
  }
  const n = f.width - runeCount(s);
  if (n <= 0) {
    return s;
  }
  if (f.minus) {
    return s + ' '.repeat(n);
  }
  return (f.zero ? '0' : ' ').repeat(n) + s;
}

/** The Go type of a value for %T and the in-band reports; a list of strings is ambiguous. */
function typeName(v: Value, verb: string): string {
  if (isList(v) && !hasGoType(v) && goTypeName(v) === '[]string') {
    throw unsupported(
      `printf ${verb === 'T' ? '%T' : 'with extra arguments'} of a list of strings (Go holds it as []string or []interface {}, which the preview does not tell apart)`,
      FIX,
    );
  }
  return goTypeName(v);
}

function badVerb(v: Value, verb: string, f: Spec): string {
  if (v === undefined || v === null) {
    return `%!${verb}(<nil>)`;
  }
  return `%!${verb}(${goTypeName(v)}=${formatArg(v, 'v', f, 1)})`;
}

// ---- integers

function fmtInteger(n: number, base: number, verb: string, f: Spec): string {
  const negative = n < 0;
  let digits = Math.abs(n).toString(base);
  if (verb === 'X') {
    digits = digits.toUpperCase();
  }
  let prec = 0;
  if (f.prec !== undefined) {
    prec = f.prec;
    if (prec === 0 && n === 0) {
      return pad('', { ...f, zero: false });
    }
  } else if (f.zero && !f.minus && f.width !== undefined) {
    prec = f.width - (negative || f.plus || f.space ? 1 : 0);
  }
  digits = digits.padStart(prec, '0');
  if (f.sharp) {
    if (base === 2) {
      digits = `0b${digits}`;
    } else if (base === 8 && !digits.startsWith('0')) {
      digits = `0${digits}`;
    } else if (base === 16) {
      digits = `0${verb === 'X' ? 'X' : 'x'}${digits}`;
    }
  }
  if (verb === 'O') {
    digits = `0o${digits}`;
  }
  const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + digits, { ...f, zero: false });
}

function validRune(n: number): string {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function quoteRune(n: number, ascii: boolean): string {
  const ch = validRune(n);
  if (ch === "'") {
    return "'\\''";
  }
  if (ch === '"') {
    return `'"'`;
  }
  const q = ascii ? quoteASCII(ch) : goQuote(ch);
  return `'${q.slice(1, -1)}'`;
}

function quoteASCII(s: string): string {
  const q = goQuote(s);
  let out = '';
  for (const ch of q) {
    const c = ch.codePointAt(0)!;
    out += c < 0x80 ? ch : c < 0x10000 ? `\\u${c.toString(16).padStart(4, '0')}` : `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out;
}

/** Formats an integer; `typed` is the operand as given (an int, or an int64 as {@link GoInt64}). */
function formatInt(n: number, verb: string, f: Spec, typed: Value = n): string {
  switch (verb) {
    case 'v':
    case 'd':
      return fmtInteger(n, 10, verb, f);
    case 'b':
      return fmtInteger(n, 2, verb, f);
    case 'o':
    case 'O':
      return fmtInteger(n, 8, verb, f);
    case 'x':
    case 'X':
      return fmtInteger(n, 16, verb, f);
    case 'c':
      refuseZeroPaddedText(f, 'a character');
      return pad(validRune(n), f);
    case 'q':
      refuseZeroPaddedText(f, 'a character');
      return pad(quoteRune(n, f.plus), f);
    case 'U': {
      let digits = (n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n)).toString(16).toUpperCase();
      digits = digits.padStart(Math.max(4, f.prec ?? 0), '0');
      let out = `U+${digits}`;
      const ch = validRune(n);
      if (f.sharp && n <= 0x10ffff && PRINTABLE.test(ch)) {
        out += ` '${ch}'`;
      }
      return pad(out, { ...f, zero: false });
    }
    default:
      return badVerb(typed, verb, f);
  }
}

// ---- floats

/** The exact decimal digits of |x| (no trailing zeros) and the place of the point. */
function exactDecimal(x: number): { digits: string; dp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (exponent === 0) {
    e2 = -1074;
  } else {
    mantissa |= 1n << 52n;
    e2 = exponent - 1075;
  }
  if (mantissa === 0n) {
    return { digits: '', dp: 0 };
  }
  let digits: string;
  let dp: number;
  if (e2 >= 0) {
    digits = (mantissa << BigInt(e2)).toString();
    dp = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-e2)).toString();
    dp = digits.length + e2;
  }
  return { digits: digits.replace(/0+$/, ''), dp };
}

/** Rounds to `nd` digits, half to even on an exact tie (strconv's decimal rounding). */
function roundDigits(d: { digits: string; dp: number }, nd: number): { digits: string; dp: number } {
  if (nd < 0) {
    return { digits: '', dp: d.dp };
  }
  if (nd >= d.digits.length) {
    return d;
  }
  const next = d.digits[nd]!;
  let up: boolean;
  if (next !== '5') {
    up = next > '5';
  } else if (nd + 1 < d.digits.length) {
    up = true;
  } else {
    up = nd > 0 && Number(d.digits[nd - 1]) % 2 === 1;
  }
  let kept = d.digits.slice(0, nd);
  let dp = d.dp;
  if (up) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === '9') {
      i--;
    }
    if (i < 0) {
      kept = '1';
      dp++;
    } else {
      kept = kept.slice(0, i) + String(Number(kept[i]) + 1);
    }
  }
  return { digits: kept.replace(/0+$/, ''), dp };
}

function fmtE(d: { digits: string; dp: number }, prec: number, upper: boolean): string {
  const first = d.digits[0] ?? '0';
  const rest = d.digits.slice(1).padEnd(prec, '0').slice(0, prec);
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const e = Math.abs(exp);
  return `${first}${prec > 0 ? `.${rest}` : ''}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
}

function fmtF(d: { digits: string; dp: number }, prec: number): string {
  const whole = d.dp > 0 ? d.digits.slice(0, d.dp).padEnd(d.dp, '0') : '0';
  let frac = '';
  for (let i = 0; i < prec; i++) {
    const j = d.dp + i;
    frac += j >= 0 && j < d.digits.length ? d.digits[j] : '0';
  }
  return prec > 0 ? `${whole}.${frac}` : whole;
}

/** strconv.FormatFloat(|x|, verb, prec, 64) for e, E, f, g, G (prec -1 is the shortest). */
function formatFloatBody(x: number, verb: string, prec: number): string {
  const exact = exactDecimal(x);
  switch (verb) {
    case 'e':
    case 'E':
      return fmtE(roundDigits(exact, prec + 1), prec, verb === 'E');
    case 'f':
      return fmtF(roundDigits(exact, exact.dp + prec), prec);
    default: {
      if (prec < 0) {
        const shortest = formatGoFloat(Math.abs(x));
        return verb === 'G' ? shortest.toUpperCase() : shortest;
      }
      const p = prec === 0 ? 1 : prec;
      const d = roundDigits(exact, p);
      const nd = d.digits.length;
      let eprec = p;
      if (eprec > nd && nd >= d.dp) {
        eprec = nd;
      }
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        return fmtE(d, Math.min(p, nd) - 1 < 0 ? 0 : Math.min(p, nd) - 1, verb === 'G');
      }
      return fmtF(d, Math.max((p > d.dp ? nd : p) - d.dp, 0));
    }
  }
}

function formatFloat(x: number, verb: string, f: Spec): string {
  let v = verb;
  let prec: number;
  switch (verb) {
    case 'v':
      v = 'g';
      prec = -1;
      break;
    case 'g':
    case 'G':
      prec = -1;
      break;
    case 'e':
    case 'E':
    case 'f':
      prec = 6;
      break;
    case 'F':
      v = 'f';
      prec = 6;
      break;
    case 'b':
    case 'x':
    case 'X':
      throw unsupported(`printf %${verb} of a float`, FIX);
    default:
      return badVerb(new GoFloat(x), verb, f);
  }
  if (f.sharp) {
    throw unsupported(`printf %#${verb} of a float`, FIX);
  }
  if (f.prec !== undefined) {
    prec = f.prec;
  }
  const negative = x < 0 || Object.is(x, -0);
  let num: string;
  if (Number.isNaN(x)) {
    num = 'NaN';
  } else if (!Number.isFinite(x)) {
    num = 'Inf';
  } else {
    num = formatFloatBody(x, v, prec);
  }
  let sign = negative && !Number.isNaN(x) ? '-' : '+';
  if (f.space && sign === '+' && !f.plus) {
    sign = ' ';
  }
  if (num === 'Inf' || num === 'NaN') {
    const s = num === 'NaN' && !f.space && !f.plus ? num : sign + num;
    return pad(s, { ...f, zero: false });
  }
  if (f.plus || sign !== '+') {
    const full = sign + num;
    if (f.zero && !f.minus && f.width !== undefined && f.width > full.length) {
      return sign + '0'.repeat(f.width - full.length) + num;
    }
    return pad(full, f);
  }
  return pad(num, f);
}

// ---- strings and the rest

/**
 * strconv.CanBackquote: no backquote, no control character but tab, no U+FEFF, and valid
 * UTF-8 (no raw byte, see go-strings.ts).
 */
function canBackquote(s: string): boolean {
  return [...s].every((ch) => {
    const c = ch.codePointAt(0)!;
    return ch !== '`' && c !== 0xfeff && c !== 0x7f && (c >= 0x20 || ch === '\t') && !isRawByte(c);
  });
}

/** Zero padding of text (a string, a bool, a character) changed across Go versions: refused. */
function refuseZeroPaddedText(f: Spec, what: string): void {
  if (f.zero && f.width !== undefined && !f.minus) {
    throw unsupported(`printf zero padding of ${what} (%0N…)`, FIX);
  }
}

function formatString(s: string, verb: string, f: Spec): string {
  refuseZeroPaddedText(f, 'a string');
  const truncated = f.prec !== undefined ? [...s].slice(0, f.prec).join('') : s;
  switch (verb) {
    case 'v':
    case 's':
      return pad(truncated, f);
    case 'q': {
      if (f.sharp && canBackquote(truncated)) {
        return pad(`\`${truncated}\``, f);
      }
      return pad(f.plus ? quoteASCII(truncated) : goQuote(truncated), f);
    }
    case 'x':
    case 'X': {
      let bytes = [...toGoBytes(s)];
      if (f.prec !== undefined) {
        bytes = bytes.slice(0, f.prec);
      }
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).map((h) => (verb === 'X' ? h.toUpperCase() : h));
      const prefix = verb === 'X' ? '0X' : '0x';
      let out: string;
      if (f.space) {
        out = hex.map((h) => (f.sharp ? prefix + h : h)).join(' ');
      } else {
        out = (f.sharp && hex.length > 0 ? prefix : '') + hex.join('');
      }
      return pad(out, f);
    }
    default:
      return badVerb(s, verb, f);
  }
}

/** Formats one operand as fmt's printArg/printValue do; `depth` > 0 inside lists and maps. */
function formatArg(v: Value, verb: string, f: Spec, depth: number): string {
  if (v === undefined || v === null) {
    refuseZeroPaddedText(f, 'nil');
    if (depth > 0 || verb === 'v' || verb === 'T') {
      return pad('<nil>', f);
    }
    return badVerb(v, verb, f);
  }
  if (verb === 'T' && depth === 0) {
    refuseZeroPaddedText(f, 'a type name');
    return pad(typeName(v, 'T'), f);
  }
  if (typeof v === 'boolean') {
    refuseZeroPaddedText(f, 'a bool');
    return verb === 't' || verb === 'v' ? pad(String(v), f) : badVerb(v, verb, f);
  }
  if (typeof v === 'number') {
    return formatInt(v, verb, f);
  }
  if (v instanceof GoInt64) {
    return formatInt(v.value, verb, f, v);
  }
  if (v instanceof GoFloat) {
    return formatFloat(v.value, verb, f);
  }
  if (typeof v === 'string') {
    return formatString(v, verb, f);
  }
  if (isList(v)) {
    return `[${v.map((e) => formatArg(e, verb, f, depth + 1)).join(' ')}]`;
  }
  const keys = Object.keys(v).sort(compareGoStrings);
  return `map[${keys.map((k) => `${formatArg(k, verb, f, depth + 1)}:${formatArg(v[k], verb, f, depth + 1)}`).join(' ')}]`;
}

const NO_FLAGS: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false };

/**
 * fmt's formatting of one operand with a plain verb, as Sprint (%v) and Sprintf give it: lists
 * as `[a b]`, maps as `map[k:v]` with sorted keys, a wrong verb as `%!d(string=x)`, nil as
 * `<nil>`.
 */
export function formatValue(v: Value, verb: 'v' | 's' | 'd' | 'q'): string {
  return formatArg(v, verb, NO_FLAGS, 0);
}

/** Sprig's `strval`: a string as is, anything else as fmt's %v. */
export function stringValue(v: Value): string {
  return typeof v === 'string' ? v : formatValue(v, 'v');
}

/** Go's `fmt.Sprint`: operands in %v, a space between two operands when neither is a string. */
export function goSprint(args: readonly Value[]): string {
  let out = '';
  let previousString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !previousString) {
      out += ' ';
    }
    out += formatArg(arg, 'v', NO_FLAGS, 0);
    previousString = isString;
  });
  return out;
}

/** Go's `fmt.Sprintln`: operands in %v separated by spaces, and a newline. */
export function goSprintln(args: readonly Value[]): string {
  return `${args.map((a) => formatArg(a, 'v', NO_FLAGS, 0)).join(' ')}\n`;
}

const TOO_LARGE = 1e6;

/** Go's `fmt.Sprintf`. */
export function goSprintf(format: string, args: readonly Value[]): string {
  let out = '';
  let argNum = 0;
  const end = format.length;
  let i = 0;
  const intFromArg = (): number | undefined => {
    if (argNum >= args.length) {
      return undefined;
    }
    // fmt's intFromArg takes an integer of any size (int or int64).
    const raw = args[argNum++];
    const a = raw instanceof GoInt64 ? raw.value : raw;
    return typeof a === 'number' && Math.abs(a) <= TOO_LARGE ? a : undefined;
  };
  const parseNum = (): number | undefined => {
    const m = /^[0-9]+/.exec(format.slice(i));
    if (!m) {
      return undefined;
    }
    i += m[0].length;
    const n = Number(m[0]);
    if (n > TOO_LARGE) {
      throw unsupported(`printf width or precision ${m[0]} (too large)`, FIX);
    }
    return n;
  };
  while (i < end) {
    const next = format.indexOf('%', i);
    if (next < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, next);
    i = next + 1;
    const f: Spec = { ...NO_FLAGS };
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') {
        f.sharp = true;
      } else if (c === '0') {
        f.zero = !f.minus;
      } else if (c === '+') {
        f.plus = true;
      } else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else if (c === ' ') {
        f.space = true;
      } else {
        break;
      }
    }
    if (format[i] === '[') {
      throw unsupported('printf argument indexes (%[n]d)', FIX);
    }
    if (format[i] === '*') {
      i++;
      const w = intFromArg();
      if (w === undefined) {
        out += '%!(BADWIDTH)';
      } else {
        f.width = Math.abs(w);
        if (w < 0) {
          f.minus = true;
          f.zero = false;
        }
      }
    } else {
      f.width = parseNum();
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (format[i] === '[') {
        throw unsupported('printf argument indexes (%[n]d)', FIX);
      }
      if (format[i] === '*') {
        i++;
        const p = intFromArg();
        if (p === undefined) {
          out += '%!(BADPREC)';
        } else if (p >= 0) {
          f.prec = p;
        }
      } else {
        f.prec = parseNum() ?? 0;
      }
    }
    if (format[i] === '[') {
      throw unsupported('printf argument indexes (%[n]d)', FIX);
    }
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'v' && f.sharp) {
      throw unsupported('printf %#v (Go syntax)', FIX);
    }
    if (verb === 'v' && f.plus) {
      throw unsupported('printf %+v', FIX);
    }
    out += formatArg(args[argNum++], verb, f, 0);
  }
  if (argNum < args.length) {
    const extra = args
      .slice(argNum)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a, 'EXTRA')}=${formatArg(a, 'v', NO_FLAGS, 0)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
