import { ArgoObject, validateArgoObject } from '../../../src/synth/argocd/validate';

const application = (spec: Record<string, unknown> = {}): ArgoObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'payments-api-prod', namespace: 'argocd' },
  spec: {
    project: 'payments',
    destination: { name: 'westeurope-01', namespace: 'payments' },
    sources: [
      {
        repoURL: 'https://charts.example.com',
        chart: 'payments-api',
        targetRevision: '1.4.2',
        helm: { valueFiles: ['$values/services/payments-api/prod.yaml'] },
      },
      { repoURL: 'https://git.example.com/platform-gitops.git', targetRevision: 'main', ref: 'values' },
    ],
    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
    revisionHistoryLimit: 5,
    ...spec,
  },
});

describe('validateArgoObject', () => {
  it('passes a valid Application', () => {
    expect(validateArgoObject(application())).toEqual([]);
  });

  it('passes a valid ApplicationSet', () => {
    // GIVEN
    const set: ArgoObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'workloads' },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [
          { git: { repoURL: 'https://git.example.com/platform-gitops.git', revision: 'main', directories: [{ path: 'apps/*' }] } },
        ],
        template: {
          metadata: { name: '{{.path.basename}}' },
          spec: { project: 'platform', destination: { name: 'in-cluster', namespace: '{{.path.basename}}' } },
        },
      },
    };

    // WHEN
    const problems = validateArgoObject(set);

    // THEN
    expect(problems).toEqual([]);
  });

  it('passes a valid AppProject', () => {
    // GIVEN
    const project: ArgoObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'payments' },
      spec: { sourceRepos: ['*'], destinations: [{ name: 'westeurope-01', namespace: 'payments' }] },
    };

    // WHEN
    const problems = validateArgoObject(project);

    // THEN
    expect(problems).toEqual([]);
  });

  it('fails when a required field is missing', () => {
    // GIVEN
    const app = application({ project: undefined, destination: undefined });

    // WHEN
    const problems = validateArgoObject(app);

    // THEN
    expect(problems).toEqual([
      'Application payments-api-prod: /spec: must have required property destination',
      'Application payments-api-prod: /spec: must have required property project',
    ]);
  });

  it('fails when a field has the wrong type', () => {
    // GIVEN
    const app = application({ syncPolicy: { automated: { prune: 'yes' } }, revisionHistoryLimit: '5' });

    // WHEN
    const problems = validateArgoObject(app);

    // THEN
    expect(problems).toEqual([
      'Application payments-api-prod: /spec/revisionHistoryLimit: must be integer',
      'Application payments-api-prod: /spec/syncPolicy/automated/prune: must be boolean',
    ]);
  });

  it('fails when the kind is not an Argo CD kind', () => {
    // GIVEN
    const rollout: ArgoObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web' } };

    // WHEN
    const problems = validateArgoObject(rollout);

    // THEN
    expect(problems).toEqual([
      'Rollout web: unknown apiVersion/kind argoproj.io/v1alpha1/Rollout; ' +
        'expected argoproj.io/v1alpha1 with kind Application, ApplicationSet, AppProject',
    ]);
  });

  it('fails when the apiVersion is not argoproj.io/v1alpha1', () => {
    // GIVEN
    const app = { ...application(), apiVersion: 'argoproj.io/v1beta1' };

    // WHEN
    const problems = validateArgoObject(app);

    // THEN
    expect(problems).toEqual([
      expect.stringMatching(/^Application payments-api-prod: unknown apiVersion\/kind argoproj.io\/v1beta1\/Application;/),
    ]);
  });

  it('does not report misspelled fields, which only the strict CRD check catches', () => {
    // GIVEN
    const app = application({ syncPolicy: { automated: { selfheal: true } } });

    // WHEN
    const problems = validateArgoObject(app);

    // THEN
    expect(problems).toEqual([]);
  });
});
