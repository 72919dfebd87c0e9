import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError } from '../../src/core/errors';
import { ChangeKind, GitOpsRepository } from '../../src/workspace/git/repository';
import { Sandbox } from './sandbox';

describe('GitOpsRepository', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeEach(() => {
    sandbox = Sandbox.create({
      'README.md': '# platform-gitops\n',
      'releases/payments-api.yaml': 'prod: sha256:1\n',
      'releases/ledger-api.yaml': 'prod: sha256:1\n',
      'environments/prod/values.yaml': 'replicas: 2\n',
    });
    dir = sandbox.clone('workspace');
  });

  afterEach(() => sandbox.cleanup());

  test("never runs a program the clone's Git configuration names (core.fsmonitor)", async () => {
    // GIVEN a clone whose configuration names a program to run on every index read
    const witness = path.join(sandbox.root, 'ran');
    sandbox.git(dir, 'config', 'core.fsmonitor', `touch ${witness}; echo`);
    fs.writeFileSync(path.join(dir, 'releases/payments-api.yaml'), 'prod: sha256:2\n');

    // WHEN its changes are read
    const repo = await GitOpsRepository.open(dir);
    const changes = await repo.changes();

    // THEN they are, and the program never ran
    expect(changes.map((c) => c.path)).toEqual(['releases/payments-api.yaml']);
    expect(fs.existsSync(witness)).toBe(false);
  });

  describe('open', () => {
    test('opens the work tree that contains a subdirectory', async () => {
      // WHEN
      const repo = await GitOpsRepository.open(path.join(dir, 'releases'));

      // THEN
      expect(repo.root).toBe(fs.realpathSync(dir));
      expect(await repo.currentBranch()).toBe('main');
      expect(await repo.headSha()).toBe(sandbox.git(dir, 'rev-parse', 'HEAD'));
    });

    test('fails when the directory is not in a git work tree', async () => {
      // GIVEN
      const plain = path.join(sandbox.root, 'plain');
      fs.mkdirSync(plain);

      // WHEN / THEN
      await expect(GitOpsRepository.open(plain)).rejects.toThrow(/CG501 ".*plain" is not a git work tree/);
      await expect(GitOpsRepository.open(path.join(sandbox.root, 'missing'))).rejects.toThrow(/CG501 ".*missing" is not a directory/);
      await expect(GitOpsRepository.open(sandbox.remote)).rejects.toThrow(/CG501 ".*remote.git" is not inside a git work tree/);
    });

    test('finds the files the index takes as unchanged (CG523): one command per flag to clear them', async () => {
      // GIVEN
      sandbox.write(dir, 'releases/a.yaml', 'a: 1\n');
      sandbox.write(dir, 'releases/b.yaml', 'b: 1\n');
      sandbox.write(dir, 'notes/c.txt', 'c\n');
      sandbox.git(dir, 'add', '--all');
      sandbox.git(dir, 'commit', '--quiet', '-m', 'files');
      sandbox.git(dir, 'update-index', '--assume-unchanged', 'releases/a.yaml', 'notes/c.txt');
      sandbox.git(dir, 'update-index', '--skip-worktree', 'releases/b.yaml');
      const repo = await GitOpsRepository.open(dir);

      // WHEN
      let error: unknown;
      await repo.assertChangesSeen(['releases']).catch((e) => (error = e));

      // THEN only the files under the paths are named
      const [p] = (error as GitOpsError).problems;
      expect(p.code).toBe('CG523');
      expect(p.message).toContain(': "releases/a.yaml" (assume-unchanged), "releases/b.yaml" (skip-worktree). ');
      expect(p.fix).toContain('`git update-index --no-assume-unchanged -- <file>…`, then `git update-index --no-skip-worktree -- <file>…`');
      await expect(repo.assertChangesSeen(['environments'])).resolves.toBeUndefined();
    });

    test('opens a linked work tree (git worktree add), whose .git is a file', async () => {
      const linked = path.join(sandbox.root, 'linked');
      sandbox.git(dir, 'worktree', 'add', '--quiet', '-b', 'other', linked);
      expect((await GitOpsRepository.open(linked)).root).toBe(fs.realpathSync(linked));
    });

    test('refuses a clone whose core.worktree makes a directory above it the work tree: git would write outside it', async () => {
      // GIVEN a clone whose work tree is set to the directory holding it (and the remote)
      sandbox.git(dir, 'config', 'core.worktree', '../..');
      expect(sandbox.git(dir, 'rev-parse', '--show-toplevel')).toBe(fs.realpathSync(sandbox.root));

      // WHEN / THEN
      await expect(GitOpsRepository.open(dir)).rejects.toThrow(
        /CG501 ".*" is in the clone ".*", but its Git configuration makes ".*" the work tree \(core.worktree\): git would read and write files outside the clone\./,
      );
      fs.mkdirSync(path.join(dir, 'platform'));
      await expect(GitOpsRepository.open(path.join(dir, 'platform'))).rejects.toThrow(/core\.worktree/);
    });
  });

  describe('assertNoOperationInProgress', () => {
    /** Two commits that change the README each their way: `side` on a branch of that name, one on main. */
    function conflictingCommits(): string {
      sandbox.git(dir, 'switch', '--quiet', '-c', 'side');
      sandbox.write(dir, 'README.md', '# side\n');
      sandbox.git(dir, 'commit', '--quiet', '-am', 'Side change');
      sandbox.git(dir, 'switch', '--quiet', 'main');
      sandbox.write(dir, 'README.md', '# main\n');
      sandbox.git(dir, 'commit', '--quiet', '-am', 'Main change');
      return sandbox.git(dir, 'rev-parse', 'side');
    }
    const fails = (run: () => void) => expect(run).toThrow();

    test.each<[string, string, () => void]>([
      ['a merge', 'MERGE_HEAD', () => fails(() => sandbox.git(dir, 'merge', '--quiet', conflictingCommits()))],
      ['a cherry-pick', 'CHERRY_PICK_HEAD', () => fails(() => sandbox.git(dir, 'cherry-pick', conflictingCommits()))],
      [
        'a revert',
        'REVERT_HEAD',
        () => {
          sandbox.write(dir, 'README.md', '# again\n');
          sandbox.git(dir, 'commit', '--quiet', '-am', 'Again');
          fails(() => sandbox.git(dir, 'revert', '--no-edit', 'HEAD~1'));
        },
      ],
      [
        'a rebase',
        'rebase-merge',
        () => {
          conflictingCommits();
          sandbox.git(dir, '-c', 'sequence.editor=sed -i 1s/^pick/edit/', 'rebase', '--quiet', '-i', 'HEAD~1');
        },
      ],
      [
        'a rebase or `git am`',
        'rebase-apply',
        () => {
          const side = conflictingCommits();
          const patch = sandbox.git(dir, 'format-patch', '--stdout', '-1', side);
          sandbox.write(sandbox.root, 'side.patch', `${patch}\n`);
          fails(() => sandbox.git(dir, 'am', '--quiet', path.join(sandbox.root, 'side.patch')));
        },
      ],
      [
        'a cherry-pick or revert of several commits',
        'sequencer',
        () => {
          const side = conflictingCommits();
          sandbox.git(dir, 'switch', '--quiet', 'side');
          sandbox.write(dir, 'environments/prod/values.yaml', 'replicas: 3\n');
          sandbox.git(dir, 'commit', '--quiet', '-am', 'Side values');
          sandbox.git(dir, 'switch', '--quiet', 'main');
          fails(() => sandbox.git(dir, 'cherry-pick', side, 'side'));
          // The conflict of the first resolved and committed: the second is still to be picked.
          sandbox.git(dir, 'checkout', '--ours', 'README.md');
          sandbox.git(dir, 'add', 'README.md');
          sandbox.git(dir, 'commit', '--quiet', '--allow-empty', '--no-edit');
        },
      ],
      ['a bisect', 'BISECT_LOG', () => sandbox.git(dir, 'bisect', 'start')],
    ])('refuses a clone in the middle of %s (%s; CG524)', async (what, mark, start) => {
      // GIVEN a clone in the middle of the operation, made by git
      start();

      // WHEN publish asks
      let error: unknown;
      await (await GitOpsRepository.open(dir)).assertNoOperationInProgress().catch((e) => (error = e));

      // THEN it is named, with its mark
      const [p] = (error as GitOpsError).problems;
      expect(p.code).toBe('CG524');
      expect(p.message).toContain(` is in the middle of ${what} (${mark} is in its Git directory)`);
    });

    test('a linked work tree is asked of its own operations: a merge in one does not stop the other', async () => {
      // GIVEN a merge in progress in a linked work tree of the clone
      const linked = path.join(sandbox.root, 'linked');
      sandbox.git(dir, 'worktree', 'add', '--quiet', '-b', 'other', linked);
      sandbox.write(linked, 'README.md', '# other\n');
      sandbox.git(linked, 'commit', '--quiet', '-am', 'Other change');
      sandbox.write(dir, 'README.md', '# main\n');
      sandbox.git(dir, 'commit', '--quiet', '-am', 'Main change');
      fails(() => sandbox.git(linked, 'merge', '--quiet', 'main'));

      // THEN the linked work tree is refused, the clone's own is not
      await expect((await GitOpsRepository.open(linked)).assertNoOperationInProgress()).rejects.toThrow(/CG524/);
      await expect((await GitOpsRepository.open(dir)).assertNoOperationInProgress()).resolves.toBeUndefined();
    });
  });

  test('lists the commits between two as git stores them, whatever log.showSignature the clone sets', async () => {
    if (spawnSync('ssh-keygen', ['-?']).error !== undefined) {
      console.warn('Skipped: ssh-keygen is not on this machine, and the test signs commits with an SSH key.');
      return;
    }
    // GIVEN commits signed with an SSH key, in a clone that shows signatures in its log
    const key = path.join(sandbox.root, 'signing-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    sandbox.git(dir, 'config', 'gpg.format', 'ssh');
    sandbox.git(dir, 'config', 'user.signingkey', `${key}.pub`);
    const base = sandbox.git(dir, 'rev-parse', 'HEAD');
    for (const n of [7, 8]) {
      sandbox.write(dir, 'releases/payments-api.yaml', `prod: sha256:${n}\n`);
      sandbox.git(dir, 'commit', '--quiet', '-S', '-am', `Change ${n}`);
    }
    sandbox.git(dir, 'config', 'log.showSignature', 'true');
    expect(sandbox.git(dir, 'log', '--format=%H', '-1')).toMatch(/signature/);

    // WHEN
    const commits = await (await GitOpsRepository.open(dir)).commitsBetween(base, 'HEAD');

    // THEN each is its hash and its message, nothing of a signature's check
    expect(commits).toEqual([
      { sha: sandbox.git(dir, 'rev-parse', 'HEAD'), message: 'Change 8\n' },
      { sha: sandbox.git(dir, 'rev-parse', 'HEAD~1'), message: 'Change 7\n' },
    ]);
  });

  test('reports no current branch on a detached HEAD', async () => {
    // GIVEN
    sandbox.git(dir, 'checkout', '--quiet', '--detach');

    // WHEN
    const repo = await GitOpsRepository.open(dir);

    // THEN
    expect(await repo.currentBranch()).toBeUndefined();
  });

  test('lists changed, deleted and untracked files among the given paths only', async () => {
    // GIVEN
    const repo = await GitOpsRepository.open(dir);
    sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');
    fs.rmSync(path.join(dir, 'releases/ledger-api.yaml'));
    sandbox.write(dir, 'releases/orders-api.yaml', 'prod: sha256:9\n');
    sandbox.write(dir, 'environments/prod/values.yaml', 'replicas: 3\n');

    // WHEN
    const changed = await repo.changedFiles(['releases/']);
    const changes = await repo.changes(['./releases']);

    // THEN
    expect(changed).toEqual(['releases/ledger-api.yaml', 'releases/orders-api.yaml', 'releases/payments-api.yaml']);
    expect(changes.map((c) => c.kind)).toEqual([ChangeKind.DELETED, ChangeKind.UNTRACKED, ChangeKind.MODIFIED]);
    expect(await repo.isClean(['README.md'])).toBe(true);
    expect(await repo.isClean()).toBe(false);
  });

  test('never switches to a branch whose name is an option of git switch (CG514)', async () => {
    // GIVEN
    const repo = await GitOpsRepository.open(dir);
    const head = sandbox.git(dir, 'rev-parse', 'HEAD');

    // WHEN / THEN
    await expect(repo.switchBack({ branch: '--orphan=elsewhere' })).rejects.toThrow(
      /CG514 "--orphan=elsewhere" is not a valid branch name/,
    );
    expect([await repo.currentBranch(), sandbox.git(dir, 'rev-parse', 'HEAD')]).toEqual(['main', head]);
  });

  test('lists the ignored files among the given paths one by one, beside the changes', async () => {
    // GIVEN a .gitignore that hides a whole directory, a pattern, and a pattern with an exception
    const repo = await GitOpsRepository.open(dir);
    sandbox.write(dir, '.gitignore', 'environments/dev/\n*.log\n!keep.log\nreleases/tmp-*\n');
    sandbox.write(dir, 'environments/dev/eu/values.yaml', 'replicas: 1\n');
    sandbox.write(dir, 'environments/dev/us/values.yaml', 'replicas: 1\n');
    sandbox.write(dir, 'environments/prod/run.log', 'x\n');
    sandbox.write(dir, 'environments/prod/keep.log', 'x\n');
    sandbox.write(dir, 'environments/prod/values.yaml', 'replicas: 3\n');
    sandbox.write(dir, 'releases/tmp-1.yaml', 'x\n');
    sandbox.write(dir, 'top.log', 'x\n');

    // WHEN
    const found = await repo.changesAndIgnored(['environments', 'releases']);

    // THEN each ignored file is named, only those in scope; the changes are those changes() gives
    expect(found.ignored).toEqual([
      'environments/dev/eu/values.yaml',
      'environments/dev/us/values.yaml',
      'environments/prod/run.log',
      'releases/tmp-1.yaml',
    ]);
    expect(found.changes).toEqual(await repo.changes(['environments', 'releases']));
    expect(found.changes.map((c) => [c.path, c.kind])).toEqual([
      ['environments/prod/keep.log', ChangeKind.UNTRACKED],
      ['environments/prod/values.yaml', ChangeKind.MODIFIED],
    ]);
    expect((await repo.changesAndIgnored([])).ignored).toEqual([]);
  });

  describe('commit', () => {
    test('stages and commits only the given paths', async () => {
      // GIVEN a user's untracked file, an unrelated modified file and an unrelated staged file
      const repo = await GitOpsRepository.open(dir);
      sandbox.write(dir, 'notes.txt', 'my notes\n');
      sandbox.write(dir, 'environments/prod/values.yaml', 'replicas: 3\n');
      sandbox.write(dir, 'README.md', '# staged by the user\n');
      sandbox.git(dir, 'add', 'README.md');
      // AND changes under the committed paths: a modification, a deletion, a new file
      sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');
      fs.rmSync(path.join(dir, 'releases/ledger-api.yaml'));
      sandbox.write(dir, 'releases/orders-api.yaml', 'prod: sha256:9\n');

      // WHEN
      const sha = await repo.commit({ paths: ['releases'], message: 'Promote payments-api to prod' });

      // THEN
      expect(sha).toBe(sandbox.git(dir, 'rev-parse', 'HEAD'));
      expect(sandbox.git(dir, 'show', '--name-status', '--format=%s', 'HEAD').split('\n')).toEqual([
        'Promote payments-api to prod',
        '',
        'D\treleases/ledger-api.yaml',
        'A\treleases/orders-api.yaml',
        'M\treleases/payments-api.yaml',
      ]);
      expect(sandbox.status(dir)).toEqual(['M  README.md', ' M environments/prod/values.yaml', '?? notes.txt']);
    });

    test('commits with trailers and the given author', async () => {
      // GIVEN
      const repo = await GitOpsRepository.open(dir);
      sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');

      // WHEN
      await repo.commit({
        paths: ['releases/payments-api.yaml'],
        message: 'Promote payments-api to prod',
        trailers: { 'Cdk8s-Gitops-Service': 'payments-api', 'Cdk8s-Gitops-Ring': ['canary', 'prod'] },
        author: { name: 'Alice', email: 'alice@example.com' },
      });

      // THEN
      expect(sandbox.git(dir, 'log', '-1', '--format=%an <%ae>|%cn|%B')).toBe(
        'Alice <alice@example.com>|CI Bot|Promote payments-api to prod\n\n' +
          'Cdk8s-Gitops-Service: payments-api\nCdk8s-Gitops-Ring: canary\nCdk8s-Gitops-Ring: prod\n',
      );
    });

    test('commits in a temporary index of its own: a link or a stale lock there is removed, never followed; anything else there fails (CG599), committing nothing', async () => {
      const repo = await GitOpsRepository.open(dir);
      const gitDir = path.join(dir, '.git');
      const head = sandbox.git(dir, 'rev-parse', 'HEAD');
      // GIVEN a link where the temporary index goes, to a file outside, and a stale lock left by a killed run
      const outside = path.join(path.dirname(dir), 'outside-index');
      fs.writeFileSync(outside, "not git's");
      fs.symlinkSync(outside, path.join(gitDir, 'cdk8s-gitops-commit-index'));
      fs.writeFileSync(path.join(gitDir, 'cdk8s-gitops-commit-index.lock'), '');
      sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');
      // WHEN committed THEN the commit is made, and neither is left
      await repo.commit({ paths: ['releases'], message: 'Promote' });
      expect(sandbox.git(dir, 'show', '--name-only', '--format=%s', 'HEAD').trim()).toBe('Promote\n\nreleases/payments-api.yaml');
      expect(fs.readdirSync(gitDir).filter((f) => f.startsWith('cdk8s-gitops-commit-index'))).toEqual([]);
      // AND the file the link named is as it was: the link was removed, never followed
      expect(fs.readFileSync(outside, 'utf8')).toBe("not git's");

      // GIVEN a directory where the lock would be
      fs.mkdirSync(path.join(gitDir, 'cdk8s-gitops-commit-index.lock', 'keep'), { recursive: true });
      sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:3\n');
      // WHEN committed THEN it fails naming it, nothing is committed or staged, and the directory stays
      const promoted = sandbox.git(dir, 'rev-parse', 'HEAD');
      expect(promoted).not.toBe(head);
      await expect(repo.commit({ paths: ['releases'], message: 'Promote again' })).rejects.toThrow(
        /CG599 .*cdk8s-gitops-commit-index\.lock stands where a commit makes its temporary index, and is not a file cdk8s-gitops made\. Nothing was committed\./,
      );
      expect(sandbox.git(dir, 'rev-parse', 'HEAD')).toBe(promoted);
      expect(sandbox.git(dir, 'diff', '--cached', '--name-only')).toBe('');
      expect(fs.existsSync(path.join(gitDir, 'cdk8s-gitops-commit-index.lock', 'keep'))).toBe(true);
    });

    test('commits a message larger than one argument may be, as given', async () => {
      // GIVEN a message of 300 KiB (a fleet's change: a trailer per service and digest), past the 128 KiB of one argument on Linux
      const repo = await GitOpsRepository.open(dir);
      sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');
      const services = Array.from({ length: 8_000 }, (_, i) => `service-${String(i).padStart(5, '0')}`);
      const body = services.map((s) => `  - ${s}-prod-aws-eu-central-1-01`).join('\n');
      expect(body.length).toBeGreaterThan(300 * 1024);

      // WHEN
      await repo.commit({
        paths: ['releases'],
        message: `Synthesize the platform\n\nApplications (8000):\n${body}`,
        trailers: { 'Cdk8s-Gitops-Service': services },
      });

      // THEN the commit holds the message whole, trailers and all
      const message = sandbox.git(dir, 'log', '-1', '--format=%B');
      expect(message.startsWith(`Synthesize the platform\n\nApplications (8000):\n${body}\n\nCdk8s-Gitops-Service: service-00000\n`)).toBe(
        true,
      );
      expect(message.trimEnd().endsWith('Cdk8s-Gitops-Service: service-07999')).toBe(true);
      expect(sandbox.status(dir)).toEqual([]);
    });

    test('treats paths literally, never as globs', async () => {
      // GIVEN
      const repo = await GitOpsRepository.open(dir);
      sandbox.write(dir, 'releases/*.yaml', 'odd name\n');
      sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');

      // WHEN
      await repo.commit({ paths: ['releases/*.yaml'], message: 'Add an oddly named file' });

      // THEN
      expect(sandbox.git(dir, 'show', '--name-only', '--format=', 'HEAD')).toBe('releases/*.yaml');
      expect(sandbox.status(dir)).toEqual([' M releases/payments-api.yaml']);
    });

    test("records the message as given, in UTF-8, whatever the clone's configuration says of messages", async () => {
      // GIVEN a clone configured to label messages Latin-1 and strip lines that begin with `#`
      sandbox.git(dir, 'config', 'i18n.commitEncoding', 'ISO-8859-1');
      sandbox.git(dir, 'config', 'commit.cleanup', 'strip');
      const repo = await GitOpsRepository.open(dir);
      sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');

      // WHEN
      await repo.commit({
        paths: ['releases'],
        message: '#42 Promote payments-api, approved by José\n\n# not a comment',
        trailers: { 'Cdk8s-Gitops-Approved-By': 'José' },
      });

      // THEN the commit holds the message whole, as UTF-8 with no other encoding named
      const commit = execFileSync('git', ['cat-file', 'commit', 'HEAD'], { cwd: dir });
      expect(commit.toString('latin1')).not.toMatch(/^encoding /m);
      expect(commit.toString('utf8')).toContain(
        '\n\n#42 Promote payments-api, approved by José\n\n# not a comment\n\nCdk8s-Gitops-Approved-By: José\n',
      );
    });

    describe('commits the bytes the work tree holds, or nothing', () => {
      const FILES = ['environments/prod/values.yaml', 'releases/ledger-api.yaml', 'releases/payments-api.yaml'];
      /** A filter driver the machine's configuration names (as Git LFS installs `filter.lfs`), and files a commit changes. */
      function withFilter(): void {
        sandbox.git(dir, 'config', 'filter.shout.clean', 'tr a-z A-Z');
        sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');
        sandbox.write(dir, 'releases/ledger-api.yaml', 'prod: sha256:2\n');
        sandbox.write(dir, 'environments/prod/values.yaml', 'replicas: 3\n');
        sandbox.write(dir, 'STATUS.md', '# status\n');
      }

      test.each([
        ['a filter driver', '*.yaml filter=shout\n', 'filter=shout'],
        ['a working-tree encoding', '*.yaml working-tree-encoding=UTF-16\n', 'working-tree-encoding=UTF-16'],
        ['ident', '*.yaml ident\n', 'ident'],
      ])('refuses files that %s changes as git commits them (CG522); the index and HEAD stay', async (_, attributes, named) => {
        // GIVEN a committed .gitattributes that gives YAML files the attribute
        sandbox.write(dir, '.gitattributes', attributes);
        sandbox.git(dir, 'add', '.gitattributes');
        sandbox.git(dir, 'commit', '--quiet', '-m', 'attributes');
        withFilter();
        const head = sandbox.git(dir, 'rev-parse', 'HEAD');
        const repo = await GitOpsRepository.open(dir);

        // WHEN / THEN
        let error: unknown;
        await repo.commit({ paths: ['releases', 'environments', 'STATUS.md'], message: 'Synthesize' }).catch((e) => (error = e));
        expect(error).toBeInstanceOf(GitOpsError);
        const [p] = (error as GitOpsError).problems;
        expect(p.code).toBe('CG522');
        const listed = FILES.map((f) => `"${f}" (${named})`).join(', ');
        expect(p.message).toContain(
          `for ${FILES.length} file(s) in "${fs.realpathSync(dir)}", by their attributes or Git's configuration: ${listed}. Nothing was committed.`,
        );
        const unset = named.replace(/=.*/, '');
        expect(p.fix).toContain(`\`/environments/** -${unset}\`, \`/releases/** -${unset}\``);
        expect(sandbox.git(dir, 'rev-parse', 'HEAD')).toBe(head);
        expect(sandbox.git(dir, 'diff', '--cached', '--name-only')).toBe('');
        expect(sandbox.read(dir, 'releases/payments-api.yaml')).toBe('prod: sha256:2\n');
      });

      test.each([
        ['an attribute', (d: string) => fs.writeFileSync(path.join(d, '.git', 'info', 'attributes'), '*.yaml text eol=crlf\n'), 'eol=crlf'],
        ['the clone', (d: string) => sandbox.git(d, 'config', 'core.autocrlf', 'true'), 'core.autocrlf=true'],
      ])('refuses files whose line ends %s has Git check out as CRLF (CG522); with -text for them, commits', async (_, convert, named) => {
        // GIVEN
        convert(dir);
        withFilter();
        const head = sandbox.git(dir, 'rev-parse', 'HEAD');
        const repo = await GitOpsRepository.open(dir);
        const paths = ['releases', 'environments'];

        // WHEN / THEN
        let error: unknown;
        await repo.commit({ paths, message: 'Synthesize' }).catch((e) => (error = e));
        const [p] = (error as GitOpsError).problems;
        expect(p.code).toBe('CG522');
        expect(p.message).toContain(`by their attributes or Git's configuration: ${FILES.map((f) => `"${f}" (${named})`).join(', ')}.`);
        expect(p.fix).toContain('`/environments/** -text`, `/releases/** -text`.');
        expect(sandbox.git(dir, 'rev-parse', 'HEAD')).toBe(head);

        // WHEN the lines of the fix are added
        fs.appendFileSync(path.join(dir, '.git', 'info', 'attributes'), '/environments/** -text\n/releases/** -text\n');
        await repo.commit({ paths, message: 'Synthesize' });

        // THEN
        expect(sandbox.git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n')).toEqual(FILES);
      });

      test('a deletion under such an attribute is committed: it commits no bytes', async () => {
        // GIVEN a filter driver on a committed file, which is deleted
        sandbox.write(dir, 'releases/gone.yaml', 'prod: sha256:1\n');
        sandbox.git(dir, 'add', '--all');
        sandbox.git(dir, 'commit', '--quiet', '-m', 'gone.yaml');
        sandbox.git(dir, 'config', 'filter.shout.clean', 'tr a-z A-Z');
        fs.writeFileSync(path.join(dir, '.git', 'info', 'attributes'), '/releases/gone.yaml filter=shout\n');
        fs.rmSync(path.join(dir, 'releases/gone.yaml'));
        const repo = await GitOpsRepository.open(dir);

        // WHEN
        await repo.commit({ paths: ['releases'], message: 'Remove gone.yaml' });

        // THEN
        expect(sandbox.git(dir, 'show', '--name-status', '--format=', 'HEAD')).toBe('D\treleases/gone.yaml');
      });

      test('an attribute from .git/info/attributes counts; unset for the files, as the fix says, they are committed byte for byte', async () => {
        // GIVEN
        fs.writeFileSync(path.join(dir, '.git', 'info', 'attributes'), '* filter=shout\n');
        withFilter();
        const repo = await GitOpsRepository.open(dir);
        const paths = ['releases', 'environments', 'STATUS.md'];
        let error: unknown;
        await repo.commit({ paths, message: 'Synthesize' }).catch((e) => (error = e));
        expect((error as GitOpsError).problems[0].fix).toContain(
          '`/STATUS.md -filter`, `/environments/** -filter`, `/releases/** -filter`.',
        );

        // WHEN the lines of the fix are added (later lines win)
        fs.appendFileSync(
          path.join(dir, '.git', 'info', 'attributes'),
          '/STATUS.md -filter\n/environments/** -filter\n/releases/** -filter\n',
        );
        await repo.commit({ paths, message: 'Synthesize' });

        // THEN
        expect(sandbox.git(dir, 'show', 'HEAD:releases/payments-api.yaml')).toBe('prod: sha256:2');
        expect(sandbox.git(dir, 'show', 'HEAD:STATUS.md')).toBe('# status');
        // The README, not the commit's, keeps its filter: git finds it changed, and it was left alone.
        expect(sandbox.status(dir)).toEqual([' M README.md']);
        expect(sandbox.git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n')).toEqual([
          'STATUS.md',
          'environments/prod/values.yaml',
          'releases/ledger-api.yaml',
          'releases/payments-api.yaml',
        ]);
      });
    });

    test('fails when nothing under the paths changed', async () => {
      // GIVEN
      const repo = await GitOpsRepository.open(dir);
      sandbox.write(dir, 'README.md', 'changed, but not under the paths\n');

      // WHEN / THEN
      await expect(repo.commit({ paths: ['releases'], message: 'Nothing' })).rejects.toThrow(
        /CG506 Nothing to commit under "releases" in ".*workspace": those files match HEAD\./,
      );
      expect(sandbox.git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    });

    test('fails when a path leaves the repository', async () => {
      // GIVEN
      const repo = await GitOpsRepository.open(dir);

      // WHEN / THEN
      await expect(repo.commit({ paths: ['../remote.git'], message: 'Escape' })).rejects.toThrow(
        /CG512 Path "..\/remote.git" is outside the repository/,
      );
      await expect(repo.changedFiles(['.git/config'])).rejects.toThrow(/CG512 Path ".git\/config" is inside .git/);
      await expect(repo.changedFiles(['/etc'])).rejects.toThrow(GitOpsError);
    });

    test('makes the first commit of an empty repository', async () => {
      // GIVEN
      const fresh = sandbox.init('fresh');
      sandbox.write(fresh, 'releases/payments-api.yaml', 'prod: sha256:1\n');
      sandbox.write(fresh, 'scratch.txt', 'not mine\n');
      const repo = await GitOpsRepository.open(fresh);

      // WHEN
      const sha = await repo.commit({ paths: ['releases'], message: 'Initial release ledger' });

      // THEN
      expect(sha).toBe(sandbox.git(fresh, 'rev-parse', 'HEAD'));
      expect(sandbox.git(fresh, 'show', '--name-only', '--format=', 'HEAD')).toBe('releases/payments-api.yaml');
      expect(sandbox.status(fresh)).toEqual(['?? scratch.txt']);
    });
  });

  test('creates, checks out and moves branches', async () => {
    // GIVEN
    const repo = await GitOpsRepository.open(dir);
    const first = await repo.headSha();

    // WHEN
    await repo.createBranch('promote/payments-api/prod/2e8f1a31');
    await repo.checkout('promote/payments-api/prod/2e8f1a31');
    sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');
    const second = await repo.commit({ paths: ['releases'], message: 'Promote' });

    // THEN
    expect(await repo.currentBranch()).toBe('promote/payments-api/prod/2e8f1a31');
    expect(await repo.isAncestor(first, second)).toBe(true);
    expect(await repo.isAncestor(second, first)).toBe(false);
    await repo.moveTo(first);
    expect(await repo.headSha()).toBe(first);
    expect(await repo.isClean()).toBe(true);
    await expect(repo.createBranch('bad name')).rejects.toThrow(/CG514 "bad name" is not a valid branch name/);
  });

  test('discards changes under the paths only, keeping listed untracked files', async () => {
    // GIVEN
    const repo = await GitOpsRepository.open(dir);
    sandbox.write(dir, 'releases/payments-api.yaml', 'prod: sha256:2\n');
    sandbox.git(dir, 'add', 'releases/payments-api.yaml');
    fs.rmSync(path.join(dir, 'releases/ledger-api.yaml'));
    sandbox.write(dir, 'releases/new.yaml', 'new\n');
    sandbox.write(dir, 'releases/keep.yaml', 'keep\n');
    sandbox.write(dir, 'README.md', 'not under the paths\n');

    // WHEN
    await repo.discardChanges(['releases'], new Set(['releases/keep.yaml']));

    // THEN
    expect(sandbox.status(dir)).toEqual([' M README.md', '?? releases/keep.yaml']);
    expect(sandbox.read(dir, 'releases/payments-api.yaml')).toBe('prod: sha256:1\n');
  });
});
