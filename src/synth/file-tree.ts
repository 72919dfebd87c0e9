import * as crypto from 'crypto';
import { CODEOWNERS_PATH, STATUS_PATH } from '../model/repository-places';
import { isReleaseModelPath } from './release-model';

/** What a file of the tree holds. */
export enum FileKind {
  /** Helm values of one target. */
  VALUES = 'values',
  /** The chart revision one target's ring runs, for a chart promoted with the image. */
  RELEASE = 'release',
  /** A file of a Kustomize target: its overlay, its base's kustomization, or a patch. */
  KUSTOMIZE = 'kustomize',
  /** One Kubernetes object, rendered by the program or the namespace baseline. */
  OBJECT = 'object',
  /** The ApplicationSets of a control plane. */
  APPLICATION_SET = 'applicationset',
  /** The AppProject of an environment. */
  APP_PROJECT = 'appproject',
  /** The app-of-apps Application of a control plane. */
  BOOTSTRAP = 'bootstrap',
  /** The release ledger of a service. */
  LEDGER = 'ledger',
  /** A status report for people. */
  STATUS = 'status',
  /** A file of the release model (`.cdk8s-gitops/model/`): what release commands need of the program. */
  MODEL = 'model',
  /** Flux objects: a cluster's entry point, or a target's HelmRelease, source and kustomization. */
  FLUX = 'flux',
  /** Who approves changes to which files, for GitHub and GitLab (a platform with teams). */
  CODEOWNERS = 'codeowners',
}

export { CODEOWNERS_PATH, STATUS_PATH };

/**
 * Whether cdk8s-gitops ever writes a file at the repository path `p`: a YAML file (`.yaml`),
 * {@link STATUS_PATH}, {@link CODEOWNERS_PATH}, or a file of the release model
 * (`.cdk8s-gitops/model/`). A manifest entry for any other path (a README, a CI file) is not one
 * it wrote, and a write never makes one.
 */
export function isGeneratedFilePath(p: string): boolean {
  return p === STATUS_PATH || p === CODEOWNERS_PATH || p.endsWith('.yaml') || isReleaseModelPath(p);
}

/** One file of a {@link FileTree}. Its content is produced on first use. */
export interface FileEntry {
  /** What the file holds. */
  readonly kind: FileKind;
  /** Construct path of what produced it. */
  readonly origin: string;
  /**
   * The service the file belongs to (its targets' files, its ledger): the manifest keeps its
   * entry in that service's shard.
   * @default - none: a file of the platform
   */
  readonly service?: string;
  /**
   * For a file of a target whose content embeds the release (image digest) it runs: that
   * release, and the ring the target is in. The manifest records the release, so that a write
   * can tell a target that would switch release without a promotion.
   * @default - the file embeds no release
   */
  readonly release?: {
    /** The release (image digest) the content embeds. */
    readonly version: string;
    /** The ring of the target the file belongs to. */
    readonly ring: string;
  };
  /**
   * A fingerprint of everything the content is made from. Equal keys mean equal content, so
   * unchanged files need not be rendered again.
   */
  readonly key: string;
  /**
   * Whether the file is made from the tree's {@link FileTree.inputs} alone: the manifest of a
   * write from the same inputs recorded its key, so a write that trusts that manifest need not
   * compute the key again.
   * @default false
   */
  readonly fromInputs?: boolean;
  /** The file's text. */
  content(): string;
}

/** Hex digest of a text (or its UTF-8 bytes): the one-shot `crypto.hash` where Node has it (20.12+), else a Hash object. */
const hexDigest: (algorithm: string, text: string | Uint8Array) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (algorithm, text) => (crypto as unknown as { hash(a: string, t: string | Uint8Array): string }).hash(algorithm, text)
    : (algorithm, text) => crypto.createHash(algorithm).update(text).digest('hex');

/** sha256 of a text, as written in the manifest. */
export function contentHash(text: string): string {
  return hexDigest('sha256', text);
}

/** A short fingerprint of a text (or of its UTF-8 bytes, the same), for {@link FileEntry.key}. */
export function fingerprint(text: string | Uint8Array): string {
  return hexDigest('sha1', text);
}

/**
 * What a whole tree's derived files (`STATUS.md`) are made from: its inputs (`treeInputs`)
 * and the content hash of every ledger it holds. The stat cache keeps it with a derived file found or
 * written holding what the tree makes, so that a write that changes nothing need not make it
 * again (see `unchangedWrite`).
 */
