import { initialLedger, parseLedger, serializeLedger } from '../../src/release/ledger';
import { readLedgerDocument } from '../../src/release/ledger-reader';
import { describeRelease, initialRelease, releaseKey, releaseVersion, sameRelease } from '../../src/release/release';
import { promote, rollback } from '../../src/release/rules';
import { Ledger, RingSpec, RingState } from '../../src/release/types';
import { failure } from '../support/failure';

const A1 = `sha256:${'a1'.repeat(32)}`;
const A2 = `sha256:${'a2'.repeat(32)}`;
const W1 = `sha256:${'b1'.repeat(32)}`;
const W2 = `sha256:${'b2'.repeat(32)}`;
const RINGS: RingSpec[] = [
  { name: 'nonprod', gates: {} },
  { name: 'prod', gates: { soakSeconds: 3600 } },
];
const ORDER = RINGS.map((r) => r.name);
const FILE = 'releases/orders.yaml';
const NOW = new Date('2026-11-23T10:00:00Z');
const NAMES = ['api', 'worker'];

function state(images: Record<string, string>, since: string, extra: Partial<RingState> = {}): RingState {
  return { images, since, by: 'ci', from: null, approvedBy: null, hold: null, previous: [], ...extra };
}

/** nonprod and prod run api A1, worker W1 since the day before. */
function running(): Ledger {
  return {
    service: 'orders',
    rings: {
      nonprod: state({ api: A1, worker: W1 }, '2026-11-22T10:00:00Z'),
      prod: state({ api: A1, worker: W1 }, '2026-11-22T10:00:00Z', { from: 'nonprod' }),
    },
  };
}

const promoteOptions = { by: 'ci', now: NOW, imageNames: NAMES } as const;

describe('releases of named images', () => {
  test('are the same release only when every image agrees; the key and the one-string form name each image', () => {
    const a = { images: { api: A1, worker: W1 } };
    expect(sameRelease(a, { images: { worker: W1, api: A1 } })).toBe(true);
    expect(sameRelease(a, { images: { api: A1, worker: W2 } })).toBe(false);
    expect(sameRelease(a, { images: { api: A1 } })).toBe(false);
    expect(sameRelease(a, { ...a, chart: 'v1.0.0' })).toBe(false);
    expect(sameRelease({ digest: A1 }, { images: { api: A1 } })).toBe(false);
    expect(releaseVersion({ images: { worker: W1, api: A1 } })).toBe(`api=${A1},worker=${W1}`);
    expect(releaseKey({ images: { worker: W1, api: A1 }, chart: 'v1.0.0' })).toBe(`api=${A1},worker=${W1} chart v1.0.0`);
    expect(describeRelease({ images: { worker: W1, api: A1 } })).toBe('api sha256:a1a1a1a1, worker sha256:b1b1b1b1');
    // One image keeps its form.
    expect(releaseVersion({ digest: A1 })).toBe(A1);
    expect(describeRelease({ digest: A1 })).toBe('sha256:a1a1a1a1');
  });

  test("a program's initial release names every image, or there is none", () => {
    const images = [
      { name: 'worker', repository: 'r/w', valuesKey: 'worker.image', initialDigest: W1 },
      { name: 'api', repository: 'r/a', valuesKey: 'api.image', initialDigest: A1 },
    ];
    const source = { kind: 'rendered' } as const;
    expect(initialRelease({ images, source })).toEqual({ images: { api: A1, worker: W1 } });
    expect(initialRelease({ images: [images[0], { ...images[1], initialDigest: undefined }], source })).toBeUndefined();
    expect(initialRelease({ initialDigest: A1, source })).toEqual({ digest: A1 });
    // A chart of an OCI or Helm repository promoted with the image is pinned from the start at its exact version.
    const oci = {
      kind: 'helm',
      origin: 'oci',
      repoURL: 'oci://r/c',
      chartPath: '.',
      targetRevision: '1.2.3',
      releaseName: 'c',
      promoted: true,
    } as const;
    expect(initialRelease({ initialDigest: A1, source: oci })).toEqual({ digest: A1, chart: '1.2.3' });
    expect(initialRelease({ initialDigest: A1, source: { ...oci, promoted: false } })).toEqual({ digest: A1 });
  });
});

