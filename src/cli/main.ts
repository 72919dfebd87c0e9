import { GitOpsError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { isUnparsedArguments, parseCommandArgs } from './args';
import { checkFormat, Command, CommandContext, EnvironmentVariables, OutputStream } from './command';
import { resolveActor, resolveNow, resolveProgramCommit } from './environment';
import { colourAllowed, progressAllowed, SILENT_PROGRESS, terminalProgress } from './progress';
import { inertStream, printableJson, styledMark } from './terminal-text';
import { asksForJson, errorDocument } from './error-document';

import { ExitCode } from './exit-code';
import { withoutPasswordsOn } from './redacted-output';
import { PACKAGE_VERSION } from '../core/version';
import { CommandName, SUMMARIES } from './commands/summaries';
import { ARGUMENTS } from './commands/arguments';

export { ExitCode } from './exit-code';

/**
 * The commands, in the order help lists them. A command's module is loaded when it runs or shows
 * its own help, so that each command loads only what it uses, help and an unknown command load
 * none (the summaries help lists are apart from them), and a program that imports the SDK does
 * not load the commands at all.
 */
const COMMANDS: ReadonlyArray<readonly [name: CommandName, load: () => Command]> = [
  ['init', () => (require('./commands/init') as typeof import('./commands/init')).initCommand],
  ['synth', () => (require('./commands/synth') as typeof import('./commands/synth')).synthCommand],
  ['plan', () => (require('./commands/inspect') as typeof import('./commands/inspect')).planCommand],
  ['preview', () => (require('./commands/inspect') as typeof import('./commands/inspect')).previewCommand],
  ['check', () => (require('./commands/inspect') as typeof import('./commands/inspect')).checkCommand],
  ['status', () => (require('./commands/status') as typeof import('./commands/status')).statusCommand],
  ['explain', () => (require('./commands/status') as typeof import('./commands/status')).explainCommand],
  ['promote', () => (require('./commands/release') as typeof import('./commands/release')).promoteCommand],
  ['rollback', () => (require('./commands/release') as typeof import('./commands/release')).rollbackCommand],
  ['unhold', () => (require('./commands/release') as typeof import('./commands/release')).unholdCommand],
  ['publish', () => (require('./commands/publish') as typeof import('./commands/publish')).publishCommand],
  ['history', () => (require('./commands/history') as typeof import('./commands/history')).historyCommand],
  ['wait', () => (require('./commands/wait') as typeof import('./commands/wait')).waitCommand],
];

/** Every command, in the order help lists them (each module loaded). */
export function commandList(): Command[] {
  return COMMANDS.map(([, load]) => load());
}

/** The CLI's usage, with every command's summary: loads no command's module. */
function usage(): string {
  const width = Math.max(...COMMANDS.map(([name]) => name.length));
  return [
    'Usage: cdk8s-gitops <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(([name]) => `  ${name.padEnd(width)}  ${SUMMARIES[name]}`),
    '',
    'Options every command takes:',
    "  --help, -h    the command's options and an example",
    '  --quiet, -q   no progress line on stderr (there is none either when CI is set or stderr',
    '                is not a terminal); results and errors are still printed',
    '',
    'Output is coloured only on a terminal and never when NO_COLOR is set (non-empty).',
    "Run `cdk8s-gitops <command> --help` for a command's options and an example.",
    'Exit codes: 0 done (no differences), 1 error, 2 differences found (plan, check).',
  ].join('\n');
}

/** Takes the flags every command shares out of `argv` (up to a `--`). */
function withoutGlobalFlags(argv: readonly string[]): { args: string[]; quiet: boolean } {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end);
  const args = head.filter((a) => a !== '--quiet' && a !== '-q');
  return { args: [...args, ...tail], quiet: args.length !== head.length };
}

/**
 * `process.stdout` or `process.stderr`, writing until its reader goes away (`… | head -1`
 * closes the pipe: EPIPE). Then the rest of the output is dropped without a word, and the
 * command runs to its end and exits with its own code: a promotion is not cut short because
 * nobody reads what it prints.
 */
function untilReaderLeaves(stream: NodeJS.WriteStream): OutputStream {
  let gone = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    gone = true;
  });
  return {
    isTTY: stream.isTTY === true,
    write: (text: string) => gone || stream.destroyed || stream.write(text),
  };
}

/** Options of {@link main}, for tests and embedding. */
export interface MainOptions {
  /** The directory the command runs in. @default process.cwd() */
  readonly cwd?: string;
  /** Where results go. @default process.stdout */
  readonly stdout?: OutputStream;
  /** Where errors and progress go. @default process.stderr */
  readonly stderr?: OutputStream;
  /** The environment variables the CLI reads. @default process.env */
  readonly env?: EnvironmentVariables;
}

