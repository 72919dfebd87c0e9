import { SyncWindow } from '../../src';
import { GitOpsError, Problem } from '../../src/core/errors';
import { arrivalOf, ledgerProblems, LedgerCheck, LedgerHistory } from '../../src/release/gates';
import { promote } from '../../src/release/rules';
import { Ledger, RingSpec, RingState } from '../../src/release/types';

const SEED = `sha256:${'0'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const FILE = 'releases/payments-api.yaml';
const RINGS: RingSpec[] = [
  { name: 'nonprod', gates: {} },
  { name: 'prod-canary', gates: {} },
  { name: 'prod', gates: { soakSeconds: 3600, requireApproval: true, approvers: ['bob', 'carol'] } },
];
const T = (s: string): Date => new Date(s);

function state(digest: string, since: string, extra: Partial<RingState> = {}): RingState {
  return { digest, since, by: 'ci', from: null, approvedBy: null, hold: null, previous: [], ...extra };
}

function ledger(rings: Record<string, RingState>): Ledger {
  return { service: 'payments-api', rings };
}

/** Everything ran SEED; A reached nonprod and prod-canary. */
const BASE = ledger({
  nonprod: state(A, '2026-11-22T09:00:00Z', { previous: [{ digest: SEED, since: '1970-01-01T00:00:00Z', by: 'initial' }] }),
  'prod-canary': state(A, '2026-11-22T10:00:00Z', { from: 'nonprod' }),
  prod: state(SEED, '1970-01-01T00:00:00Z', { by: 'initial' }),
});

function check(l: Ledger, extra: Partial<LedgerCheck> = {}): Problem[] {
  return ledgerProblems({
    file: FILE,
    ledger: l,
    baseline: BASE,
    baselineRef: 'HEAD',
    rings: RINGS,
    now: T('2026-11-22T12:00:00Z'),
    latest: T('2026-11-22T12:05:00Z'),
    ...extra,
  });
}

function withProd(prod: RingState): Ledger {
  return ledger({ ...BASE.rings, prod });
}

describe('ledger entries against the ring rules', () => {
  test('entries equal to the baseline are history: no rule of today applies to them', () => {
    expect(check(BASE)).toEqual([]);
  });

  test('a promotion the rules allow passes', () => {
    expect(check(withProd(state(A, '2026-11-22T11:00:00Z', { by: 'alice', from: 'prod-canary', approvedBy: 'bob' })))).toEqual([]);
  });

  test('fails when a ring runs a digest the ring before never ran (CG610), naming file, ring and fix', () => {
    expect(check(withProd(state(B, '2026-11-22T11:00:00Z', { by: 'alice', from: 'prod-canary', approvedBy: 'bob' })))).toEqual([
      {
        code: 'CG610',
        file: FILE,
        message:
          'Ring "prod" runs sha256:bbbbbbbb, which does not run in "prod-canary" (it runs sha256:aaaaaaaa): the entry was changed by hand.',
        fix: `Restore the ledger from Git (\`git checkout HEAD -- ${FILE}\`), then promote with \`cdk8s-gitops promote payments-api --ring prod --from prod-canary\`, once sha256:bbbbbbbb runs in "prod-canary".`,
      },
    ]);
  });

  test('fails when the soak measured in Git is not over (CG611), without an approval (CG612) and self-approved (CG614)', () => {
    // GIVEN A reached prod-canary in a commit at 11:30, and prod's entry is not committed yet (it arrives now, 12:00)
    const history: LedgerHistory = { versions: [{ commit: 'c2', time: T('2026-11-22T11:30:00Z'), ledger: BASE }], truncated: false };

    // WHEN
    const soak = check(withProd(state(A, '2026-11-22T12:00:00Z', { by: 'alice', from: 'prod-canary', approvedBy: 'bob' })), { history });
    const unapproved = check(withProd(state(A, '2026-11-22T12:00:00Z', { by: 'alice', from: 'prod-canary' })), {
      history,
      now: T('2026-11-22T13:00:00Z'),
    });
    const self = check(withProd(state(A, '2026-11-22T12:00:00Z', { by: 'Bob', from: 'prod-canary', approvedBy: 'bob' })), {
      history,
      now: T('2026-11-22T13:00:00Z'),
    });

    // THEN
    expect(soak.map((p) => p.code)).toEqual(['CG611']);
    expect(soak[0].message).toContain('it has run there 30m (since 2026-11-22T11:30:00Z, the commit that recorded it), 30m remain.');
    expect(unapproved.map((p) => p.code)).toEqual(['CG612']);
    expect(self.map((p) => p.code)).toEqual(['CG614']);
  });

  test('fails when a since lies in the future (CG616) and when a held ring gets another release (CG613)', () => {
    const held = ledger({
      ...BASE.rings,
      nonprod: state(SEED, '2026-11-22T11:00:00Z', {
        hold: { reason: 'errors', since: '2026-11-22T11:00:00Z', by: 'carol' },
        previous: [{ digest: A, since: '2026-11-22T09:00:00Z', by: 'ci' }],
      }),
    });
    const problems = ledgerProblems({
      file: FILE,
      ledger: ledger({ ...held.rings, nonprod: state(B, '2030-01-01T00:00:00Z') }),
      baseline: held,
      baselineRef: 'HEAD',
      rings: RINGS,
      now: T('2026-11-22T12:00:00Z'),
      latest: T('2026-11-22T12:05:00Z'),
    });
    expect(problems.map((p) => p.code)).toEqual(['CG616', 'CG613']);
  });

  test("a rollback to a release of the ring's own history passes; to any other digest it fails (CG610)", () => {
    const hold = { reason: 'errors', since: '2026-11-22T11:00:00Z', by: 'carol' };
    expect(
      check(
        ledger({
          ...BASE.rings,
          nonprod: state(SEED, '2026-11-22T11:00:00Z', { hold, previous: [{ digest: A, since: '2026-11-22T09:00:00Z', by: 'ci' }] }),
        }),
      ),
    ).toEqual([]);
    expect(check(ledger({ ...BASE.rings, nonprod: state(B, '2026-11-22T11:00:00Z', { hold }) })).map((p) => p.code)).toEqual(['CG610']);
  });

  test("the entries the program's initial digest makes pass without a baseline", () => {
    const initial = ledger({
      nonprod: state(SEED, '1970-01-01T00:00:00Z', { by: 'initial' }),
      prod: state(SEED, '1970-01-01T00:00:00Z', { by: 'initial' }),
    });
    expect(check(initial, { baseline: undefined, baselineRef: undefined, initialDigest: SEED })).toEqual([]);
  });

  test('a soak counts only time in which the ring before could sync', () => {
    const rings: RingSpec[] = RINGS.map((r) =>
      r.name === 'prod-canary' ? { ...r, syncWindows: [[SyncWindow.deny('0 10 * * *', '1h').toJson()]] } : r,
    );
    const problems = check(withProd(state(A, '2026-11-22T10:30:00Z', { by: 'alice', from: 'prod-canary', approvedBy: 'bob' })), {
      rings,
      baseline: BASE,
      now: T('2026-11-22T11:30:00Z'),
    });
    expect(problems.map((p) => p.code)).toEqual(['CG611']);
    expect(problems[0].fix).toContain('Promote it at or after 2026-11-22T12:00:00Z.');
  });
});

