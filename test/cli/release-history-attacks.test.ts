/**
 * Hostile and ordinary use of the release path not covered by the other attack files: tag
 * releases, a release command published in the same run as a ring rename (movedFrom), the ledger
 * of a removed service deleted and the service declared again, and a ledger edited in a commit
 * that also deletes its record in the manifest. Each test drives the built CLI on a real
 * checkout (a clone of a bare remote) with a model replayed from JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Removal, Service, Targets } from '../../src';
import { PlatformModel } from '../../src/model/platform-model';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import { runCli } from '../support/tree';

const D0 = `sha256:${'0'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const PAYMENTS = 'releases/payments-api.yaml';
const LEDGER_API = 'releases/ledger-api.yaml';
const SHARD = '.cdk8s-gitops/services/payments-api.json';
const PROD_GCP_VALUES = 'environments/prod/gcp/gcp-01/payments-api/values.yaml';
const T0 = '2026-11-22T10:00:00Z';
const T2 = '2026-11-22T12:00:00Z';
const T3 = '2026-11-22T14:00:00Z';

interface Shape {
  /** Ring `prod` is renamed `production`, declared with movedFrom: ['prod']. */
  readonly renameProd?: boolean;
  /** payments-api is no longer declared; the program declares its removal. */
  readonly removePayments?: boolean;
  /** Both environments allow image tags (requireDigest: false). */
  readonly tags?: boolean;
  /** payments-api's initialDigest. */
  readonly initial?: string;
}

/**
 * nonprod (aws/eu-01) → prod-canary (prod/aws/eu-01) → prod (prod/aws/eu-02 and prod/gcp/gcp-01;
 * soak 1h, approval); services payments-api and ledger-api.
 */
function program(shape: Shape = {}): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const policy = shape.tags ? { requireDigest: false } : {};
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod'), ...policy });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod'), ...policy });
  const aws = new Cloud(platform, 'aws');
  const gcp = new Cloud(platform, 'gcp');
  new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
  const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
  const eu02 = new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
  const gcp01 = new Cluster(prod, 'gcp-01', { cloud: gcp, region: 'europe-west4' });
  const gates = [Gate.soak(Duration.hours(1)), Gate.approval()];
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
  if (shape.renameProd) new PromotionRing(platform, 'production', { targets: Targets.cluster(eu02, gcp01), gates, movedFrom: ['prod'] });
  else new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02, gcp01), gates });
  if (shape.removePayments) platform.removed(Removal.service('payments-api'));
  else
    new Service(platform, 'payments-api', {
      image: { repository: 'registry.example.com/payments-api' },
      initialDigest: shape.initial ?? D0,
    }).deployTo([nonprod, prod]);
  new Service(platform, 'ledger-api', { image: { repository: 'registry.example.com/ledger-api' }, initialDigest: D0 }).deployTo([
    nonprod,
    prod,
  ]);
  return platform.snapshot();
}

let replay: ModelReplay;

beforeAll(() => {
  replay = ModelReplay.create('cdk8s-gitops-release-history-attacks-', T0);
});
afterAll(() => replay.cleanup());

/** Runs the CLI on `dir` with `model`, at `now`, with `env` added. */
function cli(dir: string, model: PlatformModel, args: readonly string[], now = T0, env: NodeJS.ProcessEnv = {}): ReturnType<typeof runCli> {
  return replay.run(dir, model, args, now, env);
}

async function ok(dir: string, model: PlatformModel, args: readonly string[], now = T0, env: NodeJS.ProcessEnv = {}): Promise<void> {
  await replay.ok(dir, model, args, now, env);
}

const read = readFile;
const snapshot = cloneSnapshot;

/**
 * A bare remote where payments-api runs A in prod (soaked, approved by bob) and B in nonprod and
 * prod-canary (since T2), each step its own published commit; and a clone.
 */
