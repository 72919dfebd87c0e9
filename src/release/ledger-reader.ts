/**
 * The full ledger reader: parses any YAML text with the \`yaml\` package and reports every
 * problem with its line. Loaded only when a ledger is not in the exact form cdk8s-gitops writes
 * (a hand edit, a merge, a broken file), so that reading a fleet's ledgers needs no YAML parser.
 */
import type { Alias, LineCounter, Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { GitOpsError, Problem, problem } from '../core/errors';
import { catalogueFix } from '../core/error-catalogue';
import { DEFAULT_VERSION_POLICY, isTag, versionFix, versionProblem } from '../model/versions';
import { LedgerErrorCode } from './error-codes';
import { yamlLibrary } from '../core/yaml/parse';
import { isDns1123Label } from '../core/kube-names';
import { isTimestamp } from '../core/timestamp';
import { Hold, Ledger, PreviousRelease, RingState } from './types';
import { isChartRevision, isChartTag, Release } from './release';
import { VersionPolicy } from '../model/versions';

/** Options for reading a ledger (see `parseLedger`). */
export interface ParseLedgerOptions {
  /**
   * Version policy per ring name, checked against the digest each ring runs.
   * @default - every ring takes only digests (DEFAULT_VERSION_POLICY)
   */
  readonly policies?: Readonly<Record<string, VersionPolicy>>;
}

/** @internal The service a ledger file is for: its base name without `.yaml`. */
export function serviceOfFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/, '');
}

// The node tests of `yaml`, which is loaded only when a ledger is not in the form cdk8s-gitops writes.
function isAlias(node: unknown): node is Alias {
  return yamlLibrary().isAlias(node);
}
function isMap(node: unknown): node is YAMLMap {
  return yamlLibrary().isMap(node);
}
function isScalar(node: unknown): node is Scalar {
  return yamlLibrary().isScalar(node);
}
function isSeq(node: unknown): node is YAMLSeq {
  return yamlLibrary().isSeq(node);
}

const ROOT_KEYS = ['service', 'rings'] as const;
const RING_KEYS = ['digest', 'since', 'by', 'from', 'approvedBy', 'hold', 'previous'] as const;
/** The fields of a ring's entry whose release names its images. */
const NAMED_RING_KEYS = ['images', 'since', 'by', 'from', 'approvedBy', 'hold', 'previous'] as const;
const HOLD_KEYS = ['reason', 'since', 'by'] as const;
const PREVIOUS_KEYS = ['digest', 'since', 'by'] as const;
const NAMED_PREVIOUS_KEYS = ['images', 'since', 'by'] as const;
/** Fields a ring's entry, or an entry of its `previous`, has only for a release that has one. */
const RELEASE_OPTIONAL_KEYS = ['chart'] as const;

/** What an optional field holds when there is nothing to record. */
const EMPTY_VALUES: Readonly<Record<string, string>> = { from: 'null', approvedBy: 'null', hold: 'null', previous: '[]' };

const TIMESTAMP_FIX = catalogueFix('CG206');

type Value = Node | null;

/** A field's value and the offset to report problems at. */
interface Field {
  readonly value: Value;
  readonly at: number | undefined;
}

/** Reads one ledger document, collecting every problem with its line. */
class LedgerReader {
  public readonly problems: Problem[] = [];

  constructor(
    public readonly file: string,
    private readonly lines: LineCounter,
    private readonly source: string,
  ) {}

  /** The value received, for messages: strings quoted, other scalars as written in the file. */
  public describe(node: Value): string {
    if (isScalar(node) && node.value !== null && typeof node.value !== 'string' && node.range) {
      const written = this.source.slice(node.range[0], node.range[1]);
      const kind = node.value instanceof Date ? 'date' : typeof node.value;
      return QUOTABLE.test(written) && written.length <= MAX_QUOTED ? `${written} (read as a ${kind})` : quoteReceived(written, kind);
    }
    return describe(node);
  }

