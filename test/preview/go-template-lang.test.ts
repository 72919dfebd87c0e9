import { GitOpsError } from '../../src/core/errors';
import { GoFloat } from '../../src/preview/go-float';
import { MissingKeyOption, renderGoTemplate } from '../../src/preview/go-template';
import { markStringMap, TemplateMap } from '../../src/preview/template-values';

/*
 * Go's text/template language as Argo CD runs it. The expected outputs are Go's: most cases
 * come from Go's text/template/exec_test.go and parse_test.go, with Go's data replaced by
 * ApplicationSet parameters, and from Argo CD's applicationset/utils/utils_test.go
 * (TestRenderTemplateParamsGoTemplate).
 */

const PARAMS: TemplateMap = {
  path: {
    path: 'environments/prod/azure/westeurope-01/payments-api',
    basename: 'payments-api',
    basenameNormalized: 'payments-api',
    segments: ['environments', 'prod', 'azure', 'westeurope-01', 'payments-api'],
  },
  values: markStringMap({ team: 'Payments' }),
  // As a git files generator reads them: numbers are float64, lists []interface {}.
  replicas: new GoFloat(3),
  ratio: new GoFloat(1.5),
  hpa: { enabled: true, minReplicas: new GoFloat(1), maxReplicas: new GoFloat(5) },
  volumes: [
    { name: 'volume-one', emptyDir: {} },
    { name: 'volume-two', emptyDir: {} },
  ],
  labels: { b: '2', B: 'upper', _: 'underscore', a: '1' },
  empty: [],
  emptyMap: {},
  nothing: null,
  mixed: ['a', null, new GoFloat(2)],
  flag: false,
};

const render = (text: string, missingKey?: MissingKeyOption) =>
  renderGoTemplate(text, PARAMS, missingKey === undefined ? {} : { missingKey });

