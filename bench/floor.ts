/**
 * The floor: the least any synthesizer must do to produce the fleet's values files, i.e.
 * serialize each file's data with `yaml`'s `stringify` and write it with `fs.writeFileSync`.
 *
 *   node floor.js prepare <input.json>   synthesizes the fleet in memory and saves, for every
 *                                        values file, its path, header comment and data
 *   node floor.js write <input.json> <dir>
 *                                        reads that (untimed), then writes every file into <dir>
 *                                        (timed) and prints { seconds, cpu_seconds, files_written, bytes }
 *   node floor.js prepare-ring <input.json> <service> <ring>
 *                                        the same, for the values files of one service's targets in one ring
 *   node floor.js promote <input.json> <checkout> <service>
 *                                        the floor of a promotion: reads the service's ledger
 *                                        (releases/<service>.yaml, parsed with yaml) and writes its
 *                                        ring's values files into the checkout (timed); prints the same
 *   node floor.js raw <raw.json> <dir>   the raw floor: reads (untimed) every file of a tree as
 *                                        synth wrote it, already serialized ({ path, text } each),
 *                                        then writes each one into <dir> with fs.mkdirSync and
 *                                        fs.writeFileSync (timed); prints the same
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { FileKind } from '../src/synth/file-tree';
import { synthesize } from '../src/synth/synthesize';
import { fleet } from './fleet-program';

interface FloorFile {
  readonly path: string;
  readonly header: string;
  readonly data: unknown;
}

function prepare(input: string, only?: { service: string; ring: string }): void {
  const model = fleet().snapshot();
  const tree = synthesize(model);
  const files: FloorFile[] = [];
  const inRing =
    only === undefined
      ? undefined
      : new Set(
          model.targets
            .filter((t) => t.service === only.service && t.ring === only.ring)
            .map((t) => `${model.layout.environments}/${t.id}/`),
        );
  for (const p of tree.paths()) {
    if (tree.get(p)!.kind !== FileKind.VALUES) continue;
    if (inRing !== undefined && !inRing.has(p.slice(0, p.lastIndexOf('/') + 1))) continue;
    const text = tree.content(p);
    const newline = text.indexOf('\n');
    const header = text.startsWith('#') ? text.slice(0, newline + 1) : '';
    files.push({ path: p, header, data: parse(text.slice(header.length)) });
  }
  fs.writeFileSync(input, JSON.stringify(files));
  process.stdout.write(`${JSON.stringify({ files: files.length })}\n`);
}

function write(input: string, dir: string, ledgerOf?: string): void {
  const files = JSON.parse(fs.readFileSync(input, 'utf8')) as FloorFile[];
  timedWrite(
    dir,
    files,
    (f) => f.header + stringify(f.data),
    () => {
      // A promotion's floor reads the service's ledger first.
      if (ledgerOf !== undefined) parse(fs.readFileSync(path.join(dir, 'releases', `${ledgerOf}.yaml`), 'utf8'));
    },
  );
}

/** A file of a synthesized tree as synth wrote it. */
interface RawFile {
  readonly path: string;
  readonly text: string;
}

function writeRaw(input: string, dir: string): void {
  timedWrite(dir, JSON.parse(fs.readFileSync(input, 'utf8')) as RawFile[], (f) => f.text);
}

/**
 * Writes each of `files` (its text made by `textOf`, inside the timing) into `dir` with mkdir
 * and writeFileSync, after `first`, and prints { seconds, cpu_seconds, files_written, bytes }.
 */
function timedWrite<F extends { readonly path: string }>(
  dir: string,
  files: readonly F[],
  textOf: (f: F) => string,
  first?: () => void,
): void {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  first?.();
  const made = new Set<string>();
  let bytes = 0;
  for (const f of files) {
    const file = path.join(dir, f.path);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    const text = textOf(f);
    fs.writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(`${JSON.stringify({ seconds, cpu_seconds: cpuSeconds, files_written: files.length, bytes })}\n`);
}

const [mode, input, dir, arg] = process.argv.slice(2);
if (mode === 'prepare' && input) prepare(input);
else if (mode === 'prepare-ring' && input && dir && arg) prepare(input, { service: dir, ring: arg });
else if (mode === 'write' && input && dir) write(input, dir);
else if (mode === 'promote' && input && dir && arg) write(input, dir, arg);
else if (mode === 'raw' && input && dir) writeRaw(input, dir);
else {
  process.stderr.write(
    'Usage: floor.js prepare <input.json> | floor.js write <input.json> <dir> | floor.js prepare-ring <input.json> <service> <ring> | floor.js promote <input.json> <checkout> <service> | floor.js raw <raw.json> <dir>\n',
  );
  process.exitCode = 1;
}