describe('when a digest reached a ring', () => {
  test('is the oldest commit of the newest run of versions with that entry', () => {
    const v1 = ledger({ nonprod: state(SEED, '2026-11-20T00:00:00Z') });
    const v2 = ledger({ nonprod: state(A, '2026-11-22T09:00:00Z') });
    const history: LedgerHistory = {
      versions: [
        { commit: 'c3', time: T('2026-11-22T11:00:00Z'), ledger: ledger({ ...v2.rings, prod: state(SEED, '1970-01-01T00:00:00Z') }) },
        { commit: 'c2', time: T('2026-11-22T10:00:00Z'), ledger: v2 },
        { commit: 'c1', time: T('2026-11-20T00:00:00Z'), ledger: v1 },
      ],
      truncated: false,
    };
    expect(arrivalOf(v2, 'nonprod', { digest: A }, history)).toEqual({ at: T('2026-11-22T10:00:00Z'), inGit: true });
    expect(arrivalOf(v2, 'nonprod', { digest: SEED }, history)).toEqual({
      at: T('2026-11-20T00:00:00Z'),
      left: T('2026-11-22T10:00:00Z'),
      inGit: true,
    });
    expect(arrivalOf(ledger({ nonprod: state(B, '2026-11-22T12:00:00Z') }), 'nonprod', { digest: B }, history)).toEqual({
      at: null,
      inGit: true,
    });
  });

  test("outside Git is the ledger's since", () => {
    expect(arrivalOf(BASE, 'prod-canary', { digest: A })).toEqual({ at: T('2026-11-22T10:00:00Z'), inGit: false });
  });
});

