import { formatFindings } from '../../src/cli/check-format';
import type { Finding } from '../../src/workspace/check';

const finding = (path: string, message: string): Finding =>
  ({ kind: 'stray-file', code: 'CG403', path, message, fix: 'Remove it.' }) as Finding;

describe('formatFindings', () => {
  test('groups findings alike but for their place, counting beyond the first three', () => {
    const text = formatFindings(['a', 'b', 'c', 'd', 'e'].map((n) => finding(`x/${n}`, `File ${n} is stray.`)));
    expect(text).toBe(
      '[stray-file] CG403 x/a: File a is stray.\n    Fix: Remove it.\n    … and 4 more CG403 like it: x/b, x/c, x/d and 1 more.\n5 findings.\n',
    );
  });

  test('keeps apart findings whose messages differ beyond their place: a one-letter path leaves the words of the message alone', () => {
    const text = formatFindings([finding('e', 'Remove e: stale.'), finding('f', 'Remove f: edited.')]);
    expect(text.split('\n').filter((l) => l.startsWith('['))).toEqual([
      '[stray-file] CG403 e: Remove e: stale.',
      '[stray-file] CG403 f: Remove f: edited.',
    ]);
  });
});
