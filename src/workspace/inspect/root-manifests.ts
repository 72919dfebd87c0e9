/**
 * The files of a directory a control plane's root Application deploys
 * (`applicationsets/<control plane>/`), read as Argo CD's repo server reads a directory source's
 * manifests, so that what the preview takes from them is what Argo CD applies, or it refuses:
 *
 * - the repo server decodes each file by its byte-order mark (`utfutil`: a UTF-8 mark dropped,
 *   UTF-16 decoded) and skips a file that holds `+argocd:skip-file-rendering` anywhere;
 * - a `.json` file is one JSON object; a YAML file starting with `{` is a stream of JSON values;
 *   any other is cut into documents at each line that starts with `---` (only spaces or a
 *   comment may follow it there), and go-yaml v2 reads the first document of each piece;
 * - an object with an `items` list is a list, whose items it applies instead;
 * - it applies every object, whatever its kind: an AppProject (which may replace a project of
 *   the same name) or an Application as well as an ApplicationSet.
 *
 * What the preview cannot read exactly (UTF-16, a NUL byte, a JSON stream, a separator line
 * followed by text, a document end marker inside a piece, a list) and any object that is not an
 * ApplicationSet is refused with the file named, never skipped: nothing there may reach Argo CD
 * unseen. A file whose name ends in `Chart.yaml`, or a kustomization file, makes the repo
 * server render the whole directory with Helm or Kustomize instead ({@link sourceToolFile}).
 *
 * @module
 */
import { GitOpsError } from '../../core/errors';
import { isMap } from '../../core/plain';
import { yamlLibrary } from '../../core/yaml/parse';
import { GoYamlError, readGoYamlDocuments } from '../../preview';
import type { ApplicationSetInput } from '../../preview';
import type { FoundApplicationSet } from './checkout';
import type { GitOpsRepositoryModel, PlatformModel } from '../../model/platform-model';
import { repositoryOf, sameRepository } from '../../model/repositories';
import { redactUrl } from '../../core/url-credentials';

/** The marker that makes Argo CD's repo server skip a manifest file. */
export const SKIP_RENDERING_MARKER = '+argocd:skip-file-rendering';

/** The only group and version of ApplicationSet the API server serves. */
const APPLICATION_SET_API_VERSION = 'argoproj.io/v1alpha1';

/**
 * The ApplicationSets of a file a root Application applies, read as its repo server reads it.
 *
 * @throws GitOpsError `CG706` for what the preview does not read exactly, or an object that is
 * not an ApplicationSet; `CG708` for a file Argo CD cannot read either.
 */
export function applicationSetsAppliedIn(file: string, bytes: Buffer): FoundApplicationSet[] {
  const text = decoded(file, bytes);
  if (text.includes(SKIP_RENDERING_MARKER)) return [];
  const objects = file.endsWith('.json') ? [jsonObject(file, text)] : yamlObjects(file, text);
  return objects.map((object, i) => ({ file, object: applicationSetOf(file, object, i + 1) }));
}

/** The text of a file, as `utfutil` gives it: a UTF-8 byte-order mark dropped. */
function decoded(file: string, bytes: Buffer): string {
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16 || bytes.includes(0)) {
    throw unread(
      file,
      utf16
        ? 'is UTF-16 (it starts with its byte-order mark), which Argo CD decodes and applies'
        : 'holds a NUL byte, which the preview does not read as Argo CD does',
      'Write the file as UTF-8.',
    );
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = bytes.subarray(start).toString('utf8');
  if (YAML_1_1_BREAKS.test(text)) {
    throw unread(
      file,
      'holds a character go-yaml v2 takes for a line break (U+0085, U+2028 or U+2029), which YAML 1.2 and the preview do not',
      'Remove it, or write it as an escape in a double-quoted string ("\\u2028").',
    );
  }
  return text;
}

/** The line breaks of YAML 1.1 (go-yaml v2's) that YAML 1.2 reads as ordinary characters. */
const YAML_1_1_BREAKS = /[\u0085\u2028\u2029]/;

/** The one JSON object of a `.json` manifest file. */
function jsonObject(file: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(file, 'is not one valid JSON value, which Argo CD reads a .json manifest as');
  }
  if (!isMap(value)) throw malformed(file, 'does not hold a JSON object, which Argo CD reads a .json manifest as');
  return readGoYamlDocuments(text)[0];
}

/** A line that can end a document or start the next one within a piece: `...`, a directive, a byte-order mark. */
const MORE_DOCUMENTS = /^(\.\.\.|%|\uFEFF)/m;

