import type { Alias, Document, Pair } from 'yaml';
import { yamlLibrary } from '../core/yaml/parse';
import { show } from './problems';

/*
 * A JSON or YAML file read as Argo CD's git files generator reads it: `sigs.k8s.io/yaml`
 * `Unmarshal`, which decodes the first YAML document with go-yaml v2 (YAML 1.1 scalars), turns
 * it into JSON and decodes that with encoding/json. So, unlike YAML 1.2:
 *
 * - a plain scalar is resolved by go-yaml v2's table: `y`, `yes`, `on`, `true` (any of their
 *   usual cases) are true and `n`, `no`, `off`, `false` false; `~`, `null` and nothing are null;
 *   integers take Go's base prefixes (`0x1F`, `0o17`, `017`, `0b101`) and `_` separators;
 *   floats as `1.5`, `.5`, `1e3`; timestamps and `1:20` stay strings;
 * - every number becomes a float64 (encoding/json decodes no integers into interface{});
 * - map keys become strings: integers in decimal, booleans as "true"/"false";
 * - a later document of the same file is not read; a repeated key keeps its last value;
 * - a document whose reads come nearly all through aliases fails as go-yaml fails it ("document
 *   contains excessive aliasing");
 * - a merge key (`<<: *base`, `<<: [*a, *b]`, `<<: {a: 1}`) sets the keys of the maps it names
 *   at its place among the map's keys, as go-yaml v2 does: a key set after it wins, a key set
 *   before it is overwritten, and of several maps the first that sets a key wins.
 *
 * The YAML syntax is the `yaml` package's, loaded lazily. What the preview does not model
 * exactly is refused rather than approximated: explicit tags other than `!!str` (and `!!merge`
 * on a key written `<<`), float and very large integer keys, keys that become the same string,
 * aliases that expand without bound, nesting deeper than {@link MAX_DEPTH}, and merges of maps
 * that merge maps deeper than {@link MAX_MERGE_DEPTH}.
 */

/** A value as encoding/json decodes it into `interface{}`: numbers are float64. */
export type GoData = string | number | boolean | null | readonly GoData[] | { readonly [key: string]: GoData };

/**
 * Why a text cannot be read: a predicate of the file ("is not valid YAML or JSON (…)") that
 * names positions and keys, never values.
 */
export class GoYamlError extends Error {
  constructor(public readonly reason: string) {
    super(reason);
    this.name = 'GoYamlError';
  }

  /** Whether the text is one the preview does not read as go-yaml does (Argo CD may read it well), not one go-yaml refuses. */
  public get unmodelled(): boolean {
    return this.reason.includes('the preview does not');
  }
}

/** How deep maps and lists may nest. */
export const MAX_DEPTH = 1000;
/** How deep merge keys may merge maps that hold merge keys. */
export const MAX_MERGE_DEPTH = 100;
/** How many values a document may expand to, aliases expanded. */
export const MAX_VALUES = 1_000_000;

const STR_TAG = 'tag:yaml.org,2002:str';
const MAP_TAG = 'tag:yaml.org,2002:map';
const SEQ_TAG = 'tag:yaml.org,2002:seq';
const MERGE_TAG = 'tag:yaml.org,2002:merge';

/** A Go map being filled: the Go identity (type and value) of each JSON key, and the values. */
interface GoMap {
  readonly goKeyOf: Map<string, string>;
  readonly out: Map<string, GoData>;
}

/** go-yaml v2's failure on a merge key whose value is not a map or a list of maps. */
function wantMap(at: string): GoYamlError {
  return new GoYamlError(
    `has a merge key (<<) ${under(at)} whose value is not a map, an alias to a map or a list of them, so go-yaml fails ("map merge requires map or sequence of maps as the value")`,
  );
}

