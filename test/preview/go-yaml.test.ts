import { readGoYaml } from '../../src/preview';

describe('readGoYaml', () => {
  test.each([
    ['yes', true],
    ['Off', false],
    ['y', true],
    ['"yes"', 'yes'],
    ['~', null],
    ['', null],
    ['0x1F', 31],
    ['017', 15],
    ['0o17', 15],
    ['0b101', 5],
    ['08', 8],
    ['1_000', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
    ['1.10', 1.1],
    ['-0', 0],
    ['+12', 12],
    ['9223372036854775808', 9223372036854775808],
    ['2024-01-01', '2024-01-01'],
    ['1:20', '1:20'],
    ['1e400', '1e400'],
    ['<<', '<<'],
    ['!!str 12', '12'],
    ['|\n  block', 'block\n'],
  ])('reads the value %j as go-yaml v2 and encoding/json do', (scalar, value) => {
    // GIVEN a map with one plain, quoted, tagged or block scalar
    // WHEN it is read
    // THEN the value is go-yaml v2's, numbers as float64
    expect(readGoYaml(`v: ${scalar}\n`)).toEqual({ v: value });
  });

  test('turns keys into strings as sigs.k8s.io/yaml does, the last of a repeated key winning', () => {
    // GIVEN integer, boolean and repeated keys
    // WHEN the text is read
    // THEN keys are decimal and "true"/"false" strings, and a repeated key keeps its last value
    expect(readGoYaml('1: a\n0x2: b\non: c\nn: d\nk: e\nk: f\n')).toEqual({ 1: 'a', 2: 'b', true: 'c', false: 'd', k: 'f' });
  });

  test('reads only the first document, and an empty text as null', () => {
    // GIVEN two documents, the second broken, and an empty text
    // WHEN they are read
    // THEN only the first document counts
    expect(readGoYaml('a: b\n---\n: : [\n')).toEqual({ a: 'b' });
    expect(readGoYaml('# nothing\n')).toBeNull();
  });

  test('expands aliases, and keeps a key named __proto__ as a key', () => {
    // GIVEN an anchored map used twice, and a __proto__ key
    // WHEN the text is read
    const data = readGoYaml('a: &x {b: 1}\nc: *x\n__proto__: 2\n') as Record<string, unknown>;
    // THEN the alias is the anchored value, and __proto__ is an own key
    expect(data.c).toEqual({ b: 1 });
    expect(Object.prototype.hasOwnProperty.call(data, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  test.each([
    ['1: a\n"1": b\n', /has two different keys at the top level that both become "1"/],
    ['~: a\n', /has a null key at the top level/],
    ['1.5: a\n', /has a float key at the top level/],
    ['a: .inf\n', /has a NaN or infinite value at key \.a/],
    ['a: !!int "3"\n', /uses the YAML tag "tag:yaml\.org,2002:int" at key \.a/],
    ['a: &x [1, *x]\n', /has an alias at key \.a\[1\] that refers to a value containing it/],
    ['a: [1, 2\n', /is not valid YAML or JSON \(\w+ at line \d+, column \d+\)/],
  ])('fails on %j, saying what and where', (text, reason) => {
    // GIVEN a text JSON cannot hold, or the preview does not model
    // WHEN it is read
    // THEN it fails with the reason
    expect(() => readGoYaml(text)).toThrow(reason);
  });
});
