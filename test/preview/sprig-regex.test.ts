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

  test('fails rather than guess on what RE2 and JavaScript read differently', () => {
    // GIVEN a lookahead (RE2 rejects it) and a back reference
    for (const text of ['{{ regexMatch "a(?=b)" "ab" }}', '{{ regexMatch "(a)\\\\1" "aa" }}', '{{ regexMatch "a(?i)b" "aB" }}']) {
      // WHEN it is rendered
      const e = failure(text);
      // THEN CG701 says a regular expression is refused, without quoting it
      expect(e.code).toBe('CG701');
      expect(e.message).toContain('a regular expression with');
    }
  });

  test('fails at once on a pattern JavaScript may match in exponential time, which RE2 matches in linear time', () => {
    // GIVEN nested repetitions and many unbounded ones, on a subject that makes a backtracking engine explode
    const subject = `${'a'.repeat(40)}!`;
    for (const pattern of ['^(a+)+$', '(a|aa)*$', '^((a*)b?)*$', '.*.*.*.*.*x']) {
      const e = failure(`{{ regexMatch ${JSON.stringify(pattern)} ${JSON.stringify(subject)} }}`);
      // THEN CG701 names it, without trying
      expect(e.code).toBe('CG701');
      expect(e.message).toContain('exponential time');
    }
    // and patterns of one repetition level still match
    expect(render('{{ regexMatch "^[a-z]+(-[0-9])?$" "orders-1" }}')).toBe('true');
  });
});

describe('RE2 syntax errors', () => {
  test('fails rather than read a repetition with nothing to repeat as text', () => {
    // GIVEN a pattern Go rejects ("missing argument to repetition operator")
    const e = failure('{{ regexMatch "{2}" "{2}" }}');
    // THEN it fails, where it would otherwise match the text "{2}"
    expect(e.code).toBe('CG701');
  });
});
