import { Cloud, Cluster, ControlPlane, Environment, Service } from '../../src';
import { linesOf, newPlatform, problemsOf } from '../support/platform';

describe('ControlPlane', () => {
  it('is implicit: environments without one share "argocd" in the platform namespace', () => {
    // GIVEN
    const platform = newPlatform({ argocdNamespace: 'gitops' });
    const nonprod = new Environment(platform, 'nonprod');
    const prod = new Environment(platform, 'prod');

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(nonprod.controlPlane).toBe(prod.controlPlane);
    expect(nonprod.controlPlane.node.path).toBe('platform/control-planes/argocd');
    expect(model.controlPlanes).toEqual([
      { name: 'argocd', path: 'platform/control-planes/argocd', namespace: 'gitops', environments: ['nonprod', 'prod'] },
    ]);
    expect(model.environments.map((e) => e.controlPlane)).toEqual(['argocd', 'argocd']);
  });

  it('manages the environments that name it, in declaration order, in its own namespace', () => {
    // GIVEN
    const platform = newPlatform();
    const shared = new ControlPlane(platform, 'shared-argocd');
    const prodArgo = new ControlPlane(platform, 'prod-argocd', { namespace: 'argocd-prod' });
    new Environment(platform, 'dev', { controlPlane: shared });
    new Environment(platform, 'prod', { controlPlane: prodArgo });
    new Environment(platform, 'staging', { controlPlane: shared });

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model.controlPlanes).toEqual([
      { name: 'shared-argocd', path: 'platform/control-planes/shared-argocd', namespace: 'argocd', environments: ['dev', 'staging'] },
      { name: 'prod-argocd', path: 'platform/control-planes/prod-argocd', namespace: 'argocd-prod', environments: ['prod'] },
    ]);
  });

  it('is left out of the snapshot while no environment uses it', () => {
    // GIVEN
    const platform = newPlatform();
    new ControlPlane(platform, 'spare');

    // THEN
    expect(platform.snapshot().controlPlanes).toEqual([]);
  });

  it('lets clusters of two environments share directory names when each environment has its own', () => {
    // GIVEN
    const platform = newPlatform();
    const azure = new Cloud(platform, 'azure');
    const api = new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } });
    for (const name of ['nonprod', 'prod']) {
      const env = new Environment(platform, name, { controlPlane: new ControlPlane(platform, `${name}-argocd`) });
      new Cluster(env, 'westeurope-01', { cloud: azure, region: 'westeurope' });
      api.deployTo(env);
    }

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model.targets.map((t) => t.id)).toEqual(['nonprod/azure/westeurope-01/payments-api', 'prod/azure/westeurope-01/payments-api']);
  });

  it('fails when its name is not a DNS-1123 label', () => {
    // GIVEN
    const platform = newPlatform();
    new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'Prod_Argo') });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/control-planes/Prod_Argo] CG101 Control plane name "Prod_Argo" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used in file names.',
    ]);
  });

  it('fails when the id is taken', () => {
    // GIVEN
    const platform = newPlatform();
    new ControlPlane(platform, 'prod-argocd');

    // WHEN
    new ControlPlane(platform, 'prod-argocd');

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG103',
        constructPath: 'platform/control-planes/prod-argocd',
        message: 'ControlPlane "prod-argocd" cannot be created: platform/control-planes already has a ControlPlane named "prod-argocd".',
        fix: 'Give one of them another id (ids are unique within their scope).',
      },
    ]);
  });
});
