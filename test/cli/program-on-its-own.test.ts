/**
 * A program run on its own (`node platform.js` with CDK8S_OUTDIR, or `platform.synth({ outdir })`)
 * writes the tree as `cdk8s-gitops synth` does, the ring rules included: a ledger edited by hand
 * that breaks them is refused there too, and nothing is written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';
import { hashTree } from '../support/hash-tree';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'cdk8s-gitops.js');
const SEED = `sha256:${'0'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
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
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(1)), Gate.approval()] });
new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: ${JSON.stringify(SEED)} })
  .deployTo(nonprod).deployTo(prod);
platform.synth();
`;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(out)) if (key.startsWith('GIT_') || key.startsWith('CDK8S_')) delete out[key];
  return { ...out, ...extra };
}

describe('a program run on its own', () => {
  let sandbox: Sandbox;
  let work: string;
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
  });
  beforeEach(() => {
    sandbox = Sandbox.create();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-own-'));
    fs.writeFileSync(path.join(work, 'platform.js'), PROGRAM);
  });
  afterEach(() => {
    sandbox.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('refuses a ledger edited by hand that breaks the ring rules, as cdk8s-gitops synth does, and writes nothing', () => {
    // GIVEN a published checkout whose ledger was then edited by hand: prod runs B, which does not run in nonprod
    const dir = sandbox.clone('platform');
    const app = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(work, 'platform.js'))}`;
    const publish = spawnSync(process.execPath, [CLI, 'publish', '--out', dir, '--app', app, '--by', 'platform-team'], {
      env: env(),
      encoding: 'utf8',
    });
    expect([publish.status, publish.stderr]).toEqual([0, '']);
    const ledger = path.join(dir, 'releases', 'payments-api.yaml');
    const text = fs.readFileSync(ledger, 'utf8');
    const prodAt = text.indexOf('  prod:');
    fs.writeFileSync(ledger, text.slice(0, prodAt) + text.slice(prodAt).replace(SEED, B));
    const before = hashTree(dir);

    // WHEN the program runs on its own into the checkout
    const run = spawnSync(process.execPath, [path.join(work, 'platform.js')], { env: env({ CDK8S_OUTDIR: dir }), encoding: 'utf8' });

    // THEN it fails with the rule the edit breaks, as the CLI's synth does, and nothing is written
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('CG610');
    expect(run.stderr).toContain('sha256:bbbbbbbb');
    expect(hashTree(dir)).toEqual(before);
    const cli = spawnSync(process.execPath, [CLI, 'synth', '--out', dir, '--app', app], { env: env(), encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('CG610');
  });
});
