import fc from 'fast-check';
import { GitOpsError } from '../../src/core/errors';
import { initialLedger, LEDGER_HEADER, orderRings, parseLedger, serializeLedger } from '../../src/release/ledger';
import { readLedgerDocument } from '../../src/release/ledger-reader';
import { Ledger, RingSpec } from '../../src/release/types';

const D1 = 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912';
const D2 = 'sha256:91ab5c0e4d2f8a7b6c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b';
const FILE = 'releases/payments-api.yaml';
const RINGS: RingSpec[] = [
  { name: 'nonprod', gates: {} },
  { name: 'prod-canary', gates: { soakSeconds: 3600 } },
  { name: 'prod', gates: { soakSeconds: 7200, requireApproval: true } },
];
const ORDER = RINGS.map((r) => r.name);

const LEDGER: Ledger = {
  service: 'payments-api',
  rings: {
    nonprod: {
      digest: D2,
      since: '2026-11-22T10:00:00Z',
      by: 'ci',
      from: null,
      approvedBy: null,
      hold: null,
      previous: [{ digest: D1, since: '2026-11-20T09:00:00Z', by: 'ci' }],
    },
    prod: {
      digest: D1,
      since: '2026-11-21T08:30:00Z',
      by: 'alice',
      from: 'prod-canary',
      approvedBy: 'bob',
      hold: { reason: 'p99 latency up after deploy', since: '2026-11-22T11:00:00Z', by: 'alice' },
      previous: [],
    },
  },
};

const TEXT = `${LEDGER_HEADER}
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
      - { digest: ${D1}, since: "2026-11-20T09:00:00Z", by: ci }
  prod:
    digest: ${D1}
    since: "2026-11-21T08:30:00Z"
    by: alice
    from: prod-canary
    approvedBy: bob
    hold:
      reason: "p99 latency up after deploy"
      since: "2026-11-22T11:00:00Z"
      by: alice
    previous: []
`;

