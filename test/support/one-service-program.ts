/**
 * The smallest platform program the CLI tests run: one service in one cluster of one
 * environment, for tests about the checkout and Git rather than the platform.
 */
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** A program (JavaScript, run with `node`; the built `lib/` must exist) that deploys `api` to `dev`'s cluster `eu-01`. */
export const ONE_SERVICE_PROGRAM = `
const { Cloud, Cluster, Environment, Platform, Service } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', revision: 'main', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev');
new Cluster(dev, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
new Service(platform, 'api', { image: { repository: 'registry.example.com/api' }, initialDigest: 'sha256:${'a'.repeat(64)}' }).deployTo(dev);
platform.synth();
`;

/** The values file of `api`'s one target. */
export const ONE_SERVICE_VALUES = 'environments/dev/aws/eu-01/api/values.yaml';
