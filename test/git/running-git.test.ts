import { spawn, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gitProcessesIn } from '../../src/workspace/git/running-git';

const HAS_PROC = fs.existsSync('/proc/self/cwd');

describe('gitProcessesIn', () => {
  let root: string;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-running-git-')));
    for (const name of ['repo', 'repo-other']) execFileSync('git', ['init', '--quiet', path.join(root, name)]);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('cannot tell without a process table', () => {
    expect(gitProcessesIn(path.join(root, 'repo'), path.join(root, 'no-proc'))).toBeUndefined();
  });

  (HAS_PROC ? test : test.skip)('names a git command working in the work tree, and none of another beside it', async () => {
    // GIVEN a git command that waits for its input, started from elsewhere with -C
    const git = spawn('git', ['-C', path.join(root, 'repo'), 'cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      let found: number[] | undefined = [];
      for (let i = 0; i < 100 && !found?.includes(git.pid!); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        found = gitProcessesIn(path.join(root, 'repo'));
      }
      // THEN it is found in its work tree, not in the one whose name begins alike
      expect(found).toContain(git.pid);
      expect(gitProcessesIn(path.join(root, 'repo-other'))).not.toContain(git.pid);
    } finally {
      git.kill('SIGKILL');
    }
  });
});
