/**
 * `rollback` says whether Argo CD has rolled the ring back already, through the built CLI against
 * a test double of Argo CD's API: which Applications run the release put back, which do not yet,
 * and which will not take it on their own because their auto-sync is off (as `argocd app
 * rollback` leaves it). A rollback never fails for want of an answer.
 */
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';
import { ArgoCdDouble, canStartArgoCdDouble, DOUBLE_TOKEN, DoubleApplication, startArgoCdDouble } from '../support/argocd-double';

const ROOT = path.resolve(__dirname, '..', '..');
const T0 = '2026-11-22T10:00:00Z';
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod-eu') });
const aws = new Cloud(platform, 'aws');
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
new Service(platform, 'web', { image: { repository: 'registry.example.com/shop/web' }, initialDigest: ${JSON.stringify(A)} }).deployTo(prod);
platform.synth();
`;

const app = (name: string, digest: string, more: Partial<DoubleApplication> = {}): DoubleApplication => ({
  name,
  project: 'prod',
  images: [`registry.example.com/shop/web@${digest}`],
  healthSince: '2026-11-22T10:05:00Z',
  ...more,
});

const describeWithDouble = canStartArgoCdDouble() ? describe : describe.skip;

describeWithDouble('rollback, against a test double of Argo CD', () => {
  const checkout = useProgramCheckout(PROGRAM, 'rollback-live');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  const argo = (): Record<string, string> => ({
    ARGOCD_SERVER: double.server,
    ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN,
    ARGOCD_CA_FILE: double.caFile,
  });
  const cli = (args: string[], env: Record<string, string> = argo()): Promise<CliRun> =>
    runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
  /** prod ran A, then B; the rollback puts A back. */
  const rollback = async (env?: Record<string, string>, more: string[] = []): Promise<CliRun> => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    expect((await cli(['promote', 'web', '--ring', 'prod', '--digest', B, '--by', 'ci', '--publish'])).code).toBe(0);
    return cli(['rollback', 'web', '--ring', 'prod', '--previous', '--reason', 'errors up', '--by', 'alice', ...more], env);
  };

  test('names the Applications that do not run the release put back yet, and those whose auto-sync is off', async () => {
    double.applications = [
      app('web-prod-aws-eu-01', A, { autoSync: false }), // rolled back by hand with argocd app rollback
      app('web-prod-aws-eu-02', B),
    ];
    const run = await rollback(undefined, ['--publish']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      [
        'Argo CD runs sha256:aaaaaaaa on 1 of 2 Applications of web in ring prod so far; it syncs the rest from this change:',
        '  web-prod-aws-eu-01 (control plane prod-eu): rolled back; auto-sync is off (as argocd app rollback leaves it), so it takes no change from Git until it is turned on: argocd app set web-prod-aws-eu-01 --sync-policy automated',
        '  web-prod-aws-eu-02 (control plane prod-eu): runs sha256:bbbbbbbb, Synced, Healthy',
        '',
      ].join('\n'),
    );
  });

  /** As `argocd app rollback` leaves an Application: the old release running, OutOfSync with Git, auto-sync off. */
  const rolledBackByHand = (name: string): DoubleApplication =>
    app(name, A, { sync: 'OutOfSync', autoSync: false, operation: { phase: 'Succeeded', message: 'successfully synced (all tasks run)' } });

  test('counts an Application rolled back by hand as running the release, OutOfSync as argocd app rollback leaves it', async () => {
    double.applications = [rolledBackByHand('web-prod-aws-eu-01'), app('web-prod-aws-eu-02', B)];
    const run = await rollback(undefined, ['--publish']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      [
        'Argo CD runs sha256:aaaaaaaa on 1 of 2 Applications of web in ring prod so far; it syncs the rest from this change:',
        '  web-prod-aws-eu-01 (control plane prod-eu): rolled back, OutOfSync, Healthy; auto-sync is off (as argocd app rollback leaves it), so it takes no change from Git until it is turned on: argocd app set web-prod-aws-eu-01 --sync-policy automated',
        '  web-prod-aws-eu-02 (control plane prod-eu): runs sha256:bbbbbbbb, Synced, Healthy',
        '',
      ].join('\n'),
    );
  });

  test('in --format json, an Application rolled back by hand is rolled back', async () => {
    double.applications = [rolledBackByHand('web-prod-aws-eu-01'), rolledBackByHand('web-prod-aws-eu-02')];
    const json = await rollback(undefined, ['--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).argoCd.applications.map((a: { rolledBack: boolean; sync: string }) => [a.rolledBack, a.sync])).toEqual([
      [true, 'OutOfSync'],
      [true, 'OutOfSync'],
    ]);
  });

  test('says Argo CD syncs the rest once the change is published, not from a change only the checkout holds', async () => {
    double.applications = [rolledBackByHand('web-prod-aws-eu-01'), app('web-prod-aws-eu-02', B)];
    const local = await rollback();
    expect({ code: local.code, stderr: local.stderr }).toEqual({ code: 0, stderr: '' });
    expect(local.stdout).toContain(
      'Argo CD runs sha256:aaaaaaaa on 1 of 2 Applications of web in ring prod so far; it syncs the rest once this change is published (cdk8s-gitops publish):\n',
    );
    expect(local.stdout).not.toContain('from this change');
  });

  test('says Argo CD syncs the rest once the branch of a merge request is merged', async () => {
    double.applications = [rolledBackByHand('web-prod-aws-eu-01'), app('web-prod-aws-eu-02', B)];
    const branch = await rollback(undefined, ['--publish', '--branch', 'rollback-web']);
    expect({ code: branch.code, stderr: branch.stderr }).toEqual({ code: 0, stderr: '' });
    expect(branch.stdout).toContain(
      'Argo CD runs sha256:aaaaaaaa on 1 of 2 Applications of web in ring prod so far; it syncs the rest once branch rollback-web is merged:\n',
    );
  });

  test('says when Argo CD runs it everywhere already, in --format json too', async () => {
    double.applications = [app('web-prod-aws-eu-01', A), app('web-prod-aws-eu-02', A)];
    const run = await rollback(undefined, ['--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).argoCd).toEqual({
      release: A,
      applications: ['web-prod-aws-eu-01', 'web-prod-aws-eu-02'].map((application) => ({
        application,
        controlPlane: 'prod-eu',
        rolledBack: true,
        running: A,
        sync: 'Synced',
        health: 'Healthy',
        autoSync: true,
      })),
    });
  });

  test('says in text when Argo CD runs it everywhere already', async () => {
    double.applications = [app('web-prod-aws-eu-01', A), app('web-prod-aws-eu-02', A)];
    const run = await rollback();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Argo CD already runs sha256:aaaaaaaa on all 2 Applications of web in ring prod.\n');
  });

  test('a rollback never fails for want of Argo CD: a note when it cannot be asked, nothing without settings', async () => {
    const down = await rollback({ ...argo(), ARGOCD_SERVER: '127.0.0.1:9' });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('roll back web prod to sha256:aaaaaaaa and hold it (by alice): errors up');
    expect(down.stderr).toBe(
      'Note: Argo CD could not be asked whether it has rolled prod back: CG801 The Argo CD of control plane prod-eu (127.0.0.1:9): nothing listens at its address.\n',
    );
    expect(down.stdout).not.toContain('Argo CD');
  });

  test('without Argo CD settings, nothing is said of it', async () => {
    const run = await rollback({});
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).not.toContain('Argo CD');
  });
});
