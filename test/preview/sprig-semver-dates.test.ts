import { failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 (Sprig v3.3, Masterminds/semver v3) renders; the
// cases come from Sprig's and Masterminds/semver's documentation and tests.

describe('semverCompare', () => {
  const compare = (constraint: string, version: string): string => render(`{{ semverCompare "${constraint}" "${version}" }}`);

  // Masterminds/semver v3.3's constraints_test.go, TestConstraintsCheck: NewConstraint, NewVersion
  // and Check, as Sprig's semverCompare calls them; the third column is semver's result.
  test.each([
    ['*', '1.2.3', true],
    ['~0.0.0', '1.2.3', true],
    ['0.x.x', '1.2.3', false],
    ['0.0.x', '1.2.3', false],
    ['0.0.0', '1.2.3', false],
    ['^0.0.0', '1.2.3', false],
    ['= 2.0', '1.2.3', false],
    ['= 2.0', '2.0.0', true],
    ['4.1', '4.1.0', true],
    ['4.1.x', '4.1.3', true],
    ['1.x', '1.4', true],
    ['!=4.1', '4.1.0', false],
    ['!=4.1-alpha', '4.1.0-alpha', false],
    ['!=4.1-alpha', '4.1.1-alpha', false],
    ['!=4.1-alpha', '4.1.0', true],
    ['!=4.1', '5.1.0', true],
    ['!=4.x', '5.1.0', true],
    ['!=4.x', '4.1.0', false],
    ['!=4.1.x', '4.2.0', true],
    ['!=4.2.x', '4.2.3', false],
    ['>1.1', '4.1.0', true],
    ['>1.1', '1.1.0', false],
    ['<1.1', '0.1.0', true],
    ['<1.1', '1.1.0', false],
    ['<1.1', '1.1.1', false],
    ['<1.x', '1.1.1', false],
    ['<1.x', '0.1.1', true],
    ['<1.x', '2.0.0', false],
    ['<1.1.x', '1.2.1', false],
    ['<1.1.x', '1.1.500', false],
    ['<1.1.x', '1.0.500', true],
    ['<1.2.x', '1.1.1', true],
    ['>=1.1', '4.1.0', true],
    ['>=1.1', '4.1.0-beta', false],
    ['>=1.1', '1.1.0', true],
    ['>=1.1', '0.0.9', false],
    ['<=1.1', '0.1.0', true],
    ['<=1.1', '0.1.0-alpha', false],
    ['<=1.1-a', '0.1.0-alpha', true],
    ['<=1.1', '1.1.0', true],
    ['<=1.x', '1.1.0', true],
    ['<=2.x', '3.0.0', false],
    ['<=1.1', '1.1.1', true],
    ['<=1.1.x', '1.2.500', false],
    ['<=4.5', '3.4.0', true],
    ['<=4.5', '3.7.0', true],
    ['<=4.5', '4.6.3', false],
    ['>1.1, <2', '1.1.1', false],
    ['>1.1, <2', '1.2.1', true],
    ['>1.1, <3', '4.3.2', false],
    ['>=1.1, <2, !=1.2.3', '1.2.3', false],
    ['>1.1 <2', '1.1.1', false],
    ['>1.1 <2', '1.2.1', true],
    ['>1.1    <3', '4.3.2', false],
    ['>=1.1    <2    !=1.2.3', '1.2.3', false],
    ['>=1.1, <2, !=1.2.3 || > 3', '4.1.2', true],
    ['>=1.1, <2, !=1.2.3 || > 3', '3.1.2', false],
    ['>=1.1, <2, !=1.2.3 || >= 3', '3.0.0', true],
    ['>=1.1, <2, !=1.2.3 || > 3', '3.0.0', false],
    ['>=1.1, <2, !=1.2.3 || > 3', '1.2.3', false],
    ['>=1.1 <2 !=1.2.3 || > 3', '4.1.2', true],
    ['> 1.1, <     2', '1.1.1', false],
    ['>   1.1, <2', '1.2.1', true],
    ['>= 1.1, <     2, !=1.2.3', '1.2.3', false],
    ['> 1.1 < 2', '1.1.1', false],
    ['>1.1 < 2', '1.2.1', true],
    ['>=1.1    < 2    != 1.2.3', '1.2.3', false],
    ['>= 1.1 <2 != 1.2.3 || >= 3', '3.0.0', true],
    ['1.1 - 2', '1.1.1', true],
    ['1.5.0 - 4.5', '3.7.0', true],
    ['1.1-3', '4.3.2', false],
    ['^1.1', '1.1.1', true],
    ['^1.1', '4.3.2', false],
    ['^1.x', '1.1.1', true],
    ['^2.x', '1.1.1', false],
    ['^1.x', '2.1.1', false],
    ['^1.x', '1.1.1-beta1', false],
    ['^1.1.2-alpha', '1.2.1-beta1', true],
    ['^1.2.x-alpha', '1.1.1-beta1', false],
    ['^0.0.1', '0.0.1', true],
    ['^0.0.1', '0.3.1', false],
    ['~*', '2.1.1', true],
    ['~1', '2.1.1', false],
    ['~1', '1.3.5', true],
    ['~1', '1.4', true],
    ['~1.x', '2.1.1', false],
    ['~1.x', '1.3.5', true],
    ['~1.1', '1.1.1', true],
    ['~1.1', '1.1.1-alpha', false],
    ['~1.1-alpha', '1.1.1-beta', true],
    ['~1.1.1-beta', '1.1.1-alpha', false],
    ['~1.1.1-beta', '1.1.1', true],
    ['~1.2.3', '1.2.5', true],
    ['~1.2.3', '1.2.2', false],
    ['~1.2.3', '1.3.2', false],
    ['~1.1', '1.2.3', false],
    ['~1.3', '2.4.5', false],
  ])('semverCompare %j %j is %s, as semver checks it', (constraint, version, expected) => {
    // GIVEN a constraint and a version from semver's tests
    // WHEN they are compared
    // THEN the result is Masterminds/semver's
    expect(compare(constraint, version)).toBe(String(expected));
  });

  // TestConstraintCheck (one comparison each), among them the pre-release rules: a pre-release
  // version meets only comparisons with a pre-release, by SemVer order across versions.
  test.each([
    ['=2.0', '2.0.1', true],
    ['!=4.1', '4.1.1', false],
    ['!=4.1', '5.1.0-alpha.1', false],
    ['<11', '11.1.0', false],
    ['<=11', '11.2.3', true],
    ['<=11', '12.2.3', false],
    ['>0', '0', false],
    ['>0', '1', true],
    ['>0', '0.0.1-alpha', false],
    ['>0-0', '0.0.1-alpha', false],
    ['>0.0.0-0', '0.0.0-alpha', true],
    ['>1.2.3-alpha.1', '1.2.3-alpha.2', true],
    ['>1.2.3-alpha.1', '1.3.3-alpha.2', true],
    ['>11', '11.1.0', false],
    ['>11.1', '11.1.1', false],
    ['>11.1', '11.2.1', true],
    ['>=0-0', '0.0.1-alpha', true],
    ['>=0.0.0-0', '3.4.5-beta.1', true],
    ['<0', '0.0.0-alpha', false],
    ['<0-z', '0.0.0-alpha', true],
    ['*', '1.2.3-alpha.1', false],
    ['*-0', '1.2.3-alpha.1', true],
    ['2.*', '3.4.5', false],
    ['2.1.*', '2.1.1', true],
    ['2.1.*', '2.2.1', false],
    ['~1.2.3-beta.2', '1.2.4-beta.2', true],
    ['~1.2.3-beta.2', '1.3.4-beta.2', false],
    ['^1.2.0', '1.2.1-alpha.1', false],
    ['^1.2.0-alpha.0', '1.2.1-alpha.1', true],
    ['^1.2.0-alpha.2', '1.2.0-alpha.1', false],
    ['^0.0', '0.0.3', true],
    ['^0.0', '0.1.4', false],
    ['^0', '0.2.3', true],
    ['^0', '1.1.4', false],
    ['^0.2.3-beta.2', '0.2.4-beta.2', true],
    ['^0.2.3-beta.2', '0.3.4-beta.2', false],
  ])('semverCompare %j %j is %s, as semver checks one comparison', (constraint, version, expected) => {
    // GIVEN one comparison and a version from semver's tests
    // WHEN they are compared
    // THEN the result is Masterminds/semver's
    expect(compare(constraint, version)).toBe(String(expected));
  });

  test.each([
    // TestNewConstraint: four-part versions and a version glued to the next operator are improper.
    ['>= bar', '1.0.0'],
    ['BAR >= 1.2.3', '1.0.0'],
    ['12.3.4.1234', '1.0.0'],
    ['12.3.34~ 1.2.3', '1.0.0'],
    // validConstraintRegex needs at least one comparison in each part between ||.
    ['', '1.0.0'],
    ['>=1 ||', '1.0.0'],
    ['>=1,', '1.0.0'],
    // An improper constraint fails before the version is read.
    ['>=1 <', 'latest'],
  ])('fails as Argo CD does on the improper constraint %j, without quoting it', (constraint, version) => {
    // GIVEN a constraint semver cannot parse
    const e = failure(`{{ semverCompare "${constraint}" "${version}" }}`);
    // THEN semver's error is the template's, its text left out
    expect(e.code).toBe('CG704');
    expect(e.message).toContain('error calling semverCompare: improper constraint');
    expect(e.message).not.toContain('improper constraint:');
  });

  test.each([
    // The version part of a comparison takes [0-9xX*|]; NewVersion then refuses what is not a number.
    ['1|2', 'constraint Parser Error'],
    ['>= 1x.2', 'constraint Parser Error'],
    ['1.2.3 | 4', 'constraint Parser Error'],
    ['>= 18446744073709551616', 'constraint Parser Error'],
  ])('fails as Argo CD does on %j, which parses but holds no version', (constraint, message) => {
    // GIVEN a comparison whose version NewVersion refuses
    const e = failure(`{{ semverCompare "${constraint}" "1.2.3" }}`);
    // THEN semver's error
    expect(e.code).toBe('CG704');
    expect(e.message).toContain(`error calling semverCompare: ${message}`);
  });

  test.each([
    ['>=1.21', 'v1.27.3', true],
    ['v1.2.x', '1.2.9', true],
    ['>= 1.2, < 3.0.0 || >= 4.2.3', '3.1.0', false],
    ['>= 1.2, < 3.0.0 || >= 4.2.3', '4.3.0', true],
    ['1.2.3', '1.2.3+build.7', true],
    ['!=1.2.3', '1.2.4-beta.1', true],
    // rewriteRange: both ranges become comparisons (TestRewriteRange's "2 - 3, 4.0.0 - 5.1").
    ['2 - 3, 4.0.0 - 5.1', '3.5.0', false],
    ['2 - 3 || 4.0.0 - 5.1', '5.1.9', true],
    ['1.2 - 1.4.5', '1.4.6', false],
    // A number beyond 2^53 is compared as the uint64 it is.
    ['>9007199254740993', '9007199254740994.0.0', true],
  ])('semverCompare %j %j is %s', (constraint, version, expected) => {
    // GIVEN a constraint and a version
    // WHEN they are compared
    // THEN the result is Masterminds/semver's
    expect(compare(constraint, version)).toBe(String(expected));
  });

  test.each([
    ['latest', 'Invalid Semantic Version'],
    ['1.2.3.4', 'Invalid Semantic Version'],
    ['V1.2.3', 'Invalid Semantic Version'],
    ['1.2.3-', 'Invalid Semantic Version'],
    ['18446744073709551616.0.0', 'Error parsing version segment: strconv.ParseUint: value out of range'],
  ])('fails as Argo CD does on the version %j', (version, message) => {
    // GIVEN a version NewVersion refuses
    const e = failure(`{{ semverCompare ">=1.0.0" "${version}" }}`);
    // THEN semver's error is reported
    expect(e.code).toBe('CG704');
    expect(e.message).toContain(`error calling semverCompare: ${message}`);
  });

  test.each([
    ['^1.2.3', '01.2.3', 'a version with a number with a leading zero'],
    ['^1.2.3', '1.2.3-rc.01', 'a version whose pre-release has a number with a leading zero'],
    ['>=01.2', '1.2.3', 'a constraint with a number with a leading zero'],
  ])('fails rather than guess on %j %j, which depends on the semver release Argo CD links', (constraint, version, what) => {
    // GIVEN a leading zero, which semver v3.3.0 reads, v3.3.1 refuses and v3.4 reads again
    const e = failure(`{{ semverCompare "${constraint}" "${version}" }}`);
    // THEN CG701 names it
    expect(e.code).toBe('CG701');
    expect(e.message).toContain(`semverCompare with ${what}`);
  });

  test('reads a long constraint within the bound of the execution', () => {
    // GIVEN a constraint of 2,000 alternatives
    const constraint = Array.from({ length: 2000 }, (_, i) => `${i}.0.0 - ${i}.5`).join(' || ');
    // WHEN it is compared
    // THEN the version falls in one of its ranges
    expect(compare(constraint, '1999.4.0')).toBe('true');
  });
});

describe('Sprig dates', () => {
  test('duration and durationRound', () => {
    // GIVEN seconds as a string, and durations
    // WHEN they are rendered
    // THEN Go's Duration text is given; an int literal is not int64, so Sprig's type switch sees 0
    expect(render('{{ duration "95" }} {{ duration "3600" }} {{ duration "-61" }} {{ duration 95 }}')).toBe('1m35s 1h0m0s -1m1s 0s');
    expect(render('{{ duration (int64 "95") }}')).toBe('1m35s');
    expect(render('{{ durationRound "2h5s" }} {{ durationRound "24h5s" }} {{ durationRound "1.5s" }} {{ durationRound "bad" }}')).toBe(
      '2h 1d 1s 0s',
    );
  });

  test("dateInZone and htmlDateInZone format Unix seconds with Go's layouts in UTC", () => {
    // GIVEN Sprig's test time, 1560458379 (2019-06-13 20:39:39 UTC)
    // WHEN it is formatted
    // THEN Go's layout tokens are replaced
    expect(render('{{ dateInZone "02 Jan 06 15:04 -0700" 1560458379 "UTC" }}')).toBe('13 Jun 19 20:39 +0000');
    expect(render('{{ dateInZone "2006-01-02T15:04:05Z07:00" 1560458379 "UTC" }}')).toBe('2019-06-13T20:39:39Z');
    expect(render('{{ dateInZone "Monday, January 2, 2006 3:04:05.000 PM MST" 1560458379 "" }}')).toBe(
      'Thursday, June 13, 2019 8:39:39.000 PM UTC',
    );
    expect(render('{{ htmlDateInZone 0 "UTC" }}')).toBe('1970-01-01');
  });

  test("fails when the date would come from the clock or the controller's time zone", () => {
    for (const [text, message] of [
      ['{{ dateInZone "2006" "2019-06-13" "UTC" }}', 'Sprig formats the current time'],
      ['{{ dateInZone "2006" 0 "Europe/Paris" }}', 'the preview formats dates in UTC only'],
      ['{{ htmlDate 0 }}', 'time zone of the Argo CD controller'],
      ['{{ toDate "2006-01-02" "2019-06-13" }}', 'time zone of the Argo CD controller'],
      ['{{ now }}', 'depends on the time'],
    ] as const) {
      // GIVEN such a call
      const e = failure(text);
      // THEN CG701 says why
      expect(e.code).toBe('CG701');
      expect(e.message).toContain(message);
    }
  });

  test('fails as Go does when a function that takes a time.Time gets anything else', () => {
    // GIVEN unixEpoch of a string (the preview has no time values)
    const e = failure('{{ unixEpoch "2019-06-13" }}');
    // THEN Go's wrong type error is reported
    expect(e.code).toBe('CG704');
    expect(e.message).toContain('expected time.Time; got string');
  });
});
