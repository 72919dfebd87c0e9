import { createHash } from 'crypto';
import { GitOpsError } from '../core/errors';
import { contentHash, isGeneratedFilePath, STATUS_PATH } from './file-tree';
import { isMap } from '../core/plain';
import { FLUX_CLUSTERS_DIR, TOOL_DIR } from '../model/repository-places';
import { isReleaseModelPath, serviceModelPath } from './release-model';

import { MANIFEST_PATH } from './manifest-path';

export { MANIFEST_PATH };

/**
 * Where the manifest keeps the entries of each service's files (its targets' files and its
 * ledger): one shard per service, so that promotions of different services change different
 * files and their Git branches merge without conflict.
 */
export const MANIFEST_SHARDS_DIR = `${TOOL_DIR}/services`;

/** A service name as a shard's file name may hold it. */
const SHARD_NAME = /^([a-z0-9](?:[a-z0-9-]{0,251}[a-z0-9])?)\.json$/;

/** Repository-relative path of the manifest shard of `service`. */
export function manifestShardPath(service: string): string {
  return `${MANIFEST_SHARDS_DIR}/${service}.json`;
}

/** Whether a repository path is the manifest or one of its shards (a name, not a check of the file). */
export function isManifestPath(p: string): boolean {
  return p === MANIFEST_PATH || (p.startsWith(`${MANIFEST_SHARDS_DIR}/`) && SHARD_NAME.test(p.slice(MANIFEST_SHARDS_DIR.length + 1)));
}

/** What the manifest records of one owned file. */
export interface ManifestEntry {
  /** sha256 of the file's content; empty for a derived file, whose content is not recorded. */
  readonly sha256: string;
  /** Fingerprint of the inputs the content was made from; empty for a derived file. */
  readonly key: string;
  /**
   * The service whose shard holds the entry.
   * @default - none: the entry is in the manifest itself
   */
  readonly service?: string;
  /**
   * The release (image digest; for a service with named images the digests of those the file
   * holds, `api=sha256:…,worker=sha256:…`) the file embeds, for a file of a target.
   * @default - none
   */
  readonly release?: string;
  /**
   * A file made from other owned files alone (`STATUS.md`, from the ledgers): the manifest
   * records that it is owned, not its content, which every write compares with what it makes.
   * Its content changes with every promotion; recording it would make every promotion change
   * one shared line.
   * @default false
   */
  readonly derived?: boolean;
}

/** The files cdk8s-gitops owns in a repository, with their content hashes. */
export interface Manifest {
  /** Owned files by repository-relative path. */
  readonly files: ReadonlyMap<string, ManifestEntry>;
  /**
   * Fingerprint of the program the tree was made from (see `FileTree.inputs`); the ledgers'
   * part is their own entries' hashes.
   * @default - not recorded
   */
  readonly inputs?: string;
  /**
   * The files of the manifest (it and its shards) without a seal that matches their content:
   * edited since cdk8s-gitops wrote them ({@link Manifest.edited}), or written by a version
   * before seals. A command that trusts the manifest without building the tree
   * ({@link recordsInputs}) trusts none of these; the next write seals them again.
   * @default - none: every file is as cdk8s-gitops wrote it
   */
  readonly unsealed?: readonly string[];
  /**
   * The files of {@link Manifest.unsealed} edited by hand since cdk8s-gitops wrote and sealed
   * them: those of this version, and any beside a manifest of this version (a write seals every
   * file of the manifest, so an older one beside it was changed since).
   * @default - none
   */
  readonly edited?: readonly string[];
}

const HEADER = 'cdk8s-gitops';
/**
 * What a recorded release may look like: a digest or version, a chart's or base's Git revision
 * (`release/1.4`, `refs/heads/main`), or the versions of named images (`api=sha256:…,worker=sha256:…`);
 * no quotes or spaces.
 */
const RELEASE = /^[\w.:@+/-]{1,250}$|^[\w.:@+=,-]{1,8000}$/;
const VERSION = 3;
/** The versions a manifest may have: 1 (before shards), 2 (before seals) and this one. */
const READABLE_VERSIONS = [1, 2, VERSION];
/** The line that seals a file of the manifest: the sha256 of the file's text without this line. */
const SEAL_LINE = /^ {2}"seal": "([0-9a-f]{64})",\n/m;

/**
 * Seals `text` (a file of the manifest, as {@link serializeManifest} writes it): a line before
 * its files records the hash of the rest. A hand edit that leaves the seal as it was is seen
 * by {@link parseManifest}: `check` names the file, and a release does not build part of the
 * tree on it ({@link recordsInputs}). Anyone can recompute a seal, so it tells an edit, not an
 * author: a synth with nothing to do trusts only a manifest the checkout's last whole writes
 * found or left (`DriftCheck.trusts`).
 */
