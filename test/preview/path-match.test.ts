import { GitOpsError } from '../../src/core/errors';
import { compilePathPattern, pathMatch } from '../../src/preview/path-match';

/** The cases of Go's `src/path/match_test.go`: pattern, name, match, bad pattern. */
const GO_MATCH_TESTS: ReadonlyArray<readonly [string, string, boolean, boolean]> = [
  ['abc', 'abc', true, false],
  ['*', 'abc', true, false],
  ['*c', 'abc', true, false],
  ['a*', 'a', true, false],
  ['a*', 'abc', true, false],
  ['a*', 'ab/c', false, false],
  ['a*/b', 'abc/b', true, false],
  ['a*/b', 'a/c/b', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false, false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true, false],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false, false],
  ['ab[c]', 'abc', true, false],
  ['ab[b-d]', 'abc', true, false],
  ['ab[e-g]', 'abc', false, false],
  ['ab[^c]', 'abc', false, false],
  ['ab[^b-d]', 'abc', false, false],
  ['ab[^e-g]', 'abc', true, false],
  ['a\\*b', 'a*b', true, false],
  ['a\\*b', 'ab', false, false],
  ['a?b', 'a☺b', true, false],
  ['a[^a]b', 'a☺b', true, false],
  ['a???b', 'a☺b', false, false],
  ['a[^a][^a][^a]b', 'a☺b', false, false],
  ['[a-ζ]*', 'α', true, false],
  ['*[a-ζ]', 'A', false, false],
  ['a?b', 'a/b', false, false],
  ['a*b', 'a/b', false, false],
  ['[\\]a]', ']', true, false],
  ['[\\-]', '-', true, false],
  ['[x\\-]', 'x', true, false],
  ['[x\\-]', '-', true, false],
  ['[x\\-]', 'z', false, false],
  ['[\\-x]', 'x', true, false],
  ['[\\-x]', '-', true, false],
  ['[\\-x]', 'a', false, false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true],
  ['a[', 'ab', false, true],
  ['a[', 'x', false, true],
  ['a/b[', 'x', false, true],
  ['*x', 'xxx', true, false],
];

describe('pathMatch', () => {
  test.each(GO_MATCH_TESTS.filter(([, , , bad]) => !bad))('matches %j against %j like Go (%j)', (pattern, name, expected) => {
    // GIVEN a well-formed pattern from Go's own tests
    // WHEN it is matched
    const result = pathMatch(pattern, name);
    // THEN the result is Go's
    expect(result).toBe(expected);
  });

  test.each(GO_MATCH_TESTS.filter(([, , , bad]) => bad))('fails when the pattern %j is malformed (name %j)', (pattern, name) => {
    // GIVEN a malformed pattern from Go's own tests
    // WHEN it is matched
    const attempt = () => pathMatch(pattern, name);
    // THEN it fails with ErrBadPattern's code and names the pattern
    expect(attempt).toThrow(GitOpsError);
    expect(attempt).toThrow(/CG705 Pattern .* is malformed \(Go path\.Match: syntax error in pattern\)/);
  });

  test('a star never crosses a slash, and ** is just two stars', () => {
    // GIVEN the seed's pattern and a double-star pattern
    // WHEN directories of several depths are matched
    // THEN only the exact depth matches
    expect(pathMatch('environments/*/*/*/*', 'environments/prod/azure/westeurope-01/payments-api')).toBe(true);
    expect(pathMatch('environments/*/*/*/*', 'environments/prod/azure/westeurope-01')).toBe(false);
    expect(pathMatch('environments/*/*/*/*', 'environments/prod/azure/westeurope-01/payments-api/x')).toBe(false);
    expect(pathMatch('environments/**', 'environments/prod')).toBe(true);
    expect(pathMatch('environments/**', 'environments/prod/azure')).toBe(false);
  });

  test('a leading slash never matches a repository-relative path', () => {
    // GIVEN an absolute-looking pattern
    // WHEN it is matched against a relative directory
    // THEN it does not match
    expect(pathMatch('/environments/*', 'environments/prod')).toBe(false);
  });

  test('a star may skip into a multi-byte character, as Go does on bytes', () => {
    // GIVEN a pattern whose star-skip lands inside "☺" (3 bytes in UTF-8)
    // WHEN it is matched
    // THEN the two "?" each take one continuation byte, as in Go
    expect(pathMatch('*??', '☺')).toBe(true);
    expect(pathMatch('??', '☺')).toBe(false);
  });

  test('fails at compile time when the pattern is malformed', () => {
    // GIVEN a malformed pattern
    // WHEN it is compiled
    // THEN it fails before any directory is matched
    expect(() => compilePathPattern('environments/[')).toThrow(/CG705 Pattern "environments\/\[" is malformed/);
  });
});

describe('compilePathPattern on patterns of literal and single-star segments', () => {
  test('gives what the byte matcher gives: each * segment read as **, which the byte matcher runs and means the same', () => {
    // GIVEN every pattern of up to three segments from *, a, ab, é and the empty one, and names
    // of up to four segments from a, ab, é, 😀 (a surrogate pair), an unpaired surrogate (which
    // UTF-8 encodes as U+FFFD), U+FFFD and the empty one
    const parts = ['*', 'a', 'ab', 'é', ''];
    const patterns: string[] = [];
    const grow = (prefix: string[], depth: number): void => {
      if (prefix.length > 0) patterns.push(prefix.join('/'));
      if (depth === 3) return;
      for (const p of parts) grow([...prefix, p], depth + 1);
    };
    grow([], 0);
    const names: string[] = [];
    const growName = (prefix: string[], depth: number): void => {
      names.push(prefix.join('/'));
      if (depth === 4) return;
      for (const p of ['a', 'ab', 'é', '😀', '\ud800', '\ufffd', '']) growName([...prefix, p], depth + 1);
    };
    growName([], 0);
    // WHEN each is matched both ways
    const differing: string[] = [];
    for (const pattern of patterns) {
      const fast = compilePathPattern(pattern);
      const bytes = compilePathPattern(
        pattern
          .split('/')
          .map((s) => (s === '*' ? '**' : s))
          .join('/'),
      );
      for (const name of names) if (fast(name) !== bytes(name)) differing.push(`${pattern} ${name}`);
    }
    // THEN they never differ (path.Match("a/*", "a/b") is true, path.Match("a/*", "a/b/c") false)
    expect(patterns.length).toBeGreaterThan(150);
    expect(differing).toEqual([]);
    expect(compilePathPattern('a/*')('a/b')).toBe(true);
    expect(compilePathPattern('a/*')('a/b/c')).toBe(false);
    expect(compilePathPattern('*')('')).toBe(true);
  });
});
