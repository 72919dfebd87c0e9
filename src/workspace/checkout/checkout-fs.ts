import * as fs from 'fs';
import * as path from 'path';
import { GitOpsError, systemErrorCode } from '../../core/errors';
import { crlfCauseOf } from '../git/line-ends';
import { topPattern } from '../git/paths';
import { LOCK_PATH } from './lock-path';
import { TRANSACTION_DIR } from './transaction-dir';

/** What stands at a path of a checkout, seen without following symbolic links. */
export type EntryKind = 'file' | 'directory' | 'missing' | 'other';

/** Largest state or ledger file read back from a checkout; anything larger is not one cdk8s-gitops wrote. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

/**
 * Files read with CRLF that Git does not convert, after which a {@link Checkout} asks Git about
 * no more: a tree edited to CRLF throughout costs 16 looks, not one per file.
 */
const CRLF_ASKED_AT_MOST = 16;

/** The error for a symbolic link found where cdk8s-gitops reads, writes or deletes. */
export function symlinkError(rel: string, doing: string, gitDir?: string): GitOpsError {
  // The checkout's own state (its lock, a write in progress, what it keeps in the Git directory) is no file Git tracks.
  const shown = gitDir === undefined ? rel : `${gitDir}/${rel}`;
  const local = gitDir !== undefined || [LOCK_PATH, TRANSACTION_DIR].some((p) => rel === p || rel.startsWith(`${p}/`));
  return GitOpsError.of('CG408', {
    file: shown,
    message: `${shown} is a symbolic link, and cdk8s-gitops never follows symbolic links in a checkout (it was about to ${doing}). Nothing was changed.`,
    fix: local
      ? `Remove the link (rm ${shown}): it stands where cdk8s-gitops keeps state of its own, which Git does not track; then run again.`
      : `Replace the link with a real file or directory (git rm ${rel}, and commit), then run again.`,
  });
}

/** `EACCES: permission denied` and the like: the cause of a failed file operation, in one line. */
export function failureCause(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).split('\n')[0];
}

/**
 * A checkout of the GitOps repository whose files are read, written and deleted by
 * repository-relative path, never through a symbolic link: every component of a path is
 * looked at with `lstat` (and the last opened with `O_NOFOLLOW`), and a link anywhere on the
 * way is an error naming it (`CG408`). The checkout's own directory is taken as the user gave
 * it (resolved once). Directories found real are remembered for the life of the object, so a
 * tree of thousands of files costs one `lstat` per directory.
 */
export class Checkout {
  /** The checkout's directory, absolute and with symbolic links of the given path resolved. */
  public readonly root: string;
  private readonly dirs = new Map<string, EntryKind>();
  /** The directories this checkout made: empty when made, so a file renamed into one replaces nothing. */
  private readonly made = new Set<string>();
  /** Directories whose subdirectories were looked up one by one, by how many; listed at {@link LIST_AFTER}. */
  private readonly lookups = new Map<string, number>();
  /** Files read with CRLF line ends that Git does not convert (edited so): see {@link CRLF_ASKED_AT_MOST}. */
  private unconverted = 0;

  /**
   * @param gitDir how to name the directory in messages when it is a Git directory (`.git`),
   *   whose files are cdk8s-gitops's own state, not files of the repository
   */
  constructor(
    dir: string,
    private readonly gitDir?: string,
  ) {
    const abs = path.resolve(dir);
    let root = abs;
    try {
      root = fs.realpathSync(abs);
    } catch {
      // Not there yet: it is created as a plain directory.
    }
    this.root = root;
  }

  /** The absolute path of a repository-relative path (no checks). */
  public abs(rel: string): string {
    if (rel === '' || rel === '.') return this.root;
    return `${this.root}${path.sep}${SLASH_IS_SEP ? rel : rel.split('/').join(path.sep)}`;
  }

