import { under } from '../../src/workspace/git/paths';

describe('under', () => {
  test('covers the paths given and every file below them, not a file whose name only begins alike', () => {
    const inScope = under(['releases', 'STATUS.md', 'environments/prod/aws']);
    expect(
      ['releases', 'releases/payments-api.yaml', 'STATUS.md', 'environments/prod/aws/eu-central-1-01/svc/values.yaml'].map(inScope),
    ).toEqual([true, true, true, true]);
    expect(
      ['releases-old/x.yaml', 'STATUS.md.bak', 'environments/prod/awsx/values.yaml', 'environments/prod', 'README.md'].map(inScope),
    ).toEqual([false, false, false, false, false]);
  });

  test('"." covers every file; no paths cover none', () => {
    expect(under(['.'])('a/b/c')).toBe(true);
    expect(under([])('a')).toBe(false);
  });
});
