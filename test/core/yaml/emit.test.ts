import fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml, toYamlDocuments, yamlString } from '../../../src/core/yaml/emit';
import { jsonLikeOf } from '../../support/json-like';

const VERSIONS = ['1.1', '1.2'] as const;

/** Reads YAML as the given YAML version would; `yaml` is also what Argo CD tooling in Node uses. */
function read(text: string, version: (typeof VERSIONS)[number]): unknown {
  return parse(text, { version });
}

/** Strings some YAML reader would take for a boolean, null, number, date, alias, tag or map. */
const TRICKY = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'NO',
  'Yes',
  'OFF',
  'Y',
  'N',
  'true',
  'False',
  '1',
  '0',
  '-1',
  '+1',
  '0o17',
  '017',
  '0x1F',
  '0b101',
  '1_000',
  '1e3',
  '1E3',
  '-1.5',
  '.5',
  '1.',
  '.',
  '._1',
  '._',
  'e3',
  'E10',
  '.e1',
  'e+3',
  '12:30:00',
  '190:20:30',
  '2026-01-01',
  '2026-01-01T10:00:00Z',
  '2026-1-1 10:00:00',
  '~',
  'null',
  'Null',
  'NULL',
  '',
  ' ',
  '.inf',
  '-.Inf',
  '.nan',
  '.NaN',
  '<<',
  '=',
  'a: b',
  'key: value: more',
  'ends with colon:',
  ':',
  'a:b',
  'http://example.com/x?y=1#z',
  '-',
  '- item',
  '-leading',
  '--',
  '---',
  '...',
  '?',
  '? x',
  '#',
  '# comment',
  'a #b',
  'a#b',
  '*alias',
  '&anchor',
  '!tag',
  '!!str',
  '%YAML',
  '@at',
  '`tick',
  '|',
  '>',
  '{',
  '}',
  '{a: 1}',
  '[',
  ']',
  '[1, 2]',
  'a,b',
  '"',
  '"quoted"',
  "'",
  "it's",
  '\\',
  '\\n',
  'trailing ',
  ' leading',
  'two  spaces',
  'tab\there',
  'line\nbreak',
  'multi\nline\ntext\n',
  '\r\n',
  'cr\r',
  'ünïcödé',
  '日本語',
  '🚀 launch',
  'emoji🚀',
  '\u00a0nbsp',
  'zero\u200bwidth',
  '\u2028',
  '\ufeffbom',
  'nul\u0000char',
  'bell\u0007',
  'del\u007f',
  'next\u0085line',
];

