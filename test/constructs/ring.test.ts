import * as cdk8s from 'cdk8s';
import { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, PromotionRing, Service, Targets } from '../../src';
import { linesOf, newPlatform, problemsOf } from '../support/platform';

/** nonprod (azure, aws) and prod (azure canary, aws, gcp), payments-api everywhere. */
function fleet() {
  const platform = newPlatform();
  const azure = new Cloud(platform, 'azure');
  const aws = new Cloud(platform, 'aws');
  const gcp = new Cloud(platform, 'gcp');
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod-argocd') });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod-argocd') });
  new Cluster(nonprod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
  new Cluster(nonprod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  const canary = new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope', labels: { tier: 'canary' } });
  new Cluster(prod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  new Cluster(prod, 'europe-west4-01', { cloud: gcp, region: 'europe-west4' });
  new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } }).deployTo([nonprod, prod]);
  return { platform, azure, aws, gcp, nonprod, prod, canary };
}

const ringsOf = (platform: ReturnType<typeof fleet>['platform']) => platform.snapshot().rings.map((r) => [r.name, r.targets]);

describe('PromotionRing', () => {
  it('holds the targets its selector matches, in declaration order of the rings', () => {
    // GIVEN
    const { platform, nonprod, prod, canary } = fleet();

    // WHEN
    new PromotionRing(platform, 'ring-nonprod', { targets: Targets.environment(nonprod) });
    new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
    new PromotionRing(platform, 'prod-main', { targets: Targets.environment(prod).except(Targets.cluster(canary)) });

    // THEN
    const model = platform.snapshot();
    expect(model.rings.map((r) => [r.name, r.path, r.targets])).toEqual([
      [
        'ring-nonprod',
        'platform/rings/ring-nonprod',
        ['nonprod/azure/westeurope-01/payments-api', 'nonprod/aws/eu-central-1-01/payments-api'],
      ],
      ['prod-canary', 'platform/rings/prod-canary', ['prod/azure/westeurope-01/payments-api']],
      ['prod-main', 'platform/rings/prod-main', ['prod/aws/eu-central-1-01/payments-api', 'prod/gcp/europe-west4-01/payments-api']],
    ]);
    expect(model.targets.map((t) => [t.id, t.ring])).toEqual([
      ['nonprod/azure/westeurope-01/payments-api', 'ring-nonprod'],
      ['nonprod/aws/eu-central-1-01/payments-api', 'ring-nonprod'],
      ['prod/azure/westeurope-01/payments-api', 'prod-canary'],
      ['prod/aws/eu-central-1-01/payments-api', 'prod-main'],
      ['prod/gcp/europe-west4-01/payments-api', 'prod-main'],
    ]);
  });

  it('selects by cloud, by cluster label and everything', () => {
    // GIVEN
    const { platform, azure, gcp } = fleet();

    // WHEN
    new PromotionRing(platform, 'labelled', { targets: Targets.label('tier', 'canary') });
    new PromotionRing(platform, 'clouds', { targets: Targets.cloud(azure, gcp).except(Targets.label('tier', 'canary')) });
    new PromotionRing(platform, 'rest', { targets: Targets.all().except(Targets.cloud(azure, gcp)) });

    // THEN
    expect(ringsOf(platform)).toEqual([
      ['labelled', ['prod/azure/westeurope-01/payments-api']],
      ['clouds', ['nonprod/azure/westeurope-01/payments-api', 'prod/gcp/europe-west4-01/payments-api']],
      ['rest', ['nonprod/aws/eu-central-1-01/payments-api', 'prod/aws/eu-central-1-01/payments-api']],
    ]);
  });

  it('describes its selection in words', () => {
    // GIVEN
    const { prod, canary, azure } = fleet();

    // THEN
    expect(Targets.environment(prod).except(Targets.cluster(canary)).description).toBe(
      'environment prod except cluster prod/azure/westeurope-01',
    );
    expect(Targets.all().except(Targets.cloud(azure)).description).toBe('all targets except cloud azure');
    expect(Targets.label('tier', 'canary').description).toBe('clusters labelled tier=canary');
  });

  it('has no gates by default, and takes the longest soak and any approval from its gates', () => {
    // GIVEN
    const { platform, nonprod, prod } = fleet();

    // WHEN
    new PromotionRing(platform, 'ring-nonprod', { targets: Targets.environment(nonprod) });
    new PromotionRing(platform, 'ring-prod', {
      targets: Targets.environment(prod),
      gates: [Gate.soak(Duration.hours(2)), Gate.approval(), Gate.soak(Duration.minutes(30))],
    });

    // THEN
    expect(platform.snapshot().rings.map((r) => [r.name, r.gates])).toEqual([
      ['ring-nonprod', { soakSeconds: 0, requireApproval: false }],
      ['ring-prod', { soakSeconds: 7200, requireApproval: true }],
    ]);
  });

  it('records a health gate on the ring it is given to', () => {
    // GIVEN
    const { platform, nonprod, prod } = fleet();

    // WHEN
    new PromotionRing(platform, 'ring-nonprod', { targets: Targets.environment(nonprod) });
    const ring = new PromotionRing(platform, 'ring-prod', {
      targets: Targets.environment(prod),
      gates: [Gate.healthy(), Gate.soak(Duration.hours(1))],
    });

    // THEN
    expect(ring.requireHealthy).toBe(true);
    expect(platform.snapshot().rings.map((r) => [r.name, r.gates])).toEqual([
      ['ring-nonprod', { soakSeconds: 0, requireApproval: false }],
      ['ring-prod', { soakSeconds: 3600, requireApproval: false, requireHealthy: true }],
    ]);
  });

  it("takes cdk8s's Duration for a soak", () => {
    // GIVEN
    const { platform, nonprod, prod } = fleet();

    // WHEN
    new PromotionRing(platform, 'ring-nonprod', { targets: Targets.environment(nonprod), gates: [Gate.soak(cdk8s.Duration.minutes(90))] });
    new PromotionRing(platform, 'ring-prod', { targets: Targets.environment(prod), gates: [Gate.soak(cdk8s.Duration.days(1))] });

    // THEN
    expect(platform.snapshot().rings.map((r) => r.gates.soakSeconds)).toEqual([5400, 86400]);
  });

  it('fails when a soak is given something that is not a duration', () => {
    // GIVEN
    const { platform, nonprod, prod } = fleet();

    // WHEN
    new PromotionRing(platform, 'ring-nonprod', { targets: Targets.environment(nonprod), gates: [Gate.soak(2 as unknown as Duration)] });
    new PromotionRing(platform, 'ring-prod', { targets: Targets.environment(prod) });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/rings/ring-nonprod] CG128 Gate.soak() was given a number, not a Duration.',
    ]);
  });

  it('fails when a target is in no ring', () => {
    // GIVEN
    const { platform, nonprod, prod, canary } = fleet();
    new PromotionRing(platform, 'ring-nonprod', { targets: Targets.environment(nonprod) });
    new PromotionRing(platform, 'prod-main', { targets: Targets.environment(prod).except(Targets.cluster(canary)) });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG116',
        constructPath: 'platform/payments-api/prod/azure/westeurope-01',
        message: 'Target prod/azure/westeurope-01/payments-api is in no promotion ring.',
        fix: "Select it in one ring, e.g. add Targets.environment(prod) to a ring's targets.",
      },
    ]);
  });

  it('fails when a target is in more than one ring', () => {
    // GIVEN
    const { platform, nonprod, prod, canary } = fleet();
    new PromotionRing(platform, 'ring-nonprod', { targets: Targets.environment(nonprod) });
    new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
    new PromotionRing(platform, 'prod-main', { targets: Targets.environment(prod) });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG117',
        constructPath: 'platform/payments-api/prod/azure/westeurope-01',
        message: 'Target prod/azure/westeurope-01/payments-api is in 2 promotion rings: prod-canary, prod-main.',
        fix: 'Keep it in one ring: narrow the others with .except(...).',
      },
    ]);
  });

  it('fails when a ring selects no target', () => {
    // GIVEN
    const { platform } = fleet();
    new PromotionRing(platform, 'everything', { targets: Targets.all() });
    new PromotionRing(platform, 'nothing', { targets: Targets.label('tier', 'none') });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG118',
        constructPath: 'platform/rings/nothing',
        message: 'Promotion ring "nothing" selects no target.',
        fix: 'Fix its targets selector, or remove the ring.',
      },
    ]);
  });

  it('fails when its name is not a DNS-1123 label', () => {
    // GIVEN
    const { platform } = fleet();
    new PromotionRing(platform, 'Everything', { targets: Targets.all() });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/rings/Everything] CG101 Promotion ring name "Everything" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used in the release ledger and branch names.',
    ]);
  });

  it('fails when the id is taken', () => {
    // GIVEN
    const { platform } = fleet();
    new PromotionRing(platform, 'everything', { targets: Targets.all() });

    // WHEN
    new PromotionRing(platform, 'everything', { targets: Targets.all() });

    // THEN: the second ring is left out, so no target is in two rings
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/rings/everything] CG103 PromotionRing "everything" cannot be created: platform/rings already has a PromotionRing named "everything".',
    ]);
  });
});

