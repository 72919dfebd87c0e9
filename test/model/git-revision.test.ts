import { argoCdGitRevision } from '../../src/model/argo-object';

describe('argoCdGitRevision', () => {
  test.each([
    // a branch: fully qualified, so that Argo CD's repo server matches refs/heads/<branch> alone
    ['main', 'refs/heads/main'],
    ['release/2026-q1', 'refs/heads/release/2026-q1'],
    // already a ref name, HEAD, a full commit SHA and tags: as given
    ['refs/heads/main', 'refs/heads/main'],
    ['refs/tags/stable', 'refs/tags/stable'],
    ['HEAD', 'HEAD'],
    ['0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
    ['v1.2.3', 'v1.2.3'],
    ['1.2.3', '1.2.3'],
    // a truncated commit SHA, which Argo CD takes as one, and semver ranges no branch can be named
    ['abc1234', 'abc1234'],
    ['1.2.*', '1.2.*'],
    ['>=1.0.0 <2.0.0', '>=1.0.0 <2.0.0'],
  ])('writes %p as %p', (given, written) => {
    expect(argoCdGitRevision(given)).toBe(written);
  });
});
