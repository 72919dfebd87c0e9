/**
 * A service with several images: each ring's release records a digest per image; a Helm values
 * file holds each image under its values key, and a rendered workload's objects get each image
 * where its placeholder stands.
 */
import { parse } from 'yaml';
import * as kplus from 'cdk8s-plus-28';
import { Cloud, Cluster, ControlPlane, Environment, GitOpsError, Platform, PromotionRing, Service, Targets, Workload } from '../../../src';
import { synthesize } from '../../../src/synth/synthesize';
import { planWrite, writeTree } from '../../../src/workspace/checkout/writer';
import { readManifest } from '../../../src/workspace/checkout/manifest-io';
import { contentHash } from '../../../src/synth/file-tree';
import { recordInManifest } from '../../support/manifest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { releaseState } from '../../../src/synth/build';
import { serializeLedger } from '../../../src/release/ledger';
import { LedgerFile } from '../../../src/release/ledger-files';
import { Ledger, RingState } from '../../../src/release/types';
import { sourceKindOf } from '../../../src/synth/sources';
import { targetDirectory } from '../../../src/model/placement';
import { PlatformModel } from '../../../src/model/platform-model';
import { failure } from '../../support/failure';

const A1 = `sha256:${'a1'.repeat(32)}`;
const A2 = `sha256:${'a2'.repeat(32)}`;
const W1 = `sha256:${'b1'.repeat(32)}`;
const W2 = `sha256:${'b2'.repeat(32)}`;
const API = 'registry.example.com/orders-api';
const WORKER = 'registry.example.com/orders-worker';

interface Options {
  readonly rendered?: boolean;
  /** The chart promoted with the images. */
  readonly promoted?: boolean;
  /** A third image, `sidecar`. */
  readonly sidecar?: boolean;
  /** The worker image renamed `jobs` (its repository and values key kept). */
  readonly jobs?: boolean;
  readonly workerKey?: string;
  readonly initial?: boolean;
}

function platform(options: Options = {}): Platform {
  const p = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const aws = new Cloud(p, 'aws');
  const envs = ['nonprod', 'prod'].map((name) => {
    const env = new Environment(p, name, { controlPlane: new ControlPlane(p, name) });
    new Cluster(env, 'eu-01', { cloud: aws, region: 'eu-west-1' });
    return env;
  });
  new Service(p, 'orders', {
    images: {
      api: { repository: API, ...(options.initial ? { initialDigest: A1 } : {}) },
      [options.jobs ? 'jobs' : 'worker']: {
        repository: WORKER,
        ...(options.jobs ? { valuesKey: 'worker.image' } : {}),
        ...(options.workerKey ? { valuesKey: options.workerKey } : {}),
        ...(options.initial ? { initialDigest: W1 } : {}),
      },
      ...(options.sidecar ? { sidecar: { repository: 'registry.example.com/sidecar' } } : {}),
    },
    ...(options.promoted ? { workload: Workload.helmChart({ promoted: true }) } : {}),
    values: { api: { replicas: 2 } },
    ...(options.rendered
      ? {
          workload: Workload.render((ctx) => {
            new kplus.Deployment(ctx.scope, 'api', { containers: [{ image: ctx.images.api, portNumber: 8080 }] });
            new kplus.Deployment(ctx.scope, 'worker', {
              containers: [{ image: ctx.images.worker, portNumber: 9090 }],
              initContainers: [{ image: ctx.images.api }],
            });
            new kplus.ConfigMap(ctx.scope, 'settings', { data: { mode: 'fast' } });
          }),
        }
      : {}),
  }).deployTo(envs);
  new PromotionRing(p, 'nonprod', { targets: Targets.environment(envs[0]!) });
  new PromotionRing(p, 'prod', { targets: Targets.environment(envs[1]!) });
  return p;
}

const entry = (images: Record<string, string> | undefined, digest?: string): RingState => ({
  ...(images === undefined ? { digest: digest! } : { images }),
  since: '2026-11-22T10:00:00Z',
  by: 'ci',
  from: null,
  approvedBy: null,
  hold: null,
  previous: [],
});

function ledgers(nonprod: RingState, prod: RingState): Map<string, LedgerFile> {
  const ledger: Ledger = { service: 'orders', rings: { nonprod, prod } };
  return new Map([
    ['orders', { path: 'releases/orders.yaml', ledger, text: serializeLedger(ledger, ['nonprod', 'prod']), initial: false }],
  ]);
}

function tree(model: PlatformModel, nonprod: RingState, prod: RingState): Record<string, string> {
  return synthesize(model, { releases: releaseState(ledgers(nonprod, prod)) }).toRecord();
}

