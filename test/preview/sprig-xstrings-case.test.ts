/**
 * Sprig v3.3.0's snakecase, kebabcase and camelcase: xstrings v1.5.0's ToSnakeCase, ToKebabCase
 * and ToPascalCase, rune by rune with Go's unicode classes (Unicode 15.0) and case mappings.
 * Each expected value is xstrings', from its convert_test.go tables.
 */
import { failure, render } from './sprig-support';

/** xstrings' TestToSnakeCaseAndToKebabCase: the snake case of each input. */
const SNAKE: ReadonlyArray<readonly [string, string]> = [
  ['HTTPServer', 'http_server'],
  ['_camelCase', '_camel_case'],
  ['NoHTTPS', 'no_https'],
  ['Wi_thF', 'wi_th_f'],
  ['_AnotherTES_TCaseP', '_another_tes_t_case_p'],
  ['ALL', 'all'],
  ['_HELLO_WORLD_', '_hello_world_'],
  ['HELLO_WORLD', 'hello_world'],
  ['HELLO____WORLD', 'hello____world'],
  ['TW', 'tw'],
  ['_C', '_c'],
  ['http2xx', 'http_2xx'],
  ['HTTP2XX', 'http2_xx'],
  ['HTTP20xOK', 'http_20x_ok'],
  ['HTTP20xStatus', 'http_20x_status'],
  ['HTTP-20xStatus', 'http_20x_status'],
  ['a', 'a'],
  ['Duration2m3s', 'duration_2m3s'],
  ['Bld4Floor3rd', 'bld4_floor_3rd'],
  [' _-_ ', '_____'],
  ['a1b2c3d', 'a_1b2c3d'],
  ['A//B%%2c', 'a//b%%2c'],
  ['HTTP状态码404/502Error', 'http_状态码404/502_error'],
  ['中文(字符)', '中文(字符)'],
  ['混合ABCWords与123数字456', '混合_abc_words_与123_数字456'],
  ['  sentence case  ', '__sentence_case__'],
  [' Mixed-hyphen case _and SENTENCE_case and UPPER-case', '_mixed_hyphen_case__and_sentence_case_and_upper_case'],
  ['FROM CamelCase to snake/kebab-case', 'from_camel_case_to_snake/kebab_case'],
  ['', ''],
  ['Abc\uFFFDE\uFFFDf\uFFFDd\uFFFD2\uFFFD00z\uFFFDZZ\uFFFDZZ', 'abc_\uFFFDe\uFFFDf\uFFFDd_\uFFFD2\uFFFD00z_\uFFFDzz\uFFFDzz'],
  ['\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD', '\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD'],
  ['abc_123_def', 'abc_123_def'],
  ['FirstName', 'first_name'],
  ['GO_PATH', 'go_path'],
  ['GO PATH', 'go_path'],
  ['GO-PATH', 'go_path'],
  ['HTTP_20x_OK', 'http_20x_ok'],
  ['1_2', '1_2'],
  ['aB', 'a_b'],
  ['AB', 'ab'],
  ['Ab', 'ab'],
  ['A1', 'a1'],
  ['AB12', 'ab12'],
  ['12AB', '12_ab'],
  ['1A', '1_a'],
  ['a.b', 'a.b'],
  ["a'b", "a'b"],
  ['a😀b', 'a_😀_b'],
  ['😀ABC', '😀_abc'],
  ['中ABC', '中_abc'],
  ['ABC中', 'abc_中'],
];

/** xstrings' TestToPascalCase. */
const PASCAL: ReadonlyArray<readonly [string, string]> = [
  ['http_server', 'HttpServer'],
  ['_camel_case', '_CamelCase'],
  ['no_https', 'NoHttps'],
  ['_complex__case_', '_Complex_Case_'],
  [' complex -case ', ' Complex Case '],
  ['all', 'All'],
  ['GOLANG_IS_GREAT', 'GolangIsGreat'],
  ['GOLANG', 'Golang'],
  ['a', 'A'],
  ['好', '好'],
  ['FROM CamelCase to snake/kebab-case', 'FromCamelCaseToSnake/kebabCase'],
  ['', ''],
  ['some words', 'SomeWords'],
  ['hello-world', 'HelloWorld'],
  ['HELLO', 'Hello'],
  ['helloWORLD', 'HelloWORLD'],
  ['some_1_thing', 'Some1Thing'],
  ['1_abc', '1Abc'],
  ['abc_1', 'Abc1'],
  ['v1_2v', 'V12v'],
  ['a__b', 'A_B'],
  ['a  b', 'A B'],
  ['1_2', '12'],
  ['_a_B_', '_AB_'],
  ['中文_测试', '中文测试'],
];