function failure(text: string, missingKey?: MissingKeyOption): GitOpsError {
  try {
    render(text, missingKey);
  } catch (e) {
    expect(e).toBeInstanceOf(GitOpsError);
    return e as GitOpsError;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('Go text/template language', () => {
  describe('if, with and truth', () => {
    test.each([
      ['{{if true}}TRUE{{end}}', 'TRUE'],
      ['{{if false}}TRUE{{else}}FALSE{{end}}', 'FALSE'],
      ['{{if 1}}NON-ZERO{{else}}ZERO{{end}}', 'NON-ZERO'],
      ['{{if 0}}NON-ZERO{{else}}ZERO{{end}}', 'ZERO'],
      ['{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}', 'NON-ZERO'],
      ['{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}', 'EMPTY'],
      ['{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}', 'NON-EMPTY'],
      ['{{if .empty}}NON-EMPTY{{else}}EMPTY{{end}}', 'EMPTY'],
      ['{{if .path.segments}}NON-EMPTY{{else}}EMPTY{{end}}', 'NON-EMPTY'],
      ['{{if .emptyMap}}NON-EMPTY{{else}}EMPTY{{end}}', 'EMPTY'],
      ['{{if .path}}NON-EMPTY{{else}}EMPTY{{end}}', 'NON-EMPTY'],
      ['{{if .nope}}NON-ZERO{{else}}ZERO{{end}}', 'ZERO'],
      ['{{if not .nope}}ZERO{{else}}NON-ZERO{{end}}', 'ZERO'],
      ['{{if .nothing}}non-nil{{else}}nil{{end}}', 'nil'],
      ['{{if false}}FALSE{{else if true}}TRUE{{end}}', 'TRUE'],
      ['{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}', '3'],
      ['{{if $x := true}}{{with $y := 17}}{{$x}},{{$y}}{{end}}{{end}}', 'true,17'],
      ['{{if $x := true}}{{with $x := 17}}{{$x}},{{end}}{{$x}}{{end}}', '17,true'],
      ['{{with true}}{{.}}{{end}}', 'true'],
      ['{{with false}}{{.}}{{else}}FALSE{{end}}', 'FALSE'],
      ['{{with 1}}{{.}}{{else}}ZERO{{end}}', '1'],
      ['{{with 0}}{{.}}{{else}}ZERO{{end}}', 'ZERO'],
      ['{{with 1.5}}{{.}}{{else}}ZERO{{end}}', '1.5'],
      ['{{with .path.segments}}{{.}}{{else}}EMPTY{{end}}', '[environments prod azure westeurope-01 payments-api]'],
      ['{{with .values}}{{.}}{{else}}EMPTY{{end}}', 'map[team:Payments]'],
      ['{{with $x := .path.basename}}{{$x}}{{end}}', 'payments-api'],
      ['{{with $x := $}}{{$x.path.basename}}{{end}}', 'payments-api'],
      ['{{with .nope}}A{{else with .path}}{{.basename}}{{else}}C{{end}}', 'payments-api'],
      ['{{with .nope}}A{{else with .flag}}B{{else}}C{{end}}', 'C'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN an if or with action  WHEN it is rendered  THEN Go's output
      expect(render(text)).toBe(expected);
    });

    test('renders the if and loop cases of Argo CD utils_test (TestRenderTemplateParamsGoTemplate)', () => {
      // GIVEN Argo CD's "if ok" and "loop" templates over parameters read from a file
      // WHEN they are rendered
      // THEN the output is Argo CD's
      expect(render('{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}')).toBe('5');
      expect(render('{{ range .volumes }}[{{ .name }}]{{ end }}')).toBe('[volume-one][volume-two]');
      expect(render('--> {{.doesnotexist}} <--')).toBe('--> <no value> <--');
    });

    test('fails when an if reads a missing key with missingkey=error', () => {
      // GIVEN a condition on a key the parameters do not have
      // WHEN it is rendered with missingkey=error
      const e = failure('{{ if .nope }}x{{ end }}', 'error');
      // THEN it fails as Go does, though the value only decides a branch
      expect(e.code).toBe('CG702');
      expect(e.message).toContain('<.nope>: map has no entry for key "nope"');
    });
  });

  describe('range', () => {
    test.each([
      ['{{range .path.segments}}-{{.}}-{{end}}', '-environments--prod--azure--westeurope-01--payments-api-'],
      ['{{range .empty}}-{{.}}-{{end}}', ''],
      ['{{range .empty}}-{{.}}-{{else}}EMPTY{{end}}', 'EMPTY'],
      ['{{range .nope}}-{{.}}-{{else}}EMPTY{{end}}', 'EMPTY'],
      ['{{range .nothing}}-{{.}}-{{else}}EMPTY{{end}}', 'EMPTY'],
      ['{{range .emptyMap}}-{{.}}-{{else}}EMPTY{{end}}', 'EMPTY'],
      ['{{range .labels}}-{{.}}-{{end}}', '-upper--underscore--1--2-'],
      ['{{range $k, $v := .labels}}{{$k}}={{$v}};{{end}}', 'B=upper;_=underscore;a=1;b=2;'],
      ['{{range $x := .path.segments}}<{{$x}}>{{end}}', '<environments><prod><azure><westeurope-01><payments-api>'],
      ['{{range $i, $s := .path.segments}}<{{$i}}={{$s}}>{{end}}', '<0=environments><1=prod><2=azure><3=westeurope-01><4=payments-api>'],
      ['{{range .mixed}}[{{.}}]{{end}}', '[a][<no value>][2]'],
      ['{{range $x := .path.segments}}<{{$foo := $x}}{{$x}}>{{end}}', '<environments><prod><azure><westeurope-01><payments-api>'],
      ['{{range .path.segments}}{{$.path.basename}};{{end}}', 'payments-api;payments-api;payments-api;payments-api;payments-api;'],
      ['{{range 3}}{{.}}{{end}}', '012'],
      ['{{range $i := 3}}[{{$i}}]{{end}}', '[0][1][2]'],
      ['{{range 0}}x{{else}}none{{end}}', 'none'],
      ['{{range -2}}x{{else}}none{{end}}', 'none'],
      ['{{range .path.segments}}{{if eq . "azure"}}{{break}}{{end}}{{.}},{{end}}', 'environments,prod,'],
      ['{{range .path.segments}}{{if eq . "prod"}}{{continue}}{{end}}{{.}},{{end}}', 'environments,azure,westeurope-01,payments-api,'],
      ['{{range 5}}{{if eq . 2}}{{break}}{{end}}{{.}}{{else}}none{{end}}', '01'],
      ['{{$last := ""}}{{range .path.segments}}{{$last = .}}{{end}}{{$last}}', 'payments-api'],
      ['{{$i := 0}}{{$e := ""}}{{range $i, $e = .path.segments}}{{end}}{{$i}}:{{$e}}', '4:payments-api'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN a range  WHEN it is rendered  THEN Go's output (maps in key order, integers from Go 1.22)
      expect(render(text)).toBe(expected);
    });

    test('fails with CG701 rather than run a range of more than ten million steps', () => {
      // GIVEN a range over a huge integer (Go would run it)
      const e = failure('{{range 20000000}}{{end}}');
      // THEN the preview stops and says so
      expect(e.code).toBe('CG701');
      expect(e.message).toContain('more than 10000000 steps of execution');
    });

    test.each([
      // Go prints the value ("can't use 3 …", "range can't iterate over payments-api"); the
      // preview names its type instead, as a value may be a secret.
      ['{{range $i, $e := 3}}{{end}}', "can't use an integer to iterate over more than one variable"],
      ['{{range .replicas}}{{end}}', "range can't iterate over a value of type float64"],
      ['{{range .path.basename}}{{end}}', "range can't iterate over a value of type string"],
      ['{{range true}}{{end}}', "range can't iterate over a value of type bool"],
    ])('fails when %s ranges over what Go cannot', (text, reason) => {
      // GIVEN a range Go refuses  WHEN it is rendered
      const e = failure(text);
      // THEN it fails with Go's reason
      expect(e.code).toBe('CG704');
      expect(e.message).toContain(reason);
    });
  });

  describe('variables', () => {
    test.each([
      ['{{$x := "a"}}{{$x}}', 'a'],
      ['{{$x := 1}}{{$x = 2}}{{$x}}', '2'],
      ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
      ['{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}', '21'],
      ['{{$x := .path}}{{$x.basename}}', 'payments-api'],
      ['{{$}}', String(render('{{.}}'))],
      ['{{$.path.basename}}', 'payments-api'],
      ['{{$x := 3}}{{$x}}{{$x := 4}}{{$x}}', '34'],
      ['{{($).path.basename}}', 'payments-api'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN declarations, assignments and scopes  WHEN rendered  THEN Go's output
      expect(render(text)).toBe(expected);
    });

    test('fails when a variable is used outside the control structure that declared it', () => {
      // GIVEN $x declared inside an if and used after its end
      const e = failure('{{if true}}{{$x := 1}}{{end}}{{$x}}');
      // THEN Go's parser rejects it
      expect(e.code).toBe('CG703');
      expect(e.message).toContain('undefined variable "$x"');
      expect(failure('{{$y}}').message).toContain('undefined variable "$y"');
    });

    test('fails when a variable is assigned without being declared, or given arguments', () => {
      // GIVEN an assignment to an undeclared variable (Go parses it, then fails running it)
      expect(failure('{{$x = 1}}').message).toContain('undefined variable: $x');
      // GIVEN a variable used as a function
      expect(failure('{{$x := 1}}{{$x 2}}').message).toContain("can't give argument to non-function $x");
      expect(failure('{{$x := 1}}{{3 | $x}}').code).toBe('CG704');
      // GIVEN "=" right after the name (the lexer wants a space or a terminator)
      expect(failure('{{$x=1}}').message).toContain("bad character U+003D '='");
    });
  });

  describe('literals', () => {
    test.each([
      ["{{'a'}} {{'\\n'}} {{'\\u00e9'}} {{'\\x41'}} {{'\\101'}} {{'é'}}", '97 10 233 65 65 233'],
      ['{{0x1F}} {{0X1f}} {{0o17}} {{0b101}} {{017}} {{1_000}} {{0x_FF}} {{-0b11}}', '31 31 15 5 15 1000 255 -3'],
      ['{{1.5}} {{1e3}} {{.5}} {{0x1p-2}} {{1.0}} {{-2.5e-3}} {{1_000.5}} {{1e21}}', '1.5 1000 0.5 0.25 1 -0.0025 1000.5 1e+21'],
      ['{{printf "%T %T %T %T %T %T" 1 1.0 \'a\' 0x1F 1e3 -0x1e}}', 'int float64 int int float64 float64'],
      ['{{printf `%T` 0xef}} {{printf `%T` 0XEE}}', 'int int'],
      ['{{print nil}}', '<nil>'],
      ['{{trunc 3.0 "abcdef"}}', 'abc'],
      ['{{"a\\tb"}}|{{`raw\\n`}}|{{true}}|{{false}}', 'a\tb|raw\\n|true|false'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN Go literals  WHEN rendered  THEN an integer literal is an int, a float literal a float64
      expect(render(text)).toBe(expected);
    });

    test.each([
      ['{{08}}', 'integer overflow: "08"'],
      ['{{1__0}}', 'illegal number syntax: "1__0"'],
      ['{{0x}}', 'illegal number syntax: "0x"'],
      ['{{3k}}', 'bad number syntax: "3k"'],
      ["{{'ab'}}", "malformed character constant: 'ab'"],
      ["{{''}}", 'invalid syntax'],
      ["{{'a}}", 'unterminated character constant'],
      ['{{nil.x}}', 'unexpected . after term "nil"'],
      ['{{.x | nil}}', 'non executable command in pipeline stage 2'],
    ])('fails when %s is not a Go literal (%s)', (text, reason) => {
      // GIVEN a literal Go's parser rejects  WHEN parsed
      const e = failure(text);
      // THEN CG703 with Go's reason
      expect(e.code).toBe('CG703');
      expect(e.message).toContain(reason);
    });

    test('fails when nil is a command or where a string is expected, and when a float is where an int is', () => {
      // GIVEN nil and literals in places Go refuses at execution
      // THEN each fails with Go's reason
      expect(failure('{{nil}}').message).toContain('nil is not a command');
      expect(failure('{{upper nil}}').message).toContain('cannot assign nil to string');
      expect(failure('{{trunc 3.5 "abcdef"}}').message).toContain('expected integer; found 3.5');
      expect(failure('{{true|printf}}').message).toContain('wrong type for value; expected string; got bool');
    });
  });

  describe("Go's builtins", () => {
    test.each([
      ['{{not true}} {{not false}} {{not .nope}} {{not .path}}', 'false true true false'],
      ['{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}', 'false 0 0 1'],
      ['{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}', '0 1 true 1'],
      ['{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}', 'TRUE'],
      ['{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}', 'FALSE'],
      ['{{and false (index .path.segments 99)}} {{or true (index .path.segments 99)}}', 'false true'],
      [
        '{{or .path.nope "fallback"}} {{or .path.segments "slice is empty"}} {{or .empty "slice is empty"}}',
        'fallback [environments prod azure westeurope-01 payments-api] slice is empty',
      ],
      ['{{and .nope 1}}', '<no value>'],
      ['{{1 | and true}}', '1'],
      ['{{len .path.segments}} {{len .path}} {{len "héllo"}} {{len .empty}}', '5 4 6 0'],
      [
        '{{index .path.segments 1}} {{index .path "segments" 4}} {{index "abc" 1}} {{index .path.segments}}',
        'prod payments-api 98 [environments prod azure westeurope-01 payments-api]',
      ],
      ['{{index .values "team"}} [{{index .values "nope"}}] {{index .labels ""}}', 'Payments [] <no value>'],
      ['{{print "hello, print"}} {{print 1 2 3}} {{print "a" 1 2 "b"}} {{print .nope}}', 'hello, print 1 2 3 a1 2b <nil>'],
      ['{{println 1 2 3}}', '1 2 3\n'],
      ['{{html "<script>alert(\\"XSS\\");</script>"}}', '&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;'],
      ['{{printf "<script>alert(\\"XSS\\");</script>" | html}}', '&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;'],
      ['{{html .nope}} {{html 1 "a"}}', '&lt;no value&gt; 1a'],
      ['{{js "It\'d be nice."}}', "It\\'d be nice."],
      ['{{js "<a href=x>&"}} {{js "tab\\there"}}', '\\u003Ca href\\u003Dx\\u003E\\u0026 tab\\u0009here'],
      ['{{"http://www.example.org/"|urlquery}} {{urlquery "a b&c=é"}}', 'http%3A%2F%2Fwww.example.org%2F a+b%26c%3D%C3%A9'],
      ['{{eq 1 1}} {{eq 1 2 3 1}} {{eq "a" "a"}} {{eq .path.basename "payments-api"}} {{eq true false}}', 'true true true true false'],
      ['{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}} {{lt "B" "a"}}', 'true true true true false true'],
      ['{{eq .replicas 3.0}} {{lt .ratio 2.0}} {{eq .nope .nada}} {{eq .nope "x"}} {{eq 1 1 .path}}', 'true true true false true'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN Go's builtins  WHEN rendered  THEN Go's output
      expect(render(text)).toBe(expected);
    });

    test.each([
      ['{{and}}', 'wrong number of args for and: want at least 1 got 0'],
      ['{{not}}', 'wrong number of args for not: want 1 got 0'],
      ['{{len 3}}', 'error calling len: len of type int'],
      ['{{len .replicas}}', 'error calling len: len of type float64'],
      ['{{len .nothing}}', 'error calling len: len of nil pointer'],
      ['{{len .nope}}', 'error calling len: reflect: call of reflect.Value.Type on zero Value'],
      // Go adds the index (": 10"); the preview leaves values out of its messages.
      ['{{index .path.segments 10}}', 'error calling index: index out of range'],
      ['{{index .path.segments 5}}', 'error calling index: reflect: slice index out of range'],
      ['{{index "abc" 3}}', 'error calling index: reflect: string index out of range'],
      ['{{index .path.segments -1}}', 'error calling index: index out of range'],
      ['{{index .path.segments "hello"}}', 'error calling index: cannot index slice/array with type string'],
      ['{{index .path.segments nil}}', 'error calling index: cannot index slice/array with nil'],
      ['{{index .path nil}}', 'error calling index: value is nil; should be of type string'],
      ['{{index .path 10}}', 'error calling index: value has type int; should be string'],
      ['{{index nil 1}}', 'error calling index: index of untyped nil'],
      ['{{index .mixed 1 0}}', 'error calling index: index of nil pointer'],
      ['{{index .replicas 0}}', "error calling index: can't index item of type float64"],
      ['{{eq 1}}', 'error calling eq: missing argument for comparison'],
      ['{{eq 1 1.0}}', 'error calling eq: incompatible types for comparison: int and float64'],
      ['{{eq .replicas 3}}', 'error calling eq: incompatible types for comparison: float64 and int'],
      ['{{eq "a" 1}}', 'error calling eq: incompatible types for comparison: string and int'],
      ['{{eq "a" .path}}', 'error calling eq: incompatible types for comparison: string and map[string]interface {}'],
      ['{{ne 1 "1"}}', 'error calling ne: incompatible types for comparison: int and string'],
      [
        '{{eq .path.segments .path.segments}}',
        // Go prints the list itself before its type; the preview prints the type only.
        'error calling eq: non-comparable type []string',
      ],
      ['{{eq .path .path.segments}}', 'error calling eq: non-comparable types map[string]interface {}, []string'],
      ['{{lt true false}}', 'error calling lt: invalid type for comparison'],
      ['{{lt .nope 1}}', 'error calling lt: invalid type for comparison'],
      ['{{lt 1 "a"}}', 'error calling lt: incompatible types for comparison: int and string'],
      ['{{ge .ratio 1}}', 'error calling ge: incompatible types for comparison: float64 and int'],
      ['{{gt .path 1}}', 'error calling gt: invalid type for comparison'],
      ['{{call .path.basename}}', 'error calling call: non-function .path.basename of type string'],
      ['{{call .nope}}', 'error calling call: call of nil'],
    ])('fails when %s (%s)', (text, reason) => {
      // GIVEN a builtin call Go fails on  WHEN rendered
      const e = failure(text);
      // THEN CG704 with Go's words
      expect(e.code).toBe('CG704');
      expect(e.message).toContain(reason);
    });

    test('fails when a template calls a Sprig function Argo CD removes, as Argo CD fails to parse it', () => {
      // GIVEN env, expandenv and getHostByName, which Argo CD deletes from Sprig's functions
      for (const name of ['env', 'expandenv', 'getHostByName']) {
        // WHEN a template calls one
        const e = failure(`{{ ${name} "HOME" }}`);
        // THEN Go's parser does not know it
        expect(e.code).toBe('CG703');
        expect(e.message).toContain(`function "${name}" not defined`);
      }
    });

    test("calls Sprig's slice, which Argo CD looks up before Go's builtin slice", () => {
      // GIVEN calls where Sprig v3.3's slice and Go's builtin slice differ
      // WHEN they are rendered
      // THEN Sprig's answers: nil for an empty list (Go's builtin gives []), and Sprig's error
      // for what is not a list or string (Go's builtin says "can't slice item of type int")
      expect(render('{{ slice list }}|{{ slice (list 1 2 3) 1 }}|{{ slice "abc" 1 }}')).toBe('<no value>|[2 3]|bc');
      const e = failure('{{ slice 5 1 }}');
      expect(e.code).toBe('CG704');
      expect(e.message).toContain('error calling slice: list should be type of string, slice or array but int');
    });

    test('fails when call is used: ApplicationSet parameters hold no functions', () => {
      // GIVEN call, which needs a function value
      const e = failure('{{call .path.basename 1}}');
      // THEN the fix says why it never works in Argo CD
      expect(e.problems[0]!.fix).toContain('ApplicationSet parameters hold no functions');
    });
  });

  describe('printf', () => {
    test.each([
      ['{{printf "%04x" 127}}', '007f'],
      ['{{printf "%g" 3.5}}', '3.5'],
      ['{{printf "%s" "hello"}}', 'hello'],
      ['{{with 17}}{{printf "%d" .}}{{end}} {{with $x := 17}}{{printf "%d" $x}}{{end}}', '17 17'],
      ['{{printf "%5s|%-5s|%.2s|%5.1s|" "ab" "ab" "abc" "xyz"}}', '   ab|ab   |ab|    x|'],
      [
        '{{printf "%05d|%+d|% d|%x|%X|%o|%O|%b|%#x|%#o|%#b|%-4d|" 42 42 42 255 255 8 8 5 255 8 5 7}}',
        '00042|+42| 42|ff|FF|10|0o10|101|0xff|010|0b101|7   |',
      ],
      ['{{printf "%d|%5d|%-5d|%05d|%.3d|%+.3d|%x" -42 -42 -42 -42 7 7 -255}}', '-42|  -42|-42  |-0042|007|+007|-ff'],
      ['{{printf "%c|%q|%U|%#U|%c" 65 65 233 233 0x1F600}}', "A|'A'|U+00E9|U+00E9 'é'|😀"],
      [
        '{{printf "%.2f|%e|%E|%g|%.3g|%8.3f|%-8.2f|%G" 3.14159 1234.5678 0.000012 100000000.0 3.14159 3.14159 2.5 1e-7}}',
        '3.14|1.234568e+03|1.200000E-05|1e+08|3.14|   3.142|2.50    |1E-07',
      ],
      ['{{printf "%.0f %.0f %.0f %.1f %.1f %.2f" 0.5 1.5 2.5 0.25 0.35 1.005}}', '0 2 2 0.2 0.3 1.00'],
      ['{{printf "%6.2f|%06.2f|%+.1f|% .1f|%+.1e" -1.5 -1.5 1.5 1.5 12345.678}}', ' -1.50|-01.50|+1.5| 1.5|+1.2e+04'],
      ['{{printf "%v %v %v %v %v" 1e6 123456.0 0.0001 1e-5 .ratio}}', '1e+06 123456 0.0001 1e-05 1.5'],
      ['{{printf "%.3v|%10.4v|%f" 3.14159 3.14159 .replicas}}', '3.14|     3.142|3.000000'],
      ['{{printf "%t %v %5t" true false true}}', 'true false  true'],
      ['{{printf "%x %X % x %#x %q %+q %#q" "hi" "hi" "hi" "hi" "hi" "é" "a`b"}}', '6869 6869 68 69 0x6869 "hi" "\\u00e9" "a`b"'],
      ['{{printf "%#q" "hi"}}', '`hi`'],
      [
        '{{printf "%T %T %T %T %T %T" "a" true .path .values .replicas .volumes}}',
        'string bool map[string]interface {} map[string]string float64 []interface {}',
      ],
      ['{{printf "%d" "a"}}', '%!d(string=a)'],
      [
        '{{printf "%s" 1}}|{{printf "%t" 1}}|{{printf "%d" true}}|{{printf "%d" 1.5}}',
        '%!s(int=1)|%!t(int=1)|%!d(bool=true)|%!d(float64=1.5)',
      ],
      ['{{printf "%d" .nope}}|{{printf "%v" .nope}}|{{printf "%s" nil}}', '%!d(<nil>)|<nil>|%!s(<nil>)'],
      ['{{printf "%d" (list "a" 1)}}', '[%!d(string=a) 1]'],
      ['{{printf "%s" .labels}}', 'map[B:upper _:underscore a:1 b:2]'],
      [
        '{{printf "%"}}|{{printf "%-"}}|{{printf "%d %d" 1}}|{{printf "%d" 1 "x"}}',
        '%!(NOVERB)|%!(NOVERB)|1 %!d(MISSING)|1%!(EXTRA string=x)',
      ],
      ['{{printf "%*d|%-*d|%.*f" 5 42 4 7 2 3.14159}}', '   42|7   |3.14'],
      ['{{printf "%*d" "x" 42}}', '%!(BADWIDTH)42'],
      ['{{printf "%z" 1}}', '%!z(int=1)'],
      ['{{printf "%5.1f%%" 99.44}}', ' 99.4%'],
      ['{{html "a\\x00b"}}', 'a\ufffdb'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN fmt verbs, flags, widths and precisions  WHEN rendered  THEN Go's fmt output
      expect(render(text)).toBe(expected);
    });
  });

  describe('define, template and block', () => {
    test.each([
      ['{{define "T1"}}ONE{{end}}{{define "T2"}}TWO{{end}}{{template "T1"}}-{{template "T2"}}', 'ONE-TWO'],
      ['{{define "name"}}{{.basename}}{{end}}{{template "name" .path}}', 'payments-api'],
      ['{{define "t"}}[{{$}}]{{end}}{{template "t" "x"}}', '[x]'],
      ['{{define "t"}}[{{.}}]{{end}}{{template "t"}}', '[<no value>]'],
      ['{{block "b" .path}}[{{.basename}}]{{end}}', '[payments-api]'],
      ['{{template "b" .path}}{{block "b" .path}}[{{.basename}}]{{end}}', '[payments-api][payments-api]'],
      [
        '{{define "list"}}{{range .}}<{{.}}>{{end}}{{end}}{{template "list" .path.segments}}',
        '<environments><prod><azure><westeurope-01><payments-api>',
      ],
      ['{{define "a"}}A{{template "b"}}{{end}}{{define "b"}}B{{end}}{{template "a"}}', 'AB'],
      ['{{define "x"}}{{end}}after', 'after'],
      ['{{define "a"}}  {{end}}{{define "a"}}real{{end}}{{template "a"}}', 'real'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN the template's own associated templates  WHEN rendered  THEN Go's output
      expect(render(text)).toBe(expected);
    });

    test.each([
      ['{{define "a"}}x{{end}}{{define "a"}}y{{end}}', 'template: multiple definition of template "a"'],
      ['{{define "b"}}X{{end}}{{block "b" .}}Y{{end}}', 'template: multiple definition of template "b"'],
      ['{{$x := 1}}{{define "t"}}{{$x}}{{end}}', 'undefined variable "$x"'],
      ['{{if true}}{{define "x"}}{{end}}{{end}}', 'unexpected <define> in command'],
      ['{{define .x}}{{end}}', 'unexpected ".x" in define clause'],
      ['{{define "x" 1}}{{end}}', 'unexpected "1" in define clause'],
      ['{{define "x"}}a{{else}}b{{end}}', 'unexpected {{else}} in define clause'],
      ['{{template .x}}', 'unexpected ".x" in template clause'],
      ['{{block "b"}}{{end}}', 'missing value for block clause'],
    ])('fails when %s does not parse (%s)', (text, reason) => {
      // GIVEN definitions Go's parser rejects  WHEN parsed
      const e = failure(text);
      // THEN CG703 with Go's reason
      expect(e.code).toBe('CG703');
      expect(e.message).toContain(reason);
    });

    test('fails when a template is not defined', () => {
      // GIVEN a call of a template the text does not define
      const e = failure('{{template "nope"}}');
      // THEN Go's execution error
      expect(e.code).toBe('CG704');
      expect(e.message).toContain('template "nope" not defined');
    });
  });

  describe('parse errors', () => {
    test.each([
      ['{{end}}', 'unexpected {{end}}'],
      ['{{else}}', 'unexpected {{else}}'],
      ['{{if true}}x', 'unexpected EOF'],
      ['{{if}}{{end}}', 'missing value for if'],
      ['{{range}}{{end}}', 'missing value for range'],
      ['{{with}}{{end}}', 'missing value for with'],
      ['{{if true}}a{{else}}b{{else}}c{{end}}', 'expected end; found {{else}}'],
      ['{{range .x}}a{{else if .y}}b{{end}}', 'unexpected <if> in input'],
      ['{{with .x}}a{{else if .y}}b{{end}}', 'unexpected <if> in input'],
      ['{{range $a, $b, $c := .x}}{{end}}', 'too many declarations in range'],
      ['{{$a, $b := 1}}', 'too many declarations in command'],
      ['{{range $a, 1}}{{end}}', 'range can only initialize variables'],
      ['{{break}}', '{{break}} outside {{range}}'],
      ['{{continue}}', '{{continue}} outside {{range}}'],
      ['{{if true}}{{break}}{{end}}', '{{break}} outside {{range}}'],
      ['{{range .x}}{{break 1}}{{end}}', 'unexpected "1" in {{break}}'],
      ['{{end 1}}', 'unexpected "1" in end'],
      ['{{else 1}}', 'unexpected "1" in else'],
      ['{{/* c */ }}', 'comment ends before closing delimiter'],
      ['{{ /* c */ }}', 'unexpected "/" in command'],
      ['{{.x "verylongstringvalue"}}{{', 'unclosed action'],
      ['{{ print `a` "b }}', 'unterminated quoted string'],
      ['{{ (1 }}', 'unclosed left paren'],
      ['{{ .a@ }}', "bad character U+0040 '@'"],
      ['{{ "\\q" }}', 'invalid syntax'],
      ['{{ if true }}{{ "verylongstringvalue" + }}{{end}}', 'illegal number syntax: "+"'],
      ['{{ if true }}{{ "verylongstringvalue" ) }}{{end}}', 'unexpected right paren'],
      ['{{.X}\n\n}}', "bad character U+007D '}'"],
    ])('fails when %j does not parse (%s)', (text, reason) => {
      // GIVEN a template Go's parser rejects  WHEN parsed
      const e = failure(text);
      // THEN CG703 with Go's reason
      expect(e.code).toBe('CG703');
      expect(e.message).toContain(reason);
    });
  });

  describe('white space and comments', () => {
    test.each([
      ['{{- /* comment */ -}}', ''],
      ['a {{- /* comment */ -}} b', 'ab'],
      ['a {{/* multi\nline */}} b', 'a  b'],
      ['{{range .path.segments -}}\n  {{ . }}\n{{- end }}', 'environmentsprodazurewesteurope-01payments-api'],
      ['{{ if true -}}\n\t yes \n\t{{- end }}', 'yes'],
      ['x {{- 3 }} {{- 4 -}} y', 'x34y'],
      ['{{ 1 }}\n{{- 2 }}', '12'],
      ['{{$x := 1 -}} {{$x}}', '1'],
      ['{{ print\n  "split"\n  "lines" }}', 'splitlines'],
      ['a {{ "x" | }}', 'a x'],
    ])('%j renders %j', (text, expected) => {
      // GIVEN trim markers and comments  WHEN rendered  THEN the white space Go keeps
      expect(render(text)).toBe(expected);
    });
  });

  describe('missingkey', () => {
    test('default and invalid print <no value>; zero prints <no value> for interface {} maps and "" for string maps', () => {
      // GIVEN keys the parameters do not have (Argo CD's parameters are map[string]interface {})
      // WHEN rendered with each option
      // THEN Go's output: the zero of interface {} is nil, which prints <no value>
      for (const option of ['default', 'invalid', 'zero'] as const) {
        expect(render('[{{ .nope }}]', option)).toBe('[<no value>]');
        expect(render('[{{ .path.nope }}]', option)).toBe('[<no value>]');
      }
      expect(render('[{{ .values.nope }}]', 'zero')).toBe('[]');
      expect(render('[{{ .values.nope }}]', 'default')).toBe('[<no value>]');
      expect(render('{{ .nope.deeper }}', 'default')).toBe('<no value>');
      expect(render('{{ if .nope }}y{{ else }}n{{ end }}', 'zero')).toBe('n');
    });

    test('fails when a field is read below a missing key with missingkey=zero, as Go does', () => {
      // GIVEN a field below a missing key: with zero it is a nil interface
      const e = failure('{{ .nope.deeper }}', 'zero');
      // THEN Go's error (the missingkey option does not apply to a nil interface)
      expect(e.code).toBe('CG704');
      expect(e.message).toContain('nil pointer evaluating interface {}.deeper');
      expect(failure('{{ .nothing.x }}').message).toContain('nil pointer evaluating interface {}.x');
    });

    test('fails with missingkey=error on a missing key and on a field of no value', () => {
      // GIVEN Argo CD's utils_test case and a field of a value that is not there
      // THEN Go's errors
      expect(failure('--> {{.doesnotexist}} <--', 'error').message).toContain('<.doesnotexist>: map has no entry for key "doesnotexist"');
      const e = failure('{{ (index .path "nope").x }}', 'error');
      expect(e.code).toBe('CG702');
      expect(e.message).toContain('nil data; no entry for key "x"');
    });
  });

  describe("Sprig's int64 results in Go's language", () => {
    // Sprig's integer functions (add, sub, mul, int64, …) return int64; Go's builtins treat
    // every integer type alike, while a function's int parameter refuses an int64.
    test.each([
      // eq, ne, lt, le, gt, ge compare int and int64 as integers (Go's basicKind)
      ['{{ eq (add 1 1) 2 }} {{ eq 2 (add 1 1) 3 }} {{ ne (add 1 1) 2 }}', 'true true false'],
      ['{{ lt (add 1 1) 3 }} {{ le 2 (int64 2) }} {{ gt (int64 3) 2 }} {{ ge (int64 1) 2 }}', 'true true true false'],
      // range over an int64 counts from 0; an empty count runs else
      ['{{ range $i := add 1 2 }}{{ $i }}{{ end }}|{{ range sub 1 1 }}x{{ else }}none{{ end }}', '012|none'],
      // index takes an int64 index into a list or a string
      ['{{ (index .volumes (add 0 1)).name }} {{ index "abc" (int64 1) }}', 'volume-two 98'],
      // truth, and, not, with
      [
        '{{ if sub 2 2 }}t{{ else }}f{{ end }} {{ not (sub 2 2) }} {{ and (add 1 0) "x" }} {{ with add 1 1 }}{{ . }}{{ end }}',
        'f true x 2',
      ],
      // fmt: every integer verb, %T, a bad verb naming int64, a * width, Sprint's spacing
      [
        '{{ $n := int64 255 }}{{ printf "%d|%5d|%x|%X|%o|%b|%c|%q|%U|%v|%s|%T" $n $n $n $n $n $n $n $n $n $n $n $n }}',
        "255|  255|ff|FF|377|11111111|ÿ|'ÿ'|U+00FF|255|%!s(int64=255)|int64",
      ],
      ['{{ printf "%*d" (add 4 0) 7 }}|{{ print (add 1 1) (add 2 2) }}|{{ add 1 1 }}', '   7|2 4|2'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN a template using int64 results  WHEN it is rendered  THEN Go's output
      expect(render(text)).toBe(expected);
    });

    test.each([
      ['{{ eq (add 1 1) 2.0 }}', 'error calling eq: incompatible types for comparison: int64 and float64'],
      ['{{ lt (add 1 1) "a" }}', 'error calling lt: incompatible types for comparison: int64 and string'],
      ['{{ range $i, $e := add 1 2 }}{{ end }}', "can't use an integer to iterate over more than one variable"],
      ['{{ len (add 1 1) }}', 'error calling len: len of type int64'],
      ['{{ (add 1 2).x }}', "can't evaluate field x in type int64"],
      ['{{ trunc (add 1 2) "abcdef" }}', 'wrong type for value; expected int; got int64 (argument of trunc)'],
    ])('%s fails as in Go', (text, reason) => {
      // GIVEN an int64 where Go refuses it  WHEN it is rendered  THEN Go's error
      const e = failure(text);
      expect(e.code).toBe('CG704');
      expect(e.message).toContain(reason);
    });
  });

  describe("typed parameters of Sprig's functions", () => {
    // Go checks each argument against the function's parameter type before the call: a bool,
    // a map[string]interface {}, a uint32 or a float64 parameter takes only that type, a literal
    // only of that kind, and a map parameter takes nil or a missing value as a nil map.
    test.each([
      ['{{ hasKey .nope "x" }} {{ hasKey nil "x" }} {{ hasKey .labels "a" }}', 'false false true'],
      ['{{ get .nope "x" }}|{{ unset .nope "a" | toJson }}|{{ pick .nope "a" | toJson }}', '|null|{}'],
      ['{{ ternary "yes" "no" true }} {{ ternary "yes" "no" (eq 1 2) }}', 'yes no'],
      ['{{ round 2.345 2 0.5 }} {{ round 2.5 0 1 }}', '2.35 2'],
    ])('%s renders %j', (text, expected) => {
      // GIVEN arguments of the parameters' types  WHEN rendered  THEN Sprig's results in Go
      expect(render(text)).toBe(expected);
    });

    test.each([
      ['{{ set .nope "a" 1 }}', 'error calling set: assignment to entry in nil map'],
      ['{{ hasKey .path.segments "x" }}', 'wrong type for value; expected map[string]interface {}; got []string'],
      ['{{ hasKey .nothing "x" }}', 'wrong type for value; expected map[string]interface {}; got interface {}'],
      ['{{ dict "a" 1 | hasKey "a" }}', '<"a">: can\'t handle "a" for arg of type map[string]interface {}'],
      ['{{ ternary "yes" "no" "true" }}', '<"true">: expected bool; found "true"'],
      ['{{ ternary "yes" "no" .nope }}', 'invalid value; expected bool'],
      ['{{ round 2.5 0 (len "a") }}', 'wrong type for value; expected float64; got int'],
      ['{{ derivePassword -1 "long" "password" "user" "example.com" }}', '<-1>: expected unsigned integer; found -1'],
      ['{{ derivePassword (len "a") "long" "password" "user" "example.com" }}', 'wrong type for value; expected uint32; got int'],
    ])('%s fails as in Go', (text, reason) => {
      // GIVEN an argument Go does not pass to the parameter  WHEN rendered  THEN Go's error
      const e = failure(text);
      expect(e.code).toBe('CG704');
      expect(e.message).toContain(reason);
    });
  });

  describe("Go's builtins over a string cut inside a character", () => {
    test('see its bytes as Go does, and the output writes the broken byte as U+FFFD', () => {
      // GIVEN "sé" cut after its third byte: "s" and the first byte of "é" (0xc3)
      const cut = '(trunc 2 "sé")';
      // WHEN Go's builtins and fmt work on it
      const out = render(
        `{{ printf "%x" ${cut} }}|{{ urlquery ${cut} }}|{{ js ${cut} }}|{{ html ${cut} }}|{{ printf "%q %#q" ${cut} ${cut} }}|{{ len ${cut} }}`,
      );
      // THEN Go's results: the byte in hex, percent-escaped, kept by js and html (U+FFFD once
      // Argo CD writes the Application), quoted as \xc3 (never in backquotes), 2 bytes long
      expect(out).toBe('73c3|s%C3|s\ufffd|s\ufffd|"s\\xc3" "s\\xc3"|2');
    });

    test('a byte escape above 0x7f in a string literal is that byte, as strconv.Unquote reads it', () => {
      // GIVEN literals with \x and octal byte escapes
      // WHEN they are rendered
      const out = render(
        '{{ eq (trunc 2 "sé") "s\\xc3" }}|{{ len "\\xc3" }}|{{ "\\xc3\\xa9" }}|{{ "\\303\\251" }}|{{ "\\xff" | b64enc }}|{{ printf "%q" "\\xff" }}|{{ lt "\\xc3" "é" }} {{ lt "é" "\\xc4" }}',
      );
      // THEN bytes: equal to the cut string, one byte long, "é" when they spell it, base64 of
      // 0xff, and ordered by bytes among characters
      expect(out).toBe('true|1|é|é|/w==|"\\xff"|true true');
    });
  });
});
