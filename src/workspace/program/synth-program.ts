import * as fs from 'fs';
import { GitOpsError } from '../../core/errors';
import type { Platform } from '../../constructs/platform';
import { snapshotPlatform } from '../../constructs/snapshot';
import { MODEL_OUT_ENV, ProgramOutput } from './protocol';

/**
 * @internal The body of `Platform.synth()` when the CLI runs the program: hands the model (or
 * the problems that keep it from being made) over to the CLI. Undefined when the program runs
 * on its own; then {@link writeProgramTree} writes the tree.
 */
export function handOverModel(platform: Platform): { readonly handedOver: true } | undefined {
  const modelOut = process.env[MODEL_OUT_ENV];
  if (!modelOut) return undefined;
  let output: ProgramOutput;
  let failure: unknown;
  try {
    output = { model: snapshotPlatform(platform) };
  } catch (e) {
    if (!(e instanceof GitOpsError)) throw e;
    failure = e;
    output = { error: { message: e.message, problems: e.problems } };
  }
  writeProgramOutput(modelOut, output);
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
        writeProgramOutput(modelOut, { error: { message: e.message, problems } });
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

/** Targets written at a time: a slice's JSON is a few hundred kilobytes. */
const TARGETS_PER_SLICE = 300;

/**
 * Writes what the program hands the CLI: exactly `JSON.stringify(output)`, with the model's
 * targets stringified and written a slice at a time. A fleet's model is megabytes of JSON;
 * made as one string (and one UTF-8 copy of it), it costs more in garbage collection than in
 * writing.
 */
function writeProgramOutput(file: string, output: ProgramOutput): void {
  if (!('model' in output)) {
    fs.writeFileSync(file, JSON.stringify(output));
    return;
  }
  const fd = fs.openSync(file, 'w');
  try {
    let separator = '';
    writeAll(fd, '{"model":{');
    for (const [key, value] of Object.entries(output.model)) {
      if (value === undefined) continue; // as JSON.stringify leaves it out
      writeAll(fd, `${separator}${JSON.stringify(key)}:`);
      separator = ',';
      if (key === 'targets') writeArrayInSlices(fd, output.model.targets, TARGETS_PER_SLICE);
      else writeAll(fd, JSON.stringify(value));
    }
    writeAll(fd, '}}');
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `JSON.stringify(items)`, stringifying `size` items at a time. */
function writeArrayInSlices(fd: number, items: readonly unknown[], size: number): void {
  writeAll(fd, '[');
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) writeAll(fd, ',');
    const slice = Buffer.from(JSON.stringify(items.slice(i, i + size)), 'utf8');
    writeAll(fd, slice.subarray(1, slice.length - 1)); // the elements, without the slice's brackets
  }
  writeAll(fd, ']');
}

/** Writes all of `data` (text as UTF-8) at the file's position. */
function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let written = 0; written < bytes.length;) written += fs.writeSync(fd, bytes, written);
}
