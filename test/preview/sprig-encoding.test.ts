import { failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 (Go text/template + Sprig v3.3) renders.

describe('Sprig encodings and hashes', () => {
  test("b64enc, b64dec, b32enc and b32dec are Go's standard padded encodings", () => {
    // GIVEN Sprig's test word "coffee"
    // WHEN it is encoded and decoded
    // THEN the encodings are Go's base64.StdEncoding and base32.StdEncoding
    expect(render('{{ b64enc "coffee" }}')).toBe('Y29mZmVl');
    expect(render('{{ b64dec "Y29mZmVl" }}')).toBe('coffee');
    expect(render('{{ b32enc "coffee" }}')).toBe('MNXWMZTFMU======');
    expect(render('{{ b32dec "MNXWMZTFMU======" }}')).toBe('coffee');
    expect(render('{{ b64enc "payments-api:prod" }}')).toBe('cGF5bWVudHMtYXBpOnByb2Q=');
  });

  test('b64enc encodes the bytes of a string, a broken character included', () => {
    // GIVEN "é" cut after its first byte (C3)
    // WHEN it is encoded
    // THEN the single byte is encoded, as Go does
    expect(render('{{ trunc 1 "é" | b64enc }}')).toBe('ww==');
    // AND decoding bytes that are not UTF-8 leaves U+FFFD in the Application
    expect(render('{{ b64dec "/w==" }}')).toBe('\ufffd');
  });

  test("fails when b64dec is given text that is not base64, where Argo CD renders Go's error message", () => {
    // GIVEN text that is not base64
    const e = failure('{{ b64dec "not base64!" }}');
    // THEN CG701 names the function and the text
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('b64dec of text that is not valid padded base64');
  });

  test('sha1sum, sha256sum, sha512sum and adler32sum hash the bytes of the string', () => {
    // GIVEN the strings "abc" and "hello"
    // WHEN they are hashed
    // THEN the digests are the standard ones, in lower-case hex (adler32 in decimal)
    expect(render('{{ sha1sum "abc" }}')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(render('{{ sha256sum "abc" }}')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(render('{{ sha256sum "hello" }}')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(render('{{ sha512sum "abc" }}')).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect(render('{{ adler32sum "abc" }}')).toBe('38600999');
  });

  test('sha256sum feeds a short, stable suffix', () => {
    // GIVEN a name hashed and cut, as ApplicationSets do for unique names
    // WHEN it is rendered
    // THEN the first 8 hex digits of SHA-256 are used
    expect(render('{{ .path.basename }}-{{ sha256sum .path.path | trunc 8 }}', { path: { basename: 'api', path: 'hello' } })).toBe(
      'api-2cf24dba',
    );
  });

  test("urlParse and urlJoin split and build URLs as Go's net/url does", () => {
    // GIVEN Sprig's documented URL
    // WHEN it is parsed and joined
    // THEN the parts and the URL are Go's
    expect(render('{{ urlParse "http://admin:secret@server.com:8080/api?list=false#anchor" | toJson }}')).toBe(
      '{"fragment":"anchor","host":"server.com:8080","hostname":"server.com","opaque":"","path":"/api","query":"list=false","scheme":"http","userinfo":"admin:secret"}',
    );
    expect(render('{{ urlJoin (dict "fragment" "fragment" "host" "host:80" "path" "/path" "query" "query" "scheme" "http") }}')).toBe(
      'http://host:80/path?query#fragment',
    );
  });

  test.each([
    // Sprig's url_test.go cases: Go unescapes the path and the fragment, keeps the query as
    // written, and writes the user information again with its own escaping
    [
      'proto://user:passwor%20d@host:80/path',
      '{"fragment":"","host":"host:80","hostname":"host","opaque":"","path":"/path","query":"","scheme":"proto","userinfo":"user:passwor%20d"}',
    ],
    [
      'proto://host:80/pa%20th?key=val%20ue',
      '{"fragment":"","host":"host:80","hostname":"host","opaque":"","path":"/pa th","query":"key=val%20ue","scheme":"proto","userinfo":""}',
    ],
    ['something', '{"fragment":"","host":"","hostname":"","opaque":"","path":"something","query":"","scheme":"","userinfo":""}'],
    // %-escapes of other bytes, a fragment, user information Go re-escapes (%21 → %21, %7e → ~)
    [
      'https://a%21b:p%7e@example.com/caf%C3%A9/%2F?q=%zz#sec%20two',
      '{"fragment":"sec two","host":"example.com","hostname":"example.com","opaque":"","path":"/café//","query":"q=%zz","scheme":"https","userinfo":"a%21b:p~"}',
    ],
    // an opaque URL: no "//" after the scheme
    [
      'mailto:ops@example.com?subject=hi',
      '{"fragment":"","host":"","hostname":"","opaque":"ops@example.com","path":"","query":"subject=hi","scheme":"mailto","userinfo":""}',
    ],
  ])("urlParse %s as Go's url.Parse reads it", (url, parts) => {
    expect(render(`{{ urlParse "${url}" | toJson }}`)).toBe(parts);
  });

  test.each([
    ['a malformed %-escape in the path', 'https://example.com/a%zzb', 'invalid URL escape'],
    ['a malformed %-escape in the fragment', 'https://example.com/#a%2', 'invalid URL escape'],
    ['a colon in the first path segment', '1a:b/c', 'first path segment in URL cannot contain colon'],
    ['a port that is not a number', 'https://example.com:http/', 'invalid port after host'],
  ])('urlParse fails as Sprig panics on %s (CG704), without quoting the URL', (_what, url, reason) => {
    const e = failure(`{{ urlParse "${url}" }}`);
    expect(e.code).toBe('CG704');
    expect(e.message).toContain(`error calling urlParse: unable to parse url: ${reason}`);
  });

  test('urlParse refuses (CG701) a %-escape in the host, which the preview does not model', () => {
    const e = failure('{{ urlParse "https://ex%41mple.com/" }}');
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('urlParse of a URL with a %-escape in the host');
  });
});
