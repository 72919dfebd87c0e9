import { NAMES_SHOWN, someNames } from '../../src/core/name-list';

describe('someNames', () => {
  test('lists a few names in full', () => {
    expect(someNames([])).toBe('');
    expect(someNames(['a'])).toBe('a');
    expect(someNames(['a', 'b'])).toBe('a and b');
    expect(someNames(['a', 'b', 'c'])).toBe('a, b and c');
  });

  test('lists the first of many and counts the rest', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `svc-${i + 1}`);
    expect(someNames(names, 3)).toBe('svc-1, svc-2, svc-3 and 997 more');
    expect(someNames(names)).toBe(`${names.slice(0, NAMES_SHOWN).join(', ')} and ${1000 - NAMES_SHOWN} more`);
  });

  test('lists one name more than shown rather than counting it', () => {
    expect(someNames(['a', 'b', 'c', 'd'], 3)).toBe('a, b, c and d');
    expect(someNames(['a', 'b', 'c', 'd', 'e'], 3)).toBe('a, b, c and 2 more');
  });
});
