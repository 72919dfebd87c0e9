/**
 * Hostile use of the release path around ring moves: a rendered object renamed in the same
 * write, the manifest's record of a ledger pointed at an older version of it (committed or
 * not); and outside Git, a ledger edit that changes no entry must not be refused.
 * Each test drives the built CLI on a real checkout with a model replayed from JSON.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import {
  Cloud,
  Cluster,
  ControlPlane,
  Duration,
  Environment,
  Gate,
  Platform,
  PromotionRing,
  RenderFunction,
  Service,
  Targets,
  Workload,
} from '../../src';
import { PlatformModel } from '../../src/model/platform-model';
import { Sandbox } from '../git/sandbox';
import { cloneSnapshot, ModelReplay, readFile } from '../support/replay';
import { runCli } from '../support/tree';

const D0 = `sha256:${'0'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const PAYMENTS = 'releases/payments-api.yaml';
const SHARD = '.cdk8s-gitops/services/payments-api.json';
const PROD_GCP_VALUES = 'environments/prod/gcp/gcp-01/payments-api/values.yaml';
const T0 = '2026-11-22T10:00:00Z';
const T2 = '2026-11-22T12:00:00Z';

interface Shape {
  /** prod's gcp cluster moves into prod-canary, undeclared. */
  readonly gcpIntoCanary?: boolean;
  /** Also declare orders-api, rendered: one Deployment whose id is `deployment`. */
  readonly rendered?: { readonly deployment: string };
}

/**
 * nonprod (aws/eu-01) → prod-canary (prod/aws/eu-01) → prod (prod/aws/eu-02 and prod/gcp/gcp-01;
 * soak 1h, approval).
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
  const gates = [Gate.soak(Duration.hours(1)), Gate.approval()];
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  if (shape.gcpIntoCanary) {
    new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary, gcp01) });
    new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02), gates });
  } else {
    new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
    new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02, gcp01), gates });
  }
  new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: D0 }).deployTo([
    nonprod,
    prod,
  ]);
  if (shape.rendered) {
    const id = shape.rendered.deployment;
    const render: RenderFunction = (ctx) => {
      new kplus.Deployment(ctx.scope, id, { containers: [{ name: 'api', image: ctx.image, portNumber: 8080 }] });
    };
    new Service(platform, 'orders-api', {
      image: { repository: 'registry.example.com/orders-api' },
      initialDigest: D0,
      workload: Workload.render(render),
    }).deployTo([nonprod, prod]);
  }
  return platform.snapshot();
}

let replay: ModelReplay;

beforeAll(() => {
  replay = ModelReplay.create('cdk8s-gitops-release-move-attacks-', T0);
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

function commitAll(dir: string, message: string, date = T2): void {
  execFileSync('git', ['add', '--all'], { cwd: dir });
  execFileSync('git', ['commit', '--quiet', '-m', message], {
    cwd: dir,
    env: { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
  });
}

/**
 * A bare remote where `service` runs A in prod (soaked, approved by bob) and B in nonprod and
 * prod-canary, each step its own published commit; and a clone.
 */
