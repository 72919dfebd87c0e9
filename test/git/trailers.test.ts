import { execFileSync } from 'child_process';
import * as fc from 'fast-check';
import { GitOpsError } from '../../src/core/errors';
import {
  appendTrailers,
  formatTrailers,
  gitopsTrailers,
  Operation,
  parseTrailers,
  releaseParagraphs,
  releaseTrailers,
  TrailerKey,
  withCommitTrailer,
} from '../../src/workspace/git/trailers';

describe('trailers', () => {
  test('formats one line per value, repeating keys, in the order given', () => {
    // GIVEN
    const trailers = gitopsTrailers({
      services: ['payments-api', 'ledger-api'],
      rings: ['prod'],
      digests: ['sha256:2e8f1a31'],
      promotedBy: 'ci/payments#1234',
      programCommit: '0123456789abcdef',
      operation: Operation.PROMOTE,
    });

    // WHEN
    const block = formatTrailers(trailers);

    // THEN
    expect(block).toBe(
      [
        'Cdk8s-Gitops-Operation: promote',
        'Cdk8s-Gitops-Service: payments-api',
        'Cdk8s-Gitops-Service: ledger-api',
        'Cdk8s-Gitops-Ring: prod',
        'Cdk8s-Gitops-Digest: sha256:2e8f1a31',
        'Cdk8s-Gitops-Promoted-By: ci/payments#1234',
        'Cdk8s-Gitops-Program-Commit: 0123456789abcdef',
      ].join('\n'),
    );
  });

  test('round-trips through a message with a subject and a body', () => {
    // GIVEN
    const trailers = {
      [TrailerKey.SERVICE]: ['payments-api', 'ledger-api'],
      [TrailerKey.RING]: ['canary', 'prod'],
      [TrailerKey.APPROVED_BY]: ['alice@example.com'],
      'Signed-off-by': ['CI Bot <ci@example.com>'],
    };

    // WHEN
    const message = appendTrailers('Promote payments-api\n\nMoves the digest: ring by ring.', trailers);

    // THEN
    expect(message).toBe(
      [
        'Promote payments-api',
        '',
        'Moves the digest: ring by ring.',
        '',
        'Cdk8s-Gitops-Service: payments-api',
        'Cdk8s-Gitops-Service: ledger-api',
        'Cdk8s-Gitops-Ring: canary',
        'Cdk8s-Gitops-Ring: prod',
        'Cdk8s-Gitops-Approved-By: alice@example.com',
        'Signed-off-by: CI Bot <ci@example.com>',
      ].join('\n'),
    );
    expect(parseTrailers(message)).toEqual(trailers);
  });

  test('joins an existing trailer block instead of starting a new paragraph', () => {
    // GIVEN
    const message = 'Synthesize platform\n\nSigned-off-by: Alice <alice@example.com>\n';

    // WHEN
    const out = appendTrailers(message, { [TrailerKey.OPERATION]: Operation.SYNTH });

    // THEN
    expect(out).toBe('Synthesize platform\n\nSigned-off-by: Alice <alice@example.com>\nCdk8s-Gitops-Operation: synth');
  });

  test('a commit of several releases has a paragraph of trailers each, which read back as its releases', () => {
    // GIVEN the releases of two services, one with a chart, the other in two rings of different digests
    const paragraphs = releaseParagraphs({ operation: Operation.SYNTH, promotedBy: 'alice' }, [
      { service: 'otel', rings: ['dev'], digests: ['sha256:1'], chart: '1.0.0' },
      { service: 'web', rings: ['dev'], digests: ['sha256:a'] },
      { service: 'web', rings: ['prod'], digests: ['sha256:2'] },
    ]);

    // WHEN
    const message = appendTrailers(
      'Synthesize the platform program\n\nServices: otel, web',
      withCommitTrailer(paragraphs, TrailerKey.PROPOSED, 'mr'),
    );

    // THEN each is a paragraph of its own, the branch of a merge request in the last (the block git reads)
    expect(message).toBe(
      [
        'Synthesize the platform program',
        '',
        'Services: otel, web',
        '',
        'Cdk8s-Gitops-Operation: synth',
        'Cdk8s-Gitops-Service: otel',
        'Cdk8s-Gitops-Ring: dev',
        'Cdk8s-Gitops-Digest: sha256:1',
        'Cdk8s-Gitops-Chart-Revision: 1.0.0',
        'Cdk8s-Gitops-Promoted-By: alice',
        '',
        'Cdk8s-Gitops-Operation: synth',
        'Cdk8s-Gitops-Service: web',
        'Cdk8s-Gitops-Ring: dev',
        'Cdk8s-Gitops-Digest: sha256:a',
        'Cdk8s-Gitops-Promoted-By: alice',
        '',
        'Cdk8s-Gitops-Operation: synth',
        'Cdk8s-Gitops-Service: web',
        'Cdk8s-Gitops-Ring: prod',
        'Cdk8s-Gitops-Digest: sha256:2',
        'Cdk8s-Gitops-Promoted-By: alice',
        'Cdk8s-Gitops-Proposed-On: mr',
      ].join('\n'),
    );
    expect(releaseTrailers(message)).toEqual([...paragraphs.slice(0, 2), { ...paragraphs[2], [TrailerKey.PROPOSED]: ['mr'] }]);
    expect(parseTrailers(message)[TrailerKey.PROPOSED]).toEqual(['mr']);
  });

  test('a commit of one release, or of none, has one paragraph of trailers, which joins a trailer block of the message', () => {
    // GIVEN / WHEN
    const one = releaseParagraphs({ operation: Operation.UNHOLD, promotedBy: 'bob' }, [{ service: 'web', rings: ['prod'], digests: [] }]);
    const none = releaseParagraphs({ operation: Operation.SYNTH }, []);

    // THEN
    expect(one).toEqual([gitopsTrailers({ operation: Operation.UNHOLD, services: ['web'], rings: ['prod'], promotedBy: 'bob' })]);
    expect(none).toEqual([gitopsTrailers({ operation: Operation.SYNTH })]);
    expect(appendTrailers('Tidy up\n\nSigned-off-by: Alice <alice@example.com>', none)).toBe(
      'Tidy up\n\nSigned-off-by: Alice <alice@example.com>\nCdk8s-Gitops-Operation: synth',
    );
  });

  test('reads no trailers from the subject or from a prose paragraph', () => {
    expect(parseTrailers('Cdk8s-Gitops-Ring: prod')).toEqual({});
    expect(parseTrailers('Subject\n\nCdk8s-Gitops-Ring: prod\nbecause prod needed it')).toEqual({});
    expect(parseTrailers('Subject\n\nCdk8s-Gitops-Ring: prod\n\nA closing paragraph.')).toEqual({});
  });

  test('unfolds continuation lines and spells known keys our way whatever their case', () => {
    // GIVEN
    const message = 'Subject\n\ncdk8s-gitops-ring: prod\nCDK8S-GITOPS-PROMOTED-BY: Alice\n  and Bob\nX-Other :  kept as written \n';

    // WHEN
    const trailers = parseTrailers(message);

    // THEN
    expect(trailers).toEqual({
      'Cdk8s-Gitops-Ring': ['prod'],
      'Cdk8s-Gitops-Promoted-By': ['Alice and Bob'],
      'X-Other': ['kept as written'],
    });
  });

  test.each([
    ['a key with a space', { 'Cdk8s Ring': 'prod' }, /Trailer key "Cdk8s Ring" is not a git trailer key/],
    ['an empty value', { [TrailerKey.RING]: '  ' }, /Trailer "Cdk8s-Gitops-Ring" has value " {2}", which is empty/],
    ['a multi-line value', { [TrailerKey.RING]: 'prod\nstaging' }, /has value "prod\\nstaging", which is on several lines/],
  ])('fails when given %s', (_name, trailers, expected) => {
    // WHEN
    const act = (): string => appendTrailers('Subject', trailers);

    // THEN
    expect(act).toThrow(GitOpsError);
    expect(act).toThrow(expected);
    expect(act).toThrow(/CG510/);
  });

  test('fails when the message is empty', () => {
    expect(() => appendTrailers('  \n', { [TrailerKey.RING]: 'prod' })).toThrow(/CG510 The commit message is empty/);
  });

  test('reads trailers as git interpret-trailers --parse does', () => {
    // GIVEN
    const messages = [
      'Subject\n\nBody line.\n\nCdk8s-Gitops-Service: a\nCdk8s-Gitops-Service: b\nCdk8s-Gitops-Ring: prod\n',
      'Subject\n\nKey: value\n  continued here\nOther-Key:tight\n',
      'Subject\n\nSome prose that mentions\nSigned-off-by: Alice <a@example.com>\nand more prose\n',
      'Subject only: not a trailer\n',
      'Subject\n\nNot: a trailer\n\nClosing prose.\n',
    ];

    for (const message of messages) {
      // WHEN
      const ours = parseTrailers(message);
      const gits = execFileSync('git', ['interpret-trailers', '--parse'], { input: message, encoding: 'utf-8' });

      // THEN
      const expected: Record<string, string[]> = {};
      for (const line of gits.split('\n').filter((l) => l !== '')) {
        const colon = line.indexOf(':');
        (expected[line.slice(0, colon)] ??= []).push(line.slice(colon + 1).trim());
      }
      expect(ours).toEqual(expected);
    }
  });

  test('round-trips any one-line values', () => {
    const key = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,20}$/);
    const value = fc
      .string({ minLength: 1, maxLength: 40 })
      .map((s) => s.replace(/[\r\n]/g, ' ').trim())
      .filter((s) => s !== '');
    fc.assert(
      fc.property(fc.dictionary(key, fc.array(value, { minLength: 1, maxLength: 3 }), { minKeys: 1, maxKeys: 5 }), (trailers) => {
        // keys differing only in case would merge; keep one spelling per key
        const seen = new Set<string>();
        const unique = Object.fromEntries(
          Object.entries(trailers).filter(([k]) => !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase())),
        );
        const parsed = parseTrailers(appendTrailers('Subject\n\nBody.', unique));
        expect(Object.values(parsed)).toEqual(Object.values(unique));
      }),
    );
  });
});
