/**
 * `publish` moves the checkout's branch and commits on it: in a clone where someone is in the
 * middle of a merge, a cherry-pick, a rebase or a bisect, that would end their operation (a
 * branch moved with `git reset` forgets a cherry-pick in progress) or mix into it. It is
 * refused, and the clone is left exactly as it was.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { runCli } from '../support/cli';
import { ONE_SERVICE_PROGRAM, ONE_SERVICE_VALUES } from '../support/one-service-program';

describe('publish in a clone in the middle of a Git operation', () => {
  const checkout = useProgramCheckout(ONE_SERVICE_PROGRAM, 'publish-operation');
  const publish = (...args: string[]) =>
    runCli(['publish', '--by', 'ci', ...args], { out: checkout.out, now: '2026-12-01T10:00:00Z', app: checkout.app });

  /** What a refused publish must leave as it was: the refs, the index, every file of the work tree and the operation's own files. */
  function cloneState(): string {
    const { sandbox, out } = checkout;
    const gitDir = path.join(out, '.git');
    const files = (fs.readdirSync(out, { recursive: true }) as string[])
      .filter((f) => f !== '.git' && !f.startsWith(`.git${path.sep}`) && fs.lstatSync(path.join(out, f)).isFile())
      .sort()
      .map(
        (f) =>
          `${f} ${createHash('sha256')
            .update(fs.readFileSync(path.join(out, f)))
            .digest('hex')}`,
      );
    const marks = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'BISECT_LOG', 'rebase-merge', 'rebase-apply'].filter((m) =>
      fs.existsSync(path.join(gitDir, m)),
    );
    return JSON.stringify({
      head: sandbox.git(out, 'rev-parse', 'HEAD'),
      branch: sandbox.git(out, 'rev-parse', '--abbrev-ref', 'HEAD'),
      refs: sandbox.git(out, 'for-each-ref', '--format=%(refname) %(objectname)'),
      index: sandbox.git(out, 'ls-files', '--stage'),
      status: sandbox.status(out),
      files,
      marks,
    });
  }

  /** A commit on a side branch that changes the README, made and left without switching to it. */
  function sideCommit(): string {
    const { sandbox, out } = checkout;
    sandbox.git(out, 'switch', '--quiet', '-c', 'side');
    sandbox.write(out, 'README.md', '# side\n');
    sandbox.git(out, 'commit', '--quiet', '-am', 'Side change');
    sandbox.git(out, 'switch', '--quiet', 'main');
    return sandbox.git(out, 'rev-parse', 'side');
  }

  /** A cherry-pick of a side commit stopped at a conflict with main, resolved to what HEAD has: nothing staged, the cherry-pick still in progress. */
  function cherryPickResolvedToHead(): void {
    const { sandbox, out } = checkout;
    const side = sideCommit();
    sandbox.pushChange(sandbox.clone('other'), 'README.md', '# main\n', 'Main change');
    sandbox.git(out, 'pull', '--quiet', '--ff-only', 'origin', 'main');
    expect(() => sandbox.git(out, 'cherry-pick', side)).toThrow();
    sandbox.git(out, 'checkout', '--ours', 'README.md');
    sandbox.git(out, 'add', 'README.md');
  }

  beforeEach(async () => {
    const first = await publish();
    expect([first.code, first.stderr]).toEqual([0, '']);
  });

  test('a merge with nothing staged: refused (CG524), the merge is still in progress, nothing committed or pushed; once concluded, publish works', async () => {
    const { sandbox, out } = checkout;
    sideCommit();
    // Merged keeping main's files: nothing to stage, but the merge goes on until its commit.
    sandbox.git(out, 'merge', '--quiet', '--no-commit', '--no-ff', '-s', 'ours', 'side');
    const before = cloneState();
    expect(before).toContain(`${ONE_SERVICE_VALUES} `); // the files written are among those compared
    const remoteHead = sandbox.git(sandbox.remote, 'rev-parse', 'main');

    const refused = await publish();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`CG524 "${fs.realpathSync(out)}" is in the middle of a merge (MERGE_HEAD is in its Git directory)`);
    expect(refused.stderr).toContain('Fix: Finish the merge (git commit) or abort it (git merge --abort), then publish again.');
    expect(cloneState()).toBe(before);
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteHead);

    sandbox.git(out, 'merge', '--abort');
    const published = await publish();
    expect([published.code, published.stderr]).toEqual([0, '']);
  });

  test('a cherry-pick stopped at a conflict and resolved to what HEAD has: refused (CG524)', async () => {
    cherryPickResolvedToHead();
    const before = cloneState();

    const refused = await publish();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is in the middle of a cherry-pick (CHERRY_PICK_HEAD is in its Git directory)');
    expect(refused.stderr).toContain('Fix: Finish the cherry-pick (git cherry-pick --continue) or abort it (git cherry-pick --abort)');
    expect(cloneState()).toBe(before);
  });

  test('promote --publish in a clone in the middle of a cherry-pick: refused (CG524), nothing written, committed or pushed', async () => {
    const { sandbox, out } = checkout;
    cherryPickResolvedToHead();
    const before = cloneState();
    const remoteHead = sandbox.git(sandbox.remote, 'rev-parse', 'main');

    const refused = await runCli(['promote', 'api', '--ring', 'dev', '--digest', `sha256:${'b'.repeat(64)}`, '--by', 'ci', '--publish'], {
      out,
      now: '2026-12-01T10:00:00Z',
      app: checkout.app,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is in the middle of a cherry-pick (CHERRY_PICK_HEAD is in its Git directory)');
    expect(cloneState()).toBe(before);
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteHead);
  });

  test('an interactive rebase stopped to edit a commit, with --branch: refused (CG524) rather than pushed from the rebase', async () => {
    const { sandbox, out } = checkout;
    sandbox.git(out, '-c', 'sequence.editor=sed -i 1s/^pick/edit/', 'rebase', '--quiet', '-i', 'HEAD~1');
    const before = cloneState();

    const refused = await publish('--branch', 'proposed');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is in the middle of a rebase (rebase-merge is in its Git directory)');
    expect(refused.stderr).toContain('Fix: Finish the rebase (git rebase --continue) or abort it (git rebase --abort)');
    expect(cloneState()).toBe(before);
    expect(sandbox.git(sandbox.remote, 'branch', '--list', 'proposed')).toBe('');
  });

  test('a bisect started on the branch: refused (CG524), the bisect goes on', async () => {
    const { sandbox, out } = checkout;
    sandbox.git(out, 'bisect', 'start');
    const before = cloneState();

    const refused = await publish();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is in the middle of a bisect (BISECT_LOG is in its Git directory)');
    expect(refused.stderr).toContain('Fix: Finish the bisect (git bisect reset), then publish again.');
    expect(cloneState()).toBe(before);
  });
});
