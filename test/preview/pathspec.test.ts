import { execFileSync } from 'child_process';
import { compilePathspec } from '../../src/preview';
import { makeTree, removeTree } from './fixtures';

/** Files whose names exercise every rule: depth, hidden directories, brackets, spaces, UTF-8. */
const FILES = [
  'release.json',
  'a/release.json',
  'a/b/c.json',
  'a-b/c.json',
  'environments/release.json',
  'environments/prod/release.json',
  'environments/prod/aws/eu-1/api/release.json',
  'environments/prod/aws/eu-1/api/extra/release.json',
  'environments/prod/azure/we-01/api/release.yaml',
  'environments/prod/.archive/y/z/release.json',
  'environments/nonprod/azure/we-01/api/release.json',
  'env*/x.json',
  'q?/r.json',
  'br]ack/e.json',
  'sp ace/f.json',
  'ünï/cödé.json',
  'x/[ab]/y.json',
  'x/a/y.json',
];

const PATTERNS = [
  'environments/prod/*/*/*/release.json',
  'environments/*.json',
  'environments/**/release.json',
  '**/release.json',
  '*',
  '*.json',
  'environments',
  'environments/',
  'env*',
  'env*/x.json',
  'environments/pro?/release.json',
  'environments/[np]*/release.json',
  'environments/[!p]*/release.json',
  'environments/[^p]*/release.json',
  'a/**',
  'x/[ab]/y.json',
  'x/\\[ab]/y.json',
  'q\\?/r.json',
  '[]b]r]ack/e.json',
  'sp ace/*',
  'ünï/*',
  '*/c*.json',
  '[[:alpha:]]/*',
  '[[:digit:]]*',
  '[a-]*',
  '[--z]*',
  '[[:al]/*',
  '???/*',
  'environments/*/azure/*',
  'a',
];

describe('compilePathspec', () => {
  let root: string;

  afterAll(() => removeTree(root));

  test.each(PATTERNS)('selects what git ls-files lists for %s', (pattern) => {
    // GIVEN a Git repository tracking the files
    root ??= (() => {
      const dir = makeTree(FILES);
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
      execFileSync('git', ['add', '-A', '.'], { cwd: dir });
      return dir;
    })();
    // WHEN the pattern selects files, by git ls-files (as Argo CD's repo server runs it) and by the preview
    const byGit = execFileSync('git', ['ls-files', '--full-name', '-z', '--', pattern], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '')
      .sort();
    const match = compilePathspec(pattern);
    // THEN both select the same files
    expect(FILES.filter(match).sort()).toEqual(byGit);
  });

  test('the empty pattern and "." select every file, as Argo CD passes "." for an empty path', () => {
    // GIVEN the empty pattern and "."
    // WHEN files are matched
    // THEN every file is
    expect(FILES.every(compilePathspec(''))).toBe(true);
    expect(FILES.every(compilePathspec('.'))).toBe(true);
  });

  test.each([
    ['a\\', /ends with a lone "\\"/],
    ['a/[[:nope:]]', /has a character class without its closing "\]" or with an unknown "\[:class:\]"/],
    ['a\u0000b', /holds a NUL character/],
  ])('fails when the pattern is %j, which can match nothing', (pattern, message) => {
    // GIVEN a pattern Git would match nothing with
    // WHEN it is compiled
    // THEN it fails with CG705, so that the mistake is seen
    expect(() => compilePathspec(pattern)).toThrow(message);
    expect(() => compilePathspec(pattern)).toThrow(/^CG705 /);
  });
});

describe('compilePathspec on hostile patterns', () => {
  const deep = `${Array<string>(300).fill('a').join('/')}/c.json`;

  test('many stars against a deep path select what git ls-files lists (few stars, where git itself is quick)', () => {
    // GIVEN a file 300 directories deep
    const dir = makeTree([deep]);
    try {
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
      execFileSync('git', ['add', '-A', '.'], { cwd: dir });
      for (const pattern of ['*a*a*b', '*a?*a?*b', '*a*a*c.json', '*[a]*[a]b', '*a/*a/*.json']) {
        // WHEN the preview and git ls-files (as Argo CD's repo server runs it) select with it
        const byGit = execFileSync('git', ['ls-files', '--full-name', '-z', '--', pattern], { cwd: dir, encoding: 'utf8' })
          .split('\0')
          .filter((f) => f !== '');
        // THEN both give the same answer
        expect([deep].filter(compilePathspec(pattern))).toEqual(byGit);
      }
    } finally {
      removeTree(dir);
    }
  });

  test('matches many stars against a deep path in polynomial time', () => {
    // GIVEN patterns of a dozen "*" each followed by the letter every segment holds: Git's
    // wildmatch retries every star at every byte (600^12 steps; Argo CD's repo server hits its
    // exec timeout), the preview stops a "*" whose next literal is absent from the rest of the path
    const started = Date.now();
    // WHEN they are matched
    // THEN the answer wildmatch would give, at once
    expect(compilePathspec(`${'*a'.repeat(12)}*b`)(deep)).toBe(false);
    expect(compilePathspec(`${'*a?'.repeat(12)}*b`)(deep)).toBe(false);
    expect(compilePathspec(`${'*a'.repeat(12)}*c.json`)(deep)).toBe(true);
    expect(compilePathspec(`${'*[a]'.repeat(12)}b`)(deep)).toBe(false);
    expect(compilePathspec(`${'*a/'.repeat(12)}*.json`)(deep)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
