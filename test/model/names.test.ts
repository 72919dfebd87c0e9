/** The checks of names and URLs the model applies to what a program gives. */
import { gitRevisionProblem, redactUrl, repoUrlProblem, sshUrlOf } from '../../src/model/names';

describe('gitRevisionProblem', () => {
  it.each(['main', 'release/1.4', 'refs/heads/main', 'refs/tags/v1.2.3', 'v1.2.3+build.1', 'HEAD', 'a'.repeat(40)])('accepts %s', (r) => {
    expect(gitRevisionProblem(r)).toBeUndefined();
  });

  // Each refused by `git check-ref-format --branch`, or unreadable in a URL or a manifest.
  it.each([
    ['', 'it holds characters other than letters, digits and "._/+-", or is empty'],
    ['feature#1', 'it holds characters other than letters, digits and "._/+-", or is empty'],
    ['-x', 'it starts with "-"'],
    ['a..b', 'it holds ".."'],
    ['release/', 'it has an empty part (a leading, trailing or double "/")'],
    ['a//b', 'it has an empty part (a leading, trailing or double "/")'],
    ['.hidden', 'a part of it starts with "."'],
    ['x/.git', 'a part of it starts with "."'],
    ['x.lock', 'a part of it ends with ".lock"'],
    ['x.', 'it ends with "."'],
  ])('refuses %j', (r, why) => {
    expect(gitRevisionProblem(r)).toBe(why);
  });
});

describe('redactUrl', () => {
  it('masks the password up to the last "@" of the authority, which a password may hold', () => {
    expect(redactUrl('https://u:hunter2@S3CRET@git.example.com/x')).toBe('https://u:***@git.example.com/x');
    expect(redactUrl('https://u:p@git.example.com/x')).toBe('https://u:***@git.example.com/x');
  });

  it('masks the values of a query or a fragment, and any part of them that may be a token', () => {
    expect(redactUrl('https://git.example.com/x.git?private_token=T0KEN')).toBe('https://git.example.com/x.git?private_token=***');
    expect(redactUrl('oci://registry.example.com/charts/x#T0KEN')).toBe('oci://registry.example.com/charts/x#***');
    expect(redactUrl('https://git.example.com/x.git?ref=v1&Tok3n=1&glpat-abcdefghij1234567890#access_token=T0KEN&state')).toBe(
      'https://git.example.com/x.git?ref=***&***=***&***#access_token=***&state',
    );
    expect(redactUrl('https://git.example.com/x.git?abcdefghijklmnopqrstuvwxyz')).toBe('https://git.example.com/x.git?***');
  });

  it('shows what of a query or a fragment cannot be a credential, as a message about its characters needs it', () => {
    expect(redactUrl('https://git.example.com/apps/alph?.git')).toBe('https://git.example.com/apps/alph?.git');
    expect(redactUrl('https://git.example.com/apps/web.git#main')).toBe('https://git.example.com/apps/web.git#main');
    expect(redactUrl('https://git.example.com/apps/web.git#a?b')).toBe('https://git.example.com/apps/web.git#a?b');
    expect(redactUrl('https://u:p@git.example.com/x?y')).toBe('https://u:***@git.example.com/x?y');
  });

  it('masks a password holding "/", "?" or "#", and a token standing as the user name', () => {
    expect(redactUrl('https://u:pa/ss?x#y@git.example.com/x.git')).toBe('https://u:***@git.example.com/x.git');
    expect(redactUrl('https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r.git')).toBe('https://***@github.com/o/r.git');
    // A short user name (an Azure DevOps organisation) is no secret.
    expect(redactUrl('https://myorg@dev.azure.com/myorg/p/_git/r')).toBe('https://myorg@dev.azure.com/myorg/p/_git/r');
  });

  it('leaves a URL without a password as it is', () => {
    for (const u of ['https://git.example.com/x', 'ssh://git@git.example.com/x', 'git@git.example.com:x.git']) expect(redactUrl(u)).toBe(u);
  });
});

describe('sshUrlOf', () => {
  it('writes a scp-like URL as the ssh:// URL it stands for', () => {
    expect(sshUrlOf('git@git.example.com:apps/shop.git')).toBe('ssh://git@git.example.com/apps/shop.git');
    expect(sshUrlOf('git@git.example.com:/apps/shop.git')).toBe('ssh://git@git.example.com/apps/shop.git');
    expect(sshUrlOf('https://git.example.com/apps/shop.git')).toBe('https://git.example.com/apps/shop.git');
  });
});

describe('repoUrlProblem', () => {
  it('refuses credentials in any spelling, and a fragment', () => {
    for (const u of [
      'https://u:p@git.example.com/x.git',
      'https://u:pa/ss@git.example.com/x.git',
      'https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r.git',
    ])
      expect(repoUrlProblem(u)).toContain('password or token');
    expect(repoUrlProblem('https://git.example.com/x.git#main')).toBe('it has a fragment ("#…"), which Git does not read');
    expect(repoUrlProblem('https://myorg@dev.azure.com/myorg/p/_git/r')).toBeUndefined();
  });
});
