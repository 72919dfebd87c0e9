/**
 * Private repositories on Flux: each chart's or base's source reads its repository with the
 * credentials given for its URL (a Secret of the service's namespace, or a cloud identity).
 */
import { parseAllDocuments } from 'yaml';
import {
  Cloud,
  Cluster,
  ControlPlane,
  Environment,
  FluxSourceCredentials,
  Platform,
  PromotionRing,
  Reconciler,
  Service,
  SyncPolicy,
  Targets,
  Workload,
} from '../../src';
import { FileTree } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { describeWithFluxSchemas, isFluxObject, loadFluxSchemas } from '../support/flux-schema';
import { linesOf, newPlatform } from '../support/platform';

const A = `sha256:${'a'.repeat(64)}`;
const DIR = 'environments/dev/aws/c1';

function platform(credentials: readonly FluxSourceCredentials[]): Platform {
  const p = newPlatform();
  const env = new Environment(p, 'dev', {
    controlPlane: new ControlPlane(p, 'dev', { reconciler: Reconciler.flux({ sourceCredentials: credentials }) }),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  new Cluster(env, 'c1', { cloud: new Cloud(p, 'aws'), region: 'eu-central-1' });
  new PromotionRing(p, 'dev', { targets: Targets.environment(env) });
  const service = (name: string, workload: Workload): void => {
    new Service(p, name, { image: { repository: `registry.example.com/${name}` }, initialDigest: A, workload }).deployTo(env);
  };
  service('web', Workload.helmChart({ repoURL: 'https://git.example.com/apps/web.git', targetRevision: 'main' }));
  service('other', Workload.helmChart({ repoURL: 'https://git.example.com/apps-public/other.git', targetRevision: 'main' }));
  service('shop', Workload.kustomize({ repoURL: 'git@git.example.com:apps/shop.git', targetRevision: 'main' }));
  service('api', Workload.ociChart({ repoURL: 'oci://123456789012.dkr.ecr.eu-central-1.amazonaws.com/charts/api', version: '1.0.0' }));
  service(
    'otel',
    Workload.helmRepositoryChart({ repoURL: 'https://charts.example.com/otel', chart: 'opentelemetry-collector', version: '0.110.0' }),
  );
  return p;
}

const CREDENTIALS = [
  FluxSourceCredentials.secret('https://git.example.com', 'git-read'),
  FluxSourceCredentials.secret('https://git.example.com/apps', 'git-apps-read'),
  FluxSourceCredentials.secret('git@git.example.com:apps', 'git-ssh'),
  FluxSourceCredentials.provider('oci://123456789012.dkr.ecr.eu-central-1.amazonaws.com', 'aws'),
  FluxSourceCredentials.secret('https://charts.example.com', 'charts-read'),
];

const source = (t: FileTree, service: string): any =>
  parseAllDocuments(t.content(`${DIR}/${service}/flux.yaml`))
    .map((d) => d.toJS())
    .find((d) => d.apiVersion.startsWith('source.toolkit.fluxcd.io/'));

describe('private repositories on Flux', () => {
  const tree = synthesize(platform(CREDENTIALS).snapshot());

  test('gives each source the credentials of the longest URL that is its own or a directory of it', () => {
    expect(source(tree, 'web').spec.secretRef).toEqual({ name: 'git-apps-read' });
    // "…/apps" is not a directory of "…/apps-public/…": the host's credentials are.
    expect(source(tree, 'other').spec.secretRef).toEqual({ name: 'git-read' });
    expect(source(tree, 'shop').spec).toMatchObject({ secretRef: { name: 'git-ssh' }, url: 'ssh://git@git.example.com/apps/shop.git' });
    expect(source(tree, 'api').spec.provider).toBe('aws');
    expect(source(tree, 'api').spec.secretRef).toBeUndefined();
    expect(source(tree, 'otel').spec.secretRef).toEqual({ name: 'charts-read' });
    // Without credentials for it, none.
    expect(source(synthesize(platform([CREDENTIALS[2]]).snapshot()), 'web').spec.secretRef).toBeUndefined();
  });

  describeWithFluxSchemas("against Flux's CRDs", loadFluxSchemas(), (validate) => {
    test('every source with credentials is strictly valid', () => {
      for (const s of ['web', 'other', 'shop', 'api', 'otel']) {
        const o = source(tree, s);
        expect(isFluxObject(o)).toBe(true);
        expect(validate(o)).toEqual([]);
      }
    });
  });

  test('matches a repository however its URL is spelt: scp-like or ssh://, host case, default port, .git', () => {
    const creds = [
      FluxSourceCredentials.secret('ssh://git@git.example.com/apps', 'ssh-apps'),
      FluxSourceCredentials.secret('https://GIT.example.com:443/apps-public/other', 'https-other'),
    ];
    const t = synthesize(platform(creds).snapshot());
    expect(source(t, 'shop').spec.secretRef).toEqual({ name: 'ssh-apps' });
    expect(source(t, 'other').spec.secretRef).toEqual({ name: 'https-other' });
  });

  test('refuses an SSH repository without a Secret: Flux cannot read it', () => {
    expect(linesOf(() => platform(CREDENTIALS.filter((c) => c !== CREDENTIALS[2])).snapshot())).toEqual([
      "[platform/shop] CG151 shop's base repository is read over SSH, and it runs in environment dev, reconciled by Flux, which reads an SSH repository only with a Secret holding its identity and known_hosts.",
    ]);
  });

  test('refuses credentials Flux cannot use, never echoing a password', () => {
    const lines = linesOf(() =>
      platform([
        FluxSourceCredentials.secret('https://user:hunter2@S3CRET@git.example.com/apps', 'git-read'),
        FluxSourceCredentials.secret('https://ghp_T0KEN@git.example.com/apps', 'git-read'),
        FluxSourceCredentials.secret('https://git.example.com/apps?access_token=T0KEN2', 'git-read'),
        FluxSourceCredentials.secret('https://git.example.com/', 'git-read'),
        FluxSourceCredentials.secret('https://charts.example.com', 'Not_A_Name'),
        FluxSourceCredentials.provider('https://charts.example.com/otel', 'aws'),
        FluxSourceCredentials.provider('oci://registry.example.com', 'ibm' as never),
        FluxSourceCredentials.secret('oci://registry.example.com', 'oci-read'),
      ]).snapshot(),
    );
    for (const secret of ['hunter2', 'S3CRET', 'T0KEN', 'T0KEN2']) expect(lines.join('\n')).not.toContain(secret);
    expect(lines).toEqual([
      '[platform/control-planes/dev] CG151 The URL "https://***@git.example.com/apps" of Flux source credentials is not the URL of a repository or of a directory of them: it holds a user name or password.',
      '[platform/control-planes/dev] CG151 The URL "https://***@git.example.com/apps" of Flux source credentials is not the URL of a repository or of a directory of them: it holds a user name or password.',
      '[platform/control-planes/dev] CG151 The URL "https://git.example.com/apps?access_token=***" of Flux source credentials is not the URL of a repository or of a directory of them: it has a query or a fragment.',
      '[platform/control-planes/dev] CG151 The URL "https://git.example.com/" of Flux source credentials is not the URL of a repository or of a directory of them: it ends with "/".',
      '[platform/control-planes/dev] CG151 The Secret name "Not_A_Name" of Flux source credentials for https://charts.example.com is not a Kubernetes name: it must consist of lower-case letters, digits, "-" and ".", and start and end with a letter or digit.',
      '[platform/control-planes/dev] CG151 The provider "ibm" of Flux source credentials for oci://registry.example.com is not one Flux knows.',
      '[platform/control-planes/dev] CG151 sourceCredentials gives credentials for oci://registry.example.com twice.',
      "[platform/shop] CG151 shop's base repository is read over SSH, and it runs in environment dev, reconciled by Flux, which reads an SSH repository only with a Secret holding its identity and known_hosts.",
      "[platform/otel] CG151 otel's Helm repository is read with Flux's aws identity (sourceCredentials), which Flux does not take for it (only for an OCI one).",
    ]);
  });
});
