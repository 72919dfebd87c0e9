import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import {
  ApplicationSetInput,
  expandApplicationSet,
  filterGitFiles,
  gitFileParamSets,
  gitFileReader,
  GoFloat,
  listGitFiles,
  MAX_GIT_FILE_BYTES,
} from '../../src/preview';
import { SEED_APPLICATION_SET } from '../support/seed';
import { makeTree, makeTreeWith, removeTree, SEED_TARGETS, SEED_VALUES_FILES, writeFiles } from './fixtures';
import { failure } from '../support/failure';

const REPO = 'https://git.example.com/platform/platform-gitops.git';
const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

/** A release file as a later ApplicationSet reads it: the digest and the chart revision of one target. */
function release(digest: string, revision = '1.4.2'): string {
  return `${JSON.stringify({ image: { digest }, chart: { revision } }, null, 2)}\n`;
}

/** An ApplicationSet with one git files generator over `files`, Go templates and missingkey=error. */
function releasesAppSet(files: ReadonlyArray<{ path: string; exclude?: boolean }>, change?: (a: any) => void): ApplicationSetInput {
  const appset: any = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'releases', namespace: 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ git: { repoURL: REPO, revision: 'main', files } }],
      template: {
        metadata: {
          name: '{{ .path.basename }}-{{ index .path.segments 1 }}-{{ index .path.segments 2 }}-{{ index .path.segments 3 }}',
        },
        spec: {
          project: '{{ index .path.segments 1 }}',
          source: {
            repoURL: 'https://git.example.com/apps/{{ .path.basename }}.git',
            targetRevision: '{{ .chart.revision }}',
            path: 'deploy/chart',
            helm: { parameters: [{ name: 'image.digest', value: '{{ .image.digest }}' }] },
          },
          destination: { name: '{{ index .path.segments 2 }}-{{ index .path.segments 3 }}', namespace: '{{ .path.basename }}' },
        },
      },
    },
  };
  change?.(appset);
  return appset;
}

describe('listGitFiles', () => {
  let root: string;

  afterEach(() => removeTree(root));

  test('lists every file in byte order, hidden ones included, as git ls-files does', () => {
    // GIVEN a checkout with hidden files, a .git directory and a nested repository
    root = makeTree(['a/b/c.json', 'a-b/c.json', '.cdk8s-gitops/manifest.json', '.git/HEAD', 'vendor/lib/.git/HEAD', 'vendor/lib/x.json']);
    // WHEN its files are listed
    const files = listGitFiles(root);
    // THEN hidden files are listed, .git and the nested repository are not, in byte order ('-' < '/')
    expect(files).toEqual(['.cdk8s-gitops/manifest.json', 'a-b/c.json', 'a/b/c.json']);
  });

  test('lists a symbolic link as a file and does not follow a linked directory', () => {
    // GIVEN a linked file and a linked directory
    root = makeTree(['real/release.json']);
    fs.symlinkSync(path.join(root, 'real/release.json'), path.join(root, 'linked.json'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'linked-dir'));
    // WHEN its files are listed
    // THEN both links are listed as Git records them, and nothing below the linked directory
    expect(listGitFiles(root)).toEqual(['linked-dir', 'linked.json', 'real/release.json']);
  });
});

