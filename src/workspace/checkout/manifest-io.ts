/**
 * Reading the manifest of a checkout and its shards, without following a link.
 *
 * @module
 */
import { Checkout } from './checkout-fs';
import { settled, statKey } from './drift';
import { assertShardFileName, MANIFEST_PATH, MANIFEST_SHARDS_DIR, Manifest, parseManifest } from '../../synth/manifest';

/**
 * The texts of the manifest and its shards in a checkout, by repository path. A file in the
 * shards' directory that is not named as a shard fails with `CG401`; so does a shard that is
 * not a regular file (`CG402`) or is reached through a symbolic link (`CG408`).
 *
 * A command reads the manifest several times: a file whose stat is the one it had when last
 * read here, and was changed long enough before that read (see `settled`), is not read again.
 */
export function readManifestTexts(dir: string): Map<string, string> {
  const checkout = new Checkout(dir);
  const known = lastRead?.root === checkout.root ? lastRead.files : new Map<string, ReadText>();
  const files = new Map<string, ReadText>();
  const texts = new Map<string, string>();
  const read = (rel: string): void => {
    const stat = checkout.stat(rel);
    if (stat === undefined) return;
    const key = statKey(stat);
    const before = known.get(rel);
    const text = before !== undefined && before.key === key ? before.text : checkout.read(rel);
    if (text === undefined) return;
    texts.set(rel, text);
    if (settled(stat)) files.set(rel, { key, text });
  };
  read(MANIFEST_PATH);
  if (checkout.kind(MANIFEST_SHARDS_DIR) !== 'missing') {
    for (const d of checkout.list(MANIFEST_SHARDS_DIR)) {
      const rel = `${MANIFEST_SHARDS_DIR}/${d.name}`;
      assertShardFileName(rel, d.name);
      read(rel);
    }
  }
  lastRead = { root: checkout.root, files };
  return texts;
}

/** A file of the manifest as read, and its stat then. */
interface ReadText {
  readonly key: string;
  readonly text: string;
}

/** The files of the manifest last read, of the checkout at `root`. */
let lastRead: { readonly root: string; readonly files: ReadonlyMap<string, ReadText> } | undefined;

/** Reads the manifest of a checkout, with its shards; an absent manifest is an empty one. */
export function readManifest(dir: string): Manifest {
  return parseManifest(readManifestTexts(dir));
}
