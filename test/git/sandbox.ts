import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Throwaway git repositories for tests: a bare repository as the remote (default branch
 * `main`) and clones of it as CI workspaces, each with a fixed user.
 */
export class Sandbox {
  /** Creates a sandbox whose remote holds one commit with `files` on `main`. */
  public static create(files: Record<string, string> = { 'README.md': '# platform-gitops\n' }): Sandbox {
    const sandbox = new Sandbox(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-git-')));
    git(sandbox.root, 'init', '--quiet', '--bare', '-b', 'main', 'remote.git');
    const seed = sandbox.init('seed');
    for (const [file, content] of Object.entries(files)) {
      sandbox.write(seed, file, content);
    }
    git(seed, 'add', '--all');
    git(seed, 'commit', '--quiet', '-m', 'Initial commit');
    git(seed, 'remote', 'add', 'origin', sandbox.remote);
    git(seed, 'push', '--quiet', 'origin', 'main');
    return sandbox;
  }

  /** Creates a sandbox whose remote is a new, empty repository: no branch, no commit. */
  public static createEmpty(): Sandbox {
    const sandbox = new Sandbox(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-git-')));
    git(sandbox.root, 'init', '--quiet', '--bare', '-b', 'main', 'remote.git');
    return sandbox;
  }

  /**
   * A copy of this sandbox in a directory of its own: the remote and every repository next to it,
   * each repository's `origin` (where it has one) pointing at the copy's remote.
   */
  public copy(): Sandbox {
    const copy = new Sandbox(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-git-')));
    fs.cpSync(this.root, copy.root, { recursive: true });
    for (const entry of fs.readdirSync(copy.root, { withFileTypes: true })) {
      const dir = path.join(copy.root, entry.name);
      if (!entry.isDirectory() || !fs.existsSync(path.join(dir, '.git'))) continue;
      if (git(dir, 'remote') === 'origin') git(dir, 'remote', 'set-url', 'origin', copy.remote);
    }
    return copy;
  }

  /** The bare repository that plays the remote. */
  public readonly remote: string;

  private constructor(public readonly root: string) {
    this.remote = path.join(root, 'remote.git');
  }

  /** A new, empty repository on branch `main` with the fixed user. */
  public init(name: string): string {
    const dir = path.join(this.root, name);
    git(this.root, 'init', '--quiet', '-b', 'main', name);
    configure(dir);
    return dir;
  }

  /** A clone of the remote, as a CI workspace would have it. */
  public clone(name: string): string {
    execFileSync('git', ['clone', '--quiet', this.remote, name], { cwd: this.root, stdio: 'ignore' }); // an empty remote makes clone warn
    const dir = path.join(this.root, name);
    configure(dir);
    return dir;
  }

  /** Runs git in `dir` and returns its trimmed output. */
  public git(dir: string, ...args: string[]): string {
    return git(dir, ...args);
  }

  /** Writes a file, creating its directories. */
  public write(dir: string, file: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }

  /** Reads a file, or `undefined` when it does not exist. */
  public read(dir: string, file: string): string | undefined {
    const p = path.join(dir, file);
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf-8') : undefined;
  }

  /** Commits every change in `dir` and pushes it, as another writer would. */
  public pushChange(dir: string, file: string, content: string, message = `Change ${file}`): string {
    git(dir, 'pull', '--quiet', '--ff-only', 'origin', 'main');
    this.write(dir, file, content);
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', message);
    git(dir, 'push', '--quiet', 'origin', 'main');
    return git(dir, 'rev-parse', 'HEAD');
  }

  /** The subjects of the commits on the remote's `branch`, newest first. */
  public remoteLog(branch = 'main'): string[] {
    return git(this.remote, 'log', '--format=%s', branch).split('\n');
  }

  /** A file's content on the remote's `branch`. */
  public remoteFile(file: string, branch = 'main'): string {
    return git(this.remote, 'show', `${branch}:${file}`);
  }

  /** `git status --porcelain` of `dir`, one entry per line. */
  public status(dir: string): string[] {
    const out = git(dir, 'status', '--porcelain', '--untracked-files=all');
    return out === '' ? [] : out.split('\n');
  }

  public cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

function configure(dir: string): void {
  git(dir, 'config', 'user.name', 'CI Bot');
  git(dir, 'config', 'user.email', 'ci@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
}

/**
 * The date of every commit a sandbox makes, before the times the tests run the CLI at: a commit
 * cdk8s-gitops makes is never dated before its parent, and the tests' clocks are set back.
 */
export const SANDBOX_DATE = '2025-12-01T00:00:00Z';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_AUTHOR_DATE: SANDBOX_DATE, GIT_COMMITTER_DATE: SANDBOX_DATE },
  }).replace(/\n$/, '');
}
