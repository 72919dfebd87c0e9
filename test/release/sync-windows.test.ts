import { SyncWindow } from '../../src';
import { globMatches } from '../../src/core/glob';
import { nextOpen, openSeconds, soakEnds, WindowGroup } from '../../src/release/sync-windows';

const T = (s: string): Date => new Date(s);

describe('sync windows over time', () => {
  test('without windows every second counts', () => {
    expect(openSeconds([[]], T('2026-11-22T10:00:00Z'), T('2026-11-22T11:00:00Z'))).toBe(3600);
  });

  test('time inside a deny window does not count', () => {
    // GIVEN a deny window 10:00–10:30 UTC every day
    const groups: WindowGroup[] = [[SyncWindow.deny('0 10 * * *', '30m').toJson()]];

    // THEN
    expect(openSeconds(groups, T('2026-11-22T10:00:00Z'), T('2026-11-22T11:00:00Z'))).toBe(1800);
    expect(soakEnds(groups, T('2026-11-22T10:00:00Z'), 3600)).toEqual(T('2026-11-22T11:30:00Z'));
    expect(nextOpen(groups, T('2026-11-22T10:10:00Z'))).toEqual(T('2026-11-22T10:30:00Z'));
  });

  test('with allow windows only time inside one counts, and a deny window inside it wins', () => {
    // GIVEN syncs allowed on weekdays 09:00–17:00 in Amsterdam (UTC+1 in November), denied 12:00–13:00 there
    const groups: WindowGroup[] = [
      [
        SyncWindow.allow('0 9 * * MON-FRI', '8h', { timeZone: 'Europe/Amsterdam' }).toJson(),
        SyncWindow.deny('0 12 * * *', '1h', { timeZone: 'Europe/Amsterdam' }).toJson(),
      ],
    ];

    // THEN Friday 20 November 2026 counts 7h; the weekend counts nothing
    expect(openSeconds(groups, T('2026-11-20T00:00:00Z'), T('2026-11-23T00:00:00Z'))).toBe(7 * 3600);
    expect(nextOpen(groups, T('2026-11-21T12:00:00Z'))).toEqual(T('2026-11-23T08:00:00Z'));
  });

  test('a ring spanning two environments syncs only when both let it', () => {
    const groups: WindowGroup[] = [[SyncWindow.deny('0 10 * * *', '1h').toJson()], [SyncWindow.deny('30 10 * * *', '1h').toJson()]];
    expect(openSeconds(groups, T('2026-11-22T10:00:00Z'), T('2026-11-22T12:00:00Z'))).toBe(1800);
  });

  test('a window that never opens leaves no open time within a year', () => {
    const groups: WindowGroup[] = [[SyncWindow.allow('0 0 30 2 *', '1h').toJson()]];
    expect(nextOpen(groups, T('2026-11-22T10:00:00Z'))).toBeUndefined();
  });

  test('application globs match as Argo CD reads them', () => {
    expect(globMatches('*-prod-*', 'payments-api-prod-aws-eu-01')).toBe(true);
    expect(globMatches('payments-?pi-*', 'payments-api-prod')).toBe(true);
    expect(globMatches('orders-*', 'payments-api-prod')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });
});
