/**
 * Hostile use of the release path: ring moves, removals, ledger edits and Git times that walk
 * around the promises of "Gates hold wherever the ledger can change" and "Rename a ring, remove
 * a cluster: nothing is deleted by accident". Each test drives the built CLI on a real checkout
 * (and a bare remote where publish is involved) with a model replayed from JSON, and asserts the
 * refusal the README promises and that nothing was written.
 */
import { createHash } from 'crypto';
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
const X = `sha256:${'e'.repeat(64)}`;
const PAYMENTS = 'releases/payments-api.yaml';
const MANIFEST = '.cdk8s-gitops/manifest.json';
const SHARD = '.cdk8s-gitops/services/payments-api.json';
const PROD_AWS_VALUES = 'environments/prod/aws/eu-02/payments-api/values.yaml';
const PROD_GCP_VALUES = 'environments/prod/gcp/gcp-01/payments-api/values.yaml';
const T0 = '2026-11-22T10:00:00Z';
const T2 = '2026-11-22T12:00:00Z';

type RingShape = 'standard' | 'gcp-moved-from-nonprod' | 'gcp-into-canary' | 'merged';

interface Shape {
  /** How prod's rings are cut. @default 'standard' (nonprod → prod-canary → prod, prod gated) */
  readonly rings?: RingShape;
  /** Whether ledger-api is declared. @default true */
  readonly ledgerApi?: boolean;
  /** initialDigest of ledger-api. @default D0 */
  readonly ledgerApiInitial?: string;
  readonly removals?: Removal[];
}

/**
 * nonprod (aws/eu-01) → prod-canary (prod/aws/eu-01) → prod (prod/aws/eu-02 and prod/gcp/gcp-01;
 * soak 1h, approval). Variants move prod's gcp cluster elsewhere.
 */
function program(shape: Shape = {}): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
  const aws = new Cloud(platform, 'aws');
  const gcp = new Cloud(platform, 'gcp');
  new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
  const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
  const eu02 = new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
  const gcp01 = new Cluster(prod, 'gcp-01', { cloud: gcp, region: 'europe-west4' });
  const gates = () => [Gate.soak(Duration.hours(1)), Gate.approval()];
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  switch (shape.rings ?? 'standard') {
    case 'standard':
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
      new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02, gcp01), gates: gates() });
      break;
    case 'gcp-moved-from-nonprod':
      // prod's gcp cluster gets a gated ring of its own, declared (wrongly) as moved from "nonprod", which still exists
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
      new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02), gates: gates() });
      new PromotionRing(platform, 'prod-gcp', { targets: Targets.cluster(gcp01), gates: gates(), movedFrom: ['nonprod'] });
      break;
    case 'gcp-into-canary':
      // prod's gcp cluster moves into the (ungated) canary ring, without any declaration
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary, gcp01) });
      new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02), gates: gates() });
      break;
    case 'merged':
      // prod-canary and prod merged into one ring, "production", moved from both
      new PromotionRing(platform, 'production', { targets: Targets.environment(prod), gates: gates(), movedFrom: ['prod-canary', 'prod'] });
      break;
  }
  const svc = new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: D0 });
  svc.deployTo([nonprod, prod]);
  if (shape.ledgerApi !== false) {
    new Service(platform, 'ledger-api', {
      image: { repository: 'registry.example.com/ledger-api' },
      initialDigest: shape.ledgerApiInitial ?? D0,
    }).deployTo([nonprod, prod]);
  }
  if (shape.removals) platform.removed(...shape.removals);
  return platform.snapshot();
}

let replay: ModelReplay;

