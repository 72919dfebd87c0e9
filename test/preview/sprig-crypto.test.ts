import { createCipheriv } from 'node:crypto';
import { failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 (Sprig v3.3) renders; the cases are Sprig's
// crypto_test.go.

describe('Sprig deterministic crypto', () => {
  test.each([
    ['{{ derivePassword 1 "long" "password" "user" "example.com" }}', 'ZedaFaxcZaso9*'],
    ['{{ derivePassword 2 "long" "password" "user" "example.com" }}', 'Fovi2@JifpTupx'],
    ['{{ derivePassword 1 "maximum" "password" "user" "example.com" }}', 'pf4zS1LjCg&LjhsZ7T2~'],
    ['{{ derivePassword 1 "medium" "password" "user" "example.com" }}', 'ZedJuz8$'],
    ['{{ derivePassword 1 "basic" "password" "user" "example.com" }}', 'pIS54PLs'],
    ['{{ derivePassword 1 "short" "password" "user" "example.com" }}', 'Zed5'],
    ['{{ derivePassword 1 "pin" "password" "user" "example.com" }}', '6685'],
    ['{{ derivePassword 1 "nope" "password" "user" "example.com" }}', 'cannot find password template nope'],
  ])('%s renders %j', (text, expected) => {
    // GIVEN Sprig's derivePassword cases
    // WHEN they are rendered
    // THEN the Master Password algorithm gives Sprig's passwords
    expect(render(text)).toBe(expected);
  });

  test('decryptAES reads what encryptAES wrote, whatever its IV', () => {
    // GIVEN "plaintext" encrypted as Sprig's encryptAES does (AES-256-CBC, key "secretkey" padded
    // with zeros to 32 bytes, PKCS#7 padding, the IV first, base64), with a fixed IV
    const key = Buffer.alloc(32);
    Buffer.from('secretkey').copy(key);
    const iv = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    const crypt = Buffer.concat([iv, cipher.update('plaintext'), cipher.final()]).toString('base64');
    // WHEN Sprig's round trip is rendered
    // THEN the text comes back, as in Sprig's TestEncryptDecryptAES
    expect(render('{{ decryptAES "secretkey" .c }}', { c: crypt })).toBe('plaintext');
    expect(render('{{ decryptAES "secretkey" "" }}')).toBe('');
  });

  test('fails when the encrypted text is not an IV and whole blocks, where Go panics', () => {
    // GIVEN base64 of five bytes
    const e = failure('{{ decryptAES "secretkey" "aGVsbG8=" }}');
    // THEN CG701 says why
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('decryptAES of data that is not an IV and whole blocks');
  });
});