  /** Records a problem at offset `at` of the file; its fix is the catalogue's unless `fix` is given. */
  public report(code: LedgerErrorCode, at: number | undefined, message: string, fix?: string): void {
    const line = at === undefined ? undefined : this.lines.linePos(at).line;
    this.problems.push(problem(code, { message, fix, file: this.file, line }));
  }

  /**
   * Checks a mapping's keys: reports unknown, missing and non-text keys, returns values by key.
   * `optional` keys may be left out.
   */
  public fields<K extends string>(
    node: Value,
    path: string,
    keys: readonly K[],
    fallback: number | undefined,
    optional: readonly K[] = [],
  ): Map<K, Field> | undefined {
    if (!isMap(node)) {
      this.wrongType(node, path, 'a mapping', fallback);
      return undefined;
    }
    const found = new Map<K, Field>();
    for (const pair of node.items) {
      const key = pair.key as Value;
      const at = offset(key) ?? offset(node);
      if (!isScalar(key) || typeof key.value !== 'string') {
        this.report('CG202', at, `Key ${this.describe(key)} in ${where(path)} is not a field name.`, `Use only the fields ${list(keys)}.`);
        continue;
      }
      const name = key.value;
      if (!(keys as readonly string[]).includes(name) && !(optional as readonly string[]).includes(name)) {
        this.report(
          'CG202',
          at,
          `Unknown field ${quoteReceived(join(path, name))}.`,
          `Remove it; ${where(path)} has only the fields ${list(keys)}.${optional.length > 0 ? ` A release whose chart is promoted with the image also has ${list(optional)}.` : ''}`,
        );
        continue;
      }
      const value = pair.value as Value;
      found.set(name as K, { value, at: value && hasText(value) ? offset(value) : at });
    }
    const missing = keys.filter((k) => !found.has(k));
    if (missing.length > 0) {
      this.report(
        'CG202',
        fallback ?? offset(node),
        `${capitalize(where(path))} lacks the field${missing.length > 1 ? 's' : ''} ${list(missing)}.`,
        `Add ${missing.map((k) => `\`${k}: ${EMPTY_VALUES[k] ?? '…'}\``).join(', ')}, with the value it should have.`,
      );
      return undefined;
    }
    return found;
  }

  /** A non-empty string, or `undefined` (reported). */
  public text(field: Field, path: string): string | undefined {
    const { value, at } = field;
    if (!isScalar(value) || typeof value.value !== 'string') {
      this.wrongType(value, path, 'text', at);
      return undefined;
    }
    if (value.value.trim() === '') {
      this.report('CG208', at, `Field "${path}" is empty.`);
      return undefined;
    }
    return value.value;
  }

  /** `null`, or a value read by `read`. */
  public nullable<T>(field: Field, read: () => T | undefined): T | null | undefined {
    const { value } = field;
    return value === null || (isScalar(value) && value.value === null) ? null : read();
  }

  public timestamp(field: Field, path: string): string | undefined {
    const { value, at } = field;
    if (!isScalar(value) || typeof value.value !== 'string') {
      this.wrongType(value, path, 'a quoted timestamp', at, TIMESTAMP_FIX);
      return undefined;
    }
    if (!isTimestamp(value.value)) {
      this.report('CG206', at, `Field "${path}" is not a timestamp; received ${this.describe(value)}.`);
      return undefined;
    }
    return value.value;
  }

  public name(field: Field, path: string, what: string): string | undefined {
    const { value, at } = field;
    if (!isScalar(value) || typeof value.value !== 'string') {
      this.wrongType(value, path, `a ${what} name`, at);
      return undefined;
    }
    if (!isDns1123Label(value.value)) {
      this.report('CG207', at, `Field "${path}" is not a valid ${what} name; received ${this.describe(value)}.`);
      return undefined;
    }
    return value.value;
  }

  /** A chart revision (a commit SHA, a tag `v<semver>` or a version `<semver>`), or `undefined` (reported). */
  public chart(field: Field, path: string): string | undefined {
    const { value, at } = field;
    if (!isScalar(value) || typeof value.value !== 'string') {
      this.wrongType(value, path, 'a chart revision', at, catalogueFix('CG212'));
      return undefined;
    }
    if (!isChartRevision(value.value)) {
      this.report('CG212', at, `Field "${path}" is not a chart revision; received ${this.describe(value)}.`);
      return undefined;
    }
    return value.value;
  }

  /**
   * The release's images of an entry (`images` or `digest`), or `undefined` (reported). An entry
   * with both is refused (CG213).
   */
  public release(f: Map<string, Field>, path: string, policy: VersionPolicy): Release | undefined {
    const images = f.get('images');
    if (images === undefined) {
      const digest = this.version(f.get('digest')!, `${path}.digest`, policy);
      return digest === undefined ? undefined : { digest };
    }
    const { value, at } = images;
    const where = `${path}.images`;
    if (!isMap(value)) {
      this.report('CG213', at, `Field "${where}" must be a mapping of image name to digest; received ${this.describe(value)}.`);
      return undefined;
    }
    if (value.items.length === 0) {
      this.report('CG213', at, `Field "${where}" names no image.`);
      return undefined;
    }
    const out: Record<string, string> = {};
    let ok = true;
    for (const pair of value.items) {
      const key = pair.key as Value;
      if (!isScalar(key) || typeof key.value !== 'string' || !isDns1123Label(key.value)) {
        this.report('CG213', offset(key) ?? at, `Key ${this.describe(key)} in "${where}" is not an image name.`);
        ok = false;
        continue;
      }
      const item = pair.value as Value;
      const version = this.version(
        { value: item, at: item && hasText(item) ? offset(item) : offset(key) },
        `${where}.${key.value}`,
        policy,
      );
      if (version === undefined) ok = false;
      else out[key.value] = version;
    }
    return ok ? { images: out } : undefined;
  }

  public version(field: Field, path: string, policy: VersionPolicy): string | undefined {
    const { value, at } = field;
    if (!isScalar(value) || typeof value.value !== 'string') {
      this.wrongType(value, path, 'a digest', at, versionFix(policy));
      return undefined;
    }
    const why = versionProblem(value.value, policy);
    if (why !== undefined) {
      const code = value.value.startsWith('sha256:') || !isTag(value.value) ? 'CG203' : 'CG204';
      const ring = path.split('.')[1];
      const fix =
        code === 'CG204'
          ? `Write the digest of that tag (sha256:<64 lowercase hex>), or allow tags in ring "${ring}".`
          : versionFix(policy);
      this.report(code, at, `Field "${path}" ${why}; received ${this.describe(value)}.`, fix);
      return undefined;
    }
    return value.value;
  }

  private wrongType(value: Value, path: string, expected: string, at: number | undefined, fix?: string): void {
    const quote = isScalar(value) && value.value !== null && typeof value.value !== 'string' && value.range;
    this.report(
      'CG202',
      (value && hasText(value) ? offset(value) : undefined) ?? at,
      `Field "${path}" must be ${expected}; received ${this.describe(value)}.`,
      fix ?? (quote ? `Quote the value: "${this.source.slice(value.range![0], value.range![1])}".` : `Write ${expected} there.`),
    );
  }
}

/**
 * Reads a ledger file of any form with a YAML parser. Every problem is collected and thrown at
 * once as a {@link GitOpsError}; each names the file and line, the value received and the fix.
 * {@link parseLedger} hands every file it cannot read on its fast path to this.
 *
 * @throws GitOpsError with codes `CG201`–`CG208`, `CG212`, `CG213`
 */
export function readLedgerDocument(text: string, file: string, options: ParseLedgerOptions = {}): Ledger {
  const { LineCounter: Lines, parseDocument } = yamlLibrary();
  const lines = new Lines();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const reader = new LedgerReader(file, lines, text);
  // Only the first syntax error: the ones after it are mostly consequences.
  const syntax = doc.errors[0] ?? doc.warnings[0];
  if (syntax !== undefined) {
    // An unclosed quote or bracket is found at the end of the text: point at the last written line.
    const at = Math.min(syntax.pos[0], text.trimEnd().length - 1);
    reader.report(
      'CG201',
      Math.max(0, at),
      `Not valid YAML: ${syntax.message.replace(/\.$/, '')}.`,
      'Correct the YAML at or before that line, or restore the file from Git history.',
    );
    throw new GitOpsError(reader.problems);
  }
  const aliases = findAliases(doc.contents);
  for (const alias of aliases) {
    reader.report(
      'CG202',
      offset(alias),
      `${file} uses the YAML alias *${alias.source}.`,
      'Write the value out in full; a ledger uses no anchors or aliases.',
    );
  }
  if (aliases.length > 0) {
    throw new GitOpsError(reader.problems);
  }

  const ledger = readLedger(reader, doc.contents as Value, file, options.policies ?? {});
  if (reader.problems.length > 0 || ledger === undefined) {
    throw new GitOpsError(reader.problems);
  }
  return ledger;
}

function readLedger(
  reader: LedgerReader,
  root: Value,
  file: string,
  policies: Readonly<Record<string, VersionPolicy>>,
): Ledger | undefined {
  if (!isMap(root)) {
    reader.report(
      'CG202',
      offset(root) ?? 0,
      `${file} must be a mapping with the fields "service" and "rings"; received ${reader.describe(root)}.`,
      `Restore the file from Git history: \`git checkout HEAD -- ${file}\`.`,
    );
    return undefined;
  }
  const top = reader.fields(root, '', ROOT_KEYS, 0);
  if (top === undefined) {
    return undefined;
  }
  const serviceField = top.get('service')!;
  const service = reader.name(serviceField, 'service', 'service');
  const expected = serviceOfFile(file);
  if (service !== undefined && service !== expected) {
    reader.report(
      'CG205',
      serviceField.at,
      `${file} names service "${service}", but a ledger must name the service of its file name ("${expected}").`,
      `Rename the file to ${siblingLedger(file, service)}, or set \`service: ${expected}\` if the file is where it belongs.`,
    );
  }
  const ringsField = top.get('rings')!;
  const rings: Record<string, RingState> = {};
  if (!isMap(ringsField.value)) {
    reader.report(
      'CG202',
      ringsField.at,
      `Field "rings" must be a mapping of ring name to ring state; received ${reader.describe(ringsField.value)}.`,
      'Write one entry per ring, e.g. `rings:` then `  prod:` with its fields, or `rings: {}`.',
    );
    return undefined;
  }
  for (const pair of ringsField.value.items) {
    const key = pair.key as Value;
    const name = reader.name({ value: key, at: offset(key) }, 'rings', 'ring');
    if (name === undefined) {
      continue;
    }
    const path = `rings.${name}`;
    const state = readRing(reader, pair.value as Value, path, offset(key), policies[name] ?? DEFAULT_VERSION_POLICY);
    if (state !== undefined) {
      rings[name] = state;
    }
  }
  return service === undefined ? undefined : { service, rings };
}

