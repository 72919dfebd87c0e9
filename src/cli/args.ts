import { parseArgs, ParseArgsConfig } from 'util';
import { GitOpsError } from '../core/errors';
import { didYouMean } from '../core/suggest';

/** Options every command that runs the program takes. */
export const PROGRAM_OPTIONS = {
  app: { type: 'string' },
  out: { type: 'string' },
  repository: { type: 'string' },
  timeout: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The options a command declares, as Node's `parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** The values of a command's parsed options: a string, a boolean or a list of strings each, as declared. */
export type CommandValues<O extends CommandOptions> = ReturnType<
  typeof parseArgs<{ options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: boolean; strict: true }>
>['values'];

/** Flags every command takes besides its own (see `main`). */
const SHARED_FLAGS = ['--help', '--quiet'];

/** Parses a command's arguments; unknown or malformed flags end in a clear error. */
export function parseCommandArgs<O extends CommandOptions>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
): { values: CommandValues<O>; positionals: string[] } {
  // `--branch` may stand without a value (a default name is used): give it an empty one.
  const args = argv.flatMap((a, i) => (a === '--branch' && (i === argv.length - 1 || argv[i + 1].startsWith('--')) ? ['--branch='] : [a]));
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    const error = GitOpsError.of('CG301', {
      message: argumentMistake(command, e as Error & { code?: string }, Object.keys(options)),
      fix: `Run \`cdk8s-gitops ${command} --help\` to see its options.`,
    });
    UNPARSED.add(error);
    throw error;
  }
}

/** Errors of arguments that do not parse (unknown flags, missing values). */
const UNPARSED = new WeakSet<Error>();

/** Whether `e` says the arguments do not parse; the CLI then prints the command's usage line. */
export function isUnparsedArguments(e: unknown): boolean {
  return e instanceof Error && UNPARSED.has(e);
}

/** What is wrong with the arguments, in our words, from Node's `parseArgs` error. */
function argumentMistake(command: string, e: Error & { code?: string }, names: readonly string[]): string {
  const quoted = /'([^']*)'/.exec(e.message)?.[1];
  const flags = [...names.map((n) => `--${n}`), ...SHARED_FLAGS];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted !== undefined) {
    return `Unknown option ${quoted} for ${command}.${didYouMean(quoted, flags, (n) => n)}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted !== undefined) {
    const flag = quoted
      .replace(/ <value>$/, '')
      .split(', ')
      .pop();
    if (/does not take an argument/.test(e.message)) return `${command}: ${flag} takes no value.`;
    return / is ambiguous/.test(e.message)
      ? `${command}: ${flag} needs a value, but is followed by another option.`
      : `${command}: ${flag} needs a value.`;
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted !== undefined) {
    return `${command} takes no arguments besides options; received "${quoted}".`;
  }
  return `${command}: ${e.message}`;
}
