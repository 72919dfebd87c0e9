/**
 * The credentials a URL may carry in its user information (`scheme://user:password@host`, or a
 * token standing as the user, `https://ghp_…@github.com`), and URLs and texts shown without them.
 * The one place that knows what a credential in a URL looks like: problems, notes and the
 * checks of repository URLs all ask here.
 *
 * @module
 */

/** The user information of a URL: who, the password if any, and how many characters it takes up to and including its `@`. */
interface UserInfo {
  /** The user name, which may be a token (see {@link isTokenUser}). */
  readonly user: string;
  /** The password after the user's `:`. @default - none */
  readonly password?: string;
  /** The length of `user[:password]@`. */
  readonly length: number;
}

/**
 * Prefixes of the tokens Git hosts take as a user name: GitHub's (`ghp_`, `gho_`, `ghu_`, `ghs_`,
 * `ghr_`, `github_pat_`), GitLab's (personal, deploy, pipeline trigger, runner, CI build, import,
 * feed, service account and OAuth application tokens), Hugging Face's and npm's.
 */
const TOKEN_PREFIXES = 'gh[pousr]_|github_pat_|gl(?:pat|dt|ptt|rt|cbt|imt|ft|soat|oas)-|hf_|npm_';
const TOKEN_PREFIX = new RegExp(`^(?:${TOKEN_PREFIXES})`);
/**
 * A token of those hosts anywhere in a text (a URL's query, a value pasted alone): its prefix and
 * 16 or more token characters, with a digit or a capital (a name such as `npm_config_user_agent` has neither).
 */
const TOKEN_IN_TEXT = new RegExp(`(?<![A-Za-z0-9_-])(?:${TOKEN_PREFIXES})[A-Za-z0-9_-]{16,}`, 'g');

/**
 * A JSON Web Token anywhere in a text (an Argo CD token, a bearer token an answer quotes): three
 * base64url parts, the first two JSON objects (`eyJ`). Nothing else looks like one: a text that
 * holds one holds a credential.
 */
const JWT_IN_TEXT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

/** Whether `text` holds a JSON Web Token ({@link JWT_IN_TEXT}). */
export function holdsJsonWebToken(text: string): boolean {
  return text.includes('eyJ') && new RegExp(JWT_IN_TEXT.source).test(text);
}

/**
 * Whether a URL's user name is a token (a known token prefix, or long and random: 24 characters
 * or more with letters and digits), as Git hosts let one stand in for a password. A short name
 * (an Azure DevOps organisation, `git`, `oauth2`, `x-access-token`) is not.
 */
export function isTokenUser(user: string): boolean {
  return TOKEN_PREFIX.test(user) || (user.length >= 24 && /[0-9]/.test(user) && /[A-Za-z]/.test(user));
}

/** The first index in `s[from, end)` of one of `chars`, or -1. */
function indexOfAny(s: string, chars: string, from: number, end: number): number {
  for (let i = from; i < end; i++) if (chars.includes(s[i]!)) return i;
  return -1;
}

/**
 * The user information of a URL whose `scheme://` ends at `start` of `s` and which ends at
 * `end`, or undefined where it has none; `lastAt` is the last `@` in `s[start, end)` (or -1). A
 * password ends at the last `@` of the URL (a password pasted as it is may hold `/`, `?`, `#` or
 * `@`); a user alone ends at the last `@` before the path. A `:` followed by digits only, up to
 * the path or the end, is a port. Reads only up to the path, so that a text is read in linear time.
 */
function userInfoAt(s: string, start: number, end: number, lastAt: number): UserInfo | undefined {
  const first = indexOfAny(s, ':@/?#', start, end);
  if (first === -1) return undefined;
  if (s[first] === ':') {
    let i = first + 1;
    while (i < end && s[i]! >= '0' && s[i]! <= '9') i++;
    if (i === end || '/?#'.includes(s[i]!) || lastAt < first) return undefined;
    return { user: s.slice(start, first), password: s.slice(first + 1, lastAt), length: lastAt + 1 - start };
  }
  if (s[first] !== '@') return undefined;
  const authorityEnd = indexOfAny(s, '/?#', first, end);
  const at = s.lastIndexOf('@', (authorityEnd === -1 ? end : authorityEnd) - 1);
  const info = s.slice(start, at);
  const colon = info.indexOf(':');
  return colon === -1
    ? { user: info, length: at + 1 - start }
    : { user: info.slice(0, colon), password: info.slice(colon + 1), length: at + 1 - start };
}