describe('filterGitFiles', () => {
  const files = [
    'environments/prod/release.json',
    'environments/prod/aws/eu-1/api/release.json',
    'environments/prod/aws/eu-1/api/extra/release.json',
    'environments/prod/azure/we-1/api/release.json',
    'environments/prod/azure/we-1/api/release.yaml',
    'environments/nonprod/aws/eu-1/api/release.json',
    'environments/release.json',
    'a/b.json',
    'a-b/c.json',
  ];

  test('matches "*" across "/", as git ls-files does', () => {
    // GIVEN a pattern with one "*" per directory level
    // WHEN the files are filtered
    const kept = filterGitFiles(files, [{ path: 'environments/prod/*/*/*/release.json' }]);
    // THEN deeper files match too (Argo CD's default globbing is greedy), shallower ones do not
    expect(kept).toEqual([
      'environments/prod/aws/eu-1/api/extra/release.json',
      'environments/prod/aws/eu-1/api/release.json',
      'environments/prod/azure/we-1/api/release.json',
    ]);
  });

  test('"**" is the same as "*", so it needs a directory between the slashes around it', () => {
    // GIVEN a "**" pattern
    // WHEN the files are filtered
    const kept = filterGitFiles(files, [{ path: 'environments/**/release.json' }]);
    // THEN environments/release.json is not matched (it has no directory where "**" stands)
    expect(kept).not.toContain('environments/release.json');
    expect(kept).toContain('environments/prod/release.json');
    expect(kept).toHaveLength(5);
  });

  test('a pattern without wildcards selects the file or every file below the directory', () => {
    // GIVEN a directory and a file named literally
    // WHEN the files are filtered
    // THEN the directory selects what is below it, and the result is in byte order
    expect(filterGitFiles(files, [{ path: 'a' }, { path: 'a-b/c.json' }])).toEqual(['a-b/c.json', 'a/b.json']);
  });

  test('an exclusion wins over every inclusion, wherever it is listed', () => {
    // GIVEN an exclusion before the inclusion
    const items = [{ path: 'environments/prod/azure/*', exclude: true }, { path: 'environments/*/*/*/*/release.*' }];
    // WHEN the files are filtered
    // THEN no azure file is kept
    expect(filterGitFiles(files, items)).toEqual([
      'environments/nonprod/aws/eu-1/api/release.json',
      'environments/prod/aws/eu-1/api/extra/release.json',
      'environments/prod/aws/eu-1/api/release.json',
    ]);
  });

  test.each([
    [
      '/environments/*/release.json',
      /CG705 Pattern "\/environments\/\*\/release\.json" starts with "\/": git ls-files reads it as a path outside the repository/,
    ],
    [
      'environments/[prod/release.json',
      /CG705 Pattern "environments\/\[prod\/release\.json" has a character class without its closing "\]"/,
    ],
    [
      ':(glob)environments/**/release.json',
      /CG706 Pattern ":\(glob\)environments\/\*\*\/release\.json" starts with ":", Git's pathspec magic/,
    ],
    ['environments/../release.json', /CG706 Pattern "environments\/\.\.\/release\.json" has a "\.", "\.\." or empty segment/],
  ])('fails when the pattern is %s', (pattern, message) => {
    // GIVEN a pattern Git fails on, matches nothing with, or normalizes
    // WHEN the files are filtered
    // THEN it fails saying why
    expect(() => filterGitFiles(files, [{ path: pattern }])).toThrow(message);
  });
});

