import { Cloud, Cluster, ControlPlane, Environment, Service, SyncOption, SyncPolicy, SyncWindow } from '../../src';
import { DIGEST, linesOf, newPlatform, problemsOf } from '../support/platform';

describe('Environment', () => {
  it('defaults to manual sync, no windows, roles or cluster resources, and digests required', () => {
    // GIVEN
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(prod.name).toBe('prod');
    expect(model.environments).toEqual([
      {
        name: 'prod',
        path: 'platform/prod',
        controlPlane: 'argocd',
        syncPolicy: {},
        syncWindows: [],
        roles: [],
        requireDigest: true,
        clusterResources: [],
      },
    ]);
    expect(model.layers).toEqual({});
  });

  it('puts its props into the snapshot', () => {
    // GIVEN
    const platform = newPlatform();
    new Environment(platform, 'prod', {
      description: 'Production, all clouds',
      syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true, options: [SyncOption.CREATE_NAMESPACE] }),
      syncWindows: [SyncWindow.deny('0 22 * * *', '8h', { manualSync: true, timeZone: 'Europe/Amsterdam' })],
      roles: [{ name: 'deployers', policies: ['p, proj:prod:deployers, applications, sync, prod/*, allow'], groups: ['payments'] }],
      requireDigest: false,
      clusterResources: [{ group: '', kind: 'Namespace' }],
      revisionHistoryLimit: 3,
      values: { autoscaling: { minReplicas: 6 } },
    });

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model.environments).toEqual([
      {
        name: 'prod',
        path: 'platform/prod',
        controlPlane: 'argocd',
        description: 'Production, all clouds',
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
        syncWindows: [
          { kind: 'deny', schedule: '0 22 * * *', duration: '8h', applications: ['*'], manualSync: true, timeZone: 'Europe/Amsterdam' },
        ],
        roles: [{ name: 'deployers', policies: ['p, proj:prod:deployers, applications, sync, prod/*, allow'], groups: ['payments'] }],
        requireDigest: false,
        clusterResources: [{ group: '', kind: 'Namespace' }],
        revisionHistoryLimit: 3,
      },
    ]);
    expect(model.layers['env:prod']).toEqual({
      label: 'Environment prod',
      path: 'platform/prod',
      values: { autoscaling: { minReplicas: 6 } },
    });
  });

  it('accepts a revisionHistoryLimit of 0', () => {
    // GIVEN
    const platform = newPlatform();
    new Environment(platform, 'prod', { revisionHistoryLimit: 0 });

    // THEN
    expect(platform.snapshot().environments[0].revisionHistoryLimit).toBe(0);
  });

  it('is a promotion ring of its own when the platform declares none, in declaration order', () => {
    // GIVEN
    const platform = newPlatform();
    const azure = new Cloud(platform, 'azure');
    const api = new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } });
    for (const [name, cp] of [
      ['nonprod', 'a'],
      ['prod', 'b'],
    ]) {
      const env = new Environment(platform, name, { controlPlane: new ControlPlane(platform, cp) });
      new Cluster(env, 'westeurope-01', { cloud: azure, region: 'westeurope' });
      api.deployTo(env);
    }

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model.rings).toEqual([
      {
        name: 'nonprod',
        path: 'platform/nonprod',
        gates: { soakSeconds: 0, requireApproval: false },
        targets: ['nonprod/azure/westeurope-01/payments-api'],
      },
      {
        name: 'prod',
        path: 'platform/prod',
        gates: { soakSeconds: 0, requireApproval: false },
        targets: ['prod/azure/westeurope-01/payments-api'],
      },
    ]);
    expect(model.targets.map((t) => t.ring)).toEqual(['nonprod', 'prod']);
  });

  it('fails when revisionHistoryLimit is not a whole number of at least 0', () => {
    // GIVEN
    const platform = newPlatform();

    // WHEN
    new Environment(platform, 'prod', { revisionHistoryLimit: -1 });
    new Environment(platform, 'staging', { revisionHistoryLimit: 2.5 });

    // THEN
    const problems = problemsOf(() => platform.snapshot());
    expect(problems[0]).toEqual({
      code: 'CG110',
      constructPath: 'platform/prod',
      message: 'revisionHistoryLimit -1 is not a whole number of at least 0.',
      fix: "Use e.g. 3, or leave it out for Argo CD's default of 10.",
    });
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod] CG110 revisionHistoryLimit -1 is not a whole number of at least 0.',
      '[platform/staging] CG110 revisionHistoryLimit 2.5 is not a whole number of at least 0.',
    ]);
  });

  it('fails when values are not plain data, together with other constructor problems', () => {
    const platform = newPlatform();
    new Environment(platform, 'prod', { values: { when: new Date(0) } as never, revisionHistoryLimit: NaN });
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod] CG107 values at key "when" is an instance of Date, which is not plain data.',
      '[platform/prod] CG110 revisionHistoryLimit NaN is not a whole number of at least 0.',
    ]);
  });

  it('fails when its name is not a DNS-1123 label', () => {
    // GIVEN
    const platform = newPlatform();
    new Environment(platform, 'prod-');
    new Environment(platform, 'x'.repeat(64));

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod-] CG101 Environment name "prod-" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used as a directory, AppProject name and label value.',
      `[platform/${'x'.repeat(64)}] CG101 Environment name "${'x'.repeat(64)}" is not a DNS-1123 label: it is 64 characters long (at most 63). It is used as a directory, AppProject name and label value.`,
    ]);
  });

  it('fails when its values set image.digest', () => {
    // GIVEN
    const platform = newPlatform();
    new Environment(platform, 'prod', { values: { image: { digest: DIGEST } } });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG113',
        constructPath: 'platform/prod',
        message: 'Environment prod sets image.digest, which the release ledger owns.',
        fix: "Remove it from the values; set the first digest with the service's initialDigest, later ones with `cdk8s-gitops promote`.",
      },
    ]);
  });

  it('fails when the id is taken', () => {
    // GIVEN
    const platform = newPlatform();
    new Environment(platform, 'prod');

    // WHEN
    const twice = new Environment(platform, 'prod');
    new Cluster(twice, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope', values: { replicas: NaN } });

    // THEN: it is left out of the model, and what is made inside it is checked all the same
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod] CG103 Environment "prod" cannot be created: platform already has an Environment named "prod".',
      '[platform/prod~2/westeurope-01] CG107 values at key "replicas" is NaN, which is not plain data.',
    ]);
  });
});
