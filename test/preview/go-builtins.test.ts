import { GoFloat } from '../../src/preview/go-float';
import { GO_BUILTINS } from '../../src/preview/go-builtins';
import { UNMETERED } from '../../src/preview/function-signature';
import { CallFailure } from '../../src/preview/template-functions';
import { TemplateFailure, Value } from '../../src/preview/template-values';

/*
 * Go's builtin slice (text/template/funcs.go). In Argo CD a template's `slice` is Sprig's,
 * which Go looks up first; Go's builtin is checked here on its own, with the results Go gives.
 */

const slice = (...args: Value[]) => GO_BUILTINS.get('slice')!.call(args, UNMETERED);

function failure(...args: Value[]): Error {
  try {
    slice(...args);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected slice to fail');
}

describe("Go's builtin slice", () => {
  test('cuts lists and strings as x[i:j] and x[i:j:k] do', () => {
    // GIVEN a list and a string
    const list = ['environments', 'prod', 'azure', 'westeurope-01', 'payments-api'];
    // WHEN they are sliced
    // THEN Go's results (strings by bytes)
    expect(slice(list, 1, 3)).toEqual(['prod', 'azure']);
    expect(slice(list, 3)).toEqual(['westeurope-01', 'payments-api']);
    expect(slice(list)).toEqual(list);
    expect(slice(list, 1, 2, 3)).toEqual(['prod']);
    expect(slice('abcdef', 1, 3)).toBe('bc');
    expect(slice('abc', 3)).toBe('');
  });

  test.each<[Value[], string]>([
    [['abc', 2, 1], 'invalid slice index: the first index is above the second'], // Go: "2 > 1"
    [['abc', 0, 1, 2], 'cannot 3-index slice a string'],
    // Go adds the index (": 4"); the preview's messages hold no values.
    [['abc', 4], 'index out of range'],
    [['abc', -1], 'index out of range'],
    [['abc', 'x'], 'cannot index slice/array with type string'],
    [[new GoFloat(3), 1], "can't slice item of type float64"],
    [[undefined], 'slice of untyped nil'],
    [[['a'], 0, 1, 1, 1], 'too many slice indexes: 4'],
  ])('fails as Go does when %j', (args, reason) => {
    // GIVEN arguments Go refuses  WHEN sliced
    const e = failure(...args);
    // THEN Go's error
    expect(e).toBeInstanceOf(CallFailure);
    expect(e.message).toBe(reason);
  });

  test("fails with CG701 past a list's length, where Go reads up to a capacity the preview does not know", () => {
    // GIVEN a list sliced beyond its length
    const e = failure(['a', 'b'], 0, 3);
    // THEN the preview refuses rather than guess
    expect(e).toBeInstanceOf(TemplateFailure);
    expect((e as TemplateFailure).code).toBe('CG701');
    expect(e.message).toContain('slice past the end of a list');
  });
});
