import { parseArgs, ParseArgsConfig } from 'util';
import { GitOpsError } from '../errors';

/** Options every command that runs the program takes. */
export const PROGRAM_OPTIONS = {
  app: { type: 'string' },
  out: { type: 'string' },
  timeout: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Parses a command's arguments; unknown or malformed flags end in a clear error. */
export function parseCommandArgs(
  command: string, argv: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false,
): { values: Record<string, any>; positionals: string[] } {
  // `--branch` may stand without a value (a default name is used): give it an empty one.
  const args = argv.flatMap((a, i) => (a === '--branch' && (i === argv.length - 1 || argv[i + 1].startsWith('--')) ? ['--branch='] : [a]));
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new GitOpsError({
      code: 'CG301',
      message: `${command}: ${(e as Error).message}`,
      fix: `Run \`cdk8s-gitops ${command} --help\` to see its options.`,
    });
  }
}
