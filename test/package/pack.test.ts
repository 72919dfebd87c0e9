/**
 * The package as consumers get it: the tarball `npm pack` makes (from the `lib/` that
 * `npm test` builds first), installed into a new project, used from TypeScript and through its
 * bin, and `cdk8s-gitops init` scaffolding a project whose own test passes.
 *
 * Slow (two `npm install`s, served from the npm cache once it is warm), so the timeouts are long.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const OWN = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const INSTALL_TIMEOUT = 300_000;
const RUN_TIMEOUT = 180_000;

/** The environment of nested npm runs: without what an outer `npm test` sets for its own package. */
const ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) =>
      !/^npm_(package_|lifecycle_|config_(local_prefix|global_prefix|prefix)$)/.test(k) &&
      k !== 'INIT_CWD' &&
      !k.startsWith('CDK8S_GITOPS_'),
  ),
);

/** Runs a command; fails the test with its output when it exits non-zero. */
function run(cwd: string, command: string, args: string[], expectCode = 0): { stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, env: { ...ENV, CI: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== expectCode) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited with ${r.status}, expected ${expectCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

const npm = (cwd: string, ...args: string[]): { stdout: string; stderr: string } =>
  run(cwd, 'npm', [...args, '--no-audit', '--no-fund', '--loglevel=error']);

/** A program against the public API: two environments, one service. */
const PROGRAM = `import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, SyncPolicy, Targets } from 'cdk8s-gitops';
import type { PlatformProps, ServiceProps } from 'cdk8s-gitops';

const props: PlatformProps = {
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
};
const platform = new Platform(props);
const dev = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'dev'), syncPolicy: SyncPolicy.automated({ prune: true }) });
const live = new Environment(platform, 'live', { controlPlane: new ControlPlane(platform, 'live'), values: { replicaCount: 2 } });
const gcp = new Cloud(platform, 'gcp');
new Cluster(dev, 'europe-west4-01', { cloud: gcp, region: 'europe-west4' });
new Cluster(live, 'europe-west4-01', { cloud: gcp, region: 'europe-west4' });
new PromotionRing(platform, 'dev', { targets: Targets.environment(dev) });
new PromotionRing(platform, 'live', { targets: Targets.environment(live) });
const service: ServiceProps = {
  image: { repository: 'registry.example.com/apps/orders' },
  initialDigest: 'sha256:${'ab'.repeat(32)}',
};
new Service(platform, 'orders', service).deployTo([dev, live]);
platform.synth();
`;

/** A use of the API that must not type-check: shows the check sees the package's types. */
const WRONG_PROGRAM = `import { Platform } from 'cdk8s-gitops';
new Platform({ repoURL: 42 });
`;

/** Files of a directory, recursively, relative and sorted. */
function filesOf(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      return e.isDirectory() ? filesOf(dir, rel) : [rel];
    })
    .sort();
}

