import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Every entry under `dir`, by relative path: a file as the sha256 of its bytes, a symbolic link
 * as its target (never followed), a directory as `dir`. Two snapshots are equal exactly when
 * nothing under `dir` was created, changed, moved or removed. `skip` leaves out entries by
 * relative path (and what is below them).
 */
export function hashTree(dir: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const d of fs.readdirSync(rel ? path.join(dir, rel) : dir, { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (skip.some((s) => p === s || p.startsWith(`${s}/`))) continue;
      const abs = path.join(dir, p);
      if (d.isSymbolicLink()) out[p] = `link:${fs.readlinkSync(abs)}`;
      else if (d.isDirectory()) {
        out[p] = 'dir';
        walk(p);
      } else out[p] = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}
