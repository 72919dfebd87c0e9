/**
 * No Application disappears as a side effect: renaming or splitting a ring, removing a cluster
 * or a service, or a typo in a ledger's ring key never makes a write delete a running
 * Application, unless the program declares it (Platform.removed, PromotionRing movedFrom) or
 * the command is given --allow-remove. Each test drives the CLI on a real checkout (and a real
 * Git remote for publish) with a model replayed from JSON, and compares the checkout byte for
 * byte when nothing may be written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Removal, Service, Targets, Workload } from '../../src';
import { PlatformModel } from '../../src/model/platform-model';
import { Sandbox } from '../git/sandbox';
import { hashTree } from '../support/hash-tree';
import { ModelReplay, readFile } from '../support/replay';
import { runCli } from '../support/tree';
import { fleet } from '../support/fleet';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const PAYMENTS = 'releases/payments-api.yaml';
const LEDGER_API = 'releases/ledger-api.yaml';
const AWS_APPS = ['payments-api-prod-aws-eu-central-1-01'];

/** What varies between the programs of these tests. */
interface Shape {
  /** Name of the ring of prod less its canary. @default 'prod' */
  readonly prodRing?: string;
  /** movedFrom of that ring. @default - none */
  readonly movedFrom?: string[];
  /** Split that ring into prod-aws and prod-gcp, each moved from prod. @default false */
  readonly split?: boolean;
  /** Give prod's aws cluster a ring of its own, "prod-aws", with this movedFrom. @default - no such ring */
  readonly awsRing?: { movedFrom?: string[] };
  /** Whether prod has its aws cluster. @default true */
  readonly aws?: boolean;
  /** Whether ledger-api is declared. @default true */
  readonly ledgerApi?: boolean;
  /** Removals declared. @default - none */
  readonly removals?: Removal[];
  /** payments-api's chart path. @default - the platform's */
  readonly paymentsChartPath?: string;
  /** payments-api's namespace. @default - its name */
  readonly paymentsNamespace?: string;
  /** payments-api's Helm release name. @default - the Application's name */
  readonly paymentsReleaseName?: string;
  /** prod on nonprod's control plane (its Argo CD, the same namespace), not its own. @default false */
  readonly prodOnNonprodArgoCd?: boolean;
  /** The name of prod's own control plane. @default 'prod' */
  readonly prodArgoCd?: string;
  /** The name of nonprod's cluster. @default 'westeurope-01' */
  readonly nonprodCluster?: string;
}

/** A platform like the example's: nonprod and prod, each with its own Argo CD; prod on azure (canary), aws and gcp. */
function program(shape: Shape = {}): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const nonprodArgoCd = new ControlPlane(platform, 'nonprod');
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: nonprodArgoCd });
  const prod = new Environment(platform, 'prod', {
    controlPlane: shape.prodOnNonprodArgoCd ? nonprodArgoCd : new ControlPlane(platform, shape.prodArgoCd ?? 'prod'),
  });
  const azure = new Cloud(platform, 'azure');
  const aws = new Cloud(platform, 'aws');
  const gcp = new Cloud(platform, 'gcp');
  new Cluster(nonprod, shape.nonprodCluster ?? 'westeurope-01', { cloud: azure, region: 'westeurope' });
  const canary = new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
  const awsCluster = shape.aws === false ? undefined : new Cluster(prod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  new Cluster(prod, 'europe-west4-01', { cloud: gcp, region: 'europe-west4' });
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
  const rest = Targets.environment(prod).except(Targets.cluster(canary));
  if (shape.split) {
    new PromotionRing(platform, 'prod-aws', { targets: rest.except(Targets.cloud(gcp)), movedFrom: ['prod'] });
    new PromotionRing(platform, 'prod-gcp', { targets: Targets.cloud(gcp), movedFrom: ['prod'] });
  } else if (shape.awsRing && awsCluster) {
    new PromotionRing(platform, shape.prodRing ?? 'prod', { targets: rest.except(Targets.cluster(awsCluster)) });
    new PromotionRing(platform, 'prod-aws', {
      targets: Targets.cluster(awsCluster),
      ...(shape.awsRing.movedFrom ? { movedFrom: shape.awsRing.movedFrom } : {}),
    });
  } else {
    new PromotionRing(platform, shape.prodRing ?? 'prod', { targets: rest, ...(shape.movedFrom ? { movedFrom: shape.movedFrom } : {}) });
  }
  new Service(platform, 'payments-api', {
    image: { repository: 'registry.example.com/payments-api' },
    initialDigest: D1,
    ...(shape.paymentsChartPath || shape.paymentsReleaseName
      ? {
          workload: Workload.helmChart({
            ...(shape.paymentsChartPath ? { chartPath: shape.paymentsChartPath } : {}),
            ...(shape.paymentsReleaseName ? { releaseName: shape.paymentsReleaseName } : {}),
          }),
        }
      : {}),
    ...(shape.paymentsNamespace ? { namespace: shape.paymentsNamespace } : {}),
  }).deployTo([nonprod, prod]);
  if (shape.ledgerApi !== false) {
    new Service(platform, 'ledger-api', { image: { repository: 'registry.example.com/ledger-api' }, initialDigest: D1 }).deployTo(nonprod);
  }
  if (shape.removals) platform.removed(...shape.removals);
  return platform.snapshot();
}

