/**
 * `publish` commits every file synth wrote, or nothing: a file of the tree that the clone's index
 * tells git to take as unchanged (`git update-index --assume-unchanged` or `--skip-worktree`, as
 * a sparse checkout sets) would be left out of the commit while the manifest records its change.
 */
import * as fs from 'fs';
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const PROGRAM = `
const { Cloud, Cluster, Environment, Platform, Service } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', revision: 'main', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev');
new Cluster(dev, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
new Service(platform, 'api', {
  image: { repository: 'registry.example.com/api' },
  initialDigest: 'sha256:${'a'.repeat(64)}',
  values: { replicas: Number(process.env.REPLICAS) },
}).deployTo(dev);
platform.synth();
`;
const VALUES = 'environments/dev/aws/eu-01/api/values.yaml';

describe('publish and files the index takes as unchanged', () => {
  const checkout = useProgramCheckout(PROGRAM, 'publish-index-flags');
  const publish = (replicas: number) =>
    runCli(['publish', '--by', 'ci'], {
      out: checkout.out,
      now: '2026-12-01T10:00:00Z',
      app: checkout.app,
      env: { REPLICAS: String(replicas) },
    });

  test.each([['--assume-unchanged'], ['--skip-worktree']])(
    'a written file marked %s: refused (CG523), nothing committed or pushed; with the flag cleared, the file is pushed with its manifest',
    async (flag) => {
      const { sandbox, out } = checkout;
      expect((await publish(1)).code).toBe(0);
      sandbox.git(out, 'update-index', flag, VALUES);
      const remoteHead = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      const refused = await publish(2);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`CG523 Git is told to take 1 file(s) cdk8s-gitops writes in `);
      expect(refused.stderr).toContain(`"${VALUES}" (${flag.slice(2)})`);
      expect(refused.stderr).toContain(`Fix: Clear the flag: \`git update-index --no-${flag.slice(2)} -- <file>…\``);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteHead);
      expect(sandbox.git(out, 'rev-parse', 'HEAD')).toBe(remoteHead);

      sandbox.git(out, 'update-index', `--no-${flag.slice(2)}`, '--', VALUES);
      const published = await publish(2);
      expect([published.code, published.stderr]).toEqual([0, '']);
      expect(sandbox.remoteFile(VALUES)).toContain('replicas: 2');
      expect(sandbox.remoteFile(VALUES) + '\n').toBe(fs.readFileSync(path.join(out, VALUES), 'utf8'));
      expect(sandbox.status(out)).toEqual([]);
    },
  );
});
