import fc from 'fast-check';
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
