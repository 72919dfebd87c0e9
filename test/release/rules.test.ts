import { GitOpsError } from '../../src/core/errors';
import { initialLedger, LEDGER_HEADER, parseLedger, serializeLedger } from '../../src/release/ledger';
import { promote, rollback, unhold } from '../../src/release/rules';
import { Ledger, RingSpec, RingState } from '../../src/release/types';

const D1 = 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912';
const D2 = 'sha256:91ab5c0e4d2f8a7b6c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b';
const D3 = 'sha256:0c3d7e2b9a8f1e6d5c4b3a29181706f5e4d3c2b1a09f8e7d6c5b4a3928170605';
const RINGS: RingSpec[] = [
  { name: 'nonprod', gates: {} },
  { name: 'prod-canary', gates: { soakSeconds: 3600 } },
  { name: 'prod', gates: { soakSeconds: 7200, requireApproval: true } },
];
const ORDER = RINGS.map((r) => r.name);
const FILE = 'releases/payments-api.yaml';
const T0 = new Date('2026-11-22T10:00:00Z');

/** `T0` plus `seconds`. */
function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

/** A ring state with defaults for the fields a test does not care about. */
function state(digest: string, since: string, extra: Partial<RingState> = {}): RingState {
  return { digest, since, by: 'ci', from: null, approvedBy: null, hold: null, previous: [], ...extra };
}

/** Freezes a ledger deeply so any mutation throws. */
function frozen(ledger: Ledger): Ledger {
  for (const s of Object.values(ledger.rings)) {
    for (const p of s.previous) {
      Object.freeze(p);
    }
    Object.freeze(s.previous);
    if (s.hold) {
      Object.freeze(s.hold);
    }
    Object.freeze(s);
  }
  Object.freeze(ledger.rings);
  return Object.freeze(ledger);
}

/** nonprod runs D2 since T0, prod-canary and prod run D1 since the day before. */
function ledgerWithD2InNonprod(): Ledger {
  return frozen({
    service: 'payments-api',
    rings: {
      nonprod: state(D2, '2026-11-22T10:00:00Z', { previous: [{ digest: D1, since: '2026-11-21T10:00:00Z', by: 'initial' }] }),
      'prod-canary': state(D1, '2026-11-21T10:00:00Z', { by: 'initial' }),
      prod: state(D1, '2026-11-21T10:00:00Z', { by: 'initial' }),
    },
  });
}

/** Runs `fn` and returns the GitOpsError it throws. */
function refusal(fn: () => unknown): GitOpsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GitOpsError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a GitOpsError');
}

