import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../errors';
import type { Platform } from '../constructs/platform';
import { snapshotPlatform } from '../constructs/snapshot';
import type { PlatformModel } from './model';
import type { WriteReport } from './writer';

/**
 * Environment variable through which the `cdk8s-gitops` CLI asks a program for its model
 * snapshot instead of a written tree (as the cdk8s CLI passes `CDK8S_OUTDIR`).
 */
export const MODEL_OUT_ENV = 'CDK8S_GITOPS_MODEL_OUT';

/** What a program hands the CLI: its model, or every problem found in it. */
export type ProgramOutput =
  | { readonly model: PlatformModel }
  | { readonly error: { readonly message: string; readonly problems: GitOpsError['problems'] } };

/** Options of {@link Platform.synth}. */
export interface PlatformSynthOptions {
  /**
   * Directory to write the tree into when the program runs on its own.
   * @default - `CDK8S_OUTDIR` when the cdk8s CLI runs the program, else 'dist'
   */
  readonly outdir?: string;
}

/**
 * @internal The body of `Platform.synth()`. The synthesizer and the writer are loaded only
 * when the program writes the tree itself: run by the CLI, it hands over its model only.
 */
export function synthProgram(platform: Platform, options: PlatformSynthOptions = {}): WriteReport | undefined {
  const modelOut = process.env[MODEL_OUT_ENV];
  if (modelOut) {
    let output: ProgramOutput;
    let failure: unknown;
    try {
      output = { model: snapshotPlatform(platform) };
    } catch (e) {
      if (!(e instanceof GitOpsError)) throw e;
      failure = e;
      output = { error: { message: e.message, problems: e.problems } };
    }
    fs.writeFileSync(modelOut, JSON.stringify(output));
    if (failure) throw failure;
    return undefined;
  }
  const outdir = path.resolve(options.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist');
  const model = snapshotPlatform(platform);
  const { buildTree } = require('./build') as typeof import('./build');
  const { recoverInterruptedWrite, writeTree } = require('./writer') as typeof import('./writer');
  recoverInterruptedWrite(outdir); // before the ledgers are read: an interrupted promotion may be in the journal
  return writeTree(buildTree(model, outdir), outdir);
}
