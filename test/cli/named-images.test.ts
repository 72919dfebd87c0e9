/**
 * A service with several images, through the built CLI against a bare remote: each image's
 * digest is promoted on its own or together, --from copies the whole release, a rollback
 * restores every image, and digests that do not fit the service's images are refused with
 * nothing written. A service with one image beside it keeps its form everywhere.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { Sandbox } from '../git/sandbox';
import { CliRun, runCli } from '../support/cli';
import { hashTree } from '../support/hash-tree';
import { recordInManifest } from '../support/manifest';
import { contentHash } from '../../src/synth/file-tree';
import { serializeManifest } from '../../src/synth/manifest';
import { readManifest } from '../../src/workspace/checkout/manifest-io';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const LATER = '2026-11-22T12:00:00Z';
const A0 = `sha256:${'0'.repeat(64)}`;
const W0 = `sha256:${'1'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const W = `sha256:${'b'.repeat(64)}`;
const SEED = `sha256:${'2'.repeat(64)}`;
const API = 'registry.example.com/shop/orders-api';
const WORKER = 'registry.example.com/shop/orders-worker';

/** orders has two images (api, worker); payments-api one. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(1))] });

new Service(platform, 'orders', {
  images: {
    api: { repository: ${JSON.stringify(API)}, initialDigest: ${JSON.stringify(A0)} },
    worker: { repository: ${JSON.stringify(WORKER)}, initialDigest: ${JSON.stringify(W0)} },
  },
}).deployTo(nonprod).deployTo(prod);
// PAYMENTS_IMAGES=1: payments-api names its images, a worker added beside its one image.
new Service(platform, 'payments-api', process.env.PAYMENTS_IMAGES === '1'
  ? {
      images: { api: { repository: 'registry.example.com/shop/payments-api' }, worker: { repository: 'registry.example.com/shop/payments-worker' } },
      // PAYMENTS_PROMOTED=1: its chart promoted with the images too, in the same change
      ...(process.env.PAYMENTS_PROMOTED === '1' ? { workload: Workload.helmChart({ promoted: true }) } : {}),
    }
  : { image: { repository: 'registry.example.com/shop/payments-api' }, initialDigest: ${JSON.stringify(SEED)} },
).deployTo(nonprod).deployTo(prod);
platform.synth();
`;

const VALUES = (env: string) => `environments/${env}/aws/eu-01/orders/values.yaml`;

describe('a service with named images, through the CLI', () => {
  let workDir: string;
  let app: string;
  let template: Sandbox;
  let sandbox: Sandbox;
  let a: string;

  function cli(out: string, args: readonly string[], now = T0, extra: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out, now, app, env: extra });
  }

  async function ok(out: string, args: readonly string[], now = T0): Promise<string> {
    const run = await cli(out, args, now);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  const ledger = (dir: string): any => parseYaml(fs.readFileSync(path.join(dir, 'releases', 'orders.yaml'), 'utf8'));
  const values = (dir: string, env: string): any => parseYaml(fs.readFileSync(path.join(dir, VALUES(env)), 'utf8'));
  const digests = (dir: string, env: string): [string, string] => {
    const v = values(dir, env);
    return [v.api.image.digest, v.worker.image.digest];
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-images-'));
    const program = path.join(workDir, 'shop.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
    template = Sandbox.create();
    await ok(template.clone('platform'), ['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z');
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

  test('every ring starts from the initial digest of each image; the ledger names each image, the other service keeps one digest', () => {
    expect(ledger(a).rings.prod.images).toEqual({ api: A0, worker: W0 });
    expect(ledger(a).rings.prod.digest).toBeUndefined();
    expect(values(a, 'prod').api.image).toEqual({ repository: API, digest: A0 });
    expect(values(a, 'prod').worker.image).toEqual({ repository: WORKER, digest: W0 });
    const payments = parseYaml(fs.readFileSync(path.join(a, 'releases', 'payments-api.yaml'), 'utf8'));
    expect(payments.rings.prod).toMatchObject({ digest: SEED });
    expect(parseYaml(fs.readFileSync(path.join(a, 'environments/prod/aws/eu-01/payments-api/values.yaml'), 'utf8')).image).toEqual({
      repository: 'registry.example.com/shop/payments-api',
      digest: SEED,
    });
  });

  test('one image is promoted on its own (the other keeps its digest), then the other, then the next ring takes both with --from', async () => {
    // WHEN only the worker moves into nonprod
    const first = await ok(a, ['promote', 'orders', '--ring', 'nonprod', '--digest', `worker=${W}`, '--by', 'alice', '--publish']);
    // THEN nonprod runs the new worker and the api it ran; prod is untouched
    expect(first).toContain('promote orders api sha256:00000000, worker sha256:bbbbbbbb to nonprod (by alice)');
    expect(first).toContain(`[~] ${VALUES('nonprod')}`);
    expect(first).not.toContain(VALUES('prod'));
    expect(digests(a, 'nonprod')).toEqual([A0, W]);
    expect(digests(a, 'prod')).toEqual([A0, W0]);
    expect(ledger(a).rings.nonprod.images).toEqual({ api: A0, worker: W });
    expect(ledger(a).rings.nonprod.previous).toEqual([{ images: { api: A0, worker: W0 }, since: '1970-01-01T00:00:00Z', by: 'initial' }]);
    expect(sandbox.git(a, 'log', '-1', '--format=%(trailers:key=Cdk8s-Gitops-Digest,valueonly)').trim().split('\n')).toEqual([
      `api=${A0}`,
      `worker=${W}`,
    ]);

    // WHEN the api follows
    await ok(a, ['promote', 'orders', '--ring', 'nonprod', '--digest', `api=${A}`, '--by', 'alice', '--publish']);
    expect(digests(a, 'nonprod')).toEqual([A, W]);

    // WHEN prod asks before the soak is served, then after
    const early = await cli(a, ['promote', 'orders', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('CG602');
    expect(early.stderr).toContain('api sha256:aaaaaaaa, worker sha256:bbbbbbbb');
    await ok(a, ['promote', 'orders', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--publish'], LATER);

    // THEN prod runs both images of nonprod
    expect(ledger(a).rings.prod).toMatchObject({ images: { api: A, worker: W }, from: 'nonprod' });
    expect(digests(a, 'prod')).toEqual([A, W]);
    expect((await cli(a, ['check'])).code).toBe(0);
  });

  test('both images are promoted together; a later ring takes an image not named from the ring before, and refuses a release the ring before does not run', async () => {
    await ok(a, [
      'promote',
      'orders',
      '--ring',
      'nonprod',
      '--digest',
      `api=${A}`,
      '--digest',
      `worker=${W}`,
      '--by',
      'alice',
      '--publish',
    ]);
    expect(digests(a, 'nonprod')).toEqual([A, W]);
    const other = await cli(a, ['promote', 'orders', '--ring', 'prod', '--digest', `api=${A0}`, '--by', 'bob'], LATER);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      'Ring "prod" takes only the release running in "nonprod" (api sha256:aaaaaaaa, worker sha256:bbbbbbbb); received api sha256:00000000, worker sha256:bbbbbbbb.',
    );
    // worker is taken from nonprod: the release is nonprod's
    await ok(a, ['promote', 'orders', '--ring', 'prod', '--digest', `api=${A}`, '--by', 'bob', '--publish'], LATER);
    expect(digests(a, 'prod')).toEqual([A, W]);
  });

  test('a promotion of one image from a stale clone never takes back another image promoted since (CG517), and nothing is pushed', async () => {
    // GIVEN a second clone that promotes the worker into nonprod and pushes
    const b = sandbox.clone('ci-b');
    await ok(b, ['promote', 'orders', '--ring', 'nonprod', '--digest', `worker=${W}`, '--by', 'bob', '--publish']);
    const tip = sandbox.git(sandbox.remote, 'rev-parse', 'main');

    // WHEN the first clone, not pulled since, promotes the api only
    const run = await cli(a, ['promote', 'orders', '--ring', 'nonprod', '--digest', `api=${A}`, '--by', 'alice', '--publish']);

    // THEN it is refused: publishing it would put the old worker back
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CG517');
    expect(run.stderr).toContain(`it kept image worker ${W0.slice(0, 15)} of what "nonprod" ran when it was made, but "nonprod" runs`);
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(tip);
    expect(parseYaml(sandbox.remoteFile('releases/orders.yaml')).rings.nonprod.images).toEqual({ api: A0, worker: W });
  });

  test('merge-request branches of two releases that differ only in one image have different names', async () => {
    const X = `sha256:${'c'.repeat(64)}`;
    const first = await ok(a, [
      'promote',
      'orders',
      '--ring',
      'nonprod',
      '--digest',
      `worker=${W}`,
      '--by',
      'alice',
      '--publish',
      '--branch',
    ]);
    const second = await ok(a, [
      'promote',
      'orders',
      '--ring',
      'nonprod',
      '--digest',
      `worker=${X}`,
      '--by',
      'alice',
      '--publish',
      '--branch',
    ]);
    const branches = sandbox.git(sandbox.remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/promote').trim().split('\n');
    expect(branches).toHaveLength(2);
    expect(branches.every((b) => /^promote\/orders\/nonprod\/[0-9a-f]{8}$/.test(b))).toBe(true);
    expect(first).not.toBe(second);
  });

  test('a rollback restores every image of the release it goes back to', async () => {
    await ok(a, [
      'promote',
      'orders',
      '--ring',
      'nonprod',
      '--digest',
      `api=${A}`,
      '--digest',
      `worker=${W}`,
      '--by',
      'alice',
      '--publish',
    ]);
    await ok(a, ['rollback', 'orders', '--ring', 'nonprod', '--previous', '--reason', 'errors', '--by', 'alice', '--publish'], LATER);
    expect(ledger(a).rings.nonprod).toMatchObject({ images: { api: A0, worker: W0 }, hold: { reason: 'errors' } });
    expect(digests(a, 'nonprod')).toEqual([A0, W0]);
    await ok(a, ['unhold', 'orders', '--ring', 'nonprod', '--by', 'alice', '--publish'], LATER);
    await ok(
      a,
      ['rollback', 'orders', '--ring', 'nonprod', '--to', `worker=${W}`, '--reason', 'back', '--by', 'alice', '--publish'],
      LATER,
    );
    expect(digests(a, 'nonprod')).toEqual([A, W]);
  });

  test('a service that names its images moves ring by ring: each ring keeps its files until a release of every image is promoted into it', async () => {
    // GIVEN the program adds a worker to payments-api, which ran one image
    const moved = { PAYMENTS_IMAGES: '1' };
    const PAYMENTS = (env: string) => `environments/${env}/aws/eu-01/payments-api/values.yaml`;
    const prodBefore = fs.readFileSync(path.join(a, PAYMENTS('prod')), 'utf8');
    const notes = [
      'Note: Ring "nonprod" of payments-api runs a digest of one image (sha256:22222222), but the program declares the images api, worker: which image a digest belongs to is not known. ' +
        "Its files stay as they are until a release of the program's images is promoted into it (promote payments-api --ring nonprod --digest <image>=sha256:… for each image).",
      'Note: Ring "prod" of payments-api runs a digest of one image (sha256:22222222), but the program declares the images api, worker: which image a digest belongs to is not known. ' +
        "Its files stay as they are until a release of the program's images is promoted into it (promote payments-api --ring prod --from nonprod, once nonprod runs them).",
    ].join('\n');

    // WHEN the program is synthesized, THEN nothing of payments-api is written, each command says why, and check is clean
    const synth = await cli(a, ['synth'], T0, moved);
    expect({ code: synth.code, stderr: synth.stderr.trim() }).toEqual({ code: 0, stderr: notes });
    expect(fs.readFileSync(path.join(a, PAYMENTS('prod')), 'utf8')).toBe(prodBefore);
    const check = await cli(a, ['check'], T0, moved);
    expect({ code: check.code, stdout: check.stdout, stderr: check.stderr.trim() }).toEqual({
      code: 0,
      stdout: expect.stringContaining('Clean'),
      stderr: notes,
    });
    // a held ring's file edited by hand is named by check, and synth --verify cannot write it again: it says how to restore it
    const prodFile = path.join(a, PAYMENTS('prod'));
    fs.writeFileSync(prodFile, prodBefore.replace('environment: prod', 'environment: staging'));
    expect((await cli(a, ['check'], T0, moved)).stdout).toContain(`CG413 ${PAYMENTS('prod')}`);
    const verify = await cli(a, ['synth', '--verify'], T0, moved);
    expect([verify.code, verify.stderr]).toEqual([1, expect.stringContaining(`CG214 ${PAYMENTS('prod')} was edited by hand`)]);
    expect(verify.stderr).toContain(`git checkout -- ${PAYMENTS('prod')}`);
    fs.writeFileSync(prodFile, prodBefore);
    // a held ring's file changed together with its record in the manifest (sealed again): found by what the file runs
    const forged = prodBefore.replace(SEED, A);
    fs.writeFileSync(prodFile, forged);
    recordInManifest(a, PAYMENTS('prod'), { ...readManifest(a).files.get(PAYMENTS('prod'))!, sha256: contentHash(forged) });
    const forgedCheck = await cli(a, ['check'], T0, moved);
    expect([forgedCheck.code, forgedCheck.stdout]).toEqual([
      2,
      expect.stringContaining(
        `environments/prod/aws/eu-01/payments-api runs registry.example.com/shop/payments-api at ${A} under image, but ring "prod" of payments-api, which the program puts it in, runs ${SEED}`,
      ),
    ]);
    expect((await cli(a, ['synth'], T0, moved)).stderr).toContain(
      `CG214 environments/prod/aws/eu-01/payments-api runs registry.example.com/shop/payments-api at ${A}`,
    );
    // and a held target whose files and records were removed: it waits, as a target new to the ring
    // would (nothing can be written for it), and check against the base names what went
    const manifest = readManifest(a);
    const files = new Map(manifest.files);
    files.delete(PAYMENTS('prod'));
    for (const [p, text] of serializeManifest({ ...manifest, files })) fs.writeFileSync(path.join(a, p), text);
    fs.rmSync(prodFile);
    const gone = await cli(a, ['synth'], T0, moved);
    expect([gone.code, gone.stderr]).toEqual([0, expect.stringContaining(`Not written yet: 1 target new to a ring held at its release`)]);
    expect(fs.existsSync(prodFile)).toBe(false);
    const against = await cli(a, ['check', '--base', 'HEAD'], T0, moved);
    expect([against.code, against.stdout]).toEqual([
      2,
      expect.stringContaining(
        `CG415 ${PAYMENTS('prod')}: ${PAYMENTS('prod')} changed since HEAD, but it is a file of ring "prod" of payments-api`,
      ),
    ]);
    sandbox.git(a, 'checkout', '--', '.');
    expect(fs.readFileSync(prodFile, 'utf8')).toBe(prodBefore);
    // a held ring's files cannot change shape in the same change (its chart promoted too): refused, nothing written
    const beforeShape = hashTree(a, ['.git/cdk8s-gitops']);
    const shape = await cli(a, ['synth'], T0, { ...moved, PAYMENTS_PROMOTED: '1' });
    expect([shape.code, shape.stderr]).toEqual([
      1,
      expect.stringContaining(
        'CG214 Ring "prod" of payments-api is held at its release, and the program also changes the files of its target environments/prod/aws/eu-01/payments-api: it holds values.yaml, the program makes release.yaml, values.yaml.',
      ),
    ]);
    expect(hashTree(a, ['.git/cdk8s-gitops'])).toEqual(beforeShape);
    // another service's release is made as ever
    expect(
      (await cli(a, ['promote', 'orders', '--ring', 'nonprod', '--digest', `api=${A}`, '--by', 'alice', '--publish'], T0, moved)).code,
    ).toBe(0);

    // WHEN one image is promoted into the first ring, THEN it is refused: the ring ran one image, the worker's digest is not known
    const one = await cli(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', `api=${A}`, '--by', 'alice'], T0, moved);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('CG619 A promotion into "nonprod" names no digest for "worker", and "nonprod" runs no such image');

    // WHEN both are promoted into nonprod, then prod takes them with --from
    const both = await cli(
      a,
      ['promote', 'payments-api', '--ring', 'nonprod', '--digest', `api=${A}`, '--digest', `worker=${W}`, '--by', 'alice', '--publish'],
      T0,
      moved,
    );
    expect(both.code).toBe(0);
    expect(parseYaml(fs.readFileSync(path.join(a, PAYMENTS('nonprod')), 'utf8')).worker.image.digest).toBe(W);
    expect(fs.readFileSync(path.join(a, PAYMENTS('prod')), 'utf8')).toBe(prodBefore);
    // status and STATUS.md show what the held ring runs, in the first image's column
    expect((await cli(a, ['status'], T0, moved)).stdout).toMatch(/\n {2}prod +1 +sha256:22222222 \(one image\) +— /);
    expect(fs.readFileSync(path.join(a, 'STATUS.md'), 'utf8')).toContain('| prod | 1 | `sha256:22222222 (one image)` | — |');
    const prod = await cli(
      a,
      ['promote', 'payments-api', '--ring', 'prod', '--from', 'nonprod', '--by', 'alice', '--publish'],
      LATER,
      moved,
    );
    expect({ code: prod.code, stderr: prod.stderr }).toEqual({ code: 0, stderr: '' });
    expect(parseYaml(fs.readFileSync(path.join(a, PAYMENTS('prod')), 'utf8')).api.image).toEqual({
      repository: 'registry.example.com/shop/payments-api',
      digest: A,
    });

    // THEN a rollback to the release of one image is refused, and nothing is written; check is clean
    const before = hashTree(a);
    const back = await cli(
      a,
      ['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'errors', '--by', 'alice'],
      LATER,
      moved,
    );
    expect(back.code).toBe(1);
    expect(back.stderr).toContain('CG214 Ring "prod" of payments-api runs a digest of one image');
    expect(back.stderr).toContain('the rollback cannot put that release into it');
    expect(hashTree(a)).toEqual(before);
    expect(await cli(a, ['check'], LATER, moved)).toEqual({ code: 0, stdout: expect.stringContaining('Clean'), stderr: '' });
  });

  test('digests that do not fit the images are refused, and nothing is written', async () => {
    const before = hashTree(a);
    for (const [service, digestArgs, code, text] of [
      ['orders', ['--digest', A], 'CG619', 'orders has the images api, worker, so each digest names its image'],
      ['orders', ['--digest', `wroker=${W}`], 'CG619', 'orders has no image "wroker"; its images are api, worker. Did you mean "worker"?'],
      ['orders', ['--digest', `api=${A}`, '--digest', `api=${W}`], 'CG619', 'promote orders names image "api" twice'],
      ['payments-api', ['--digest', `api=${A}`], 'CG619', 'payments-api has one image'],
      ['payments-api', ['--digest', A, '--digest', W], 'CG619', 'received two digests without an image name'],
      ['orders', ['--digest', `api=latest`], 'CG608', 'Cannot promote image "api" "latest" into "nonprod"'],
    ] as const) {
      const run = await cli(a, ['promote', service, '--ring', 'nonprod', ...digestArgs, '--by', 'alice']);
      expect({ service, digestArgs, code: run.code, stdout: run.stdout }).toEqual({ service, digestArgs, code: 1, stdout: '' });
      expect(run.stderr).toContain(code);
      expect(run.stderr).toContain(text);
    }
    expect(hashTree(a)).toEqual(before);
    expect(sandbox.git(a, 'status', '--porcelain')).toBe('');
  });

  test('status, STATUS.md, explain and history show each image', async () => {
    await ok(a, ['promote', 'orders', '--ring', 'nonprod', '--digest', `worker=${W}`, '--by', 'alice', '--publish']);
    const status = (await ok(a, ['status'])).split('\n');
    expect(status.find((l) => l.includes('RING') && l.includes('API DIGEST'))).toMatch(/TARGETS +API DIGEST +WORKER DIGEST +SINCE/);
    expect(status.find((l) => l.trimStart().startsWith('nonprod '))).toMatch(
      /sha256:00000000 +sha256:bbbbbbbb +2026-11-22T10:00:00Z +alice/,
    );
    // payments-api keeps its one DIGEST column
    expect(status.filter((l) => / DIGEST +SINCE/.test(l) && !l.includes('API'))).toHaveLength(1);
    const json = JSON.parse(await ok(a, ['status', '--format', 'json']));
    const orders = json.services.find((x: any) => x.service === 'orders');
    expect(orders.rings[0]).toMatchObject({ digest: `api=${A0},worker=${W}`, images: { api: A0, worker: W } });
    expect(json.services.find((x: any) => x.service === 'payments-api').rings[0].images).toBeUndefined();
    const page = fs.readFileSync(path.join(a, 'STATUS.md'), 'utf8');
    expect(page).toContain('| Ring | Targets | `api` digest | `worker` digest | Since | By | From | Approved by | Hold |');
    expect(page).toContain('| nonprod | 1 | `sha256:00000000` | `sha256:bbbbbbbb` |');
    expect(page).toContain('| Ring | Targets | Digest | Since | By | From | Approved by | Hold |'); // payments-api
    const explain = await ok(a, ['explain', 'orders-nonprod-aws-eu-01']);
    expect(explain).toMatch(/images +api sha256:00000000, worker sha256:bbbbbbbb since 2026-11-22T10:00:00Z by alice/);
    expect(explain).toContain(`worker.image.digest = ${W}  ← release ledger (ring nonprod)`);
    const history = (await ok(a, ['history', 'orders'])).split('\n');
    expect(history[1]).toMatch(/promote +nonprod +api=sha256:00000000,worker=sha256:bbbbbbbb +alice/);
  });
});
