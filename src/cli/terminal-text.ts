/**
 * Text from outside (an Argo CD's messages, names and versions) as a terminal may show it.
 *
 * @module
 */

/**
 * Characters a terminal may act on rather than show: C0 and C1 controls (escapes, line breaks),
 * format characters (bidirectional overrides and isolates, zero-width ones) and the line and
 * paragraph separators.
 */
const UNSHOWN = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** Text from Argo CD as a terminal may show it: each character a terminal would act on as `?`. */
export function printable(text: string): string {
  return text.replace(UNSHOWN, '?');
}

/** JSON of `value` with the characters of {@link printable} escaped (`\u009b`): JSON all the same, inert in a terminal. */
export function printableJson(value: unknown): string {
  const escape = (c: string): string =>
    [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  // JSON.stringify escapes C0 controls in strings itself: a raw one in its output is its own line break.
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\p{Cf}\u2028\u2029]/gu, escape);
}
