import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitError, simpleGit, SimpleGit } from 'simple-git';
import { GitOpsError } from '../../core/errors';
import { GIT_OPTIONS, SAFE_CONFIG, SAFE_GIT_ARGS } from '../../core/git-sync';

export { SAFE_CONFIG } from '../../core/git-sync';

/**
 * A git command that exited with a non-zero code.
 *
 * Carries the exit code and what git printed, so callers can tell an expected
 * outcome (such as `merge-base --is-ancestor` answering "no") from a failure.
 */
export class GitCommandError extends GitError {
  /** The exit code of git. */
  public readonly exitCode: number;
  /** What git printed on standard error. */
  public readonly stderr: string;
  /** What git printed on standard output. */
  public readonly stdout: string;

  constructor(exitCode: number, stdout: string, stderr: string) {
    // A GitError, so simple-git passes it through instead of wrapping it.
    super(undefined, stderr.trim() || stdout.trim() || `git exited with code ${exitCode}`);
    this.name = 'GitCommandError';
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/**
 * The option that keeps git from running the program a remote's configuration names to serve a
 * fetch (`remote.<name>.uploadpack`; `ls-remote` and `fetch` take it) or a push
 * (`remote.<name>.receivepack`): git's own. A `-c` would not do: git takes the first value.
 */
export function remoteSafety(command: 'fetch' | 'push'): string[] {
  return command === 'push' ? ['--receive-pack=git-receive-pack'] : ['--upload-pack=git-upload-pack'];
}

/**
 * Runs git in one directory. Every non-zero exit is an error (simple-git alone only
 * treats a non-zero exit with output on standard error as one), and pathspecs are
 * always literal, so a path with `*` or `:` in its name means that path only.
 */
export class GitRunner {
  private readonly git: SimpleGit;

  constructor(public readonly dir: string) {
    this.git = simpleGit({
      baseDir: dir,
      maxConcurrentProcesses: 4,
      config: [...SAFE_CONFIG],
      // simple-git asks that setting these at all be allowed; they only turn programs off.
      unsafe: { allowUnsafeFsMonitor: true, allowUnsafeHooksPath: true, allowUnsafePack: true },
      errors: (error, result) => {
        if (result.exitCode === 0) {
          return error;
        }
        return new GitCommandError(
          result.exitCode,
          Buffer.concat(result.stdOut).toString('utf-8'),
          Buffer.concat(result.stdErr).toString('utf-8'),
        );
      },
    });
  }

  /** Runs `git <args>` (after `GIT_OPTIONS`) and returns standard output. */
  public async run(args: readonly string[]): Promise<string> {
    try {
      return await this.git.raw([...GIT_OPTIONS, ...args]);
    } catch (err) {
      if (err instanceof GitCommandError) {
        throw err;
      }
      // Failures to start git at all arrive here, not as a GitCommandError.
      throw new GitCommandError(-1, '', err instanceof Error ? err.message : String(err));
    }
  }

  /** Runs git and returns whether it exited with 0; any other exit code than 0 or 1 is an error. */
  public async test(args: readonly string[]): Promise<boolean> {
    try {
      await this.run(args);
      return true;
    } catch (err) {
      if (err instanceof GitCommandError && err.exitCode === 1) {
        return false;
      }
      throw err;
    }
  }

  /**
   * Runs a git command that takes `--pathspec-from-file`, with the paths written to a
   * temporary file, so thousands of paths never hit the command-line length limit; so is
   * `options.message`, given as `--file` (a commit's message of a fleet's change may be larger
   * than one argument may be: 128 KiB on Linux).
   *
   * @param options.env variables laid over this process's environment @default - none
   * @param options.message the message of a commit @default - none
   */
  public async runWithPaths(
    args: readonly string[],
    paths: readonly string[],
    options: { readonly env?: EnvironmentOverrides; readonly message?: string } = {},
  ): Promise<string> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-pathspec-'));
    try {
      const file = path.join(tmp, 'paths');
      fs.writeFileSync(file, paths.map((p) => `${p}\0`).join(''));
      const all = [...args, `--pathspec-from-file=${file}`, '--pathspec-file-nul'];
      if (options.message !== undefined) {
        const message = path.join(tmp, 'message');
        fs.writeFileSync(message, options.message);
        all.push(`--file=${message}`);
      }
      return await (options.env === undefined ? this.run(all) : this.runDirect(all, options.env).then(text));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /**
   * Runs `git <args>` with `env` laid over this process's environment (a variable set to
   * undefined is removed) and `input`, if any, on its standard input; returns standard output.
   */
  public runWith(args: readonly string[], env: EnvironmentOverrides, input?: string): Promise<string> {
    return this.runDirect(args, env, input).then(text);
  }

  /**
   * Runs `git <args>` with `input` on its standard input (`git update-index
   * --stdin`), and returns standard output.
   */
  public runWithInput(args: readonly string[], input: string): Promise<string> {
    return this.runWith(args, {}, input);
  }

  /**
   * As {@link runWithInput}, with standard output as the bytes git printed: for `git cat-file
   * --batch`, whose sizes count bytes.
   */
  public runWithInputBytes(args: readonly string[], input: string): Promise<Buffer> {
    return this.runDirect(args, {}, input);
  }

  /**
   * Runs `git <args>` (after `SAFE_GIT_ARGS`) with `env` laid over this process's environment and
   * `input`, if any, on its standard input. Started directly rather than through simple-git,
   * which refuses an environment that holds variables such as `EDITOR` or `GIT_SSH_COMMAND`, as a
   * CI runner's may.
   */
  private runDirect(args: readonly string[], overrides: EnvironmentOverrides, input?: string): Promise<Buffer> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        [...SAFE_GIT_ARGS, ...args],
        { cwd: this.dir, env, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' },
        (err, stdout, stderr) => {
          if (err === null) resolve(stdout);
          else reject(new GitCommandError(typeof err.code === 'number' ? err.code : -1, text(stdout), text(stderr) || err.message));
        },
      );
      // A command that reads no input may exit before it is written: its exit code tells what happened.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '');
    });
  }
}

/** What git printed, as text. */
function text(bytes: Buffer): string {
  return bytes.toString('utf8');
}

/** Environment variables to set for one git command; `undefined` removes a variable. */
export type EnvironmentOverrides = Readonly<Record<string, string | undefined>>;

/** Wraps an unexpected git failure in a {@link GitOpsError} (`CG599`) that names the command and directory. */
export function gitFailure(err: unknown, what: string, dir: string): GitOpsError {
  // Git's own message may end a sentence already.
  const detail = (err instanceof Error ? err.message : String(err)).trim().replace(/\.+$/, '');
  return GitOpsError.of('CG599', {
    message: `git failed to ${what} in "${dir}": ${detail}.`,
  });
}
