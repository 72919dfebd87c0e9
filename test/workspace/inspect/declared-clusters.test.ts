/**
 * A cluster generator in a control plane's ApplicationSets reads the clusters that control
 * plane's Argo CD holds, as the repository the SDK writes declares them: the cluster Secrets of
 * SelfManagedArgoCd, in the baseline directory of Argo CD's target, which the control plane's
 * own Argo CD ApplicationSet deploys in-cluster.
 */
import {
  Cloud,
  Cluster,
  ClusterCredentials,
  ControlPlane,
  Environment,
  PromotionRing,
  SelfManagedArgoCd,
  Service,
  Targets,
  Workload,
} from '../../../src';
import { synthesize } from '../../../src/synth/synthesize';
import { applicationsOf, FoundApplicationSet, TreeView, viewOfDeclaredTree } from '../../../src/workspace/inspect/checkout';
import { declaredClustersFor } from '../../../src/workspace/inspect/declared-clusters';
import { newPlatform } from '../../support/platform';
import { failure } from '../../support/failure';

/** Two control planes, each on its environment's Azure cluster and managing an AWS cluster too; Argo CD manages itself when `argoCd`. */
function tree(argoCd: boolean): TreeView {
  const platform = newPlatform();
  const azure = new Cloud(platform, 'azure');
  const aws = new Cloud(platform, 'aws');
  const homes: Cluster[] = [];
  for (const name of ['nonprod', 'prod']) {
    const env = new Environment(platform, name, { controlPlane: new ControlPlane(platform, name) });
    homes.push(new Cluster(env, 'westeurope-01', { cloud: azure, region: 'westeurope', labels: { tier: 'hub' } }));
    new Cluster(env, 'eu-central-1-01', {
      cloud: aws,
      region: 'eu-central-1',
      server: `https://${name}.eks.example.com`,
      credentials: ClusterCredentials.externalSecret({
        store: { name: 'vault' },
        config: { key: `argocd/clusters/${name}-aws`, property: 'config' },
      }),
    });
    new PromotionRing(platform, name, { targets: Targets.environment(env) });
  }
  new Service(platform, 'web', { image: { repository: 'registry.example.com/web' }, initialDigest: `sha256:${'a'.repeat(64)}` }).deployTo(
    platform.node.children.filter((c): c is Environment => c instanceof Environment),
  );
  if (argoCd) {
    new SelfManagedArgoCd(platform, 'argo-cd', {
      chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.4' }),
      runsOn: homes,
      initialVersion: `v3.2.0@sha256:${'b'.repeat(64)}`,
    });
  }
  return viewOfDeclaredTree(synthesize(platform.snapshot()));
}

/** A cluster generator ApplicationSet of control plane `cp`, selecting on the model's labels. */
function guestbook(cp: string): FoundApplicationSet {
  return {
    file: `applicationsets/${cp}/guestbook.yaml`,
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: `guestbook-${cp}`, namespace: 'argocd' },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ clusters: { selector: { matchLabels: { 'cdk8s-gitops.io/environment': cp } } } }],
        template: {
          metadata: { name: 'guestbook-{{ .nameNormalized }}' },
          spec: {
            project: 'default',
            source: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git', targetRevision: 'HEAD', path: 'guestbook' },
            destination: { server: '{{ .server }}', namespace: 'guestbook' },
            info: [{ name: 'cloud', value: '{{ index .metadata.labels "cdk8s-gitops.io/cloud" }}' }],
          },
        },
      },
    },
  };
}

const withSet = (view: TreeView, set: FoundApplicationSet): TreeView => ({ ...view, applicationSets: [...view.applicationSets, set] });

