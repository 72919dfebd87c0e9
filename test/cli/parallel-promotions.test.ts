/**
 * Promotions made as merge-request branches from the same base (`promote --publish --branch`)
 * merge with plain `git merge`: promotions of different services change no file in common (the
 * manifest keeps each service's entries in a shard of its own, and STATUS.md has a section per
 * service), so their branches merge cleanly in either order and the result is what the program
 * makes of the merged ledgers. Two promotions of one service into one ring are a real conflict,
 * and Git reports it in that service's files only.
 */
import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets } from '../../src';
import { PlatformModel } from '../../src/model/platform-model';
import { Sandbox } from '../git/sandbox';
import { ModelReplay } from '../support/replay';
import { runCli } from '../support/tree';

const D1 = `sha256:${'1'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

function program(): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
  const aws = new Cloud(platform, 'aws');
  for (const env of [nonprod, prod]) {
    new Cluster(env, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
    new Cluster(env, 'eu-central-1-02', { cloud: aws, region: 'eu-central-1' });
  }
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
  // Services whose files sit side by side in every cluster directory, and in the manifest's old order
  for (const name of ['ledger-api', 'orders-api', 'payments-api']) {
    new Service(platform, name, { image: { repository: `registry.example.com/${name}` }, initialDigest: D1 }).deployTo([nonprod, prod]);
  }
  return platform.snapshot();
}

let replay: ModelReplay;
let app: string;
let sandbox: Sandbox;

beforeAll(() => {
  replay = ModelReplay.create('cdk8s-gitops-parallel-');
  app = replay.app(program());
});
afterAll(() => replay.cleanup());

beforeEach(async () => {
  sandbox = Sandbox.create();
  const first = await cli(sandbox.clone('seed-publish'), 'publish', '--by', 'ci');
  expect([first.code, first.stderr]).toEqual([0, '']);
});
afterEach(() => sandbox.cleanup());

function cli(dir: string, ...args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '--out', dir, '--app', app]);
}

/** Promotes `service` into `ring` as a branch of its own, from a fresh clone; returns the branch. */
async function branchOf(service: string, ring: string, digest: string, by: string): Promise<string> {
  const clone = sandbox.clone(`ws-${service}-${ring}-${by}`);
  const r = await cli(
    clone,
    'promote',
    service,
    '--ring',
    ring,
    '--digest',
    digest,
    '--by',
    by,
    '--publish',
    '--branch',
    `promote/${service}-${by}`,
  );
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(sandbox.git(clone, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
  return `promote/${service}-${by}`;
}

/** Merges `branches` into main in a fresh clone, in order, with plain `git merge`; returns the clone. */
function merged(name: string, branches: readonly string[]): string {
  const clone = sandbox.clone(name);
  sandbox.git(clone, 'fetch', '--quiet', 'origin');
  for (const b of branches) sandbox.git(clone, 'merge', '--quiet', '--no-ff', '-m', `Merge ${b}`, `origin/${b}`);
  return clone;
}

describe('promotions as branches from one base', () => {
  it('of different services merge cleanly in either order, into what the program makes of the merged ledgers', async () => {
    // GIVEN two promotions into nonprod of services whose files sit side by side, each on its own branch
    const payments = await branchOf('payments-api', 'nonprod', A, 'alice');
    const orders = await branchOf('orders-api', 'nonprod', B, 'bob');
    // AND the branches touch no file of the manifest in common
    const files = (b: string): string[] => sandbox.git(sandbox.remote, 'diff', '--name-only', `main...${b}`).split('\n');
    expect(files(payments).filter((f) => files(orders).includes(f))).toEqual(['STATUS.md']);
    expect(files(payments)).not.toContain('.cdk8s-gitops/manifest.json');

    for (const [name, order] of [
      ['one-way', [payments, orders]],
      ['other-way', [orders, payments]],
    ] as const) {
      // WHEN they are merged with plain git merge
      const clone = merged(name, order);

      // THEN both promotions are in, and the checkout is exactly what the program makes of it
      expect(sandbox.read(clone, 'environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml')).toContain(A);
      expect(sandbox.read(clone, 'environments/nonprod/aws/eu-central-1-02/orders-api/values.yaml')).toContain(B);
      const check = await cli(clone, 'check');
      expect([name, check.code, check.stdout]).toEqual([name, 0, expect.any(String)]);
      const plan = await cli(clone, 'plan');
      expect([name, plan.code]).toEqual([name, 0]);
      expect((await cli(clone, 'synth')).stdout).toMatch(/^No changes/);
      expect(sandbox.status(clone)).toEqual([]);
    }
  });

  it("of one service into one ring conflict, in that service's files only", async () => {
    // GIVEN two promotions of payments-api into nonprod, with different digests, each on its own branch
    const first = await branchOf('payments-api', 'nonprod', A, 'alice');
    const second = await branchOf('payments-api', 'nonprod', B, 'bob');
    const clone = merged('conflict', [first]);

    // WHEN the second is merged
    let failed = false;
    try {
      sandbox.git(clone, 'merge', '--quiet', '--no-ff', '-m', 'Merge', `origin/${second}`);
    } catch {
      failed = true;
    }

    // THEN Git reports a conflict, and every conflicted file is payments-api's (STATUS.md: its section)
    expect(failed).toBe(true);
    const conflicted = sandbox.git(clone, 'diff', '--name-only', '--diff-filter=U').split('\n');
    expect(conflicted).toContain('releases/payments-api.yaml');
    for (const f of conflicted) expect(f === 'STATUS.md' || f.includes('payments-api')).toBe(true);
    expect(
      sandbox
        .read(clone, 'STATUS.md')!
        .split('## ')
        .filter((s) => s.includes('<<<<<<<'))
        .map((s) => s.split('\n')[0]),
    ).toEqual(['payments-api']);
  });
});
