import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformModel } from '../../src/model/platform-model';

const ROOT = path.join(__dirname, '..', '..');

/** The built CLI (`npm test` builds it first). */
export const BIN = path.join(ROOT, 'bin', 'cdk8s-gitops.js');

/**
 * Makes `dir` a platform program that hands the CLI a fixed model (its `cdk8s.yaml` runs
 * `node program.js`), so commands run against a known model without starting TypeScript.
 */
export function writeFixedProgram(dir: string, model: PlatformModel): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ model }));
  fs.writeFileSync(
    path.join(dir, 'program.js'),
    "require('fs').copyFileSync(require('path').join(__dirname, 'model.json'), process.env.CDK8S_GITOPS_MODEL_OUT);\n",
  );
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: node program.js\n');
}

/** The environment of a test run: none of the CI or cdk8s-gitops variables of the outer run. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const clean = Object.fromEntries(
    Object.entries(process.env)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .filter(([k]) => !k.startsWith('CDK8S_GITOPS_') && !/^(CI|NO_COLOR|FORCE_COLOR|GITLAB_.*|GITHUB_.*|CI_.*)$/.test(k)),
  );
  return { ...clean, ...extra };
}

/** Runs the built CLI in `cwd`. */
export function runBin(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env), encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** What a run of the built CLI gave. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI on the checkout `out` at the time `now`, asynchronously (tests run several
 * at once), with the program `app` for every command but those that read only the checkout
 * (`preview`, `history`) and those given their own `--app`, in an environment clean of the outer run's CI, Git and cdk8s-gitops
 * variables, plus `env`.
 */
export function runCli(
  args: readonly string[],
  options: { out: string; now: string; app?: string; env?: Record<string, string> },
): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !k.startsWith('GIT_')));
  const env = { ...base, CDK8S_GITOPS_NOW: options.now, NO_COLOR: '1', ...options.env };
  const program =
    options.app === undefined || ['preview', 'history'].includes(args[0]!) || args.includes('--app') ? [] : ['--app', options.app];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args, '--out', options.out, ...program],
      { cwd: ROOT, env, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
