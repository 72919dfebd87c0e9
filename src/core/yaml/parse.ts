/**
 * `yaml`'s `parse`, loaded on first use: reading what a checkout deploys needs it, but writing
 * a tree does not, and loading the package costs a command tens of milliseconds.
 */
export function parseYaml(text: string): unknown {
  return yamlLibrary().parse(text);
}

/** Every document of a YAML text as plain data, with `yaml` loaded on first use as in {@link parseYaml}. */
export function parseYamlDocuments(text: string): unknown[] {
  return yamlLibrary()
    .parseAllDocuments(text)
    .map((d) => d.toJS());
}

/** The `yaml` package, loaded on first use (see {@link parseYaml}). */
export function yamlLibrary(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}
