/**
 * The cluster generator over the clusters a repository declares. Expected parameters and
 * Applications follow applicationset/generators/cluster_test.go (TestGenerateParams: a Secret's
 * name, nameNormalized, server, metadata.labels.* and metadata.annotations.*, values, and the
 * local cluster "in-cluster") and the Generators-Cluster documentation.
 */
import { ApplicationSetInput, clustersIn, DeclaredCluster, expandApplicationSet } from '../../src/preview';
import { failure } from '../support/failure';

const SECRET_TYPE = { 'argocd.argoproj.io/secret-type': 'cluster' };

/** cluster_test.go's three cluster Secrets. */
const CLUSTERS: DeclaredCluster[] = [
  {
    name: 'staging-01',
    server: 'https://staging-01.example.com',
    labels: { ...SECRET_TYPE, environment: 'staging', org: 'foo' },
    annotations: { 'foo.argoproj.io': 'staging' },
    file: 'a/secret-staging-01.yaml',
  },
  {
    name: 'production_01/west',
    server: 'https://production-01.example.com',
    labels: { ...SECRET_TYPE, environment: 'production', org: 'bar' },
    annotations: { 'foo.argoproj.io': 'production' },
    file: 'a/secret-production-01.yaml',
  },
];

function appset(spec: Record<string, unknown>): ApplicationSetInput {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'guestbook', namespace: 'argocd' }, spec };
}

/** A template that shows every parameter of interest in the Application's info. */
function showing(goTemplate: boolean, keys: readonly string[]): Record<string, unknown> {
  return {
    goTemplate,
    template: {
      metadata: { name: goTemplate ? '{{ .nameNormalized }}-guestbook' : '{{nameNormalized}}-guestbook' },
      spec: { project: 'my-project', info: keys.map((k) => ({ name: k, value: goTemplate ? `{{ ${k} }}` : `{{${k}}}` })) },
    },
  };
}

const infoOf = (apps: ReturnType<typeof expandApplicationSet>) =>
  Object.fromEntries(
    apps.map((a) => [
      a.metadata.name,
      Object.fromEntries((a.spec.info as Array<{ name: string; value: string }>).map((i) => [i.name, i.value])),
    ]),
  );

