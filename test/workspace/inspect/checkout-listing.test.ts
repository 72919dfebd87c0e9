import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { argoDirectoriesOf, listCheckout } from '../../../src/workspace/inspect/checkout-listing';
import { compareGoStrings } from '../../../src/preview/go-strings';
import { removeCheckout, synthesizedCheckout } from '../../synth/example-checkout';

/** Writes `text` at `file` below `dir`, creating its directories. */
function write(dir: string, file: string, text = 'x: 1\n'): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, stdio: 'pipe' });
}

describe('argoDirectoriesOf', () => {
  test('lists what GetGitDirectories lists: hidden entries make their parents directories, hidden directories are skipped', () => {
    // GIVEN a clone with a directory holding only .gitkeep, one holding only .config/app.yaml,
    // a .github directory, a link, a submodule and nested service directories
    const paths = [
      'keep-svc/.gitkeep',
      'conf-svc/.config/app.yaml',
      '.github/workflows/ci.yaml',
      'apps/link',
      'apps/sub/',
      'a/b/c.yaml',
      'a-b/x',
    ];
    // WHEN the directories are listed
    // THEN, in filepath.WalkDir's order (a, a/b before a-b), every directory not hidden and
    // nothing below a hidden one: keep-svc and conf-svc are listed, .github and conf-svc/.config are not
    expect(argoDirectoriesOf(paths)).toEqual(['a', 'a/b', 'a-b', 'apps', 'apps/sub', 'conf-svc', 'keep-svc']);
  });
});

describe('argoDirectoriesOf (property)', () => {
  /** Each path's directories one by one, in WalkDir's order: what it computes, written plainly. */
  function reference(paths: readonly string[]): string[] {
    const dirs = new Set<string>();
    for (const p of paths) {
      const segments = p.split('/');
      for (let i = 1; i < segments.length; i++) {
        if (segments[i - 1].startsWith('.') || segments[i - 1] === '') break;
        dirs.add(segments.slice(0, i).join('/'));
      }
    }
    const walk = (a: string, b: string): number => {
      const x = a.split('/');
      const y = b.split('/');
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return compareGoStrings(x[i], y[i]);
      return x.length - y.length;
    };
    return [...dirs].sort(walk);
  }
  const segment = fc.constantFrom('a', 'b', 'a-b', '.h', '', 'é', '\uD83D\uDE80', 'z');
  const pathOf = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

  test('lists the directories of any paths, in any order, as looking at each path on its own does', () => {
    fc.assert(
      fc.property(fc.array(pathOf, { maxLength: 30 }), fc.boolean(), (paths, sorted) => {
        const list = sorted ? [...paths].sort() : paths;
        expect(argoDirectoriesOf(list)).toEqual(reference(list));
      }),
      { numRuns: 500 },
    );
  });
});

