import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitOpsError } from '../../src/core/errors';
import { applicationsOf, viewOfCheckout } from '../../src/workspace/inspect/checkout';
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
        { ref: 'values', repoURL: 'https://git.xxxcompany.com/platform/platform-gitops.git', targetRevision: 'main' },
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

  test('fails when a name made from a directory name is not a DNS name', () => {
    // GIVEN a service directory named My_Service, and Applications named after .path.basename
    tree(applicationSet([{ path: 'apps/*/*' }], '{{ .path.basename }}'), ['apps/team-a/My_Service']);
    // WHEN the checkout is expanded
    // THEN it fails with CG710, the directory and the name Kubernetes would reject
    expect(problemsOf(() => applicationsOf(viewOfCheckout(dir)))).toEqual([
      [
        'CG710',
        'applicationsets/apps.yaml',
        'ApplicationSet "apps" spec.template.metadata.name, directory "apps/team-a/My_Service": the generated name "My_Service" is not a valid Kubernetes name (DNS-1123 subdomain), so Kubernetes rejects the Application.',
      ],
    ]);
  });

  test('finds ApplicationSets in any YAML file outside values files, among other documents', () => {
    // GIVEN an ApplicationSet after a ConfigMap in one file, and an ApplicationSet-shaped values file
    writeFile(
      dir,
      'argocd/all.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n${applicationSet([{ path: 'apps/*' }])}`,
    );
    writeFile(dir, 'apps/web/values.yaml', applicationSet([{ path: '*' }]));
    // WHEN the checkout is expanded
    // THEN the ApplicationSet of argocd/all.yaml is expanded, and the values file is not
    expect([...applicationsOf(viewOfCheckout(dir)).entries()].map(([key, a]) => [key, a.applicationSet, a.file])).toEqual([
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
