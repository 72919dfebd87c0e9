/** What README.md shows, for the tests that keep its examples equal to what the code writes. */
import * as fs from 'fs';
import * as path from 'path';

const README = path.resolve(__dirname, '../../README.md');

/**
 * The YAML block README.md shows for `file`: the first ```yaml block after the file's name in
 * backticks. Throws when the README does not name the file.
 */
export function readmeYamlFor(file: string): string {
  const readme = fs.readFileSync(README, 'utf8');
  const at = readme.indexOf(`\`${file}\``);
  if (at < 0) throw new Error(`README.md does not name ${file}.`);
  const start = readme.indexOf('```yaml\n', at) + '```yaml\n'.length;
  return readme.slice(start, readme.indexOf('```', start));
}