/**
 * The first document of a JSON or YAML text as Go data, as `sigs.k8s.io/yaml.Unmarshal` into
 * `interface{}` gives it; `null` for an empty text.
 *
 * @throws GoYamlError when the text is not valid YAML, holds a value JSON cannot (NaN, an
 * infinity, a null or unsupported key), or uses what the preview does not model.
 */
export function readGoYaml(text: string): GoData {
  refuseYaml11Breaks(text);
  const Y = yamlLibrary();
  const docs = Y.parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false });
  const doc = docs[0];
  if (doc === undefined) {
    return null;
  }
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new GoYamlError(`is not valid YAML or JSON (${error.code}${pos ? ` at line ${pos.line}, column ${pos.col}` : ''})`);
  }
  const reader = new Reader(Y, doc, text);
  // go-yaml unmarshals the document node, then what it holds.
  reader.decode();
  return reader.value(doc.contents, 0, '');
}

/**
 * Every document of a manifest file as Go data, as Argo CD's repo server reads the manifests
 * an Application syncs (`kube.SplitYAML`: each document through `sigs.k8s.io/yaml`, so go-yaml
 * v2's YAML 1.1 scalars, `no` and `on` booleans, `010` octal); empty documents are skipped.
 *
 * @throws GoYamlError as {@link readGoYaml}, for the first document that cannot be read.
 */
export function readGoYamlDocuments(text: string): GoData[] {
  refuseYaml11Breaks(text);
  const Y = yamlLibrary();
  const out: GoData[] = [];
  let total = 0;
  for (const doc of Y.parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false })) {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      throw new GoYamlError(`is not valid YAML or JSON (${error.code}${pos ? ` at line ${pos.line}, column ${pos.col}` : ''})`);
    }
    // The documents of a file share one bound on the values they expand to.
    const reader = new Reader(Y, doc, text, total);
    reader.decode();
    const value = reader.value(doc.contents, 0, '');
    total = reader.count;
    if (value !== null) {
      out.push(value);
    }
  }
  return out;
}

/**
 * Fails on a character go-yaml v2 takes for a line break, as YAML 1.1 does, and YAML 1.2 (the
 * parser the preview reads with) for an ordinary one: U+0085, U+2028, U+2029. Both would read
 * the text, each its own way.
 */
function refuseYaml11Breaks(text: string): void {
  const at = text.search(/[\u0085\u2028\u2029]/);
  if (at === -1) return;
  const line = text.slice(0, at).split('\n').length;
  throw new GoYamlError(
    `holds at line ${line} a character go-yaml v2 takes for a line break (U+0085, U+2028 or U+2029), which the preview does not read as go-yaml does`,
  );
}

class Reader {
  /** go-yaml's counts: `unmarshal` calls, those made through aliases, and the aliases being read. */
  private decodes = 0;
  private aliasDecodes = 0;
  private aliasDepth = 0;
  /** The maps and lists being read, outermost first: an alias to one of them never ends. */
  private readonly ancestors = new Set<unknown>();
  /**
   * The node each alias names, found in one walk of the document the first time an alias is
   * read (`Alias.resolve` walks the document for each alias, which many aliases make quadratic).
   */
  private targets: Map<Alias, unknown> | undefined;

  constructor(
    private readonly Y: typeof import('yaml'),
    private readonly doc: Document,
    /** The text the document is part of. */
    private readonly text: string,
    /** The values read so far (of earlier documents too), aliases expanded. */
    public count = 0,
  ) {}

