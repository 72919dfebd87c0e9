/**
 * Rings held at a release that does not fit their service's images (CG214), through the built
 * CLI against a bare remote: what a held target's files are judged by (each image of the
 * release where the files hold it), values that are not the release's images never block the
 * way out, and a change set that changes a held file is found against its base.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { Sandbox } from '../git/sandbox';
import { CliRun, runCli } from '../support/cli';
import { recordInManifest } from '../support/manifest';
import { contentHash } from '../../src/synth/file-tree';
import { readManifest } from '../../src/workspace/checkout/manifest-io';
import { serializeManifest } from '../../src/synth/manifest';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const SEED = `sha256:${'2'.repeat(64)}`;
const A0 = `sha256:${'0'.repeat(64)}`;
const W0 = `sha256:${'1'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const W = `sha256:${'b'.repeat(64)}`;
const PAYMENTS = 'registry.example.com/shop/payments-api';
const API = 'registry.example.com/shop/orders-api';
const WORKER = 'registry.example.com/shop/orders-worker';

/**
 * payments-api has one image, with values that hold other image maps (a chart dependency's image
 * without a tag, and a debug image of its own repository at a tag); `PAYMENTS_IMAGES=1` names
 * its images. orders has api and worker; `ORDERS_RENAME=1` renames worker to jobs, at the same
 * values key. `EXTRA_CLUSTER=1` adds a cluster to prod.
 */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
if (process.env.EXTRA_CLUSTER === '1') new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });

