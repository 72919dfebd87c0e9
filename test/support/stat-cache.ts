import * as fs from 'fs';
import * as path from 'path';

/** Every entry of the stat cache kept in `dir` (a checkout's directory under `stat-cache/`), from all of its buckets. */
export function statCacheEntries(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).filter((n) => n !== 'index.json')) {
    // A line naming the format, then each path and its entry, every one ended by NUL.
    const [head, rest] = splitOnce(fs.readFileSync(path.join(dir, f), 'utf8'), '\n');
    if (head !== 'cdk8s-gitops stat cache 3') throw new Error(`${f} is not a bucket of the stat cache`);
    const fields = rest.split('\0');
    for (let i = 0; i + 1 < fields.length; i += 2) entries[fields[i]] = fields[i + 1];
  }
  return entries;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