describe('cluster generators over the clusters the repository declares', () => {
  test("generate one Application per cluster of the control plane's Argo CD, from its Secrets and ExternalSecrets", () => {
    // GIVEN the SDK's tree with SelfManagedArgoCd, and a cluster generator ApplicationSet for prod
    const view = withSet(tree(true), guestbook('prod'));
    // WHEN its Applications are listed
    const apps = [...applicationsOf(view).values()].filter((a) => a.applicationSet === 'guestbook-prod');
    // THEN the two prod clusters: the home cluster by the in-cluster server its Secret declares, the AWS one from its ExternalSecret
    expect(apps.map((a) => [a.app.metadata.name, a.app.spec.destination, a.app.spec.info])).toEqual([
      [
        'guestbook-aws-eu-central-1-01',
        { server: 'https://prod.eks.example.com', namespace: 'guestbook' },
        [{ name: 'cloud', value: 'aws' }],
      ],
      [
        'guestbook-azure-westeurope-01',
        { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
        [{ name: 'cloud', value: 'azure' }],
      ],
    ]);
  });

  test("read only the control plane's own Secrets: nonprod's ApplicationSets see nonprod's clusters", () => {
    // GIVEN the same ApplicationSet in nonprod's directory, selecting nothing but the secret type
    const set = guestbook('nonprod');
    ((set.object.spec as { generators: Array<{ clusters: object }> }).generators[0]!.clusters as Record<string, unknown>) = {};
    const apps = [...applicationsOf(withSet(tree(true), set)).values()].filter((a) => a.applicationSet === 'guestbook-nonprod');
    // THEN nonprod's two clusters, and no in-cluster (the home cluster's Secret declares that server)
    expect(apps.map((a) => a.app.metadata.name)).toEqual(['guestbook-aws-eu-central-1-01', 'guestbook-azure-westeurope-01']);
    expect(apps.map((a) => (a.app.spec.destination as { server: string }).server)).toEqual([
      'https://nonprod.eks.example.com',
      'https://kubernetes.default.svc',
    ]);
  });

  test('fail with CG706 when the repository declares no clusters (Argo CD does not manage itself)', () => {
    const e = failure(() => applicationsOf(withSet(tree(false), guestbook('prod'))));
    expect(e.code).toBe('CG706');
    expect(e.problems[0]!.file).toBe('applicationsets/prod/guestbook.yaml');
    expect(e.message).toContain('but the cluster list is not in the repository');
  });
});

describe('declaredClustersFor', () => {
  const secret = (name: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-${name}\n  labels:\n    argocd.argoproj.io/secret-type: cluster\nstringData:\n  name: ${name}\n  server: https://${name}.example.com\n`;
  const files: Record<string, string> = {
    'argocd/secret-a.yaml': secret('a'),
    'argocd/nested/secret-b.yaml': secret('b'),
    'other/secret-c.yaml': secret('c'),
  };
  const view: TreeView = { files: Object.keys(files).sort(), applicationSets: [], directories: [], readFile: (f) => files[f]! };
  const app = (source: Record<string, unknown>, destination: Record<string, unknown>) =>
    ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'argo-cd', finalizers: [] },
      spec: { source, destination },
    }) as const;
  const set = guestbook('prod');

  test('reads the Secrets of the directories deployed in-cluster into the namespace, below them too with recurse', () => {
    const inCluster = { server: 'https://kubernetes.default.svc', namespace: 'argocd' };
    const flat = new Map([['applicationsets/prod/argo-cd.yaml', [app({ repoURL: 'r', path: 'argocd' }, inCluster)]]]);
    expect(declaredClustersFor(view, set, flat)?.map((c) => c.name)).toEqual(['a']);
    const deep = new Map([
      ['applicationsets/prod/argo-cd.yaml', [app({ repoURL: 'r', path: 'argocd', directory: { recurse: true } }, inCluster)]],
    ]);
    expect(declaredClustersFor(view, set, deep)?.map((c) => c.name)).toEqual(['b', 'a']);
  });

  test('ignores directories deployed elsewhere, or by another control plane', () => {
    const elsewhere = new Map([
      ['applicationsets/prod/other.yaml', [app({ repoURL: 'r', path: 'other' }, { server: 'https://a.example.com', namespace: 'argocd' })]],
      ['applicationsets/prod/apps.yaml', [app({ repoURL: 'r', path: 'other' }, { name: 'in-cluster', namespace: 'apps' })]],
      [
        'applicationsets/nonprod/argo-cd.yaml',
        [app({ repoURL: 'r', path: 'argocd' }, { server: 'https://kubernetes.default.svc', namespace: 'argocd' })],
      ],
    ]);
    expect(declaredClustersFor(view, set, elsewhere)).toBeUndefined();
  });

  test("reads only Secrets that land in Argo CD's namespace: one with another metadata.namespace is an ordinary Secret", () => {
    // GIVEN a directory deployed in-cluster into argocd, holding a cluster Secret that names
    // another namespace (kubectl puts it there; Argo CD lists cluster Secrets in its own namespace only)
    const elsewhere = secret('x').replace('  name: cluster-x\n', '  name: cluster-x\n  namespace: kube-system\n');
    // (not "y": unquoted, Kubernetes reads that name as the boolean true)
    const own = secret('v').replace('  name: cluster-v\n', '  name: cluster-v\n  namespace: argocd\n');
    const mixed: TreeView = { ...view, files: ['argocd/secrets.yaml'], readFile: () => `${elsewhere}---\n${own}` };
    const deployed = new Map([
      [
        'applicationsets/prod/argo-cd.yaml',
        [app({ repoURL: 'r', path: 'argocd' }, { server: 'https://kubernetes.default.svc', namespace: 'argocd' })],
      ],
    ]);
    // WHEN the clusters are listed
    // THEN only the Secret in argocd is a cluster
    expect(declaredClustersFor(mixed, set, deployed)?.map((c) => c.name)).toEqual(['v']);
  });

  test('fails clearly on a cluster Secret whose data is not valid base64, which the API server refuses', () => {
    // GIVEN a cluster Secret with data.server in unpadded or non-base64 text (Buffer.from reads it leniently)
    const bad =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-z\n  labels:\n    argocd.argoproj.io/secret-type: cluster\ndata:\n  name: ei\n  server: not*base64\n';
    const files1: TreeView = { ...view, files: ['argocd/z.yaml'], readFile: () => bad };
    const deployed = new Map([
      [
        'applicationsets/prod/argo-cd.yaml',
        [app({ repoURL: 'r', path: 'argocd' }, { server: 'https://kubernetes.default.svc', namespace: 'argocd' })],
      ],
    ]);
    // WHEN the clusters are listed
    const e = failure(() => declaredClustersFor(files1, set, deployed));
    // THEN the problem names the Secret, the file and the field, not the value
    expect(e.code).toBe('CG706');
    expect(e.message).toContain('the cluster Secret "cluster-z" in "argocd/z.yaml" has a data.name that is not valid padded base64');
    expect(e.message).not.toContain('not*base64');
  });

  test('reads a cluster Secret whose label key is written with escapes, as Kubernetes decodes it', () => {
    // GIVEN the directory Argo CD deploys in-cluster holds a JSON Secret with the label key
    // "argocd.argoproj.io\/secret-type" and a YAML one with "argocd.argoproj.io\x2fsecret-type":
    // JSON and YAML decode both to the label argocd.argoproj.io/secret-type, so Argo CD holds both clusters
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cluster-j', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      stringData: { name: 'j', server: 'https://j.example.com' },
    }).replace('argocd.argoproj.io/secret-type', 'argocd.argoproj.io\\/secret-type');
    const yaml = secret('k').replace('argocd.argoproj.io/secret-type:', '"argocd.argoproj.io\\x2fsecret-type":');
    const escaped: Record<string, string> = { 'argocd/j.json': json, 'argocd/k.yaml': yaml };
    expect(Object.values(escaped).some((t) => t.includes('argocd.argoproj.io/secret-type'))).toBe(false);
    const files2: TreeView = { ...view, files: Object.keys(escaped), readFile: (f) => escaped[f]! };
    const deployed = new Map([
      [
        'applicationsets/prod/argo-cd.yaml',
        [app({ repoURL: 'r', path: 'argocd' }, { server: 'https://kubernetes.default.svc', namespace: 'argocd' })],
      ],
    ]);
    // WHEN the clusters are listed
    // THEN both are
    expect(declaredClustersFor(files2, set, deployed)?.map((c) => [c.name, c.server])).toEqual([
      ['j', 'https://j.example.com'],
      ['k', 'https://k.example.com'],
    ]);
  });

  describe('read as Kubernetes reads manifests (YAML 1.1)', () => {
    const deployed = new Map([
      [
        'applicationsets/prod/argo-cd.yaml',
        [app({ repoURL: 'r', path: 'argocd' }, { server: 'https://kubernetes.default.svc', namespace: 'argocd' })],
      ],
    ]);
    const one = (text: string): TreeView => ({ ...view, files: ['argocd/z.yaml'], readFile: () => text });
    const labelled = (line: string) =>
      secret('z').replace('    argocd.argoproj.io/secret-type: cluster\n', `    argocd.argoproj.io/secret-type: cluster\n${line}\n`);

    test.each([
      ['yes', 'the boolean true'],
      ['on', 'the boolean true'],
      ['No', 'the boolean false'],
      ['y', 'the boolean true'],
      ['1', 'a number'],
      ['0x1F', 'a number'],
    ])('fails with CG708 on a cluster Secret whose label value is an unquoted %s, which the API server refuses', (value, reading) => {
      // GIVEN a cluster Secret labelled `env: <value>`: Argo CD's repo server reads manifests
      // with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1), so the label is not a string, and the API
      // server refuses a Secret whose labels (map[string]string) are not all strings
      const file = one(labelled(`    env: ${value}`));
      // WHEN the clusters are listed
      const e = failure(() => declaredClustersFor(file, set, deployed));
      // THEN CG708 names the file, the Secret and the label, and says to quote it; Argo CD never
      // adds the cluster (the sync of the Application deploying it fails), so it is not listed
      expect(e.code).toBe('CG708');
      expect(e.problems[0]!.file).toBe('argocd/z.yaml');
      expect(e.message).toContain(
        `ApplicationSet "guestbook-prod" has a cluster generator, and the cluster Secret "cluster-z" in "argocd/z.yaml" has a metadata.labels.env that Kubernetes reads as ${reading} (YAML 1.1), not a string`,
      );
      expect(e.message).toContain('the cluster is never added');
      expect(e.problems[0]!.fix).toContain('Quote the value in the file');
    });

    test('lists the cluster when the value is quoted, with the label as written', () => {
      const clusters = declaredClustersFor(one(labelled('    env: "yes"\n    tier: \'1\'')), set, deployed);
      expect(clusters?.map((c) => [c.name, c.labels.env, c.labels.tier])).toEqual([['z', 'yes', '1']]);
    });

    test('a label with no value is the empty label, as the API server decodes null into a string map', () => {
      // GIVEN `env:` with nothing after it (YAML null): encoding/json leaves the map's string empty
      const clusters = declaredClustersFor(one(labelled('    env:')), set, deployed);
      // THEN the cluster carries env="" (a selector on env's existence matches it)
      expect(clusters?.[0]!.labels).toEqual({ 'argocd.argoproj.io/secret-type': 'cluster', env: '' });
    });

    test('fails with CG708 on a boolean annotation or stringData value, without showing a data value', () => {
      const annotated = secret('z').replace('  labels:\n', '  annotations:\n    managed: off\n  labels:\n');
      expect(failure(() => declaredClustersFor(one(annotated), set, deployed)).message).toContain(
        'has a metadata.annotations.managed that Kubernetes reads as the boolean false (YAML 1.1)',
      );
      // a cluster literally named "no": stringData is a map of strings too
      const named = secret('z').replace('  name: z\n', '  name: no\n');
      const e = failure(() => declaredClustersFor(one(named), set, deployed));
      expect(e.code).toBe('CG708');
      expect(e.message).toContain('has a stringData.name that Kubernetes reads as a boolean (YAML 1.1)');
      expect(e.message).not.toContain('the boolean false');
    });

    test('fails with CG708 on an ExternalSecret whose target template label is an unquoted yes', () => {
      // GIVEN an ExternalSecret making a cluster Secret, its template labelled `env: yes`: the
      // ExternalSecret's schema types the labels as strings, so the API server refuses it
      const external = [
        'apiVersion: external-secrets.io/v1',
        'kind: ExternalSecret',
        'metadata:',
        '  name: cluster-e',
        'spec:',
        '  target:',
        '    template:',
        '      metadata:',
        '        labels:',
        '          argocd.argoproj.io/secret-type: cluster',
        '          env: yes',
        '      data:',
        '        name: e',
        '        server: https://e.example.com',
        '',
      ].join('\n');
      const e = failure(() => declaredClustersFor(one(external), set, deployed));
      expect(e.code).toBe('CG708');
      expect(e.message).toContain(
        'the ExternalSecret "cluster-e" in "argocd/z.yaml" has a spec.target.template.metadata.labels.env that Kubernetes reads as the boolean true',
      );
    });

    test('fails with CG708 naming the file when it cannot be read as Kubernetes reads it (an alias to no anchor)', () => {
      const e = failure(() => declaredClustersFor(one(`${secret('z')}  extra: *nowhere\n`), set, deployed));
      expect(e.code).toBe('CG708');
      expect(e.problems[0]!.file).toBe('argocd/z.yaml');
      expect(e.message).toContain('argocd/z.yaml, which declares a cluster Secret the control plane deploys,');
    });
  });
});