function seal(text: string): string {
  const at = text.indexOf('  "files": {');
  return `${text.slice(0, at)}  "seal": "${contentHash(text)}",\n${text.slice(at)}`;
}

/**
 * Whether `text` carries a seal that matches the rest of it. Line ends converted to CRLF (Git's
 * `eol=crlf`) are read as the LF they were written as: a conversion is not an edit.
 */
function isSealed(crlf: string): boolean {
  const text = crlf.replace(/\r\n/g, '\n');
  const m = SEAL_LINE.exec(text);
  return m !== null && contentHash(text.slice(0, m.index) + text.slice(m.index + m[0].length)) === m[1];
}

function entryLines(files: readonly (readonly [string, ManifestEntry])[]): string {
  const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = sorted.map(([p, e], i) => {
    const release = e.release === undefined ? '' : `, "release": ${JSON.stringify(e.release)}`;
    const value = e.derived ? '{"derived": true}' : `{"sha256": "${e.sha256}", "key": "${e.key}"${release}}`;
    return `    ${JSON.stringify(p)}: ${value}${i < sorted.length - 1 ? ',' : ''}`;
  });
  return `  "files": {\n${lines.join('\n')}${lines.length ? '\n' : ''}  }\n}\n`;
}

/**
 * Serializes a manifest into its files, by repository path: the manifest itself (the program's
 * inputs and the files of no service) and one shard per service with files. One file a line,
 * sorted, so that Git diffs stay readable.
 *
 * @param unchanged services whose entries are those of the manifest whose files are `texts`,
 *   as this function wrote them: their shards are taken from `texts` as they are
 */
export function serializeManifest(
  m: Manifest,
  unchanged?: { readonly services: ReadonlySet<string>; readonly texts: ReadonlyMap<string, string> },
): Map<string, string> {
  const main: [string, ManifestEntry][] = [];
  const shards = new Map<string, [string, ManifestEntry][]>();
  for (const [p, e] of m.files) {
    if (e.service === undefined) main.push([p, e]);
    else {
      let entries = shards.get(e.service);
      if (entries === undefined) shards.set(e.service, (entries = []));
      entries.push([p, e]);
    }
  }
  const inputs = m.inputs === undefined ? '' : `  "inputs": "${m.inputs}",\n`;
  const out = new Map([[MANIFEST_PATH, seal(`{\n  "generator": "${HEADER}",\n  "version": ${VERSION},\n${inputs}${entryLines(main)}`)]]);
  for (const service of [...shards.keys()].sort()) {
    const path = manifestShardPath(service);
    const before = unchanged?.services.has(service) ? unchanged.texts.get(path) : undefined;
    out.set(
      path,
      before ??
        seal(
          `{\n  "generator": "${HEADER}",\n  "version": ${VERSION},\n  "service": ${JSON.stringify(service)},\n${entryLines(shards.get(service)!)}`,
        ),
    );
  }
  return out;
}

function malformed(file: string, message: string): GitOpsError {
  return GitOpsError.of('CG401', {
    file,
    message,
    fix: `Restore it from Git (git checkout -- ${file}); it is written only by cdk8s-gitops.`,
  });
}

/** A JSON text's top-level object; anything else (an array, a scalar, not JSON) fails with `CG401`. */
function parseJson(text: string, file: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    throw malformed(file, file === MANIFEST_PATH ? 'The manifest is not valid JSON.' : `The manifest shard ${file} is not valid JSON.`);
  }
  return isMap(data) ? data : {};
}

