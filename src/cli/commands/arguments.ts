/**
 * What each command takes: its usage line, its options and whether it takes arguments besides
 * them. Here, apart from the commands' modules (as their summaries are), so that a mistake in
 * the arguments (an unknown option, a missing value, an unexpected argument) is answered from
 * these definitions alone, without loading the command and what it imports.
 *
 * @module
 */
import type { ParseArgsConfig } from 'util';
import type { CommandName } from './summaries';

/** Options every command that runs the program takes. */
export const PROGRAM_OPTIONS = {
  app: { type: 'string' },
  out: { type: 'string' },
  repository: { type: 'string' },
  timeout: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The option of the commands that may read the program's decisions from the checkout instead of running it. */
export const NO_PROGRAM_OPTION = {
  'no-program': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** The options that select part of a fleet: `--service`, `--env`, `--ring`, `--team`. */
export const FILTER_OPTIONS = {
  service: { type: 'string' },
  env: { type: 'string' },
  ring: { type: 'string' },
  team: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The options of the release commands (promote, rollback, unhold) besides their own. */
export const RELEASE_OPTIONS = {
  ...PROGRAM_OPTIONS,
  ...NO_PROGRAM_OPTION,
  by: { type: 'string' },
  format: { type: 'string' },
  publish: { type: 'boolean' },
  branch: { type: 'string' },
  remote: { type: 'string' },
  'allow-remove': { type: 'string', multiple: true },
  verbose: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** What one command takes. */
export interface CommandArguments {
  /** Its usage line, as help and an argument mistake show it. */
  readonly usage: string;
  /** Its options, as Node's `parseArgs` takes them (`--help` is added to each). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether it takes arguments besides its options (a service, a directory). */
  readonly positionals: boolean;
}

/** What each command takes, by name. */
export const ARGUMENTS = {
  init: {
    usage: 'cdk8s-gitops init [DIR] [--sdk SPEC] [--format text|json]',
    options: { sdk: { type: 'string' }, format: { type: 'string' } },
    positionals: true,
  },
  synth: {
    usage:
      'cdk8s-gitops synth [--app CMD] [--timeout T] [--out DIR] [--repository URL] [--verify] [--adopt] [--allow-remove APP]… [--verbose] [--format text|json]',
    options: {
      ...PROGRAM_OPTIONS,
      verify: { type: 'boolean' },
      adopt: { type: 'boolean' },
      'allow-remove': { type: 'string', multiple: true },
      verbose: { type: 'boolean' },
      format: { type: 'string' },
    },
    positionals: false,
  },
  plan: {
    usage:
      'cdk8s-gitops plan [--service S] [--env E] [--ring R] [--team T] [--app CMD] [--timeout T] [--out DIR] [--repository URL] [--format text|markdown|json] [--verbose]',
    options: { ...PROGRAM_OPTIONS, ...FILTER_OPTIONS, format: { type: 'string' }, verbose: { type: 'boolean' } },
    positionals: false,
  },
  preview: {
    usage: 'cdk8s-gitops preview [--service S] [--env E] [--ring R] [--team T] [--out DIR] [--repository URL] [--format table|yaml|json]',
    options: { out: { type: 'string' }, repository: { type: 'string' }, format: { type: 'string' }, ...FILTER_OPTIONS },
    positionals: false,
  },
  check: {
    usage: 'cdk8s-gitops check [--app CMD] [--timeout T] [--out DIR] [--repository URL] [--base REF] [--format text|json]',
    options: { ...PROGRAM_OPTIONS, format: { type: 'string' }, base: { type: 'string' } },
    positionals: false,
  },
  status: {
    usage:
      'cdk8s-gitops status [<service>] [--service S] [--env E] [--ring R] [--team T] [--app CMD | --no-program] [--timeout T] [--out DIR] [--repository URL] [--targets | --live] [--format text|json]',
    options: {
      ...PROGRAM_OPTIONS,
      ...NO_PROGRAM_OPTION,
      ...FILTER_OPTIONS,
      targets: { type: 'boolean' },
      live: { type: 'boolean' },
      format: { type: 'string' },
    },
    positionals: true,
  },
  explain: {
    usage:
      'cdk8s-gitops explain <application> | explain <service> [--env E] [--cloud C] [--cluster K] [--app CMD] [--timeout T] [--out DIR] [--repository URL] [--format text|json]',
    options: {
      ...PROGRAM_OPTIONS,
      env: { type: 'string' },
      cloud: { type: 'string' },
      cluster: { type: 'string' },
      format: { type: 'string' },
    },
    positionals: true,
  },
  promote: {
    usage:
      'cdk8s-gitops promote <service> --ring RING (--digest [IMAGE=]sha256:… [--chart-revision R | --chart-version V] | --from RING) [--approved-by NAME] [--by NAME] [--app CMD | --no-program] [--timeout T] [--out DIR] [--repository URL] [--publish [--branch [NAME]] [--remote NAME]] [--allow-remove APP]… [--verbose] [--format text|json]',
    options: {
      ...RELEASE_OPTIONS,
      ring: { type: 'string' },
      digest: { type: 'string', multiple: true },
      'chart-revision': { type: 'string' },
      'chart-version': { type: 'string' },
      from: { type: 'string' },
      'approved-by': { type: 'string' },
    },
    positionals: true,
  },
  rollback: {
    usage:
      'cdk8s-gitops rollback <service> --ring RING (--previous | --to sha256:…) [--keep-chart] --reason TEXT [--by NAME] [--app CMD | --no-program] [--timeout T] [--out DIR] [--repository URL] [--publish [--branch [NAME]] [--remote NAME]] [--allow-remove APP]… [--verbose] [--format text|json]',
    options: {
      ...RELEASE_OPTIONS,
      ring: { type: 'string' },
      to: { type: 'string' },
      previous: { type: 'boolean' },
      'keep-chart': { type: 'boolean' },
      reason: { type: 'string' },
    },
    positionals: true,
  },
  unhold: {
    usage:
      'cdk8s-gitops unhold <service> --ring RING [--by NAME] [--app CMD | --no-program] [--timeout T] [--out DIR] [--repository URL] [--publish [--branch [NAME]] [--remote NAME]] [--allow-remove APP]… [--verbose] [--format text|json]',
    options: { ...RELEASE_OPTIONS, ring: { type: 'string' } },
    positionals: true,
  },
  publish: {
    usage:
      'cdk8s-gitops publish [--app CMD | --no-program] [--timeout T] [--out DIR] [--repository URL] [--branch [NAME]] [--message TEXT] [--remote NAME] [--by NAME] [--allow-remove APP]… [--verbose] [--format text|json] | publish --drop-pending [--out DIR] [--repository URL]',
    options: {
      ...PROGRAM_OPTIONS,
      ...NO_PROGRAM_OPTION,
      branch: { type: 'string' },
      message: { type: 'string' },
      remote: { type: 'string' },
      by: { type: 'string' },
      format: { type: 'string' },
      'drop-pending': { type: 'boolean' },
      'allow-remove': { type: 'string', multiple: true },
      verbose: { type: 'boolean' },
    },
    positionals: false,
  },
  history: {
    usage:
      'cdk8s-gitops history [<service>] [--service S] [--env E] [--ring R] [--team T] [--app CMD | --no-program] [--timeout T] [--out DIR] [--repository URL] [--limit N] [--format text|json]',
    options: {
      ...PROGRAM_OPTIONS,
      ...FILTER_OPTIONS,
      'no-program': { type: 'boolean' },
      limit: { type: 'string' },
      format: { type: 'string' },
    },
    positionals: true,
  },
  wait: {
    usage:
      'cdk8s-gitops wait <service> --ring R [--timeout T] [--interval I] [--app CMD | --no-program] [--program-timeout T] [--out DIR] [--repository URL]',
    options: {
      app: { type: 'string' },
      'program-timeout': { type: 'string' },
      out: { type: 'string' },
      repository: { type: 'string' },
      ...NO_PROGRAM_OPTION,
      ring: { type: 'string' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
    },
    positionals: true,
  },
} as const satisfies Record<CommandName, CommandArguments>;