describe('promote', () => {
  test('puts any valid digest into the first ring and moves the old one into previous', () => {
    // GIVEN
    const ledger = frozen(initialLedger('payments-api', RINGS, D1, at(-86400)));

    // WHEN
    const result = promote(ledger, RINGS, { ring: 'nonprod', digest: D2, by: 'ci', now: T0 });

    // THEN
    expect(result.changed).toBe(true);
    expect(result.summary).toBe('promote payments-api sha256:91ab5c0e to nonprod (by ci)');
    expect(result.ledger.rings.nonprod).toEqual({
      digest: D2,
      since: '2026-11-22T10:00:00Z',
      by: 'ci',
      from: null,
      approvedBy: null,
      hold: null,
      previous: [{ digest: D1, since: '2026-11-21T10:00:00Z', by: 'initial' }],
    });
    expect(result.ledger.rings.prod).toBe(ledger.rings.prod);
    expect(ledger.rings.nonprod!.digest).toBe(D1);
  });

  test('takes what the ring before runs with fromRing, once it has soaked', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const result = promote(ledger, RINGS, { ring: 'prod-canary', fromRing: 'nonprod', by: 'ci', now: at(3600) });

    // THEN
    expect(result.ledger.rings['prod-canary']).toMatchObject({ digest: D2, from: 'nonprod', since: '2026-11-22T11:00:00Z' });
    expect(result.summary).toBe('promote payments-api sha256:91ab5c0e to prod-canary from nonprod (by ci)');
  });

  test('takes a named digest when it is the one the ring before runs', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const result = promote(ledger, RINGS, { ring: 'prod-canary', digest: D2, by: 'ci', now: at(3600) });

    // THEN
    expect(result.ledger.rings['prod-canary']!.digest).toBe(D2);
  });

  test('allows the promotion the moment the soak time is over', () => {
    // GIVEN
    const ledger = promote(ledgerWithD2InNonprod(), RINGS, { ring: 'prod-canary', fromRing: 'nonprod', by: 'ci', now: at(3600) }).ledger;

    // WHEN
    const result = promote(ledger, RINGS, { ring: 'prod', fromRing: 'prod-canary', by: 'alice', approvedBy: 'bob', now: at(3600 + 7200) });

    // THEN
    expect(result.ledger.rings.prod).toMatchObject({ digest: D2, from: 'prod-canary', by: 'alice', approvedBy: 'bob' });
    expect(result.summary).toBe('promote payments-api sha256:91ab5c0e to prod from prod-canary (by alice, approved by bob)');
  });

  test('changes nothing when the ring already runs the digest', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const result = promote(ledger, RINGS, { ring: 'nonprod', digest: D2, by: 'ci', now: at(60) });

    // THEN
    expect(result).toEqual({ ledger, changed: false, summary: 'payments-api nonprod already runs sha256:91ab5c0e' });
    expect(result.ledger).toBe(ledger);
  });

  test('keeps at most historyLimit earlier releases, newest first, without the digest now running', () => {
    // GIVEN
    let ledger: Ledger = initialLedger('payments-api', RINGS, D1, T0);
    ledger = promote(ledger, RINGS, { ring: 'nonprod', digest: D2, by: 'ci', now: at(1) }).ledger;
    ledger = promote(ledger, RINGS, { ring: 'nonprod', digest: D3, by: 'ci', now: at(2) }).ledger;

    // WHEN
    const result = promote(ledger, RINGS, { ring: 'nonprod', digest: D1, by: 'ci', now: at(3), historyLimit: 1 });

    // THEN
    expect(result.ledger.rings.nonprod!.previous).toEqual([{ digest: D3, since: '2026-11-22T10:00:02Z', by: 'ci' }]);
  });

  test('fails when a later ring is given a digest the ring before does not run', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'prod', digest: D2, by: 'alice', approvedBy: 'bob', now: at(86400) }));

    // THEN
    expect(e.message).toBe(
      'CG601 Ring "prod" takes only the digest running in "prod-canary" (sha256:2e8f1a31); received sha256:91ab5c0e. ' +
        'Fix: Promote sha256:91ab5c0e into "prod-canary" first, or use --from prod-canary.',
    );
  });

  test('fails when fromRing is not the ring right before', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'prod', fromRing: 'nonprod', by: 'alice', approvedBy: 'bob', now: at(86400) }));

    // THEN
    expect(e.message).toBe(
      'CG601 Ring "prod" takes digests only from "prod-canary", the ring right before it; received --from nonprod. ' +
        'Fix: Use --from prod-canary, once the digest has reached "prod-canary".',
    );
  });

  test('fails when fromRing is given for the first ring', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'nonprod', fromRing: 'prod', by: 'ci', now: T0 }));

    // THEN
    expect(e.message).toBe(
      'CG601 Ring "nonprod" is the first ring; it takes a digest, not what another ring runs; received --from prod. ' +
        'Fix: Pass --digest <sha256:…> instead of --from.',
    );
  });

  test('fails when the ring before runs nothing yet', () => {
    // GIVEN
    const ledger: Ledger = { service: 'payments-api', rings: { nonprod: state(D1, '2026-11-22T10:00:00Z') } };

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'prod', digest: D1, by: 'alice', approvedBy: 'bob', now: T0 }));

    // THEN
    expect(e.message).toBe(
      'CG601 Ring "prod" takes only the digest running in "prod-canary", but "prod-canary" runs nothing yet. Fix: Promote into "prod-canary" first.',
    );
  });

  test('fails when the digest has not soaked long enough, saying how long remains and when it is allowed', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();
    const canary = promote(ledger, RINGS, { ring: 'prod-canary', fromRing: 'nonprod', by: 'ci', now: at(3600) }).ledger;

    // WHEN
    const e = refusal(() =>
      promote(canary, RINGS, { ring: 'prod', fromRing: 'prod-canary', by: 'alice', approvedBy: 'bob', now: at(3600 + 4500) }),
    );

    // THEN
    expect(e.message).toBe(
      'CG602 Ring "prod" takes sha256:91ab5c0e only after it has run 2h in "prod-canary"; it has run there 1h 15m ' +
        '(since 2026-11-22T11:00:00Z), 45m remain. Fix: Promote at or after 2026-11-22T13:00:00Z.',
    );
  });

  test('fails when the ring is held, naming the hold and how to lift it', () => {
    // GIVEN
    const ledger = frozen({
      ...ledgerWithD2InNonprod(),
      rings: {
        ...ledgerWithD2InNonprod().rings,
        'prod-canary': state(D1, '2026-11-21T10:00:00Z', {
          hold: { reason: 'p99 latency up', since: '2026-11-22T09:00:00Z', by: 'alice' },
        }),
      },
    });

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'prod-canary', fromRing: 'nonprod', by: 'ci', now: at(3600) }));

    // THEN
    expect(e.message).toBe(
      'CG603 Ring "prod-canary" is held since 2026-11-22T09:00:00Z by alice: "p99 latency up". ' +
        'Fix: Run `cdk8s-gitops unhold payments-api --ring prod-canary` once the incident is over.',
    );
  });

  test('fails when the ring requires approval and none is named', () => {
    // GIVEN
    const ledger = promote(ledgerWithD2InNonprod(), RINGS, { ring: 'prod-canary', fromRing: 'nonprod', by: 'ci', now: at(3600) }).ledger;

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'prod', fromRing: 'prod-canary', by: 'alice', now: at(86400) }));

    // THEN
    expect(e.message).toBe(
      'CG604 Ring "prod" requires the promotion to name who approved it; no approver was given. ' +
        'Fix: Pass --approved-by <name> of who approved promoting sha256:91ab5c0e into "prod".',
    );
  });

  test('fails with every broken rule at once', () => {
    // GIVEN
    const base = promote(ledgerWithD2InNonprod(), RINGS, { ring: 'prod-canary', fromRing: 'nonprod', by: 'ci', now: at(3600) }).ledger;
    const ledger: Ledger = {
      ...base,
      rings: {
        ...base.rings,
        prod: state(D1, '2026-11-21T10:00:00Z', { hold: { reason: 'incident', since: '2026-11-22T09:00:00Z', by: 'alice' } }),
      },
    };

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'prod', fromRing: 'prod-canary', by: 'ci', now: at(3660) }));

    // THEN
    expect(e.problems.map((p) => p.code)).toEqual(['CG603', 'CG602', 'CG604']);
    expect(e.message.split('\n')[0]).toBe('3 problems found:');
  });

  test('fails when the ring is not declared', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'prodd', digest: D2, by: 'ci', now: T0 }));

    // THEN
    expect(e.message).toBe(
      'CG605 Ring "prodd" is not declared for payments-api; the program declares "nonprod", "prod-canary", "prod". Did you mean "prod"? ' +
        'Fix: Use one of the declared rings, or declare "prodd" in the program first.',
    );
  });

  test('fails when the digest is a tag and the ring takes only digests', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'nonprod', digest: '1.4.2', by: 'ci', now: T0 }));

    // THEN
    expect(e.message).toBe(
      'CG608 Cannot promote "1.4.2" into "nonprod": it is a tag, but this ring takes only digests. ' +
        'Fix: Use the image digest, e.g. from `crane digest <image>:<tag>` or the build output: sha256:<64 lowercase hex> (or the tag pinned by it, <tag>@sha256:…).',
    );
  });

  test("takes a tag where the ring's policy allows tags", () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const result = promote(ledger, RINGS, { ring: 'nonprod', digest: '1.4.2', by: 'ci', now: T0, policy: { requireDigest: false } });

    // THEN
    expect(result.ledger.rings.nonprod!.digest).toBe('1.4.2');
  });

  test('fails when neither a digest nor a ring to take it from is given', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => promote(ledger, RINGS, { ring: 'nonprod', by: '', now: T0 }));

    // THEN
    expect(e.problems.map((p) => p.code)).toEqual(['CG609', 'CG609']);
    expect(e.message).toContain('CG609 Who is doing it (`by`) is empty.');
    expect(e.message).toContain(
      'CG609 Nothing to promote into "nonprod": neither a digest nor a ring to take it from was given. ' +
        'Fix: Pass --digest <sha256:…>, or --from <ring> to promote what that ring runs.',
    );
  });
});

