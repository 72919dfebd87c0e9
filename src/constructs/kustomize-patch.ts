import { Problem, problem } from '../core/errors';
import { isMap } from '../core/plain';
import type { Values } from '../model/values';
import { findLiteralSecrets, literalSecretProblem } from './values-check';
import { SECRET_DATA, secretDataPaths } from './object-secrets';
import type { KustomizePatchModel, KustomizePatchTargetModel } from '../model/platform-model';

/** Which objects of a Kustomize base a patch applies to. */
export interface PatchTarget {
  /**
   * API group and version, e.g. `apps/v1` (`v1` for the core group). A strategic merge patch
   * needs it: Kustomize merges by the schema of that kind.
   * @default - any version of the kind (JSON patches only)
   */
  readonly apiVersion?: string;
  /** Kind of the objects, e.g. `Deployment`. */
  readonly kind: string;
  /** Name of the object. @default - every object of the kind that the selectors pick */
  readonly name?: string;
  /** Namespace of the objects, as the base gives it. @default - any */
  readonly namespace?: string;
  /** Label selector, e.g. `app.kubernetes.io/component=api`. @default - none */
  readonly labelSelector?: string;
  /** Annotation selector. @default - none */
  readonly annotationSelector?: string;
}

/** One operation of a JSON patch (RFC 6902). */
export interface JsonPatchOperation {
  /** `add`, `remove`, `replace`, `move`, `copy` or `test`. */
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  /** JSON pointer of the field, e.g. `/spec/replicas`. */
  readonly path: string;
  /** The value to add, replace with or test for. @default - none (`remove`, `move`, `copy`) */
  readonly value?: unknown;
  /** JSON pointer to move or copy from (`move`, `copy`). @default - none */
  readonly from?: string;
}

