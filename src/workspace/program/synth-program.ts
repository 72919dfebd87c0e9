import { GitOpsError, problem } from '../../core/errors';
import type { Platform } from '../../constructs/platform';
import { snapshotPlatform } from '../../constructs/snapshot';
import { MODEL_OUT_ENV, ProgramOutput } from './protocol';
import { writeModelFile } from './model-file';

/** The platform whose synth() handed its model over, kept on the process: once for every copy of the SDK a program loads. */
const HANDED_OVER = Symbol.for('cdk8s-gitops.model-handed-over');

/**
 * @internal The body of `Platform.synth()` when the CLI runs the program: hands the model (or
 * the problems that keep it from being made) over to the CLI. Undefined when the program runs
 * on its own; then {@link writeProgramTree} writes the tree.
 *
 * The CLI takes one model from a program: a second call of synth(), on the same platform or
 * another, fails the run with CG320 instead of replacing the first model.
 */
export function handOverModel(platform: Platform): { readonly handedOver: true } | undefined {
  const modelOut = process.env[MODEL_OUT_ENV];
  if (!modelOut) return undefined;
  const marks = process as unknown as Record<symbol, unknown>;
  const first = marks[HANDED_OVER];
  if (first !== undefined) {
    const e = new GitOpsError(
      problem('CG320', {
        constructPath: platform.node.path,
        message:
          first === platform
            ? 'platform.synth() was called a second time: the CLI takes the model of one synth() call, and a second would replace the first unseen.'
            : 'synth() was called on a second Platform: the CLI takes the model of one synth() call, of one Platform, and a second would replace the first unseen.',
      }),
    );
    writeModelFile(modelOut, { error: { message: e.message, problems: e.problems } });
    throw e;
  }
  marks[HANDED_OVER] = platform;
  let output: ProgramOutput;
  let failure: unknown;
  try {
    output = { model: snapshotPlatform(platform) };
  } catch (e) {
    if (!(e instanceof GitOpsError)) throw e;
    failure = e;
    output = { error: { message: e.message, problems: e.problems } };
  }
  writeModelFile(modelOut, output);
  if (failure) throw failure;
  return { handedOver: true };
}

/** Marks the process as watched, once for every copy of the SDK a program loads. */
const WATCHED = Symbol.for('cdk8s-gitops.thrown-problems');

/**
 * @internal When the CLI runs the program, makes a {@link GitOpsError} the program does not
 * catch (such as the problems `platform.synth()` finds, or a construct created outside a
 * Platform) reach the CLI as the program's problems, with their codes, paths and fixes, which
 * the CLI prints; the program then ends with 1 without printing them twice. Any other error
 * the program does not catch ends it as Node would: its stack on stderr, exit code 1.
 */
export function reportThrownProblems(): void {
  const modelOut = process.env[MODEL_OUT_ENV];
  const watched = process as unknown as Record<symbol, boolean>;
  if (!modelOut || watched[WATCHED]) return;
  watched[WATCHED] = true;
  const onUncaught = (e: unknown): void => {
    // Another copy of the SDK has its own GitOpsError class: recognised by its shape.
    const problems = (e as Partial<GitOpsError> | undefined)?.problems;
    let handedOver = false;
    if (e instanceof Error && e.name === 'GitOpsError' && Array.isArray(problems) && problems.length > 0) {
      try {
        writeModelFile(modelOut, { error: { message: e.message, problems } });
        handedOver = true;
      } catch {
        // reported below, as any other error
      }
    }
    // Other listeners (the program's own) decide what happens next, as they would without this one.
    if (process.listenerCount('uncaughtException') > 1) return;
    if (!handedOver) process.stderr.write(`${(e as Error | undefined)?.stack ?? String(e)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', onUncaught);
}
