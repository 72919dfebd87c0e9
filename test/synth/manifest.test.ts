import { MANIFEST_PATH, Manifest, ManifestEntry, manifestShardPath, parseManifest, serializeManifest } from '../../src/synth/manifest';

const SHA = (c: string): string => c.repeat(64);

function entry(sha: string, service?: string): ManifestEntry {
  return service === undefined ? { sha256: SHA(sha), key: 'k' } : { sha256: SHA(sha), key: 'k', service };
}

/** A manifest of two services' values files and the status page, as a write serializes it. */
function texts(files: Record<string, ManifestEntry>): Map<string, string> {
  const status: ManifestEntry = { sha256: '', key: '', derived: true };
  const m: Manifest = { files: new Map([...Object.entries(files), ['STATUS.md', status]]), inputs: 'a'.repeat(40) };
  return serializeManifest(m);
}

const A = 'environments/dev/aws/c1/svc-a/values.yaml';
const B = 'environments/dev/aws/c1/svc-b/values.yaml';

describe('parseManifest', () => {
  test('reads each version of a shard as it is: a shard read before with other content is parsed anew', () => {
    const before = texts({ [A]: entry('1', 'svc-a'), [B]: entry('2', 'svc-b') });
    const after = texts({ [A]: entry('3', 'svc-a'), [B]: entry('2', 'svc-b') });
    expect(parseManifest(before).files.get(A)?.sha256).toBe(SHA('1'));
    expect(parseManifest(after).files.get(A)?.sha256).toBe(SHA('3'));
    // And back: the first version again, after the second was read.
    expect(parseManifest(before).files.get(A)?.sha256).toBe(SHA('1'));
    expect(parseManifest(after).files.get(B)).toEqual(entry('2', 'svc-b'));
  });

  test('finds a shard edited by hand after its sealed text was read (its seal no longer holds)', () => {
    const sealed = texts({ [A]: entry('1', 'svc-a'), [B]: entry('2', 'svc-b') });
    expect(parseManifest(sealed).edited).toBeUndefined();
    const shard = manifestShardPath('svc-b');
    const edited = new Map(sealed).set(shard, sealed.get(shard)!.replace(SHA('2'), SHA('9')));
    const m = parseManifest(edited);
    expect(m.edited).toEqual([shard]);
    expect(m.files.get(B)?.sha256).toBe(SHA('9'));
  });

  test('refuses a file that two files of the manifest record, whichever were read before (CG401)', () => {
    const one = texts({ [A]: entry('1', 'svc-a'), [B]: entry('2', 'svc-b') });
    parseManifest(one);
    // The manifest itself records svc-b's values file too: a record planted beside its shard's.
    const main = one
      .get(MANIFEST_PATH)!
      .replace('  "files": {\n', `  "files": {\n    ${JSON.stringify(B)}: {"sha256": "${SHA('2')}", "key": "k"},\n`);
    expect(() => parseManifest(new Map(one).set(MANIFEST_PATH, main))).toThrow(
      new RegExp(`CG401.*${manifestShardPath('svc-b')} records "${B}", which another file of the manifest records too`),
    );
    // Read alone, each file is as cdk8s-gitops writes it.
    expect(parseManifest(one).files.size).toBe(3);
  });

  test('refuses a shard that is not one, each time it is read (CG401)', () => {
    const one = texts({ [A]: entry('1', 'svc-a') });
    const bad = new Map(one).set(manifestShardPath('svc-a'), '{"generator": "someone else"}');
    expect(() => parseManifest(bad)).toThrow(/CG401.*is not a shard of the manifest/);
    expect(() => parseManifest(bad)).toThrow(/CG401.*is not a shard of the manifest/);
    expect(parseManifest(one).files.get(A)?.sha256).toBe(SHA('1'));
  });
});
