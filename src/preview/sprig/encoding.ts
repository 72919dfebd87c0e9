import { createHash } from 'node:crypto';
import { CallFailure, fixed, str, TemplateFunction } from '../function-signature';
import { fromGoBytes, toGoBytes } from '../go-strings';
import { TemplateMap, unsupported } from '../template-values';
import { newMap, setKey } from './maps';

/*
 * Sprig's encodings, hashes and URL functions (strings.go, crypto.go, url.go), over the bytes
 * of Go strings.
 */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) {
      bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    }
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) {
      out += k < chars ? BASE32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : '=';
    }
  }
  return out;
}

function base32Decode(text: string): Buffer | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 8 !== 0 || !/^[A-Z2-7]*(={0,6})$/.test(s)) {
    return undefined;
  }
  const pad = s.length - s.replace(/=+$/, '').length;
  if (![0, 1, 3, 4, 6].includes(pad)) {
    return undefined;
  }
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 8) {
    const block = s.slice(i, i + 8).replace(/=+$/, '');
    if (block.length < 8 && i + 8 !== s.length) {
      return undefined;
    }
    let bits = 0n;
    for (let k = 0; k < 8; k++) {
      bits = (bits << 5n) | BigInt(k < block.length ? BASE32.indexOf(block[k]!) : 0);
    }
    const n = Math.floor((block.length * 5) / 8);
    for (let k = 0; k < n; k++) {
      out.push(Number((bits >> BigInt(32 - 8 * k)) & 0xffn));
    }
  }
  return Buffer.from(out);
}

function base64Decode(text: string): Buffer | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    return undefined;
  }
  return Buffer.from(s, 'base64');
}

function undecodable(name: string): never {
  throw unsupported(
    `${name} of text that is not valid padded ${name === 'b64dec' ? 'base64' : 'base32'} (Argo CD renders Go's error message, such as "illegal base64 data at input byte 4", in its place)`,
  );
}

function hash(algorithm: 'sha1' | 'sha256' | 'sha512', s: string): string {
  return createHash(algorithm).update(toGoBytes(s)).digest('hex');
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

/** Characters a URL may hold that Go's url.Parse and URL.String leave as they are. */
const PLAIN_URL = /^[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]*$/;
const PLAIN_USERINFO = /^[A-Za-z0-9\-._~$&+,;=:]*$/;
/** What Go's url.Parse reads: the plain characters and %-escapes (checked where they stand). */
const PARSED_URL = /^[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*$/;
/** net/url's `validUserinfo`: the characters user information may hold. */
const VALID_USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function refuseUrl(name: string, why: string): never {
  throw unsupported(`${name} of a URL with ${why}`, 'Use a URL of plain characters and %-escapes, with an ASCII host.');
}

/** Sprig's panic for a URL Go cannot parse, without the URL (it may hold credentials). */
function unparsable(reason: string): never {
  throw new CallFailure(`unable to parse url: ${reason}`);
}

/** net/url's `unescape` (path, fragment and user information modes): %XX to its byte; a bad escape is Go's error. */
function urlUnescape(s: string): string {
  if (!s.includes('%')) {
    return s;
  }
  const bytes: number[] = [];
  const raw = toGoBytes(s);
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x25) {
      bytes.push(raw[i]!);
      continue;
    }
    const hex = raw.subarray(i + 1, i + 3).toString('latin1');
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      unparsable('invalid URL escape');
    }
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  return fromGoBytes(Uint8Array.from(bytes));
}

