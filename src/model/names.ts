/** Checks for the names that become Kubernetes names, labels and repository paths. */
import { DNS1123_LABEL, DNS1123_SUBDOMAIN, MAX_LABEL_LENGTH, MAX_SUBDOMAIN_LENGTH } from '../core/kube-names';
import { holdsCredentials } from '../core/url-credentials';

/** What a URL's credentials look like, and a URL shown without them: see `core/url-credentials.ts`. */
export { holdsCredentials, redactUrl } from '../core/url-credentials';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Kubernetes limits that bind generated names. */
export const NAME_LIMITS = {
  /** DNS-1123 label: namespaces, label values, path segments. */
  label: MAX_LABEL_LENGTH,
  /** DNS-1123 subdomain: Application and AppProject names. */
  subdomain: MAX_SUBDOMAIN_LENGTH,
  /** Helm release names. */
  helmRelease: 53,
} as const;

/**
 * Letters of other scripts that look like ASCII letters, as they turn up in names typed on
 * another keyboard layout or pasted from documents. Fullwidth forms are handled by NFKC.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  // Greek
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  // Dashes and spaces
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u00a0': ' ',
};

/** The ASCII character a non-ASCII one is mistaken for, if any. */
function lookAlike(ch: string): string | undefined {
  const lower = ch.toLowerCase();
  const mapped = LOOK_ALIKES[ch] ?? LOOK_ALIKES[lower];
  if (mapped) return mapped;
  const folded = ch.normalize('NFKC');
  return /^[\x20-\x7e]$/.test(folded) ? folded : undefined;
}

/**
 * Why a name holds a character outside printable ASCII, naming the first one by code point
 * (so invisible and look-alike characters show), or undefined when it has none.
 */
export function nonAsciiProblem(name: string): string | undefined {
  if (PRINTABLE_ASCII.test(name)) return undefined;
  const ch = [...name].find((c) => !/^[\x20-\x7e]$/.test(c));
  if (ch === undefined) return undefined;
  const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const like = lookAlike(ch);
  const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `"${ch}" (${code})` : code;
  return like
    ? `it contains ${shown}, a non-ASCII character that looks like "${like}"`
    : `it contains ${shown}, ${ch.codePointAt(0)! < 0x80 ? 'a control character' : 'a character that is not ASCII'}`;
}

/** Returns why `name` is not a DNS-1123 label, or undefined when it is one. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  const unicode = nonAsciiProblem(name);
  if (unicode) return unicode;
  if (name.length > NAME_LIMITS.label) return `it is ${name.length} characters long (at most ${NAME_LIMITS.label})`;
  if (!DNS1123_LABEL.test(name)) {
    return 'it must consist of lower-case letters, digits and "-", and start and end with a letter or digit';
  }
  return undefined;
}

/** Returns why `name` is not a DNS-1123 subdomain, or undefined when it is one. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  const unicode = nonAsciiProblem(name);
  if (unicode) return unicode;
  if (name.length > NAME_LIMITS.subdomain) return `it is ${name.length} characters long (at most ${NAME_LIMITS.subdomain})`;
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return 'it must consist of lower-case letters, digits, "-" and ".", and start and end with a letter or digit';
  }
  return undefined;
}

/** Turns an arbitrary string into a suggestion that is a DNS-1123 label. */
export function suggestLabel(name: string): string {
  const s = [...name]
    .map((c) => LOOK_ALIKES[c] ?? LOOK_ALIKES[c.toLowerCase()] ?? c)
    .join('')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, NAME_LIMITS.label)
    .replace(/-+$/g, '');
  return s || 'name';
}

/**
 * Why `revision` is not a Git revision cdk8s-gitops can write and read back (a commit SHA, a tag,
 * a branch, `HEAD`, `refs/…`: letters, digits and `._/+-`, not starting with `-`, no `..`, a name
 * Git accepts for a ref), or undefined.
 */
export function gitRevisionProblem(revision: string): string | undefined {
  if (!/^[A-Za-z0-9._/+-]{1,250}$/.test(revision)) return 'it holds characters other than letters, digits and "._/+-", or is empty';
  if (revision.startsWith('-')) return 'it starts with "-"';
  if (revision.includes('..')) return 'it holds ".."';
  // Git's rules for a ref's name (git check-ref-format).
  const parts = revision.split('/');
  if (parts.some((p) => p === '')) return 'it has an empty part (a leading, trailing or double "/")';
  if (parts.some((p) => p.startsWith('.'))) return 'a part of it starts with "."';
  if (parts.some((p) => p.endsWith('.lock'))) return 'a part of it ends with ".lock"';
  if (revision.endsWith('.')) return 'it ends with "."';
  return undefined;
}

/**
 * Returns why `p` is not a safe relative directory inside the repository, or undefined.
 * Safe: `/`-separated segments of `[A-Za-z0-9._-]`, no `.` or `..`, not hidden, not `.git`.
 */
export function relativeDirProblem(p: string): string | undefined {
  if (p.length === 0) return 'it is empty';
  if (p.startsWith('/')) return 'it is absolute';
  for (const seg of p.split('/')) {
    if (seg === '') return 'it has an empty segment';
    if (seg === '.' || seg === '..') return `it has a "${seg}" segment`;
    if (seg.startsWith('.')) return `segment "${seg}" is hidden`;
    if (!/^[A-Za-z0-9._-]+$/.test(seg)) return `segment "${seg}" has characters other than letters, digits, ".", "_" and "-"`;
  }
  return undefined;
}

/** Why a URL with a password in it is refused. */
export const PASSWORD_PROBLEM =
  'it holds a password or token in its userinfo, which would be committed to the GitOps repository; Argo CD takes credentials from a repository Secret';

/**
 * A scp-like Git URL (`git@host:path`) as the `ssh://` URL it stands for (`ssh://git@host/path`);
 * any other URL as it is.
 */
export function sshUrlOf(url: string): string {
  const scp = /^(git@[^:/]+):(.+)$/.exec(url);
  return scp === null ? url : `ssh://${scp[1]}/${scp[2].replace(/^\/+/, '')}`;
}

/** Characters Argo CD reads as a pattern in AppProject `sourceRepos` and `destinations`. */
const GLOB = /[*?[\]{}]/;

/**
 * Returns why `url` is not a Git URL Argo CD can clone and an AppProject can list as exactly
 * one repository, or undefined when it is one.
 */
export function repoUrlProblem(url: string): string | undefined {
  if (holdsCredentials(url)) return PASSWORD_PROBLEM;
  if (!/^(https?|ssh|git):\/\/|^git@/.test(url)) return 'it is not a Git URL (https://, ssh://, git:// or git@)';
  if (/\s/.test(url)) return 'it contains white space';
  if (GLOB.test(url)) return `it contains "${url.match(GLOB)![0]}", which Argo CD reads as a pattern matching other repositories`;
  if (url.includes('#')) return 'it has a fragment ("#…"), which Git does not read';
  return undefined;
}

/** Returns why a cluster destination name would not name exactly one cluster, or undefined. */
export function destinationProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (/\s/.test(name)) return 'it contains white space';
  if (GLOB.test(name) || name.startsWith('!'))
    return `it contains "${name.match(GLOB)?.[0] ?? '!'}", which Argo CD reads as a pattern matching other clusters`;
  return undefined;
}
