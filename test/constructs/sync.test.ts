import { Environment, SyncOption, SyncPolicy, SyncWindow, SyncWindowKind } from '../../src';
import { newPlatform } from '../support/platform';
import { gitOpsError } from '../support/platforms';

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

  it('fails when the schedule is not a five-field cron expression, at synth, at its environment', () => {
    const platform = newPlatform();
    new Environment(platform, 'prod', { syncWindows: [SyncWindow.deny('@daily', '8h')] });
    expect(gitOpsError(() => platform.snapshot()).message).toContain(
      '[platform/prod] CG129 Sync window schedule "@daily" is not a five-field cron expression. Fix: Use minute hour day month weekday, e.g. "0 22 * * *" for 22:00 every day.',
    );
  });

  it('fails when the duration is not a number with s, m or h, with every other window problem', () => {
    const platform = newPlatform();
    new Environment(platform, 'prod', { syncWindows: [SyncWindow.allow('0 22 * * *', '1d'), SyncWindow.deny('nightly', '8 hours')] });
    expect(gitOpsError(() => platform.snapshot()).problems.map((p) => `[${p.constructPath}] ${p.code} ${p.message} Fix: ${p.fix}`)).toEqual([
      '[platform/prod] CG129 Sync window duration "1d" is not a duration. Fix: Use a whole number with s, m or h, e.g. "8h".',
      '[platform/prod] CG129 Sync window schedule "nightly" is not a five-field cron expression. Fix: Use minute hour day month weekday, e.g. "0 22 * * *" for 22:00 every day.',
      '[platform/prod] CG129 Sync window duration "8 hours" is not a duration. Fix: Use a whole number with s, m or h, e.g. "8h".',
    ]);
  });
});
