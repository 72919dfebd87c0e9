import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
import { parseYaml } from '../../core/yaml/parse';
import { formatProblem, GitOpsError, problem } from '../../core/errors';
import { PlatformModel, MODEL_VERSION } from '../../model/platform-model';
import { MODEL_OUT_ENV } from './protocol';
import type { ModelFile } from './model-file';
import type { EnvironmentVariables, OutputStream } from '../../core/streams';
import { isMap } from '../../core/plain';
import { directCommand, projectPath } from './tsx-command';
import { modelForRepository, repositoriesOf, sameRepository } from '../../model/repositories';

/** Where a program runs and where its diagnostics go (a command's context has these). */
export interface ProgramContext {
  /** Directory the program runs in, and where `cdk8s.yaml` is read. */
  readonly cwd: string;
  /** The environment the program gets, with the model hand-over variable added. */
  readonly env: EnvironmentVariables;
  /** Where the program's standard error is passed on. */
  readonly stderr: OutputStream;
}

/** Settings read from the project's `cdk8s.yaml`. */
export interface ProjectConfig {
  /** The command that runs the platform program. */
  readonly app?: string;
  /**
   * `gitops.checkout`: the checkout of the GitOps repository the commands work on by default.
   * A key of cdk8s-gitops's own, which the cdk8s CLI does not read.
   */
  readonly checkout?: string;
  /**
   * `output`: the cdk8s CLI's output directory, which `npx cdk8s synth` deletes before it runs
   * the program. Read as the checkout only when `gitops.checkout` is not set (projects made
   * before it existed), with a warning.
   */
  readonly output?: string;
  /**
   * `gitops.repositories`: the checkout of each GitOps repository of a platform that writes
   * several (`ControlPlaneProps.repository`), by repository URL; `--repository <repoURL>` without
   * `--out` works on the one mapped here.
   * @default - none
   */
  readonly repositories?: Readonly<Record<string, string>>;
}

/** The key of cdk8s.yaml that names the GitOps checkout (under `gitops:`). */
export const CHECKOUT_KEY = 'gitops.checkout';

/** The key of cdk8s.yaml that maps GitOps repositories to their checkouts (under `gitops:`). */
export const REPOSITORIES_KEY = 'gitops.repositories';

