/**
 * Reads what Git holds of release ledgers, synchronously and with plumbing only (`log`,
 * `cat-file`), so that no hook, filter or file-system monitor of the checkout's configuration
 * runs: the checkout is someone else's.
 */
import { execFileSync } from 'child_process';
import { SAFE_GIT_ARGS } from '../../core/git-sync';
import { getOrSet } from '../../core/maps';
import { MAX_LEDGER_BYTES } from '../../release/ledger-files';
import { parseTrailers, TrailerKey } from './trailers';

/** One version of a file along the first-parent history of `HEAD`. */
export interface FileVersion {
  /** The commit that wrote it. */
  readonly commit: string;
  /**
   * When the version reached the branch: the commit's committer time, or the latest of the older
   * versions' when it is earlier (set back). A commit made for a merge request (`--branch`) that
   * reached the branch by a fast-forward keeps the time it was made, before its review: its time
   * is that of the next commit on the branch (see {@link FileVersion.fastForward}).
   */
  readonly time: Date;
  /**
   * Set for a merge-request commit that reached the branch by a fast-forward: `next` when its
   * time is the next commit's, `unknown` when no commit follows it yet (its time is then the
   * clock's: it has not soaked at all).
   * @default - the commit's own time is when it reached the branch
   */
  readonly fastForward?: 'next' | 'unknown';
  /**
   * The file's text in that commit; undefined when the commit removed it, or made it larger
   * than a ledger may be ({@link MAX_LEDGER_BYTES}), which no command reads.
   */
  readonly text?: string;
}

/** The versions of a file, newest first, and whether older ones were left out. */
export interface FileHistory {
  readonly versions: readonly FileVersion[];
  readonly truncated: boolean;
}

/** How many versions of a ledger are read at most. */
export const MAX_LEDGER_VERSIONS = 200;

/** Reading ledger files from the Git repository a checkout is in. */
export class LedgerGit {
  /** The Git repository `dir` is in, or undefined when it is in none. */
  public static open(dir: string): LedgerGit | undefined {
    // One process: `true` or `false`, then the commit `HEAD` names; exit status 1 on an unborn
    // branch (no commit yet), 128 outside a repository.
    let out: string;
    let born = true;
    try {
      out = run(dir, ['rev-parse', '--is-inside-work-tree', '--verify', '--quiet', 'HEAD^{commit}']).toString('utf8');
    } catch (e) {
      const { status, stdout } = e as { status?: number; stdout?: Buffer };
      if (status !== 1 || stdout === undefined) return undefined;
      out = stdout.toString('utf8');
      born = false;
    }
    const [inside, commit] = out.split('\n');
    if (inside !== 'true') return undefined;
    return new LedgerGit(dir, born && commit !== undefined && FULL_ID.test(commit) ? commit : undefined);
  }

  private constructor(
    private readonly dir: string,
    /** The commit `HEAD` named when this was opened, if any: what `atHead` reads. */
    private readonly head: string | undefined,
  ) {}

  /** Whether `HEAD` names a commit. */
  public get hasHead(): boolean {
    return this.head !== undefined;
  }

  /**
   * What the index tracks below the checkout (`git ls-files --stage --recurse-submodules`):
   * each path, checkout-relative, with its mode (`100644`, `100755`, `120000` for a symbolic
   * link), once even while a merge conflict holds several stages of it. What a checked-out
   * submodule tracks is listed in its place; a submodule not checked out is one entry of mode
   * `160000`.
   */
  public tracked(): { readonly mode: string; readonly path: string }[] {
    const seen = new Set<string>();
    const out: { mode: string; path: string }[] = [];
    for (const line of run(this.dir, ['ls-files', '--stage', '--recurse-submodules', '-z']).toString('utf8').split('\0')) {
      const tab = line.indexOf('\t');
      if (tab === -1) continue;
      const path = line.slice(tab + 1);
      if (seen.has(path)) continue;
      seen.add(path);
      out.push({ mode: line.slice(0, line.indexOf(' ')), path });
    }
    return out;
  }

