import fc from 'fast-check';
import { compareGoStrings, goQuote, goToLower, goToUpper, goTrimSpace, sortByGoKey, sortGoStrings } from '../../src/preview/go-strings';
import { sortInWalkOrder } from '../../src/workspace/inspect/checkout-listing';
import { sanitizeName } from '../../src/preview/sanitize-name';

describe('Go string semantics', () => {
  test('case mapping is per rune and one-to-one, as in Go', () => {
    // GIVEN characters whose JavaScript case mapping changes their length
    // WHEN they are mapped
    // THEN Go's simple mappings apply
    expect(goToUpper('straße')).toBe('STRAßE');
    expect(goToLower('İstanbul')).toBe('istanbul');
    expect(goToLower('ΣΑΣ')).toBe('σασ');
  });

  test('TrimSpace trims Unicode White_Space, not a byte order mark', () => {
    // GIVEN a string padded with NEL, NBSP and a byte order mark
    // WHEN it is trimmed
    // THEN NEL and NBSP go and the byte order mark stays
    expect(goTrimSpace('\u0085\u00a0 x \t\n')).toBe('x');
    expect(goTrimSpace('\ufeffx')).toBe('\ufeffx');
  });

  test('Quote escapes as strconv.Quote does', () => {
    // GIVEN strings with quotes, control characters and non-printable runes
    // WHEN they are quoted
    // THEN the escapes are Go's
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\t\n\x01\x7f')).toBe('"\\t\\n\\x01\\x7f"');
    expect(goQuote('é☺\u00a0')).toBe('"é☺\\u00a0"');
  });

  test('strings compare by UTF-8 bytes', () => {
    // GIVEN an astral character and a character near the top of the BMP
    // WHEN they are compared
    // THEN the astral one (4 bytes starting 0xF0) sorts after U+FF5E (3 bytes starting 0xEF)
    expect(compareGoStrings('\u{1F600}', '\uff5e')).toBeGreaterThan(0);
    expect(['a-b', 'a/b', 'a'].sort(compareGoStrings)).toEqual(['a', 'a-b', 'a/b']);
  });
});

describe('sanitizeName', () => {
  test('normalizes as Argo CD SanitizeName does', () => {
    // GIVEN directory names Kubernetes would reject
    // WHEN they are normalized
    // THEN they are lower-case DNS labels with - for other characters, trimmed of - and .
    expect(sanitizeName('My_Service')).toBe('my-service');
    expect(sanitizeName('payments-api')).toBe('payments-api');
    expect(sanitizeName('-.Foo Bar.-')).toBe('foo-bar');
    expect(sanitizeName('Café_Bar')).toBe('caf--bar');
    expect(sanitizeName('a'.repeat(300))).toHaveLength(253);
  });
});

describe('sorting in Go order', () => {
  /** Strings of characters where UTF-16 and UTF-8 order disagree: astral ones, U+E000–U+FFFF, raw bytes. */
  const tricky = fc.array(
    fc.constantFrom('a', 'b', '/', '-', '.', 'é', '\uE000', '\uFFFD', '\uD83D\uDE80', '\uDC80', '\uDCFF', 'ä/b', '\u0001'),
    { maxLength: 6 },
  );
  const strings = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    tricky.map((parts) => parts.join('')),
  );

  it('sorts as compareGoStrings does, plain strings or not', () => {
    fc.assert(
      fc.property(fc.array(strings, { maxLength: 40 }), (list) => {
        const expected = [...list].sort(compareGoStrings);
        expect(sortGoStrings([...list])).toEqual(expected);
        expect(sortByGoKey([...list], (s) => s)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the order of items with one key, as a stable sort by compareGoStrings does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(strings, fc.nat()), { maxLength: 40 }), (items) => {
        const expected = [...items].sort((a, b) => compareGoStrings(a[0], b[0]));
        expect(sortByGoKey([...items], ([k]) => k)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("sorts paths in filepath.WalkDir's order: segment by segment, each in byte order", () => {
    const walkOrder = (a: string, b: string): number => {
      const x = a.split('/');
      const y = b.split('/');
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareGoStrings(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    };
    expect(sortInWalkOrder(['a-b', 'a/b', 'a', 'a/b/c', 'ab', 'a.b'])).toEqual(['a', 'a/b', 'a/b/c', 'a-b', 'a.b', 'ab']);
    fc.assert(
      fc.property(
        fc.uniqueArray(
          strings.filter((s) => !s.includes('\u0000')),
          { maxLength: 40 },
        ),
        (paths) => {
          expect(sortInWalkOrder([...paths])).toEqual([...paths].sort(walkOrder));
        },
      ),
      { numRuns: 500 },
    );
  });
});
