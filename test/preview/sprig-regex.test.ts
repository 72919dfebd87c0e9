import { failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 (Go's regexp, RE2 syntax, through Sprig v3.3)
// renders; the cases come from Go's regexp examples and Sprig's documentation.

describe('Sprig regular expressions', () => {
  test('regexReplaceAll expands $1, ${1} and ${name}, and $1W names the group "1W"', () => {
    // GIVEN Go's ReplaceAllString example
    // WHEN it is rendered
    // THEN "$1W" refers to a group named 1W (so nothing), "${1}W" to group 1 then "W"
    expect(render('{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "T" }}')).toBe('-T-T-');
    expect(render('{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1" }}')).toBe('--xx-');
    expect(render('{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}')).toBe('---');
    expect(render('{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}')).toBe('-W-xxW-');
    expect(render('{{ regexReplaceAll "a(?P<1W>x*)b" "-ab-axxb-" "$1W" }}')).toBe('--xx-');
    expect(render('{{ regexReplaceAll "a(?P<1W>x*)b" "-ab-axxb-" "${1}W" }}')).toBe('-W-xxW-');
    expect(render('{{ regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "Ada Lovelace" "${last}, ${first}" }}')).toBe('Lovelace, Ada');
    expect(render('{{ regexReplaceAll "a" "aaa" "$$" }}')).toBe('$$$');
  });

  test('regexReplaceAll on a branch name, as ApplicationSets use it', () => {
    // GIVEN a branch with characters a DNS name may not hold
    // WHEN they are replaced
    // THEN every run of them becomes one dash
    expect(render('{{ regexReplaceAll "[^a-z0-9]+" (lower "Feature/JIRA-123_new") "-" }}')).toBe('feature-jira-123-new');
  });

  test("regexReplaceAllLiteral keeps $ as text; empty matches follow Go's rule", () => {
    // GIVEN Go's examples
    // WHEN they are rendered
    // THEN the replacement is literal, and an empty match right after a match is not replaced
    expect(render('{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}')).toBe('-${1}-${1}-');
    expect(render('{{ regexReplaceAll "a*" "baaac" "X" }}')).toBe('XbXcX');
    expect(render('{{ regexReplaceAll "x*" "abc" "-" }}')).toBe('-a-b-c-');
  });

  test('regexMatch, regexFind and regexFindAll', () => {
    // GIVEN Sprig's and Go's examples
    // WHEN they are rendered
    // THEN each result is Go's
    expect(render('{{ regexMatch "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\\\.[A-Za-z]{2,}$" "test@acme.com" }}')).toBe('true');
    expect(render('{{ regexFind "[a-zA-Z][1-9]" "abcd1234" }}')).toBe('d1');
    expect(render('{{ regexFindAll "[2,4,6,8]" "123456789" -1 }}')).toBe('[2 4 6 8]');
    expect(render('{{ regexFindAll "a." "paranormal" -1 }} {{ regexFindAll "a." "paranormal" 2 }} {{ regexFindAll "a." "none" -1 }}')).toBe(
      '[ar an al] [ar an] []',
    );
  });

  test('regexSplit and regexQuoteMeta', () => {
    // GIVEN Go's Split and QuoteMeta examples
    // WHEN they are rendered
    // THEN each result is Go's
    expect(render('{{ regexSplit "a" "banana" -1 }}|{{ regexSplit "a" "banana" 0 }}|{{ regexSplit "a" "banana" 2 }}')).toBe(
      '[b n n ]|[]|[b nana]',
    );
    expect(render('{{ regexSplit "z+" "pizza" -1 }} {{ regexSplit "a*" "abaabaccadaaae" 5 }}')).toBe('[pi a] [ b b c cadaaae]');
    expect(render('{{ regexQuoteMeta "Escaping symbols like: .+*?()|[]{}^$" }}')).toBe(
      'Escaping symbols like: \\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$',
    );
  });

  test('RE2 forms with an exact JavaScript equivalent: (?i), \\s, ., POSIX classes, \\A and \\z', () => {
    // GIVEN patterns whose Go meaning differs from JavaScript's spelling
    // WHEN they are rendered
    // THEN the result is Go's: \s is ASCII space only, . matches \r but not \n
    expect(render('{{ regexMatch "(?i)^PROD-" "prod-eu" }}')).toBe('true');
    expect(render('{{ regexReplaceAll "\\\\s+" "a\\u00a0b c" "_" }}')).toBe('a\u00a0b_c');
    expect(render('{{ regexReplaceAll "." "a\\rb\\n" "x" }}')).toBe('xxx\n');
    expect(render('{{ regexReplaceAll "[[:digit:]]+" "v12.3" "N" }}')).toBe('vN.N');
    expect(render('{{ regexMatch "\\\\Aab\\\\z" "ab" }} {{ regexMatch "a{,2}" "a{,2}" }}')).toBe('true true');
  });

  test("RE2 forms JavaScript reads differently, evaluated as Go's regexp evaluates them", () => {
    // GIVEN inline flags in the middle of a pattern, ungreedy mode, Go's leftmost-first
    // alternation and a Unicode class
    // WHEN they are rendered
    // THEN each result is Go's
    expect(render('{{ regexMatch "a(?i)b" "aB" }} {{ regexMatch "a(?i:b)c" "aBC" }}')).toBe('true false');
    expect(render('{{ regexFind "(?U)a+" "aaa" }}|{{ regexFind "a|ab" "ab" }}|{{ regexFind "\\\\pN+" "x12y" }}')).toBe('a|a|12');
    expect(render('{{ regexReplaceAll "(?s)a.b" "a\\nb" "X" }} {{ regexReplaceAll "(?m)^x" "x\\nx" "y" }}')).toBe('X y\ny');
    expect(render('{{ regexReplaceAll "(?<word>\\\\w+)" "ab cd" "<${word}>" }}')).toBe('<ab> <cd>');
    expect(render('{{ regexFindAll "\\\\Qa.b\\\\E" "a.b axb" -1 }}')).toBe('[a.b]');
  });

  test.each([
    ['a(?=b)', 'invalid or unsupported Perl syntax'],
    ['(?<!a)b', 'invalid named capture'], // Go 1.22+ reads (?< as a named group
    ['(a)\\1', 'invalid escape sequence'],
    ['{2}', 'missing argument to repetition operator'],
    ['a{1001}', 'invalid repeat count'],
    ['(a', 'missing closing )'],
    ['a**', 'invalid nested repetition operator'],
    ['\\C', 'invalid escape sequence'],
  ])("a pattern Go cannot compile (%s): regexMatch is false, the other functions fail with Go's reason", (pattern, reason) => {
    // GIVEN a pattern RE2 rejects
    const re = JSON.stringify(pattern).slice(1, -1);
    // WHEN regexMatch renders it: Sprig drops MatchString's error, so Go gives false
    expect(render(`{{ regexMatch "${re}" "ab" }}`)).toBe('false');
    // WHEN mustRegexMatch does: the error is returned, and the template fails
    const must = failure(`{{ mustRegexMatch "${re}" "ab" }}`);
    expect(must.code).toBe('CG704');
    expect(must.message).toContain(`error calling mustRegexMatch: error parsing regexp: ${reason}`);
    // WHEN regexFind does: MustCompile panics, which text/template reports as an error
    const plain = failure(`{{ regexFind "${re}" "ab" }}`);
    expect(plain.code).toBe('CG704');
    expect(plain.message).toContain(`error calling regexFind: regexp: Compile: error parsing regexp: ${reason}`);
    // THEN Go's reason is given without the part of the pattern Go quotes after it
    expect(plain.message.split('Template')[1]!.split('fails at')[1]).not.toContain('`');
  });

  test('matches patterns that backtrack exponentially in JavaScript in linear time, as RE2 does', () => {
    // GIVEN nested and many unbounded repetitions on subjects that make a backtracking engine explode
    const subject = `${'a'.repeat(100_000)}!`;
    const started = Date.now();
    // WHEN they are rendered
    // THEN Go's results, at once
    expect(render(`{{ regexMatch "^(a+)+$" "${subject}" }}`)).toBe('false');
    expect(render(`{{ regexMatch "^(a|aa)*$" "${subject}" }}`)).toBe('false');
    expect(render(`{{ regexMatch "^((a*)b?)*$" "${subject}" }}`)).toBe('false');
    expect(render(`{{ regexMatch ".*.*.*.*.*x" "${subject}" }}`)).toBe('false');
    expect(render(`{{ regexMatch "^(a+)+!$" "${subject}" }}`)).toBe('true');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('the bound on matches', () => {
  test('a call that would collect more than 262,144 matches is refused (CG701) before it exhausts memory; up to it, all are returned', () => {
    expect(render('{{ len (regexFindAll "a" (repeat 262144 "a") -1) }}')).toBe('262144');
    expect(failure('{{ len (regexFindAll "a" (repeat 300000 "a") -1) }}').message).toContain(
      'a regular expression matching more than 262144 times in one call',
    );
    expect(failure('{{ len (regexSplit "" (repeat 300000 "a") -1) }}').code).toBe('CG701');
  });
});

describe('RE2 syntax errors', () => {
  test('a repetition with nothing to repeat is a parse error, not the text "{2}"', () => {
    // GIVEN a pattern Go rejects ("missing argument to repetition operator"), which JavaScript reads as text
    // WHEN it is rendered
    // THEN regexMatch gives Go's false (where JavaScript's RegExp would match "{2}")
    expect(render('{{ regexMatch "{2}" "{2}" }}')).toBe('false');
  });
});
