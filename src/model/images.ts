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
import type { ServiceModel } from './platform-model';

/** What every placeholder starts with: a registry host name that no real image reference uses. */
export const IMAGE_PLACEHOLDER_PREFIX = 'cdk8s-gitops.image/';

/**
 * The placeholder a service's render function puts into container images:
 * `cdk8s-gitops.image/<service>` for a service with one image, `cdk8s-gitops.image/<service>/<image>`
 * for each named image.
 */
export function imagePlaceholder(service: string, image?: string): string {
  return image === undefined ? `${IMAGE_PLACEHOLDER_PREFIX}${service}` : `${IMAGE_PLACEHOLDER_PREFIX}${service}/${image}`;
}

/** The version (digest or tag) of each named image of a release, by image name. */
export type ImageVersions = Readonly<Record<string, string>>;

/** The key path under which a named image's `repository` and `digest` go when the program names none: `<name>.image`. */
export function defaultValuesKey(image: string): string {
  return `${image}.image`;
}

/** One image of a service, as the synthesizer writes it. */
export interface ServiceImage {
  /** The image's name; undefined for the one image of a service that names none. */
  readonly name?: string;
  /** Image repository without tag or digest. */
  readonly repository: string;
  /** Dotted key path in Helm values of its `repository` and `digest`: `image` for a service's one image. */
  readonly valuesKey: string;
  /** What a render function puts where the image goes. */
  readonly placeholder: string;
}

/** The images of a service: its one image, or its named images in declaration order. */
export function serviceImages(s: Pick<ServiceModel, 'name' | 'imageRepository' | 'images'>): ServiceImage[] {
  if (s.images === undefined) {
    return [{ repository: s.imageRepository ?? '', valuesKey: 'image', placeholder: imagePlaceholder(s.name) }];
  }
  return s.images.map((i) => ({
    name: i.name,
    repository: i.repository,
    valuesKey: i.valuesKey,
    placeholder: imagePlaceholder(s.name, i.name),
  }));
}

/** The names of a service's images, sorted; empty for a service with one image it does not name. */
export function imageNames(s: Pick<ServiceModel, 'images'>): string[] {
  return (s.images ?? []).map((i) => i.name).sort(compareNames);
}

/**
 * The one-string form of the versions of named images: `api=sha256:…,worker=sha256:…`, names
 * in code point order (so equal sets of versions give equal strings). What the manifest records
 * of a file that embeds them and what `status --format json` shows; a version or image name
 * never holds `=` or `,`.
 */
export function encodeVersions(versions: ImageVersions): string {
  return Object.keys(versions)
    .sort(compareNames)
    .map((name) => `${name}=${versions[name]}`)
    .join(',');
}

/** The versions of {@link encodeVersions}; undefined for a single version (no `=`). */
export function decodeVersions(text: string): Record<string, string> | undefined {
  if (!text.includes('=')) return undefined;
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) return undefined;
    out[part.slice(0, at)] = part.slice(at + 1);
  }
  return out;
}

/** Whether `text` (a file's) holds the version `version` (each version of named images, see {@link encodeVersions}). */
export function holdsVersion(text: string, version: string): boolean {
  const named = decodeVersions(version);
  return named === undefined ? text.includes(version) : Object.values(named).every((v) => text.includes(v));
}

/** Names in code point order, independent of the locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A path component of an image repository: runs of lower-case letters and digits joined by `.`, `_`, `__` or dashes. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A registry host with an optional port: a domain name, or an IPv6 address in brackets. */
const REGISTRY_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?$/;
/** The longest image repository container runtimes accept. */
const MAX_REPOSITORY_LENGTH = 255;

/**
 * Why `repository` is not an image repository as container runtimes read one (the name of a
 * Docker reference, without tag or digest), or undefined: `/`-separated components, the first
 * of several optionally a registry host with a port (`registry.example.com:5000`), each other a
 * path component of lower-case letters and digits joined by `.`, `_`, `__` or dashes; at most 255
 * characters. The reason names the component at fault, never the whole repository.
 *
 * @example
 * imageRepositoryProblem('registry.example.com/shop/api'); // undefined
 * imageRepositoryProblem('registry.example.com/Shop/api'); // 'its path component "Shop" …'
 */
export function imageRepositoryProblem(repository: string): string | undefined {
  if (repository.length > MAX_REPOSITORY_LENGTH) return `it is ${repository.length} characters long (at most ${MAX_REPOSITORY_LENGTH})`;
  const components = repository.split('/');
  if (components.some((c) => c === '')) return 'it has an empty component (a leading, trailing or double "/")';
  for (const [i, c] of components.entries()) {
    if (i === 0 && components.length > 1 && REGISTRY_HOST.test(c)) continue;
    if (PATH_COMPONENT.test(c)) continue;
    return (
      `its ${i === 0 && components.length > 1 ? 'registry host or path component' : 'path component'} ${JSON.stringify(c)} ` +
      (i === 0 && components.length > 1 ? 'is neither a host name with an optional port nor ' : 'is not ') +
      'lower-case letters and digits joined by ".", "_", "__" or "-"'
    );
  }
  return undefined;
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
export function placeholderMisuses(obj: unknown, placeholders: string | readonly string[]): PlaceholderMisuse[] {
  const own = typeof placeholders === 'string' ? [placeholders] : placeholders;
  const out: PlaceholderMisuse[] = [];
  walkStrings(obj, (s, field, imagePosition) => {
    if (!s.includes(IMAGE_PLACEHOLDER_PREFIX)) return;
    if (imagePosition && own.includes(s)) return;
    out.push({ field, value: s });
  });
  return out;
}

/** Whether the placeholder stands in `obj` at all (as an image, or misused). */
export function usesPlaceholder(json: string): boolean {
  return json.includes(IMAGE_PLACEHOLDER_PREFIX);
}

/** The placeholders an object holds, of those given, in the order given. */
export function placeholdersIn(json: string, placeholders: readonly string[]): string[] {
  // A placeholder stands as a whole JSON string: `"cdk8s-gitops.image/orders"` is not in `"cdk8s-gitops.image/orders/api"`.
  return placeholders.filter((p) => json.includes(JSON.stringify(p)));
}

/**
 * A copy of `obj` with every container image that is exactly one of the placeholders of
 * `references` replaced by its reference. Fails (CG131) when a placeholder is left anywhere
 * else: the program that made the snapshot should have refused it already.
 */
export function substituteImages<T>(obj: T, references: ReadonlyMap<string, string>, where: string): T {
  const misuses = placeholderMisuses(obj, [...references.keys()]);
  if (misuses.length > 0) throw misuseError(misuses, where);
  const replace = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return key === 'image' ? (references.get(v) ?? v) : v;
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
