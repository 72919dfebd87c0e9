import * as fs from 'fs';
import * as path from 'path';
import { directoryParams, filterDirectories, listGitDirectories } from '../../src/preview/git-directories';
import { pathMatch } from '../../src/preview/path-match';
import { makeTree, removeTree, SEED_VALUES_FILES } from './fixtures';

describe('listGitDirectories', () => {
  let root: string;

  afterEach(() => removeTree(root));

  test('lists every directory depth-first in byte order, skipping hidden ones', () => {
    // GIVEN a checkout with the seed tree, a .git directory and the SDK's hidden manifest tree
    root = makeTree([
      ...SEED_VALUES_FILES,
      'applicationsets/workloads.yaml',
      '.git/HEAD',
      '.cdk8s-gitops/x/y/z/manifest.json',
      'a-b/file',
      'a/b/file',
    ]);
    // WHEN its directories are listed
    const dirs = listGitDirectories(root);
    // THEN they are Go WalkDir's order: a before a/b before a-b ('-' < '/' only within a name)
    expect(dirs.slice(0, 4)).toEqual(['a', 'a/b', 'a-b', 'applicationsets']);
    expect(dirs).toContain('environments/prod/oci/eu-frankfurt-1-01/payments-api');
    expect(dirs.filter((d) => d.split('/').length === 5)).toHaveLength(8);
    // AND nothing hidden, nor below a hidden directory, is listed
    expect(dirs.some((d) => d.split('/').some((s) => s.startsWith('.')))).toBe(false);
    expect(dirs.indexOf('environments/nonprod')).toBeLessThan(dirs.indexOf('environments/prod'));
  });

  test('skips directories that hold no file, as a Git clone has none', () => {
    // GIVEN a checkout with an empty directory and one holding only a hidden file
    root = makeTree(['kept/.gitkeep', 'full/values.yaml'], ['empty/deeper']);
    // WHEN its directories are listed, with and without empty ones
    // THEN empty directories appear only when asked for
    expect(listGitDirectories(root)).toEqual(['full', 'kept']);
    expect(listGitDirectories(root, { includeEmpty: true })).toEqual(['empty', 'empty/deeper', 'full', 'kept']);
  });

  test('does not follow symbolic links to directories', () => {
    // GIVEN a checkout with a symbolic link to one of its directories
    root = makeTree(['real/values.yaml']);
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link'));
    // WHEN its directories are listed
    // THEN the link is not a directory, as in Go's WalkDir
    expect(listGitDirectories(root)).toEqual(['real']);
  });

  test('fails when the checkout does not exist', () => {
    // GIVEN a path that does not exist
    root = makeTree([]);
    const missing = path.join(root, 'nope');
    // WHEN it is listed
    // THEN it fails naming the path
    expect(() => listGitDirectories(missing)).toThrow(/CG709 Checkout directory ".*nope" cannot be read/);
  });
});

describe('filterDirectories', () => {
  const dirs = [
    'environments',
    'environments/prod',
    'environments/prod/azure',
    'environments/prod/azure/westeurope-01',
    'environments/prod/azure/westeurope-01/payments-api',
    'environments/prod/azure/westeurope-01/payments-api/extra',
    'environments/prod/aws/eu-central-1-01/payments-api',
    'environments/nonprod/azure/westeurope-01/payments-api',
  ];

  test('keeps only directories at the depth of the glob', () => {
    // GIVEN the seed's pattern
    // WHEN the directories are filtered
    const kept = filterDirectories(dirs, [{ path: 'environments/*/*/*/*' }]);
    // THEN shallower and deeper directories are not matched, and the order is kept
    expect(kept).toEqual([
      'environments/prod/azure/westeurope-01/payments-api',
      'environments/prod/aws/eu-central-1-01/payments-api',
      'environments/nonprod/azure/westeurope-01/payments-api',
    ]);
  });

  test('an exclusion wins over every inclusion, wherever it is listed', () => {
    // GIVEN an exclusion listed before the inclusion, and a second inclusion of the same directory
    const items = [
      { path: 'environments/prod/*/*/*', exclude: true },
      { path: 'environments/*/*/*/*' },
      { path: 'environments/prod/aws/*/*' },
    ];
    // WHEN the directories are filtered
    // THEN no prod directory is kept
    expect(filterDirectories(dirs, items)).toEqual(['environments/nonprod/azure/westeurope-01/payments-api']);
  });

  test('exclusions alone select nothing', () => {
    // GIVEN only an exclusion
    // WHEN the directories are filtered
    // THEN nothing is included
    expect(filterDirectories(dirs, [{ path: 'environments/nonprod/*/*/*', exclude: true }])).toEqual([]);
  });

  test('a pattern with a leading slash never matches', () => {
    // GIVEN an absolute-looking pattern
    // WHEN the directories are filtered
    // THEN nothing matches, since directory paths are relative
    expect(filterDirectories(dirs, [{ path: '/environments/*/*/*/*' }])).toEqual([]);
  });

  test('fails when a pattern is malformed', () => {
    // GIVEN a pattern with an unclosed character class
    // WHEN the directories are filtered
    // THEN it fails naming the pattern (Argo CD would log and ignore it)
    expect(() => filterDirectories(dirs, [{ path: 'environments/[prod/*' }])).toThrow(
      /CG705 Pattern "environments\/\[prod\/\*" is malformed/,
    );
  });
});

