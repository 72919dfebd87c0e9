import { spawnSync } from 'child_process';
import * as os from 'os';
import { GitOpsError } from '../core/errors';

/** The one place the CLI reads the time: `CDK8S_GITOPS_NOW` (ISO 8601) or the clock. */
export function resolveNow(env: NodeJS.ProcessEnv): Date {
  const fixed = env.CDK8S_GITOPS_NOW;
  if (fixed === undefined || fixed === '') return new Date();
  const d = new Date(fixed);
  if (Number.isNaN(d.getTime())) {
    throw GitOpsError.of('CG307', {
      message: `CDK8S_GITOPS_NOW "${fixed}" is not a time.`,
    });
  }
  return d;
}

/** Who runs a command, as CI systems and git name them. */
export function resolveActor(env: NodeJS.ProcessEnv, cwd: string): string {
  const fromCi = env.GITLAB_USER_LOGIN || env.GITHUB_ACTOR || env.BUILD_REQUESTEDFOR;
  if (fromCi) return fromCi;
  const git = spawnSync('git', ['config', 'user.name'], { cwd, encoding: 'utf8' });
  const name = git.status === 0 ? git.stdout.trim() : '';
  if (name) return name;
  return env.USER || os.userInfo().username || 'unknown';
}

/** The commit of the platform program: CI variables, else `git rev-parse HEAD` in `cwd`. */
export function resolveProgramCommit(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const fromCi = env.CI_COMMIT_SHA || env.GITHUB_SHA;
  if (fromCi) return fromCi;
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() || undefined : undefined;
}
