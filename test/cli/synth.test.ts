/**
 * Runs the built CLI (`bin/cdk8s-gitops.js`, from `lib/`) as a user would, in the repository
 * root, where cdk8s.yaml names the example as the program. `npm test` builds first.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/cdk8s-gitops.js');
const SRC = path.join(ROOT, 'src');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: string[]): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function filesOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(p);
      else out[p] = fs.readFileSync(path.join(root, p), 'latin1');
    }
  };
  walk('');
  return out;
}

const GENERATED = [
  '.cdk8s-gitops/model/platform.json',
  '.cdk8s-gitops/model/services/payments-api.json',
  'STATUS.md',
  'applicationsets/nonprod/workloads-nonprod.yaml',
  'applicationsets/prod/workloads-prod.yaml',
  'bootstrap/nonprod.yaml',
  'bootstrap/prod.yaml',
  ...['nonprod', 'prod'].flatMap((env) =>
    ['aws/eu-central-1-01', 'azure/westeurope-01', 'gcp/europe-west4-01', 'oci/eu-frankfurt-1-01'].map(
      (c) => `environments/${env}/${c}/payments-api/values.yaml`,
    ),
  ),
  'projects/nonprod.yaml',
  'projects/prod.yaml',
  'releases/payments-api.yaml',
];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-cli-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('cdk8s-gitops synth', () => {
  describe('with the program of cdk8s.yaml, three times into one checkout', () => {
    let out: string;
    let first: Run;
    let second: Run;
    let asJson: Run;
    let afterFirst: Record<string, string>;
    let afterSecond: Record<string, string>;

    beforeAll(() => {
      // GIVEN a checkout with a file of its own
      out = path.join(tmp, 'platform-gitops');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'README.md'), '# platform-gitops\r\nkept as is \n');

      // WHEN
      first = cli(['synth', '--out', out]);
      afterFirst = filesOf(out);
      second = cli(['synth', '--out', out]);
      afterSecond = filesOf(out);
      asJson = cli(['synth', '--out', out, '--format', 'json']);
    }, 180_000);

    it('prints the files it created and exits 0', () => {
      expect(first.stdout.split('\n')).toEqual([
        // The files Argo CD reads first, the release model after them
        ...[...GENERATED.filter((p) => !p.startsWith('.cdk8s-gitops/')), ...GENERATED.filter((p) => p.startsWith('.cdk8s-gitops/'))].map(
          (p) => `[+] ${p}`,
        ),
        `Wrote ${path.relative(ROOT, out)}: 18 created, 0 updated, 0 deleted, 0 unchanged.`,
        '',
      ]);
      expect(first.status).toBe(0);
      expect(Object.keys(afterFirst).sort()).toEqual(
        ['.cdk8s-gitops/manifest.json', '.cdk8s-gitops/services/payments-api.json', 'README.md', ...GENERATED].sort(),
      );
    });

    it('prints "No changes" the second time and changes no byte', () => {
      expect(second.stdout).toBe(`No changes in ${path.relative(ROOT, out)}: 18 files up to date.\n`);
      expect(second.status).toBe(0);
      expect(afterSecond).toEqual(afterFirst);
    });

    it("leaves a file of the checkout's own as it was", () => {
      expect(afterSecond['README.md']).toBe('# platform-gitops\r\nkept as is \n');
    });

    it('prints the report as JSON with --format json', () => {
      expect(JSON.parse(asJson.stdout)).toEqual({
        out,
        created: [],
        updated: [],
        deleted: [],
        kept: [],
        restored: [],
        recorded: [],
        acceptedEdits: [],
        waiting: [],
        unchanged: 18,
        filesWritten: 0,
      });
      expect(asJson.status).toBe(0);
    });
  });

  it('fails listing every problem of the program with its construct path, and writes nothing', () => {
    // GIVEN
    const program = path.join(tmp, 'broken-platform.ts');
    fs.writeFileSync(
      program,
      [
        `import { Cloud, Cluster, Environment, Platform, Service } from ${JSON.stringify(SRC)};`,
        `const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });`,
        `const prod = new Environment(platform, 'Prod');`,
        `new Cluster(prod, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });`,
        `new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } }).deployTo(prod);`,
        `platform.synth();`,
        '',
      ].join('\n'),
    );
    const out = path.join(tmp, 'not-written');

    // WHEN
    const run = cli(['synth', '--app', `npx tsx ${JSON.stringify(program)}`, '--out', out]);

    // THEN
    expect(run.stderr.split('\n')).toEqual([
      'Error: The platform program has 2 problems:',
      '[platform/Prod] CG101 Environment name "Prod" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used as a directory, AppProject name and label value. Fix: Rename it, e.g. "prod".',
      '[platform/payments-api] CG106 Service "payments-api" has no application repository. Fix: Set repoURL on the service, or applicationRepoURLPattern (e.g. "https://git.example.com/apps/{service}.git") on the Platform.',
      '',
    ]);
    expect(run.status).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);

  it('fails on an unknown flag with CG301, points to --help and prints the usage line', () => {
    // WHEN
    const run = cli(['synth', '--bogus']);

    // THEN
    expect(run.stderr).toBe(
      'Error: CG301 Unknown option --bogus for synth. Fix: Run `cdk8s-gitops synth --help` to see its options.\n' +
        'Usage: cdk8s-gitops synth [--app CMD] [--timeout T] [--out DIR] [--repository URL] [--verify] [--adopt] [--allow-remove APP]… [--verbose] [--format text|json]\n',
    );
    expect(run.status).toBe(1);
  });

  it('prints its usage, options and an example with --help', () => {
    // WHEN
    const run = cli(['synth', '--help']);

    // THEN
    expect(run.stdout.split('\n')[0]).toBe(
      'Usage: cdk8s-gitops synth [--app CMD] [--timeout T] [--out DIR] [--repository URL] [--verify] [--adopt] [--allow-remove APP]… [--verbose] [--format text|json]',
    );
    expect(run.stdout).toContain('  --format       text (default) or json\n');
    expect(run.stdout).toContain('Example:\n  cdk8s-gitops synth --app "npx tsx platform.ts" --out ../platform-gitops\n');
    expect(run.status).toBe(0);
  });
});
