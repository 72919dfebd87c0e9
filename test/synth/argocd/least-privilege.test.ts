import { parse } from 'yaml';
import { Cloud, Cluster, ControlPlane, Environment, NamespaceBaseline, Platform, Service, Workload } from '../../../src';
import { synthesize } from '../../../src/synth/synthesize';
import { IN_CLUSTER_SERVER as IN_CLUSTER } from '../../../src/model/argo-object';
import { paymentsPlatform } from '../../../examples/payments-platform/main';
import { applicationProblems, argoObjects, generatedApplications, leastPrivilegeProblems } from '../../support/argocd-tree';
import { loadArgoCdSchemas } from '../../support/argocd-schema';
import { DIGEST, gitOpsError, smallPlatform } from '../../support/platforms';

const image = { repository: 'registry.example.com/commerce/x' };

function synth(platform: Platform) {
  const model = platform.snapshot();
  return { model, files: synthesize(model).toRecord() };
}

describe('least privilege', () => {
  test('the example platform grants no more than its Applications need', () => {
    const { model, files } = synth(paymentsPlatform());
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
    const projects = argoObjects(model, files)
      .filter((o) => o.obj.kind === 'AppProject')
      .map((o) => o.obj);
    expect(projects.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual([
      'argocd/bootstrap',
      'argocd/bootstrap',
      'argocd/nonprod',
      'argocd/prod',
    ]);
    const prod = projects.find((p) => p.metadata.name === 'prod');
    expect(prod.spec.sourceRepos).toEqual([
      'https://git.xxxcompany.com/platform/platform-gitops.git',
      'https://git.xxxcompany.com/apps/payments-api.git',
    ]);
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
    const s = smallPlatform({ service: { workload: Workload.helmChart({ repoURL: 'https://git.example.com/*' }) } });
    new Cluster(s.env, 'c2', { cloud: s.cloud, region: 'r', destination: 'azure-*' });
    expect(gitOpsError(() => s.platform.snapshot()).problems.map((p) => p.code)).toEqual(['CG101', 'CG109']);
  });
});

const RESTRICTED = [
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumNetworkPolicy' },
  { group: 'crd.projectcalico.org', kind: 'NetworkPolicy' },
];

const baseline = NamespaceBaseline.standard({
  quota: { 'requests.cpu': '8', pods: '60' },
  limits: { defaultRequest: { cpu: '100m', memory: '128Mi' } },
});

/**
 * Whether Argo CD lets an Application of `project` sync `obj`, as its `IsGroupKindPermitted`
 * decides: a cluster-scoped kind must be whitelisted (by name when the entry has one), a
 * namespaced kind must not be blacklisted and, when there is a whitelist, be on it.
 */
function permitted(project: any, obj: any): boolean {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const is = (e: any) => e.group === group && e.kind === obj.kind;
  if (obj.kind === 'Namespace')
    return (project.spec.clusterResourceWhitelist ?? []).some((e: any) => is(e) && (e.name === undefined || e.name === obj.metadata.name));
  if ((project.spec.namespaceResourceBlacklist ?? []).some(is)) return false;
  return project.spec.namespaceResourceWhitelist === undefined || project.spec.namespaceResourceWhitelist.some(is);
}

describe('namespaced resources', () => {
  test("an environment's AppProject keeps RBAC objects and network policies out by default", () => {
    // GIVEN
    const s = smallPlatform();
    // WHEN
    const { model, files } = synth(s.platform);
    // THEN
    const project = parse(files['projects/prod.yaml']);
    expect(project.spec.namespaceResourceBlacklist).toEqual(RESTRICTED);
    expect(project.spec.namespaceResourceWhitelist).toBeUndefined();
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
    for (const kind of ['Role', 'RoleBinding'])
      expect(permitted(project, { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'x' } })).toBe(false);
    expect(permitted(project, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all' } })).toBe(false);
    expect(permitted(project, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } })).toBe(true);
  });

  test('an environment lets in exactly the namespaced kinds it allows', () => {
    // GIVEN
    const s = smallPlatform({
      env: {
        allowedNamespacedResources: [
          { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
          { group: 'rbac.authorization.k8s.io', kind: 'Role' },
        ],
      },
    });
    new Cluster(new Environment(s.platform, 'dev'), 'c1', { cloud: s.cloud, region: 'r' });
    s.service.deployTo(s.platform.node.findChild('dev') as Environment);
    // WHEN
    const { model, files } = synth(s.platform);
    // THEN
    expect(parse(files['projects/prod.yaml']).spec.namespaceResourceBlacklist).toEqual([RESTRICTED[1], RESTRICTED[3], RESTRICTED[4]]);
    expect(parse(files['projects/dev.yaml']).spec.namespaceResourceBlacklist).toEqual(RESTRICTED);
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
  });

  test('the namespace baseline still syncs: its AppProject permits every object it renders, and nothing more', () => {
    // GIVEN
    const s = smallPlatform({ env: { namespaceBaseline: baseline } });
    // WHEN
    const { files } = synth(s.platform);
    // THEN
    const project = parse(files['projects/prod.yaml']);
    const objects = Object.entries(files)
      .filter(([p]) => p.startsWith('environments/prod/azure/westeurope-01/payments-api/baseline/'))
      .map(([, content]) => parse(content));
    expect(objects.map((o) => o.kind).sort()).toEqual(['LimitRange', 'Namespace', 'NetworkPolicy', 'ResourceQuota']);
    for (const o of objects) expect([o.kind, permitted(project, o)]).toEqual([o.kind, true]);
    // RBAC and the network policies of other CNIs stay out.
    expect(project.spec.namespaceResourceBlacklist).toEqual([RESTRICTED[0], RESTRICTED[1], RESTRICTED[3], RESTRICTED[4]]);
    expect(permitted(project, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } })).toBe(false);
  });

  const schemas = loadArgoCdSchemas();
  (schemas.available ? test : test.skip)('AppProjects with allowed kinds and a baseline pass the Argo CD CRD strictly', () => {
    // GIVEN
    const s = smallPlatform({
      env: { namespaceBaseline: baseline, allowedNamespacedResources: [{ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' }] },
    });
    // WHEN
    const { files } = synth(s.platform);
    // THEN
    const project = parse(files['projects/prod.yaml']);
    expect(project.spec.namespaceResourceBlacklist).toEqual([RESTRICTED[0], RESTRICTED[3], RESTRICTED[4]]);
    if (schemas.available) expect(schemas.validate(project)).toEqual([]);
  });
});

describe('sensitive namespaces', () => {
  test.each(['kube-system', 'kube-public', 'kube-node-lease', 'default'])(
    'fails when a service deploys into "%s" without allowSensitiveNamespace',
    (namespace) => {
      // GIVEN
      const s = smallPlatform({ service: { namespace } });
      // WHEN
      const e = gitOpsError(() => s.platform.snapshot());
      // THEN
      expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([['CG138', 'platform/payments-api']]);
      expect(e.problems[0].message).toBe(
        `Service "payments-api" deploys into namespace "${namespace}", a namespace of the cluster itself; the AppProject of its environments would let every one of their Applications deploy there.`,
      );
      expect(e.problems[0].fix).toBe(
        `Give the service its own namespace (namespace: 'payments-api'), or, if it must run in "${namespace}", set allowSensitiveNamespace: true on it.`,
      );
    },
  );

  test("fails when a service deploys into the namespace of another control plane's Argo CD", () => {
    // GIVEN
    const s = smallPlatform({ service: { namespace: 'argocd-prod' } });
    const prodArgo = new ControlPlane(s.platform, 'prod-argocd', { namespace: 'argocd-prod' });
    new Cluster(new Environment(s.platform, 'live', { controlPlane: prodArgo }), 'c1', { cloud: s.cloud, region: 'r' });
    // WHEN
    const e = gitOpsError(() => s.platform.snapshot());
    // THEN
    expect(e.problems.map((p) => p.code)).toEqual(['CG138']);
    expect(e.problems[0].message).toContain(
      'deploys into namespace "argocd-prod", the namespace of the Argo CD of control plane "prod-argocd"',
    );
  });

  test("fails with CG123 alone when the namespace is its own control plane's Argo CD namespace, allowed or not", () => {
    for (const allowSensitiveNamespace of [false, true]) {
      const s = smallPlatform({ service: { namespace: 'argocd', allowSensitiveNamespace } });
      expect(gitOpsError(() => s.platform.snapshot()).problems.map((p) => p.code)).toEqual(['CG123']);
    }
  });

  test('accepts a sensitive namespace the service opts into, and gives the AppProject that destination', () => {
    // GIVEN
    const s = smallPlatform({ service: { namespace: 'kube-system', allowSensitiveNamespace: true } });
    // WHEN
    const { model, files } = synth(s.platform);
    // THEN
    expect(parse(files['projects/prod.yaml']).spec.destinations).toEqual([{ name: 'azure-westeurope-01', namespace: 'kube-system' }]);
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
  });

  test('fails when a service opts into a sensitive namespace of an environment with a namespace baseline', () => {
    // GIVEN
    const s = smallPlatform({ env: { namespaceBaseline: baseline }, service: { namespace: 'default', allowSensitiveNamespace: true } });
    // WHEN
    const e = gitOpsError(() => s.platform.snapshot());
    // THEN
    expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([['CG138', 'platform/payments-api']]);
    expect(e.problems[0].message).toBe(
      'Service "payments-api" deploys into namespace "default" in environment prod, whose namespace baseline would take "default" over (Namespace object, ResourceQuota, LimitRange, default-deny NetworkPolicy).',
    );
    expect(e.problems[0].fix).toContain('deploy it to an environment without a namespace baseline');
  });
});

describe('generated Applications', () => {
  test('each target of the example gets exactly its own Application', () => {
    const { model, files } = synth(paymentsPlatform());
    expect(applicationProblems(model, files)).toEqual([]);
    expect(
      generatedApplications(model, files)
        .map((a) => a.app.metadata.name)
        .sort(),
    ).toHaveLength(8);
  });

  test('services and clusters with settings of their own get them, and nobody else does', () => {
    const platform = new Platform({
      repoURL: 'https://git.example.com/p.git',
      applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    });
    const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod', { namespace: 'argocd-prod' }) });
    const azure = new Cloud(platform, 'azure');
    const special = new Cluster(prod, 'c1', { cloud: azure, region: 'r', destination: 'special' });
    new Cluster(prod, 'c2', { cloud: azure, region: 'r' });
    new Service(platform, 'api', { image, initialDigest: DIGEST }).deployTo(prod);
    new Service(platform, 'worker', {
      image,
      initialDigest: DIGEST,
      namespace: 'workers',
      workload: Workload.helmChart({ chartPath: 'charts/worker' }),
    }).deployTo(prod);
    new Service(platform, 'edge', {
      image,
      initialDigest: DIGEST,
      workload: Workload.helmChart({ repoURL: 'https://git.example.com/edge.git' }),
    }).deployTo(special);
    const { model, files } = synth(platform);
    expect(applicationProblems(model, files)).toEqual([]);
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
    expect(
      generatedApplications(model, files)
        .map((a) => `${a.set} ${a.app.metadata.name}`)
        .sort(),
    ).toEqual([
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