/** The value of a template with `.s` set to `s` (so any text reaches the function unquoted). */
const call = (name: string, s: string): string => render(`{{ ${name} .s }}`, { s });

describe('snakecase and kebabcase, as xstrings converts', () => {
  test.each(SNAKE)('snakecase %j is %j', (input, snake) => {
    // GIVEN an input of xstrings' table
    // WHEN snakecase is rendered
    // THEN the result is xstrings'
    expect(call('snakecase', input)).toBe(snake);
  });

  test.each(SNAKE)('kebabcase %j is the snake case with "-" for "_"', (input, snake) => {
    // GIVEN an input of xstrings' table
    // WHEN kebabcase is rendered
    // THEN the result is xstrings' (its table replaces every "_" of the snake case)
    expect(call('kebabcase', input)).toBe(snake.replace(/_/g, '-'));
  });

  test("uses Go's classes and case mappings beyond ASCII", () => {
    // GIVEN Greek, Cyrillic and Latin letters with diacritics in camel case, a digraph, and Go's
    // simple mapping of İ; and a no-break space, white space to Go
    // WHEN they are converted
    // THEN words split at each upper-case letter, lowered one to one as Go lowers them
    expect(call('snakecase', 'ΣοφίαΚαι')).toBe('σοφία_και');
    expect(call('snakecase', 'ПриветМир')).toBe('привет_мир');
    expect(call('kebabcase', 'ÉlanVital')).toBe('élan-vital');
    expect(call('snakecase', 'ǄemalÖz')).toBe('ǆemal_öz');
    expect(call('snakecase', 'İstanbulCity')).toBe('istanbul_city');
    expect(call('snakecase', 'a\u00a0b')).toBe('a_b');
    // A letter Unicode added after 15.0 (U+A7CB, 16.0) is no letter to Go: it is a word of its own
    expect(call('snakecase', 'ab\ua7cbcd')).toBe('ab_\ua7cb_cd');
  });

  test('keeps a byte that is not UTF-8, and writes U+FFFD for it inside an upper-case word', () => {
    // GIVEN bytes that are not UTF-8 (b64dec of 0xff) before a word and inside an acronym
    // WHEN they are converted
    // THEN a lone byte is kept where xstrings copies the word, and becomes U+FFFD where it lowers rune by rune
    expect(render('{{ snakecase (printf "%sabc" (b64dec "/w==")) | b64enc }}')).toBe('/2FiYw==');
    expect(render('{{ snakecase (printf "A%sB" (b64dec "/w==")) }}')).toBe('a\ufffdb');
  });

  test("fails rather than guess on a character whose class depends on the edition of Go's Unicode tables", () => {
    // GIVEN a CJK Extension I ideograph (Unicode 15.1), a letter to Go 1.23's tables but not to 15.0's
    const e = failure('{{ snakecase .s }}', { s: 'Ab\u{2ebf0}' });
    // THEN CG701 names it
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('snakecase of a string with a CJK Extension I character');
  });
});

describe('camelcase, as xstrings ToPascalCase converts (Sprig v3.3.0)', () => {
  test.each(PASCAL)('camelcase %j is %j', (input, pascal) => {
    // GIVEN an input of xstrings' table
    // WHEN camelcase is rendered
    // THEN the result is xstrings' ToPascalCase
    expect(call('camelcase', input)).toBe(pascal);
  });

  test("upper-cases beyond ASCII with Go's simple mappings, and repeats a lone connector", () => {
    // GIVEN letters whose upper case Go maps one to one, ß which Go keeps, and a lone "_"
    // WHEN camelcase is rendered
    // THEN the result is xstrings' (it writes the last rune of a string of connectors twice)
    expect(call('camelcase', 'élan_vital')).toBe('ÉlanVital');
    expect(call('camelcase', 'ǆungla_ωμέγα')).toBe('Ǆungla\u03a9μέγα');
    expect(call('camelcase', 'straße')).toBe('Straße');
    expect(call('camelcase', 'ßa')).toBe('ßa');
    expect(call('camelcase', '_')).toBe('__');
  });
});