const OPERATIONS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * A change the overlay of a Kustomize service makes to its base's objects: a strategic merge
 * patch (part of an object, merged into it as `kubectl apply` would) or a JSON patch (RFC 6902
 * operations). Given to `Workload.kustomize({ patches })` for every target, or to
 * `Service.deployTo(env or cluster, { patches })` for one environment or cluster; they apply in
 * that order. Each is written to a file of its own beside the overlay (`patches/…yaml`).
 *
 * @example
 * Workload.kustomize({
 *   patches: [
 *     KustomizePatch.strategicMerge({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, { spec: { replicas: 2 } }),
 *   ],
 * });
 * web.deployTo(prod, {
 *   patches: [KustomizePatch.json({ kind: 'Deployment', name: 'web' }, [{ op: 'replace', path: '/spec/replicas', value: 6 }])],
 * });
 */
export class KustomizePatch {
  /**
   * A strategic merge patch: `patch` is the part of the object to change, without `apiVersion`,
   * `kind` or `metadata.name` (they come from `target`), e.g. `{ spec: { replicas: 4 } }`.
   */
  public static strategicMerge(target: PatchTarget, patch: Record<string, unknown>): KustomizePatch {
    return new KustomizePatch('strategic-merge', target, patch);
  }

  /** A JSON patch (RFC 6902): operations applied in order to each object `target` picks. */
  public static json(target: PatchTarget, operations: readonly JsonPatchOperation[]): KustomizePatch {
    return new KustomizePatch('json', target, operations);
  }

  private constructor(
    /** @internal */
    public readonly type: 'strategic-merge' | 'json',
    /** @internal */
    public readonly target: PatchTarget,
    /** @internal */
    public readonly body: unknown,
  ) {}
}

/** @internal The patches given at `path` as the model holds them, and the problems of those that are not usable (CG147). */
export function patchModels(given: unknown, path: string, where: string, problems: Problem[]): KustomizePatchModel[] {
  if (given === undefined) return [];
  const report = (message: string, fix?: string): void => {
    problems.push(problem('CG147', { constructPath: path, message, ...(fix === undefined ? {} : { fix }) }));
  };
  if (!Array.isArray(given)) {
    report(`${where} is not a list of KustomizePatch.`, 'Pass patches: [KustomizePatch.strategicMerge(…), KustomizePatch.json(…)].');
    return [];
  }
  const out: KustomizePatchModel[] = [];
  given.forEach((p: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!(p instanceof KustomizePatch)) {
      report(
        `${at} is not a KustomizePatch.`,
        'Make each patch with KustomizePatch.strategicMerge(target, patch) or KustomizePatch.json(target, operations).',
      );
      return;
    }
    const target = targetModel(p.target, at, report);
    if (target === undefined) return;
    if (!isPlainData(p.body)) {
      report(`${at} holds something other than plain data (strings, numbers, booleans, null, lists and maps).`);
      return;
    }
    // A patch is written to the GitOps repository as values are: a literal secret is refused the same way (CG120).
    // A patch of a Secret sets literal data whatever its keys say.
    const view = secretsView(p);
    const found = findLiteralSecrets({ [at]: view });
    problems.push(...found.map((f) => literalSecretProblem(f, path, 'A Kustomize patch')));
    for (const keyPath of secretDataOf(p, view).map((k) => `${at}${k}`))
      if (!found.some((f) => f.keyPath === keyPath))
        problems.push(
          problem('CG120', {
            constructPath: path,
            message: `A Kustomize patch sets "${keyPath}" to ${SECRET_DATA}, and patches are readable by everyone who can read the GitOps repository.`,
            fix: 'Keep the secret in a secret store and reference it (an ExternalSecret, a SealedSecret), or use an existing Secret by name.',
          }),
        );
    if (p.type === 'json') {
      const ops = p.body as readonly JsonPatchOperation[];
      const bad = !Array.isArray(ops) || ops.length === 0 ? 'it has no operations' : operationProblem(ops);
      if (bad !== undefined) {
        report(`${at} is not a usable JSON patch: ${bad}.`, "Give operations such as { op: 'replace', path: '/spec/replicas', value: 4 }.");
        return;
      }
      out.push({ target, patch: ops.map((o) => ({ ...o })) });
      return;
    }
    const body = p.body;
    if (!isMap(body) || Object.keys(body).length === 0) {
      report(`${at} is an empty strategic merge patch.`, 'Give the part of the object to change, e.g. { spec: { replicas: 4 } }.');
      return;
    }
    if (p.target.apiVersion === undefined) {
      report(
        `${at} is a strategic merge patch without target.apiVersion.`,
        "Name the kind's API version, e.g. { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }.",
      );
      return;
    }
    const own = ['apiVersion', 'kind'].filter((k) => k in body);
    const meta = body.metadata;
    if (own.length > 0 || (isMap(meta) && 'name' in meta)) {
      report(
        `${at} sets ${[...own, ...(isMap(meta) && 'name' in meta ? ['metadata.name'] : [])].join(', ')}, which its target gives.`,
        'Leave them out of the patch: the target names the object.',
      );
      return;
    }
    out.push({
      target,
      patch: {
        apiVersion: p.target.apiVersion,
        kind: p.target.kind,
        // Kustomize wants a name in the patch; with a target, the target alone picks the objects.
        metadata: { ...(isMap(meta) ? meta : {}), name: p.target.name ?? 'selected-by-target' },
        ...Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'metadata')),
      },
    });
  });
  return out;
}

const SELECTOR_FIELDS = ['name', 'namespace', 'labelSelector', 'annotationSelector'] as const;

