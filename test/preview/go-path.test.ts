import { goBase, goClean, goDir, goExt } from '../../src/preview/go-path';

describe('Go path functions', () => {
  test('goBase follows path.Base', () => {
    // GIVEN the cases of Go's path.Base tests
    // WHEN each is taken apart
    // THEN the last element is Go's
    expect(goBase('')).toBe('.');
    expect(goBase('.')).toBe('.');
    expect(goBase('/.')).toBe('.');
    expect(goBase('/')).toBe('/');
    expect(goBase('////')).toBe('/');
    expect(goBase('x/')).toBe('x');
    expect(goBase('abc')).toBe('abc');
    expect(goBase('abc/def')).toBe('def');
    expect(goBase('a/b/.x')).toBe('.x');
    expect(goBase('a/b/c.')).toBe('c.');
    expect(goBase('a/b/c.x')).toBe('c.x');
  });

  test('goClean follows path.Clean', () => {
    // GIVEN a selection of Go's path.Clean tests
    const cases: Array<[string, string]> = [
      ['', '.'],
      ['abc', 'abc'],
      ['abc/def', 'abc/def'],
      ['a/b/c', 'a/b/c'],
      ['.', '.'],
      ['..', '..'],
      ['../..', '../..'],
      ['../../abc', '../../abc'],
      ['/abc', '/abc'],
      ['/', '/'],
      ['abc/', 'abc'],
      ['abc/def/', 'abc/def'],
      ['/abc/', '/abc'],
      ['abc//def//ghi', 'abc/def/ghi'],
      ['//abc', '/abc'],
      ['abc/./def', 'abc/def'],
      ['/./abc/def', '/abc/def'],
      ['abc/.', 'abc'],
      ['abc/def/ghi/../jkl', 'abc/def/jkl'],
      ['abc/def/../ghi/../jkl', 'abc/jkl'],
      ['abc/def/..', 'abc'],
      ['abc/def/../..', '.'],
      ['/abc/def/../..', '/'],
      ['abc/def/../../..', '..'],
      ['/abc/def/../../..', '/'],
      ['abc/def/../../../ghi/jkl/../../../mno', '../../mno'],
      ['abc/./../def', 'def'],
      ['abc//./../def', 'def'],
      ['abc/../../././../def', '../../def'],
    ];
    // WHEN each is cleaned
    // THEN the result is Go's
    for (const [input, expected] of cases) {
      expect([input, goClean(input)]).toEqual([input, expected]);
    }
  });

  test('goDir and goExt follow path.Dir and path.Ext', () => {
    // GIVEN paths with and without directories and extensions
    // WHEN they are taken apart
    // THEN the results are Go's
    expect(goDir('')).toBe('.');
    expect(goDir('a')).toBe('.');
    expect(goDir('/a')).toBe('/');
    expect(goDir('a/b/c')).toBe('a/b');
    expect(goDir('a/b/')).toBe('a/b');
    expect(goExt('path.go')).toBe('.go');
    expect(goExt('path.pb.go')).toBe('.go');
    expect(goExt('a.dir/b')).toBe('');
    expect(goExt('a.dir/b.go')).toBe('.go');
    expect(goExt('a.dir/')).toBe('');
  });
});
