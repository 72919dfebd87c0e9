/**
 * A ring with a health gate (`Gate.healthy()`) through the built CLI: a promotion into it asks the
 * ring before's Argo CD (a test double of Argo CD's API, HTTPS on 127.0.0.1) and is refused unless
 * every Application there runs the release Synced and Healthy; its soak counts from when Argo CD
 * reports they became so; an Argo CD that cannot be asked refuses it, never lets it through.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';
import { ArgoCdDouble, canStartArgoCdDouble, DOUBLE_TOKEN, DoubleApplication, startArgoCdDouble } from '../support/argocd-double';

const ROOT = path.resolve(__dirname, '..', '..');
const T0 = '2026-11-22T10:00:00Z';
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const LEDGER = 'releases/web.yaml';

/** canary (prod/aws/eu-01) → prod (prod/aws/eu-02): healthy, soak 1h, and with APPROVAL=1 an approval. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod-eu') });
const aws = new Cloud(platform, 'aws');
const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'canary', { targets: Targets.cluster(canary) });
new PromotionRing(platform, 'prod', {
  targets: Targets.environment(prod).except(Targets.cluster(canary)),
  gates: [Gate.healthy(), Gate.soak(Duration.hours(1)), ...(process.env.APPROVAL === '1' ? [Gate.approval()] : [])],
});
new Service(platform, 'web', { image: { repository: 'registry.example.com/shop/web' }, initialDigest: ${JSON.stringify(A)} }).deployTo(prod);
platform.synth();
`;

const CANARY = 'web-prod-aws-eu-01';

/** The canary's Application running `digest` Synced and Healthy since `since`. */
const canaryRuns = (digest: string, since: string): DoubleApplication => ({
  name: CANARY,
  project: 'prod',
  images: [`registry.example.com/shop/web@${digest}`],
  healthSince: since,
  deployedAt: since,
});

const describeWithDouble = canStartArgoCdDouble() ? describe : describe.skip;

