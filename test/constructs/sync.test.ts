import { Environment, SyncOption, SyncPolicy, SyncWindow, SyncWindowKind } from '../../src';
import { newPlatform, problemsOf } from '../support/platform';

describe('SyncPolicy', () => {
  it('is empty when manual without options', () => {
    expect(SyncPolicy.manual().toJson()).toEqual({});
  });

  it('keeps sync options of a manual policy', () => {
    expect(SyncPolicy.manual({ options: [SyncOption.SERVER_SIDE_APPLY] }).toJson()).toEqual({ syncOptions: ['ServerSideApply=true'] });
  });

  it('defaults automated sync to no prune and no self-heal', () => {
    expect(SyncPolicy.automated().toJson()).toEqual({ automated: { prune: false, selfHeal: false } });
  });

  it('writes automated sync and its options as Argo CD spells them, each option once, in order', () => {
    // WHEN
    const policy = SyncPolicy.automated({
      prune: true,
      selfHeal: true,
      options: [SyncOption.CREATE_NAMESPACE, SyncOption.APPLY_OUT_OF_SYNC_ONLY, SyncOption.CREATE_NAMESPACE],
    });

    // THEN
    expect(policy.toJson()).toEqual({
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true', 'ApplyOutOfSyncOnly=true'],
    });
  });

  it('spells every sync option as Argo CD does', () => {
    expect(Object.values(SyncOption)).toEqual([
      'CreateNamespace=true',
      'ApplyOutOfSyncOnly=true',
      'ServerSideApply=true',
      'PruneLast=true',
      'FailOnSharedResource=true',
      'RespectIgnoreDifferences=true',
    ]);
  });
});

