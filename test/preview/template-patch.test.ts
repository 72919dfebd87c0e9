/**
 * `spec.templatePatch` and the fields Argo CD's controller adds to or keeps on a generated
 * Application (the resources finalizer, the ApplicationSet's namespace). Expected Applications
 * follow applicationset/utils/templatePatch_test.go (a strategic merge patch of the
 * Application) and TestRenderTemplateParamsFinalizers.
 */
import { ApplicationSetInput, expandApplicationSet, GeneratedApplication } from '../../src/preview';
import { failure } from '../support/failure';

/** templatePatch_test.go's Application, generated from one list element, with `templatePatch`. */
function appset(templatePatch: string | undefined, extra: Record<string, unknown> = {}): ApplicationSetInput {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'guestbook', namespace: 'namespace' },
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: [{ cluster: 'my-cluster', prune: true, files: ['values.test.yaml', 'values.big.yaml'] }] } }],
      template: {
        metadata: { name: '{{ .cluster }}-guestbook' },
        spec: {
          project: 'default',
          source: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git', targetRevision: 'HEAD', path: 'guestbook' },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
        },
      },
      ...(templatePatch === undefined ? {} : { templatePatch }),
      ...extra,
    },
  };
}

const expand = (set: ApplicationSetInput): GeneratedApplication => {
  const apps = expandApplicationSet(set, () => []);
  expect(apps).toHaveLength(1);
  return apps[0]!;
};

describe('templatePatch', () => {
  test('merges the rendered patch into the Application (templatePatch_test.go, YAML and JSON)', () => {
    // GIVEN templatePatch_test.go's patch, as YAML and as JSON, with the prune flag and value files from the parameters
    const yaml = `
metadata:
  annotations:
    annotation-some-key: annotation-some-value
spec:
  source:
    helm:
      valueFiles:
        - {{ index .files 0 }}
        - {{ index .files 1 }}
  syncPolicy:
    automated:
      prune: {{ .prune }}`;
    const json =
      '{"metadata": {"annotations": {"annotation-some-key": "annotation-some-value"}}, "spec": {"source": {"helm": {"valueFiles": ["values.test.yaml", "values.big.yaml"]}}, "syncPolicy": {"automated": {"prune": {{ .prune }}}}}}';
    for (const patch of [yaml, json]) {
      // WHEN it is expanded
      const app = expand(appset(patch));
      // THEN the annotation is added, the source gains helm value files, and automated prune is true
      expect(app).toEqual({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: 'my-cluster-guestbook',
          namespace: 'namespace',
          annotations: { 'annotation-some-key': 'annotation-some-value' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://github.com/argoproj/argocd-example-apps.git',
            targetRevision: 'HEAD',
            path: 'guestbook',
            helm: { valueFiles: ['values.test.yaml', 'values.big.yaml'] },
          },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
          syncPolicy: { automated: { prune: true } },
        },
      });
    }
  });

  test('replaces lists whole, removes a key patched to null, and keeps the ApplicationSet namespace', () => {
    // GIVEN a template with sources and info, and a patch that replaces info, removes project's source path and sets a namespace
    const set = appset(
      `
metadata:
  namespace: elsewhere
  labels:
    team: '{{ .cluster }}'
spec:
  info:
    - name: only
      value: one
  source:
    path: null
`,
    );
    (set.spec as { template: { spec: Record<string, unknown> } }).template.spec.info = [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ];
    // WHEN it is expanded
    const app = expand(set);
    // THEN info is the patch's list, source.path is gone, the label is added, and the namespace is the ApplicationSet's
    expect(app.spec.info).toEqual([{ name: 'only', value: 'one' }]);
    expect(app.spec.source).toEqual({ repoURL: 'https://github.com/argoproj/argocd-example-apps.git', targetRevision: 'HEAD' });
    expect(app.metadata.labels).toEqual({ team: 'my-cluster' });
    expect(app.metadata.namespace).toBe('namespace');
  });

  test('applies "$patch: replace" to a map, and "finalizers: null" removes the resources finalizer the controller added', () => {
    const app = expand(
      appset(`
metadata:
  finalizers: null
spec:
  destination:
    $patch: replace
    name: in-cluster
`),
    );
    expect(app.spec.destination).toEqual({ name: 'in-cluster' });
    expect(app.metadata.finalizers).toEqual([]);
  });

  test('renders the patch with fasttemplate when goTemplate is false, as the controller does', () => {
    const set = appset('spec:\n  project: "{{cluster}}"\n');
    const spec = set.spec as Record<string, unknown>;
    spec.goTemplate = false;
    spec.generators = [{ list: { elements: [{ cluster: 'my-cluster' }] } }];
    (spec.template as { metadata: { name: string } }).metadata.name = '{{cluster}}-guestbook';
    expect(expand(set).spec.project).toBe('my-cluster');
  });

  test('fails when the patch sets finalizers, which Kubernetes merges by rules the preview does not model', () => {
    const e = failure(() => expandApplicationSet(appset('metadata:\n  finalizers: [a]\n'), () => []));
    expect(e.code).toBe('CG706');
    expect(e.message).toContain(
      'ApplicationSet "guestbook" spec.templatePatch, list element 0: the rendered patch sets metadata.finalizers',
    );
  });

  test('fails when the patch is not YAML, or not a map (Argo CD fails on it too)', () => {
    const e = failure(() => expandApplicationSet(appset('hello world'), () => []));
    expect(e.code).toBe('CG708');
    expect(e.message).toContain('the rendered patch does not render to a map of Application fields');
    expect(failure(() => expandApplicationSet(appset('spec: [unclosed'), () => [])).code).toBe('CG708');
  });

  test('fails when the patch touches fields outside metadata and spec, or uses other directives', () => {
    expect(failure(() => expandApplicationSet(appset('operation:\n  sync: {}\n'), () => [])).message).toContain(
      'the rendered patch patches "operation"; the offline preview applies patches to metadata and spec only',
    );
    expect(failure(() => expandApplicationSet(appset('spec:\n  $retainKeys: [project]\n'), () => [])).code).toBe('CG706');
  });
});