describe('gitFileParamSets', () => {
  const FILE = 'environments/prod/aws/eu-1/payments_api/release.json';

  test('keeps a JSON file nested for Go templates, with numbers as float64 and the path parameters', () => {
    // GIVEN a JSON file with nested keys, a number, a boolean, a list and a null
    const text = JSON.stringify({ image: { digest: DIGEST_A, tag: '1.2.0' }, replicas: 3, canary: false, owners: ['a', 'b'], notes: null });
    // WHEN its Go template parameters are made
    const [set, ...rest] = gitFileParamSets(FILE, text, { goTemplate: true });
    // THEN there is one set, with the file's keys as they are and .path of the file's directory
    expect(rest).toEqual([]);
    expect(set!.item).toBeUndefined();
    expect(set!.params).toEqual({
      image: { digest: DIGEST_A, tag: '1.2.0' },
      replicas: new GoFloat(3),
      canary: false,
      owners: ['a', 'b'],
      notes: null,
      path: {
        path: 'environments/prod/aws/eu-1/payments_api',
        basename: 'payments_api',
        filename: 'release.json',
        basenameNormalized: 'payments-api',
        filenameNormalized: 'release.json',
        segments: ['environments', 'prod', 'aws', 'eu-1', 'payments_api'],
      },
    });
    expect(set!.params.replicas).toBeInstanceOf(GoFloat);
  });

  test('flattens a YAML file for fasttemplate, printing values as Go %v and reading YAML 1.1 scalars', () => {
    // GIVEN a YAML file with YAML 1.1 booleans, an unquoted version, a large integer and an empty map
    const text = [
      'image:',
      `  digest: ${DIGEST_A}`,
      '  tag: "1.10"',
      'version: 1.10',
      'replicas: 1000000',
      'enabled: yes',
      'notes: ~',
      'hosts: [a.example.com, b.example.com]',
      'empty: {}',
      '',
    ].join('\n');
    // WHEN its fasttemplate parameters are made
    const [set] = gitFileParamSets('environments/prod/aws/eu-1/api/Release.yaml', text, { goTemplate: false });
    // THEN keys are dotted, numbers are float64 printed by Go, and the path parameters are flat
    expect(set!.params).toEqual({
      'image.digest': DIGEST_A,
      'image.tag': '1.10',
      version: '1.1',
      replicas: '1e+06',
      enabled: 'true',
      notes: '<nil>',
      'hosts.0': 'a.example.com',
      'hosts.1': 'b.example.com',
      path: 'environments/prod/aws/eu-1/api',
      'path.basename': 'api',
      'path.filename': 'Release.yaml',
      'path.basenameNormalized': 'api',
      'path.filenameNormalized': 'release.yaml',
      'path[0]': 'environments',
      'path[1]': 'prod',
      'path[2]': 'aws',
      'path[3]': 'eu-1',
      'path[4]': 'api',
    });
  });

  test('makes one set per item of a top-level list, a null item being an empty map', () => {
    // GIVEN a file holding a list of maps with a null among them
    const text = '- cluster: a\n- null\n- cluster: b\n';
    // WHEN its parameters are made
    const sets = gitFileParamSets('clusters/list.yaml', text, { goTemplate: true });
    // THEN each item gives a set, numbered, with the same path parameters
    expect(sets.map((s) => [s.item, s.params.cluster])).toEqual([
      [0, 'a'],
      [1, undefined],
      [2, 'b'],
    ]);
    expect(sets.every((s) => (s.params.path as any).filename === 'list.yaml')).toBe(true);
  });

  test('makes one set of an empty file, with the path parameters only', () => {
    // GIVEN a file with only a comment
    // WHEN its parameters are made
    const sets = gitFileParamSets('a/b/release.yaml', '# nothing yet\n', { goTemplate: false });
    // THEN one set holds the path parameters
    expect(sets).toHaveLength(1);
    expect(Object.keys(sets[0]!.params).sort()).toEqual([
      'path',
      'path.basename',
      'path.basenameNormalized',
      'path.filename',
      'path.filenameNormalized',
      'path[0]',
      'path[1]',
    ]);
  });

  test('nests the path parameters under pathParamPrefix, in both template modes', () => {
    // GIVEN a generator with a path parameter prefix
    // WHEN the parameters are made for Go templates and for fasttemplate
    const [nested] = gitFileParamSets('apps/web/release.json', '{"tag": "v1"}', { goTemplate: true, pathParamPrefix: 'release' });
    const [flat] = gitFileParamSets('apps/web/release.json', '{"tag": "v1"}', { goTemplate: false, pathParamPrefix: 'release' });
    // THEN they are under .release.path and release.path, and the file's keys stay at the top
    expect(nested!.params).toEqual({
      tag: 'v1',
      release: {
        path: {
          path: 'apps/web',
          basename: 'web',
          filename: 'release.json',
          basenameNormalized: 'web',
          filenameNormalized: 'release.json',
          segments: ['apps', 'web'],
        },
      },
    });
    expect(flat!.params).toEqual({
      tag: 'v1',
      'release.path': 'apps/web',
      'release.path.basename': 'web',
      'release.path.filename': 'release.json',
      'release.path.basenameNormalized': 'web',
      'release.path.filenameNormalized': 'release.json',
      'release.path[0]': 'apps',
      'release.path[1]': 'web',
    });
  });

  test('the path parameters win over a key of the file named path', () => {
    // GIVEN a file with its own "path" key
    // WHEN its Go template parameters are made
    const [set] = gitFileParamSets('apps/web/release.json', '{"path": "elsewhere"}', { goTemplate: true });
    // THEN .path is the generator's, as Argo CD sets it after copying the file's keys
    expect((set!.params.path as any).path).toBe('apps/web');
  });

  test.each([
    ['not JSON nor YAML', `{"image": {"digest": "${DIGEST_B}"`, /is not valid YAML or JSON \(\w+ at line 1, column \d+\)/],
    ['a string at the top level', `"${DIGEST_B}"`, /holds neither a map nor a list of maps/],
    ['a list with a string item', `["${DIGEST_B}"]`, /has an item 0 in its top-level list that is not a map/],
    ['a NaN', `digest: .nan\nother: "${DIGEST_B}"`, /has a NaN or infinite value at key \.digest, which JSON cannot hold/],
    [
      'two keys that flatten alike',
      `{"a.b": "${DIGEST_B}", "a": {"b": "${DIGEST_B}"}}`,
      /has two keys that both flatten to the parameter "a\.b"/,
    ],
    [
      'a merge key of a string',
      `base: "${DIGEST_B}"\nrelease:\n  <<: "${DIGEST_B}"\n`,
      /has a merge key \(<<\) under key \.release whose value is not a map, an alias to a map or a list of them, so go-yaml fails/,
    ],
  ])('fails when the file holds %s, naming the file but not its content', (_what, text, message) => {
    // GIVEN a file Argo CD cannot read, or the preview does not model
    // WHEN its fasttemplate parameters are made
    const e = failure(() => gitFileParamSets('environments/prod/aws/eu-1/api/release.json', text, { goTemplate: false }));
    // THEN it fails with CG711, naming the file, and no value of the file is echoed
    expect(e.code).toBe('CG711');
    expect(e.message).toContain('File "environments/prod/aws/eu-1/api/release.json" ');
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('bbbb');
  });

  test('reads a merge key as go-yaml v2 merges it', () => {
    // GIVEN a file whose release merges an anchored map and sets one key after the merge
    const text = `base: &base {digest: "${DIGEST_B}", tier: web}\nrelease:\n  <<: *base\n  tier: api\n`;
    // WHEN its parameters are made
    const [set] = gitFileParamSets('apps/web/release.yaml', text, { goTemplate: false });
    // THEN the merged keys are parameters, the key set after the merge winning
    expect(set!.params['release.digest']).toBe(DIGEST_B);
    expect(set!.params['release.tier']).toBe('api');
  });

  test('a YAML tag, which Argo CD reads, is refused without saying that Argo CD fails on it', () => {
    // GIVEN a file with a !!int tag: go-yaml v2 reads it, so Argo CD generates from the file
    const text = `digest: "${DIGEST_B}"\nreplicas: !!int "3"\n`;
    // WHEN its parameters are made
    const e = failure(() => gitFileParamSets('apps/web/release.yaml', text, { goTemplate: true }));
    // THEN CG711 says the preview does not read it, and the fix does not claim that Argo CD fails
    expect(e.code).toBe('CG711');
    expect(e.problems[0]!.fix).toBe(
      'Write the file without YAML tags (other than !!str) and chains of aliases, or preview this ApplicationSet with argocd appset generate.',
    );
    // AND a file Argo CD cannot parse still says that Argo CD fails on it
    expect(failure(() => gitFileParamSets('apps/web/release.yaml', 'a: *nowhere\n', { goTemplate: true })).problems[0]!.fix).toBe(
      'Fix the file; Argo CD fails the whole ApplicationSet on it.',
    );
  });

  test('fails when the text is larger than the preview reads', () => {
    // GIVEN a text one byte over the limit
    const text = `{"a": "${'x'.repeat(MAX_GIT_FILE_BYTES - 8)}"}`;
    expect(Buffer.byteLength(text)).toBe(MAX_GIT_FILE_BYTES + 1);
    // WHEN its parameters are made
    // THEN it fails before parsing it
    expect(() => gitFileParamSets('big.json', text, { goTemplate: true })).toThrow(
      /CG711 File "big\.json" is 1048577 bytes, more than the 1048576 the offline preview reads\./,
    );
  });
});

