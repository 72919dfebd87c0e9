import { fixed, int, str, TemplateFunction } from '../function-signature';
import { withGoType } from '../template-values';
import { compileGoRegexp, findAll, quoteMeta, replaceAll, split } from './go-regexp';

/*
 * Sprig's regular expression functions (regex.go). The plain and must* forms differ only for a
 * pattern Go cannot compile (a panic or an error, both failing the template, and `regexMatch`
 * false); the preview refuses a pattern it cannot translate exactly, whichever the form.
 */

const strings = (items: string[]) => withGoType(items, '[]string');

function both(name: string, f: TemplateFunction): Array<readonly [string, TemplateFunction]> {
  return [
    [name, f],
    [`must${name[0]!.toUpperCase()}${name.slice(1)}`, f],
  ];
}

/** Sprig's regular expression functions. */
export const REGEX_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ...both(
    'regexMatch',
    fixed(['string', 'string'], ([re, s]) => findAll(compileGoRegexp(str(re)), str(s), 1).length > 0),
  ),
  ...both(
    'regexFindAll',
    fixed(['string', 'string', 'int'], ([re, s, n]) =>
      strings(findAll(compileGoRegexp(str(re)), str(s), int(n)).map((m) => str(s).slice(m[0]![0], m[0]![1]))),
    ),
  ),
  ...both(
    'regexFind',
    fixed(['string', 'string'], ([re, s]) => {
      const [m] = findAll(compileGoRegexp(str(re)), str(s), 1);
      return m ? str(s).slice(m[0]![0], m[0]![1]) : '';
    }),
  ),
  ...both(
    'regexReplaceAll',
    fixed(['string', 'string', 'string'], ([re, s, repl]) => replaceAll(compileGoRegexp(str(re)), str(s), str(repl), false)),
  ),
  ...both(
    'regexReplaceAllLiteral',
    fixed(['string', 'string', 'string'], ([re, s, repl]) => replaceAll(compileGoRegexp(str(re)), str(s), str(repl), true)),
  ),
  ...both(
    'regexSplit',
    fixed(['string', 'string', 'int'], ([re, s, n]) => strings(split(compileGoRegexp(str(re)), str(s), int(n)))),
  ),
  ['regexQuoteMeta', fixed(['string'], ([s]) => quoteMeta(str(s)))],
];