/**
 * Runs the CLI and returns its exit code. Errors are mapped to exit codes here and only here:
 * a {@link GitOpsError} prints its problems, anything else is reported as an internal error.
 * Under `--format json` a failure prints the error's JSON document on stdout as well (see
 * `error-document.ts`), the message for people staying on stderr.
 * The git commands it runs inherit this process's environment: the `cdk8s-gitops` command
 * clears git's variables that choose a repository (`GIT_DIR`, `GIT_INDEX_FILE` and the like,
 * which git sets for its hooks) when it starts; a process that embeds it unsets them first.
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const rawStdout = options.stdout ?? untilReaderLeaves(process.stdout);
  // Notes and warnings quote what they were given, as problems do: never a URL's credentials.
  const rawStderr = withoutPasswordsOn(options.stderr ?? untilReaderLeaves(process.stderr));
  const env = options.env ?? process.env;
  const colour = colourAllowed(rawStdout, env);
  // Names, paths and messages from a checkout, a ledger or Argo CD reach a terminal inert.
  let printed = false;
  const inertStdout = inertStream(rawStdout, colour);
  const stdout: OutputStream = {
    ...inertStdout,
    write: (text: string) => {
      printed ||= text.length > 0;
      return inertStdout.write(text);
    },
  };
  const stderr = inertStream(rawStderr, colour);
  const { args, quiet } = withoutGlobalFlags(argv);
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(`${usage()}\n`);
    return name ? ExitCode.OK : ExitCode.ERROR;
  }
  if (name === '--version') {
    stdout.write(`${PACKAGE_VERSION}\n`);
    return ExitCode.OK;
  }
  const load = COMMANDS.find(([n]) => n === name)?.[1];
  if (!load) {
    const error = GitOpsError.of('CG311', {
      message: `Unknown command "${name}".${didYouMean(
        name,
        COMMANDS.map(([n]) => n),
        (n) => n,
      )}`,
      fix: `Run \`cdk8s-gitops --help\` to list the commands: ${COMMANDS.map(([n]) => n).join(', ')}.`,
    });
    stderr.write(`Error: ${error.message}\n`);
    if (asksForJson(rest)) stdout.write(`${printableJson(errorDocument(error))}\n`);
    return ExitCode.ERROR;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const command = load();
    stdout.write(`Usage: ${command.usage}\n\n${command.help}\n`);
    return ExitCode.OK;
  }
  // Arguments that do not parse are answered from the command's option definitions alone, before
  // its module (and what it imports) is loaded; the command parses them again, the same way.
  const takes = ARGUMENTS[name as CommandName];
  let json: boolean;
  try {
    const { values } = parseCommandArgs(name, rest, takes.options, takes.positionals);
    json = (values as { readonly format?: unknown }).format === 'json';
  } catch (e) {
    if (!isUnparsedArguments(e)) throw e;
    stderr.write(`Error: ${(e as GitOpsError).message}\nUsage: ${takes.usage}\n`);
    if (asksForJson(rest)) stdout.write(`${printableJson(errorDocument(e))}\n`);
    return ExitCode.ERROR;
  }
  // A failure under --format json is a JSON document on stdout too, unless the command printed its result already.
  const failed = (e: unknown): ExitCode => {
    if (json && !printed) stdout.write(`${printableJson(errorDocument(e))}\n`);
    return ExitCode.ERROR;
  };
  const command = load();
  const ctx: CommandContext = {
    cwd: options.cwd ?? process.cwd(),
    env,
    stdout,
    stderr,
    style: (mark) => (colour ? styledMark(mark) : mark),
    format: (value, allowed) => checkFormat(name, value, allowed),
    now: () => resolveNow(env),
    clock: () => new Date(),
    actor: (dir?: string) => resolveActor(env, dir ?? options.cwd ?? process.cwd()),
    programCommit: () => resolveProgramCommit(env, options.cwd ?? process.cwd()),
    progress: progressAllowed(rawStderr, env, quiet) ? terminalProgress(rawStderr) : SILENT_PROGRESS,
  };
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    ctx.progress.done();
    if (e instanceof GitOpsError) {
      // Arguments that do not parse are followed by the command's usage line.
      // Problems grouped by kind name the rest by place only; --verbose prints every one in full.
      // A command without --verbose prints every entry: there is no other way to see them.
      const verbose = rest.includes('--verbose');
      const takesVerbose = command.usage.includes('--verbose');
      const text = verbose ? e.everyProblem : takesVerbose ? e.message : e.wholeMessage;
      stderr.write(`Error: ${text}\n${isUnparsedArguments(e) ? `Usage: ${command.usage}\n` : ''}`);
      if (e.grouped && !verbose && takesVerbose) stderr.write('(--verbose prints every problem in full.)\n');
      return failed(e);
    }
    stderr.write(`Internal error in cdk8s-gitops (please report it): ${(e as Error)?.stack ?? String(e)}\n`);
    return failed(e);
  }
}
