/**
 * `--service`, `--env`, `--ring` and `--team` on `history`, through the built CLI on the example's
 * checkout with published changes of its three rings (nonprod in nonprod; prod-canary and prod in prod).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeCheckout, synthesizedCheckout } from '../synth/example-checkout';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin/cdk8s-gitops.js');

/** Runs the built CLI in the repository root, so that cdk8s.yaml's example program is used. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T10:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T10:00:00Z' },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** Commits, with no change, the record of a promotion of payments-api into `ring`, as its trailers say it. */
function commitPromotion(dir: string, ring: string): void {
  git(
    dir,
    '-c',
    'user.name=Platform',
    '-c',
    'user.email=p@example.com',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    `Promote payments-api to ${ring}\n\nCdk8s-Gitops-Service: payments-api\nCdk8s-Gitops-Ring: ${ring}\nCdk8s-Gitops-Digest: sha256:${'a'.repeat(64)}\nCdk8s-Gitops-Operation: promote`,
  );
}

/** The subjects of `history --format json`. */
function subjects(...args: string[]): string[] {
  const r = cli('history', ...args, '--format', 'json');
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { subject: string }[]).map((e) => e.subject);
}

/** A program of the example's platform whose ring of nonprod is now "dev", formerly "nonprod" (the name the commits carry). */
function renamedProgram(): string {
  return `import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets } from ${JSON.stringify(path.join(REPO, 'src'))};
const platform = new Platform({ repoURL: 'https://git.example.com/platform.git', revision: 'main', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new PromotionRing(platform, 'dev', { targets: Targets.environment(nonprod), movedFrom: ['nonprod'] });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: 'sha256:${'1'.repeat(64)}' })
  .deployTo(nonprod)
  .deployTo(prod);
platform.synth();
`;
}

