/**
 * What a command reads of a checkout before it has the program's model: done while the program
 * runs, in the other process's time.
 *
 * @module
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { Checkout } from './checkout-fs';
import { DriftCheck, statKey } from './drift';
import { readManifestTexts } from './manifest-io';
import { manifestDigest, parseManifest } from '../../synth/manifest';
import { TRANSACTION_DIR } from './transaction-dir';
import { readKnownText } from './known-texts';
import { MAX_LEDGER_BYTES } from '../../release/ledger-files';
import { localState } from './local-state';

/** How long one slice of the work holds the event loop: the program's exit and its timeout are seen within it. */
const SLICE_MS = 8;
/** Owned files looked at between two looks at the clock. */
const FILES_PER_LOOK = 64;
/** Ledgers read between two looks at the clock. */
const LEDGERS_PER_LOOK = 16;

/**
 * The owned files of a checkout looked at while the program runs: the manifest and its shards
 * read and parsed, then each owned file compared with the stat cache (read and hashed when the
 * cache does not know it), in slices of the event loop. A command that has the model takes the
 * stat cache with {@link CheckoutPrefetch.statCacheFor}, which ends the work (what was not
 * looked at yet is looked at by the command as always) and gives the cache only while the
 * manifest is the one read here: a write that came in between (another command, a pull) makes
 * the command look again, and so does one whose Git index changed (a pull, a checkout or a reset
 * of the work tree, by the program or anyone). A hand edit in between is seen as one made just
 * after the command: by the next one.
 *
 * Nothing is written, no link is followed, and a failure only ends the work: the command then
 * reads as it always does, and reports what is wrong.
 *
 * @example
 * const running = runProgram('synth', flags, ctx); // the program starts
 * const prefetch = CheckoutPrefetch.start(out, running); // the owned files are looked at meanwhile
 * const { model } = await running;
 * planWrite(tree, out, { statCacheFor: prefetch.statCacheFor });
 */
export class CheckoutPrefetch {
  /**
   * Starts looking at the checkout `dir` while `running` (the program) runs; the work ends
   * when it settles.
   *
   * @param files whether to look at the owned files, or only read and parse the manifest (for a
   *   release, which writes only its ring's files, and finds the manifest parsed: see `parseManifest`)
   */
  public static start(dir: string, running: Promise<unknown>, files = true): CheckoutPrefetch {
    const prefetch = new CheckoutPrefetch(dir, files);
    // The work is done in the program's time only: once it has ended, what is left is the command's.
    const end = (): void => {
      prefetch.ended = true;
    };
    running.then(end, end);
    prefetch.slice();
    return prefetch;
  }

  /** The Git index of the checkout's work tree and what `lstat` said of it when the work began. */
  private index: { readonly path: string; readonly key: string } | undefined;
  private texts: ReadonlyMap<string, string> | undefined;
  private drift: DriftCheck | undefined;
  /** The checkout the stat cache looks through. */
  private checkout: Checkout | undefined;
  private ended = false;
  private readonly work: Generator<void>;

  private constructor(dir: string, files: boolean) {
    this.work = this.look(dir, files);
  }

  /** Whether the work is over: everything looked at, or ended by the program's end, a failure or {@link statCacheFor}. */
  public get settled(): boolean {
    return this.ended;
  }

  /**
   * The stat cache with what was found, when the manifest texts `now` (read under the command's
   * lock) are those read here; else undefined (see `WriteOptions.statCacheFor`). Ends the work.
   */
  public readonly statCacheFor = (now: ReadonlyMap<string, string>): DriftCheck | undefined => {
    this.ended = true;
    if (this.drift === undefined || this.texts === undefined || now.size !== this.texts.size) return undefined;
    // Git changed the work tree meanwhile (a pull, a checkout, a reset, the program's or anyone's): look again.
    if (this.index !== undefined && this.index.key !== fileKey(this.index.path)) return undefined;
    for (const [file, text] of now) if (this.texts.get(file) !== text) return undefined;
    // A directory found real before may be a link now: what is looked at from here on is looked at anew.
    this.checkout?.forgetDirectories();
    return this.drift;
  };

  private *look(dir: string, lookAtFiles: boolean): Generator<void> {
    const checkout = (this.checkout = new Checkout(dir));
    // A write in progress is recovered first, under the command's lock: nothing to look at before.
    if (checkout.kind(TRANSACTION_DIR) !== 'missing') return;
    // Where the Git index and the stat cache are (git is asked once, for the whole command).
    const index = localState(dir)?.index;
    const indexKey = index === undefined ? undefined : { path: index, key: fileKey(index) };
    yield;
    const texts = readManifestTexts(dir);
    if (texts.size === 0) return;
    yield;
    const files = parseManifest(texts).files;
    // Whether it is the manifest a whole write left, which every command asks (see `DriftCheck.trusts`).
    manifestDigest(texts);
    yield;
    // The ledgers, which every command reads once it has the model (see `readKnownText`).
    let n = 0;
    for (const [p, e] of files) {
      if (!isLedgerPath(p, e.service)) continue;
      readKnownText(checkout, p, MAX_LEDGER_BYTES);
      if (++n % LEDGERS_PER_LOOK === 0) yield;
    }
    if (!lookAtFiles) return;
    this.index = indexKey;
    this.texts = texts;
    this.drift = DriftCheck.load(checkout);
    yield;
    n = 0;
    for (const [p, e] of files) {
      if (!e.derived) this.drift.changed(p, e.sha256);
      if (++n % FILES_PER_LOOK === 0) yield;
    }
  }

  private slice(): void {
    const until = performance.now() + SLICE_MS;
    try {
      do {
        if (this.ended) return;
        if (this.work.next().done === true) {
          this.ended = true;
          return;
        }
      } while (performance.now() < until);
    } catch {
      this.ended = true;
      return;
    }
    // Referenced: an unreferenced one would wait for the program's next output to run. The
    // work ends when the program does, so a command whose program failed does not wait for it.
    setImmediate(() => this.slice());
  }
}

/**
 * Whether the owned file `rel` of `service` may be its ledger, told without the model (which
 * names the ledgers' directory): `<service>.yaml`, not in a directory of the service's own
 * (where its values and objects are). A file taken for one wrongly is only read ahead.
 */
function isLedgerPath(rel: string, service: string | undefined): boolean {
  if (service === undefined || !rel.endsWith(`/${service}.yaml`)) return false;
  const dir = rel.slice(0, rel.length - service.length - 6);
  return !dir.endsWith(`/${service}`) && dir !== service;
}

/** What `lstat` says of `file` (size, times, inode), or `-` when nothing is there. */
function fileKey(file: string): string {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  return stat === undefined ? '-' : statKey(stat);
}
