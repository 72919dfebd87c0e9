/**
 * Program problems grouped by kind name the rest by place only; `--verbose` prints every one in
 * full, and the grouped output says so.
 */
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const PROGRAM = `
const { Cloud, Cluster, Environment, Platform, PromotionRing, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev');
const aws = new Cloud(platform, 'aws');
const svc = new Service(platform, 'api', { image: { repository: 'registry.example.com/api' }, initialDigest: 'sha256:${'a'.repeat(64)}' });
for (const n of ['eu-01', 'eu-02', 'eu-03', 'eu-04', 'eu-05']) svc.deployTo(new Cluster(dev, n, { cloud: aws, region: 'eu-central-1' }));
new PromotionRing(platform, 'canary', { targets: Targets.label('ring', 'canary') });
platform.synth();
`;

describe('program problems of one kind', () => {
  const checkout = useProgramCheckout(PROGRAM, 'verbose-problems');
  const plan = (...extra: string[]) => runCli(['plan', ...extra], { out: checkout.out, now: '2026-11-22T10:00:00Z', app: checkout.app });

  test('are grouped with a hint, and --verbose prints every one in full', async () => {
    const grouped = await plan();
    expect(grouped.code).toBe(1);
    expect(grouped.stderr).toContain('more CG116 like it');
    expect(grouped.stderr).toContain('(--verbose prints every problem in full.)');
    const every = await plan('--verbose');
    expect(every.code).toBe(1);
    expect(every.stderr).not.toContain('like it');
    for (const n of ['eu-01', 'eu-02', 'eu-03', 'eu-04', 'eu-05']) expect(every.stderr).toContain(`[platform/api/dev/aws/${n}] CG116`);
  });
});