/** Parses `text` and returns the thrown GitOpsError. */
function parseError(text: string, file = FILE): GitOpsError {
  try {
    parseLedger(text, file);
  } catch (e) {
    if (e instanceof GitOpsError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected parseLedger to throw');
}

describe('serializeLedger', () => {
  test('writes the header, every field, rings in program order and history as one line per release', () => {
    // GIVEN / WHEN
    const text = serializeLedger(LEDGER, ORDER);

    // THEN
    expect(text).toBe(TEXT);
  });

  test('writes the same bytes for the same ledger, whatever order its rings were added in', () => {
    // GIVEN
    const reordered: Ledger = { service: LEDGER.service, rings: { prod: LEDGER.rings.prod!, nonprod: LEDGER.rings.nonprod! } };

    // WHEN
    const a = serializeLedger(LEDGER, ORDER);
    const b = serializeLedger(reordered, ORDER);

    // THEN
    expect(b).toBe(a);
    expect(serializeLedger(LEDGER, ORDER)).toBe(a);
  });

  test('keeps rings the program no longer declares at the end, sorted by name', () => {
    // GIVEN
    const ledger: Ledger = {
      service: 'payments-api',
      rings: { zeta: LEDGER.rings.prod!, prod: LEDGER.rings.prod!, alpha: LEDGER.rings.prod!, nonprod: LEDGER.rings.nonprod! },
    };

    // WHEN
    const text = serializeLedger(ledger, ORDER);

    // THEN
    const rings = text.split('\n').filter((l) => /^ {2}\S/.test(l));
    expect(rings).toEqual(['  nonprod:', '  prod:', '  alpha:', '  zeta:']);
  });

  test('writes an empty ledger with `rings: {}`', () => {
    // GIVEN / WHEN
    const text = serializeLedger({ service: 'payments-api', rings: {} }, ORDER);

    // THEN
    expect(text).toBe(`${LEDGER_HEADER}\nservice: payments-api\nrings: {}\n`);
    expect(parseLedger(text, FILE)).toEqual({ service: 'payments-api', rings: {} });
  });

  test('quotes text that YAML would read as something else', () => {
    // GIVEN
    const ring = LEDGER.rings.nonprod!;
    const ledger: Ledger = {
      service: 'payments-api',
      rings: {
        nonprod: {
          ...ring,
          by: 'yes',
          approvedBy: '12',
          hold: { reason: 'said "stop"\nthen left: é', since: ring.since, by: 'null' },
          previous: [{ digest: D1, since: ring.since, by: 'ops team, nights' }],
        },
      },
    };

    // WHEN
    const text = serializeLedger(ledger, ORDER);

    // THEN
    expect(text).toContain('    by: "yes"\n');
    expect(text).toContain('    approvedBy: "12"\n');
    expect(text).toContain('      reason: "said \\"stop\\"\\nthen left: é"\n');
    expect(text).toContain('      by: "null"\n');
    expect(text).toContain(`by: "ops team, nights" }`);
    expect(parseLedger(text, FILE)).toEqual(ledger);
  });
});

describe('parseLedger', () => {
  test('reads what serializeLedger writes back to the same ledger', () => {
    // GIVEN
    const text = serializeLedger(LEDGER, ORDER);

    // WHEN
    const ledger = parseLedger(text, FILE);

    // THEN
    expect(ledger).toEqual(LEDGER);
    expect(serializeLedger(ledger, ORDER)).toBe(text);
  });

  test('reads back any ledger it writes, byte for byte, whatever the text in it', () => {
    // GIVEN
    const text = fc.string({ unit: 'binary', minLength: 1 }).filter((t) => t.trim() !== '');
    const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`);
    const since = fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const release = fc.record({ digest, since, by: text });
    const ring = fc.record({
      digest,
      since,
      by: text,
      from: fc.option(fc.constantFrom(...ORDER, 'legacy'), { nil: null }),
      approvedBy: fc.option(text, { nil: null }),
      hold: fc.option(fc.record({ reason: text, since, by: text }), { nil: null }),
      previous: fc.array(release, { maxLength: 5 }),
    });
    const ledger = fc.dictionary(fc.constantFrom(...ORDER, 'legacy', 'zz-old'), ring).map((rings) => ({ service: 'payments-api', rings }));

    // WHEN / THEN
    fc.assert(
      fc.property(ledger, (l) => {
        const written = serializeLedger(l, ORDER);
        const back = parseLedger(written, FILE);
        expect(back).toEqual(l);
        expect(serializeLedger(back, ORDER)).toBe(written);
      }),
      { numRuns: 300 },
    );
  });

  test('reads back names written plain, in the block and in the flow lines of a ledger', () => {
    // GIVEN names from the alphabet plain scalars may use (spaces, parentheses, colons, "@" and "=")
    const name = fc.stringMatching(/^[A-Za-z_/.][A-Za-z0-9_./@%+:=-]{0,12}(?: [A-Za-z0-9_./@%+()=-]{1,8}){0,3}$/);
    const since = '2026-11-22T10:00:00Z';
    const digest = `sha256:${'a'.repeat(64)}`;
    const ledger = fc
      .record({ by: name, approver: name, previous: fc.array(name, { maxLength: 3 }) })
      .map(({ by, approver, previous }) => ({
        service: 'payments-api',
        rings: {
          prod: {
            digest,
            since,
            by,
            from: null,
            approvedBy: approver,
            hold: null,
            previous: previous.map((p) => ({ digest, since, by: p })),
          },
        },
      }));

    // WHEN / THEN
    fc.assert(
      fc.property(ledger, (l) => {
        const written = serializeLedger(l, ORDER);
        expect(parseLedger(written, FILE)).toEqual(l);
        expect(readLedgerDocument(written, FILE)).toEqual(l);
      }),
      { numRuns: 500 },
    );
  });

  test('reads every ledger it writes as the YAML parser does', () => {
    // GIVEN
    const text = fc.string({ unit: 'binary', minLength: 1 }).filter((t) => t.trim() !== '');
    const word = fc.constantFrom(
      'y',
      'n',
      'yes',
      'no',
      'on',
      'off',
      'true',
      'false',
      'null',
      'ci',
      'alice',
      'e1',
      'x-2',
      '0x1f',
      '1e3',
      '12:30',
      '2026-01-01',
      'a:b',
      'ops@ci',
    );
    const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`);
    const since = fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const who = fc.oneof(text, word);
    const ring = fc.record({
      digest,
      since,
      by: who,
      from: fc.option(fc.constantFrom(...ORDER, 'legacy', 'on', 'null'), { nil: null }),
      approvedBy: fc.option(who, { nil: null }),
      hold: fc.option(fc.record({ reason: who, since, by: who }), { nil: null }),
      previous: fc.array(fc.record({ digest, since, by: who }), { maxLength: 3 }),
    });
    const ledger = fc
      .dictionary(fc.constantFrom(...ORDER, 'legacy', 'yes', 'off'), ring)
      .map((rings) => ({ service: 'payments-api', rings }));

    // WHEN / THEN
    fc.assert(
      fc.property(ledger, (l) => {
        const written = serializeLedger(l, ORDER);
        expect(parseLedger(written, FILE)).toEqual(readLedgerDocument(written, FILE));
      }),
      { numRuns: 300 },
    );
  });

  test('reads a ledger edited by hand into another form, as the YAML parser does', () => {
    // GIVEN
    const edits = [
      TEXT.replace('    by: ci\n', '    by: "ci"\n'),
      TEXT.replace('    hold: null\n', '    hold: ~\n'),
      TEXT.replace(`service: payments-api\n`, `# owned by the payments team\nservice: payments-api\n`),
      TEXT.replace('    previous: []\n', '    previous: []   \n'),
      TEXT.replace('    from: null\n    approvedBy: null\n', '    approvedBy: null\n    from: null\n'),
      TEXT.replace(LEDGER_HEADER + '\n', ''),
    ];

    // WHEN / THEN
    for (const edited of edits) {
      expect(edited).not.toBe(TEXT);
      expect(parseLedger(edited, FILE)).toEqual(LEDGER);
    }
  });

  test('reads a tag in a ring whose policy allows tags', () => {
    // GIVEN
    const text = TEXT.replace(`digest: ${D2}`, 'digest: 1.4.2');

    // WHEN
    const ledger = parseLedger(text, FILE, { policies: { nonprod: { requireDigest: false } } });

    // THEN
    expect(ledger.rings.nonprod!.digest).toBe('1.4.2');
  });

  test('fails when the YAML is malformed, naming the line', () => {
    // GIVEN
    const text = TEXT.replace('    by: ci\n', '    by: ci: bot\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ code: 'CG201', file: FILE, line: 7 });
    expect(e.message).toBe(
      '[releases/payments-api.yaml:7] CG201 Not valid YAML: Nested mappings are not allowed in compact mappings. ' +
        'Fix: Correct the YAML at or before that line, or restore the file from Git history.',
    );
  });

  test('fails when a quote is never closed, naming the last line rather than past the end', () => {
    // GIVEN
    const text = TEXT.replace('    by: alice\n    previous: []\n', '    by: "alice\n    previous: []\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems[0]).toMatchObject({ code: 'CG201', line: 23 });
    expect(e.message).toContain('Missing closing "quote');
  });

  test('fails when a key appears twice', () => {
    // GIVEN
    const text = TEXT.replace('    by: ci\n', '    by: ci\n    by: bot\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems[0]).toMatchObject({ code: 'CG201', line: 8 });
    expect(e.message).toContain('Map keys must be unique');
  });

  test('fails when the file is empty', () => {
    // GIVEN / WHEN
    const e = parseError('');

    // THEN
    expect(e.message).toBe(
      '[releases/payments-api.yaml:1] CG202 releases/payments-api.yaml must be a mapping with the fields "service" and "rings"; ' +
        'received nothing. Fix: Restore the file from Git history: `git checkout HEAD -- releases/payments-api.yaml`.',
    );
  });

  test('fails when a field is unknown, instead of dropping it', () => {
    // GIVEN
    const text = TEXT.replace('    from: null\n', '    from: null\n    note: hotfix\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems[0]).toMatchObject({ code: 'CG202', line: 9 });
    expect(e.message).toContain(
      'CG202 Unknown field "rings.nonprod.note". Fix: Remove it; "rings.nonprod" has only the fields ' +
        '"digest", "since", "by", "from", "approvedBy", "hold", "previous".',
    );
  });

  test('fails when a field is missing, instead of defaulting it', () => {
    // GIVEN
    const text = TEXT.replace('    approvedBy: null\n', '');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems[0]).toMatchObject({ code: 'CG202', line: 4 });
    expect(e.message).toBe(
      '[releases/payments-api.yaml:4] CG202 "rings.nonprod" lacks the field "approvedBy". ' +
        'Fix: Add `approvedBy: null`, with the value it should have.',
    );
  });

  test('fails when a field has the wrong type, showing the value as written', () => {
    // GIVEN
    const text = TEXT.replace('    by: ci\n', '    by: 12\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.message).toBe(
      '[releases/payments-api.yaml:7] CG202 Field "rings.nonprod.by" must be text; received 12 (read as a number). Fix: Quote the value: "12".',
    );
  });

  test('fails when previous is not a list', () => {
    // GIVEN
    const text = TEXT.replace('    previous: []\n', '    previous: null\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems[0]).toMatchObject({ code: 'CG202', line: 23 });
    expect(e.message).toContain('Field "rings.prod.previous" must be a list; received null. Fix: Write `previous: []`');
  });

  test('fails when the file uses an alias', () => {
    // GIVEN
    const text = TEXT.replace('    by: alice\n', '    by: &who alice\n').replace('      by: alice\n', '      by: *who\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.message).toBe(
      '[releases/payments-api.yaml:22] CG202 releases/payments-api.yaml uses the YAML alias *who. ' +
        'Fix: Write the value out in full; a ledger uses no anchors or aliases.',
    );
  });

  test('fails when a digest is not sha256 with 64 hex characters', () => {
    // GIVEN
    const text = TEXT.replace(`digest: ${D2}`, 'digest: sha256:2E8F1A31');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.message).toBe(
      '[releases/payments-api.yaml:5] CG203 Field "rings.nonprod.digest" is not a digest: expected "sha256:" followed by ' +
        '64 lowercase hex characters; received a string of 15 characters, with upper-case letters. Fix: Use the image digest, e.g. from ' +
        '`crane digest <image>:<tag>` or the build output: sha256:<64 lowercase hex> (or the tag pinned by it, <tag>@sha256:…).',
    );
  });

  test('fails when a digest in the history is malformed', () => {
    // GIVEN
    const text = TEXT.replace(`{ digest: ${D1},`, '{ digest: "sha256:zz",');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems[0]).toMatchObject({ code: 'CG203', line: 12 });
    expect(e.message).toContain('Field "rings.nonprod.previous[0].digest" is not a digest');
  });

  test('fails when a ring that takes only digests runs a tag', () => {
    // GIVEN
    const text = TEXT.replace(`digest: ${D2}`, 'digest: 1.4.2');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.message).toBe(
      '[releases/payments-api.yaml:5] CG204 Field "rings.nonprod.digest" is a tag, but this ring takes only digests; ' +
        'received "1.4.2". Fix: Write the digest of that tag (sha256:<64 lowercase hex>), or allow tags in ring "nonprod".',
    );
  });

  test('fails when the service does not match the file name', () => {
    // GIVEN
    const text = TEXT.replace('service: payments-api', 'service: payments');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.message).toBe(
      '[releases/payments-api.yaml:2] CG205 releases/payments-api.yaml names service "payments", but a ledger must name ' +
        'the service of its file name ("payments-api"). Fix: Rename the file to releases/payments.yaml, or set ' +
        '`service: payments-api` if the file is where it belongs.',
    );
  });

  test('fails when a timestamp is not UTC with whole seconds', () => {
    // GIVEN
    const text = TEXT.replace('since: "2026-11-22T11:00:00Z"', 'since: "2026-11-22 11:00"');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.message).toBe(
      '[releases/payments-api.yaml:21] CG206 Field "rings.prod.hold.since" is not a timestamp; received a string of 16 characters, with white space. ' +
        'Fix: Write the time in UTC with whole seconds and a Z, quoted, e.g. "2026-11-22T10:00:00Z".',
    );
  });

  test('fails when a YAML 1.1 document reads a timestamp as a date', () => {
    // GIVEN
    const text = `%YAML 1.1\n---\n${TEXT.replace('since: "2026-11-22T10:00:00Z"', 'since: 2026-11-22T10:00:00Z')}`;

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems[0]).toMatchObject({ code: 'CG202', line: 8 });
    expect(e.message).toContain('must be a quoted timestamp; received 2026-11-22T10:00:00Z (read as a date)');
  });

  test('fails when a ring name is not a DNS-1123 label', () => {
    // GIVEN
    const text = TEXT.replace('  prod:\n', '  Prod_EU:\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.message).toBe(
      '[releases/payments-api.yaml:13] CG207 Field "rings" is not a valid ring name; received a string of 7 characters, with upper-case letters. ' +
        'Fix: Use lower-case letters, digits and "-" (a DNS-1123 label, at most 63 characters).',
    );
  });

  test('never quotes back a value or key that could be a secret pasted by mistake', () => {
    // GIVEN a ring whose state is a pasted credential, and a ring key that is one
    const secret = 'AKIAIOSFODNN7EXAMPLE-SECRET-hunter2 {{{';
    const asValue = TEXT.replace(/ {2}nonprod:\n( {4}.*\n)+/, `  nonprod: ${secret}\n`);
    const asKey = TEXT.replace('  prod:\n', '  "wJalrXUtnFEMI/K7MDENG=":\n');

    // WHEN each is parsed
    // THEN the messages describe them (length, kinds of characters) and give the line, never the text
    expect(parseError(asValue).message).toContain(
      'Field "rings.nonprod" must be a mapping; received a string of 39 characters, with upper-case letters and white space and other characters.',
    );
    for (const e of [parseError(asValue), parseError(asKey)]) {
      expect(e.message).not.toMatch(/AKIA|hunter2|wJalrXUtnFEMI/);
      expect(e.problems[0].line).toBeGreaterThan(0);
    }
  });

  test('fails when who did it is left empty', () => {
    // GIVEN
    const text = TEXT.replace('    approvedBy: bob\n', '    approvedBy: ""\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems[0]).toMatchObject({ code: 'CG208', line: 18 });
    expect(e.message).toContain('Field "rings.prod.approvedBy" is empty.');
  });

  test('fails with every problem at once, each with its line', () => {
    // GIVEN
    const text = TEXT.replace('since: "2026-11-22T10:00:00Z"', 'since: yesterday').replace('    by: alice\n', '    by: true\n');

    // WHEN
    const e = parseError(text);

    // THEN
    expect(e.problems.map((p) => [p.code, p.line])).toEqual([
      ['CG206', 6],
      ['CG202', 16],
    ]);
    expect(e.message.split('\n')[0]).toBe('2 problems found:');
  });
});

