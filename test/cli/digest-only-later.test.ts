/**
 * A ring that takes only digests from some program change on, while its ledger still records a
 * chart tag it ran before: the ledger is refused as it is (CG204), and the fix the message gives,
 * a promotion by commit SHA with the release model the checkout records, is one that works.
 */
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const T0 = '2026-11-22T10:00:00Z';
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const SHA = 'd'.repeat(40);

/** api promotes its chart in Git with its image; prod takes only digests with STRICT=1. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'nonprod'), requireDigest: false });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod'), requireDigest: process.env.STRICT === '1' });
const aws = new Cloud(platform, 'aws');
new Cluster(dev, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new PromotionRing(platform, 'dev', { targets: Targets.environment(dev) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
new Service(platform, 'api', {
  image: { repository: 'registry.example.com/api' },
  initialDigest: ${JSON.stringify(A)},
  workload: Workload.helmChart({ targetRevision: ${JSON.stringify('c'.repeat(40))}, promoted: true }),
}).deployTo(dev).deployTo(prod);
platform.synth();
`;

describe('a ring that takes only digests from a later program on', () => {
  const checkout = useProgramCheckout(PROGRAM, 'digest-only-later');
  const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
    runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
  const recorded = (args: string[]): Promise<CliRun> => runCli([...args, '--no-program'], { out: checkout.out, now: T0 });

  test('refuses the chart tag its ledger records, and the fix it names works', async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    const tag = ['--chart-revision', 'v1.0.0', '--by', 'ci', '--publish'];
    expect((await cli(['promote', 'api', '--ring', 'dev', '--digest', B, ...tag])).code).toBe(0);
    expect((await cli(['promote', 'api', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--publish'])).code).toBe(0);

    const strict = { STRICT: '1' };
    const synth = await cli(['synth'], strict);
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain('CG204 Field "rings.prod.chart" is the tag "v1.0.0", and ring "prod" takes only digests');
    expect(synth.stderr).toContain(
      'promote api --ring <first ring> --chart-revision <SHA> --no-program (git rev-parse v1.0.0^{commit} in the application repository), then --from ring by ring.',
    );
    // With the program that makes prod strict, the ledger cannot be read at all: a promotion with it is refused too.
    expect((await cli(['promote', 'api', '--ring', 'dev', '--chart-revision', SHA, '--by', 'ci'], strict)).code).toBe(1);

    const dev = await recorded(['promote', 'api', '--ring', 'dev', '--chart-revision', SHA, '--by', 'ci', '--publish']);
    expect([dev.code, dev.stderr]).toEqual([0, '']);
    const prod = await recorded(['promote', 'api', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--publish']);
    expect([prod.code, prod.stderr]).toEqual([0, '']);
    const after = await cli(['synth'], strict);
    expect([after.code, after.stderr]).toEqual([0, '']);
    expect((await cli(['check'], strict)).code).toBe(0);
  });
});
