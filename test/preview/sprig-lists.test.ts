import { GoFloat } from '../../src/preview/go-float';
import { markStringMap } from '../../src/preview/template-values';
import { failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 (Go text/template + Sprig v3.3) renders; the cases
// come from Sprig's list and dict documentation and tests unless stated otherwise.

describe('Sprig list functions', () => {
  test('first, rest, last, initial, append, prepend, concat and reverse', () => {
    // GIVEN the list 1 2 3 4 5
    // WHEN it is taken apart and extended
    // THEN each result is Sprig's
    const l = '(list 1 2 3 4 5)';
    expect(render(`{{ first ${l} }} {{ rest ${l} }} {{ last ${l} }} {{ initial ${l} }}`)).toBe('1 [2 3 4 5] 5 [1 2 3 4]');
    expect(render(`{{ append ${l} 6 }} {{ push ${l} 6 }} {{ prepend ${l} 0 }}`)).toBe('[1 2 3 4 5 6] [1 2 3 4 5 6] [0 1 2 3 4 5]');
    expect(render(`{{ concat ${l} (list 6 7) (list 8) }} {{ reverse ${l} }}`)).toBe('[1 2 3 4 5 6 7 8] [5 4 3 2 1]');
    expect(render('{{ rest (list) }} {{ first (list) }}')).toBe('[] <no value>');
  });

  test('uniq, without, has, compact, slice, chunk and sortAlpha', () => {
    // GIVEN Sprig's documented cases
    // WHEN they are rendered
    // THEN each result is Sprig's
    expect(render('{{ uniq (list 1 1 1 2) }} {{ without (list 1 2 3 4 5) 1 3 5 }}')).toBe('[1 2] [2 4]');
    expect(render('{{ has 4 (list 1 2 3 4 5) }} {{ has "4" (list 1 2 3 4 5) }} {{ has 1 .none }}', { none: null })).toBe(
      'true false false',
    );
    expect(render('{{ compact (list 1 "a" "foo" "") }}')).toBe('[1 a foo]');
    expect(render('{{ slice (list 1 2 3 4 5) 1 3 }} {{ slice (list 1 2 3 4 5) 3 }} {{ slice "hello" 1 3 }}')).toBe('[2 3] [4 5] el');
    expect(render('{{ chunk 3 (list 1 2 3 4 5 6 7 8) }} {{ chunk 2 (list) }}')).toBe('[[1 2 3] [4 5 6] [7 8]] []');
    expect(render('{{ list "c" "a" "b" | sortAlpha | join "" }} {{ list 2 1 4 3 | sortAlpha | join "" }}')).toBe('abc 1234');
  });

  test('list functions see generator lists, []string included', () => {
    // GIVEN the path segments of a git directory
    const params = { path: { segments: ['environments', 'prod', 'payments-api'] } };
    // WHEN list functions are applied
    // THEN they work on the []string as on any slice
    expect(render('{{ last .path.segments }}-{{ index (initial .path.segments) 1 }}', params)).toBe('payments-api-prod');
    expect(render('{{ .path.segments | rest | join "/" }}', params)).toBe('prod/payments-api');
  });

  test("fails with Sprig's message when a list function gets something else", () => {
    // GIVEN first of a string, and mustFirst
    for (const [text, message] of [
      ['{{ first "abc" }}', 'error calling first: Cannot find first on type string'],
      ['{{ mustFirst "abc" }}', 'error calling mustFirst: Cannot find first on type string'],
      ['{{ append "abc" 1 }}', 'error calling append: Cannot push on type string'],
    ] as const) {
      // WHEN it is rendered
      const e = failure(text);
      // THEN it fails as Argo CD does
      expect(e.code).toBe('CG704');
      expect(e.message).toContain(message);
    }
  });
});

describe('Sprig dict functions', () => {
  test('dict, get, set, unset, hasKey and pluck', () => {
    // GIVEN dicts built in the template
    // WHEN they are read and changed
    // THEN each result is Sprig's
    expect(render('{{ dict "name1" "value1" "name2" "value2" }}')).toBe('map[name1:value1 name2:value2]');
    expect(render('{{ get (dict "a" 1) "a" }}|{{ get (dict "a" 1) "b" }}|')).toBe('1||');
    expect(render('{{ set (dict "a" 1) "b" 2 }} {{ unset (dict "a" 1 "b" 2) "a" }}')).toBe('map[a:1 b:2] map[b:2]');
    expect(render('{{ hasKey (dict "a" 1) "a" }} {{ hasKey (dict "a" 1) "b" }}')).toBe('true false');
    expect(render('{{ pluck "name1" (dict "name1" "value1") (dict "name2" "x") (dict "name1" "value2") }}')).toBe('[value1 value2]');
    expect(render('{{ dict "odd" }}')).toBe('map[odd:]');
  });

  test('pick, omit, merge, mergeOverwrite, deepCopy and dig', () => {
    // GIVEN Sprig's documented merge example
    const dst = '(dict "default" "default" "overwrite" "me" "key" true)';
    const src = '(dict "overwrite" "overwritten" "key" false)';
    // WHEN the maps are merged
    // THEN merge keeps what dst holds, mergeOverwrite takes src's values, empty ones included
    expect(render(`{{ merge ${dst} ${src} }}`)).toBe('map[default:default key:true overwrite:me]');
    expect(render(`{{ mergeOverwrite ${dst} ${src} }}`)).toBe('map[default:default key:false overwrite:overwritten]');
    expect(render('{{ merge (dict "a" (dict "x" 1)) (dict "a" (dict "y" 2) "b" 3) }}')).toBe('map[a:map[x:1 y:2] b:3]');
    // AND pick, omit, dig
    const d = '(dict "name1" "value1" "name2" "value2" "name3" "value3")';
    expect(render(`{{ pick ${d} "name1" "name2" }} {{ omit ${d} "name1" "name3" }}`)).toBe(
      'map[name1:value1 name2:value2] map[name2:value2]',
    );
    const user = '(dict "user" (dict "role" (dict "humanId" "admin")))';
    expect(render(`{{ dig "user" "role" "humanId" "guest" ${user} }} {{ dig "user" "name" "guest" ${user} }}`)).toBe('admin guest');
    expect(render('{{ set (deepCopy .m) "b" 2 }}', { m: { a: 1 } })).toBe('map[a:1 b:2]');
  });

  test('keys and values of a map with one key; sortAlpha over keys', () => {
    // GIVEN a map with one key
    // WHEN its keys and values are listed
    // THEN they are that key and value
    expect(render('{{ keys (dict "a" 1) }} {{ values (dict "a" 1) }} {{ keys (dict "a" 1) (dict "b" 2) }}')).toBe('[a] [1] [a b]');
  });

  test("fails when keys or values would come in Go's random map order", () => {
    // GIVEN a map with two keys
    const e = failure('{{ keys (dict "a" 1 "b" 2) | join "," }}');
    // THEN CG701 says the order is random
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('random order');
  });

  test('fails when set or merge would change a generator parameter map that later fields see', () => {
    // GIVEN a map of the generator's parameters
    const e = failure('{{ set .m "b" 2 }}', { m: { a: 1 } });
    // THEN CG701 explains why and how to copy it
    expect(e.code).toBe('CG701');
    expect(e.message).toContain("set on a map of the generator's parameters");
  });

  test('fails as Go does when a dict function gets a map[string]string', () => {
    // GIVEN Argo CD's values, a map[string]string
    const e = failure('{{ get .values "team" }}', { values: markStringMap({ team: 'payments' }) });
    // THEN Go's wrong type error is reported
    expect(e.code).toBe('CG704');
    expect(e.message).toContain('expected map[string]interface {}; got map[string]string');
  });

  test('generator file values (float64) print as Go prints them', () => {
    // GIVEN a number from a generator file
    // WHEN it is put in a dict and encoded
    // THEN it is a float64 as encoding/json decoded it
    expect(render('{{ dict "replicas" .r | toJson }}', { r: new GoFloat(3) })).toBe('{"replicas":3}');
  });
});
