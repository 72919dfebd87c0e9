/**
 * `status --live` through the built CLI: a platform published into a bare remote, its control
 * plane's Argo CD a test double of Argo CD's API (HTTPS on 127.0.0.1, its own CA), each scenario
 * of what an Application may be doing, and each way the Argo CD may fail to answer.
 */
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';
import {
  ArgoCdDouble,
  canStartArgoCdDouble,
  DOUBLE_TOKEN,
  DoubleApplication,
  DoubleSource,
  startArgoCdDouble,
} from '../support/argocd-double';

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

const running = (name: string, image = `registry.example.com/shop/web@${A}`): DoubleApplication => ({
  name,
  project: 'prod',
  images: [image],
  healthSince: '2026-11-22T09:05:00Z',
  deployedAt: '2026-11-22T09:00:00Z',
});

const describeWithDouble = canStartArgoCdDouble() ? describe : describe.skip;

describeWithDouble('status --live, against a test double of Argo CD', () => {
  const checkout = useProgramCheckout(PROGRAM, 'live-status');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  const live = (more: Record<string, string> = {}): Promise<CliRun> =>
    runCli(['status', '--live'], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { ARGOCD_SERVER_PROD_EU: double.server, ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile, ...more },
    });

  test('every target running what Git declares: exit 0', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    const run = await live();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      [
        'APPLICATION         RING  DECLARED         RUNNING          REVISION  SYNC    HEALTH   SINCE                 VERDICT',
        'web-prod-aws-eu-01  prod  sha256:aaaaaaaa  sha256:aaaaaaaa  aaaaaaaa  Synced  Healthy  2026-11-22T09:05:00Z  running',
        'web-prod-aws-eu-02  prod  sha256:aaaaaaaa  sha256:aaaaaaaa  aaaaaaaa  Synced  Healthy  2026-11-22T09:05:00Z  running',
        '2 targets: all run what Git declares.',
        '',
      ].join('\n'),
    );
  });

  test('a degraded, syncing, drifted or missing target is named with its verdict: exit 2', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    const verdicts = async (apps: DoubleApplication[]): Promise<string[]> => {
      double.applications = apps;
      const run = await live();
      expect(run.code).toBe(2);
      const json = await runCli(['status', '--live', '--format', 'json'], {
        out: checkout.out,
        now: T0,
        app: checkout.app,
        env: { ARGOCD_SERVER: double.server, ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile },
      });
      expect(json.code).toBe(2);
      return (JSON.parse(json.stdout).targets as { application: string; verdict: string }[]).map((t) => `${t.application} ${t.verdict}`);
    };
    expect(
      await verdicts([
        {
          ...running('web-prod-aws-eu-01'),
          health: 'Degraded',
          operation: { phase: 'Failed', message: 'Deployment web exceeded its progress deadline' },
        },
      ]),
    ).toEqual(['web-prod-aws-eu-01 degraded', 'web-prod-aws-eu-02 missing']);
    expect(
      await verdicts([
        { ...running('web-prod-aws-eu-01'), health: 'Progressing' },
        running('web-prod-aws-eu-02', `registry.example.com/shop/web@${B}`),
      ]),
    ).toEqual(['web-prod-aws-eu-01 syncing', 'web-prod-aws-eu-02 drifted']);
    // The table shows what runs instead: the digest of the service's image seen, the revision synced.
    double.applications = [
      running('web-prod-aws-eu-01'),
      { ...running('web-prod-aws-eu-02', `registry.example.com/shop/web@${B}`), revision: 'c'.repeat(40) },
    ];
    expect((await live()).stdout).toContain(
      'web-prod-aws-eu-02  prod  sha256:aaaaaaaa  sha256:bbbbbbbb  cccccccc  Synced  Healthy  2026-11-22T09:05:00Z  drifted\n',
    );
    expect(await verdicts([{ ...running('web-prod-aws-eu-01'), sync: 'OutOfSync' }, running('web-prod-aws-eu-02')])).toEqual([
      'web-prod-aws-eu-01 drifted',
      'web-prod-aws-eu-02 running',
    ]);
    // Not Healthy is not running; another project's Application is not the target's; no image seen, or another repository's, is not the release.
    expect(
      await verdicts([
        { ...running('web-prod-aws-eu-01'), health: 'Unknown' },
        { ...running('web-prod-aws-eu-02'), project: 'default' },
      ]),
    ).toEqual(['web-prod-aws-eu-01 degraded', 'web-prod-aws-eu-02 missing']);
    expect(
      await verdicts([{ ...running('web-prod-aws-eu-01'), images: [] }, running('web-prod-aws-eu-02', `registry.example.com/other@${A}`)]),
    ).toEqual(['web-prod-aws-eu-01 drifted', 'web-prod-aws-eu-02 drifted']);
    // What Argo CD says reaches the terminal without its control characters: no forged line.
    double.applications = [
      {
        ...running('web-prod-aws-eu-01'),
        health: 'Degraded',
        operation: { phase: 'Failed', message: 'x\nweb-prod-aws-eu-02  prod  running\u001b[2J' },
      },
    ];
    const forged = await live();
    expect(forged.stdout).toContain('  web-prod-aws-eu-01: Failed: x?web-prod-aws-eu-02  prod  running?[2J\n');
    expect(forged.stdout).not.toContain('\u001b');
    // Nor anything else a terminal acts on: a bidirectional override, a line separator, a C1 control, in text and in JSON.
    double.applications = [
      {
        ...running('web-prod-aws-eu-01'),
        health: 'Degraded',
        operation: { phase: 'Failed', message: 'a\u202eb\u2028c\u009bd' },
      },
    ];
    expect((await live()).stdout).toContain('  web-prod-aws-eu-01: Failed: a?b?c?d\n');
    const json = await runCli(['status', '--live', '--format', 'json'], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { ARGOCD_SERVER: double.server, ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile },
    });
    expect(json.stdout).toContain('"message": "a\\u202eb\\u2028c\\u009bd"');
    expect(JSON.parse(json.stdout).targets[0].operation.message).toBe('a\u202eb\u2028c\u009bd');
    double.applications = [
      {
        ...running('web-prod-aws-eu-01'),
        health: 'Degraded',
        operation: { phase: 'Failed', message: 'Deployment web exceeded its progress deadline' },
      },
    ];
    expect((await live()).stdout).toContain('  web-prod-aws-eu-01: Failed: Deployment web exceeded its progress deadline\n');
  });

  test('a token Argo CD quotes in an operation message is shown as ***, in text and in json', async () => {
    // GIVEN an Application whose last sync failed with a message quoting a JSON Web Token
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaTphcGlLZXkifQ.c2VjcmV0LXRva2VuLXZhbHVl';
    double.applications = [
      {
        ...running('web-prod-aws-eu-01'),
        health: 'Degraded',
        operation: { phase: 'Failed', message: `ComparisonError: rpc error: authentication required: token ${token}` },
      },
      running('web-prod-aws-eu-02'),
    ];
    // WHEN status --live reports it
    const text = await live();
    const json = await runCli(['status', '--live', '--format', 'json'], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { ARGOCD_SERVER: double.server, ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile },
    });
    // THEN the message is shown without the token
    expect(text.stdout).toContain('  web-prod-aws-eu-01: Failed: ComparisonError: rpc error: authentication required: token ***\n');
    expect(JSON.parse(json.stdout).targets[0].operation.message).toBe('ComparisonError: rpc error: authentication required: token ***');
    for (const run of [text, json]) expect(run.stdout + run.stderr).not.toContain('c2VjcmV0');
  });

  test('an Argo CD that refuses the token, is not given or is not there fails, naming the control plane', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    const refused = await live({ ARGOCD_AUTH_TOKEN_PROD_EU: 'wrong' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`CG802 The Argo CD of control plane prod-eu (${double.server}): it does not accept the token (401).`);
    expect(refused.stderr).not.toContain('wrong');
    const none = await live({ ARGOCD_SERVER_PROD_EU: '', ARGOCD_SERVER: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'CG801 The Argo CD of control plane prod-eu: ARGOCD_SERVER_PROD_EU is not set (ARGOCD_SERVER_PROD_EU and ARGOCD_AUTH_TOKEN_PROD_EU go together).',
    );
    // A control plane's token never goes to the shared server.
    const other = await runCli(['status', '--live'], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { ARGOCD_SERVER: double.server, ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile },
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('ARGOCD_SERVER_PROD_EU is not set');
    const down = await live({ ARGOCD_SERVER_PROD_EU: '127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('CG801 The Argo CD of control plane prod-eu (127.0.0.1:9): nothing listens at its address.');
  });

  test('fails (CG803) on an answer that is not a list of Applications, never reading it as no Application', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    const answered = async (body: unknown): Promise<CliRun> => {
      double.listAnswer = body;
      try {
        return await live();
      } finally {
        double.listAnswer = undefined;
      }
    };
    // A proxy's or a health endpoint's answer: every target would be "missing".
    for (const body of [{ message: 'ok' }, {}, { metadata: {} }, { metadata: {}, items: {} }, []]) {
      const run = await answered(body);
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toContain(
        `CG803 The Argo CD of control plane prod-eu (${double.server}): its answer to GET /api/v1/applications is not a list of Applications (no metadata and items).`,
      );
    }
    // An ApplicationSet named as a target's Application is not its Application.
    const set = await answered({
      metadata: { resourceVersion: '1' },
      items: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ApplicationSet',
          metadata: { name: 'web-prod-aws-eu-01', namespace: 'argocd' },
          spec: { project: 'prod', generators: [], template: { metadata: {}, spec: { project: 'prod' } } },
        },
      ],
    });
    expect({ code: set.code, stdout: set.stdout }).toEqual({ code: 1, stdout: '' });
    expect(set.stderr).toContain(
      `CG803 The Argo CD of control plane prod-eu (${double.server}): it sent an object of kind "ApplicationSet" (apiVersion "argoproj.io/v1alpha1") named "web-prod-aws-eu-01" among its Applications.`,
    );
    // An object without the project every Application has is not one either.
    const bare = await answered({ metadata: {}, items: [{ metadata: { name: 'web-prod-aws-eu-01', namespace: 'argocd' } }] });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain(
      'it sent "web-prod-aws-eu-01" without the project every Application has (spec.project): not an Application.',
    );
    // Argo CD's own empty list (items null, as its API sends none) is read: every target missing.
    const empty = await answered({ metadata: { resourceVersion: '1' }, items: null });
    expect(empty.code).toBe(2);
    expect(empty.stdout).toContain('2 of 2 targets do not run what Git declares.');
  });

  test('an Application with a sync asked for and not started yet is syncing, not running', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [{ ...running('web-prod-aws-eu-01'), syncRequestedBy: 'admin' }, running('web-prod-aws-eu-02')];
    const run = await live();
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      [
        'web-prod-aws-eu-01  prod  sha256:aaaaaaaa  sha256:aaaaaaaa  aaaaaaaa  Synced  Healthy  2026-11-22T09:05:00Z  syncing',
        'web-prod-aws-eu-02  prod  sha256:aaaaaaaa  sha256:aaaaaaaa  aaaaaaaa  Synced  Healthy  2026-11-22T09:05:00Z  running',
        '1 of 2 targets do not run what Git declares.',
        '  web-prod-aws-eu-01: Running: a sync is asked for and has not started yet',
        '',
      ].join('\n'),
    );
  });

  const wait = (args: string[], more: Record<string, string> = {}): Promise<CliRun> =>
    runCli(['wait', 'web', '--ring', 'prod', '--interval', '1s', ...args], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { ARGOCD_SERVER_PROD_EU: double.server, ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile, ...more },
    });

  test('wait returns once the ring runs its release, Synced and Healthy', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [{ ...running('web-prod-aws-eu-01'), health: 'Progressing' }, running('web-prod-aws-eu-02')];
    // Healthy a moment later, while wait looks again.
    const healthy = setTimeout(() => {
      double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    }, 1500);
    const run = await wait(['--timeout', '30s']);
    clearTimeout(healthy);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toBe('2 Applications of web in ring prod run sha256:aaaaaaaa, Synced and Healthy.\n');
  });

  test('status --live and wait say so when they ask an Argo CD whose certificate is not verified', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    const insecure = { ARGOCD_INSECURE_PROD_EU: 'true', ARGOCD_CA_FILE: '' };
    for (const run of [await live(insecure), await wait(['--timeout', '30s'], insecure)]) {
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(
        'Note: The Argo CD of control plane prod-eu was asked without verifying its TLS certificate (ARGOCD_INSECURE): anyone between this machine and it could have answered in its name. ' +
          "Give its CA instead (ARGOCD_CA_FILE, or the control plane's own), and an https server.\n",
      );
    }
  });

  test('wait looks again after an Argo CD that does not answer, or answers an error, until its timeout', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    double.unavailable = 2;
    const run = await wait(['--timeout', '30s']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(double.unavailable).toBe(0);
    // Still failing at the deadline: the last error, after the time waited.
    double.unavailable = 1000;
    const down = await wait(['--timeout', '2s']);
    double.unavailable = 0;
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('CG803 The Argo CD of control plane prod-eu');
    expect(down.stderr).toContain('it answered 503');
    // Settings that cannot work fail at once.
    const unset = await wait(['--timeout', '30s'], { ARGOCD_SERVER_PROD_EU: '', ARGOCD_AUTH_TOKEN_PROD_EU: '' });
    expect(unset.stderr).toContain('is not set');
  });

  test('wait fails after its timeout, naming each Application that is not there, its control plane and status', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [
      {
        ...running('web-prod-aws-eu-01'),
        health: 'Degraded',
        operation: { phase: 'Failed', message: 'Deployment web exceeded its progress deadline' },
      },
      running('web-prod-aws-eu-02'),
    ];
    const run = await wait(['--timeout', '2s']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'CG804 wait: after 2s, 1 of 2 Applications of web in ring prod do not run sha256:aaaaaaaa Synced and Healthy: web-prod-aws-eu-01 (control plane prod-eu) is degraded: sync Synced, health Degraded, Failed: Deployment web exceeded its progress deadline.',
    );
    const unknown = await wait(['--timeout', '2s', '--ring', 'prd']);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('wait knows no ring "prd".')]);
  });
  test("wait's --timeout is how long it waits, not the program's: --program-timeout is", async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    // A program that takes 3 s, as one with many imports may: waited for 2 s, it still runs to its end.
    const slow = `sleep 3 && ${checkout.app}`;
    const run = await wait(['--timeout', '2s', '--app', slow]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toBe('2 Applications of web in ring prod run sha256:aaaaaaaa, Synced and Healthy.\n');
    const stopped = await wait(['--timeout', '30s', '--app', slow, '--program-timeout', '1s']);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('ran longer than its timeout of 1s and was stopped');
    expect(stopped.stderr).toContain('pass e.g. --program-timeout 2s or set CDK8S_GITOPS_PROGRAM_TIMEOUT.');
    const wrong = await wait(['--timeout', '30s', '--program-timeout', 'soon']);
    expect(wrong.stderr).toContain('wait: --program-timeout "soon" is not a time between 1 second and 24 hours.');
  });

  test('wait ends by its timeout when Argo CD does not answer, and takes no answer that comes after it', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    try {
      // Never within the wait: each request ends by the deadline, not after its own 10 s.
      double.delayMs = 60_000;
      const started = Date.now();
      const hung = await wait(['--timeout', '2s']);
      expect(Date.now() - started).toBeLessThan(7000);
      expect(hung.code).toBe(1);
      expect(hung.stderr).toMatch(
        /CG801 The Argo CD of control plane prod-eu \(127\.0\.0\.1:\d+\): it did not answer within the [\d.]+ s left before the deadline\./,
      );
      // A server that is set right and only slow is not told to check its settings.
      expect(hung.stderr).toContain('Fix: Wait longer (a longer --timeout), or look at why the API server answers slowly');
      expect(hung.stderr).not.toContain('Check ARGOCD_SERVER');
      // An answer 3 s after the question, with 2 s to wait: too late to say the ring runs it.
      double.delayMs = 3000;
      const late = await wait(['--timeout', '2s']);
      expect({ code: late.code, stdout: late.stdout }).toEqual({ code: 1, stdout: '' });
      expect(late.stderr).toContain('before the deadline');
    } finally {
      double.delayMs = 0;
    }
  });
});