  /** The value of `node`; `at` names where it is, as `.a.b[2]`. */
  public value(node: unknown, depth: number, at: string): GoData {
    const Y = this.Y;
    this.tick(depth, at);
    if (node === null || node === undefined) {
      return null;
    }
    if (Y.isAlias(node)) {
      return this.alias(node, depth, at);
    }
    if (Y.isScalar(node)) {
      const tag = node.tag;
      if (tag !== undefined && tag !== STR_TAG) {
        throw new GoYamlError(`uses the YAML tag ${show(tag)} ${where(at)}, which the preview does not read`);
      }
      const text = String(node.value);
      if (tag === STR_TAG || node.type !== 'PLAIN') {
        return text;
      }
      return dataOf(resolvePlain(text), at);
    }
    if (Y.isSeq(node)) {
      this.checkCollectionTag(node.tag, SEQ_TAG, at);
      return this.within(node, () =>
        node.items.map((item, i) =>
          Y.isPair(item) ? this.map([item], depth + 1, `${at}[${i}]`) : this.value(item, depth + 1, `${at}[${i}]`),
        ),
      );
    }
    if (Y.isMap(node)) {
      this.checkCollectionTag(node.tag, MAP_TAG, at);
      return this.within(node, () => this.map(node.items, depth, at));
    }
    if (Y.isPair(node)) {
      return this.map([node], depth, at);
    }
    throw new GoYamlError(`holds a YAML node the preview does not read ${where(at)}`);
  }

  /** Counts one value read, and fails past the bounds on values and nesting. */
  private tick(depth: number, at: string): void {
    this.decode();
    if (++this.count > MAX_VALUES) {
      throw new GoYamlError(`expands to more than ${MAX_VALUES} values (through aliases), which the preview does not read`);
    }
    if (depth > MAX_DEPTH) {
      throw new GoYamlError(`nests deeper than ${MAX_DEPTH} levels ${where(at)}`);
    }
  }

  /**
   * Counts one of go-yaml's `unmarshal` calls (a node, a key, an alias and what it names), and
   * fails as go-yaml fails when too many of them come from aliases ("document contains excessive
   * aliasing": more than 100 through aliases among more than 1,000, over a share that falls from
   * 99% at 400,000 calls to 10% at 4,000,000).
   */
  public decode(): void {
    this.decodes++;
    if (this.aliasDepth > 0) {
      this.aliasDecodes++;
    }
    if (this.aliasDecodes > 100 && this.decodes > 1000 && this.aliasDecodes / this.decodes > allowedAliasRatio(this.decodes)) {
      throw new GoYamlError('expands so many aliases that go-yaml refuses it ("document contains excessive aliasing")');
    }
  }

  /** Runs `read` as go-yaml reads what an alias names. */
  private throughAlias<T>(read: () => T): T {
    this.aliasDepth++;
    try {
      return read();
    } finally {
      this.aliasDepth--;
    }
  }

  /** The node an alias names, or undefined when it names no anchor. */
  private resolve(node: Alias): unknown {
    this.targets ??= anchorTargets(this.Y, this.doc);
    return this.targets.get(node);
  }

  private alias(node: Alias, depth: number, at: string): GoData {
    const target = this.resolve(node);
    if (!target) {
      throw new GoYamlError(`has an alias ${where(at)} that names no anchor`);
    }
    if (this.ancestors.has(target)) {
      throw new GoYamlError(`has an alias ${where(at)} that refers to a value containing it`);
    }
    return this.throughAlias(() => this.value(target, depth, at));
  }

  private within<T>(node: unknown, read: () => T): T {
    this.ancestors.add(node);
    try {
      return read();
    } finally {
      this.ancestors.delete(node);
    }
  }

  private checkCollectionTag(tag: string | undefined, allowed: string, at: string): void {
    if (tag !== undefined && tag !== allowed) {
      throw new GoYamlError(`uses the YAML tag ${show(tag)} ${where(at)}, which the preview does not read`);
    }
  }

  private map(pairs: readonly Pair<unknown, unknown>[], depth: number, at: string): GoData {
    const into: GoMap = { goKeyOf: new Map(), out: new Map() };
    this.fill(into, pairs, depth, at, 0);
    return Object.fromEntries(into.out);
  }

