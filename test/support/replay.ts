/**
 * The built CLI run against real checkouts with models made in the test: each model is handed
 * over as a program would (`--app` copies its JSON to `$CDK8S_GITOPS_MODEL_OUT`), so a test
 * makes many programs without starting TypeScript.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformModel } from '../../src/model/platform-model';
import { Sandbox } from '../git/sandbox';
import { hashTree } from './hash-tree';
import { CliResult, runCli } from './tree';

/** Models replayed through `--app`, written into a directory of their own. */
export class ModelReplay {
  /**
   * A replay whose files go into a new temporary directory, running the CLI at `now` unless a
   * run names another time (without `now`, every run must name one); call
   * {@link ModelReplay.cleanup} after.
   */
  public static create(prefix: string, now?: string): ModelReplay {
    return new ModelReplay(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), now);
  }

  private n = 0;

  private constructor(
    public readonly root: string,
    /** The time a run is made at when it names none. */
    public readonly now?: string,
  ) {}

  /** A command for `--app` that hands the CLI `model`, as a program would. */
  public app(model: PlatformModel): string {
    const file = path.join(this.root, `model-${++this.n}.json`);
    fs.writeFileSync(file, JSON.stringify({ model }));
    return `cp ${JSON.stringify(file)} "$CDK8S_GITOPS_MODEL_OUT"`;
  }

  /**
   * Runs the CLI on the checkout `dir` with `model`, at `now` (`CDK8S_GITOPS_NOW`, and the
   * committer date of any commit; {@link ModelReplay.now} if not given), with `env` added; the
   * outer run's `GIT_*` variables are left out.
   */
  public run(
    dir: string,
    model: PlatformModel,
    args: readonly string[],
    now: string = this.defaultNow(),
    env: NodeJS.ProcessEnv = {},
  ): Promise<CliResult> {
    const clean: NodeJS.ProcessEnv = {};
    for (const key of Object.keys(process.env)) if (key.startsWith('GIT_')) clean[key] = '';
    return runCli([...args, '--out', dir, '--app', this.app(model)], { ...clean, CDK8S_GITOPS_NOW: now, GIT_COMMITTER_DATE: now, ...env });
  }

  /** {@link ModelReplay.run}, expecting exit code 0 (the failure names the command and its stderr). */
  public async ok(
    dir: string,
    model: PlatformModel,
    args: readonly string[],
    now: string = this.defaultNow(),
    env: NodeJS.ProcessEnv = {},
  ): Promise<void> {
    const r = await this.run(dir, model, args, now, env);
    // A failure shows what the command said: its stderr is in the diff only when the code differs.
    expect([args.join(' '), r.code, r.stderr]).toEqual([args.join(' '), 0, r.code === 0 ? expect.any(String) : '']);
  }

  /** {@link ModelReplay.now}; an error if the replay was made without one. */
  private defaultNow(): string {
    if (this.now === undefined) throw new Error('ModelReplay: the run names no time, and the replay was created without one');
    return this.now;
  }

  /** Removes the replay's directory: the models, and whatever else was put into {@link ModelReplay.root}. */
  public cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** A file of a checkout, as text. */
export function readFile(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

/** The clone's files (without .git), its HEAD and the remote's tip: what "nothing written" compares. */
export function cloneSnapshot(sandbox: Sandbox, clone: string): unknown {
  return {
    files: hashTree(clone, ['.git']),
    head: sandbox.git(clone, 'rev-parse', 'HEAD'),
    remote: sandbox.git(sandbox.remote, 'rev-parse', 'main'),
  };
}
