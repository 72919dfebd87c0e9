/**
 * The platform the release-path attack tests share: nonprod (aws/eu-01) → prod-canary
 * (prod/aws/eu-01) → prod (prod/aws/eu-02 and prod/gcp/gcp-01; soak 1h, approval), with
 * payments-api and ledger-api, in the variants those tests move, rename, remove or add to; and
 * the published remote they start from.
 */
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
  Removal,
  RenderFunction,
  Service,
  Targets,
  Workload,
} from '../../src';
import { PlatformModel } from '../../src/model/platform-model';
import { Sandbox } from '../git/sandbox';
import { ModelReplay, readFile } from './replay';

/** The digest every service of the fleet starts from (its initialDigest). */
export const D0 = `sha256:${'0'.repeat(64)}`;
/** The first digest promoted through the rings. */
export const A = `sha256:${'a'.repeat(64)}`;
/** The second digest promoted, after {@link A}. */
export const B = `sha256:${'b'.repeat(64)}`;

/** payments-api's ledger. */
export const PAYMENTS = 'releases/payments-api.yaml';
/** ledger-api's ledger. */
export const LEDGER_API = 'releases/ledger-api.yaml';
/** The manifest's main file. */
export const MANIFEST = '.cdk8s-gitops/manifest.json';
/** payments-api's shard of the manifest. */
export const SHARD = '.cdk8s-gitops/services/payments-api.json';
/** payments-api's values file on prod's aws cluster (ring prod). */
export const PROD_AWS_VALUES = 'environments/prod/aws/eu-02/payments-api/values.yaml';
/** payments-api's values file on prod's gcp cluster (ring prod). */
export const PROD_GCP_VALUES = 'environments/prod/gcp/gcp-01/payments-api/values.yaml';

/** When the fleet is published and A enters nonprod and prod-canary. */
export const T0 = '2026-11-22T10:00:00Z';
/** Two hours after {@link T0}: prod's soak is served; A enters prod, B nonprod and prod-canary. */
export const T2 = '2026-11-22T12:00:00Z';
/** Two hours after {@link T2}: B's soak in prod-canary is served. */
export const T3 = '2026-11-22T14:00:00Z';

/**
 * How the fleet's rings are cut:
 * - `standard`: nonprod → prod-canary (prod/aws/eu-01) → prod (prod/aws/eu-02, prod/gcp/gcp-01; gated);
 * - `gcp-moved-from-nonprod`: prod's gcp cluster gets a gated ring of its own, `prod-gcp`, declared
 *   (wrongly) as moved from `nonprod`, which still exists;
 * - `gcp-into-canary`: prod's gcp cluster moves into the (ungated) prod-canary, undeclared;
 * - `merged`: prod-canary and prod are merged into one gated ring, `production` (all of prod),
 *   moved from both;
 * - `merged-prod-first`: the same, with `movedFrom: ['prod', 'prod-canary']`;
 * - `prod-renamed`: ring prod is renamed `production`, moved from `prod`;
 * - `prod-renamed-twice`: `production` is renamed again, `live`, moved from `production` and `prod`;
 * - `prod-renamed-twice-from-production`: the same, but `live` says it moved from `production` only;
 * - `canary-renamed`: ring prod-canary is renamed `canary`, moved from `prod-canary`;
 * - `prod-split`: ring prod is split into `prod-aws` (prod/aws/eu-02) and `prod-gcp`
 *   (prod/gcp/gcp-01), in that order, both gated and both moved from `prod`.
 */
export type RingShape =
  | 'standard'
  | 'gcp-moved-from-nonprod'
  | 'gcp-into-canary'
  | 'merged'
  | 'merged-prod-first'
  | 'prod-renamed'
  | 'prod-renamed-twice'
  | 'prod-renamed-twice-from-production'
  | 'canary-renamed'
  | 'prod-split';

