import * as fs from 'fs';
import { Checkout } from './checkout-fs';
import { contentHash } from '../../synth/file-tree';
import { manifestDigest } from '../../synth/manifest';
import { localState } from './local-state';
import { StatCacheStore, TRUSTED_MANIFESTS } from './stat-cache-store';

/** A file's identity as `lstat` sees it: size, modification and change times, inode. */
export function statKey(s: fs.Stats): string {
  return `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;
}

/**
 * A file modified less than this before it was found unchanged could be modified again within
 * the file system's time resolution, with the same size and times: it is not cached, and is
 * read again next time (Git's "racily clean" entries). A file system that keeps whole seconds
 * only gets a window of two of them.
 */
function racyMs(stat: fs.Stats): number {
  return stat.mtimeMs % 1000 === 0 ? 2000 : 50;
}

/**
 * Whether a file `lstat` saw as `stat` was last changed long enough ago that any change from now
 * on shows in its stat (see {@link statKey}): what was read of it may be known by its stat.
 */
export function settled(stat: fs.Stats): boolean {
  return Date.now() - stat.mtimeMs > racyMs(stat);
}

/**
 * Tells which owned files were changed by hand since cdk8s-gitops wrote them, cheaply. Like
 * Git's index, it keeps a stat cache: for each owned file found to hold the content the
 * manifest records, its size, times and inode, with that content's hash. A file whose stat and
 * recorded hash are as cached holds that content still; any other is read and hashed once.
 *
 * The cache is local state, never committed: in the Git directory of the checkout's
 * repository. A checkout outside Git has none, and every owned file is read each time; a fresh
 * clone's first run reads every owned file once.
 */
export class DriftCheck {
  /** Loads the stat cache of the checkout `checkout` (empty when there is none, or it cannot be read). */
  public static load(checkout: Checkout): DriftCheck {
    return new DriftCheck(checkout, StatCacheStore.open(localState(checkout.root)));
  }

  /**
   * Entries found or written during this run, by path: `<stat key> <sha256>`, and ` <key>` when
   * cdk8s-gitops made that content from that key (see {@link DriftCheck.madeFrom}).
   */
  private readonly fresh = new Map<string, string>();
  /** Files {@link DriftCheck.changed} found to hold the content of this hash during this run. */
  private readonly unchanged = new Map<string, string>();
  /** Paths whose entries this run found or wrote anew. */
  private readonly touched = new Set<string>();
  private dirty = false;

  private constructor(
    private readonly checkout: Checkout,
    private readonly cached: StatCacheStore,
  ) {}

  /**
   * Whether the manifest whose files are `texts` is one that writes (or plans) of a whole tree
   * last found or left in this checkout (the last {@link TRUSTED_MANIFESTS}): then it records what
   * cdk8s-gitops wrote, and a command may trust it without building the tree. A checkout outside
   * Git, a fresh clone, or any other manifest (edited by hand, pulled) is not trusted.
   */
  public trusts(texts: ReadonlyMap<string, string>): boolean {
    return this.cached.manifests.length > 0 && this.cached.manifests.includes(manifestDigest(texts));
  }

  /** Records `digest` as the manifest a whole tree found or left in this checkout, the last one (see {@link DriftCheck.trusts}). */
  public trust(digest: string): void {
    if (this.cached.manifests[0] === digest) return;
    this.cached.manifests = [digest, ...this.cached.manifests.filter((d) => d !== digest)].slice(0, TRUSTED_MANIFESTS);
    this.dirty = true;
  }

  /**
   * Whether the owned file `rel`, which the manifest records with the content hash `sha256`, is
   * missing or holds other content: true when it was changed (or removed) since it was written.
   */
  public changed(rel: string, sha256: string): boolean {
    // Found unchanged earlier in this run: not looked at again.
    if (this.unchanged.get(rel) === sha256) return false;
    const stat = this.checkout.stat(rel);
    if (stat === undefined || !stat.isFile()) return true;
    const seen = `${statKey(stat)} ${sha256}`;
    const cached = this.cached.get(rel);
    if (cached !== undefined && (cached === seen || cached.startsWith(`${seen} `))) {
      this.fresh.set(rel, cached);
      this.unchanged.set(rel, sha256);
      return false;
    }
    const text = this.checkout.read(rel);
    if (text === undefined || contentHash(text) !== sha256) return true;
    // The same content as cached under another stat (touched, checked out again): made from the same key.
    this.remember(rel, stat, sha256, cached === undefined ? undefined : madeKey(cached, sha256));
    this.unchanged.set(rel, sha256);
    return false;
  }

  /**
   * The key of what cdk8s-gitops made that the owned file `rel` holds: when {@link DriftCheck.changed}
   * found it holding the content of hash `sha256` in this run, and cdk8s-gitops wrote that content,
   * or compared it with what it makes, from that key. Undefined otherwise: the file holds what the
   * manifest records, but a manifest is no proof of what made it (anyone can write one), so it is
   * made again and compared.
   */
  public madeFrom(rel: string, sha256: string): string | undefined {
    if (this.unchanged.get(rel) !== sha256) return undefined;
    const entry = this.fresh.get(rel);
    return entry === undefined ? undefined : madeKey(entry, sha256);
  }

  /**
   * Whether the owned file `rel` holds exactly what cdk8s-gitops makes from `key`, as found or
   * written in an earlier run (see {@link DriftCheck.found}): for a derived file, whose content the
   * manifest does not record, so that it need not be made again. A file whose stat is as cached
   * is taken as it was; any other (touched, or written too recently to be known by its stat) is
   * read, and holds it when its content hash is the one cached with `key`.
   */
  public holdsMadeFrom(rel: string, key: string): boolean {
    const cached = this.cached.get(rel);
    if (cached === undefined || madeKeyOf(cached) !== key) return false;
    const [seen, sha256] = cached.split(' ');
    const stat = this.checkout.stat(rel);
    if (!stat?.isFile()) return false;
    if (seen !== '-' && statKey(stat) === seen) {
      this.fresh.set(rel, cached);
    } else {
      const text = this.checkout.read(rel);
      if (text === undefined || contentHash(text) !== sha256) return false;
      this.remember(rel, stat, sha256, key);
    }
    this.unchanged.set(rel, sha256);
    return true;
  }

  /**
   * The content hash of what cdk8s-gitops last wrote in the owned file `rel`, or found there
   * holding what it makes, as this cache records (this run's or an earlier one's last entry for
   * the file); undefined when it records nothing (a fresh clone, a checkout put in Git after it was
   * written). For a derived file, whose content the manifest does not record, what tells a hand
   * edit from content cdk8s-gitops made.
   */
  public madeContentOf(rel: string): string | undefined {
    const entry = this.fresh.get(rel) ?? this.cached.get(rel);
    return entry === undefined ? undefined : shaOf(entry);
  }

  /**
   * Records that the owned file `rel` was found to hold exactly what cdk8s-gitops makes from `key`
   * (content of hash `sha256`), as `lstat` sees it now.
   */
  public found(rel: string, sha256: string, key: string): void {
    if (this.madeFrom(rel, sha256) === key) return;
    const stat = this.checkout.stat(rel);
    if (!stat?.isFile()) return;
    this.remember(rel, stat, sha256, key);
    this.unchanged.set(rel, sha256);
  }

  /**
   * Records the files just written, each with the hash of the content it was given and the key
   * it was made from, as `lstat` sees them through `writer`, the checkout that wrote them: it
   * knows the directories it made as real, so a file in one costs one `lstat`. Not through the
   * checkout this cache was loaded with: it looked before the write, and remembers those
   * directories as missing.
   */
  public written(writer: Checkout, files: Iterable<readonly [string, string, string]>): void {
    for (const [rel, sha256, key] of files) {
      this.unchanged.delete(rel);
      const stat = writer.stat(rel);
      if (stat?.isFile()) this.remember(rel, stat, sha256, key);
      else {
        this.fresh.delete(rel);
        this.touched.add(rel);
      }
    }
  }

  /**
   * Saves what was found for the owned files `owned` (path → sha256 the manifest now records, or
   * `derived` for a file whose content it does not record), when anything was read or written.
   * A cache that cannot be written costs time on the next run, nothing else.
   */
  public save(owned: ReadonlyMap<string, { readonly sha256: string; readonly derived?: boolean }>): void {
    if (!this.dirty) return;
    this.dirty = false;
    // A derived file's entry is kept with the key of what it was made from (see holdsMadeFrom).
    this.cached.save(owned.keys(), this.touched, (p, cached) => {
      const entry = this.fresh.get(p) ?? cached;
      const recorded = owned.get(p)!;
      return entry !== undefined && (recorded.derived === true ? madeKeyOf(entry) !== undefined : shaOf(entry) === recorded.sha256)
        ? entry
        : undefined;
    });
    this.touched.clear();
  }

  private remember(rel: string, stat: fs.Stats, sha256: string, key?: string): void {
    this.dirty = true;
    this.touched.add(rel);
    // A racily clean file is read again next time (no stat is kept, `-`); what made its content is kept.
    const seen = settled(stat) ? statKey(stat) : '-';
    this.fresh.set(rel, `${seen} ${sha256}${key ? ` ${key}` : ''}`);
  }
}

/** The content hash of a cache entry, `<stat key> <sha256>[ <key>]`. */
function shaOf(entry: string): string | undefined {
  return fieldOf(entry, 1);
}

/** The key of a cache entry whose content hash is `sha256`, if it records one. */
function madeKey(entry: string, sha256: string): string | undefined {
  return fieldOf(entry, 1) === sha256 ? madeKeyOf(entry) : undefined;
}

/** The key of a cache entry, if it records one. */
function madeKeyOf(entry: string): string | undefined {
  const key = fieldOf(entry, 2);
  return key !== undefined && key !== '' ? key : undefined;
}

/** `entry.split(' ')[n]`, without splitting the rest: the stat cache holds an entry per owned file. */
function fieldOf(entry: string, n: number): string | undefined {
  let start = 0;
  for (let i = 0; i < n; i++) {
    const space = entry.indexOf(' ', start);
    if (space === -1) return undefined;
    start = space + 1;
  }
  const end = entry.indexOf(' ', start);
  return end === -1 ? entry.slice(start) : entry.slice(start, end);
}
