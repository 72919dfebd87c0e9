/**
 * The syntax of Kubernetes names, once: DNS-1123 labels (namespaces, path segments, service and
 * ring names), DNS-1123 subdomains (Application and AppProject names) and label values.
 *
 * @module
 */

/** Longest DNS-1123 label. */
export const MAX_LABEL_LENGTH = 63;
/** Longest DNS-1123 subdomain. */
export const MAX_SUBDOMAIN_LENGTH = 253;
/** Longest label value. */
export const MAX_LABEL_VALUE_LENGTH = 63;

/** A DNS-1123 label, length aside: lower-case letters, digits and `-`, starting and ending with a letter or digit. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain, length aside: DNS-1123 labels joined by `.`. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A label value, length aside: empty, or letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Whether `name` is a DNS-1123 label (at most 63 characters). */
export function isDns1123Label(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_LABEL_LENGTH && DNS1123_LABEL.test(name);
}

/** Whether `name` is a DNS-1123 subdomain (at most 253 characters). */
export function isDns1123Subdomain(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_SUBDOMAIN_LENGTH && DNS1123_SUBDOMAIN.test(name);
}

/** Whether `value` is a valid label value (at most 63 characters; empty is valid). */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_LABEL_VALUE_LENGTH && LABEL_VALUE.test(value);
}

/** A label key's name part, length aside: as a label value, but not empty. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Whether `key` is a valid label key: `[<DNS-1123 subdomain>/]<name>`, the name at most 63 characters. */
export function isLabelKey(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const slash = key.indexOf('/');
  const name = key.slice(slash + 1);
  return (slash === -1 || isDns1123Subdomain(key.slice(0, slash))) && name.length <= MAX_LABEL_VALUE_LENGTH && LABEL_NAME.test(name);
}