let replay: ModelReplay;
let checkouts = 0;

beforeAll(() => {
  replay = ModelReplay.create('cdk8s-gitops-removals-');
});
afterAll(() => replay.cleanup());

function cli(dir: string, model: PlatformModel, ...args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '--out', dir, '--app', replay.app(model)]);
}

/** A checkout synthesized from `model`, with payments-api promoted to D2 in every ring. */
async function checkout(model: PlatformModel = program(), promoted = true): Promise<string> {
  const dir = path.join(replay.root, `checkout-${++checkouts}`);
  expect((await cli(dir, model, 'synth')).code).toBe(0);
  if (promoted) {
    for (const [ring, from] of [
      ['nonprod', undefined],
      ['prod-canary', 'nonprod'],
      ['prod', 'prod-canary'],
    ] as const) {
      const r = await cli(
        dir,
        model,
        'promote',
        'payments-api',
        '--ring',
        ring,
        ...(from ? ['--from', from] : ['--digest', D2]),
        '--by',
        'alice',
      );
      expect([r.code, r.stderr]).toEqual([0, '']);
    }
  }
  return dir;
}

/** The Applications a checkout generates, by name (`preview`). */
async function applications(dir: string): Promise<string[]> {
  const r = await runCli(['preview', '--out', dir, '--format', 'json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { metadata: { name: string } }[]).map((a) => a.metadata.name).sort();
}

describe('ring renamed or split', () => {
  it('fails when a ring is renamed without movedFrom, in synth, plan, status and check, naming the declaration; nothing is written', async () => {
    // GIVEN a checkout whose ledger has payments-api's prod at D2
    const dir = await checkout();
    const before = hashTree(dir);
    const renamed = program({ prodRing: 'production' });
    // WHEN the program renames the ring "prod" to "production" and each command runs
    for (const command of ['synth', 'plan', 'status', 'check']) {
      const r = await cli(dir, renamed, command);
      // THEN each fails with CG209, suggests the rename and shows the declaration to add
      expect([command, r.code]).toEqual([command, 1]);
      expect(r.stderr).toContain('CG209 releases/payments-api.yaml records ring "prod" (running sha256:22222222)');
      expect(r.stderr).toContain('Did you mean "production"?');
      expect(r.stderr).toContain("new PromotionRing(platform, 'production', { …, movedFrom: ['prod'] })");
    }
    // AND nothing was written
    expect(hashTree(dir)).toEqual(before);
  });

  it('fails on a typo in a ledger ring key in status, plan, check, synth and promote, with a did-you-mean', async () => {
    // GIVEN a checkout whose ledger was edited by hand: "prod-canary:" became "prod-canry:"
    const dir = await checkout();
    fs.writeFileSync(path.join(dir, PAYMENTS), readFile(dir, PAYMENTS).replace('  prod-canary:\n', '  prod-canry:\n'));
    const before = hashTree(dir);
    const model = program();
    // WHEN commands that read the ledger run
    for (const args of [['status'], ['plan'], ['check'], ['synth'], ['promote', 'payments-api', '--ring', 'nonprod', '--digest', D1]]) {
      const r = await cli(dir, model, ...args);
      // THEN each fails with CG209 and the likely key
      expect([args[0], r.code]).toEqual([args[0], 1]);
      expect(r.stderr).toContain('CG209 releases/payments-api.yaml records ring "prod-canry"');
      expect(r.stderr).toContain('Did you mean "prod-canary"?');
    }
    expect(hashTree(dir)).toEqual(before);
  });

  it('renames a ring declared with movedFrom: the ledger entry and its history move, no Application is deleted, and a second synth changes nothing', async () => {
    // GIVEN a checkout whose prod runs D2, with D1 in its history
    const dir = await checkout();
    const apps = await applications(dir);
    const values = readFile(dir, 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml');
    const renamed = program({ prodRing: 'production', movedFrom: ['prod'] });
    // WHEN the plan and the synth of the renamed program run
    const plan = await cli(dir, renamed, 'plan', '--format', 'json');
    const synth = await cli(dir, renamed, 'synth');
    // THEN the plan deletes no Application, and synth rewrites only the ledgers and STATUS.md
    expect(plan.code).toBe(2);
    expect(JSON.parse(plan.stdout).applications).toEqual([]);
    expect([synth.code, synth.stderr]).toEqual([0, '']);
    // (the release model records the rings, so it changes with them)
    expect(synth.stdout.split('\n').filter((l) => l.startsWith('['))).toEqual([
      `[~] STATUS.md`,
      `[~] ${LEDGER_API}`,
      `[~] ${PAYMENTS}`,
      '[~] .cdk8s-gitops/model/platform.json',
      '[~] .cdk8s-gitops/model/services/payments-api.json',
    ]);
    expect(synth.stdout).toMatch(/: 0 created, 5 updated, 0 deleted, \d+ unchanged\.\n$/);
    // AND the ledger names the ring "production", with prod's digest and history; no "prod" is left
    const ledger = readFile(dir, PAYMENTS);
    expect(ledger).toMatch(
      / {2}production:\n {4}digest: sha256:2{64}\n(.*\n){5} {4}previous:\n {6}- \{ digest: sha256:1{64}, since: "1970-01-01T00:00:00Z", by: initial \}\n/,
    );
    expect(ledger).not.toMatch(/^ {2}prod:$/m);
    // AND the Applications and what they run are the same
    expect(await applications(dir)).toEqual(apps);
    expect(readFile(dir, 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml')).toBe(values);
    // AND status shows the ring under its new name, and a second synth writes nothing
    const status = await cli(dir, renamed, 'status');
    expect(status.stdout).toMatch(/ {2}production +2 +sha256:22222222 +2026-11-22T10:00:00Z +alice +prod-canary/);
    const before = hashTree(dir);
    expect((await cli(dir, renamed, 'synth')).stdout).toMatch(/^No changes/);
    expect(hashTree(dir)).toEqual(before);
  });

  it('splits a ring: both new rings inherit what the old one runs', async () => {
    // GIVEN a checkout whose prod runs D2
    const dir = await checkout();
    const apps = await applications(dir);
    // WHEN prod is split into prod-aws and prod-gcp, each moved from prod
    const r = await cli(dir, program({ split: true }), 'synth');
    // THEN both run D2, with prod's history, and every Application stays
    expect([r.code, r.stderr]).toEqual([0, '']);
    const ledger = readFile(dir, PAYMENTS);
    for (const ring of ['prod-aws', 'prod-gcp']) expect(ledger).toMatch(new RegExp(` {2}${ring}:\\n {4}digest: sha256:2{64}\\n`));
    expect(ledger).not.toMatch(/^ {2}prod:$/m);
    expect(await applications(dir)).toEqual(apps);
  });

  it('fails when targets move to a ring that runs nothing, naming them and the movedFrom to add; nothing is written', async () => {
    // GIVEN a checkout whose prod runs D2
    const dir = await checkout();
    const before = hashTree(dir);
    // WHEN prod's aws cluster gets a ring of its own, "prod-aws", without movedFrom
    const r = await cli(dir, program({ awsRing: {} }), 'synth');
    // THEN synth fails with CG141 naming its Application and the declaration
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('This write would delete 1 Application the program does not declare removed; nothing was written:');
    expect(r.stderr).toContain(
      `CG141 The write would delete Application ${AWS_APPS[0]}: its ring "prod-aws" runs no digest of payments-api`,
    );
    expect(r.stderr).toContain("new PromotionRing(platform, 'prod-aws', { …, movedFrom: ['<that ring>'] })");
    expect(hashTree(dir)).toEqual(before);
    // AND with movedFrom: ['prod'] the target keeps running D2
    const moved = await cli(dir, program({ awsRing: { movedFrom: ['prod'] } }), 'synth');
    expect([moved.code, moved.stderr]).toEqual([0, '']);
    expect(readFile(dir, 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml')).toContain(`digest: ${D2}`);
    expect(readFile(dir, PAYMENTS)).toMatch(/ {2}prod-aws:\n {4}digest: sha256:2{64}\n/);
    expect(readFile(dir, PAYMENTS)).toMatch(/ {2}prod:\n {4}digest: sha256:2{64}\n/);
  });
});

describe('clusters and services removed', () => {
  it('plan shows the deletions first and loudly, exits 2, and says that synth refuses them', async () => {
    // GIVEN a synthesized checkout
    const dir = await checkout(program(), false);
    const withoutAws = program({ aws: false });
    // WHEN the program without prod's aws cluster is planned, as text and as markdown
    const text = await cli(dir, withoutAws, 'plan');
    const markdown = await cli(dir, withoutAws, 'plan', '--format', 'markdown');
    // THEN the deleted Application heads the plan, marked as not declared
    expect(text.code).toBe(2);
    expect(text.stdout.split('\n').slice(0, 2)).toEqual([
      'Applications DELETED: 1 (Argo CD prunes everything they run); 1 NOT DECLARED removed by the program:',
      `[-] ${AWS_APPS[0]}  (ApplicationSet workloads-prod)  NOT DECLARED: the write is refused`,
    ]);
    expect(text.stdout).toContain('synth, publish, promote, rollback and unhold refuse to write this (CG141)');
    expect(markdown.code).toBe(2);
    expect(markdown.stdout.split('\n').slice(0, 6)).toEqual([
      '### cdk8s-gitops plan',
      '',
      '> [!CAUTION]',
      '> **Applications DELETED: 1 (Argo CD prunes everything they run); 1 NOT DECLARED removed by the program**',
      '>',
      `> - \`${AWS_APPS[0]}\` (ApplicationSet workloads-prod): NOT DECLARED: the write is refused`,
    ]);
    expect(markdown.stderr).toContain(
      'Warning: 1 Application would be deleted without a declaration in the program; synth refuses (CG141).',
    );
  });

  it('fails when a cluster is removed without a declaration, naming every Application and the fix; nothing is written', async () => {
    // GIVEN a synthesized checkout
    const dir = await checkout(program(), false);
    const before = hashTree(dir);
    // WHEN synth runs the program without prod's aws cluster
    const r = await cli(dir, program({ aws: false }), 'synth');
    // THEN it fails with CG141 and the declaration that allows it
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        'Error: This write would delete 1 Application the program does not declare removed; nothing was written:',
        `CG141 The write would delete Application ${AWS_APPS[0]}: cluster prod/aws/eu-central-1-01 is no longer declared. Argo CD would prune everything it runs. ` +
          "Fix: If that is intended, declare it in the program: platform.removed(Removal.cluster('prod/aws/eu-central-1-01')); " +
          `or allow it for this command only: --allow-remove ${AWS_APPS[0]}.`,
        '',
      ].join('\n'),
    );
    expect(hashTree(dir)).toEqual(before);
  });

  it('deletes the Applications of a removed cluster with --allow-remove (a glob), or with Removal.cluster', async () => {
    // GIVEN two synthesized checkouts
    const a = await checkout(program(), false);
    const b = await checkout(program(), false);
    // WHEN one is written with --allow-remove and the other with the removal declared
    const allowed = await cli(a, program({ aws: false }), 'synth', '--allow-remove', '*-prod-aws-*');
    const declared = await cli(b, program({ aws: false, removals: [Removal.cluster('prod/aws/eu-central-1-01')] }), 'synth');
    // THEN both delete the Application, and only it
    for (const [r, dir] of [
      [allowed, a],
      [declared, b],
    ] as const) {
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toContain('[-] environments/prod/aws/eu-central-1-01/payments-api/values.yaml');
      expect(await applications(dir)).not.toContain(AWS_APPS[0]);
      expect(await applications(dir)).toContain('payments-api-prod-gcp-europe-west4-01');
    }
    // AND a glob that matches another Application does not allow this one
    const c = await checkout(program(), false);
    expect((await cli(c, program({ aws: false }), 'synth', '--allow-remove', '*-nonprod-*')).stderr).toContain('CG141');
  });

  it('keeps the ledger of a removed service, and a service declared again resumes from it instead of its initialDigest', async () => {
    // GIVEN a checkout where ledger-api's nonprod runs D2
    const dir = await checkout(program(), false);
    expect((await cli(dir, program(), 'promote', 'ledger-api', '--ring', 'nonprod', '--digest', D2)).code).toBe(0);
    const ledger = readFile(dir, LEDGER_API);
    // WHEN ledger-api is removed without a declaration
    const before = hashTree(dir);
    const refused = await cli(dir, program({ ledgerApi: false }), 'synth');
    // THEN the write is refused
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'CG141 The write would delete Application ledger-api-nonprod-azure-westeurope-01: service "ledger-api" is no longer declared.',
    );
    expect(refused.stderr).toContain("platform.removed(Removal.service('ledger-api'))");
    expect(hashTree(dir)).toEqual(before);
    // WHEN it is removed with Removal.service
    const removed = await cli(dir, program({ ledgerApi: false, removals: [Removal.service('ledger-api')] }), 'synth');
    // THEN its Application goes, but its ledger stays as it was (and plan does not show it)
    expect([removed.code, removed.stderr]).toEqual([0, '']);
    expect(await applications(dir)).not.toContain('ledger-api-nonprod-azure-westeurope-01');
    expect(readFile(dir, LEDGER_API)).toBe(ledger);
    expect((await cli(dir, program({ ledgerApi: false, removals: [Removal.service('ledger-api')] }), 'plan')).code).toBe(0);
    // WHEN ledger-api is declared again
    const back = await cli(dir, program(), 'synth');
    // THEN it runs D2 again, from its ledger, not its initialDigest D1
    expect([back.code, back.stderr]).toEqual([0, '']);
    expect(readFile(dir, 'environments/nonprod/azure/westeurope-01/ledger-api/values.yaml')).toContain(`digest: ${D2}`);
    expect(readFile(dir, LEDGER_API)).toBe(ledger);
  });

  it('fails when promote would also delete an Application of a pending removal; --allow-remove lets it', async () => {
    // GIVEN a checkout written from the program with prod's aws cluster
    const dir = await checkout(program(), false);
    const before = hashTree(dir);
    // WHEN promote runs with the program without it
    const r = await cli(dir, program({ aws: false }), 'promote', 'payments-api', '--ring', 'nonprod', '--digest', D2);
    // THEN it fails with CG141 and writes nothing
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`CG141 The write would delete Application ${AWS_APPS[0]}`);
    expect(hashTree(dir)).toEqual(before);
    // AND with --allow-remove it promotes and deletes the Application
    const allowed = await cli(
      dir,
      program({ aws: false }),
      'promote',
      'payments-api',
      '--ring',
      'nonprod',
      '--digest',
      D2,
      '--allow-remove',
      AWS_APPS[0],
    );
    expect([allowed.code, allowed.stderr]).toEqual([0, '']);
    expect(await applications(dir)).not.toContain(AWS_APPS[0]);
  });
});

describe('publish', () => {
  it('fails when the change would delete an Application the program does not declare removed: nothing is committed or pushed', async () => {
    // GIVEN a GitOps remote with the program published
    const sandbox = Sandbox.create();
    try {
      const clone = sandbox.clone('ci');
      const first = await cli(clone, program(), 'publish', '--by', 'ci');
      expect([first.code, first.stderr]).toEqual([0, '']);
      const head = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      const before = hashTree(clone, ['.git']);
      // WHEN the program without prod's aws cluster is published
      const r = await cli(clone, program({ aws: false }), 'publish', '--by', 'ci');
      // THEN it fails with CG141, and neither the remote nor the clone changed
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`CG141 The write would delete Application ${AWS_APPS[0]}`);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(head);
      expect(sandbox.git(clone, 'rev-parse', 'HEAD')).toBe(head);
      expect(hashTree(clone, ['.git'])).toEqual(before);
      expect(sandbox.git(clone, 'status', '--porcelain')).toBe('');
      // AND with the removal declared it is published
      const declared = await cli(
        clone,
        program({ aws: false, removals: [Removal.cluster('prod/aws/eu-central-1-01')] }),
        'publish',
        '--by',
        'ci',
      );
      expect([declared.code, declared.stderr]).toEqual([0, '']);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).not.toBe(head);
    } finally {
      fs.rmSync(sandbox.root, { recursive: true, force: true });
    }
  });

  it('publishes a ring rename in Git: check stays clean and the renamed ring promotes from its history', async () => {
    // GIVEN a GitOps remote where payments-api was promoted to D2 through every ring, each promotion published
    const sandbox = Sandbox.create();
    try {
      const clone = sandbox.clone('ci');
      expect((await cli(clone, program(), 'publish', '--by', 'ci')).code).toBe(0);
      for (const [ring, from] of [
        ['nonprod', undefined],
        ['prod-canary', 'nonprod'],
        ['prod', 'prod-canary'],
      ] as const) {
        const r = await cli(
          clone,
          program(),
          'promote',
          'payments-api',
          '--ring',
          ring,
          ...(from ? ['--from', from] : ['--digest', D2]),
          '--by',
          'alice',
          '--publish',
        );
        expect([r.code, r.stderr]).toEqual([0, '']);
      }
      const renamed = program({ prodRing: 'production', movedFrom: ['prod'] });
      // WHEN the rename is published
      const published = await cli(clone, renamed, 'publish', '--by', 'ci');
      // THEN it is one commit that moves the ledger entry, check finds nothing, and status shows D2 in production
      expect([published.code, published.stderr]).toEqual([0, '']);
      expect(sandbox.git(clone, 'show', '--stat', '--format=', 'HEAD')).toContain(PAYMENTS);
      const check = await cli(clone, renamed, 'check');
      expect([check.code, check.stderr]).toEqual([0, '']);
      expect((await cli(clone, renamed, 'status')).stdout).toMatch(/ {2}production +2 +sha256:22222222/);
      // AND a new digest still moves ring by ring into the renamed ring
      const D3 = `sha256:${'3'.repeat(64)}`;
      for (const [ring, from] of [
        ['nonprod', undefined],
        ['prod-canary', 'nonprod'],
        ['production', 'prod-canary'],
      ] as const) {
        const r = await cli(
          clone,
          renamed,
          'promote',
          'payments-api',
          '--ring',
          ring,
          ...(from ? ['--from', from] : ['--digest', D3]),
          '--by',
          'alice',
          '--publish',
        );
        expect([ring, r.code, r.stderr]).toEqual([ring, 0, '']);
      }
      expect(readFile(clone, PAYMENTS)).toMatch(/ {2}production:\n {4}digest: sha256:3{64}\n/);
    } finally {
      fs.rmSync(sandbox.root, { recursive: true, force: true });
    }
  });
});

describe("a service's namespace or Helm release name changed", () => {
  it.each([
    [
      'namespace',
      { paymentsNamespace: 'payments' },
      { paymentsNamespace: 'payments-v2' },
      'its namespace changes from payments to payments-v2',
    ],
    [
      'Helm release name',
      { paymentsReleaseName: 'pay' },
      { paymentsReleaseName: 'payments' },
      'its Helm release name changes from pay to payments',
    ],
  ] as const)('is a deletion of what its Applications run (CG141): its %s; --allow-remove lets it through', async (_, was, now, why) => {
    // GIVEN a checkout of the program as it was
    const dir = await checkout(program({ paymentsChartPath: 'charts/payments', ...was }), false);
    const before = hashTree(dir);
    // WHEN the service's namespace or release name changes
    const changed = program({ paymentsChartPath: 'charts/payments', ...now });
    const synth = await cli(dir, changed, 'synth');
    // THEN synth refuses, saying Argo CD prunes what ran before
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(
      'CG141 The write would delete 4 Applications payments-api-nonprod-azure-westeurope-01, payments-api-prod-aws-eu-central-1-01, ' +
        `payments-api-prod-azure-westeurope-01 and payments-api-prod-gcp-europe-west4-01: ${why}`,
    );
    expect(synth.stderr).toContain('--allow-remove payments-api-nonprod-azure-westeurope-01');
    expect(hashTree(dir)).toEqual(before);
    // AND plan lists them first
    const plan = await cli(dir, changed, 'plan');
    expect(plan.stdout).toContain(`[-] payments-api-prod-gcp-europe-west4-01  (ApplicationSet workloads-prod-payments-api; ${why}`);
    // AND allowed, the write goes through
    expect((await cli(dir, changed, 'synth', '--allow-remove', 'payments-api-*')).code).toBe(0);
  });
});

describe('an environment moved to another Argo CD', () => {
  it('is a deletion in the Argo CD it leaves (CG141), though the other, in the same namespace, creates Applications of the same names', async () => {
    // GIVEN a checkout where prod has its own Argo CD
    const dir = await checkout(program({ nonprodCluster: 'westeurope-02' }), false);
    const before = hashTree(dir);
    // WHEN prod moves onto nonprod's
    const moved = program({ nonprodCluster: 'westeurope-02', prodOnNonprodArgoCd: true });
    const synth = await cli(dir, moved, 'synth');
    // THEN synth refuses, saying where each goes and that --allow-remove is the way (no Removal can name a declared Application)
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(
      'CG141 The write would delete 3 Applications payments-api-prod-aws-eu-central-1-01, payments-api-prod-azure-westeurope-01 and payments-api-prod-gcp-europe-west4-01: ' +
        'it moves to another Argo CD (the one that applies applicationsets/nonprod/)',
    );
    expect(synth.stderr).toContain('--allow-remove payments-api-prod-aws-eu-central-1-01');
    expect(synth.stderr).not.toContain('Removal.application');
    expect(hashTree(dir)).toEqual(before);
    // AND plan lists each as deleted from the one and created by the other
    const plan = await cli(dir, moved, 'plan');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('Applications DELETED: 3 (Argo CD prunes everything they run); 3 NOT DECLARED removed by the program');
    expect(plan.stdout).toContain(
      '[-] payments-api-prod-gcp-europe-west4-01  (ApplicationSet workloads-prod; moves to workloads-prod of another Argo CD (applicationsets/nonprod/), which creates it while the one it leaves keeps running it until its ApplicationSet is deleted there)  NOT DECLARED',
    );
    expect(plan.stdout).toContain('Applications: 3 created, 0 changed, 3 deleted.');
    // AND allowed for the command, the write goes through
    expect((await cli(dir, moved, 'synth', '--allow-remove', 'payments-api-prod-*')).code).toBe(0);
  });
});

describe('a control plane no longer declared', () => {
  it('once its move is allowed, synth and plan say what its Argo CD keeps and how to delete it, and which bootstrap to apply', async () => {
    // GIVEN a checkout where prod has its own Argo CD, and the program that moves prod onto nonprod's
    const dir = await checkout(program({ nonprodCluster: 'westeurope-02' }), false);
    const moved = program({ nonprodCluster: 'westeurope-02', prodOnNonprodArgoCd: true });

    // WHEN plan and the allowed synth run
    const plan = await cli(dir, moved, 'plan');
    const synth = await cli(dir, moved, 'synth', '--allow-remove', 'payments-api-prod-*');

    // THEN both note that prod's Argo CD keeps its root Application and ApplicationSet, and how to delete them without pruning
    expect(synth.code).toBe(0);
    const kept =
      'Note: Control plane prod is no longer declared, but its Argo CD (namespace argocd) keeps what its bootstrap applied there, which nothing prunes: ' +
      'the root Application root and ApplicationSet workloads-prod, whose Applications keep running what they run until it is deleted there. ' +
      'Delete them in that Argo CD once this change is published, without pruning what the Applications run: ' +
      'kubectl -n argocd delete applicationset workloads-prod --cascade=orphan (without --cascade=orphan, Argo CD deletes the Applications and prunes everything they run), ' +
      'then each Application it leaves there (argocd app delete <application> --cascade=false keeps what it runs, for the Argo CD or Flux that now deploys it), ' +
      'and the root Application (kubectl -n argocd delete application root).\n';
    const apply =
      'Note: Apply bootstrap/nonprod.yaml, which this write changed, to the Argo CD of control plane nonprod (kubectl apply -n argocd -f bootstrap/nonprod.yaml): ' +
      'Argo CD does not apply a bootstrap itself, and until it is applied there, that Argo CD deploys neither the AppProjects nor the ApplicationSets of the environments it takes over.\n';
    for (const r of [plan, synth]) expect(r.stderr).toContain(kept + apply);
    expect(fs.existsSync(path.join(dir, 'bootstrap/prod.yaml'))).toBe(false);
  });

  it('renamed: the bootstrap of the new name is the one to apply; a later synth says nothing more', async () => {
    // GIVEN a checkout where prod's control plane is "prod", renamed "prod-eu"
    const dir = await checkout(program(), false);
    const renamed = program({ prodArgoCd: 'prod-eu' });

    // WHEN the allowed synth runs, twice
    const synth = await cli(dir, renamed, 'synth', '--allow-remove', 'payments-api-prod-*');
    const again = await cli(dir, renamed, 'synth');

    // THEN the first names the old control plane and the bootstrap it created for the new one
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain('Note: Control plane prod is no longer declared, but its Argo CD (namespace argocd) keeps');
    expect(synth.stderr).toContain('kubectl -n argocd delete applicationset workloads-prod --cascade=orphan');
    expect(synth.stderr).toContain(
      'Note: Apply bootstrap/prod-eu.yaml, which this write created, to the Argo CD of control plane prod-eu (kubectl apply -n argocd -f bootstrap/prod-eu.yaml)',
    );
    expect(synth.stderr).not.toContain('bootstrap/nonprod.yaml');
    // AND the second, which deletes nothing, notes nothing
    expect([again.code, again.stderr]).toEqual([0, '']);
  });
});

describe('an Application that would move to another ApplicationSet', () => {
  it('is a deletion: synth refuses it (CG141) naming both ApplicationSets, plan lists it first; --allow-remove lets it through', async () => {
    // GIVEN a checkout where payments-api's Applications come from each environment's shared ApplicationSet
    const dir = await checkout(program(), false);
    const before = hashTree(dir);
    // WHEN the program gives payments-api a chart path of its own: its Applications would come from workloads-<env>-payments-api
    const moved = program({ paymentsChartPath: 'charts/payments' });
    const synth = await cli(dir, moved, 'synth');
    // THEN synth refuses, naming every Application, where it moves, and what Argo CD does
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(
      'CG141 The write would delete 3 Applications payments-api-prod-aws-eu-central-1-01, payments-api-prod-azure-westeurope-01 and payments-api-prod-gcp-europe-west4-01: ' +
        'it moves from ApplicationSet workloads-prod to workloads-prod-payments-api',
    );
    expect(synth.stderr).toContain(
      'payments-api-nonprod-azure-westeurope-01: it moves from ApplicationSet workloads-nonprod to workloads-nonprod-payments-api',
    );
    expect(hashTree(dir)).toEqual(before);
    // AND plan shows each as deleted, with where it moves
    const plan = await cli(dir, moved, 'plan');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('Applications DELETED: 4 (Argo CD prunes everything they run); 4 NOT DECLARED removed by the program');
    expect(plan.stdout).toContain(
      '[-] payments-api-prod-gcp-europe-west4-01  (ApplicationSet workloads-prod; moves to workloads-prod-payments-api, which creates it again once Argo CD has deleted it)  NOT DECLARED',
    );
    // AND allowed for the command, the write goes through
    const allowed = await cli(dir, moved, 'synth', '--allow-remove', 'payments-api-*');
    // (and says, as plan does, that the emptied workloads-prod stays in Argo CD until deleted there)
    expect([allowed.code, allowed.stderr]).toEqual([
      0,
      expect.stringMatching(
        /^Note: applicationsets\/prod\/workloads-prod\.yaml is no longer written, .*\(kubectl -n argocd delete applicationset workloads-prod\)[^\n]*\n$/,
      ),
    ]);
    expect(await applications(dir)).toContain('payments-api-prod-gcp-europe-west4-01');
  });
});

describe('many Applications deleted at once', () => {
  it('names some Applications of each cause and counts the rest, and some causes and counts the rest; --verbose prints every cause; nothing is written', async () => {
    // GIVEN a checkout of 23 services on 13 clusters
    const dir = await checkout(fleet(23, 13), false);
    const before = hashTree(dir);
    // WHEN the program drops 22 of them, none declared removed
    const dropped = fleet(1, 13);
    const r = await cli(dir, dropped, 'synth');
    // THEN synth refuses, naming 10 of the 13 Applications of a service and counting the other 3
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: This write would delete 286 Applications the program does not declare removed; nothing was written:\n/,
    );
    expect(r.stderr).toContain(
      'CG141 The write would delete 13 Applications svc-02-prod-aws-eu-central-1-01, svc-02-prod-aws-eu-central-1-02, svc-02-prod-aws-eu-central-1-03, ' +
        'svc-02-prod-aws-eu-central-1-04, svc-02-prod-aws-eu-central-1-05, svc-02-prod-aws-eu-central-1-06, svc-02-prod-aws-eu-central-1-07, ' +
        'svc-02-prod-aws-eu-central-1-08, svc-02-prod-aws-eu-central-1-09, svc-02-prod-aws-eu-central-1-10 and 3 more: service "svc-02" is no longer declared.',
    );
    // AND the fix says how to allow them without a flag per Application in the message
    expect(r.stderr).toContain(
      'or allow it for this command only: --allow-remove <application> for each of the 13, or --allow-remove <glob> (cdk8s-gitops plan lists every one).',
    );
    expect(r.stderr).not.toContain('svc-02-prod-aws-eu-central-1-11');
    // AND it prints 20 of the 22 causes, and counts the other 2
    expect(r.stderr.match(/^CG141 /gm)).toHaveLength(20);
    expect(r.stderr).toContain('\n… and 2 more problems.\n(--verbose prints every problem in full.)\n');
    expect(r.stderr).not.toContain('"svc-23"');
    // AND --verbose prints all 22
    const verbose = await cli(dir, dropped, 'synth', '--verbose');
    expect(verbose.code).toBe(1);
    expect(verbose.stderr.match(/^CG141 /gm)).toHaveLength(22);
    expect(verbose.stderr).toContain('service "svc-23" is no longer declared.');
    // AND plan lists every Application, and nothing was written
    const plan = await cli(dir, dropped, 'plan');
    expect(plan.stdout).toContain('[-] svc-23-prod-aws-eu-central-1-13  (ApplicationSet workloads-prod)  NOT DECLARED');
    expect(hashTree(dir)).toEqual(before);
    // AND the glob the fix offers allows them
    const allowed = await cli(dir, dropped, 'synth', '--allow-remove', 'svc-*');
    expect([allowed.code, allowed.stderr]).toEqual([0, '']);
  });

  it('names some of many services when a command is given one the program lacks, and the closest', async () => {
    // GIVEN a checkout of 23 services
    const model = fleet(23, 1);
    const dir = await checkout(model, false);
    // WHEN promote, status and explain are given a service that is not there
    const promote = await cli(dir, model, 'promote', 'svc-2', '--ring', 'prod', '--digest', D2);
    const status = await cli(dir, model, 'status', '--service', 'svc-2');
    const explain = await cli(dir, model, 'explain', 'svc-2');
    // THEN each names 10 services, counts the other 13, and suggests the closest ones
    const some = 'svc-01, svc-02, svc-03, svc-04, svc-05, svc-06, svc-07, svc-08, svc-09, svc-10 and 13 more';
    expect(promote.stderr).toContain(
      `CG306 The program has no service "svc-2"; it has ${some}. Did you mean "svc-02", "svc-12" or "svc-20"?`,
    );
    expect(status.stderr).toContain(`Fix: Name one of: ${some}.`);
    expect(explain.stderr).toContain(`services: ${some}.`);
    for (const r of [promote, status, explain]) {
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain('svc-11');
    }
  });
});
