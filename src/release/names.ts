/** A DNS-1123 label: what service and ring names must be (lower case, digits, `-`, at most 63). */
export const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Returns true when `s` is a valid service or ring name. */
export function isName(s: unknown): s is string {
  return typeof s === 'string' && NAME_PATTERN.test(s);
}

/** The repository-relative path of a service's ledger: `releases/<service>.yaml`. */
export function ledgerPath(service: string): string {
  return `releases/${service}.yaml`;
}
