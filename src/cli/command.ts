import { GitOpsError } from '../core/errors';
import { closeMatches } from '../core/suggest';
import type { Progress } from './progress';
import type { EnvironmentVariables, OutputStream } from '../core/streams';

export type { EnvironmentVariables, OutputStream };

/** What a command gets from the CLI: where it runs and where it prints. */
export interface CommandContext {
  readonly cwd: string;
  /** The environment variables the CLI reads (and passes on to the program it runs). */
  readonly env: EnvironmentVariables;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Colours a diff mark (`[+]`, `[-]`, `[~]`) when the output is a terminal. */
  style(mark: string): string;
  /** Checks a --format value against the formats a command offers; returns the chosen one. */
  format<F extends string>(value: string | undefined, allowed: readonly F[]): F;
  /** The current time (`CDK8S_GITOPS_NOW` overrides it, for reproducible runs). */
  now(): Date;
  /** The system clock, which `CDK8S_GITOPS_NOW` does not change: gates compare `now` with it. */
  clock(): Date;
  /**
   * Who runs the command: CI user variables, else git's user.name in `dir` (the checkout a
   * command writes: its repository's config is the one its commits use), else the OS user.
   */
  actor(dir?: string): string;
  /** The commit of the platform program, if it is in a Git repository or CI names it. */
  programCommit(): string | undefined;
  /** A progress line on stderr for long runs; silent unless stderr is a terminal, CI is unset and there is no `--quiet`. */
  readonly progress: Progress;
}

/** One `cdk8s-gitops` command. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly help: string;
  run(argv: string[], ctx: CommandContext): number | Promise<number>;
}

/** Shared check of `--format`. */
export function checkFormat<F extends string>(command: string, value: string | undefined, allowed: readonly F[]): F {
  if (value === undefined) return allowed[0];
  if ((allowed as readonly string[]).includes(value)) return value as F;
  // The closest format, when one is close (jsn: json); else the default.
  const closest = closeMatches(value, allowed)[0] ?? allowed[0];
  throw GitOpsError.of('CG301', {
    message: `${command}: --format "${value}" is not one of ${allowed.join(', ')}.`,
    fix: `Use --format ${closest}.`,
  });
}

/** A mistake in a command's flags or arguments. */
export function usageError(command: string, message: string, fix: string): GitOpsError {
  return GitOpsError.of('CG301', { message: `${command} ${message}`, fix });
}

/**
 * A person's name as a command records it (`--by`, `--approved-by`, or who runs the command):
 * in a ledger and as a commit trailer, so one line of visible text. Fails with `CG301` for an
 * empty name, one on several lines, with control or format characters (zero-width, direction
 * overrides), or without a letter or digit.
 */
export function personName(command: string, flag: '--by' | '--approved-by', value: string): string {
  const name = value.trim();
  // Control and format characters (zero-width, direction overrides) would hide or disguise who it was.
  if (
    name === '' ||
    name.length > 200 ||
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u.test(name) ||
    !/[\p{L}\p{N}]/u.test(name)
  ) {
    throw usageError(
      command,
      `${flag} ${JSON.stringify(value.slice(0, 80))} is not a name a ledger and a commit can record: it is empty, longer than 200 characters, on several lines, has control or invisible format characters, or has no letter or digit.`,
      `Pass ${flag} with a one-line name, such as ${flag} alice${flag === '--by' ? ' (without --by, the CI user or git config user.name is taken)' : ''}.`,
    );
  }
  return name;
}
