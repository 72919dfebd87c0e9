import { GitOpsError } from '../../src/core/errors';
import { GoTemplate, parseGoTemplateOptions, renderGoTemplate } from '../../src/preview/go-template';
import { markStringMap, TemplateMap } from '../../src/preview/template-values';

const PARAMS: TemplateMap = {
  path: {
    path: 'environments/prod/azure/westeurope-01/payments-api',
    basename: 'payments-api',
    basenameNormalized: 'payments-api',
    segments: ['environments', 'prod', 'azure', 'westeurope-01', 'payments-api'],
  },
  values: markStringMap({ team: 'Payments' }),
};

const render = (text: string, missingKey?: 'default' | 'error') =>
  renderGoTemplate(text, PARAMS, missingKey === undefined ? {} : { missingKey });

function failure(text: string, missingKey?: 'default' | 'error'): GitOpsError {
  try {
    render(text, missingKey);
  } catch (e) {
    expect(e).toBeInstanceOf(GitOpsError);
    return e as GitOpsError;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('GoTemplate', () => {
  describe('the seed ApplicationSet expressions', () => {
    test('index, printf with sub-pipelines and plain fields render as Go does', () => {
      // GIVEN the templates of the seed's ApplicationSet
      // WHEN they are rendered for prod/azure/westeurope-01/payments-api
      // THEN each renders what Argo CD renders
      expect(
        render('{{ index .path.segments 4 }}-{{ index .path.segments 1 }}-{{ index .path.segments 2 }}-{{ index .path.segments 3 }}'),
      ).toBe('payments-api-prod-azure-westeurope-01');
      expect(render('{{ printf "%s-%s" (index .path.segments 2) (index .path.segments 3) }}')).toBe('azure-westeurope-01');
      expect(render('https://git.xxxcompany.com/apps/{{ index .path.segments 4 }}.git')).toBe(
        'https://git.xxxcompany.com/apps/payments-api.git',
      );
      expect(render('$values/{{ .path.path }}/values.yaml')).toBe('$values/environments/prod/azure/westeurope-01/payments-api/values.yaml');
    });
  });

  describe('syntax', () => {
    test('pipelines pass the previous value as the last argument', () => {
      // GIVEN pipelines of functions
      // WHEN they are rendered
      // THEN each stage receives the previous result last
      expect(render('{{ .path.basename | upper }}')).toBe('PAYMENTS-API');
      expect(render('{{ .path.basename | replace "-" "_" | upper }}')).toBe('PAYMENTS_API');
      expect(render('{{ .path.segments | join "/" }}')).toBe('environments/prod/azure/westeurope-01/payments-api');
      expect(render('{{ index .path.segments 1 | printf "env-%s" }}')).toBe('env-prod');
    });

    test('trim markers remove the white space next to them, comments render nothing', () => {
      // GIVEN actions with trim markers and comments
      // WHEN they are rendered
      // THEN white space next to "{{- " and " -}}" is removed
      expect(render('a \n {{- .path.basename -}} \n b')).toBe('apayments-apib');
      expect(render('a {{/* note */}} b')).toBe('a  b');
      expect(render('a {{- /* note */ -}} b')).toBe('ab');
      expect(render('{{-3}}')).toBe('-3');
    });

    test('literals, $, dot and parentheses evaluate as in Go', () => {
      // GIVEN literals and root references
      // WHEN they are rendered
      // THEN strings, raw strings, integers and booleans print as Go prints them
      expect(render('{{ "a\\tb" }}|{{ `raw\\n` }}|{{ 42 }}|{{ -7 }}|{{ true }}')).toBe('a\tb|raw\\n|42|-7|true');
      expect(render('{{ $.path.basename }}')).toBe('payments-api');
      expect(render('{{ (index .path.segments 1) }}')).toBe('prod');
      expect(render('{{ .path.segments }}')).toBe('[environments prod azure westeurope-01 payments-api]');
      expect(render('{{ .values }}')).toBe('map[team:Payments]');
    });

    test('a string without actions is returned as is', () => {
      // GIVEN text with no "{{"
      // WHEN it is parsed
      const t = GoTemplate.parse('deploy/chart }}');
      // THEN it is constant and renders unchanged
      expect(t.isConstant).toBe(true);
      expect(t.execute(PARAMS)).toBe('deploy/chart }}');
    });
  });

  describe('functions', () => {
    test('Sprig string functions behave as Sprig does', () => {
      // GIVEN the supported Sprig string functions
      // WHEN they are applied
      // THEN the results are Sprig's
      expect(render('{{ lower "AbC" }} {{ upper "abc" }} {{ trim "  x  " }} {{ trimAll "-" "--x--" }}')).toBe('abc ABC x x');
      expect(render('{{ trimPrefix "payments-" .path.basename }} {{ trimSuffix "-api" .path.basename }}')).toBe('api payments');
      expect(render('{{ trunc 3 .path.basename }} {{ trunc -3 .path.basename }} {{ trunc 99 "ab" }}')).toBe('pay api ab');
      expect(render('{{ substr 0 3 .path.basename }} {{ repeat 2 "ab" }} {{ nospace "a b\tc" }}')).toBe('pay abab abc');
      expect(render('{{ contains "api" .path.basename }} {{ hasPrefix "pay" .path.basename }} {{ hasSuffix "x" "y" }}')).toBe(
        'true true false',
      );
      expect(render('{{ quote .path.basename }} {{ squote "x" }} {{ cat "a" 1 "b" }}')).toBe('"payments-api" \'x\' a 1 b');
      expect(render('{{ replace "" "-" "ab" }} {{ splitList "-" .path.basename }}')).toBe('-a-b- [payments api]');
    });

    test('default, lists, paths and normalize behave as Sprig and Argo CD do', () => {
      // GIVEN the supported default, list, path and Argo CD functions
      // WHEN they are applied
      // THEN the results are theirs
      expect(render('{{ .missing | default "fallback" }} {{ default "x" "given" }} {{ default "x" "" }}')).toBe('fallback given x');
      expect(render('{{ list "a" 1 }} {{ first .path.segments }} {{ last .path.segments }} {{ len .path.segments }}')).toBe(
        '[a 1] environments payments-api 5',
      );
      expect(render('{{ base .path.path }} {{ dir .path.path }} {{ ext "values.yaml" }} {{ clean "a//b/../c" }}')).toBe(
        'payments-api environments/prod/azure/westeurope-01 .yaml a/c',
      );
      expect(render('{{ normalize "My_Service" }} {{ toString 5 }}')).toBe('my-service 5');
    });

    test('printf and print format as Go fmt does, reporting bad verbs in the output', () => {
      // GIVEN printf calls with matching, missing, extra and mistyped arguments
      // WHEN they are rendered
      // THEN the output is Go's, including its in-band error reports
      expect(render('{{ printf "%s/%v/%d/%q/%%" "a" "b" 3 "c" }}')).toBe('a/b/3/"c"/%');
      expect(render('{{ printf "%s-%s" "a" }}')).toBe('a-%!s(MISSING)');
      expect(render('{{ printf "%s" "a" "b" }}')).toBe('a%!(EXTRA string=b)');
      expect(render('{{ printf "%d" "a" }}')).toBe('%!d(string=a)');
      expect(render('{{ printf "%s" .path.segments }}')).toBe('[environments prod azure westeurope-01 payments-api]');
      expect(render('{{ print 1 2 "a" "b" 3 }}')).toBe('1 2ab3');
    });

    test('index of a missing key of a string map is "", of any other map <no value>', () => {
      // GIVEN the generator values (a Go map[string]string) and the path map
      // WHEN a missing key is indexed
      // THEN the zero value of each map's element type is printed
      expect(render('[{{ index .values "nope" }}]')).toBe('[]');
      expect(render('[{{ index .path "nope" }}]')).toBe('[<no value>]');
      expect(render('{{ index .values "team" }}')).toBe('Payments');
    });
  });

  describe('missing keys', () => {
    test('render <no value> by default', () => {
      // GIVEN templates referencing keys the parameters do not have
      // WHEN they are rendered with the default missingkey option
      // THEN Go's <no value> is printed
      expect(render('{{ .path.nope }}')).toBe('<no value>');
      expect(render('{{ .nope.deeper }}')).toBe('<no value>');
    });

    test('fails when a key is missing and missingkey=error, naming the key and the keys there are', () => {
      // GIVEN a template with a misspelt key
      // WHEN it is rendered with missingkey=error
      const e = failure('{{ .path.basenam }}', 'error');
      // THEN the error names the key, the expression and the existing keys
      expect(e.code).toBe('CG702');
      expect(e.message).toContain(
        'Template "{{ .path.basenam }}" references a missing key: <.path.basenam>: map has no entry for key "basenam"',
      );
      expect(e.message).toContain('the keys of .path are: basename, basenameNormalized, path, segments');
    });

    test('fails when a parent key is missing and missingkey=error', () => {
      // GIVEN a template below a missing map
      // WHEN it is rendered with missingkey=error
      const e = failure('{{ .cluster.name }}', 'error');
      // THEN the first missing key is named
      expect(e.code).toBe('CG702');
      expect(e.message).toContain('map has no entry for key "cluster"');
    });
  });

  describe('evaluation errors', () => {
    test('fails when index is out of range, as Go does', () => {
      // GIVEN an index past the last segment
      // WHEN it is rendered
      const e = failure('{{ index .path.segments 5 }}');
      // THEN the error names the expression and the index
      expect(e.code).toBe('CG704');
      expect(e.message).toContain('fails at <index .path.segments 5>: error calling index: reflect: slice index out of range');
      expect(failure('{{ index .path.segments 6 }}').message).toContain('error calling index: index out of range');
    });

    test('fails when a function gets the wrong number or type of arguments', () => {
      // GIVEN calls Go would refuse
      // WHEN they are rendered
      // THEN each fails with Go's reason
      expect(failure('{{ upper }}').message).toContain('wrong number of args for upper: want 1 got 0');
      expect(failure('{{ upper .path.segments }}').message).toContain('wrong type for value; expected string; got []string');
      expect(failure('{{ trunc "3" .path.basename }}').message).toContain('expected integer; found "3"');
      expect(failure('{{ lower .nope }}').message).toContain('invalid value; expected string');
    });

    test('fails when a field is read from a string or given arguments', () => {
      // GIVEN field access Go cannot evaluate
      // WHEN it is rendered
      // THEN it fails with Go's reason
      // Argo CD: "can't evaluate field test in type interface {}" for {{.data.test}} on a string
      expect(failure('{{ .path.path.deeper }}').message).toContain("can't evaluate field deeper in type interface {}");
      expect(failure('{{ .values.team.deeper }}').message).toContain("can't evaluate field deeper in type string");
      expect(failure('{{ .path.basename "x" }}').message).toContain('basename is not a method but has arguments');
      expect(failure('{{ "a" "b" }}').message).toContain('can\'t give argument to non-function "a"');
    });
  });

  describe('unsupported constructs', () => {
    test.each([
      ['{{ now }}', 'the function now (its result depends on the time Argo CD renders the template)'],
      ['{{ uuidv4 }}', 'the function uuidv4 (its result is random)'],
      ['{{ 1i }}', 'the imaginary number 1i'],
      ['{{ 1+2i }}', 'the complex number 1+2i'],
      ['{{ 9007199254740993 }}', 'the integer 9007199254740993 (beyond 2^53'],
      ['{{ printf "%[1]d" 1 }}', 'printf argument indexes'],
      ['{{ printf "%#v" .path }}', 'printf %#v (Go syntax)'],
      ['{{ printf "%x" 1.5 }}', 'printf %x of a float'],
      ['{{ printf "%05s" "a" }}', 'printf zero padding of a string'],
      ['{{ printf "%05t" true }}', 'printf zero padding of a bool'],
      ['{{ printf "%T" .path.segments }}', 'printf %T of a list of strings'],
      ['{{ define "r" }}{{ template "r" }}{{ end }}{{ template "r" }}', 'templates nested more than 200 deep'],
    ])('fails when the template %j uses %s', (text, construct) => {
      // GIVEN a construct the preview does not evaluate
      // WHEN the template is rendered
      const e = failure(text);
      // THEN it fails with CG701, naming the construct and never guessing a result
      expect(e.code).toBe('CG701');
      expect(e.message).toContain(`uses ${construct}`);
      expect(e.message).toContain('which the offline preview does not evaluate');
      expect(e.problems[0]!.fix).not.toBe('');
    });
  });

  test('fails with CG701 when parentheses nest deeper than the preview evaluates', () => {
    // GIVEN a hundred thousand nested parentheses (Go parses them)
    const text = `{{ ${'('.repeat(100000)}1${')'.repeat(100000)} }}`;
    // WHEN it is parsed
    const e = failure(text);
    // THEN the preview says it does not evaluate it, rather than crash
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('nests deeper than the offline preview evaluates');
  });

  describe('syntax errors', () => {
    test.each([
      ['{{ .path.path ', 'unclosed action'],
      ['{{ }}', 'missing value for command'],
      ['{{ (index .path.segments 1 }}', 'unclosed left paren'],
      ['{{ .path.path) }}', 'unexpected right paren'],
      ['{{ "abc }}', 'unterminated quoted string'],
      ['{{ .path | "x" }}', 'non executable command in pipeline stage 2'],
      ['{{ .path-x }}', "bad character U+002D '-'"],
      ['{{ "a".b }}', 'unexpected . after term'],
      ['{{ "a"."b" }}', 'bad character'],
      ['{{/* never closed }}', 'unclosed comment'],
      ['{{ noSuchFunction .path.path }}', 'function "noSuchFunction" not defined'],
    ])('fails when the template %j has a syntax error (%s)', (text, reason) => {
      // GIVEN a template Go cannot parse
      // WHEN it is parsed
      const e = failure(text);
      // THEN it fails with CG703 and Go's reason
      expect(e.code).toBe('CG703');
      expect(e.message).toContain(reason);
    });
  });

  describe('parseGoTemplateOptions', () => {
    test('reads missingkey as Go does, the last option winning', () => {
      // GIVEN ApplicationSet goTemplateOptions
      // WHEN they are read
      // THEN the last missingkey applies
      expect(parseGoTemplateOptions(['missingkey=error'])).toEqual({ missingKey: 'error' });
      expect(parseGoTemplateOptions(['missingkey=error', 'missingkey=default'])).toEqual({ missingKey: 'default' });
      expect(parseGoTemplateOptions([])).toEqual({ missingKey: 'default' });
    });

    test('reads missingkey=zero and missingkey=invalid', () => {
      // GIVEN the other values Go's Template.Option knows
      // WHEN they are read
      // THEN they are kept
      expect(parseGoTemplateOptions(['missingkey=zero'])).toEqual({ missingKey: 'zero' });
      expect(parseGoTemplateOptions(['missingkey=invalid'])).toEqual({ missingKey: 'invalid' });
    });

    test("fails when the option is unknown, with the words of Go's panic", () => {
      // GIVEN options Go does not know (Template.Option panics on them)
      // WHEN they are read
      // THEN they fail with CG708
      expect(() => parseGoTemplateOptions(['strict'])).toThrow(
        /CG708 Go template option "strict" is not recognised \(Go panics: unrecognized option: strict\)/,
      );
      expect(() => parseGoTemplateOptions(['missingkey=bogus'])).toThrow(/unrecognized option: missingkey=bogus/);
      expect(() => parseGoTemplateOptions([''])).toThrow(/Go panics: empty option string/);
    });
  });
});
