import { Construct } from 'constructs';
import { Cloud, Cluster, Environment, Platform, PromotionRing, Service, Targets } from '../../src';
import { DIGEST, GITOPS_REPO, linesOf, newPlatform, problemsOf } from '../support/platform';

describe('Platform', () => {
  it('defaults revision, Argo CD namespace, layout, service defaults and root id', () => {
    // GIVEN
    const platform = new Platform({ repoURL: GITOPS_REPO });

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model).toEqual({
      version: 4,
      path: 'platform',
      repoURL: GITOPS_REPO,
      revision: 'main',
      argocdNamespace: 'argocd',
      layout: {
        environments: 'environments',
        applicationSets: 'applicationsets',
        projects: 'projects',
        bootstrap: 'bootstrap',
        releases: 'releases',
      },
      serviceDefaults: { chartPath: 'deploy/chart', targetRevision: 'main' },
      controlPlanes: [],
      environments: [],
      clusters: [],
      services: [],
      rings: [],
      layers: {},
      targets: [],
    });
  });

  it('puts its props into the snapshot', () => {
    // GIVEN
    const platform = new Platform({
      id: 'acme',
      repoURL: 'git@git.example.com:platform/gitops.git',
      revision: 'release',
      argocdNamespace: 'gitops',
      applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
      values: { global: { owner: 'platform-team' } },
      layout: {
        environments: 'deploy/envs',
        applicationSets: 'argo/sets',
        projects: 'argo/projects',
        bootstrap: 'argo/bootstrap',
        releases: 'ledger',
      },
      serviceDefaults: { chartPath: 'charts/app', targetRevision: 'stable' },
    });

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model.path).toBe('acme');
    expect(model.repoURL).toBe('git@git.example.com:platform/gitops.git');
    expect(model.revision).toBe('release');
    expect(model.argocdNamespace).toBe('gitops');
    expect(model.applicationRepoURLPattern).toBe('https://git.example.com/apps/{service}.git');
    expect(model.layout).toEqual({
      environments: 'deploy/envs',
      applicationSets: 'argo/sets',
      projects: 'argo/projects',
      bootstrap: 'argo/bootstrap',
      releases: 'ledger',
    });
    expect(model.serviceDefaults).toEqual({ chartPath: 'charts/app', targetRevision: 'stable' });
    expect(model.layers).toEqual({ platform: { label: 'Platform', path: 'acme', values: { global: { owner: 'platform-team' } } } });
  });

  it('takes the lowest values layer of every target', () => {
    // GIVEN
    const platform = newPlatform({ values: { team: 'payments' } });
    const prod = new Environment(platform, 'prod', { values: { tier: 'prod' } });
    const azure = new Cloud(platform, 'azure');
    new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
    new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } }).deployTo(prod);

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model.targets.map((t) => t.layers)).toEqual([['platform', 'env:prod']]);
  });

  describe('Platform.of', () => {
    it('finds the platform of a construct deep in the tree', () => {
      // GIVEN
      const platform = newPlatform();
      const prod = new Environment(platform, 'prod');
      const cluster = new Cluster(prod, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });

      // THEN
      expect(Platform.of(cluster)).toBe(platform);
      expect(Platform.of(platform)).toBe(platform);
    });

    it('fails when the construct is not inside a platform', () => {
      // GIVEN
      const stray = new Construct(undefined as unknown as Construct, 'stray');

      // THEN
      expect(problemsOf(() => Platform.of(stray))).toEqual([
        {
          code: 'CG100',
          constructPath: 'stray',
          message: 'Construct "stray" is not inside a Platform.',
          fix: 'Create it with a Platform (or a construct inside one) as its scope.',
        },
      ]);
    });
  });

  it('fails when repoURL is not a Git URL', () => {
    const platform = new Platform({ repoURL: 'git.example.com/platform-gitops' });
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG109',
        constructPath: 'platform',
        message: 'repoURL "git.example.com/platform-gitops" is not usable: it is not a Git URL (https://, ssh://, git:// or git@).',
        fix: 'Use the URL Argo CD clones, e.g. https://git.example.com/platform/platform-gitops.git.',
      },
    ]);
  });

  it('fails when values are not plain data, naming each key path', () => {
    // GIVEN
    class Secret {}
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;

    // WHEN
    const platform = newPlatform({
      values: { hook: () => 'x', secret: new Secret(), nested: { missing: undefined, ratio: NaN }, cyclic } as never,
    });
    const problems = problemsOf(() => platform.snapshot());

    // THEN
    expect(problems.map((p) => [p.code, p.constructPath, p.message])).toEqual([
      ['CG107', 'platform', 'values at key "hook" is a function, which is not plain data.'],
      ['CG107', 'platform', 'values at key "secret" is an instance of Secret, which is not plain data.'],
      ['CG107', 'platform', 'values at key "nested.missing" is undefined, which is not plain data.'],
      ['CG107', 'platform', 'values at key "nested.ratio" is NaN, which is not plain data.'],
      ['CG107', 'platform', 'values at key "cyclic.self" is a reference cycle, which is not plain data.'],
    ]);
    expect(problems[0].fix).toBe('Use only strings, numbers, booleans, null, lists and plain objects in values.');
  });

  it('fails when a layout directory is not a safe place in the repository', () => {
    // GIVEN
    const platform = newPlatform({
      layout: { environments: '../envs', applicationSets: '/abs', projects: '.hidden', bootstrap: 'a//b', releases: 'with space' },
    });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform] CG108 layout.environments "../envs" is not a safe directory inside the repository: it has a ".." segment.',
      '[platform] CG108 layout.applicationSets "/abs" is not a safe directory inside the repository: it is absolute.',
      '[platform] CG108 layout.projects ".hidden" is not a safe directory inside the repository: segment ".hidden" is hidden.',
      '[platform] CG108 layout.bootstrap "a//b" is not a safe directory inside the repository: it has an empty segment.',
      '[platform] CG108 layout.releases "with space" is not a safe directory inside the repository: segment "with space" has characters other than letters, digits, ".", "_" and "-".',
    ]);
  });

  describe('snapshot', () => {
    it('reports every problem of the tree at once, each with its construct path', () => {
      // GIVEN
      const platform = new Platform({ repoURL: GITOPS_REPO });
      const prod = new Environment(platform, 'Prod');
      const aws = new Cloud(platform, 'aws');
      new Cluster(prod, 'eu_central', { cloud: aws, region: 'eu-central-1' });
      new Service(platform, 'payments-api', {
        image: { repository: 'registry.example.com/payments-api' },
        initialDigest: 'latest',
        values: { image: { digest: DIGEST } },
      }).deployTo(prod);
      new PromotionRing(platform, 'canary', { targets: Targets.cloud(new Cloud(platform, 'gcp')) });

      // WHEN
      const error = (() => {
        try {
          platform.snapshot();
        } catch (e) {
          return e as Error;
        }
        throw new Error('snapshot() did not fail');
      })();

      // THEN
      // (the ring that selects nothing first: it is why the target is in no ring)
      expect(error.message.split('\n')).toEqual([
        'The platform program has 7 problems:',
        expect.stringMatching(/^\[platform\/rings\/canary\] CG118 Promotion ring "canary" selects no target\. /),
        expect.stringMatching(
          /^\[platform\/Prod\] CG101 Environment name "Prod" is not a DNS-1123 label: .* Fix: Rename it, e.g. "prod"\.$/,
        ),
        expect.stringMatching(
          /^\[platform\/Prod\/eu_central\] CG101 Cluster name "eu_central" is not a DNS-1123 label: .* Fix: Rename it, e.g. "eu-central"\.$/,
        ),
        expect.stringMatching(
          /^\[platform\/payments-api\/Prod\/aws\/eu_central\] CG116 Target Prod\/aws\/eu_central\/payments-api is in no promotion ring\. /,
        ),
        expect.stringMatching(/^\[platform\/payments-api\] CG106 Service "payments-api" has no application repository\. /),
        expect.stringMatching(/^\[platform\/payments-api\] CG115 initialDigest "latest" is not a sha256 digest\. /),
        expect.stringMatching(
          /^\[platform\/payments-api\] CG113 Service payments-api sets image\.digest, which the release ledger owns\. /,
        ),
      ]);
    });

    it('is plain data that survives JSON', () => {
      // GIVEN
      const platform = newPlatform();
      const prod = new Environment(platform, 'prod');
      new Cluster(prod, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });
      new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } }).deployTo(prod);

      // WHEN
      const model = platform.snapshot();

      // THEN
      expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    });
  });
});