describe('a Helm service with named images', () => {
  test('writes each image under its values key, at the digest its ring runs', () => {
    const model = platform().snapshot();
    const files = tree(model, entry({ api: A2, worker: W1 }), entry({ api: A1, worker: W1 }));
    const nonprod = parse(files['environments/nonprod/aws/eu-01/orders/values.yaml']!);
    expect(nonprod.api).toEqual({ image: { repository: API, digest: A2 }, replicas: 2 });
    expect(nonprod.worker).toEqual({ image: { repository: WORKER, digest: W1 } });
    expect(nonprod.image).toBeUndefined();
    const prod = parse(files['environments/prod/aws/eu-01/orders/values.yaml']!);
    expect(prod.api.image.digest).toBe(A1);
  });

  test('takes a values key of the program', () => {
    const model = platform({ workerKey: 'jobs.worker.image' }).snapshot();
    const values = parse(
      tree(model, entry({ api: A1, worker: W2 }), entry({ api: A1, worker: W1 }))['environments/nonprod/aws/eu-01/orders/values.yaml']!,
    );
    expect(values.jobs).toEqual({ worker: { image: { repository: WORKER, digest: W2 } } });
    expect(values.worker).toBeUndefined();
  });

  test('every ring runs the initial digests of every image before a ledger exists', () => {
    const files = synthesize(platform({ initial: true }).snapshot()).toRecord();
    const values = parse(files['environments/prod/aws/eu-01/orders/values.yaml']!);
    expect([values.api.image.digest, values.worker.image.digest]).toEqual([A1, W1]);
  });

  test('the model holds the images, with their values keys, in declaration order', () => {
    const service = platform({ workerKey: 'jobs.worker.image', initial: true }).snapshot().services[0]!;
    expect(service.imageRepository).toBeUndefined();
    expect(service.images).toEqual([
      { name: 'api', repository: API, valuesKey: 'api.image', initialDigest: A1 },
      { name: 'worker', repository: WORKER, valuesKey: 'jobs.worker.image', initialDigest: W1 },
    ]);
  });

  test('a file records the digests it embeds, and reads them back from the checkout', () => {
    const model = platform().snapshot();
    const built = synthesize(model, { releases: releaseState(ledgers(entry({ api: A2, worker: W1 }), entry({ api: A1, worker: W1 }))) });
    const path = 'environments/nonprod/aws/eu-01/orders/values.yaml';
    expect(built.get(path)!.release).toEqual({ version: `api=${A2},worker=${W1}`, ring: 'nonprod' });
    const t = model.targets.find((x) => x.id === 'nonprod/aws/eu-01/orders')!;
    const service = model.services[0]!;
    const text = built.toRecord()[path]!;
    const read = sourceKindOf(service).deployedVersions({ model, target: t, service, directory: targetDirectory(model, t) }, (p) =>
      p === path ? text : undefined,
    );
    expect(read).toEqual([{ path, version: `api=${A2},worker=${W1}` }]);
  });

  test('holds a ring whose release is of other images than the program declares (CG214): its files are kept, not made, and the tree says why', () => {
    const model = platform().snapshot();
    const built = synthesize(model, { releases: releaseState(ledgers(entry(undefined, A1), entry({ api: A1, sidecar: W1 }))) });
    const values = (env: string): string => `environments/${env}/aws/eu-01/orders/values.yaml`;
    expect([built.has(values('nonprod')), built.has(values('prod'))]).toEqual([false, false]);
    // the kept files are outside what a write of the tree covers, so it leaves them as they are
    expect([built.covers(values('nonprod')), built.covers(values('prod'))]).toEqual([false, false]);
    expect(built.heldBecause(values('prod'))).toBe(
      'Ring "prod" of orders runs the images api, sidecar, but the program declares the images api, worker: which image a digest belongs to is not known, so none of the ring\'s files can be written.',
    );
    expect(built.notes).toEqual([
      'Ring "nonprod" of orders runs a digest of one image (sha256:a1a1a1a1), but the program declares the images api, worker: which image a digest belongs to is not known. ' +
        "Its files stay as they are until a release of the program's images is promoted into it (promote orders --ring nonprod --digest <image>=sha256:… for each image).",
      'Ring "prod" of orders runs the images api, sidecar, but the program declares the images api, worker: which image a digest belongs to is not known. ' +
        "Its files stay as they are until a release of the program's images is promoted into it (promote orders --ring prod --from nonprod, once nonprod runs them).",
    ]);
  });
});

