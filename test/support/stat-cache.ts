import * as fs from 'fs';
import * as path from 'path';

/** Every entry of the stat cache kept in `dir` (a checkout's directory under `stat-cache/`), from all of its buckets. */
export function statCacheEntries(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).filter((n) => n !== 'index.json')) {
    Object.assign(entries, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).files);
  }
  return entries;
}