describe('listCheckout', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-listing-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('walks a plain directory, hidden files included, .git left out', () => {
    // GIVEN a directory that is no Git repository, with a hidden-only directory and an empty one
    write(dir, 'keep-svc/.gitkeep', '');
    write(dir, 'web/values.yaml');
    fs.mkdirSync(path.join(dir, 'empty'));
    // WHEN it is listed
    const listing = listCheckout(dir);
    // THEN it is walked; keep-svc is a directory (Git would hold its .gitkeep); the empty one is not
    expect(listing).toEqual({
      source: 'filesystem',
      files: ['keep-svc/.gitkeep', 'web/values.yaml'],
      links: [],
      directories: ['keep-svc', 'web'],
      recorded: new Set(),
    });
  });

  test("never runs a program the checkout's Git configuration names (core.fsmonitor) while it lists", () => {
    // GIVEN a repository whose configuration names a program to run on every index read
    git(dir, 'init', '--quiet', '-b', 'main');
    write(dir, 'web/values.yaml');
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', 'web');
    const witness = path.join(dir, 'ran');
    git(dir, 'config', 'core.fsmonitor', `touch ${witness}; echo`);
    // WHEN it is listed
    const listing = listCheckout(dir);
    // THEN the files are listed and the program never ran
    expect(listing.files).toEqual(['web/values.yaml']);
    expect(fs.existsSync(witness)).toBe(false);
  });

  test('lists only what Git tracks in a Git work tree: untracked and ignored directories are absent', () => {
    // GIVEN a repository that tracks web and keep-svc (only a .gitkeep) and conf-svc (only
    // .config/app.yaml), ignores build/, and has an untracked scratch/ directory
    git(dir, 'init', '--quiet', '-b', 'main');
    write(dir, '.gitignore', 'build/\n');
    write(dir, 'web/values.yaml');
    write(dir, 'keep-svc/.gitkeep', '');
    write(dir, 'conf-svc/.config/app.yaml');
    write(dir, 'build/out/values.yaml');
    git(dir, 'add', '.');
    git(dir, 'commit', '--quiet', '-m', 'init');
    write(dir, 'scratch/values.yaml');
    // WHEN it is listed, with the directories the clone lacks
    const listing = listCheckout(dir, { absent: true });
    // THEN it is listed from the index: Argo CD's clone has no build/ (ignored) and no scratch/ (untracked)
    expect(listing).toEqual({
      source: 'git',
      files: ['.gitignore', 'conf-svc/.config/app.yaml', 'keep-svc/.gitkeep', 'web/values.yaml'],
      links: [],
      directories: ['conf-svc', 'keep-svc', 'web'],
      recorded: new Set(),
      // AND the directories on disk its clone lacks are named, build/out below build left out
      absent: ['build', 'scratch'],
      // AND the files on disk its clone lacks, one by one
      absentFiles: ['build/out/values.yaml', 'scratch/values.yaml'],
      // AND the links on disk (none here)
      diskLinks: [],
    });
  });

  test('lists what a checked-out submodule tracks, and a submodule not checked out as a directory', () => {
    // GIVEN a repository "lib" tracking svc-x/values.yaml, added as the submodules mods and
    // empty-mod of the checkout, and empty-mod's checkout removed (as in a clone without --recursive)
    const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-lib-'));
    try {
      git(lib, 'init', '--quiet', '-b', 'main');
      write(lib, 'svc-x/values.yaml');
      git(lib, 'add', '.');
      git(lib, 'commit', '--quiet', '-m', 'lib');
      git(dir, 'init', '--quiet', '-b', 'main');
      git(dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '--quiet', lib, 'mods');
      git(dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '--quiet', lib, 'empty-mod');
      git(dir, 'commit', '--quiet', '-m', 'submodules');
      git(dir, 'submodule', 'deinit', '--quiet', '--force', 'empty-mod');
      // WHEN it is listed
      const listing = listCheckout(dir);
      // THEN mods/svc-x is a directory (the repo server checks submodules out), and empty-mod
      // is an empty directory of the clone
      expect(listing.files).toEqual(['.gitmodules', 'mods/svc-x/values.yaml']);
      expect(listing.directories).toEqual(['empty-mod', 'mods', 'mods/svc-x']);
    } finally {
      fs.rmSync(lib, { recursive: true, force: true });
    }
  });

  test('never goes through a tracked directory that is a link on disk, and lists a tracked link as a link', () => {
    // GIVEN a repository tracking svc/values.yaml and a link to a directory, whose svc is then
    // replaced by a link to a directory outside the checkout
    git(dir, 'init', '--quiet', '-b', 'main');
    write(dir, 'svc/values.yaml');
    write(dir, 'real/values.yaml');
    fs.symlinkSync('real', path.join(dir, 'alias'));
    git(dir, 'add', '.');
    git(dir, 'commit', '--quiet', '-m', 'init');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-outside-'));
    try {
      write(outside, 'values.yaml');
      fs.rmSync(path.join(dir, 'svc'), { recursive: true });
      fs.symlinkSync(outside, path.join(dir, 'svc'));
      // WHEN it is listed
      const listing = listCheckout(dir);
      // THEN nothing below the link svc is listed (nothing outside the checkout is read), both
      // links are links, and a link is no directory (WalkDir does not follow it)
      expect(listing).toEqual({
        source: 'git',
        files: ['real/values.yaml'],
        links: ['alias', 'svc'],
        directories: ['real'],
        recorded: new Set(),
      });
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

test('a directory of many directories is listed, not looked at one by one: a link among them is still a link, never gone through', () => {
  // GIVEN a cluster directory of twelve service directories, the tenth replaced by a link to one outside
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-listing-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-outside-'));
  try {
    git(dir, 'init', '--quiet', '-b', 'main');
    const services = Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    for (const s of services) write(dir, `cluster/${s}/values.yaml`);
    git(dir, 'add', '.');
    git(dir, 'commit', '--quiet', '-m', 'init');
    write(outside, 'values.yaml');
    fs.rmSync(path.join(dir, 'cluster/svc-09'), { recursive: true });
    fs.symlinkSync(outside, path.join(dir, 'cluster/svc-09'));
    fs.rmSync(path.join(dir, 'cluster/svc-11'), { recursive: true });
    // WHEN it is listed
    const listing = listCheckout(dir);
    // THEN the link is a link, nothing below it is listed, and the missing directory lists nothing
    const kept = services.filter((s) => s !== 'svc-09' && s !== 'svc-11');
    expect(listing.links).toEqual(['cluster/svc-09']);
    expect(listing.files).toEqual(kept.map((s) => `cluster/${s}/values.yaml`));
    expect(listing.directories).toEqual(['cluster', ...kept.map((s) => `cluster/${s}`)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

describe('listCheckout: the files cdk8s-gitops recorded', () => {
  let dir: string;

  beforeEach(() => {
    dir = synthesizedCheckout();
  });

  afterEach(() => removeCheckout(dir));

  test('are the files its manifest records and the manifest itself', () => {
    // GIVEN the example synthesized into a plain directory
    // WHEN it is listed
    const { recorded, files } = listCheckout(dir);
    // THEN every file it wrote is recorded, the manifest too
    expect(recorded.has('.cdk8s-gitops/manifest.json')).toBe(true);
    expect(recorded.has('environments/prod/aws/eu-central-1-01/payments-api/values.yaml')).toBe(true);
    expect(files.filter((f) => !recorded.has(f))).toEqual([]);
  });

  test('are none once the manifest was edited by hand: a planted record counts for nothing', () => {
    // GIVEN the manifest with a record added by hand
    const file = path.join(dir, '.cdk8s-gitops/manifest.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    manifest.files['applicationsets/prod/values.yaml'] = manifest.files['environments/prod/aws/eu-central-1-01/payments-api/values.yaml'];
    fs.writeFileSync(file, JSON.stringify(manifest));
    // WHEN it is listed
    // THEN nothing is taken as recorded
    expect(listCheckout(dir).recorded).toEqual(new Set());
  });
});
