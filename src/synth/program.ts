import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../errors';
import type { Platform } from '../constructs/platform';
import { snapshotPlatform } from '../constructs/snapshot';
import { buildTree } from './build';
import { MODEL_OUT_ENV, ProgramOutput } from './program-protocol';
import { recoverInterruptedWrite, writeTree, WriteReport } from './writer';


/** Options of {@link Platform.synth}. */
export interface PlatformSynthOptions {
  /**
   * Directory to write the tree into when the program runs on its own.
   * @default - `CDK8S_OUTDIR` when the cdk8s CLI runs the program, else 'dist'
   */
  readonly outdir?: string;
}

/** @internal The body of `Platform.synth()`. */
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
  recoverInterruptedWrite(outdir); // before the ledgers are read: an interrupted promotion may be in the journal
  return writeTree(buildTree(model, outdir), outdir);
}
