/**
 * A rendered service whose render function makes no object for a target: synth says so in a
 * note naming the service and the target, with what to do; where that would delete the target's
 * running Application, the write is refused (CG141) naming the empty render as the cause, and
 * nothing is written, unless the command allows the deletion (--allow-remove).
 */
import * as fs from 'fs';
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';
import { hashTree } from '../support/hash-tree';

const ROOT = path.resolve(__dirname, '..', '..');
const T0 = '2026-11-22T10:00:00Z';
const SEED = `sha256:${'0'.repeat(64)}`;

// EMPTY: "eu-02" renders nothing on eu-02, "all" renders nothing anywhere.
const PROGRAM = `
const kplus = require(${JSON.stringify(require.resolve('cdk8s-plus-28'))});
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(nonprod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new Service(platform, 'web', {
  image: { repository: 'registry.example.com/shop/web' },
  initialDigest: ${JSON.stringify(SEED)},
  workload: Workload.render((ctx) => {
    if (process.env.EMPTY === 'all' || (process.env.EMPTY === 'eu-02' && ctx.cluster === 'eu-02')) return;
    new kplus.Deployment(ctx.scope, 'web', { containers: [{ image: ctx.image, portNumber: 8080 }] });
  }),
}).deployTo([nonprod]);
platform.synth();
`;

const note = (cluster: string): string =>
  `Note: The render function of service "web" made no object for nonprod/aws/${cluster}, so its target there has no file: no directory, and no Application. ` +
  `If it should run there, make the render function build its objects for that target (it runs once per target, with the target's RenderContext: ctx.environment, ctx.cluster…); ` +
  `if not, stop deploying web to nonprod/aws/${cluster}.\n`;

describe('a rendered service whose render makes no object for a target', () => {
  const checkout = useProgramCheckout(PROGRAM, 'empty-render');

  function cli(args: readonly string[], empty: string): Promise<CliRun> {
    return runCli(args, { out: checkout.out, now: T0, app: checkout.app, env: { EMPTY: empty } });
  }

  test('synth writes the other targets and says, naming service and target, that this one gets no directory and no Application', async () => {
    // WHEN the render makes nothing on eu-02
    const r = await cli(['synth'], 'eu-02');

    // THEN eu-01 is written, eu-02 has no directory, and a note says why and what to do
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(note('eu-02'));
    expect(fs.existsSync(path.join(checkout.out, 'environments/nonprod/aws/eu-01/web/deployment-web.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(checkout.out, 'environments/nonprod/aws/eu-02'))).toBe(false);
    // AND plan says it too
    expect((await cli(['plan'], 'eu-02')).stderr).toContain(note('eu-02'));
  });

  test('fails when an empty render would delete a running Application (CG141, naming the empty render), and writes nothing', async () => {
    // GIVEN web runs on both clusters, published
    expect((await cli(['publish', '--by', 'platform-team'], '')).code).toBe(0);
    const before = hashTree(checkout.out, ['.git']);

    // WHEN its render makes nothing on eu-02
    const r = await cli(['synth'], 'eu-02');

    // THEN the write is refused with the empty render as the cause, and nothing is written
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '[platform/web] CG141 The write would delete Application web-nonprod-aws-eu-02: the render function of service "web" made no object for nonprod/aws/eu-02, so its target there has no file: no directory, and no Application.',
    );
    expect(r.stderr).toContain('Fix: If that is intended, allow it for the command that publishes it');
    expect(r.stderr).toContain('--allow-remove web-nonprod-aws-eu-02.');
    expect(r.stderr).not.toContain('runs no digest');
    expect(hashTree(checkout.out, ['.git'])).toEqual(before);

    // WHEN the deletion is allowed explicitly, THEN it is written
    const allowed = await cli(['synth', '--allow-remove', 'web-nonprod-aws-eu-02'], 'eu-02');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('[-] environments/nonprod/aws/eu-02/web/deployment-web.yaml');
  });
});
