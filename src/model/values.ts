/**
 * Helm values and how layers of them combine.
 *
 * Layers merge lowest first: maps merge deeply, lists replace the whole list, scalars replace,
 * and `null` removes the key (as Helm does for `--set key=null`). Every final key remembers the
 * layer that set it, so `explain` can say where each value came from.
 */
import { isMap } from '../core/plain';

/** A Helm value: plain data only. */
export type Value = string | number | boolean | null | readonly Value[] | Values;

/** A map of Helm values. */
export interface Values {
  readonly [key: string]: Value;
}

/** One layer of values with a human-readable name of the construct that set it. */
export interface ValuesLayer {
  /** Stable id, e.g. `env:prod`. */
  readonly id: string;
  /** Who set these values, e.g. `Environment prod`. */
  readonly label: string;
  /** The values of this layer. */
  readonly values: Values;
}

/** Merged values and, for each final key path, the label of the layer that set it. */
export interface MergedValues {
  /** The merged values. */
  readonly values: Record<string, unknown>;
  /** Dotted key path (lists are leaves) → layer label. */
  readonly provenance: ReadonlyMap<string, string>;
}

/** Records, while layers merge, which layer set each final key (see {@link mergeValuesWithProvenance}). */
interface ProvenanceRecorder {
  /** The label of the layer being merged. */
  readonly label: string;
  readonly provenance: Map<string, string>;
}

/** Merges `source` into `target`: maps merge key by key, `null` deletes, anything else replaces. */
function mergeInto(target: Record<string, unknown>, source: Values, recorder?: ProvenanceRecorder, prefix = ''): void {
  for (const key of Object.keys(source)) {
    const v = source[key];
    const path = recorder === undefined ? '' : prefix ? `${prefix}.${key}` : key;
    if (recorder && (v === null || !isMap(v) || !isMap(target[key]))) dropUnder(recorder.provenance, path);
    if (v === null) {
      delete target[key];
    } else if (isMap(v)) {
      const existing = target[key];
      const into: Record<string, unknown> = isMap(existing) ? existing : {};
      target[key] = into;
      if (recorder && Object.keys(v).length === 0 && !isMap(existing)) recorder.provenance.set(path, recorder.label);
      mergeInto(into, v as Values, recorder, path);
      // A map that holds keys is no longer a leaf: its keys carry the provenance.
      if (recorder && Object.keys(into).length > 0) recorder.provenance.delete(path);
    } else {
      target[key] = v;
      recorder?.provenance.set(path, recorder.label);
    }
  }
}

function dropUnder(provenance: Map<string, string>, path: string): void {
  provenance.delete(path);
  const prefix = `${path}.`;
  for (const key of provenance.keys()) if (key.startsWith(prefix)) provenance.delete(key);
}

/**
 * Merges layers, lowest first, into a fresh object (inputs are never modified).
 *
 * @example
 * mergeValues([{ id: 'a', label: 'Platform', values: { x: { y: 1 } } },
 *              { id: 'b', label: 'Environment prod', values: { x: { z: 2 } } }]).values
 * // → { x: { y: 1, z: 2 } }
 */
export function mergeValues(layers: readonly ValuesLayer[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) mergeInto(out, layer.values);
  return out;
}

/** Like {@link mergeValues}, and records which layer set each final key. */
export function mergeValuesWithProvenance(layers: readonly ValuesLayer[]): MergedValues {
  const values: Record<string, unknown> = {};
  const provenance = new Map<string, string>();
  for (const layer of layers) mergeInto(values, layer.values, { label: layer.label, provenance });
  return { values, provenance };
}

/** A value found where only plain data may stand, with its key path. */
export interface ValueProblem {
  readonly keyPath: string;
  readonly received: string;
}

/**
 * Finds everything in `value` that is not plain data: functions, class instances,
 * `undefined`, non-finite numbers, symbols, bigints and cycles.
 */
export function findNonPlainValues(value: unknown, keyPath = ''): ValueProblem[] {
  const problems: ValueProblem[] = [];
  const stack = new Set<unknown>();
  const path = new KeyPath(keyPath);
  const report = (received: string): void => {
    problems.push({ keyPath: path.toString() || '<root>', received });
  };
  const visit = (v: unknown): void => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) report(String(v));
      return;
    }
    if (typeof v !== 'object') {
      report(typeof v === 'function' ? 'a function' : String(typeof v));
      return;
    }
    if (stack.has(v)) {
      report('a reference cycle');
      return;
    }
    if (!Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        report(`an instance of ${proto?.constructor?.name ?? 'a class'}`);
        return;
      }
    }
    stack.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) continue; // a hole holds nothing
        path.push(i);
        visit(v[i]);
        path.pop();
      }
    } else {
      const map = v as Record<string, unknown>;
      for (const k of Object.keys(map)) {
        const item = map[k];
        path.push(k);
        if (item === undefined) problems.push({ keyPath: path.toString(), received: 'undefined' });
        else visit(item);
        path.pop();
      }
    }
    stack.delete(v);
  };
  visit(value);
  return problems;
}

/**
 * The key path of a value while a walk descends into values, put into words (`a.b[0].c`)
 * only when a finding names it: most walks find nothing.
 */
export class KeyPath {
  private readonly parts: (string | number)[] = [];

  /** @param root the path the walk starts at; '' for the top of the values */
  constructor(private readonly root = '') {}

  /** Descends into a map key or a list index. */
  public push(part: string | number): void {
    this.parts.push(part);
  }

  /** Goes back up one level. */
  public pop(): void {
    this.parts.pop();
  }

  /** The path as messages print it: `key`, `parent.key`, `list[0]`. */
  public toString(): string {
    let path = this.root;
    for (const p of this.parts) path = typeof p === 'number' ? `${path}[${p}]` : path ? `${path}.${p}` : p;
    return path;
  }
}