const values = { redis: { image: { repository: 'docker.io/bitnami/redis' } }, debug: { image: { repository: ${JSON.stringify(PAYMENTS)}, tag: 'debug' } } };
new Service(platform, 'payments-api', process.env.PAYMENTS_IMAGES === '1'
  ? { images: { api: { repository: ${JSON.stringify(PAYMENTS)} }, worker: { repository: 'registry.example.com/shop/payments-worker' } }, values }
  : { image: { repository: ${JSON.stringify(PAYMENTS)} }, initialDigest: ${JSON.stringify(SEED)}, values },
).deployTo(nonprod).deployTo(prod);
new Service(platform, 'orders', {
  images: process.env.ORDERS_RENAME === '1'
    ? { api: { repository: ${JSON.stringify(API)} }, jobs: { repository: ${JSON.stringify(WORKER)}, valuesKey: 'worker.image' } }
    : { api: { repository: ${JSON.stringify(API)}, initialDigest: ${JSON.stringify(A0)} }, worker: { repository: ${JSON.stringify(WORKER)}, initialDigest: ${JSON.stringify(W0)} } },
}).deployTo(nonprod).deployTo(prod);
platform.synth();
`;

const VALUES = (service: string, env: string) => `environments/${env}/aws/eu-01/${service}/values.yaml`;

describe('held rings, through the CLI', () => {
  let workDir: string;
  let app: string;
  let template: Sandbox;
  let sandbox: Sandbox;
  let a: string;

  function cli(out: string, args: readonly string[], extra: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out, now: T0, app, env: extra });
  }

  /** Changes a file of the checkout and its record in the manifest (sealed again), as a forged commit would. */
  function forge(file: string, change: (text: string) => string): void {
    const forged = change(fs.readFileSync(path.join(a, file), 'utf8'));
    fs.writeFileSync(path.join(a, file), forged);
    recordInManifest(a, file, { ...readManifest(a).files.get(file)!, sha256: contentHash(forged) });
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-held-'));
    const program = path.join(workDir, 'shop.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
    template = Sandbox.create();
    const published = await cli(template.clone('platform'), ['publish', '--by', 'platform-team']);
    expect(published.code).toBe(0);
  });

  afterAll(() => {
    template?.cleanup();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    sandbox = Sandbox.create();
    sandbox.git(template.remote, 'push', '--quiet', '--force', sandbox.remote, 'main');
    a = sandbox.clone('ci-a');
  });

  afterEach(() => sandbox.cleanup());

  test("values that are not the release's images (a dependency's image, a debug image of its own repository) never block naming the images, nor the way out", async () => {
    const named = { PAYMENTS_IMAGES: '1' };
    const held = fs.readFileSync(path.join(a, VALUES('payments-api', 'prod')), 'utf8');
    const published = await cli(a, ['publish', '--by', 'platform-team'], named);
    expect(published.code).toBe(0);
    expect(fs.readFileSync(path.join(a, VALUES('payments-api', 'prod')), 'utf8')).toBe(held);
    const promoted = await cli(
      a,
      ['promote', 'payments-api', '--ring', 'nonprod', '--digest', `api=${A}`, '--digest', `worker=${W}`, '--by', 'alice', '--publish'],
      named,
    );
    expect(promoted.code).toBe(0);
    expect(parseYaml(fs.readFileSync(path.join(a, VALUES('payments-api', 'nonprod')), 'utf8')).api.image).toEqual({
      repository: PAYMENTS,
      digest: A,
    });
    const check = await cli(a, ['check'], named);
    expect([check.code, check.stdout]).toEqual([0, expect.stringContaining('Clean')]);
  });

  test("a held target's digests are judged image by image: two of them swapped, with the record sealed again, are found", async () => {
    const renamed = { ORDERS_RENAME: '1' };
    expect((await cli(a, ['synth'], renamed)).code).toBe(0);
    forge(VALUES('orders', 'prod'), (text) => text.replace(A0, 'SWAP').replace(W0, A0).replace('SWAP', W0));
    const check = await cli(a, ['check'], renamed);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(
      `${path.dirname(VALUES('orders', 'prod'))} runs ${API} at ${W0} under api.image, but ring "prod" of orders`,
    );
  });

  test("against the base of a change set, any change to a held target's files is found, whatever it runs", async () => {
    const named = { PAYMENTS_IMAGES: '1' };
    expect((await cli(a, ['publish', '--by', 'platform-team'], named)).code).toBe(0);
    // The repository of the one image the held release runs is no longer the program's to know.
    forge(VALUES('payments-api', 'prod'), (text) =>
      text.replace(`repository: ${PAYMENTS}\n  digest`, `repository: evil.example.com/payments-api\n  digest`),
    );
    sandbox.git(a, 'commit', '-qam', 'change a held file');
    const check = await cli(a, ['check', '--base', 'origin/main'], named);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(
      `CG415 ${VALUES('payments-api', 'prod')}: ${VALUES('payments-api', 'prod')} changed since origin/main, but it is a file of ring "prod" of payments-api, which is held at its release`,
    );
    expect(check.stdout).toContain(`git checkout origin/main -- ${VALUES('payments-api', 'prod')}`);
  });

  test('a target new to a held ring waits for the promotion that ends the hold, which writes it; a held target deleted with its records is found against the base', async () => {
    const named = { PAYMENTS_IMAGES: '1' };
    expect((await cli(a, ['publish', '--by', 'platform-team'], named)).code).toBe(0);
    expect(
      (
        await cli(
          a,
          ['promote', 'payments-api', '--ring', 'nonprod', '--digest', `api=${A}`, '--digest', `worker=${W}`, '--by', 'alice', '--publish'],
          named,
        )
      ).code,
    ).toBe(0);
    const grown = { ...named, EXTRA_CLUSTER: '1' };
    const added = VALUES('payments-api', 'prod').replace('eu-01', 'eu-02');
    const plan = await cli(a, ['plan'], grown);
    expect(plan.stderr).toContain(
      `Note: ${path.dirname(added)} is new to a ring held at its release: synth writes it once the ring runs a release of the program's images.`,
    );
    const synth = await cli(a, ['synth'], grown);
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain(`Not written yet: 1 target new to a ring held at its release`);
    expect(fs.existsSync(path.join(a, added))).toBe(false);
    expect(fs.existsSync(path.join(a, VALUES('orders', 'prod').replace('eu-01', 'eu-02')))).toBe(true);
    sandbox.git(a, 'add', '-A');
    sandbox.git(a, 'commit', '-qm', 'add eu-02');
    const promoted = await cli(a, ['promote', 'payments-api', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob'], grown);
    expect(promoted.code).toBe(0);
    expect(parseYaml(fs.readFileSync(path.join(a, added), 'utf8')).api.image).toEqual({ repository: PAYMENTS, digest: A });
    expect((await cli(a, ['check'], grown)).code).toBe(0);

    // Files and records of a held target removed in one commit: the target waits, and check --base names what went.
    sandbox.git(a, 'reset', '-q', '--hard', 'origin/main');
    const held = VALUES('payments-api', 'prod');
    const manifest = readManifest(a);
    const files = new Map(manifest.files);
    files.delete(held);
    for (const [p, text] of serializeManifest({ ...manifest, files })) fs.writeFileSync(path.join(a, p), text);
    fs.rmSync(path.join(a, held));
    sandbox.git(a, 'commit', '-qam', 'remove a held target');
    const check = await cli(a, ['check', '--base', 'origin/main'], named);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(
      `CG415 ${held}: ${held} changed since origin/main, but it is a file of ring "prod" of payments-api, which is held at its release`,
    );
  });
});
