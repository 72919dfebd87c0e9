import { CallFailure, fixed, int, str, TemplateFunction } from '../function-signature';
import { withGoType } from '../template-values';
import { compileGoRegexp, findAll, GoRegexp, GoRegexpSyntaxError, quoteMeta, replaceAll, split } from './go-regexp';

/*
 * Sprig's regular expression functions (regex.go, v3.3). For a pattern Go cannot compile,
 * `regexMatch` is false (it drops MatchString's error); the other plain forms call
 * regexp.MustCompile, whose panic text/template turns into an error ("regexp: Compile(`…`):
 * error parsing regexp: …"); the must* forms return the parse error. Both fail the template
 * (CG704); the message gives Go's reason without the pattern.
 */

const strings = (items: string[]) => withGoType(items, '[]string');

type Compiled = (pattern: string) => GoRegexp;

/** regexp.MustCompile as the plain forms call it: a panic text/template reports. */
const mustCompile: Compiled = (pattern) => {
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
const compile: Compiled = (pattern) => {
  try {
    return compileGoRegexp(pattern);
  } catch (e) {
    if (e instanceof GoRegexpSyntaxError) {
      throw new CallFailure(e.message);
    }
    throw e;
  }
};

function both(name: string, f: (c: Compiled) => TemplateFunction): Array<readonly [string, TemplateFunction]> {
  return [
    [name, f(mustCompile)],
    [`must${name[0]!.toUpperCase()}${name.slice(1)}`, f(compile)],
  ];
}

/** Sprig's regular expression functions. */
export const REGEX_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  [
    'regexMatch',
    fixed(['string', 'string'], ([re, s]) => {
      try {
        return findAll(compileGoRegexp(str(re)), str(s), 1).length > 0;
      } catch (e) {
        if (e instanceof GoRegexpSyntaxError) {
          return false;
        }
        throw e;
      }
    }),
  ],
  ['mustRegexMatch', fixed(['string', 'string'], ([re, s]) => findAll(compile(str(re)), str(s), 1).length > 0)],
  ...both('regexFindAll', (c) =>
    fixed(['string', 'string', 'int'], ([re, s, n]) =>
      strings(findAll(c(str(re)), str(s), int(n)).map((m) => str(s).slice(m[0]![0], m[0]![1]))),
    ),
  ),
  ...both('regexFind', (c) =>
    fixed(['string', 'string'], ([re, s]) => {
      const [m] = findAll(c(str(re)), str(s), 1);
      return m ? str(s).slice(m[0]![0], m[0]![1]) : '';
    }),
  ),
  ...both('regexReplaceAll', (c) =>
    fixed(['string', 'string', 'string'], ([re, s, repl]) => replaceAll(c(str(re)), str(s), str(repl), false)),
  ),
  ...both('regexReplaceAllLiteral', (c) =>
    fixed(['string', 'string', 'string'], ([re, s, repl]) => replaceAll(c(str(re)), str(s), str(repl), true)),
  ),
  ...both('regexSplit', (c) => fixed(['string', 'string', 'int'], ([re, s, n]) => strings(split(c(str(re)), str(s), int(n))))),
  ['regexQuoteMeta', fixed(['string'], ([s]) => quoteMeta(str(s)))],
];