describe('history filters', () => {
  let out: string;
  beforeAll(() => {
    out = synthesizedCheckout();
    git(out, 'init', '-q', '-b', 'main');
    git(out, '-c', 'user.name=Platform', '-c', 'user.email=p@example.com', 'add', '-A');
    git(out, '-c', 'user.name=Platform', '-c', 'user.email=p@example.com', 'commit', '-q', '-m', 'synth');
    for (const ring of ['nonprod', 'prod-canary', 'prod']) commitPromotion(out, ring);
  });
  afterAll(() => removeCheckout(out));

  test('without a service shows every service; --service is the argument by another name', () => {
    // WHEN / THEN: newest first, the synth commit (no trailers) is no change of a service
    const all = ['Promote payments-api to prod', 'Promote payments-api to prod-canary', 'Promote payments-api to nonprod'];
    expect(subjects('--out', out)).toEqual([...all, 'synth']);
    expect(subjects('--service', 'payments-api', '--out', out)).toEqual(all);
    expect(subjects('payments-api', '--out', out)).toEqual(all);
  });

  test('--env shows the changes to rings with targets in the environment, and narrows with --ring and --limit', () => {
    expect(subjects('payments-api', '--env', 'prod', '--out', out)).toEqual([
      'Promote payments-api to prod',
      'Promote payments-api to prod-canary',
    ]);
    expect(subjects('--env', 'nonprod', '--out', out)).toEqual(['Promote payments-api to nonprod']);
    expect(subjects('--env', 'prod', '--ring', 'prod-canary', '--out', out)).toEqual(['Promote payments-api to prod-canary']);
    // --limit counts the changes shown, not those the environment leaves out
    expect(subjects('--env', 'nonprod', '--limit', '1', '--out', out)).toEqual(['Promote payments-api to nonprod']);
    const none = cli('history', '--env', 'nonprod', '--ring', 'prod', '--out', out);
    expect([none.status, none.stdout]).toEqual([0, `No published change of any service in environment nonprod, ring prod in ${out}.\n`]);
  });

  test('fails on a name the program does not declare, with the closest one, and on two services', () => {
    const env = cli('history', '--env', 'prd', '--out', out);
    expect([env.status, env.stderr]).toEqual([1, expect.stringContaining('history knows no environment "prd". Did you mean "prod"?')]);
    const team = cli('history', '--team', 'payments', '--out', out);
    expect([team.status, team.stderr]).toEqual([1, expect.stringContaining('--team payments: the program declares no teams.')]);
    const two = cli('history', 'payments-api', '--service', 'ledger-api', '--out', out);
    expect([two.status, two.stderr]).toEqual([
      1,
      expect.stringContaining('history takes at most one service; received "payments-api" "ledger-api".'),
    ]);
    const service = cli('history', '--service', 'payment-api', '--out', out);
    expect([service.status, service.stderr]).toEqual([1, expect.stringContaining('No service "payment-api"')]);
    // An empty ring is a mistake too, not "every ring".
    const ring = cli('history', '--ring', '', '--out', out);
    expect([ring.status, ring.stderr]).toEqual([1, expect.stringContaining('CG301 history --ring was given an empty name.')]);
  });

  test('--env counts the changes a ring recorded under a name it had before', () => {
    // GIVEN a program whose ring of nonprod is now "dev", formerly "nonprod" (the name the commits carry)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-history-rename-'));
    try {
      const program = path.join(dir, 'platform.ts');
      fs.writeFileSync(program, renamedProgram());
      // WHEN
      const dev = subjects('--env', 'nonprod', '--app', `npx tsx ${program}`, '--out', out);
      // THEN the change to "nonprod" is dev's, in nonprod; prod's changes are not
      expect(dev).toEqual(['Promote payments-api to nonprod']);
      // (and prod-canary, which this program does not declare, has no target in prod)
      expect(subjects('--env', 'prod', '--app', `npx tsx ${program}`, '--out', out)).toEqual(['Promote payments-api to prod']);
      // AND --ring dev is the ring's changes under either name
      expect(subjects('--env', 'nonprod', '--ring', 'dev', '--app', `npx tsx ${program}`, '--out', out)).toEqual([
        'Promote payments-api to nonprod',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--ring counts the changes a ring recorded under a name it had before, as the release model declares it', () => {
    // GIVEN a checkout synthesized by the program that renamed nonprod to dev (its release model records movedFrom)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-history-rename-'));
    const renamed = synthesizedCheckout();
    try {
      // (the example's program, its ring nonprod renamed to dev)
      const example = fs.readFileSync(path.join(REPO, 'examples/payments-platform/main.ts'), 'utf8');
      const program = path.join(dir, 'platform.ts');
      fs.writeFileSync(
        program,
        example
          .replace("'../../src'", JSON.stringify(path.join(REPO, 'src')))
          .replace("new PromotionRing(platform, 'nonprod', {", "new PromotionRing(platform, 'dev', { movedFrom: ['nonprod'],"),
      );
      git(renamed, 'init', '-q', '-b', 'main');
      git(renamed, '-c', 'user.name=Platform', '-c', 'user.email=p@example.com', 'commit', '-q', '--allow-empty', '-m', 'start');
      commitPromotion(renamed, 'nonprod');
      const synth = cli('synth', '--app', `npx tsx ${program}`, '--out', renamed);
      expect([synth.status, synth.stderr]).toEqual([0, '']);

      // WHEN history runs without the program (--ring alone does not run it)
      const dev = subjects('--ring', 'dev', '--out', renamed);

      // THEN the change recorded under "nonprod" is dev's
      expect(dev).toEqual(['Promote payments-api to nonprod']);
      expect(subjects('--ring', 'nonprod', '--out', renamed)).toEqual(['Promote payments-api to nonprod']);
      expect(subjects('--ring', 'prod', '--out', renamed)).toEqual([]);
    } finally {
      removeCheckout(renamed);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('history filters on a change of several rings', () => {
  let out: string;
  beforeAll(() => {
    // GIVEN a published change of rings nonprod and prod at once (as publish's synth commit records it)
    out = synthesizedCheckout();
    git(out, 'init', '-q', '-b', 'main');
    git(out, '-c', 'user.name=Platform', '-c', 'user.email=p@example.com', 'add', '-A');
    git(
      out,
      '-c',
      'user.name=Platform',
      '-c',
      'user.email=p@example.com',
      'commit',
      '-q',
      '-m',
      `Synthesize the platform program\n\nCdk8s-Gitops-Operation: synth\nCdk8s-Gitops-Service: payments-api\nCdk8s-Gitops-Ring: nonprod\nCdk8s-Gitops-Ring: prod\nCdk8s-Gitops-Digest: sha256:${'a'.repeat(64)}`,
    );
  });
  afterAll(() => removeCheckout(out));

  test('--env with --ring shows a change only where that ring has targets in the environment, and says when they select none', () => {
    // WHEN / THEN ring prod in prod: the change is shown
    expect(subjects('--env', 'prod', '--ring', 'prod', '--out', out)).toEqual(['Synthesize the platform program']);
    // AND ring prod in nonprod (where it has no target): nothing, and a note says why
    const none = cli('history', '--env', 'nonprod', '--ring', 'prod', '--out', out);
    expect(none.status).toBe(0);
    expect(none.stdout).toBe(`No published change of any service in environment nonprod, ring prod in ${out}.\n`);
    expect(none.stderr).toContain('Note: --env nonprod --ring prod selects no target.\n');
  });

  test('an empty --env or --team is a mistake, not every one', () => {
    for (const flag of ['--env', '--team']) {
      const r = cli('history', flag, '', '--out', out);
      expect([r.status, r.stderr]).toEqual([1, expect.stringContaining(`CG301 history ${flag} was given an empty name.`)]);
    }
  });
});
