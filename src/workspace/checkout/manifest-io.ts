/**
 * Reading the manifest of a checkout and its shards, without following a link.
 *
 * @module
 */
import { Checkout } from './checkout-fs';
import { readKnownText } from './known-texts';
import { assertShardFileName, MANIFEST_PATH, MANIFEST_SHARDS_DIR, Manifest, parseManifest } from '../../synth/manifest';

/**
 * The texts of the manifest and its shards in a checkout, by repository path. A file in the
 * shards' directory that is not named as a shard fails with `CG401`; so does a shard that is
 * not a regular file (`CG402`) or is reached through a symbolic link (`CG408`). A command reads
 * the manifest several times: a file known by its stat is not read again (see `readKnownText`).
 */
export function readManifestTexts(dir: string): Map<string, string> {
  const checkout = new Checkout(dir);
  const texts = new Map<string, string>();
  const main = readKnownText(checkout, MANIFEST_PATH);
  if (main !== undefined) texts.set(MANIFEST_PATH, main);
  if (checkout.kind(MANIFEST_SHARDS_DIR) === 'missing') return texts;
  for (const d of checkout.list(MANIFEST_SHARDS_DIR)) {
    const rel = `${MANIFEST_SHARDS_DIR}/${d.name}`;
    assertShardFileName(rel, d.name);
    const text = readKnownText(checkout, rel);
    if (text !== undefined) texts.set(rel, text);
  }
  return texts;
}

/** Reads the manifest of a checkout, with its shards; an absent manifest is an empty one. */
export function readManifest(dir: string): Manifest {
  return parseManifest(readManifestTexts(dir));
}
