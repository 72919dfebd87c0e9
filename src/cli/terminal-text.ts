/**
 * Text from outside (an Argo CD's messages, names and versions) as a terminal may show it.
 *
 * @module
 */
import type { OutputStream } from '../core/streams';

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
  // JSON.stringify escapes C0 controls in strings itself: a raw one in its output is its own line break.
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\p{Cf}\u2028\u2029]/gu, escaped);
}

/** The escape character, which starts the colours the CLI writes itself. */
const ESC = String.fromCharCode(0x1b);

/**
 * What a terminal may act on in the CLI's own output: controls but the line feed and the tab
 * (`\p{Cc}` is U+0000–U+001F and U+007F–U+009F), format characters and the line and paragraph
 * separators; and the colours the CLI writes itself (`[+]` green, `[-]` red, `[~]` yellow, then
 * reset).
 */
const ACTED_ON = new RegExp(`${ESC}\\[(?:0|3[123])m|[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\p{Cf}\\u2028\\u2029]`, 'gu');

/** Each UTF-16 unit of `s` as a JSON escape, `\u001b`: valid inside a JSON string, and inert. */
function escaped(s: string): string {
  return [...Array(s.length).keys()].map((i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
}

/**
 * `text` as the CLI writes it: each character a terminal would act on (an escape, a carriage
 * return, a bidirectional override) written as its JSON escape (`\u001b`), so that a name, a
 * path or a commit subject from a checkout can neither move the cursor, retitle the window nor
 * hide text. Lines and tabs stay; with `colours`, so do the CLI's own colours. JSON stays JSON
 * (a control character is only ever inside one of its strings, where the escape means the same).
 *
 * @example
 * inertText('evil\x1b[2J\n', false); // 'evil\\u001b[2J\n'
 */
export function inertText(text: string, colours: boolean): string {
  return text.replace(ACTED_ON, (m) => {
    if (m.length > 2) return colours ? m : `${escaped(ESC)}${m.slice(1)}`;
    return escaped(m);
  });
}

/**
 * `stream` writing {@link inertText} of what it is given; the stream itself, for the program's
 * own output, as `unfiltered`.
 */
export function inertStream(stream: OutputStream, colours: boolean): OutputStream {
  return {
    isTTY: stream.isTTY === true,
    write: (text: string) => stream.write(inertText(text, colours)),
    unfiltered: stream.unfiltered ?? stream,
  };
}
