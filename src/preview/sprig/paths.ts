import { fixed, str, TemplateFunction } from '../function-signature';
import { goBase, goClean, goDir, goExt } from '../go-path';

/*
 * Sprig's path functions: Go's `path` package, and `path/filepath`, which on the Linux host
 * Argo CD runs on is the same.
 */

const base = fixed(['string'], ([s]) => goBase(str(s)));
const dir = fixed(['string'], ([s]) => goDir(str(s)));
const clean = fixed(['string'], ([s]) => goClean(str(s)));
const ext = fixed(['string'], ([s]) => goExt(str(s)));
const isAbs = fixed(['string'], ([s]) => str(s).startsWith('/'));

/** Sprig's path functions. */
export const PATH_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['base', base],
  ['dir', dir],
  ['clean', clean],
  ['ext', ext],
  ['isAbs', isAbs],
  ['osBase', base],
  ['osDir', dir],
  ['osClean', clean],
  ['osExt', ext],
  ['osIsAbs', isAbs],
];