export function derivedFilesKey(inputs: string, ledgers: Iterable<{ readonly path: string; readonly sha256: string }>): string {
  const lines = [...ledgers].map((l) => `${l.path} ${l.sha256}`).sort();
  return fingerprint(`derived\n${inputs}\n${lines.join('\n')}`);
}

/** {@link derivedFilesKey} of ledgers given with their texts. */
export function ledgerTextsKey(inputs: string, ledgers: Iterable<{ readonly path: string; readonly text: string }>): string {
  return derivedFilesKey(
    inputs,
    [...ledgers].map((l) => ({ path: l.path, sha256: contentHash(l.text) })),
  );
}

/**
 * What a tree of part of the repository covers, and the checkout it is built on: owned files
 * outside the part stay as that checkout's manifest records them.
 */
export interface TreePart {
  /** The {@link FileTreeOptions.inputs} the checkout's manifest must record. */
  readonly basedOn: string;
  /** Whether a repository path is in the part. */
  readonly covers: (path: string) => boolean;
}

/** Options of a {@link FileTree}. */
export interface FileTreeOptions {
  /**
   * A fingerprint of everything the whole tree is made from: the program's model and the
   * release ledgers. The manifest records it, so that a later synth with the same inputs knows
   * that nothing changed without building the tree again.
   * @default - none: every write builds the tree and compares the keys of its files
   */
  readonly inputs?: string;
  /**
   * What the tree's derived files (`STATUS.md`) are made from (see {@link derivedFilesKey}): the
   * stat cache keeps it with them once written, so that a command that would make them again
   * from the same inputs and ledgers need not.
   * @default - not known: derived files are made again
   */
  readonly derivedKey?: string;
  /** Makes the tree a part of the repository. @default - none: the tree is the whole repository */
  readonly part?: TreePart;
  /**
   * Owned files the tree (whole or part) does not make but keeps: a write leaves them owned and
   * as they are, never deletes them (the release ledgers of services the program no longer
   * declares, so that their history survives; release files the checkout's sets still read).
   * @default - none: an owned file the tree does not make is deleted
   */
  readonly retains?: (path: string) => boolean;
  /**
   * The targets whose files the tree cannot make and keeps as they are, whole tree or part, by
   * directory (`<environments>/<target>/`): their ring's release does not fit their service's
   * images (CG214). A write checks that their files still fit it.
   * @default - none
   */
  readonly held?: ReadonlyMap<string, HeldTarget>;
  /** What a command that writes or compares the tree says about it, one line each. @default - nothing */
  readonly notes?: readonly string[];
  /**
   * Directories of the repository the tree's files read but cdk8s-gitops does not write (the
   * Kustomize bases kept in the GitOps repository): a write checks that each is a directory of
   * its own there.
   * @default - none
   */
  readonly reads?: readonly string[];
  /**
   * Where the tree puts targets' directories and ledgers (the model's layout): a write refuses a
   * service's shard of the manifest that records a file elsewhere.
   * @default - not known: shards are judged by the names of their files alone
   */
  readonly layout?: { readonly environments: string; readonly releases: string };
}

/** A target whose files a tree keeps as they are: its ring runs a release that does not fit its service's images. */
export interface HeldImage {
  /** The image's name in the release; undefined for the one image of a release that names none. */
  readonly name?: string;
  /** The key path of its map in a values file, e.g. `image` or `worker.image`. */
  readonly valuesKey: string;
  /** Its repository, where the program names it; undefined where it does not. */
  readonly repository?: string;
  /** The digest or tag the release gives it. */
  readonly version: string;
}

/** A target of a ring held at its release (see {@link FileTree.held}): what its files must run. */
export interface HeldTarget {
  /** Why (CG214's message). */
  readonly reason: string;
  /** The service. */
  readonly service: string;
  /** The ring. */
  readonly ring: string;
  /** What the ring runs (`sha256:…`, or named images as `api=sha256:…,…`). */
  readonly version: string;
  /** The files the program makes for the target, by path: a target that holds others was written for another workload. */
  readonly paths: readonly string[];
  /**
   * The images of the ring's release, each where the target's files hold it: its values key, its
   * repository where the program still names the image (undefined where it no longer does: the
   * repository the release ran is not known), and the version the release gives it.
   */
  readonly images: readonly HeldImage[];
  /**
   * The chart revision the ring's release makes the target read, where its environment's
   * ApplicationSets read it from the target's release file.
   * @default - none: the target has no release file
   */
  readonly chart?: { readonly file: string; readonly revision: string };
}

