import * as fs from 'fs';
import * as path from 'path';
import { ExistingBranch, publish, publishCommits, PublishOptions } from '../../src/workspace/git/publish';
import { gitopsTrailers, Operation } from '../../src/workspace/git/trailers';
import { Sandbox } from './sandbox';

describe('publish', () => {
  let sandbox: Sandbox;
  let a: string;
  let b: string;

  beforeEach(() => {
    sandbox = Sandbox.create({
      'README.md': '# platform-gitops\n',
      'releases/payments-api.yaml': 'prod: sha256:0\n',
      'releases/ledger-api.yaml': 'prod: sha256:0\n',
      counter: '0\n',
    });
    a = sandbox.clone('ci-a');
    b = sandbox.clone('ci-b');
  });

  afterEach(() => sandbox.cleanup());

  /** Options that write `content` to `file` and own only that file. */
  function writing(dir: string, file: string, content: string, extra: Partial<PublishOptions> = {}): PublishOptions {
    return {
      dir,
      paths: [file],
      message: `Update ${file}`,
      apply: () => sandbox.write(dir, file, content),
      retryDelayMs: 5,
      ...extra,
    };
  }

  /**
   * Options that read the counter from the work tree and increment it. Each writer signs its
   * commit with a trailer of its own: two byte-identical commits would be one commit to git.
   */
  function incrementing(dir: string, extra: Partial<PublishOptions> = {}): PublishOptions {
    return {
      dir,
      paths: ['counter'],
      message: 'Increment the counter',
      trailers: gitopsTrailers({ promotedBy: path.basename(dir) }),
      apply: () => sandbox.write(dir, 'counter', `${Number(sandbox.read(dir, 'counter')) + 1}\n`),
      retryDelayMs: 5,
      ...extra,
    };
  }

  test("runs no program the clone's Git configuration names: hooks, signing (of commits and pushes), the remote's upload-pack and receive-pack", async () => {
    // GIVEN a clone whose configuration names programs for every step of a publish
    const marks = path.join(sandbox.root, 'ran');
    fs.mkdirSync(path.join(marks, 'hooks'), { recursive: true });
    for (const hook of ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'pre-push', 'reference-transaction']) {
      fs.writeFileSync(path.join(marks, 'hooks', hook), `#!/bin/sh\ntouch ${marks}/${hook}\n`, { mode: 0o755 });
    }
    sandbox.git(a, 'config', 'core.hooksPath', path.join(marks, 'hooks'));
    sandbox.git(a, 'config', 'commit.gpgSign', 'true');
    // A signed push: the remote does not take one, and git would not push at all.
    sandbox.git(a, 'config', 'push.gpgSign', 'true');
    sandbox.git(a, 'config', 'submodule.recurse', 'true');
    sandbox.git(a, 'config', 'gpg.program', path.join(marks, 'hooks', 'pre-commit'));
    sandbox.git(a, 'config', 'remote.origin.uploadpack', `sh -c 'touch ${marks}/upload-pack; exec git-upload-pack "$@"' --`);
    sandbox.git(a, 'config', 'remote.origin.receivepack', `sh -c 'touch ${marks}/receive-pack; exec git-receive-pack "$@"' --`);

    // WHEN
    const result = await publish(writing(a, 'releases/payments-api.yaml', 'prod: sha256:1\n'));

    // THEN it is pushed, and none of them ran
    expect(result.pushed).toBe(true);
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(result.sha);
    expect(fs.readdirSync(marks)).toEqual(['hooks']);
  });

  test("pushes the branch alone, not the clone's tags, whatever push.followTags it sets", async () => {
    // GIVEN an annotated tag of the clone's own on the commit publish builds on
    sandbox.git(a, 'tag', '--annotate', '--message', 'not for the remote', 'local-only');
    sandbox.git(a, 'config', 'push.followTags', 'true');

    // WHEN
    const result = await publish(writing(a, 'releases/payments-api.yaml', 'prod: sha256:1\n'));

    // THEN
    expect(result.pushed).toBe(true);
    expect(sandbox.git(sandbox.remote, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/main');
  });

  test("a stale index.lock of a git killed earlier: publish fails with git's advice and writes nothing", async () => {
    // GIVEN
    fs.writeFileSync(path.join(a, '.git', 'index.lock'), '');
    const remoteHead = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    const apply = jest.fn();

    // WHEN
    let error: unknown;
    await publish({ ...writing(a, 'releases/payments-api.yaml', 'prod: sha256:1\n'), apply }).catch((e) => (error = e));

    // THEN
    const message = (error as Error).message;
    expect(message).toContain(
      `CG599 git failed to move the current branch to "${remoteHead}" in "${fs.realpathSync(a)}": fatal: Unable to create`,
    );
    expect(message).toContain('remove the file manually to continue. Fix:');
    expect(apply).not.toHaveBeenCalled();
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(remoteHead);
    expect(sandbox.read(a, 'releases/payments-api.yaml')).toBe('prod: sha256:0\n');
  });

  test('commits the owned files with trailers and pushes them', async () => {
    // GIVEN
    sandbox.write(a, 'notes.txt', 'a user file that stays untracked\n');

    // WHEN
    const result = await publish({
      ...writing(a, 'releases/payments-api.yaml', 'prod: sha256:2e8f1a31\n'),
      paths: ['releases'],
      message: 'Promote payments-api to prod',
      trailers: gitopsTrailers({ services: ['payments-api'], rings: ['prod'], digests: ['sha256:2e8f1a31'], operation: Operation.PROMOTE }),
    });

    // THEN
    const sha = sandbox.git(sandbox.remote, 'rev-parse', 'main');
    expect(result).toEqual({
      sha,
      branch: 'main',
      attempts: 1,
      pushed: true,
      files: ['releases/payments-api.yaml'],
      changes: [{ path: 'releases/payments-api.yaml', change: 'update' }],
      commits: [
        { index: 0, sha, files: ['releases/payments-api.yaml'], changes: [{ path: 'releases/payments-api.yaml', change: 'update' }] },
      ],
    });
    expect(sandbox.git(sandbox.remote, 'log', '-1', '--format=%B', 'main')).toBe(
      'Promote payments-api to prod\n\nCdk8s-Gitops-Operation: promote\nCdk8s-Gitops-Service: payments-api\n' +
        'Cdk8s-Gitops-Ring: prod\nCdk8s-Gitops-Digest: sha256:2e8f1a31\n',
    );
    expect(sandbox.status(a)).toEqual(['?? notes.txt']);
  });

  test('neither commits nor pushes when apply changes nothing', async () => {
    // GIVEN
    const before = sandbox.git(sandbox.remote, 'rev-parse', 'main');

    // WHEN
    const result = await publish(writing(a, 'releases/payments-api.yaml', 'prod: sha256:0\n'));

    // THEN
    expect(result).toEqual({ sha: before, branch: 'main', attempts: 1, pushed: false, files: [], changes: [], commits: [] });
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(before);
  });

  test('fast-forwards a checkout that is behind before applying', async () => {
    // GIVEN another writer pushed since the checkout was cloned
    sandbox.pushChange(b, 'releases/ledger-api.yaml', 'prod: sha256:1\n');

    // WHEN
    const result = await publish(writing(a, 'releases/payments-api.yaml', 'prod: sha256:1\n'));

    // THEN
    expect(result).toMatchObject({ attempts: 1, pushed: true });
    expect(sandbox.remoteLog()).toEqual(['Update releases/payments-api.yaml', 'Change releases/ledger-api.yaml', 'Initial commit']);
    expect(sandbox.read(a, 'releases/ledger-api.yaml')).toBe('prod: sha256:1\n');
  });

  test('commits deletions and files apply adds to the owned set', async () => {
    // GIVEN an owned set read from the work tree, as a manifest would be
    const owned = (): string[] => fs.readdirSync(path.join(a, 'releases')).map((f) => `releases/${f}`);

    // WHEN
    const result = await publish({
      dir: a,
      paths: owned,
      message: 'Replace ledger-api with orders-api',
      apply: () => {
        fs.rmSync(path.join(a, 'releases/ledger-api.yaml'));
        sandbox.write(a, 'releases/orders-api.yaml', 'prod: sha256:1\n');
      },
    });

    // THEN
    expect(result.files).toEqual(['releases/ledger-api.yaml', 'releases/orders-api.yaml']);
    expect(result.changes).toEqual([
      { path: 'releases/ledger-api.yaml', change: 'delete' },
      { path: 'releases/orders-api.yaml', change: 'create' },
    ]);
    expect(sandbox.git(sandbox.remote, 'ls-tree', '--name-only', 'main', 'releases/').split('\n')).toEqual([
      'releases/orders-api.yaml',
      'releases/payments-api.yaml',
    ]);
  });

  test('switches to the target branch when another branch is checked out', async () => {
    // GIVEN
    sandbox.git(a, 'switch', '--quiet', '-c', 'scratch');

    // WHEN
    const result = await publish(writing(a, 'releases/payments-api.yaml', 'prod: sha256:1\n', { branch: 'main' }));

    // THEN
    expect(result).toMatchObject({ branch: 'main', pushed: true });
    expect(sandbox.git(a, 'branch', '--show-current')).toBe('main');
    expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(result.sha);
  });

  describe('to a merge-request branch', () => {
    test('creates the branch from the remote tip, pushes it with upstream, and goes back to the branch it started on', async () => {
      // GIVEN the checkout is behind the remote
      sandbox.pushChange(b, 'releases/ledger-api.yaml', 'prod: sha256:1\n');
      const mainBefore = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      // WHEN
      const result = await publish(
        writing(a, 'releases/payments-api.yaml', 'prod: sha256:2e8f1a31\n', {
          pushBranch: 'promote/payments-api/prod/2e8f1a31',
        }),
      );

      // THEN
      expect(result).toMatchObject({ branch: 'promote/payments-api/prod/2e8f1a31', pushed: true, attempts: 1 });
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'promote/payments-api/prod/2e8f1a31')).toBe(result.sha);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(mainBefore);
      expect(sandbox.git(sandbox.remote, 'rev-parse', `${result.sha}~1`)).toBe(mainBefore);
      expect(sandbox.git(a, 'rev-parse', '--abbrev-ref', 'promote/payments-api/prod/2e8f1a31@{upstream}')).toBe(
        'origin/promote/payments-api/prod/2e8f1a31',
      );
      expect(sandbox.git(a, 'branch', '--show-current')).toBe('main');
      expect(sandbox.read(a, 'releases/payments-api.yaml')).toBe('prod: sha256:0\n'); // as main has it, not as the branch
      expect(sandbox.status(a)).toEqual([]);
    });

    test('fails when the branch already exists on the remote', async () => {
      // GIVEN
      const branch = 'promote/payments-api/prod/2e8f1a31';
      await publish(writing(b, 'releases/payments-api.yaml', 'prod: sha256:2e8f1a31\n', { pushBranch: branch }));
      const tip = sandbox.git(sandbox.remote, 'rev-parse', branch);

      // WHEN
      const act = publish(writing(a, 'releases/payments-api.yaml', 'prod: sha256:2e8f1a31\n', { pushBranch: branch, branch: 'main' }));

      // THEN
      await expect(act).rejects.toThrow(
        `CG504 Branch "${branch}" already exists on remote "origin" (at ${tip.slice(0, 8)}); the change is probably proposed already.`,
      );
      expect(sandbox.git(sandbox.remote, 'rev-parse', branch)).toBe(tip);
      expect(sandbox.status(a)).toEqual([]);
    });

    test('adds a commit on top of an existing branch when asked to', async () => {
      // GIVEN
      const branch = 'promote/payments-api/prod/2e8f1a31';
      const first = await publish(writing(b, 'releases/payments-api.yaml', 'prod: sha256:2e8f1a31\n', { pushBranch: branch }));

      // WHEN
      const again = await publish(
        writing(a, 'releases/payments-api.yaml', 'prod: sha256:2e8f1a31\n', {
          pushBranch: branch,
          ifBranchExists: ExistingBranch.ADD_COMMIT,
        }),
      );
      const more = await publish(
        writing(a, 'releases/ledger-api.yaml', 'prod: sha256:2e8f1a31\n', {
          pushBranch: branch,
          ifBranchExists: ExistingBranch.ADD_COMMIT,
          branch: 'main',
        }),
      );

      // THEN
      expect(again).toEqual({ sha: first.sha, branch, attempts: 1, pushed: false, files: [], changes: [], commits: [] });
      expect(more).toMatchObject({ pushed: true, files: ['releases/ledger-api.yaml'] });
      expect(sandbox.git(sandbox.remote, 'rev-parse', `${branch}~1`)).toBe(first.sha);
    });
  });

  describe('with concurrent writers', () => {
    test('lands two racing publishers that change different files', async () => {
      // WHEN both publish at once
      const [ra, rb] = await Promise.all([
        publish(writing(a, 'releases/payments-api.yaml', 'prod: sha256:a\n')),
        publish(writing(b, 'releases/ledger-api.yaml', 'prod: sha256:b\n')),
      ]);

      // THEN both changes are on the remote, one on top of the other
      expect(ra.pushed && rb.pushed).toBe(true);
      expect(sandbox.remoteFile('releases/payments-api.yaml')).toBe('prod: sha256:a');
      expect(sandbox.remoteFile('releases/ledger-api.yaml')).toBe('prod: sha256:b');
      expect(sandbox.remoteLog()).toHaveLength(3);
      expect(ra.attempts + rb.attempts).toBeGreaterThanOrEqual(2);
    });

    test('retries a publisher whose push is rejected because another landed first', async () => {
      // GIVEN B publishes while A is applying, so A's push is rejected
      let calls = 0;
      const options = writing(a, 'releases/payments-api.yaml', 'prod: sha256:a\n');
      const racing: PublishOptions = {
        ...options,
        apply: async () => {
          if (calls++ === 0) {
            await publish(writing(b, 'releases/ledger-api.yaml', 'prod: sha256:b\n'));
          }
          await options.apply();
        },
      };

      // WHEN
      const result = await publish(racing);

      // THEN
      expect(result).toMatchObject({ attempts: 2, pushed: true, files: ['releases/payments-api.yaml'] });
      expect(sandbox.remoteLog()).toEqual(['Update releases/payments-api.yaml', 'Update releases/ledger-api.yaml', 'Initial commit']);
      expect(sandbox.remoteFile('releases/ledger-api.yaml')).toBe('prod: sha256:b');
      expect(sandbox.status(a)).toEqual([]);
    });

    test('recomputes a change to the same file on the new base', async () => {
      // WHEN both increment the counter at once
      const results = await Promise.all([publish(incrementing(a)), publish(incrementing(b))]);

      // THEN no increment is lost
      expect(sandbox.remoteFile('counter')).toBe('2');
      expect(results.every((r) => r.pushed)).toBe(true);
      expect(sandbox.remoteLog()).toEqual(['Increment the counter', 'Increment the counter', 'Initial commit']);
    });

    test('recomputes a change to the same file when the other writer lands first', async () => {
      // GIVEN B increments while A is applying
      let calls = 0;
      const options = incrementing(a);

      // WHEN
      const result = await publish({
        ...options,
        apply: async () => {
          if (calls++ === 0) {
            await publish(incrementing(b));
          }
          await options.apply();
        },
      });

      // THEN
      expect(result.attempts).toBe(2);
      expect(sandbox.remoteFile('counter')).toBe('2');
      expect(sandbox.read(a, 'counter')).toBe('2\n');
    });

    test('fails when the remote keeps moving, losing nothing', async () => {
      // GIVEN another writer pushes during every attempt
      let pushes = 0;
      const options = writing(a, 'releases/payments-api.yaml', 'prod: sha256:a\n', { maxAttempts: 3, retryDelayMs: 0 });

      // WHEN
      const act = publish({
        ...options,
        apply: async () => {
          sandbox.pushChange(b, 'releases/ledger-api.yaml', `prod: sha256:${++pushes}\n`);
          await options.apply();
        },
      });

      // THEN
      await expect(act).rejects.toThrow(
        /CG503 The remote kept moving: 3 pushes to "main" on remote "origin" were rejected because other commits landed first .*Nothing was lost/,
      );
      expect(sandbox.remoteLog()).toEqual([
        'Change releases/ledger-api.yaml',
        'Change releases/ledger-api.yaml',
        'Change releases/ledger-api.yaml',
        'Initial commit',
      ]);
      expect(sandbox.status(a)).toEqual([]);
      expect(sandbox.git(a, 'rev-list', '--count', 'HEAD')).toBe('3');
    });
  });

  describe('when interrupted', () => {
    test('leaves the checkout clean when apply throws', async () => {
      // GIVEN
      const before = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      sandbox.write(a, 'notes.txt', 'a user file\n');

      // WHEN
      const act = publish({
        dir: a,
        paths: ['releases'],
        message: 'Half a change',
        apply: () => {
          sandbox.write(a, 'releases/payments-api.yaml', 'prod: sha256:half\n');
          sandbox.write(a, 'releases/orders-api.yaml', 'prod: sha256:half\n');
          fs.rmSync(path.join(a, 'releases/ledger-api.yaml'));
          throw new Error('registry unreachable');
        },
      });

      // THEN
      await expect(act).rejects.toThrow('registry unreachable');
      expect(sandbox.status(a)).toEqual(['?? notes.txt']);
      expect(sandbox.read(a, 'releases/payments-api.yaml')).toBe('prod: sha256:0\n');
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(before);
    });

    test('fails when the remote went back on a commit it published (CG527), keeping the commit and the remote as they are', async () => {
      // GIVEN a published commit that a force-push took off the remote, then a commit of a publish killed before its push
      const promotion = {
        ...writing(a, 'releases/payments-api.yaml', 'prod: sha256:1\n'),
        trailers: gitopsTrailers({ operation: Operation.PROMOTE }),
      };
      const published = (await publish(promotion)).sha;
      sandbox.git(sandbox.remote, 'update-ref', 'refs/heads/main', 'main~1');
      const back = sandbox.git(sandbox.remote, 'rev-parse', 'main');
      sandbox.write(a, 'counter', '1\n');
      sandbox.git(a, 'commit', '--quiet', '-am', 'Increment the counter\n\nCdk8s-Gitops-Operation: synth');
      const killed = sandbox.git(a, 'rev-parse', 'HEAD');
      const notes: string[] = [];

      // WHEN
      const act = publish({ ...writing(a, 'releases/ledger-api.yaml', 'prod: sha256:2\n'), onNote: (line) => notes.push(line) });

      // THEN only the published commit is named as lost, with the commit to push again
      await expect(act).rejects.toThrow(
        `CG527 Remote "origin" no longer has a commit published to its branch "main" from "${a}", which it had (branch "main" is at ${back.slice(0, 8)} now): ${published.slice(0, 8)} Update releases/payments-api.yaml. ` +
          'The branch went back (a force-push, or a reset of the branch); publish neither drops published commits nor pushes them again on its own ' +
          '(the commit after it never reached the remote). Nothing was published. ' +
          `Fix: Find out why "main" on "origin" went back. To publish it again: git push origin ${published}:main, then publish again.`,
      );
      expect(notes).toEqual([]);
      expect(sandbox.git(a, 'rev-parse', 'HEAD')).toBe(killed);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(back);
      expect(sandbox.status(a)).toEqual([]);
    });

    test('tells a published commit from one that never reached the remote by the reflog, also after a git fetch', async () => {
      // GIVEN a published commit taken off the remote, and a fetch since that moved origin/main back
      const promotion = {
        ...writing(a, 'releases/payments-api.yaml', 'prod: sha256:1\n'),
        trailers: gitopsTrailers({ operation: Operation.PROMOTE }),
      };
      const published = (await publish(promotion)).sha;
      sandbox.git(sandbox.remote, 'update-ref', 'refs/heads/main', 'main~1');
      sandbox.git(a, 'fetch', '--quiet', 'origin');

      // WHEN
      const act = publish(writing(a, 'releases/ledger-api.yaml', 'prod: sha256:2\n'));

      // THEN
      await expect(act).rejects.toThrow(`CG527 Remote "origin" no longer has a commit published to its branch "main"`);
      expect(sandbox.git(a, 'rev-parse', 'HEAD')).toBe(published);
    });

    test('drops the commits of a merge-request branch the remote deleted, and says so', async () => {
      // GIVEN a branch pushed for a merge request, then deleted on the remote (merged by squash, or closed)
      const proposal = {
        ...writing(a, 'releases/payments-api.yaml', 'prod: sha256:1\n'),
        trailers: gitopsTrailers({ operation: Operation.PROMOTE }),
        pushBranch: 'review/payments-api',
      };
      const proposed = (await publish(proposal)).sha;
      sandbox.git(sandbox.remote, 'branch', '--quiet', '-D', 'review/payments-api');
      const notes: string[] = [];

      // WHEN the same branch is proposed again
      const result = await publish({ ...proposal, onNote: (line) => notes.push(line) });

      // THEN
      expect(result.pushed).toBe(true);
      expect(notes).toEqual([
        `Dropped 1 commit of local branch "review/payments-api" (${proposed.slice(0, 8)}); remote "origin" no longer has that branch.`,
      ]);
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'review/payments-api')).toBe(result.sha);
    });

    test('fails when the remote refuses the push, leaving both sides as they were', async () => {
      // GIVEN a remote whose hook refuses every push
      const hook = path.join(sandbox.remote, 'hooks', 'pre-receive');
      fs.writeFileSync(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n', { mode: 0o755 });
      const before = sandbox.git(sandbox.remote, 'rev-parse', 'main');

      // WHEN
      const act = publish(writing(a, 'releases/payments-api.yaml', 'prod: sha256:a\n'));

      // THEN
      await expect(act).rejects.toThrow(
        /CG509 Pushing "main" to "main" on remote "origin" failed, and not because the remote moved: .*protected branch/s,
      );
      expect(sandbox.git(sandbox.remote, 'rev-parse', 'main')).toBe(before);
      expect(sandbox.git(a, 'rev-parse', 'HEAD')).toBe(before);
      expect(sandbox.status(a)).toEqual([]);
    });
  });

  describe('into a new, empty repository', () => {
    let empty: Sandbox;
    beforeEach(() => {
      empty = Sandbox.createEmpty();
    });
    afterEach(() => empty.cleanup());

    test("makes and pushes the first commit on the branch the clone's HEAD names", async () => {
      // GIVEN a clone of a remote with no branch at all
      const c = empty.clone('ci');
      expect(empty.git(c, 'symbolic-ref', '--short', 'HEAD')).toBe('main');

      // WHEN
      const result = await publish({
        ...writing(c, 'releases/payments-api.yaml', 'prod: sha256:1\n'),
        trailers: { 'Cdk8s-Gitops-Operation': 'synth' },
      });

      // THEN
      expect(result).toMatchObject({ branch: 'main', pushed: true, attempts: 1, files: ['releases/payments-api.yaml'] });
      expect(empty.git(empty.remote, 'rev-parse', 'main')).toBe(result.sha);
      expect(empty.remoteLog()).toEqual(['Update releases/payments-api.yaml']);
      expect(empty.git(c, 'rev-parse', '--abbrev-ref', '@{upstream}')).toBe('origin/main');
      expect(empty.status(c)).toEqual([]);
    });

    test('makes the first commit of a repository made with git init and git remote add, on another default branch', async () => {
      // GIVEN
      empty.git(empty.root, 'init', '--quiet', '-b', 'trunk', 'fresh');
      const c = `${empty.root}/fresh`;
      empty.git(c, 'config', 'user.name', 'CI Bot');
      empty.git(c, 'config', 'user.email', 'ci@example.com');
      empty.git(c, 'remote', 'add', 'origin', empty.remote);

      // WHEN
      const result = await publishCommits({
        dir: c,
        paths: ['a', 'b'],
        commits: [
          { apply: () => empty.write(c, 'a', '1\n'), message: 'First' },
          { apply: () => empty.write(c, 'b', '2\n'), message: 'Second' },
        ],
      });

      // THEN
      expect(result).toMatchObject({ branch: 'trunk', pushed: true });
      expect(empty.remoteLog('trunk')).toEqual(['Second', 'First']);
    });

    test('fails with CG518 when the remote is empty but the branch has commits it did not make', async () => {
      // GIVEN
      const c = empty.clone('ci');
      empty.write(c, 'README.md', 'mine\n');
      empty.git(c, 'add', '--all');
      empty.git(c, 'commit', '--quiet', '-m', 'Hand-made first commit');

      // WHEN / THEN
      await expect(publish(writing(c, 'x', 'x\n'))).rejects.toThrow(
        /CG518 Remote "origin" is an empty repository, and local branch "main" .* already has commits/,
      );
      expect(() => empty.git(empty.remote, 'rev-parse', '--verify', '--quiet', 'main')).toThrow();
      expect(empty.status(c)).toEqual([]);
    });

    test('fails with CG508 for a merge-request branch, which needs a base', async () => {
      const c = empty.clone('ci');
      await expect(publish(writing(c, 'x', 'x\n', { pushBranch: 'promote/x' }))).rejects.toThrow(
        /CG508 Remote "origin" has no branch "main"/,
      );
    });
  });

  describe('several commits', () => {
    test('commits each change on its own, pushes them together, and makes each again on a moved remote', async () => {
      // GIVEN the remote moves once, after the first attempt's commits
      let moved = false;
      const counter = (file: string) => (): void => {
        const n = Number(sandbox.read(a, file) ?? '0') + 1;
        sandbox.write(a, file, `${n}\n`);
        if (file === 'releases/b' && !moved) {
          moved = true;
          sandbox.pushChange(b, 'releases/a', '10\n');
        }
      };

      // WHEN
      const result = await publishCommits({
        dir: a,
        paths: ['releases'],
        retryDelayMs: 5,
        commits: [
          { apply: counter('releases/a'), message: 'Count a', trailers: { 'Cdk8s-Gitops-Operation': 'promote' } },
          { apply: () => undefined, message: 'Changes nothing' },
          { apply: counter('releases/b'), message: 'Count b', trailers: { 'Cdk8s-Gitops-Operation': 'unhold' } },
        ],
      });

      // THEN
      expect(result).toMatchObject({ attempts: 2, pushed: true, files: ['releases/a', 'releases/b'] });
      expect(result.commits.map((c) => [c.index, c.files])).toEqual([
        [0, ['releases/a']],
        [2, ['releases/b']],
      ]);
      expect(sandbox.remoteLog().slice(0, 3)).toEqual(['Count b', 'Count a', 'Change releases/a']);
      expect(sandbox.remoteFile('releases/a')).toBe('11');
      expect(sandbox.remoteFile('releases/b')).toBe('1');
      expect(sandbox.status(a)).toEqual([]);
    });

    test('says how the commits together changed each file: created then updated is created, updated then deleted is deleted', async () => {
      // WHEN
      const result = await publishCommits({
        dir: a,
        paths: ['releases'],
        commits: [
          { apply: () => sandbox.write(a, 'releases/new.yaml', '1\n'), message: 'Create' },
          { apply: () => sandbox.write(a, 'releases/payments-api.yaml', 'prod: sha256:1\n'), message: 'Update' },
          {
            apply: () => {
              sandbox.write(a, 'releases/new.yaml', '2\n');
              fs.rmSync(path.join(a, 'releases/payments-api.yaml'));
            },
            message: 'Update the new one, delete the old one',
          },
        ],
      });

      // THEN
      expect(result.commits.map((c) => c.changes)).toEqual([
        [{ path: 'releases/new.yaml', change: 'create' }],
        [{ path: 'releases/payments-api.yaml', change: 'update' }],
        [
          { path: 'releases/new.yaml', change: 'update' },
          { path: 'releases/payments-api.yaml', change: 'delete' },
        ],
      ]);
      expect(result.changes).toEqual([
        { path: 'releases/new.yaml', change: 'create' },
        { path: 'releases/payments-api.yaml', change: 'delete' },
      ]);
    });

    test('drops the commits already made when a later change fails', async () => {
      // GIVEN
      const before = sandbox.git(a, 'rev-parse', 'HEAD');

      // WHEN / THEN
      await expect(
        publishCommits({
          dir: a,
          paths: ['releases'],
          commits: [
            { apply: () => sandbox.write(a, 'releases/a', '1\n'), message: 'First' },
            {
              apply: () => {
                throw new Error('rules refuse');
              },
              message: 'Second',
            },
          ],
        }),
      ).rejects.toThrow('rules refuse');
      expect(sandbox.git(a, 'rev-parse', 'HEAD')).toBe(before);
      expect(sandbox.status(a)).toEqual([]);
    });
  });

  describe('refuses', () => {
    test('fails when a tracked file has uncommitted changes', async () => {
      // GIVEN
      sandbox.write(a, 'README.md', 'edited by hand\n');

      // WHEN / THEN
      await expect(publish(writing(a, 'releases/payments-api.yaml', 'x\n'))).rejects.toThrow(
        /CG502 ".*ci-a" has uncommitted changes that publish must not overwrite or commit: README.md \(modified\)\./,
      );
      expect(sandbox.status(a)).toEqual([' M README.md']);
    });

    test('fails when the local branch has commits the remote lacks', async () => {
      // GIVEN
      sandbox.write(a, 'README.md', 'local commit\n');
      sandbox.git(a, 'commit', '--quiet', '-am', 'Local only');
      const local = sandbox.git(a, 'rev-parse', 'HEAD');

      // WHEN / THEN
      await expect(publish(writing(a, 'releases/payments-api.yaml', 'x\n'))).rejects.toThrow(
        /CG505 Local branch "main" in ".*ci-a" is at [0-9a-f]{8}, which has commits that remote "origin" \(at [0-9a-f]{8}\) lacks/,
      );
      expect(sandbox.git(a, 'rev-parse', 'HEAD')).toBe(local);
    });

    test('fails when the target branch is missing on the remote or HEAD is detached', async () => {
      await expect(publish(writing(a, 'x', 'x\n', { branch: 'release' }))).rejects.toThrow(/CG508 Remote "origin" has no branch "release"/);
      await expect(publish(writing(a, 'x', 'x\n', { remote: 'upstream' }))).rejects.toThrow(
        /CG515 ".*ci-a" has no remote named "upstream"/,
      );
      sandbox.git(a, 'checkout', '--quiet', '--detach');
      await expect(publish(writing(a, 'x', 'x\n'))).rejects.toThrow(/CG507 ".*ci-a" has a detached HEAD/);
    });
  });
});
