/**
 * Case conversion beyond ASCII, as Go's unicode tables map each rune (strings.ToUpper,
 * ToLower, Title through unicode.ToUpper, ToLower, ToTitle; goutils' SwapCase): simple
 * one-to-one mappings of Unicode 15 (Go 1.21 on), where JavaScript applies full mappings of a
 * newer edition. Each expected value is Go's, from its `CaseRanges` table.
 */
import { goToLower, goToUpper } from '../../src/preview/go-strings';
import { render } from './sprig-support';

describe('upper, lower, title and swapcase beyond ASCII', () => {
  test('letters of other scripts map one to one, as in Go', () => {
    expect(render('{{ upper "straße café ǆemal ꭰ" }}')).toBe('STRAßE CAFÉ ǄEMAL Ꭰ');
    expect(render('{{ lower "İSTANBUL ΣΟΦΊΑ Ǆ K" }}')).toBe('istanbul σοφία ǆ k');
    expect(render('{{ title "ǆungla élan ωμέγα" }}')).toBe('ǅungla Élan Ωμέγα');
  });

  test('Go keeps a letter whose only upper case is two letters: ß, ŉ, ǰ, ﬁ', () => {
    // JavaScript: "SS", "ʼN", "J̌", "FI"; Go's ToUpper has no simple mapping for them
    expect(render('{{ upper "ß ŉ ǰ ﬁ ΐ" }}')).toBe('ß ŉ ǰ ﬁ ΐ');
  });

  test('İ lowers to a plain i (JavaScript: i with a combining dot)', () => {
    expect(render('{{ lower "İ" | len }}')).toBe('1');
    expect(goToLower('\u0130')).toBe('i');
  });

  test('Greek letters with ypogegrammeni take the simple upper case, the capital with prosgegrammeni', () => {
    // JavaScript: ᾳ → ΑΙ, ᾀ → ἈΙ; Go: ᾳ (U+1FB3) → ᾼ (U+1FBC), ᾀ (U+1F80) → ᾈ (U+1F88)
    expect(render('{{ upper "ᾳ ᾀ ῃ ῳ ᾧ" }}')).toBe('\u1fbc \u1f88 \u1fcc \u1ffc \u1faf');
    expect(render('{{ title "ᾳδης" }}')).toBe('\u1fbcδης');
    // and the capitals keep their form (JavaScript would make two letters of them too)
    expect(render('{{ upper "ᾼ ᾈ" }}')).toBe('ᾼ ᾈ');
  });

  test('Georgian letters have an upper case (Mtavruli) but are their own title case', () => {
    // unicode.ToUpper('ა') = 'Ა' (U+1C90); unicode.ToTitle('ა') = 'ა'
    expect(render('{{ upper "ანა" }}')).toBe('\u1c90\u1c9c\u1c90');
    expect(render('{{ title "ანა ბი" }}')).toBe('ანა ბი');
  });

  test("case pairs Unicode added after Go's edition are kept as they are", () => {
    // ƛ (U+019B) and ɤ (U+0264) gained capitals (U+A7DC, U+A7CB) in Unicode 16; Garay letters
    // (U+10D50…) are new in 16; Go's tables (Unicode 15) map none of them
    expect(goToUpper('\u019b\u0264')).toBe('\u019b\u0264');
    expect(goToLower('\ua7dc\ua7cb\u{10d50}')).toBe('\ua7dc\ua7cb\u{10d50}');
  });

  test('swapcase swaps letters by their category, and leaves circled letters and numerals', () => {
    // goutils' SwapCase: IsUpper/IsTitle → ToLower, IsLower → ToUpper; Ⓐ (So) and Ⅻ (Nl) have
    // case mappings but are no letters, so they stay
    expect(render('{{ swapcase "Ǆemal ǅ ß Ⓐ Ⅻ ᾳ" }}')).toBe('ǆEMAL ǆ ß Ⓐ Ⅻ ᾼ');
  });
});
