/**
 * The floor of `check`: read every owned file of a checkout once, and nothing else.
 *
 *   node read-all.js <files.json> <checkout>
 *                    reads the list of owned paths (repository-relative, a JSON array), then
 *                    every one of them with fs.readFileSync; prints { seconds, files, bytes },
 *                    seconds being the read loop alone
 *
 * It imports nothing but `fs` and `path`, so that the process's own time is Node's start, the
 * list and the reads.
 */
import * as fs from 'fs';
import * as path from 'path';

function readAll(list: string, dir: string): void {
  const start = process.hrtime.bigint();
  const files = JSON.parse(fs.readFileSync(list, 'utf8')) as string[];
  let bytes = 0;
  for (const p of files) bytes += fs.readFileSync(path.join(dir, p)).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, files: files.length, bytes })}\n`);
}

const [list, dir] = process.argv.slice(2);
if (list && dir) readAll(list, dir);
else {
  process.stderr.write('Usage: read-all.js <files.json> <checkout>\n');
  process.exitCode = 1;
}
