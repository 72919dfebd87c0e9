/**
 * Whether a git command runs in a work tree now: told from the process table, where the system
 * has one to read (`/proc`).
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The ids of the git processes whose working directory is `root` or a directory in it (git
 * changes into the top of the work tree it works on, `git -C` included); `undefined` where the
 * process table cannot be read (no `/proc`), so that nobody can tell.
 */
export function gitProcessesIn(root: string, proc = '/proc'): number[] | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync(proc);
  } catch {
    return undefined;
  }
  const inside = (dir: string): boolean => dir === root || dir.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^[1-9][0-9]*$/.test(entry)) continue;
    try {
      // The name of the program the process runs (git, or git-<command> for some of its commands).
      const name = fs.readFileSync(path.join(proc, entry, 'comm'), 'utf8').trim();
      if (name !== 'git' && !name.startsWith('git-')) continue;
      if (inside(fs.readlinkSync(path.join(proc, entry, 'cwd')))) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or another user's, whose directory cannot be read.
    }
  }
  return found.sort((a, b) => a - b);
}
