import { GitOpsError } from '../../src/core/errors';
import { parseLedger, serializeLedger } from '../../src/release/ledger';
import { chartRevisionProblem, describeRelease, isChartRevision } from '../../src/release/release';
import { promote, rollback } from '../../src/release/rules';
import { ledgerProblems } from '../../src/release/gates';
import { Ledger, RingSpec, RingState } from '../../src/release/types';
import { failure } from '../support/failure';

const D1 = 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912';
const D2 = 'sha256:91ab5c0e4d2f8a7b6c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b';
const SHA1 = '0123456789abcdef0123456789abcdef01234567';
const SHA2 = 'fedcba9876543210fedcba9876543210fedcba98';
const RINGS: RingSpec[] = [
  { name: 'nonprod', gates: {} },
  { name: 'prod', gates: { soakSeconds: 3600 } },
];
const ORDER = RINGS.map((r) => r.name);
const FILE = 'releases/payments-api.yaml';
const GIT = { inGit: true } as const;
const NOW = new Date('2026-11-23T10:00:00Z');

function state(digest: string, since: string, extra: Partial<RingState> = {}): RingState {
  return { digest, since, by: 'ci', from: null, approvedBy: null, hold: null, previous: [], ...extra };
}

/** nonprod and prod run D1 with chart SHA1 since the day before. */
function pinned(): Ledger {
  return {
    service: 'payments-api',
    rings: {
      nonprod: state(D1, '2026-11-22T10:00:00Z', { chart: SHA1 }),
      prod: state(D1, '2026-11-22T10:00:00Z', { chart: SHA1, from: 'nonprod' }),
    },
  };
}