/**
 * Whether an entry names its images (has an `images` field); CG213 when it has `digest` as
 * well. Undefined when it has both (reported).
 */
function namesImages(reader: LedgerReader, node: Value, path: string): boolean | undefined {
  if (!isMap(node)) return false;
  const keys = node.items.map((p) => p.key as Value);
  const images = keys.find((k) => isScalar(k) && k.value === 'images');
  if (images === undefined) return false;
  if (keys.some((k) => isScalar(k) && k.value === 'digest')) {
    reader.report('CG213', offset(images), `${capitalize(where(path))} has both "digest" and "images".`);
    return undefined;
  }
  return true;
}

function readRing(reader: LedgerReader, node: Value, path: string, at: number | undefined, policy: VersionPolicy): RingState | undefined {
  const named = namesImages(reader, node, path);
  if (named === undefined) return undefined;
  const f = reader.fields<(typeof RING_KEYS | typeof NAMED_RING_KEYS)[number] | 'chart'>(
    node,
    path,
    named ? NAMED_RING_KEYS : RING_KEYS,
    at,
    RELEASE_OPTIONAL_KEYS,
  );
  if (f === undefined) {
    return undefined;
  }
  const images = reader.release(f, path, policy);
  const chartField = f.get('chart');
  let chart = chartField === undefined ? null : reader.chart(chartField, `${path}.chart`);
  // A chart in Git pinned by a tag, where the ring requires digests (a tag can be moved; a Helm or OCI version has no "v").
  if (typeof chart === 'string' && policy.requireDigest && isChartTag(chart)) {
    reader.report(
      'CG204',
      chartField!.at,
      `Field "${path}.chart" is the tag ${JSON.stringify(chart)}, and ring "${path.split('.').pop()}" takes only digests: a chart in Git is pinned there by its commit SHA, which nobody can move.`,
      `Put back the commit SHA the ring ran (git log -p ${reader.file}). If it ran this tag before it took only digests, pin it by its SHA ` +
        `with the release model the checkout records (the program before that change), from the first ring on: promote ${serviceOfFile(reader.file)} ` +
        `--ring <first ring> --chart-revision <SHA> --no-program (git rev-parse ${chart}^{commit} in the application repository), then --from ring by ring.`,
    );
    chart = undefined;
  }
  const since = reader.timestamp(f.get('since')!, `${path}.since`);
  const by = reader.text(f.get('by')!, `${path}.by`);
  const from = reader.nullable(f.get('from')!, () => reader.name(f.get('from')!, `${path}.from`, 'ring'));
  const approvedBy = reader.nullable(f.get('approvedBy')!, () => reader.text(f.get('approvedBy')!, `${path}.approvedBy`));
  const hold = reader.nullable(f.get('hold')!, () => readHold(reader, f.get('hold')!, `${path}.hold`));
  const previous = readPrevious(reader, f.get('previous')!, `${path}.previous`);
  if (
    images === undefined ||
    since === undefined ||
    by === undefined ||
    from === undefined ||
    approvedBy === undefined ||
    hold === undefined ||
    previous === undefined ||
    chart === undefined
  ) {
    return undefined;
  }
  return { ...images, ...(chart === null ? {} : { chart }), since, by, from, approvedBy, hold, previous };
}

