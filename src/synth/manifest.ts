import { GitOpsError } from '../errors';
import { Checkout } from './checkout-fs';

/** Repository-relative path of the manifest. */
export const MANIFEST_PATH = '.cdk8s-gitops/manifest.json';

/** What the manifest records of one owned file. */
export interface ManifestEntry {
  /** sha256 of the file's content. */
  readonly sha256: string;
  /** Fingerprint of the inputs the content was made from. */
  readonly key: string;
}

/** The files cdk8s-gitops owns in a repository, with their content hashes. */
export interface Manifest {
  /** Owned files by repository-relative path. */
  readonly files: ReadonlyMap<string, ManifestEntry>;
  /**
   * Fingerprint of everything the tree was made from (see `FileTree.inputs`).
   * @default - not recorded
   */
  readonly inputs?: string;
}

const HEADER = 'cdk8s-gitops';

/** Serializes a manifest: one file a line, sorted, so that Git diffs stay readable. */
export function serializeManifest(m: Manifest): string {
  const paths = [...m.files.keys()].sort();
  const lines = paths.map((p, i) => {
    const e = m.files.get(p)!;
    return `    ${JSON.stringify(p)}: {"sha256": "${e.sha256}", "key": "${e.key}"}${i < paths.length - 1 ? ',' : ''}`;
  });
  const inputs = m.inputs === undefined ? '' : `  "inputs": "${m.inputs}",\n`;
  return `{\n  "generator": "${HEADER}",\n  "version": 1,\n${inputs}  "files": {\n${lines.join('\n')}${lines.length ? '\n' : ''}  }\n}\n`;
}

/** Parses a manifest; fails with the file and the fix when it is not one. */
export function parseManifest(text: string, file = MANIFEST_PATH): Manifest {
  let data: any;
  try {
    data = JSON.parse(text);
  } catch {
    throw new GitOpsError({
      code: 'CG401', file,
      message: 'The manifest is not valid JSON.',
      fix: `Restore it from Git (git checkout -- ${file}); it is written only by cdk8s-gitops.`,
    });
  }
  if (data?.generator !== HEADER || data?.version !== 1 || typeof data.files !== 'object' || data.files === null
    || (data.inputs !== undefined && !/^[0-9a-f]{40}$/.test(data.inputs))) {
    throw new GitOpsError({
      code: 'CG401', file,
      message: 'The manifest does not have the expected form (generator "cdk8s-gitops", version 1, files).',
      fix: `Restore it from Git (git checkout -- ${file}); it is written only by cdk8s-gitops.`,
    });
  }
  const files = new Map<string, ManifestEntry>();
  for (const [p, e] of Object.entries<any>(data.files)) {
    if (typeof e?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256) || typeof e?.key !== 'string' || !isOwnablePath(p) || !isVisiblePath(p)) {
      throw new GitOpsError({
        code: 'CG401', file,
        message: `The manifest entry for ${JSON.stringify(p.slice(0, 200))} is malformed or names a path cdk8s-gitops never writes (hidden, or outside the repository).`,
        fix: `Restore it from Git (git checkout -- ${file}); it is written only by cdk8s-gitops.`,
      });
    }
    files.set(p, { sha256: e.sha256, key: e.key });
  }
  return data.inputs === undefined ? { files } : { files, inputs: data.inputs };
}

/** Paths whose segments are plain names (none starts with a dot): ownable at a glance. */
const PLAIN_PATH = /^[\w-][\w.-]*(?:\/[\w-][\w.-]*)*$/;

/** Whether no segment of a repository path is hidden (starts with a dot): the program writes no such file. */
function isVisiblePath(p: string): boolean {
  return !p.startsWith('.') && !p.includes('/.');
}

/** Whether a path may be owned: relative, inside the repository, not in `.git`. */
export function isOwnablePath(p: string): boolean {
  if (PLAIN_PATH.test(p)) return true;
  if (p.length === 0 || p.startsWith('/') || p.includes('\\')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s !== '.git');
}

/** The head of a manifest as {@link serializeManifest} writes it, up to its inputs fingerprint. */
const INPUTS_HEAD = new RegExp(`^\\{\\n  "generator": "${HEADER}",\\n  "version": 1,\\n  "inputs": "([0-9a-f]{40})",\\n`);

/**
 * The inputs fingerprint a manifest's text records, read from its head without parsing the
 * whole file; undefined when it records none (or was not written by {@link serializeManifest}).
 */
export function manifestInputs(text: string): string | undefined {
  return INPUTS_HEAD.exec(text)?.[1];
}

/** {@link manifestInputs} of the manifest of a checkout; undefined when it has none. */
export function readManifestInputs(dir: string): string | undefined {
  const text = new Checkout(dir).read(MANIFEST_PATH);
  return text === undefined ? undefined : manifestInputs(text);
}

/** Reads the manifest of a checkout; an absent manifest is an empty one. */
export function readManifest(dir: string): Manifest {
  const text = new Checkout(dir).read(MANIFEST_PATH);
  return text === undefined ? { files: new Map() } : parseManifest(text);
}
