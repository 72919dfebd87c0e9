import { formatDuration, formatTimestamp, isTimestamp, isValidDate } from '../../src/core/timestamp';

describe('isTimestamp', () => {
  test('accepts UTC with whole seconds and a Z', () => {
    // GIVEN / WHEN / THEN
    expect(isTimestamp('2026-11-22T10:00:00Z')).toBe(true);
  });

  test.each([
    ['a date only', '2026-11-22'],
    ['a space instead of T', '2026-11-22 10:00:00Z'],
    ['milliseconds', '2026-11-22T10:00:00.000Z'],
    ['an offset', '2026-11-22T10:00:00+01:00'],
    ['an impossible day', '2026-02-31T10:00:00Z'],
    ['an impossible hour', '2026-11-22T25:00:00Z'],
    ['a Date', new Date('2026-11-22T10:00:00Z')],
  ])('refuses %s', (_what, value) => {
    // GIVEN / WHEN / THEN
    expect(isTimestamp(value)).toBe(false);
  });
});

describe('formatTimestamp', () => {
  test('drops milliseconds', () => {
    // GIVEN
    const now = new Date('2026-11-22T10:00:00.999Z');

    // WHEN
    const text = formatTimestamp(now);

    // THEN
    expect(text).toBe('2026-11-22T10:00:00Z');
    expect(isTimestamp(text)).toBe(true);
  });
});

describe('isValidDate', () => {
  test('refuses an invalid Date', () => {
    // GIVEN / WHEN / THEN
    expect(isValidDate(new Date('nonsense'))).toBe(false);
    expect(isValidDate(new Date(0))).toBe(true);
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [45, '45s'],
    [2700, '45m'],
    [4500, '1h 15m'],
    [7200, '2h'],
    [90061, '1d 1h'],
    [0.2, '1s'],
    [-5, '0s'],
  ])('formats %s seconds as %s', (seconds, text) => {
    // GIVEN / WHEN / THEN
    expect(formatDuration(seconds)).toBe(text);
  });
});