function readHold(reader: LedgerReader, field: Field, path: string): Hold | undefined {
  const f = reader.fields(field.value, path, HOLD_KEYS, field.at);
  if (f === undefined) {
    return undefined;
  }
  const reason = reader.text(f.get('reason')!, `${path}.reason`);
  const since = reader.timestamp(f.get('since')!, `${path}.since`);
  const by = reader.text(f.get('by')!, `${path}.by`);
  return reason === undefined || since === undefined || by === undefined ? undefined : { reason, since, by };
}

function readPrevious(reader: LedgerReader, field: Field, path: string): PreviousRelease[] | undefined {
  const { value, at } = field;
  if (!isSeq(value)) {
    reader.report(
      'CG202',
      at,
      `Field "${path}" must be a list; received ${reader.describe(value)}.`,
      'Write `previous: []` when the ring ran nothing before, or one `- { digest: …, since: "…", by: … }` per release.',
    );
    return undefined;
  }
  const out: PreviousRelease[] = [];
  let ok = true;
  value.items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const named = namesImages(reader, item as Value, itemPath);
    const f =
      named === undefined
        ? undefined
        : reader.fields<(typeof PREVIOUS_KEYS | typeof NAMED_PREVIOUS_KEYS)[number] | 'chart'>(
            item as Value,
            itemPath,
            named ? NAMED_PREVIOUS_KEYS : PREVIOUS_KEYS,
            offset(item) ?? at,
            RELEASE_OPTIONAL_KEYS,
          );
    if (f === undefined) {
      ok = false;
      return;
    }
    // History may hold tags from before a ring took only digests; the policy applies to `digest` only.
    const digest = reader.release(f, itemPath, { requireDigest: false });
    const chartField = f.get('chart');
    const chart = chartField === undefined ? null : reader.chart(chartField, `${itemPath}.chart`);
    const since = reader.timestamp(f.get('since')!, `${itemPath}.since`);
    const by = reader.text(f.get('by')!, `${itemPath}.by`);
    if (digest === undefined || since === undefined || by === undefined || chart === undefined) {
      ok = false;
      return;
    }
    out.push({ ...digest, ...(chart === null ? {} : { chart }), since, by });
  });
  return ok ? out : undefined;
}