describe('the ledger of a service with named images', () => {
  const ledger: Ledger = {
    service: 'orders',
    rings: {
      nonprod: state({ api: A2, worker: W1 }, '2026-11-23T09:00:00Z', {
        previous: [
          { images: { api: A1, worker: W1 }, since: '2026-11-22T10:00:00Z', by: 'ci' },
          { digest: A1, since: '2026-11-21T10:00:00Z', by: 'initial' },
        ],
      }),
      prod: state({ api: A1, worker: W1 }, '2026-11-22T10:00:00Z', { chart: 'abcdef0123456789abcdef0123456789abcdef01', from: 'nonprod' }),
    },
  };

  test('is written with an images mapping in an entry and in its previous entries, names in order', () => {
    const text = serializeLedger(ledger, ORDER);
    expect(text).toContain(`  nonprod:\n    images:\n      api: ${A2}\n      worker: ${W1}\n    since: "2026-11-23T09:00:00Z"\n`);
    expect(text).toContain(`      - { images: { api: ${A1}, worker: ${W1} }, since: "2026-11-22T10:00:00Z", by: ci }\n`);
    expect(text).toContain(`      - { digest: ${A1}, since: "2026-11-21T10:00:00Z", by: initial }\n`);
    expect(text).toContain(
      `  prod:\n    images:\n      api: ${A1}\n      worker: ${W1}\n    chart: abcdef0123456789abcdef0123456789abcdef01\n`,
    );
    expect(text).not.toContain('    digest:');
  });

  test('reads back exactly, through the fast reader and the full reader alike', () => {
    const text = serializeLedger(ledger, ORDER);
    expect(parseLedger(text, FILE)).toEqual(ledger);
    expect(readLedgerDocument(text, FILE)).toEqual(ledger);
    // Any other spelling goes to the full reader, which reads the same ledger.
    const respelled = text.replace(`      api: ${A2}\n`, `      "api": '${A2}'\n`).replace('images: { api:', 'images: {api:');
    expect(respelled).not.toBe(text);
    expect(parseLedger(respelled, FILE)).toEqual(ledger);
    // Names out of order are read, and written back in order.
    const unordered = text.replace(`      api: ${A2}\n      worker: ${W1}\n`, `      worker: ${W1}\n      api: ${A2}\n`);
    expect(parseLedger(unordered, FILE)).toEqual(ledger);
    expect(serializeLedger(parseLedger(unordered, FILE), ORDER)).toBe(text);
  });

  test('an initial ledger of named images puts every image into every ring', () => {
    const made = initialLedger('orders', RINGS, { images: { worker: W1, api: A1 } }, NOW);
    expect(made.rings.prod).toEqual(state({ api: A1, worker: W1 }, '2026-11-23T10:00:00Z', { by: 'initial' }));
    expect(parseLedger(serializeLedger(made, ORDER), FILE)).toEqual(made);
  });

  test('fails when an entry has both digest and images (CG213)', () => {
    const text = serializeLedger(ledger, ORDER).replace('  nonprod:\n    images:\n', `  nonprod:\n    digest: ${A1}\n    images:\n`);
    const error = failure(() => parseLedger(text, FILE));
    expect(error.problems).toEqual([
      expect.objectContaining({ code: 'CG213', file: FILE, line: 6, message: '"rings.nonprod" has both "digest" and "images".' }),
    ]);
  });

  test('fails when images is empty, not a mapping, or names an image wrongly (CG213), or holds no digest (CG203)', () => {
    const base = serializeLedger(ledger, ORDER);
    const entry = `    images:\n      api: ${A2}\n      worker: ${W1}\n`;
    const cases: [string, string, RegExp, number][] = [
      ['    images: {}\n', 'CG213', /"rings.nonprod.images" names no image/, 5],
      ['    images: [a, b]\n', 'CG213', /"rings.nonprod.images" must be a mapping of image name to digest; received a list/, 5],
      [
        `    images:\n      Api: ${A2}\n`,
        'CG213',
        /Key a string of 3 characters, with upper-case letters in "rings.nonprod.images" is not an image name/,
        6,
      ],
      [`    images:\n      api: latest\n`, 'CG204', /"rings.nonprod.images.api" is a tag, but this ring takes only digests/, 6],
      [`    images:\n      api: 2e8f\n`, 'CG204', /"rings.nonprod.images.api"/, 6],
      [`    images:\n      api: sha256:abc\n`, 'CG203', /"rings.nonprod.images.api" is not a digest/, 6],
    ];
    for (const [replacement, code, message, line] of cases) {
      const error = failure(() => parseLedger(base.replace(entry, replacement), FILE));
      expect(error.problems.map((p) => p.code)).toEqual([code]);
      expect(error.problems[0]!.message).toMatch(message);
      expect(error.problems[0]!.line).toBe(line);
    }
  });

  test('fails when a previous entry has both digest and images (CG213)', () => {
    const text = serializeLedger(ledger, ORDER).replace('- { images: { api:', `- { digest: ${A1}, images: { api:`);
    expect(failure(() => parseLedger(text, FILE)).problems.map((p) => p.code)).toEqual(['CG213']);
  });
});

