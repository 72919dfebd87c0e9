/**
 * `publish` pushes to the checkout's branch; when that is not the branch the ApplicationSets read
 * (the platform's revision), it says so, since nothing of it is deployed from there.
 */
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const PROGRAM = `
const { Cloud, Cluster, Environment, Platform, Service } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', revision: process.env.REVISION, applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev');
new Cluster(dev, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
new Service(platform, 'api', { image: { repository: 'registry.example.com/api' }, initialDigest: 'sha256:${'a'.repeat(64)}' }).deployTo(dev);
platform.synth();
`;

describe('publish to a branch the ApplicationSets do not read', () => {
  const checkout = useProgramCheckout(PROGRAM, 'publish-branch');

  test('notes that nothing of it is deployed from there; none when the branches agree', async () => {
    const run = (revision: string) =>
      runCli(['publish', '--by', 'ci'], { out: checkout.out, now: '2026-11-22T10:00:00Z', app: checkout.app, env: { REVISION: revision } });
    const other = await run('release');
    expect(other.code).toBe(0);
    expect(other.stderr).toContain(
      'Note: this went to branch main, but Argo CD reads the GitOps repository at "release" (the platform\'s revision): nothing of it is deployed until it reaches "release".',
    );
    const same = await run('main');
    expect([same.code, same.stderr]).toEqual([0, '']);
  });
});
