import { ApplicationSetInput, previewApplicationSets } from '../../src/preview';

/**
 * An ApplicationSet `name` in argocd with one git directory generator per pattern, naming its
 * Applications `appName`, with `labels` and an optional `applicationsSync` policy.
 */
function appset(
  name: string,
  patterns: readonly string[],
  appName: string,
  options: { labels?: Record<string, string>; applicationsSync?: string } = {},
): ApplicationSetInput {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      ...(options.applicationsSync ? { syncPolicy: { applicationsSync: options.applicationsSync } } : {}),
      generators: patterns.map((path) => ({
        git: { repoURL: 'https://git.example.com/gitops.git', revision: 'main', directories: [{ path }] },
      })),
      template: {
        metadata: { name: appName, ...(options.labels ? { labels: options.labels } : {}) },
        spec: { project: 'default', destination: { name: 'in-cluster', namespace: 'apps' }, source: { path: '{{ .path.path }}' } },
      },
    },
  };
}

/** The directories of the repository, as the repo server lists them. */
const DIRECTORIES = ['apps', 'apps/api', 'apps/web', 'more', 'more/api', 'team', 'team/Web'];
const lister = (): readonly string[] => DIRECTORIES;

describe('previewApplicationSets', () => {
  test('keeps the first Application of a name in generator order, not in name order', () => {
    // GIVEN generators over more/* and then apps/*, all named after the basename
    const sets = [{ object: appset('apps', ['more/*', 'apps/*'], '{{ .path.basename }}'), file: 'apps.yaml' }];
    // WHEN it is previewed
    const { created, notCreated } = previewApplicationSets(sets, lister);
    // THEN "api" from more/api (the first generator) is created, and apps/api is the duplicate
    expect(created.map((c) => [c.app.metadata.name, c.at])).toEqual([
      ['api', 'directory "more/api"'],
      ['web', 'directory "apps/web"'],
    ]);
    expect(notCreated.map((n) => [n.at, n.reason, n.message])).toEqual([
      ['directory "apps/api"', 'ApplicationValidationError', 'ApplicationSet apps contains applications with duplicate name: api'],
    ]);
  });

  test('reports a refused create as CreateApplicationError under the create-only policy', () => {
    // GIVEN team/Web named after its basename, and applicationsSync: create-only
    const sets = [{ object: appset('team', ['team/*'], '{{ .path.basename }}', { applicationsSync: 'create-only' }), file: 'team.yaml' }];
    // WHEN it is previewed
    const { created, notCreated } = previewApplicationSets(sets, lister);
    // THEN nothing is created; createInCluster's failure is reported with reason CreateApplicationError
    expect(created).toEqual([]);
    expect(notCreated.map((n) => [n.code, n.reason, n.message])).toEqual([
      [
        'CG710',
        'CreateApplicationError',
        `Application.argoproj.io "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    ]);
  });

  test('refuses a label value the API server rejects, naming metadata.labels', () => {
    // GIVEN a label made from the path, which holds a "/"
    const sets = [{ object: appset('apps', ['apps/*'], '{{ .path.basename }}', { labels: { from: '{{ .path.path }}' } }), file: 'a.yaml' }];
    // WHEN it is previewed
    const { created, notCreated } = previewApplicationSets(sets, lister);
    // THEN both Applications are refused with the label value error of IsValidLabelValue
    expect(created).toEqual([]);
    expect(notCreated.map((n) => n.message)).toEqual(
      ['api', 'web'].map(
        (name) =>
          `Application.argoproj.io "${name}" is invalid: metadata.labels: Invalid value: "apps/${name}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ),
    );
  });

  test('lets the owner of an Application keep it, whichever ApplicationSet comes first', () => {
    // GIVEN "a" and "b" both generating web, and "b" owning it already
    const sets = [
      { object: appset('a', ['apps/web'], 'web'), file: 'a.yaml' },
      { object: appset('b', ['apps/web'], 'web'), file: 'b.yaml' },
    ];
    // WHEN it is previewed without and with the owner
    const first = previewApplicationSets(sets, lister);
    const owned = previewApplicationSets(sets, lister, { owners: new Map([['argocd/web', 'b']]) });
    // THEN the first ApplicationSet takes a new Application; an owner keeps its own, and the
    // other fails with controller-runtime's AlreadyOwnedError
    expect([first.created[0].applicationSet, first.notCreated[0].message]).toEqual([
      'a',
      'Object argocd/web is already owned by another ApplicationSet controller a',
    ]);
    expect([owned.created[0].applicationSet, owned.notCreated[0].message]).toEqual([
      'b',
      'Object argocd/web is already owned by another ApplicationSet controller b',
    ]);
  });
});