  /** Whether the repository is a shallow clone: its history stops at commits whose parents it lacks. */
  public get shallow(): boolean {
    return run(this.dir, ['rev-parse', '--is-shallow-repository']).toString('utf8').trim() === 'true';
  }

  /**
   * The text of each file (checkout-relative) at `HEAD` (the commit it named when this was
   * opened); undefined for a file `HEAD` lacks.
   */
  public atHead(files: readonly string[]): Map<string, string | undefined> {
    return this.at(this.head, files);
  }

  /** The files directly in the directory `dir` (checkout-relative) at `HEAD`, checkout-relative; none without a commit. */
  public filesAtHead(dir: string): string[] {
    return this.hasHead ? this.filesAt('HEAD', dir) : [];
  }

  /**
   * The files of `commit` in the directory `dir` (checkout-relative), checkout-relative: those
   * directly in it, or with `recursive` every file below it.
   */
  public filesAt(commit: string, dir: string, recursive = false): string[] {
    return run(this.dir, ['ls-tree', ...(recursive ? ['-r'] : []), '--name-only', '-z', commit, '--', `./${dir}/`])
      .toString('utf8')
      .split('\0')
      .filter((name) => name !== '');
  }

  /**
   * The commit `rev` names (a branch, tag or commit, e.g. `origin/main`), or undefined when it
   * names none.
   */
  public commitOf(rev: string): string | undefined {
    if (rev.startsWith('-')) return undefined;
    try {
      return run(this.dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])
        .toString('utf8')
        .trim();
    } catch {
      return undefined;
    }
  }

  /** The best common ancestor of `HEAD` and `commit` (where a branch forked from it), or undefined when they share none. */
  public forkPoint(commit: string): string | undefined {
    if (!this.hasHead) return undefined;
    try {
      const out = run(this.dir, ['merge-base', '--end-of-options', commit, 'HEAD']).toString('utf8').trim();
      return out === '' ? undefined : out;
    } catch {
      return undefined; // no common ancestor
    }
  }

  /** The text of each file (checkout-relative) in the commit `commit`; undefined for a file it lacks (all, without a commit). */
  public at(commit: string | undefined, files: readonly string[]): Map<string, string | undefined> {
    const out = new Map<string, string | undefined>();
    for (const [f, text] of this.blobsAt(commit, files)) out.set(f, text ?? undefined);
    return out;
  }

  /**
   * {@link LedgerGit.atHead}, telling a file `HEAD` lacks (undefined) from one it holds larger
   * than a ledger may be (`null`: there, never read).
   */
  public blobsAtHead(files: readonly string[]): Map<string, string | null | undefined> {
    return this.blobsAt(this.head, files);
  }

  private blobsAt(commit: string | undefined, files: readonly string[]): Map<string, string | null | undefined> {
    const out = new Map<string, string | null | undefined>();
    if (commit === undefined || files.length === 0) {
      for (const f of files) out.set(f, undefined);
      return out;
    }
    const texts = this.objects(files.map((f) => `${commit}:./${f}`));
    files.forEach((f, i) => out.set(f, texts[i]));
    return out;
  }

  /** The last commit along the first-parent history of `HEAD` that changed `file` (checkout-relative), or undefined when none did. */
  public lastCommitOf(file: string): string | undefined {
    if (!this.hasHead) return undefined;
    const out = run(this.dir, [
      'log',
      '--first-parent',
      '--no-show-signature',
      '--no-color',
      '--format=%H',
      '--max-count=1',
      'HEAD',
      '--',
      file,
    ])
      .toString('utf8')
      .trim();
    return out === '' ? undefined : out;
  }

  /**
   * How far along the first-parent history of `HEAD` `file` (checkout-relative) was first
   * added: the number of commits up to the one that added it (a smaller number is older, whatever
   * the commit dates say); undefined when no commit did.
   */
  public addedAt(file: string): number | undefined {
    if (!this.hasHead) return undefined;
    const commits = run(this.dir, [
      'log',
      '--first-parent',
      '--no-show-signature',
      '--no-color',
      '--diff-filter=A',
      // A file renamed as it is (git mv) keeps the commit that first added it under its old name;
      // a file only like another (a new ApplicationSet made from a copy) is new.
      '--follow',
      '-M100%',
      '-C100%',
      '--format=%H',
      'HEAD',
      '--',
      file,
    ])
      .toString('utf8')
      .trim()
      .split('\n');
    const first = commits[commits.length - 1];
    if (first === undefined || first === '') return undefined;
    return Number(run(this.dir, ['rev-list', '--first-parent', '--count', first]).toString('utf8').trim());
  }

  /**
   * The last commit along the first-parent history of `HEAD` that deleted each of `files`
   * (checkout-relative), for those a commit deleted; one `git log` for all of them.
   */
  public deletions(files: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    if (files.length === 0) return out;
    const wanted = new Set(files);
    for (const { commit, path } of this.deleted(files)) if (wanted.has(path) && !out.has(path)) out.set(path, commit);
    return out;
  }

  /**
   * Where the ledgers of services were before a commit deleted them at another path than the
   * program keeps them at (`layout.releases` changed after the deletion): for each service of
   * `wanted` (service name → the path the program keeps its ledger at), the last commit along
   * the first-parent history of `HEAD` that deleted a `<service>.yaml` outside a directory of
   * the service's own whose text was that service's ledger. One `git log` for all of them.
   */
  public deletedElsewhere(wanted: ReadonlyMap<string, string>): Map<string, { readonly commit: string; readonly path: string }> {
    const out = new Map<string, { commit: string; path: string }>();
    if (wanted.size === 0) return out;
    for (const { commit, path } of this.deleted()) {
      const parts = path.split('/');
      const name = parts[parts.length - 1];
      if (!name.endsWith('.yaml')) continue;
      const service = name.slice(0, -'.yaml'.length);
      const keptAt = wanted.get(service);
      if (keptAt === undefined || path === keptAt || out.has(service) || parts[parts.length - 2] === service) continue;
      const text = this.at(`${commit}^`, [path]).get(path);
      if (text !== undefined && new RegExp(`^service: *["']?${service}["']? *$`, 'm').test(text)) out.set(service, { commit, path });
    }
    return out;
  }

  /**
   * Every file deletion along the first-parent history of `HEAD`, newest first (checkout-relative
   * paths), limited to `files` when given.
   */
  private deleted(files?: readonly string[]): { readonly commit: string; readonly path: string }[] {
    if (!this.hasHead) return [];
    const log = run(this.dir, [
      'log',
      '--first-parent',
      '--no-show-signature',
      '--no-color',
      '--no-renames',
      '--diff-filter=D',
      '--relative',
      '--name-only',
      '--format=commit %H',
      'HEAD',
      ...(files ? ['--', ...files] : []),
    ]).toString('utf8');
    const out: { commit: string; path: string }[] = [];
    let commit = '';
    for (const line of log.split('\n')) {
      if (line.startsWith('commit ')) commit = line.slice('commit '.length);
      else if (line !== '') out.push({ commit, path: line });
    }
    return out;
  }

  /** The versions of a file (checkout-relative), newest first, along the first-parent history of `rev`. */
  public history(file: string, limit = MAX_LEDGER_VERSIONS, rev = 'HEAD'): FileHistory {
    if (!this.hasHead) return { versions: [], truncated: false };
    const log = run(this.dir, [
      'log',
      '-z',
      '--first-parent',
      '--no-show-signature',
      '--no-color',
      // The message after a line of fields: it ends at the NUL -z puts after it (git prints none in it).
      '--format=%H %ct %at%n%B',
      `--max-count=${limit + 1}`,
      rev,
      '--',
      file,
    ])
      .toString('utf8')
      .split('\0')
      .filter((l) => l !== '')
      .map((l) => {
        const eol = l.indexOf('\n');
        const [commit, committed, authored] = (eol < 0 ? l : l.slice(0, eol)).split(' ');
        // Read by git's rules, not by the clone's trailer settings.
        const proposed = eol < 0 ? undefined : parseTrailers(l.slice(eol + 1))[TrailerKey.PROPOSED];
        // Made for a merge request and not rewritten since (a rebase or a squash on merge dates
        // the commit it makes): it came onto this line by a fast-forward.
        return {
          commit: commit!,
          seconds: Number(committed),
          fastForwarded: (proposed ?? []).some((v) => v !== '') && committed === authored,
        };
      });
    const next = log.some((c) => c.fastForwarded)
      ? this.nextCommitTimes(rev, log.filter((c) => c.fastForwarded).at(-1)!.commit)
      : new Map();
    // A commit cannot have come before the commits under it: a committer time set back (before an
    // older version of the file) counts as the older version's time, so a backdated commit serves no soak.
    let floor = 0;
    const commits = log
      .reverse()
      .map((c): { commit: string; time: Date; fastForward?: 'next' | 'unknown' } => {
        const after = c.fastForwarded ? next.get(c.commit) : undefined;
        const ms = !c.fastForwarded ? c.seconds * 1000 : after === undefined ? Date.now() : after * 1000;
        floor = Math.max(floor, ms);
        return {
          commit: c.commit,
          time: new Date(floor),
          ...(c.fastForwarded ? { fastForward: after === undefined ? 'unknown' : 'next' } : {}),
        };
      })
      .reverse()
      .slice(0, limit);
    const texts = this.objects(commits.map((c) => `${c.commit}:./${file}`));
    return {
      versions: commits.map((c, i) => {
        const text = texts[i];
        return typeof text === 'string' ? { ...c, text } : c;
      }),
      truncated: log.length > limit,
    };
  }

  /**
   * The committer time (seconds) of the commit after each commit of the first-parent history of
   * `rev` from `oldest` on, by commit; the newest has none.
   */
  private nextCommitTimes(rev: string, oldest: string): Map<string, number> {
    const line = run(this.dir, ['log', '--first-parent', '--no-show-signature', '--no-color', '--format=%H %ct', rev, `^${oldest}`])
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(' '));
    const out = new Map<string, number>();
    // Newest first: each commit's next is the one listed before it; `oldest`'s is the last listed.
    for (let i = 1; i < line.length; i++) out.set(line[i]![0]!, Number(line[i - 1]![1]));
    if (line.length > 0) out.set(oldest, Number(line[line.length - 1]![1]));
    return out;
  }

  /**
   * The contents of `names` (`<rev>:<path>`), undefined for each that names no blob, `null` for
   * a blob larger than a ledger may be ({@link MAX_LEDGER_BYTES}): every file read here is a
   * ledger or a shard of the manifest, and a larger blob committed under such a name is never
   * read into memory. The blobs' sizes are asked first, then only those that fit are read.
   */
  private objects(all: readonly string[]): (string | null | undefined)[] {
    // A commit's files never change: what was read at one (named by its id) is read once per process.
    const key = (name: string): string | undefined => (FULL_ID.test(name.slice(0, name.indexOf(':'))) ? `${this.dir}\0${name}` : undefined);
    const names = all.filter((n) => !KNOWN_BLOBS.has(key(n) ?? ''));
    if (names.length < all.length) {
      const read = new Map(names.length === 0 ? [] : this.objects(names).map((text, i) => [names[i]!, text]));
      return all.map((n) => (read.has(n) ? read.get(n) : KNOWN_BLOBS.get(key(n)!)));
    }
    if (names.length === 0) return [];
    const ids = this.blobIds(names);
    const wanted = ids.filter((id): id is string => typeof id === 'string');
    if (wanted.length === 0) return ids.map((id) => (id === null ? null : undefined));
    const out = run(this.dir, ['cat-file', '--batch'], lines(wanted));
    const texts = new Map<string, string>();
    let at = 0;
    for (const id of wanted) {
      const eol = out.indexOf(0x0a, at);
      const size = Number(/ (\d+)$/.exec(out.subarray(at, eol).toString('utf8'))![1]);
      texts.set(id, out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
      at = eol + 1 + size + 1;
    }
    const found = ids.map((id) => (typeof id === 'string' ? texts.get(id) : id));
    names.forEach((n, i) => remember(key(n), found[i]));
    return found;
  }

  /**
   * The blob each of `names` (`<rev>:./<path>`) names: its id, `null` when it is larger than a
   * ledger may be, undefined when there is none (nothing there, a directory, a submodule). Many
   * files of one directory at one commit (a fleet's ledgers, the manifest's shards) are looked
   * up in one listing of the directory: `git cat-file --batch-check` reads the directory's tree
   * again for each name (a thousand took 0.18 s, the listing 5 ms).
   */
  private blobIds(names: readonly string[]): (string | null | undefined)[] {
    const ids = new Array<string | null | undefined>(names.length).fill(undefined);
    const byDirectory = new Map<string, number[]>();
    names.forEach((n, i) => getOrSet(byDirectory, n.slice(0, n.lastIndexOf('/') + 1), () => []).push(i));
    const single: number[] = [];
    for (const [directory, at] of byDirectory) {
      if (at.length < LIST_DIRECTORY_AT) {
        single.push(...at);
        continue;
      }
      const colon = directory.indexOf(':');
      let listing: string;
      try {
        listing = run(this.dir, ['ls-tree', '-z', '-l', directory.slice(0, colon), '--', directory.slice(colon + 1)]).toString('utf8');
      } catch {
        single.push(...at); // no such commit: each name is looked up, and named missing
        continue;
      }
      const listed = new Map<string, string | null>();
      for (const entry of listing.split('\0')) {
        const m = /^\d+ blob ([0-9a-f]+) +(\d+)\t(?:.*\/)?/s.exec(entry); // else a directory or a submodule
        if (m !== null) listed.set(entry.slice(m[0].length), Number(m[2]) <= MAX_LEDGER_BYTES ? m[1]! : null);
      }
      for (const i of at) ids[i] = listed.get(names[i]!.slice(directory.length));
    }
    if (single.length === 0) return ids;
    run(this.dir, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], lines(single.map((i) => names[i]!)))
      .toString('utf8')
      .split('\n')
      .slice(0, single.length)
      .forEach((header, k) => {
        const m = /^([0-9a-f]+) blob (\d+)$/.exec(header); // else `<name> missing`, ambiguous, or not a blob
        ids[single[k]!] = m === null ? undefined : Number(m[2]) <= MAX_LEDGER_BYTES ? m[1] : null;
      });
    return ids;
  }
}