describe('promote: approvers and times from Git', () => {
  const l = BASE;
  const opts = { ring: 'prod', fromRing: 'prod-canary', now: T('2026-11-22T12:00:00Z') };

  test("fails when the approver is the promoter (CG614) or not among the ring's approvers (CG615)", () => {
    expect(() => promote(l, RINGS, { ...opts, by: 'bob', approvedBy: 'bob' })).toThrow(
      /^CG614 The promotion into "prod" is approved by "bob", who also promotes it/,
    );
    expect(() => promote(l, RINGS, { ...opts, by: 'alice', approvedBy: 'mallory' })).toThrow(
      'CG615 Ring "prod" takes approvals only from "bob", "carol"; received --approved-by "mallory".',
    );
  });

  test('compares names of people in Unicode compatibility form, case aside: a full-width or capitalised name is the same person', () => {
    // Full-width "ｂｏｂ" (U+FF42 U+FF4F U+FF42) is "bob" to a reader
    expect(() => promote(l, RINGS, { ...opts, by: 'bob', approvedBy: '\uff42\uff4f\uff42' })).toThrow(/^CG614 /);
    expect(() => promote(l, RINGS, { ...opts, by: 'BOB ', approvedBy: 'bob' })).toThrow(/^CG614 /);
    // An approver the ring names, written in another case or form, is that approver
    expect(
      promote(l, RINGS, { ...opts, by: 'alice', approvedBy: 'Carol', upstreamArrival: { at: T('2026-11-22T10:00:00Z'), inGit: true } })
        .ledger.rings.prod!.approvedBy,
    ).toBe('Carol');
  });

  test("refuses an approver whose name only looks like the promoter's (CG614): other scripts, accents, invisible characters", () => {
    // "аlice" with a Cyrillic а (U+0430), "alicé", "al\u200bice" (a zero-width space) and "a lice" read as alice
    for (const approvedBy of ['\u0430lice', 'alic\u00e9', 'al\u200bice', 'a lice', '\u0430\u217cice', 'alice\u3164', 'ali\uffa0ce']) {
      expect(() => promote(l, RINGS, { ...opts, by: 'alice', approvedBy })).toThrow(
        /CG614 .*: the names look alike\); an approval needs a second person/,
      );
    }
    // AND a second person whose name is merely close is not refused for it
    expect(() => promote(l, RINGS, { ...opts, by: 'alice', approvedBy: 'alicia' })).toThrow(/^CG615 /);
  });

  test('measures the soak from the commit that recorded the digest in the ring before, up to soakUntil', () => {
    const refused = (): void => {
      promote(l, RINGS, { ...opts, by: 'alice', approvedBy: 'bob', upstreamArrival: { at: T('2026-11-22T11:30:00Z'), inGit: true } });
    };
    expect(refused).toThrow(GitOpsError);
    expect(refused).toThrow('(since 2026-11-22T11:30:00Z, the commit that recorded it), 30m remain.');
    expect(() => promote(l, RINGS, { ...opts, by: 'alice', approvedBy: 'bob', soakUntil: T('2026-11-22T10:30:00Z') })).toThrow(
      /CG602 .* 30m remain/,
    );
    expect(() => promote(l, RINGS, { ...opts, by: 'alice', approvedBy: 'bob', upstreamArrival: { at: null, inGit: true } })).toThrow(
      /no commit records it in "prod-canary" yet/,
    );
    expect(
      promote(l, RINGS, { ...opts, by: 'alice', approvedBy: 'bob', upstreamArrival: { at: T('2026-11-22T11:00:00Z'), inGit: true } })
        .changed,
    ).toBe(true);
  });
});

