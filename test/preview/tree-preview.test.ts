import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitOpsError } from '../../src/core/errors';
import { applicationsOf, previewOf, previewOfCheckout, viewOfCheckout } from '../../src/workspace/inspect/checkout';
import { removeCheckout, synthesizedCheckout, writeFile } from '../synth/example-checkout';
import { SEED_TARGETS } from './fixtures';

/** The Application the example's ApplicationSets generate for one target. */
function exampleApplication(env: string, cloud: string, cluster: string): unknown {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `payments-api-${env}-${cloud}-${cluster}`,
      namespace: 'argocd',
      labels: { service: 'payments-api', environment: env, cloud, cluster },
      annotations: { 'argocd.argoproj.io/manifest-generate-paths': `/environments/${env}/${cloud}/${cluster}/payments-api` },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: env,
      destination: { name: `${cloud}-${cluster}`, namespace: 'payments-api' },
      revisionHistoryLimit: 3,
      sources: [
        {
          helm: { releaseName: 'payments-api', valueFiles: [`$values/environments/${env}/${cloud}/${cluster}/payments-api/values.yaml`] },
          path: 'deploy/chart',
          repoURL: 'https://git.xxxcompany.com/apps/payments-api.git',
          targetRevision: 'main',
        },
        { ref: 'values', repoURL: 'https://git.xxxcompany.com/platform/platform-gitops.git', targetRevision: 'refs/heads/main' },
      ],
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true', 'ApplyOutOfSyncOnly=true'],
      },
    },
  };
}

describe('applicationsOf(viewOfCheckout) on the synthesized example', () => {
  let dir: string;

  beforeAll(() => {
    dir = synthesizedCheckout();
  });

  afterAll(() => removeCheckout(dir));

  test('yields exactly the eight Applications, each with its ApplicationSet and file', () => {
    // GIVEN the example synthesized into a checkout
    // WHEN its ApplicationSets are expanded over its directories
    const apps = applicationsOf(viewOfCheckout(dir));
    // THEN there is one Application per target, from its environment's ApplicationSet
    const sorted = [...SEED_TARGETS].sort(([e1, c1], [e2, c2]) => (e1 + c1 < e2 + c2 ? -1 : 1));
    expect([...apps.entries()].map(([key, a]) => [key, a.applicationSet, a.file])).toEqual(
      sorted.map(([env, cloud, cluster]) => [
        `argocd/payments-api-${env}-${cloud}-${cluster}`,
        `workloads-${env}`,
        `applicationsets/${env}/workloads-${env}.yaml`,
      ]),
    );
  });

  test.each(SEED_TARGETS.map((t) => [t.join('/'), ...t]))('renders the Application of %s exactly', (_, env, cloud, cluster) => {
    // GIVEN the example synthesized into a checkout
    // WHEN its ApplicationSets are expanded
    const apps = applicationsOf(viewOfCheckout(dir));
    // THEN the target's Application has its name, labels, project, destination and sources
    expect(apps.get(`argocd/payments-api-${env}-${cloud}-${cluster}`)?.app).toEqual(exampleApplication(env, cloud, cluster));
  });
});