function findAliases(node: unknown): Array<{ source: string; range?: [number, number, number] | null }> {
  if (isAlias(node)) {
    return [node];
  }
  if (isMap(node) || isSeq(node)) {
    return (node.items as unknown[]).flatMap((item) =>
      isMap(node)
        ? [...findAliases((item as { key: unknown }).key), ...findAliases((item as { value: unknown }).value)]
        : findAliases(item),
    );
  }
  return [];
}

function offset(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] | null } | null)?.range;
  return range ? range[0] : undefined;
}

function hasText(node: Node): boolean {
  return node.range ? node.range[1] > node.range[0] : false;
}

/** Longest value of a ledger quoted back in a message; a longer one is described by its length only. */
const MAX_QUOTED = 80;

/**
 * What names, digests, tags and times are made of: lower-case letters, digits and `._:@+/-`, or
 * a time's digits, `T`, `Z` and separators. A value of other characters (capitals, spaces,
 * `=`: a key or a password pasted by mistake) is never quoted back.
 */
const QUOTABLE = /^(?:[a-z0-9][a-z0-9._:@+/-]*|[0-9][0-9TZ:.+-]*)$/;

/**
 * A value read from a ledger, for a message: quoted when it is short and looks like what a
 * ledger holds, else described by its length only, so an error never copies a file's content
 * (a CI log or a merge-request comment may show it).
 */