describe('orderRings', () => {
  test('puts program rings first, in program order, then the rest by name', () => {
    // GIVEN / WHEN / THEN
    expect(orderRings(['b', 'prod', 'a', 'nonprod'], ORDER)).toEqual(['nonprod', 'prod', 'a', 'b']);
  });
});

describe('initialLedger', () => {
  test('puts the initial digest in every ring, with no origin, approval, hold or history', () => {
    // GIVEN
    const now = new Date('2026-11-22T10:00:00.500Z');

    // WHEN
    const ledger = initialLedger('payments-api', RINGS, D1, now);

    // THEN
    const state = { digest: D1, since: '2026-11-22T10:00:00Z', by: 'initial', from: null, approvedBy: null, hold: null, previous: [] };
    expect(ledger).toEqual({ service: 'payments-api', rings: { nonprod: state, 'prod-canary': state, prod: state } });
    expect(parseLedger(serializeLedger(ledger, ORDER), FILE)).toEqual(ledger);
  });

  test('fails when the initial digest is a tag', () => {
    // GIVEN / WHEN / THEN
    expect(() => initialLedger('payments-api', RINGS, '1.4.2', new Date())).toThrow(
      'CG608 The initial digest of "payments-api" is a tag, but this ring takes only digests; received "1.4.2".',
    );
  });

  test('takes a tag as the initial release when every ring takes tags', () => {
    // GIVEN
    const tags = Object.fromEntries(RINGS.map((r) => [r.name, { requireDigest: false }]));

    // WHEN
    const ledger = initialLedger('payments-api', RINGS, '1.4.2', new Date('2026-11-22T10:00:00Z'), 'initial', tags);

    // THEN
    expect(Object.values(ledger.rings).map((r) => r.digest)).toEqual(RINGS.map(() => '1.4.2'));
    expect(() => initialLedger('payments-api', RINGS, '1.4.2', new Date(), 'initial', { ...tags, prod: { requireDigest: true } })).toThrow(
      'CG608 The initial digest of "payments-api" is a tag, but this ring takes only digests; received "1.4.2".',
    );
  });

  test('fails when the service name is not a DNS-1123 label', () => {
    // GIVEN / WHEN / THEN
    expect(() => initialLedger('Payments', RINGS, D1, new Date())).toThrow('CG207 "Payments" is not a valid service or ring name.');
  });
});
