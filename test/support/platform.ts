/** Small builders shared by the construct and synthesis tests. */
import { GitOpsError, Platform, PlatformProps, Problem } from '../../src';

/** The GitOps repository of the test platforms. */
export const GITOPS_REPO = 'https://git.example.com/platform/platform-gitops.git';

/** A digest every ring may run. */
export const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A platform with the GitOps repository and an application repository pattern. */
export function newPlatform(props: Partial<PlatformProps> = {}): Platform {
  return new Platform({
    repoURL: GITOPS_REPO,
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    ...props,
  });
}

/** The problems `f` fails with; fails the test when `f` does not throw a GitOpsError. */
export function problemsOf(f: () => unknown): readonly Problem[] {
  try {
    f();
  } catch (e) {
    if (e instanceof GitOpsError) return e.problems;
    throw e;
  }
  throw new Error('Expected a GitOpsError, but nothing was thrown.');
}

/** Every problem as `[path] CODE message`, without the fix, for compact assertions. */
export function linesOf(f: () => unknown): string[] {
  return problemsOf(f).map((p) => `[${p.constructPath ?? p.file ?? ''}] ${p.code} ${p.message}`);
}