describe('chart revisions', () => {
  test('a chart in Git is pinned by a full commit SHA or a v-SemVer tag; a published chart by an exact version', () => {
    expect(chartRevisionProblem(SHA1, true)).toBeUndefined();
    expect(chartRevisionProblem('v1.4.2', true)).toBeUndefined();
    expect(chartRevisionProblem('v1.4.2-rc.1+build.5', true)).toBeUndefined();
    expect(chartRevisionProblem('main', true)).toMatch(/branch name would move/);
    expect(chartRevisionProblem('0123456', true)).toMatch(/short commit SHA/);
    expect(chartRevisionProblem(SHA1.toUpperCase(), true)).toMatch(/upper case/);
    expect(chartRevisionProblem('1.4.2', true)).toMatch(/tag such as v1\.4\.2/);
    expect(chartRevisionProblem('1.4.2', false)).toBeUndefined();
    expect(chartRevisionProblem('v1.4.2', false)).toMatch(/starts with "v"/);
    for (const moving of ['^1.4', '1.x', '*', '~1.4.2', '1.4', '01.4.2', 'latest']) {
      expect(chartRevisionProblem(moving, false)).toMatch(/not an exact chart version/);
    }
    expect(isChartRevision('main')).toBe(false);
    expect(isChartRevision(SHA1)).toBe(true);
  });

  test('a ledger with chart revisions reads back exactly, through both readers; one without keeps its bytes', () => {
    const ledger: Ledger = {
      service: 'payments-api',
      rings: {
        nonprod: state(D2, '2026-11-23T09:00:00Z', {
          chart: 'abcdef0123456789abcdef0123456789abcdef01',
          previous: [
            { digest: D1, chart: SHA1, since: '2026-11-22T10:00:00Z', by: 'ci' },
            { digest: D1, since: '2026-11-21T10:00:00Z', by: 'initial' },
          ],
        }),
        prod: state(D1, '2026-11-22T10:00:00Z', { chart: SHA1, from: 'nonprod' }),
      },
    };
    const text = serializeLedger(ledger, ORDER);
    expect(text).toContain(`    digest: ${D2}\n    chart: abcdef0123456789abcdef0123456789abcdef01\n`);
    expect(text).toContain(`      - { digest: ${D1}, chart: "${SHA1}", since: "2026-11-22T10:00:00Z", by: ci }\n`);
    expect(text).toContain(`      - { digest: ${D1}, since: "2026-11-21T10:00:00Z", by: initial }\n`);
    expect(parseLedger(text, FILE)).toEqual(ledger);
    // The full reader (any other spelling) reads the same ledger.
    const respelled = text.replace('chart: abcdef0123456789abcdef0123456789abcdef01', "chart: 'abcdef0123456789abcdef0123456789abcdef01'");
    expect(respelled).not.toBe(text);
    expect(parseLedger(respelled, FILE)).toEqual(ledger);
    const plain: Ledger = { service: 'payments-api', rings: { nonprod: state(D1, '2026-11-22T10:00:00Z') } };
    expect(serializeLedger(plain, ORDER)).not.toContain('chart');
  });

  test('a chart field that is not a chart revision is refused with CG212, naming the field', () => {
    const text = serializeLedger(pinned(), ORDER).replace(`chart: "${SHA1}"`, 'chart: main');
    const e = failure(() => parseLedger(text, FILE));
    expect(e).toBeInstanceOf(GitOpsError);
    expect((e as GitOpsError).code).toBe('CG212');
    expect((e as GitOpsError).message).toContain('rings.nonprod.chart');
  });

  test('a new chart with the same image is a new release of the first ring; the image stays', () => {
    const change = promote(pinned(), RINGS, { ring: 'nonprod', chart: SHA2, promotedChart: GIT, by: 'alice', now: NOW });
    expect(change.changed).toBe(true);
    const nonprod = change.ledger.rings.nonprod;
    expect(nonprod).toMatchObject({ digest: D1, chart: SHA2, by: 'alice' });
    expect(nonprod.previous).toEqual([{ digest: D1, chart: SHA1, since: '2026-11-22T10:00:00Z', by: 'ci' }]);
    expect(change.summary).toBe(`promote payments-api ${describeRelease({ digest: D1, chart: SHA2 })} to nonprod (by alice)`);
    expect(change.summary).toContain('with chart fedcba987654');
  });

  test('a new image into the first ring keeps the chart it runs', () => {
    const change = promote(pinned(), RINGS, { ring: 'nonprod', digest: D2, promotedChart: GIT, by: 'alice', now: NOW });
    expect(change.ledger.rings.nonprod).toMatchObject({ digest: D2, chart: SHA1 });
  });

  test('a later ring takes image and chart of the ring before, together, after its soak', () => {
    const first = promote(pinned(), RINGS, { ring: 'nonprod', chart: SHA2, promotedChart: GIT, by: 'alice', now: NOW });
    const soon = new Date(NOW.getTime() + 60_000);
    const early = failure(() =>
      promote(first.ledger, RINGS, { ring: 'prod', fromRing: 'nonprod', promotedChart: GIT, by: 'bob', now: soon }),
    );
    expect((early as GitOpsError).code).toBe('CG602');
    expect((early as GitOpsError).message).toContain('with chart fedcba987654');
    const later = new Date(NOW.getTime() + 3600_000);
    const change = promote(first.ledger, RINGS, { ring: 'prod', fromRing: 'nonprod', promotedChart: GIT, by: 'bob', now: later });
    expect(change.ledger.rings.prod).toMatchObject({ digest: D1, chart: SHA2, from: 'nonprod' });
  });

  test('a later ring refuses a chart the ring before does not run, and --from with another chart', () => {
    const other = failure(() =>
      promote(pinned(), RINGS, { ring: 'prod', chart: SHA2, promotedChart: GIT, by: 'bob', now: NOW }),
    ) as GitOpsError;
    expect(other.code).toBe('CG601');
    expect(other.message).toContain('takes only the release running in "nonprod"');
    const disagree = failure(() =>
      promote(pinned(), RINGS, { ring: 'prod', fromRing: 'nonprod', chart: SHA2, promotedChart: GIT, by: 'bob', now: NOW }),
    ) as GitOpsError;
    expect(disagree.code).toBe('CG609');
    expect(disagree.message).toContain('disagree');
  });

  test('a ring that pins a chart never takes a release that pins none (CG618): it would read a moving revision', () => {
    // GIVEN prod pins SHA1, and nonprod runs a release without a chart (a ring added before it, say)
    const base = pinned();
    const unpinned: Ledger = { ...base, rings: { ...base.rings, nonprod: state(D2, '2026-11-22T10:00:00Z') } };

    // WHEN prod takes what nonprod runs
    const refused = failure(() =>
      promote(unpinned, RINGS, { ring: 'prod', fromRing: 'nonprod', promotedChart: GIT, by: 'bob', now: NOW }),
    ) as GitOpsError;

    // THEN
    expect(refused.code).toBe('CG618');
    expect(refused.message).toContain('Ring "prod" runs chart 0123456789ab; "nonprod" runs a release that pins no chart revision');
    expect(refused.message).toContain('promote payments-api --ring nonprod --digest … --chart-revision <revision>');

    // AND a hand edit that unpins a ring, the first included, is refused by the ledger gates
    for (const ring of ['nonprod', 'prod'] as const) {
      const { chart: _dropped, ...rest } = base.rings[ring];
      const edited: Ledger = { ...base, rings: { ...base.rings, [ring]: rest } };
      const problems = ledgerProblems({
        file: FILE,
        ledger: edited,
        baseline: base,
        baselineRef: 'HEAD',
        rings: RINGS,
        now: NOW,
        latest: NOW,
        promotedChart: GIT,
      });
      expect(problems.find((p) => p.code === 'CG618')?.message).toContain(`Ring "${ring}" ran chart 0123456789ab and now records none`);
    }
  });

  test('a chart revision is refused for a service whose chart is not promoted, and in the wrong form (CG618)', () => {
    const unpromoted = failure(() => promote(pinned(), RINGS, { ring: 'nonprod', chart: SHA2, by: 'alice', now: NOW })) as GitOpsError;
    expect(unpromoted.code).toBe('CG618');
    expect(unpromoted.message).toContain('does not promote its chart');
    const branch = failure(() =>
      promote(pinned(), RINGS, { ring: 'nonprod', chart: 'main', promotedChart: GIT, by: 'alice', now: NOW }),
    ) as GitOpsError;
    expect(branch.code).toBe('CG618');
    expect(branch.message).toContain('a branch name would move');
    const range = failure(() =>
      promote(pinned(), RINGS, { ring: 'nonprod', chart: '^1.4.0', promotedChart: { inGit: false }, by: 'alice', now: NOW }),
    ) as GitOpsError;
    expect(range.code).toBe('CG618');
  });

  test('a rollback restores image and chart together', () => {
    const first = promote(pinned(), RINGS, { ring: 'nonprod', digest: D2, chart: SHA2, promotedChart: GIT, by: 'alice', now: NOW });
    const back = rollback(first.ledger, RINGS, { ring: 'nonprod', previous: true, reason: 'errors', by: 'alice', now: NOW });
    expect(back.ledger.rings.nonprod).toMatchObject({ digest: D1, chart: SHA1 });
    expect(back.summary).toContain('with chart 0123456789ab');
    // A ring that ran one image with two charts: --to picks the newest, toChart the one named.
    const chartOnly = promote(pinned(), RINGS, { ring: 'nonprod', chart: SHA2, promotedChart: GIT, by: 'alice', now: NOW });
    const again = promote(chartOnly.ledger, RINGS, {
      ring: 'nonprod',
      chart: 'v2.0.0',
      promotedChart: GIT,
      by: 'alice',
      now: NOW,
      policy: { requireDigest: false }, // a tag pins a chart where the ring takes tags
    });
    const newest = rollback(again.ledger, RINGS, { ring: 'nonprod', to: D1, reason: 'x', by: 'alice', now: NOW });
    expect(newest.ledger.rings.nonprod.chart).toBe(SHA2);
    const named = rollback(again.ledger, RINGS, { ring: 'nonprod', to: D1, toChart: SHA1, reason: 'x', by: 'alice', now: NOW });
    expect(named.ledger.rings.nonprod.chart).toBe(SHA1);
  });

  test('a ring that requires digests takes a chart in Git by its commit SHA, not by a tag (CG608)', () => {
    const refused = () =>
      promote(pinned(), RINGS, { ring: 'nonprod', digest: D2, chart: 'v2.0.0', promotedChart: GIT, by: 'alice', now: NOW });
    expect(refused).toThrow(
      'CG608 Cannot promote chart revision "v2.0.0" into "nonprod": the ring requires digests, and a tag can be moved in the application repository',
    );
    // a chart from a Helm or OCI repository is pinned by its version
    const helm = promote(pinned(), RINGS, {
      ring: 'nonprod',
      digest: D2,
      chart: '2.0.0',
      promotedChart: { inGit: false },
      by: 'alice',
      now: NOW,
    });
    expect(helm.ledger.rings.nonprod.chart).toBe('2.0.0');
  });

  test('a rollback to a release whose chart was pinned by a tag is refused where the ring requires digests (CG608), but with --keep-chart', () => {
    // GIVEN nonprod ran chart v1.0.0 while it took tags, then a chart pinned by its SHA
    const tagged = promote(pinned(), RINGS, {
      ring: 'nonprod',
      digest: D2,
      chart: 'v1.0.0',
      promotedChart: GIT,
      by: 'alice',
      now: NOW,
      policy: { requireDigest: false },
    });
    const sha = promote(tagged.ledger, RINGS, { ring: 'nonprod', digest: D1, chart: SHA2, promotedChart: GIT, by: 'alice', now: NOW });
    // WHEN it is rolled back where the ring requires digests
    const back = (keepChart: boolean) =>
      rollback(sha.ledger, RINGS, {
        ring: 'nonprod',
        previous: true,
        reason: 'errors',
        promotedChart: GIT,
        keepChart,
        by: 'alice',
        now: NOW,
      });
    // THEN the tag is refused; --keep-chart puts back the image with the chart the ring runs
    expect(() => back(false)).toThrow('CG608 Cannot roll "nonprod" back to');
    expect(back(true).ledger.rings.nonprod).toMatchObject({ digest: D2, chart: SHA2 });
  });

  test('a ledger that pins a chart in Git by a tag reads only where the ring takes tags (CG204 elsewhere)', () => {
    const ledger: Ledger = {
      service: 'payments-api',
      rings: {
        nonprod: {
          digest: D2,
          chart: 'v1.5.0',
          since: '2026-11-22T10:00:00Z',
          by: 'ci',
          from: null,
          approvedBy: null,
          hold: null,
          previous: [],
        },
      },
    };
    const text = serializeLedger(ledger, ['nonprod']);
    expect(parseLedger(text, FILE, { policies: { nonprod: { requireDigest: false } } })).toEqual(ledger);
    expect(failure(() => parseLedger(text, FILE)).message).toContain(
      'CG204 Field "rings.nonprod.chart" is the tag "v1.5.0", and ring "nonprod" takes only digests',
    );
    // a Helm or OCI chart's version is no tag
    const helm = { ...ledger, rings: { nonprod: { ...ledger.rings.nonprod!, chart: '1.5.0' } } };
    expect(parseLedger(serializeLedger(helm, ['nonprod']), FILE)).toEqual(helm);
  });

  test('a hand edit of a chart revision in a later ring is refused like one of a digest (CG610)', () => {
    const baseline = pinned();
    const edited: Ledger = { ...baseline, rings: { ...baseline.rings, prod: { ...baseline.rings.prod, chart: SHA2 } } };
    const problems = ledgerProblems({ file: FILE, ledger: edited, baseline, baselineRef: 'HEAD', rings: RINGS, now: NOW, latest: NOW });
    expect(problems.map((p) => p.code)).toEqual(['CG610']);
    expect(problems[0]!.message).toContain('with chart fedcba987654');
  });

  test('a hand edit recording a chart revision of the wrong form for the chart is refused (CG618)', () => {
    const baseline = pinned();
    const edited: Ledger = { ...baseline, rings: { ...baseline.rings, nonprod: { ...baseline.rings.nonprod, chart: '1.2.3' } } };
    const judge = (promotedChart?: { inGit: boolean }) =>
      ledgerProblems({
        file: FILE,
        ledger: edited,
        baseline,
        baselineRef: 'HEAD',
        rings: RINGS,
        now: NOW,
        latest: NOW,
        ...(promotedChart ? { promotedChart } : {}),
      });
    const inGit = judge(GIT);
    expect(inGit.map((p) => p.code)).toContain('CG618');
    expect(inGit.find((p) => p.code === 'CG618')!.message).toContain(
      'records chart revision "1.2.3", which is a version without the tag\'s "v"',
    );
    // A Helm or OCI chart takes that version.
    expect(judge({ inGit: false }).map((p) => p.code)).not.toContain('CG618');
  });
});