/** What varies between the fleet's programs. */
export interface RingFleetShape {
  /** How the rings are cut. @default 'standard' */
  readonly rings?: RingShape;
  /** Both environments allow image tags (requireDigest: false). @default false */
  readonly tags?: boolean;
  /** Whether payments-api is declared. @default true */
  readonly paymentsApi?: boolean;
  /** payments-api's initialDigest. @default D0 */
  readonly paymentsApiInitial?: string;
  /** Whether ledger-api is declared. @default true */
  readonly ledgerApi?: boolean;
  /** ledger-api's initialDigest. @default D0 */
  readonly ledgerApiInitial?: string;
  /** Also declare orders-api, rendered: one Deployment whose id is `deployment`. @default - no orders-api */
  readonly rendered?: { readonly deployment: string };
  /** Removals declared. @default - none */
  readonly removals?: readonly Removal[];
  /**
   * The Platform's `layout.releases`: the directory the ledgers are in (a program that moves them
   * there from `releases/`, where {@link PAYMENTS} and {@link LEDGER_API} are).
   * @default - no layout given: the ledgers are in `releases/`
   */
  readonly releases?: string;
}

/**
 * The fleet's program, as a model: nonprod (aws/eu-01) → prod-canary (prod/aws/eu-01) → prod
 * (prod/aws/eu-02 and prod/gcp/gcp-01; soak 1h, approval); payments-api, ledger-api (and
 * orders-api if `rendered`) deployed to both environments; the ledgers in `releases/` unless
 * `releases` moves them. Throws what the program's
 * validation finds (a removal of something still declared, say).
 */
export function ringFleet(shape: RingFleetShape = {}): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    ...(shape.releases ? { layout: { releases: shape.releases } } : {}),
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
  const gates = () => [Gate.soak(Duration.hours(1)), Gate.approval()];
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  switch (shape.rings ?? 'standard') {
    case 'standard':
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
      new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02, gcp01), gates: gates() });
      break;
    case 'gcp-moved-from-nonprod':
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
      new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02), gates: gates() });
      new PromotionRing(platform, 'prod-gcp', { targets: Targets.cluster(gcp01), gates: gates(), movedFrom: ['nonprod'] });
      break;
    case 'gcp-into-canary':
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary, gcp01) });
      new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02), gates: gates() });
      break;
    case 'merged':
      new PromotionRing(platform, 'production', { targets: Targets.environment(prod), gates: gates(), movedFrom: ['prod-canary', 'prod'] });
      break;
    case 'merged-prod-first':
      new PromotionRing(platform, 'production', { targets: Targets.environment(prod), gates: gates(), movedFrom: ['prod', 'prod-canary'] });
      break;
    case 'prod-renamed':
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
      new PromotionRing(platform, 'production', { targets: Targets.cluster(eu02, gcp01), gates: gates(), movedFrom: ['prod'] });
      break;
    case 'prod-renamed-twice':
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
      new PromotionRing(platform, 'live', { targets: Targets.cluster(eu02, gcp01), gates: gates(), movedFrom: ['production', 'prod'] });
      break;
    case 'prod-renamed-twice-from-production':
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
      new PromotionRing(platform, 'live', { targets: Targets.cluster(eu02, gcp01), gates: gates(), movedFrom: ['production'] });
      break;
    case 'canary-renamed':
      new PromotionRing(platform, 'canary', { targets: Targets.cluster(canary), movedFrom: ['prod-canary'] });
      new PromotionRing(platform, 'prod', { targets: Targets.cluster(eu02, gcp01), gates: gates() });
      break;
    case 'prod-split':
      new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
      new PromotionRing(platform, 'prod-aws', { targets: Targets.cluster(eu02), gates: gates(), movedFrom: ['prod'] });
      new PromotionRing(platform, 'prod-gcp', { targets: Targets.cluster(gcp01), gates: gates(), movedFrom: ['prod'] });
      break;
  }
  if (shape.paymentsApi !== false) {
    new Service(platform, 'payments-api', {
      image: { repository: 'registry.example.com/payments-api' },
      initialDigest: shape.paymentsApiInitial ?? D0,
    }).deployTo([nonprod, prod]);
  }
  if (shape.ledgerApi !== false) {
    new Service(platform, 'ledger-api', {
      image: { repository: 'registry.example.com/ledger-api' },
      initialDigest: shape.ledgerApiInitial ?? D0,
    }).deployTo([nonprod, prod]);
  }
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
  if (shape.removals) platform.removed(...shape.removals);
  return platform.snapshot();
}

/** How far {@link publishRingFleet} promotes. */
export interface PublishRingFleetOptions {
  /** The service promoted. @default 'payments-api' */
  readonly service?: string;
  /**
   * `prod`: A through every ring, up to prod; `canary-b`: that, and then B into nonprod and
   * prod-canary (at T2, by mallory).
   */
  readonly through: 'prod' | 'canary-b';
}