describe('cluster generator', () => {
  test('generates from every declared cluster and the local one with an empty selector, flat parameters (TestGenerateParams)', () => {
    // GIVEN cluster_test.go's clusters, values {lol1: lol, lol2: "{{values.lol1}}{{values.lol1}}", lol3: "{{name}}"}
    const set = appset({
      generators: [{ clusters: { values: { lol1: 'lol', lol2: '{{values.lol1}}{{values.lol1}}', lol3: '{{name}}' } } }],
      ...showing(false, [
        'name',
        'server',
        'metadata.labels.environment',
        'metadata.labels.argocd.argoproj.io/secret-type',
        'metadata.annotations.foo.argoproj.io',
        'values.lol1',
        'values.lol2',
        'values.lol3',
      ]),
    });
    // WHEN it is expanded over the declared clusters
    const apps = expandApplicationSet(set, () => [], { clusters: CLUSTERS });
    // THEN one Application per cluster Secret, and in-cluster, with the parameters cluster_test.go expects
    // (values are rendered with the cluster's parameters only: values.lol1 is not yet known to lol2)
    expect(infoOf(apps)).toEqual({
      'in-cluster-guestbook': {
        name: 'in-cluster',
        server: 'https://kubernetes.default.svc',
        'metadata.labels.environment': '{{metadata.labels.environment}}',
        'metadata.labels.argocd.argoproj.io/secret-type': '{{metadata.labels.argocd.argoproj.io/secret-type}}',
        'metadata.annotations.foo.argoproj.io': '{{metadata.annotations.foo.argoproj.io}}',
        'values.lol1': 'lol',
        'values.lol2': '{{values.lol1}}{{values.lol1}}',
        'values.lol3': 'in-cluster',
      },
      'production-01-west-guestbook': {
        name: 'production_01/west',
        server: 'https://production-01.example.com',
        'metadata.labels.environment': 'production',
        'metadata.labels.argocd.argoproj.io/secret-type': 'cluster',
        'metadata.annotations.foo.argoproj.io': 'production',
        'values.lol1': 'lol',
        'values.lol2': '{{values.lol1}}{{values.lol1}}',
        'values.lol3': 'production_01/west',
      },
      'staging-01-guestbook': {
        name: 'staging-01',
        server: 'https://staging-01.example.com',
        'metadata.labels.environment': 'staging',
        'metadata.labels.argocd.argoproj.io/secret-type': 'cluster',
        'metadata.annotations.foo.argoproj.io': 'staging',
        'values.lol1': 'lol',
        'values.lol2': '{{values.lol1}}{{values.lol1}}',
        'values.lol3': 'staging-01',
      },
    });
  });

  test('selects Secrets by their labels and leaves the local cluster out when the selector is not empty; Go template parameters', () => {
    // GIVEN a selector on environment: production, and Go templates
    const set = appset({
      generators: [{ clusters: { selector: { matchLabels: { environment: 'production' } }, values: { revision: 'stable' } } }],
      ...showing(true, ['.name', '.server', '.metadata.labels.org', 'index .metadata.annotations "foo.argoproj.io"', '.values.revision']),
    });
    // WHEN it is expanded
    const apps = expandApplicationSet(set, () => [], { clusters: CLUSTERS });
    // THEN the production cluster only
    expect(infoOf(apps)).toEqual({
      'production-01-west-guestbook': {
        '.name': 'production_01/west',
        '.server': 'https://production-01.example.com',
        '.metadata.labels.org': 'bar',
        'index .metadata.annotations "foo.argoproj.io"': 'production',
        '.values.revision': 'stable',
      },
    });
  });

  test("lists no in-cluster when a declared Secret has its server (the SDK declares the control plane's own cluster so)", () => {
    const own: DeclaredCluster = {
      name: 'azure-westeurope-01',
      server: 'https://kubernetes.default.svc',
      labels: SECRET_TYPE,
      annotations: {},
      file: 'f',
    };
    const set = appset({ generators: [{ clusters: {} }], ...showing(true, ['.server']) });
    expect(Object.keys(infoOf(expandApplicationSet(set, () => [], { clusters: [own, ...CLUSTERS] })))).toEqual([
      'azure-westeurope-01-guestbook',
      'production-01-west-guestbook',
      'staging-01-guestbook',
    ]);
  });

  test('matches a generator selector on the flat metadata.labels.* parameters', () => {
    const set = appset({
      generators: [{ clusters: {}, selector: { matchLabels: { 'metadata.labels.org': 'foo' } } }],
      ...showing(false, ['name']),
    });
    expect(Object.keys(infoOf(expandApplicationSet(set, () => [], { clusters: CLUSTERS })))).toEqual(['staging-01-guestbook']);
  });

  test('fails with CG706 when the repository declares no clusters for the control plane', () => {
    // GIVEN a cluster generator and no declared clusters
    const set = appset({ generators: [{ clusters: {} }], ...showing(true, ['.name']) });
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(set, () => [], { file: 'applicationsets/prod/guestbook.yaml' }));
    // THEN it says the cluster list is not in the repository and what to declare
    expect(e.code).toBe('CG706');
    expect(e.problems[0]!.file).toBe('applicationsets/prod/guestbook.yaml');
    expect(e.message).toContain(
      'spec.generators[0].clusters is a cluster generator, which generates from the clusters Argo CD holds, but the cluster list is not in the repository',
    );
    expect(e.problems[0]!.fix).toContain(
      "a SelfManagedArgoCd that runs on the control plane's cluster writes a declarative Secret for each cluster it manages",
    );
  });

  test('fails with CG706 on a flat list, which the preview does not expand', () => {
    const set = appset({ generators: [{ clusters: { flatList: true } }], ...showing(true, ['.name']) });
    expect(failure(() => expandApplicationSet(set, () => [], { clusters: CLUSTERS })).message).toContain(
      'spec.generators[0].clusters.flatList is set',
    );
  });
});

describe('clustersIn', () => {
  test('reads Secrets from stringData or base64 data, and ExternalSecrets from their target template', () => {
    const objects = [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'cluster-a', labels: { ...SECRET_TYPE, tier: 'hub' }, annotations: { note: 'x' } },
        stringData: { name: 'a', server: 'https://a.example.com', config: '{}' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'cluster-b', labels: SECRET_TYPE },
        data: { name: Buffer.from('b').toString('base64'), server: Buffer.from('https://b.example.com').toString('base64') },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'repo', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
        stringData: { url: 'u' },
      },
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'cluster-c' },
        spec: {
          target: {
            name: 'cluster-c',
            template: { metadata: { labels: SECRET_TYPE }, data: { name: 'c', server: 'https://c.example.com', config: '{{ .config }}' } },
          },
        },
      },
    ];
    expect(clustersIn(objects, 'dir/f.yaml')).toEqual([
      {
        name: 'a',
        server: 'https://a.example.com',
        labels: { ...SECRET_TYPE, tier: 'hub' },
        annotations: { note: 'x' },
        file: 'dir/f.yaml',
      },
      { name: 'b', server: 'https://b.example.com', labels: SECRET_TYPE, annotations: {}, file: 'dir/f.yaml' },
      { name: 'c', server: 'https://c.example.com', labels: SECRET_TYPE, annotations: {}, file: 'dir/f.yaml' },
    ]);
  });

  test('fails when an ExternalSecret reads the server from its store', () => {
    const es = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'cluster-d' },
      spec: { target: { template: { metadata: { labels: SECRET_TYPE }, data: { name: 'd', server: '{{ .server }}' } } } },
    };
    expect(() => clustersIn([es], 'f.yaml')).toThrow(
      'The ExternalSecret "cluster-d" in "f.yaml" reads the cluster\'s server from its secret store',
    );
  });
});
