/**
 * A rollback made in the same second, by the same person, as the promotion of the release it
 * goes back to: publishing it must not take it for an operation the remote has already.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { parse } from 'yaml';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const T0 = '2026-11-22T10:00:00Z';
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const D = `sha256:${'d'.repeat(64)}`;

const PROGRAM = `
const { Cloud, Cluster, Environment, Platform, Service } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev');
new Cluster(dev, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
new Service(platform, 'api', { image: { repository: 'registry.example.com/api' }, initialDigest: ${JSON.stringify(A)} }).deployTo(dev);
platform.synth();
`;

describe('a rollback in the same second as the promotion it goes back to', () => {
  const checkout = useProgramCheckout(PROGRAM, 'same-second-rollback');
  const recorded = (args: string[]): Promise<CliRun> => runCli([...args, '--no-program', '--publish'], { out: checkout.out, now: T0 });

  test('is published, not taken for one the remote has', async () => {
    expect((await runCli(['publish', '--by', 'platform-team'], { out: checkout.out, now: T0, app: checkout.app })).code).toBe(0);
    expect((await recorded(['promote', 'api', '--ring', 'dev', '--digest', B, '--by', 'ci'])).code).toBe(0);
    expect((await recorded(['promote', 'api', '--ring', 'dev', '--digest', D, '--by', 'ci'])).code).toBe(0);
    const back = await recorded(['rollback', 'api', '--ring', 'dev', '--previous', '--reason', 'broken', '--by', 'ci']);
    expect([back.code, back.stderr]).toEqual([0, '']);
    expect(back.stdout).toContain('Pushed ');
    const remote = parse(execFileSync('git', ['-C', checkout.out, 'show', 'origin/main:releases/api.yaml'], { encoding: 'utf8' }));
    expect(remote.rings.dev).toMatchObject({ digest: B, hold: { reason: 'broken', by: 'ci' } });
  });
});
