/**
 * Rendered and Kustomize services on control planes reconciled by Flux, through the built CLI
 * against a bare remote: a release moves ring by ring into the objects, the Flux Kustomization's
 * images and the base's GitRepository, rolls back, shows in preview and explain; hand edits are
 * found; a change of what deploys a target is a removal to declare.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const LATER = '2026-11-22T12:00:00Z';
const LATEST = '2026-11-22T14:00:00Z';
const SEED = `sha256:${'0'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);
const NONPROD = 'environments/nonprod/aws/eu-01';
const PROD = 'environments/prod/aws/eu-01';

const PROGRAM = `
const kplus = require(${JSON.stringify(require.resolve('cdk8s-plus-28'))});
const { Cloud, Cluster, ClusterAddon, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Reconciler, Service, SyncPolicy, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
const syncPolicy = SyncPolicy.automated({ prune: true, selfHeal: true });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod', { reconciler: Reconciler.flux() }), syncPolicy });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod', { reconciler: Reconciler.flux() }), syncPolicy });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(1))] });
new Service(platform, 'orders', {
  image: { repository: 'registry.example.com/orders' },
  initialDigest: ${JSON.stringify(SEED)},
  workload: Workload.render((ctx) => {
    new kplus.Deployment(ctx.scope, ctx.service, { containers: [{ image: ctx.image, portNumber: 8080 }] });
  }),
}).deployTo([nonprod, prod]);
// SHOP_HELM=1: shop becomes a Helm chart of its repository; SHOP_HELM=2: with a release name of its own
new Service(platform, 'shop', {
  image: { repository: 'registry.example.com/shop' },
  initialDigest: ${JSON.stringify(SEED)},
  workload: process.env.SHOP_HELM !== undefined
    ? Workload.helmChart({ repoURL: 'https://git.example.com/apps/shop.git', targetRevision: ${JSON.stringify(SHA1)}, ...(process.env.SHOP_HELM === '2' ? { releaseName: 'shop-v2' } : {}) })
    : Workload.kustomize({ repoURL: 'https://git.example.com/apps/shop.git', path: 'deploy/base', targetRevision: ${JSON.stringify(SHA1)}, promoted: true }),
}).deployTo([nonprod, prod]);
// NO_ADDON=1: the add-on is gone from the program
if (process.env.NO_ADDON !== '1') new ClusterAddon(platform, 'metrics-server', {
  chart: Workload.helmRepositoryChart({ repoURL: 'https://kubernetes-sigs.github.io/metrics-server', chart: 'metrics-server', version: '3.12.2', promoted: true }),
  image: { repository: 'registry.k8s.io/metrics-server/metrics-server' },
  initialDigest: ${JSON.stringify(SEED)},
  namespace: 'metrics',
  clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, { group: 'apiregistration.k8s.io', kind: 'APIService' }],
});
platform.synth();
`;

describe('rendered and Kustomize services on Flux, through the CLI', () => {
  const checkout = useProgramCheckout(PROGRAM, 'flux-kinds');

  function cli(args: readonly string[], now = T0, env: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out: checkout.out, now, app: checkout.app, env });
  }
  const read = (p: string): any => parseYaml(fs.readFileSync(path.join(checkout.out, p), 'utf8'));
  /** The base's revision and the image a Flux Kustomization of a target deploys. */
  const shop = (dir: string): string =>
    `${read(`${dir}/shop/flux.yaml`).spec.ref.commit} ${read(`${dir}/shop/overlay.yaml`).spec.images[0].digest}`;
  const orders = (dir: string): string => read(`${dir}/orders/deployment-orders.yaml`).spec.template.spec.containers[0].image;

  test('a release moves ring by ring, rolls back, and shows in preview, explain, history and check', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    expect(shop(NONPROD)).toBe(`${SHA1} ${SEED}`);

    const up = await cli(['promote', 'shop', '--ring', 'nonprod', '--chart-revision', SHA2, '--digest', A, '--by', 'alice', '--publish']);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
    expect(shop(NONPROD)).toBe(`${SHA2} ${A}`);
    expect(shop(PROD)).toBe(`${SHA1} ${SEED}`);
    // The promotion changed the ring's GitRepository and Flux Kustomization, nothing else of the target.
    expect(checkout.sandbox.git(checkout.sandbox.remote, 'show', '--name-only', '--format=', 'main').split('\n').sort()).toEqual([
      '.cdk8s-gitops/services/shop.json',
      'STATUS.md',
      `${NONPROD}/shop/flux.yaml`,
      `${NONPROD}/shop/overlay.yaml`,
      'releases/shop.yaml',
    ]);
    const rendered = await cli(['promote', 'orders', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
    expect({ code: rendered.code, stderr: rendered.stderr }).toEqual({ code: 0, stderr: '' });
    expect(orders(NONPROD)).toBe(`registry.example.com/orders@${A}`);

    const early = await cli(['promote', 'shop', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob'], '2026-11-22T10:30:00Z');
    expect([early.code, early.stderr]).toEqual([1, expect.stringContaining('CG602')]);
    for (const s of ['shop', 'orders']) {
      expect((await cli(['promote', s, '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--publish'], LATER)).code).toBe(0);
    }
    expect(shop(PROD)).toBe(`${SHA2} ${A}`);
    expect(orders(PROD)).toBe(`registry.example.com/orders@${A}`);
    expect((await cli(['history', 'shop'], LATER)).stdout).toContain('sha256:aaaaaaaa');

    // A second release, then back to the first: the base's revision goes back with the image.
    const B = `sha256:${'b'.repeat(64)}`;
    const next = await cli(
      ['promote', 'shop', '--ring', 'nonprod', '--chart-revision', SHA1, '--digest', B, '--by', 'alice', '--publish'],
      LATER,
    );
    expect({ code: next.code, stderr: next.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await cli(['promote', 'shop', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--publish'], LATEST)).code).toBe(0);
    expect(shop(PROD)).toBe(`${SHA1} ${B}`);
    const back = await cli(['rollback', 'shop', '--ring', 'prod', '--previous', '--reason', 'broken', '--by', 'bob', '--publish'], LATEST);
    expect({ code: back.code, stderr: back.stderr }).toEqual({ code: 0, stderr: '' });
    expect(shop(PROD)).toBe(`${SHA2} ${A}`);
    expect((await cli(['check'], LATEST)).code).toBe(0);

    const preview = await cli(['preview'], LATEST);
    expect(preview.stdout).toMatch(
      new RegExp(
        `clusters/prod/aws/eu-01 +flux-system/shop +shop +Kustomization shop +https://git.example.com/apps/shop.git//deploy/base@${SHA2}\n`,
      ),
    );
    expect(preview.stdout).toMatch(new RegExp(`clusters/prod/aws/eu-01 +flux-system/orders +orders +\\./${PROD}/orders\n`));
    const explain = await cli(['explain', 'shop-prod-aws-eu-01'], LATER);
    expect(explain.stdout).toMatch(new RegExp(`deployed by +Kustomization shop/shop \\(${PROD}/shop/overlay.yaml\\)`));
    expect((await cli(['explain', 'orders-prod-aws-eu-01'], LATER)).stdout).toMatch(
      new RegExp(`deployed by +the Kustomization, from ${PROD}/orders\n`),
    );

    // Hand edits of what a ring runs are found: the image of the Flux Kustomization, the base's revision, a rendered image.
    const edit = (p: string, from: string, to: string): void => {
      const file = path.join(checkout.out, p);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));
    };
    edit(`${NONPROD}/shop/overlay.yaml`, B, SEED);
    edit(`${PROD}/shop/flux.yaml`, SHA2, SHA1);
    edit(`${PROD}/orders/deployment-orders.yaml`, A, SEED);
    const check = await cli(['check'], LATER);
    expect(check.code).toBe(2);
    for (const p of [`${NONPROD}/shop/overlay.yaml`, `${PROD}/shop/flux.yaml`, `${PROD}/orders/deployment-orders.yaml`]) {
      expect(check.stdout).toContain(p);
    }
    // A file beside the objects is not applied (the kustomization names each object); a second
    // kustomization file would stop Flux building the directory, and check says so.
    fs.writeFileSync(path.join(checkout.out, NONPROD, 'orders', 'kustomization.yml'), 'resources: []\n');
    expect((await cli(['check'], LATER)).stdout).toContain(`[stray-file] CG423 ${NONPROD}/orders/kustomization.yml`);
  });

  test('a change of what deploys a target is a removal to declare: Flux prunes what the old one deployed', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const refused = await cli(['synth'], T0, { SHOP_HELM: '1' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'CG141 The write would make Flux prune what shop-nonprod-aws-eu-01 and shop-prod-aws-eu-01 run: what deploys it changes from Kustomization shop to HelmRelease shop',
    );
    expect(checkout.sandbox.status(checkout.out)).toEqual([]);
    // Files edited by hand are kept by a write that no longer writes them, but Flux no longer
    // applies them either: the change is refused all the same.
    for (const f of ['overlay.yaml', 'flux.yaml']) fs.appendFileSync(path.join(checkout.out, NONPROD, 'shop', f), '# reviewed\n');
    const edited = await cli(['synth'], T0, { SHOP_HELM: '1' });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('what deploys it changes from Kustomization shop to HelmRelease shop');
    checkout.sandbox.git(checkout.out, 'checkout', '--', '.');
    // Nor does a kustomization that names the files another way, or none left by hand.
    const kustomization = path.join(checkout.out, NONPROD, 'shop', 'kustomization.yaml');
    fs.writeFileSync(
      kustomization,
      fs.readFileSync(kustomization, 'utf8').replace('- flux.yaml', '- ./flux.yaml').replace('- overlay.yaml', '- ./overlay.yaml'),
    );
    expect((await cli(['synth'], T0, { SHOP_HELM: '1' })).stderr).toContain(
      'what deploys it changes from Kustomization shop to HelmRelease shop',
    );
    fs.rmSync(kustomization);
    expect((await cli(['synth'], T0, { SHOP_HELM: '1' })).stderr).toContain(
      'what deploys it changes from Kustomization shop to HelmRelease shop',
    );
    checkout.sandbox.git(checkout.out, 'checkout', '--', '.');
    const allowed = await cli(['synth', '--allow-remove', 'shop-*'], T0, { SHOP_HELM: '1' });
    expect({ code: allowed.code, stderr: allowed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fs.existsSync(path.join(checkout.out, NONPROD, 'shop', 'overlay.yaml'))).toBe(false);
    // AND a HelmRelease kept whose release is another (a release name of its own) is refused likewise
    const renamed = await cli(['synth'], T0, { SHOP_HELM: '2' });
    expect(renamed.code).toBe(1);
    expect(renamed.stderr).toContain('what deploys it changes from HelmRelease shop (release shop) to HelmRelease shop (release shop-v2)');
  });

  test('a cluster add-on runs on Flux with exactly its cluster-scoped kinds, moves ring by ring, and its removal is declared', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const entry = parseAllDocuments(fs.readFileSync(path.join(checkout.out, 'clusters/nonprod/aws/eu-01/metrics-server.yaml'), 'utf8')).map(
      (d) => d.toJS(),
    );
    expect(entry.find((d) => d.kind === 'ClusterRole').rules).toEqual([
      { apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], verbs: ['*'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['*'] },
    ]);
    const up = await cli([
      'promote',
      'metrics-server',
      '--ring',
      'nonprod',
      '--chart-version',
      '3.12.3',
      '--digest',
      A,
      '--by',
      'alice',
      '--publish',
    ]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
    const release = parseAllDocuments(fs.readFileSync(path.join(checkout.out, NONPROD, 'metrics-server/flux.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .find((d) => d.kind === 'HelmRelease');
    expect(release.spec.chart.spec.version).toBe('3.12.3');
    expect(read(`${NONPROD}/metrics-server/values.yaml`).image.digest).toBe(A);
    expect(read(`${PROD}/metrics-server/values.yaml`).image.digest).toBe(SEED);
    expect((await cli(['check'])).code).toBe(0);
    const gone = await cli(['synth'], T0, { NO_ADDON: '1' });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(
      'CG141 The write would make Flux prune what metrics-server-nonprod-aws-eu-01 and metrics-server-prod-aws-eu-01 run',
    );
  });
});
