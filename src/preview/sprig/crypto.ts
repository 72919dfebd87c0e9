import { createDecipheriv, createHmac, scryptSync } from 'node:crypto';
import { CallFailure, fixed, int, str, TemplateFunction } from '../function-signature';
import { fromGoBytes, toGoBytes } from '../go-strings';
import { unsupported } from '../template-values';

/*
 * Sprig's deterministic crypto functions (crypto.go): `derivePassword` (the Master Password
 * algorithm: scrypt, then HMAC-SHA256 choosing a template and its characters) and
 * `decryptAES` (AES-256-CBC with the password as key, zero-padded to 32 bytes). Functions that
 * draw random numbers (`encryptAES`, keys, certificates, bcrypt) are refused elsewhere.
 */

const SEED = 'com.lyndir.masterpassword';

const TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const CHARACTERS: Readonly<Record<string, string>> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Sprig's `derivePassword counter type password user site`. */
function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  if (counter < 0 || counter > 0xffffffff) {
    throw new CallFailure("derivePassword's counter is not a uint32");
  }
  const templates = TEMPLATES[type];
  if (!Object.prototype.hasOwnProperty.call(TEMPLATES, type) || templates === undefined) {
    return `cannot find password template ${type}`;
  }
  const userBytes = toGoBytes(user);
  const siteBytes = toGoBytes(site);
  const salt = Buffer.concat([Buffer.from(SEED), uint32(userBytes.length), userBytes]);
  const key = scryptSync(toGoBytes(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
  const message = Buffer.concat([Buffer.from(SEED), uint32(siteBytes.length), siteBytes, uint32(counter)]);
  const seed = createHmac('sha256', key).update(message).digest();
  const template = templates[seed[0]! % templates.length]!;
  return [...template]
    .map((cls, i) => {
      const chars = CHARACTERS[cls]!;
      return chars[seed[i + 1]! % chars.length];
    })
    .join('');
}

/** Sprig's `decryptAES password base64`: AES-256-CBC, the IV first, the last byte's padding removed. */
function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') {
    return '';
  }
  const text = crypt64.replace(/[\r\n]/g, '');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw unsupported(
      "decryptAES of text that is not valid padded base64 (Argo CD reports Go's error message, which the preview does not reproduce)",
    );
  }
  const crypt = Buffer.from(text, 'base64');
  if (crypt.length <= 16 || (crypt.length - 16) % 16 !== 0) {
    throw unsupported('decryptAES of data that is not an IV and whole blocks (Go panics on it)');
  }
  const key = Buffer.alloc(32);
  toGoBytes(password).copy(key, 0, 0, 32);
  const decipher = createDecipheriv('aes-256-cbc', key, crypt.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(crypt.subarray(16)), decipher.final()]);
  const pad = plain[plain.length - 1]!;
  if (pad > plain.length) {
    throw unsupported('decryptAES with a wrong password or data (Go panics on the padding)');
  }
  return fromGoBytes(plain.subarray(0, plain.length - pad));
}

/** Sprig's deterministic crypto functions. */
export const CRYPTO_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  [
    'derivePassword',
    fixed(['uint32', 'string', 'string', 'string', 'string'], ([counter, type, password, user, site]) =>
      derivePassword(int(counter), str(type), str(password), str(user), str(site)),
    ),
  ],
  ['decryptAES', fixed(['string', 'string'], ([password, crypt]) => decryptAES(str(password), str(crypt)))],
];
