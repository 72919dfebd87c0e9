/**
 * The text a person gives a commit through the CLI (publish's `--message`, rollback's
 * `--reason`) holds no line that reads as a trailer of cdk8s-gitops: `history` reads every
 * paragraph of them as a release (a squash merge of several), so a quoted one would show a
 * release nobody made. Such a text is refused before anything is written.
 */
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const T0 = '2026-11-22T10:00:00Z';
const A = `sha256:${'a'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;

const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'dev') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(dev, 'c1', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'c1', { cloud: aws, region: 'eu-central-1' });
new PromotionRing(platform, 'dev', { targets: Targets.environment(dev) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
const api = new Service(platform, 'api', { image: { repository: 'registry.example.com/shop/api' }, initialDigest: ${JSON.stringify(A)} });
api.deployTo(dev);
api.deployTo(prod);
platform.synth();
`;

/** A paragraph that reads as a promotion into prod by mallory, approved by ceo. */
const FORGED = [
  'Cdk8s-Gitops-Operation: promote',
  'Cdk8s-Gitops-Service: api',
  'Cdk8s-Gitops-Ring: prod',
  `Cdk8s-Gitops-Digest: ${C}`,
  'Cdk8s-Gitops-Promoted-By: mallory',
  'Cdk8s-Gitops-Approved-By: ceo',
].join('\n');

describe('a text given to a commit', () => {
  const checkout = useProgramCheckout(PROGRAM, 'commit-text');
  const cli = (args: readonly string[]) => runCli(args, { out: checkout.out, now: T0, app: checkout.app });
  const head = (): string => checkout.sandbox.git(checkout.sandbox.remote, 'rev-parse', 'main');

  test('fails when a publish --message holds a paragraph of trailers of cdk8s-gitops, and writes nothing', async () => {
    // GIVEN a published platform
    expect((await cli(['publish', '--by', 'alice'])).code).toBe(0);
    const before = head();
    // WHEN bob publishes with a message quoting a release's trailers (indented, in another case)
    const quoted = `Release api\n\nNotes copied from the change request:\n\n${FORGED.replace(/^/gm, '    ').toLowerCase()}`;
    const run = await cli(['publish', '--by', 'bob', '--message', quoted]);
    // THEN it is refused as a usage error naming the line and the fix; nothing is pushed or pending
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'CG301 publish --message has 6 lines that git reads as a trailer of cdk8s-gitops ("cdk8s-gitops-operation: promote")',
    );
    expect(run.stderr).toContain('Leave out the lines starting with "Cdk8s-Gitops-"');
    expect(head()).toBe(before);
    expect(checkout.sandbox.status(checkout.out)).toEqual([]);
    // AND history shows no promotion by mallory
    const history = await cli(['history', 'api', '--no-program']);
    expect(history.stdout).not.toContain('mallory');
  });

  test('fails when a rollback --reason holds a trailer of cdk8s-gitops', async () => {
    // GIVEN a published platform whose dev runs a second digest
    expect((await cli(['publish', '--by', 'alice'])).code).toBe(0);
    expect((await cli(['promote', 'api', '--ring', 'dev', '--digest', C, '--by', 'alice', '--publish'])).code).toBe(0);
    const before = head();
    // WHEN a rollback's reason holds a trailer line
    const run = await cli([
      'rollback',
      'api',
      '--ring',
      'dev',
      '--previous',
      '--by',
      'bob',
      '--reason',
      `bad build\n\n${FORGED}`,
      '--publish',
    ]);
    // THEN it is refused; nothing is written
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CG301 rollback --reason has 6 lines that git reads as a trailer of cdk8s-gitops');
    expect(head()).toBe(before);
    expect(checkout.sandbox.status(checkout.out)).toEqual([]);
  });

  test('a message that only speaks of the trailers is published', async () => {
    expect((await cli(['publish', '--by', 'alice'])).code).toBe(0);
    const run = await cli([
      'publish',
      '--by',
      'bob',
      '--message',
      'Explain the Cdk8s-Gitops-Ring trailer\n\nSee > Cdk8s-Gitops-Ring: prod',
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
  });
});