/** A ring on two control planes: prod-eu reconciled by Argo CD, edge by Flux. */
const MIXED_PROGRAM = PROGRAM.replace(
  "new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });",
  'const { Reconciler, SyncPolicy } = require(' +
    JSON.stringify(path.join(ROOT, 'lib')) +
    ");\nconst edge = new Environment(platform, 'edge', { controlPlane: new ControlPlane(platform, 'edge', { reconciler: Reconciler.flux() }), syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }) });\nnew Cluster(edge, 'eu-01', { cloud: aws, region: 'eu-central-1' });\n" +
    "new PromotionRing(platform, 'prod', { targets: Targets.environment(prod, edge) });",
).replace('.deployTo(prod);', '.deployTo([prod, edge]);');

describeWithDouble('wait, for a ring with targets on a control plane reconciled by Flux', () => {
  const checkout = useProgramCheckout(MIXED_PROGRAM, 'live-status-flux');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  test('fails at once (CG805) naming the targets it cannot check, never exit 0 for the Argo CD part', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    const run = await runCli(['wait', 'web', '--ring', 'prod', '--timeout', '30s'], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { ARGOCD_SERVER_PROD_EU: double.server, ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile },
    });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toContain(
      'CG805 wait: 1 target of web in ring prod is on control plane edge, reconciled by Flux, whose state cdk8s-gitops does not read: web-edge-aws-eu-01. Nothing was waited for: the ring would be said to run its release with it unchecked.',
    );
    expect(double.sent).toEqual([]);
  });
});

