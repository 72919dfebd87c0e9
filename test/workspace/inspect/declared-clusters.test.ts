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
    const own = secret('y').replace('  name: cluster-y\n', '  name: cluster-y\n  namespace: argocd\n');
    const mixed: TreeView = { ...view, files: ['argocd/secrets.yaml'], readFile: () => `${elsewhere}---\n${own}` };
    const deployed = new Map([
      [
        'applicationsets/prod/argo-cd.yaml',
        [app({ repoURL: 'r', path: 'argocd' }, { server: 'https://kubernetes.default.svc', namespace: 'argocd' })],
      ],
    ]);
    // WHEN the clusters are listed
    // THEN only the Secret in argocd is a cluster
    expect(declaredClustersFor(mixed, set, deployed)?.map((c) => c.name)).toEqual(['y']);
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
});
