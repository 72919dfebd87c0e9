/**
 * Expands ApplicationSets with a git directory generator over a repository tree, as Argo CD's
 * ApplicationSet controller does, for the Go template expressions the SDK and the seed use:
 * `.path.path`, `.path.basename`, `index .path.segments N` and `printf "…" (…) (…)`.
 * Anything else fails, as `missingkey=error` would.
 */
import { parseAllDocuments } from 'yaml';

/** A generated Application, as plain data. */
export interface GeneratedApplication {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Application';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Record<string, string> };
  readonly spec: any;
  /** The directory it was generated from, and the ApplicationSet that generated it. */
  readonly generatedFrom: { readonly directory: string; readonly applicationSet: string };
}

/** Every non-hidden directory that holds a file of `paths` (and their parents). */
export function directoriesOf(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const segments = p.split('/').slice(0, -1);
    for (let i = 1; i <= segments.length; i++) dirs.add(segments.slice(0, i).join('/'));
  }
  return [...dirs].filter((d) => !d.split('/').some((s) => s.startsWith('.'))).sort();
}

/** Go's `path.Match` for patterns of literals, `*` and `?` (no character classes). */
export function goPathMatch(pattern: string, name: string): boolean {
  if (/[[\\]/.test(pattern)) throw new Error(`pattern ${pattern} uses syntax this helper does not model`);
  const re = pattern
    .split('')
    .map((ch) => (ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`).test(name);
}

interface PathParams {
  readonly path: string;
  readonly basename: string;
  readonly segments: readonly string[];
}

function evaluate(expr: string, p: PathParams): string {
  const e = expr.trim();
  let m: RegExpExecArray | null;
  if ((m = /^\((.*)\)$/.exec(e))) return evaluate(m[1], p);
  if (e === '.path.path') return p.path;
  if (e === '.path.basename') return p.basename;
  if ((m = /^index \.path\.segments (\d+)$/.exec(e))) {
    const v = p.segments[Number(m[1])];
    if (v === undefined) throw new Error(`index ${m[1]} out of range for ${p.path}`);
    return v;
  }
  if ((m = /^printf "((?:[^"\\]|\\.)*)" (.*)$/.exec(e))) {
    const args = splitGroups(m[2]).map((a) => evaluate(a, p));
    let i = 0;
    return m[1].replace(/%s/g, () => {
      if (i >= args.length) throw new Error(`printf in ${e} lacks arguments`);
      return args[i++];
    });
  }
  throw new Error(`unsupported template expression {{ ${e} }}`);
}

/** Splits `(a) (b c)` into `['a', 'b c']`. */
function splitGroups(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') {
      if (depth++ === 0) start = i + 1;
    } else if (s[i] === ')') {
      if (--depth === 0) out.push(s.slice(start, i));
    } else if (depth === 0 && s[i] !== ' ') {
      throw new Error(`unsupported printf argument in "${s}"`);
    }
  }
  return out;
}

function render(value: unknown, p: PathParams): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(.*?)\}\}/g, (_, expr: string) => evaluate(expr, p));
  if (Array.isArray(value)) return value.map((v) => render(v, p));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, p)]));
  return value;
}

/**
 * The template of a generator with a template of its own, for what the SDK writes there (labels,
 * and fields of the spec): the generator's fields in place of the ApplicationSet's, its labels
 * beside them.
 */
export function withGeneratorTemplate(template: any, own: any): any {
  if (own === undefined) return template;
  return {
    ...template,
    metadata: { ...template.metadata, labels: { ...template.metadata?.labels, ...own.metadata?.labels } },
    spec: { ...template.spec, ...own.spec },
  };
}

/** The Applications an ApplicationSet generates over the directories of a tree. */
export function expandApplicationSet(set: any, directories: readonly string[]): GeneratedApplication[] {
  if (set.kind !== 'ApplicationSet') throw new Error(`not an ApplicationSet: ${set.kind}`);
  const apps: GeneratedApplication[] = [];
  for (const generator of set.spec.generators) {
    const entries: { path: string; exclude?: boolean }[] = generator.git.directories;
    const includes = entries.filter((d) => !d.exclude).map((d) => d.path);
    const excludes = entries.filter((d) => d.exclude).map((d) => d.path);
    for (const dir of directories) {
      if (!includes.some((g) => goPathMatch(g, dir)) || excludes.some((g) => goPathMatch(g, dir))) continue;
      const segments = dir.split('/');
      const params = { path: dir, basename: segments[segments.length - 1], segments };
      const template = withGeneratorTemplate(set.spec.template, generator.git.template);
      const metadata = render(template.metadata, params) as GeneratedApplication['metadata'];
      apps.push({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { ...metadata, namespace: set.metadata.namespace },
        spec: render(template.spec, params),
        generatedFrom: { directory: dir, applicationSet: set.metadata.name },
      });
    }
  }
  return apps;
}

/** Every YAML document of a text, as plain data. */
export function documentsOf(text: string): any[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('\n'));
    return d.toJS();
  });
}
