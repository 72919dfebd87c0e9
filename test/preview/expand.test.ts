import { parse } from 'yaml';
import { ApplicationSetInput, expandApplicationSet, expandApplicationSets } from '../../src/preview';
import { SEED_APPLICATION_SET } from '../support/seed';
import { makeTree, removeTree, SEED_VALUES_FILES } from './fixtures';
import { failure } from '../support/failure';

/** The rest of the repository the SDK writes, none of which is a target directory. */
const OTHER_FILES = [
  'applicationsets/workloads.yaml',
  'bootstrap/root.yaml',
  'projects/prod.yaml',
  'projects/nonprod.yaml',
  'releases/payments-api.yaml',
  'STATUS.md',
  '.cdk8s-gitops/manifest.json',
];

function seedAppSet(): Record<string, any> {
  return parse(SEED_APPLICATION_SET);
}

/** The seed ApplicationSet with `change` applied to a fresh copy. */
function appSetWith(change: (a: Record<string, any>) => void): ApplicationSetInput {
  const a = seedAppSet();
  change(a);
  return a;
}

describe('expandApplicationSet', () => {
  let root: string;

  afterEach(() => removeTree(root));

  describe('the seed ApplicationSet over the seed tree', () => {
    beforeEach(() => {
      root = makeTree([...SEED_VALUES_FILES, ...OTHER_FILES]);
    });

    test("takes a generator's valuesObject whole, as Argo CD takes raw JSON, never key by key", () => {
      // GIVEN a single-source template with valuesObject, and a generator template that sets it too
      const appset = appSetWith((a) => {
        const [chart] = a.spec.template.spec.sources;
        a.spec.template.spec.source = { ...chart, helm: { ...chart.helm, valuesObject: { replicas: 1, hostNetwork: true, debug: true } } };
        delete a.spec.template.spec.sources;
        a.spec.generators[0].git.template = {
          metadata: {},
          spec: { project: '', destination: {}, source: { helm: { valuesObject: { replicas: 5, hostNetwork: false } } } },
        };
      });
      // WHEN it is expanded
      const apps = expandApplicationSet(appset, root);
      // THEN the generator's valuesObject as it is, the rest of the source the set's
      const source = apps[0]!.spec.source as any;
      expect(source.helm.valuesObject).toEqual({ replicas: 5, hostNetwork: false });
      expect(source.helm.releaseName).toBeDefined();
      expect(source.repoURL).toBe('https://git.xxxcompany.com/apps/payments-api.git');
    });

    test("merges a generator's own template onto the set's as Argo CD does: its fields first, maps key by key, empty fields the set's", () => {
      // GIVEN a second generator for prod with a template of its own
      const appset = appSetWith((a) => {
        a.spec.generators[0].git.directories = [{ path: 'environments/nonprod/*/*/*' }];
        a.spec.generators.push({
          git: {
            ...a.spec.generators[0].git,
            directories: [{ path: 'environments/prod/*/*/*' }],
            template: {
              metadata: { labels: { team: 'payments' }, name: '' },
              spec: { project: 'prod-team-payments', destination: { name: '', namespace: 'payments' }, sources: [] },
            },
          },
        });
      });
      // WHEN it is expanded
      const apps = expandApplicationSet(appset, root);
      // THEN prod's Applications take the generator's project, label and namespace, and the set's name, destination name and sources
      const prod = apps.find((x) => x.metadata.name === 'payments-api-prod-aws-eu-central-1-01')!;
      const nonprod = apps.find((x) => x.metadata.name === 'payments-api-nonprod-aws-eu-central-1-01')!;
      expect(apps).toHaveLength(8);
      expect([prod.spec.project, prod.metadata.labels?.team, prod.spec.destination]).toEqual([
        'prod-team-payments',
        'payments',
        { name: 'aws-eu-central-1-01', namespace: 'payments' },
      ]);
      expect(prod.spec.sources).toEqual(
        (nonprod.spec.sources as unknown[]).map((x: any) => JSON.parse(JSON.stringify(x).replace(/nonprod/g, 'prod'))),
      );
      expect(nonprod.metadata.labels?.team).toBeUndefined();
      expect(nonprod.spec.project).toBe('nonprod');
      expect(prod.metadata.labels).toMatchObject(
        Object.fromEntries(Object.keys(nonprod.metadata.labels ?? {}).map((k) => [k, expect.any(String)])),
      );
    });

    test('generates the eight Applications, sorted by name', () => {
      // GIVEN the seed's tree and ApplicationSet
      // WHEN the ApplicationSet is expanded
      const apps = expandApplicationSet(seedAppSet(), root);
      // THEN one Application per target, sorted by name
      expect(apps.map((a) => a.metadata.name)).toEqual([
        'payments-api-nonprod-aws-eu-central-1-01',
        'payments-api-nonprod-azure-westeurope-01',
        'payments-api-nonprod-gcp-europe-west4-01',
        'payments-api-nonprod-oci-eu-frankfurt-1-01',
        'payments-api-prod-aws-eu-central-1-01',
        'payments-api-prod-azure-westeurope-01',
        'payments-api-prod-gcp-europe-west4-01',
        'payments-api-prod-oci-eu-frankfurt-1-01',
      ]);
    });

    test('renders payments-api-prod-azure-westeurope-01 exactly', () => {
      // GIVEN the seed's tree and ApplicationSet
      // WHEN the ApplicationSet is expanded
      const apps = expandApplicationSet(seedAppSet(), root);
      // THEN the prod Azure Application is exactly what the controller creates
      expect(apps.find((a) => a.metadata.name === 'payments-api-prod-azure-westeurope-01')).toEqual({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: 'payments-api-prod-azure-westeurope-01',
          namespace: 'argocd',
          labels: { service: 'payments-api', environment: 'prod', cloud: 'azure', cluster: 'westeurope-01' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: 'prod',
          destination: { name: 'azure-westeurope-01', namespace: 'payments-api' },
          sources: [
            {
              repoURL: 'https://git.xxxcompany.com/apps/payments-api.git',
              targetRevision: 'main',
              path: 'deploy/chart',
              helm: {
                releaseName: 'payments-api',
                valueFiles: ['$values/environments/prod/azure/westeurope-01/payments-api/values.yaml'],
              },
            },
            { repoURL: 'https://git.xxxcompany.com/platform/platform-gitops.git', targetRevision: 'main', ref: 'values' },
          ],
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['CreateNamespace=true', 'ApplyOutOfSyncOnly=true'],
          },
          revisionHistoryLimit: 3,
        },
      });
    });

    test('renders payments-api-nonprod-oci-eu-frankfurt-1-01 exactly', () => {
      // GIVEN the seed's tree and ApplicationSet
      // WHEN the ApplicationSet is expanded
      const apps = expandApplicationSet(seedAppSet(), root);
      // THEN the nonprod OCI Application is exactly what the controller creates
      expect(apps.find((a) => a.metadata.name === 'payments-api-nonprod-oci-eu-frankfurt-1-01')).toEqual({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: 'payments-api-nonprod-oci-eu-frankfurt-1-01',
          namespace: 'argocd',
          labels: { service: 'payments-api', environment: 'nonprod', cloud: 'oci', cluster: 'eu-frankfurt-1-01' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: 'nonprod',
          destination: { name: 'oci-eu-frankfurt-1-01', namespace: 'payments-api' },
          sources: [
            {
              repoURL: 'https://git.xxxcompany.com/apps/payments-api.git',
              targetRevision: 'main',
              path: 'deploy/chart',
              helm: {
                releaseName: 'payments-api',
                valueFiles: ['$values/environments/nonprod/oci/eu-frankfurt-1-01/payments-api/values.yaml'],
              },
            },
            { repoURL: 'https://git.xxxcompany.com/platform/platform-gitops.git', targetRevision: 'main', ref: 'values' },
          ],
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['CreateNamespace=true', 'ApplyOutOfSyncOnly=true'],
          },
          revisionHistoryLimit: 3,
        },
      });
    });

    test('derives project, destination and values file of every target from its path', () => {
      // GIVEN the seed's tree and ApplicationSet
      // WHEN the ApplicationSet is expanded
      const apps = expandApplicationSet(seedAppSet(), root);
      // THEN each Application's project, destination and values file are those of its directory
      const summary = apps.map((a) => {
        const spec = a.spec as any;
        return [a.metadata.name, spec.project, spec.destination.name, spec.sources[0].helm.valueFiles[0]];
      });
      expect(summary).toEqual([
        [
          'payments-api-nonprod-aws-eu-central-1-01',
          'nonprod',
          'aws-eu-central-1-01',
          '$values/environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml',
        ],
        [
          'payments-api-nonprod-azure-westeurope-01',
          'nonprod',
          'azure-westeurope-01',
          '$values/environments/nonprod/azure/westeurope-01/payments-api/values.yaml',
        ],
        [
          'payments-api-nonprod-gcp-europe-west4-01',
          'nonprod',
          'gcp-europe-west4-01',
          '$values/environments/nonprod/gcp/europe-west4-01/payments-api/values.yaml',
        ],
        [
          'payments-api-nonprod-oci-eu-frankfurt-1-01',
          'nonprod',
          'oci-eu-frankfurt-1-01',
          '$values/environments/nonprod/oci/eu-frankfurt-1-01/payments-api/values.yaml',
        ],
        [
          'payments-api-prod-aws-eu-central-1-01',
          'prod',
          'aws-eu-central-1-01',
          '$values/environments/prod/aws/eu-central-1-01/payments-api/values.yaml',
        ],
        [
          'payments-api-prod-azure-westeurope-01',
          'prod',
          'azure-westeurope-01',
          '$values/environments/prod/azure/westeurope-01/payments-api/values.yaml',
        ],
        [
          'payments-api-prod-gcp-europe-west4-01',
          'prod',
          'gcp-europe-west4-01',
          '$values/environments/prod/gcp/europe-west4-01/payments-api/values.yaml',
        ],
        [
          'payments-api-prod-oci-eu-frankfurt-1-01',
          'prod',
          'oci-eu-frankfurt-1-01',
          '$values/environments/prod/oci/eu-frankfurt-1-01/payments-api/values.yaml',
        ],
      ]);
    });

    test('asks a directory lister for the generator repository and revision', () => {
      // GIVEN a lister instead of a checkout
      const calls: string[] = [];
      const lister = (repoURL: string, revision: string) => {
        calls.push(`${repoURL}@${revision}`);
        return ['environments/prod/azure/westeurope-01/payments-api', 'environments/prod/azure'];
      };
      // WHEN the ApplicationSet is expanded
      const apps = expandApplicationSet(seedAppSet(), lister);
      // THEN the lister saw the generator's repoURL and revision, and its directories were used
      expect(calls).toEqual(['https://git.xxxcompany.com/platform/platform-gitops.git@main']);
      expect(apps.map((a) => a.metadata.name)).toEqual(['payments-api-prod-azure-westeurope-01']);
    });
  });

  describe('directory selection', () => {
    test('exclude patterns drop directories whatever the order of the entries', () => {
      // GIVEN the seed tree and an exclusion of prod listed first
      root = makeTree(SEED_VALUES_FILES);
      const appset = appSetWith((a) => {
        a.spec.generators[0].git.directories = [{ path: 'environments/prod/*/*/*', exclude: true }, { path: 'environments/*/*/*/*' }];
      });
      // WHEN it is expanded
      const names = expandApplicationSet(appset, root).map((a) => a.metadata.name);
      // THEN only nonprod Applications are generated
      expect(names).toEqual([
        'payments-api-nonprod-aws-eu-central-1-01',
        'payments-api-nonprod-azure-westeurope-01',
        'payments-api-nonprod-gcp-europe-west4-01',
        'payments-api-nonprod-oci-eu-frankfurt-1-01',
      ]);
    });

    test('hidden directories are invisible to the generator', () => {
      // GIVEN a hidden tree with the same shape as a visible one
      root = makeTree(['.cdk8s-gitops/x/y/z/manifest.json', 'visible/x/y/z/values.yaml']);
      const appset = appSetWith((a) => {
        a.spec.generators[0].git.directories = [{ path: '*/x/y/z' }];
        a.spec.template = { metadata: { name: '{{ index .path.segments 0 }}' }, spec: { project: 'default' } };
      });
      // WHEN it is expanded
      const apps = expandApplicationSet(appset, root);
      // THEN only the visible directory becomes an Application
      expect(apps.map((a) => a.metadata.name)).toEqual(['visible']);
    });

    test('directories deeper or shallower than the glob are not matched', () => {
      // GIVEN the seed tree plus files one level above and below the target directories
      root = makeTree([
        ...SEED_VALUES_FILES,
        'environments/prod/azure/westeurope-01/cluster.yaml',
        'environments/prod/azure/westeurope-01/payments-api/overrides/extra.yaml',
      ]);
      // WHEN the seed ApplicationSet is expanded
      const apps = expandApplicationSet(seedAppSet(), root);
      // THEN still exactly the eight targets
      expect(apps).toHaveLength(8);
    });

    test('a directory name that normalization changes keeps its raw basename and gets a normalized one', () => {
      // GIVEN a service directory My_Service and a template naming by basenameNormalized
      root = makeTree(['environments/prod/azure/westeurope-01/My_Service/values.yaml']);
      const appset = appSetWith((a) => {
        a.spec.template.metadata.name = '{{ .path.basenameNormalized }}-{{ index .path.segments 1 }}';
        a.spec.template.metadata.labels = { service: '{{ .path.basename }}' };
      });
      // WHEN it is expanded
      const [app] = expandApplicationSet(appset, root);
      // THEN the name is normalized and the label keeps the directory name
      expect(app!.metadata.name).toBe('my-service-prod');
      expect(app!.metadata.labels).toEqual({ service: 'My_Service' });
      expect((app!.spec as any).destination.namespace).toBe('My_Service');
    });

    test('fails when a generated name is not a valid Kubernetes name', () => {
      // GIVEN the seed ApplicationSet and a directory with upper case and an underscore
      root = makeTree(['environments/prod/azure/westeurope-01/My_Service/values.yaml']);
      // WHEN it is expanded
      const e = failure(() => expandApplicationSet(seedAppSet(), root));
      // THEN the invalid name, its field and directory are named
      expect(e.code).toBe('CG710');
      expect(e.message).toContain(
        'ApplicationSet "workloads" spec.template.metadata.name, directory "environments/prod/azure/westeurope-01/My_Service": the generated name "My_Service-prod-azure-westeurope-01" is not a valid Kubernetes name',
      );
    });

    test('fails when a directory pattern is malformed, naming the generator', () => {
      // GIVEN an unclosed character class
      root = makeTree(SEED_VALUES_FILES);
      const appset = appSetWith((a) => {
        a.spec.generators[0].git.directories = [{ path: 'environments/[a-z/*' }];
      });
      // WHEN it is expanded
      // THEN it fails with the field path and the pattern
      expect(() => expandApplicationSet(appset, root)).toThrow(
        /CG705 ApplicationSet "workloads" spec\.generators\[0\]\.git\.directories: Pattern "environments\/\[a-z\/\*" is malformed/,
      );
    });
  });

  describe('rendering', () => {
    beforeEach(() => {
      root = makeTree(SEED_VALUES_FILES.slice(0, 2));
    });

    test('fails when a key is missing with missingkey=error, naming the ApplicationSet, field, directory and key', () => {
      // GIVEN a misspelt key in the project
      const appset = appSetWith((a) => {
        a.spec.template.spec.project = '{{ .path.segment }}';
      });
      // WHEN it is expanded
      const e = failure(() => expandApplicationSet(appset, root, { file: 'applicationsets/workloads.yaml' }));
      // THEN every directory's problem is reported, located
      expect(e.code).toBe('CG702');
      expect(e.problems).toHaveLength(2);
      expect(e.problems[0]).toMatchObject({
        code: 'CG702',
        file: 'applicationsets/workloads.yaml',
        message:
          'ApplicationSet "workloads" spec.template.spec.project, directory "environments/nonprod/aws/eu-central-1-01/payments-api": Template "{{ .path.segment }}" references a missing key: <.path.segment>: map has no entry for key "segment" (the keys of .path are: basename, basenameNormalized, path, segments).',
      });
    });

    test('renders <no value> for a missing key without missingkey=error', () => {
      // GIVEN no goTemplateOptions
      const appset = appSetWith((a) => {
        delete a.spec.goTemplateOptions;
        a.spec.template.metadata.annotations = { note: '{{ .path.nope }}' };
      });
      // WHEN it is expanded
      const [app] = expandApplicationSet(appset, root);
      // THEN Go's <no value> is rendered
      expect(app!.metadata.annotations).toEqual({ note: '<no value>' });
    });

    test('fails when the template calls a function Argo CD does not define, once per field', () => {
      // GIVEN Helm's required, which neither Sprig nor Argo CD defines
      const appset = appSetWith((a) => {
        a.spec.template.metadata.annotations = { digest: '{{ required .path.path }}' };
      });
      // WHEN it is expanded
      const e = failure(() => expandApplicationSet(appset, root));
      // THEN it fails before any directory is rendered with Go's parse error, naming the field
      expect(e.problems).toHaveLength(1);
      expect(e.message).toContain(
        'CG703 ApplicationSet "workloads" spec.template.metadata.annotations.digest: Template "{{ required .path.path }}" is not valid Go template syntax: function "required" not defined.',
      );
    });

    test('fails with CG701 when the template calls a function whose result Argo CD draws at random', () => {
      // GIVEN uuidv4, which Argo CD defines but whose result is random
      const appset = appSetWith((a) => {
        a.spec.template.metadata.annotations = { id: '{{ uuidv4 }}' };
      });
      // WHEN it is expanded
      const e = failure(() => expandApplicationSet(appset, root));
      // THEN the preview refuses it where it is called (once per directory, as Argo CD calls it
      // once per parameter set), naming the field, the directory, the function and why
      expect(e.problems.map((p) => p.code)).toEqual(['CG701', 'CG701']);
      expect(e.message).toContain(
        'CG701 ApplicationSet "workloads" spec.template.metadata.annotations.id, directory "environments/nonprod/aws/eu-central-1-01/payments-api": Template "{{ uuidv4 }}" uses the function uuidv4 (its result is random), which the offline preview does not evaluate.',
      );
    });

    test('fails when index is out of range, naming the directory', () => {
      // GIVEN an index past the last segment
      const appset = appSetWith((a) => {
        a.spec.template.spec.destination.namespace = '{{ index .path.segments 5 }}';
      });
      // WHEN it is expanded
      const e = failure(() => expandApplicationSet(appset, root));
      // THEN the field path and the Go error are given, for each directory
      expect(e.code).toBe('CG704');
      expect(e.problems.map((p) => p.message.slice(0, p.message.indexOf(':')))).toEqual([
        'ApplicationSet "workloads" spec.template.spec.destination.namespace, directory "environments/nonprod/aws/eu-central-1-01/payments-api"',
        'ApplicationSet "workloads" spec.template.spec.destination.namespace, directory "environments/nonprod/azure/westeurope-01/payments-api"',
      ]);
      expect(e.message).toContain('error calling index: reflect: slice index out of range');
      // AND the message prints the alike second one by its directory
      expect(e.message).toContain('… and 1 more CG704 like it: environments/nonprod/azure/westeurope-01/payments-api.');
    });

    test('renders map keys, as Argo CD does', () => {
      // GIVEN a templated annotation key
      const appset = appSetWith((a) => {
        a.spec.template.metadata.annotations = { 'owner.example.com/{{ index .path.segments 4 }}': 'team' };
      });
      // WHEN it is expanded
      const [app] = expandApplicationSet(appset, root);
      // THEN the key is rendered
      expect(app!.metadata.annotations).toEqual({ 'owner.example.com/payments-api': 'team' });
    });

    test('fails when two templated keys render to the same key', () => {
      // GIVEN two annotation keys that render alike
      const appset = appSetWith((a) => {
        a.spec.template.metadata.annotations = { '{{ index .path.segments 1 }}': 'a', nonprod: 'b' };
      });
      // WHEN it is expanded over nonprod directories
      const e = failure(() => expandApplicationSet(appset, root));
      // THEN the clash names both keys as written
      expect(e.code).toBe('CG704');
      expect(e.message).toContain(
        'spec.template.metadata.annotations, directory "environments/nonprod/aws/eu-central-1-01/payments-api": the keys "{{ index .path.segments 1 }}" and "nonprod" both render to "nonprod".',
      );
    });

    test('renders generator values and exposes them as .values', () => {
      // GIVEN generator values that are themselves templates
      const appset = appSetWith((a) => {
        a.spec.generators[0].git.values = { team: 'payments-{{ index .path.segments 1 }}' };
        a.spec.template.metadata.labels = { team: '{{ .values.team }}' };
      });
      // WHEN it is expanded
      const apps = expandApplicationSet(appset, root);
      // THEN each Application sees its own rendered value
      expect(apps.map((a) => a.metadata.labels)).toEqual([{ team: 'payments-nonprod' }, { team: 'payments-nonprod' }]);
    });

    test('renders fasttemplate placeholders when goTemplate is false', () => {
      // GIVEN a goTemplate: false ApplicationSet
      const appset = appSetWith((a) => {
        a.spec.goTemplate = false;
        a.spec.template = {
          metadata: { name: '{{path[4]}}-{{path[1]}}-{{path[3]}}' },
          spec: { project: '{{path[1]}}', source: { path: '{{path}}', repoURL: 'r' }, destination: { name: '{{ path.basename }}' } },
        };
      });
      // WHEN it is expanded
      const apps = expandApplicationSet(appset, root);
      // THEN the flat parameters are substituted
      expect(apps.map((a) => [a.metadata.name, (a.spec as any).source.path, (a.spec as any).destination.name])).toEqual([
        ['payments-api-nonprod-eu-central-1-01', 'environments/nonprod/aws/eu-central-1-01/payments-api', 'payments-api'],
        ['payments-api-nonprod-westeurope-01', 'environments/nonprod/azure/westeurope-01/payments-api', 'payments-api'],
      ]);
    });

    test('keeps template finalizers and adds none when resources are preserved', () => {
      // GIVEN one ApplicationSet with its own finalizer and one preserving resources on deletion
      const own = appSetWith((a) => {
        a.spec.template.metadata.finalizers = ['resources-finalizer.argocd.argoproj.io/background'];
      });
      const preserved = appSetWith((a) => {
        a.spec.syncPolicy = { preserveResourcesOnDeletion: true };
      });
      // WHEN they are expanded
      // THEN the template's finalizers are kept, and none are added when preserving
      expect(expandApplicationSet(own, root)[0]!.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io/background']);
      expect(expandApplicationSet(preserved, root)[0]!.metadata.finalizers).toEqual([]);
    });

    test('puts the Applications in the ApplicationSet namespace, whatever the template says', () => {
      // GIVEN a template asking for another namespace, and an ApplicationSet with no namespace
      const other = appSetWith((a) => {
        a.spec.template.metadata.namespace = 'elsewhere';
      });
      const none = appSetWith((a) => {
        delete a.metadata.namespace;
      });
      // WHEN they are expanded
      // THEN the namespace is the ApplicationSet's, or absent
      expect(expandApplicationSet(other, root)[0]!.metadata.namespace).toBe('argocd');
      expect(expandApplicationSet(none, root)[0]!.metadata).not.toHaveProperty('namespace');
    });
  });

  describe('duplicates', () => {
    test('fails when two directories generate the same name, naming both directories', () => {
      // GIVEN a name built from the service alone
      root = makeTree(SEED_VALUES_FILES.slice(0, 2));
      const appset = appSetWith((a) => {
        a.spec.template.metadata.name = '{{ index .path.segments 4 }}';
      });
      // WHEN it is expanded
      const e = failure(() => expandApplicationSet(appset, root));
      // THEN the duplicate and both directories are named
      expect(e.code).toBe('CG707');
      expect(e.message).toContain(
        'ApplicationSet "workloads" generates the Application "payments-api" twice: from directory "environments/nonprod/aws/eu-central-1-01/payments-api" and from directory "environments/nonprod/azure/westeurope-01/payments-api"; Argo CD refuses duplicate names.',
      );
    });

    test('fails when two ApplicationSets generate the same Application', () => {
      // GIVEN two ApplicationSets with the same template
      root = makeTree(SEED_VALUES_FILES.slice(0, 1));
      const copy = appSetWith((a) => {
        a.metadata.name = 'workloads-copy';
      });
      // WHEN both are expanded together
      const e = failure(() => expandApplicationSets([seedAppSet(), copy], root));
      // THEN the clash names both ApplicationSets
      expect(e.code).toBe('CG707');
      expect(e.message).toContain(
        'ApplicationSets "workloads" and "workloads-copy" both generate the Application "payments-api-nonprod-azure-westeurope-01"',
      );
    });

    test('lists at most 20 problems, with the total', () => {
      // GIVEN 30 directories that all render the same name
      root = makeTree(Array.from({ length: 30 }, (_, i) => `environments/e/c/k${String(i).padStart(2, '0')}/svc/values.yaml`));
      const appset = appSetWith((a) => {
        a.spec.template.metadata.name = 'same';
      });
      // WHEN it is expanded
      const e = failure(() => expandApplicationSet(appset, root));
      // THEN 20 problems are listed and the total is given
      expect(e.problems).toHaveLength(20);
      expect(e.message.split('\n')[0]).toBe('ApplicationSet "workloads": 29 problems found; the first 20:');
    });
  });

  describe('unsupported ApplicationSets', () => {
    beforeEach(() => {
      root = makeTree(SEED_VALUES_FILES.slice(0, 1));
    });

    test.each([
      ['scmProvider', { scmProvider: { github: { organization: 'myorg' } } }, "the repositories of an SCM provider's organisation"],
      ['pullRequest', { pullRequest: { github: { owner: 'myorg', repo: 'myrepo' } } }, 'the open pull requests of a repository'],
      [
        'clusterDecisionResource',
        { clusterDecisionResource: { configMapRef: 'my-configmap', name: 'quak' } },
        'a cluster decision resource in the cluster',
      ],
      ['plugin', { plugin: { configMapRef: { name: 'my-plugin' } } }, 'a plugin service'],
    ])('fails when a generator is a %s generator, naming it, the ApplicationSet and its file', (kind, generator, reads) => {
      // GIVEN a generator that reads something other than the repository, in a matrix
      const appset = appSetWith((a) => {
        a.spec.generators.push({ matrix: { generators: [{ list: { elements: [{ a: 'b' }] } }, generator] } });
      });
      // WHEN it is expanded
      const e = failure(() => expandApplicationSet(appset, root, { file: 'applicationsets/prod/workloads.yaml' }));
      // THEN it fails naming the generator, the ApplicationSet and the file
      expect(e.code).toBe('CG706');
      expect(e.problems[0]!.file).toBe('applicationsets/prod/workloads.yaml');
      expect(e.message).toContain(
        `[applicationsets/prod/workloads.yaml] CG706 ApplicationSet "workloads" spec.generators[1].matrix.generators[1] is a ${kind} generator, which generates from ${reads}; the offline preview reads only the GitOps repository, so it cannot expand it.`,
      );
    });

    test('fails when a generator is none Argo CD knows', () => {
      const appset = appSetWith((a) => {
        a.spec.generators.push({ lists: { elements: [] } });
      });
      const e = failure(() => expandApplicationSet(appset, root));
      expect(e.code).toBe('CG708');
      expect(e.message).toContain('spec.generators[1].lists is not an ApplicationSet generator.');
    });

    test('fails when a git files generator is given only a list of directories', () => {
      // GIVEN a git files generator, and a source that lists directories only
      const appset = appSetWith((a) => {
        a.spec.generators[0].git = { repoURL: 'r', revision: 'main', files: [{ path: 'config/*.json' }] };
      });
      // WHEN it is expanded
      // THEN it fails naming the files generator and what it needs
      expect(() => expandApplicationSet(appset, () => ['config'])).toThrow(
        /CG706 ApplicationSet "workloads" spec\.generators\[0\]\.git\.files is a git files generator, but the preview was given the directories of the repository only, not its files\. Fix: Preview this ApplicationSet with argocd appset generate/,
      );
    });

    test('renders a missing key with goTemplateOptions missingkey=zero as Argo CD does', () => {
      // GIVEN missingkey=zero and an annotation reading a key the parameters do not have
      const appset = appSetWith((a) => {
        a.spec.goTemplateOptions = ['missingkey=zero'];
        a.spec.template.metadata.annotations = { note: '[{{ .nope }}]' };
      });
      // WHEN it is expanded
      const [app] = expandApplicationSet(appset, root);
      // THEN Go's zero value of the parameters' interface {} elements, nil, prints <no value>
      expect(app!.metadata.annotations).toEqual({ note: '[<no value>]' });
    });

    test('fails when the ApplicationSet is malformed', () => {
      // GIVEN objects that are not usable ApplicationSets
      // WHEN they are expanded
      // THEN each fails with CG708 and what is missing
      expect(() => expandApplicationSet({ kind: 'Application', metadata: { name: 'x' } }, root)).toThrow(
        /CG708 ApplicationSet "x" has kind "Application"/,
      );
      expect(() => expandApplicationSet({ metadata: { name: 'x' }, spec: { template: { spec: {} } } }, root)).toThrow(
        /CG708 ApplicationSet "x" has no spec\.generators/,
      );
      expect(() =>
        expandApplicationSet(
          appSetWith((a) => {
            a.spec.template.metadata.generateName = 'x-';
          }),
          root,
        ),
      ).toThrow(/CG708 ApplicationSet "workloads" spec\.template\.metadata\.generateName is not a field of an ApplicationSet template/);
    });
  });
});