describe('promoting named images', () => {
  test('into the first ring, one image changes and the other keeps what the ring runs', () => {
    const { ledger, changed, summary } = promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', images: { api: A2 } });
    expect(changed).toBe(true);
    expect(ledger.rings.nonprod).toMatchObject({ images: { api: A2, worker: W1 }, previous: [{ images: { api: A1, worker: W1 } }] });
    expect(summary).toBe('promote orders api sha256:a2a2a2a2, worker sha256:b1b1b1b1 to nonprod (by ci)');
  });

  test('into the first ring, both images change together', () => {
    const { ledger } = promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', images: { api: A2, worker: W2 } });
    expect(ledger.rings.nonprod).toMatchObject({ images: { api: A2, worker: W2 } });
  });

  test('a later ring takes the whole release of the ring before with --from, and only after its soak', () => {
    const first = promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', images: { worker: W2 } }).ledger;
    const early = failure(() => promote(first, RINGS, { ...promoteOptions, ring: 'prod', fromRing: 'nonprod' }));
    expect(early.problems.map((p) => p.code)).toEqual(['CG602']);
    expect(early.problems[0]!.message).toMatch(/takes api sha256:a1a1a1a1, worker sha256:b2b2b2b2 only after it has run 1h/);
    const later = new Date(NOW.getTime() + 2 * 3600 * 1000);
    const { ledger } = promote(first, RINGS, { ...promoteOptions, ring: 'prod', fromRing: 'nonprod', now: later });
    expect(ledger.rings.prod).toMatchObject({ images: { api: A1, worker: W2 }, from: 'nonprod' });
  });

  test('a later ring keeps the images not named from the ring before, and refuses a release the ring before does not run', () => {
    const first = promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', images: { worker: W2 } }).ledger;
    const later = new Date(NOW.getTime() + 2 * 3600 * 1000);
    // worker is taken from nonprod: the release is nonprod's.
    expect(promote(first, RINGS, { ...promoteOptions, ring: 'prod', images: { api: A1 }, now: later }).ledger.rings.prod).toMatchObject({
      images: { api: A1, worker: W2 },
    });
    // api A2 runs nowhere before prod.
    const error = failure(() => promote(first, RINGS, { ...promoteOptions, ring: 'prod', images: { api: A2 }, now: later }));
    expect(error.problems.map((p) => p.code)).toEqual(['CG601']);
    expect(error.problems[0]!.message).toBe(
      'Ring "prod" takes only the release running in "nonprod" (api sha256:a1a1a1a1, worker sha256:b2b2b2b2); received api sha256:a2a2a2a2, worker sha256:b2b2b2b2.',
    );
  });

  test('--from and a named digest that disagree are refused', () => {
    const error = failure(() => promote(running(), RINGS, { ...promoteOptions, ring: 'prod', fromRing: 'nonprod', images: { api: A2 } }));
    expect(error.problems[0]!.message).toBe(
      '--digest api=sha256:a2a2a2a2 and --from nonprod disagree: "nonprod" runs api sha256:a1a1a1a1, worker sha256:b1b1b1b1.',
    );
  });

  test('fails when a digest has no image name, names an unknown image, or names one of a service with one image (CG619)', () => {
    const unnamed = failure(() => promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', digest: A2 }));
    expect(unnamed.problems).toEqual([
      expect.objectContaining({
        code: 'CG619',
        message: 'orders has the images api, worker, so each digest names its image; received --digest sha256:a2a2a2a2 without a name.',
      }),
    ]);
    const unknown = failure(() => promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', images: { wroker: W2 } }));
    expect(unknown.problems).toEqual([
      expect.objectContaining({
        code: 'CG619',
        message: 'orders has no image "wroker"; its images are api, worker. Did you mean "worker"?',
      }),
    ]);
    const single: Ledger = {
      service: 'payments',
      rings: { nonprod: { ...state({}, '2026-11-22T10:00:00Z'), images: undefined, digest: A1 } },
    };
    const named = failure(() => promote(single, RINGS, { by: 'ci', now: NOW, ring: 'nonprod', images: { api: A2 } }));
    expect(named.problems).toEqual([
      expect.objectContaining({
        code: 'CG619',
        message: 'payments has one image, so a promotion names its digest without an image name; received --digest api=….',
      }),
    ]);
  });

  test('fails when an image has no digest given and none to keep (CG619)', () => {
    const empty: Ledger = { service: 'orders', rings: {} };
    const error = failure(() => promote(empty, RINGS, { ...promoteOptions, ring: 'nonprod', images: { api: A1 } }));
    expect(error.problems).toEqual([
      expect.objectContaining({
        code: 'CG619',
        message: 'A promotion into "nonprod" names no digest for "worker", and "nonprod" runs nothing yet to keep it from.',
        fix: 'Pass --digest worker=sha256:… as well.',
      }),
    ]);
  });

  test('fails when an image digest is not a digest (CG608)', () => {
    const error = failure(() => promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', images: { api: 'latest' } }));
    expect(error.problems[0]).toMatchObject({
      code: 'CG608',
      message: 'Cannot promote image "api" "latest" into "nonprod": it is a tag, but this ring takes only digests.',
    });
  });

  test('promoting the release a ring runs changes nothing', () => {
    const { changed, summary } = promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', images: { api: A1 } });
    expect(changed).toBe(false);
    expect(summary).toBe('orders nonprod already runs api sha256:a1a1a1a1, worker sha256:b1b1b1b1');
  });
});

describe('rolling back named images', () => {
  const promoted = (): Ledger =>
    promote(promote(running(), RINGS, { ...promoteOptions, ring: 'nonprod', images: { api: A2 } }).ledger, RINGS, {
      ...promoteOptions,
      ring: 'nonprod',
      images: { worker: W2 },
    }).ledger;

  test('--previous restores every image of the release before', () => {
    const { ledger, summary } = rollback(promoted(), RINGS, {
      ring: 'nonprod',
      previous: true,
      reason: 'bad worker',
      by: 'alice',
      now: NOW,
    });
    expect(ledger.rings.nonprod).toMatchObject({ images: { api: A2, worker: W1 }, hold: { reason: 'bad worker' } });
    expect(summary).toBe('roll back orders nonprod to api sha256:a2a2a2a2, worker sha256:b1b1b1b1 and hold it (by alice): bad worker');
  });

  test('--to a digest finds the newest release in which an image ran it; <image>=<digest> that image', () => {
    const byDigest = rollback(promoted(), RINGS, { ring: 'nonprod', to: A1, reason: 'r', by: 'alice', now: NOW });
    expect(byDigest.ledger.rings.nonprod).toMatchObject({ images: { api: A1, worker: W1 } });
    const byImage = rollback(promoted(), RINGS, { ring: 'nonprod', to: `worker=${W1}`, reason: 'r', by: 'alice', now: NOW });
    expect(byImage.ledger.rings.nonprod).toMatchObject({ images: { api: A2, worker: W1 } });
    const exact = rollback(promoted(), RINGS, { ring: 'nonprod', to: `api=${A1},worker=${W1}`, reason: 'r', by: 'alice', now: NOW });
    expect(exact.ledger.rings.nonprod).toMatchObject({ images: { api: A1, worker: W1 } });
  });

  test('fails when --to names what the ring runs now or never ran (CG606)', () => {
    const now = failure(() => rollback(promoted(), RINGS, { ring: 'nonprod', to: `worker=${W2}`, reason: 'r', by: 'alice', now: NOW }));
    expect(now.problems[0]!.message).toMatch(/^worker sha256:b2b2b2b2 is what "nonprod" runs now; it ran before: /);
    const never = failure(() => rollback(promoted(), RINGS, { ring: 'nonprod', to: `api=${W2}`, reason: 'r', by: 'alice', now: NOW }));
    expect(never.problems[0]!.message).toMatch(/^api sha256:b2b2b2b2 is not in the history of ring "nonprod"/);
  });
});
