import { commitDate, resolveNow } from '../../src/cli/environment';
import { GitOpsError } from '../../src/core/errors';

describe('resolveNow', () => {
  test('reads CDK8S_GITOPS_NOW in UTC or with an offset, whatever the time zone it runs in', () => {
    // WHEN
    const utc = resolveNow({ CDK8S_GITOPS_NOW: '2026-11-22T10:00:00Z' });
    const offset = resolveNow({ CDK8S_GITOPS_NOW: '2026-11-22T11:00:00+01:00' });
    const millis = resolveNow({ CDK8S_GITOPS_NOW: '2026-11-22T10:00:00.000Z' });

    // THEN
    expect([utc, offset, millis].map((d) => d.toISOString())).toEqual(Array(3).fill('2026-11-22T10:00:00.000Z'));
  });

  test('is the clock when CDK8S_GITOPS_NOW is unset or empty', () => {
    // WHEN
    const before = Date.now();
    const times = [resolveNow({}), resolveNow({ CDK8S_GITOPS_NOW: '' })];

    // THEN
    for (const t of times) expect(t.getTime()).toBeGreaterThanOrEqual(before);
  });

  test.each(['2026-11-22T10:00:00', '2026-11-22T10:00', '2026-11-22', '2026-11-22 10:00:00'])(
    'fails when CDK8S_GITOPS_NOW "%s" has no time zone (CG307), rather than read it in the local one',
    (value) => {
      // WHEN
      const read = (): Date => resolveNow({ CDK8S_GITOPS_NOW: value });

      // THEN
      expect(read).toThrow(GitOpsError);
      expect(read).toThrow(new RegExp(`^CG307 CDK8S_GITOPS_NOW "${value}" has no time zone`));
    },
  );

  test('fails when CDK8S_GITOPS_NOW is not a time (CG307)', () => {
    expect(() => resolveNow({ CDK8S_GITOPS_NOW: 'tomorrow' })).toThrow('CG307 CDK8S_GITOPS_NOW "tomorrow" is not a time.');
  });

  test.each(['2026-11-31T10:00:00Z', '2026-02-29T10:00:00Z', '2026-02-30T10:00:00+01:00', '2026-11-22T24:00:00Z'])(
    'fails when CDK8S_GITOPS_NOW "%s" names a day or time that does not exist (CG307), rather than roll it over',
    (value) => {
      expect(() => resolveNow({ CDK8S_GITOPS_NOW: value })).toThrow(
        `CG307 CDK8S_GITOPS_NOW "${value}" names a day or a time of day that does not exist.`,
      );
    },
  );

  test('reads the last day of a month, and 29 February of a leap year', () => {
    expect(resolveNow({ CDK8S_GITOPS_NOW: '2026-11-30T23:59:59Z' }).toISOString()).toBe('2026-11-30T23:59:59.000Z');
    expect(resolveNow({ CDK8S_GITOPS_NOW: '2028-02-29T10:00:00Z' }).toISOString()).toBe('2028-02-29T10:00:00.000Z');
  });

  test('says a time with a zone but not as ISO 8601 writes it is not one, rather than that it has no zone', () => {
    expect(() => resolveNow({ CDK8S_GITOPS_NOW: '+002026-12-01T11:00:00Z' })).toThrow(
      'CG307 CDK8S_GITOPS_NOW "+002026-12-01T11:00:00Z" is not a time as ISO 8601 writes it (a date, a time and a zone). Fix: Write it as 2026-12-01T11:00:00Z',
    );
  });
});

describe('commitDate', () => {
  test('dates the commits CDK8S_GITOPS_NOW, and notes a GIT_COMMITTER_DATE set to another time, which it does not read', () => {
    // WHEN
    const d = commitDate({ CDK8S_GITOPS_NOW: '2026-11-22T18:00:00Z', GIT_COMMITTER_DATE: '2026-11-22T12:00:05Z' });

    // THEN
    expect(d.date?.toISOString()).toBe('2026-11-22T18:00:00.000Z');
    expect(d.note).toBe(
      'GIT_COMMITTER_DATE is not read: soaks are measured from the times of the commits cdk8s-gitops makes, so they are dated CDK8S_GITOPS_NOW (2026-11-22T18:00:00Z).',
    );
  });

  test('says nothing of a GIT_COMMITTER_DATE equal to CDK8S_GITOPS_NOW, and leaves the date to the clock without it', () => {
    expect(commitDate({ CDK8S_GITOPS_NOW: '2026-11-22T18:00:00Z', GIT_COMMITTER_DATE: '2026-11-22T18:00:00Z' }).note).toBeUndefined();
    expect(commitDate({ GIT_AUTHOR_DATE: '2026-11-22T12:00:05Z' })).toEqual({
      note: 'GIT_AUTHOR_DATE is not read: soaks are measured from the times of the commits cdk8s-gitops makes, so they are dated by the clock.',
    });
  });
});
