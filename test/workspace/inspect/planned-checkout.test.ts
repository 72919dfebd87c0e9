import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileKind, FileTree } from '../../../src/synth/file-tree';
import { directoriesOf } from '../../../src/workspace/inspect/checkout';
import { CheckoutReader, PendingWrite, writeKeepsApplications } from '../../../src/workspace/inspect/planned-checkout';

const SET = (name: string, path = 'apps/*'): string => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}
  namespace: argocd
spec:
  generators:
    - git:
        repoURL: https://git.example.com/gitops.git
        revision: main
        directories:
          - path: '${path}'
  template:
    metadata:
      name: '{{path.basename}}'
    spec:
      project: default
      destination:
        name: in-cluster
        namespace: apps
      source:
        repoURL: https://git.example.com/gitops.git
        targetRevision: main
        path: '{{path.path}}'
`;

/** A tree of values files at `paths`, and ApplicationSet files at `sets`. */
function treeOf(paths: readonly string[], sets: Record<string, string> = {}): FileTree {
  const tree = new FileTree();
  for (const p of paths) tree.addText(p, FileKind.VALUES, 'platform', 'replicaCount: 1\n');
  for (const [p, text] of Object.entries(sets)) tree.addText(p, FileKind.APPLICATION_SET, 'platform', text);
  return tree;
}

/** A write that creates `created` (files of the tree not on disk) and deletes `deletes`. */
function writeOf(created: readonly string[], deletes: readonly string[] = []): PendingWrite {
  return { writes: new Map(created.map((p) => [p, { text: '', existed: false }])), deletes };
}

/** A checkout holding `files`. */
function readerOf(files: Record<string, string> = {}): CheckoutReader {
  return (file) => files[file];
}

function keeps(tree: FileTree, write: PendingWrite, read: CheckoutReader = readerOf()): boolean {
  return writeKeepsApplications(tree, tree.paths(), write, read);
}

describe('writeKeepsApplications', () => {
  it('keeps Applications when the write creates and deletes nothing', () => {
    expect(keeps(treeOf(['apps/a/values.yaml']), writeOf([]))).toBe(true);
  });

  it('keeps Applications when a created file goes into a directory that holds a file now', () => {
    expect(keeps(treeOf(['apps/a/values.yaml', 'apps/a/extra.yaml']), writeOf(['apps/a/extra.yaml']))).toBe(true);
  });

  it('changes Applications when a created file makes a directory', () => {
    expect(keeps(treeOf(['apps/a/values.yaml', 'apps/b/values.yaml']), writeOf(['apps/b/values.yaml']))).toBe(false);
  });

  it('changes Applications when a created file makes a directory below one that holds a file now', () => {
    expect(keeps(treeOf(['apps/a/values.yaml', 'apps/a/b/values.yaml']), writeOf(['apps/a/b/values.yaml']))).toBe(false);
  });

  it('keeps Applications when a deleted file leaves a directory that still holds a file', () => {
    expect(keeps(treeOf(['apps/a/values.yaml']), writeOf([], ['apps/a/old.txt']))).toBe(true);
  });

  it('changes Applications when a deleted file takes its directory with it', () => {
    expect(keeps(treeOf(['apps/a/values.yaml']), writeOf([], ['apps/b/values.yaml']))).toBe(false);
  });

  it('does not count files in hidden directories, which Argo CD does not see', () => {
    expect(keeps(treeOf(['apps/a/values.yaml', 'apps/.b/values.yaml']), writeOf(['apps/.b/values.yaml']))).toBe(true);
    expect(keeps(treeOf(['apps/a/values.yaml', 'apps/b/.keep', 'apps/b/values.yaml']), writeOf(['apps/b/values.yaml']))).toBe(false);
  });

  it('changes Applications when a deleted file holds an ApplicationSet', () => {
    const tree = treeOf(['apps/a/values.yaml', 'sets/main.yaml']);
    expect(keeps(tree, writeOf([], ['sets/old.yaml']), readerOf({ 'sets/old.yaml': SET('old') }))).toBe(false);
    expect(keeps(tree, writeOf([], ['sets/old.yaml']), readerOf({ 'sets/old.yaml': 'kind: ConfigMap\n' }))).toBe(true);
  });

  it('compares the ApplicationSets of the tree with what the checkout holds at their paths', () => {
    const tree = treeOf(['apps/a/values.yaml'], { 'sets/apps.yaml': SET('apps') });
    // the same text, the same objects written otherwise, another object, and no file
    expect(keeps(tree, writeOf([]), readerOf({ 'sets/apps.yaml': SET('apps') }))).toBe(true);
    expect(keeps(tree, writeOf([]), readerOf({ 'sets/apps.yaml': `# edited\n${SET('apps')}` }))).toBe(true);
    expect(keeps(tree, writeOf([]), readerOf({ 'sets/apps.yaml': SET('apps', 'apps/*/*') }))).toBe(false);
    expect(keeps(tree, writeOf(['sets/apps.yaml']))).toBe(false);
  });
});