/** A bare remote and a clone of it (`ci`); call `sandbox.cleanup()` after. */
export interface PublishedRingFleet {
  /** The sandbox holding the remote and the clone. */
  readonly sandbox: Sandbox;
  /** The clone's directory. */
  readonly clone: string;
}

/**
 * A bare remote where `ringFleet(shape)` was published (committed on 2026-11-21) and the service
 * promoted to A into nonprod and prod-canary at T0 (by alice) and into prod at T2 (after its
 * soak, approved by bob); with `through: 'canary-b'`, then B into nonprod and prod-canary at T2
 * (by mallory). Each step is its own published commit, made in the returned clone.
 */
export async function publishRingFleet(
  replay: ModelReplay,
  shape: RingFleetShape,
  options: PublishRingFleetOptions,
): Promise<PublishedRingFleet> {
  const service = options.service ?? 'payments-api';
  const sandbox = Sandbox.create();
  const clone = sandbox.clone('ci');
  const model = ringFleet(shape);
  await replay.ok(clone, model, ['publish', '--by', 'ci'], '2026-11-21T10:00:00Z');
  await replay.ok(clone, model, ['promote', service, '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--publish'], T0);
  await replay.ok(clone, model, ['promote', service, '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'alice', '--publish'], T0);
  await replay.ok(
    clone,
    model,
    ['promote', service, '--ring', 'prod', '--from', 'prod-canary', '--by', 'alice', '--approved-by', 'bob', '--publish'],
    T2,
  );
  if (options.through === 'canary-b') await promoteBIntoCanary(replay, clone, model, service);
  return { sandbox, clone };
}

/**
 * What `through: 'canary-b'` adds to `through: 'prod'`: `service` promoted to B into nonprod and
 * prod-canary at T2 (by mallory), each step its own published commit, made in `clone`.
 */
export async function promoteBIntoCanary(
  replay: ModelReplay,
  clone: string,
  model: PlatformModel = ringFleet(),
  service = 'payments-api',
): Promise<void> {
  await replay.ok(clone, model, ['promote', service, '--ring', 'nonprod', '--digest', B, '--by', 'mallory', '--publish'], T2);
  await replay.ok(clone, model, ['promote', service, '--ring', 'prod-canary', '--from', 'nonprod', '--by', 'mallory', '--publish'], T2);
}

/**
 * A copy of a fleet {@link publishRingFleet} published (its remote and its clone, see
 * {@link Sandbox.copy}), for a test to change; call `sandbox.cleanup()` after.
 */
export function copyRingFleet(fleet: Sandbox): PublishedRingFleet {
  const sandbox = fleet.copy();
  return { sandbox, clone: path.join(sandbox.root, 'ci') };
}

/**
 * Two published fleets of the standard program: through prod (A promoted through every ring,
 * approved by bob), and a copy of it through canary-b (mallory then put B into nonprod and
 * prod-canary at T2). Call `cleanup()` on both after.
 */
export async function publishProdAndCanaryFleets(replay: ModelReplay): Promise<{ prod: Sandbox; canary: Sandbox }> {
  const prod = (await publishRingFleet(replay, {}, { through: 'prod' })).sandbox;
  const canary = copyRingFleet(prod);
  await promoteBIntoCanary(replay, canary.clone);
  return { prod, canary: canary.sandbox };
}

/** The subjects of the remote's commits after `base`, oldest first. */
export function subjectsSince(sandbox: Sandbox, base: string): string[] {
  const out = sandbox.git(sandbox.remote, 'log', '--reverse', '--format=%s', `${base}..main`);
  return out === '' ? [] : out.split('\n');
}

/** Sets prod's entry of the ledger `file` (payments-api's by default) to B with no approver, as a hand edit would. */
export function prodToBWithoutApproval(dir: string, file: string = PAYMENTS): void {
  const ledger = readFile(dir, file);
  const i = ledger.indexOf('\n  prod:\n');
  fs.writeFileSync(
    path.join(dir, file),
    ledger.slice(0, i) + ledger.slice(i).replace(`digest: ${A}`, `digest: ${B}`).replace('approvedBy: bob', 'approvedBy: null'),
  );
}
