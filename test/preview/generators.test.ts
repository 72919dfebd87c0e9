/**
 * The list, matrix and merge generators, generator values, pathParamPrefix and selectors, each
 * expanded offline as Argo CD's ApplicationSet controller expands them. Expected Applications
 * follow Argo CD's generator tests (applicationset/generators/*_test.go) and its documentation
 * (Generators-List, Generators-Matrix, Generators-Merge).
 */
import { ApplicationSetInput, expandApplicationSet, GeneratedApplication } from '../../src/preview';
import { failure } from '../support/failure';
import { makeTree, removeTree } from './fixtures';

const REPO = 'https://github.com/argoproj/argo-cd.git';

/** An ApplicationSet `guestbook` in `argocd` with `spec`. */
function appset(spec: Record<string, unknown>): ApplicationSetInput {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'guestbook', namespace: 'argocd' }, spec };
}

/** The Application of the list generator documentation's template for a cluster and URL. */
function guestbook(cluster: string, url: string): GeneratedApplication {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${cluster}-guestbook`, namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
    spec: {
      project: 'my-project',
      source: { repoURL: REPO, targetRevision: 'HEAD', path: `applicationset/examples/list-generator/guestbook/${cluster}` },
      destination: { server: url, namespace: 'guestbook' },
    },
  };
}

const names = (apps: readonly GeneratedApplication[]): string[] => apps.map((a) => a.metadata.name);

describe('list generator', () => {
  const template = (go: boolean) => ({
    metadata: { name: go ? '{{.cluster}}-guestbook' : '{{cluster}}-guestbook' },
    spec: {
      project: 'my-project',
      source: {
        repoURL: REPO,
        targetRevision: 'HEAD',
        path: `applicationset/examples/list-generator/guestbook/${go ? '{{.cluster}}' : '{{cluster}}'}`,
      },
      destination: { server: go ? '{{.url}}' : '{{url}}', namespace: 'guestbook' },
    },
  });
  const elements = [
    { cluster: 'engineering-dev', url: 'https://kubernetes.default.svc' },
    { cluster: 'engineering-prod', url: 'https://kubernetes.default.svc' },
  ];

  test.each([true, false])('generates one Application per element, goTemplate %s (the documentation example)', (goTemplate) => {
    // GIVEN the list generator documentation's ApplicationSet
    const set = appset({ goTemplate, generators: [{ list: { elements } }], template: template(goTemplate) });
    // WHEN it is expanded
    const apps = expandApplicationSet(set, () => []);
    // THEN Argo CD's two Applications
    expect(apps).toEqual([
      guestbook('engineering-dev', 'https://kubernetes.default.svc'),
      guestbook('engineering-prod', 'https://kubernetes.default.svc'),
    ]);
  });

  test("flattens an element's values to values.<key> without goTemplate, and keeps them nested with it", () => {
    // GIVEN Argo CD's TestGenerateListParams element {"cluster","url","values":{"foo":"bar"}}
    const element = { cluster: 'cluster', url: 'url', values: { foo: 'bar' } };
    const flat = appset({
      generators: [{ list: { elements: [element] } }],
      template: {
        metadata: { name: '{{cluster}}-{{values.foo}}' },
        spec: { project: '{{values.foo}}', destination: { server: '{{url}}' } },
      },
    });
    const nested = appset({
      goTemplate: true,
      generators: [{ list: { elements: [element] } }],
      template: {
        metadata: { name: '{{.cluster}}-{{.values.foo}}' },
        spec: { project: '{{.values.foo}}', destination: { server: '{{.url}}' } },
      },
    });
    // WHEN both are expanded
    // THEN both see values.foo = bar (flat: "values.foo"; Go templates: .values.foo)
    for (const set of [flat, nested]) {
      const [app] = expandApplicationSet(set, () => []);
      expect([app!.metadata.name, app!.spec.project, app!.spec.destination]).toEqual(['cluster-bar', 'bar', { server: 'url' }]);
    }
  });

  test('passes element values that are not strings to Go templates as JSON decodes them (numbers are float64)', () => {
    // GIVEN elements with a number, a boolean, a list and a map
    const set = appset({
      goTemplate: true,
      generators: [
        { list: { elements: [{ name: 'a', replicas: 3, big: 1000000, on: true, zones: ['x', 'y'], labels: { tier: 'web' } }] } },
      ],
      template: {
        metadata: { name: '{{.name}}' },
        spec: {
          project: 'p',
          info: [{ name: 'n', value: '{{.replicas}} {{.big}} {{.on}} {{index .zones 1}} {{.labels.tier}} {{printf "%v" .replicas}}' }],
        },
      },
    });
    // WHEN it is expanded
    const [app] = expandApplicationSet(set, () => []);
    // THEN Go prints them as it prints float64, bool, list items and map values
    expect(app!.spec.info).toEqual([{ name: 'n', value: '3 1e+06 true y web 3' }]);
  });

  test('appends the items of elementsYaml after the elements, as they are', () => {
    // GIVEN elements and elementsYaml
    const set = appset({
      goTemplate: true,
      generators: [{ list: { elements: [{ cluster: 'a' }], elementsYaml: '- cluster: b\n  replicas: 2\n- cluster: c\n' } }],
      template: { metadata: { name: '{{.cluster}}' }, spec: { project: '{{ default "none" .replicas }}' } },
    });
    // WHEN it is expanded
    const apps = expandApplicationSet(set, () => []);
    // THEN three Applications: a, then b and c from the YAML
    expect(apps.map((a) => [a.metadata.name, a.spec.project])).toEqual([
      ['a', 'none'],
      ['b', '2'],
      ['c', 'none'],
    ]);
  });

  test("uses a list generator's own template merged onto the set's", () => {
    // GIVEN a list generator with a template of its own
    const set = appset({
      goTemplate: true,
      generators: [{ list: { elements: [{ cluster: 'a' }], template: { metadata: {}, spec: { project: 'own', destination: {} } } } }],
      template: { metadata: { name: '{{.cluster}}' }, spec: { project: 'set', destination: { server: 'https://kubernetes.default.svc' } } },
    });
    // WHEN it is expanded
    const [app] = expandApplicationSet(set, () => []);
    // THEN the generator's project, the set's destination
    expect(app!.spec).toEqual({ project: 'own', destination: { server: 'https://kubernetes.default.svc' } });
  });

  test('leaves the template as written, without the resources finalizer, for an empty element, as RenderTemplateParams does', () => {
    // GIVEN an empty element, with missingkey=error
    const set = appset({
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: [{}] } }],
      template: { metadata: { name: 'fixed', labels: { '{{ .k }}': 'v' } }, spec: { project: '{{ .cluster }}' } },
    });
    // WHEN it is expanded
    const [app] = expandApplicationSet(set, () => []);
    // THEN Argo CD returns the template unrendered for empty parameters (len(params) == 0), finalizer included
    expect(app).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'fixed', namespace: 'argocd', labels: { '{{ .k }}': 'v' }, finalizers: [] },
      spec: { project: '{{ .cluster }}' },
    });
  });

  test('fails when an element holds a value that is not a string without goTemplate, as Argo CD does', () => {
    // GIVEN a number in a fasttemplate element
    const set = appset({
      generators: [{ list: { elements: [{ cluster: 'a', replicas: 3 }] } }],
      template: { metadata: { name: '{{cluster}}' }, spec: {} },
    });
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(set, () => []));
    // THEN CG708 names the element and key
    expect(e.code).toBe('CG708');
    expect(e.message).toContain(
      'ApplicationSet "guestbook" spec.generators[0].list: element 0 key "replicas" is not a string ("error parsing value as string")',
    );
  });

  test('fails when a list generator has values, which its type does not have', () => {
    const set = appset({ generators: [{ list: { elements: [], values: { a: 'b' } } }], template: { metadata: { name: 'x' }, spec: {} } });
    const e = failure(() => expandApplicationSet(set, () => []));
    expect(e.message).toContain('spec.generators[0].list.values is not a field of the list generator.');
  });
});

describe('matrix generator', () => {
  let root: string;
  afterEach(() => root && removeTree(root));

  test('fails with CG706 when its sets render more than the preview holds in all, each within the bound of one field', () => {
    // GIVEN 100 elements, each rendering an annotation of 1,400,000 characters (under the 1.5 MiB of one field)
    const set = appset({
      goTemplate: true,
      generators: [{ list: { elements: Array.from({ length: 100 }, (_, i) => ({ a: `${i}` })) } }],
      template: {
        metadata: { name: 'app-{{ .a }}', annotations: { big: '{{ repeat 1400000 "a" }}' } },
        spec: { project: 'default', source: { repoURL: REPO, path: 'p' }, destination: { name: 'in-cluster', namespace: 'n' } },
      },
    });
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(set, () => []));
    // THEN CG706 names the field and the set that reached the bound (95 × 1,400,000 > 128 Mi)
    expect(e.code).toBe('CG706');
    expect(e.message).toBe(
      'CG706 ApplicationSet "guestbook" spec.template.metadata.annotations.big, list element 95: the templates of this ApplicationSet render more than 134217728 characters over its parameter sets, which the offline preview does not expand. ' +
        'Fix: Render smaller values (each Application is stored whole by the Kubernetes API server), or split the ApplicationSet.',
    );
  });

  test('fails with CG706 when it would give more than the preview expands, before building every combination', () => {
    // GIVEN a matrix of two lists of 1,000 elements: 1,000,000 Applications
    const many = (key: string) => Array.from({ length: 1000 }, (_, i) => ({ [key]: `${i}` }));
    const set = appset({
      goTemplate: true,
      generators: [{ matrix: { generators: [{ list: { elements: many('a') } }, { list: { elements: many('b') } }] } }],
      template: {
        metadata: { name: 'app-{{ .a }}-{{ .b }}' },
        spec: { project: 'default', source: { repoURL: REPO, path: 'p' }, destination: { name: 'in-cluster', namespace: 'n' } },
      },
    });
    // WHEN it is expanded
    const started = Date.now();
    const e = failure(() => expandApplicationSet(set, () => []));
    // THEN CG706 names the generator and the bound, and it stops early
    expect(e.code).toBe('CG706');
    expect(e.message).toBe(
      'CG706 ApplicationSet "guestbook" spec.generators[0] gives more than 100000 parameter sets, so Argo CD would generate as many Applications from this one ApplicationSet; the offline preview does not expand so many. ' +
        'Fix: Narrow the generators (fewer files, elements or directories, a selector), or split the ApplicationSet.',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  const CLUSTERS = [
    { name: 'staging', server: 'https://1.2.3.4' },
    { name: 'prod', server: 'https://2.4.6.8' },
  ];

  test('combines every directory with every element (git × list), Go templates', () => {
    // GIVEN the matrix documentation's cluster-addons directories, and two clusters as list elements
    root = makeTree([
      'applicationset/examples/matrix/cluster-addons/argo-workflows/kustomization.yaml',
      'applicationset/examples/matrix/cluster-addons/prometheus-operator/kustomization.yaml',
    ]);
    const set = appset({
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          matrix: {
            generators: [
              { git: { repoURL: REPO, revision: 'HEAD', directories: [{ path: 'applicationset/examples/matrix/cluster-addons/*' }] } },
              { list: { elements: CLUSTERS } },
            ],
          },
        },
      ],
      template: {
        metadata: { name: '{{.path.basename}}-{{.name}}' },
        spec: {
          project: 'default',
          source: { repoURL: REPO, targetRevision: 'HEAD', path: '{{.path.path}}' },
          destination: { server: '{{.server}}', namespace: '{{.path.basename}}' },
        },
      },
    });
    // WHEN it is expanded
    const apps = expandApplicationSet(set, root);
    // THEN four Applications, each with its directory's path and its cluster's server
    expect(names(apps)).toEqual([
      'argo-workflows-prod',
      'argo-workflows-staging',
      'prometheus-operator-prod',
      'prometheus-operator-staging',
    ]);
    expect(apps[1]!.spec).toEqual({
      project: 'default',
      source: { repoURL: REPO, targetRevision: 'HEAD', path: 'applicationset/examples/matrix/cluster-addons/argo-workflows' },
      destination: { server: 'https://1.2.3.4', namespace: 'argo-workflows' },
    });
  });

  test('combines flat parameters without goTemplate', () => {
    // GIVEN the same matrix with fasttemplate
    root = makeTree(['addons/argo-workflows/kustomization.yaml']);
    const set = appset({
      generators: [
        { matrix: { generators: [{ git: { repoURL: REPO, directories: [{ path: 'addons/*' }] } }, { list: { elements: CLUSTERS } }] } },
      ],
      template: { metadata: { name: '{{path.basename}}-{{name}}' }, spec: { destination: { server: '{{server}}' } } },
    });
    // WHEN it is expanded
    const apps = expandApplicationSet(set, root);
    // THEN the flat parameters of both generators are combined
    expect(apps.map((a) => [a.metadata.name, a.spec.destination])).toEqual([
      ['argo-workflows-prod', { server: 'https://2.4.6.8' }],
      ['argo-workflows-staging', { server: 'https://1.2.3.4' }],
    ]);
  });

  test("interpolates the second generator with each set of the first (a git files path from a list element's key)", () => {
    // GIVEN a list of environments and a git files generator whose path names the environment
    root = makeTree(['config/dev/a.json', 'config/dev/b.json', 'config/prod/a.json']);
    const set = appset({
      goTemplate: true,
      generators: [
        {
          matrix: {
            generators: [
              { list: { elements: [{ env: 'dev' }, { env: 'prod' }] } },
              { git: { repoURL: REPO, revision: 'HEAD', files: [{ path: 'config/{{ .env }}/*.json' }] } },
            ],
          },
        },
      ],
      template: { metadata: { name: '{{ .env }}-{{ .path.filenameNormalized | trimSuffix ".json" }}' }, spec: { project: '{{ .env }}' } },
    });
    // WHEN it is expanded
    const apps = expandApplicationSet(set, root);
    // THEN each environment gets its own files only
    expect(apps.map((a) => [a.metadata.name, a.spec.project])).toEqual([
      ['dev-a', 'dev'],
      ['dev-b', 'dev'],
      ['prod-a', 'prod'],
    ]);
  });

  test("templates a second list generator's elements and elementsYaml with the first's parameters", () => {
    // GIVEN a list with a key holding a YAML list, and a second list reading it through elementsYaml, with an element templated too
    const set = appset({
      goTemplate: true,
      generators: [
        {
          matrix: {
            generators: [
              { list: { elements: [{ app: 'web', clusters: '- name: a\n- name: b\n' }] } },
              { list: { elementsYaml: '{{ .clusters }}', elements: [{ name: 'own-{{ .app }}' }] } },
            ],
          },
        },
      ],
      template: { metadata: { name: '{{ .app }}-{{ .name }}' }, spec: {} },
    });
    // WHEN it is expanded
    const apps = expandApplicationSet(set, () => []);
    // THEN Argo CD renders every string of the second generator (RenderGeneratorParams): the element and the YAML
    expect(names(apps)).toEqual(['web-a', 'web-b', 'web-own-web']);
  });

  test('lets the first generator win a key both set with goTemplate, merging maps key by key (mergo)', () => {
    // GIVEN two lists that both set "name" and a map "meta"
    const set = appset({
      goTemplate: true,
      generators: [
        {
          matrix: {
            generators: [
              { list: { elements: [{ name: 'first', meta: { a: '1' } }] } },
              { list: { elements: [{ name: 'second', meta: { a: '2', b: '2' }, extra: 'e' }] } },
            ],
          },
        },
      ],
      template: { metadata: { name: '{{ .name }}-{{ .meta.a }}-{{ .meta.b }}-{{ .extra }}' }, spec: {} },
    });
    // WHEN it is expanded
    const [app] = expandApplicationSet(set, () => []);
    // THEN first-1-2-e
    expect(app!.metadata.name).toBe('first-1-2-e');
  });

  test('fails when both generators set one key to different values without goTemplate, as Argo CD does', () => {
    // GIVEN two git directory generators, both setting path
    root = makeTree(['apps/a/f', 'envs/dev/f']);
    const set = appset({
      generators: [
        {
          matrix: {
            generators: [
              { git: { repoURL: REPO, directories: [{ path: 'apps/*' }] } },
              { git: { repoURL: REPO, directories: [{ path: 'envs/*' }] } },
            ],
          },
        },
      ],
      template: { metadata: { name: '{{path.basename}}' }, spec: {} },
    });
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(set, root));
    // THEN Argo CD's duplicate key error
    expect(e.code).toBe('CG708');
    // AND names the parameter, not its values (parameters may hold secrets)
    expect(e.message).toContain('both generators set the parameter "path", to different values;');
    expect(e.message).not.toMatch(/to "apps\/a"|"envs\/dev";/);
  });

  test('combines two git generators told apart by pathParamPrefix (git × git)', () => {
    // GIVEN two git directory generators with prefixes app and env
    root = makeTree(['apps/api/f', 'apps/web/f', 'envs/dev/f']);
    const gitDirs = (path: string, prefix: string) => ({
      git: { repoURL: REPO, revision: 'HEAD', pathParamPrefix: prefix, directories: [{ path }] },
    });
    for (const goTemplate of [true, false]) {
      const set = appset({
        goTemplate,
        generators: [{ matrix: { generators: [gitDirs('apps/*', 'app'), gitDirs('envs/*', 'env')] } }],
        template: {
          metadata: { name: goTemplate ? '{{.app.path.basename}}-{{.env.path.basename}}' : '{{app.path.basename}}-{{env.path.basename}}' },
          spec: { source: { path: goTemplate ? '{{.app.path.path}}/{{ index .env.path.segments 1 }}' : '{{app.path}}/{{env.path[1]}}' } },
        },
      });
      // WHEN it is expanded
      const apps = expandApplicationSet(set, root);
      // THEN each app with each environment, from the prefixed parameters
      expect(apps.map((a) => [a.metadata.name, a.spec.source])).toEqual([
        ['api-dev', { path: 'apps/api/dev' }],
        ['web-dev', { path: 'apps/web/dev' }],
      ]);
    }
  });

  test('nests a matrix in a matrix one level', () => {
    const set = appset({
      goTemplate: true,
      generators: [
        {
          matrix: {
            generators: [
              { list: { elements: [{ a: '1' }, { a: '2' }] } },
              { matrix: { generators: [{ list: { elements: [{ b: 'x' }] } }, { list: { elements: [{ c: 'y' }, { c: 'z' }] } }] } },
            ],
          },
        },
      ],
      template: { metadata: { name: '{{.a}}-{{.b}}-{{.c}}' }, spec: {} },
    });
    expect(names(expandApplicationSet(set, () => []))).toEqual(['1-x-y', '1-x-z', '2-x-y', '2-x-z']);
  });

  test('fails when a matrix has other than two generators, or nests two levels', () => {
    const three = appset({
      generators: [{ matrix: { generators: [{ list: { elements: [] } }, { list: { elements: [] } }, { list: { elements: [] } }] } }],
      template: { metadata: { name: 'x' }, spec: {} },
    });
    expect(failure(() => expandApplicationSet(three, () => [])).message).toContain(
      'spec.generators[0].matrix.generators has 3 generators; Argo CD fails a matrix generator without exactly two ("found more than two generators, Matrix support only two")',
    );
    const inner = { matrix: { generators: [{ list: { elements: [] } }, { list: { elements: [] } }] } };
    const deep = appset({
      generators: [
        { matrix: { generators: [{ list: { elements: [] } }, { matrix: { generators: [{ list: { elements: [] } }, inner] } }] } },
      ],
      template: { metadata: { name: 'x' }, spec: {} },
    });
    expect(failure(() => expandApplicationSet(deep, () => [])).message).toContain(
      'spec.generators[0].matrix.generators[1].matrix.generators[1].matrix is a matrix generator nested two levels deep',
    );
  });
});

describe('merge generator', () => {
  const mergeOf = (generators: unknown[], mergeKeys: string[], goTemplate = false) =>
    appset({
      goTemplate,
      generators: [{ merge: { mergeKeys, generators } }],
      template: {
        metadata: { name: goTemplate ? 'app-{{.b}}' : 'app-{{b}}' },
        spec: {
          info: [
            { name: 'a', value: goTemplate ? '{{ .a }}' : '{{a}}' },
            { name: 'c', value: goTemplate ? '{{ .c }}' : '{{c}}' },
          ],
        },
      },
    });
  const list = (...elements: object[]) => ({ list: { elements } });

  test('overrides base sets with matching sets of later generators and drops the rest (TestMergeGenerate "happy flow")', () => {
    // GIVEN Argo CD's happy flow: base {a:1_1,b:same,c:1_3}, {a:2_1,b:same}, {a:3_1,b:different,c:3_3}, merged on b
    for (const go of [false, true]) {
      const set = mergeOf(
        [list({ a: '1_1', b: 'same', c: '1_3' }), list({ a: '2_1', b: 'same' }), list({ a: '3_1', b: 'different', c: '3_3' })],
        ['b'],
        go,
      );
      // WHEN it is expanded
      const apps = expandApplicationSet(set, () => []);
      // THEN one set: {a:2_1, b:same, c:1_3}
      expect(apps.map((a) => [a.metadata.name, a.spec.info])).toEqual([
        [
          'app-same',
          [
            { name: 'a', value: '2_1' },
            { name: 'c', value: '1_3' },
          ],
        ],
      ]);
    }
  });

  test('merges a nested matrix with a list on two keys (TestMergeGenerate "merge nested matrix with some lists")', () => {
    const matrix = { matrix: { generators: [list({ a: '1' }, { a: '2' }), list({ b: '1' }, { b: '2' })] } };
    const set = mergeOf([matrix, list({ a: '1', b: '1', c: 'added' })], ['a', 'b'], true);
    const apps = expandApplicationSet(
      {
        ...set,
        spec: { ...(set.spec as object), template: { metadata: { name: '{{.a}}-{{.b}}' }, spec: { project: '{{ default "" .c }}' } } },
      },
      () => [],
    );
    expect(apps.map((a) => [a.metadata.name, a.spec.project])).toEqual([
      ['1-1', 'added'],
      ['1-2', ''],
      ['2-1', ''],
      ['2-2', ''],
    ]);
  });

  test('merges clusters with values, a selected override and a list element (the Generators-Merge documentation example)', () => {
    // GIVEN the documentation's merge: all clusters (kafka true, redis false), those labelled use-kafka=false (kafka false), and a list element for 2.4.6.8 (redis true)
    const label = (extra: Record<string, string>) => ({ 'argocd.argoproj.io/secret-type': 'cluster', ...extra });
    const clusters = [
      { name: 'staging', server: 'https://1.2.3.4', labels: label({ 'use-kafka': 'false' }), annotations: {}, file: 'f' },
      { name: 'production', server: 'https://2.4.6.8', labels: label({}), annotations: {}, file: 'f' },
    ];
    const set = appset({
      generators: [
        {
          merge: {
            mergeKeys: ['server'],
            generators: [
              { clusters: { values: { kafka: 'true', redis: 'false' } } },
              { clusters: { selector: { matchLabels: { 'use-kafka': 'false' } }, values: { kafka: 'false' } } },
              { list: { elements: [{ server: 'https://2.4.6.8', 'values.redis': 'true' }] } },
            ],
          },
        },
      ],
      template: {
        metadata: { name: '{{name}}' },
        spec: {
          info: [
            { name: 'kafka', value: '{{values.kafka}}' },
            { name: 'redis', value: '{{values.redis}}' },
          ],
        },
      },
    });
    // WHEN it is expanded
    const apps = expandApplicationSet(set, () => [], { clusters });
    // THEN in-cluster keeps the base values, staging has kafka off, production has redis on
    expect(Object.fromEntries(apps.map((a) => [a.metadata.name, (a.spec.info as Array<{ value: string }>).map((i) => i.value)]))).toEqual({
      'in-cluster': ['true', 'false'],
      production: ['true', 'true'],
      staging: ['false', 'false'],
    });
  });

  test("fails when a generator's sets are not unique by the merge keys, the base's included", () => {
    const set = mergeOf([list({ a: 'x', b: 'k' }, { a: 'y', b: 'k' }), list({ b: 'k' })], ['b']);
    const e = failure(() => expandApplicationSet(set, () => []));
    expect(e.code).toBe('CG708');
    expect(e.message).toContain(
      'spec.generators[0].merge.generators[0]: list element 0 and list element 1 have the same values of the merge keys "b";',
    );
    // AND it names the merge key, not its value (parameters may hold secrets)
    expect(e.message).not.toContain('"k"');
  });

  test('fails with CG706 on a merge key nested in a map with goTemplate (Argo CD versions differ on it)', () => {
    const set = mergeOf([list({ a: 'x', b: { c: '1' } }), list({ b: { c: '1' } })], ['b.c'], true);
    const e = failure(() => expandApplicationSet(set, () => []));
    expect(e.code).toBe('CG706');
    expect(e.message).toContain('spec.generators[0].merge.mergeKeys names "b.c", a parameter nested in a map with goTemplate');
  });

  test('fails without mergeKeys', () => {
    const set = mergeOf([list({ a: 'x' }), list({ a: 'y' })], []);
    expect(failure(() => expandApplicationSet(set, () => [])).message).toContain(
      'no merge keys were specified, Merge requires at least one',
    );
  });
});

describe('generator values, pathParamPrefix and selector', () => {
  let root: string;
  beforeEach(() => {
    root = makeTree(['apps/api/f', 'apps/web/f', 'apps/Batch_Jobs/f']);
  });
  afterEach(() => removeTree(root));

  test('renders git values with the parameters, under values (Go templates) or values.<key>', () => {
    for (const goTemplate of [true, false]) {
      // GIVEN values templated with the directory's basename
      const set = appset({
        goTemplate,
        generators: [
          {
            git: {
              repoURL: REPO,
              directories: [{ path: 'apps/*' }],
              values: { team: goTemplate ? 'team-{{ .path.basenameNormalized }}' : 'team-{{path.basenameNormalized}}' },
            },
          },
        ],
        template: {
          metadata: { name: goTemplate ? '{{ .path.basenameNormalized }}' : '{{path.basenameNormalized}}' },
          spec: { project: goTemplate ? '{{ .values.team }}' : '{{values.team}}' },
        },
      });
      // WHEN it is expanded
      const apps = expandApplicationSet(set, root);
      // THEN each Application's project is its rendered value
      expect(apps.map((a) => [a.metadata.name, a.spec.project])).toEqual([
        ['api', 'team-api'],
        ['batch-jobs', 'team-batch-jobs'],
        ['web', 'team-web'],
      ]);
    }
  });

  test('keeps the parameter sets a selector matches: matchLabels and matchExpressions over flattened parameters', () => {
    // GIVEN a selector on path.basename (Go templates: the nested map is flattened with dots)
    const set = appset({
      goTemplate: true,
      generators: [
        {
          git: { repoURL: REPO, directories: [{ path: 'apps/*' }] },
          selector: {
            matchExpressions: [{ key: 'path.basename', operator: 'NotIn', values: ['web'] }],
            matchLabels: { 'path.path': 'apps/api' },
          },
        },
      ],
      template: { metadata: { name: '{{ .path.basename }}' }, spec: {} },
    });
    // WHEN it is expanded
    // THEN only apps/api is kept
    expect(names(expandApplicationSet(set, root))).toEqual(['api']);
  });

  test("matches a list element's keys and values with Exists, and a Go values map only whole, as Argo CD flattens it", () => {
    const set = (selector: object) =>
      appset({
        goTemplate: true,
        generators: [{ list: { elements: [{ name: 'a', env: 'prod' }, { name: 'b' }] }, selector }],
        template: { metadata: { name: '{{ .name }}' }, spec: {} },
      });
    expect(names(expandApplicationSet(set({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }), () => []))).toEqual(['a']);
    expect(names(expandApplicationSet(set({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }), () => []))).toEqual(['b']);
    // A git generator's values are a Go map[string]string: flattening prints it whole, so values.team never matches.
    const withValues = appset({
      goTemplate: true,
      generators: [
        {
          git: { repoURL: REPO, directories: [{ path: 'apps/*' }], values: { team: 'x' } },
          selector: { matchLabels: { 'values.team': 'x' } },
        },
      ],
      template: { metadata: { name: '{{ .path.basenameNormalized }}' }, spec: {} },
    });
    expect(expandApplicationSet(withValues, root)).toEqual([]);
    const whole = appset({
      goTemplate: true,
      generators: [
        {
          git: { repoURL: REPO, directories: [{ path: 'apps/*' }], values: { team: 'x' } },
          selector: { matchLabels: { values: 'map[team:x]' } },
        },
      ],
      template: { metadata: { name: '{{ .path.basenameNormalized }}' }, spec: {} },
    });
    expect(names(expandApplicationSet(whole, root))).toEqual(['api', 'batch-jobs', 'web']);
  });

  test("applies a selector on a child of a matrix to that child's sets", () => {
    const set = appset({
      goTemplate: true,
      generators: [
        {
          matrix: {
            generators: [
              { git: { repoURL: REPO, directories: [{ path: 'apps/*' }] }, selector: { matchLabels: { 'path.basename': 'web' } } },
              { list: { elements: [{ env: 'dev' }, { env: 'prod' }] } },
            ],
          },
        },
      ],
      template: { metadata: { name: '{{ .path.basename }}-{{ .env }}' }, spec: {} },
    });
    expect(names(expandApplicationSet(set, root))).toEqual(['web-dev', 'web-prod']);
  });

  test("applies the selector of a nested matrix's generator with applyNestedSelectors, and refuses it without", () => {
    const set = (applyNestedSelectors?: boolean) =>
      appset({
        goTemplate: true,
        ...(applyNestedSelectors === undefined ? {} : { applyNestedSelectors }),
        generators: [
          {
            matrix: {
              generators: [
                { list: { elements: [{ a: '1' }] } },
                {
                  matrix: {
                    generators: [
                      { list: { elements: [{ b: 'x' }, { b: 'y' }] }, selector: { matchLabels: { b: 'y' } } },
                      { list: { elements: [{ c: 'z' }] } },
                    ],
                  },
                },
              ],
            },
          },
        ],
        template: { metadata: { name: '{{.a}}-{{.b}}-{{.c}}' }, spec: {} },
      });
    expect(names(expandApplicationSet(set(true), () => []))).toEqual(['1-y-z']);
    const e = failure(() => expandApplicationSet(set(), () => []));
    expect(e.code).toBe('CG706');
    expect(e.message).toContain(
      'spec.generators[0].matrix.generators[1].matrix.generators[0].selector is set on a generator of a nested matrix or merge generator without spec.applyNestedSelectors',
    );
  });

  test('fails on a selector Argo CD cannot parse', () => {
    const set = appset({
      generators: [{ list: { elements: [] }, selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } }],
      template: { metadata: { name: 'x' }, spec: {} },
    });
    const e = failure(() => expandApplicationSet(set, () => []));
    expect(e.code).toBe('CG708');
    expect(e.message).toContain("spec.generators[0].selector matchExpressions[0]: for 'in', 'notin' operators, values set can't be empty");
  });
});
