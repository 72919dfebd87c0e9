import * as fs from 'fs';
import * as path from 'path';
import { ManifestEntry, serializeManifest } from '../../src/synth/manifest';
import { readManifest } from '../../src/workspace/checkout/manifest-io';

/**
 * Records `entry` for the repository path `file` in the manifest of the checkout `dir` (in the
 * shard of `entry.service`, if it names one), as a planted or hand-made entry would be; every
 * other entry and the recorded inputs stay as they are.
 */
export function recordInManifest(dir: string, file: string, entry: ManifestEntry): void {
  const manifest = readManifest(dir);
  const files = new Map(manifest.files).set(file, entry);
  for (const [p, text] of serializeManifest({ ...manifest, files })) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
}
