/**
 * An ApplicationSet's `templatePatch` applied to a generated Application as Argo CD's
 * controller applies it (`utils.ApplyPatchTemplate`): the rendered patch is read as YAML
 * (`sigs.k8s.io/yaml`) and applied as a Kubernetes strategic merge patch against the
 * `Application` type. That type declares no patch strategy on its spec, so maps merge key by
 * key, `null` removes a key, lists are replaced whole, and `$patch: replace` / `$patch: delete`
 * replace or remove a map. What the preview does not model exactly is refused: the merge
 * strategy of `metadata.finalizers` and `metadata.ownerReferences`, other `$` directives,
 * and fields outside `metadata` and `spec`.
 *
 * @module
 */
import { isMap } from '../core/plain';
import type { GoData } from './go-yaml';
import { PreviewCode } from './problems';

/** Why a patch cannot be applied: a code (`CG708` Argo CD refuses it too, `CG706` not modelled) and the reason. */
export class PatchError extends Error {
  constructor(
    public readonly code: PreviewCode,
    public readonly reason: string,
    public readonly fix: string,
  ) {
    super(reason);
    this.name = 'PatchError';
  }
}

/** The generated Application's metadata and spec, as JSON. */
export interface PatchTarget {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly spec: Readonly<Record<string, unknown>>;
}

const METADATA_FIELDS = new Set(['name', 'namespace', 'labels', 'annotations', 'finalizers']);
const NOT_MODELLED_FIX = 'Set the field in spec.template instead, or preview this ApplicationSet with argocd appset generate.';

/**
 * `target` with `patch` applied (see the module). The result's `metadata.namespace` is what the
 * patch left; Argo CD sets the ApplicationSet's namespace afterwards all the same.
 *
 * @throws PatchError when the patch is not a map, or uses what is refused (see the module)
 */
export function applyTemplatePatch(target: PatchTarget, patch: GoData): PatchTarget {
  if (patch === null) return target;
  if (!isMap(patch)) {
    throw new PatchError(
      PreviewCode.INVALID_APPLICATIONSET,
      'does not render to a map of Application fields',
      'Write templatePatch as a YAML map, e.g. "spec: {…}".',
    );
  }
  for (const key of Object.keys(patch)) {
    if (key !== 'metadata' && key !== 'spec') {
      throw new PatchError(
        PreviewCode.UNSUPPORTED_FEATURE,
        `patches ${JSON.stringify(key)}; the offline preview applies patches to metadata and spec only`,
        NOT_MODELLED_FIX,
      );
    }
  }
  const meta = patch.metadata;
  if (meta !== undefined && meta !== null) {
    if (!isMap(meta))
      throw new PatchError(PreviewCode.INVALID_APPLICATIONSET, 'sets metadata to something that is not a map', 'Write metadata as a map.');
    for (const [key, value] of Object.entries(meta)) {
      if (!METADATA_FIELDS.has(key)) {
        throw new PatchError(
          PreviewCode.UNSUPPORTED_FEATURE,
          `patches metadata.${key}, which the offline preview does not model`,
          NOT_MODELLED_FIX,
        );
      }
      if (key === 'finalizers' && value !== null) {
        throw new PatchError(
          PreviewCode.UNSUPPORTED_FEATURE,
          'sets metadata.finalizers, which Kubernetes merges with the generated finalizers by its strategic merge rules; the offline preview does not model them',
          'Set metadata.finalizers in spec.template, or remove them with "finalizers: null".',
        );
      }
    }
  }
  const out = mergeMap({ metadata: target.metadata, spec: target.spec }, patch, '');
  return { metadata: (out.metadata ?? {}) as Record<string, unknown>, spec: (out.spec ?? {}) as Record<string, unknown> };
}

/** A strategic merge of `patch` onto `original`, for a type without patch strategies. */
function mergeMap(
  original: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
  at: string,
): Record<string, unknown> {
  const directive = patch.$patch;
  if (directive !== undefined) {
    if (directive === 'replace') {
      const rest = { ...patch };
      delete rest.$patch;
      return checkDirectives(rest, at);
    }
    if (directive === 'delete') return {};
    throw new PatchError(
      PreviewCode.INVALID_APPLICATIONSET,
      `has "$patch: ${String(directive)}" at ${at || 'the top'}, which is not a patch directive`,
      'Use "$patch: replace" or "$patch: delete".',
    );
  }
  const out: Record<string, unknown> = { ...original };
  for (const [key, value] of Object.entries(patch)) {
    const field = at === '' ? key : `${at}.${key}`;
    if (key.startsWith('$')) {
      throw new PatchError(
        PreviewCode.UNSUPPORTED_FEATURE,
        `uses the patch directive ${JSON.stringify(key)} at ${field}, which the offline preview does not apply`,
        NOT_MODELLED_FIX,
      );
    }
    if (value === null) {
      delete out[key];
    } else if (isMap(value)) {
      if (value.$patch === 'delete') {
        delete out[key];
        continue;
      }
      out[key] = mergeMap(isMap(original[key]) ? original[key] : {}, value, field);
    } else {
      out[key] = Array.isArray(value) ? value.map((v, i) => (isMap(v) ? checkDirectives(v, `${field}[${i}]`) : v)) : value;
    }
  }
  return out;
}

/** A map taken whole: nulls dropped as a patch drops them, and no directive left inside. */
function checkDirectives(map: Readonly<Record<string, unknown>>, at: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    if (key.startsWith('$')) {
      throw new PatchError(
        PreviewCode.UNSUPPORTED_FEATURE,
        `uses the patch directive ${JSON.stringify(key)} at ${at}, which the offline preview does not apply`,
        NOT_MODELLED_FIX,
      );
    }
    if (value === null) continue;
    out[key] = isMap(value) ? checkDirectives(value, `${at}.${key}`) : value;
  }
  return out;
}
