/**
 * Text from outside (an Argo CD's messages, names and versions) as a terminal may show it.
 *
 * @module
 */
import { randomUUID } from 'crypto';
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
 * What a terminal may act on in the CLI's output: controls but the line feed and the tab
 * (`\p{Cc}` is U+0000–U+001F and U+007F–U+009F), format characters and the line and paragraph
 * separators.
 */
// eslint-disable-next-line no-control-regex -- the controls a terminal acts on are what it finds
const ACTED_ON = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

/** Each UTF-16 unit of `s` as a JSON escape, `\u001b`: valid inside a JSON string, and inert. */
function escaped(s: string): string {
  return [...Array(s.length).keys()].map((i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
}

/** The colour of each mark the CLI colours: `[+]` green, `[-]` red, `[~]` yellow. */
const MARK_COLOURS: Readonly<Record<string, string>> = { '[+]': '32', '[-]': '31', '[~]': '33' };

/**
 * What stands before a mark the CLI colours, in the text it writes, until its output stream
 * colours it: made anew for each run, so no name, path or message from a checkout holds it.
 */
const MARK_TOKEN = `\u0000${randomUUID()}`;

/**
 * A mark (`[+]`, `[-]`, `[~]`) as the CLI writes it, for {@link inertText} to colour where
 * colours are on: a name or a path that holds a colour of its own cannot pass for one.
 *
 * @example
 * inertText(`${styledMark('[+]')} a.yaml`, true); // '\x1b[32m[+]\x1b[0m a.yaml'
 */
export function styledMark(mark: string): string {
  return MARK_COLOURS[mark] === undefined ? mark : `${MARK_TOKEN}${mark}`;
}

/**
 * `text` as the CLI writes it: each character a terminal would act on (an escape, a carriage
 * return, a bidirectional override) written as its JSON escape (`\u001b`), so that a name, a
 * path or a commit subject from a checkout can neither move the cursor, retitle the window, hide
 * text nor colour it. Lines and tabs stay. The marks of {@link styledMark} are coloured with
 * `colours`, and written plain without. JSON stays JSON (a control character is only ever inside
 * one of its strings, where the escape means the same).
 *
 * @example
 * inertText('evil\x1b[2J\n', true); // 'evil\\u001b[2J\n'
 */
export function inertText(text: string, colours: boolean): string {
  const [first, ...marked] = text.split(MARK_TOKEN);
  let shown = inert(first);
  for (const piece of marked) {
    const mark = piece.slice(0, 3);
    shown += `${colours ? `${ESC}[${MARK_COLOURS[mark]}m${mark}${ESC}[0m` : mark}${inert(piece.slice(3))}`;
  }
  return shown;
}

/** `text` with each character of {@link ACTED_ON} as its escape. */
function inert(text: string): string {
  return text.replace(ACTED_ON, escaped);
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
