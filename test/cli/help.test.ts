/**
 * `--help`, an unknown command and an unknown option answer without loading what the commands
 * run: help lists each command's summary from a module of its own, and loads no command.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandList } from '../../src/cli/main';
import { BIN, cleanEnv } from '../support/cli';

const LIB = path.resolve(__dirname, '..', '..', 'lib');

/** Runs the built CLI and records the files of every module it loaded. */
function runRecording(args: readonly string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'help-'));
  try {
    const record = path.join(tmp, 'record.js');
    const modules = path.join(tmp, 'modules.json');
    fs.writeFileSync(
      record,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(modules)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    const r = spawnSync(process.execPath, ['--require', record, BIN, ...args], { cwd: tmp, env: cleanEnv(), encoding: 'utf8' });
    const loaded = (JSON.parse(fs.readFileSync(modules, 'utf8')) as string[]).filter((f) => f !== record);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** What of `loaded` a help or a usage error must not load: a command's module, or anything beyond the CLI's core. */
function heavy(loaded: readonly string[]): string[] {
  return loaded.filter(
    (f) =>
      f.includes(`${path.sep}node_modules${path.sep}`) ||
      (f.startsWith(`${path.join(LIB, 'cli', 'commands')}${path.sep}`) &&
        !f.endsWith(`${path.sep}summaries.js`) &&
        !f.endsWith(`${path.sep}arguments.js`)) ||
      ['synth', 'preview', 'workspace', 'release', 'constructs', 'live'].some((layer) =>
        f.startsWith(`${path.join(LIB, layer)}${path.sep}`),
      ),
  );
}

describe('help and usage errors', () => {
  test('--help lists every command with its own summary, and loads no command', () => {
    // WHEN
    const run = runRecording(['--help']);

    // THEN
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const listed = run.stdout
      .slice(run.stdout.indexOf('Commands:\n') + 'Commands:\n'.length, run.stdout.indexOf('\n\n', run.stdout.indexOf('Commands:')))
      .split('\n')
      .map((line) => /^ {2}(\S+) +(.+)$/.exec(line)?.slice(1));
    expect(listed).toEqual(commandList().map((c) => [c.name, c.summary]));
    expect(heavy(run.loaded)).toEqual([]);
  });

  test('fails on an unknown command with CG311 and a suggestion, loading no command', () => {
    // WHEN
    const run = runRecording(['synht']);

    // THEN
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'Error: CG311 Unknown command "synht". Did you mean synth? Fix: Run `cdk8s-gitops --help` to list the commands: init, synth, plan, preview, check, status, explain, promote, rollback, unhold, publish, history, wait.\n',
    );
    expect(heavy(run.loaded)).toEqual([]);
  });

  test("fails on an unknown option with CG301 and the command's usage line, loading no command", () => {
    // WHEN
    const run = runRecording(['promote', '--no-such-option']);

    // THEN
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'Error: CG301 Unknown option --no-such-option for promote. Fix: Run `cdk8s-gitops promote --help` to see its options.\n' +
        `Usage: ${commandList().find((c) => c.name === 'promote')!.usage}\n`,
    );
    expect(heavy(run.loaded)).toEqual([]);
  });

  test.each([
    [['promote', 'web', '--ring'], 'promote', 'promote: --ring needs a value.'],
    [['history', '--ring', '--env', 'x'], 'history', 'history: --ring needs a value, but is followed by another option.'],
    [['synth', '--verbose=x'], 'synth', 'synth: --verbose takes no value.'],
    [['synth', 'extra'], 'synth', 'synth takes no arguments besides options; received "extra".'],
    [['preview', '--fromat', 'json'], 'preview', 'Unknown option --fromat for preview. Did you mean --format?'],
  ])('fails on %j with CG301 and the usage line, loading no command', (args, name, message) => {
    // WHEN
    const run = runRecording(args);

    // THEN the same error and exit code as the command itself gives, from its option definitions alone
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `Error: CG301 ${message} Fix: Run \`cdk8s-gitops ${name} --help\` to see its options.\n` +
        `Usage: ${commandList().find((c) => c.name === name)!.usage}\n`,
    );
    expect(heavy(run.loaded)).toEqual([]);
  });

  test.each(commandList().map((c) => [c.name, c] as const))(
    '%s: the options an argument mistake is answered from are the ones the command parses',
    async (name, command) => {
      // An option no command has: the command module's own parse and the early one agree on it.
      const early = runRecording([name, '--no-such-option']);
      const stderr: string[] = [];
      const code = await Promise.resolve()
        .then(() => command.run(['--no-such-option'], { stderr: { write: (t: string) => stderr.push(t) } } as never))
        .then(
          () => 0,
          (e: Error) => (stderr.push(e.message), 1),
        );
      expect(code).toBe(1);
      expect(early.stderr).toBe(`Error: ${stderr.join('')}\nUsage: ${command.usage}\n`);
    },
  );

  test("a command's --help prints its usage and help", () => {
    // WHEN
    const run = runRecording(['check', '--help']);

    // THEN
    const check = commandList().find((c) => c.name === 'check')!;
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`Usage: ${check.usage}\n\n${check.help}\n`);
  });
});