/** Reads `cdk8s.yaml` in `cwd`, if there is one. */
export function readProjectConfig(cwd: string): ProjectConfig {
  const file = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(file)) return {};
  let data: unknown;
  try {
    data = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw GitOpsError.of('CG303', {
      file: 'cdk8s.yaml',
      message: `cdk8s.yaml is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
    });
  }
  const config = isMap(data) ? data : {};
  const gitops = config.gitops;
  const checkout = isMap(gitops) ? gitops.checkout : undefined;
  if (
    (gitops !== undefined && gitops !== null && !isMap(gitops)) ||
    (checkout !== undefined && (typeof checkout !== 'string' || checkout.trim() === ''))
  ) {
    throw GitOpsError.of('CG303', {
      file: 'cdk8s.yaml',
      message: `${CHECKOUT_KEY} in cdk8s.yaml must name a directory; received ${JSON.stringify(isMap(gitops) ? checkout : gitops)}.`,
      fix: 'Write it as a map with the path of the GitOps checkout, e.g. `gitops: { checkout: ../platform-gitops }`.',
    });
  }
  const repositories = isMap(gitops) ? gitops.repositories : undefined;
  if (
    repositories !== undefined &&
    (!isMap(repositories) || Object.values(repositories).some((dir) => typeof dir !== 'string' || dir.trim() === ''))
  ) {
    throw GitOpsError.of('CG319', {
      file: 'cdk8s.yaml',
      message: `${REPOSITORIES_KEY} in cdk8s.yaml must map each GitOps repository URL to the directory of its checkout; received ${JSON.stringify(repositories).slice(0, 200)}.`,
      fix: 'Write it as a map, e.g. `gitops: { repositories: { "https://git.example.com/platform/prod-gitops.git": ../prod-gitops } }`.',
    });
  }
  return {
    ...(typeof config.app === 'string' ? { app: config.app } : {}),
    ...(typeof checkout === 'string' ? { checkout } : {}),
    ...(repositories !== undefined ? { repositories: repositories as Record<string, string> } : {}),
    ...(typeof config.output === 'string' ? { output: config.output } : {}),
  };
}

/** A program's model snapshot, and a fingerprint of it. */
export interface ProgramRun {
  readonly model: PlatformModel;
  /** Fingerprint of the snapshot as the program handed it over (of its repository's part, see `modelForRepository`). */
  readonly fingerprint: string;
  /**
   * The URLs of the platform's other GitOps repositories, when it writes several: a checkout
   * whose tree is of one of them is not this repository's (see `assertCheckoutOfRepository`).
   * @default - none: the platform writes one repository
   */
  readonly otherRepositories?: readonly string[];
}

/** The flags of a command that runs the program (see `PROGRAM_OPTIONS`). */
export interface ProgramFlags {
  /** `--app`: the command that runs the program. @default - "app" in cdk8s.yaml */
  readonly app?: string;
  /** `--timeout`: how long the program may run. @default - `CDK8S_GITOPS_PROGRAM_TIMEOUT`, else {@link DEFAULT_PROGRAM_TIMEOUT} */
  readonly timeout?: string;
  /**
   * The option that gives `timeout`, as messages name it: `wait`'s own `--timeout` is how long
   * it waits, and its program's is `--program-timeout`. @default '--timeout'
   */
  readonly timeoutOption?: string;
  /**
   * `--repository`: the GitOps repository whose part of the model the command works on (see
   * `modelForRepository`). @default - the platform's repository
   */
  readonly repository?: string;
}

/** Environment variable with the time a program may run when a command has no `--timeout`. */
export const PROGRAM_TIMEOUT_ENV = 'CDK8S_GITOPS_PROGRAM_TIMEOUT';

/** How long a program may run when neither `--timeout` nor {@link PROGRAM_TIMEOUT_ENV} says. */
export const DEFAULT_PROGRAM_TIMEOUT = '10m';

/** The longest timeout taken: a day. */
const MAX_TIMEOUT_SECONDS = 24 * 3600;

/**
 * Reads a program timeout: whole seconds (`90`), or a duration in h, m and s (`90s`, `5m`,
 * `1h30m`). Returns seconds, or undefined when `text` is not such a time or not between one
 * second and a day.
 */
export function parseTimeout(text: string): number | undefined {
  const t = text.trim();
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(t);
  const seconds = /^\d+$/.test(t)
    ? Number(t)
    : m && t !== ''
      ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)
      : undefined;
  return seconds !== undefined && seconds >= 1 && seconds <= MAX_TIMEOUT_SECONDS ? seconds : undefined;
}

/** The time a program may run, in seconds: `--timeout`, else {@link PROGRAM_TIMEOUT_ENV}, else the default. */
export function programTimeout(command: string, flag: string | undefined, env: EnvironmentVariables, option = '--timeout'): number {
  const fromEnv = env[PROGRAM_TIMEOUT_ENV];
  const [source, text] =
    flag !== undefined ? [option, flag] : fromEnv ? [PROGRAM_TIMEOUT_ENV, fromEnv] : ['the default', DEFAULT_PROGRAM_TIMEOUT];
  const seconds = parseTimeout(text);
  if (seconds === undefined) {
    throw GitOpsError.of('CG301', {
      message: `${command}: ${source} "${text}" is not a time between 1 second and 24 hours.`,
      fix: `Give whole seconds or a duration in h, m and s, e.g. ${option} 90, ${option} 5m or ${option} 1h30m.`,
    });
  }
  return seconds;
}

/** Runs the platform program and returns its model snapshot; see {@link runProgram}. */
export async function loadModel(command: string, flags: ProgramFlags, ctx: ProgramContext): Promise<PlatformModel> {
  return (await runProgram(command, flags, ctx)).model;
}

/** How much of the program's output is kept for an error message (the rest is only streamed). */
const TAIL_BYTES = 64 * 1024;

/** How long to wait for the program's output to end once its process group is gone. */
const CLOSE_GRACE_MS = 2000;

/** How a program's process ended. */
interface ProgramExit {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it; null when it exited. */
  readonly signal: NodeJS.Signals | null;
  /** Whether the CLI stopped it because it ran past its timeout. */
  readonly timedOut: boolean;
  /** The last part of its output (stdout and stderr). */
  readonly tail: string;
  /** Set when the command could not be started. */
  readonly startError?: Error;
}

/**
 * Runs the platform program and returns its model snapshot. The program runs in its own
 * process, as cdk8s runs apps; it learns where to put the model from {@link MODEL_OUT_ENV}.
 *
 * A command `npx tsx PROGRAM …` runs as `node --import <tsx's loader> PROGRAM …` when the project
 * has tsx installed (see {@link directCommand}), without npx's start-up.
 *
 * Its output (stdout and stderr) is streamed to the CLI's stderr as it comes: stdout carries
 * the command's results. It runs in a process group of its own, which is stopped (SIGKILL)
 * when it runs past its timeout, when the CLI is interrupted, and once the program has exited
 * (so nothing it started outlives the command). The command fails unless the program exits
 * with 0 after handing over its model.
 */
export async function runProgram(commandName: string, flags: ProgramFlags, ctx: ProgramContext): Promise<ProgramRun> {
  const command = flags.app ?? readProjectConfig(ctx.cwd).app;
  const timeout = programTimeout(commandName, flags.timeout, ctx.env, flags.timeoutOption);
  if (!command) {
    throw GitOpsError.of('CG302', {
      message: `No program to run: no --app was given and there is no "app" in ${path.join(ctx.cwd, 'cdk8s.yaml')}.`,
      fix: 'Pass --app "npx tsx platform.ts", or add `app: npx tsx platform.ts` to cdk8s.yaml.',
    });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-'));
  const out = path.join(tmp, 'model.json');
  try {
    // `npx tsx …` runs on the project's tsx without npx (with the PATH npx would give it);
    // messages name the command as written.
    const direct = directCommand(command, ctx.cwd);
    const env = { ...ctx.env, ...(direct === command ? {} : { PATH: projectPath(ctx.cwd, ctx.env.PATH) }), [MODEL_OUT_ENV]: out };
    const exit = await runCommand(direct, ctx, env, timeout);
    // What reads its model is loaded once the program has started, not before: it starts the sooner.
    const [{ readModelFile }, { fingerprint }] = await Promise.all([import('./model-file'), import('../../synth/file-tree')]);
    const whole = outcome(command, exit, { seconds: timeout, option: flags.timeoutOption ?? '--timeout' }, readModelFile(out, command));
    // One repository's checkout is written from its part of the model, and fingerprinted by it:
    // a change to another repository's control planes leaves this checkout as it is.
    const part = modelForRepository(whole.model, flags.repository);
    if (part === whole.model) return whole;
    const otherRepositories = repositoriesOf(whole.model)
      .map((r) => r.repoURL)
      .filter((url) => !sameRepository(url, part.repoURL));
    return { model: part, fingerprint: fingerprint(JSON.stringify(part)), otherRepositories };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** What a program's run comes to: its model, or the error that says why there is none. */
function outcome(
  command: string,
  exit: ProgramExit,
  timeout: { readonly seconds: number; readonly option: string },
  file: ModelFile | undefined,
): ProgramRun {
  if (exit.startError) {
    throw GitOpsError.of('CG304', {
      message: `The program "${command}" could not start: ${exit.startError.message}.`,
      fix: 'Make sure the command runs on its own (the shell runs it in the directory of cdk8s.yaml).',
    });
  }
  if (exit.timedOut) {
    throw GitOpsError.of('CG310', {
      message: `The program "${command}" ran longer than its timeout of ${formatSeconds(timeout.seconds)} and was stopped, with every process it started; nothing was written.`,
      fix: `Find what it waits for (a server, a timer, an open handle) with \`${command}\` on its own; or, if it needs longer, pass e.g. ${timeout.option} ${formatSeconds(timeout.seconds * 2)} or set ${PROGRAM_TIMEOUT_ENV}.`,
    });
  }
  const output = file?.output; // undefined when cut short by the program's own failure, reported below
  if (output && 'error' in output && Array.isArray(output.error?.problems) && output.error.problems.length > 0) {
    const head = String(output.error.message).split('\n')[0];
    // A single problem's message is the problem itself: printed once. Several are grouped by kind, root causes first.
    throw new GitOpsError(output.error.problems, head === formatProblem(output.error.problems[0]) ? undefined : head, { grouped: true });
  }
  const status = exit.signal ? `was killed by ${exit.signal}` : `exited with ${exit.code}${signalOfStatus(exit.code)}`;
  if (exit.code !== 0) {
    const shown = relevantLines(exit.tail);
    const summary = shown ? `The program "${command}" failed; the last lines of its output:\n${shown}` : undefined;
    const handedOver = output !== undefined && 'model' in output;
    throw new GitOpsError(
      handedOver
        ? problem('CG309', {
            message: `The program "${command}" ${status} after handing over its model; nothing was written.`,
          })
        : problem('CG304', {
            message: `The program "${command}" ${status} without handing over a model.`,
            fix: 'The program failed before platform.synth(): fix the error its output shows (run the command on its own to see all of it).',
          }),
      summary,
    );
  }
  if (output === undefined || !('model' in output)) {
    throw GitOpsError.of('CG304', {
      message: `The program "${command}" exited with 0 without handing over ${file === undefined ? 'a model' : 'a readable model'}.`,
      fix: 'End the program with platform.synth(), and let nothing else write to the file named by CDK8S_GITOPS_MODEL_OUT.',
    });
  }
  if (output.model.version !== MODEL_VERSION) {
    throw GitOpsError.of('CG305', {
      message: `The program was built with another version of cdk8s-gitops (model version ${output.model.version}, this CLI reads ${MODEL_VERSION}).`,
    });
  }
  return { model: output.model, fingerprint: file!.fingerprint };
}

/**
 * Runs `command` in a shell, in a process group of its own, streaming its output to the CLI's
 * stderr, and resolves when it has ended and its group is gone.
 */
function runCommand(command: string, ctx: ProgramContext, env: NodeJS.ProcessEnv, timeoutSeconds: number): Promise<ProgramExit> {
  return new Promise((resolve) => {
    let tail = Buffer.alloc(0);
    const keep = (chunk: Buffer): void => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
    };
    const child = spawn(command, {
      cwd: ctx.cwd,
      shell: true,
      env,
      detached: true,
      // The program's own output goes to stderr: stdout carries results (`--format json`, plan.md).
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let startError: Error | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let open = 2;
    let graceTimer: NodeJS.Timeout | undefined;
    const stopGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is gone already
      }
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      stopGroup();
      cleanUp();
      process.kill(process.pid, signal); // with our handlers gone, the CLI ends as it would have
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, onSignal);
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup();
    }, timeoutSeconds * 1000);
    const cleanUp = (): void => {
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      for (const s of signals) process.removeListener(s, onSignal);
    };
    const finish = (): void => {
      if (!exited && !startError) return;
      if (open > 0 && !startError) return;
      cleanUp();
      resolve({
        code: exited?.code ?? null,
        signal: exited?.signal ?? null,
        timedOut,
        tail: tail.toString('utf8'),
        ...(startError ? { startError } : {}),
      });
    };
    // The program's output is the user's own: passed on as it is, colours included.
    const passOn = ctx.stderr.unfiltered ?? ctx.stderr;
    for (const stream of [child.stdout!, child.stderr!]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => {
        keep(chunk);
        const text = decoder.write(chunk);
        if (text) passOn.write(text);
      });
      stream.on('close', () => {
        const rest = decoder.end();
        if (rest) passOn.write(rest);
        open--;
        finish();
      });
    }
    child.on('error', (e) => {
      startError = e;
      stopGroup();
      finish();
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      // What the program started and left running goes with it; its output then ends, unless
      // something left the group and holds it open: that is not waited for long.
      stopGroup();
      graceTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        open = 0;
        finish();
      }, CLOSE_GRACE_MS);
      finish();
    });
  });
}

/**
 * The lines of a program's output worth repeating in an error: from the last error line
 * (`TypeError: …`) on, a few frames of its stack; else the last lines.
 */
export function relevantLines(output: string): string {
  const lines = output
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !/^Node\.js v\d+/.test(l));
  let start = -1;
  for (let i = lines.length - 1; i >= 0 && start === -1; i--)
    if (/^\s*(Uncaught )?([A-Z]\w*)?(Error|Exception)\b.*?:/.test(lines[i])) start = i;
  const picked = start === -1 ? lines.slice(-15) : lines.slice(start, start + 8);
  return picked.map((l) => `  ${l.length > 400 ? `${l.slice(0, 400)}…` : l}`).join('\n');
}

/** A shell reports a command killed by signal n as exit status 128 + n: ` (as a process killed by SIGKILL)`, or ''. */
function signalOfStatus(code: number | null): string {
  if (code === null || code <= 128) return '';
  const name = Object.entries(os.constants.signals).find(([, n]) => n === code - 128)?.[0];
  return name ? ` (as a process killed by ${name})` : '';
}

/** `600` → `10m`, `90` → `90s`, `5400` → `1h30m`. */
function formatSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