/** Paths of up to three segments from a small alphabet, hidden ones included. */
const aPath = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '.c'), { minLength: 1, maxLength: 3 }), fc.constantFrom('f.txt', 'g.txt'))
  .map(([dirs, file]) => `${dirs.join('/')}/${file}`);

describe('writeKeepsApplications (property)', () => {
  it('keeps Applications exactly when the owned directories before and after are the same', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(aPath, { maxLength: 8 }),
        fc.uniqueArray(aPath, { maxLength: 4 }),
        fc.infiniteStream(fc.boolean()),
        (paths, others, coin) => {
          const created = paths.filter(() => coin.next().value);
          const deletes = others.filter((p) => !paths.includes(p));
          const visible = (ps: readonly string[]): string[] => ps.filter((p) => !p.split('/').some((s) => s.startsWith('.')));
          const before = directoriesOf(visible([...paths.filter((p) => !created.includes(p)), ...deletes]));
          const after = directoriesOf(visible(paths));
          expect(keeps(treeOf(paths), writeOf(created, deletes))).toBe(JSON.stringify(before) === JSON.stringify(after));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("writeKeepsApplications with an ApplicationSet written by hand beside the program's", () => {
  // Argo CD's git files generator reads the files' text (a values file the write changes), and
  // the root Application applies every ApplicationSet of the directory, the hand-written too.
  const FILES_SET = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: by-hand
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://git.example.com/gitops.git
        revision: main
        files:
          - path: 'apps/*/values.yaml'
  template:
    metadata:
      name: 'by-hand-{{ .replicaCount }}'
    spec:
      project: default
      destination:
        name: in-cluster
        namespace: apps
      source:
        repoURL: https://git.example.com/gitops.git
        targetRevision: main
        path: '{{ .path.path }}'
`;
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-keeps-'));
    fs.mkdirSync(path.join(dir, 'applicationsets/prod'), { recursive: true });
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The program's tree: a values file the write changes, and its ApplicationSet file. */
  function changedValues(): { tree: FileTree; write: PendingWrite } {
    const tree = treeOf(['apps/a/values.yaml'], { 'applicationsets/prod/apps.yaml': SET('apps') });
    const write: PendingWrite = { writes: new Map([['apps/a/values.yaml', { text: 'replicaCount: 2\n', existed: true }]]), deletes: [] };
    return { tree, write };
  }

  it('looks at the write whole when the hand-written ApplicationSet reads files', () => {
    // GIVEN a hand-written ApplicationSet whose git files generator reads the values file the write changes
    fs.writeFileSync(path.join(dir, 'applicationsets/prod/by-hand.yaml'), FILES_SET);
    const { tree, write } = changedValues();
    const read = readerOf({ 'applicationsets/prod/apps.yaml': SET('apps') });
    // WHEN the fast path is asked with the checkout
    // THEN it does not say the Applications are kept (without the checkout it cannot know)
    expect(writeKeepsApplications(tree, tree.paths(), write, read, dir)).toBe(false);
    expect(writeKeepsApplications(tree, tree.paths(), write, read)).toBe(true);
  });

  it('keeps the fast path when the hand-written ApplicationSet reads only directories', () => {
    // GIVEN a hand-written ApplicationSet of a git directory generator
    fs.writeFileSync(path.join(dir, 'applicationsets/prod/by-hand.yaml'), SET('by-hand', 'other/*'));
    const { tree, write } = changedValues();
    // WHEN the fast path is asked with the checkout
    // THEN the Applications are kept
    expect(writeKeepsApplications(tree, tree.paths(), write, readerOf({ 'applicationsets/prod/apps.yaml': SET('apps') }), dir)).toBe(true);
  });
});
