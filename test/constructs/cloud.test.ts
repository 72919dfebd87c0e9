import { Cloud, Cluster, Environment, Service } from '../../src';
import { linesOf, newPlatform, problemsOf } from '../support/platform';

describe('Cloud', () => {
  it('is named by its id and adds no layer without values', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');
    const gcp = new Cloud(platform, 'gcp');
    new Cluster(prod, 'europe-west4-01', { cloud: gcp, region: 'europe-west4' });
    new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } }).deployTo(prod);

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(gcp.name).toBe('gcp');
    expect(gcp.values).toEqual({});
    expect(model.clusters.map((c) => c.cloud)).toEqual(['gcp']);
    expect(model.layers).toEqual({});
  });

  it('adds its values as a layer above the environment and below the cluster', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod', { values: { a: 1 } });
    const azure = new Cloud(platform, 'azure', { values: { ingress: { className: 'istio-internal' } } });
    new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope', values: { b: 2 } });
    new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } }).deployTo(prod);

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model.layers['cloud:azure']).toEqual({
      label: 'Cloud azure',
      path: 'platform/azure',
      values: { ingress: { className: 'istio-internal' } },
    });
    expect(model.targets[0].layers).toEqual(['env:prod', 'cloud:azure', 'cluster:prod/azure/westeurope-01']);
  });

  it('fails when its name is not a DNS-1123 label', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');
    new Cluster(prod, 'eu-01', { cloud: new Cloud(platform, 'AWS'), region: 'eu-central-1' });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod/eu-01] CG101 Cloud name "AWS" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used as a directory and label value.',
    ]);
  });

  it('fails when values are not plain data', () => {
    const platform = newPlatform();
    new Cloud(platform, 'azure', { values: { ingress: { hosts: [() => 'x'] } } as never });
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/azure] CG107 values at key "ingress.hosts[0]" is a function, which is not plain data.',
    ]);
  });

  it('fails when the id is taken', () => {
    // GIVEN
    const platform = newPlatform();
    new Cloud(platform, 'azure');

    // WHEN
    new Cloud(platform, 'azure');
    new Cloud(platform, 'azure');

    // THEN: every duplicate is reported, at once
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/azure] CG103 Cloud "azure" cannot be created: platform already has a Cloud named "azure".',
      '[platform/azure] CG103 Cloud "azure" cannot be created: platform already has a Cloud named "azure".',
    ]);
    expect(problemsOf(() => platform.snapshot())[0].fix).toBe('Give one of them another id (ids are unique within their scope).');
  });
});
