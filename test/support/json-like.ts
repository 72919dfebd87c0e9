import fc from 'fast-check';

/** JSON-like values (null, booleans, numbers, strings from `strings`, lists, maps), nested a little. */
export function jsonLikeOf(strings: fc.Arbitrary<string>): {
  value: fc.Arbitrary<unknown>;
  list: fc.Arbitrary<unknown[]>;
  map: fc.Arbitrary<Record<string, unknown>>;
} {
  return fc.letrec<{ value: unknown; list: unknown[]; map: Record<string, unknown> }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      strings,
      tie('list'),
      tie('map'),
    ),
    list: fc.array(tie('value'), { maxLength: 4 }),
    map: fc.dictionary(strings, tie('value'), { maxKeys: 4 }),
  }));
}
