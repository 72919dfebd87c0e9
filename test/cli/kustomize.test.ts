/**
 * A Kustomize service through the built CLI against a bare remote: its images and its base's
 * revision move ring by ring, a rollback restores both, the overlays' digests are read back by
 * `check`, and a change of its images holds the rings whose release does not fit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { Sandbox } from '../git/sandbox';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const LATER = '2026-11-22T12:00:00Z';
const SEED = `sha256:${'0'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const BASE_1 = '1111111111111111111111111111111111111111';
const BASE_2 = '2222222222222222222222222222222222222222';
const REPO = 'registry.example.com/shop/web';

/** web: a Kustomize base promoted with its image; `SHAPE=named` names its images api and worker, `SHAPE=renamed` api and jobs. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, KustomizePatch, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(1))] });

// SHAPE=renamed: worker renamed to jobs, the same repository
const named = process.env.SHAPE === 'named' || process.env.SHAPE === 'renamed';
const second = process.env.SHAPE === 'renamed' ? 'jobs' : 'worker';
new Service(platform, 'web', {
  ...(named
    ? { images: { api: { repository: '${REPO}' }, [second]: { repository: '${REPO}-worker' } } }
    : { image: { repository: '${REPO}' }, initialDigest: ${JSON.stringify(SEED)} }),
  workload: Workload.kustomize({
    promoted: true,
    patches: [KustomizePatch.json({ kind: 'Deployment', name: 'web' }, [{ op: 'replace', path: '/spec/replicas', value: 3 }])],
  }),
}).deployTo(nonprod).deployTo(prod);
platform.synth();
`;

const OVERLAY = (env: string, cluster: string) => `environments/${env}/aws/${cluster}/web/kustomization.yaml`;
const BASE = (env: string, cluster: string) => `environments/${env}/aws/${cluster}/web/base/kustomization.yaml`;

describe('a Kustomize service, through the CLI', () => {
  let workDir: string;
  let app: string;
  let template: Sandbox;
  let sandbox: Sandbox;
  let a: string;

  function cli(out: string, args: readonly string[], now = T0, extra: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out, now, app, env: extra });
  }

  async function ok(out: string, args: readonly string[], now = T0, extra: Record<string, string> = {}): Promise<string> {
    const run = await cli(out, args, now, extra);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  const yamlIn = (dir: string, file: string): any => parseYaml(fs.readFileSync(path.join(dir, file), 'utf8'));
  const imagesIn = (dir: string, file: string): unknown => yamlIn(dir, file).images;
  const baseIn = (dir: string, file: string): string => yamlIn(dir, file).resources[0];
  const remote = (revision: string): string => `https://git.example.com/apps/web.git//deploy/kustomize?ref=${revision}`;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-kustomize-'));
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

  test('image and base move ring by ring; preview, status and explain show them; a rollback restores both', async () => {
    expect(baseIn(a, BASE('prod', 'eu-01'))).toBe(remote('main'));
    expect(imagesIn(a, OVERLAY('prod', 'eu-01'))).toEqual([{ name: REPO, digest: SEED }]);
    expect((await cli(a, ['plan'])).stderr).toContain(
      'Note: web promotes its Kustomize base with the image, but rings "nonprod", "prod" record no Kustomize base revision yet: they read the Kustomize base unpinned, at main. ' +
        'Pin it from the first ring on: `cdk8s-gitops promote web --ring nonprod --chart-revision <commit SHA>`, then `--from` ring by ring.',
    );

    const out = await ok(a, [
      'promote',
      'web',
      '--ring',
      'nonprod',
      '--digest',
      A,
      '--chart-revision',
      BASE_1,
      '--by',
      'alice',
      '--publish',
    ]);
    expect(out).toContain(`[~] ${OVERLAY('nonprod', 'eu-01')}\n`);
    expect(out).toContain(`[~] ${BASE('nonprod', 'eu-01')}\n`);
    expect(out).not.toContain('environments/prod/');
    expect(imagesIn(a, OVERLAY('nonprod', 'eu-01'))).toEqual([{ name: REPO, digest: A }]);
    expect(baseIn(a, BASE('nonprod', 'eu-01'))).toBe(remote(BASE_1));
    expect(baseIn(a, BASE('prod', 'eu-02'))).toBe(remote('main'));

    const apps = JSON.parse(await ok(a, ['preview', '--format', 'json'])) as any[];
    expect(apps.map((x) => `${x.metadata.name} ${x.spec.source.path}`).sort()).toEqual([
      'web-nonprod-aws-eu-01 environments/nonprod/aws/eu-01/web',
      'web-prod-aws-eu-01 environments/prod/aws/eu-01/web',
      'web-prod-aws-eu-02 environments/prod/aws/eu-02/web',
    ]);
    expect(await ok(a, ['explain', 'web-nonprod-aws-eu-01'])).toContain(
      `Kustomize base  https://git.example.com/apps/web.git//deploy/kustomize @ ${BASE_1} (ring nonprod's release)`,
    );

    await ok(a, ['promote', 'web', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--publish'], LATER);
    expect(imagesIn(a, OVERLAY('prod', 'eu-02'))).toEqual([{ name: REPO, digest: A }]);
    expect(baseIn(a, BASE('prod', 'eu-02'))).toBe(remote(BASE_1));
    await ok(a, ['promote', 'web', '--ring', 'nonprod', '--digest', B, '--chart-revision', BASE_2, '--by', 'alice', '--publish'], LATER);
    expect(baseIn(a, BASE('nonprod', 'eu-01'))).toBe(remote(BASE_2));
    const status = await ok(a, ['status']);
    expect(status).toMatch(/nonprod +1 +sha256:bbbbbbbb +222222222222 /);
    expect(status).toMatch(/prod +2 +sha256:aaaaaaaa +111111111111 /);

    await ok(a, ['rollback', 'web', '--ring', 'nonprod', '--previous', '--reason', 'errors up', '--by', 'alice', '--publish'], LATER);
    expect(imagesIn(a, OVERLAY('nonprod', 'eu-01'))).toEqual([{ name: REPO, digest: A }]);
    expect(baseIn(a, BASE('nonprod', 'eu-01'))).toBe(remote(BASE_1));
    expect((await cli(a, ['check'])).code).toBe(0);
  });

  test('check reads what an overlay and a base run: a digest or a revision changed by hand is found, even with its record', async () => {
    const overlay = path.join(a, OVERLAY('prod', 'eu-02'));
    fs.writeFileSync(overlay, fs.readFileSync(overlay, 'utf8').replace(`digest: ${SEED}`, `digest: ${B}`));
    const base = path.join(a, BASE('prod', 'eu-01'));
    fs.writeFileSync(base, fs.readFileSync(base, 'utf8').replace('ref=main', `ref=${BASE_2}`));
    sandbox.git(a, 'commit', '-qam', 'hand edit');
    const check = await cli(a, ['check', '--base', 'HEAD~1']);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(
      `CG418 ${OVERLAY('prod', 'eu-02')}: web-prod-aws-eu-02 runs ${B} in kustomization.yaml, but the ledger says ring prod runs ${SEED}.`,
    );
    expect(check.stdout).toContain(
      `CG418 ${BASE('prod', 'eu-01')}: web-prod-aws-eu-01 runs ${BASE_2} in kustomization.yaml, but the ledger says ring prod runs main.`,
    );
    const plan = await cli(a, ['plan']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`[~] ${OVERLAY('prod', 'eu-02')}`);
  });

  test('naming its images holds the rings whose release has one image, until a release of both is promoted', async () => {
    const named = { SHAPE: 'named' };
    const before = fs.readFileSync(path.join(a, OVERLAY('prod', 'eu-01')), 'utf8');
    const synth = await cli(a, ['synth'], T0, named);
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain('Ring "prod" of web runs a digest of one image');
    expect(fs.readFileSync(path.join(a, OVERLAY('prod', 'eu-01')), 'utf8')).toBe(before);
    sandbox.git(a, 'commit', '-qam', 'name the images');
    const promoted = await cli(
      a,
      [
        'promote',
        'web',
        '--ring',
        'nonprod',
        '--digest',
        `api=${A}`,
        '--digest',
        `worker=${B}`,
        '--chart-revision',
        BASE_1,
        '--by',
        'alice',
      ],
      T0,
      named,
    );
    expect(promoted.code).toBe(0);
    expect(promoted.stderr).toContain('Ring "prod" of web runs a digest of one image');
    expect(imagesIn(a, OVERLAY('nonprod', 'eu-01'))).toEqual([
      { name: REPO, digest: A },
      { name: `${REPO}-worker`, digest: B },
    ]);
    expect(fs.readFileSync(path.join(a, OVERLAY('prod', 'eu-01')), 'utf8')).toBe(before);
    // A held overlay changed by hand is refused, not kept.
    const overlay = path.join(a, OVERLAY('prod', 'eu-01'));
    fs.writeFileSync(overlay, before.replace(`digest: ${SEED}`, `digest: ${B}`));
    const refused = await cli(a, ['synth'], T0, named);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('CG214');
  });

  test('renaming an image holds every ring, and the promotions of the renamed images end the hold ring by ring', async () => {
    const named = { SHAPE: 'named' };
    const renamed = { SHAPE: 'renamed' };
    const promote = (ring: string, extra: Record<string, string>, ...args: string[]) =>
      cli(a, ['promote', 'web', '--ring', ring, ...args, '--by', 'alice', '--publish'], ring === 'nonprod' ? T0 : LATER, extra);
    expect((await cli(a, ['publish', '--by', 'platform-team'], T0, named)).code).toBe(0);
    expect((await promote('nonprod', named, '--digest', `api=${A}`, '--digest', `worker=${B}`, '--chart-revision', BASE_1)).code).toBe(0);
    expect((await promote('prod', named, '--from', 'nonprod')).code).toBe(0);
    const published = await cli(a, ['publish', '--by', 'platform-team'], LATER, renamed);
    expect(published.code).toBe(0);
    const held = fs.readFileSync(path.join(a, OVERLAY('prod', 'eu-01')), 'utf8');
    const ended = await promote('nonprod', renamed, '--digest', `api=${B}`, '--digest', `jobs=${A}`, '--chart-revision', BASE_2);
    expect({ code: ended.code, stderr: ended.stderr }).toMatchObject({ code: 0 });
    expect(imagesIn(a, OVERLAY('nonprod', 'eu-01'))).toEqual([
      { name: REPO, digest: B },
      { name: `${REPO}-worker`, digest: A },
    ]);
    expect(baseIn(a, BASE('nonprod', 'eu-01'))).toBe(remote(BASE_2));
    expect(fs.readFileSync(path.join(a, OVERLAY('prod', 'eu-01')), 'utf8')).toBe(held);
    expect((await cli(a, ['check'], LATER, renamed)).code).toBe(0);
  });
});