describe('a held ring, written into a checkout', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-held-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("refuses (CG214) to keep a target's files that run another release than its held ring (a target moved into it)", () => {
    // GIVEN a checkout whose prod files run api A2 and worker W2
    const model = platform().snapshot();
    writeTree(synthesize(model, { releases: releaseState(ledgers(entry({ api: A1, worker: W1 }), entry({ api: A2, worker: W2 }))) }), dir);
    const before = fs.readFileSync(path.join(dir, 'environments/prod/aws/eu-01/orders/values.yaml'), 'utf8');

    // WHEN its ring runs a release of one image, which does not fit the images: the ring is held, and its target runs another release
    const held = synthesize(model, { releases: releaseState(ledgers(entry({ api: A1, worker: W1 }), entry(undefined, A1))) });
    const plan = planWrite(held, dir);

    // THEN the write refuses, and nothing is written
    expect(plan.held.map((p) => `${p.code} ${p.message}`)).toEqual([
      // The moved target's values name the images api and worker: none is where the held release's one image is.
      `CG214 environments/prod/aws/eu-01/orders runs no image under image, but ring "prod" of orders, which the program puts it in, runs ${A1} and is held at it: the target would go on running another release than its ring (a target moved into a held ring, or its files changed by hand). Nothing was written.`,
    ]);
    expect(() => writeTree(held, dir)).toThrow('CG214');
    expect(fs.readFileSync(path.join(dir, 'environments/prod/aws/eu-01/orders/values.yaml'), 'utf8')).toBe(before);
  });
});

describe('a held ring, judged by what its files run', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-held-runs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const VALUES = 'environments/prod/aws/eu-01/orders/values.yaml';

  /** Writes prod running api A1 and worker W1, then holds it (the program renames worker); returns the held tree. */
  function heldAfterRename() {
    const releases = releaseState(ledgers(entry({ api: A1, worker: W1 }), entry({ api: A1, worker: W1 })));
    writeTree(synthesize(platform().snapshot(), { releases }), dir);
    return synthesize(platform({ jobs: true }).snapshot(), { releases });
  }

  /** Changes prod's values file and records the change in the manifest, as a commit could. */
  function forge(edit: (text: string) => string): void {
    const text = edit(fs.readFileSync(path.join(dir, VALUES), 'utf8'));
    fs.writeFileSync(path.join(dir, VALUES), text);
    recordInManifest(dir, VALUES, { ...readManifest(dir).files.get(VALUES)!, sha256: contentHash(text) });
  }

  test('refuses a forged digest of an image the program renamed (CG214), and keeps the files as written', () => {
    const held = heldAfterRename();
    expect(planWrite(held, dir).held).toEqual([]);
    forge((t) => t.replace(`digest: ${W1}`, `digest: ${W2}`));
    expect(planWrite(held, dir).held.map((p) => p.message)).toEqual([expect.stringContaining(`runs ${WORKER} at ${W2}`)]);
  });

  test("does not follow a held target's file replaced by a symbolic link (CG408), and writes nothing", () => {
    const held = heldAfterRename();
    const outside = path.join(dir, '..', `${path.basename(dir)}-outside.yaml`);
    fs.writeFileSync(outside, fs.readFileSync(path.join(dir, VALUES)));
    fs.rmSync(path.join(dir, VALUES));
    fs.symlinkSync(outside, path.join(dir, VALUES));
    try {
      expect(() => writeTree(held, dir)).toThrow('CG408');
      expect(fs.lstatSync(path.join(dir, VALUES)).isSymbolicLink()).toBe(true);
    } finally {
      fs.rmSync(outside);
    }
  });

  test('refuses a values file not in the form cdk8s-gitops writes (a YAML merge key hiding the digest)', () => {
    const held = heldAfterRename();
    forge((t) => t.replace(`  digest: ${W1}`, `  <<: {digest: "${W2}"}\nrollback:\n  digest: ${W1}`));
    expect(planWrite(held, dir).held.map((p) => p.message)).toEqual([
      expect.stringContaining('values.yaml, which is not as cdk8s-gitops writes it'),
    ]);
  });
});

