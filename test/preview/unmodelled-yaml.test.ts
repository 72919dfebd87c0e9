/**
 * Text the preview reads as go-yaml v2 would, but cannot read exactly (a YAML 1.1 line break,
 * U+2028, which go-yaml takes for the end of a line): Argo CD may read it well, so the preview
 * refuses it as what it does not model (CG701 in a template function, CG706 in a generator or
 * a patch) rather than claim an error of Argo CD's.
 */
import { ApplicationSetInput, expandApplicationSet } from '../../src/preview';
import { failure } from '../support/failure';
import { failure as templateFailure } from './sprig-support';

const LS = '\u2028';

function appset(spec: Record<string, unknown>): ApplicationSetInput {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'set', namespace: 'argocd' }, spec };
}

describe('text with a line break of YAML 1.1 only', () => {
  test('fromYaml and fromYamlArray: CG701 naming the function, not an error of Argo CD', () => {
    // GIVEN a value holding U+2028 between two keys
    for (const fn of ['fromYaml', 'fromYamlArray']) {
      // WHEN it is read by the function
      const e = templateFailure(`{{ ${fn} .value }}`, { value: `a: 1${LS}b: 2` });
      // THEN the preview says it does not read it as go-yaml does
      expect([e.code, e.message]).toEqual([
        'CG701',
        expect.stringContaining(`${fn} of a text that holds at line 1 a character go-yaml v2 takes for a line break`),
      ]);
      expect(e.message).not.toContain('error converting YAML to JSON');
    }
  });

  test('elementsYaml: CG706, not the ApplicationSet error Argo CD reports for YAML it cannot read', () => {
    // GIVEN a list generator whose elementsYaml holds U+2028
    const set = appset({
      goTemplate: true,
      generators: [{ list: { elementsYaml: `- cluster: a${LS}- cluster: b\n` } }],
      template: { metadata: { name: '{{.cluster}}' }, spec: { project: 'p' } },
    });
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(set, () => []));
    // THEN CG706 names elementsYaml and the character, and claims no failure of Argo CD's
    expect(e.problems.map((p) => p.code)).toEqual(['CG706']);
    expect(e.problems[0]!.message).toContain('elementsYaml holds at line 1 a character go-yaml v2 takes for a line break');
    expect(e.problems[0]!.message).not.toContain('Argo CD fails the ApplicationSet on it');
  });

  test('templatePatch: CG706, not an invalid patch', () => {
    // GIVEN a templatePatch that renders a U+2028 from a parameter
    const set = appset({
      goTemplate: true,
      generators: [{ list: { elements: [{ cluster: 'a', extra: `x${LS}y` }] } }],
      template: { metadata: { name: '{{.cluster}}' }, spec: { project: 'p' } },
      templatePatch: 'metadata:\n  labels:\n    extra: {{ .extra }}\n',
    });
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(set, () => []));
    // THEN CG706 names the patch
    expect(e.problems.map((p) => p.code)).toEqual(['CG706']);
    expect(e.problems[0]!.message).toContain('spec.templatePatch');
    expect(e.problems[0]!.message).toContain('a character go-yaml v2 takes for a line break');
  });
});