/** net/url's `escape` in user-password mode, as `Userinfo.String` writes a name or password. */
function escapeUserPassword(s: string): string {
  let out = '';
  for (const byte of toGoBytes(s)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~$&+,;=]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Sprig's `urlParse`: Go's `url.Parse` of the URL, its parts as Sprig lists them (`scheme`,
 * `host`, `hostname`, `path` and `fragment` unescaped, `query` and `opaque` as written,
 * `userinfo` as `Userinfo.String` writes it again); Go's parse error fails the call, as
 * Sprig panics with it. Hosts with %-escapes or IPv6 addresses, and characters Go reads but
 * the preview does not model (spaces, non-ASCII), are refused.
 */
function urlParse(u: string): TemplateMap {
  if (!PARSED_URL.test(u)) {
    refuseUrl('urlParse', 'characters other than plain ones and %-escapes');
  }
  const hash = u.indexOf('#');
  const fragment = hash < 0 ? '' : urlUnescape(u.slice(hash + 1));
  let rest = hash < 0 ? u : u.slice(0, hash);
  let scheme = '';
  const schemed = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (schemed) {
    scheme = schemed[1]!.toLowerCase();
    rest = rest.slice(schemed[0].length);
  } else if (rest.startsWith(':')) {
    unparsable('missing protocol scheme');
  }
  let query = '';
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else if (rest.includes('?')) {
    query = rest.slice(rest.indexOf('?') + 1);
    rest = rest.slice(0, rest.indexOf('?'));
  }
  let opaque = '';
  let authority: string | undefined;
  if (!rest.startsWith('/') && scheme !== '') {
    opaque = rest;
    rest = '';
  } else if (!rest.startsWith('/') && /^[^/]*:/.test(rest)) {
    unparsable('first path segment in URL cannot contain colon');
  } else if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
  }
  let userinfo = '';
  let host = authority ?? '';
  const at = host.lastIndexOf('@');
  if (at >= 0) {
    const info = host.slice(0, at);
    host = host.slice(at + 1);
    if (!VALID_USERINFO.test(info)) {
      unparsable('net/url: invalid userinfo');
    }
    const colon = info.indexOf(':');
    const user = urlUnescape(colon < 0 ? info : info.slice(0, colon));
    userinfo =
      colon < 0 ? escapeUserPassword(user) : `${escapeUserPassword(user)}:${escapeUserPassword(urlUnescape(info.slice(colon + 1)))}`;
  }
  if (host.includes('%')) {
    refuseUrl('urlParse', 'a %-escape in the host');
  }
  let hostname = host;
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && colon > host.lastIndexOf(']')) {
    hostname = host.slice(0, colon);
    if (!/^[0-9]*$/.test(host.slice(colon + 1))) {
      unparsable('invalid port after host');
    }
  }
  if (hostname.startsWith('[')) {
    refuseUrl('urlParse', 'an IPv6 host');
  }
  const out = newMap();
  const entries: Array<[string, string]> = [
    ['scheme', scheme],
    ['host', host],
    ['hostname', hostname],
    ['path', urlUnescape(rest)],
    ['query', query],
    ['opaque', opaque],
    ['fragment', fragment],
    ['userinfo', userinfo],
  ];
  for (const [k, v] of entries) {
    setKey(out, k, v);
  }
  return out;
}

/** Sprig's `urlJoin`: a URL built from the parts `urlParse` gives, as Go's `URL.String`. */
function urlJoin(parts: TemplateMap): string {
  const part = (k: string): string => {
    const v = Object.prototype.hasOwnProperty.call(parts, k) ? parts[k] : undefined;
    if (v === undefined || v === null) {
      return '';
    }
    if (typeof v !== 'string') {
      throw unsupported(`urlJoin with a ${k} that is not a string (Sprig panics on it)`);
    }
    return v;
  };
  const scheme = part('scheme');
  const userinfo = part('userinfo');
  const host = part('host');
  const path = part('path');
  const query = part('query');
  const fragment = part('fragment');
  for (const v of [scheme, host, path, query, fragment]) {
    if (!PLAIN_URL.test(v) || /[?#]/.test(path) || /#/.test(query)) {
      refuseUrl('urlJoin', 'characters Go escapes');
    }
  }
  if (!PLAIN_USERINFO.test(userinfo)) {
    refuseUrl('urlJoin', 'user information Go escapes');
  }
  let out = '';
  if (scheme !== '') {
    out += `${scheme}:`;
  }
  if (scheme !== '' || host !== '' || userinfo !== '') {
    if (host !== '' || path !== '' || userinfo !== '') {
      out += '//';
    }
    if (userinfo !== '') {
      out += `${userinfo}@`;
    }
    out += host;
  }
  if (path !== '' && !path.startsWith('/') && host !== '') {
    out += '/';
  }
  if (out === '' && /^[^/]*:/.test(path)) {
    out += './';
  }
  out += path;
  if (query !== '') {
    out += `?${query}`;
  }
  if (fragment !== '') {
    out += `#${fragment}`;
  }
  return out;
}

/** Sprig's encoding, hash and URL functions. */
export const ENCODING_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['b64enc', fixed(['string'], ([s]) => toGoBytes(str(s)).toString('base64'))],
  [
    'b64dec',
    fixed(['string'], ([s]) => {
      const bytes = base64Decode(str(s));
      return bytes === undefined ? undecodable('b64dec') : fromGoBytes(bytes);
    }),
  ],
  ['b32enc', fixed(['string'], ([s]) => base32Encode(toGoBytes(str(s))))],
  [
    'b32dec',
    fixed(['string'], ([s]) => {
      const bytes = base32Decode(str(s));
      return bytes === undefined ? undecodable('b32dec') : fromGoBytes(bytes);
    }),
  ],
  ['sha1sum', fixed(['string'], ([s]) => hash('sha1', str(s)))],
  ['sha256sum', fixed(['string'], ([s]) => hash('sha256', str(s)))],
  ['sha512sum', fixed(['string'], ([s]) => hash('sha512', str(s)))],
  ['adler32sum', fixed(['string'], ([s]) => String(adler32(toGoBytes(str(s)))))],
  ['urlParse', fixed(['string'], ([u]) => urlParse(str(u)))],
  ['urlJoin', fixed(['map'], ([d]) => urlJoin(d as TemplateMap))],
];
