import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseYaml } from '../synth/parse-yaml';
import { GitOpsError } from '../errors';
import { fingerprint } from '../synth/file-tree';
import { PlatformModel, MODEL_VERSION } from '../synth/model';
import { MODEL_OUT_ENV, ProgramOutput } from '../synth/program-protocol';

/** Settings read from the project's `cdk8s.yaml`. */
export interface ProjectConfig {
  /** The command that runs the platform program. */
  readonly app?: string;
  /** Where the tree goes by default. */
  readonly output?: string;
}

/** Reads `cdk8s.yaml` in `cwd`, if there is one. */
export function readProjectConfig(cwd: string): ProjectConfig {
  const file = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(file)) return {};
  let data: any;
  try {
    data = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GitOpsError({ code: 'CG303', file: 'cdk8s.yaml', message: `cdk8s.yaml is not valid YAML: ${(e as Error).message.split('\n')[0]}`, fix: 'Fix the file; it needs at least `app: <command that runs the program>`.' });
  }
  return {
    ...(typeof data?.app === 'string' ? { app: data.app } : {}),
    ...(typeof data?.output === 'string' ? { output: data.output } : {}),
  };
}

/** A program's model snapshot, and a fingerprint of it. */
export interface ProgramRun {
  readonly model: PlatformModel;
  /** Fingerprint of the snapshot as the program handed it over. */
  readonly fingerprint: string;
}

/** Runs the platform program and returns its model snapshot; see {@link runProgram}. */
export function loadModel(app: string | undefined, cwd: string): PlatformModel {
  return runProgram(app, cwd).model;
}

/**
 * Runs the platform program and returns its model snapshot. The program runs in its own
 * process, as cdk8s runs apps; it learns where to put the model from {@link MODEL_OUT_ENV}.
 */
export function runProgram(app: string | undefined, cwd: string): ProgramRun {
  const command = app ?? readProjectConfig(cwd).app;
  if (!command) {
    throw new GitOpsError({
      code: 'CG302',
      message: `No program to run: no --app was given and there is no "app" in ${path.join(cwd, 'cdk8s.yaml')}.`,
      fix: 'Pass --app "npx tsx platform.ts", or add `app: npx tsx platform.ts` to cdk8s.yaml.',
    });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-'));
  const out = path.join(tmp, 'model.json');
  try {
    const result = spawnSync(command, {
      cwd, shell: true, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, [MODEL_OUT_ENV]: out },
      // The program's own output goes to stderr: stdout carries results (`--format json`, plan.md).
      stdio: ['ignore', 2, 'pipe'],
    });
    const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : undefined;
    if (text !== undefined) {
      const output = JSON.parse(text) as ProgramOutput;
      if ('error' in output) throw new GitOpsError(output.error.problems, output.error.message.split('\n')[0]);
      if (output.model.version !== MODEL_VERSION) {
        throw new GitOpsError({ code: 'CG305', message: `The program was built with another version of cdk8s-gitops (model version ${output.model.version}, this CLI reads ${MODEL_VERSION}).`, fix: 'Use the cdk8s-gitops CLI from the same installation as the program (npx cdk8s-gitops).' });
      }
      return { model: output.model, fingerprint: fingerprint(text) };
    }
    const stderr = (result.stderr ?? '').trim().split('\n').slice(-15).join('\n');
    throw new GitOpsError({
      code: 'CG304',
      message: result.error
        ? `The program "${command}" could not start: ${result.error.message}.`
        : `The program "${command}" exited with ${result.status ?? result.signal} without handing over a model.${stderr ? `\n${stderr}` : ''}`,
      fix: 'Make sure the command runs on its own and that the program ends with platform.synth().',
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
