/**
 * `yaml`'s `parse`, loaded on first use: reading what a checkout deploys needs it, but writing
 * a tree does not, and loading the package costs a command tens of milliseconds.
 */
export function parseYaml(text: string): any {
  return (require('yaml') as typeof import('yaml')).parse(text);
}

/** Every document of a YAML text as plain data, with `yaml` loaded on first use as in {@link parseYaml}. */
export function parseYamlDocuments(text: string): unknown[] {
  return (require('yaml') as typeof import('yaml')).parseAllDocuments(text).map((d) => d.toJS());
}
