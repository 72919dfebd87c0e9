import { Cloud, Cluster, ControlPlane, Environment, Service } from '../../src';
import { linesOf, newPlatform, problemsOf } from '../support/platform';

describe('Cluster', () => {
  it('is named by its id and registered in Argo CD as <cloud>-<name>', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');
    const cluster = new Cluster(prod, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(cluster.name).toBe('westeurope-01');
    expect(cluster.qualifiedName).toBe('prod/azure/westeurope-01');
    expect(cluster.labels).toEqual({});
    expect(model.clusters).toEqual([
      {
        id: 'prod/azure/westeurope-01',
        path: 'platform/prod/westeurope-01',
        environment: 'prod',
        cloud: 'azure',
        name: 'westeurope-01',
        region: 'westeurope',
        destination: 'azure-westeurope-01',
      },
    ]);
    expect(model.layers).toEqual({});
  });

  it('puts its props into the snapshot', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');
    const cluster = new Cluster(prod, 'aks-main', {
      cloud: new Cloud(platform, 'azure'),
      region: 'westeurope',
      name: 'westeurope-01',
      destination: 'aks-prod-weu',
      labels: { tier: 'canary' },
      values: { nodeSelector: { pool: 'general' } },
    });
    new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } }).deployTo(prod);

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(cluster.labels).toEqual({ tier: 'canary' });
    expect(model.clusters).toEqual([
      {
        id: 'prod/azure/westeurope-01',
        path: 'platform/prod/aks-main',
        environment: 'prod',
        cloud: 'azure',
        name: 'westeurope-01',
        region: 'westeurope',
        destination: 'aks-prod-weu',
      },
    ]);
    expect(model.layers['cluster:prod/azure/westeurope-01']).toEqual({
      label: 'Cluster prod/azure/westeurope-01',
      path: 'platform/prod/aks-main',
      values: { nodeSelector: { pool: 'general' } },
    });
    expect(model.targets.map((t) => [t.id, t.path])).toEqual([
      ['prod/azure/westeurope-01/payments-api', 'platform/payments-api/prod/azure/westeurope-01'],
    ]);
  });

  it('may reuse an id in another environment', () => {
    // GIVEN
    const platform = newPlatform();
    const azure = new Cloud(platform, 'azure');
    new Cluster(new Environment(platform, 'nonprod'), 'westeurope-01', { cloud: azure, region: 'westeurope', destination: 'aks-nonprod' });
    new Cluster(new Environment(platform, 'prod'), 'westeurope-01', { cloud: azure, region: 'westeurope' });

    // THEN
    expect(platform.snapshot().clusters.map((c) => c.id)).toEqual(['nonprod/azure/westeurope-01', 'prod/azure/westeurope-01']);
  });

  it('fails when its name is not a DNS-1123 label', () => {
    // GIVEN
    const platform = newPlatform();
    new Cluster(new Environment(platform, 'prod'), 'weu', {
      cloud: new Cloud(platform, 'azure'),
      region: 'westeurope',
      name: 'West.Europe',
    });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG101',
        constructPath: 'platform/prod/weu',
        message:
          'Cluster name "West.Europe" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used as a directory and label value.',
        fix: 'Rename it, e.g. "west-europe".',
      },
    ]);
  });

  it('fails when its destination is empty', () => {
    // GIVEN
    const platform = newPlatform();
    new Cluster(new Environment(platform, 'prod'), 'westeurope-01', {
      cloud: new Cloud(platform, 'azure'),
      region: 'westeurope',
      destination: '',
    });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG101',
        constructPath: 'platform/prod/westeurope-01',
        message: 'Cluster destination "" does not name one cluster: it is empty.',
        fix: 'Give the exact name the cluster is registered under in Argo CD, e.g. "azure-westeurope-01".',
      },
    ]);
  });

  it('fails when values are not plain data', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');

    // WHEN
    new Cluster(prod, 'westeurope-01', {
      cloud: new Cloud(platform, 'azure'),
      region: 'westeurope',
      values: { replicas: undefined } as never,
    });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod/westeurope-01] CG107 values at key "replicas" is undefined, which is not plain data.',
    ]);
  });

  it("fails when two environments of one control plane register clusters under the same destination (the seed's layout)", () => {
    // GIVEN
    const platform = newPlatform();
    const azure = new Cloud(platform, 'azure');
    const api = new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } });
    for (const name of ['nonprod', 'prod']) {
      const env = new Environment(platform, name);
      new Cluster(env, 'westeurope-01', { cloud: azure, region: 'westeurope' });
      api.deployTo(env);
    }

    // WHEN
    const problems = problemsOf(() => platform.snapshot());

    // THEN
    expect(problems).toEqual([
      {
        code: 'CG105',
        constructPath: 'platform/prod/westeurope-01',
        message:
          'Clusters nonprod/azure/westeurope-01 and prod/azure/westeurope-01 are both registered as destination "azure-westeurope-01" in control plane "argocd". 1 Application would then deploy into the same namespace as another cluster\'s Application and fight over its resources: payments-api-prod-azure-westeurope-01.',
        fix: "Manage environments nonprod and prod from separate control planes (new ControlPlane(platform, 'prod') and Environment's controlPlane), or give each cluster its own destination name, the one it is registered under in Argo CD (new Cluster(env, 'westeurope-01', { cloud, destination: '…' }), or no destination for the default '<cloud>-<cluster>'); a cluster with a destination of its own is deployed by an ApplicationSet of its own, workloads-<env>-<cloud>-<cluster>.",
      },
    ]);
  });

  it('passes once the fix it suggests is applied', () => {
    // GIVEN the seed's layout, and a control plane of its own for prod as the fix says
    const platform = newPlatform();
    const azure = new Cloud(platform, 'azure');
    const api = new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } });
    const nonprod = new Environment(platform, 'nonprod');
    const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod-argocd') });
    for (const env of [nonprod, prod]) {
      new Cluster(env, 'westeurope-01', { cloud: azure, region: 'westeurope' });
      api.deployTo(env);
    }

    // THEN
    expect(platform.snapshot().controlPlanes.map((cp) => [cp.name, cp.environments])).toEqual([
      ['argocd', ['nonprod']],
      ['prod-argocd', ['prod']],
    ]);
  });

  it('fails when two clusters of one environment share a destination name', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');
    const azure = new Cloud(platform, 'azure');
    new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope', destination: 'aks' });
    new Cluster(prod, 'northeurope-01', { cloud: azure, region: 'northeurope', destination: 'aks' });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod/northeurope-01] CG105 Clusters prod/azure/westeurope-01 and prod/azure/northeurope-01 are both registered as destination "aks" in control plane "argocd".',
    ]);
  });

  it('fails when the id is taken in its environment', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');
    const azure = new Cloud(platform, 'azure');
    new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });

    // WHEN
    new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });

    // THEN: the second one is left out of the model, so it collides with nothing
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod/westeurope-01] CG103 Cluster "westeurope-01" cannot be created: platform/prod already has a Cluster named "westeurope-01".',
    ]);
  });
});