/** A token found by {@link TOKEN_IN_TEXT} as `***`; a name that only looks like one as it is. */
function hiddenToken(found: string): string {
  return /[0-9A-Z]/.test(found.slice(found.search(/[_-]/) + 1)) ? '***' : found;
}

/** Whether `text` holds a token of those hosts ({@link TOKEN_IN_TEXT}), not a name that only looks like one. */
export function holdsToken(text: string): boolean {
  for (const m of text.matchAll(TOKEN_IN_TEXT)) if (hiddenToken(m[0]) === '***') return true;
  return false;
}

/** A URL's scheme and `//`, at the start of a text. */
const SCHEME_AT_START = /^[a-z][a-z0-9+.-]*:\/\//i;
/** What ends a URL quoted in a text: white space, quotes and angle brackets. */
const URL_END = /[\s"'`<>]/g;

/** The user information of a URL as a message may show it: a password and a token user as `***`. */
function shownUserInfo(info: UserInfo): string {
  return `${isTokenUser(info.user) ? '***' : info.user}${info.password === undefined ? '' : ':***'}@`;
}

/** Whether a user information holds a secret: a password or a token as the user. */
function isSecret(info: UserInfo | undefined): info is UserInfo {
  return info !== undefined && (info.password !== undefined || isTokenUser(info.user));
}

/** The user information of `url` (which starts with its scheme), or undefined where it has none. */
function userInfoOf(url: string): UserInfo | undefined {
  const scheme = SCHEME_AT_START.exec(url);
  return scheme === null ? undefined : userInfoAt(url, scheme[0].length, url.length, url.lastIndexOf('@'));
}

/** Whether `url`'s user information holds a password or a token. */
export function holdsCredentials(url: string): boolean {
  return isSecret(userInfoOf(url));
}

/**
 * `url` as a message may show it: a password or token in its user information, and what of its
 * query or fragment may be a credential (`?access_token=…`), replaced by `***`; the rest as it is,
 * so that a message about a character of the URL shows it.
 *
 * @example
 * redactUrl('https://ghp_abc…@github.com/o/r.git?ref=v1&x'); // 'https://***@github.com/o/r.git?ref=***&x'
 * redactUrl('https://git.example.com/apps/alph?.git'); // 'https://git.example.com/apps/alph?.git'
 */
export function redactUrl(url: string): string {
  const scheme = SCHEME_AT_START.exec(url)?.[0] ?? '';
  const info = userInfoOf(url);
  const cut = scheme.length + (info?.length ?? 0);
  const head = isSecret(info) ? scheme + shownUserInfo(info) : url.slice(0, cut);
  return head + redactQuery(url.slice(cut));
}

/**
 * The end of a URL from its path on (`/r.git?a=1#b`) as a message may show it: of its query and
 * its fragment, each parameter's value as `***`, and each name or part without a value that may
 * be a credential (see {@link mayBeCredential}); the path and the rest as they are.
 *
 * @example
 * redactQuery('/r.git?private_token=T0KEN&x#main'); // '/r.git?private_token=***&x#main'
 */
export function redactQuery(rest: string): string {
  const hash = rest.indexOf('#');
  const question = rest.indexOf('?');
  const query = question !== -1 && (hash === -1 || question < hash) ? question : -1;
  const pathEnd = query !== -1 ? query : hash !== -1 ? hash : rest.length;
  return (
    rest.slice(0, pathEnd) +
    (query === -1 ? '' : `?${shownParameters(rest.slice(query + 1, hash === -1 ? rest.length : hash))}`) +
    (hash === -1 ? '' : `#${shownParameters(rest.slice(hash + 1))}`)
  );
}

/**
 * A query or fragment (without its `?` or `#`) as a message may show it: its parts (split at
 * `&`) each as `name=***`, and a name or a part without `=` that may be a credential as `***`.
 */
function shownParameters(text: string): string {
  return text
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1) return mayBeCredential(part) ? '***' : part;
      const name = part.slice(0, eq);
      return `${mayBeCredential(name) ? '***' : name}=${eq === part.length - 1 ? '' : '***'}`;
    })
    .join('&');
}