describe('one release written into every ring of a split at once', () => {
  const GATES = { soakSeconds: 3600, requireApproval: true };
  const SPLIT: RingSpec[] = [
    { name: 'nonprod', gates: {} },
    { name: 'prod-canary', gates: {} },
    { name: 'prod-aws', gates: GATES, movedFrom: ['prod'] },
    { name: 'prod-gcp', gates: GATES, movedFrom: ['prod'] },
  ];
  const INHERITED = state(A, '2026-11-21T12:00:00Z', { by: 'alice', from: 'prod-canary', approvedBy: 'bob' });
  /** prod's entry as both rings of the split took it over; B reached prod-canary at 10:00. */
  const SPLIT_BASE = ledger({
    nonprod: state(B, '2026-11-22T09:00:00Z'),
    'prod-canary': state(B, '2026-11-22T10:00:00Z', { from: 'nonprod' }),
    'prod-aws': INHERITED,
    'prod-gcp': INHERITED,
  });
  const B_INTO_PROD = state(B, '2026-11-22T11:30:00Z', {
    by: 'mallory',
    from: 'prod-canary',
    approvedBy: 'bob',
    previous: [{ digest: A, since: INHERITED.since, by: 'alice' }],
  });
  const BOTH = ledger({ ...SPLIT_BASE.rings, 'prod-aws': B_INTO_PROD, 'prod-gcp': B_INTO_PROD });
  const checkSplit = (extra: Partial<LedgerCheck>): Problem[] => check(BOTH, { rings: SPLIT, baseline: SPLIT_BASE, ...extra });

  test('is judged in the ring order before the split while the baseline still records the old ring (the split is written now)', () => {
    expect(checkSplit({ baselineRings: ['nonprod', 'prod-canary', 'prod'] })).toEqual([]);
  });

  test('is judged in the ring order before the split for an operation made on the old ring before it (movedTo)', () => {
    expect(checkSplit({ movedTo: ['prod-aws', 'prod-gcp'] })).toEqual([]);
  });

  test('fails once the baseline holds the split (CG610): the second ring of the split takes only from the first', () => {
    const expected = [
      expect.objectContaining({
        code: 'CG610',
        message:
          'Ring "prod-gcp" says it took sha256:bbbbbbbb from "prod-canary", but it takes digests only from "prod-aws", the ring right before it: the entry was changed by hand.',
      }),
    ];
    expect(checkSplit({ baselineRings: ['nonprod', 'prod-canary', 'prod-aws', 'prod-gcp'] })).toEqual(expected);
    // A baseline given without the rings it records as written is taken as written.
    expect(checkSplit({})).toEqual(expected);
  });
});

describe('an entry where nothing of the service would run it', () => {
  // prod has no target of the service, nor a ring after it (the service runs in nonprod and prod-canary only).
  const rings: RingSpec[] = RINGS.map((r) => (r.name === 'prod' ? { ...r, runsNothing: true, production: true } : r));
  const promotedToProd = ledger({
    ...BASE.rings,
    prod: state(A, '2026-11-22T11:30:00Z', {
      from: 'prod-canary',
      approvedBy: 'carol',
      previous: [{ digest: SEED, since: '1970-01-01T00:00:00Z', by: 'initial' }],
    }),
  });

  test('is refused when it changes, though the rules of the ring would take it and no hand edit is seen', () => {
    expect(check(promotedToProd, { rings }).map((p) => `${p.code} ${p.message}`)).toEqual([
      'CG622 Ring "prod" has no target of payments-api, nor has a ring after it, and its entry there changed: a release there would run nowhere until the program places payments-api there, then without review.',
    ]);
  });

  test("leaves alone an entry as it was, and the program's initial digest", () => {
    expect(check(BASE, { rings })).toEqual([]);
    expect(check(BASE, { rings, baseline: undefined, initialDigest: SEED }).filter((p) => p.code === 'CG622')).toEqual([]);
  });
});
