import { parse } from 'yaml';
import { Cloud, Cluster, ControlPlane, Environment, Platform, Service, synthesize } from '../../src';
import { IN_CLUSTER } from '../../src/argocd/bootstrap';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { applicationProblems, argoObjects, generatedApplications, leastPrivilegeProblems } from '../support/argocd-tree';
import { DIGEST, gitOpsError, smallPlatform } from '../support/platforms';

const image = { repository: 'registry.example.com/commerce/x' };

function synth(platform: Platform) {
  const model = platform.snapshot();
  return { model, files: synthesize(model).toRecord() };
}

describe('least privilege', () => {
  test('the example platform grants no more than its Applications need', () => {
    const { model, files } = synth(paymentsPlatform());
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
    const projects = argoObjects(model, files).filter((o) => o.obj.kind === 'AppProject').map((o) => o.obj);
    expect(projects.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual(['argocd/bootstrap', 'argocd/bootstrap', 'argocd/nonprod', 'argocd/prod']);
    const prod = projects.find((p) => p.metadata.name === 'prod');
    expect(prod.spec.sourceRepos).toEqual(['https://git.xxxcompany.com/platform/platform-gitops.git', 'https://git.xxxcompany.com/apps/payments-api.git']);
    expect(prod.spec.destinations).toEqual([
      { name: 'aws-eu-central-1-01', namespace: 'payments-api' },
      { name: 'azure-westeurope-01', namespace: 'payments-api' },
      { name: 'gcp-europe-west4-01', namespace: 'payments-api' },
      { name: 'oci-eu-frankfurt-1-01', namespace: 'payments-api' },
    ]);
    expect(prod.spec.clusterResourceWhitelist).toEqual([]);
  });

  test('no project but the bootstrap one may deploy into the Argo CD namespace on the in-cluster server', () => {
    const { model, files } = synth(paymentsPlatform());
    for (const { obj } of argoObjects(model, files).filter((o) => o.obj.kind === 'AppProject')) {
      const intoArgo = obj.spec.destinations.filter((d: any) => d.namespace === obj.metadata.namespace || d.server === IN_CLUSTER);
      expect([obj.metadata.name, intoArgo.length > 0]).toEqual([obj.metadata.name, obj.metadata.name === 'bootstrap']);
    }
  });

  test('cluster-scoped resources are allowed only when an environment asks for them', () => {
    const s = smallPlatform({ env: { clusterResources: [{ group: '', kind: 'Namespace' }] } });
    new Environment(s.platform, 'dev');
    const { model, files } = synth(s.platform);
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
    expect(parse(files['projects/prod.yaml']).spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(parse(files['projects/dev.yaml']).spec.clusterResourceWhitelist).toEqual([]);
  });

  test('fails when a service would deploy into the Argo CD namespace of its control plane', () => {
    const s = smallPlatform({ platform: { argocdNamespace: 'gitops' }, service: { namespace: 'gitops' } });
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.map((p) => p.code)).toEqual(['CG123']);
  });

  test('fails when a repository or destination would be a pattern', () => {
    const s = smallPlatform({ service: { repoURL: 'https://git.example.com/*' } });
    new Cluster(s.env, 'c2', { cloud: s.cloud, region: 'r', destination: 'azure-*' });
    expect(gitOpsError(() => s.platform.snapshot()).problems.map((p) => p.code)).toEqual(['CG101', 'CG109']);
  });
});

describe('generated Applications', () => {
  test('each target of the example gets exactly its own Application', () => {
    const { model, files } = synth(paymentsPlatform());
    expect(applicationProblems(model, files)).toEqual([]);
    expect(generatedApplications(model, files).map((a) => a.app.metadata.name).sort()).toHaveLength(8);
  });

  test('services and clusters with settings of their own get them, and nobody else does', () => {
    const platform = new Platform({ repoURL: 'https://git.example.com/p.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
    const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod', { namespace: 'argocd-prod' }) });
    const azure = new Cloud(platform, 'azure');
    const special = new Cluster(prod, 'c1', { cloud: azure, region: 'r', destination: 'special' });
    new Cluster(prod, 'c2', { cloud: azure, region: 'r' });
    new Service(platform, 'api', { image, initialDigest: DIGEST }).deployTo(prod);
    new Service(platform, 'worker', { image, initialDigest: DIGEST, namespace: 'workers', chartPath: 'charts/worker' }).deployTo(prod);
    new Service(platform, 'edge', { image, initialDigest: DIGEST, repoURL: 'https://git.example.com/edge.git' }).deployTo(special);
    const { model, files } = synth(platform);
    expect(applicationProblems(model, files)).toEqual([]);
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
    expect(generatedApplications(model, files).map((a) => `${a.set} ${a.app.metadata.name}`).sort()).toEqual([
      'workloads-prod api-prod-azure-c2',
      'workloads-prod-azure-c1 api-prod-azure-c1',
      'workloads-prod-azure-c1-edge edge-prod-azure-c1',
      'workloads-prod-azure-c1-worker worker-prod-azure-c1',
      'workloads-prod-worker worker-prod-azure-c2',
    ]);
  });

  test('the reader of the tree notices an ApplicationSet that generates the wrong Applications', () => {
    const { model, files } = synth(paymentsPlatform());
    const set = 'applicationsets/prod/workloads-prod.yaml';
    const broken = { ...files, [set]: files[set].replace('namespace: "{{ index .path.segments 4 }}"', 'namespace: payments') };
    expect(applicationProblems(model, broken)).toHaveLength(4);
    const stray = { ...files, 'environments/prod/azure/westeurope-01/notes/README.md': 'x' };
    expect(applicationProblems(model, stray)).toEqual(['environments/prod/azure/westeurope-01/notes is no target but gets workloads-prod']);
  });
});
