import { GitOpsError } from '../../src/core/errors';

/** The GitOpsError `run` throws; fails the test when it throws nothing or something else. */
export function failure(run: () => unknown): GitOpsError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(GitOpsError);
    return e as GitOpsError;
  }
  throw new Error('expected a GitOpsError');
}
