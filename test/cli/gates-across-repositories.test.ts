/**
 * A ring's health gate and soak behind a ring of another GitOps repository, through the built
 * CLI: the ring's checkout reads neither what the ring before runs nor since when, so the program
 * is refused (CG156) rather than the gate skipped at promotion.
 */
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const T0 = '2026-11-22T10:00:00Z';
const PROD_REPO = 'https://git.example.com/platform/prod-gitops.git';

/** dev (the platform's repository) → prod (a repository of its own), prod's gates from GATES. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'dev') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod', { repository: { repoURL: ${JSON.stringify(PROD_REPO)} } }) });
const aws = new Cloud(platform, 'aws');
new Cluster(dev, 'c1', { cloud: aws }); new Cluster(prod, 'c1', { cloud: aws });
const gates = { healthy: [Gate.healthy()], soak: [Gate.soak(Duration.hours(1))], both: [Gate.healthy(), Gate.soak(Duration.hours(1))], approval: [Gate.approval()] }[process.env.GATES];
new PromotionRing(platform, 'dev', { targets: Targets.environment(dev) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates });
new Service(platform, 'api', { image: { repository: 'r.example.com/api' }, initialDigest: 'sha256:' + '1'.repeat(64) }).deployTo([dev, prod]);
platform.synth();
`;

describe('gates of a ring whose ring before is in another GitOps repository', () => {
  const checkout = useProgramCheckout(PROGRAM, 'gates-across-repositories');
  const synth = (gates: string): ReturnType<typeof runCli> =>
    runCli(['synth'], { out: checkout.out, now: T0, app: checkout.app, env: { GATES: gates } });

  test('fails when the ring has Gate.healthy() or Gate.soak(): neither could be held in its checkout', async () => {
    const both = await synth('both');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain(
      'CG156 Ring "prod" has Gate.healthy() and Gate.soak(1h), but the ring before it, "dev", is read from another GitOps repository (https://git.example.com/platform/platform-gitops.git): ' +
        `a promotion into "prod" is made in ${PROD_REPO}, whose checkout reads neither what "dev" runs nor since when, so the gates could not be held.`,
    );
    expect(both.stderr).toContain(
      'Fix: Drop Gate.healthy() and Gate.soak(1h) from ring "prod" and order the promotion in the pipeline (cdk8s-gitops wait <service> --ring dev --repository https://git.example.com/platform/platform-gitops.git',
    );
    expect((await synth('healthy')).stderr).toContain('CG156 Ring "prod" has Gate.healthy(), but');
    expect((await synth('soak')).stderr).toContain('CG156 Ring "prod" has Gate.soak(1h), but');
  });

  test('an approval, which the promotion itself carries, is held there', async () => {
    const run = await synth('approval');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });
});