beforeAll(() => {
  replay = ModelReplay.create('cdk8s-gitops-release-attacks-', T0);
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

/**
 * A bare remote where the program was published and payments-api promoted to A through every
 * ring (prod after its soak, approved by bob), each step its own published commit; and a clone.
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
  return { sandbox, clone };
}

const snapshot = cloneSnapshot;

/** Replaces prod's digest in `text` (the ledger) by `digest`. */
function withProdDigest(text: string, digest: string): string {
  const start = text.indexOf('\n  prod:\n');
  expect(start).toBeGreaterThan(0);
  return text.slice(0, start) + text.slice(start).replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${digest}`);
}

describe('ring moves', () => {
  it("fails when movedFrom names a ring the program still declares: the gated ring would take the ungated ring's unapproved digest", async () => {
    // GIVEN prod runs A (soaked, approved by bob) and mallory has just put B into nonprod, published
    const { sandbox, clone } = await published();
    try {
      await ok(clone, program(), ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'], T2);
      const before = snapshot(sandbox, clone);
      // WHEN prod's gcp cluster gets a gated ring "prod-gcp" declared as movedFrom: ['nonprod'] (which still exists) and is planned and published
      const moved = program({ rings: 'gcp-moved-from-nonprod' });
      const plan = await cli(clone, moved, ['plan'], T2);
      const r = await cli(clone, moved, ['publish', '--by', 'mallory'], T2);
      // THEN plan warns and the write is refused: prod's gcp target ran A in prod, and must not take nonprod's B
      //      without prod's soak and approval
      expect(plan.stderr).toContain(
        'Warning: synth refuses this (CG144): The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb without a promotion',
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      // AND nothing was written or pushed; prod's gcp cluster still runs A
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(sandbox.remoteFile(PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when a target moves, without a declaration, from a gated ring into a ring that runs another digest', async () => {
    // GIVEN prod runs A, and B runs in nonprod and prod-canary (not soaked, not approved for prod)
    const { sandbox, clone } = await published();
    try {
      await ok(clone, program(), ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'], T2);
      await ok(
        clone,
        program(),
        ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'mallory', '--publish'],
        T2,
      );
      const before = snapshot(sandbox, clone);
      // WHEN prod's gcp cluster is moved into prod-canary's targets, with no movedFrom, and synth runs
      const r = await cli(clone, program({ rings: 'gcp-into-canary' }), ['synth'], T2);
      // THEN synth refuses: a target that ran a digest keeps running it
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(read(clone, PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it("fails when two rings running different digests are merged with movedFrom: the merged ring silently takes the first one's", async () => {
    // GIVEN prod runs A (approved), prod-canary runs B (unapproved)
    const { sandbox, clone } = await published();
    try {
      await ok(clone, program(), ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'], T2);
      await ok(
        clone,
        program(),
        ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'mallory', '--publish'],
        T2,
      );
      const before = snapshot(sandbox, clone);
      // WHEN prod-canary and prod are merged into "production", movedFrom: ['prod-canary', 'prod']
      const r = await cli(clone, program({ rings: 'merged' }), ['synth'], T2);
      // THEN the merge is refused: prod's clusters must not switch to B
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch 2 Applications payments-api-prod-aws-eu-02, payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(read(clone, PROD_AWS_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('removals', () => {
  it('fails when Removal.application names an Application the program still declares (CG143)', () => {
    // WHEN the program declares the removal of an Application it still declares, by name or by a pattern
    // THEN it is an error like Removal.service/cluster/environment of something still declared
    expect(() => program({ removals: [Removal.application('payments-api-prod-aws-eu-02')] })).toThrow(
      'CG143 Removal.application("payments-api-prod-aws-eu-02") matches an Application the program still declares: payments-api-prod-aws-eu-02.',
    );
    expect(() => program({ removals: [Removal.application('*')] })).toThrow(
      /CG143 Removal.application\("\*"\) matches \d+ Applications the program still declares/,
    );
  });

  it('fails when the ledger of a declared service was deleted and pushed by someone else: publish must not reset prod to initialDigest', async () => {
    // GIVEN prod runs A (soaked, approved), and someone else deleted releases/payments-api.yaml and pushed
    const { sandbox, clone } = await published();
    try {
      const other = sandbox.clone('other');
      sandbox.git(other, 'rm', '--quiet', PAYMENTS);
      sandbox.git(other, 'commit', '--quiet', '-m', 'Clean up');
      sandbox.git(other, 'push', '--quiet', 'origin', 'main');
      sandbox.git(clone, 'pull', '--quiet', '--ff-only', 'origin', 'main');
      const before = snapshot(sandbox, clone);
      // WHEN CI runs plan and publish
      const plan = await cli(clone, program(), ['plan'], T2);
      const r = await cli(clone, program(), ['publish', '--by', 'ci'], T2);
      // THEN plan and publish refuse: no ring rolls back to initialDigest, no history is lost
      for (const run of [plan, r]) {
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`CG210 ${PAYMENTS} is missing, but cdk8s-gitops wrote it and the manifest records it`);
      }
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(sandbox.remoteFile(PROD_AWS_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when an uncommitted deletion of a ledger would make synth reset every ring to initialDigest (CG210)', async () => {
    // GIVEN prod runs A; the ledger is deleted in the work tree
    const { sandbox, clone } = await published();
    try {
      fs.rmSync(path.join(clone, PAYMENTS));
      const before = snapshot(sandbox, clone);
      // WHEN synth runs
      const r = await cli(clone, program(), ['synth'], T2);
      // THEN it refuses, and writes nothing
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`CG210 ${PAYMENTS} is missing`);
      expect(r.stderr).toContain(`git checkout HEAD -- ${PAYMENTS}`);
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(read(clone, PROD_AWS_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when a removed service whose kept ledger was deleted in Git is declared again: it never comes back from its initialDigest', async () => {
    // GIVEN ledger-api ran B in nonprod, then was removed (Removal.service), published
    const { sandbox, clone } = await published();
    try {
      await ok(clone, program(), ['promote', 'ledger-api', '--ring', 'nonprod', '--digest', B, '--by', 'bob', '--publish'], T2);
      const removed = program({ ledgerApi: false, removals: [Removal.service('ledger-api')] });
      await ok(clone, removed, ['publish', '--by', 'ci'], T2);
      // AND its kept ledger was deleted and pushed
      sandbox.git(clone, 'rm', '--quiet', 'releases/ledger-api.yaml');
      sandbox.git(clone, 'commit', '--quiet', '-m', 'Clean up the old ledger');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      // WHEN ledger-api is declared again, with another initialDigest
      const before = snapshot(sandbox, clone);
      const back = await cli(clone, program({ ledgerApiInitial: X }), ['publish', '--by', 'ci'], T2);
      // THEN it is refused (CG210), naming how to restore the ledger; it never runs its initialDigest
      expect(back.code).toBe(1);
      expect(back.stderr).toContain('CG210 releases/ledger-api.yaml is missing, but cdk8s-gitops wrote it and the manifest records it');
      expect(back.stderr).toContain('git log --diff-filter=D --format=%h -1 -- releases/ledger-api.yaml');
      expect(snapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('gates', () => {
  it("check --base refuses, in a merge request, a hand edit of prod's digest pushed together with the ledger's new hash in the manifest (CG610)", async () => {
    // GIVEN prod runs A; someone sets prod to X (never ran in prod-canary), rewrites the ledger's hash in
    // the manifest so that nothing looks edited by hand, and pushes it as a merge-request branch
    const { sandbox, clone } = await published();
    try {
      const other = sandbox.clone('other');
      const ledger = withProdDigest(read(other, PAYMENTS), X);
      fs.writeFileSync(path.join(other, PAYMENTS), ledger);
      const sha = createHash('sha256').update(ledger).digest('hex');
      const shard = read(other, SHARD).replace(/("releases\/payments-api\.yaml": \{"sha256": ")[0-9a-f]{64}/, `$1${sha}`);
      expect(shard).toContain(sha);
      fs.writeFileSync(path.join(other, SHARD), shard);
      sandbox.git(other, 'checkout', '--quiet', '-b', 'hot-fix');
      sandbox.git(other, 'commit', '--quiet', '-am', 'Hot fix');
      sandbox.git(other, 'push', '--quiet', 'origin', 'hot-fix');
      // AND the merge-request pipeline of the GitOps repository checks out the branch
      sandbox.git(clone, 'fetch', '--quiet', 'origin');
      sandbox.git(clone, 'checkout', '--quiet', '-b', 'hot-fix', 'origin/hot-fix');
      const before = snapshot(sandbox, clone);
      // WHEN it runs check against the branch the change goes into
      const r = await cli(clone, program(), ['check', '--base', 'origin/main'], T2);
      const typo = await cli(clone, program(), ['check', '--base', 'origin/mian'], T2);
      // THEN the edit is refused with the rule it breaks, and a base that names no commit is an error
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG610 Ring "prod" runs sha256:eeeeeeee, which never ran in "prod-canary"');
      expect(r.stderr).toContain('git checkout origin/main -- releases/payments-api.yaml');
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain('CG315 --base "origin/mian" names no commit');
      expect(snapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it("fails when prod's digest is edited by hand and the manifest deleted, pushed: synth --adopt refuses", async () => {
    // GIVEN prod runs A; someone else sets prod to X and deletes the manifest, pushed
    const { sandbox, clone } = await published();
    try {
      const other = sandbox.clone('other');
      fs.writeFileSync(path.join(other, PAYMENTS), withProdDigest(read(other, PAYMENTS), X));
      sandbox.git(other, 'rm', '--quiet', MANIFEST);
      sandbox.git(other, 'commit', '--quiet', '-am', 'Hot fix');
      sandbox.git(other, 'push', '--quiet', 'origin', 'main');
      sandbox.git(clone, 'pull', '--quiet', '--ff-only', 'origin', 'main');
      const before = snapshot(sandbox, clone);
      // WHEN synth --adopt runs
      const r = await cli(clone, program(), ['synth', '--adopt'], T2);
      // THEN it refuses with CG610 and writes nothing
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG610');
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(read(clone, PROD_AWS_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it('fails when the soak is counted from a committer date the promoter set before its parent commit (CG602)', async () => {
    // GIVEN B promoted into nonprod at T2 and into prod-canary at T2, that commit backdated (GIT_COMMITTER_DATE) 3h, before its own parent
    const { sandbox, clone } = await published();
    try {
      await ok(clone, program(), ['promote', 'payments-api', '--ring', 'nonprod', '--digest', B, '--by', 'alice', '--publish'], T2);
      await ok(
        clone,
        program(),
        ['promote', 'payments-api', '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish'],
        T2,
        { GIT_COMMITTER_DATE: '2026-11-22T09:00:00Z' },
      );
      expect(sandbox.git(clone, 'log', '-2', '--format=%cI')).toBe('2026-11-22T09:00:00Z\n2026-11-22T12:00:00Z'.replace(/Z/g, '+00:00'));
      const before = snapshot(sandbox, clone);
      // WHEN prod is promoted from prod-canary at T2, seconds after B reached prod-canary
      const r = await cli(
        clone,
        program(),
        ['promote', 'payments-api', '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob', '--publish'],
        T2,
      );
      // THEN the soak has not been served: B cannot have reached prod-canary before the commit it was taken from
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CG602');
      expect(snapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });
});
