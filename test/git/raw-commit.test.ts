/**
 * Commits as their objects hold them: framed by size, headers apart from the message, decoded as
 * their `encoding` header says.
 */
import { parseCommit, splitBatch, subjectOf } from '../../src/workspace/git/raw-commit';

const TREE = 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const SIGNED = [
  TREE,
  'author Alice Example <alice@example.com> 1700000000 +0100',
  'committer CI Bot <ci@example.com> 1700000000 +0000',
  'gpgsig -----BEGIN PGP SIGNATURE-----',
  ' ',
  ' iQEzBAABCAAdFiEE',
  ' -----END PGP SIGNATURE-----',
  '',
  'Promote api to prod',
  '',
  'Cdk8s-Gitops-Service: api',
  '',
].join('\n');

describe('raw commits', () => {
  test('the headers end at the first empty line: a signature in them is not the message', () => {
    expect(parseCommit(Buffer.from(SIGNED))).toEqual({
      author: 'Alice Example',
      authorEmail: 'alice@example.com',
      message: 'Promote api to prod\n\nCdk8s-Gitops-Service: api\n',
    });
  });

  test('a message is decoded as the encoding header says; without one, as UTF-8', () => {
    const latin1 = Buffer.from(`${TREE}\nauthor Jos\xe9 <j@example.com> 1 +0000\nencoding ISO-8859-1\n\nCaf\xe9\n`, 'latin1');
    expect(parseCommit(latin1)).toMatchObject({ author: 'José', message: 'Café\n' });
    expect(parseCommit(Buffer.from(`${TREE}\nauthor José <j@example.com> 1 +0000\n\nCafé\n`))).toMatchObject({
      author: 'José',
      message: 'Café\n',
    });
    const unknown = Buffer.from(`${TREE}\nauthor J <j@example.com> 1 +0000\nencoding no-such-thing\n\nCafé\n`);
    expect(parseCommit(unknown).message).toBe('Café\n');
  });

  test('an object of batch output is framed by its size, whatever bytes it holds', () => {
    const commit = Buffer.from(`${TREE}\nauthor A <a@example.com> 1 +0000\n\nsubject\n\nfake\n0123 commit 5\nbody\n`);
    const out = Buffer.concat([
      Buffer.from(`${'a'.repeat(40)} commit ${commit.length}\n`),
      commit,
      Buffer.from(`\n${'b'.repeat(40)} missing\n${'c'.repeat(40)} blob 3\nabc\n`),
    ]);
    const objects = splitBatch(out);
    expect(objects).toHaveLength(3);
    expect(objects[0]!.equals(commit)).toBe(true);
    expect(objects.slice(1)).toEqual([undefined, undefined]);
  });

  test("a subject is git's: the first paragraph, its lines joined", () => {
    expect(subjectOf('Promote api\nto prod  \n\nbody\n')).toBe('Promote api to prod');
    expect(subjectOf('\n\nAfter blank lines\n')).toBe('After blank lines');
    expect(subjectOf('')).toBe('');
  });
});
