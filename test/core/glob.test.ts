import { globMatches } from '../../src/core/glob';

describe('globMatches', () => {
  test.each([
    ['payments-*', 'payments-api', true],
    ['payments-*', 'payments-', true],
    ['*-api', 'orders-api', true],
    ['?rders-api', 'orders-api', true],
    ['?rders-api', 'rders-api', false],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['a.b', 'axb', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
  ])('%s against %s is %s', (pattern, name, expected) => {
    // GIVEN a glob and a name
    // WHEN matched
    // THEN * is any characters, ? one, the rest literal
    expect(globMatches(pattern, name)).toBe(expected);
  });

  test('matches a hostile pattern against a long name in linear time', () => {
    // GIVEN many stars each followed by the same letter, and a name of that letter without the final one
    const pattern = `${'*a'.repeat(30)}*b`;
    const name = 'a'.repeat(10_000);
    const started = Date.now();
    // WHEN matched (a backtracking regular expression takes exponential time here)
    // THEN no match, at once
    expect(globMatches(pattern, name)).toBe(false);
    expect(globMatches(pattern, `${name}b`)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
