import { parse } from 'yaml';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { Cloud, Cluster, Environment, FileKind, HelmSourceModel, PlatformModel, Service, ServiceModel, synthesize } from '../../src';
import { applicationName } from '../../src/constructs/name-checks';
import { directoriesOf, documentsOf, expandApplicationSet, GeneratedApplication } from '../support/application-set';
import { DIGEST, deviatingPlatform, GITOPS_REPO, linesOf, newPlatform } from '../support/platform';

/** `platform-gitops/environments/prod/azure/westeurope-01/payments-api/values.yaml`, section 5 of the seed. */
const SEED_VALUES = `
global:
  environment: prod
  cloud: azure
  region: westeurope
  cluster: azure-westeurope-01

image:
  repository: registry.xxxcompany.com/commerce/payments-api
  digest: sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912

autoscaling:
  enabled: true
  minReplicas: 6
  maxReplicas: 18
  targetCPUUtilizationPercentage: 70

resources:
  requests:
    cpu: "500m"
    memory: "1Gi"
  limits:
    cpu: "1"
    memory: "2Gi"

ingress:
  enabled: true
  className: istio-internal
  hosts:
    - host: payments.prod.eu.xxxcompany.com
      paths:
        - path: /
          pathType: Prefix

externalSecrets:
  enabled: true
  secretStoreRef:
    name: prod-cluster-secrets

podDisruptionBudget:
  minAvailable: 4
`;

/** The seed's ApplicationSet `workloads`, section 5. */
const SEED_APPLICATION_SET = `
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: workloads
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions:
    - missingkey=error
  generators:
    - git:
        repoURL: https://git.xxxcompany.com/platform/platform-gitops.git
        revision: main
        directories:
          - path: environments/*/*/*/*
  template:
    metadata:
      name: '{{ index .path.segments 4 }}-{{ index .path.segments 1 }}-{{ index .path.segments 2 }}-{{ index .path.segments 3 }}'
      labels:
        service: '{{ index .path.segments 4 }}'
        environment: '{{ index .path.segments 1 }}'
        cloud: '{{ index .path.segments 2 }}'
        cluster: '{{ index .path.segments 3 }}'
    spec:
      project: '{{ index .path.segments 1 }}'
      destination:
        name: '{{ printf "%s-%s" (index .path.segments 2) (index .path.segments 3) }}'
        namespace: '{{ index .path.segments 4 }}'
      sources:
        - repoURL: 'https://git.xxxcompany.com/apps/{{ index .path.segments 4 }}.git'
          targetRevision: main
          path: deploy/chart
          helm:
            releaseName: '{{ index .path.segments 4 }}'
            valueFiles:
              - $values/{{ .path.path }}/values.yaml
        - repoURL: https://git.xxxcompany.com/platform/platform-gitops.git
          targetRevision: main
          ref: values
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
        syncOptions:
          - CreateNamespace=true
          - ApplyOutOfSyncOnly=true
      revisionHistoryLimit: 3
`;

const SEED_REPO = 'https://git.xxxcompany.com/platform/platform-gitops.git';
const CLUSTERS = ['aws/eu-central-1-01', 'azure/westeurope-01', 'gcp/europe-west4-01', 'oci/eu-frankfurt-1-01'];

