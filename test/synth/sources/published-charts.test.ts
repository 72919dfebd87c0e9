/**
 * Charts published to a Helm repository or an OCI registry: the Argo CD source fields Argo CD
 * documents for each, AppProjects listing exactly those repositories, and charts refused when
 * Argo CD could not read them as given or when their version could move without a promotion.
 */
import { parse, parseAllDocuments } from 'yaml';
import { Cloud, Cluster, ControlPlane, Environment, Platform, Service, Workload } from '../../../src';
import type { HelmRepositoryChartProps, OciChartProps } from '../../../src';
import { synthesize } from '../../../src/synth/synthesize';
import { explainTarget } from '../../../src/synth/explain';
import { applicationProblems, generatedApplications, leastPrivilegeProblems } from '../../support/argocd-tree';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../../support/argocd-schema';
import { DIGEST, gitOpsError } from '../../support/platforms';

const HELM_REPO = 'https://charts.example.com/stable';
const OCI_REPO = 'oci://registry.example.com/charts/ledger-api';

function platformWith(charts: { helm?: Partial<HelmRepositoryChartProps>; oci?: Partial<OciChartProps> } = {}): Platform {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const aws = new Cloud(platform, 'aws');
  for (const name of ['nonprod', 'prod']) {
    const env = new Environment(platform, name, { controlPlane: new ControlPlane(platform, name) });
    new Cluster(env, 'eu-01', { cloud: aws, region: 'eu-west-1' });
  }
  const envs = ['nonprod', 'prod'].map((n) => platform.node.findChild(n) as Environment);
  new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: DIGEST }).deployTo(
    envs,
  );
  new Service(platform, 'orders-api', {
    image: { repository: 'registry.example.com/orders-api' },
    initialDigest: DIGEST,
    workload: Workload.helmRepositoryChart({
      repoURL: HELM_REPO,
      chart: 'orders',
      version: '1.4.2',
      ...charts.helm,
    } as HelmRepositoryChartProps),
  }).deployTo(envs);
  new Service(platform, 'ledger-api', {
    image: { repository: 'registry.example.com/ledger-api' },
    initialDigest: DIGEST,
    workload: Workload.ociChart({ repoURL: OCI_REPO, version: '2.0.0-rc.1', ...charts.oci } as OciChartProps),
  }).deployTo(envs);
  return platform;
}

function synth(platform: Platform) {
  const model = platform.snapshot();
  return { model, files: synthesize(model).toRecord() };
}