describe('rollback', () => {
  test('puts the previous release back and holds the ring', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const result = rollback(ledger, RINGS, { ring: 'nonprod', previous: true, reason: 'crash loop', by: 'alice', now: at(600) });

    // THEN
    expect(result.ledger.rings.nonprod).toEqual({
      digest: D1,
      since: '2026-11-22T10:10:00Z',
      by: 'alice',
      from: null,
      approvedBy: null,
      hold: { reason: 'crash loop', since: '2026-11-22T10:10:00Z', by: 'alice' },
      previous: [{ digest: D2, since: '2026-11-22T10:00:00Z', by: 'ci' }],
    });
    expect(result.summary).toBe('roll back payments-api nonprod to sha256:2e8f1a31 and hold it (by alice): crash loop');
    expect(ledger.rings.nonprod!.hold).toBeNull();
  });

  test("puts back a named digest from the ring's history", () => {
    // GIVEN
    let ledger: Ledger = initialLedger('payments-api', RINGS, D1, T0);
    ledger = promote(ledger, RINGS, { ring: 'nonprod', digest: D2, by: 'ci', now: at(1) }).ledger;
    ledger = promote(ledger, RINGS, { ring: 'nonprod', digest: D3, by: 'ci', now: at(2) }).ledger;

    // WHEN
    const result = rollback(ledger, RINGS, { ring: 'nonprod', to: D1, reason: 'bad migration', by: 'alice', now: at(3) });

    // THEN
    expect(result.ledger.rings.nonprod!.digest).toBe(D1);
    expect(result.ledger.rings.nonprod!.previous.map((p) => p.digest)).toEqual([D3, D2]);
  });

  test('rolls a held ring back further and replaces its hold', () => {
    // GIVEN
    let ledger: Ledger = initialLedger('payments-api', RINGS, D1, T0);
    ledger = promote(ledger, RINGS, { ring: 'nonprod', digest: D2, by: 'ci', now: at(1) }).ledger;
    ledger = promote(ledger, RINGS, { ring: 'nonprod', digest: D3, by: 'ci', now: at(2) }).ledger;
    ledger = rollback(ledger, RINGS, { ring: 'nonprod', previous: true, reason: 'crash loop', by: 'alice', now: at(3) }).ledger;

    // WHEN
    const result = rollback(ledger, RINGS, { ring: 'nonprod', to: D1, reason: 'still crashing', by: 'bob', now: at(4) });

    // THEN
    expect(result.ledger.rings.nonprod).toMatchObject({ digest: D1, hold: { reason: 'still crashing', by: 'bob' } });
  });

  test("fails when the digest is not in the ring's history, listing the known ones", () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => rollback(ledger, RINGS, { ring: 'nonprod', to: D3, reason: 'crash loop', by: 'alice', now: T0 }));

    // THEN
    expect(e.message).toBe(
      'CG606 sha256:0c3d7e2b is not in the history of ring "nonprod"; it ran before: sha256:2e8f1a31 (since 2026-11-21T10:00:00Z). ' +
        `Fix: Use --previous, or --to one of: ${D1}.`,
    );
  });

  test('fails when the digest named is the one the ring runs', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => rollback(ledger, RINGS, { ring: 'nonprod', to: D2, reason: 'crash loop', by: 'alice', now: T0 }));

    // THEN
    expect(e.code).toBe('CG606');
    expect(e.message).toContain('CG606 sha256:91ab5c0e is what "nonprod" runs now; it ran before: sha256:2e8f1a31');
  });

  test('fails when the ring has no previous release', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => rollback(ledger, RINGS, { ring: 'prod', previous: true, reason: 'crash loop', by: 'alice', now: T0 }));

    // THEN
    expect(e.message).toBe(
      'CG606 Ring "prod" has no previous release to roll back to; it has only ever run sha256:2e8f1a31. ' +
        'Fix: Promote a fixed digest into "prod" instead.',
    );
  });

  test('fails when no reason is given', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => rollback(ledger, RINGS, { ring: 'nonprod', previous: true, reason: ' ', by: 'alice', now: T0 }));

    // THEN
    expect(e.message).toBe(
      'CG609 A rollback of "nonprod" needs a reason; none was given. ' +
        'Fix: Pass --reason "<what went wrong>"; it stays on the hold until the ring is unheld.',
    );
  });

  test('fails when both a digest and previous are given', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => rollback(ledger, RINGS, { ring: 'nonprod', to: D1, previous: true, reason: 'x', by: 'alice', now: T0 }));

    // THEN
    expect(e.message).toBe('CG609 A rollback of "nonprod" takes --previous or --to, not both. Fix: Drop one of them.');
  });

  test('fails when the ring is not declared', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => rollback(ledger, RINGS, { ring: 'staging', previous: true, reason: 'x', by: 'alice', now: T0 }));

    // THEN
    expect(e.code).toBe('CG605');
    expect(e.message).toContain('Ring "staging" is not declared for payments-api');
  });
});