function targetModel(t: PatchTarget, at: string, report: (message: string, fix?: string) => void): KustomizePatchTargetModel | undefined {
  if (!isMap(t) || typeof t.kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(t.kind)) {
    report(`${at} has no target kind.`, "Name the objects it patches: { kind: 'Deployment', name: 'web' }.");
    return undefined;
  }
  for (const f of ['apiVersion', ...SELECTOR_FIELDS] as const) {
    const v = t[f];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0 || /[\n\r]/.test(v))) {
      report(`${at} has a target ${f} that is not a one-line string.`);
      return undefined;
    }
  }
  if (t.apiVersion !== undefined && !/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(t.apiVersion)) {
    report(
      `${at} has target apiVersion "${t.apiVersion}", which is not <group>/<version> or <version>.`,
      "Write it as on the object, e.g. 'apps/v1' or 'v1'.",
    );
    return undefined;
  }
  if (t.name === undefined && t.labelSelector === undefined && t.annotationSelector === undefined) {
    report(
      `${at} would patch every ${t.kind} of the base: its target has no name or selector.`,
      "Name the object (name: 'web') or select the objects (labelSelector: 'app=web').",
    );
    return undefined;
  }
  const slash = t.apiVersion?.lastIndexOf('/') ?? -1;
  return {
    ...(t.apiVersion === undefined
      ? {}
      : slash === -1
        ? { version: t.apiVersion }
        : { group: t.apiVersion.slice(0, slash), version: t.apiVersion.slice(slash + 1) }),
    kind: t.kind,
    ...Object.fromEntries(SELECTOR_FIELDS.filter((f) => t[f] !== undefined).map((f) => [f, t[f]])),
  };
}

function operationProblem(ops: readonly JsonPatchOperation[]): string | undefined {
  for (const [i, o] of ops.entries()) {
    if (!isMap(o) || typeof o.op !== 'string' || !OPERATIONS.has(o.op)) return `operation ${i} has no op of ${[...OPERATIONS].join(', ')}`;
    if (typeof o.path !== 'string' || !(o.path === '' || o.path.startsWith('/')))
      return `operation ${i} has no JSON pointer path (starting with "/")`;
    if ((o.op === 'move' || o.op === 'copy') && (typeof o.from !== 'string' || !o.from.startsWith('/')))
      return `operation ${i} (${o.op}) has no JSON pointer from`;
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !('value' in o)) return `operation ${i} (${o.op}) has no value`;
    const extra = Object.keys(o).filter((k) => !['op', 'path', 'value', 'from'].includes(k));
    if (extra.length > 0) return `operation ${i} has the fields ${extra.join(', ')}, which JSON patches do not have`;
  }
  return undefined;
}

/** Whether `v` is JSON-like data: what a patch file can hold and the model can carry. */
function isPlainData(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainData);
  if (isMap(v)) return Object.entries(v).every(([k, x]) => k !== '__proto__' && isPlainData(x));
  return false;
}

/**
 * A patch as its literal secrets are looked for: a strategic merge patch as it is; a JSON patch
 * as the fields its operations set, each value under the keys its path names
 * (`{ op: 'add', path: '/stringData/password', value }` is `{ stringData: { password: value } }`).
 */
function secretsView(p: KustomizePatch): Values[string] {
  if (p.type !== 'json' || !Array.isArray(p.body)) return p.body as Values[string];
  return (p.body as unknown[]).map((o) => {
    if (!isMap(o) || typeof o.path !== 'string' || !('value' in o)) return o;
    const keys = o.path
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    return keys.reduceRight<unknown>((value, key) => (/^(\d+|-)$/.test(key) ? [value] : { [key]: value }), o.value);
  }) as Values[string];
}

/**
 * The key paths (below the patch's) of the `data` and `stringData` entries a patch of a Secret
 * sets ({@link secretDataPaths}): each is a literal secret, whatever its key says.
 */
function secretDataOf(p: KustomizePatch, view: Values[string]): string[] {
  if (p.target.kind !== 'Secret' || (p.target.apiVersion ?? 'v1') !== 'v1') return [];
  const parts = Array.isArray(view) ? view.map((v, i) => [`[${i}].`, v] as const) : [['.', view] as const];
  return parts.flatMap(([at, v]) => secretDataPaths(v).map((k) => `${at}${k}`));
}
