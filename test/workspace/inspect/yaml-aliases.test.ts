/**
 * Files of a checkout whose YAML cannot be made data (an alias to no anchor, an alias bomb): an
 * ApplicationSet file is a problem naming the file, any other file is none of the preview's
 * concern; neither is an internal error.
 */
import { GitOpsError } from '../../../src/core/errors';
import { parseYamlDocuments, YamlDataError } from '../../../src/core/yaml/parse';
import { applicationSetsIn } from '../../../src/workspace/inspect/checkout';

const SET = (extra: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\nspec:\n  generators:\n    - list:\n        elements:\n          - name: a\n${extra}`;

/** Anchors a0…a8, each a list of ten aliases to the one before: 10^9 values once expanded. */
const LAUGHS = [
  'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
].join('\n');

describe('YAML that cannot be made data', () => {
  test('parseYamlDocuments says what kind of problem it is, never the text', () => {
    expect(() => parseYamlDocuments('a: *missing-secret-word\n')).toThrow(new YamlDataError('it has an alias to no anchor'));
    expect(() => parseYamlDocuments(LAUGHS)).toThrow(YamlDataError);
  });

  test('an ApplicationSet file with an alias to no anchor is CG708 naming the file', () => {
    let thrown: unknown;
    try {
      applicationSetsIn('applicationsets/set.yaml', SET('            x: *nothere\n'));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(GitOpsError);
    expect((thrown as GitOpsError).problems.map((p) => [p.code, p.file])).toEqual([['CG708', 'applicationsets/set.yaml']]);
  });

  test('another file that mentions ApplicationSet and cannot be read holds no ApplicationSet', () => {
    const configMap = '# deployed by the ApplicationSet s\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: *missing\n';
    expect(applicationSetsIn('apps/web/cm.yaml', configMap)).toEqual([]);
    expect(applicationSetsIn('notes/x.yaml', `# about ApplicationSet\n${LAUGHS}\n`)).toEqual([]);
  });
});