/** An ApplicationSet with a git directory generator over `directories`, naming Applications with `name`. */
function applicationSet(directories: readonly { path: string; exclude?: boolean }[], name = '{{ .path.basenameNormalized }}'): string {
  const dirs = directories.map((d) => `          - path: '${d.path}'${d.exclude ? '\n            exclude: true' : ''}`).join('\n');
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - git:
        repoURL: https://git.example.com/gitops.git
        revision: main
        directories:
${dirs}
  template:
    metadata:
      name: '${name}'
    spec:
      project: default
      destination:
        name: in-cluster
        namespace: '{{ .path.basenameNormalized }}'
      source:
        repoURL: https://git.example.com/gitops.git
        targetRevision: main
        path: '{{ .path.path }}'
`;
}

/** Code, file and message of each problem of the GitOpsError that `run` throws. */
function problemsOf(run: () => unknown): [string, string | undefined, string][] {
  try {
    run();
  } catch (e) {
    if (e instanceof GitOpsError) return e.problems.map((p) => [p.code, p.file, p.message]);
    throw e;
  }
  throw new Error('expected a GitOpsError');
}

describe('applicationsOf(viewOfCheckout) on hand-written ApplicationSets', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-tree-preview-'));
  });

  afterEach(() => removeCheckout(dir));

  /** Writes the ApplicationSet and a values file in each of `dirs`. */
  function tree(set: string, dirs: readonly string[]): void {
    writeFile(dir, 'applicationsets/apps.yaml', set);
    for (const d of dirs) writeFile(dir, `${d}/values.yaml`, 'replicaCount: 1\n');
  }

  /** The name and source path of every Application the checkout generates. */
  function generated(): [string, string][] {
    return [...applicationsOf(viewOfCheckout(dir)).values()].map((a) => [a.app.metadata.name, (a.app.spec as any).source.path]);
  }

  test('leaves out what an exclude pattern matches, even when an include matches it too', () => {
    // GIVEN includes for apps/*/* and apps/team-b/api, and excludes for team-b and any legacy app
    tree(
      applicationSet(
        [
          { path: 'apps/*/*' },
          { path: 'apps/team-b/api' },
          { path: 'apps/team-b/*', exclude: true },
          { path: 'apps/*/legacy', exclude: true },
        ],
        '{{ .path.basenameNormalized }}-{{ index .path.segments 1 }}',
      ),
      ['apps/team-a/web', 'apps/team-a/legacy', 'apps/team-b/api', 'apps/team-b/web'],
    );
    // WHEN the checkout is expanded
    // THEN only team-a/web is generated: the excludes win over both includes
    expect(generated()).toEqual([['web-team-a', 'apps/team-a/web']]);
  });

  test('skips hidden directories and everything below them', () => {
    // GIVEN hidden directories where the glob matches, and below a hidden directory
    tree(applicationSet([{ path: 'apps/*/*' }]), ['apps/team-a/web', 'apps/team-a/.draft', 'apps/.team-c/api']);
    // WHEN the checkout is expanded
    // THEN only the visible directory is generated
    expect(generated()).toEqual([['web', 'apps/team-a/web']]);
  });

  test('generates an Application for a directory whose only entries are hidden, as the repo server lists it', () => {
    // GIVEN keep-svc holding only .gitkeep and conf-svc holding only .config/app.yaml
    tree(applicationSet([{ path: 'apps/*/*' }]), ['apps/team-a/web']);
    writeFile(dir, 'apps/team-a/keep-svc/.gitkeep', '');
    writeFile(dir, 'apps/team-a/conf-svc/.config/app.yaml', 'a: 1\n');
    // WHEN the checkout is expanded
    // THEN GetGitDirectories lists both (it skips only directories named with a leading "."),
    // so each gets its Application; apps/team-a/conf-svc/.config gets none
    expect(generated()).toEqual([
      ['conf-svc', 'apps/team-a/conf-svc'],
      ['keep-svc', 'apps/team-a/keep-svc'],
      ['web', 'apps/team-a/web'],
    ]);
  });

  test('matches directories at the depth of the glob only', () => {
    // GIVEN directories shallower than, at, and deeper than apps/*/*
    writeFile(dir, 'apps/README.md', '# apps\n');
    writeFile(dir, 'apps/team-a/README.md', '# team a\n');
    tree(applicationSet([{ path: 'apps/*/*' }]), ['apps/team-a/web', 'apps/team-a/web/overlays/prod', 'apps/team-b/api/base']);
    // WHEN the checkout is expanded
    // THEN only the directories at depth three are generated, including team-b/api, which
    // holds only a deeper directory
    expect(generated()).toEqual([
      ['api', 'apps/team-b/api'],
      ['web', 'apps/team-a/web'],
    ]);
  });

  test('normalizes a directory name that is not a DNS name, and keeps the path as it is', () => {
    // GIVEN a service directory named My_Service
    tree(applicationSet([{ path: 'apps/*/*' }]), ['apps/team-a/My_Service']);
    // WHEN the checkout is expanded
    const apps = [...applicationsOf(viewOfCheckout(dir)).values()].map((a) => a.app);
    // THEN basenameNormalized is my-service, while the path keeps the original name
    expect(apps.map((a) => [a.metadata.name, (a.spec as any).destination.namespace, (a.spec as any).source.path])).toEqual([
      ['my-service', 'my-service', 'apps/team-a/My_Service'],
    ]);
  });

  test('leaves out an Application whose name the API server refuses, with its exact error', () => {
    // GIVEN a service directory named My_Service, and Applications named after .path.basename
    tree(applicationSet([{ path: 'apps/*/*' }], '{{ .path.basename }}'), ['apps/team-a/My_Service', 'apps/team-a/web']);
    // WHEN the checkout is expanded
    const { created, notCreated } = previewOf(viewOfCheckout(dir));
    // THEN Argo CD creates web; creating My_Service fails as the API server answers it
    // (apimachinery's NewInvalid over IsDNS1123Subdomain), reported by the ApplicationSet
    // controller with reason UpdateApplicationError (the default sync policy)
    expect([...created.keys()]).toEqual(['argocd/web']);
    expect(notCreated.map((n) => [n.code, n.reason, n.applicationSet, n.at, n.message])).toEqual([
      [
        'CG710',
        'UpdateApplicationError',
        'apps',
        'directory "apps/team-a/My_Service"',
        `Application.argoproj.io "My_Service" is invalid: metadata.name: Invalid value: "My_Service": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    ]);
    expect(applicationsOf(viewOfCheckout(dir)).has('argocd/My_Service')).toBe(false);
  });

  test('creates the first Application of a name and reports the later ones as Argo CD does', () => {
    // GIVEN two directories whose Applications are both named after their parent
    tree(applicationSet([{ path: 'apps/*/*' }], '{{ index .path.segments 1 }}'), ['apps/team-a/api', 'apps/team-a/web']);
    // WHEN the checkout is expanded
    const { created, notCreated } = previewOf(viewOfCheckout(dir));
    // THEN the first (directory apps/team-a/api) is created; the second is left out with
    // validateGeneratedApplications' error and the condition reason ApplicationValidationError
    expect([...created.values()].map((c) => (c.app.spec as any).source.path)).toEqual(['apps/team-a/api']);
    expect(notCreated.map((n) => [n.code, n.reason, n.at, n.message])).toEqual([
      [
        'CG707',
        'ApplicationValidationError',
        'directory "apps/team-a/web"',
        'ApplicationSet apps contains applications with duplicate name: team-a',
      ],
    ]);
  });

  test('gives an Application two ApplicationSets generate to the first; the second cannot own it', () => {
    // GIVEN two ApplicationSets, in files a.yaml and b.yaml, that both generate "web"
    writeFile(dir, 'applicationsets/a.yaml', applicationSet([{ path: 'apps/*' }]).replace('name: apps', 'name: first'));
    writeFile(dir, 'applicationsets/b.yaml', applicationSet([{ path: 'apps/*' }]).replace('name: apps', 'name: second'));
    writeFile(dir, 'apps/web/app.yaml', 'kind: ConfigMap\n');
    // WHEN the checkout is expanded
    const { created, notCreated } = previewOf(viewOfCheckout(dir));
    // THEN "first" owns it; "second" fails as controller-runtime's SetControllerReference does
    expect([...created.entries()].map(([key, c]) => [key, c.applicationSet])).toEqual([['argocd/web', 'first']]);
    expect(notCreated.map((n) => [n.code, n.reason, n.applicationSet, n.ownedBy, n.message])).toEqual([
      [
        'CG707',
        'UpdateApplicationError',
        'second',
        'first',
        'Object argocd/web is already owned by another ApplicationSet controller first',
      ],
    ]);
    // AND an ApplicationSet that owns it already keeps it
    const owned = previewOf(viewOfCheckout(dir), undefined, new Map([['argocd/web', 'second']]));
    expect([...owned.created.values()].map((c) => c.applicationSet)).toEqual(['second']);
    expect(owned.notCreated.map((n) => n.message)).toEqual([
      'Object argocd/web is already owned by another ApplicationSet controller second',
    ]);
  });

  test('finds ApplicationSets in any YAML file, among other documents, a values file nobody recorded included', () => {
    // GIVEN an ApplicationSet after a ConfigMap in one file, and an ApplicationSet in a values file no manifest records
    writeFile(
      dir,
      'argocd/all.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n${applicationSet([{ path: 'apps/*' }])}`,
    );
    writeFile(dir, 'apps/web/values.yaml', applicationSet([{ path: '*' }]));
    // WHEN the checkout is expanded
    // THEN both are expanded: a directory source applies any such file of its directory
    expect([...applicationsOf(viewOfCheckout(dir)).entries()].map(([key, a]) => [key, a.applicationSet, a.file])).toEqual([
      ['argocd/apps', 'apps', 'apps/web/values.yaml'],
      ['argocd/argocd', 'apps', 'apps/web/values.yaml'],
      ['argocd/web', 'apps', 'argocd/all.yaml'],
    ]);
  });

  test('fails when a template uses a function the preview does not evaluate, naming it', () => {
    // GIVEN an ApplicationSet whose name template uses Sprig's uuidv4, whose result is random
    tree(applicationSet([{ path: 'apps/*/*' }], '{{ .path.basename }}-{{ uuidv4 }}'), ['apps/team-a/web']);
    // WHEN the checkout is expanded
    // THEN it fails with CG701, the file, the field, the directory and the function
    expect(problemsOf(() => applicationsOf(viewOfCheckout(dir)))).toEqual([
      [
        'CG701',
        'applicationsets/apps.yaml',
        'ApplicationSet "apps" spec.template.metadata.name, directory "apps/team-a/web": Template "{{ .path.basename }}-{{ uuidv4 }}" uses the function uuidv4 (its result is random), which the offline preview does not evaluate.',
      ],
    ]);
  });
});