  /**
   * Sets the pairs of a YAML map into the Go map `into`, in order, as go-yaml v2's `mapping`
   * does: a repeated key keeps its last value, and a merge key sets the keys it merges at its
   * place among them, so a key set before `<<` is overwritten by the merged one and a key set
   * after it wins.
   */
  private fill(into: GoMap, pairs: readonly Pair<unknown, unknown>[], depth: number, at: string, merges: number): void {
    for (const pair of pairs) {
      if (this.isMergeKey(pair.key, at)) {
        if (merges >= MAX_MERGE_DEPTH) {
          throw new GoYamlError(
            `merges maps that merge maps more than ${MAX_MERGE_DEPTH} levels deep ${under(at)}, which the preview does not read`,
          );
        }
        this.merge(into, pair.value, depth, at, merges + 1);
        continue;
      }
      const { go, json } = this.key(pair.key, at);
      // Go keys are compared by type and value, so two that differ (1 and "1") but become the
      // same JSON key leave the result to map order.
      const earlier = into.goKeyOf.get(json);
      if (earlier !== undefined && earlier !== go) {
        throw new GoYamlError(`has two different keys ${under(at)} that both become ${show(json)}, and Argo CD keeps either at random`);
      }
      into.goKeyOf.set(json, go);
      into.out.set(json, this.value(pair.value, depth + 1, `${at}${segment(json)}`));
    }
  }

  /**
   * go-yaml v2's `isMerge`: a key scalar (not an alias) `<<` that is plain and untagged, has the
   * non-specific tag `!`, or the tag `!!merge` (quoted too).
   */
  private isMergeKey(node: unknown, at: string): boolean {
    if (!this.Y.isScalar(node)) {
      return false;
    }
    if (node.tag === MERGE_TAG) {
      // The YAML library reads any text tagged !!merge as a merge key; go-yaml only "<<".
      const range = node.range;
      const source = range ? this.text.slice(range[0], range[1]) : '';
      if (source !== '<<' && source !== '"<<"' && source !== "'<<'") {
        throw new GoYamlError(
          `has a key ${under(at)} with the YAML tag ${show(MERGE_TAG)} that is not written <<, which the preview does not read`,
        );
      }
      return true;
    }
    return String(node.value) === '<<' && (node.tag === '!' || (node.tag === undefined && node.type === 'PLAIN'));
  }

  /**
   * go-yaml v2's `merge`: the value of a merge key is a map, an alias to a map, or a list of
   * maps and aliases to maps, whose keys are set into `into`; the maps of a list from the last
   * to the first, so the first that sets a key wins. Anything else (null, a scalar, an alias to
   * a list) fails as go-yaml fails.
   */
  private merge(into: GoMap, node: unknown, depth: number, at: string, merges: number): void {
    const Y = this.Y;
    if (Y.isSeq(node)) {
      this.checkCollectionTag(node.tag, SEQ_TAG, at);
      this.within(node, () => {
        for (let i = node.items.length - 1; i >= 0; i--) {
          const item = node.items[i];
          if (Y.isAlias(item) || Y.isMap(item) || Y.isPair(item)) {
            this.mergeMap(into, item, depth, at, merges);
          } else {
            throw wantMap(at);
          }
        }
      });
      return;
    }
    if (Y.isAlias(node) || Y.isMap(node)) {
      this.mergeMap(into, node, depth, at, merges);
      return;
    }
    throw wantMap(at);
  }

  /** Sets the keys of one map to merge (a map, an alias to one, or a pair in a flow list) into `into`. */
  private mergeMap(into: GoMap, node: unknown, depth: number, at: string, merges: number): void {
    const Y = this.Y;
    this.tick(depth, at);
    if (Y.isPair(node)) {
      this.fill(into, [node], depth, at, merges);
      return;
    }
    const target = Y.isAlias(node) ? this.resolve(node) : node;
    if (!target) {
      throw new GoYamlError(`has an alias ${where(at)} that names no anchor`);
    }
    // go-yaml checks what an alias names before it expands it.
    if (!Y.isMap(target)) {
      throw wantMap(at);
    }
    this.checkCollectionTag(target.tag, MAP_TAG, at);
    if (target === node) {
      this.within(target, () => this.fill(into, target.items, depth, at, merges));
      return;
    }
    if (this.ancestors.has(target)) {
      throw new GoYamlError(`has an alias ${where(at)} that refers to a value containing it`);
    }
    this.throughAlias(() => {
      this.tick(depth, at);
      this.within(target, () => this.fill(into, target.items, depth, at, merges));
    });
  }