/**
 * Whether a part of a URL's query or fragment without a value (or a parameter's name) may be a
 * credential: it holds a digit, is 16 characters or more, or holds a token of a Git host
 * ({@link holdsToken}). Tokens mix letters and digits and are long; a word (`main`, `.git`) is none.
 */
function mayBeCredential(part: string): boolean {
  return /[0-9]/.test(part) || part.length >= 16 || holdsToken(part);
}

/**
 * `text` with the password, and the token standing as the user, of every URL in it shown as
 * `***`, and any token of a Git host's form (`ghp_…`, `glpat-…`) or JSON Web Token (`eyJ…`)
 * wherever it stands (a query, an answer of Argo CD): a problem or a note quotes what it was given
 * (a ledger's field, a repository URL, a Git error, a message of Argo CD), and never a credential with it. A URL ends at white space, a quote or an angle bracket.
 *
 * @example
 * withoutPasswords('received "https://admin:s3cr3t@git.example.com/x"'); // 'received "https://admin:***@git.example.com/x"'
 * withoutPasswords('cloning https://glpat-…@gitlab.com/g/r failed'); // 'cloning https://***@gitlab.com/g/r failed'
 */
export function withoutPasswords(text: string): string {
  if (!text.includes('://')) return withoutTokens(text);
  let out = '';
  let from = 0;
  for (const { start, info } of credentialsOfUrls(text)) {
    if (start < from) continue;
    out += text.slice(from, start) + shownUserInfo(info);
    from = start + info.length;
  }
  return withoutTokens(out + text.slice(from));
}

/** `text` with the tokens of Git hosts ({@link TOKEN_IN_TEXT}) and JSON Web Tokens in it shown as `***`. */
function withoutTokens(text: string): string {
  const hidden = text.replace(TOKEN_IN_TEXT, hiddenToken);
  return hidden.includes('eyJ') ? hidden.replace(JWT_IN_TEXT, '***') : hidden;
}

/**
 * The credentials of the URLs in `text`: the password of each, or the token standing as its
 * user, as it is written (a reference such as `$(DB_PASSWORD)` included).
 *
 * @example
 * urlCredentials('dsn: smtp://me@corp.com:s3cr3t#1@mail'); // ['s3cr3t#1']
 */
export function urlCredentials(text: string): string[] {
  return text.includes('://') ? [...credentialsOfUrls(text)].map(({ info }) => info.password ?? info.user) : [];
}

/** The user information holding a secret of each URL in `text`, and where it starts. */
function* credentialsOfUrls(text: string): Generator<{ start: number; info: UserInfo }> {
  // The URL the last "://" found is in, as far as it goes, and the last "@" in it.
  let end = -1;
  let lastAt = -1;
  // Each "://" after a scheme's last character; found by indexOf, as a pattern for the whole
  // scheme would read a long word again from each of its letters.
  for (let sep = text.indexOf('://'); sep !== -1; sep = text.indexOf('://', sep + 1)) {
    if (sep === 0 || !/[a-z0-9+.-]/i.test(text[sep - 1]!)) continue;
    const start = sep + 3;
    if (start > end) {
      URL_END.lastIndex = start;
      end = URL_END.exec(text)?.index ?? text.length;
      lastAt = end - 1;
      while (lastAt >= start && text[lastAt] !== '@') lastAt--;
    }
    const info = userInfoAt(text, start, end, lastAt);
    if (isSecret(info)) yield { start, info };
  }
}
