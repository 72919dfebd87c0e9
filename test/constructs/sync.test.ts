import { SyncOption, SyncPolicy, SyncWindow, SyncWindowKind } from '../../src';

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
      'CreateNamespace=true', 'ApplyOutOfSyncOnly=true', 'ServerSideApply=true', 'PruneLast=true',
      'FailOnSharedResource=true', 'RespectIgnoreDifferences=true',
    ]);
  });
});

describe('SyncWindow', () => {
  it('applies to every application by default and leaves out unset options', () => {
    expect(SyncWindow.allow('0 6 * * 1-5', '12h').toJson()).toEqual({
      kind: SyncWindowKind.ALLOW, schedule: '0 6 * * 1-5', duration: '12h', applications: ['*'],
    });
  });

  it('writes its options', () => {
    expect(SyncWindow.deny('0 22 * * *', '8h', { manualSync: false, timeZone: 'Europe/Amsterdam', applications: ['payments-*'] }).toJson()).toEqual({
      kind: 'deny', schedule: '0 22 * * *', duration: '8h', applications: ['payments-*'], manualSync: false, timeZone: 'Europe/Amsterdam',
    });
  });

  it('fails when the schedule is not a five-field cron expression', () => {
    expect(() => SyncWindow.deny('@daily', '8h')).toThrow(
      'CG129 Sync window schedule "@daily" is not a five-field cron expression. Fix: Use minute hour day month weekday, e.g. "0 22 * * *" for 22:00 every day.',
    );
  });

  it('fails when the duration is not a number with s, m or h', () => {
    expect(() => SyncWindow.allow('0 22 * * *', '1d')).toThrow(
      'CG129 Sync window duration "1d" is not a duration. Fix: Use a whole number with s, m or h, e.g. "8h".',
    );
  });
});
