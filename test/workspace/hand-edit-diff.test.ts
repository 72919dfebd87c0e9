import { handEditDiff } from '../../src/workspace/hand-edit-diff';

describe('handEditDiff', () => {
  test('is the unified diff from what cdk8s-gitops writes to what the checkout holds', () => {
    expect(handEditDiff('values.yaml', 'a: 1\nb: 2\nc: 3\n', 'a: 1\nb: 5\nc: 3\n')).toBe(
      ['--- a/values.yaml', '+++ b/values.yaml', '@@ -1,3 +1,3 @@', ' a: 1', '-b: 2', '+b: 5', ' c: 3', ''].join('\n'),
    );
  });

  test('is undefined for equal texts', () => {
    expect(handEditDiff('values.yaml', 'a: 1\n', 'a: 1\n')).toBeUndefined();
  });

  test.each([
    ['a key that names a secret', '  password: hunter2'],
    ['an env value that looks random', '    value: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA7x'],
    ['a URL with a password', '  url: postgres://admin:s3cret@db:5432/app'],
    ['a private key', '  key: -----BEGIN RSA PRIVATE KEY-----'],
  ])('never shows %s, only that a line is there', (_, line) => {
    const diff = handEditDiff('values.yaml', 'a: 1\n', `a: 1\n${line}\n`)!;
    expect(diff).toContain('+(a line that may hold a secret: not shown)\n');
    expect(diff).not.toContain(line.trim().split(': ')[1]!);
  });

  test.each([
    ['the value of an env entry named like a secret', '- name: DB_PASSWORD\n  value: correct-horse-battery', 'correct-horse'],
    ['a flow-style list', 'env: [{name: DB_PASSWORD, value: correct-horse-battery}]', 'correct-horse'],
    ['JSON on one line', '{"db": {"password": "correct-horse-battery"}}', 'correct-horse'],
    ['a block scalar under a secret', 'password: |\n  correct-horse-battery', 'correct-horse'],
    ['a block scalar under any key', 'config: |\n  api.token = "correct-horse-battery"', 'correct-horse'],
    ['a quoted key', '"db password": correct-horse-battery', 'correct-horse'],
    ['a complex key', '? secret\n: correct-horse-battery', 'correct-horse'],
    ['a map under credentials', 'credentials:\n  user: admin\n  pw: correct-horse-battery', 'correct-horse'],
    ['a DSN', 'dsn: host=db user=app password=correct-horse-battery', 'correct-horse'],
    ['an argument list', 'args: ["--password", "correct-horse-battery"]', 'correct-horse'],
  ])('never shows %s', (_, added, secret) => {
    const diff = handEditDiff('values.yaml', 'a: 1\n', `a: 1\n${added}\n`)!;
    expect(diff).not.toContain(secret);
    expect(diff).toContain('(a line that may hold a secret: not shown)');
  });

  test('never shows a word added inside a block scalar that starts above the hunk', () => {
    const written = `config: |\n${Array.from({ length: 10 }, (_, i) => `  line${i}`).join('\n')}\n`;
    const found = written.replace('  line8\n', '  line8\n  hunter2\n');
    const diff = handEditDiff('values.yaml', written, found)!;
    expect(diff).not.toContain('hunter2');
    expect(diff).toContain('+(a line that may hold a secret: not shown)\n');
  });

  test('shows digests, commit SHAs, numbers and plain names that were added', () => {
    const shown = [
      'digest: sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912',
      'targetRevision: 0e5d8c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d',
      'replicaCount: 5',
      'host: payments.prod.eu.example.com',
    ];
    const diff = handEditDiff('values.yaml', 'a: 1\n', `a: 1\n${shown.join('\n')}\n`)!;
    for (const line of shown) expect(diff).toContain(`+${line}\n`);
  });

  test('stops after 200 lines and counts the rest', () => {
    const many = Array.from({ length: 300 }, (_, i) => `k${i}: ${i}`).join('\n');
    const diff = handEditDiff('values.yaml', '', `${many}\n`)!.split('\n');
    expect(diff).toHaveLength(2 + 200 + 2);
    expect(diff[202]).toBe('… 101 more lines');
  });

  test('says so when only the line endings differ (CRLF)', () => {
    expect(handEditDiff('values.yaml', 'a: 1\nb: 2\n', 'a: 1\r\nb: 2\r\n')).toBe(
      '--- a/values.yaml\n+++ b/values.yaml\n(only the line endings differ: the file has CRLF (\\r\\n) where cdk8s-gitops writes LF (\\n))\n',
    );
  });

  test('compares a CRLF file by its lines, screening them as any other', () => {
    const diff = handEditDiff('values.yaml', 'a: 1\nb: 2\nc: 3\n', 'a: 1\r\nb: 5\r\nc: 3\r\npassword: hunter2\r\n')!;
    expect(diff.split('\n')).toEqual([
      '--- a/values.yaml',
      '+++ b/values.yaml',
      '(line endings: the file has CRLF where cdk8s-gitops writes LF; the lines are compared without them)',
      '@@ -1,3 +1,4 @@',
      ' a: 1',
      '-b: 2',
      '+b: 5',
      ' c: 3',
      '+(a line that may hold a secret: not shown)',
      '',
    ]);
  });

  test('does not compare a binary file or one larger than 1 MiB line by line, and says so', () => {
    expect(handEditDiff('values.yaml', 'a: 1\n', 'a: 1\n\u0000\u0001PNG')).toBe(
      '--- a/values.yaml\n+++ b/values.yaml\n(binary content: not shown)\n',
    );
    expect(handEditDiff('values.yaml', 'a: 1\n', `a: ${'x'.repeat(1024 * 1024)}\n`)).toBe(
      '--- a/values.yaml\n+++ b/values.yaml\n(not compared line by line: larger than 1 MiB)\n',
    );
  });
});
