/**
 * `cdk8s-gitops init` through the built CLI: what the scaffold declares, pins and ignores. The
 * scaffold installed and run with its own test is in test/package/pack.test.ts.
 */
import { builtinModules } from 'module';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { runBin } from '../support/cli';

const OWN = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};

/** The packages a source file imports or requires (`node:` and built-in modules aside). */
function importsOf(text: string): string[] {
  const specifiers = [...text.matchAll(/\bfrom '([^']+)'|\brequire\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe('cdk8s-gitops init', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-init-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  test('pins the version of cdk8s-gitops that ran it, and says so', () => {
    // WHEN
    const r = runBin(work, ['init', 'my-platform']);

    // THEN
    expect(r.status).toBe(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(work, 'my-platform', 'package.json'), 'utf8'));
    expect(pkg.dependencies['cdk8s-gitops']).toBe(OWN.version);
    expect(r.stdout).toContain(
      `Created a platform program in my-platform. Its package.json takes cdk8s-gitops ${OWN.version}, the version that ran init ` +
        '(--sdk names another: a version range, or a tarball from npm pack).\nNext:\n  cd my-platform\n',
    );
  });

  test('names the current directory as such, and a version range given as given', () => {
    // WHEN
    const r = runBin(work, ['init', '.', '--sdk', '^0.2.0']);

    // THEN
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'Created a platform program in the current directory. Its package.json takes cdk8s-gitops ^0.2.0.\nNext:\n  npm install\n',
    );
    expect(JSON.parse(fs.readFileSync(path.join(work, 'package.json'), 'utf8')).dependencies['cdk8s-gitops']).toBe('^0.2.0');
  });

  test.each([
    ['a space', 'my platform', "'my platform'"],
    ['a dollar sign and a backtick', 'a$HOME`id`', "'a$HOME`id`'"],
    ['a quote', "it's", "'it'\\''s'"],
    ['a leading tilde', '~x', "'~x'"],
  ])('quotes a directory with %s in its cd line as the shell reads it back', (_, dir, quoted) => {
    // WHEN
    const r = runBin(work, ['init', dir]);

    // THEN the line is one shell word naming the directory
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`\nNext:\n  cd ${quoted}\n`);
    expect(fs.existsSync(path.join(work, dir, 'package.json'))).toBe(true);
  });

  test('shows the controls of a directory name as escapes', () => {
    // WHEN
    const r = runBin(work, ['init', 'x\u001b[2Jy']);

    // THEN
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("  cd 'x\\u001b[2Jy'\n");
    expect(r.stdout).not.toContain('\u001b');
  });

  test('declares every package its files import, and constructs in the range cdk8s-gitops depends on', () => {
    // WHEN
    expect(runBin(work, ['init', 'p']).status).toBe(0);

    // THEN
    const dir = path.join(work, 'p');
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
    const imported = ['platform.ts', 'test/platform.test.js'].flatMap((f) => importsOf(fs.readFileSync(path.join(dir, f), 'utf8')));
    expect(imported).toContain('cdk8s-gitops');
    expect(imported.filter((p) => !declared.has(p))).toEqual([]);
    expect(pkg.dependencies.constructs).toBe(OWN.dependencies.constructs);
  });

  test("ignores what the program and npm write: node_modules and cdk8s's output directory", () => {
    // WHEN
    expect(runBin(work, ['init', 'p']).status).toBe(0);

    // THEN
    const dir = path.join(work, 'p');
    const ignored = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n');
    const output = parse(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')).output as string;
    expect(ignored).toEqual(expect.arrayContaining(['node_modules/', `${output}/`]));
  });

  test("the scaffold's test reads what the program declares rather than the sample's names", () => {
    // WHEN
    expect(runBin(work, ['init', 'p']).status).toBe(0);

    // THEN
    const test = fs.readFileSync(path.join(work, 'p', 'test', 'platform.test.js'), 'utf8');
    expect(test).not.toMatch(/hello-api|eu-central-1|nonprod/);
    expect(test).toContain("cli('status', '--targets', '--out', out, '--format', 'json')");
  });
});