describe('unhold', () => {
  test('lifts the hold and keeps the ring running what it runs', () => {
    // GIVEN
    const held = rollback(ledgerWithD2InNonprod(), RINGS, {
      ring: 'nonprod',
      previous: true,
      reason: 'crash loop',
      by: 'alice',
      now: at(60),
    }).ledger;

    // WHEN
    const result = unhold(frozen(held), { ring: 'nonprod', by: 'alice', now: at(3600) });

    // THEN
    expect(result.ledger.rings.nonprod).toEqual({ ...held.rings.nonprod, hold: null });
    expect(result.summary).toBe('unhold payments-api nonprod (by alice)');
  });

  test('fails when the ring is not held', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => unhold(ledger, { ring: 'prod', by: 'alice', now: T0 }));

    // THEN
    expect(e.message).toBe('CG607 Ring "prod" is not held. Fix: Nothing to do: promotions into "prod" are allowed.');
  });

  test('fails when the ledger has no such ring', () => {
    // GIVEN
    const ledger = ledgerWithD2InNonprod();

    // WHEN
    const e = refusal(() => unhold(ledger, { ring: 'constructor', by: 'alice', now: T0 }));

    // THEN
    expect(e.message).toBe(
      'CG605 The ledger of payments-api has no ring "constructor"; it has "nonprod", "prod-canary", "prod". Fix: Name a ring from the ledger.',
    );
  });
});

