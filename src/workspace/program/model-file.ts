/**
 * The file through which a program hands its output (`ProgramOutput`) to the CLI: exactly
 * `JSON.stringify(output)`, beside it a note of where the model's targets are in it, so that the
 * CLI parses them only when a command asks for them (a fleet's model is megabytes of targets, and
 * a `synth` with nothing to do never looks at them).
 *
 * @module
 */
import * as fs from 'fs';
import { GitOpsError } from '../../core/errors';
import { fingerprint } from '../../synth/file-tree';
import type { PlatformModel } from '../../model/platform-model';
import type { ProgramOutput } from './protocol';

/** Targets written at a time: a slice's JSON is a few hundred kilobytes. */
const TARGETS_PER_SLICE = 300;

/** The note beside the model file `file`: the byte range of the model's targets in it. */
function targetsNote(file: string): string {
  return `${file}.targets`;
}

/**
 * Writes what the program hands the CLI to `file`: exactly `JSON.stringify(output)`, with the
 * model's targets stringified and written a slice at a time (made as one string, and one UTF-8
 * copy of it, a fleet's model costs more in garbage collection than in writing); and beside it
 * the byte range of the targets' JSON (see {@link readModelFile}), or, for problems, no note. A
 * note that cannot be written only costs the CLI a whole parse.
 */
export function writeModelFile(file: string, output: ProgramOutput): void {
  // A note of an earlier hand-over does not describe this one: gone before the file changes.
  fs.rmSync(targetsNote(file), { force: true });
  if (!('model' in output)) {
    fs.writeFileSync(file, JSON.stringify(output));
    return;
  }
  const fd = fs.openSync(file, 'w');
  const out = { fd, at: 0 };
  let targets: readonly [number, number] | undefined;
  try {
    let separator = '';
    writeAll(out, '{"model":{');
    for (const [key, value] of Object.entries(output.model)) {
      if (value === undefined) continue; // as JSON.stringify leaves it out
      writeAll(out, `${separator}${JSON.stringify(key)}:`);
      separator = ',';
      if (key === 'targets') {
        const start = out.at;
        writeArrayInSlices(out, output.model.targets, TARGETS_PER_SLICE);
        targets = [start, out.at];
      } else writeAll(out, JSON.stringify(value));
    }
    writeAll(out, '}}');
  } finally {
    fs.closeSync(fd);
  }
  if (targets === undefined) return;
  try {
    fs.writeFileSync(targetsNote(file), JSON.stringify({ targets }));
  } catch {
    // The CLI parses the whole model.
  }
}

/** A file being written, and how many bytes were written to it. */
interface Output {
  readonly fd: number;
  at: number;
}

/** Writes `JSON.stringify(items)`, stringifying `size` items at a time. */
function writeArrayInSlices(out: Output, items: readonly unknown[], size: number): void {
  writeAll(out, '[');
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) writeAll(out, ',');
    const slice = Buffer.from(JSON.stringify(items.slice(i, i + size)), 'utf8');
    writeAll(out, slice.subarray(1, slice.length - 1)); // the elements, without the slice's brackets
  }
  writeAll(out, ']');
}

/** Writes all of `data` (text as UTF-8) at the file's position. */
function writeAll(out: Output, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let written = 0; written < bytes.length;) written += fs.writeSync(out.fd, bytes, written);
  out.at += bytes.length;
}

/** What the CLI read of a program's model file. */
export interface ModelFile {
  /** What the program handed over; undefined when the file does not read as JSON. */
  readonly output: ProgramOutput | undefined;
  /** The fingerprint of the file's bytes (see `fingerprint`). */
  readonly fingerprint: string;
}

/**
 * Reads the model file `file` a program wrote, or undefined when there is none. With the note of
 * {@link writeModelFile} beside it, all but the model's targets is parsed, and the targets when
 * first asked for (a `targets` that does not read then fails with `CG304`, as a model that does
 * not read fails here; the fingerprint covers every byte, so a model whose fingerprint a write
 * recorded is one whose targets read). Without the note (a model copied there by hand, a program
 * of another build), the whole file is parsed.
 */
export function readModelFile(file: string, command: string): ModelFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  const bytes = fs.readFileSync(file);
  return { output: lazyOutput(bytes, targetsRange(file, bytes), command) ?? parsed(bytes), fingerprint: fingerprint(bytes) };
}

function parsed(bytes: Buffer): ProgramOutput | undefined {
  try {
    return JSON.parse(bytes.toString('utf8')) as ProgramOutput;
  } catch {
    return undefined; // a model cut short by the program's own failure
  }
}

/** The byte range of the targets' JSON array the note beside `file` gives, when it is one in `bytes`. */
function targetsRange(file: string, bytes: Buffer): readonly [number, number] | undefined {
  let note: unknown;
  try {
    note = JSON.parse(fs.readFileSync(targetsNote(file), 'utf8'));
  } catch {
    return undefined;
  }
  const range = (note as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isSafeInteger)) return undefined;
  const [start, end] = range as [number, number];
  const inside = start > 0 && end > start + 1 && end <= bytes.length;
  return inside && bytes[start] === LEFT_BRACKET && bytes[end - 1] === RIGHT_BRACKET ? [start, end] : undefined;
}

const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;

/**
 * The output in `bytes` with its model's targets left out and read when first asked for, when
 * `range` (the targets' bytes) leaves a model that reads with `targets: null`; else undefined.
 */
function lazyOutput(bytes: Buffer, range: readonly [number, number] | undefined, command: string): ProgramOutput | undefined {
  if (range === undefined) return undefined;
  const [start, end] = range;
  let output: { model?: Record<string, unknown> } | null;
  try {
    output = JSON.parse(`${bytes.toString('utf8', 0, start)}null${bytes.toString('utf8', end)}`);
  } catch {
    return undefined;
  }
  const model = output?.model;
  if (model === undefined || model === null || typeof model !== 'object' || model.targets !== null) return undefined;
  let targets: PlatformModel['targets'] | undefined;
  Object.defineProperty(model, 'targets', {
    enumerable: true,
    configurable: true,
    get: () => (targets ??= parseTargets(bytes, start, end, command)),
  });
  return output as ProgramOutput;
}

function parseTargets(bytes: Buffer, start: number, end: number, command: string): PlatformModel['targets'] {
  let targets: unknown;
  try {
    targets = JSON.parse(bytes.toString('utf8', start, end));
  } catch {
    targets = undefined;
  }
  if (Array.isArray(targets)) return targets as PlatformModel['targets'];
  throw GitOpsError.of('CG304', {
    message: `The program "${command}" exited with 0 without handing over a readable model (its targets do not read as JSON).`,
    fix: 'End the program with platform.synth(), and let nothing else write to the file named by CDK8S_GITOPS_MODEL_OUT.',
  });
}