describe('SyncWindow', () => {
  it('applies to every application by default and leaves out unset options', () => {
    expect(SyncWindow.allow('0 6 * * 1-5', '12h').toJson()).toEqual({
      kind: SyncWindowKind.ALLOW,
      schedule: '0 6 * * 1-5',
      duration: '12h',
      applications: ['*'],
    });
  });

  it('writes its options', () => {
    expect(
      SyncWindow.deny('0 22 * * *', '8h', { manualSync: false, timeZone: 'Europe/Amsterdam', applications: ['payments-*'] }).toJson(),
    ).toEqual({
      kind: 'deny',
      schedule: '0 22 * * *',
      duration: '8h',
      applications: ['payments-*'],
      manualSync: false,
      timeZone: 'Europe/Amsterdam',
    });
  });

  it('accepts what Argo CD accepts: names, lists, ranges, steps, "?", fractional and compound durations, IANA zones', () => {
    // GIVEN
    const windows = [
      SyncWindow.deny('0 22 * * MON-FRI', '8h', { timeZone: 'Europe/Amsterdam' }),
      SyncWindow.allow('*/15 6-18/2 1,15 jan-jun ?', '1h30m', { timeZone: 'UTC' }),
      SyncWindow.allow('5/10 0 29 2 *', '1.5h', { timeZone: 'America/Port-au-Prince' }),
      SyncWindow.deny('0 0 * * 0', '90m', { timeZone: 'US/Eastern' }),
    ];

    // WHEN
    const platform = newPlatform();
    new Environment(platform, 'prod', { syncWindows: windows });

    // THEN no sync window problem is reported
    let problems: readonly { code: string }[] = [];
    try {
      platform.snapshot();
    } catch (e) {
      problems = (e as { problems: { code: string }[] }).problems;
    }
    expect(problems.filter((p) => p.code === 'CG140' || p.code === 'CG129')).toEqual([]);
  });

  it('fails when a schedule is a descriptor, naming the five fields it stands for', () => {
    expect(linesAndFixes([SyncWindow.deny('@daily', '8h')])).toEqual([
      '[platform/prod] CG140 Sync window 1 (deny) schedule "@daily" is a descriptor; Argo CD\'s sync windows take only five-field cron expressions. Fix: Use "0 0 * * *", which is what @daily means.',
    ]);
  });

  it('fails when a schedule has six fields, saying Argo CD has no seconds', () => {
    const [line] = linesAndFixes([SyncWindow.deny('0 0 22 * * *', '8h')]);
    expect(line).toContain('CG140 Sync window 1 (deny) schedule "0 0 22 * * *" has 6 fields; Argo CD takes exactly five.');
    expect(line).toContain('Argo CD has no seconds field: leave out the first one.');
  });

  it('fails when a field is out of range, not a name, or a backwards range, listing every mistake of the schedule', () => {
    expect(linesAndFixes([SyncWindow.allow('60 24 0 13 7', '1h'), SyncWindow.allow('0 9 * FOO FRI-MON', '1h')])).toEqual([
      '[platform/prod] CG140 Sync window 1 (allow) schedule "60 24 0 13 7" is not a cron expression Argo CD accepts: ' +
        'minute 60 is out of range 0-59; hour 24 is out of range 0-23; day of month 0 is out of range 1-31; month 13 is out of range 1-12 or JAN-DEC; ' +
        'weekday 7 is out of range 0-6 or SUN-SAT; Sunday is 0, not 7. Fix: Use five fields, minute hour day-of-month month weekday, e.g. "0 22 * * MON-FRI" for 22:00 on weekdays.',
      '[platform/prod] CG140 Sync window 2 (allow) schedule "0 9 * FOO FRI-MON" is not a cron expression Argo CD accepts: ' +
        'month "FOO" is not a number nor a name (JAN…); weekday range "FRI-MON" runs backwards. Fix: Use five fields, minute hour day-of-month month weekday, e.g. "0 22 * * MON-FRI" for 22:00 on weekdays.',
    ]);
  });

  it('fails when a step is zero or not a number', () => {
    const [line] = linesAndFixes([SyncWindow.allow('*/0 */x * * *', '1h')]);
    expect(line).toContain('minute "*/0" has a step of 0; hour "*/x" has a step that is not a whole number.');
  });

  it('fails when a schedule carries its own time zone', () => {
    expect(linesAndFixes([SyncWindow.allow('CRON_TZ=Europe/Amsterdam 0 22 * * *', '1h')])[0]).toContain(
      'schedule "CRON_TZ=Europe/Amsterdam 0 22 * * *" starts with a time zone. Fix: Put the time zone in the timeZone option',
    );
  });

  it('fails when a schedule never opens because no chosen month has the day', () => {
    expect(linesAndFixes([SyncWindow.deny('0 0 30,31 feb *', '1h')])).toEqual([
      '[platform/prod] CG140 Sync window 1 (deny) schedule "0 0 30,31 feb *" never opens: no chosen month (FEB) has day 30, 31. ' +
        'Fix: Pick a day of month every chosen month has, or use the weekday field instead.',
    ]);
  });

  it('fails when the time zone is unknown, with the closest names, since Argo CD would fall back to UTC', () => {
    expect(linesAndFixes([SyncWindow.deny('0 22 * * *', '8h', { timeZone: 'Europe/Amsterdm' })])).toEqual([
      '[platform/prod] CG140 Sync window 1 (deny) time zone "Europe/Amsterdm" is not an IANA time zone; Argo CD would use UTC instead. Did you mean "Europe/Amsterdam"? ' +
        'Fix: Use a name of the IANA time zone database, e.g. "Europe/Amsterdam" or "UTC".',
    ]);
  });

  it('fails when the time zone is spelt in another case, which Argo CD does not find', () => {
    expect(
      linesAndFixes([
        SyncWindow.deny('0 22 * * *', '8h', { timeZone: 'europe/amsterdam' }),
        SyncWindow.deny('0 22 * * *', '8h', { timeZone: 'utc' }),
      ]),
    ).toEqual([
      '[platform/prod] CG140 Sync window 1 (deny) time zone "europe/amsterdam" is not spelt as in the IANA time zone database; Argo CD reads names case-sensitively and would use UTC instead. Did you mean "Europe/Amsterdam"? Fix: Write "Europe/Amsterdam".',
      '[platform/prod] CG140 Sync window 2 (deny) time zone "utc" is not spelt as in the IANA time zone database; Argo CD reads names case-sensitively and would use UTC instead. Did you mean "UTC"? Fix: Write "UTC".',
    ]);
  });

  it("fails when the time zone is an offset or the host's local zone", () => {
    const lines = linesAndFixes([
      SyncWindow.deny('0 22 * * *', '8h', { timeZone: '+01:00' }),
      SyncWindow.deny('0 22 * * *', '8h', { timeZone: 'Local' }),
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('time zone "+01:00" is not an IANA time zone');
    expect(lines[1]).toContain('time zone "Local" is not an IANA time zone');
  });

  it('fails when the duration is in days, zero or not a duration', () => {
    expect(
      linesAndFixes([
        SyncWindow.allow('0 22 * * *', '1d'),
        SyncWindow.allow('0 22 * * *', '0m'),
        SyncWindow.allow('0 22 * * *', '8 hours'),
      ]),
    ).toEqual([
      '[platform/prod] CG129 Sync window 1 (allow) duration "1d" is in days, which Argo CD does not read. Fix: Use hours, minutes and seconds as Argo CD reads them, e.g. "8h", "90m" or "1h30m".',
      '[platform/prod] CG129 Sync window 2 (allow) duration "0m" is zero: the window would never be open. Fix: Use hours, minutes and seconds as Argo CD reads them, e.g. "8h", "90m" or "1h30m".',
      '[platform/prod] CG129 Sync window 3 (allow) duration "8 hours" is not a duration. Fix: Use hours, minutes and seconds as Argo CD reads them, e.g. "8h", "90m" or "1h30m".',
    ]);
  });

  it('fails with every problem of every window at once, each with the path of its environment', () => {
    // GIVEN
    const platform = newPlatform();

    // WHEN
    new Environment(platform, 'prod', {
      syncWindows: [SyncWindow.deny('0 25 * * *', '8h', { timeZone: 'Mars/Olympus' }), SyncWindow.allow('0 6 * * *', '1d')],
    });
    const problems = problemsOf(() => platform.snapshot()).filter((p) => p.code === 'CG140' || p.code === 'CG129');

    // THEN
    expect(problems.map((p) => [p.code, p.message.split(' "')[0]])).toEqual([
      ['CG140', 'Sync window 1 (deny) schedule'],
      ['CG140', 'Sync window 1 (deny) time zone'],
      ['CG129', 'Sync window 2 (allow) duration'],
    ]);
    expect(problems.every((p) => p.constructPath === 'platform/prod')).toBe(true);
  });
});

/** The problems an environment with `windows` fails with, one line each with its fix. */
function linesAndFixes(windows: SyncWindow[]): string[] {
  const platform = newPlatform();
  new Environment(platform, 'prod', { syncWindows: windows });
  return problemsOf(() => platform.snapshot())
    .filter((p) => p.code === 'CG140' || p.code === 'CG129')
    .map((p) => `[${p.constructPath}] ${p.code} ${p.message} Fix: ${p.fix}`);
}
