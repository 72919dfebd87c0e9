import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runBin } from '../support/cli';

/**
 * A TypeScript program named as `npx tsx platform.ts` runs on the project's tsx without npx;
 * without tsx in the project, the command runs as written. An `npx` placed first on PATH that
 * only records its call and fails tells which way it ran.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const LIB = path.join(ROOT, 'lib');

const PROGRAM = `import { Cloud, Cluster, Environment, Platform, Service } from ${JSON.stringify(LIB)};
const platform: Platform = new Platform({
  repoURL: 'https://git.example.com/platform/platform-gitops.git',
  applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
});
const prod = new Environment(platform, 'prod');
new Cluster(prod, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
const names: readonly string[] = ['payments-api'];
for (const name of names) {
  new Service(platform, name, { image: { repository: 'registry.example.com/shop/' + name }, initialDigest: 'sha256:${'a'.repeat(64)}' }).deployTo(prod);
}
require('fs').writeFileSync(require('path').join(__dirname, 'program-path.txt'), process.env.PATH ?? '');
platform.synth();
`;

describe('a TypeScript program run with npx tsx', () => {
  let tmp: string;
  let project: string;
  let bin: string;
  let env: Record<string, string>;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsx-program-')));
    project = path.join(tmp, 'my platform');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'platform.ts'), PROGRAM);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'app: npx tsx platform.ts\n');
    bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'npx'),
      `#!/bin/sh\necho "npx ran: $*" > ${JSON.stringify(path.join(tmp, 'npx-ran'))}\necho "npx ran: $*" >&2\nexit 97\n`,
      {
        mode: 0o755,
      },
    );
    env = { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("runs on the project's tsx without npx", () => {
    // GIVEN tsx installed in the project
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'node_modules', 'tsx'), path.join(project, 'node_modules', 'tsx'));

    // WHEN
    const run = runBin(project, ['synth', '--out', path.join(tmp, 'gitops'), '--format', 'json'], env);

    // THEN the program ran (its TypeScript compiled by tsx), and npx did not
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).created).toContain('environments/prod/aws/eu-01/payments-api/values.yaml');
    expect(fs.existsSync(path.join(tmp, 'npx-ran'))).toBe(false);
    // with the PATH npx gives a program: the project's node_modules/.bin first
    expect(fs.readFileSync(path.join(project, 'program-path.txt'), 'utf8').split(path.delimiter)[0]).toBe(
      path.join(project, 'node_modules', '.bin'),
    );
  }, 60_000);

  it('runs the command as written when the project has no tsx, and names it so in the error', () => {
    // WHEN (no node_modules in the project or above it)
    const run = runBin(project, ['synth', '--out', path.join(tmp, 'gitops')], env);

    // THEN npx ran with tsx and the program, and its failure is the program's
    expect(fs.readFileSync(path.join(tmp, 'npx-ran'), 'utf8')).toBe('npx ran: tsx platform.ts\n');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('CG304 The program "npx tsx platform.ts" exited with 97 without handing over a model.');
    expect(fs.existsSync(path.join(tmp, 'gitops'))).toBe(false);
  }, 60_000);

  it('names the command as written when the program fails on the fast path', () => {
    // GIVEN tsx installed, and a program that throws before synth
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'node_modules', 'tsx'), path.join(project, 'node_modules', 'tsx'));
    fs.writeFileSync(path.join(project, 'platform.ts'), "const n: number = 1;\nthrow new Error('no platform ' + n);\n");

    // WHEN
    const run = runBin(project, ['synth', '--out', path.join(tmp, 'gitops')], env);

    // THEN
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('CG304 The program "npx tsx platform.ts" exited with 1 without handing over a model.');
    expect(run.stderr).toContain('Error: no platform 1');
    expect(fs.existsSync(path.join(tmp, 'npx-ran'))).toBe(false);
  }, 60_000);

  it('stops a program on the fast path that runs past its timeout, and names the command as written', () => {
    // GIVEN tsx installed, and a program that never ends
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'node_modules', 'tsx'), path.join(project, 'node_modules', 'tsx'));
    fs.writeFileSync(path.join(project, 'platform.ts'), 'const every: number = 1000;\nsetInterval(() => undefined, every);\n');

    // WHEN
    const run = runBin(project, ['synth', '--timeout', '2', '--out', path.join(tmp, 'gitops')], env);

    // THEN
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('CG310 The program "npx tsx platform.ts" ran longer than its timeout of 2s and was stopped');
    expect(fs.existsSync(path.join(tmp, 'npx-ran'))).toBe(false);
  }, 60_000);
});