describe('a release walking through every ring', () => {
  test('goes nonprod → prod-canary → prod, is rolled back in prod, refused while held, then unheld', () => {
    // GIVEN a service that started on D1 everywhere
    const write = (l: Ledger): Ledger => {
      const text = serializeLedger(l, ORDER);
      const back = parseLedger(text, FILE);
      expect(back).toEqual(l);
      expect(serializeLedger(back, ORDER)).toBe(text);
      return back;
    };
    let ledger = write(initialLedger('payments-api', RINGS, D1, at(-86400)));

    // WHEN D2 is built and walked through the rings, each step a separate change
    ledger = write(promote(ledger, RINGS, { ring: 'nonprod', digest: D2, by: 'ci', now: T0 }).ledger);
    const tooEarly = refusal(() => promote(ledger, RINGS, { ring: 'prod-canary', fromRing: 'nonprod', by: 'ci', now: at(600) }));
    ledger = write(promote(ledger, RINGS, { ring: 'prod-canary', fromRing: 'nonprod', by: 'ci', now: at(4200) }).ledger);
    const early = refusal(() =>
      promote(ledger, RINGS, { ring: 'prod', fromRing: 'prod-canary', by: 'alice', approvedBy: 'bob', now: at(7200) }),
    );
    ledger = write(
      promote(ledger, RINGS, { ring: 'prod', fromRing: 'prod-canary', by: 'alice', approvedBy: 'bob', now: at(11400) }).ledger,
    );
    ledger = write(
      rollback(ledger, RINGS, { ring: 'prod', previous: true, reason: 'error rate 4% after deploy', by: 'alice', now: at(12600) }).ledger,
    );
    const held = refusal(() =>
      promote(ledger, RINGS, { ring: 'prod', fromRing: 'prod-canary', by: 'alice', approvedBy: 'bob', now: at(13200) }),
    );
    ledger = write(unhold(ledger, { ring: 'prod', by: 'alice', now: at(15000) }).ledger);

    // THEN
    expect(tooEarly.code).toBe('CG602');
    expect(early.message).toContain(
      'CG602 Ring "prod" takes sha256:91ab5c0e only after it has run 2h in "prod-canary"; it has run there 50m',
    );
    expect(held.code).toBe('CG603');
    expect(promote(ledger, RINGS, { ring: 'prod', fromRing: 'prod-canary', by: 'alice', approvedBy: 'bob', now: at(15000) }).changed).toBe(
      true,
    );
    expect(serializeLedger(ledger, ORDER)).toBe(`${LEDGER_HEADER}
service: payments-api
rings:
  nonprod:
    digest: ${D2}
    since: "2026-11-22T10:00:00Z"
    by: ci
    from: null
    approvedBy: null
    hold: null
    previous:
      - { digest: ${D1}, since: "2026-11-21T10:00:00Z", by: initial }
  prod-canary:
    digest: ${D2}
    since: "2026-11-22T11:10:00Z"
    by: ci
    from: nonprod
    approvedBy: null
    hold: null
    previous:
      - { digest: ${D1}, since: "2026-11-21T10:00:00Z", by: initial }
  prod:
    digest: ${D1}
    since: "2026-11-22T13:30:00Z"
    by: alice
    from: null
    approvedBy: null
    hold: null
    previous:
      - { digest: ${D2}, since: "2026-11-22T13:10:00Z", by: alice }
`);
  });
});
