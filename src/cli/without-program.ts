/**
 * Release commands without the platform program: they read the release model `synth` wrote
 * into the tree (`.cdk8s-gitops/model/`) instead of running the program.
 *
 * @module
 */
import { PlatformModel } from '../model/platform-model';
import { readRecordedModel } from '../workspace/recorded-model';
import { ProgramFlags, readProjectConfig } from '../workspace/program/run';
import { CommandContext, usageError } from './command';
import { GitOpsError } from '../core/errors';
import { redactUrl } from '../model/names';
import { sameRepository } from '../model/repositories';

/** The help lines of `--no-program` (`NO_PROGRAM_OPTION` in `commands/arguments.ts`). */
export const NO_PROGRAM_HELP = `  --no-program   do not run the program: read what it decides (rings, gates, targets,
                 values) from the release model synth wrote into the checkout
                 (.cdk8s-gitops/model/). The default when there is no --app and no
                 "app" in cdk8s.yaml`;

/** The model a release command works with, and where it comes from. */
export interface ReleaseModel {
  readonly model: PlatformModel;
  /** The fingerprint of the whole model (the program's, or the one the tree records). */
  readonly fingerprint: string;
  /**
   * Set when the model was read from the tree: the names of every service of the platform
   * (the model holds only those the command needs).
   * @default - the program's model, whole
   */
  readonly recordedServices?: readonly string[];
}

/**
 * Whether a command runs without the program: with `--no-program`, or when neither `--app`
 * nor `app` in cdk8s.yaml names one. `--no-program` with `--app` is a mistake.
 */
export function withoutProgram(command: string, values: ProgramFlags & { readonly 'no-program'?: boolean }, ctx: CommandContext): boolean {
  if (values['no-program'] === true) {
    if (values.app !== undefined) throw usageError(command, 'takes --app or --no-program, not both.', 'Drop one of them.');
    return true;
  }
  return values.app === undefined && readProjectConfig(ctx.cwd).app === undefined;
}

/** Models read from a checkout rather than given by the program (see {@link isFromCheckout}). */
const FROM_CHECKOUT = new WeakSet<PlatformModel>();

/**
 * The model of `services` (every service with `'all'`) read from the release model of the checkout `out`.
 *
 * @param repository `--repository`: the checkout's release model must be of that GitOps repository
 * @throws GitOpsError `CG319` when it is of another
 */
export function recordedModel(command: string, out: string, services: readonly string[] | 'all', repository?: string): ReleaseModel {
  const r = readRecordedModel(out, services, command);
  if (repository !== undefined && !sameRepository(r.model.repoURL, repository)) {
    throw GitOpsError.of('CG319', {
      message: `${command} --repository ${redactUrl(repository)}: the checkout ${out} holds the tree of the GitOps repository ${redactUrl(r.model.repoURL)} (its release model says so). Nothing was written.`,
      fix: `Pass --out with the checkout of ${redactUrl(repository)}, or --repository ${redactUrl(r.model.repoURL)} for this one.`,
    });
  }
  FROM_CHECKOUT.add(r.model);
  return { model: r.model, fingerprint: r.fingerprint, recordedServices: r.services };
}

/**
 * Whether `model` was read from the checkout (`--no-program`): whoever can commit to the GitOps
 * repository wrote it, so it does not say where a token goes (a control plane's Argo CD server).
 */
export function isFromCheckout(model: PlatformModel): boolean {
  return FROM_CHECKOUT.has(model);
}
