import { parseAllDocuments } from 'yaml';
import { GitOpsError } from '../../../src';
import { renderObjects } from '../../../src/synth/argocd/emit';

const PROJECT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'prod', namespace: 'argocd' },
  spec: {
    sourceRepos: ['https://git.example.com/platform/platform-gitops.git'],
    destinations: [{ name: 'azure-we-01', namespace: 'payments-api' }],
  },
};

describe('renderObjects', () => {
  it('writes apiVersion, kind and metadata first, then the rest with sorted keys', () => {
    // WHEN
    const text = renderObjects([PROJECT, { ...PROJECT, metadata: { name: 'nonprod', namespace: 'argocd' } }]);

    // THEN
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs.map((d) => d.metadata.name)).toEqual(['prod', 'nonprod']);
    expect(text.split('\n').slice(0, 5)).toEqual([
      'apiVersion: argoproj.io/v1alpha1',
      'kind: AppProject',
      'metadata:',
      '  name: prod',
      '  namespace: argocd',
    ]);
    expect(Object.keys(docs[0].spec)).toEqual(['destinations', 'sourceRepos']);
  });

  it('fails when an object does not pass the Argo CD schema, naming the object and where it comes from', () => {
    // GIVEN an Application without its required project
    const bad = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'root' },
      spec: { destination: { namespace: 'argocd' } },
    };

    // WHEN
    let error: unknown;
    try {
      renderObjects([bad], 'platform/control-planes/prod');
    } catch (e) {
      error = e;
    }

    // THEN
    expect(error).toBeInstanceOf(GitOpsError);
    const problems = (error as GitOpsError).problems;
    expect(problems.every((p) => p.code === 'CG137' && p.constructPath === 'platform/control-planes/prod')).toBe(true);
    expect(problems.map((p) => p.message).join('\n')).toContain('Application root');
    expect(problems.map((p) => p.message).join('\n')).toContain('project');
  });
});
