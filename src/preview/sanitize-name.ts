import { goToLower } from './go-strings';

const MAX_DNS_NAME_LENGTH = 253;

/**
 * Argo CD's `utils.SanitizeName`, behind `.path.basenameNormalized` and the `normalize`
 * template function: lower-case, replace every rune outside `[-a-z0-9.]` with `-`, cut to
 * 253 bytes, then trim `-` and `.` from both ends.
 *
 * @example
 * sanitizeName('My_Service'); // 'my-service'
 */
export function sanitizeName(name: string): string {
  let out = goToLower(name).replace(/[^-a-z0-9.]/gu, '-');
  // Every rune is now ASCII, so characters are bytes.
  if (out.length > MAX_DNS_NAME_LENGTH) {
    out = out.slice(0, MAX_DNS_NAME_LENGTH);
  }
  return out.replace(/^[-.]+/, '').replace(/[-.]+$/, '');
}
