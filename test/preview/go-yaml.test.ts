import { readGoYaml, readGoYamlDocuments } from '../../src/preview';

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

  describe('merge keys, as go-yaml v2 merges them', () => {
    // go-yaml v2's decode_test.go, TestMerge (from yaml.org/type/merge.html): every map below
    // decodes to {x: 1, y: 2, r: 10, label: center/big}.
    const anchors =
      'anchors:\n  list:\n    - &CENTER { "x": 1, "y": 2 }\n    - &LEFT   { "x": 0, "y": 2 }\n    - &BIG    { "r": 10 }\n    - &SMALL  { "r": 1 }\n';
    test.each([
      ['plain', '"x": 1\n  "y": 2\n  "r": 10\n  label: center/big'],
      ['mergeOne', '<< : *CENTER\n  "r": 10\n  label: center/big'],
      ['mergeMultiple', '<< : [ *CENTER, *BIG ]\n  label: center/big'],
      ['override', '<< : [ *BIG, *LEFT, *SMALL ]\n  "x": 1\n  label: center/big'],
      ['shortTag', '!!merge "<<" : [ *CENTER, *BIG ]\n  label: center/big'],
      ['longTag', '!<tag:yaml.org,2002:merge> "<<" : [ *CENTER, *BIG ]\n  label: center/big'],
      ['inlineMap', '<< : {"x": 1, "y": 2, "r": 10}\n  label: center/big'],
      ['inlineSequenceMap', '<< : [ *CENTER, {"r": 10} ]\n  label: center/big'],
    ])("reads %s of go-yaml's merge tests as go-yaml does", (name, body) => {
      // GIVEN go-yaml's anchors and one of its maps
      // WHEN the text is read
      const data = readGoYaml(`${anchors}${name}:\n  ${body}\n`) as Record<string, unknown>;
      // THEN the map is go-yaml's {x: 1, y: 2, r: 10, label: center/big}
      expect(data[name]).toEqual({ x: 1, y: 2, r: 10, label: 'center/big' });
    });

    test.each([
      // go-yaml v2's mapping sets the merged keys into the map at the place of `<<`.
      ['a key set before the merge is overwritten by the merged one', 'a: 1\n<<: {a: 2, b: 2}\n', { a: 2, b: 2 }],
      ['a key set after the merge wins', '<<: {a: 2, b: 2}\na: 1\n', { a: 1, b: 2 }],
      // merge walks a list from its last map to its first, so the first map that sets a key wins.
      [
        'of several maps the first that sets a key wins',
        'b: &b {k: b, p: 1}\nc: &c {k: c, q: 1}\nm:\n  <<: [*b, *c]\n',
        { b: { k: 'b', p: 1 }, c: { k: 'c', q: 1 }, m: { k: 'b', p: 1, q: 1 } },
      ],
      [
        'a merged map merges in its turn',
        'base: &base {a: 1, b: 1}\nmid: &mid\n  <<: *base\n  b: 2\nm:\n  <<: *mid\n  c: 3\n',
        { base: { a: 1, b: 1 }, mid: { a: 1, b: 2 }, m: { a: 1, b: 2, c: 3 } },
      ],
      ['two merge keys in one map both merge, the later over the earlier', '<<: {a: 1, b: 1}\n<<: {b: 2}\n', { a: 1, b: 2 }],
      ['an empty list merges nothing', '<<: []\na: 1\n', { a: 1 }],
      ['the non-specific tag ! makes a merge key', '! <<: {a: 1}\n', { a: 1 }],
      ['a quoted "<<" is a plain key', '"<<": {a: 1}\n', { '<<': { a: 1 } }],
      ['!!str << is a plain key', '!!str <<: 1\n', { '<<': 1 }],
      ['an alias to an anchored << key is the string key "<<"', '&k <<: {a: 1}\nb: {*k : 2}\n', { a: 1, b: { '<<': 2 } }],
      ['a flow list of single-pair maps merges them', '<<: [a: 1, b: 2]\n', { a: 1, b: 2 }],
    ])('%s', (_name, text, want) => {
      // GIVEN a map with merge keys
      // WHEN it is read
      // THEN the keys are go-yaml v2's
      expect(readGoYaml(text)).toEqual(want);
    });

    test.each([
      ['a scalar', '<<: 1\n'],
      ['null', '<<: ~\n'],
      ['nothing', '<<:\na: 1\n'],
      ['an alias to a list of maps', 'l: &l [{a: 1}]\nm:\n  <<: *l\n'],
      ['an alias to a scalar', 's: &s x\nm:\n  <<: *s\n'],
      ['a list holding a scalar', '<<: [{a: 1}, 2]\n'],
      ['a list holding a list', '<<: [[{a: 1}]]\n'],
      ['a list holding an alias to that list', '<<: &s [*s]\n'],
      // go-yaml v2's decode_test.go, unmarshalErrorTests (its issue #529): the alias names the
      // earlier anchor x, a null, though a later one of the same name is a map.
      ['an alias to null, its anchor redefined as a map later', 'a: &x null\n<<:\n- *x\nb: &x {}\n'],
    ])('fails when a merge key holds %s, as go-yaml fails', (_name, text) => {
      // GIVEN a merge key whose value is not a map, an alias to one, or a list of them
      // WHEN the text is read
      // THEN it fails with go-yaml's reason, not as something the preview does not read
      expect(() => readGoYaml(text)).toThrow('map merge requires map or sequence of maps as the value');
      expect(() => readGoYaml(text)).not.toThrow(/the preview does not/);
    });

    test('fails when a merge names a map containing it, as go-yaml fails', () => {
      // GIVEN a map that merges the anchor of a map around it
      // WHEN it is read
      // THEN it fails (go-yaml: "anchor 'a' value contains itself")
      expect(() => readGoYaml('a: &a {b: 1, c: {<<: *a}}\n')).toThrow(/refers to a value containing it/);
    });

    test('fails when merged keys and set keys differ in type but become one JSON key', () => {
      // GIVEN an integer key 1 merged and a string key "1" set
      // WHEN it is read
      // THEN it fails: sigs.k8s.io/yaml keeps either at random
      expect(() => readGoYaml('<<: {1: a}\n"1": b\n')).toThrow(/two different keys at the top level that both become "1"/);
    });

    test('fails rather than guess on a key tagged !!merge that is not written <<', () => {
      // GIVEN `!!merge foo`, which go-yaml reads as the key "foo" (the YAML library reads it as <<)
      // WHEN it is read
      // THEN it is refused as a form the preview does not read
      expect(() => readGoYaml('!!merge foo: 1\n')).toThrow(
        /has a key at the top level with the YAML tag "tag:yaml\.org,2002:merge" that is not written <<, which the preview does not read/,
      );
      // AND "<<" quoted with the tag is a merge key, as go-yaml reads it
      expect(readGoYaml("!!merge '<<': {a: 1}\n")).toEqual({ a: 1 });
    });

    test('fails rather than overflow on merges of maps that merge maps more than 100 levels deep', () => {
      // GIVEN a list of 20,000 maps, each merging the one before it (read from the last)
      const items = ['&a1 {x: 1}'];
      for (let i = 2; i <= 20_000; i++) {
        items.push(`&a${i} {<<: *a${i - 1}}`);
      }
      // WHEN it is merged
      // THEN the preview's bound refuses it, naming where (go-yaml would merge them all)
      expect(() => readGoYaml(`<<: [${items.join(', ')}]\n`)).toThrow(
        /merges maps that merge maps more than 100 levels deep at the top level, which the preview does not read/,
      );
      // AND 99 levels are read
      expect(readGoYaml(`<<: [${items.slice(0, 99).join(', ')}]\n`)).toEqual({ x: 1 });
    });

    test('reads 100,000 aliases, each resolved in one walk of the document', () => {
      // GIVEN a list of 100,000 aliases to one anchor
      const text = `a: &a 1\nl: [${Array<string>(100_000).fill('*a').join(', ')}]\n`;
      // WHEN it is read
      const data = readGoYaml(text) as { l: unknown[] };
      // THEN every alias is the anchored value
      expect(data.l).toHaveLength(100_000);
      expect(data.l.every((v) => v === 1)).toBe(true);
    });

    test('fails as go-yaml fails when merges and aliases make nearly all of what it reads', () => {
      // GIVEN merges that triple the keys at each of 21 levels
      let text = 'l0: &l0 {a: 1, b: 2}\n';
      for (let i = 1; i <= 21; i++) {
        text += `l${i}: &l${i} {x: *l${i - 1}, y: *l${i - 1}, <<: *l${i - 1}}\n`;
      }
      // WHEN it is read
      // THEN go-yaml's bound refuses it: more than 99% of over 1,000 reads come through aliases
      expect(() => readGoYaml(text)).toThrow('document contains excessive aliasing');
    });

    test('reads a file that merges one map into many, as go-yaml reads it', () => {
      // GIVEN 2,000 list elements merging one anchored map of 5 keys
      const text = `base: &base {a: 1, b: 2, c: 3, d: 4, e: 5}\nl:\n${'  - {<<: *base, id: 1}\n'.repeat(2000)}`;
      // WHEN it is read (11 of every 15 reads come through the alias, under go-yaml's 99%)
      const data = readGoYaml(text) as { l: unknown[] };
      // THEN every element holds the merged keys
      expect(data.l).toHaveLength(2000);
      expect(data.l[1999]).toEqual({ a: 1, b: 2, c: 3, d: 4, e: 5, id: 1 });
    });
  });

  test('fails as go-yaml fails on a billion laughs', () => {
    // GIVEN go-yaml v2's decode_test.go case: nine levels of nine aliases to the level below
    const text = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']
      .map(
        (name, i, all) =>
          `${name}: &${name} [${Array<string>(9)
            .fill(i === 0 ? '00' : `*${all[i - 1]}`)
            .join(',')}]\n`,
      )
      .join('');
    // WHEN it is read
    // THEN go-yaml's error: "document contains excessive aliasing"
    expect(() => readGoYaml(text)).toThrow('document contains excessive aliasing');
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

describe('readGoYaml and readGoYamlDocuments on the line breaks of YAML 1.1', () => {
  test.each([['\u0085'], ['\u2028'], ['\u2029']])(
    'refuse a text holding %j, which go-yaml v2 reads as a line break and YAML 1.2 does not',
    (ch) => {
      // GIVEN a map whose second line holds the character (go-yaml v2 would end the scalar there and read "b: 2" as a key)
      const text = `a: 1\nb: x${ch}b: 2\n`;
      // WHEN it is read, THEN the preview refuses it as what it does not read as go-yaml does (CG706 where it is used)
      for (const read of [readGoYaml, readGoYamlDocuments]) {
        expect(() => read(text)).toThrow(
          'holds at line 2 a character go-yaml v2 takes for a line break (U+0085, U+2028 or U+2029), which the preview does not read as go-yaml does',
        );
      }
    },
  );
});