const byName = (a: { metadata: { name: string } }, b: { metadata: { name: string } }) =>
  (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

/** The Applications every ApplicationSet of a tree generates over that tree, without the bookkeeping field. */
function applicationsOf(tree: ReturnType<typeof synthesize>, setsUnder = 'applicationsets/'): Omit<GeneratedApplication, 'generatedFrom'>[] {
  const dirs = directoriesOf(tree.paths());
  return tree.paths()
    .filter((p) => p.startsWith(setsUnder))
    .flatMap((p) => documentsOf(tree.content(p)))
    .flatMap((set) => expandApplicationSet(set, dirs))
    .map(({ generatedFrom: _omitted, ...app }) => app)
    .sort(byName);
}

describe('synthesize', () => {
  describe('the seed\'s platform (examples/payments-platform)', () => {
    const tree = synthesize(paymentsPlatform().snapshot());

    it('writes exactly the seed\'s values files, plus ApplicationSets, AppProjects and a bootstrap per control plane', () => {
      expect(tree.paths()).toEqual([
        'applicationsets/nonprod/workloads-nonprod.yaml',
        'applicationsets/prod/workloads-prod.yaml',
        'bootstrap/nonprod.yaml',
        'bootstrap/prod.yaml',
        ...['nonprod', 'prod'].flatMap((env) => CLUSTERS.map((c) => `environments/${env}/${c}/payments-api/values.yaml`)),
        'projects/nonprod.yaml',
        'projects/prod.yaml',
      ]);
    });

    it('records what made each file and of which kind it is', () => {
      expect(tree.get('environments/prod/azure/westeurope-01/payments-api/values.yaml')).toMatchObject({
        kind: FileKind.VALUES, origin: 'platform/payments-api/prod/azure/westeurope-01',
      });
      expect(tree.get('applicationsets/prod/workloads-prod.yaml')).toMatchObject({ kind: FileKind.APPLICATION_SET, origin: 'platform/control-planes/prod' });
      expect(tree.get('bootstrap/prod.yaml')).toMatchObject({ kind: FileKind.BOOTSTRAP, origin: 'platform/control-planes/prod' });
      expect(tree.get('projects/prod.yaml')).toMatchObject({ kind: FileKind.APP_PROJECT, origin: 'platform/prod' });
    });

    it('writes the seed\'s values file for prod/azure/westeurope-01', () => {
      // WHEN
      const text = tree.content('environments/prod/azure/westeurope-01/payments-api/values.yaml');

      // THEN
      expect(parse(text)).toEqual(parse(SEED_VALUES));
      expect(text.split('\n')[0]).toBe(
        '# Generated by cdk8s-gitops from platform/payments-api/prod/azure/westeurope-01. Change the program, not this file.',
      );
    });

    it('keeps each cloud\'s differences in its own values files', () => {
      // WHEN
      const aws = parse(tree.content('environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml'));

      // THEN
      expect(aws.global).toEqual({ environment: 'nonprod', cloud: 'aws', region: 'eu-central-1', cluster: 'aws-eu-central-1-01' });
      expect(aws.ingress.className).toBe('alb-internal');
      expect(aws.ingress.hosts[0].host).toBe('payments.nonprod.eu.xxxcompany.com');
      expect(aws.autoscaling.minReplicas).toBe(2);
    });

    it('writes ApplicationSets whose template is the seed\'s, one per environment', () => {
      // WHEN
      const [set] = documentsOf(tree.content('applicationsets/prod/workloads-prod.yaml'));
      const seed = parse(SEED_APPLICATION_SET);

      // THEN
      expect(set.metadata).toEqual({ name: 'workloads-prod', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } });
      expect(set.spec.goTemplate).toBe(true);
      expect(set.spec.goTemplateOptions).toEqual(['missingkey=error']);
      expect(set.spec.generators).toEqual([
        { git: { repoURL: SEED_REPO, revision: 'main', directories: [{ path: 'environments/prod/*/*/*' }] } },
      ]);
      expect(set.spec.template.metadata.name).toBe(
        '{{ index .path.segments 4 }}-{{ index .path.segments 1 }}-{{ index .path.segments 2 }}-{{ index .path.segments 3 }}',
      );
      expect(set.spec.template.metadata.labels).toEqual({
        service: '{{ index .path.segments 4 }}',
        environment: '{{ index .path.segments 1 }}',
        cloud: '{{ index .path.segments 2 }}',
        cluster: '{{ index .path.segments 3 }}',
      });
      expect(set.spec.template.spec.project).toBe('{{ index .path.segments 1 }}');
      expect(set.spec.template.spec.destination).toEqual({
        name: '{{ printf "%s-%s" (index .path.segments 2) (index .path.segments 3) }}',
        namespace: '{{ index .path.segments 4 }}',
      });
      expect(set.spec.template.spec.sources).toEqual([
        {
          repoURL: 'https://git.xxxcompany.com/apps/{{ index .path.segments 4 }}.git',
          targetRevision: 'main',
          path: 'deploy/chart',
          helm: { releaseName: '{{ index .path.segments 4 }}', valueFiles: ['$values/{{ .path.path }}/values.yaml'] },
        },
        { repoURL: SEED_REPO, targetRevision: 'main', ref: 'values' },
      ]);
      expect(set.spec.template.spec.syncPolicy).toEqual({
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true', 'ApplyOutOfSyncOnly=true'],
      });
      expect(set.spec.template.spec.revisionHistoryLimit).toBe(3);
      // The seed's template, plus the annotation that scopes Argo CD's refreshes to the target's directory
      const { annotations, ...metadata } = set.spec.template.metadata;
      expect(annotations).toEqual({ [GENERATE_PATHS]: '/{{ .path.path }}' });
      expect({ ...set.spec.template, metadata }).toEqual(seed.spec.template);
    });

    it('generates exactly the Applications the seed\'s ApplicationSet generates', () => {
      // GIVEN
      const seed = expandApplicationSet(parse(SEED_APPLICATION_SET), directoriesOf(tree.paths()))
        .map(({ generatedFrom: _omitted, ...app }) => app)
        .sort(byName);

      // WHEN
      const apps = applicationsOf(tree);

      // THEN the same Applications, each with the annotation that scopes its refreshes
      expect(apps.map(withoutGeneratePaths)).toEqual(seed);
      expect(apps.map((a) => (a.metadata as { annotations?: Record<string, string> }).annotations?.[GENERATE_PATHS])).toEqual(
        apps.map((a) => `/${a.spec.sources[0].helm.valueFiles[0].replace(/^\$values\//, '').replace(/\/values\.yaml$/, '')}`),
      );
      expect(apps.map((a) => a.metadata.name)).toEqual([
        ...CLUSTERS.map((c) => `payments-api-nonprod-${c.replace('/', '-')}`),
        ...CLUSTERS.map((c) => `payments-api-prod-${c.replace('/', '-')}`),
      ]);
      expect(apps.find((a) => a.metadata.name === 'payments-api-prod-azure-westeurope-01')).toEqual({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: 'payments-api-prod-azure-westeurope-01',
          namespace: 'argocd',
          labels: { service: 'payments-api', environment: 'prod', cloud: 'azure', cluster: 'westeurope-01' },
          annotations: { [GENERATE_PATHS]: '/environments/prod/azure/westeurope-01/payments-api' },
        },
        spec: {
          project: 'prod',
          destination: { name: 'azure-westeurope-01', namespace: 'payments-api' },
          sources: [
            {
              repoURL: 'https://git.xxxcompany.com/apps/payments-api.git',
              targetRevision: 'main',
              path: 'deploy/chart',
              helm: { releaseName: 'payments-api', valueFiles: ['$values/environments/prod/azure/westeurope-01/payments-api/values.yaml'] },
            },
            { repoURL: SEED_REPO, targetRevision: 'main', ref: 'values' },
          ],
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true', 'ApplyOutOfSyncOnly=true'] },
          revisionHistoryLimit: 3,
        },
      });
    });

    it('fences each environment in a least-privilege AppProject', () => {
      // WHEN
      const [project] = documentsOf(tree.content('projects/prod.yaml'));

      // THEN
      expect(project.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(project.kind).toBe('AppProject');
      expect(project.metadata).toEqual({ name: 'prod', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } });
      expect(project.spec.sourceRepos).toEqual([SEED_REPO, 'https://git.xxxcompany.com/apps/payments-api.git']);
      expect(project.spec.destinations).toEqual([
        { name: 'aws-eu-central-1-01', namespace: 'payments-api' },
        { name: 'azure-westeurope-01', namespace: 'payments-api' },
        { name: 'gcp-europe-west4-01', namespace: 'payments-api' },
        { name: 'oci-eu-frankfurt-1-01', namespace: 'payments-api' },
      ]);
      expect(project.spec.clusterResourceWhitelist).toEqual([]);
      expect(project.spec.description).toBe('Environment prod, generated by cdk8s-gitops from platform/prod.');
      expect(Object.keys(project.spec).sort()).toEqual(['clusterResourceWhitelist', 'description', 'destinations', 'sourceRepos']);
    });

    it('bootstraps each control plane with its own projects and ApplicationSets', () => {
      // WHEN
      const [project, root] = documentsOf(tree.content('bootstrap/prod.yaml'));

      // THEN
      expect(project).toEqual({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name: 'bootstrap', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } },
        spec: {
          description: 'Bootstrap of control plane prod: AppProjects and ApplicationSets only, generated by cdk8s-gitops.',
          sourceRepos: [SEED_REPO],
          destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }],
          clusterResourceWhitelist: [],
          namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'ApplicationSet' }],
        },
      });
      expect(root).toEqual({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'root', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } },
        spec: {
          project: 'bootstrap',
          destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
          sources: [
            { repoURL: SEED_REPO, targetRevision: 'main', path: 'projects', directory: { include: 'prod.yaml' } },
            { repoURL: SEED_REPO, targetRevision: 'main', path: 'applicationsets/prod' },
          ],
          syncPolicy: { automated: { prune: false, selfHeal: true } },
        },
      });
      expect(documentsOf(tree.content('bootstrap/nonprod.yaml'))[1].spec.sources.map((s: { path: string }) => s.path))
        .toEqual(['projects', 'applicationsets/nonprod']);
    });

    it('writes Argo CD objects with apiVersion, kind and metadata first', () => {
      for (const p of tree.paths().filter((x) => !x.startsWith('environments/'))) {
        for (const doc of documentsOf(tree.content(p))) expect(Object.keys(doc).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
      }
    });

    it('has the same shape as before', () => {
      expect(tree.toRecord()).toMatchSnapshot();
    });
  });

  it('is deterministic: two fresh programs, and a model passed through JSON, give identical bytes', () => {
    // WHEN
    const first = synthesize(paymentsPlatform().snapshot()).toRecord();
    const second = synthesize(paymentsPlatform().snapshot()).toRecord();
    const viaJson = synthesize(JSON.parse(JSON.stringify(paymentsPlatform().snapshot())) as PlatformModel).toRecord();

    // THEN
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const p of Object.keys(first)) {
      expect(Buffer.from(second[p]).equals(Buffer.from(first[p]))).toBe(true);
      expect(viaJson[p]).toBe(first[p]);
    }
  });

  it('gives equal keys for equal inputs and a different key when an input changes', () => {
    // GIVEN
    const path = 'environments/prod/azure/westeurope-01/payments-api/values.yaml';
    const a = synthesize(paymentsPlatform().snapshot());
    const b = synthesize(paymentsPlatform().snapshot());
    const model = paymentsPlatform().snapshot();
    const c = synthesize({ ...model, layers: { ...model.layers, 'cloud:azure': { ...model.layers['cloud:azure'], values: { ingress: { className: 'nginx' } } } } });

    // THEN
    expect(a.get(path)!.key).toBe(b.get(path)!.key);
    expect(c.get(path)!.key).not.toBe(a.get(path)!.key);
    expect(c.get('environments/prod/aws/eu-central-1-01/payments-api/values.yaml')!.key)
      .toBe(a.get('environments/prod/aws/eu-central-1-01/payments-api/values.yaml')!.key);
  });

  it('leaves out a target whose ring runs nothing', () => {
    // GIVEN
    const model = paymentsPlatform().snapshot();
    const releases = new Map([['payments-api', new Map([['nonprod', { version: DIGEST }]])]]);

    // WHEN
    const tree = synthesize(model, { releases });

    // THEN
    expect(tree.paths().filter((p) => p.startsWith('environments/'))).toEqual(
      CLUSTERS.map((c) => `environments/nonprod/${c}/payments-api/values.yaml`),
    );
    expect(parse(tree.content('environments/nonprod/oci/eu-frankfurt-1-01/payments-api/values.yaml')).image)
      .toEqual({ repository: 'registry.xxxcompany.com/commerce/payments-api', digest: DIGEST });
    expect(tree.has('applicationsets/prod/workloads-prod.yaml')).toBe(true);
  });

  it('writes a tag as image.tag where the environment allows tags', () => {
    // GIVEN
    const platform = newPlatform();
    const dev = new Environment(platform, 'dev', { requireDigest: false });
    new Cluster(dev, 'kind-01', { cloud: new Cloud(platform, 'local'), region: 'local' });
    new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: '1.4.2' }).deployTo(dev);

    // WHEN
    const tree = synthesize(platform.snapshot());

    // THEN
    expect(parse(tree.content('environments/dev/local/kind-01/payments-api/values.yaml')).image)
      .toEqual({ repository: 'registry.example.com/payments-api', tag: '1.4.2' });
  });

  it('puts extra files into the tree as they are', () => {
    // WHEN
    const tree = synthesize(paymentsPlatform().snapshot(), {
      extraFiles: [{ path: 'releases/payments-api.yaml', kind: FileKind.LEDGER, origin: 'platform/payments-api', text: 'rings: {}\n' }],
    });

    // THEN
    expect(tree.content('releases/payments-api.yaml')).toBe('rings: {}\n');
    expect(tree.get('releases/payments-api.yaml')!.kind).toBe(FileKind.LEDGER);
  });

  it('follows a custom layout', () => {
    // GIVEN
    const platform = newPlatform({ layout: { environments: 'deploy/envs', applicationSets: 'argo/sets', projects: 'argo/projects', bootstrap: 'argo/bootstrap' } });
    const prod = new Environment(platform, 'prod');
    new Cluster(prod, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });
    new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: DIGEST }).deployTo(prod);

    // WHEN
    const tree = synthesize(platform.snapshot());

    // THEN
    expect(tree.paths()).toEqual([
      'argo/bootstrap/argocd.yaml',
      'argo/projects/prod.yaml',
      'argo/sets/argocd/workloads-prod.yaml',
      'deploy/envs/prod/azure/westeurope-01/payments-api/values.yaml',
    ]);
    const apps = applicationsOf(tree, 'argo/sets/');
    expect(apps.map((a) => [a.metadata.name, a.spec.project, a.spec.destination, a.spec.sources[0].helm.valueFiles])).toEqual([[
      'payments-api-prod-azure-westeurope-01', 'prod', { name: 'azure-westeurope-01', namespace: 'payments-api' },
      ['$values/deploy/envs/prod/azure/westeurope-01/payments-api/values.yaml'],
    ]]);
  });

  describe('ApplicationSets for services and clusters with their own settings', () => {
    /** prod with azure (default destination) and aws (given one), payments-api and ledger. */
    function platformWith(ledger: { chartPath?: string; namespace?: string }, awsDestination?: string) {
      const platform = newPlatform();
      const prod = new Environment(platform, 'prod');
      new Cluster(prod, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });
      new Cluster(prod, 'eu-central-1-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1', destination: awsDestination });
      new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' }, initialDigest: DIGEST }).deployTo(prod);
      new Service(platform, 'ledger', { image: { repository: 'registry.example.com/ledger' }, initialDigest: DIGEST, ...ledger }).deployTo(prod);
      return synthesize(platform.snapshot());
    }

    it('gives a service with its own chart path and namespace an ApplicationSet of its own, which the broad one excludes', () => {
      // WHEN
      const tree = platformWith({ chartPath: 'charts/ledger', namespace: 'commerce' });

      // THEN
      expect(tree.paths().filter((p) => p.startsWith('applicationsets/'))).toEqual([
        'applicationsets/argocd/workloads-prod-ledger.yaml',
        'applicationsets/argocd/workloads-prod.yaml',
      ]);
      const [broad] = documentsOf(tree.content('applicationsets/argocd/workloads-prod.yaml'));
      const [own] = documentsOf(tree.content('applicationsets/argocd/workloads-prod-ledger.yaml'));
      expect(broad.spec.generators[0].git.directories).toEqual([
        { path: 'environments/prod/*/*/*' },
        { path: 'environments/prod/*/*/ledger', exclude: true },
      ]);
      expect(own.spec.generators[0].git.directories).toEqual([{ path: 'environments/prod/*/*/ledger' }]);
      expect(own.spec.template.spec.destination).toEqual({
        name: '{{ printf "%s-%s" (index .path.segments 2) (index .path.segments 3) }}', namespace: 'commerce',
      });
      expect(own.spec.template.spec.sources[0]).toEqual({
        repoURL: 'https://git.example.com/apps/ledger.git',
        targetRevision: 'main',
        path: 'charts/ledger',
        helm: { releaseName: 'ledger', valueFiles: ['$values/{{ .path.path }}/values.yaml'] },
      });
      expect(applicationsOf(tree).map((a) => [a.metadata.name, a.spec.destination.namespace, a.spec.sources[0].path])).toEqual([
        ['ledger-prod-aws-eu-central-1-01', 'commerce', 'charts/ledger'],
        ['ledger-prod-azure-westeurope-01', 'commerce', 'charts/ledger'],
        ['payments-api-prod-aws-eu-central-1-01', 'payments-api', 'deploy/chart'],
        ['payments-api-prod-azure-westeurope-01', 'payments-api', 'deploy/chart'],
      ]);
    });

    it('gives a cluster with its own destination an ApplicationSet of its own, which the broad one excludes', () => {
      // WHEN
      const tree = platformWith({}, 'eks-prod-frankfurt');

      // THEN
      expect(tree.paths().filter((p) => p.startsWith('applicationsets/'))).toEqual([
        'applicationsets/argocd/workloads-prod-aws-eu-central-1-01.yaml',
        'applicationsets/argocd/workloads-prod.yaml',
      ]);
      const [broad] = documentsOf(tree.content('applicationsets/argocd/workloads-prod.yaml'));
      const [own] = documentsOf(tree.content('applicationsets/argocd/workloads-prod-aws-eu-central-1-01.yaml'));
      expect(broad.spec.generators[0].git.directories).toEqual([
        { path: 'environments/prod/*/*/*' },
        { path: 'environments/prod/aws/eu-central-1-01/*', exclude: true },
      ]);
      expect(own.spec.generators[0].git.directories).toEqual([{ path: 'environments/prod/aws/eu-central-1-01/*' }]);
      expect(own.spec.template.spec.destination).toEqual({ name: 'eks-prod-frankfurt', namespace: '{{ index .path.segments 4 }}' });
      expect(applicationsOf(tree).map((a) => [a.metadata.name, a.spec.destination.name])).toEqual([
        ['ledger-prod-aws-eu-central-1-01', 'eks-prod-frankfurt'],
        ['ledger-prod-azure-westeurope-01', 'azure-westeurope-01'],
        ['payments-api-prod-aws-eu-central-1-01', 'eks-prod-frankfurt'],
        ['payments-api-prod-azure-westeurope-01', 'azure-westeurope-01'],
      ]);
    });

    it('fails when a service and a cluster with their own settings would share an ApplicationSet name', () => {
      // GIVEN workloads-prod-azure-x: cluster azure/x with its own destination, and service azure-x with its own namespace
      const platform = newPlatform();
      const prod = new Environment(platform, 'prod');
      const azure = new Cloud(platform, 'azure');
      const x = new Cluster(prod, 'x', { cloud: azure, region: 'westeurope', destination: 'aks-x' });
      const y = new Cluster(prod, 'y', { cloud: azure, region: 'westeurope' });
      new Service(platform, 'web', { image: { repository: 'registry.example.com/web' } }).deployTo(x);
      new Service(platform, 'azure-x', { image: { repository: 'registry.example.com/azure-x' }, namespace: 'other' }).deployTo(y);

      // THEN
      expect(linesOf(() => platform.snapshot())).toEqual([
        '[platform/azure-x] CG125 ApplicationSet "workloads-prod-azure-x" in control plane "argocd" would be made twice: for cluster prod/azure/x (own destination) and for service azure-x in environment prod (own settings).',
      ]);
    });

    it('fails when an environment\'s ApplicationSet would have the name of another environment\'s service set', () => {
      // GIVEN workloads-prod-eu: environment prod-eu, and service eu of environment prod with its own chart
      const platform = newPlatform();
      const azure = new Cloud(platform, 'azure');
      const prod = new Environment(platform, 'prod');
      const prodEu = new Environment(platform, 'prod-eu');
      new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
      new Cluster(prodEu, 'northeurope-01', { cloud: azure, region: 'northeurope' });
      new Service(platform, 'eu', { image: { repository: 'registry.example.com/eu' }, chartPath: 'chart' }).deployTo(prod);

      // THEN
      expect(linesOf(() => platform.snapshot())).toEqual([
        '[platform/eu] CG125 ApplicationSet "workloads-prod-eu" in control plane "argocd" would be made twice: for environment prod-eu and for service eu in environment prod (own settings).',
      ]);
    });
  });

  describe('a platform with services and clusters with their own settings', () => {
    const model = deviatingPlatform().snapshot();
    const tree = synthesize(model);
    const dirs = directoriesOf(tree.paths());

    it('generates exactly one Application per target, in its own control plane, as the model says', () => {
      for (const cp of model.controlPlanes) {
        // WHEN
        const apps = tree.paths()
          .filter((p) => p.startsWith(`applicationsets/${cp.name}/`))
          .flatMap((p) => documentsOf(tree.content(p)))
          .flatMap((set) => expandApplicationSet(set, dirs));

        // THEN
        const targets = model.targets.filter((t) => cp.environments.includes(t.environment));
        expect(apps.map((a) => a.generatedFrom.directory).sort()).toEqual(targets.map((t) => `environments/${t.id}`).sort());
        for (const t of targets) {
          const app = apps.find((a) => a.generatedFrom.directory === `environments/${t.id}`)!;
          const service = model.services.find((s) => s.name === t.service)!;
          const cluster = model.clusters.find((c) => c.id === `${t.environment}/${t.cloud}/${t.cluster}`)!;
          const env = model.environments.find((e) => e.name === t.environment)!;
          expect(app.metadata).toEqual({
            name: applicationName(t),
            namespace: cp.namespace,
            labels: { service: t.service, environment: t.environment, cloud: t.cloud, cluster: t.cluster },
            annotations: { [GENERATE_PATHS]: `/${model.layout.environments}/${t.id}` },
          });
          expect(app.spec).toEqual({
            project: t.environment,
            destination: { name: cluster.destination, namespace: service.namespace },
            sources: [
              {
                repoURL: helm(service).repoURL,
                targetRevision: helm(service).targetRevision,
                path: helm(service).chartPath,
                helm: { releaseName: helm(service).releaseName, valueFiles: [`$values/environments/${t.id}/values.yaml`] },
              },
              { repoURL: GITOPS_REPO, targetRevision: 'main', ref: 'values' },
            ],
            ...(Object.keys(env.syncPolicy).length > 0 ? { syncPolicy: env.syncPolicy } : {}),
            ...(env.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: env.revisionHistoryLimit } : {}),
          });
        }
      }
    });

    it('lets each AppProject allow exactly the repositories and destinations of its Applications', () => {
      for (const env of model.environments) {
        // GIVEN
        const [project] = documentsOf(tree.content(`projects/${env.name}.yaml`));
        const targets = model.targets.filter((t) => t.environment === env.name);
        const services = model.services.filter((s) => targets.some((t) => t.service === s.name));

        // THEN
        expect(project.spec.sourceRepos).toEqual([GITOPS_REPO, ...[...new Set(services.map((s) => helm(s).repoURL))].sort()]);
        const destinations = targets.map((t) => ({
          name: model.clusters.find((c) => c.id === `${t.environment}/${t.cloud}/${t.cluster}`)!.destination,
          namespace: model.services.find((s) => s.name === t.service)!.namespace,
        }));
        expect(project.spec.destinations).toEqual(
          [...new Map(destinations.map((d) => [`${d.name}\u0000${d.namespace}`, d])).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d),
        );
        expect(project.spec.clusterResourceWhitelist).toEqual(env.clusterResources);
      }
    });

    it('writes sync windows, roles and cluster resources into the AppProject', () => {
      // WHEN
      const [project] = documentsOf(tree.content('projects/prod.yaml'));

      // THEN
      expect(project.metadata.namespace).toBe('argocd-prod');
      expect(project.spec.description).toBe('Production on three clouds');
      expect(project.spec.syncWindows).toEqual([
        { kind: 'deny', schedule: '0 22 * * *', duration: '8h', applications: ['*-prod-*'], manualSync: true, timeZone: 'Europe/Amsterdam' },
      ]);
      expect(project.spec.roles).toEqual([
        { name: 'deployers', description: 'May sync', policies: ['p, proj:prod:deployers, applications, sync, prod/*, allow'], groups: ['payments-team'] },
        { name: 'viewers', policies: ['p, proj:prod:viewers, applications, get, prod/*, allow'] },
      ]);
      expect(project.spec.clusterResourceWhitelist).toEqual([
        { group: '', kind: 'Namespace' }, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      ]);
    });

    it('bootstraps a control plane of two environments with both projects', () => {
      // WHEN
      const [, root] = documentsOf(tree.content('bootstrap/nonprod-argocd.yaml'));

      // THEN
      expect(root.spec.sources[0].directory).toEqual({ include: '{dev.yaml,staging.yaml}' });
      expect(root.spec.sources[1].path).toBe('applicationsets/nonprod-argocd');
    });
  });
});

/** The Helm source of a service of the test platforms (all of them deploy charts). */
function helm(s: ServiceModel): HelmSourceModel {
  if (s.source.kind !== 'helm') throw new Error(`${s.name} is not a Helm service`);
  return s.source;
}

/** The annotation that scopes an Application's refreshes to its own directory. */
const GENERATE_PATHS = 'argocd.argoproj.io/manifest-generate-paths';

/** An Application without that annotation, to compare with the seed's (which has none). */
function withoutGeneratePaths<A extends { metadata: object }>(app: A): A {
  const { annotations: _scoped, ...metadata } = app.metadata as { annotations?: unknown };
  return { ...app, metadata };
}
