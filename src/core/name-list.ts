/** Names listed in a message: all of a few, some of many (a fleet has thousands). */

/** How many names a message lists before it counts the rest. */
export const NAMES_SHOWN = 10;

/**
 * `a`, `a and b`, `a, b and c`; past `shown` names, the first `shown` and how many more
 * (`a, b, c and 997 more`). One name more than `shown` is listed rather than counted.
 *
 * @example
 * someNames(['payments-api', 'orders-api', 'checkout']); // 'payments-api, orders-api and checkout'
 * someNames(services, 3); // 'svc-0001, svc-0002, svc-0003 and 997 more'
 */
export function someNames(names: readonly string[], shown = NAMES_SHOWN): string {
  const listed = names.length > shown + 1 ? [...names.slice(0, shown), `${names.length - shown} more`] : names;
  return listed.length <= 1 ? (listed[0] ?? '') : `${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}`;
}
