/**
 * `history` of one service when a commit changes several: each release of the commit is its own
 * entry (a paragraph of trailers each), so one service's history never shows another's digest or
 * chart; commits that recorded several services' values together (before) are shown without them.
 */
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2025-12-01T10:00:00Z';
const O = `sha256:${'1'.repeat(64)}`;
const W = `sha256:${'2'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;

const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets, Team, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'dev') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(dev, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new PromotionRing(platform, 'dev', { targets: Targets.environment(dev) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
const observability = new Team(platform, 'observability', { groups: ['acme:observability'], codeOwners: ['@acme/observability'], platform: true });
const shop = new Team(platform, 'shop', { groups: ['acme:shop'], codeOwners: ['@acme/shop'] });
new Service(observability, 'otel', {
  image: { repository: 'registry.example.com/otel' },
  initialDigest: ${JSON.stringify(O)},
  workload: Workload.helmRepositoryChart({ repoURL: 'https://charts.example.com', chart: 'otel', version: '1.0.0', promoted: true }),
}).deployTo([dev, prod]);
// REPLICAS=n: a change of web's values in every ring
new Service(shop, 'web', {
  image: { repository: 'registry.example.com/web' },
  initialDigest: ${JSON.stringify(W)},
  ...(process.env.REPLICAS ? { values: { replicaCount: Number(process.env.REPLICAS) } } : {}),
}).deployTo([dev, prod]);
platform.synth();
`;

/** The fields of a history entry these tests look at. */
interface Entry {
  readonly service: string[];
  readonly ring: string[];
  readonly digest: string[];
  readonly chart?: string[];
  readonly operation?: string;
  readonly recordedWith?: string[];
}

describe('history of one service, from commits that change several', () => {
  const checkout = useProgramCheckout(PROGRAM, 'history-services');
  const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> =>
    runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });

  async function ok(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
    const run = await cli(args, env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  /** The entries of `history --format json`, each with the fields these tests look at. */
  async function entries(args: readonly string[]): Promise<Entry[]> {
    return (JSON.parse(await ok(['history', ...args, '--format', 'json'])) as Entry[]).map(
      ({ service, ring, digest, chart, operation, recordedWith }) => ({
        service,
        ring,
        digest,
        ...(chart ? { chart } : {}),
        ...(operation ? { operation } : {}),
        ...(recordedWith ? { recordedWith } : {}),
      }),
    );
  }

  test("a commit of several services is an entry for each: one service's history shows its own digest and chart only", async () => {
    // GIVEN the first publish, which makes the releases of otel (with its chart) and web in one commit
    await ok(['publish', '--by', 'alice']);

    // WHEN / THEN each service's history holds its own release
    expect(await entries(['web'])).toEqual([{ service: ['web'], ring: ['dev', 'prod'], digest: [W], operation: 'synth' }]);
    expect(await entries(['otel'])).toEqual([
      { service: ['otel'], ring: ['dev', 'prod'], digest: [O], chart: ['1.0.0'], operation: 'synth' },
    ]);
    const web = (await ok(['history', 'web'])).split('\n');
    expect(web[0]).toMatch(/^DATE +OPERATION +RING +DIGEST +BY +APPROVED +COMMIT +SUBJECT$/);
    expect(web[1]).toMatch(/ synth +dev,prod +sha256:22222222 +alice +[0-9a-f]{10} +Synthesize the platform program$/);
    // AND the history of every service shows which service each row is
    const all = (await ok(['history'])).split('\n');
    expect(all[0]).toMatch(/^DATE +SERVICE +OPERATION +RING +DIGEST +CHART +BY /);
    expect(all.slice(1, 3)).toEqual([
      expect.stringMatching(/ otel +synth +dev,prod +sha256:11111111 +1\.0\.0 +alice /),
      expect.stringMatching(/ web +synth +dev,prod +sha256:22222222 +alice /),
    ]);
    // AND the commit keeps one trailer block for git, the last service's
    const trailers = checkout.sandbox.git(checkout.out, 'log', '-1', '--format=%(trailers:key=Cdk8s-Gitops-Service,valueonly)');
    expect(trailers.trim()).toBe('web');
  });

  test('rings of a service that run different releases are an entry each: --ring shows the digest of that ring', async () => {
    // GIVEN web runs A in dev and its first digest in prod, then a change of its values in both rings
    await ok(['publish', '--by', 'alice']);
    await ok(['promote', 'web', '--ring', 'dev', '--digest', A, '--by', 'alice', '--publish']);
    await ok(['publish', '--by', 'alice'], { REPLICAS: '3' });

    // WHEN / THEN the change is an entry per release, each with its ring's digest
    expect((await entries(['web'])).slice(0, 3)).toEqual([
      { service: ['web'], ring: ['dev'], digest: [A], operation: 'synth' },
      { service: ['web'], ring: ['prod'], digest: [W], operation: 'synth' },
      { service: ['web'], ring: ['dev'], digest: [A], operation: 'promote' },
    ]);
    expect(await entries(['web', '--ring', 'prod'])).toEqual([
      { service: ['web'], ring: ['prod'], digest: [W], operation: 'synth' },
      { service: ['web'], ring: ['dev', 'prod'], digest: [W], operation: 'synth' },
    ]);
  });

  test('a commit that recorded several services in one set of trailers (as before) shows one service without the digests and charts it cannot tell apart', async () => {
    // GIVEN a published program, then a commit whose trailers list two services' values together
    await ok(['publish', '--by', 'alice']);
    const message = [
      'Synthesize the platform program',
      '',
      'Cdk8s-Gitops-Operation: synth',
      'Cdk8s-Gitops-Service: otel',
      'Cdk8s-Gitops-Service: web',
      'Cdk8s-Gitops-Ring: dev',
      `Cdk8s-Gitops-Digest: ${O}`,
      `Cdk8s-Gitops-Digest: ${W}`,
      'Cdk8s-Gitops-Chart-Revision: 1.0.0',
      'Cdk8s-Gitops-Promoted-By: bob',
    ].join('\n');
    checkout.sandbox.git(checkout.out, 'commit', '--quiet', '--allow-empty', '-m', message);

    // WHEN / THEN web's history shows the commit as web's, with neither otel's digest nor its chart
    const old = { service: ['web'], ring: ['dev'], digest: [], operation: 'synth', recordedWith: ['otel'] };
    expect((await entries(['web']))[0]).toEqual(old);
    expect((await entries(['--team', 'shop', '--app', checkout.app]))[0]).toEqual(old);
    const text = await cli(['history', 'web']);
    expect(text.stdout.split('\n')[1]).toMatch(
      / synth +dev +\? +\? +bob +[0-9a-f]{10} +\[recorded with otel\] Synthesize the platform program$/,
    );
    expect(text.stderr).toMatch(/^Note: 1 commit \([0-9a-f]{10}\) recorded the digests and charts of several services together/);
    // AND the history of every service shows the commit as it recorded them
    expect((await entries([]))[0]).toEqual({
      service: ['otel', 'web'],
      ring: ['dev'],
      digest: [O, W],
      chart: ['1.0.0'],
      operation: 'synth',
    });
  });
});