function quoteReceived(v: string, kind = 'string'): string {
  if (v.length <= MAX_QUOTED && QUOTABLE.test(v)) return kind === 'string' ? JSON.stringify(v) : v;
  const unusual = [
    [/[A-Z]/, 'upper-case letters'],
    [/\s/, 'white space'],
    [/[^A-Za-z0-9\s._:@+/-]/, 'other characters'],
  ] as const;
  const found = unusual.filter(([re]) => re.test(v)).map(([, what]) => what);
  return `a ${kind} of ${v.length} characters${found.length > 0 ? `, with ${found.join(' and ')}` : ''}`;
}

function describe(node: Value): string {
  if (node === null) {
    return 'nothing';
  }
  if (isScalar(node)) {
    const v = (node as Scalar).value;
    if (v === null) {
      return 'null';
    }
    if (typeof v === 'string') {
      return quoteReceived(v);
    }
    return quoteReceived(String(v), typeof v) + (QUOTABLE.test(String(v)) ? ` (a ${typeof v})` : '');
  }
  if (isMap(node)) {
    return 'a mapping';
  }
  if (isSeq(node)) {
    return 'a list';
  }
  return 'an unsupported value';
}

function where(path: string): string {
  return path === '' ? 'the ledger' : `"${path}"`;
}

function join(path: string, key: string): string {
  const shown = key.length <= MAX_QUOTED && QUOTABLE.test(key) ? key : `<a key of ${key.length} characters>`;
  return path === '' ? shown : `${path}.${shown}`;
}

function list(keys: readonly string[]): string {
  return keys.map((k) => `"${k}"`).join(', ');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The ledger file of `service` in the directory of `file`. */
function siblingLedger(file: string, service: string): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return `${file.slice(0, slash + 1)}${service}.yaml`;
}
