import { CallFailure, CallMeter, fixed, int, str, TemplateFunction } from '../function-signature';
import { withGoType } from '../template-values';
import { compileGoRegexp, findAll, GoRegexp, GoRegexpSyntaxError, quoteMeta, replaceAll, SearchCharge, split } from './go-regexp';

/*
 * Sprig's regular expression functions (regex.go, v3.3). For a pattern Go cannot compile,
 * `regexMatch` is false (it drops MatchString's error); the other plain forms call
 * regexp.MustCompile, whose panic text/template turns into an error ("regexp: Compile(`…`):
 * error parsing regexp: …"); the must* forms return the parse error. Both fail the template
 * (CG704); the message gives Go's reason without the pattern.
 *
 * Each search is charged to the execution's work budget before it runs (go-regexp.ts says how),
 * so a pattern that makes Go's regexp quadratic on a long text stops the execution with CG701
 * naming the function, not after minutes.
 */

const SEARCH_FIX =
  "Use a simpler pattern or a shorter text: Go's regexp takes time proportional to the pattern's program times the text each search scans, and regexFindAll, regexReplaceAll and regexSplit search the rest of the text again after each match.";

const strings = (items: string[]) => withGoType(items, '[]string');

type Compiled = (pattern: string, meter: CallMeter, name: string) => GoRegexp;

/** regexp.MustCompile as the plain forms call it: a panic text/template reports. */
const mustCompile: Compiled = (pattern, meter, name) => {
  chargeCompile(meter, name, pattern);
  try {
    return compileGoRegexp(pattern);
  } catch (e) {
    if (e instanceof GoRegexpSyntaxError) {
      throw new CallFailure(`regexp: Compile: ${e.message}`);
    }
    throw e;
  }
};

/** regexp.Compile as the must* forms call it: the error returned. */
const compile: Compiled = (pattern, meter, name) => {
  chargeCompile(meter, name, pattern);
  try {
    return compileGoRegexp(pattern);
  } catch (e) {
    if (e instanceof GoRegexpSyntaxError) {
      throw new CallFailure(e.message);
    }
    throw e;
  }
};

/**
 * What compiling a pattern is charged per character of its text: re2js compiles in time that
 * grows faster than the pattern (a pattern of 200,000 characters takes more than a second), so a
 * pattern of a few ten thousand characters is the most one execution compiles.
 */
const COMPILE_COST = 1024;

/** The patterns each execution (each meter) has paid to compile: a pattern is charged once per execution. */
const compiledIn = new WeakMap<CallMeter, Set<string>>();

/** Charges `name`'s compiling of `pattern` to the execution, the first time it compiles it. */
function chargeCompile(meter: CallMeter, name: string, pattern: string): void {
  let seen = compiledIn.get(meter);
  if (seen === undefined) {
    seen = new Set();
    compiledIn.set(meter, seen);
  }
  if (seen.has(pattern)) {
    return;
  }
  meter.charge(
    pattern.length * COMPILE_COST,
    () => `${name} compiling a pattern of ${pattern.length} characters, each charged ${COMPILE_COST}`,
    SEARCH_FIX,
  );
  seen.add(pattern);
}

/** The charge of `name`'s searches with `re` over `s`, described by sizes only (never the pattern or the text). */
function searching(meter: CallMeter, name: string, re: GoRegexp, s: string): SearchCharge {
  let searches = 0;
  return {
    name,
    charge: (units) => {
      if (units > 0) {
        searches++;
      }
      meter.charge(
        units,
        () =>
          `${name}: a pattern of ${re.size} instructions searching a text of ${s.length} characters${searches > 1 ? ` (search ${searches} of the call)` : ''}, each search charged the program size times the characters after its start`,
        SEARCH_FIX,
      );
    },
  };
}

function both(name: string, f: (c: Compiled, name: string) => TemplateFunction): Array<readonly [string, TemplateFunction]> {
  const must = `must${name[0]!.toUpperCase()}${name.slice(1)}`;
  return [
    [name, f(mustCompile, name)],
    [must, f(compile, must)],
  ];
}

/** Sprig's regular expression functions. */
export const REGEX_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  [
    'regexMatch',
    fixed(['string', 'string'], ([re, s], meter) => {
      let compiled: GoRegexp;
      chargeCompile(meter, 'regexMatch', str(re));
      try {
        compiled = compileGoRegexp(str(re));
      } catch (e) {
        if (e instanceof GoRegexpSyntaxError) {
          return false;
        }
        throw e;
      }
      return findAll(compiled, str(s), 1, searching(meter, 'regexMatch', compiled, str(s))).length > 0;
    }),
  ],
  [
    'mustRegexMatch',
    fixed(['string', 'string'], ([re, s], meter) => {
      const compiled = compile(str(re), meter, 'mustRegexMatch');
      return findAll(compiled, str(s), 1, searching(meter, 'mustRegexMatch', compiled, str(s))).length > 0;
    }),
  ],
  ...both('regexFindAll', (c, name) =>
    fixed(['string', 'string', 'int'], ([re, s, n], meter) => {
      const compiled = c(str(re), meter, name);
      const text = str(s);
      return strings(findAll(compiled, text, int(n), searching(meter, name, compiled, text)).map((m) => text.slice(m[0]![0], m[0]![1])));
    }),
  ),
  ...both('regexFind', (c, name) =>
    fixed(['string', 'string'], ([re, s], meter) => {
      const compiled = c(str(re), meter, name);
      const text = str(s);
      const [m] = findAll(compiled, text, 1, searching(meter, name, compiled, text));
      return m ? text.slice(m[0]![0], m[0]![1]) : '';
    }),
  ),
  ...both('regexReplaceAll', (c, name) =>
    fixed(['string', 'string', 'string'], ([re, s, repl], meter) => {
      const compiled = c(str(re), meter, name);
      return replaceAll(compiled, str(s), str(repl), false, searching(meter, name, compiled, str(s)));
    }),
  ),
  ...both('regexReplaceAllLiteral', (c, name) =>
    fixed(['string', 'string', 'string'], ([re, s, repl], meter) => {
      const compiled = c(str(re), meter, name);
      return replaceAll(compiled, str(s), str(repl), true, searching(meter, name, compiled, str(s)));
    }),
  ),
  ...both('regexSplit', (c, name) =>
    fixed(['string', 'string', 'int'], ([re, s, n], meter) => {
      const compiled = c(str(re), meter, name);
      return strings(split(compiled, str(s), int(n), searching(meter, name, compiled, str(s))));
    }),
  ),
  ['regexQuoteMeta', fixed(['string'], ([s]) => quoteMeta(str(s)))],
];