function parseEntries(files: Record<string, unknown>, file: string, service: string | undefined): [string, ManifestEntry][] {
  const entries: [string, ManifestEntry][] = [];
  // A fleet's manifest records tens of thousands of entries: no copies of them, no spread objects.
  for (const p in files) {
    const value = files[p];
    const e = isMap(value) ? value : {};
    const derived = e.derived === true && service === undefined && Object.keys(e).length === 1;
    const release = e.release;
    const sha256 = typeof e.sha256 === 'string' && e.sha256.length === 64 && SHA256_HEX.test(e.sha256) ? e.sha256 : undefined;
    const key = typeof e.key === 'string' ? e.key : undefined;
    if (
      (!derived &&
        (sha256 === undefined ||
          key === undefined ||
          (release !== undefined && (typeof release !== 'string' || !RELEASE.test(release))))) ||
      !isOwnablePath(p) ||
      !(isVisiblePath(p) || isReleaseModelPath(p)) ||
      !isGeneratedFilePath(p)
    ) {
      throw malformed(
        file,
        `The manifest entry for ${JSON.stringify(p.slice(0, 200))} is malformed or names a path cdk8s-gitops never writes (hidden but for the release model, outside the repository, or neither YAML nor ${STATUS_PATH})${file === MANIFEST_PATH ? '' : `; in ${file}`}.`,
      );
    }
    // Flux's own files (its bootstrap and the tenant lockdown beside it) are never cdk8s-gitops's.
    if (p.includes('flux-system/') && FLUX_SYSTEM.test(p)) {
      throw malformed(
        file,
        `The manifest records ${JSON.stringify(p.slice(0, 200))}, a file of Flux's own flux-system directory, which cdk8s-gitops never writes${file === MANIFEST_PATH ? '' : `; in ${file}`}.`,
      );
    }
    // A service's shard records its own files only: another file claimed there (with a seal anyone
    // can recompute) would be one a write takes as owned, and deletes when the program stops making it.
    if (service !== undefined && !isFileOfService(p, service)) {
      throw malformed(
        file,
        `${file}, the shard of service ${service}, records ${JSON.stringify(p.slice(0, 200))}, which is none of that service's files (its targets' directories, its ledger, its release model file).`,
      );
    }
    entries.push([
      p,
      entryOf(derived ? '' : sha256!, derived ? '' : key!, service, derived, !derived && typeof release === 'string' ? release : undefined),
    ]);
  }
  return entries;
}

/** A manifest entry with the fields that apply only. */
function entryOf(sha256: string, key: string, service: string | undefined, derived: boolean, release: string | undefined): ManifestEntry {
  if (derived) return service === undefined ? { sha256, key, derived } : { sha256, key, service, derived };
  if (service === undefined) return release === undefined ? { sha256, key } : { sha256, key, release };
  return release === undefined ? { sha256, key, service } : { sha256, key, service, release };
}

/** A sha256 in hex, as the manifest records a file's content hash. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A path in Flux's own flux-system directory. */
const FLUX_SYSTEM = /^clusters\/(?:[^/]+\/)*flux-system\//;

/**
 * Parses a manifest and its shards (texts by repository path); fails with the file and the fix
 * when one is not what cdk8s-gitops writes. A manifest of version 1 (before shards) is read
 * as it is; the next write moves its services' entries to their shards. A file whose seal does
 * not match is read too, and named in {@link Manifest.unsealed}.
 */
export function parseManifest(texts: ReadonlyMap<string, string>): Manifest {
  // A command reads the manifest several times (its checks, the plan of its write) while it is
  // unchanged: the texts are compared, the thousand shards of a fleet are parsed once.
  if (lastParsed !== undefined && sameTexts(lastParsed.texts, texts)) return lastParsed.manifest;
  const manifest = parseManifestTexts(texts);
  lastParsed = { texts: new Map(texts), manifest };
  return manifest;
}

/** The manifest parsed last, and the texts it was parsed from. */
let lastParsed: { readonly texts: ReadonlyMap<string, string>; readonly manifest: Manifest } | undefined;

function sameTexts(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [file, text] of b) if (a.get(file) !== text) return false;
  return true;
}

function parseManifestTexts(texts: ReadonlyMap<string, string>): Manifest {
  const files = new Map<string, ManifestEntry>();
  const versions = new Map<string, unknown>();
  const unsealed: string[] = [];
  let inputs: string | undefined;
  const mainText = texts.get(MANIFEST_PATH);
  const add = (file: string, part: ManifestFile): void => {
    for (const [p, e] of part.entries) {
      if (files.has(p))
        throw malformed(file, `${file} records ${JSON.stringify(p.slice(0, 200))}, which another file of the manifest records too.`);
      files.set(p, e);
    }
    versions.set(file, part.version);
    if (!part.sealed) unsealed.push(file);
  };
  if (mainText !== undefined) {
    const main = parsedFile(MANIFEST_PATH, mainText);
    add(MANIFEST_PATH, main);
    inputs = main.inputs;
  }
  for (const [file, text] of texts) if (file !== MANIFEST_PATH) add(file, parsedFile(file, text));
  unsealed.sort();
  // A write seals every file of the manifest: beside a sealed manifest, a file of an older version was edited too.
  const current = versions.get(MANIFEST_PATH) === VERSION && !unsealed.includes(MANIFEST_PATH);
  const edited = unsealed.filter((file) => current || versions.get(file) === VERSION);
  return {
    files,
    ...(inputs === undefined ? {} : { inputs }),
    ...(unsealed.length > 0 ? { unsealed } : {}),
    ...(edited.length > 0 ? { edited } : {}),
  };
}

