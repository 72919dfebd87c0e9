import { Cloud, Cluster, ControlPlane, Environment, KustomizePatch, KustomizeProps, Service, ServiceProps, Workload } from '../../src';
import { KustomizeSourceModel } from '../../src/model/platform-model';
import { ringChart } from '../../src/model/source-kinds';
import { DIGEST, linesOf, newPlatform } from '../support/platform';

const IMAGE = { repository: 'registry.example.com/shop/web' };
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

/** A platform with one environment and cluster, and the service `web` made by `make` deployed there. */
function platformWith(
  make: (platform: ReturnType<typeof newPlatform>) => Service,
  deploy: (s: Service, env: Environment) => void = (s, e) => s.deployTo(e),
) {
  const platform = newPlatform();
  const env = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'dev') });
  new Cluster(env, 'we-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });
  deploy(make(platform), env);
  return platform;
}

function kustomized(props: KustomizeProps, service: Partial<ServiceProps> = {}) {
  return platformWith(
    (p) => new Service(p, 'web', { image: IMAGE, initialDigest: DIGEST, workload: Workload.kustomize(props), ...service }),
  );
}

describe('Workload.kustomize', () => {
  it('defaults the base to deploy/kustomize of the application repository at the platform revision', () => {
    const model = kustomized({}).snapshot();
    expect(model.services[0].source).toEqual<KustomizeSourceModel>({
      kind: 'kustomize',
      repoURL: 'https://git.example.com/apps/web.git',
      path: 'deploy/kustomize',
      targetRevision: 'main',
    });
  });

  it('puts the patches of the service, its environment and its cluster on each target, in that order', () => {
    const platform = platformWith(
      (p) =>
        new Service(p, 'web', {
          image: IMAGE,
          initialDigest: DIGEST,
          workload: Workload.kustomize({ patches: [KustomizePatch.strategicMerge(DEPLOYMENT, { spec: { replicas: 2 } })] }),
        }),
      (s, env) => {
        s.deployTo(env, {
          patches: [KustomizePatch.json({ kind: 'Deployment', name: 'web' }, [{ op: 'remove', path: '/spec/replicas' }])],
        });
        s.deployTo(env.node.findChild('we-01') as Cluster, {
          patches: [
            KustomizePatch.json({ kind: 'Service', labelSelector: 'app=web' }, [
              { op: 'add', path: '/metadata/annotations', value: { a: 'b' } },
            ]),
          ],
        });
      },
    );
    expect(platform.snapshot().targets[0].patches).toEqual([
      {
        target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'web' },
        patch: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } },
      },
      { target: { kind: 'Deployment', name: 'web' }, patch: [{ op: 'remove', path: '/spec/replicas' }] },
      { target: { kind: 'Service', labelSelector: 'app=web' }, patch: [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }] },
    ]);
  });

  it.each<[string, KustomizeProps, string]>([
    ['a port in the repository URL', { repoURL: 'https://git.example.com:8443/apps/web.git' }, 'it names a port'],
    ['a query in the repository URL', { repoURL: 'https://git.example.com/apps/web.git?ref=x' }, 'contains "?"'],
    ['a "//" in the repository URL', { repoURL: 'https://git.example.com/apps//web.git' }, 'contains "//"'],
    ['a password in the repository URL', { repoURL: 'https://bot:s3cret@git.example.com/apps/web.git' }, 'password or token'],
    ['a file:// repository', { repoURL: 'file:///srv/web.git' }, 'it is not a Git URL'],
    ['a revision with a query', { targetRevision: 'main&ref=evil' }, 'is not a Git revision'],
    ['a path that climbs', { path: '../other' }, 'is not a safe relative path'],
    ['an owned label key', { labels: { 'cdk8s-gitops.io/service': 'x' } }, 'is one cdk8s-gitops sets'],
    ['a label value Kubernetes refuses', { labels: { team: 'a b' } }, 'is not a Kubernetes label value'],
    [
      'a patch without a target name or selector',
      { patches: [KustomizePatch.json({ kind: 'Deployment' }, [{ op: 'remove', path: '/spec/replicas' }])] },
      'would patch every Deployment',
    ],
    [
      'a strategic merge patch without apiVersion',
      { patches: [KustomizePatch.strategicMerge({ kind: 'Deployment', name: 'web' }, { spec: {} })] },
      'without target.apiVersion',
    ],
    [
      'a strategic merge patch naming its object',
      { patches: [KustomizePatch.strategicMerge(DEPLOYMENT, { metadata: { name: 'x' } })] },
      'sets metadata.name',
    ],
    [
      'a JSON patch with an unknown op',
      { patches: [KustomizePatch.json(DEPLOYMENT, [{ op: 'merge' as 'add', path: '/spec' }])] },
      'has no op of',
    ],
    [
      'a JSON patch add without value',
      { patches: [KustomizePatch.json(DEPLOYMENT, [{ op: 'add', path: '/spec/x' }])] },
      '(add) has no value',
    ],
    ['a patch that is no KustomizePatch', { patches: [{ target: DEPLOYMENT } as unknown as KustomizePatch] }, 'is not a KustomizePatch'],
    [
      'a patch that sets the service image',
      {
        patches: [
          KustomizePatch.strategicMerge(DEPLOYMENT, {
            spec: { template: { spec: { containers: [{ name: 'web', image: `${IMAGE.repository}@${DIGEST}` }] } } },
          }),
        ],
      },
      'sets a container image (.spec.template.spec.containers[0].image)',
    ],
    [
      'a patch that sets an image of the same repository written otherwise',
      {
        patches: [
          KustomizePatch.strategicMerge(DEPLOYMENT, {
            spec: { template: { spec: { containers: [{ name: 'web', image: 'Registry.example.com:443/shop/web:latest' }] } } },
          }),
        ],
      },
      'sets a container image',
    ],
    [
      'a JSON patch that replaces an image',
      {
        patches: [
          KustomizePatch.json(DEPLOYMENT, [
            { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'evil.example.com/miner:1' },
          ]),
        ],
      },
      'sets a container image (replace /spec/template/spec/containers/0/image)',
    ],
    [
      'a JSON patch that adds a container with an image',
      {
        patches: [
          KustomizePatch.json(DEPLOYMENT, [
            { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'x', image: 'acme/web:latest' } },
          ]),
        ],
      },
      'sets a container image (add /spec/template/spec/containers/-.image)',
    ],
  ])('refuses %s (CG147)', (_what, props, message) => {
    expect(linesOf(() => kustomized(props).snapshot())).toEqual([
      expect.stringMatching(new RegExp(`^\\[platform/web\\] CG147 .*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)),
    ]);
  });

  it('reads a revision recorded for another kind of source (a chart version) as no pin of its base', () => {
    const service = kustomized({ promoted: true }).snapshot().services[0];
    expect(ringChart(service, '0.110.0')).toEqual({ revision: 'main', pinned: false });
    expect(ringChart(service, 'a'.repeat(40))).toEqual({ revision: 'a'.repeat(40), pinned: true });
    expect(ringChart(service, 'v1.4.2')).toEqual({ revision: 'v1.4.2', pinned: true });
  });

  it('refuses a literal secret in a patch, as in values (CG120)', () => {
    const patch = KustomizePatch.strategicMerge(
      { apiVersion: 'v1', kind: 'Secret', name: 'db' },
      { stringData: { password: 'hunter2hunter2' } },
    );
    expect(linesOf(() => kustomized({ patches: [patch] }).snapshot())).toEqual([
      expect.stringMatching(/^\[platform\/web\] CG120 A Kustomize patch sets "patches\[0\]\.stringData\.password"/),
    ]);
  });

  it("refuses a literal secret a JSON patch sets, and any of a Secret's data, whatever its key (CG120)", () => {
    const patches = [
      KustomizePatch.json({ kind: 'Secret', name: 'db' }, [
        { op: 'add', path: '/stringData/password', value: 'hunter2hunter2' },
        { op: 'add', path: '/data/conn', value: 'aHVudGVyMg==' },
      ]),
      KustomizePatch.json(DEPLOYMENT, [
        { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'API_TOKEN', value: 'hunter2hunter2' } },
        { op: 'replace', path: '/spec/replicas', value: 3 },
      ]),
      KustomizePatch.strategicMerge({ apiVersion: 'v1', kind: 'Secret', name: 'tls' }, { data: { 'tls.crt': 'LS0tLS1CRUdJTg==' } }),
    ];
    const lines = linesOf(() => kustomized({ patches }).snapshot());
    expect(lines.map((l) => /sets "([^"]*)" to (.*?), and/.exec(l)?.slice(1))).toEqual([
      ['patches[0][0].stringData.password', 'a literal string; the key names a secret'],
      ['patches[0][1].data.conn', "a Secret's literal data"],
      ['patches[1][0].spec.template.spec.containers[0].env[0].value', 'a literal string; the entry\'s name "API_TOKEN" names a secret'],
      ['patches[2].data.tls.crt', "a Secret's literal data"],
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('refuses values on a Kustomize service, and patches on any other', () => {
    expect(linesOf(() => kustomized({}, { values: { replicas: 2 } }).snapshot())).toEqual([
      '[platform/web] CG147 The service gives values, but it is a Kustomize service: no values reach its objects.',
    ]);
    const helm = platformWith(
      (p) => new Service(p, 'web', { image: IMAGE, initialDigest: DIGEST }),
      (s, env) => s.deployTo(env, { patches: [KustomizePatch.json(DEPLOYMENT, [{ op: 'remove', path: '/spec/replicas' }])] }),
    );
    expect(linesOf(() => helm.snapshot())).toEqual([
      expect.stringMatching(/^\[platform\/web\] CG147 deployTo gives patches, but the service is not a Kustomize service/),
    ]);
  });

  it('refuses images that share a repository, which an overlay cannot tell apart', () => {
    const platform = platformWith(
      (p) =>
        new Service(p, 'web', {
          images: {
            a: { repository: IMAGE.repository, initialDigest: DIGEST },
            b: { repository: IMAGE.repository, initialDigest: DIGEST },
          },
          workload: Workload.kustomize(),
        }),
    );
    expect(linesOf(() => platform.snapshot())).toEqual([
      expect.stringContaining('CG147 Images of web share the repository registry.example.com/shop/web'),
    ]);
  });

  it('refuses a base in the GitOps repository among the files cdk8s-gitops writes', () => {
    const platform = platformWith(
      (p) =>
        new Service(p, 'web', {
          image: IMAGE,
          initialDigest: DIGEST,
          workload: Workload.kustomizePlatformBase({ path: 'environments/bases/web' }),
        }),
    );
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/web] CG147 The Kustomize base "environments/bases/web" of web lies among the files cdk8s-gitops writes (layout.environments "environments").',
    ]);
  });

  it.each([
    ['clusters/dev/azure/we-01', 'the Flux entry points "clusters"'],
    ['clusters', 'the Flux entry points "clusters"'],
    ['clusters/dev/azure/we-01/flux-system', 'the Flux entry points "clusters"'],
    ['STATUS.md', 'the release status "STATUS.md"'],
    ['CODEOWNERS', 'the code owners "CODEOWNERS"'],
    ['Environments/dev', 'layout.environments "environments"'],
    ['RELEASES', 'layout.releases "releases"'],
    ['Clusters/dev', 'the Flux entry points "clusters"'],
  ])('refuses a base at %s, a place cdk8s-gitops writes whatever the case of its letters', (path, place) => {
    const platform = platformWith(
      (p) => new Service(p, 'web', { image: IMAGE, initialDigest: DIGEST, workload: Workload.kustomizePlatformBase({ path }) }),
    );
    expect(linesOf(() => platform.snapshot())).toEqual([
      `[platform/web] CG147 The Kustomize base "${path}" of web lies among the files cdk8s-gitops writes (${place}).`,
    ]);
  });

  it('takes a base beside the places cdk8s-gitops writes', () => {
    const platform = platformWith(
      (p) =>
        new Service(p, 'web', {
          image: IMAGE,
          initialDigest: DIGEST,
          workload: Workload.kustomizePlatformBase({ path: 'clusters-bases/web' }),
        }),
    );
    expect(() => platform.snapshot()).not.toThrow();
  });
});