/**
 * The synthesized repository: repository-relative path → file. Everything downstream
 * (write, plan, preview, check, publish) works on this, never on the constructs.
 *
 * @example
 * const tree = new FileTree();
 * tree.addText('projects/prod.yaml', FileKind.APP_PROJECT, 'platform/prod', 'kind: AppProject\n');
 * tree.content('projects/prod.yaml');
 */
export class FileTree {
  /** A fingerprint of everything the tree is made from. @default - none */
  public readonly inputs?: string;
  /** What the tree's derived files are made from (see {@link FileTreeOptions.derivedKey}). @default - not known */
  public readonly derivedKey?: string;
  /** For a part of the repository: what it covers and the checkout it is built on. @default - none */
  public readonly part?: TreePart;
  /** What a command that writes or compares the tree says about it (see {@link FileTreeOptions.notes}). */
  public readonly notes: readonly string[];
  /** The targets whose files the tree keeps as they are (see {@link FileTreeOptions.held}). */
  public readonly held: ReadonlyMap<string, HeldTarget>;
  /** Directories the tree's files read and cdk8s-gitops does not write (see {@link FileTreeOptions.reads}). */
  public readonly reads: readonly string[];
  /** Where the tree puts targets' directories and ledgers (see {@link FileTreeOptions.layout}). @default - not known */
  public readonly layout?: { readonly environments: string; readonly releases: string };
  private readonly files = new Map<string, FileEntry>();
  private readonly rendered = new Map<string, string>();
  private readonly retains?: (path: string) => boolean;

  constructor(options: FileTreeOptions = {}) {
    if (options.inputs !== undefined) this.inputs = options.inputs;
    if (options.derivedKey !== undefined) this.derivedKey = options.derivedKey;
    if (options.part !== undefined) this.part = options.part;
    if (options.retains !== undefined) this.retains = options.retains;
    this.notes = options.notes ?? [];
    this.held = options.held ?? new Map();
    this.reads = options.reads ?? [];
    if (options.layout !== undefined) this.layout = options.layout;
  }

  /**
   * Whether `path` is in the part of the repository this tree holds (always for a whole tree),
   * but for the files it retains (see {@link FileTreeOptions.retains}) and those of held rings.
   */
  public covers(path: string): boolean {
    if (this.heldBecause(path) !== undefined) return false;
    if (this.retains !== undefined && !this.files.has(path) && this.retains(path)) return false;
    return this.part === undefined || this.part.covers(path);
  }

  /** Why the tree keeps the owned file at `path` without making it (see {@link FileTreeOptions.held}); undefined when it does not. */
  public heldBecause(path: string): string | undefined {
    if (this.held.size === 0 || this.files.has(path)) return undefined;
    // The held directory that holds it, if any: a prefix of the path that ends at a `/`.
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
      const held = this.held.get(path.slice(0, at + 1));
      if (held !== undefined) return held.reason;
    }
    return undefined;
  }

  /** Adds a file whose content is computed on first use. Paths must be unique. */
  public add(path: string, entry: FileEntry): void {
    if (this.files.has(path)) {
      const other = this.files.get(path)!;
      throw new Error(`Two files at ${path}: from ${other.origin} and from ${entry.origin}.`);
    }
    this.files.set(path, entry);
  }

  /** Adds a file whose content is known; `service` is the service it belongs to, if any. */
  public addText(path: string, kind: FileKind, origin: string, text: string, service?: string): void {
    this.add(path, { kind, origin, key: fingerprint(text), content: () => text, ...(service === undefined ? {} : { service }) });
    this.rendered.set(path, text);
  }

  /** Whether the tree has a file at `path`. */
  public has(path: string): boolean {
    return this.files.has(path);
  }

  /** The entry at `path`, if any. */
  public get(path: string): FileEntry | undefined {
    return this.files.get(path);
  }

  /** The content of the file at `path` (rendered once, then cached). */
  public content(path: string): string {
    let text = this.rendered.get(path);
    if (text === undefined) {
      const entry = this.files.get(path);
      if (!entry) throw new Error(`No file at ${path} in the tree.`);
      text = entry.content();
      this.rendered.set(path, text);
    }
    return text;
  }

  /** Every path, sorted. */
  public paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /** Number of files. */
  public get size(): number {
    return this.files.size;
  }

  /** Every file as `[path, content]`, sorted by path (renders everything). */
  public toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of this.paths()) out[p] = this.content(p);
    return out;
  }
}