/** The program gives the control plane its Argo CD's server, CA and a 1 s timeout (the server from DOUBLE_SERVER). */
const PROGRAM_WITH_API = PROGRAM.replace(
  "new ControlPlane(platform, 'prod-eu')",
  "new ControlPlane(platform, 'prod-eu', { reconciler: require(" +
    JSON.stringify(path.join(ROOT, 'lib')) +
    ').Reconciler.argoCd({ api: { server: process.env.DOUBLE_SERVER, caFile: process.env.DOUBLE_CA, timeout: require(' +
    JSON.stringify(path.join(ROOT, 'lib')) +
    ').Duration.seconds(1) } }) })',
);

describeWithDouble("status --live with the control plane's Argo CD settings in the program", () => {
  const checkout = useProgramCheckout(PROGRAM_WITH_API, 'live-status-api');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  const live = (env: Record<string, string>): Promise<CliRun> =>
    runCli(['status', '--live'], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { DOUBLE_SERVER: double.server, DOUBLE_CA: double.caFile, ...env },
    });

  test("reads the server, CA and timeout from the program and the token from the control plane's own variable only", async () => {
    expect(
      (
        await runCli(['publish', '--by', 'platform-team'], {
          out: checkout.out,
          now: T0,
          app: checkout.app,
          env: { DOUBLE_SERVER: double.server, DOUBLE_CA: double.caFile },
        })
      ).code,
    ).toBe(0);
    double.applications = [running('web-prod-aws-eu-01'), running('web-prod-aws-eu-02')];
    const run = await live({ ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('2 targets: all run what Git declares.');
    // The shared token never goes to a server the program gives one control plane.
    const shared = await live({ ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN });
    expect(shared.code).toBe(1);
    expect(shared.stderr).toContain(
      'CG801 The Argo CD of control plane prod-eu: ARGOCD_AUTH_TOKEN_PROD_EU is not set (the program gives the control plane its own server, and a shared ARGOCD_AUTH_TOKEN is never sent to it).',
    );
    // The environment overrides the program's server.
    const elsewhere = await live({ ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN, ARGOCD_SERVER_PROD_EU: '127.0.0.1:9' });
    expect(elsewhere.stderr).toContain('CG801 The Argo CD of control plane prod-eu (127.0.0.1:9): nothing listens at its address.');
    // Without the program, the checkout's record of the program never says where the token goes.
    const fromCheckout = await runCli(['status', '--live', '--no-program'], {
      out: checkout.out,
      now: T0,
      env: { ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile },
    });
    expect(fromCheckout.code).toBe(1);
    expect(fromCheckout.stderr).toContain('CG801 The Argo CD of control plane prod-eu: ARGOCD_SERVER_PROD_EU is not set');
    // The program's timeout: 1 s.
    double.delayMs = 2500;
    const slow = await live({ ARGOCD_AUTH_TOKEN_PROD_EU: DOUBLE_TOKEN });
    double.delayMs = 0;
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain(`CG801 The Argo CD of control plane prod-eu (${double.server}): it did not answer within 1 s.`);
  });
});

/** The service's chart comes from a Helm repository and is promoted with its image (version 1.0.0 at first). */
const PROGRAM_WITH_CHART = PROGRAM.replace(
  "image: { repository: 'registry.example.com/shop/web' },",
  "image: { repository: 'registry.example.com/shop/web' }, workload: require(" +
    JSON.stringify(path.join(ROOT, 'lib')) +
    ").Workload.helmRepositoryChart({ repoURL: 'https://charts.example.com', chart: 'web', version: '1.0.0', promoted: true }),",
);

describeWithDouble('status --live for a release that pins its chart', () => {
  const checkout = useProgramCheckout(PROGRAM_WITH_CHART, 'live-status-chart');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  test('a target that synced another chart version than the release pins is drifted', async () => {
    const env = { ARGOCD_SERVER: double.server, ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN, ARGOCD_CA_FILE: double.caFile };
    const cli = (args: string[]): Promise<CliRun> => runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    expect((await cli(['promote', 'web', '--ring', 'prod', '--chart-version', '1.1.0', '--by', 'ci'])).code).toBe(0);
    const gitops = 'c'.repeat(40);
    const sources = (version: string): DoubleSource[] => [
      { repoURL: 'https://charts.example.com', chart: 'web', targetRevision: version },
      { repoURL: 'https://git.example.com/platform/platform-gitops.git', targetRevision: 'refs/heads/main', ref: 'values' },
    ];
    // The image is the same: only the chart version tells them apart.
    double.applications = [
      { ...running('web-prod-aws-eu-01'), revisions: ['1.1.0', gitops], sources: sources('1.1.0') },
      { ...running('web-prod-aws-eu-02'), revisions: ['1.0.0', gitops], sources: sources('1.0.0') },
    ];
    const text = await cli(['status', '--live']);
    expect(text.stdout.split('\n').slice(0, 3)).toEqual([
      'APPLICATION         RING  DECLARED         CHART  RUNNING          REVISION        SYNC    HEALTH   SINCE                 VERDICT',
      'web-prod-aws-eu-01  prod  sha256:aaaaaaaa  1.1.0  sha256:aaaaaaaa  1.1.0,cccccccc  Synced  Healthy  2026-11-22T09:05:00Z  running',
      'web-prod-aws-eu-02  prod  sha256:aaaaaaaa  1.1.0  sha256:aaaaaaaa  1.0.0,cccccccc  Synced  Healthy  2026-11-22T09:05:00Z  drifted',
    ]);
    const run = await cli(['status', '--live', '--format', 'json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).targets[0]).toMatchObject({ declared: A, declaredChart: '1.1.0', revisions: ['1.1.0', gitops] });
    expect(
      (JSON.parse(run.stdout).targets as { application: string; verdict: string }[]).map((t) => `${t.application} ${t.verdict}`),
    ).toEqual(['web-prod-aws-eu-01 running', 'web-prod-aws-eu-02 drifted']);
  });
});
