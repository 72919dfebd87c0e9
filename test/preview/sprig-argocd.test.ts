import { GoFloat } from '../../src/preview/go-float';
import { failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 renders; the cases come from Argo CD's
// applicationset/utils/utils_test.go unless stated otherwise.

describe("Argo CD's template functions", () => {
  test('toYaml writes sigs.k8s.io/yaml output without the final newline', () => {
    // GIVEN Argo CD's toYaml test: foo.bar holds a bool, a number and a string
    const params = { foo: { bar: { bool: true, number: 2, str: 'Hello world' } } };
    // WHEN it is rendered with indent 2
    // THEN keys are sorted, maps indented by two spaces
    expect(render('{{ toYaml . | indent 2 }}', params)).toBe('  foo:\n    bar:\n      bool: true\n      number: 2\n      str: Hello world');
  });

  test('toYaml quotes strings YAML would read as something else, and writes lists as go-yaml v2 does', () => {
    // GIVEN values of each kind
    const params = {
      v: {
        list: ['a', 'b'],
        empty: [],
        nested: [{ name: 'x', port: new GoFloat(80) }],
        yes: 'yes',
        number: '123',
        float: new GoFloat(1.5),
        whole: new GoFloat(3),
        colon: 'a: b',
        dash: '-x',
        none: null,
        blank: '',
        map: {},
      },
    };
    // WHEN it is rendered
    // THEN lists sit under their key unindented, "yes" and "123" (keys too) are double-quoted, "a: b" single-quoted,
    // a float64 that is whole is written as an integer (encoding/json writes it so)
    expect(render('{{ toYaml .v }}', params)).toBe(
      [
        'blank: ""',
        "colon: 'a: b'",
        'dash: -x',
        'empty: []',
        'float: 1.5',
        'list:',
        '- a',
        '- b',
        'map: {}',
        'nested:',
        '- name: x',
        '  port: 80',
        'none: null',
        'number: "123"',
        'whole: 3',
        '"yes": "yes"',
      ].join('\n'),
    );
    expect(render('{{ toYaml "plain" }} {{ toYaml (list) }} {{ toYaml .n }}', { n: null })).toBe('plain [] null');
  });

  test('toYaml writes a string of several lines as go-yaml v2 does: a literal block scalar', () => {
    // GIVEN strings with line breaks, in a map, a list, a nested list and alone (go-yaml v2.4
    // chooses the literal style for any string with "\n": |- without a final line break, | with
    // one, the indentation indicator 2 where the text starts with a space or a break)
    const v = { a: 'x\ny', b: ['p\nq\n', ' lead\nz'], c: { d: '\nfirst', e: 'one\n\nthree' }, f: [['m\nn']] };
    // WHEN it is rendered
    // THEN go-yaml's text: lines indented two spaces past their key or dash, empty lines empty
    expect(render('{{ toYaml .v }}', { v })).toBe(
      [
        'a: |-',
        '  x',
        '  y',
        'b:',
        '- |',
        '  p',
        '  q',
        '- |2-',
        '   lead',
        '  z',
        'c:',
        '  d: |2-',
        '',
        '    first',
        '  e: |-',
        '    one',
        '',
        '    three',
        'f:',
        '- - |-',
        '    m',
        '    n',
      ].join('\n'),
    );
    expect(render('{{ toYaml .s }}', { s: 'a\nb' })).toBe('|-\n  a\n  b');
  });

  test.each([
    ['a space before a line break', 'a \nb', 'has a space before a line break or at its end'],
    ['a space at its end', 'a\nb ', 'has a space before a line break or at its end'],
    ['two final line breaks', 'a\n\n', 'ends with several line breaks'],
    ['a tab', 'a\tb\nc', 'holds characters go-yaml escapes'],
    ['a character beyond U+FFFF', 'a\n\u{1F600}', 'holds characters go-yaml escapes'],
    ['a carriage return', 'a\r\nb', 'holds characters go-yaml escapes'],
  ])('fails (CG701) when toYaml meets a string of several lines with %s, which go-yaml writes otherwise', (_what, text, reason) => {
    // GIVEN a string go-yaml v2 would write double-quoted (with escapes and folding) or as |+
    const e = failure('{{ toYaml .v }}', { v: { text } });
    // THEN CG701 says why
    expect(e.code).toBe('CG701');
    expect(e.message).toContain(`toYaml of a string that ${reason}`);
  });

  test('fails (CG701) when toYaml meets a one-line string with a character beyond U+FFFF, which go-yaml escapes', () => {
    // go-yaml v2 reads a 4-byte UTF-8 character as not printable: "\U0001F600", double-quoted
    expect(failure('{{ toYaml .v }}', { v: { text: 'ship \u{1F680}' } }).message).toContain(
      'holds characters go-yaml escapes (beyond U+FFFF)',
    );
  });

  test('fromYaml and fromYamlArray read YAML as sigs.k8s.io/yaml does', () => {
    // GIVEN Argo CD's cases
    // WHEN they are rendered
    // THEN the map and the list are read
    expect(render('{{ get (fromYaml .value) "hello" }}', { value: 'hello: world' })).toBe('world');
    expect(render('{{ fromYamlArray .value | last }}', { value: '- hello world\n- bonjour tout le monde' })).toBe('bonjour tout le monde');
    expect(render('{{ get (fromYaml "replicas: 3") "replicas" | typeOf }}')).toBe('float64');
  });

  test('fails as Argo CD does when fromYaml or fromYamlArray gets the other shape', () => {
    // GIVEN Argo CD's error cases: a text that is a plain string
    for (const [text, message] of [
      [
        '{{ get (fromYaml .value) "hello" }}',
        'error calling fromYaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}',
      ],
      [
        '{{ fromYamlArray .value | last }}',
        'error calling fromYamlArray: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []interface {}',
      ],
    ] as const) {
      // WHEN it is rendered
      const e = failure(text, { value: 'non\n compliant\n yaml' });
      // THEN Argo CD's message is reported
      expect(e.code).toBe('CG704');
      expect(e.message).toContain(message);
    }
  });

  test('slugify with its size and smart truncation options', () => {
    // GIVEN Argo CD's TestSlugify branches
    const long = 'feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature';
    const oneWord = 'feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature';
    // WHEN they are slugified
    // THEN smart truncation cuts at a dash, plain truncation at the size
    expect(render('{{ slugify 50 false .b }}', { b: long })).toBe('feat-a-really-long-pull-request-name-to-test-argo');
    expect(render('{{ slugify 53 true .b }}', { b: long })).toBe('feat-a-really-long-pull-request-name-to-test-argo');
    expect(render('{{ slugify 50 true .b }}', { b: oneWord })).toBe('feat');
    expect(render('{{ slugify 50 false .b }}', { b: oneWord })).toBe('feat-areallylongpullrequestnametotestargoslugifica');
    // AND with the defaults (50, smart truncation)
    expect(render('{{ slugify "Feature/My_Branch.v2" }}')).toBe('feature-my-branch-v2');
    expect(render('{{ .b | slugify }}', { b: long })).toBe('feat-a-really-long-pull-request-name-to-test-argo');
  });

  test('normalize makes a DNS name', () => {
    // GIVEN a name with characters a DNS name may not hold
    // WHEN it is normalised
    // THEN they become dashes and the ends are trimmed
    expect(render('{{ normalize "My_Service.Prod!" }}')).toBe('my-service.prod');
  });
});

describe('functions Argo CD evaluates from the clock, or that the preview does not evaluate', () => {
  test.each([
    ['{{ now }}', 'the function now (its result depends on the time Argo CD renders the template)'],
    ['{{ ago 1 }}', 'the function ago (its result depends on the time'],
    ['{{ uuidv4 }}', 'the function uuidv4 (its result is random)'],
    ['{{ genPrivateKey "rsa" }}', 'the function genPrivateKey (its result is random)'],
    ['{{ encryptAES "k" "text" }}', 'the function encryptAES (its result is random)'],
    ['{{ semver "1.2.3" }}', 'the function semver (it returns a Version object'],
    ['{{ date "2006-01-02" 0 }}', 'the function date (it formats or reads the date in the time zone of the Argo CD controller)'],
    ['{{ buildCustomCert "Y2VydA==" "a2V5" }}', 'the function buildCustomCert (the offline preview does not implement it)'],
  ])('fails when the template %j calls %s', (text, message) => {
    // GIVEN a function the preview does not evaluate
    // WHEN it is rendered
    const e = failure(text);
    // THEN CG701 names it and says why
    expect(e.code).toBe('CG701');
    expect(e.message).toContain(message);
  });
});

describe('toYaml, what go-yaml v2 decides per string', () => {
  test('dates that are valid timestamps are quoted, others are plain', () => {
    // GIVEN date-like strings
    // WHEN they are written
    // THEN go-yaml quotes those it would read back as a timestamp
    expect(render('{{ toYaml (list "2024-01-31" "2024-02-30" "v1.2.3" "1_000" "0x1F" "08" "1.2.3") }}')).toBe(
      '- "2024-01-31"\n- 2024-02-30\n- v1.2.3\n- "1_000"\n- "0x1F"\n- "08"\n- 1.2.3',
    );
  });

  test('long strings with spaces are written on one line while no space passes column 80, else refused', () => {
    // GIVEN a sentence of 70 characters under a short key
    const sentence = 'The payments API serves card authorisations for the European region.';
    // WHEN it is written
    // THEN it stays on one line
    expect(render('{{ toYaml (dict "d" .s) }}', { s: sentence })).toBe(`d: ${sentence}`);
    // AND a longer one, which go-yaml would fold, is refused
    const e = failure('{{ toYaml (dict "description" .s) }}', { s: `${sentence} ${sentence}` });
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('toYaml of a string that go-yaml folds at a space past column 80');
  });
});
