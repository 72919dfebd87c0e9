/**
 * A health gate (`Gate.healthy()`), `wait` and `status --live` for a release that pins its chart
 * with its image, through the built CLI against a test double of Argo CD: every part of the
 * release is tied to what Argo CD reports it compared and synced (the image to its live images,
 * the chart to the source that reads it), and a part nothing reported ties is not "running".
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
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
const GITOPS = 'https://git.example.com/platform/platform-gitops.git';
const OCI = 'oci://charts.example.com/web';

/** canary (prod/aws/eu-01) → prod (prod/aws/eu-02, healthy, soak 1h); web's chart an OCI artifact promoted with its image. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: ${JSON.stringify(GITOPS)}, applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod-eu') });
const aws = new Cloud(platform, 'aws');
const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'canary', { targets: Targets.cluster(canary) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod).except(Targets.cluster(canary)), gates: [Gate.healthy(), Gate.soak(Duration.hours(1))] });
new Service(platform, 'web', {
  image: { repository: 'registry.example.com/shop/web' },
  initialDigest: ${JSON.stringify(A)},
  workload: Workload.ociChart({ repoURL: ${JSON.stringify(OCI)}, version: '1.0.0', promoted: true }),
}).deployTo(prod);
platform.synth();
`;

const CANARY = 'web-prod-aws-eu-01';

/** The sources of the canary's Application reading chart `version` (its values from the GitOps repository). */
const sources = (version: string): DoubleSource[] => [
  { repoURL: OCI, path: '.', targetRevision: version },
  { repoURL: GITOPS, targetRevision: 'refs/heads/main', ref: 'values' },
];

/** The canary's Application running image B Synced and Healthy, compared with chart `version` at GitOps commit `commit`. */
const canaryRuns = (version: string, commit: string, compared = sources(version)): DoubleApplication => ({
  name: CANARY,
  project: 'prod',
  images: [`registry.example.com/shop/web@${B}`],
  sources: sources(version),
  comparedTo: compared,
  // An OCI chart's revision is the digest of its artifact, never its version.
  revisions: [`sha256:${'c'.repeat(64)}`, commit],
  healthSince: '2026-11-22T10:05:00Z',
  deployedAt: '2026-11-22T10:05:00Z',
});

const describeWithDouble = canStartArgoCdDouble() ? describe : describe.skip;

