/**
 * `yaml`'s `parse`, loaded on first use: reading what a checkout deploys needs it, but writing
 * a tree does not, and loading the package costs a command tens of milliseconds.
 */
export function parseYaml(text: string): unknown {
  return yamlLibrary().parse(text);
}

/**
 * A YAML text whose documents cannot be made data: an alias to no anchor, or more aliases than
 * `yaml` expands (a "billion laughs"). Its message names the kind of problem, never the text.
 */
export class YamlDataError extends Error {}

/**
 * Every document of a YAML text as plain data, with `yaml` loaded on first use as in {@link parseYaml}.
 * @throws YamlDataError for a document that cannot be made data
 */
export function parseYamlDocuments(text: string): unknown[] {
  return yamlLibrary()
    .parseAllDocuments(text)
    .map((d) => {
      try {
        return d.toJS();
      } catch (e) {
        if (e instanceof ReferenceError) {
          throw new YamlDataError(
            /excessive alias/i.test(e.message) ? 'it expands more aliases than are read' : 'it has an alias to no anchor',
          );
        }
        throw e;
      }
    });
}

/** The `yaml` package, loaded on first use (see {@link parseYaml}). */
export function yamlLibrary(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}
