import { Cloud, Cluster, ControlPlane, Duration, Environment, Reconciler, Service } from '../../src';
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

describe('Reconciler.argoCd({ api })', () => {
  it("records how the CLI reaches the control plane's Argo CD, never a token", () => {
    // GIVEN
    const platform = newPlatform();
    const cp = new ControlPlane(platform, 'prod', {
      reconciler: Reconciler.argoCd({
        api: { server: 'argocd.prod.example.com:8443', caFile: 'certs/ca.pem', timeout: Duration.seconds(30) },
      }),
    });
    new Environment(platform, 'prod', { controlPlane: cp });

    // THEN
    expect(platform.snapshot().controlPlanes[0]!.reconciler).toEqual({
      kind: 'argocd',
      api: { server: 'argocd.prod.example.com:8443', caFile: 'certs/ca.pem', timeoutSeconds: 30 },
    });
  });

  it('refuses a server that would send the token in clear, holds a credential, or is not one, and a timeout out of range', () => {
    // GIVEN
    const platform = newPlatform();
    const bad = [
      { server: 'http://argocd.example.com' },
      { server: 'https://user:secret@argocd.example.com' },
      { server: 'argocd.example.com/path' },
      { server: 'https://argocd.example.com/?token=x' },
      { server: 'argo cd' },
      { caFile: '' },
      { timeout: Duration.minutes(10) },
      { timeout: Duration.seconds(0.5) },
    ];
    bad.forEach((api, i) => {
      const cp = new ControlPlane(platform, `cp-${i}`, { reconciler: Reconciler.argoCd({ api }) });
      new Environment(platform, `env-${i}`, { controlPlane: cp });
    });

    // THEN
    const lines = linesOf(() => platform.snapshot());
    expect(lines).toEqual([
      '[platform/control-planes/cp-0] CG151 The Argo CD API settings: server "http://argocd.example.com" is not https: the token would travel in clear.',
      '[platform/control-planes/cp-1] CG151 The Argo CD API settings: server names a user or password; the token is the credential, and it is read from the environment.',
      '[platform/control-planes/cp-2] CG151 The Argo CD API settings: server "argocd.example.com/path" has a path without https://.',
      '[platform/control-planes/cp-3] CG151 The Argo CD API settings: server "https://argocd.example.com/?token=***" has a query.',
      '[platform/control-planes/cp-4] CG151 The Argo CD API settings: server is empty or holds white space.',
      '[platform/control-planes/cp-5] CG151 The Argo CD API settings: caFile is not a path.',
      '[platform/control-planes/cp-6] CG151 The Argo CD API settings: timeout is not a whole number of seconds from 1 to 300.',
      '[platform/control-planes/cp-7] CG151 The Argo CD API settings: timeout is not a whole number of seconds from 1 to 300.',
    ]);
    expect(lines.join('\n')).not.toContain('secret');
  });
});
