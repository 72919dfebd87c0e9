import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { directCommand, projectPath, tsxLoader } from '../../src/workspace/program/tsx-command';

/** A project directory with a tsx package of `version` whose main export is `main` (none when null), and its loader file. */
function project(root: string, version = '4.23.15', main: unknown = './dist/loader.mjs', loader = true): string {
  const dir = path.join(root, 'project');
  const tsx = path.join(dir, 'node_modules', 'tsx');
  fs.mkdirSync(path.join(tsx, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(tsx, 'package.json'),
    JSON.stringify({ name: 'tsx', version, exports: { './package.json': './package.json', ...(main === null ? {} : { '.': main }) } }),
  );
  if (loader) fs.writeFileSync(path.join(tsx, 'dist', 'loader.mjs'), 'export {};\n');
  return dir;
}

/** What the fast path runs for `rest` in `dir`. */
function direct(dir: string, rest: string): string {
  const loader = path.join(dir, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  return `'${process.execPath}' --import '${pathToFileURL(fs.realpathSync(loader)).href}' ${rest}`;
}

describe('directCommand: npx tsx without npx', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsx-command-')));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("takes tsx only from the project's own node_modules, as npx does: never a parent's, or a package.json that is no file", () => {
    // GIVEN tsx 4 installed above a project that has a package.json and no tsx of its own
    const above = project(tmp);
    const inner = path.join(above, 'app');
    fs.mkdirSync(inner);
    fs.writeFileSync(path.join(inner, 'package.json'), '{}');
    // THEN the command runs as written (npx would not find that tsx)
    expect(directCommand('npx tsx platform.ts', inner)).toBe('npx tsx platform.ts');

    // GIVEN the project's tsx is a link to a package (as pnpm installs it): npx runs it, and so does the fast path
    fs.mkdirSync(path.join(inner, 'node_modules'));
    fs.symlinkSync(path.join(above, 'node_modules', 'tsx'), path.join(inner, 'node_modules', 'tsx'));
    const loader = path.join(inner, 'node_modules', 'tsx', 'dist', 'loader.mjs');
    expect(directCommand('npx tsx platform.ts', inner)).toBe(`'${process.execPath}' --import '${pathToFileURL(loader).href}' platform.ts`);

    // GIVEN its package.json is a named pipe, which reading would block on
    fs.rmSync(path.join(inner, 'node_modules', 'tsx'));
    fs.mkdirSync(path.join(inner, 'node_modules', 'tsx'));
    execFileSync('mkfifo', [path.join(inner, 'node_modules', 'tsx', 'package.json')]);
    expect(directCommand('npx tsx platform.ts', inner)).toBe('npx tsx platform.ts');
  });

  it("runs `npx tsx PROGRAM` and `tsx PROGRAM` on the project's tsx loader with this Node", () => {
    // GIVEN a project with tsx 4 installed
    const dir = project(tmp);

    // THEN
    expect(directCommand('npx tsx platform.ts', dir)).toBe(direct(dir, 'platform.ts'));
    expect(directCommand('  tsx   platform.ts ', dir)).toBe(direct(dir, 'platform.ts'));
  });

  it('passes the arguments after tsx to the shell as written (quotes, variables, redirections)', () => {
    // GIVEN
    const dir = project(tmp);

    // THEN
    expect(directCommand(`npx tsx "my platform.ts" --region "$REGION" 2>/dev/null`, dir)).toBe(
      direct(dir, `"my platform.ts" --region "$REGION" 2>/dev/null`),
    );
  });

  it("finds tsx where Node resolves it from the project: in a parent directory's node_modules", () => {
    // GIVEN tsx installed above the program's directory (a workspace)
    const root = project(tmp);
    const dir = path.join(root, 'platform');
    fs.mkdirSync(dir);

    // THEN
    expect(directCommand('npx tsx platform.ts', dir)).toBe(direct(root, 'platform.ts'));
  });

  it.each([
    ['a tsx option', 'npx tsx --tsconfig tsconfig.app.json platform.ts'],
    ["tsx's watch mode", 'npx tsx watch platform.ts'],
    ['a quoted tsx option', `npx tsx '--tsconfig' tsconfig.app.json platform.ts`],
    ["tsx's watch mode, quoted", 'npx tsx "watch" platform.ts'],
    ['no program (the REPL)', 'npx tsx'],
    ['another package', 'npx tsxx platform.ts'],
    ['a versioned package', 'npx tsx@4 platform.ts'],
    ['npx with options', 'npx --yes tsx platform.ts'],
    ['a variable before it', 'NODE_ENV=test npx tsx platform.ts'],
    ['node', 'node platform.js'],
  ])('runs the command as written for %s', (_what, command) => {
    // GIVEN
    const dir = project(tmp);

    // THEN
    expect(directCommand(command, dir)).toBe(command);
  });

  it('runs the command as written when tsx is not installed for the project (npx fetches it)', () => {
    // GIVEN a directory with no tsx above it (the temporary directory's parents have none)
    const dir = path.join(tmp, 'bare');
    fs.mkdirSync(dir);

    // THEN
    expect(tsxLoader(dir)).toBeUndefined();
    expect(directCommand('npx tsx platform.ts', dir)).toBe('npx tsx platform.ts');
  });

  it.each([
    ['tsx 3, which has no --import loader', () => project(tmp, '3.14.0')],
    ['a version that is not one', () => project(tmp, 'latest')],
    ['no main export', () => project(tmp, '4.0.0', null)],
    ['a main export with conditions', () => project(tmp, '4.0.0', { import: './dist/loader.mjs' })],
    ['a main export outside the package', () => project(tmp, '4.0.0', './../../../evil.mjs')],
    ['a missing loader file', () => project(tmp, '4.0.0', './dist/loader.mjs', false)],
  ])('runs the command as written for %s', (_what, make) => {
    // GIVEN
    const dir = make();

    // THEN
    expect(directCommand('npx tsx platform.ts', dir)).toBe('npx tsx platform.ts');
  });

  it('runs the command as written when tsx/package.json is not JSON or is a directory', () => {
    // GIVEN
    const dir = project(tmp);
    const manifest = path.join(dir, 'node_modules', 'tsx', 'package.json');
    fs.writeFileSync(manifest, '{ not json');

    // THEN
    expect(directCommand('npx tsx platform.ts', dir)).toBe('npx tsx platform.ts');

    // AND WHEN it is a directory
    fs.rmSync(manifest);
    fs.mkdirSync(manifest);
    expect(directCommand('npx tsx platform.ts', dir)).toBe('npx tsx platform.ts');
  });

  it("quotes a loader path with the shell's special characters", () => {
    // GIVEN a project under a directory named with a quote, a space and a dollar sign
    const parent = path.join(tmp, "it's $HOME");
    fs.mkdirSync(parent);
    const dir = project(parent);

    // THEN the loader's URL is one word for sh
    const command = directCommand('npx tsx platform.ts', dir);
    const url = pathToFileURL(path.join(dir, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    expect(command).toBe(`'${process.execPath}' --import '${url.replace(/'/g, `'\\''`)}' platform.ts`);
  });

  it("gives the program npx's PATH: each node_modules/.bin from the project's directory up, then the inherited one", () => {
    // THEN
    expect(projectPath('/srv/platform/app', '/usr/bin:/bin')).toBe(
      [
        '/srv/platform/app/node_modules/.bin',
        '/srv/platform/node_modules/.bin',
        '/srv/node_modules/.bin',
        '/node_modules/.bin',
        '/usr/bin:/bin',
      ].join(path.delimiter),
    );
    expect(projectPath('/srv', undefined)).toBe(['/srv/node_modules/.bin', '/node_modules/.bin'].join(path.delimiter));
  });

  it.each(['bun', 'deno', 'electron'])('runs the command as written when the CLI runs on %s, whose executable is not node', (runtime) => {
    // GIVEN
    const dir = project(tmp);
    const versions = Object.getOwnPropertyDescriptor(process, 'versions')!;
    Object.defineProperty(process, 'versions', { ...versions, value: { ...process.versions, [runtime]: '1.0.0' } });
    try {
      // THEN
      expect(directCommand('npx tsx platform.ts', dir)).toBe('npx tsx platform.ts');
    } finally {
      Object.defineProperty(process, 'versions', versions);
    }
    expect(directCommand('npx tsx platform.ts', dir)).toBe(direct(dir, 'platform.ts'));
  });
});