describeWithDouble('a release that changes only its OCI chart, against a test double of Argo CD', () => {
  const checkout = useProgramCheckout(PROGRAM, 'health-gate-chart');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  const env = (): Record<string, string> => ({
    ARGOCD_SERVER: double.server,
    ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN,
    ARGOCD_CA_FILE: double.caFile,
  });
  const cli = (args: string[], now: string): Promise<CliRun> => runCli(args, { out: checkout.out, now, app: checkout.app, env: env() });
  const ledger = (): string => fs.readFileSync(path.join(checkout.out, 'releases/web.yaml'), 'utf8');

  test('the canary still compared with the chart before is not running it: the gate refuses, wait fails, status --live says drifted', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], T0)).code).toBe(0);
    // B with chart 1.0.0, then the same image with chart 1.1.0.
    expect(
      (await cli(['promote', 'web', '--ring', 'canary', '--digest', B, '--chart-version', '1.0.0', '--by', 'ci', '--publish'], T0)).code,
    ).toBe(0);
    const commit = execFileSync('git', ['-C', checkout.out, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const later = await cli(
      ['promote', 'web', '--ring', 'canary', '--digest', B, '--chart-version', '1.1.0', '--by', 'ci', '--publish'],
      T0,
    );
    expect(later.code).toBe(0);
    const before = ledger();
    const now = '2026-11-22T13:00:00Z';

    // Argo CD has not compared the Application with 1.1.0 yet.
    double.applications = [canaryRuns('1.0.0', commit)];
    const refused = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], now);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${CANARY} (control plane prod-eu) is drifted: sync Synced, health Healthy, Argo CD compared it with chart 1.0.0 of ${OCI}, not 1.1.0.`,
    );
    expect(ledger()).toBe(before);
    const waited = await cli(['wait', 'web', '--ring', 'canary', '--timeout', '1s', '--interval', '1s'], now);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain('CG804');
    const live = await cli(['status', '--live', '--format', 'json'], now);
    expect(live.code).toBe(2);
    expect(JSON.parse(live.stdout).targets[0]).toMatchObject({
      application: CANARY,
      verdict: 'drifted',
      why: `Argo CD compared it with chart 1.0.0 of ${OCI}, not 1.1.0`,
    });

    // Its spec reads 1.1.0, but Argo CD compared it with nothing it reports: nothing ties the chart.
    double.applications = [{ ...canaryRuns('1.1.0', commit), comparedTo: null }];
    const untied = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], now);
    expect(untied.code).toBe(1);
    expect(untied.stderr).toContain(
      `is drifted: sync Synced, health Healthy, Argo CD reports no source of ${OCI} it compared the Application with (status.sync.comparedTo), so chart 1.1.0 cannot be tied to what runs.`,
    );
    expect(ledger()).toBe(before);

    // Compared with 1.1.0, Synced and Healthy: it runs the release.
    double.applications = [canaryRuns('1.1.0', commit)];
    const ok = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], now);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ok.stdout).toContain('promote web sha256:bbbbbbbb with chart 1.1.0 to prod from canary (by alice)');
  });
});

/** The same rings; web a Kustomize base in its application repository, promoted with its image. */
const KUSTOMIZE = PROGRAM.replace(
  `Workload.ociChart({ repoURL: ${JSON.stringify(OCI)}, version: '1.0.0', promoted: true })`,
  `Workload.kustomize({ path: 'deploy/base', targetRevision: ${JSON.stringify('1'.repeat(40))}, promoted: true })`,
);

describeWithDouble('a release that pins a Kustomize base, against a test double of Argo CD', () => {
  const checkout = useProgramCheckout(KUSTOMIZE, 'health-gate-kustomize');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  const env = (): Record<string, string> => ({
    ARGOCD_SERVER: double.server,
    ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN,
    ARGOCD_CA_FILE: double.caFile,
  });
  const cli = (args: string[], now: string): Promise<CliRun> => runCli(args, { out: checkout.out, now, app: checkout.app, env: env() });
  const head = (): string => execFileSync('git', ['-C', checkout.out, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  /** The canary's Application as Argo CD reports it: its overlay read from the GitOps repository at `commit`. */
  const canaryAt = (commit: string): DoubleApplication => ({
    name: CANARY,
    project: 'prod',
    images: [`registry.example.com/shop/web@${B}`],
    sources: [{ repoURL: GITOPS, path: 'environments/prod/aws/eu-01/web', targetRevision: 'refs/heads/main' }],
    revision: commit,
    healthSince: '2026-11-22T10:05:00Z',
    deployedAt: '2026-11-22T10:05:00Z',
  });
  const base = 'e'.repeat(40);

  test('the base is tied by the GitOps commit Argo CD synced, whose overlay names it: running there, drifted before', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], T0)).code).toBe(0);
    expect((await cli(['promote', 'web', '--ring', 'canary', '--digest', B, '--by', 'ci', '--publish'], T0)).code).toBe(0);
    const before = head();
    expect(
      (await cli(['promote', 'web', '--ring', 'canary', '--digest', B, '--chart-revision', base, '--by', 'ci', '--publish'], T0)).code,
    ).toBe(0);
    const now = '2026-11-22T13:00:00Z';

    // Argo CD synced the overlay of the commit before the base moved.
    double.applications = [canaryAt(before)];
    const stale = await cli(['status', '--live', '--format', 'json'], now);
    expect(stale.code).toBe(2);
    expect(JSON.parse(stale.stdout).targets[0]).toMatchObject({
      verdict: 'drifted',
      why: `its overlay at GitOps commit ${before.slice(0, 12)}, which Argo CD synced, reads the Kustomize base at ${'1'.repeat(40)}, not ${base}`,
    });
    // A commit this checkout does not have cannot tie it.
    double.applications = [canaryAt('f'.repeat(40))];
    const unknown = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], now);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`the GitOps commit Argo CD synced, ${'f'.repeat(12)}, is not in this checkout`);

    // Synced at the promotion's commit: it runs the release, and the gate takes it.
    double.applications = [canaryAt(head())];
    const waited = await cli(['wait', 'web', '--ring', 'canary', '--timeout', '1s'], now);
    expect({ code: waited.code, stderr: waited.stderr }).toEqual({ code: 0, stderr: '' });
    const ok = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], now);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

/** The same rings; web's chart in Git at `deploy/chart` of its application repository, pinned by commit SHA with its image. */
const GIT_CHART = PROGRAM.replace(
  `Workload.ociChart({ repoURL: ${JSON.stringify(OCI)}, version: '1.0.0', promoted: true })`,
  `Workload.helmChart({ chartPath: 'deploy/chart', targetRevision: ${JSON.stringify('1'.repeat(40))}, promoted: true })`,
);
const APP_REPO = 'https://git.example.com/apps/web.git';

describeWithDouble('a release that pins a chart in Git by commit SHA, against a test double of Argo CD', () => {
  const checkout = useProgramCheckout(GIT_CHART, 'health-gate-git-chart');
  let double: ArgoCdDouble;
  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());

  const env = (): Record<string, string> => ({
    ARGOCD_SERVER: double.server,
    ARGOCD_AUTH_TOKEN: DOUBLE_TOKEN,
    ARGOCD_CA_FILE: double.caFile,
  });
  const cli = (args: string[], now: string): Promise<CliRun> => runCli(args, { out: checkout.out, now, app: checkout.app, env: env() });
  const ledger = (): string => fs.readFileSync(path.join(checkout.out, 'releases/web.yaml'), 'utf8');
  const OLD = 'e'.repeat(40);
  const NEW = 'f'.repeat(40);
  const values: DoubleSource = { repoURL: GITOPS, targetRevision: 'refs/heads/main', ref: 'values' };
  /** The canary's Application running image B Synced and Healthy, compared with `compared` (its GitOps commit `commit`). */
  const canaryComparedWith = (compared: DoubleSource[], commit: string): DoubleApplication => ({
    name: CANARY,
    project: 'prod',
    images: [`registry.example.com/shop/web@${B}`],
    sources: compared,
    comparedTo: compared,
    revisions: compared.map((s) => (s.repoURL === GITOPS ? commit : s.targetRevision!)),
    healthSince: '2026-11-22T10:05:00Z',
    deployedAt: '2026-11-22T10:05:00Z',
  });

  test('only the source that is the chart ties it: another source of its repository at the revision (a ref, another path) does not', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], T0)).code).toBe(0);
    expect(
      (await cli(['promote', 'web', '--ring', 'canary', '--digest', B, '--chart-revision', OLD, '--by', 'ci', '--publish'], T0)).code,
    ).toBe(0);
    const commit = execFileSync('git', ['-C', checkout.out, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(
      (await cli(['promote', 'web', '--ring', 'canary', '--digest', B, '--chart-revision', NEW, '--by', 'ci', '--publish'], T0)).code,
    ).toBe(0);
    const before = ledger();
    const now = '2026-11-22T13:00:00Z';

    // The chart's source still at the old commit; a values source of the same repository at the new one.
    double.applications = [
      canaryComparedWith(
        [
          { repoURL: APP_REPO, path: 'deploy/chart', targetRevision: OLD },
          values,
          { repoURL: APP_REPO, path: 'values', targetRevision: NEW, ref: 'extra' },
        ],
        commit,
      ),
    ];
    const refused = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], now);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${CANARY} (control plane prod-eu) is drifted: sync Synced, health Healthy, Argo CD compared it with chart ${OLD} of ${APP_REPO}, not ${NEW}.`,
    );
    expect(ledger()).toBe(before);
    const waited = await cli(['wait', 'web', '--ring', 'canary', '--timeout', '1s', '--interval', '1s'], now);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain('CG804');
    const live = await cli(['status', '--live', '--format', 'json'], now);
    expect(live.code).toBe(2);
    expect(JSON.parse(live.stdout).targets[0]).toMatchObject({
      application: CANARY,
      verdict: 'drifted',
      why: `Argo CD compared it with chart ${OLD} of ${APP_REPO}, not ${NEW}`,
    });

    // No source that is the chart: one at its path but marked as a values source (ref), one at another path.
    double.applications = [
      canaryComparedWith(
        [
          { repoURL: APP_REPO, path: 'deploy/chart', targetRevision: NEW, ref: 'chart' },
          values,
          { repoURL: APP_REPO, path: 'deploy/other', targetRevision: NEW },
        ],
        commit,
      ),
    ];
    const unfound = await cli(['status', '--live', '--format', 'json'], now);
    expect(unfound.code).toBe(2);
    expect(JSON.parse(unfound.stdout).targets[0]).toMatchObject({
      verdict: 'drifted',
      why: `Argo CD compared the Application with no source that is the chart (path deploy/chart of ${APP_REPO}, without ref) in status.sync.comparedTo, so chart ${NEW} cannot be tied to what runs`,
    });
    const untied = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], now);
    expect(untied.code).toBe(1);
    expect(ledger()).toBe(before);

    // The chart at the new commit and at the old one: which runs cannot be told.
    double.applications = [
      canaryComparedWith(
        [
          { repoURL: APP_REPO, path: 'deploy/chart', targetRevision: NEW },
          values,
          { repoURL: APP_REPO, path: './deploy/chart/', targetRevision: OLD },
        ],
        commit,
      ),
    ];
    const both = await cli(['status', '--live', '--format', 'json'], now);
    expect(both.code).toBe(2);
    expect(JSON.parse(both.stdout).targets[0]).toMatchObject({
      verdict: 'drifted',
      why: `Argo CD compared it with chart ${NEW} of ${APP_REPO} and with chart ${OLD} too, so which one runs cannot be told`,
    });

    // The chart's source at the new commit: it runs the release, and the gate takes it.
    double.applications = [canaryComparedWith([{ repoURL: APP_REPO, path: 'deploy/chart', targetRevision: NEW }, values], commit)];
    const ok = await cli(['promote', 'web', '--ring', 'prod', '--from', 'canary', '--by', 'alice'], now);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
  });
});
