import { GitOpsError } from '../../src/core/errors';
import { generateApplications, MAX_PARAM_SETS, MAX_PREVIEW_APPLICATIONS, MAX_PREVIEW_RENDERED } from '../../src/preview/expand';
import { FoundApplicationSet, previewOf, TreeView } from '../../src/workspace/inspect/checkout';

/*
 * Argo CD's ApplicationSet controller generates every Application of every ApplicationSet, each
 * ApplicationSet on its own; the preview holds those of all the ApplicationSets of a checkout at
 * once, so besides the bound on one ApplicationSet (MAX_PARAM_SETS parameter sets) it has one
 * over all of them: many ApplicationSets each within their own bound are refused together (CG706)
 * rather than exhaust memory.
 */

/** An ApplicationSet `name` whose matrix of two lists of `side` elements generates side × side Applications. */
function squareApplicationSet(name: string, side: number): FoundApplicationSet {
  const elements = (key: string): Array<Record<string, string>> => Array.from({ length: side }, (_, i) => ({ [key]: `${key}${i}` }));
  return {
    file: `applicationsets/prod/${name}.yaml`,
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name, namespace: 'argocd' },
      spec: {
        goTemplate: true,
        generators: [{ matrix: { generators: [{ list: { elements: elements('a') } }, { list: { elements: elements('b') } }] } }],
        template: {
          metadata: { name: `${name}-{{ .a }}-{{ .b }}` },
          spec: {
            project: 'prod',
            destination: { name: 'in-cluster', namespace: 'apps' },
            source: { repoURL: 'https://git.example.com/gitops.git', targetRevision: 'main', path: 'x' },
          },
        },
      },
    },
  };
}

function viewOf(sets: readonly FoundApplicationSet[]): TreeView {
  return {
    files: sets.map((s) => s.file),
    applicationSets: sets,
    directories: ['applicationsets', 'applicationsets/prod'],
    readFile: () => {
      throw new Error('no file is read');
    },
  };
}

describe('the bound over all the ApplicationSets of one preview', () => {
  test('fails when ApplicationSets each within their own bound generate more than 1,000,000 Applications together', () => {
    // GIVEN 12 ApplicationSets of 300 × 300 = 90,000 Applications each (1,080,000 in all)
    const sets = Array.from({ length: 12 }, (_, i) => squareApplicationSet(`bulk${String(i).padStart(2, '0')}`, 300));
    expect(300 * 300).toBeLessThan(MAX_PARAM_SETS);
    expect(MAX_PREVIEW_APPLICATIONS).toBe(1_000_000);
    // WHEN the view is previewed
    let error: unknown;
    try {
      previewOf(viewOf(sets));
    } catch (e) {
      error = e;
    }
    // THEN the twelfth, which passes the bound, is refused by name and file
    expect(error).toBeInstanceOf(GitOpsError);
    expect((error as GitOpsError).code).toBe('CG706');
    expect((error as GitOpsError).problems[0].file).toBe('applicationsets/prod/bulk11.yaml');
    expect((error as GitOpsError).message).toContain(
      'ApplicationSet "bulk11" brings the Applications of the ApplicationSets of this preview to more than 1000000, which the offline preview does not expand.',
    );
  });

  test('a fleet of 100,000 Applications over a few ApplicationSets is expanded', () => {
    // GIVEN 4 ApplicationSets of 160 × 160 = 25,600 Applications each (102,400 in all)
    const sets = Array.from({ length: 4 }, (_, i) => squareApplicationSet(`fleet${i}`, 160));
    // WHEN the view is previewed
    const { created } = previewOf(viewOf(sets));
    // THEN every Application is there
    expect(created.size).toBe(102_400);
  });

  test('fails when the templates of the preview render more than 512 Mi characters in all', () => {
    // GIVEN a preview whose ApplicationSets rendered all but 20 characters of the bound so far
    const budget = { applications: 0, characters: MAX_PREVIEW_RENDERED - 20 };
    expect(MAX_PREVIEW_RENDERED).toBe(512 * 1024 * 1024);
    // WHEN one more ApplicationSet renders its 3 × 3 Applications (names of 10 characters each)
    const set = squareApplicationSet('last', 3);
    // THEN it is refused, naming the field
    expect(() => generateApplications(set.object, () => [], { file: set.file, budget })).toThrow(
      'the templates of the ApplicationSets of this preview render more than 536870912 characters in all, which the offline preview does not expand.',
    );
    // AND with room left it is expanded, and counted
    const room = { applications: 0, characters: 0 };
    expect(generateApplications(set.object, () => [], { file: set.file, budget: room })).toHaveLength(9);
    expect(room.applications).toBe(9);
    expect(room.characters).toBe(90);
  });
});