describe('the npm package', () => {
  let work: string;
  let tarball: string;
  let packed: string[];

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does) first.');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-pack-'));
    // lib/ is what `npm test` just built, which other tests use while this one runs: pack a copy
    // of the package as `prepack` leaves it (built, its manifest stripped), without building again.
    const stage = path.join(work, 'stage');
    for (const entry of ['package.json', 'README.md', 'LICENSE', 'bin', 'lib']) {
      fs.cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
    }
    run(ROOT, 'node', ['scripts/packed-manifest.js', 'strip', stage]);
    const out = npm(stage, 'pack', '--ignore-scripts', '--json', '--pack-destination', work).stdout;
    const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info.filename);
    packed = info.files.map((f) => f.path).sort();
  }, RUN_TIMEOUT);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds the compiled library, the bin, the README and the LICENSE, and nothing else', () => {
    // THEN
    expect(fs.existsSync(tarball)).toBe(true);
    expect(packed).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'bin/cdk8s-gitops.js',
        'lib/index.js',
        'lib/index.d.ts',
        'lib/cli/main.js',
      ]),
    );
    const stray = packed.filter(
      (p) => !(['LICENSE', 'README.md', 'package.json'].includes(p) || p.startsWith('lib/') || p.startsWith('bin/')),
    );
    expect(stray).toEqual([]);
    const notLibrary = packed.filter((p) =>
      /(^|\/)(test|tests|__tests__|examples?|bench)(\/|$)|\.test\.|\.map$|\.tsbuildinfo$|(?<!\.d)\.ts$/.test(p),
    );
    expect(notLibrary).toEqual([]);
    // Every module of the library has its declarations next to it.
    const js = packed.filter((p) => p.startsWith('lib/') && p.endsWith('.js'));
    expect(js.filter((p) => !packed.includes(p.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('has no install script, which npm would warn of on every install', () => {
    // THEN
    const manifest = JSON.parse(run(work, 'tar', ['-xOzf', tarball, 'package/package.json']).stdout) as { scripts: Record<string, string> };
    expect(Object.keys(manifest.scripts).filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s))).toEqual([]);
    // and `prepack`'s strip and `postpack`'s restore give back package.json byte for byte
    const copy = path.join(work, 'manifest');
    fs.mkdirSync(copy);
    const original = fs.readFileSync(path.join(ROOT, 'package.json'));
    fs.writeFileSync(path.join(copy, 'package.json'), original);
    run(ROOT, 'node', ['scripts/packed-manifest.js', 'strip', copy]);
    expect(JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')).scripts.prepare).toBeUndefined();
    run(ROOT, 'node', ['scripts/packed-manifest.js', 'restore', copy]);
    expect(fs.readFileSync(path.join(copy, 'package.json')).equals(original)).toBe(true);
    const pkg = JSON.parse(original.toString('utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepack).toMatch(/^npm run build && node scripts\/packed-manifest\.js strip$/);
    expect(pkg.scripts.postpack).toBe('node scripts/packed-manifest.js restore');
  });

  describe('installed into a new project', () => {
    let consumer: string;

    beforeAll(() => {
      consumer = path.join(work, 'consumer');
      fs.mkdirSync(consumer);
      npm(consumer, 'init', '-y');
      npm(consumer, 'install', '--prefer-offline', tarball, 'typescript@5.9', 'tsx');
      fs.writeFileSync(path.join(consumer, 'platform.ts'), PROGRAM);
      fs.writeFileSync(path.join(consumer, 'wrong.ts'), WRONG_PROGRAM);
    }, INSTALL_TIMEOUT);

    it(
      'resolves the types of the public API under Node and classic module resolution, without @types/node',
      () => {
        // GIVEN nothing installed but the package and the tools
        expect(fs.existsSync(path.join(consumer, 'node_modules/@types/node'))).toBe(false);

        const tsc = (...args: string[]): { stdout: string } =>
          run(consumer, 'npx', ['tsc', '--noEmit', '--strict', '--target', 'ES2022', ...args], 2);

        // WHEN type-checked, with no skipLibCheck to hide anything, next to a program that misuses the API
        const node16 = tsc('--module', 'nodenext', '--moduleResolution', 'nodenext', 'platform.ts', 'wrong.ts').stdout;
        const node10 = tsc('--module', 'commonjs', '--moduleResolution', 'node10', 'platform.ts', 'wrong.ts').stdout;

        // THEN the misuse is caught, so the types were really found, and nothing else is reported
        for (const output of [node16, node10]) {
          const errors = output.split('\n').filter((l) => /error TS\d+/.test(l));
          expect(errors).toEqual([
            expect.stringMatching(/^wrong\.ts\(2,16\): error TS2322: Type 'number' is not assignable to type 'string'/),
          ]);
        }
      },
      RUN_TIMEOUT,
    );

    it(
      'runs the program with the installed bin and writes the tree',
      () => {
        // WHEN
        const out = run(consumer, 'npx', [
          'cdk8s-gitops',
          'synth',
          '--app',
          'npx tsx platform.ts',
          '--out',
          'gitops',
          '--format',
          'json',
        ]).stdout;

        // THEN
        const report = JSON.parse(out);
        const files = filesOf(path.join(consumer, 'gitops'));
        // Every file but the manifest's own, the release model included
        expect(report.created).toEqual(files.filter((f) => !f.startsWith('.cdk8s-gitops/') || f.startsWith('.cdk8s-gitops/model/')));
        expect(report.created).toContain('.cdk8s-gitops/model/platform.json');
        expect(files).toEqual(
          expect.arrayContaining([
            '.cdk8s-gitops/manifest.json',
            'bootstrap/dev.yaml',
            'bootstrap/live.yaml',
            'environments/dev/gcp/europe-west4-01/orders/values.yaml',
            'environments/live/gcp/europe-west4-01/orders/values.yaml',
            'releases/orders.yaml',
          ]),
        );
        const values = parse(
          fs.readFileSync(path.join(consumer, 'gitops/environments/live/gcp/europe-west4-01/orders/values.yaml'), 'utf8'),
        );
        expect(values.replicaCount).toBe(2);
        expect(values.image).toEqual({ repository: 'registry.example.com/apps/orders', digest: `sha256:${'ab'.repeat(32)}` });
        expect(run(consumer, 'npx', ['cdk8s-gitops', '--version']).stdout.trim()).toBe(OWN.version);
      },
      RUN_TIMEOUT,
    );

    describe("a team's construct library (examples/payments-team)", () => {
      let library: string;

      beforeAll(() => {
        // Built and packed as its team would, against the installed package, then installed by the platform's project.
        const source = path.join(ROOT, 'examples', 'payments-team');
        library = path.join(consumer, 'payments-team');
        fs.mkdirSync(path.join(library, 'src'), { recursive: true });
        for (const f of ['package.json', 'tsconfig.json', 'src/index.ts']) fs.copyFileSync(path.join(source, f), path.join(library, f));
        run(library, 'npx', ['tsc', '-p', 'tsconfig.json']);
        const out = npm(library, 'pack', '--json', '--pack-destination', work).stdout;
        const [info] = JSON.parse(out) as Array<{ filename: string }>;
        npm(consumer, 'install', '--prefer-offline', path.join(work, info.filename));
      }, INSTALL_TIMEOUT);

      it(
        'is used by a platform program like any package: its team, services and values land in the tree',
        () => {
          // GIVEN a platform program that declares the payments team from the library
          fs.writeFileSync(
            path.join(consumer, 'teams.ts'),
            `import { PaymentsTeam } from '@acme/payments-team';
import { Cloud, Cluster, ControlPlane, Environment, Platform, Service, Team } from 'cdk8s-gitops';
const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git', applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const dev = new Environment(platform, 'dev', { controlPlane: new ControlPlane(platform, 'dev') });
const live = new Environment(platform, 'live', { controlPlane: new ControlPlane(platform, 'live'), production: true });
const gcp = new Cloud(platform, 'gcp');
new Cluster(dev, 'europe-west4-01', { cloud: gcp, region: 'europe-west4' });
new Cluster(live, 'europe-west4-01', { cloud: gcp, region: 'europe-west4' });
const ops = new Team(platform, 'ops', { groups: ['acme:platform'], codeOwners: ['@acme/platform'], platform: true });
new Service(ops, 'ingress', { image: { repository: 'registry.example.com/platform/ingress' }, initialDigest: 'sha256:${'cd'.repeat(32)}' }).deployTo([dev, live]);
new PaymentsTeam(platform, 'payments', { environments: [dev, live] });
platform.synth();
`,
          );

          // WHEN type-checked and synthesized with the installed bin
          run(consumer, 'npx', [
            'tsc',
            '--noEmit',
            '--strict',
            '--target',
            'ES2022',
            '--module',
            'commonjs',
            '--moduleResolution',
            'node10',
            'teams.ts',
          ]);
          run(consumer, 'npx', ['cdk8s-gitops', 'synth', '--app', 'npx tsx teams.ts', '--out', 'teams-gitops']);

          // THEN
          const files = filesOf(path.join(consumer, 'teams-gitops'));
          expect(files).toEqual(
            expect.arrayContaining([
              'CODEOWNERS',
              'projects/dev-team-payments.yaml',
              'projects/live-team-payments.yaml',
              'projects/live-team-ops.yaml',
              'applicationsets/live/workloads-live.yaml',
              'environments/live/gcp/europe-west4-01/payments-api/values.yaml',
              'environments/dev/gcp/europe-west4-01/ledger-worker/values.yaml',
            ]),
          );
          const values = parse(
            fs.readFileSync(path.join(consumer, 'teams-gitops/environments/live/gcp/europe-west4-01/payments-api/values.yaml'), 'utf8'),
          );
          expect(values.replicaCount).toBe(4);
          expect(fs.readFileSync(path.join(consumer, 'teams-gitops/CODEOWNERS'), 'utf8')).toContain(
            '\n/releases/payments-api.yaml @acme/payments\n',
          );
        },
        RUN_TIMEOUT,
      );
    });

    describe('cdk8s-gitops init', () => {
      let project: string;

      beforeAll(() => {
        run(consumer, 'npx', ['cdk8s-gitops', 'init', 'my-platform', '--sdk', tarball]);
        project = path.join(consumer, 'my-platform');
        npm(project, 'install', '--prefer-offline');
      }, INSTALL_TIMEOUT);

      it('scaffolds a project that depends on the given package, with the tools it needs', () => {
        // THEN
        expect(filesOf(project).filter((f) => !f.startsWith('node_modules/') && f !== 'package-lock.json')).toEqual([
          '.gitignore',
          'README.md',
          'cdk8s.yaml',
          'package.json',
          'platform.ts',
          'test/platform.test.js',
          'tsconfig.json',
        ]);
        const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
        expect(pkg.name).toBe('my-platform');
        expect(pkg.dependencies).toEqual({ 'cdk8s-gitops': `file:${tarball}`, constructs: expect.any(String) });
        expect(Object.keys(pkg.devDependencies).sort()).toEqual(['tsx', 'typescript']);
        expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['synth', 'test']));
        const config = parse(fs.readFileSync(path.join(project, 'cdk8s.yaml'), 'utf8'));
        expect(config.app).toBe('npx tsx platform.ts');
        // the GitOps checkout is a key of our own, never the directory `npx cdk8s synth` deletes first
        expect(config.gitops).toEqual({ checkout: '../platform-gitops' });
        expect(config.output).toBe('dist');
      });

      it(
        'passes its own test',
        () => {
          // WHEN
          const r = npm(project, 'test');

          // THEN
          expect(`${r.stdout}${r.stderr}`).toMatch(/# pass 1\b/);
        },
        RUN_TIMEOUT,
      );

      it(
        'synthesizes with `npm run synth`: two control planes, promotion rings, the service in both environments',
        () => {
          // WHEN
          npm(project, 'run', 'synth');

          // THEN it writes into gitops.checkout of cdk8s.yaml, beside the project (never its cdk8s output)
          const files = filesOf(path.join(consumer, 'platform-gitops'));
          expect(files).toEqual(
            expect.arrayContaining([
              'bootstrap/nonprod.yaml',
              'bootstrap/prod.yaml',
              'environments/nonprod/aws/eu-central-1-01/hello-api/values.yaml',
              'environments/prod/aws/eu-central-1-01/hello-api/values.yaml',
              'releases/hello-api.yaml',
            ]),
          );
          const ledger = parse(fs.readFileSync(path.join(consumer, 'platform-gitops/releases/hello-api.yaml'), 'utf8'));
          expect(Object.keys(ledger.rings)).toEqual(['nonprod', 'prod']);
          expect(ledger.rings.prod.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        },
        RUN_TIMEOUT,
      );

      it(
        'leaves nothing for Git to take when the program is run directly: its output and node_modules are ignored',
        () => {
          // WHEN
          run(project, 'npx', ['tsx', 'platform.ts']);
          run(project, 'git', ['init', '-q']);

          // THEN
          expect(fs.readdirSync(path.join(project, 'dist')).length).toBeGreaterThan(0);
          const added = run(project, 'git', ['add', '--all', '--dry-run']).stdout.split('\n').filter(Boolean);
          expect(added.filter((l) => /'(dist|node_modules)\//.test(l))).toEqual([]);
          expect(added).toContain("add 'platform.ts'");
        },
        RUN_TIMEOUT,
      );

      it(
        'fails when the directory is not empty, and says how to fix it',
        () => {
          // WHEN
          const r = run(consumer, 'npx', ['cdk8s-gitops', 'init', 'my-platform'], 1);

          // THEN
          expect(r.stderr).toMatch(/CG308 init: .*my-platform is not empty \(\.gitignore, README\.md, .*\).* Fix: Pass a new directory/);
        },
        RUN_TIMEOUT,
      );
    });
  });
});
