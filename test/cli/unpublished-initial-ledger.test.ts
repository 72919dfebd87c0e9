/**
 * An initial ledger synth wrote and nobody committed yet, when the program's initial release
 * changes before the first commit (an add-on's chart version, a service's initialDigest): the
 * program's new initial release takes its place, as it would have on the first write, instead
 * of the ring rules reading the old one as changed by hand (CG610). A committed ledger, a
 * ledger edited by hand and one a promotion changed stay as they are.
 */
import * as fs from 'fs';
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const SEED = `sha256:${'0'.repeat(64)}`;
const OTHER = `sha256:${'1'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const LEDGER = 'releases/otel-collector.yaml';
const WEB_LEDGER = 'releases/web.yaml';

// CHART: the add-on's chart version (default 0.110.0); WEB_DIGEST: web's initialDigest (default SEED).
const PROGRAM = `
const { Cloud, Cluster, ClusterAddon, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(1))] });
new Service(platform, 'web', {
  image: { repository: 'registry.example.com/shop/web' },
  initialDigest: process.env.WEB_DIGEST || ${JSON.stringify(SEED)},
  workload: Workload.ociChart({ repoURL: 'oci://registry.example.com/charts/web', version: '1.0.0' }),
}).deployTo([nonprod, prod]);
new ClusterAddon(platform, 'otel-collector', {
  chart: Workload.ociChart({ repoURL: 'oci://ghcr.io/open-telemetry/charts/opentelemetry-collector', version: process.env.CHART || '0.110.0' }),
  image: { repository: 'otel/opentelemetry-collector-contrib' },
  initialDigest: ${JSON.stringify(SEED)},
  namespace: 'observability',
});
platform.synth();
`;

describe('an initial ledger written but never committed', () => {
  const checkout = useProgramCheckout(PROGRAM, 'unpublished-initial');

  function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
  }
  const read = (file: string): string => fs.readFileSync(path.join(checkout.out, file), 'utf8');
  const chartsOf = (file: string): string[] => [...read(file).matchAll(/chart: "([^"]+)"/g)].map((m) => m[1]!);

  test("takes the add-on's new chart version on the next synth, without CG610, and check finds the checkout clean", async () => {
    // GIVEN synth wrote the add-on's initial ledger at chart 0.110.0 into a checkout with a commit, and nothing was committed
    expect((await cli(['synth'])).code).toBe(0);
    expect(chartsOf(LEDGER)).toEqual(['0.110.0', '0.110.0']);

    // WHEN the program's chart version changes and synth runs again
    const second = await cli(['synth'], { CHART: '0.111.0' });

    // THEN every ring starts at the new version, as on a first write, and the rules find nothing changed by hand
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(second.stdout).toContain(`[~] ${LEDGER}`);
    expect(chartsOf(LEDGER)).toEqual(['0.111.0', '0.111.0']);
    expect(read('environments/prod/aws/eu-01/otel-collector/release.yaml')).toContain('revision: "0.111.0"');
    const check = await cli(['check'], { CHART: '0.111.0' });
    expect({ code: check.code, stdout: check.stdout }).toEqual({
      code: 0,
      stdout: 'Clean: the checkout is exactly what the program synthesizes.\n',
    });
  });

  test("takes a service's new initialDigest the same way", async () => {
    expect((await cli(['synth'])).code).toBe(0);
    const second = await cli(['synth'], { WEB_DIGEST: OTHER });
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(read(WEB_LEDGER)).toContain(`digest: ${OTHER}`);
    expect(read(WEB_LEDGER)).not.toContain(SEED);
  });

  test('keeps a committed initial ledger: it is history, and the program changes it only by a promotion', async () => {
    // GIVEN the first synth was published
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    const ledger = read(LEDGER);
    // WHEN the chart version changes in the program
    const second = await cli(['synth'], { CHART: '0.111.0' });
    // THEN the ledger stays at 0.110.0
    expect(second.code).toBe(0);
    expect(read(LEDGER)).toBe(ledger);
  });

  test('keeps a ledger a promotion changed, though not committed, and judges its other rings by the initial release it started from', async () => {
    // GIVEN a promotion into nonprod, not published
    expect((await cli(['synth'])).code).toBe(0);
    expect((await cli(['promote', 'otel-collector', '--ring', 'nonprod', '--digest', A, '--by', 'alice'])).code).toBe(0);
    const promoted = read(LEDGER);
    // WHEN the chart version changes in the program, synth keeps the promoted ledger
    const after = await cli(['synth'], { CHART: '0.111.0' });
    expect({ code: after.code, stderr: after.stderr }).toEqual({ code: 0, stderr: '' });
    expect(read(LEDGER)).toBe(promoted);
  });

  test('keeps a ledger a promotion made from the initial release before any synth, and judges its other rings by that release', async () => {
    // GIVEN a promotion into nonprod before the checkout held any ledger, not published
    expect((await cli(['promote', 'otel-collector', '--ring', 'nonprod', '--digest', A, '--by', 'alice'])).code).toBe(0);
    const promoted = read(LEDGER);
    // WHEN the chart version changes in the program
    const after = await cli(['synth'], { CHART: '0.111.0' });
    // THEN prod's initial entry at 0.110.0 is what the promotion found, not a hand edit
    expect({ code: after.code, stderr: after.stderr }).toEqual({ code: 0, stderr: '' });
    expect(read(LEDGER)).toBe(promoted);
  });

  test('fails on an initial ledger edited by hand to another release (CG610), rather than replace it', async () => {
    // GIVEN the initial ledger, edited by hand: prod runs another digest by "initial"
    expect((await cli(['synth'])).code).toBe(0);
    const edited = read(LEDGER).replace(/digest: sha256:0+/g, `digest: ${A}`);
    fs.writeFileSync(path.join(checkout.out, LEDGER), edited);
    // WHEN synth runs with the program unchanged
    const second = await cli(['synth']);
    // THEN the ring rules judge the edit, and the file is left as it is
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`[${LEDGER}] CG610`);
    expect(read(LEDGER)).toBe(edited);
  });
});