/** Files of one directory at one commit from which {@link LedgerGit} lists the directory instead of looking each up. */
const LIST_DIRECTORY_AT = 32;

/** A full object id (SHA-1 or SHA-256). */
const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** How many bytes of file texts {@link KNOWN_BLOBS} holds at most. */
const KNOWN_BLOBS_BYTES = 64 * 1024 * 1024;

/** File texts read at a commit named by its id (`<dir>\0<id>:./<path>`), and how many bytes they hold. */
const KNOWN_BLOBS = new Map<string, string | null | undefined>();
let knownBytes = 0;

function remember(key: string | undefined, text: string | null | undefined): void {
  if (key === undefined || KNOWN_BLOBS.has(key)) return;
  const size = typeof text === 'string' ? text.length : 0;
  if (knownBytes + size > KNOWN_BLOBS_BYTES) return;
  knownBytes += size;
  KNOWN_BLOBS.set(key, text);
}

/** `names`, one a line, as `git cat-file --batch` reads them. */
function lines(names: readonly string[]): string {
  return names.map((n) => `${n}\n`).join('');
}

function run(cwd: string, args: readonly string[], input?: string): Buffer {
  // A checkout's own configuration may name programs to run: reading never runs one.
  return execFileSync('git', [...SAFE_GIT_ARGS, ...args], {
    cwd,
    input,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
