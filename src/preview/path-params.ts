import { goBase } from './go-path';
import { sanitizeName } from './sanitize-name';
import { TemplateMap, withGoType } from './template-values';

/** How the path parameters of a git generator are shaped. */
export interface PathParamsOptions {
  /** `spec.goTemplate`: nested maps for Go templates, or flat `path.basename` keys. */
  readonly goTemplate: boolean;
  /**
   * The generator's `pathParamPrefix`: nests the parameters under `.<prefix>.path`
   * (flat: `<prefix>.path`).
   */
  readonly pathParamPrefix?: string;
}

/**
 * The `path` parameters both git generators set, as Argo CD's `generateParamsFromApps`
 * (directories) and `generateParamsFromGitFile` (files) do: for the directory `dir`, its
 * `path`, `basename`, `basenameNormalized` and `segments` (flat: `path[N]` for each non-empty
 * segment), and for a file also its `filename` and `filenameNormalized`.
 *
 * @param dir the directory: a matched directory, or the directory of a matched file (`path.Dir`)
 * @param filename the matched file's name (`path.Base`), for the files generator only
 */
export function gitPathParams(dir: string, options: PathParamsOptions, filename?: string): TemplateMap {
  const basename = goBase(dir);
  const prefix = options.pathParamPrefix ?? '';
  if (options.goTemplate) {
    const pathParams: TemplateMap = {
      path: dir,
      basename,
      ...(filename === undefined ? {} : { filename }),
      basenameNormalized: sanitizeName(basename),
      ...(filename === undefined ? {} : { filenameNormalized: sanitizeName(filename) }),
      // strings.Split: a []string
      segments: withGoType(dir.split('/'), '[]string'),
    };
    return prefix === '' ? { path: pathParams } : { [prefix]: { path: pathParams } };
  }
  const name = prefix === '' ? 'path' : `${prefix}.path`;
  const flat: Record<string, string> = {
    [name]: dir,
    [`${name}.basename`]: basename,
    ...(filename === undefined ? {} : { [`${name}.filename`]: filename }),
    [`${name}.basenameNormalized`]: sanitizeName(basename),
    ...(filename === undefined ? {} : { [`${name}.filenameNormalized`]: sanitizeName(filename) }),
  };
  dir.split('/').forEach((segment, i) => {
    if (segment !== '') {
      flat[`${name}[${i}]`] = segment;
    }
  });
  return flat;
}
