import { GitOpsError } from '../core/errors';

/**
 * Error codes of the ApplicationSet preview (`CG7xx`).
 *
 * - `CG701` the template or ApplicationSet uses a construct the preview does not evaluate
 *   (a Sprig function it does not have, an imaginary number, a printf form it does not format).
 * - `CG702` the template references a key the parameters do not have, with `missingkey=error`.
 * - `CG703` the template is not valid Go template syntax (Argo CD rejects it too).
 * - `CG704` evaluating the template failed: index out of range, wrong argument type or count.
 * - `CG705` a `directories[].path` or `files[].path` pattern is malformed, or cannot select
 *   what it says.
 * - `CG706` the ApplicationSet uses a generator or feature the preview does not expand: a
 *   generator that reads something other than the GitOps repository (SCM provider, pull
 *   request, cluster decision resource, plugin), a cluster generator where the repository
 *   declares no clusters for the control plane, a selector on a generator of a nested matrix or
 *   merge without `applyNestedSelectors`, a merge key nested in a map with `goTemplate`, a RollingSync `strategy`, a
 *   `templatePatch` that sets finalizers or patches fields outside metadata and spec.
 * - `CG707` two generated Applications have the same name.
 * - `CG708` the ApplicationSet object itself is malformed, or its generators fail as Argo CD's
 *   do: a matrix without two generators or with clashing fasttemplate parameters, a merge
 *   without `mergeKeys` or with sets that are not unique by them, nesting deeper than one
 *   level, a list element Argo CD cannot read, a selector it cannot parse, a `templatePatch`
 *   that is not a map of Application fields.
 * - `CG709` the checkout directory cannot be read.
 * - `CG710` a generated Application would be rejected by Kubernetes (invalid name or label value).
 * - `CG711` a file a git files generator matched cannot be used: it does not parse as JSON or
 *   YAML, is not a map or a list of maps, is too large, or is a symbolic link.
 */
export const PreviewCode = {
  UNSUPPORTED_TEMPLATE: 'CG701',
  MISSING_KEY: 'CG702',
  TEMPLATE_SYNTAX: 'CG703',
  TEMPLATE_EXECUTION: 'CG704',
  BAD_PATTERN: 'CG705',
  UNSUPPORTED_FEATURE: 'CG706',
  DUPLICATE_APPLICATION: 'CG707',
  INVALID_APPLICATIONSET: 'CG708',
  UNREADABLE_CHECKOUT: 'CG709',
  INVALID_APPLICATION: 'CG710',
  GENERATOR_FILE: 'CG711',
} as const;

/** One of the preview's error codes. */
export type PreviewCode = (typeof PreviewCode)[keyof typeof PreviewCode];

/** Throws a {@link GitOpsError} with a single problem. */
export function fail(code: PreviewCode, message: string, fix: string, file?: string): never {
  throw GitOpsError.of(code, { message, fix, file });
}

/** Quotes a value for a message, shortening very long values. */
export function show(value: string, max = 160): string {
  const text = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(text);
}