async function published(shape: Shape = {}, service = 'payments-api'): Promise<{ sandbox: Sandbox; clone: string }> {
  const sandbox = Sandbox.create();
  const clone = sandbox.clone('ci');
  const model = program(shape);
  await ok(clone, model, ['publish', '--by', 'ci'], T0, { GIT_COMMITTER_DATE: '2026-11-21T10:00:00Z' });
  await ok(clone, model, ['promote', service, '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish']);
  await ok(clone, model, ['promote', service, '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish']);
  await ok(
    clone,
    model,
    ['promote', service, '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob', '--publish'],
    T2,
  );
  await ok(clone, model, ['promote', service, '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'], T2);
  await ok(clone, model, ['promote', service, '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'mallory', '--publish'], T2);
  return { sandbox, clone };
}

const snapshot = cloneSnapshot;

/** The sha256 cdk8s-gitops records for a text. */
function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A copy of `clone`'s work tree outside any Git repository. */
function outsideGit(clone: string): string {
  const out = fs.mkdtempSync(path.join(replay.root, 'nogit-'));
  fs.cpSync(clone, out, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
  return out;
}

describe('CG144: a target keeps what it runs', () => {
  it("fails when a rendered service's target moves into a ring running another digest while its Deployment is renamed in the same write", async () => {
    // GIVEN orders-api is rendered (one Deployment, id "api"); it runs A in prod (soaked, approved) and B in prod-canary
    const { sandbox, clone } = await published({ rendered: { deployment: 'api' } }, 'orders-api');
    try {
      const before = snapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary, undeclared, and the Deployment's id becomes "web" (a new file name)
      const moved = program({ rendered: { deployment: 'web' }, gcpIntoCanary: true });
      const r = await cli(clone, moved, ['synth'], T2);
      // THEN synth refuses as it does without the rename: the gcp target would switch from A to B without prod's gates
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application orders-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      // AND nothing was written: the gcp target still runs A
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(read(clone, 'environments/prod/gcp/gcp-01/orders-api/deployment-orders-api-api.yaml')).toContain(
        `registry.example.com/orders-api@${A}`,
      );
      // AND plan warns that synth refuses it
      const plan = await cli(clone, moved, ['plan'], T2);
      expect(plan.stderr).toContain('Warning: synth refuses this (CG144)');
      expect(snapshot(sandbox, clone)).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it("fails when a target moves after the shard's hash of the ledger was pointed at an older ledger version (where the new ring ran the target's digest)", async () => {
    // GIVEN prod runs A (soaked, approved), prod-canary runs B; one commit before, prod-canary ran A
    const { sandbox, clone } = await published();
    try {
      // AND the shard's sha256 of the ledger is replaced by the hash of the ledger at HEAD~1 (the ledger itself is untouched)
      const older = `${sandbox.git(clone, 'show', `HEAD~1:${PAYMENTS}`)}\n`;
      const shard = read(clone, SHARD);
      expect(shard).toContain(sha256(read(clone, PAYMENTS)));
      fs.writeFileSync(path.join(clone, SHARD), shard.replace(sha256(read(clone, PAYMENTS)), sha256(older)));
      const before = snapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary, undeclared, and synth runs
      const r = await cli(clone, program({ gcpIntoCanary: true }), ['synth'], T2);
      // THEN it is refused (CG144): the gcp target runs A and prod-canary runs B, whatever the record says the ledger was
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      // AND nothing was written; prod's gcp cluster still runs A
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(read(clone, PROD_GCP_VALUES)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });

  it("fails when publish pushes a target move after the shard's hash of the ledger was pointed at an older ledger version, committed", async () => {
    // GIVEN prod runs A, prod-canary runs B, and the shard's sha256 of the ledger is that of the ledger at HEAD~1 (prod-canary ran A)
    const { sandbox, clone } = await published();
    try {
      const older = `${sandbox.git(clone, 'show', `HEAD~1:${PAYMENTS}`)}\n`;
      fs.writeFileSync(path.join(clone, SHARD), read(clone, SHARD).replace(sha256(read(clone, PAYMENTS)), sha256(older)));
      // AND that edit is committed and pushed
      commitAll(clone, 'Tidy the manifest');
      sandbox.git(clone, 'push', '--quiet', 'origin', 'main');
      const before = snapshot(sandbox, clone);
      // WHEN prod's gcp cluster moves into prod-canary, undeclared, and publish runs
      const r = await cli(clone, program({ gcpIntoCanary: true }), ['publish', '--by', 'mallory'], T2);
      // THEN it is refused (CG144); nothing was written, committed or pushed
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'CG144 The write would switch Application payments-api-prod-gcp-gcp-01 from sha256:aaaaaaaa to sha256:bbbbbbbb',
      );
      expect(snapshot(sandbox, clone)).toEqual(before);
      expect(sandbox.git(sandbox.remote, 'show', `main:${PROD_GCP_VALUES}`)).toContain(`digest: ${A}`);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('outside Git', () => {
  it('does not refuse a ledger whose only hand edit is its comment, with the program unchanged (no false CG610)', async () => {
    // GIVEN a published tree copied outside Git: prod runs A (taken from prod-canary, which ran A from 10:00 to 12:00, approved by bob)
    const { sandbox, clone } = await published();
    try {
      const out = outsideGit(clone);
      expect((await cli(out, program(), ['synth'], T2)).code).toBe(0);
      // AND the ledger's first line (a comment) is edited by hand: no ring's entry changes
      fs.writeFileSync(path.join(out, PAYMENTS), read(out, PAYMENTS).replace(/^(# [^\n]*)/, '$1 (see the runbook)'));
      const values = read(out, PROD_GCP_VALUES);
      // WHEN synth runs with the unchanged program
      const r = await cli(out, program(), ['synth'], T2);
      // THEN it is not refused: prod's entry is what promote wrote, and A did run in prod-canary (its previous list says so)
      expect(r.stderr).not.toContain('CG610');
      expect(r.code).toBe(0);
      // AND no target changes what it runs
      expect(read(out, PROD_GCP_VALUES)).toBe(values);
    } finally {
      sandbox.cleanup();
    }
  });
});