describe('templatePatch giving a field a type the Application does not hold', () => {
  test.each([
    ['spec:\n  project: [1, 2]\n', 'spec.project is an array where an Application holds a string'],
    ['spec:\n  destination: in-cluster\n', 'spec.destination is a string where an Application holds a map'],
    ['spec:\n  revisionHistoryLimit: "3"\n', 'spec.revisionHistoryLimit is a string where an Application holds an integer'],
    [
      'spec:\n  source:\n    helm:\n      valueFiles: values.yaml\n',
      'spec.source.helm.valueFiles is a string where an Application holds a list',
    ],
    [
      'spec:\n  syncPolicy:\n    automated:\n      prune: "yes"\n',
      'spec.syncPolicy.automated.prune is a string where an Application holds a bool',
    ],
  ])('fails on %j, as json.Unmarshal of the patched Application fails in Argo CD', (patch, reason) => {
    // GIVEN a patch that renders a field of the wrong JSON type (Argo CD: "json: cannot
    // unmarshal array into Go struct field … of type string"; the ApplicationSet generates nothing)
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(appset(patch), () => []));
    // THEN the ApplicationSet is reported with the field and the kinds, and no Application is shown as created
    expect(e.code).toBe('CG708');
    expect(e.message).toContain(`ApplicationSet "guestbook" spec.templatePatch, list element 0: the rendered patch leaves ${reason}`);
  });

  test('accepts what Go reads: null fields, unknown fields, an int-or-string, a raw values object', () => {
    // GIVEN a patch with a null field, a field the Application does not know, and valuesObject
    const app = expand(
      appset('spec:\n  revisionHistoryLimit: null\n  unknownField: [1]\n  source:\n    helm:\n      valuesObject: {a: [1, {b: true}]}\n'),
    );
    // THEN Argo CD creates the Application (Go ignores unknown fields and leaves null ones empty)
    expect((app.spec.source as { helm: unknown }).helm).toEqual({ valuesObject: { a: [1, { b: true }] } });
  });
});

describe('what the controller adds to a generated Application', () => {
  test('adds the resources finalizer when the template has none and resources are not preserved (TestRenderTemplateParamsFinalizers)', () => {
    expect(expand(appset(undefined)).metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(expand(appset(undefined, { syncPolicy: { preserveResourcesOnDeletion: false } })).metadata.finalizers).toEqual([
      'resources-finalizer.argocd.argoproj.io',
    ]);
    expect(expand(appset(undefined, { syncPolicy: { preserveResourcesOnDeletion: true } })).metadata.finalizers).toEqual([]);
  });

  test("keeps the template's own finalizers, the background one included", () => {
    const set = appset(undefined, { syncPolicy: { preserveResourcesOnDeletion: true } });
    (set.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.finalizers = [
      'resources-finalizer.argocd.argoproj.io/background',
    ];
    expect(expand(set).metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io/background']);
  });

  test('fails with CG706 on a RollingSync strategy, whose Applications depend on the controller and live health; AllAtOnce changes nothing', () => {
    const e = failure(() =>
      expandApplicationSet(appset(undefined, { strategy: { type: 'RollingSync', rollingSync: { steps: [] } } }), () => []),
    );
    expect(e.code).toBe('CG706');
    expect(e.message).toContain('ApplicationSet "guestbook" spec.strategy.type is "RollingSync"');
    expect(expand(appset(undefined, { strategy: { type: 'AllAtOnce' } }))).toEqual(expand(appset(undefined)));
  });

  test('generates the same Applications whatever syncPolicy.applicationsSync (it governs what the controller applies, not what it generates)', () => {
    const plain = expand(appset(undefined));
    for (const applicationsSync of ['create-only', 'create-update', 'create-delete', 'sync']) {
      expect(expand(appset(undefined, { syncPolicy: { applicationsSync } }))).toEqual(plain);
    }
  });
});