/** One file of the manifest (it or a shard) as read: its entries in order, its version, whether its seal holds. */
interface ManifestFile {
  readonly entries: readonly (readonly [string, ManifestEntry])[];
  readonly version: unknown;
  readonly sealed: boolean;
  readonly inputs?: string;
}

/**
 * The files of the manifest parsed last, by path, with the text each was parsed from: a
 * command reads several versions of the manifest (the checkout's before and after its write,
 * `HEAD`'s), which differ in a few shards of a fleet's thousand.
 */
const parsedFiles = new Map<string, { readonly text: string; readonly file: ManifestFile }>();

/** The file of the manifest at `file` with `text`, checked and parsed (once for each text); one not as cdk8s-gitops writes it fails with `CG401`. */
function parsedFile(file: string, text: string): ManifestFile {
  const known = parsedFiles.get(file);
  if (known !== undefined && known.text === text) return known.file;
  const parsed = file === MANIFEST_PATH ? parseMainFile(text) : parseShardFile(file, text);
  parsedFiles.set(file, { text, file: parsed });
  return parsed;
}

function parseMainFile(text: string): ManifestFile {
  const data = parseJson(text, MANIFEST_PATH);
  if (
    data.generator !== HEADER ||
    !READABLE_VERSIONS.includes(data.version as number) ||
    !isMap(data.files) ||
    (data.inputs !== undefined && (typeof data.inputs !== 'string' || !/^[0-9a-f]{40}$/.test(data.inputs)))
  ) {
    throw malformed(MANIFEST_PATH, `The manifest does not have the expected form (generator "cdk8s-gitops", version ${VERSION}, files).`);
  }
  const entries = parseEntries(data.files, MANIFEST_PATH, undefined);
  const inputs = data.inputs as string | undefined;
  return { entries, version: data.version, sealed: isSealed(text), ...(inputs === undefined ? {} : { inputs }) };
}

function parseShardFile(file: string, text: string): ManifestFile {
  const name = SHARD_NAME.exec(file.slice(MANIFEST_SHARDS_DIR.length + 1));
  const data = parseJson(text, file);
  if (
    !file.startsWith(`${MANIFEST_SHARDS_DIR}/`) ||
    name === null ||
    data.generator !== HEADER ||
    (data.version !== 2 && data.version !== VERSION) ||
    data.service !== name[1] ||
    !isMap(data.files)
  ) {
    throw malformed(
      file,
      `${file} is not a shard of the manifest as cdk8s-gitops writes it (generator "cdk8s-gitops", version ${VERSION}, the service its name says, files).`,
    );
  }
  return { entries: parseEntries(data.files, file, name[1]), version: data.version, sealed: isSealed(text) };
}

/**
 * Whether `p` can be a file of `service` as a tree files it in the service's shard, whatever the
 * layout: in a directory of one of its targets (`<environments>/<env>/<cloud>/<cluster>/<service>/…`),
 * a file named after it (its ledger `<releases>/<service>.yaml`, a Flux entry point's
 * `<cluster>/<service>.yaml`), or its release model file.
 */
function isFileOfService(p: string, service: string): boolean {
  // Its release model file was recorded here before the manifest itself took it.
  if (p === serviceModelPath(service)) return true;
  if (p.endsWith(`/${service}.yaml`)) return true;
  // A directory named after it, below four others: each `/<service>/` found, its segment's index
  // is the number of slashes up to and including the one before it (read without splitting: a
  // fleet's manifest records tens of thousands of paths).
  const dir = `/${service}/`;
  for (let at = p.indexOf(dir); at !== -1; at = p.indexOf(dir, at + 1)) {
    let slashes = 0;
    for (let i = 0; i <= at && slashes < 4; i++) if (p.charCodeAt(i) === 47) slashes++;
    if (slashes >= 4) return true;
  }
  return false;
}

/**
 * Whether `p` is a file a tree of `layout` files in the shard of `service`: in a directory of one
 * of its targets (`<environments>/<env>/<cloud>/<cluster>/<service>/…`), its ledger
 * (`<releases>/<service>.yaml`), its Flux entry point (`clusters/<env>/<cloud>/<cluster>/<service>.yaml`),
 * or its release model file (recorded in its shard before the manifest itself took it).
 */