describe('a held ring whose chart is promoted with its images', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-held-chart-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("refuses (CG214) a held target whose release file pins another chart than its ring's, and keeps one that pins the ring's", () => {
    // GIVEN prod runs api A1, worker W1 and chart SHA_1, written into a checkout
    const SHA_1 = '1'.repeat(40);
    const withChart = (state: RingState): RingState => ({ ...state, chart: SHA_1 });
    const releases = releaseState(ledgers(withChart(entry({ api: A2, worker: W2 })), withChart(entry({ api: A1, worker: W1 }))));
    writeTree(synthesize(platform({ promoted: true }).snapshot(), { releases }), dir);
    // AND the program names a third image, so that both rings are held
    const held = synthesize(platform({ promoted: true, sidecar: true }).snapshot(), { releases });
    expect(planWrite(held, dir).held).toEqual([]);

    // WHEN prod's release file is made to pin another chart (with its record, as a commit could)
    const file = path.join(dir, 'environments/prod/aws/eu-01/orders/release.yaml');
    const forged = fs.readFileSync(file, 'utf8').replace(SHA_1, '2'.repeat(40));
    fs.writeFileSync(file, forged);
    const rel = 'environments/prod/aws/eu-01/orders/release.yaml';
    recordInManifest(dir, rel, { ...readManifest(dir).files.get(rel)!, sha256: contentHash(forged) });

    // THEN the write refuses it
    expect(planWrite(held, dir).held.map((p) => `${p.code} ${p.file}`)).toEqual(['CG214 environments/prod/aws/eu-01/orders']);
    expect(planWrite(held, dir).held[0]!.message).toContain(`runs chart ${'2'.repeat(40)} (its ring's is ${SHA_1})`);
  });
});

describe('a rendered service with named images', () => {
  test('gets each image where its placeholder stands, and only the files that hold an image record it', () => {
    const model = platform({ rendered: true }).snapshot();
    const built = synthesize(model, { releases: releaseState(ledgers(entry({ api: A2, worker: W1 }), entry({ api: A1, worker: W1 }))) });
    const files = built.toRecord();
    const dir = 'environments/nonprod/aws/eu-01/orders';
    const api = parse(files[`${dir}/deployment-orders-api.yaml`]!);
    expect(api.spec.template.spec.containers[0].image).toBe(`${API}@${A2}`);
    const worker = parse(files[`${dir}/deployment-orders-worker.yaml`]!);
    expect(worker.spec.template.spec.containers[0].image).toBe(`${WORKER}@${W1}`);
    expect(worker.spec.template.spec.initContainers[0].image).toBe(`${API}@${A2}`);
    expect(built.get(`${dir}/deployment-orders-api.yaml`)!.release!.version).toBe(`api=${A2}`);
    expect(built.get(`${dir}/deployment-orders-worker.yaml`)!.release!.version).toBe(`api=${A2},worker=${W1}`);
    const config = Object.keys(files).find((p) => p.startsWith(`${dir}/configmap-`))!;
    expect(built.get(config)!.release).toBeUndefined();
    expect(JSON.stringify(files)).not.toContain('cdk8s-gitops.image/');
  });

  test("a new digest of one image changes only the files that hold it, and what each embeds is the ring's", () => {
    const model = platform({ rendered: true }).snapshot();
    const before = synthesize(model, { releases: releaseState(ledgers(entry({ api: A1, worker: W1 }), entry({ api: A1, worker: W1 }))) });
    const after = synthesize(model, { releases: releaseState(ledgers(entry({ api: A1, worker: W2 }), entry({ api: A1, worker: W1 }))) });
    const changed = after.paths().filter((p) => after.get(p)!.key !== before.get(p)?.key);
    expect(changed).toEqual(['environments/nonprod/aws/eu-01/orders/deployment-orders-worker.yaml']);
    const t = model.targets.find((x) => x.id === 'nonprod/aws/eu-01/orders')!;
    const service = model.services[0]!;
    const kind = sourceKindOf(service);
    expect(kind.embeddedRelease(changed[0]!, service, { images: { api: A1, worker: W2 } }, t)).toBe(`api=${A1},worker=${W2}`);
    expect(
      kind.embeddedRelease(
        'environments/nonprod/aws/eu-01/orders/deployment-orders-api.yaml',
        service,
        { images: { api: A1, worker: W2 } },
        t,
      ),
    ).toBe(`api=${A1}`);
  });

  test('fails to render when the render function reads ctx.image', () => {
    const p = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
    const env = new Environment(p, 'prod', { controlPlane: new ControlPlane(p, 'prod') });
    new Cluster(env, 'eu-01', { cloud: new Cloud(p, 'aws'), region: 'eu-west-1' });
    new Service(p, 'orders', {
      images: { api: { repository: API }, worker: { repository: WORKER } },
      workload: Workload.render((ctx) => {
        new kplus.Deployment(ctx.scope, 'api', { containers: [{ image: ctx.image }] });
      }),
    }).deployTo(env);
    new PromotionRing(p, 'prod', { targets: Targets.environment(env) });
    const error = failure(() => p.snapshot());
    expect(error.problems[0]!.code).toBe('CG130');
    expect(error.problems[0]!.message).toMatch(
      /orders names its images \(api, worker\): place each with ctx\.images\.<name>, e\.g\. ctx\.images\.api, not ctx\.image\./,
    );
  });
});

