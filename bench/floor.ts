/**
 * The floor: the least any synthesizer must do to produce the fleet's values files, i.e.
 * serialize each file's data with `yaml`'s `stringify` and write it with `fs.writeFileSync`.
 *
 *   node floor.js prepare <input.json>   synthesizes the fleet in memory and saves, for every
 *                                        values file, its path, header comment and data
 *   node floor.js write <input.json> <dir>
 *                                        reads that (untimed), then writes every file into <dir>
 *                                        (timed) and prints { seconds, cpu_seconds, files_written, bytes }
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

function prepare(input: string): void {
  const model = fleet().snapshot();
  const tree = synthesize(model);
  const files: FloorFile[] = [];
  for (const p of tree.paths()) {
    if (tree.get(p)!.kind !== FileKind.VALUES) continue;
    const text = tree.content(p);
    const newline = text.indexOf('\n');
    const header = text.startsWith('#') ? text.slice(0, newline + 1) : '';
    files.push({ path: p, header, data: parse(text.slice(header.length)) });
  }
  fs.writeFileSync(input, JSON.stringify(files));
  process.stdout.write(`${JSON.stringify({ files: files.length })}\n`);
}

function write(input: string, dir: string): void {
  const files = JSON.parse(fs.readFileSync(input, 'utf8')) as FloorFile[];
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const made = new Set<string>();
  let bytes = 0;
  for (const f of files) {
    const file = path.join(dir, f.path);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    const text = f.header + stringify(f.data);
    fs.writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(`${JSON.stringify({ seconds, cpu_seconds: cpuSeconds, files_written: files.length, bytes })}\n`);
}

const [mode, input, dir] = process.argv.slice(2);
if (mode === 'prepare' && input) prepare(input);
else if (mode === 'write' && input && dir) write(input, dir);
else {
  process.stderr.write('Usage: floor.js prepare <input.json> | floor.js write <input.json> <dir>\n');
  process.exitCode = 1;
}
