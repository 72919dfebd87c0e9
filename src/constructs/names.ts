/** Checks for the names that become Kubernetes names, labels and repository paths. */

import { GitOpsError } from '../errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes limits that bind generated names. */
export const NAME_LIMITS = {
  /** DNS-1123 label: namespaces, label values, path segments. */
  label: 63,
  /** DNS-1123 subdomain: Application and AppProject names. */
  subdomain: 253,
  /** Helm release names. */
  helmRelease: 53,
} as const;

/** Returns why `name` is not a DNS-1123 label, or undefined when it is one. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > NAME_LIMITS.label) return `it is ${name.length} characters long (at most ${NAME_LIMITS.label})`;
  if (!DNS1123_LABEL.test(name)) {
    return 'it must consist of lower-case letters, digits and "-", and start and end with a letter or digit';
  }
  return undefined;
}

/** Returns why `name` is not a DNS-1123 subdomain, or undefined when it is one. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > NAME_LIMITS.subdomain) return `it is ${name.length} characters long (at most ${NAME_LIMITS.subdomain})`;
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return 'it must consist of lower-case letters, digits, "-" and ".", and start and end with a letter or digit';
  }
  return undefined;
}

/** Turns an arbitrary string into a suggestion that is a DNS-1123 label. */
export function suggestLabel(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, NAME_LIMITS.label)
    .replace(/-+$/g, '');
  return s || 'name';
}

/**
 * Returns why `p` is not a safe relative directory inside the repository, or undefined.
 * Safe: `/`-separated segments of `[A-Za-z0-9._-]`, no `.` or `..`, not hidden, not `.git`.
 */
export function relativeDirProblem(p: string): string | undefined {
  if (p.length === 0) return 'it is empty';
  if (p.startsWith('/')) return 'it is absolute';
  for (const seg of p.split('/')) {
    if (seg === '' ) return 'it has an empty segment';
    if (seg === '.' || seg === '..') return `it has a "${seg}" segment`;
    if (seg.startsWith('.')) return `segment "${seg}" is hidden`;
    if (!/^[A-Za-z0-9._-]+$/.test(seg)) return `segment "${seg}" has characters other than letters, digits, ".", "_" and "-"`;
  }
  return undefined;
}

/**
 * Returns `id` if `scope` has no child of that id yet; otherwise fails with a message that
 * names both constructs. Used in constructors, before the construct is added.
 */
export function freeId(scope: { node: { path: string; tryFindChild(id: string): unknown } }, id: string, kind: string): string {
  const existing = scope.node.tryFindChild(id) as { constructor: { name: string } } | undefined;
  if (existing) {
    throw new GitOpsError({
      code: 'CG103',
      constructPath: `${scope.node.path}/${id}`,
      message: `${kind} "${id}" cannot be created: ${scope.node.path} already has a ${existing.constructor.name} named "${id}".`,
      fix: `Give one of them another id (ids are unique within their scope).`,
    });
  }
  return id;
}