describe('Duration', () => {
  it('converts minutes, hours and days to seconds', () => {
    expect([Duration.seconds(90), Duration.minutes(2), Duration.hours(2), Duration.days(1)].map((d) => d.seconds)).toEqual([
      90, 120, 7200, 86400,
    ]);
  });

  it('fails when it is negative or not finite, at synth, at the ring whose gate it is', () => {
    // GIVEN
    const { platform, nonprod, prod } = fleet();

    // WHEN
    new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod), gates: [Gate.soak(Duration.hours(-1))] });
    new PromotionRing(platform, 'prod', {
      targets: Targets.environment(prod),
      gates: [Gate.approval(), Gate.soak(Duration.seconds(Infinity))],
    });

    // THEN
    expect(problemsOf(() => platform.snapshot())).toEqual([
      {
        code: 'CG128',
        constructPath: 'platform/rings/nonprod',
        message: 'Duration of -3600 seconds is not a non-negative, finite length of time.',
        fix: 'Use e.g. Duration.hours(2) or Duration.minutes(30).',
      },
      expect.objectContaining({
        code: 'CG128',
        constructPath: 'platform/rings/prod',
        message: 'Duration of Infinity seconds is not a non-negative, finite length of time.',
      }),
    ]);
  });

  it('names who may approve: the approvers every approval gate allows, in the model', () => {
    // GIVEN
    const { platform, nonprod, prod } = fleet();

    // WHEN
    new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod), gates: [Gate.approval()] });
    const ring = new PromotionRing(platform, 'prod', {
      targets: Targets.environment(prod),
      gates: [Gate.approval({ approvers: ['carol', 'bob', 'dave'] }), Gate.approval({ approvers: ['bob', 'carol'] })],
    });

    // THEN
    expect(ring.approvers).toEqual(['bob', 'carol']);
    expect(platform.snapshot().rings.map((r) => r.gates)).toEqual([
      { soakSeconds: 0, requireApproval: true },
      { soakSeconds: 0, requireApproval: true, approvers: ['bob', 'carol'] },
    ]);
  });

  it('fails when an approval gate names no approver, a blank one, or lists that share no one', () => {
    // GIVEN
    const { platform, nonprod, prod, canary } = fleet();

    // WHEN
    new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod), gates: [Gate.approval({ approvers: [] })] });
    new PromotionRing(platform, 'canary', { targets: Targets.cluster(canary), gates: [Gate.approval({ approvers: [' alice'] })] });
    new PromotionRing(platform, 'prod', {
      targets: Targets.environment(prod).except(Targets.cluster(canary)),
      gates: [Gate.approval({ approvers: ['alice'] }), Gate.approval({ approvers: ['bob'] })],
    });

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/rings/nonprod] CG617 Gate.approval() names an empty list of approvers: nobody could approve a promotion.',
      '[platform/rings/canary] CG617 Gate.approval() names the approver " alice", which is empty or has surrounding spaces.',
      '[platform/rings/prod] CG617 The approval gates of ring "prod" name approvers no one of whom is in every list: nobody could approve a promotion.',
    ]);
  });
});
