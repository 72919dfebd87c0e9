import { holdsCredentials, isTokenUser, redactUrl, withoutPasswords } from '../../src/core/url-credentials';

const GHP = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const GLPAT = 'glpat-Ab3dEfGh1jKlMnOpQrSt';

describe('isTokenUser', () => {
  test.each([GHP, 'github_pat_11ABCDEFG0123', 'ghs_abc', GLPAT, 'gldt-abc', 'hf_abc', 'npm_abc', 'a1b2c3d4e5f6g7h8i9j0k1l2'])(
    '%s is a token',
    (u) => {
      expect(isTokenUser(u)).toBe(true);
    },
  );

  test.each(['git', 'oauth2', 'x-access-token', 'myorg', 'glenn-smith', 'admin', ''])('%j is a user name', (u) => {
    expect(isTokenUser(u)).toBe(false);
  });
});

describe('holdsCredentials', () => {
  test('a password, an empty one, or a token as the user', () => {
    for (const u of [
      'https://u:p@h/x',
      'https://u:@h/x',
      `https://${GHP}@github.com/o/r.git`,
      `https://${GHP}@registry.example.com/@scope/pkg`,
      `https://x-access-token:${GHP}@github.com/o/r`,
      'https://u:pa/ss@h/x',
      'https://u:8443@h/x',
    ])
      expect([u, holdsCredentials(u)]).toEqual([u, true]);
  });

  test('not a user name alone, a port, or an "@" in the path', () => {
    for (const u of [
      'https://git.example.com/x',
      'ssh://git@git.example.com/x',
      'https://myorg@dev.azure.com/myorg/p/_git/r',
      'https://host:8443/path@x',
      'oci://registry:5000/charts/x@sha256:abc',
      'https://host/x@y',
      'git@github.com:o/r.git',
    ])
      expect([u, holdsCredentials(u)]).toEqual([u, false]);
  });
});

describe('redactUrl', () => {
  test('a token as the user is hidden, even where the path holds an "@"', () => {
    expect(redactUrl(`https://${GHP}@registry.example.com/@scope/pkg`)).toBe('https://***@registry.example.com/@scope/pkg');
    expect(redactUrl(`https://${GHP}:x-oauth-basic@github.com/o/r`)).toBe('https://***:***@github.com/o/r');
    expect(redactUrl(`https://oauth2:${GLPAT}@gitlab.com/g/r.git`)).toBe('https://oauth2:***@gitlab.com/g/r.git');
  });

  test('a port and an "@" after the path stay', () => {
    expect(redactUrl('oci://registry:5000/charts/x@sha256:abc')).toBe('oci://registry:5000/charts/x@sha256:abc');
  });
});

describe('withoutPasswords', () => {
  test('hides a token as the user of every URL in a text, and every password', () => {
    expect(
      withoutPasswords(
        `from "https://${GHP}@github.com/o/r.git" and https://x-access-token:ghs_T0KEN@github.com/o/r, https://oauth2:${GLPAT}@gitlab.com/g/r (https://${GLPAT}@gitlab.com/g/r)`,
      ),
    ).toBe(
      'from "https://***@github.com/o/r.git" and https://x-access-token:***@github.com/o/r, https://oauth2:***@gitlab.com/g/r (https://***@gitlab.com/g/r)',
    );
  });

  test('hides a password that holds "/", "@" or "://", and a second URL joined to the first without a space', () => {
    expect(withoutPasswords('got https://u:pa/ss@h/x.')).toBe('got https://u:***@h/x.');
    expect(withoutPasswords('got https://u:pa://ss@h/x.')).toBe('got https://u:***@h/x.');
    expect(withoutPasswords('got https://u:hunter2@S3CRET@h/x.')).toBe('got https://u:***@h/x.');
    expect(withoutPasswords(`got https://a@b/x,https://${GHP}@h/y`)).toBe('got https://a@b/x,https://***@h/y');
    // Two URLs with passwords joined: all between the first "user:" and the last "@" is hidden.
    expect(withoutPasswords('https://u:p@h/x,https://c:d@e/y')).toBe('https://u:***@e/y');
  });

  test("hides a Git host's token wherever it stands: in a query, or alone", () => {
    expect(withoutPasswords(`https://gitlab.com/g/r.git?private_token=${GLPAT} and by: ${GHP}.`)).toBe(
      'https://gitlab.com/g/r.git?private_token=*** and by: ***.',
    );
    // A word that only begins like one is no token.
    expect(withoutPasswords('ghp_short, npm_install, npm_config_user_agent')).toBe('ghp_short, npm_install, npm_config_user_agent');
  });

  test('hides a JSON Web Token wherever it stands: alone, after Bearer, in a URL', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaTphcGlLZXkifQ.c2VjcmV0LXRva2VuLXZhbHVl';
    expect(withoutPasswords(`invalid session: token ${jwt} has expired`)).toBe('invalid session: token *** has expired');
    expect(withoutPasswords(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer ***');
    expect(withoutPasswords(`see https://argocd.example.com/login?x=1 then "${jwt}"`)).toBe(
      'see https://argocd.example.com/login?x=1 then "***"',
    );
    // Base64 of JSON that is not three parts is no token.
    expect(withoutPasswords('eyJhbGciOiJIUzI1NiJ9 and eyJ.eyJ.x')).toBe('eyJhbGciOiJIUzI1NiJ9 and eyJ.eyJ.x');
  });

  test('leaves user names, ports, "@" in a path and texts without a URL as they are', () => {
    for (const text of [
      'ssh://git@host/repo.git',
      'https://myorg@dev.azure.com/myorg/p/_git/r',
      'https://host:8443/path',
      'oci://registry:5000/charts/x@sha256:abc',
      'https://host/x@y',
      'git@host:org/repo.git',
      'a: b@c',
    ])
      expect(withoutPasswords(text)).toBe(text);
  });

  test('reads huge texts (a long word before "://", many URLs joined) and hides what they hold', () => {
    const word = `${'a'.repeat(100_000)}:/ ://`;
    expect(withoutPasswords(word)).toBe(word);
    expect(withoutPasswords(`${'https://u:p@'.repeat(10_000)}h`)).toBe('https://u:***@h');
    expect(withoutPasswords(`https://${GHP}@h `.repeat(10_000))).toBe('https://***@h '.repeat(10_000));
  });
});