describe('toYaml', () => {
  it('writes plain strings plainly and quotes those a reader would misread', () => {
    // GIVEN
    const value = { plain: 'payments-api', url: 'https://git.example.com/apps/x.git', flag: 'yes', one: '1', date: '2026-01-01', on: 'x' };

    // WHEN
    const text = toYaml(value);

    // THEN
    expect(text).toBe(
      [
        'plain: payments-api',
        'url: https://git.example.com/apps/x.git',
        'flag: "yes"',
        'one: "1"',
        'date: "2026-01-01"',
        '"on": x',
        '',
      ].join('\n'),
    );
  });

  it('writes numbers, booleans and null as YAML scalars', () => {
    // WHEN
    const text = toYaml({ int: 3, float: 0.5, negative: -2, minusZero: -0, big: 1e21, t: true, f: false, nothing: null });

    // THEN
    expect(text).toBe('int: 3\nfloat: 0.5\nnegative: -2\nminusZero: 0\nbig: 1e+21\nt: true\nf: false\nnothing: null\n');
  });

  it('writes nested maps and lists with two-space indentation, lists under their key', () => {
    // GIVEN
    const value = {
      ingress: {
        hosts: [{ host: 'payments.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }],
      },
      matrix: [[1, 2], [], [{ a: 1 }]],
      empty: { map: {}, list: [] },
      listOfEmpties: [{}, []],
    };

    // WHEN
    const text = toYaml(value);

    // THEN
    expect(text).toBe(
      [
        'ingress:',
        '  hosts:',
        '    - host: payments.example.com',
        '      paths:',
        '        - path: /',
        '          pathType: Prefix',
        'matrix:',
        '  -',
        '    - 1',
        '    - 2',
        '  - []',
        '  -',
        '    - a: 1',
        'empty:',
        '  map: {}',
        '  list: []',
        'listOfEmpties:',
        '  - {}',
        '  - []',
        '',
      ].join('\n'),
    );
  });

  it('writes an empty map and an empty list as flow collections', () => {
    expect(toYaml({})).toBe('{}\n');
    expect(toYaml([])).toBe('[]\n');
  });

  it('keeps keys in insertion order and leaves out undefined fields', () => {
    expect(toYaml({ b: 1, a: 2, skipped: undefined, c: { z: 1, y: undefined } })).toBe('b: 1\na: 2\nc:\n  z: 1\n');
  });

  it('writes several documents separated by ---', () => {
    expect(toYamlDocuments([{ a: 1 }, { b: 2 }])).toBe('a: 1\n---\nb: 2\n');
  });

  it('fails when a number is not finite, naming the key path', () => {
    expect(() => toYaml({ autoscaling: { targets: [1, NaN] } })).toThrow(
      'Cannot write NaN at autoscaling.targets[1] as YAML: not a finite number.',
    );
  });

  it('fails when a value is not plain data, naming the key path', () => {
    expect(() => toYaml({ hook: () => 1 })).toThrow('Cannot write a value of type function at hook as YAML: only plain data is allowed.');
  });

  describe.each(VERSIONS)('read back as YAML %s', (version) => {
    it.each(TRICKY.map((s) => [JSON.stringify(s), s]))('keeps the string %s as a value', (_name, s) => {
      // GIVEN
      const value = { key: s, list: [s], nested: { deeper: [{ item: s }] } };

      // WHEN
      const back = read(toYaml(value), version);

      // THEN
      expect(back).toEqual(value);
    });

    it.each(TRICKY.map((s) => [JSON.stringify(s), s]))('keeps the string %s as a key', (_name, s) => {
      // GIVEN
      const value = { [s]: 'v', nested: { [s]: [s] } };

      // WHEN
      const back = read(toYaml(value), version) as Record<string, unknown>;

      // THEN
      expect(back).toEqual(value);
      expect(Object.keys(back)).toEqual(Object.keys(value));
    });

    it('keeps a top-level list and a top-level scalar', () => {
      expect(read(toYaml(['yes', 1, null, ['no']]), version)).toEqual(['yes', 1, null, ['no']]);
      expect(read(toYaml('on'), version)).toBe('on');
    });
  });
});

/** Strings drawn from every code point, from the tricky list, and from number-like alphabets. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
  fc.constantFrom(...TRICKY),
  fc.stringMatching(/^[-+.:_eEoxb0-9 ]{0,6}$/),
  fc.stringMatching(/^[a-zA-Z][-a-zA-Z0-9 :#./]{0,8}$/),
);

const jsonLike = jsonLikeOf(anyString);

describe('toYaml (property)', () => {
  it.each(VERSIONS)('round-trips any JSON-like value through YAML %s', (version) => {
    fc.assert(
      fc.property(jsonLike.map, (value) => {
        // JSON has no -0 and YAML writes it as 0: compare with the value as JSON sees it.
        const expected = JSON.parse(JSON.stringify(value));
        expect(read(toYaml(value), version)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});

describe('yamlString', () => {
  it('gives a string seen before the scalar it gave the first time, past the strings it remembers', () => {
    const strings = [...TRICKY, 'payments-api', 'a: b', `sha256:${'e'.repeat(64)}`, 'x'.repeat(200)];
    const first = strings.map((s) => yamlString(s));
    // More strings than it remembers: its memory is emptied on the way.
    for (let i = 0; i < 25_000; i++) yamlString(`key-${i}`);
    expect(strings.map((s) => yamlString(s))).toEqual(first);
    for (const [i, s] of strings.entries()) for (const version of VERSIONS) expect(read(`v: ${first[i]}\n`, version)).toEqual({ v: s });
  });
});