describeWithDouble('Gate.healthy(), against a test double of Argo CD', () => {
  const checkout = useProgramCheckout(PROGRAM, 'health-gate');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  const argo = (): Record<string, string> => ({
    ARGOCD_SERVER_PROD_EU: double.server,
    ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN,
    ARGOCD_CA_FILE: double.caFile,
  });
  const cli = (args: string[], now: string, env: Record<string, string> = argo()): Promise<CliRun> =>
    runCli(args, { out: checkout.out, now, app: checkout.app, env });
  const ledger = (): string => fs.readFileSync(path.join(checkout.out, LEDGER), 'utf8');
  /** B published into the canary at T0. */
  const canaryTakesB = async (): Promise<void> => {
    expect((await cli(['publish', '--by', 'platform-team'], T0)).code).toBe(0);
    const run = await cli(['promote', 'web', '--ring', 'canary', '--digest', B, '--by', 'ci', '--publish'], T0);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  };
  const promoteProd = (now: string, more: string[] = [], env?: Record<string, string>): Promise<CliRun> =>
    cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice', ...more], now, env);

  test('the soak counts from when Argo CD reports the canary Synced and Healthy, not from the commit', async () => {
    await canaryTakesB();
    // Healthy only 30 minutes after the commit: at 11:10 the release has soaked 40 minutes.
    double.applications = [canaryRuns(B, '2026-11-22T10:30:00Z')];
    const early = await promoteProd('2026-11-22T11:10:00Z');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(
      'CG602 Ring "prod" takes sha256:bbbbbbbb only after it has run 1h in "canary"; it has run there 40m (since 2026-11-22T10:30:00Z, when Argo CD reports the last of its Applications there became Synced and Healthy at it), 20m remain.',
    );
    expect(early.stderr).toContain('Promote at or after 2026-11-22T11:30:00Z.');
    const before = ledger();
    const onTime = await promoteProd('2026-11-22T11:30:00Z');
    expect({ code: onTime.code, stderr: onTime.stderr }).toEqual({ code: 0, stderr: '' });
    expect(onTime.stdout).toContain('promote web sha256:bbbbbbbb to prod from canary (by alice)');
    expect(ledger()).not.toBe(before);
    // The pending operation keeps the reading: publish judges it again as of then, without asking Argo CD.
    double.applications = [];
    const published = await cli(['publish', '--by', 'alice'], '2026-11-22T11:31:00Z', {});
    expect({ code: published.code, stderr: published.stderr }).toEqual({ code: 0, stderr: '' });
    expect(execFileSync('git', ['-C', checkout.out, 'log', '-1', '--format=%s'], { encoding: 'utf8' })).toBe(
      'promote web sha256:bbbbbbbb to prod from canary (by alice)\n',
    );
  });

  test('a promotion judged on an Argo CD whose certificate is not verified says so', async () => {
    await canaryTakesB();
    double.applications = [canaryRuns(B, '2026-11-22T10:05:00Z')];
    const run = await promoteProd('2026-11-22T13:00:00Z', [], { ...argo(), ARGOCD_INSECURE_PROD_EU: 'true', ARGOCD_CA_FILE: '' });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'Note: The Argo CD of control plane prod-eu was asked without verifying its TLS certificate (ARGOCD_INSECURE): anyone between this machine and it could have answered in its name. ' +
        'Give its CA instead (ARGOCD_CA_FILE, or the control plane\'s own), and an https server. The health gate of "prod" was judged on its answer.\n',
    );
  });

  test('a canary that is not Synced and Healthy at the release refuses the promotion, naming each Application', async () => {
    await canaryTakesB();
    const before = ledger();
    const refused = async (app: DoubleApplication): Promise<string> => {
      double.applications = [app];
      const run = await promoteProd('2026-11-22T13:00:00Z');
      expect(run.code).toBe(1);
      expect(ledger()).toBe(before);
      return run.stderr;
    };
    expect(
      await refused({
        ...canaryRuns(B, '2026-11-22T10:05:00Z'),
        health: 'Degraded',
        operation: { phase: 'Failed', message: 'Deployment web exceeded its progress deadline' },
      }),
    ).toContain(
      'Error: CG620 Ring "prod" takes a release only once every Application of web in "canary" runs it Synced and Healthy (Gate.healthy); 1 of 1 does not: ' +
        'web-prod-aws-eu-01 (control plane prod-eu) is degraded: sync Synced, health Degraded, Failed: Deployment web exceeded its progress deadline. Nothing was written. ' +
        'Fix: Look at them (argocd app get <name>, cdk8s-gitops status --live); promote once they run the release of "canary" Synced and Healthy, or roll "canary" back.',
    );
    // Synced and Healthy at the release before: what runs and what is declared, and what to do.
    expect(await refused(canaryRuns(A, '2026-11-22T10:05:00Z'))).toContain(
      'web-prod-aws-eu-01 (control plane prod-eu) is drifted: sync Synced, health Healthy, it runs registry.example.com/shop/web at sha256:aaaaaaaa, not sha256:bbbbbbbb. Nothing was written. ' +
        'Fix: Look at them (argocd app get <name>, cdk8s-gitops status --live); promote once they run the release of "canary" Synced and Healthy, or roll "canary" back. ' +
        'A drifted Application is most often one Argo CD has not compared with the release yet: wait for it to refresh (cdk8s-gitops wait), or refresh it now (argocd app get <name> --refresh).',
    );
    expect(await refused({ ...canaryRuns(B, '2026-11-22T10:05:00Z'), images: [] })).toContain(
      'web-prod-aws-eu-01 (control plane prod-eu) is drifted: sync Synced, health Healthy, Argo CD reports no live image of it.',
    );
    expect(await refused({ ...canaryRuns(B, '2026-11-22T10:05:00Z'), sync: 'OutOfSync' })).toContain(
      'web-prod-aws-eu-01 (control plane prod-eu) is drifted: sync OutOfSync, health Healthy.',
    );
    expect(await refused({ ...canaryRuns(B, '2026-11-22T10:05:00Z'), health: 'Progressing' })).toContain('is syncing');
    // Synced and Healthy, but its last sync failed (a PostSync hook): the release did not go through.
    expect(
      await refused({
        ...canaryRuns(B, '2026-11-22T10:05:00Z'),
        operation: { phase: 'Failed', message: 'PostSync hook smoke-test failed', finishedAt: '2026-11-22T10:06:00Z' },
      }),
    ).toContain(
      'web-prod-aws-eu-01 (control plane prod-eu) is degraded: sync Synced, health Healthy, Failed: PostSync hook smoke-test failed.',
    );
    expect(await refused({ ...canaryRuns(B, '2026-11-22T10:05:00Z'), name: 'web-other' })).toContain(
      'web-prod-aws-eu-01 (control plane prod-eu) is missing: sync none, health none.',
    );
    // A time without its zone is no time: it would be read in the machine's.
    expect(
      await refused({ name: CANARY, project: 'prod', images: [`registry.example.com/shop/web@${B}`], healthSince: '2026-11-22T10:30:00' }),
    ).toContain('but Argo CD reports no time since which they are');
    // Argo CD reports no time since which it is so: a soak cannot be counted from it.
    expect(await refused({ name: CANARY, project: 'prod', images: [`registry.example.com/shop/web@${B}`] })).toContain(
      'CG620 Ring "prod" takes a release only after its Applications in "canary" have run it Synced and Healthy for 1h, but Argo CD reports no time since which they are',
    );
  });

  test('an Argo CD that cannot be asked refuses the promotion; a refusal of its own comes without asking', async () => {
    await canaryTakesB();
    double.applications = [canaryRuns(B, '2026-11-22T10:05:00Z')];
    const before = ledger();
    const down = await promoteProd('2026-11-22T13:00:00Z', [], { ...argo(), ARGOCD_SERVER_PROD_EU: '127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(
      'CG620 Ring "prod" takes a release only once every Application of web in "canary" runs it Synced and Healthy (Gate.healthy), and Argo CD could not be asked: ' +
        'The Argo CD of control plane prod-eu (127.0.0.1:9): nothing listens at its address. Nothing was written.',
    );
    const unset = await promoteProd('2026-11-22T13:00:00Z', [], {});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('Argo CD could not be asked: The Argo CD of control plane prod-eu: ARGOCD_SERVER is not set.');
    const token = await promoteProd('2026-11-22T13:00:00Z', [], { ...argo(), ARGOCD_AUTH_TOKEN_PROD_EU: 'expired' });
    expect(token.stderr).toContain('it does not accept the token (401)');
    expect(token.stderr).not.toContain('expired');
    expect(ledger()).toBe(before);
    // Too early: refused by the soak from Git alone, without a question to Argo CD.
    const asked = double.sent.length;
    const early = await promoteProd('2026-11-22T10:20:00Z');
    expect(early.stderr).toContain('CG602');
    expect(double.sent.length).toBe(asked);
  });

  test('a pending promotion whose kept reading was edited to count other Applications is not published', async () => {
    await canaryTakesB();
    double.applications = [canaryRuns(B, '2026-11-22T10:05:00Z')];
    expect((await promoteProd('2026-11-22T13:00:00Z')).code).toBe(0);
    const dir = path.join(checkout.out, '.git', 'cdk8s-gitops', 'pending');
    const [record] = fs.readdirSync(dir);
    const data = JSON.parse(fs.readFileSync(path.join(dir, record!), 'utf8'));
    expect(data.request.upstreamHealthy).toEqual({ applications: 1, since: '2026-11-22T10:05:00Z' });
    data.request.upstreamHealthy = { applications: 0, since: null };
    fs.writeFileSync(path.join(dir, record!), JSON.stringify(data));
    const published = await cli(['publish', '--by', 'alice'], '2026-11-22T13:01:00Z', {});
    expect(published.code).toBe(1);
    expect(published.stderr).toContain(
      'The reading of Argo CD the promotion of web carries counts 0 Applications of it in "canary", where the program places 1: it was not made for this program, or was edited.',
    );
  });

  test('without the program, the release model keeps the gate', async () => {
    await canaryTakesB();
    double.applications = [{ ...canaryRuns(B, '2026-11-22T10:05:00Z'), health: 'Degraded' }];
    const run = await runCli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice', '--no-program'], {
      out: checkout.out,
      now: '2026-11-22T13:00:00Z',
      env: argo(),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('web-prod-aws-eu-01 (control plane prod-eu) is degraded');
    double.applications = [canaryRuns(B, '2026-11-22T10:05:00Z')];
    const ok = await runCli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice', '--no-program'], {
      out: checkout.out,
      now: '2026-11-22T13:00:00Z',
      env: argo(),
    });
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

describeWithDouble('Gate.healthy() with an approval gate', () => {
  const checkout = useProgramCheckout(PROGRAM.replace("process.env.APPROVAL === '1'", 'true'), 'health-gate-approval');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  test('a missing approval is said first, without asking Argo CD', async () => {
    const env = { ARGOCD_SERVER: double.server, ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile };
    const cli = (args: string[], now: string): Promise<CliRun> => runCli(args, { out: checkout.out, now, app: checkout.app, env });
    expect((await cli(['publish', '--by', 'platform-team'], T0)).code).toBe(0);
    expect((await cli(['promote', 'web', '--ring', 'canary', '--digest', B, '--by', 'ci', '--publish'], T0)).code).toBe(0);
    double.applications = [canaryRuns(B, '2026-11-22T10:05:00Z')];
    const run = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], '2026-11-22T13:00:00Z');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CG604');
    expect(run.stderr).not.toContain('CG620');
    expect(double.sent.length).toBe(0);
    const approved = await cli(
      ['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice', '--approved-by', 'bob'],
      '2026-11-22T13:00:00Z',
    );
    expect({ code: approved.code, stderr: approved.stderr }).toEqual({ code: 0, stderr: '' });
    expect(double.sent.length).toBe(1);
  });
});
