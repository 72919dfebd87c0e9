import { isDigest, isTag, shortDigest, versionFix, versionProblem } from '../../src/model/versions';

const DIGEST = 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912';

describe('isDigest', () => {
  test('accepts sha256 with 64 lowercase hex characters', () => {
    // GIVEN / WHEN / THEN
    expect(isDigest(DIGEST)).toBe(true);
  });

  test.each([
    ['upper-case hex', DIGEST.toUpperCase().replace('SHA256', 'sha256')],
    ['63 hex characters', DIGEST.slice(0, -1)],
    ['65 hex characters', `${DIGEST}0`],
    ['another algorithm', DIGEST.replace('sha256', 'sha512')],
    ['a tag', '1.4.2'],
    ['a number', 42],
  ])('refuses %s', (_what, value) => {
    // GIVEN / WHEN / THEN
    expect(isDigest(value)).toBe(false);
  });
});

describe('isTag', () => {
  test('accepts tags and refuses digests, spaces and leading dots', () => {
    // GIVEN / WHEN / THEN
    expect(isTag('1.4.2')).toBe(true);
    expect(isTag('v1_rc-2')).toBe(true);
    expect(isTag(DIGEST)).toBe(false);
    expect(isTag('1.4 2')).toBe(false);
    expect(isTag('.hidden')).toBe(false);
    expect(isTag('x'.repeat(129))).toBe(false);
  });
});

describe('shortDigest', () => {
  test('keeps the algorithm and the first 8 hex characters', () => {
    // GIVEN / WHEN / THEN
    expect(shortDigest(DIGEST)).toBe('sha256:2e8f1a31');
  });

  test('returns anything that is not a digest unchanged', () => {
    // GIVEN / WHEN / THEN
    expect(shortDigest('1.4.2')).toBe('1.4.2');
  });
});

describe('versionProblem', () => {
  test('accepts a digest under either policy', () => {
    // GIVEN / WHEN / THEN
    expect(versionProblem(DIGEST, { requireDigest: true })).toBeUndefined();
    expect(versionProblem(DIGEST, { requireDigest: false })).toBeUndefined();
  });

  test('accepts a tag only where the policy allows tags', () => {
    // GIVEN / WHEN / THEN
    expect(versionProblem('1.4.2', { requireDigest: false })).toBeUndefined();
    expect(versionProblem('1.4.2', { requireDigest: true })).toBe('is a tag, but this ring takes only digests');
  });

  test('takes only digests by default', () => {
    // GIVEN / WHEN / THEN
    expect(versionProblem('1.4.2')).toMatch(/only digests/);
    expect(versionFix()).toMatch(/sha256:<64 lowercase hex>/);
  });

  test('refuses a malformed digest even where tags are allowed', () => {
    // GIVEN / WHEN
    const problem = versionProblem('sha256:2e8f', { requireDigest: false });

    // THEN
    expect(problem).toBe('is not a digest: expected "sha256:" followed by 64 lowercase hex characters');
  });

  test('fails when 64 hex characters lack their algorithm, suggesting sha256:, under either policy', () => {
    // GIVEN
    const hex = `${'2E8F1A31'.repeat(8)}`;

    // WHEN / THEN
    for (const requireDigest of [true, false]) {
      expect(versionProblem(hex, { requireDigest })).toBe(
        `looks like a digest without its algorithm; write it as sha256:${'2e8f1a31'.repeat(8)}`,
      );
    }
  });

  test('fails when a digest is written in upper case, suggesting it in lower case', () => {
    expect(versionProblem(`SHA256:${'AB'.repeat(32)}`, { requireDigest: false })).toBe(
      `is not a digest: its algorithm and hex are written in lower case, as sha256:${'ab'.repeat(32)}`,
    );
  });
});
