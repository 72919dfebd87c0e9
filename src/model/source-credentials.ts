/**
 * Which credentials a reconciler reads a repository with: the one place that matches a
 * repository's URL to the credentials given for URLs.
 *
 * @module
 */
import { sshUrlOf } from './names';
import type { FluxSourceCredentialsModel } from './platform-model';

/**
 * A repository URL as credentials are matched on it: scp-like Git URLs as `ssh://` ones, scheme
 * and host in lower case, without the scheme's default port, a trailing `.git` or `/`.
 */
function matchable(url: string): string {
  // A host alone in scp-like form (`git@host`) names every repository of it over SSH.
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(.*)$/i.exec(/^git@[^:/]+$/.test(url) ? `ssh://${url}` : sshUrlOf(url));
  if (m === null) return url;
  const scheme = m[1].toLowerCase();
  const defaultPort = { https: ':443', http: ':80', ssh: ':22' }[scheme];
  let authority = m[2].toLowerCase().replace(/\.$/, '');
  if (defaultPort !== undefined && authority.endsWith(defaultPort)) authority = authority.slice(0, -defaultPort.length).replace(/\.$/, '');
  return `${scheme}://${authority}${m[3].replace(/\/+$/, '').replace(/\.git$/, '')}`;
}

/**
 * Of `credentials`, those for the repository at `url`: of the ones whose URL is `url` or a prefix
 * of it up to a `/` (compared as {@link matchable} writes them), the longest; undefined where none is.
 */
export function credentialsFor(
  credentials: readonly FluxSourceCredentialsModel[] | undefined,
  url: string,
): FluxSourceCredentialsModel | undefined {
  const repository = matchable(url);
  let found: { c: FluxSourceCredentialsModel; length: number } | undefined;
  for (const c of credentials ?? []) {
    const prefix = matchable(c.url);
    if ((repository === prefix || repository.startsWith(`${prefix}/`)) && (found === undefined || prefix.length > found.length))
      found = { c, length: prefix.length };
  }
  return found?.c;
}