  /**
   * What stands at `rel`, without following links: a link at `rel` or at any directory above it
   * fails with `CG408`. A file standing where a directory of `rel` should be gives `other`.
   */
  public kind(rel: string, doing = 'read it'): EntryKind {
    const parent = this.parentKind(rel, doing);
    if (parent === 'missing') return 'missing';
    if (parent !== 'directory') return 'other';
    return this.lstatKind(rel, doing);
  }

  /**
   * What `lstat` says of `rel`, or undefined when nothing is there (or a file stands where a
   * directory above it should be); a link at `rel` or above it fails with `CG408`.
   */
  public stat(rel: string): fs.Stats | undefined {
    if (this.parentKind(rel, 'read it') !== 'directory') return undefined;
    let stat: fs.Stats | undefined;
    try {
      // A missing file is common (a first write): told without an exception.
      stat = fs.lstatSync(this.abs(rel), { throwIfNoEntry: false });
    } catch (e) {
      if (systemErrorCode(e) === 'ENOTDIR') return undefined;
      throw e;
    }
    if (stat?.isSymbolicLink()) throw symlinkError(rel, 'read it', this.gitDir);
    return stat;
  }

  /** Whether a regular file is at `rel` (see {@link kind}). */
  public isFile(rel: string): boolean {
    return this.kind(rel) === 'file';
  }

