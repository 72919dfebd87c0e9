import { Problem } from '../errors';
import { findNonPlainValues, Values } from '../synth/values';

/** Problems with values given to a construct: anything that is not plain data. */
export function problemsOfValues(values: Values, constructPath: string, what: string): Problem[] {
  return findNonPlainValues(values).map((p) => ({
    code: 'CG107',
    constructPath,
    message: `${what} at key "${p.keyPath}" is ${p.received}, which is not plain data.`,
    fix: 'Use only strings, numbers, booleans, null, lists and plain objects in values.',
  }));
}
