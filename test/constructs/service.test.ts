import { Cloud, Cluster, ControlPlane, Environment, Platform, Service, Workload } from '../../src';
import { DIGEST, linesOf, newPlatform, problemsOf } from '../support/platform';

const IMAGE = { repository: 'registry.example.com/commerce/payments-api' };

/** A platform with nonprod and prod (each with its own Argo CD), each with an azure and an aws cluster. */
function fleet() {
  const platform = newPlatform();
  const azure = new Cloud(platform, 'azure');
  const aws = new Cloud(platform, 'aws');
  const envs = ['nonprod', 'prod'].map((name) => {
    const env = new Environment(platform, name, { controlPlane: new ControlPlane(platform, `${name}-argocd`) });
    const weu = new Cluster(env, 'westeurope-01', { cloud: azure, region: 'westeurope' });
    const fra = new Cluster(env, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
    return { env, weu, fra };
  });
  const [nonprod, prod] = envs;
  return { platform, azure, aws, nonprod, prod };
}

describe('Service', () => {
  it('defaults its chart, revision, release name, namespace and repository', () => {
    // GIVEN
    const platform = newPlatform();
    const api = new Service(platform, 'payments-api', { image: IMAGE });

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(api.name).toBe('payments-api');
    expect(model.services).toEqual([
      {
        name: 'payments-api',
        path: 'platform/payments-api',
        namespace: 'payments-api',
        imageRepository: 'registry.example.com/commerce/payments-api',
        source: {
          kind: 'helm',
          repoURL: 'https://git.example.com/apps/payments-api.git',
          chartPath: 'deploy/chart',
          targetRevision: 'main',
          releaseName: 'payments-api',
        },
      },
    ]);
    expect(model.targets).toEqual([]);
    expect(model.layers).toEqual({});
  });

  it("takes chart path and revision from the platform's service defaults", () => {
    // GIVEN
    const platform = newPlatform({ serviceDefaults: { chartPath: 'charts/app', targetRevision: 'stable' } });
    new Service(platform, 'payments-api', { image: IMAGE });

    // THEN
    expect(platform.snapshot().services.map((s) => s.source.kind === 'helm' && [s.source.chartPath, s.source.targetRevision])).toEqual([
      ['charts/app', 'stable'],
    ]);
  });

  it('puts its props into the snapshot', () => {
    // GIVEN
    const platform = newPlatform();
    new Service(platform, 'payments-api', {
      image: IMAGE,
      workload: Workload.helmChart({
        repoURL: 'https://git.example.com/commerce/payments.git',
        chartPath: 'helm/payments-api',
        targetRevision: 'v1.4.2',
        releaseName: 'payments',
      }),
      namespace: 'commerce',
      initialDigest: DIGEST,
      values: { resources: { requests: { cpu: '500m' } } },
    }).deployTo(new Environment(platform, 'prod'));

    // WHEN
    const model = platform.snapshot();

    // THEN
    expect(model.services).toEqual([
      {
        name: 'payments-api',
        path: 'platform/payments-api',
        namespace: 'commerce',
        imageRepository: 'registry.example.com/commerce/payments-api',
        initialDigest: DIGEST,
        source: {
          kind: 'helm',
          repoURL: 'https://git.example.com/commerce/payments.git',
          chartPath: 'helm/payments-api',
          targetRevision: 'v1.4.2',
          releaseName: 'payments',
        },
      },
    ]);
    expect(model.layers['service:payments-api']).toEqual({
      label: 'Service payments-api',
      path: 'platform/payments-api',
      values: { resources: { requests: { cpu: '500m' } } },
    });
  });

  it('accepts an image repository on a registry with a port', () => {
    // GIVEN
    const platform = newPlatform();
    new Service(platform, 'payments-api', { image: { repository: 'registry.example.com:5000/commerce/payments-api' } });

    // THEN
    expect(platform.snapshot().services[0].imageRepository).toBe('registry.example.com:5000/commerce/payments-api');
  });

  describe('deployTo', () => {
    it('places the service on every cluster of an environment, also those declared later', () => {
      // GIVEN
      const { platform, azure, prod } = fleet();
      const api = new Service(platform, 'payments-api', { image: IMAGE });

      // WHEN
      api.deployTo(prod.env);
      new Cluster(prod.env, 'northeurope-01', { cloud: azure, region: 'northeurope' });

      // THEN
      expect(platform.snapshot().targets.map((t) => [t.id, t.path, t.service, t.environment, t.cloud, t.cluster, t.ring])).toEqual([
        [
          'prod/azure/westeurope-01/payments-api',
          'platform/payments-api/prod/azure/westeurope-01',
          'payments-api',
          'prod',
          'azure',
          'westeurope-01',
          'prod',
        ],
        [
          'prod/aws/eu-central-1-01/payments-api',
          'platform/payments-api/prod/aws/eu-central-1-01',
          'payments-api',
          'prod',
          'aws',
          'eu-central-1-01',
          'prod',
        ],
        [
          'prod/azure/northeurope-01/payments-api',
          'platform/payments-api/prod/azure/northeurope-01',
          'payments-api',
          'prod',
          'azure',
          'northeurope-01',
          'prod',
        ],
      ]);
    });

    it('places the service on one cluster', () => {
      // GIVEN
      const { platform, prod } = fleet();

      // WHEN
      new Service(platform, 'payments-api', { image: IMAGE }).deployTo(prod.fra);

      // THEN
      expect(platform.snapshot().targets.map((t) => t.id)).toEqual(['prod/aws/eu-central-1-01/payments-api']);
    });

    it('places the service on a list of environments and clusters, with the same values for each', () => {
      // GIVEN
      const { platform, nonprod, prod } = fleet();
      const api = new Service(platform, 'payments-api', { image: IMAGE });

      // WHEN
      const returned = api.deployTo([nonprod.env, prod.weu], { values: { debug: true } });

      // THEN
      const model = platform.snapshot();
      expect(returned).toBe(api);
      expect(model.targets.map((t) => [t.id, t.layers])).toEqual([
        ['nonprod/azure/westeurope-01/payments-api', ['service-env:payments-api/nonprod#0']],
        ['nonprod/aws/eu-central-1-01/payments-api', ['service-env:payments-api/nonprod#0']],
        ['prod/azure/westeurope-01/payments-api', ['service-cluster:payments-api/prod/azure/westeurope-01#0']],
      ]);
      expect(model.layers['service-env:payments-api/nonprod#0']).toEqual({
        label: 'Service payments-api × Environment nonprod',
        path: 'platform/payments-api',
        values: { debug: true },
      });
      expect(model.layers['service-cluster:payments-api/prod/azure/westeurope-01#0']).toEqual({
        label: 'Service payments-api × Cluster prod/azure/westeurope-01',
        path: 'platform/payments-api',
        values: { debug: true },
      });
    });

    it('stacks every layer of a target in order: platform, environment, cloud, cluster, service, service × environment, service × cluster', () => {
      // GIVEN
      const platform = newPlatform({ values: { p: 1 } });
      const prod = new Environment(platform, 'prod', { values: { e: 1 } });
      const azure = new Cloud(platform, 'azure', { values: { c: 1 } });
      const weu = new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope', values: { k: 1 } });
      const api = new Service(platform, 'payments-api', { image: IMAGE, values: { s: 1 } });

      // WHEN
      api.deployTo(weu, { values: { sc: 1 } });
      api.deployTo(prod, { values: { se: 1 } });
      api.deployTo(prod, { values: { se: 2 } });
      api.deployTo(weu);

      // THEN
      expect(platform.snapshot().targets.map((t) => [t.id, t.layers])).toEqual([
        [
          'prod/azure/westeurope-01/payments-api',
          [
            'platform',
            'env:prod',
            'cloud:azure',
            'cluster:prod/azure/westeurope-01',
            'service:payments-api',
            'service-env:payments-api/prod#0',
            'service-env:payments-api/prod#1',
            'service-cluster:payments-api/prod/azure/westeurope-01#0',
          ],
        ],
      ]);
    });

    it('fails when it receives something other than an environment or a cluster', () => {
      // GIVEN
      const { platform, azure } = fleet();
      const api = new Service(platform, 'payments-api', { image: IMAGE });

      // WHEN
      api.deployTo(azure as never);
      api.deployTo(['prod'] as never);

      // THEN
      const problems = problemsOf(() => platform.snapshot());
      expect(problems[0]).toEqual({
        code: 'CG112',
        constructPath: 'platform/payments-api',
        message: 'deployTo received an instance of Cloud, not an Environment or a Cluster.',
        fix: 'Pass an Environment, a Cluster, or a list of them.',
      });
      expect(linesOf(() => platform.snapshot())).toEqual([
        '[platform/payments-api] CG112 deployTo received an instance of Cloud, not an Environment or a Cluster.',
        '[platform/payments-api] CG112 deployTo received a string, not an Environment or a Cluster.',
      ]);
    });

    it('fails when its values are not plain data', () => {
      // GIVEN
      const { platform, prod } = fleet();
      const api = new Service(platform, 'payments-api', { image: IMAGE });

      // WHEN
      api.deployTo(prod.env, { values: { ingress: { hosts: [{ host: Symbol('x') }] } } as never });

      // THEN
      expect(linesOf(() => platform.snapshot())).toEqual([
        '[platform/payments-api] CG107 deployTo values at key "ingress.hosts[0].host" is symbol, which is not plain data.',
      ]);
    });

    it('fails when the cluster belongs to another platform', () => {
      // GIVEN
      const platform = newPlatform();
      const other = new Platform({ id: 'other', repoURL: 'https://git.example.com/other.git' });
      const foreign = new Cluster(new Environment(other, 'prod'), 'westeurope-01', {
        cloud: new Cloud(other, 'azure'),
        region: 'westeurope',
      });
      new Service(platform, 'payments-api', { image: IMAGE }).deployTo(foreign);

      // THEN
      expect(problemsOf(() => platform.snapshot())).toEqual([
        expect.objectContaining({
          code: 'CG119',
          constructPath: 'platform/payments-api',
          message: 'Service "payments-api" is placed on cluster other/prod/westeurope-01 of another platform.',
        }),
      ]);
    });
  });

  /** The problems synth finds in a platform with only the service made by `make`. */
  function problemsOfService(make: (platform: Platform) => unknown): ReturnType<typeof problemsOf> {
    const platform = newPlatform();
    make(platform);
    return problemsOf(() => platform.snapshot());
  }

  /** {@link problemsOfService} as `[path] CODE message` lines. */
  function linesOfService(make: (platform: Platform) => unknown): string[] {
    return problemsOfService(make).map((p) => `[${p.constructPath ?? p.file ?? ''}] ${p.code} ${p.message}`);
  }

  it('fails when the image repository is missing', () => {
    expect(problemsOfService((p) => new Service(p, 'payments-api', { image: { repository: '' } }))).toEqual([
      {
        code: 'CG111',
        constructPath: 'platform/payments-api',
        message: 'image.repository is missing.',
        fix: 'Set image: { repository: "registry.example.com/team/service" }.',
      },
    ]);
    expect(linesOfService((p) => new Service(p, 'payments-api', {} as never))).toEqual([
      '[platform/payments-api] CG111 image.repository is missing.',
    ]);
  });

  it('fails when the image repository carries a tag or a digest', () => {
    expect(
      linesOfService((p) => new Service(p, 'payments-api', { image: { repository: 'registry.example.com/payments-api:1.4' } })),
    ).toEqual(['[platform/payments-api] CG111 image.repository "registry.example.com/payments-api:1.4" carries a tag or digest.']);
    expect(
      linesOfService((p) => new Service(p, 'payments-api', { image: { repository: `registry.example.com/payments-api@${DIGEST}` } })),
    ).toEqual([`[platform/payments-api] CG111 image.repository "registry.example.com/payments-api@${DIGEST}" carries a tag or digest.`]);
  });

  it('fails when the image repository is not one a container runtime reads, naming the part at fault', () => {
    const line = (repository: string): string[] => linesOfService((p) => new Service(p, 'payments-api', { image: { repository } }));
    expect(line('registry.example.com/Commerce/payments api')).toEqual([
      '[platform/payments-api] CG111 image.repository "registry.example.com/Commerce/payments api" is not an image repository: its path component "Commerce" is not lower-case letters and digits joined by ".", "_", "__" or "-".',
    ]);
    expect(line('registry.example.com/x/{{ .z }}/api')[0]).toContain('its path component "{{ .z }}" is not');
    expect(line('registry.example.com//api')[0]).toContain('it has an empty component (a leading, trailing or double "/")');
    expect(line('reg istry/api')[0]).toContain('its registry host or path component "reg istry" is neither a host name');
    expect(line(`registry.example.com/${'a'.repeat(250)}`)[0]).toContain('it is 271 characters long (at most 255)');
    expect(problemsOfService((p) => new Service(p, 'payments-api', { image: { repository: 'x-/api' } }))[0]!.fix).toBe(
      'Give the repository only, as container runtimes read it, e.g. "registry.example.com/team/api"; digests come from the release ledger (`cdk8s-gitops promote`).',
    );
  });

  it('fails when the image repository holds credentials, without repeating them', () => {
    const lines = linesOfService(
      (p) => new Service(p, 'payments-api', { image: { repository: 'bot:PLANTED@Registry.example.com/x y/api' } }),
    );
    expect(lines).toEqual([
      '[platform/payments-api] CG111 image.repository holds an "@" that is not a digest\'s, as user:password@host does, or a secret; it is not shown here.',
    ]);
  });

  it('accepts image repositories as container runtimes read them', () => {
    const platform = newPlatform();
    const repositories = [
      'nginx',
      'library/nginx',
      'registry.example.com:5000/team/api',
      'localhost:5000/api',
      'Registry.Example.com/team/api',
      '[::1]:5000/api',
      'ghcr.io/org/api_v2__x.y--z',
    ];
    repositories.forEach((repository, i) => new Service(platform, `s${i}`, { image: { repository } }));
    expect(() => platform.snapshot()).not.toThrow();
  });

  it('fails when values are not plain data', () => {
    // GIVEN
    class Port {
      constructor(public readonly n: number) {}
    }

    // THEN
    expect(
      linesOfService((p) => new Service(p, 'payments-api', { image: IMAGE, values: { service: { port: new Port(80) } } as never })),
    ).toEqual(['[platform/payments-api] CG107 values at key "service.port" is an instance of Port, which is not plain data.']);
  });

  it('fails when it has no application repository', () => {
    // GIVEN
    const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
    new Service(platform, 'payments-api', { image: IMAGE });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG106',
        constructPath: 'platform/payments-api',
        message: 'Service "payments-api" has no application repository.',
        fix: 'Set repoURL on the service, or applicationRepoURLPattern (e.g. "https://git.example.com/apps/{service}.git") on the Platform.',
      },
    ]);
  });

  it('fails when its name or namespace is not a DNS-1123 label', () => {
    // GIVEN
    const platform = newPlatform();
    new Service(platform, 'Payments', { image: IMAGE, workload: Workload.helmChart({ releaseName: 'payments' }) });
    new Service(platform, 'ledger', { image: IMAGE, namespace: 'Commerce' });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/Payments] CG101 Service name "Payments" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used as a directory, label value and in Application names.',
      '[platform/Payments] CG101 Namespace name "Payments" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used as the destination namespace.',
      '[platform/ledger] CG101 Namespace name "Commerce" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used as the destination namespace.',
    ]);
  });

  it('fails when the Helm release name is longer than 53 characters', () => {
    // GIVEN
    const platform = newPlatform();
    const name = `payments-${'x'.repeat(45)}`; // 54 characters: a valid label, too long for Helm
    new Service(platform, name, { image: IMAGE });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG102',
        constructPath: `platform/${name}`,
        message: `Helm release name "${name}" is invalid: it is 54 characters long (Helm allows at most 53).`,
        fix: `Set releaseName to a shorter DNS-1123 name, e.g. "${name.slice(0, 53)}".`,
      },
    ]);
  });

  it('fails when the Helm release name is not a DNS-1123 name', () => {
    // GIVEN
    const platform = newPlatform();
    new Service(platform, 'payments-api', { image: IMAGE, workload: Workload.helmChart({ releaseName: 'Payments_API' }) });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/payments-api] CG102 Helm release name "Payments_API" is invalid: it must consist of lower-case letters, digits, "-" and ".", and start and end with a letter or digit.',
    ]);
  });

  it('fails when an Application name would be longer than 253 characters', () => {
    // GIVEN four names of 63 characters: <service>-<env>-<cloud>-<cluster> has 255
    const platform = newPlatform();
    const [s, e, c, k] = ['s', 'e', 'c', 'k'].map((ch) => ch.repeat(63));
    const env = new Environment(platform, e);
    new Cluster(env, k, { cloud: new Cloud(platform, c), region: 'r' });
    new Service(platform, s, { image: IMAGE, workload: Workload.helmChart({ releaseName: 'short' }) }).deployTo(env);

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      `[platform/${s}/${e}/${c}/${k}] CG102 Application name "${s}-${e}-${c}-${k}" is invalid: it is 255 characters long (at most 253).`,
    ]);
  });

  it('fails when the chart path is not a safe relative path', () => {
    // GIVEN
    const platform = newPlatform();
    new Service(platform, 'payments-api', { image: IMAGE, workload: Workload.helmChart({ chartPath: '../other/chart' }) });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG108',
        constructPath: 'platform/payments-api',
        message: 'chartPath "../other/chart" is not a safe relative path: it has a ".." segment.',
        fix: 'Use a path inside the application repository, e.g. "deploy/chart".',
      },
    ]);
  });

  it('fails when any of its values layers sets image.digest or image.tag', () => {
    // GIVEN
    const { platform, prod } = fleet();
    const api = new Service(platform, 'payments-api', { image: IMAGE, values: { image: { digest: DIGEST } } });
    api.deployTo(prod.env, { values: { image: { tag: '1.4.2' } } });
    api.deployTo(prod.weu, { values: { image: { pullPolicy: 'Always' } } });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/payments-api] CG113 Service payments-api sets image.digest, which the release ledger owns.',
      '[platform/payments-api] CG113 Service payments-api × Environment prod sets image.tag, which the release ledger owns.',
    ]);
  });

  it('fails when a values layer sets image to something other than a map, which would drop its repository and digest', () => {
    // GIVEN
    const { platform, prod } = fleet();
    new Service(platform, 'payments-api', { image: IMAGE }).deployTo(prod.env, { values: { image: 'registry.example.com/other:1.2' } });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      "[platform/payments-api] CG113 Service payments-api × Environment prod sets image to a string, where payments-api's image is written as a map (image.repository, and the digest the release ledger owns).",
    ]);
  });

  it('fails when initialDigest is not a sha256 digest where digests are required', () => {
    // GIVEN
    const { platform, prod } = fleet();
    new Service(platform, 'payments-api', { image: IMAGE, initialDigest: 'sha256:ABC' }).deployTo(prod.env);

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG115',
        constructPath: 'platform/payments-api',
        message: 'initialDigest "sha256:ABC" is not a sha256 digest.',
        fix: 'Use the image digest as sha256:<64 lower-case hex digits>, e.g. from `docker buildx imagetools inspect`.',
      },
    ]);
  });

  it('accepts a tag as initialDigest where no environment requires digests', () => {
    // GIVEN
    const platform = newPlatform();
    const dev = new Environment(platform, 'dev', { requireDigest: false });
    new Cluster(dev, 'kind-01', { cloud: new Cloud(platform, 'local'), region: 'local' });
    new Service(platform, 'payments-api', { image: IMAGE, initialDigest: '1.4.2' }).deployTo(dev);

    // THEN
    expect(platform.snapshot().services[0].initialDigest).toBe('1.4.2');
  });

  it('fails when initialDigest is neither a digest nor a tag where tags are allowed', () => {
    // GIVEN
    const platform = newPlatform();
    const dev = new Environment(platform, 'dev', { requireDigest: false });
    new Cluster(dev, 'kind-01', { cloud: new Cloud(platform, 'local'), region: 'local' });
    new Service(platform, 'payments-api', { image: IMAGE, initialDigest: 'v1.4.2:latest' }).deployTo(dev);

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/payments-api] CG115 initialDigest "v1.4.2:latest" is not a sha256 digest nor an image tag.',
    ]);
  });

  it('fails when two services deploy into the same namespace of a cluster', () => {
    // GIVEN
    const { platform, prod } = fleet();
    new Service(platform, 'payments-api', { image: IMAGE, namespace: 'commerce' }).deployTo(prod.weu);
    new Service(platform, 'ledger', { image: IMAGE, namespace: 'commerce' }).deployTo(prod.weu);

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG104',
        constructPath: 'platform/ledger/prod/azure/westeurope-01',
        message:
          'Applications "payments-api-prod-azure-westeurope-01" and "ledger-prod-azure-westeurope-01" would both deploy to destination "azure-westeurope-01", namespace "commerce", in control plane "prod-argocd": they would fight over the same resources.',
        fix: 'Give one of the services another namespace.',
      },
    ]);
  });

  it('fails when two targets would be the same Application', () => {
    // GIVEN <service>-<env>-<cloud>-<cluster> is "api-prod-aws-eu-1" for aws/eu-1 and for aws-eu/1
    const platform = newPlatform();
    const prod = new Environment(platform, 'prod');
    new Cluster(prod, 'eu-1', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
    new Cluster(prod, 'one', { name: '1', cloud: new Cloud(platform, 'aws-eu'), region: 'eu-central-1', destination: 'aws-eu-one' });
    new Service(platform, 'api', { image: IMAGE }).deployTo(prod);

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG114',
        constructPath: 'platform/api/prod/aws-eu/1',
        message: 'Targets prod/aws/eu-1/api and prod/aws-eu/1/api would both be Application "api-prod-aws-eu-1" in control plane "argocd".',
        fix: 'Rename a service, cluster or cloud so that <service>-<env>-<cloud>-<cluster> differs.',
      },
    ]);
  });

  it('fails when the id is taken', () => {
    // GIVEN
    const platform = newPlatform();
    new Environment(platform, 'payments-api');

    // WHEN
    new Service(platform, 'payments-api', { image: IMAGE, values: { replicas: () => 2 } as never });

    // THEN: the service is left out of the model, and checked all the same
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/payments-api] CG103 Service "payments-api" cannot be created: platform already has an Environment named "payments-api".',
      '[platform/payments-api~2] CG107 values at key "replicas" is a function, which is not plain data.',
    ]);
  });
});
