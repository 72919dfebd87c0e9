import { GoFloat } from '../../src/preview/go-float';
import { GoInt64 } from '../../src/preview/template-values';
import { call, failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 (Go text/template + Sprig v3.3) renders; the cases
// come from Sprig's strings_test.go and documentation unless stated otherwise.

describe('Sprig string functions', () => {
  test('trunc, substr, abbrev and abbrevboth cut as Sprig does', () => {
    // GIVEN Sprig's own cases
    // WHEN they are rendered
    // THEN each gives Sprig's result
    expect(render('{{ "foooooo" | trunc 3 }}')).toBe('foo');
    expect(render('{{ trunc -3 "foooobar" }}')).toBe('bar');
    expect(render('{{ "fooo" | substr 0 3 }}')).toBe('foo');
    expect(render('{{ abbrev 5 "hello world" }}')).toBe('he...');
    expect(render('{{ abbrevboth 5 10 "1234 5678 9123" }}')).toBe('...5678...');
    expect(render('{{ abbrev 3 "hello world" }}')).toBe('hello world');
  });

  test('trunc inside a multi-byte character keeps the broken byte, which the Application holds as U+FFFD', () => {
    // GIVEN "sé" (bytes 73 C3 A9) cut after two bytes
    // WHEN it is rendered
    // THEN Go keeps "s\xC3", written to the Application as "s\uFFFD"; its length is still 2 bytes
    expect(render('{{ trunc 2 "sé" }}')).toBe('s\ufffd');
    expect(render('{{ trunc 2 "sé" | len }}')).toBe('2');
    // AND the two halves of a character cut apart join again, as Go's bytes do
    expect(render('{{ trunc 1 "é" }}{{ substr 1 2 "é" }}')).toBe('é');
  });

  test('title, untitle, initials, swapcase and the case conversions', () => {
    // GIVEN Go's strings.Title, goutils and xstrings (Sprig's documentation examples)
    // WHEN they are rendered
    // THEN each word is handled as Go does
    expect(render('{{ title "hello world" }}')).toBe('Hello World');
    expect(render('{{ title "her royal highness" }}')).toBe('Her Royal Highness');
    expect(render('{{ title "хлеб" }}')).toBe('Хлеб');
    expect(render('{{ title "payments-api_v2" }}')).toBe('Payments-Api_v2');
    expect(render('{{ untitle "First Try" }}')).toBe('first try');
    expect(render('{{ initials "First Try" }}')).toBe('FT');
    expect(render('{{ swapcase "This Is A.Test" }}')).toBe('tHIS iS a.tEST');
    expect(render('{{ camelcase "http_server" }}')).toBe('HttpServer');
    expect(render('{{ snakecase "FirstName" }}')).toBe('first_name');
    expect(render('{{ kebabcase "FirstName" }}')).toBe('first-name');
  });

  test('a case conversion splits an acronym and digits as xstrings does', () => {
    // GIVEN a name with an acronym and digits
    // WHEN snakecase, kebabcase and camelcase are rendered
    // THEN xstrings' words: HTTP, Server and the number kept with the word before it; ToPascalCase
    // lowers the upper-case letters that follow a word's first one up to the first other rune
    expect(render('{{ snakecase "HTTPServer2" }}')).toBe('http_server2');
    expect(render('{{ kebabcase "HTTPServer2" }}')).toBe('http-server2');
    expect(render('{{ camelcase "HTTPServer2" }}')).toBe('Httpserver2');
  });

  test('indent, nindent, wrap, wrapWith, repeat, replace and plural', () => {
    // GIVEN Sprig's cases
    // WHEN they are rendered
    // THEN each gives Sprig's result
    expect(render('{{ indent 4 "a\\nb\\nc" }}')).toBe('    a\n    b\n    c');
    expect(render('{{ nindent 4 "a\\nb\\nc" }}')).toBe('\n    a\n    b\n    c');
    expect(render('{{ wrap 5 "Hello World" }}')).toBe('Hello\nWorld');
    expect(render('{{ wrapWith 5 "\\t" "Hello World" }}')).toBe('Hello\tWorld');
    expect(render('{{ repeat 3 "hello" }}')).toBe('hellohellohello');
    expect(render('{{ "I Am Henry VIII" | replace " " "-" }}')).toBe('I-Am-Henry-VIII');
    expect(render('{{ len "two" | plural "1 char" "chars" }}')).toBe('chars');
    expect(render('{{ len "t" | plural "cheese" "%d chars" }}')).toBe('cheese');
  });

  test('quote, squote, cat, trims and the string tests', () => {
    // GIVEN Sprig's cases
    // WHEN they are rendered
    // THEN each gives Sprig's result
    expect(render('{{ quote "a" "b" "c" }}')).toBe('"a" "b" "c"');
    expect(render('{{ quote "\\"a\\"" "b" }}')).toBe('"\\"a\\"" "b"');
    expect(render('{{ quote 1 2 3 }}')).toBe('"1" "2" "3"');
    expect(render('{{ squote 1 2 3 }}')).toBe("'1' '2' '3'");
    expect(render('{{ "c" | cat "a" "b" }}')).toBe('a b c');
    expect(render('{{ trim "   5.00   " }}|{{ trimAll "$" "$5.00$" }}|{{ trimall "$" "$5.00$" }}')).toBe('5.00|5.00|5.00');
    expect(render('{{ trimPrefix "$" "$5.00" }}|{{ trimSuffix "$" "5.00$" }}')).toBe('5.00|5.00');
    expect(render('{{ contains "cat" "fair catch" }} {{ hasPrefix "cat" "catch" }} {{ hasSuffix "cat" "ducat" }}')).toBe('true true true');
    expect(render('{{ nospace "h e l l o " }}')).toBe('hello');
  });

  test('split and splitn give maps keyed _0, _1, …; splitList and toStrings give []string', () => {
    // GIVEN Sprig's cases
    // WHEN they are rendered
    // THEN the parts are as Go's strings.Split and SplitN give them
    expect(render('{{ (split "$" "foo$bar$baz")._0 }}')).toBe('foo');
    expect(render('{{ split "$" "foo$bar$baz" }}')).toBe('map[_0:foo _1:bar _2:baz]');
    expect(render('{{ splitn "$" 2 "foo$bar$baz" }}')).toBe('map[_0:foo _1:bar$baz]');
    expect(render('{{ splitList "/" "a/b/c" | typeOf }} {{ splitList "/" "a/b/c" }}')).toBe('[]string [a b c]');
    expect(render('{{ index (list 1 2 3 | toStrings) 1 | kindOf }}')).toBe('string');
    expect(render('{{ tuple "a" "b" "c" | join "-" }} {{ list 1 2 3 | join "-" }}')).toBe('a-b-c 1-2-3');
  });

  test('fails when a function depends on randomness', () => {
    // GIVEN random strings and shuffle
    for (const text of ['{{ randAlphaNum 5 }}', '{{ shuffle "hello" }}']) {
      // WHEN they are rendered
      const e = failure(text);
      // THEN CG701 says the result is random
      expect(e.code).toBe('CG701');
      expect(e.message).toMatch(/the function (randAlphaNum|shuffle) \(its result is random\)/);
    }
  });
});

describe('Sprig conversion, default and reflection functions', () => {
  test('atoi, int, int64, float64 and toDecimal convert as spf13/cast and strconv do', () => {
    // GIVEN strings and numbers
    // WHEN they are converted
    // THEN atoi accepts only decimal, cast reads base prefixes, floats are truncated
    expect(render('{{ atoi "42" }} {{ atoi "0x10" }} {{ atoi "4.2" }}')).toBe('42 0 0');
    expect(render('{{ int "0x10" }} {{ int "10.00" }} {{ int "10.5" }} {{ int "017" }}')).toBe('16 10 0 15');
    expect(render('{{ int .f }} {{ int64 .f | typeOf }} {{ float64 "1.5" }}', { f: new GoFloat(-2.7) })).toBe('-2 int64 1.5');
    expect(render('{{ toDecimal "0777" }} {{ toDecimal "777" }} {{ toDecimal "8" }}')).toBe('511 511 0');
  });

  test("default, empty, coalesce, ternary, all and any follow Sprig's emptiness", () => {
    // GIVEN empty and non-empty values
    // WHEN they are tested
    // THEN "", 0, false, nil, empty lists and maps are empty
    expect(render('{{ "" | default "foo" }} {{ "bar" | default "foo" }} {{ 0 | default 7 }}')).toBe('foo bar 7');
    expect(render('{{ empty "" }} {{ empty (list) }} {{ empty (dict) }} {{ empty 0 }} {{ empty "x" }}')).toBe('true true true true false');
    expect(render('{{ coalesce "" 0 "first" "second" }}')).toBe('first');
    expect(render('{{ ternary "foo" "bar" true }} {{ ternary "foo" "bar" false }}')).toBe('foo bar');
    expect(render('{{ all 1 "a" true }} {{ all 1 "" true }} {{ any 0 "" "x" }} {{ any 0 "" }}')).toBe('true false true false');
  });

  test("toJson, toPrettyJson, toRawJson and fromJson are encoding/json's", () => {
    // GIVEN maps, lists, HTML characters and a JSON text
    // WHEN they are encoded and decoded
    // THEN keys are sorted, < > & escaped except by toRawJson, and numbers decode to float64
    expect(render('{{ dict "b" 1 "a" "<x>&" | toJson }}')).toBe('{"a":"\\u003cx\\u003e\\u0026","b":1}');
    expect(render('{{ dict "b" 1 "a" "<x>&" | toRawJson }}')).toBe('{"a":"<x>&","b":1}');
    expect(render('{{ dict "a" 1 "b" (list 1 2) | toPrettyJson }}')).toBe('{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}');
    expect(render('{{ list | toJson }} {{ dict | toJson }}')).toBe('[] {}');
    expect(render('{{ get (fromJson "{\\"a\\": 1.50, \\"b\\": [true, null]}") "a" }}')).toBe('1.5');
    expect(render('{{ fromJson "{\\"b\\": [true, null]}" | toJson }}')).toBe('{"b":[true,null]}');
    expect(render('{{ fromJson "not json" }}')).toBe('<no value>');
    expect(failure('{{ mustFromJson "{" }}').message).toContain('error calling mustFromJson: unexpected end of JSON input');
  });

  test("typeOf, kindOf, typeIs, kindIs and deepEqual see Go's types", () => {
    // GIVEN values of several Go types
    // WHEN they are inspected
    // THEN int literals are int, Sprig's arithmetic is int64, lists are []interface {}
    expect(render('{{ typeOf 1 }} {{ typeOf (add 1 2) }} {{ typeOf "a" }} {{ typeOf (list 1) }} {{ typeOf (dict) }}')).toBe(
      'int int64 string []interface {} map[string]interface {}',
    );
    expect(render('{{ typeOf .f }} {{ kindOf .f }} {{ kindOf (list) }} {{ kindOf (dict) }}', { f: new GoFloat(1) })).toBe(
      'float64 float64 slice map',
    );
    expect(render('{{ typeIs "int" 1 }} {{ kindIs "slice" (list) }} {{ typeIsLike "string" "a" }}')).toBe('true true true');
    expect(render('{{ deepEqual (list 1 2) (list 1 2) }} {{ deepEqual (list "a") (splitList "," "a") }}')).toBe('true false');
  });

  test('fails as Go does when an int64 is passed where a function takes an int', () => {
    // GIVEN Sprig's add, which returns int64, passed to trunc, which takes int
    const e = failure('{{ trunc (add 1 2) "abcdef" }}');
    // THEN Go's wrong type error is reported
    expect(e.code).toBe('CG704');
    expect(e.message).toContain('expected int; got int64');
  });

  test('fail stops the template, and its message is not shown: it may be built from parameters, which may be secrets', () => {
    // GIVEN fail, with a message of the template's and one made from a parameter
    const e = failure('{{ fail "no region for this cluster" }}');
    const p = failure('{{ print "s3c" "r3t" | fail }}');
    // THEN the template fails, with the length of the message only
    expect(e.code).toBe('CG704');
    expect(e.message).toContain(
      'error calling fail: the template failed with a message of 26 characters, not shown since it may quote parameter values',
    );
    expect(p.message).not.toContain('s3cr3t');
  });

  test("direct calls keep Go's types", () => {
    // GIVEN direct calls
    // THEN int64 and float64 results are typed
    expect(call('int64', '42')).toEqual(new GoInt64(42));
    expect(call('float64', 3)).toEqual(new GoFloat(3));
  });
});

describe('Sprig string functions on bytes, as goutils works', () => {
  test('nospace removes white space byte by byte, so a non-ASCII character is rewritten as Latin-1', () => {
    // GIVEN goutils' DeleteWhiteSpace, which reads each byte as a character
    // WHEN a string with white space and "é" (C3 A9) loses its spaces
    // THEN "é" comes out as "Ã©", as Argo CD renders it; without white space the string is kept
    expect(render('{{ nospace "h e l l o" }}')).toBe('hello');
    expect(render('{{ nospace "ca fé" }}')).toBe('cafÃ©');
    expect(render('{{ nospace "café" }}')).toBe('café');
  });

  test('upper and title write a broken byte as U+FFFD, as strings.Map does', () => {
    // GIVEN "sé" cut inside "é"
    // WHEN it is upper-cased
    // THEN the byte becomes U+FFFD (three bytes), so the length is 4
    expect(render('{{ trunc 2 "sé" | upper }}')).toBe('S\ufffd');
    expect(render('{{ trunc 2 "sé" | upper | len }}')).toBe('4');
  });
});

describe('encoding/json on Go strings', () => {
  test('toJson writes a byte that is not UTF-8 as the escape \\ufffd; fromJson lists are []interface {}', () => {
    // GIVEN "sé" cut inside "é"
    // WHEN it is encoded
    // THEN encoding/json writes the broken byte as the six characters \ufffd
    expect(render('{{ trunc 2 "sé" | toJson }}')).toBe('"s\\ufffd"');
    // AND a JSON list reads as []interface {}, even of strings
    expect(render('{{ fromJson "[\\"a\\"]" | typeOf }}')).toBe('[]interface {}');
  });
});
