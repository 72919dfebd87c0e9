/**
 * Which credentials a reconciler reads a repository with: the one place that matches a
 * repository's URL to the credentials given for URLs.
 *
 * @module
 */
import type { FluxSourceCredentialsModel } from './platform-model';

/**
 * Of `credentials`, those for the repository at `url`: of the ones whose URL is `url` or a prefix
 * of it up to a `/`, the longest; undefined where none is.
 */
export function credentialsFor(
  credentials: readonly FluxSourceCredentialsModel[] | undefined,
  url: string,
): FluxSourceCredentialsModel | undefined {
  let found: FluxSourceCredentialsModel | undefined;
  for (const c of credentials ?? []) {
    if ((url === c.url || url.startsWith(`${c.url}/`)) && (found === undefined || c.url.length > found.url.length)) found = c;
  }
  return found;
}