export function isFileOfServiceIn(
  layout: { readonly environments: string; readonly releases: string },
  p: string,
  service: string,
): boolean {
  // A target's file first, the common case (every file of a fleet's shards is asked about):
  // <environments>/<env>/<cloud>/<cluster>/<service>/<file>, told without splitting the path.
  const env = layout.environments.length + 1;
  if (p.length > env && p.charCodeAt(env - 1) === SLASH && p.startsWith(layout.environments)) {
    let start = env;
    for (let i = 0; i < 3 && start > 0; i++) start = p.indexOf('/', start) + 1;
    const end = start > 0 ? p.indexOf('/', start) : -1;
    if (end !== -1 && end - start === service.length && p.startsWith(service, start)) return true;
  }
  if (p === serviceModelPath(service) || p === `${layout.releases}/${service}.yaml`) return true;
  const flux = p.split('/');
  return flux.length === 5 && flux[0] === FLUX_CLUSTERS_DIR && flux[4] === `${service}.yaml`;
}

const SLASH = '/'.charCodeAt(0);

/** Paths whose segments are plain names (none starts with a dot): ownable at a glance. */
const PLAIN_PATH = /^[\w-][\w.-]*(?:\/[\w-][\w.-]*)*$/;

/** Whether no segment of a repository path is hidden (starts with a dot): the program writes no such file. */
function isVisiblePath(p: string): boolean {
  return !p.startsWith('.') && !p.includes('/.');
}

/** Whether a path may be owned: relative, inside the repository, not in `.git`, and a name a file system takes (no NUL). */
export function isOwnablePath(p: string): boolean {
  if (PLAIN_PATH.test(p)) return true;
  if (p.length === 0 || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s !== '.git');
}

/**
 * One hash of the files of a manifest (texts by repository path, as {@link serializeManifest}
 * gives them or a checkout holds them): equal exactly when every file is.
 */
export function manifestDigest(texts: ReadonlyMap<string, string>): string {
  // A command asks for the digest of the manifest it reads several times (is it the one trusted?):
  // the same texts are hashed once.
  if (lastDigest !== undefined && sameTexts(lastDigest.texts, texts)) return lastDigest.digest;
  const paths = [...texts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // The sha256 of each file's path, length and text, joined by newlines, fed piece by piece.
  const hash = createHash('sha256');
  paths.forEach((p, i) => hash.update(`${i === 0 ? '' : '\n'}${JSON.stringify(p)}\n${texts.get(p)!.length}\n`).update(texts.get(p)!));
  const digest = hash.digest('hex');
  lastDigest = { texts: new Map(texts), digest };
  return digest;
}

/** The digest made last, and the texts it was made of. */
let lastDigest: { readonly texts: ReadonlyMap<string, string>; readonly digest: string } | undefined;

/** The head of a manifest as {@link serializeManifest} writes it, up to its inputs fingerprint. */
const INPUTS_HEAD = new RegExp(`^\\{\\n  "generator": "${HEADER}",\\n  "version": ${VERSION},\\n  "inputs": "([0-9a-f]{40})",\\n`);

/**
 * The inputs fingerprint a manifest's text records, read from its head without parsing the
 * whole file; undefined when it records none (or was not written by {@link serializeManifest}).
 */
export function manifestInputs(text: string): string | undefined {
  return INPUTS_HEAD.exec(text)?.[1];
}

/**
 * Whether `manifest` records the program `inputs`, and every ledger in `ledgers` (as read from
 * the checkout) with the content it has: then the checkout was written from this program and
 * these ledgers. A ledger not in the checkout yet (`initial`) is one the next write creates.
 * A manifest edited by hand ({@link Manifest.unsealed}) is not trusted: its entries may name
 * files cdk8s-gitops did not write, or leave out some it did.
 */
export function recordsInputs(
  manifest: Manifest,
  inputs: string,
  ledgers: Iterable<{ readonly path: string; readonly text: string; readonly initial?: boolean }>,
): boolean {
  if (manifest.inputs !== inputs || manifest.unsealed !== undefined) return false;
  for (const l of ledgers) {
    if (l.initial || manifest.files.get(l.path)?.sha256 !== contentHash(l.text)) return false;
  }
  return true;
}

/** Fails with `CG401` when a file found in the shards' directory (`name`, at `rel`) is not named as a shard. */
export function assertShardFileName(rel: string, name: string): void {
  if (!SHARD_NAME.test(name)) {
    throw malformed(rel, `${rel} is in the directory of the manifest's shards but is not named as one (<service>.json).`);
  }
}