describe('charts from a Helm repository or an OCI registry', () => {
  const { model, files } = synth(platformWith());
  const apps = generatedApplications(model, files);
  const sourceOf = (name: string) => apps.find((a) => a.app.metadata.name === name)!.app.spec.sources[0];

  test('a Helm repository chart is repoURL + chart + version; an OCI chart is its oci:// repository at "."', () => {
    expect(sourceOf('orders-api-prod-aws-eu-01')).toEqual({
      repoURL: HELM_REPO,
      chart: 'orders',
      targetRevision: '1.4.2',
      helm: { releaseName: 'orders-api', valueFiles: ['$values/environments/prod/aws/eu-01/orders-api/values.yaml'] },
    });
    expect(sourceOf('ledger-api-nonprod-aws-eu-01')).toEqual({
      repoURL: OCI_REPO,
      path: '.',
      targetRevision: '2.0.0-rc.1',
      helm: { releaseName: 'ledger-api', valueFiles: ['$values/environments/nonprod/aws/eu-01/ledger-api/values.yaml'] },
    });
    // The Git chart keeps the shared template.
    expect(sourceOf('payments-api-prod-aws-eu-01').path).toBe('deploy/chart');
  });

  test('every target gets exactly its Application, each published chart in an ApplicationSet of its own', () => {
    expect(applicationProblems(model, files)).toEqual([]);
    expect(Object.keys(files).filter((f) => f.startsWith('applicationsets/prod/'))).toEqual([
      'applicationsets/prod/workloads-prod-ledger-api.yaml',
      'applicationsets/prod/workloads-prod-orders-api.yaml',
      'applicationsets/prod/workloads-prod.yaml',
    ]);
  });

  test('the AppProjects list exactly the repositories their Applications read', () => {
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
    expect(parse(files['projects/prod.yaml']).spec.sourceRepos).toEqual([
      'https://git.example.com/platform/platform-gitops.git',
      'https://charts.example.com/stable',
      'https://git.example.com/apps/payments-api.git',
      OCI_REPO,
    ]);
  });

  test('explain names the chart and its version', () => {
    const e = explainTarget(model, new Map(), 'prod/aws/eu-01/orders-api');
    expect(e.chart).toEqual({ repoURL: HELM_REPO, path: '', chart: 'orders', targetRevision: '1.4.2', releaseName: 'orders-api' });
  });

  describeWithArgoCdSchemas('against the Argo CD CRDs', loadArgoCdSchemas(), (validate) => {
    test('the ApplicationSets, their Applications and the AppProjects are valid', () => {
      for (const f of Object.keys(files).filter((p) => /^(applicationsets|projects)\//.test(p)))
        for (const doc of parseAllDocuments(files[f])) expect([f, validate(doc.toJS())]).toEqual([f, []]);
      for (const { app } of apps) expect([app.metadata.name, validate(app)]).toEqual([app.metadata.name, []]);
    });
  });
});

describe('a published chart Argo CD could not read as given, or whose version could move, is refused (CG145)', () => {
  test.each<[string, { helm?: Partial<HelmRepositoryChartProps>; oci?: Partial<OciChartProps> }, string]>([
    ['a version range', { helm: { version: '^1.4.0' } }, 'version "^1.4.0" is not one exact SemVer 2 version'],
    ['a wildcard version', { oci: { version: '1.x' } }, 'version "1.x" is not one exact SemVer 2 version'],
    ['a "v" prefix', { helm: { version: 'v1.4.2' } }, 'version "v1.4.2" is not one exact SemVer 2 version'],
    ['no version (JavaScript)', { oci: { version: undefined } }, 'version "undefined" is not one exact SemVer 2 version'],
    ['an OCI URL for a Helm repository', { helm: { repoURL: 'oci://registry.example.com/charts' } }, 'is not an http(s) URL'],
    ['a chart name with capitals', { helm: { chart: 'Orders' } }, 'chart "Orders" is not a Helm chart name'],
    ['a glob in the repository', { helm: { repoURL: 'https://charts.example.com/*' } }, 'glob character'],
    ['an https URL for an OCI chart', { oci: { repoURL: 'https://registry.example.com/charts/ledger-api' } }, 'is not oci://'],
    ['an OCI repository with a tag', { oci: { repoURL: `${OCI_REPO}:2.0.0` } }, 'no tag or digest'],
    ['an OCI repository with a digest', { oci: { repoURL: `${OCI_REPO}@${DIGEST}` } }, 'no tag or digest'],
    ['an OCI registry without a chart', { oci: { repoURL: 'oci://registry.example.com' } }, 'is not oci://'],
  ])('%s', (_what, charts, expected) => {
    const e = gitOpsError(() => platformWith(charts).snapshot());
    expect(e.problems.map((p) => p.code)).toEqual(['CG145']);
    expect(e.problems[0].message).toContain(expected);
    expect(e.problems[0].constructPath).toMatch(/^platform\/(orders|ledger)-api$/);
  });

  test('a repository URL with a token in it is refused, and the token is not shown (CG145, CG109)', () => {
    const token = 's3cr3t-t0ken';
    const helm = gitOpsError(() => platformWith({ helm: { repoURL: `https://bot:${token}@charts.example.com/stable` } }).snapshot());
    expect(helm.problems.map((p) => p.code)).toEqual(['CG145']);
    expect(helm.message).toContain('repoURL "https://bot:***@charts.example.com/stable" it holds a password or token');
    const platform = platformWith();
    new Service(platform, 'audit-api', {
      image: { repository: 'registry.example.com/audit-api' },
      initialDigest: DIGEST,
      workload: Workload.helmChart({ repoURL: `https://bot:${token}@git.example.com/apps/audit-api.git` }),
    }).deployTo(platform.node.findChild('prod') as Environment);
    const git = gitOpsError(() => platform.snapshot());
    expect(git.problems.map((p) => p.code)).toEqual(['CG109']);
    for (const e of [helm, git]) expect(e.message).not.toContain(token);
  });

  test('a registry with a port and nested path, and SemVer build metadata, are accepted', () => {
    const platform = platformWith({ oci: { repoURL: 'oci://registry.example.com:5000/team/charts/ledger-api', version: '2.0.0+build.7' } });
    expect(() => platform.snapshot()).not.toThrow();
  });
});
