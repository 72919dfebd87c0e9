import { GitOpsError } from '../errors';
import { checkFormat, Command, CommandContext } from './command';
import { promoteCommand, rollbackCommand, unholdCommand } from './commands/release';
import { historyCommand } from './commands/history';
import { checkCommand, planCommand, previewCommand } from './commands/inspect';
import { explainCommand, statusCommand } from './commands/status';
import { publishCommand } from './commands/publish';
import { synthCommand } from './commands/synth';
import { resolveActor, resolveNow, resolveProgramCommit } from './environment';

import { ExitCode } from './exit-code';

export { ExitCode } from './exit-code';

const COMMANDS: readonly Command[] = [
  synthCommand, planCommand, previewCommand, checkCommand, statusCommand, explainCommand,
  promoteCommand, rollbackCommand, unholdCommand, publishCommand, historyCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: cdk8s-gitops <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `cdk8s-gitops <command> --help` for a command\'s options and an example.',
    'Exit codes: 0 done (no differences), 1 error, 2 differences found (plan, check).',
  ].join('\n');
}

/** Options of {@link main}, for tests and embedding. */
export interface MainOptions {
  readonly cwd?: string;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs the CLI and returns its exit code. Errors are mapped to exit codes here and only here:
 * a {@link GitOpsError} prints its problems, anything else is reported as an internal error.
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(`${usage()}\n`);
    return name ? ExitCode.OK : ExitCode.ERROR;
  }
  if (name === '--version') {
    stdout.write(`${require('../../package.json').version}\n`);
    return ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return ExitCode.ERROR;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout.write(`Usage: ${command.usage}\n\n${command.help}\n`);
    return ExitCode.OK;
  }
  const colour = (stdout as any).isTTY === true && env.NO_COLOR === undefined;
  const ctx: CommandContext = {
    cwd: options.cwd ?? process.cwd(),
    stdout,
    stderr,
    style: (mark) => (colour ? `${{ '[+]': '\x1b[32m', '[-]': '\x1b[31m', '[~]': '\x1b[33m' }[mark] ?? ''}${mark}\x1b[0m` : mark),
    format: (value, allowed) => checkFormat(name, value, allowed),
    now: () => resolveNow(env),
    actor: () => resolveActor(env, options.cwd ?? process.cwd()),
    programCommit: () => resolveProgramCommit(env, options.cwd ?? process.cwd()),
  };
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    if (e instanceof GitOpsError) {
      stderr.write(`Error: ${e.message}\n`);
      return ExitCode.ERROR;
    }
    stderr.write(`Internal error in cdk8s-gitops (please report it): ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.ERROR;
  }
}
