/**
 * Where the stat cache of a checkout is kept (see `DriftCheck`): in the Git directory, one
 * small file per bucket of paths and an index, so that a command that looks at a few owned files
 * (a promotion) reads and writes the buckets of those files only, not the whole cache of a fleet.
 * A bucket is a line naming its format, then each path and its entry, every one ended by NUL
 * (which no path or entry holds): read with one `split`, where JSON took several times as long
 * for the 26,000 entries of a fleet.
 *
 * @module
 */
import { createHash } from 'crypto';
import { LocalState } from './local-state';

/**
 * Manifests trusted at once: a published promotion leaves its own, then puts back the one before
 * (`HEAD`'s) for the program's commit, which it trusts again.
 */
export const TRUSTED_MANIFESTS = 4;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Buckets of paths; a fleet of 26,000 owned files puts about a hundred in each. */
const BUCKETS = 256;
const VERSION = 3;
/** The first line of a bucket of {@link VERSION}. */
const BUCKET_HEAD = `cdk8s-gitops stat cache ${VERSION}\n`;
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The bucket of a repository path: FNV-1a of its UTF-16 code units, modulo {@link BUCKETS}. */
function bucketOf(rel: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < rel.length; i++) {
    h ^= rel.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

/**
 * The stat cache's entries, by repository path, read bucket by bucket as they are asked for;
 * and the digests of the manifests whole trees last found or left. Nothing is read or written
 * outside the checkout's local state; a file that is not one this code wrote counts as empty.
 */
export class StatCacheStore {
  /** The store of the checkout whose local state is `state` (none outside Git: always empty, never saved). */
  public static open(state: LocalState | undefined): StatCacheStore {
    const dir = state === undefined ? undefined : cacheDir(state);
    const store = new StatCacheStore(state, dir);
    const index = store.readIndex();
    // The version before kept the last one only, as `manifest` (still written, for it).
    const listed = Array.isArray(index?.manifests) ? index.manifests : [index?.manifest];
    store.manifests = listed.filter((d): d is string => typeof d === 'string' && SHA256_HEX.test(d)).slice(0, TRUSTED_MANIFESTS);
    store.earlier = index?.version === EARLIER_VERSION;
    return store;
  }

  /**
   * The {@link manifestDigest}s of the manifests whole trees last found or left in this
   * checkout, the last first (at most {@link TRUSTED_MANIFESTS}).
   */
  public manifests: readonly string[] = [];
  /** Whether the index is of the version before: its buckets (JSON files) are removed by the next save. */
  private earlier = false;
  private readonly buckets: (Map<string, string> | undefined)[] = new Array(BUCKETS);

  private constructor(
    private readonly state: LocalState | undefined,
    private readonly dir: string | undefined,
  ) {}

  /** The entry cached for `rel`, if any. */
  public get(rel: string): string | undefined {
    return this.bucket(bucketOf(rel)).get(rel);
  }

  /**
   * Writes the index with {@link StatCacheStore.manifest} and the buckets of `changed` (paths whose
   * entries this run found or wrote): in each, the entry `entryOf` gives for every path of
   * `paths` (the owned files) that falls in it, if any. A cache that cannot be written costs time
   * on the next run, nothing else.
   */
  public save(
    paths: Iterable<string>,
    changed: Iterable<string>,
    entryOf: (rel: string, cached: string | undefined) => string | undefined,
  ): void {
    if (this.state === undefined || this.dir === undefined) return;
    const dirty = new Set<number>();
    for (const rel of changed) dirty.add(bucketOf(rel));
    const inBucket = new Map<number, string[]>([...dirty].map((b) => [b, []]));
    for (const rel of paths) inBucket.get(bucketOf(rel))?.push(rel);
    try {
      for (const [b, rels] of inBucket) {
        const cached = this.bucket(b);
        const entries = new Map<string, string>();
        let text = BUCKET_HEAD;
        for (const rel of rels.sort()) {
          const entry = entryOf(rel, cached.get(rel));
          // Neither an owned path (see isOwnablePath) nor an entry holds NUL; should one, it is left
          // out (its file is read next time), and the bucket still splits into pairs.
          if (entry === undefined || rel.includes('\0') || entry.includes('\0')) continue;
          entries.set(rel, entry);
          text += `${rel}\0${entry}\0`;
        }
        this.state.gitDir.writeFile(`${this.dir}/${bucketName(b)}`, text);
        this.buckets[b] = entries;
      }
      this.state.gitDir.writeFile(
        `${this.dir}/index.json`,
        JSON.stringify({
          version: VERSION,
          ...(this.manifests.length > 0 ? { manifest: this.manifests[0], manifests: this.manifests } : {}),
        }),
      );
      // The whole cache in one file, as the first version kept it; the JSON buckets of the second.
      this.state.gitDir.remove(`${this.dir}.json`);
      if (this.earlier) for (let b = 0; b < BUCKETS; b++) this.state.gitDir.remove(`${this.dir}/${bucketName(b)}.json`);
      this.earlier = false;
    } catch {
      // Read-only Git directory, full disk: the next run reads the files again.
    }
  }

  private bucket(b: number): Map<string, string> {
    let entries = this.buckets[b];
    if (entries === undefined) {
      entries = new Map();
      const text = this.read(bucketName(b));
      if (text?.startsWith(BUCKET_HEAD)) {
        const fields = text.slice(BUCKET_HEAD.length).split('\0');
        // Each path and entry ends with NUL: a whole bucket splits into pairs and one empty field.
        if (fields.length % 2 === 1) for (let i = 0; i + 1 < fields.length; i += 2) entries.set(fields[i], fields[i + 1]);
      }
      this.buckets[b] = entries;
    }
    return entries;
  }

  /** The index, when it is one this code wrote (of this version or the one before). */
  private readIndex(): { version: number; manifest?: unknown; manifests?: unknown } | undefined {
    try {
      const data = JSON.parse(this.read('index.json') ?? 'null');
      return data !== null && typeof data === 'object' && (data.version === VERSION || data.version === EARLIER_VERSION) ? data : undefined;
    } catch {
      return undefined; // not a cache this code wrote: every owned file in it is read once
    }
  }

  private read(name: string): string | undefined {
    if (this.state === undefined || this.dir === undefined) return undefined;
    try {
      return this.state.gitDir.read(`${this.dir}/${name}`, MAX_FILE_BYTES);
    } catch {
      return undefined; // a link, a directory: not a cache this code wrote
    }
  }
}

/** The version before {@link VERSION}, whose buckets were JSON files: their index is read, never their buckets. */
const EARLIER_VERSION = 2;

/** The file of bucket `b` (`0a`); the version before named it `0a.json`. */
function bucketName(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** The cache of one checkout of the repository (several may share its Git directory). */
function cacheDir(state: LocalState): string {
  const id = createHash('sha256').update(state.checkout).digest('hex').slice(0, 16);
  return `cdk8s-gitops/stat-cache/${id}`;
}
