/**
 * Texts of a checkout's bookkeeping files (the manifest, the ledgers) as last read by this
 * process, each with what `lstat` said of the file then: a command reads them several times,
 * and a file whose stat has not changed since is not read again.
 *
 * @module
 */
import { Checkout } from './checkout-fs';
import { settled, statKey } from './drift';

/** A file as read, and its stat then. */
interface KnownText {
  readonly key: string;
  readonly text: string;
}

/** The files read, of the checkout at `root` (one checkout at a time: a command works in one). */
let known: { readonly root: string; readonly files: Map<string, KnownText> } | undefined;

/**
 * The text of the regular file at `rel` in `checkout`, as {@link Checkout.read} gives it (a link
 * fails with `CG408`, anything but a regular file with `CG402`), or undefined when nothing is
 * there. When the file's stat is the one it had when this process last read it, and it had not
 * changed for long enough before that read that any later change shows in its stat (the stat
 * cache's racy window, see `settled`), the text read then is given without reading it again.
 */
export function readKnownText(checkout: Checkout, rel: string, maxBytes?: number): string | undefined {
  if (known?.root !== checkout.root) known = { root: checkout.root, files: new Map() };
  const files = known.files;
  const stat = checkout.stat(rel);
  if (stat === undefined) {
    files.delete(rel);
    // A file standing where a directory should be is reported as reading it would.
    return checkout.read(rel, maxBytes);
  }
  const key = statKey(stat);
  const before = files.get(rel);
  if (before !== undefined && before.key === key && (maxBytes === undefined || stat.size <= maxBytes)) return before.text;
  const text = checkout.read(rel, maxBytes);
  if (text !== undefined && settled(stat)) files.set(rel, { key, text });
  else files.delete(rel);
  return text;
}
