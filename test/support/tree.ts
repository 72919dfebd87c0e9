/** Whole-directory snapshots, for tests that check a tree is exactly as it was (or as expected). */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Every file below `dir` (relative path → content), `.git` left out. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (p !== '.git') walk(p);
      } else out.set(p, fs.readFileSync(path.join(dir, p), 'latin1'));
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}

/** Paths that differ between two snapshots (added, removed or changed), sorted. */
export function treeDiff(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
}

/** The built CLI. `npm test` builds it first. */
export const CLI = path.resolve(__dirname, '../../bin/cdk8s-gitops.js');
/** The project root: its cdk8s.yaml runs the example program. */
export const ROOT = path.resolve(__dirname, '../..');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in the project root. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<CliResult> {
  if (!fs.existsSync(path.resolve(ROOT, 'lib/cli/main.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...process.env, CDK8S_GITOPS_NOW: '2026-11-22T10:00:00Z', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Runs `jobs` with at most `limit` at a time; results in order. */
export async function inBatches<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
