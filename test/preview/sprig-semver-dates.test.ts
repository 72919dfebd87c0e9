import { failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 (Sprig v3.3, Masterminds/semver v3) renders; the
// cases come from Sprig's and Masterminds/semver's documentation and tests.

describe('semverCompare', () => {
  test.each([
    ['^1.2.0', '1.2.3', true],
    ['^1.2.3', '2.0.0', false],
    ['^1.2', '1.9.0', true],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.3', true],
    ['^0.0.3', '0.0.4', false],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['~1', '1.9.9', true],
    ['>=1.21', 'v1.27.3', true],
    ['>=1.21', '1.20.15', false],
    ['<1.21', '1.20.15', true],
    ['>= 1.2, < 3.0.0 || >= 4.2.3', '3.1.0', false],
    ['>= 1.2, < 3.0.0 || >= 4.2.3', '4.3.0', true],
    ['!=1.2.3', '1.2.4', true],
    ['1.2.3', '1.2.3+build.7', true],
    ['>=1.2.3', '1.2.4-beta.1', false],
  ])('semverCompare %j %j is %s', (constraint, version, expected) => {
    // GIVEN a constraint and a version
    // WHEN they are compared
    // THEN the result is Masterminds/semver's (a pre-release matches no release constraint)
    expect(render(`{{ semverCompare "${constraint}" "${version}" }}`)).toBe(String(expected));
  });

  test('fails as Argo CD does on a version that is not semantic', () => {
    // GIVEN a version that is not SemVer
    const e = failure('{{ semverCompare ">=1.0.0" "latest" }}');
    // THEN Masterminds' error is reported
    expect(e.code).toBe('CG704');
    expect(e.message).toContain('error calling semverCompare: Invalid Semantic Version');
  });

  test('fails rather than guess on wildcards, hyphen ranges and pre-release constraints', () => {
    for (const constraint of ['1.2.x', '1.2 - 1.4.5', '>=1.21-0']) {
      // GIVEN a constraint form the preview does not reproduce
      const e = failure(`{{ semverCompare "${constraint}" "1.2.3" }}`);
      // THEN CG701 names it
      expect(e.code).toBe('CG701');
      expect(e.message).toContain('semverCompare with');
    }
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
