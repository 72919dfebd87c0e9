import * as path from 'path';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from './argocd-schema';

const application = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'payments-api-prod',
    namespace: 'argocd',
    labels: { 'app.kubernetes.io/part-of': 'payments' },
    finalizers: ['resources-finalizer.argocd.argoproj.io'],
  },
  spec: {
    project: 'payments',
    destination: { name: 'westeurope-01', namespace: 'payments' },
    sources: [
      {
        repoURL: 'https://charts.example.com',
        chart: 'payments-api',
        targetRevision: '1.4.2',
        helm: { releaseName: 'payments-api', valueFiles: ['$values/services/payments-api/prod.yaml'] },
      },
      { repoURL: 'https://git.example.com/platform-gitops.git', targetRevision: 'main', ref: 'values' },
    ],
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
    },
    revisionHistoryLimit: 5,
  },
});

const applicationSet = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'workloads', namespace: 'argocd' },
  spec: {
    goTemplate: true,
    goTemplateOptions: ['missingkey=error'],
    generators: [
      {
        git: {
          repoURL: 'https://git.example.com/platform-gitops.git',
          revision: 'main',
          directories: [{ path: 'clusters/*/apps/*' }],
        },
      },
    ],
    template: {
      metadata: { name: '{{.path.basename}}', labels: { 'cdk8s-gitops/managed': 'true' } },
      spec: {
        project: 'platform',
        source: { repoURL: 'https://git.example.com/platform-gitops.git', targetRevision: 'main', path: '{{.path.path}}' },
        destination: { name: 'in-cluster', namespace: '{{.path.basename}}' },
      },
    },
  },
});

const appProject = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'payments', namespace: 'argocd' },
  spec: {
    description: 'Payments team services',
    sourceRepos: ['https://git.example.com/platform-gitops.git', 'https://charts.example.com'],
    destinations: [{ name: 'westeurope-01', namespace: 'payments' }],
    clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    namespaceResourceWhitelist: [{ group: 'apps', kind: 'Deployment' }],
    syncWindows: [{ kind: 'deny', schedule: '0 22 * * *', duration: '8h', applications: ['*'], manualSync: true }],
    roles: [
      {
        name: 'deployer',
        description: 'May sync payments applications',
        policies: ['p, proj:payments:deployer, applications, sync, payments/*, allow'],
        groups: ['payments-team'],
      },
    ],
  },
});

describe('loadArgoCdSchemas', () => {
  it('reports the folder it looked in when the CRDs are missing', () => {
    // GIVEN
    const missing = path.join(__dirname, 'no-such-folder');

    // WHEN
    const schemas = loadArgoCdSchemas(missing);

    // THEN
    expect(schemas).toEqual({
      available: false,
      reason: expect.stringContaining(`Argo CD CRDs not found in ${missing}`),
    });
    expect(schemas.available || schemas.reason).toMatch(/strict CRD tests are skipped/);
  });
});

describe('describeWithArgoCdSchemas', () => {
  // GIVEN no CRDs, WHEN two suites ask for them (collected here, with console.warn captured)
  const missing = loadArgoCdSchemas(path.join(__dirname, 'no-such-folder'));
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  for (const name of ['first suite without CRDs', 'second suite without CRDs']) {
    describeWithArgoCdSchemas(name, missing, (validate) => {
      it('is skipped, so its validator is never called', () => {
        validate({});
      });
    });
  }
  const warnings = warn.mock.calls.map((args) => args[0]);
  warn.mockRestore();

  it('warns once with the reason when it skips', () => {
    // THEN
    expect(warnings).toEqual([missing.available || missing.reason]);
  });
});

describeWithArgoCdSchemas('Argo CD CRD validation', loadArgoCdSchemas(), (validate) => {
  it('passes a multi-source Helm Application with automated sync', () => {
    expect(validate(application())).toEqual([]);
  });

  it('passes an ApplicationSet with a git directory generator and Go templates', () => {
    expect(validate(applicationSet())).toEqual([]);
  });

  it('passes an AppProject with destinations, sync windows, roles and whitelists', () => {
    expect(validate(appProject())).toEqual([]);
  });

  it('fails when a field is misspelled', () => {
    // GIVEN
    const app = application();
    const automated: Record<string, unknown> = app.spec.syncPolicy.automated;
    delete automated.selfHeal;
    automated.selfheal = true;

    // WHEN
    const errors = validate(app);

    // THEN
    expect(errors).toEqual(['Application payments-api-prod: /spec/syncPolicy/automated: must NOT have additional property "selfheal"']);
  });

  it('fails when a field inside an ApplicationSet template is unknown', () => {
    // GIVEN
    const set = applicationSet();
    Object.assign(set.spec.template.spec.source, { helm: { valuesFile: 'prod.yaml' } });

    // WHEN
    const errors = validate(set);

    // THEN
    expect(errors).toEqual(['ApplicationSet workloads: /spec/template/spec/source/helm: must NOT have additional property "valuesFile"']);
  });

  it('fails when a field has the wrong type', () => {
    // GIVEN
    const app = { ...application(), spec: { ...application().spec, revisionHistoryLimit: 'five' } };

    // WHEN
    const errors = validate(app);

    // THEN
    expect(errors).toEqual(['Application payments-api-prod: /spec/revisionHistoryLimit: must be integer']);
  });

  it('fails when metadata has an unknown field', () => {
    // GIVEN
    const project = appProject();
    Object.assign(project.metadata, { label: { team: 'payments' } });

    // WHEN
    const errors = validate(project);

    // THEN
    expect(errors).toEqual(['AppProject payments: /metadata: must NOT have additional property "label"']);
  });

  it('fails when a required field is missing', () => {
    // GIVEN
    const { project: _omitted, ...spec } = application().spec;

    // WHEN
    const errors = validate({ ...application(), spec });

    // THEN
    expect(errors).toEqual(["Application payments-api-prod: /spec: must have required property 'project'"]);
  });

  it('fails when the kind is not an Argo CD kind', () => {
    // GIVEN
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web' } };

    // WHEN
    const errors = validate(rollout);

    // THEN
    expect(errors).toEqual([expect.stringMatching(/^Rollout web: unknown apiVersion\/kind argoproj.io\/v1alpha1\/Rollout/)]);
  });

  it('accepts integers and strings where the CRD says int-or-string', () => {
    // GIVEN
    const app = application();
    (app.spec.sources as object[]).push({
      repoURL: 'https://git.example.com/platform-gitops.git',
      targetRevision: 'main',
      path: 'overlays/prod',
      kustomize: {
        replicas: [
          { name: 'api', count: 3 },
          { name: 'worker', count: '2' },
        ],
      },
    });

    // WHEN
    const errors = validate(app);

    // THEN
    expect(errors).toEqual([]);
  });

  it('fails when an int-or-string field is neither', () => {
    // GIVEN
    const app = application();
    (app.spec.sources as object[]).push({
      repoURL: 'https://git.example.com/platform-gitops.git',
      path: 'overlays/prod',
      kustomize: { replicas: [{ name: 'api', count: true }] },
    });

    // WHEN
    const errors = validate(app);

    // THEN
    expect(errors).toEqual(['Application payments-api-prod: /spec/sources/2/kustomize/replicas/0/count: must be integer,string']);
  });
});
