/**
 * The image placeholder of rendered services.
 *
 * A rendered service's objects are made in the program process, but the digest a ring runs is
 * known only to the release ledger in the GitOps checkout (and changes with `promote` without
 * running the program again). So the render function gets a placeholder,
 * `cdk8s-gitops.image/<service>`, to put where a container image goes, and the synthesizer
 * replaces that exact string with `<repository>@<digest>` when it writes the target's files, as
 * kustomize's `images:` does. A promotion then changes only the image fields of the ring's
 * targets.
 *
 * The placeholder may stand only as the whole value of a container's `image` (in
 * `containers`, `initContainers` or `ephemeralContainers`); anywhere else, or altered (e.g.
 * `${ctx.image}-debug`), it is reported, because it would reach the cluster unreplaced.
 */
import { GitOpsError, Problem, problem } from '../core/errors';
import { isMap } from '../core/plain';

/** What every placeholder starts with: a registry host name that no real image reference uses. */
export const IMAGE_PLACEHOLDER_PREFIX = 'cdk8s-gitops.image/';

/** The placeholder a service's render function puts into container images. */
export function imagePlaceholder(service: string): string {
  return `${IMAGE_PLACEHOLDER_PREFIX}${service}`;
}

/** The image reference a ring's release gives: `<repository>@sha256:…`, or `<repository>:<tag>` for a tag. */
export function imageReference(repository: string, version: string): string {
  return version.startsWith('sha256:') ? `${repository}@${version}` : `${repository}:${version}`;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** A placeholder found where it must not stand. */
export interface PlaceholderMisuse {
  /** Field path, e.g. `spec.template.metadata.annotations.image`. */
  readonly field: string;
  /** The string found there. */
  readonly value: string;
}

/**
 * Walks `value` and calls `visit` for every string, with its field path and whether it stands
 * in an image position (`<list>[i].image` where `<list>` is a container list).
 */
function walkStrings(value: unknown, visit: (s: string, field: string, imagePosition: boolean) => void): void {
  const walk = (v: unknown, field: string, imagePosition: boolean): void => {
    if (typeof v === 'string') visit(v, field, imagePosition);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${field}[${i}]`, false));
    else if (isMap(v)) {
      const inContainer = /(?:^|\.)(containers|initContainers|ephemeralContainers)\[\d+\]$/.exec(field);
      for (const [k, x] of Object.entries(v)) {
        walk(x, field ? `${field}.${k}` : k, k === 'image' && inContainer !== null && CONTAINER_LISTS.has(inContainer[1]));
      }
    }
  };
  walk(value, '', false);
}

/** Every container image in an object (`image` of the entries of its container lists), in order. */
export function containerImages(obj: unknown): string[] {
  const out: string[] = [];
  walkStrings(obj, (s, _field, imagePosition) => {
    if (imagePosition) out.push(s);
  });
  return out;
}

/**
 * Every place where a placeholder stands other than as the whole image of a container, or
 * where another service's placeholder stands at all.
 */
export function placeholderMisuses(obj: unknown, placeholder: string): PlaceholderMisuse[] {
  const out: PlaceholderMisuse[] = [];
  walkStrings(obj, (s, field, imagePosition) => {
    if (!s.includes(IMAGE_PLACEHOLDER_PREFIX)) return;
    if (imagePosition && s === placeholder) return;
    out.push({ field, value: s });
  });
  return out;
}

/** Whether the placeholder stands in `obj` at all (as an image, or misused). */
export function usesPlaceholder(json: string): boolean {
  return json.includes(IMAGE_PLACEHOLDER_PREFIX);
}

/**
 * A copy of `obj` with every container image that is exactly `placeholder` replaced by
 * `reference`. Fails (CG131) when a placeholder is left anywhere else: the program that made
 * the snapshot should have refused it already.
 */
export function substituteImage<T>(obj: T, placeholder: string, reference: string, where: string): T {
  const misuses = placeholderMisuses(obj, placeholder);
  if (misuses.length > 0) throw misuseError(misuses, where);
  const replace = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return key === 'image' && v === placeholder ? reference : v;
    if (Array.isArray(v)) return v.map((x) => replace(x, undefined));
    if (isMap(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = replace(x, k);
      return out;
    }
    return v;
  };
  return replace(obj, undefined) as T;
}

/** The error for placeholders found out of place in the object `where` (e.g. `Deployment orders-api`). */
export function misuseError(misuses: readonly PlaceholderMisuse[], where: string, constructPath?: string): GitOpsError {
  return new GitOpsError(misuses.map((m) => misuseProblem(m, where, constructPath)));
}

/** One problem per misplaced placeholder. */
export function misuseProblem(m: PlaceholderMisuse, where: string, constructPath?: string): Problem {
  return problem('CG131', {
    ...(constructPath ? { constructPath } : {}),
    message: `${where} has the image placeholder at ${m.field} ("${m.value}"), which is not the whole image of a container: it would reach the cluster unreplaced.`,
  });
}