  /**
   * The text of the regular file at `rel`, or undefined when nothing is there. A link fails with
   * `CG408`; a directory or anything but a regular file fails with `CG402` (the message names the
   * path only, never what is in it).
   */
  public read(rel: string, maxBytes = MAX_READ_BYTES): string | undefined {
    const kind = this.parentKind(rel, 'read it');
    if (kind === 'missing') return undefined;
    if (kind !== 'directory') throw blocked(this.firstNonDirectory(rel), rel);
    let fd: number;
    let text: string;
    try {
      fd = fs.openSync(this.abs(rel), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    } catch (e) {
      if (systemErrorCode(e) === 'ENOENT') return undefined;
      if (systemErrorCode(e) === 'ELOOP' || systemErrorCode(e) === 'EMLINK') throw symlinkError(rel, 'read it', this.gitDir);
      throw e;
    }
    try {
      const stat = fs.fstatSync(fd);
      if (stat.isDirectory()) throw notAFile(rel, 'a directory');
      if (!stat.isFile()) throw notAFile(rel, 'not a regular file');
      if (stat.size > maxBytes) {
        throw GitOpsError.of('CG402', {
          file: rel,
          message: `${rel} is ${stat.size} bytes, larger than any file cdk8s-gitops writes there (${maxBytes} bytes).`,
          fix: `Restore it from Git (git checkout -- ${rel}), then run again.`,
        });
      }
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
    // Every file cdk8s-gitops writes has LF line ends; CRLF is an edit, or Git's doing.
    if (text.includes('\r\n')) this.assertNoLineEndConversion(rel);
    return text;
  }

  /**
   * Fails with `CG427` when Git checks `rel` out with CRLF line ends (an attribute, or the
   * clone's `core.autocrlf`): then the checkout holds other bytes than cdk8s-gitops wrote, not by
   * anyone's edit, in every clone but the one that wrote them.
   */
  private assertNoLineEndConversion(rel: string): void {
    if (this.unconverted >= CRLF_ASKED_AT_MOST) return;
    const cause = crlfCauseOf(this.root, rel);
    if (cause === undefined) {
      this.unconverted++;
      return;
    }
    const line = `${topPattern(rel)} -text`;
    const unset = `lines such as \`${line}\` at the end of the \`.gitattributes\` of "${this.root}" (one for each directory cdk8s-gitops writes), committed`;
    const off = cause === 'core.autocrlf=true' ? 'git config core.autocrlf false' : 'git config core.eol lf';
    throw GitOpsError.of('CG427', {
      file: rel,
      message: `${rel} has CRLF line ends where cdk8s-gitops wrote LF, which Git puts there when it checks the file out (${cause}): every file cdk8s-gitops reads back would differ from what it wrote. Nothing was changed.`,
      fix: `${cause.startsWith('core.') ? `Turn the conversion off in this clone (\`${off}\`), or unset it for the files cdk8s-gitops writes with ${unset}` : `Unset the attribute for the files cdk8s-gitops writes with ${unset}`}; then check the files out again (a fresh clone; or, with no changes of your own in this one, \`git rm -r --cached --quiet . && git reset --hard --quiet\`).`,
    });
  }

  /** Makes the directory `rel` and every missing one above it, refusing links and files on the way. */
  public mkdirs(rel: string): void {
    if (rel === '' || rel === '.') return;
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      const known = this.dirs.get(p);
      if (known === 'directory') continue;
      // In a directory this checkout made, nothing is there but what it made.
      const inMade = i > 1 && this.made.has(parts.slice(0, i - 1).join('/'));
      const kind = known === 'missing' || inMade ? 'missing' : this.lstatKind(p, 'make a directory in it');
      if (kind === 'missing') {
        try {
          fs.mkdirSync(this.abs(p));
          this.made.add(p);
        } catch (e) {
          if (systemErrorCode(e) !== 'EEXIST' || this.lstatKind(p, 'make a directory in it') !== 'directory') throw e;
        }
        this.dirs.set(p, 'directory');
      } else if (kind !== 'directory') {
        throw blocked(p, rel);
      }
    }
  }

  /**
   * Writes `text` to the file at `rel` (replacing it with one rename, so a reader sees the old or
   * the new content), making its directory first; a link on the way or at `rel` fails with `CG408`.
   */
  public writeFile(rel: string, text: string): void {
    const dir = path.posix.dirname(rel);
    this.mkdirs(dir === '.' ? '' : dir);
    if (this.lstatKind(rel, 'write it') === 'directory') throw notAFile(rel, 'a directory');
    const tmp = `${this.abs(rel)}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, { flag: 'wx' });
    try {
      fs.renameSync(tmp, this.abs(rel));
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }

  /** Moves `from` to `to` (both repository-relative) with one rename, making `to`'s directory first. */
  public rename(from: string, to: string): void {
    const dir = path.posix.dirname(to) === '.' ? '' : path.posix.dirname(to);
    this.mkdirs(dir);
    // In a directory this checkout made nothing stands at `to`; elsewhere a link there fails (CG408), as does a directory.
    if (!this.made.has(dir) && this.lstatKind(to, 'replace it') === 'directory') throw notAFile(to, 'a directory');
    fs.renameSync(this.abs(from), this.abs(to));
  }

  /**
   * Deletes the file at `rel` if one is there, then its parent directories that became empty.
   * A link on the way fails with `CG408`; a directory at `rel` is left alone.
   */
  public remove(rel: string): void {
    if (this.kind(rel, 'delete it') !== 'file') return;
    fs.unlinkSync(this.abs(rel));
    for (let dir = path.posix.dirname(rel); dir !== '.' && dir !== ''; dir = path.posix.dirname(dir)) {
      try {
        fs.rmdirSync(this.abs(dir));
      } catch {
        return; // not empty, or already gone
      }
      this.forget(dir);
    }
  }

  /**
   * Deletes the directory `rel` and everything in it (links inside are removed, never followed),
   * if it is a real directory; a link there fails with `CG408`.
   */
  public removeTree(rel: string): void {
    const kind = this.kind(rel, 'delete it');
    if (kind === 'missing') return;
    if (kind !== 'directory') throw notAFile(rel, 'not a directory', 'directory');
    fs.rmSync(this.abs(rel), { recursive: true, force: true });
    this.forget(rel);
  }

  /** Lists the entries of the real directory `rel` (none when it is missing); a link fails with `CG408`. */
  public list(rel: string): fs.Dirent[] {
    const kind = this.kind(rel, 'list it');
    if (kind !== 'directory') return [];
    return fs.readdirSync(this.abs(rel), { withFileTypes: true });
  }

  /** Forgets every directory found real (or made), after time in which anything may have changed them. */
  public forgetDirectories(): void {
    this.dirs.clear();
    this.made.clear();
    this.lookups.clear();
  }

  /** Forgets what is known of `rel` and below, after something else changed it. */
  public forget(rel: string): void {
    const below = (k: string): boolean => k === rel || k.startsWith(`${rel}/`);
    for (const k of [...this.dirs.keys()]) if (below(k)) this.dirs.delete(k);
    for (const k of [...this.made]) if (below(k)) this.made.delete(k);
    for (const k of [...this.lookups.keys()]) if (below(k)) this.lookups.delete(k);
    // What the directory above listed of it is not known any more either.
    this.lookups.delete(parentOf(rel));
  }

  /** The kind of the directory holding `rel`: `directory` when every component above `rel` is a real one. */
  private parentKind(rel: string, doing: string): EntryKind {
    const slash = rel.lastIndexOf('/');
    if (slash === -1) return 'directory';
    const parent = rel.slice(0, slash);
    const known = this.dirs.get(parent);
    if (known !== undefined) return known;
    const above = this.parentKind(parent, doing);
    if (above === 'directory' && this.listed(parentOf(parent))) {
      const listed = this.dirs.get(parent);
      if (listed !== undefined) return listed;
    }
    const kind = above === 'directory' ? this.lstatKind(parent, doing) : above === 'missing' ? 'missing' : 'other';
    this.dirs.set(parent, kind);
    return kind;
  }

  /**
   * Whether the real directory `dir` has been listed, listing it once enough of its
   * subdirectories were looked up one by one: one `readdir` then tells which of its entries are
   * real directories, instead of an `lstat` of each (a fleet's cluster directory holds a
   * directory per service). Only real directories are learnt from it: anything else there (a
   * link, a file, a name created since) is looked at with `lstat` when it is needed.
   */
  private listed(dir: string): boolean {
    const n = this.lookups.get(dir) ?? 0;
    if (n < 0) return true;
    if (n < LIST_AFTER) {
      this.lookups.set(dir, n + 1);
      return false;
    }
    this.lookups.set(dir, -1);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(this.abs(dir), { withFileTypes: true });
    } catch {
      return false; // gone, or unreadable: each is looked at on its own
    }
    const prefix = dir === '' ? '' : `${dir}/`;
    for (const e of entries) if (e.isDirectory()) this.dirs.set(`${prefix}${e.name}`, 'directory');
    return true;
  }

  private lstatKind(rel: string, doing: string): EntryKind {
    let stat: fs.Stats | undefined;
    try {
      // A missing entry is common (a first write makes every directory): told without an exception.
      stat = fs.lstatSync(this.abs(rel), { throwIfNoEntry: false });
    } catch (e) {
      if (systemErrorCode(e) === 'ENOTDIR') return 'other';
      throw e;
    }
    if (stat === undefined) return 'missing';
    if (stat.isSymbolicLink()) throw symlinkError(rel, doing, this.gitDir);
    return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
  }

  private firstNonDirectory(rel: string): string {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      if (this.lstatKind(p, 'read it') !== 'directory') return p;
    }
    return rel;
  }
}

/** Whether a repository path is a file system path as it is (POSIX): every owned file's lookup builds one. */
const SLASH_IS_SEP = path.sep === '/';

/** Subdirectories of one directory looked up one by one before it is listed (see `Checkout.listed`). */
const LIST_AFTER = 8;

/** The repository-relative directory holding `rel` (`''` for the checkout's own). */
function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
}

function notAFile(rel: string, what: string, expected = 'file'): GitOpsError {
  return GitOpsError.of('CG402', {
    file: rel,
    message: `${rel} is ${what}, where cdk8s-gitops keeps a ${expected}.`,
    fix: `Move it away; cdk8s-gitops puts a ${expected} there.`,
  });
}

function blocked(blocking: string, rel: string): GitOpsError {
  return GitOpsError.of('CG402', {
    file: blocking,
    message: `A file stands where cdk8s-gitops needs a directory: ${blocking} (to write ${rel}).`,
    fix: 'Move that file away; the program puts a directory there.',
  });
}
