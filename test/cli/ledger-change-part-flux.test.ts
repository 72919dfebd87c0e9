/**
 * A change to a ledger alone, on clusters Flux reconciles: the part of the tree `synth` builds
 * (and the part a release writes) holds the targets' files in the clusters' entry points as the
 * service's, so that its report is the whole tree's, and a file it no longer makes there is
 * deleted (or the write refused) as a whole tree does.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../support/tree';
import { runBin } from '../support/cli';

const LIB = path.resolve(__dirname, '..', '..', 'lib');
const NOW = { CDK8S_GITOPS_NOW: '2026-11-22T10:00:00Z' };
const A = `sha256:${'a'.repeat(64)}`;

const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Reconciler, Service, SyncPolicy, Targets } = require(${JSON.stringify(LIB)});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const syncPolicy = SyncPolicy.automated({ prune: true, selfHeal: true });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod', { reconciler: Reconciler.flux() }), syncPolicy });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod'), syncPolicy });
const aws = new Cloud(platform, 'aws');
for (const env of [nonprod, prod]) for (const c of ['c0', 'c1']) new Cluster(env, c, { cloud: aws });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
for (const name of ['web', 'api']) {
  new Service(platform, name, { image: { repository: 'registry.example.com/' + name }, initialDigest: 'sha256:${'1'.repeat(64)}' }).deployTo([nonprod, prod]);
}
platform.synth();
`;

let dir: string;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });

function ok(args: string[]): string {
  const r = runBin(dir, args, NOW);
  if (r.status !== 0 && r.status !== 2) throw new Error(`cdk8s-gitops ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-ledger-part-flux-'));
  fs.writeFileSync(path.join(dir, 'program.js'), PROGRAM);
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: node program.js\n');
  git(dir, 'init', '--quiet', 'co');
  ok(['synth', '--out', 'co']);
  git(path.join(dir, 'co'), 'add', '-A');
  git(path.join(dir, 'co'), 'commit', '--quiet', '-m', 'synth');
  fs.cpSync(path.join(dir, 'co'), path.join(dir, 'promoted'), { recursive: true });
  ok(['promote', 'web', '--ring', 'nonprod', '--digest', A, '--by', 'alice', '--out', 'promoted']);
  for (const out of ['part', 'whole']) {
    fs.cpSync(path.join(dir, 'co'), path.join(dir, out), { recursive: true });
    fs.copyFileSync(path.join(dir, 'promoted', 'releases', 'web.yaml'), path.join(dir, out, 'releases', 'web.yaml'));
  }
  // Past the stat cache's racy window.
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("synth of a checkout whose only change is a Flux service's ledger reports what a whole tree reports", () => {
  const { out: _part, ...part } = JSON.parse(ok(['synth', '--out', 'part', '--format', 'json']));
  // --verify builds the whole tree.
  const { out: _whole, ...whole } = JSON.parse(ok(['synth', '--out', 'whole', '--verify', '--format', 'json']));
  expect(part.updated).toContain('environments/nonprod/aws/c0/web/values.yaml');
  expect(part).toEqual(whole);
  expect(readTree(path.join(dir, 'part'))).toEqual(readTree(path.join(dir, 'whole')));
});