/** Whitespace Go's `unicode.IsSpace` knows, before the `{` that makes a YAML file a JSON stream. */
const JSON_STREAM = /^[\t\n\v\f\r \u0085\u00a0]*\{/;

/** The objects of a YAML manifest file, piece by piece as Kubernetes' YAML reader cuts it. */
function yamlObjects(file: string, text: string): unknown[] {
  if (JSON_STREAM.test(text)) {
    // A stream of JSON values: one object is read alike by both; more the preview does not split.
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw unread(
        file,
        'starts with "{", so Argo CD reads it as a stream of JSON values, and it is not one JSON object',
        'Write the file as YAML, or as one JSON object.',
      );
    }
    if (!isMap(value)) throw malformed(file, 'starts with "{" but is not one JSON object');
    return [readGoYamlDocuments(text)[0]];
  }
  const out: unknown[] = [];
  for (const piece of pieces(file, text)) {
    // Without a line "---" a piece holds a second document only after a document end marker (or a directive).
    const more =
      MORE_DOCUMENTS.test(piece.text) && yamlLibrary().parseAllDocuments(piece.text, { schema: 'failsafe', uniqueKeys: false }).length > 1;
    if (more) {
      throw unread(
        file,
        `holds a document end marker (...) and more after it in the document at line ${piece.line}, where Argo CD reads only the first`,
        'Separate documents with a line "---".',
      );
    }
    let values: unknown[];
    try {
      values = readGoYamlDocuments(piece.text);
    } catch (e) {
      if (!(e instanceof GoYamlError)) throw e;
      throw malformed(file, `${e.reason.replace(/ at line (\d+)/, (_m, n: string) => ` at line ${Number(n) + piece.line - 1}`)}`);
    }
    out.push(...values);
  }
  return out;
}

/**
 * The pieces of a YAML text as `k8s.io/apimachinery`'s YAML reader cuts it: at each line that
 * starts with `---`, the line left out. Only spaces or a comment may follow the `---`.
 */
function pieces(file: string, text: string): { text: string; line: number }[] {
  const lines = text.split('\n');
  const out: { text: string; line: number }[] = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && !lines[i].startsWith('---')) continue;
    if (i < lines.length) {
      const rest = lines[i].slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        throw malformed(
          file,
          `has a line ${i + 1} that starts with "---" and goes on with other text, which Argo CD's manifest reader refuses`,
        );
      }
    }
    if (i > start) out.push({ text: lines.slice(start, i).join('\n'), line: start + 1 });
    start = i + 1;
  }
  return out;
}