  /** A map key: its Go identity (type and value) and the JSON key it becomes. */
  private key(node: unknown, at: string): { go: string; json: string } {
    const Y = this.Y;
    this.decode();
    const target = Y.isAlias(node) ? this.resolve(node) : node;
    if (target !== node) {
      this.throughAlias(() => this.decode());
    }
    if (!Y.isScalar(target)) {
      throw new GoYamlError(`has a key ${under(at)} that is a list or a map, which JSON cannot hold`);
    }
    if (target.tag !== undefined && target.tag !== STR_TAG) {
      throw new GoYamlError(`has a key ${under(at)} with the YAML tag ${show(target.tag)}, which the preview does not read`);
    }
    const text = String(target.value);
    if (target.tag === STR_TAG || target.type !== 'PLAIN') {
      return { go: `string:${text}`, json: text };
    }
    const s = resolvePlain(text);
    switch (s.kind) {
      case 'string':
        return { go: `string:${s.value}`, json: s.value };
      case 'int':
        return { go: `int:${s.value}`, json: String(s.value) };
      case 'bool':
        return { go: `bool:${s.value}`, json: String(s.value) };
      case 'null':
        throw new GoYamlError(`has a null key ${under(at)}, which JSON cannot hold`);
      default:
        throw new GoYamlError(
          `has a ${s.kind === 'float' ? 'float' : 'beyond-int64'} key ${under(at)}, which the preview does not convert`,
        );
    }
  }
}

/** go-yaml's `allowedAliasRatio`: the share of `unmarshal` calls aliases may make, by how many there are. */
function allowedAliasRatio(decodes: number): number {
  if (decodes <= 400_000) {
    return 0.99;
  }
  if (decodes >= 4_000_000) {
    return 0.1;
  }
  return 0.99 - 0.89 * ((decodes - 400_000) / 3_600_000);
}

/**
 * The node each alias of a document names: the last node anchored with its name before it, in
 * the order the document is written (keys before their values), walked without recursion.
 */
function anchorTargets(Y: typeof import('yaml'), doc: Document): Map<Alias, unknown> {
  const targets = new Map<Alias, unknown>();
  const anchors = new Map<string, unknown>();
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Y.isAlias(node)) {
      targets.set(node, anchors.get(node.source));
      continue;
    }
    const children: unknown[] = [];
    if (Y.isPair(node)) {
      children.push(node.key, node.value);
    } else if (Y.isNode(node)) {
      if (node.anchor !== undefined) {
        anchors.set(node.anchor, node);
      }
      if (Y.isMap(node) || Y.isSeq(node)) {
        for (const item of node.items as unknown[]) {
          children.push(item);
        }
      }
    }
    // Pushed in reverse, so that they are taken in the order they are written.
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push(children[i]);
    }
  }
  return targets;
}

/** A plain scalar resolved by go-yaml v2's `resolve`. */
type Resolved =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** int64 (Go `int` on 64-bit systems). */
  | { readonly kind: 'int'; readonly value: bigint }
  /** uint64 beyond int64, or a `*big.Int` beyond uint64. */
  | { readonly kind: 'uint' | 'big'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number };