async function published(): Promise<{ sandbox: Sandbox; clone: string }> {
  const sandbox = Sandbox.create();
  const clone = sandbox.clone('ci');
  const model = program();
  await ok(clone, model, ['publish', '--by', 'ci'], T0, { GIT_COMMITTER_DATE: '2026-11-21T10:00:00Z' });
  await ok(clone, model, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
  await ok(clone, model, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish']);
  await ok(
    clone,
    model,
    ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob', '--publish'],
    T2,
  );
  await ok(clone, model, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'], T2);
  await ok(clone, model, ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'mallory', '--publish'], T2);
  return { sandbox, clone };
}

/** The subjects of the remote's commits after `base`, oldest first. */
function subjectsSince(sandbox: Sandbox, base: string): string[] {
  const out = sandbox.git(sandbox.remote, 'log', '--reverse', '--format=%s', `${base}..main`);
  return out === '' ? [] : out.split('\n');
}

describe('a release command published in the same run as a ring rename (movedFrom)', () => {
  it('promote --publish into the renamed ring publishes the rename and the promotion, and leaves the checkout clean', async () => {
    // GIVEN prod runs A, prod-canary runs B (soaked 2h by T3)
    const { sandbox, clone } = await published();
    try {
      const base = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      // WHEN the program renames prod to production (movedFrom: ['prod']) and the next release command promotes into it
      const renamed = program({ renameProd: true });
      const r = await cli(
        clone,
        renamed,
        ['promote', 'payments-api', '--ring', 'production', '--from', 'prod-canary', '--by', 'eve', '--approved-by', 'bob', '--publish'],
        T3,
      );
      // THEN the program's change (both ledgers renamed) is one synth commit and the promotion one commit of its own
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('CG520')]);
      expect(subjectsSince(sandbox, base)).toEqual([
        'Synthesize the platform program',
        'promote payments-api sha256:bbbbbbbb to production from prod-canary (by eve, approved by bob)',
      ]);
      expect(sandbox.remoteFile(PAYMENTS)).toMatch(/\n {2}production:\n {4}digest: sha256:b{64}\n/);
      expect(sandbox.remoteFile(LEDGER_API)).toContain('\n  production:\n');
      expect(sandbox.status(clone)).toEqual([]);
    } finally {
      sandbox.cleanup();
    }
  });

  it('publish of a pending promotion made after a ring rename is not refused as a hand edit (CG520) of the other ledgers', async () => {
    // GIVEN prod runs A, prod-canary runs B; the program renames prod to production
    const { sandbox, clone } = await published();
    try {
      const renamed = program({ renameProd: true });
      // AND a promotion into the renamed ring, pending (not published)
      await ok(
        clone,
        renamed,
        ['promote', 'payments-api', '--ring', 'production', '--from', 'prod-canary', '--by', 'eve', '--approved-by', 'bob'],
        T3,
      );
      // check calls the checkout clean
      expect((await cli(clone, renamed, ['check'], T3)).code).toBe(0);
      // WHEN publish runs
      const r = await cli(clone, renamed, ['publish', '--by', 'ci'], T3);
      // THEN it publishes the rename (the program's change) and eve's promotion; ledger-api's rename is no hand edit
      expect(r.stderr).not.toContain(`[${LEDGER_API}] CG520`);
      expect(r.code).toBe(0);
      expect(sandbox.remoteLog()[0]).toBe('promote payments-api sha256:bbbbbbbb to production from prod-canary (by eve, approved by bob)');
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('the ledger of a removed service', () => {
  it('check, plan and synth refuse a checkout whose removed service lost its ledger (CG210), as for a declared service', async () => {
    // GIVEN prod runs A; payments-api is removed (declared), published: its ledger stays, owned
    const { sandbox, clone } = await published();
    try {
      const removed = program({ removePayments: true });
      await ok(clone, removed, ['publish', '--by', 'ci'], T3);
      expect(fs.existsSync(path.join(clone, PAYMENTS))).toBe(true);
      // AND someone deletes the ledger in a commit ("the service is gone")
      sandbox.git(clone, 'rm', '--quiet', PAYMENTS);
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Remove the ledger of a removed service');
      const before = snapshot(sandbox, clone);
      // WHEN check, plan and synth run
      const runs = [];
      for (const command of ['check', 'plan', 'synth']) runs.push(await cli(clone, removed, [command], T3));
      // THEN each refuses the deleted ledger as it does a declared service's (CG210, with the restore from Git),
      //      and nothing is written; none calls the checkout up to date
      for (const r of runs) {
        expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`CG210 ${PAYMENTS} is missing, but cdk8s-gitops wrote it`)]);
        expect(r.stderr).toContain(`git checkout <that commit>^ -- ${PAYMENTS}`);
        expect(r.stdout).not.toMatch(/No changes|Clean/);
      }
      expect(snapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('re-adding a removed service whose ledger and shard were deleted in a commit does not restart prod from initialDigest', async () => {
    // GIVEN prod runs A; payments-api is removed (declared), published
    const { sandbox, clone } = await published();
    try {
      await ok(clone, program({ removePayments: true }), ['publish', '--by', 'ci'], T3);
      // AND its leftovers, the ledger and its shard, are deleted in a commit (Git's history still holds the ledger)
      sandbox.git(clone, 'rm', '--quiet', PAYMENTS, SHARD);
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Clean up payments-api');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const before = snapshot(sandbox, clone);
      // WHEN the service is declared again and synth runs
      const r = await cli(clone, program(), ['synth'], T3);
      // THEN it refuses (CG210: the ledger was deleted; Git holds what its rings last ran) and writes nothing:
      //      prod must resume from A, never from initialDigest
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`CG210 ${PAYMENTS}`)]);
      expect(snapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('a ledger edit committed together with the deletion of its manifest record', () => {
  it("synth judges prod's changed entry (CG612) when the commit that changed it also deleted the service's shard", async () => {
    // GIVEN prod runs A (approved by bob); prod-canary runs B
    const { sandbox, clone } = await published();
    try {
      // AND one commit sets prod to B with no approver, deletes payments-api's shard (its record of the ledger)
      //     and prod's values directories
      const ledger = read(clone, PAYMENTS);
      const i = ledger.indexOf('\n  prod:\n');
      fs.writeFileSync(
        path.join(clone, PAYMENTS),
        ledger.slice(0, i) + ledger.slice(i).replace(`digest: ${A}`, `digest: ${B}`).replace('approvedBy: bob', 'approvedBy: null'),
      );
      sandbox.git(
        clone,
        'rm',
        '--quiet',
        '-r',
        SHARD,
        'environments/prod/aws/eu-02/payments-api',
        'environments/prod/gcp/gcp-01/payments-api',
      );
      sandbox.git(clone, 'commit', '--quiet', '-am', 'Tidy payments-api');
      const before = snapshot(sandbox, clone);
      // WHEN synth runs with the unchanged program
      const r = await cli(clone, program(), ['synth'], T3);
      // THEN prod's entry is judged as the hand edit it is (no approver: CG612), and nothing is written;
      //      the shard's deletion does not turn the edit into history
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('CG612')]);
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(fs.existsSync(path.join(clone, PROD_GCP_VALUES))).toBe(false);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('tag releases', () => {
  it('a tag as initialDigest in environments that allow tags is accepted, or refused with its construct path', async () => {
    // GIVEN a platform whose environments allow tags (requireDigest: false), payments-api's initial release a tag
    const sandbox = Sandbox.create();
    const clone = sandbox.clone('ci');
    try {
      // WHEN it is published
      const r = await cli(clone, program({ tags: true, initial: '1.0.0' }), ['publish', '--by', 'ci']);
      // THEN the program's validation (no CG115 for tag environments) and the commands agree: either the tag is
      //      the initial release, or the problem is reported as a program problem, with its construct path
      expect(r.code === 0 ? read(clone, PROD_GCP_VALUES) : r.stderr).toMatch(
        r.code === 0 ? /tag: "1\.0\.0"/ : /\[platform\/payments-api\]/,
      );
    } finally {
      sandbox.cleanup();
    }
  });
});
