import { closeMatches, didYouMean, editDistance } from '../src/core/suggest';

describe('editDistance', () => {
  test('counts an adjacent swap as one edit', () => {
    expect(editDistance('snyth', 'synth')).toBe(1);
    expect(editDistance('digset', 'digest')).toBe(1);
  });

  test('counts insertions, deletions and replacements', () => {
    expect(editDistance('order-api', 'orders-api')).toBe(1);
    expect(editDistance('prod', 'nonprod')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closeMatches', () => {
  test('finds names a few edits away or containing the name, closest first', () => {
    expect(closeMatches('prod-canry', ['nonprod', 'prod', 'prod-canary'])).toEqual(['prod-canary', 'prod']);
    expect(closeMatches('zzz', ['nonprod', 'prod'])).toEqual([]);
  });

  test('ignores case and never suggests the name itself', () => {
    expect(closeMatches('Prod', ['prod', 'Prod'])).toEqual(['prod']);
  });
});

describe('didYouMean', () => {
  test('names the closest, quoted, or nothing', () => {
    expect(didYouMean('order-api', ['orders-api', 'payments-api'])).toBe(' Did you mean "orders-api"?');
    expect(didYouMean('--digset', ['--digest', '--ring'], (n) => n)).toBe(' Did you mean --digest?');
    expect(didYouMean('prodd', ['prod', 'prod-canary', 'nonprod'])).toBe(' Did you mean "prod"?');
    expect(didYouMean('zzz', ['prod'])).toBe('');
  });

  test('names only the closest, at most three as close as each other, the last with "or"', () => {
    expect(didYouMean('ab', ['abc', 'abd', 'abe', 'abf'])).toBe(' Did you mean "abc", "abd" or "abe"?');
    expect(didYouMean('Prod', ['nonprod', 'prod-canary', 'prod'])).toBe(' Did you mean "prod"?');
    expect(didYouMean('payments', ['payments-api', 'orders-api'])).toBe(' Did you mean "payments-api"?');
  });
});
