/**
 * Teams through the built CLI against a real GitOps repository: CODEOWNERS written and owned like
 * any other file, the owning team in `status` and `explain`, `status --team`, and ring approvals
 * that name a team.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const T0 = '2026-11-22T10:00:00Z';
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const CHART = 'c'.repeat(40);

/** dev → prod (production, approval by team payments); teams platform (ops), payments, web. */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Environment, Gate, Platform, PromotionRing, Service, Targets, Team, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
// Tags of images (and charts) are taken: production still takes a team's chart only by its commit.
const dev = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'nonprod'), requireDigest: false });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod'), production: true, requireDigest: false });
const aws = new Cloud(platform, 'aws');
new Cluster(dev, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
const ops = new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/platform'], platform: true });
const payments = new Team(platform, 'payments', { groups: ['acme:payments'], approvers: ['alice', 'bob'], codeOwners: ['@acme/payments'] });
const web = new Team(platform, 'web', { groups: ['acme:web'], codeOwners: ['@acme/web'] });
new PromotionRing(platform, 'dev', { targets: Targets.environment(dev) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.approval({ by: payments })] });
const image = (name) => ({
  image: { repository: 'registry.example.com/' + name },
  initialDigest: ${JSON.stringify(A)},
  workload: Workload.helmChart({ targetRevision: process.env.CHART_AT ?? ${JSON.stringify(CHART)}, promoted: true }),
});
new Service(payments, 'payments-api', image('payments-api')).deployTo(dev).deployTo(prod);
new Service(web, 'storefront', image('storefront')).deployTo(dev).deployTo(prod);
new Service(ops, 'ingress', image('ingress')).deployTo(dev);
platform.synth();
`;

describe('teams, through the CLI', () => {
  const checkout = useProgramCheckout(PROGRAM, 'teams');
  const cli = (args: string[], now = T0): Promise<CliRun> => runCli(args, { out: checkout.out, now, app: checkout.app });
  const codeowners = (): string => fs.readFileSync(path.join(checkout.out, 'CODEOWNERS'), 'utf8');

  test('publish commits CODEOWNERS; a hand edit of it is drift that check reports and synth --verify puts back', async () => {
    const published = await cli(['publish', '--by', 'platform-team']);
    expect({ code: published.code, stderr: published.stderr }).toEqual({ code: 0, stderr: '' });
    expect(execFileSync('git', ['-C', checkout.out, 'ls-files', 'CODEOWNERS'], { encoding: 'utf8' })).toBe('CODEOWNERS\n');
    const written = codeowners();
    expect(written).toContain('\n/environments/dev/*/*/payments-api/ @acme/payments\n/releases/payments-api.yaml @acme/payments\n');
    expect(written).not.toContain('/environments/prod/');
    fs.writeFileSync(path.join(checkout.out, 'CODEOWNERS'), `${written}/environments/prod/ @mallory\n`);
    const check = await cli(['check']);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain('CODEOWNERS');
    const synth = await cli(['synth', '--verify']);
    expect({ code: synth.code, stderr: synth.stderr }).toEqual({
      code: 0,
      stderr: 'Put back 1 owned file edited by hand since cdk8s-gitops wrote it:\n    CODEOWNERS\n',
    });
    expect(codeowners()).toBe(written);
  });

  test('a CODEOWNERS the repository holds already is not overwritten', async () => {
    fs.writeFileSync(path.join(checkout.out, 'CODEOWNERS'), '* @someone-else\n');
    const run = await cli(['synth']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"CODEOWNERS" exists but was not written by cdk8s-gitops');
    expect(fs.readFileSync(path.join(checkout.out, 'CODEOWNERS'), 'utf8')).toBe('* @someone-else\n');
  });

  test('a .github/CODEOWNERS, which GitHub reads first, is refused rather than left to override the one written', async () => {
    fs.mkdirSync(path.join(checkout.out, '.github'));
    fs.writeFileSync(path.join(checkout.out, '.github', 'CODEOWNERS'), '* @someone-else\n');
    const run = await cli(['synth']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CG404 ".github/CODEOWNERS" exists, and GitHub reads it before the CODEOWNERS cdk8s-gitops writes');
    expect(fs.existsSync(path.join(checkout.out, 'CODEOWNERS'))).toBe(false);
  });

  test('a CODEOWNERS or .github that is a link is never followed: nothing outside the checkout is read or written', async () => {
    const outside = path.join(path.dirname(checkout.out), 'outside-codeowners');
    fs.writeFileSync(outside, '* @someone-else\n');
    fs.symlinkSync(outside, path.join(checkout.out, 'CODEOWNERS'));
    const link = await cli(['synth']);
    expect(link.code).toBe(1);
    expect(link.stderr).toContain('CG408');
    fs.rmSync(path.join(checkout.out, 'CODEOWNERS'));
    fs.symlinkSync(path.dirname(outside), path.join(checkout.out, '.github'));
    const dir = await cli(['synth']);
    expect(dir.code).toBe(1);
    expect(dir.stderr).toContain('CG408');
    expect(fs.readFileSync(outside, 'utf8')).toBe('* @someone-else\n');
    expect(fs.existsSync(path.join(checkout.out, 'CODEOWNERS'))).toBe(false);
  });

  test("a service's shard of the manifest that claims a file of someone else is refused, and nothing is deleted", async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    fs.mkdirSync(path.join(checkout.out, 'bases', 'shared'), { recursive: true });
    fs.writeFileSync(path.join(checkout.out, 'bases', 'shared', 'kustomization.yaml'), 'resources: []\n');
    const shard = path.join(checkout.out, '.cdk8s-gitops', 'services', 'storefront.json');
    const data = JSON.parse(fs.readFileSync(shard, 'utf8'));
    data.files['bases/shared/kustomization.yaml'] = { sha256: 'a'.repeat(64), key: 'b'.repeat(40) };
    fs.writeFileSync(shard, JSON.stringify(data));
    const run = await cli(['synth']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '.cdk8s-gitops/services/storefront.json, the shard of service storefront, records "bases/shared/kustomization.yaml", which is none of that service\'s files',
    );
    expect(fs.existsSync(path.join(checkout.out, 'bases', 'shared', 'kustomization.yaml'))).toBe(true);
  });

  test("a shard entry named after its service but outside its targets' directories is refused too", async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    const hand = path.join(checkout.out, 'environments', 'prod', 'aws', 'eu-01', 'storefront.yaml');
    fs.writeFileSync(hand, 'kind: ConfigMap\n');
    const shard = path.join(checkout.out, '.cdk8s-gitops', 'services', 'storefront.json');
    const data = JSON.parse(fs.readFileSync(shard, 'utf8'));
    data.files['environments/prod/aws/eu-01/storefront.yaml'] = { sha256: 'a'.repeat(64), key: 'b'.repeat(40) };
    fs.writeFileSync(shard, JSON.stringify(data));
    // Merged as a merge request would be: the hand-made file and the shard's claim of it.
    for (const args of [
      ['add', '-A'],
      ['commit', '--quiet', '-m', 'claim'],
      ['push', '--quiet', 'origin', 'HEAD'],
    ]) {
      execFileSync('git', ['-C', checkout.out, ...args]);
    }
    const run = await cli(['publish', '--by', 'ci']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('records "environments/prod/aws/eu-01/storefront.yaml", which is none of that service\'s files');
    expect(fs.existsSync(hand)).toBe(true);
  });

  test('a promotion into a ring where nothing of the service would run it is refused (CG622)', async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    const run = await cli(['promote', 'ingress', '--ring', 'prod', '--digest', B, '--by', 'ci', '--approved-by', 'carol']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'CG622 No target of ingress is in ring "prod" or a ring after it: nothing would run a release promoted there.',
    );
  });

  test("a production ring's ledger entry changed by hand is refused: production changes by promote only", async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    expect((await cli(['promote', 'storefront', '--ring', 'dev', '--digest', B, '--by', 'ci', '--publish'])).code).toBe(0);
    const ledger = path.join(checkout.out, 'releases', 'storefront.yaml');
    const text = fs.readFileSync(ledger, 'utf8');
    // The prod entry set to what dev runs, with a name from the approvers' list: as promote would write it.
    const edited = text.replace(/(prod:\n(?:.*\n)*?\s+digest: )sha256:a{64}/, `$1${B}`);
    expect(edited).not.toBe(text);
    fs.writeFileSync(ledger, edited);
    const run = await cli(['synth']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CG621 Ring "prod" has targets in production, and the entry of storefront there was changed by hand');
  });

  test('a .github/CODEOWNERS added after CODEOWNERS was written is refused by every write, one that changes nothing and a release without the program included', async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    fs.mkdirSync(path.join(checkout.out, '.github'));
    fs.writeFileSync(path.join(checkout.out, '.github', 'CODEOWNERS'), '* @someone-else\n');
    const refusal = 'CG404 ".github/CODEOWNERS" exists, and GitHub reads it before the CODEOWNERS cdk8s-gitops writes';
    for (const args of [['synth'], ['publish', '--by', 'platform-team']]) {
      const run = await cli(args);
      expect([args[0], run.code, run.stderr]).toEqual([args[0], 1, expect.stringContaining(refusal)]);
    }
    const release = await runCli(['promote', 'storefront', '--ring', 'dev', '--digest', B, '--by', 'ci', '--publish', '--no-program'], {
      out: checkout.out,
      now: T0,
    });
    expect([release.code, release.stderr]).toEqual([1, expect.stringContaining(refusal)]);
    expect(execFileSync('git', ['-C', checkout.out, 'status', '--porcelain'], { encoding: 'utf8' })).toBe('?? .github/\n');
  });

  test("a team's service in production reads its chart from Git only by commit: a branch in the program is refused (CG152)", async () => {
    const run = await runCli(['synth'], { out: checkout.out, now: T0, app: checkout.app, env: { CHART_AT: 'main' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'CG152 Service "payments-api" of team "payments" runs in production (ring "prod") with its chart read from https://git.example.com/apps/payments-api.git at "main", ' +
        "a revision that repository's merges move without the approval CODEOWNERS asks of the platform team.",
    );
    expect(run.stderr).toContain('Give targetRevision as a full commit SHA (git rev-parse main^{commit} in that repository)');
    // The platform team's own service is its own to change.
    expect(run.stderr).not.toContain('"ingress"');
    expect(fs.existsSync(path.join(checkout.out, 'environments'))).toBe(false);
  });

  test("a tag of a team's chart is promoted outside production but not into it (CG608)", async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    const dev = await cli(['promote', 'payments-api', '--ring', 'dev', '--digest', B, '--chart-revision', 'v1.4.2', '--by', 'ci']);
    expect([dev.code, dev.stderr]).toEqual([0, '']);
    const prod = await cli(['promote', 'payments-api', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--approved-by', 'alice']);
    expect(prod.code).toBe(1);
    expect(prod.stderr).toContain(
      'CG608 Cannot promote chart revision "v1.4.2" into "prod": the ring is production\'s and the service a team\'s, and a tag can be moved in the application repository',
    );
    // The release model in the checkout says as much: a promotion without the program is refused too.
    const recorded = await runCli(
      ['promote', 'payments-api', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--approved-by', 'alice', '--no-program'],
      {
        out: checkout.out,
        now: T0,
      },
    );
    expect(recorded.code).toBe(1);
    expect(recorded.stderr).toContain(
      'CG608 Cannot promote chart revision "v1.4.2" into "prod": the ring is production\'s and the service a team\'s',
    );
    const sha = 'd'.repeat(40);
    expect((await cli(['promote', 'payments-api', '--ring', 'dev', '--digest', B, '--chart-revision', sha, '--by', 'ci'])).code).toBe(0);
    const pinned = await cli(['promote', 'payments-api', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--approved-by', 'alice']);
    expect([pinned.code, pinned.stderr]).toEqual([0, '']);
  });

  test('status and explain name the owning team; status --team shows one team', async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    const status = await cli(['status']);
    expect(status.stdout).toContain('payments-api  team payments  ');
    const mine = await cli(['status', '--team', 'web', '--format', 'json']);
    expect(JSON.parse(mine.stdout).services.map((s: { service: string; team: string }) => `${s.service} ${s.team}`)).toEqual([
      'storefront web',
    ]);
    const targets = await cli(['status', '--targets', '--team', 'payments']);
    expect(targets.stdout.split('\n')[0]).toMatch(/^APPLICATION +TEAM +RING +DIGEST +VALUES FILE$/);
    expect(targets.stdout).toContain('payments-api-prod-aws-eu-01  payments');
    expect(targets.stdout).not.toContain('storefront');
    const unknown = await cli(['status', '--team', 'paymnets']);
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      expect.stringContaining('status knows no team "paymnets". Did you mean "payments"?'),
    ]);
    // ops's only service runs in dev: its prod ring selects nothing, which status says
    const none = await cli(['status', '--team', 'ops', '--ring', 'prod']);
    expect([none.code, none.stderr]).toEqual([0, 'Note: --ring prod --team ops selects no service and no target.\n']);
    const explain = await cli(['explain', 'storefront-dev-aws-eu-01']);
    expect(explain.stdout).toMatch(/\n {2}team +web\n/);
  });

  test('a ring approval by a team takes only its approvers', async () => {
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    expect((await cli(['promote', 'storefront', '--ring', 'dev', '--digest', B, '--by', 'ci'])).code).toBe(0);
    const outsider = await cli(['promote', 'storefront', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--approved-by', 'mallory']);
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toContain('CG615');
    expect(outsider.stderr).toContain('alice, bob');
    const approved = await cli(['promote', 'storefront', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--approved-by', 'bob']);
    expect({ code: approved.code, stderr: approved.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

/** One service; with TEAMS=1 the same platform with teams. */
const ADOPTING = `
const { Cloud, Cluster, Environment, Platform, Service, Team } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev');
new Cluster(dev, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
const owner = process.env.TEAMS === '1' ? new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/ops'], platform: true }) : platform;
new Service(owner, 'web', { image: { repository: 'registry.example.com/web' }, initialDigest: ${JSON.stringify(A)} }).deployTo(dev);
platform.synth();
`;

describe('adopting teams on a running platform', () => {
  const checkout = useProgramCheckout(ADOPTING, 'teams-adopt');

  test('changes each Application in place: none is deleted and created again', async () => {
    const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
      runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    const plan = await cli(['plan'], { TEAMS: '1' });
    expect(plan.stdout).toContain('[~] web-dev-aws-eu-01  (ApplicationSet workloads-dev): metadata.labels.team, spec.project\n');
    expect(plan.stdout).toContain('Applications: 0 created, 1 changed, 0 deleted.');
    const published = await cli(['publish', '--by', 'platform-team'], { TEAMS: '1' });
    expect({ code: published.code, stderr: published.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

/**
 * A canary ring of dev's cluster that selects a cluster of production only with CANARY_PROD=1
 * (a new one, eu-03) or CANARY_PROD=2 (eu-02, moved from the prod ring): the release a team
 * promoted into it while it was not production's.
 */
const CANARY = `
const { Cloud, Cluster, Environment, Gate, Platform, PromotionRing, Service, Targets, Team, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev');
const prod = new Environment(platform, 'prod', { production: true });
const aws = new Cloud(platform, 'aws');
new Cluster(dev, 'eu-01', { cloud: aws, region: 'eu-central-1', labels: { ring: 'canary' } });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1', labels: { ring: process.env.CANARY_PROD === '2' ? 'canary' : 'prod' } });
new Cluster(prod, 'eu-04', { cloud: aws, region: 'eu-south-1', labels: { ring: 'prod' } });
if (process.env.CANARY_PROD === '1') new Cluster(prod, 'eu-03', { cloud: aws, region: 'eu-west-3', labels: { ring: 'canary' } });
const ops = new Team(platform, 'ops', { groups: ['acme:ops'], approvers: ['carol'], codeOwners: ['@acme/platform'], platform: true });
const web = new Team(platform, 'web', { groups: ['acme:web'], codeOwners: ['@acme/web'] });
new PromotionRing(platform, 'canary', { targets: Targets.label('ring', 'canary') });
new PromotionRing(platform, 'prod', { targets: Targets.label('ring', 'prod'), gates: [Gate.approval({ by: ops })] });
new Service(web, 'storefront', {
  image: { repository: 'registry.example.com/storefront' },
  initialDigest: ${JSON.stringify(A)},
  workload: Workload.helmChart({ targetRevision: ${JSON.stringify(CHART)} }),
}).deployTo(dev).deployTo(prod);
platform.synth();
`;

describe('a ring that selects production only later', () => {
  const checkout = useProgramCheckout(CANARY, 'teams-canary');

  test("plan says which release of a team's service enters production with the platform change, and who promoted it", async () => {
    const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
      runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
    const first = await cli(['publish', '--by', 'platform-team']);
    expect([first.code, first.stderr]).toEqual([0, '']);
    // While canary is dev's only, the web team promotes into it on its own.
    expect((await cli(['promote', 'storefront', '--ring', 'canary', '--digest', B, '--by', 'web-ci', '--publish'])).code).toBe(0);
    const plan = await cli(['plan'], { CANARY_PROD: '1' });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('storefront-prod-aws-eu-03');
    expect(plan.stderr).toContain(
      'Note: storefront (team web) starts 1 Application in production with what ring "canary" runs, sha256:bbbbbbbb, promoted there by web-ci at 2026-11-22T10:00:00Z, ' +
        'which no approver of the platform team (ops) approved: approving this change brings that release into production.',
    );
    // The change writes production's files, which CODEOWNERS gives the platform team.
    expect((await cli(['synth'], { CANARY_PROD: '1' })).code).toBe(0);
    const owners = fs.readFileSync(path.join(checkout.out, 'CODEOWNERS'), 'utf8');
    expect(owners).toContain('* @acme/platform');
    expect(owners).not.toMatch(/environments\/prod\/.*@acme\/web/);
  });

  test('a production cluster moved into the ring would change what it runs without a promotion: refused (CG144)', async () => {
    const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
      runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    expect((await cli(['promote', 'storefront', '--ring', 'canary', '--digest', B, '--by', 'web-ci', '--publish'])).code).toBe(0);
    const values = path.join(checkout.out, 'environments', 'prod', 'aws', 'eu-02', 'storefront', 'values.yaml');
    const before = fs.readFileSync(values, 'utf8');
    const run = await cli(['synth'], { CANARY_PROD: '2' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'CG144 The write would switch Application storefront-prod-aws-eu-02 from sha256:aaaaaaaa to sha256:bbbbbbbb without a promotion',
    );
    // canary ran sha256:aaaaaaaa before: going back to it is a fix the rules take (offered only then)
    expect(run.stderr).toContain('(promote sha256:bbbbbbbb into the ring it leaves, or roll "canary" back to sha256:aaaaaaaa)');
    expect(fs.readFileSync(values, 'utf8')).toBe(before);
  });

  test('a release a platform approver approved into the ring enters production without that note', async () => {
    const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
      runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
    expect((await cli(['publish', '--by', 'platform-team'])).code).toBe(0);
    const approved = await cli([
      'promote',
      'storefront',
      '--ring',
      'canary',
      '--digest',
      B,
      '--by',
      'web-ci',
      '--approved-by',
      'carol',
      '--publish',
    ]);
    expect(approved.code).toBe(0);
    const plan = await cli(['plan'], { CANARY_PROD: '1' });
    expect(plan.stdout).toContain('storefront-prod-aws-eu-03');
    expect(plan.stderr).not.toContain('starts 1 Application in production');
  });
});

/**
 * payments-api, whose chart is promoted with its image by Git revision: the platform team's
 * until HANDOVER=1 gives it to team payments; prod is a production environment unless
 * LATE_PROD=1 declares it one only later (then it is the team's from the start).
 */
const HANDOVER = `
const { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets, Team, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const late = process.env.LATE_PROD !== undefined;
const dev = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'nonprod'), requireDigest: false });
const prod = new Environment(platform, 'prod', {
  controlPlane: new ControlPlane(platform, 'prod'),
  production: !late || process.env.LATE_PROD === '1',
  requireDigest: false,
});
const aws = new Cloud(platform, 'aws');
new Cluster(dev, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
const ops = new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/platform'], platform: true });
const payments = new Team(platform, 'payments', { groups: ['acme:payments'], codeOwners: ['@acme/payments'] });
new PromotionRing(platform, 'dev', { targets: Targets.environment(dev) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
new Service(late || process.env.HANDOVER === '1' ? payments : ops, 'payments-api', {
  image: { repository: 'registry.example.com/payments-api' },
  initialDigest: ${JSON.stringify(A)},
  workload: Workload.helmChart({ targetRevision: ${JSON.stringify(CHART)}, promoted: true }),
}).deployTo(dev).deployTo(prod);
platform.synth();
`;

describe("a tag production already runs when the service becomes a team's", () => {
  const checkout = useProgramCheckout(HANDOVER, 'teams-handover');
  const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
    runCli(args, { out: checkout.out, now: T0, app: checkout.app, env });
  const recorded = (args: string[]): Promise<CliRun> => runCli([...args, '--no-program'], { out: checkout.out, now: T0 });
  const SHA = 'e'.repeat(40);
  const refusal =
    'CG152 Ring "prod" runs payments-api\'s chart at "v1.0.0", a tag, and payments-api is team "payments"\'s: ' +
    "production reads a team's chart in Git only by its commit SHA";

  /** The tag promoted into both rings, then published: what the platform team may do with a service of its own. */
  async function tagInProduction(env: Record<string, string> = {}): Promise<void> {
    const first = await cli(['publish', '--by', 'platform-team'], env);
    expect([first.code, first.stderr]).toEqual([0, '']);
    const dev = await cli(
      ['promote', 'payments-api', '--ring', 'dev', '--digest', B, '--chart-revision', 'v1.0.0', '--by', 'ci', '--publish'],
      env,
    );
    expect([dev.code, dev.stderr]).toEqual([0, '']);
    const prod = await cli(['promote', 'payments-api', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--publish'], env);
    expect([prod.code, prod.stderr]).toEqual([0, '']);
  }

  test('the change that hands the service over is refused by plan, synth, publish and check until production runs a commit', async () => {
    await tagInProduction();
    const codeowners = fs.readFileSync(path.join(checkout.out, 'CODEOWNERS'), 'utf8');
    const plan = await cli(['plan'], { HANDOVER: '1' });
    expect(plan.stderr).toContain(`Warning: synth refuses this (CG152): ${refusal.slice('CG152 '.length)}`);
    for (const command of [['synth'], ['publish', '--by', 'platform-team'], ['check']]) {
      const run = await cli(command, { HANDOVER: '1' });
      expect([command[0], run.code]).toEqual([command[0], 1]);
      expect(run.stderr).toContain(refusal);
      expect(run.stderr).toContain('promote payments-api --ring dev --chart-revision <SHA> --no-program (git rev-parse v1.0.0^{commit}');
    }
    expect(fs.readFileSync(path.join(checkout.out, 'CODEOWNERS'), 'utf8')).toBe(codeowners);

    // The fix, with the release model the checkout records (the service is still the platform team's there).
    const dev = await recorded(['promote', 'payments-api', '--ring', 'dev', '--chart-revision', SHA, '--by', 'ci', '--publish']);
    expect([dev.code, dev.stderr]).toEqual([0, '']);
    const prod = await recorded(['promote', 'payments-api', '--ring', 'prod', '--from', 'dev', '--by', 'ci', '--publish']);
    expect([prod.code, prod.stderr]).toEqual([0, '']);
    const synth = await cli(['synth'], { HANDOVER: '1' });
    expect([synth.code, synth.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(checkout.out, 'CODEOWNERS'), 'utf8')).toContain('/releases/payments-api.yaml @acme/payments');
    const check = await cli(['check'], { HANDOVER: '1' });
    expect([check.code, check.stdout]).toEqual([0, 'Clean: the checkout is exactly what the program synthesizes.\n']);

    // The release the tag names stays in prod's history; going back to it is refused as promoting it would be.
    const back = await cli(['rollback', 'payments-api', '--ring', 'prod', '--previous', '--reason', 'errors', '--by', 'ci'], {
      HANDOVER: '1',
    });
    expect(back.code).toBe(1);
    expect(back.stderr).toContain(
      `CG608 Cannot roll "prod" back to sha256:bbbbbbbb with chart v1.0.0: the ring is production's and the service a team's, and the chart revision "v1.0.0" is a tag`,
    );
  });

  test('promotions with the program that hands it over are made, with a warning, and published once production runs a commit', async () => {
    await tagInProduction();
    const handover = { HANDOVER: '1' };
    const dev = await cli(['promote', 'payments-api', '--ring', 'dev', '--chart-revision', SHA, '--by', 'ci'], handover);
    expect(dev.code).toBe(0);
    expect(dev.stderr).toContain(`Warning: synth and check refuse this until it is fixed (CG152): ${refusal.slice('CG152 '.length)}`);
    const early = await cli(['publish', '--by', 'ci'], handover);
    expect([early.code, early.stderr]).toEqual([1, expect.stringContaining(refusal)]);
    const prod = await cli(['promote', 'payments-api', '--ring', 'prod', '--from', 'dev', '--by', 'ci'], handover);
    expect([prod.code, prod.stderr]).toEqual([0, '']);
    const published = await cli(['publish', '--by', 'ci'], handover);
    expect([published.code, published.stderr]).toEqual([0, '']);
    const check = await cli(['check'], handover);
    expect([check.code, check.stdout]).toEqual([0, 'Clean: the checkout is exactly what the program synthesizes.\n']);
  });

  test('likewise when the environment is declared production only after the tag went in', async () => {
    await tagInProduction({ LATE_PROD: '0' });
    const run = await cli(['synth'], { LATE_PROD: '1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(refusal);
  });
});