/** The ApplicationSet an object of the file is, or the refusal of what else it is. */
function applicationSetOf(file: string, object: unknown, n: number): ApplicationSetInput {
  if (!isMap(object)) throw malformed(file, `holds a document (the ${ordinal(n)} object) that is not a map`);
  if (object.items !== undefined) {
    throw unread(
      file,
      `holds a list (the ${ordinal(n)} object has "items"), whose items Argo CD applies one by one`,
      'Write each ApplicationSet as a document of its own.',
    );
  }
  if (object.kind === 'ApplicationSet' && object.apiVersion === APPLICATION_SET_API_VERSION) return object as ApplicationSetInput;
  const kind =
    typeof object.kind === 'string' && /^[A-Za-z][A-Za-z0-9]{0,62}$/.test(object.kind) ? `an object of kind ${object.kind}` : 'an object';
  throw unread(
    file,
    `holds ${kind} (the ${ordinal(n)} object) that is not an ApplicationSet of ${APPLICATION_SET_API_VERSION}, which the root Application applies as well (an AppProject there replaces the project of its name, an Application is created as it is); the preview shows only what ApplicationSets generate`,
    'Keep only ApplicationSets (apiVersion argoproj.io/v1alpha1) in the directory: AppProjects and Applications belong in the program.',
  );
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

const WHERE = 'in a directory its root Application applies';

function unread(file: string, what: string, fix: string): GitOpsError {
  return GitOpsError.of('CG706', {
    message: `The manifest file ${JSON.stringify(file)}, ${WHERE}, ${what}; the preview cannot say what Argo CD applies from it.`,
    fix,
    file,
  });
}

function malformed(file: string, what: string): GitOpsError {
  return GitOpsError.of('CG708', {
    message: `The manifest file ${JSON.stringify(file)}, ${WHERE}, ${what}; Argo CD cannot sync it, and stops applying the directory.`,
    fix: 'Fix the file so that it is valid YAML (or JSON) of ApplicationSets.',
    file,
  });
}

/**
 * The file of a directory that makes Argo CD's repo server render it with Helm or Kustomize
 * rather than apply its manifests (its `discovery.AppType`, for a source with no explicit
 * type): a file whose name ends in `Chart.yaml` (`Chart.yaml`, `myChart.yaml`, hidden names
 * too) or a kustomization file. `files` are repository paths (files and links).
 */
export function sourceToolFile(dir: string, files: Iterable<string>): string | undefined {
  for (const f of files) {
    if (!f.startsWith(`${dir}/`) || f.indexOf('/', dir.length + 1) !== -1) continue;
    const name = f.slice(dir.length + 1);
    if (name.endsWith('Chart.yaml') || KUSTOMIZATION_NAMES.has(name)) return f;
  }
  return undefined;
}

/** The names Kustomize takes a directory's kustomization file by. */
export const KUSTOMIZATION_NAMES: ReadonlySet<string> = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/**
 * The directories the control planes' root Applications deploy as directory sources, each with
 * the GitOps repository (and revision) its Argo CD reads: the ApplicationSets directory of each
 * control plane Argo CD reconciles (`applicationsets/<name>`).
 */
export function rootApplicationDirectories(
  model: Pick<PlatformModel, 'layout' | 'controlPlanes' | 'repoURL' | 'revision'>,
): RootDirectories {
  return new Map(
    model.controlPlanes
      .filter((cp) => cp.reconciler?.kind !== 'flux')
      .map((cp) => [`${model.layout.applicationSets}/${cp.name}`, repositoryOf(model, cp)] as const),
  );
}

/**
 * Directories root Applications deploy, each with the repository and revision the checkout is
 * a clone of there (`undefined` where that is not known).
 */
export type RootDirectories = ReadonlyMap<string, GitOpsRepositoryModel | undefined>;

/**
 * Fails on a git generator of an ApplicationSet in a root Application's directory that reads
 * another repository, or another revision, than the one the checkout is a clone of: Argo CD
 * lists and reads that one, which the preview does not have (an ApplicationSet reading a branch
 * nobody reviews, say, would generate nothing from the checkout and anything from there).
 *
 * @throws GitOpsError `CG706` naming the ApplicationSet, its file and the generator.
 */
export function refuseOtherRepositories(sets: readonly FoundApplicationSet[], roots: RootDirectories): void {
  for (const set of sets) {
    const slash = set.file.lastIndexOf('/');
    const repository = roots.get(slash === -1 ? '.' : set.file.slice(0, slash));
    if (repository === undefined) continue;
    const spec = set.object.spec;
    walkGenerators(isMap(spec) ? spec.generators : undefined, 'spec.generators', (git, field) => {
      const { repoURL, revision = '' } = git;
      if (typeof repoURL === 'string' && typeof revision === 'string') {
        if (sameRepository(repoURL, repository.repoURL) && sameRevision(revision, repository.revision)) return;
      }
      const name = JSON.stringify(set.object.metadata?.name ?? '');
      const where = typeof repoURL === 'string' ? redactUrl(repoURL) : 'no repository';
      const at = typeof revision === 'string' && revision !== '' ? JSON.stringify(revision) : 'its default branch (HEAD)';
      throw GitOpsError.of('CG706', {
        message: `ApplicationSet ${name} in ${JSON.stringify(set.file)} has a git generator (${field}) that reads ${where} at ${at}, but the checkout is a clone of ${redactUrl(repository.repoURL)} at ${JSON.stringify(repository.revision)}, which its control plane's Argo CD follows: Argo CD lists and reads what the generator names, which the preview does not have.`,
        fix: `Set the generator's repoURL to ${redactUrl(repository.repoURL)} and its revision to ${JSON.stringify(repository.revision)}, or preview it with argocd appset generate.`,
        file: set.file,
      });
    });
  }
}

/** Calls `visit` with each git generator of a list of generators, matrix and merge generators' included. */
function walkGenerators(generators: unknown, field: string, visit: (git: Record<string, unknown>, field: string) => void): void {
  if (!Array.isArray(generators)) return;
  generators.forEach((g: unknown, i) => {
    if (!isMap(g)) return;
    if (isMap(g.git)) visit(g.git, `${field}[${i}].git`);
    for (const kind of ['matrix', 'merge'] as const) {
      const nested = g[kind];
      if (isMap(nested)) walkGenerators(nested.generators, `${field}[${i}].${kind}.generators`, visit);
    }
  });
}

/** Whether a generator's revision names the branch (or other revision) `followed`: as written, or as its full ref. */
function sameRevision(revision: string, followed: string): boolean {
  const short = (r: string): string => r.replace(/^refs\/heads\//, '');
  return revision !== '' && short(revision) === short(followed);
}
