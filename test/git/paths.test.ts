import { normalizePaths, under } from '../../src/workspace/git/paths';

describe('under', () => {
  test('covers the paths given and every file below them, not a file whose name only begins alike', () => {
    const inScope = under(['releases', 'STATUS.md', 'environments/prod/aws']);
    expect(
      ['releases', 'releases/payments-api.yaml', 'STATUS.md', 'environments/prod/aws/eu-central-1-01/svc/values.yaml'].map(inScope),
    ).toEqual([true, true, true, true]);
    expect(
      ['releases-old/x.yaml', 'STATUS.md.bak', 'environments/prod/awsx/values.yaml', 'environments/prod', 'README.md'].map(inScope),
    ).toEqual([false, false, false, false, false]);
  });

  test('"." covers every file; no paths cover none', () => {
    expect(under(['.'])('a/b/c')).toBe(true);
    expect(under([])('a')).toBe(false);
  });
});

describe('normalizePaths', () => {
  test('normalises, sorts and drops duplicates, whatever order the paths come in', () => {
    expect(normalizePaths(['b/', './a', 'a', 'c\\d', 'b//x/../y', 'B'], '/repo')).toEqual(['B', 'a', 'b', 'b/y', 'c/d']);
  });

  test('gives paths already normal, sorted and distinct as they are', () => {
    const paths = ['.cdk8s-gitops/manifest.json', 'STATUS.md', 'environments/dev/a/values.yaml', 'environments/dev/b/values.yaml'];
    expect(normalizePaths(paths, '/repo')).toEqual(paths);
    // Sorted once normalised, but not as given: sorted again.
    expect(normalizePaths(['a/./c', 'a/b'], '/repo')).toEqual(['a/b', 'a/c']);
    // Sorted with a duplicate: given once.
    expect(normalizePaths(['a', 'a', 'b'], '/repo')).toEqual(['a', 'b']);
    expect(normalizePaths(['a', 'a/', 'b'], '/repo')).toEqual(['a', 'b']);
  });

  test('orders as sort() does, by UTF-16 code units: upper case and digits before lower case', () => {
    const paths = ['z', 'Z', '10', '9', 'ä', 'a-b', 'a/b', 'a.b'];
    expect(normalizePaths(paths, '/repo')).toEqual([...paths].sort());
  });

  test('refuses a path that leaves the repository or enters .git, sorted input or not (CG512)', () => {
    expect(() => normalizePaths(['a', 'b/../../c'], '/repo')).toThrow(/CG512 Path "b\/..\/..\/c" is outside the repository/);
    expect(() => normalizePaths(['.git/config', 'a'], '/repo')).toThrow(/CG512 Path ".git\/config" is inside .git/);
    expect(() => normalizePaths(['/etc/passwd'], '/repo')).toThrow(/CG512 Path "\/etc\/passwd" is absolute/);
    expect(() => normalizePaths(['a', ''], '/repo')).toThrow(/CG512 Path "" is empty/);
  });
});

describe('normalizePaths of paths that look normal', () => {
  test.each([
    ['a', 'a'],
    ['a/b', 'a/b'],
    ['.gitx', '.gitx'],
    ['x/.git', 'x/.git'],
    ['.a', '.a'],
    ['a/.b', 'a/.b'],
    ['...', '...'],
    ['a/...', 'a/...'],
    ['./a', 'a'],
    ['a/./b', 'a/b'],
    ['a/../b', 'b'],
    ['a/..', '.'],
    ['.', '.'],
    ['a//b', 'a/b'],
    ['a/', 'a'],
    ['a\\b', 'a/b'],
  ])('gives %j as %j', (given, expected) => {
    expect(normalizePaths([given], '/repo')).toEqual([expected]);
  });

  test.each(['..', '../a', '.git', '.git/x', '/a', 'C:/x', 'c:x', ''])('refuses %j (CG512)', (given) => {
    expect(() => normalizePaths([given], '/repo')).toThrow(/CG512/);
  });
});
