/**
 * A ring held at its release on clusters Flux reconciles (the program named the service's images,
 * the ring still runs a digest of one): its targets' files stay as they are, their files in the
 * clusters' entry points with them, so that Flux prunes nothing; the promotion of a release of
 * the program's images writes them again.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runBin } from '../support/cli';

const LIB = path.resolve(__dirname, '..', '..', 'lib');
const NOW = { CDK8S_GITOPS_NOW: '2026-11-22T10:00:00Z' };
const A = `sha256:${'a'.repeat(64)}`;
const ENTRY = 'clusters/nonprod/aws/c0/web.yaml';
const VALUES = 'environments/nonprod/aws/c0/web/values.yaml';

// NAMED=1: web names its images.
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Reconciler, Service, SyncPolicy, Targets } = require(${JSON.stringify(LIB)});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const nonprod = new Environment(platform, 'nonprod', {
  controlPlane: new ControlPlane(platform, 'nonprod', { reconciler: Reconciler.flux() }),
  syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
});
new Cluster(nonprod, 'c0', { cloud: new Cloud(platform, 'aws') });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
const seed = 'sha256:${'1'.repeat(64)}';
new Service(platform, 'web', process.env.NAMED === '1'
  ? { images: { api: { repository: 'registry.example.com/web-api', initialDigest: seed }, worker: { repository: 'registry.example.com/web-worker', initialDigest: seed } } }
  : { image: { repository: 'registry.example.com/web' }, initialDigest: seed }).deployTo(nonprod);
platform.synth();
`;

let dir: string;
let co: string;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });

const read = (p: string): string => fs.readFileSync(path.join(co, p), 'utf8');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-flux-held-'));
  fs.writeFileSync(path.join(dir, 'program.js'), PROGRAM);
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: node program.js\n');
  git(dir, 'init', '--quiet', 'co');
  co = path.join(dir, 'co');
  expect(runBin(dir, ['synth', '--out', 'co'], NOW).status).toBe(0);
  git(co, 'add', '-A');
  git(co, 'commit', '--quiet', '-m', 'synth');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("a held ring's targets on Flux keep their entry point files and their own: synth writes only the program's record", () => {
  const entry = read(ENTRY);
  const values = read(VALUES);
  const plan = runBin(dir, ['plan', '--out', 'co'], { ...NOW, NAMED: '1' });
  expect(plan.stdout).not.toContain(`[-] ${ENTRY}`);
  expect(plan.stderr).not.toMatch(/CG141|CG214/);
  const r = runBin(dir, ['synth', '--out', 'co', '--format', 'json'], { ...NOW, NAMED: '1' });
  expect(r.stderr).not.toMatch(/CG141|CG214/);
  expect(r.status).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.deleted).toEqual([]);
  expect(report.updated.every((p: string) => p.startsWith('.cdk8s-gitops/model/'))).toBe(true);
  expect(read(ENTRY)).toBe(entry);
  expect(read(VALUES)).toBe(values);
  // A release of the program's images writes the target again.
  const promoted = runBin(
    dir,
    ['promote', 'web', '--ring', 'nonprod', '--digest', `api=${A}`, '--digest', `worker=${A}`, '--by', 'alice', '--out', 'co'],
    {
      ...NOW,
      NAMED: '1',
    },
  );
  expect(promoted.status).toBe(0);
  expect(read(VALUES)).toContain(A);
  expect(read(ENTRY)).toBe(entry);
  expect(runBin(dir, ['check', '--out', 'co'], { ...NOW, NAMED: '1' }).stdout).toMatch(/^Clean/m);
});