describe('gitFileReader', () => {
  let root: string;

  afterEach(() => removeTree(root));

  test('reads a file of the checkout as text', () => {
    // GIVEN a checkout with a release file
    root = makeTreeWith({ 'apps/web/release.json': release(DIGEST_A) });
    // WHEN it is read
    // THEN its text is returned
    expect(gitFileReader(root)('apps/web/release.json')).toBe(release(DIGEST_A));
  });

  test('fails when the file is a symbolic link, or below one, and reads nothing outside the checkout', () => {
    // GIVEN links to a file and a directory outside the checkout
    const outside = makeTreeWith({ 'secret/release.json': release(DIGEST_B) });
    root = makeTreeWith({ 'apps/web/release.json': release(DIGEST_A) });
    fs.symlinkSync(path.join(outside, 'secret/release.json'), path.join(root, 'apps/linked.json'));
    fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'apps/linked-dir'));
    const read = gitFileReader(root);
    try {
      // WHEN they are read
      // THEN each fails naming the link, and no content is returned
      expect(() => read('apps/linked.json')).toThrow(
        /CG711 File "apps\/linked\.json" is a symbolic link; Argo CD reads what it points to, which the offline preview does not follow\./,
      );
      expect(() => read('apps/linked-dir/release.json')).toThrow(
        /CG711 File "apps\/linked-dir\/release\.json" is below the symbolic link "apps\/linked-dir"/,
      );
      expect(() => read('../secret/release.json')).toThrow(/CG711 File "\.\.\/secret\/release\.json" is not a path inside the checkout/);
    } finally {
      removeTree(outside);
    }
  });

  test('fails when the file is larger than the preview reads, and when it is not UTF-8', () => {
    // GIVEN a file over the limit and a file of Latin-1 bytes
    root = makeTreeWith({ 'big.json': Buffer.alloc(MAX_GIT_FILE_BYTES + 10, 0x20), 'latin.json': Buffer.from([0x7b, 0xe9, 0x7d]) });
    const read = gitFileReader(root);
    // WHEN they are read
    // THEN each fails with what is wrong
    expect(() => read('big.json')).toThrow(/CG711 File "big\.json" is 1048586 bytes, more than the 1048576 the offline preview reads/);
    expect(() => read('latin.json')).toThrow(/CG711 File "latin\.json" is not UTF-8 text/);
  });
});