const RESOLVE_MAP: ReadonlyMap<string, Resolved> = new Map<string, Resolved>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s): [string, Resolved] => [
    s,
    { kind: 'bool', value: true },
  ]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s): [string, Resolved] => [
    s,
    { kind: 'bool', value: false },
  ]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s): [string, Resolved] => [s, { kind: 'null' }]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, Resolved] => [s, { kind: 'float', value: NaN }]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, Resolved] => [s, { kind: 'float', value: Infinity }]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, Resolved] => [s, { kind: 'float', value: -Infinity }]),
]);

/** go-yaml v2's float syntax for plain scalars. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's `strconv.ParseInt(s, 0, 64)` syntax, underscores already removed. */
const GO_INT = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** go-yaml v2's `resolve` for an untagged plain scalar. */
function resolvePlain(text: string): Resolved {
  const first = text.charAt(0);
  const hint =
    text === ''
      ? 'N'
      : /[0-9]/.test(first)
        ? 'D'
        : first === '+' || first === '-'
          ? 'S'
          : 'yYnNtTfFoO~'.includes(first)
            ? 'M'
            : first === '.'
              ? '.'
              : '';
  if (hint === '') {
    return { kind: 'string', value: text };
  }
  const known = RESOLVE_MAP.get(text);
  if (known) {
    return known;
  }
  if (hint === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? { kind: 'float', value: Number(text) } : { kind: 'string', value: text };
  }
  if (hint !== 'D' && hint !== 'S') {
    return { kind: 'string', value: text };
  }
  // Timestamps (2006-01-02…) stay strings when decoded into interface{}, as does anything below.
  const plain = text.replace(/_/g, '');
  const int = goInteger(plain);
  // strconv.ParseInt (a sign allowed), then ParseUint (no sign).
  const signed = int === undefined ? undefined : int.sign === '-' ? -int.magnitude : int.magnitude;
  if (signed !== undefined && signed >= INT64_MIN && signed <= INT64_MAX) {
    return { kind: 'int', value: signed };
  }
  if (int !== undefined && int.sign === '' && int.magnitude <= UINT64_MAX) {
    return { kind: 'uint', value: int.magnitude };
  }
  if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain))) {
    return { kind: 'float', value: Number(plain) };
  }
  // ParseUint failed for range, not syntax: go-yaml falls back to math/big.
  if (int !== undefined && int.sign === '') {
    return { kind: 'big', value: int.magnitude };
  }
  return { kind: 'string', value: text };
}

/** The sign and magnitude of a Go base-0 integer literal, or undefined when it is not one. */
function goInteger(text: string): { sign: string; magnitude: bigint } | undefined {
  const m = GO_INT.exec(text);
  if (!m) {
    return undefined;
  }
  const digits = m[2]!;
  const literal = /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : `${digits.slice(0, 2).toLowerCase()}${digits.slice(2)}`;
  return { sign: m[1]!, magnitude: BigInt(literal) };
}

/** A resolved scalar as encoding/json decodes it after go-yaml: numbers are float64. */
function dataOf(s: Resolved, at: string): GoData {
  switch (s.kind) {
    case 'string':
      return s.value;
    case 'null':
      return null;
    case 'bool':
      return s.value;
    case 'float':
      if (!Number.isFinite(s.value)) {
        throw new GoYamlError(`has a NaN or infinite value ${where(at)}, which JSON cannot hold`);
      }
      return s.value;
    default: {
      const value = Number(s.value);
      if (!Number.isFinite(value)) {
        throw new GoYamlError(`has a number too large for a float64 ${where(at)}`);
      }
      return value;
    }
  }
}

/** `at the top level`, `at key .a.b[2]`: where a value is. */
function where(at: string): string {
  return at === '' ? 'at the top level' : `at key ${shortKey(at)}`;
}

/** `at the top level`, `under key .a`: where the keys of a map are. */
function under(at: string): string {
  return at === '' ? 'at the top level' : `under key ${shortKey(at)}`;
}

function shortKey(at: string): string {
  return at.length > 160 ? `${at.slice(0, 160)}…` : at;
}

function segment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