describe('ApplicationSet files are read as Argo CD reads manifests: YAML 1.1 (go-yaml v2)', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-tree-preview-'));
  });

  afterEach(() => removeCheckout(dir));

  /** An ApplicationSet `lists` whose list generator has `elements` (YAML lines). */
  function listSet(elements: string, goTemplate: boolean, annotation: string): string {
    return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: lists
  namespace: argocd
spec:
  goTemplate: ${goTemplate}
  goTemplateOptions: ["missingkey=error"]
  generators:
    - list:
        elements:
${elements}
  template:
    metadata:
      name: '${goTemplate ? '{{ .name }}' : '{{name}}'}'
      annotations:
        value: '${annotation}'
    spec:
      project: default
      destination:
        name: in-cluster
        namespace: default
      source:
        repoURL: https://git.example.com/gitops.git
        targetRevision: main
        path: apps
`;
  }

  test('no, on, yes, off are booleans and 010 is octal 8 in list elements, as go-yaml v2 reads them', () => {
    // GIVEN list elements with YAML 1.1 booleans and an octal number (YAML 1.2 reads them as
    // the strings "no", "on" and the decimal 10)
    writeFile(
      dir,
      'applicationsets/lists.yaml',
      listSet(
        '          - name: a\n            flag: no\n            replicas: 010\n          - name: b\n            flag: on\n            replicas: 0x10\n          - name: c\n            flag: "no"\n            replicas: "010"',
        true,
        '{{ .flag }}/{{ .replicas }}',
      ),
    );
    // WHEN the checkout is expanded
    const apps = [...applicationsOf(viewOfCheckout(dir)).values()].map((a) => [a.app.metadata.name, a.app.metadata.annotations?.value]);
    // THEN Argo CD's values: false and 8, true and 16; quoted scalars stay strings
    expect(apps).toEqual([
      ['a', 'false/8'],
      ['b', 'true/16'],
      ['c', 'no/010'],
    ]);
  });

  test('fails as Argo CD does when a YAML 1.1 boolean reaches a list element without goTemplate', () => {
    // GIVEN an element value `yes`, a boolean to go-yaml v2, in a fasttemplate ApplicationSet
    writeFile(dir, 'applicationsets/lists.yaml', listSet('          - name: a\n            enabled: yes', false, '{{enabled}}'));
    // WHEN the checkout is expanded
    // THEN the element is refused as Argo CD refuses a value that is not a string without goTemplate
    const problems = problemsOf(() => applicationsOf(viewOfCheckout(dir)));
    expect(problems.map(([code]) => code)).toEqual(['CG708']);
    expect(problems[0]![2]).toContain('ApplicationSet "lists" spec.generators[0].list');
  });

  test('reads a file without ApplicationSets that uses a merge key as before: it is not an ApplicationSet file', () => {
    // GIVEN a ConfigMap that mentions ApplicationSet and uses a merge key
    writeFile(
      dir,
      'docs/notes.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\nbase: &b {a: 1}\ndata:\n  <<: *b\n  text: about ApplicationSet\n',
    );
    // WHEN the checkout is read
    // THEN no problem and no ApplicationSet
    expect(viewOfCheckout(dir).applicationSets).toEqual([]);
  });

  test('reads merge keys in an ApplicationSet file as go-yaml v2 merges them', () => {
    // GIVEN list elements that merge an anchored map, one overriding a merged key after the merge
    writeFile(
      dir,
      'applicationsets/lists.yaml',
      listSet(
        '          - &base {name: a, flag: x, tier: web}\n          - <<: *base\n            name: b\n          - <<: [{name: c, tier: api}, *base]',
        true,
        '{{ .flag }}/{{ .tier }}',
      ),
    );
    // WHEN the checkout is expanded
    const apps = [...applicationsOf(viewOfCheckout(dir)).values()].map((a) => [a.app.metadata.name, a.app.metadata.annotations?.value]);
    // THEN the elements are go-yaml's: the key after the merge wins, the first map of a list wins
    expect(apps).toEqual([
      ['a', 'x/web'],
      ['b', 'x/web'],
      ['c', 'x/api'],
    ]);
  });

  test('fails naming the file when an ApplicationSet file merges what is not a map, as Argo CD fails', () => {
    // GIVEN a merge key whose value is a string (go-yaml v2 fails the file)
    writeFile(dir, 'applicationsets/lists.yaml', listSet('          - <<: a\n            name: x', true, '{{ .name }}'));
    // WHEN the checkout is read
    // THEN a problem names the file and go-yaml's reason
    const problems = problemsOf(() => viewOfCheckout(dir));
    expect(problems).toHaveLength(1);
    expect(problems[0]![1]).toBe('applicationsets/lists.yaml');
    expect(problems[0]![2]).toContain('map merge requires map or sequence of maps as the value');
  });
});

describe('Application names are owned per control plane', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-tree-preview-'));
  });

  afterEach(() => removeCheckout(dir));

  test('two control planes may generate the same name: each Argo CD creates its own', () => {
    // GIVEN the ApplicationSet directories of two control planes, each generating "web"
    writeFile(
      dir,
      'control-planes/eu/applicationsets/apps.yaml',
      applicationSet([{ path: 'apps/*' }]).replace('name: apps', 'name: eu-apps'),
    );
    writeFile(
      dir,
      'control-planes/us/applicationsets/apps.yaml',
      applicationSet([{ path: 'apps/*' }]).replace('name: apps', 'name: us-apps'),
    );
    writeFile(dir, 'apps/web/app.yaml', 'kind: ConfigMap\n');
    // WHEN the checkout is expanded
    const { created, notCreated } = previewOf(viewOfCheckout(dir));
    // THEN each control plane's Argo CD creates web (no "already owned" between them)
    expect(notCreated).toEqual([]);
    expect([...created.entries()].map(([key, c]) => [key, c.applicationSet])).toEqual([
      ['argocd/web in control-planes/eu/applicationsets', 'eu-apps'],
      ['argocd/web in control-planes/us/applicationsets', 'us-apps'],
    ]);
  });

  test('within one control plane a new ApplicationSet named "aaa" does not take a name the existing one owns', () => {
    // GIVEN "zzz" owns web (Argo CD set its owner reference), and a new "aaa", first in file order, also generates web
    writeFile(dir, 'applicationsets/aaa.yaml', applicationSet([{ path: 'apps/*' }]).replace('name: apps', 'name: aaa'));
    writeFile(dir, 'applicationsets/zzz.yaml', applicationSet([{ path: 'apps/*' }]).replace('name: apps', 'name: zzz'));
    writeFile(dir, 'apps/web/app.yaml', 'kind: ConfigMap\n');
    // WHEN the checkout is expanded knowing the existing owner
    const { created, notCreated } = previewOf(viewOfCheckout(dir), undefined, new Map([['argocd/web', 'zzz']]));
    // THEN zzz keeps it; aaa gets controller-runtime's "already owned" error
    expect([...created.values()].map((c) => c.applicationSet)).toEqual(['zzz']);
    expect(notCreated.map((n) => [n.applicationSet, n.reason, n.message])).toEqual([
      ['aaa', 'UpdateApplicationError', 'Object argocd/web is already owned by another ApplicationSet controller zzz'],
    ]);
  });
});

describe('previewOfCheckout: the ApplicationSet Git added first owns a name', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-tree-preview-'));
  });

  afterEach(() => removeCheckout(dir));

  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
  };

  test('a new ApplicationSet "aaa", first in file order, does not take "web" from "zzz", committed before it', () => {
    // GIVEN "zzz" committed first (Argo CD created web with zzz as its owner), then "aaa" committed later
    git('init', '-q', '-b', 'main');
    writeFile(dir, 'applicationsets/zzz.yaml', applicationSet([{ path: 'apps/*' }]).replace('name: apps', 'name: zzz'));
    writeFile(dir, 'apps/web/app.yaml', 'kind: ConfigMap\n');
    git('add', '.');
    git('commit', '-q', '-m', 'zzz', '--date=2026-01-01T00:00:00Z');
    writeFile(dir, 'applicationsets/aaa.yaml', applicationSet([{ path: 'apps/*' }]).replace('name: apps', 'name: aaa'));
    git('add', '.');
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'aaa'], {
      cwd: dir,
      stdio: 'pipe',
      env: { ...process.env, GIT_COMMITTER_DATE: '2026-02-01T00:00:00Z' },
    });
    // WHEN the checkout is previewed
    const { created, notCreated } = previewOfCheckout(dir, viewOfCheckout(dir));
    // THEN zzz keeps web; aaa gets controller-runtime's "already owned" error
    expect([...created.values()].map((c) => c.applicationSet)).toEqual(['zzz']);
    expect(notCreated.map((n) => [n.applicationSet, n.message])).toEqual([
      ['aaa', 'Object argocd/web is already owned by another ApplicationSet controller zzz'],
    ]);

    // WHEN zzz's file is renamed (the set keeps its name): Argo CD's zzz keeps its owner reference
    git('mv', 'applicationsets/zzz.yaml', 'applicationsets/yyy.yaml');
    git('commit', '-q', '-m', 'rename');
    const after = previewOfCheckout(dir, viewOfCheckout(dir));
    // THEN zzz still owns web
    expect([...after.created.values()].map((c) => c.applicationSet)).toEqual(['zzz']);
    expect(after.notCreated.map((n) => n.applicationSet)).toEqual(['aaa']);
  });
});