describe('directoryParams', () => {
  test('sets path, basename, basenameNormalized and segments for Go templates', () => {
    // GIVEN a directory whose name normalization changes
    // WHEN its Go template parameters are made
    const params = directoryParams('environments/prod/azure/westeurope-01/My_Service', { goTemplate: true });
    // THEN they are the git directory generator's, with no filename
    expect(params).toEqual({
      path: {
        path: 'environments/prod/azure/westeurope-01/My_Service',
        basename: 'My_Service',
        basenameNormalized: 'my-service',
        segments: ['environments', 'prod', 'azure', 'westeurope-01', 'My_Service'],
      },
    });
  });

  test('nests the parameters under pathParamPrefix', () => {
    // GIVEN a generator with a path parameter prefix
    // WHEN the parameters are made
    const params = directoryParams('apps/web', { goTemplate: true, pathParamPrefix: 'app' });
    // THEN they are under .app.path
    expect(params).toEqual({ app: { path: { path: 'apps/web', basename: 'web', basenameNormalized: 'web', segments: ['apps', 'web'] } } });
  });

  test('sets flat parameters when goTemplate is false', () => {
    // GIVEN a fasttemplate ApplicationSet
    // WHEN the parameters are made
    const params = directoryParams('apps/My_Web', { goTemplate: false });
    // THEN they are flat keys, with path[N] per segment
    expect(params).toEqual({
      path: 'apps/My_Web',
      'path.basename': 'My_Web',
      'path.basenameNormalized': 'my-web',
      'path[0]': 'apps',
      'path[1]': 'My_Web',
    });
  });
});

describe('filterDirectories over many directories', () => {
  test('keeps what path.Match keeps, in order, whatever the list holds (no parents, any depth)', () => {
    // GIVEN directories of one to four segments from a, b, é, and patterns of literal segments then * segments
    const parts = ['a', 'b', 'é'];
    const all: string[] = [];
    const grow = (prefix: string[]): void => {
      if (prefix.length > 0) all.push(prefix.join('/'));
      if (prefix.length === 4) return;
      for (const p of parts) grow([...prefix, p]);
    };
    grow([]);
    // every third directory left out, so that some have no parent in the list
    const dirs = all.filter((_, i) => i % 3 !== 1).reverse();
    const patterns = ['*', 'a', 'a/*', 'a/b/*/*', '*/*/*', 'é/*', 'b/a', 'a/b/é/a', 'c/*', 'a/*/b'];
    for (const include of patterns) {
      for (const exclude of [undefined, 'a/b/*', 'é/*/*']) {
        const items = [{ path: include }, ...(exclude === undefined ? [] : [{ path: exclude, exclude: true }])];
        // WHEN they are filtered
        const kept = filterDirectories(dirs, items);
        // THEN it is what matching each directory against each pattern keeps
        const expected = dirs.filter((d) => pathMatch(include, d) && (exclude === undefined || !pathMatch(exclude, d)));
        expect([include, exclude, kept]).toEqual([include, exclude, expected]);
      }
    }
    // (a/a is among those left out)
    expect(filterDirectories(dirs, [{ path: 'a/*' }])).toEqual(['a/é', 'a/b']);
  });
});