describe('expandApplicationSet with a git files generator', () => {
  let root: string;

  afterEach(() => removeTree(root));

  /** A release file for each prod target of the seed, all with one digest but azure's. */
  function prodReleases(): Record<string, string> {
    return Object.fromEntries(
      SEED_TARGETS.filter(([env]) => env === 'prod').map(([env, cloud, cluster]) => [
        `environments/${env}/${cloud}/${cluster}/payments-api/release.json`,
        release(cloud === 'azure' ? DIGEST_B : DIGEST_A),
      ]),
    );
  }

  test('generates one Application per release file, from its keys and its path', () => {
    // GIVEN a checkout with a release file per prod target, and values files beside them
    root = makeTreeWith({ ...prodReleases(), 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml': 'replicas: 2\n' });
    // WHEN an ApplicationSet reads environments/prod/*/*/*/release.json
    const apps = expandApplicationSet(releasesAppSet([{ path: 'environments/prod/*/*/*/release.json' }]), root);
    // THEN each release file gives an Application with its digest and revision
    expect(apps.map((a) => a.metadata.name)).toEqual([
      'payments-api-prod-aws-eu-central-1-01',
      'payments-api-prod-azure-westeurope-01',
      'payments-api-prod-gcp-europe-west4-01',
      'payments-api-prod-oci-eu-frankfurt-1-01',
    ]);
    expect(apps[1]!.spec).toEqual({
      project: 'prod',
      source: {
        repoURL: 'https://git.example.com/apps/payments-api.git',
        targetRevision: '1.4.2',
        path: 'deploy/chart',
        helm: { parameters: [{ name: 'image.digest', value: DIGEST_B }] },
      },
      destination: { name: 'azure-westeurope-01', namespace: 'payments-api' },
    });
    expect(apps[0]!.metadata).toEqual({
      name: 'payments-api-prod-aws-eu-central-1-01',
      namespace: 'argocd',
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
  });

  test('reads YAML files too, and renders with fasttemplate, values and path parameters', () => {
    // GIVEN YAML release files and a fasttemplate ApplicationSet with generator values
    root = makeTreeWith({
      'environments/prod/aws/eu-1/api/release.yaml': `image:\n  digest: ${DIGEST_A}\nreplicas: 3\n`,
      'environments/prod/gcp/ew4-1/api/release.yaml': `image:\n  digest: ${DIGEST_B}\nreplicas: 1000000\n`,
    });
    const appset = releasesAppSet([{ path: 'environments/prod/*/*/*/release.yaml' }], (a) => {
      a.spec.goTemplate = false;
      delete a.spec.goTemplateOptions;
      a.spec.generators[0].git.values = { cluster: '{{path[2]}}-{{path[3]}}', replicas: '{{replicas}}' };
      a.spec.template = {
        metadata: { name: '{{path.basename}}-{{path[1]}}-{{values.cluster}}', annotations: { file: '{{path.filename}}' } },
        spec: {
          project: '{{path[1]}}',
          source: {
            repoURL: REPO,
            targetRevision: 'main',
            path: '{{path}}',
            helm: { parameters: [{ name: 'digest', value: '{{image.digest}}' }] },
          },
          destination: { name: '{{values.cluster}}', namespace: '{{path.basenameNormalized}}' },
          info: [{ name: 'replicas', value: '{{values.replicas}}' }],
        },
      };
    });
    // WHEN it is expanded
    const apps = expandApplicationSet(appset, root);
    // THEN every parameter is filled, numbers printed as Go prints a float64
    expect(apps.map((a) => [a.metadata.name, a.metadata.annotations, a.spec.source, a.spec.info])).toEqual([
      [
        'api-prod-aws-eu-1',
        { file: 'release.yaml' },
        {
          repoURL: REPO,
          targetRevision: 'main',
          path: 'environments/prod/aws/eu-1/api',
          helm: { parameters: [{ name: 'digest', value: DIGEST_A }] },
        },
        [{ name: 'replicas', value: '3' }],
      ],
      [
        'api-prod-gcp-ew4-1',
        { file: 'release.yaml' },
        {
          repoURL: REPO,
          targetRevision: 'main',
          path: 'environments/prod/gcp/ew4-1/api',
          helm: { parameters: [{ name: 'digest', value: DIGEST_B }] },
        },
        [{ name: 'replicas', value: '1e+06' }],
      ],
    ]);
  });

  test('prints and type-checks numbers of a file as Go float64 in Go templates', () => {
    // GIVEN a file with numbers, and templates that print them
    root = makeTreeWith({ 'apps/web/release.json': '{"replicas": 3, "big": 1000000, "ratio": 0.25}' });
    const appset = releasesAppSet([{ path: 'apps/*/release.json' }], (a) => {
      a.spec.template.metadata.name = '{{ .path.basename }}';
      a.spec.template.spec = {
        project: 'default',
        info: [{ name: '{{ .replicas }} {{ .big }} {{ .ratio }}', value: '{{ printf "%d" .replicas }}' }],
      };
    });
    // WHEN it is expanded
    const [app] = expandApplicationSet(appset, root);
    // THEN %v prints 1e+06 and %d reports the float64, as Go's fmt does
    expect(app!.spec.info).toEqual([{ name: '3 1e+06 0.25', value: '%!d(float64=3)' }]);
    // AND a float64 where an integer is expected fails as in Go
    const trunc = releasesAppSet([{ path: 'apps/*/release.json' }], (a) => {
      a.spec.template.metadata.name = '{{ .path.basename }}';
      a.spec.template.spec = { project: '{{ trunc .replicas "default" }}' };
    });
    expect(() => expandApplicationSet(trunc, root)).toThrow(/CG704 .*wrong type for value; expected int; got float64/);
  });

  test("types a file's lists as encoding/json does, []interface {}, and the path segments as []string", () => {
    // GIVEN a file with a list of strings, and templates that ask Go and Sprig for the types
    root = makeTreeWith({ 'apps/web/release.json': '{"hosts": ["a.example.com", "b.example.com"], "empty": []}' });
    const appset = releasesAppSet([{ path: 'apps/*/release.json' }], (a) => {
      a.spec.template.metadata.name = '{{ .path.basename }}';
      a.spec.template.spec = {
        project: 'default',
        info: [
          { name: 'printf', value: '{{ printf "%T %T %T" .hosts .empty .path.segments }}' },
          { name: 'typeOf', value: '{{ typeOf .hosts }} {{ typeOf .path.segments }} {{ typeIs "[]interface {}" .hosts }}' },
          { name: 'join', value: '{{ join "," .hosts }}' },
        ],
      };
    });
    // WHEN it is expanded
    const [app] = expandApplicationSet(appset, root);
    // THEN Argo CD's types: encoding/json decodes every list into []interface {}; strings.Split gives []string
    expect(app!.spec.info).toEqual([
      { name: 'printf', value: '[]interface {} []interface {} []string' },
      { name: 'typeOf', value: '[]interface {} []string true' },
      { name: 'join', value: 'a.example.com,b.example.com' },
    ]);
  });

  test('makes one Application per item of a file holding a list', () => {
    // GIVEN one file listing two clusters
    root = makeTreeWith({ 'fleet/clusters.json': JSON.stringify([{ cluster: 'eu-1' }, { cluster: 'us-1' }]) });
    const appset = releasesAppSet([{ path: 'fleet/*.json' }], (a) => {
      a.spec.template.metadata.name = 'api-{{ .cluster }}';
      a.spec.template.spec = { project: 'default', destination: { name: '{{ .cluster }}', namespace: 'api' } };
    });
    // WHEN it is expanded
    // THEN each item gives an Application
    expect(expandApplicationSet(appset, root).map((a) => a.metadata.name)).toEqual(['api-eu-1', 'api-us-1']);
  });

  test('leaves out the files an exclude pattern matches', () => {
    // GIVEN release files of four clouds and an exclusion of azure
    root = makeTreeWith(prodReleases());
    const appset = releasesAppSet([
      { path: 'environments/prod/*/*/*/release.json' },
      { path: 'environments/prod/azure/*/*/release.json', exclude: true },
    ]);
    // WHEN it is expanded
    // THEN azure's Application is not generated
    expect(expandApplicationSet(appset, root).map((a) => a.metadata.name)).toEqual([
      'payments-api-prod-aws-eu-central-1-01',
      'payments-api-prod-gcp-europe-west4-01',
      'payments-api-prod-oci-eu-frankfurt-1-01',
    ]);
  });

  test('nests the path parameters under pathParamPrefix', () => {
    // GIVEN a generator with pathParamPrefix
    root = makeTreeWith(prodReleases());
    const appset = releasesAppSet([{ path: 'environments/prod/aws/*/*/release.json' }], (a) => {
      a.spec.generators[0].git.pathParamPrefix = 'release';
      a.spec.template.metadata.name = '{{ .release.path.basename }}-{{ index .release.path.segments 2 }}';
      a.spec.template.spec.destination = { name: '{{ .release.path.filenameNormalized }}', namespace: 'x' };
      a.spec.template.spec.project = 'prod';
      a.spec.template.spec.source.repoURL = REPO;
    });
    // WHEN it is expanded
    const [app] = expandApplicationSet(appset, root);
    // THEN .release.path holds them
    expect(app!.metadata.name).toBe('payments-api-aws');
    expect(app!.spec.destination).toEqual({ name: 'release.json', namespace: 'x' });
  });

  test('fails when a matched file is malformed, naming the file and the generator but not its content', () => {
    // GIVEN one release file cut short
    root = makeTreeWith({
      ...prodReleases(),
      'environments/prod/gcp/europe-west4-01/payments-api/release.json': `{"image": {"digest": "${DIGEST_B}"`,
    });
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(releasesAppSet([{ path: 'environments/prod/*/*/*/release.json' }]), root));
    // THEN it fails, as Argo CD fails the whole ApplicationSet, saying where
    expect(e.code).toBe('CG711');
    expect(e.problems).toHaveLength(1);
    expect(e.message).toMatch(
      /^CG711 ApplicationSet "releases" spec\.generators\[0\]\.git\.files: File "environments\/prod\/gcp\/europe-west4-01\/payments-api\/release\.json" is not valid YAML or JSON \(\w+ at line 1, column \d+\)\. Fix: /,
    );
    expect(e.message).not.toContain('bbbb');
  });

  test('does not follow a linked directory, and fails on a linked file', () => {
    // GIVEN a cluster directory that is a link to another, and a release file that is a link
    root = makeTreeWith(prodReleases());
    fs.symlinkSync(path.join(root, 'environments/prod/aws/eu-central-1-01'), path.join(root, 'environments/prod/aws/eu-central-1-02'));
    const appset = releasesAppSet([{ path: 'environments/prod/*/*/*/release.json' }]);
    // WHEN it is expanded
    // THEN nothing is read through the linked directory
    expect(expandApplicationSet(appset, root).map((a) => a.metadata.name)).not.toContain('payments-api-prod-aws-eu-central-1-02');
    // AND a linked release file fails, naming it
    const file = path.join(root, 'environments/prod/oci/eu-frankfurt-1-01/payments-api/release.json');
    fs.rmSync(file);
    fs.symlinkSync('../../../aws/eu-central-1-01/payments-api/release.json', file);
    expect(() => expandApplicationSet(appset, root)).toThrow(
      /CG711 ApplicationSet "releases" spec\.generators\[0\]\.git\.files: File "environments\/prod\/oci\/eu-frankfurt-1-01\/payments-api\/release\.json" is a symbolic link/,
    );
  });

  test('fails when a matched file is larger than the preview reads', () => {
    // GIVEN a release file over 1 MiB
    root = makeTreeWith({ 'apps/web/release.json': `{"notes": "${'x'.repeat(MAX_GIT_FILE_BYTES)}"}` });
    const appset = releasesAppSet([{ path: 'apps/*/release.json' }]);
    // WHEN it is expanded
    // THEN it fails naming the file and its size, not its content
    const e = failure(() => expandApplicationSet(appset, root));
    expect(e.message).toMatch(
      /CG711 .*File "apps\/web\/release\.json" is 1048589 bytes, more than the 1048576 the offline preview reads\./,
    );
    expect(e.message).not.toContain('xxxx');
  });

  test('fails when two files generate the same name, naming both files', () => {
    // GIVEN a JSON and a YAML release file in one directory
    root = makeTreeWith({ 'apps/web/release.json': release(DIGEST_A), 'apps/web/release.yaml': release(DIGEST_A) });
    const appset = releasesAppSet([{ path: 'apps/*/release.*' }], (a) => {
      a.spec.template.metadata.name = '{{ .path.basename }}';
      a.spec.template.spec = { project: 'default' };
    });
    // WHEN it is expanded
    // THEN the duplicate is reported with both files
    expect(() => expandApplicationSet(appset, root)).toThrow(
      /CG707 ApplicationSet "releases" generates the Application "web" twice: from file "apps\/web\/release\.json" and from file "apps\/web\/release\.yaml"/,
    );
  });

  describe('over the same directories as a git directory generator', () => {
    beforeEach(() => {
      root = makeTree([...SEED_VALUES_FILES, 'applicationsets/workloads.yaml', '.cdk8s-gitops/manifest.json']);
    });

    test('gives the same Applications when the template uses only path parameters (Go templates)', () => {
      // GIVEN the seed ApplicationSet, and a copy that reads the values file of each directory instead
      const directories = parse(SEED_APPLICATION_SET);
      const files = parse(SEED_APPLICATION_SET);
      files.spec.generators[0].git = { repoURL: REPO, revision: 'main', files: [{ path: 'environments/*/*/*/*/values.yaml' }] };
      // WHEN both are expanded
      const fromDirectories = expandApplicationSet(directories, root);
      const fromFiles = expandApplicationSet(files, root);
      // THEN the Applications are the same, names and fields
      expect(fromDirectories).toHaveLength(8);
      expect(fromFiles).toEqual(fromDirectories);
    });

    test('gives the same Applications when the template uses only path parameters (fasttemplate)', () => {
      // GIVEN a fasttemplate ApplicationSet over directories, and the same over their values files
      const template = {
        metadata: { name: '{{path.basename}}-{{path[1]}}-{{path[2]}}-{{path[3]}}', labels: { service: '{{path.basenameNormalized}}' } },
        spec: {
          project: '{{path[1]}}',
          source: { repoURL: REPO, targetRevision: 'main', path: '{{path}}' },
          destination: { name: '{{path[2]}}-{{path[3]}}', namespace: '{{path.basename}}' },
        },
      };
      const appset = (git: Record<string, unknown>): ApplicationSetInput =>
        ({
          kind: 'ApplicationSet',
          metadata: { name: 'workloads', namespace: 'argocd' },
          spec: { generators: [{ git: { repoURL: REPO, revision: 'main', ...git } }], template },
        }) as ApplicationSetInput;
      // WHEN both are expanded
      const fromDirectories = expandApplicationSet(appset({ directories: [{ path: 'environments/*/*/*/*' }] }), root);
      const fromFiles = expandApplicationSet(appset({ files: [{ path: 'environments/*/*/*/*/values.yaml' }] }), root);
      // THEN the Applications are the same
      expect(fromDirectories).toHaveLength(8);
      expect(fromFiles).toEqual(fromDirectories);
    });

    test('uses only directories when a git generator has both directories and files, as Argo CD does', () => {
      // GIVEN a git generator with both, its files matching nothing
      const appset = parse(SEED_APPLICATION_SET);
      appset.spec.generators[0].git.files = [{ path: 'nothing/*.json' }];
      writeFiles(root, { 'nothing/broken.json': '{' });
      // WHEN it is expanded
      // THEN the directories give the Applications and the files are not read
      expect(expandApplicationSet(appset, root)).toHaveLength(8);
    });
  });
});