describe('declaring named images', () => {
  function problems(images: unknown, extra: Record<string, unknown> = {}): string[] {
    const p = new Platform({
      repoURL: 'https://git.example.com/platform/platform-gitops.git',
      applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    });
    const env = new Environment(p, 'prod', { controlPlane: new ControlPlane(p, 'prod') });
    new Cluster(env, 'eu-01', { cloud: new Cloud(p, 'aws'), region: 'eu-west-1' });
    new Service(p, 'orders', { images: images as never, ...extra }).deployTo(env);
    new PromotionRing(p, 'prod', { targets: Targets.environment(env) });
    try {
      p.snapshot();
    } catch (e) {
      expect(e).toBeInstanceOf(GitOpsError);
      return (e as GitOpsError).problems.map((x) => `${x.code} ${x.message}`);
    }
    return [];
  }

  test('fails when a name, a values key or the initial digests are wrong (CG146), or a repository carries a digest (CG111)', () => {
    expect(problems({})).toEqual(['CG146 images names no image.']);
    expect(problems({ Api: { repository: API } })).toEqual(['CG146 Image name "Api" is not a DNS-1123 label.']);
    expect(problems({ api: { repository: API, valuesKey: 'api..image' } })).toEqual([
      'CG146 images.api.valuesKey "api..image" is not a dotted path of values keys.',
    ]);
    expect(problems({ api: { repository: API, valuesKey: '__proto__.image' } })).toEqual([
      'CG146 images.api.valuesKey "__proto__.image" is not a dotted path of values keys.',
    ]);
    expect(({} as Record<string, unknown>).image).toBeUndefined();
    expect(problems({ api: { repository: API, valuesKey: 'global.region.image' } })).toEqual([
      'CG146 images.api.valuesKey "global.region.image" is or lies under a key cdk8s-gitops sets (global.environment, global.cloud, global.region, global.cluster).',
    ]);
    expect(problems({ api: { repository: API, valuesKey: 'global' } })).toEqual([
      'CG146 images.api.valuesKey "global" is or lies under a key cdk8s-gitops sets (global.environment, global.cloud, global.region, global.cluster).',
    ]);
    // A chart with one global image (Argo CD's) reads it at global.image, which the SDK leaves alone.
    expect(problems({ api: { repository: API, valuesKey: 'global.image' } })).toEqual([]);
    expect(problems({ api: { repository: API, valuesKey: 'app' }, worker: { repository: WORKER, valuesKey: 'app.worker' } })).toEqual([
      'CG146 Images "api" and "worker" have the values keys "app" and "app.worker": one would overwrite the other\'s repository or digest.',
    ]);
    expect(problems({ api: { repository: API, initialDigest: A1 }, worker: { repository: WORKER } })).toEqual([
      'CG146 Images "api" have an initialDigest, but "worker" has none: a release names a digest for every image.',
    ]);
    expect(problems({ constructor: { repository: API } } as never)).toEqual([
      'CG146 Image name "constructor" is the name of a property every JavaScript object has.',
    ]);
    expect(problems({ api: { repository: API } }, { image: { repository: API } })).toEqual([
      'CG146 The service sets both image and images.',
    ]);
    expect(problems({ api: { repository: `${API}@${A1}` } })).toEqual([
      `CG111 images.api.repository "${API}@${A1}" carries a tag or digest.`,
    ]);
  });

  test('fails when values set the digest of a named image, which the ledger owns (CG113)', () => {
    expect(problems({ api: { repository: API } }, { values: { api: { image: { digest: A1 } } } })).toEqual([
      'CG113 Service orders sets api.image.digest, which the release ledger owns.',
    ]);
  });

  test("fails when values set an image's values key, or a key above it, to something other than a map (CG113)", () => {
    expect(problems({ api: { repository: API } }, { values: { api: { image: 'registry.example.com/x:1.2' } } })).toEqual([
      "CG113 Service orders sets api.image to a string, where orders's image is written as a map (api.image.repository, and the digest the release ledger owns).",
    ]);
    expect(problems({ worker: { repository: WORKER, valuesKey: 'jobs.worker.image' } }, { values: { jobs: 3 } })).toEqual([
      "CG113 Service orders sets jobs to a number, where orders's image is written as a map (jobs.worker.image.repository, and the digest the release ledger owns).",
    ]);
  });
});
