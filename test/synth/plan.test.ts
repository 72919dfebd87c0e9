import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cluster, Workload } from '../../src';
import { FileKind, contentHash } from '../../src/synth/file-tree';
import { runRelease } from '../../src/workspace/release-operations';
import { buildTree } from '../../src/workspace/build';
import { MANIFEST_PATH } from '../../src/synth/manifest';
import { computePlan, diffPaths, NOT_SHOWN, Plan, planHasChanges, sameValue, valuesKeyChanges } from '../../src/workspace/plan';
import { formatPlan } from '../../src/cli/plan-format';
import { PlatformModel } from '../../src/model/platform-model';
import { recordInManifest } from '../support/manifest';
import {
  addLedgerApi,
  cloudOf,
  environmentOf,
  exampleModel,
  readFile,
  removeCheckout,
  SEED_DIGEST,
  synthesizedCheckout,
  writeFile,
} from './example-checkout';

const NEW_DIGEST = `sha256:${'a'.repeat(64)}`;
const LEDGER = 'releases/payments-api.yaml';
const NONPROD_VALUES = [
  'environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml',
  'environments/nonprod/azure/westeurope-01/payments-api/values.yaml',
  'environments/nonprod/gcp/europe-west4-01/payments-api/values.yaml',
  'environments/nonprod/oci/eu-frankfurt-1-01/payments-api/values.yaml',
];
const LEDGER_API_APPS = [
  'ledger-api-nonprod-aws-eu-central-1-01',
  'ledger-api-nonprod-azure-westeurope-01',
  'ledger-api-nonprod-gcp-europe-west4-01',
  'ledger-api-nonprod-oci-eu-frankfurt-1-01',
];
/** The labels of a ledger-api Application of nonprod, `ledger-api-nonprod-<cloud>-<cluster>`. */
function labelsOf(name: string): Record<string, string> {
  const [cloud, ...cluster] = name.slice('ledger-api-nonprod-'.length).split('-');
  return { service: 'ledger-api', environment: 'nonprod', cloud, cluster: cluster.join('-') };
}
const LEDGER_API_VALUES = [
  'environments/nonprod/aws/eu-central-1-01/ledger-api/values.yaml',
  'environments/nonprod/azure/westeurope-01/ledger-api/values.yaml',
  'environments/nonprod/gcp/europe-west4-01/ledger-api/values.yaml',
  'environments/nonprod/oci/eu-frankfurt-1-01/ledger-api/values.yaml',
];

/** The example with one more prod cluster, `aws/eu-west-1-01`. */
function withNewCluster(): PlatformModel {
  return exampleModel((p) => {
    new Cluster(environmentOf(p, 'prod'), 'eu-west-1-01', { cloud: cloudOf(p, 'aws'), region: 'eu-west-1' });
  });
}

/** The Applications of every target of the example, by environment. */
const EXAMPLE_APPS = (env: 'nonprod' | 'prod'): string[] => [
  `payments-api-${env}-aws-eu-central-1-01`,
  `payments-api-${env}-azure-westeurope-01`,
  `payments-api-${env}-gcp-europe-west4-01`,
  `payments-api-${env}-oci-eu-frankfurt-1-01`,
];

/** A hand-written ApplicationSet `canary`: one Application per service directory of prod. */
const CANARY_SET = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: canary
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - git:
        repoURL: https://git.xxxcompany.com/platform/platform-gitops.git
        revision: main
        directories:
          - path: 'environments/prod/*/*/*'
  template:
    metadata:
      name: 'canary-{{ index .path.segments 2 }}-{{ index .path.segments 3 }}'
    spec:
      project: default
      destination:
        name: in-cluster
        namespace: canary
      source:
        repoURL: https://git.xxxcompany.com/platform/platform-gitops.git
        targetRevision: main
        path: '{{ .path.path }}'
`;

function planOf(model: PlatformModel, dir: string): Plan {
  return computePlan(buildTree(model, dir), dir);
}

describe('computePlan', () => {
  let dir: string;

  afterEach(() => removeCheckout(dir));

  test('is empty when the checkout is what the program synthesizes', () => {
    // GIVEN a checkout synthesized from the example
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    // WHEN the same program is planned against it
    const plan = planOf(model, dir);
    // THEN nothing changes
    expect(plan).toEqual({ files: [], applications: [], unchangedFiles: 18, kept: [], unrecorded: [], acceptedEdits: [] });
    expect(planHasChanges(plan)).toBe(false);
  });

  test('shows the digest of a promotion as a values key change, and no Application change', () => {
    // GIVEN a checkout whose ledger was promoted in ring nonprod but not synthesized
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    const outcome = runRelease(
      model,
      dir,
      { kind: 'promote', service: 'payments-api', ring: 'nonprod', digest: NEW_DIGEST },
      { by: 'ci', now: new Date('2026-03-01T10:00:00Z') },
    );
    fs.writeFileSync(path.join(dir, LEDGER), outcome.tree.content(LEDGER));
    // WHEN the program is planned against it
    const plan = planOf(model, dir);
    // THEN the four nonprod values files change in image.digest only
    // (and STATUS.md, which shows what each ring runs)
    expect(plan.files).toEqual([
      { path: 'STATUS.md', change: 'update', kind: FileKind.STATUS, origin: 'platform' },
      ...NONPROD_VALUES.map((p) => ({
        path: p,
        change: 'update',
        kind: FileKind.VALUES,
        origin: `platform/payments-api/${p.split('/').slice(1, 4).join('/')}`,
        keys: [{ key: 'image.digest', before: SEED_DIGEST, after: NEW_DIGEST }],
      })),
    ]);
    expect(plan.applications).toEqual([]);
    expect(plan.unchangedFiles).toBe(13);
    // The four nonprod values files change alike: one entry, each file with --verbose.
    expect(formatPlan(plan, 'text', undefined, { verbose: true }).split('\n').slice(0, 5)).toEqual([
      'Files',
      '[~] STATUS.md  (platform)',
      '[~] environments/nonprod/*/*/payments-api/values.yaml  (4 files, each:)',
      '      image.digest: sha256:2e8f1a31… → sha256:aaaaaaaa…',
      '        environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml  (platform/payments-api/nonprod/aws/eu-central-1-01)',
    ]);
  });

  test('shows the keys of a values file edited by hand in another style that a promotion changes', () => {
    // GIVEN a checkout whose ledger was promoted in ring nonprod but not synthesized, and one of
    // whose values files was edited by hand: a comment, single quotes, another value
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    const outcome = runRelease(
      model,
      dir,
      { kind: 'promote', service: 'payments-api', ring: 'nonprod', digest: NEW_DIGEST },
      { by: 'ci', now: new Date('2026-03-01T10:00:00Z') },
    );
    fs.writeFileSync(path.join(dir, LEDGER), outcome.tree.content(LEDGER));
    const file = NONPROD_VALUES[0];
    writeFile(
      dir,
      file,
      readFile(dir, file).replace('  maxReplicas: 6\n', '  maxReplicas: 9 # more for the sale\n').replace('cpu: "500m"', "cpu: '750m'"),
    );
    // WHEN the program is planned against it
    const plan = planOf(model, dir);
    // THEN the file shows the digest and the values the hand edit changed, as they go back
    expect(plan.files.find((f) => f.path === file)!.keys).toEqual([
      { key: 'image.digest', before: SEED_DIGEST, after: NEW_DIGEST },
      { key: 'autoscaling.maxReplicas', before: 9, after: 6 },
      { key: 'resources.requests.cpu', before: '750m', after: '500m' },
    ]);
  });

  test('shows a new cluster as a values file, an AppProject destination and a created Application', () => {
    // GIVEN a checkout synthesized from the example
    dir = synthesizedCheckout();
    // WHEN the program with a new prod cluster is planned against it
    const plan = planOf(withNewCluster(), dir);
    // THEN the cluster's values file is created, the prod AppProject's destinations change,
    // and workloads-prod creates its Application
    // (and the release model records the new target)
    expect(plan).toEqual({
      files: [
        { path: '.cdk8s-gitops/model/platform.json', change: 'update', kind: FileKind.MODEL, origin: 'platform' },
        { path: '.cdk8s-gitops/model/services/payments-api.json', change: 'update', kind: FileKind.MODEL, origin: 'platform/payments-api' },
        { path: 'STATUS.md', change: 'update', kind: FileKind.STATUS, origin: 'platform' },
        {
          path: 'environments/prod/aws/eu-west-1-01/payments-api/values.yaml',
          change: 'create',
          kind: FileKind.VALUES,
          origin: 'platform/payments-api/prod/aws/eu-west-1-01',
        },
        {
          path: 'projects/prod.yaml',
          change: 'update',
          kind: FileKind.APP_PROJECT,
          origin: 'platform/prod',
          fields: ['spec.destinations'],
        },
      ],
      applications: [{ name: 'payments-api-prod-aws-eu-west-1-01', change: 'create', applicationSet: 'workloads-prod', runs: SEED_DIGEST }],
      unchangedFiles: 14,
      unrecorded: [],
      acceptedEdits: [],
      kept: [],
    });
  });

  test('shows a removed service as deleted files and deleted Applications', () => {
    // GIVEN a checkout synthesized from the example with ledger-api on nonprod
    dir = synthesizedCheckout(exampleModel((p) => addLedgerApi(p)));
    // WHEN the example without ledger-api is planned against it
    const plan = planOf(exampleModel(), dir);
    // THEN ledger-api's values files are deleted (its ledger stays, with its history), the
    // nonprod AppProject no longer lets it in, and its four Applications are deleted
    // (and the release model no longer has it)
    expect(plan.files).toEqual([
      { path: '.cdk8s-gitops/model/platform.json', change: 'update', kind: FileKind.MODEL, origin: 'platform' },
      { path: '.cdk8s-gitops/model/services/ledger-api.json', change: 'delete' },
      { path: 'STATUS.md', change: 'update', kind: FileKind.STATUS, origin: 'platform' },
      ...LEDGER_API_VALUES.map((p) => ({ path: p, change: 'delete' })),
      {
        path: 'projects/nonprod.yaml',
        change: 'update',
        kind: FileKind.APP_PROJECT,
        origin: 'platform/nonprod',
        fields: ['spec.destinations', 'spec.sourceRepos'],
      },
    ]);
    expect(plan.applications).toEqual(
      LEDGER_API_APPS.map((name) => ({ name, change: 'delete', applicationSet: 'workloads-nonprod', labels: labelsOf(name) })),
    );
  });

  test('shows a service chart path change as its own ApplicationSet, its Applications deleted from the shared one and created in it', () => {
    // GIVEN a checkout synthesized from the example with ledger-api on the default chart path
    dir = synthesizedCheckout(exampleModel((p) => addLedgerApi(p)));
    // WHEN ledger-api moves to charts/ledger-api
    const plan = planOf(
      exampleModel((p) => addLedgerApi(p, { workload: Workload.helmChart({ chartPath: 'charts/ledger-api' }) })),
      dir,
    );
    // THEN ledger-api gets its own ApplicationSet, workloads-nonprod excludes its directories,
    // and its Applications move: Argo CD deletes each from workloads-nonprod before
    // workloads-nonprod-ledger-api creates it again (a write refuses this unless declared, CG141)
    // (and the release model records its chart path)
    expect(plan.files).toEqual([
      { path: '.cdk8s-gitops/model/platform.json', change: 'update', kind: FileKind.MODEL, origin: 'platform' },
      { path: '.cdk8s-gitops/model/services/ledger-api.json', change: 'update', kind: FileKind.MODEL, origin: 'platform/ledger-api' },
      {
        path: 'applicationsets/nonprod/workloads-nonprod-ledger-api.yaml',
        change: 'create',
        kind: FileKind.APPLICATION_SET,
        origin: 'platform/control-planes/nonprod',
      },
      {
        path: 'applicationsets/nonprod/workloads-nonprod.yaml',
        change: 'update',
        kind: FileKind.APPLICATION_SET,
        origin: 'platform/control-planes/nonprod',
        fields: ['spec.generators[0].git.directories'],
      },
    ]);
    expect(plan.applications).toEqual(
      LEDGER_API_APPS.flatMap((name) => [
        {
          name,
          change: 'delete',
          applicationSet: 'workloads-nonprod',
          labels: expect.objectContaining({ service: 'ledger-api', environment: 'nonprod' }),
          movedTo: 'workloads-nonprod-ledger-api',
        },
        { name, change: 'create', applicationSet: 'workloads-nonprod-ledger-api', runs: `sha256:${'1'.repeat(64)}` },
      ]),
    );
  });

  test('shows a hand-deleted owned values file as created again, with its Application', () => {
    // GIVEN a synthesized checkout from which an owned values file was deleted
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    fs.rmSync(path.join(dir, 'environments/prod/gcp/europe-west4-01/payments-api/values.yaml'));
    // WHEN the same program is planned against it
    const plan = planOf(model, dir);
    // THEN synth would write the file again, which brings its Application back
    expect(plan).toEqual({
      files: [
        {
          path: 'environments/prod/gcp/europe-west4-01/payments-api/values.yaml',
          change: 'create',
          kind: FileKind.VALUES,
          origin: 'platform/payments-api/prod/gcp/europe-west4-01',
        },
      ],
      applications: [
        { name: 'payments-api-prod-gcp-europe-west4-01', change: 'create', applicationSet: 'workloads-prod', runs: SEED_DIGEST },
      ],
      unchangedFiles: 17,
      unrecorded: [],
      acceptedEdits: [],
      kept: [],
    });
  });
});

describe('formatPlan', () => {
  let dir: string;
  let plan: Plan;

  beforeAll(() => {
    dir = synthesizedCheckout();
    plan = planOf(withNewCluster(), dir);
  });

  afterAll(() => removeCheckout(dir));

  test('renders text with marks, origins, fields and a summary', () => {
    // GIVEN the plan of a new prod cluster
    // WHEN it is rendered as text
    const text = formatPlan(plan, 'text');
    // THEN every change has its line
    expect(text).toBe(
      [
        'Files',
        '[~] .cdk8s-gitops/model/platform.json  (platform)',
        '[~] .cdk8s-gitops/model/services/payments-api.json  (platform/payments-api)',
        '[~] STATUS.md  (platform)',
        '[+] environments/prod/aws/eu-west-1-01/payments-api/values.yaml  (platform/payments-api/prod/aws/eu-west-1-01)',
        '[~] projects/prod.yaml  (platform/prod)',
        '      spec.destinations',
        '',
        'Applications',
        '[+] payments-api-prod-aws-eu-west-1-01  (ApplicationSet workloads-prod)  runs sha256:2e8f1a31',
        '',
        'Plan: 5 files to change (1 created, 4 updated, 0 deleted); Applications: 1 created, 0 changed, 0 deleted.',
        '',
      ].join('\n'),
    );
  });

  test('passes every mark through the style function', () => {
    // GIVEN the plan of a new prod cluster
    // WHEN it is rendered as text with a style that brackets marks
    const text = formatPlan(plan, 'text', (m) => `<${m}>`);
    // THEN each mark is styled
    expect(text.split('\n').filter((l) => l.startsWith('<'))).toEqual([
      '<[~]> .cdk8s-gitops/model/platform.json  (platform)',
      '<[~]> .cdk8s-gitops/model/services/payments-api.json  (platform/payments-api)',
      '<[~]> STATUS.md  (platform)',
      '<[+]> environments/prod/aws/eu-west-1-01/payments-api/values.yaml  (platform/payments-api/prod/aws/eu-west-1-01)',
      '<[~]> projects/prod.yaml  (platform/prod)',
      '<[+]> payments-api-prod-aws-eu-west-1-01  (ApplicationSet workloads-prod)  runs sha256:2e8f1a31',
    ]);
  });

  test('renders Markdown for a merge-request comment', () => {
    // GIVEN the plan of a new prod cluster
    // WHEN it is rendered as Markdown
    const markdown = formatPlan(plan, 'markdown');
    // THEN files are a diff block and Applications a table
    expect(markdown).toBe(
      [
        '### cdk8s-gitops plan',
        '',
        'Plan: 5 files to change (1 created, 4 updated, 0 deleted); Applications: 1 created, 0 changed, 0 deleted.',
        '',
        '<details><summary>Files</summary>',
        '',
        '```diff',
        '! .cdk8s-gitops/model/platform.json',
        '! .cdk8s-gitops/model/services/payments-api.json',
        '! STATUS.md',
        '+ environments/prod/aws/eu-west-1-01/payments-api/values.yaml',
        '! projects/prod.yaml',
        '!     spec.destinations',
        '```',
        '',
        '</details>',
        '',
        '| Application | change | ApplicationSet | fields |',
        '| --- | --- | --- | --- |',
        '| `payments-api-prod-aws-eu-west-1-01` | create | workloads-prod |  |',
        '',
        '',
      ].join('\n'),
    );
  });

  test('renders JSON with the plan and whether it changes anything', () => {
    // GIVEN the plan of a new prod cluster
    // WHEN it is rendered as JSON
    const json = JSON.parse(formatPlan(plan, 'json'));
    // THEN it is the plan, plus changes: true
    expect(json).toEqual({ ...plan, changes: true });
  });

  test('renders updated and deleted Applications, keys added and removed', () => {
    // GIVEN a plan with every kind of change
    const all: Plan = {
      files: [
        {
          path: 'environments/prod/aws/a/svc/values.yaml',
          change: 'update',
          kind: FileKind.VALUES,
          origin: 'platform/svc/prod/aws/a',
          keys: [
            { key: 'replicas', after: 3 },
            { key: 'debug', before: true },
          ],
        },
        { path: 'environments/prod/aws/b/svc/values.yaml', change: 'delete' },
      ],
      applications: [
        {
          name: 'svc-prod-aws-a',
          change: 'update',
          applicationSet: 'workloads-prod-svc',
          fields: ['spec.sources[0].path', 'spec.destination.namespace'],
        },
        { name: 'svc-prod-aws-b', change: 'delete', applicationSet: 'workloads-prod' },
      ],
      unchangedFiles: 7,
      kept: [],
      unrecorded: [],
      acceptedEdits: [],
    };
    // WHEN it is rendered as text and as Markdown
    const text = formatPlan(all, 'text');
    const markdown = formatPlan(all, 'markdown');
    // THEN the deleted Application comes first, then each change has its mark and its details
    expect(text).toBe(
      [
        'Applications DELETED: 1 (Argo CD prunes everything they run):',
        '[-] svc-prod-aws-b  (ApplicationSet workloads-prod)',
        '',
        'Files',
        '[~] environments/prod/aws/a/svc/values.yaml  (platform/svc/prod/aws/a)',
        '      replicas: 3 (added)',
        '      debug: true (removed)',
        '[-] environments/prod/aws/b/svc/values.yaml',
        '',
        'Applications',
        '[~] svc-prod-aws-a  (ApplicationSet workloads-prod-svc): spec.sources[0].path, spec.destination.namespace',
        '[-] svc-prod-aws-b  (ApplicationSet workloads-prod)',
        '',
        'Plan: 2 files to change (0 created, 1 updated, 1 deleted); Applications: 0 created, 1 changed, 1 deleted.',
        '',
      ].join('\n'),
    );
    expect(markdown.split('\n').filter((l) => l.startsWith('|') || /^[-+!] /.test(l))).toEqual([
      '! environments/prod/aws/a/svc/values.yaml',
      '!     replicas: 3 (added)',
      '!     debug: true (removed)',
      '- environments/prod/aws/b/svc/values.yaml',
      '| Application | change | ApplicationSet | fields |',
      '| --- | --- | --- | --- |',
      '| `svc-prod-aws-a` | update | workloads-prod-svc | `spec.sources[0].path`, `spec.destination.namespace` |',
      '| `svc-prod-aws-b` | delete | workloads-prod |  |',
    ]);
  });

  test('says Argo CD keeps what a deleted Application runs when its ApplicationSet preserves resources on deletion', () => {
    // GIVEN a plan that deletes the Application of a self-managed Argo CD, whose ApplicationSet
    // preserves resources on deletion, and one of a service, whose does not
    const argoCd = {
      name: 'argo-cd-nonprod-aws-c1',
      change: 'delete',
      applicationSet: 'addons-nonprod-argo-cd',
      keepsResources: true,
    } as const;
    const service = { name: 'svc-prod-aws-b', change: 'delete', applicationSet: 'workloads-prod' } as const;
    const planOf = (applications: Plan['applications']): Plan => ({
      files: [],
      applications,
      unchangedFiles: 3,
      kept: [],
      unrecorded: [],
      acceptedEdits: [],
    });
    const deletions = (plan: Plan, format: 'text' | 'markdown'): string[] =>
      formatPlan(plan, format)
        .split('\n')
        .filter((l) => l.includes('DELETED') || /^(\[-\]|> -) /.test(l));
    // WHEN it is rendered with the Argo CD Application alone, and with both
    // THEN the heading says what Argo CD does with what each runs, and a line says it of each only when they differ
    expect(deletions(planOf([argoCd]), 'text')).toEqual([
      'Applications DELETED: 1 (Argo CD keeps what it runs: its ApplicationSet preserves resources on deletion):',
      '[-] argo-cd-nonprod-aws-c1  (ApplicationSet addons-nonprod-argo-cd)',
      '[-] argo-cd-nonprod-aws-c1  (ApplicationSet addons-nonprod-argo-cd)',
    ]);
    expect(deletions(planOf([argoCd, service]), 'text')).toEqual([
      'Applications DELETED: 2 (Argo CD prunes everything 1 of them runs, and keeps what 1 runs: its ApplicationSet preserves resources on deletion):',
      '[-] argo-cd-nonprod-aws-c1  (ApplicationSet addons-nonprod-argo-cd; Argo CD keeps what it runs (its ApplicationSet preserves resources on deletion))',
      '[-] svc-prod-aws-b  (ApplicationSet workloads-prod)',
      '[-] argo-cd-nonprod-aws-c1  (ApplicationSet addons-nonprod-argo-cd)',
      '[-] svc-prod-aws-b  (ApplicationSet workloads-prod)',
    ]);
    expect(deletions(planOf([argoCd, { ...argoCd, name: 'argo-cd-prod-aws-c1' }]), 'markdown')).toEqual([
      '> **Applications DELETED: 2 (Argo CD keeps what they run: their ApplicationSet preserves resources on deletion)**',
      '> - `argo-cd-nonprod-aws-c1` (ApplicationSet addons-nonprod-argo-cd)',
      '> - `argo-cd-prod-aws-c1` (ApplicationSet addons-nonprod-argo-cd)',
    ]);
  });

  test('renders an empty plan as one line in every format', () => {
    // GIVEN a plan without changes
    const empty: Plan = { files: [], applications: [], unchangedFiles: 15, kept: [], unrecorded: [], acceptedEdits: [] };
    // WHEN it is rendered
    // THEN text and Markdown say so, and JSON says changes: false
    expect(formatPlan(empty, 'text')).toBe('No changes: 15 files up to date.\n');
    expect(formatPlan(empty, 'markdown')).toBe('### cdk8s-gitops plan\n\nNo changes: 15 files up to date.\n\n');
    expect(JSON.parse(formatPlan(empty, 'json'))).toEqual({
      files: [],
      applications: [],
      unchangedFiles: 15,
      kept: [],
      unrecorded: [],
      acceptedEdits: [],
      changes: false,
    });
  });
});

describe('computePlan: the Applications before and after the write', () => {
  let dir: string;

  afterEach(() => removeCheckout(dir));

  test('shows no Application change when a hand-written ApplicationSet is in the checkout and only values change', () => {
    // GIVEN a checkout with a hand-written ApplicationSet over the prod directories, and a
    // promotion in its ledger that is not synthesized yet
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    writeFile(dir, 'argocd/canary.yaml', CANARY_SET);
    const outcome = runRelease(
      model,
      dir,
      { kind: 'promote', service: 'payments-api', ring: 'nonprod', digest: NEW_DIGEST },
      { by: 'ci', now: new Date('2026-03-01T10:00:00Z') },
    );
    fs.writeFileSync(path.join(dir, LEDGER), outcome.tree.content(LEDGER));
    // WHEN the program is planned against it
    const plan = planOf(model, dir);
    // THEN values files change, and the ApplicationSet, which synth leaves alone, generates the same Applications
    expect(plan.files.map((f) => f.path)).toEqual(['STATUS.md', ...NONPROD_VALUES]);
    expect(plan.applications).toEqual([]);
  });

  test('shows the Applications a hand-written ApplicationSet makes of a new directory', () => {
    // GIVEN a checkout with a hand-written ApplicationSet over the prod directories
    dir = synthesizedCheckout();
    writeFile(dir, 'argocd/canary.yaml', CANARY_SET);
    // WHEN the program with a new prod cluster is planned against it
    const plan = planOf(withNewCluster(), dir);
    // THEN both the program's ApplicationSet and the hand-written one create an Application
    expect(plan.applications).toEqual([
      { name: 'canary-aws-eu-west-1-01', change: 'create', applicationSet: 'canary' },
      { name: 'payments-api-prod-aws-eu-west-1-01', change: 'create', applicationSet: 'workloads-prod', runs: SEED_DIGEST },
    ]);
  });

  test('keeps the Application of a directory that still holds a file of the user after its values file is deleted', () => {
    // GIVEN a checkout with ledger-api on nonprod, and a file of the user in one of its directories
    dir = synthesizedCheckout(exampleModel((p) => addLedgerApi(p)));
    writeFile(dir, 'environments/nonprod/aws/eu-central-1-01/ledger-api/NOTES.md', '# notes\n');
    // WHEN the example without ledger-api is planned against it
    const plan = planOf(exampleModel(), dir);
    // THEN its values files are deleted, but the directory with the user's file stays, and so does its Application
    // (and the release model's file of ledger-api)
    expect(plan.files.filter((f) => f.change === 'delete').map((f) => f.path)).toEqual([
      '.cdk8s-gitops/model/services/ledger-api.json',
      ...LEDGER_API_VALUES,
    ]);
    expect(plan.applications).toEqual(
      LEDGER_API_APPS.slice(1).map((name) => ({ name, change: 'delete', applicationSet: 'workloads-nonprod', labels: labelsOf(name) })),
    );
  });

  test('shows the Application a new file creates in a directory of the user', () => {
    // GIVEN a checkout with a directory of the user where a new cluster's values file goes
    dir = synthesizedCheckout();
    writeFile(dir, 'environments/prod/aws/eu-west-1-01/payments-api/NOTES.md', '# notes\n');
    // WHEN the program with that cluster is planned against it
    const plan = planOf(withNewCluster(), dir);
    // THEN the values file is created, and the Application, which the directory already makes, stays as it is
    expect(plan.files.filter((f) => f.change === 'create').map((f) => f.path)).toEqual([
      'environments/prod/aws/eu-west-1-01/payments-api/values.yaml',
    ]);
    expect(plan.applications).toEqual([]);
  });

  test('shows the Applications of an owned ApplicationSet edited by hand as changed back', () => {
    // GIVEN a checkout whose workloads-prod ApplicationSet was edited by hand
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    const file = 'applicationsets/prod/workloads-prod.yaml';
    writeFile(dir, file, readFile(dir, file).replace('revisionHistoryLimit: 3', 'revisionHistoryLimit: 5'));
    // WHEN the same program is planned against it
    const plan = planOf(model, dir);
    // THEN the file is put back, marked as edited, and the Applications it generates go back to the program's
    expect(plan.files.map((f) => [f.path, f.change, f.edited])).toEqual([[file, 'update', true]]);
    expect(plan.applications).toEqual(
      EXAMPLE_APPS('prod').map((name) => ({
        name,
        change: 'update',
        applicationSet: 'workloads-prod',
        fields: ['spec.revisionHistoryLimit'],
      })),
    );
  });

  test('shows the Applications of an owned ApplicationSet deleted by hand as created again', () => {
    // GIVEN a checkout from which the workloads-prod ApplicationSet was deleted
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    fs.rmSync(path.join(dir, 'applicationsets/prod/workloads-prod.yaml'));
    // WHEN the same program is planned against it
    const plan = planOf(model, dir);
    // THEN the file is created again, and with it the Applications it generates
    expect(plan.files.map((f) => [f.path, f.change])).toEqual([['applicationsets/prod/workloads-prod.yaml', 'create']]);
    expect(plan.applications).toEqual(
      EXAMPLE_APPS('prod').map((name) => ({ name, change: 'create', applicationSet: 'workloads-prod', runs: SEED_DIGEST })),
    );
  });

  test("shows the GitOps branch's move to refs/heads/main as an update of each Application, never a delete and create", () => {
    // GIVEN a checkout written before the branch was fully qualified: `main` in its ApplicationSets and bootstraps
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    const written = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((p) => /^(applicationsets|bootstrap)\/.*\.yaml$/.test(p))
      .sort();
    expect(written.length).toBeGreaterThan(0);
    for (const file of written) {
      const old = readFile(dir, file).split('refs/heads/main').join('main');
      writeFile(dir, file, old);
      recordInManifest(dir, file, { sha256: contentHash(old), key: 'before-refs-heads' });
    }
    // WHEN the program is planned against it
    const plan = planOf(model, dir);
    // THEN the files are updated and each Application is updated in place, in the $values source's targetRevision only
    expect(plan.files.map((f) => [f.path, f.change])).toEqual(written.map((f) => [f, 'update']));
    expect(plan.applications.map((a) => [a.name, a.change, a.applicationSet])).toEqual(
      [...EXAMPLE_APPS('nonprod').map((n) => [n, 'workloads-nonprod']), ...EXAMPLE_APPS('prod').map((n) => [n, 'workloads-prod'])]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([n, set]) => [n, 'update', set]),
    );
    for (const a of plan.applications) expect(a).toMatchObject({ fields: ['spec.sources[1].targetRevision'] });
  });

  test('shows the Applications of an owned ApplicationSet the program no longer makes as deleted', () => {
    // GIVEN a checkout with an owned ApplicationSet canary next to workloads-prod, which the program no longer makes
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    const file = 'applicationsets/prod/canary.yaml';
    writeFile(dir, file, CANARY_SET);
    recordInManifest(dir, file, { sha256: contentHash(CANARY_SET), key: 'canary' });
    // WHEN the same program is planned against it
    const plan = planOf(model, dir);
    // THEN the file is deleted, and with it the Applications it generates
    expect(plan.files.map((f) => [f.path, f.change])).toEqual([[file, 'delete']]);
    expect(plan.applications).toEqual(
      ['aws-eu-central-1-01', 'azure-westeurope-01', 'gcp-europe-west4-01', 'oci-eu-frankfurt-1-01'].map((cluster) => ({
        name: `canary-${cluster}`,
        change: 'delete',
        applicationSet: 'canary',
      })),
    );
  });

  test('keeps an owned file the program no longer makes when a directory of the user stands there', () => {
    // GIVEN a checkout with an owned file canary.yaml next to workloads-prod, which the program
    // no longer makes, and where a directory of the user now stands
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    const file = 'applicationsets/prod/canary.yaml';
    writeFile(dir, `${file}/NOTES.md`, '# notes\n');
    recordInManifest(dir, file, { sha256: contentHash(CANARY_SET), key: 'canary' });
    // WHEN the same program is planned against it
    const plan = planOf(model, dir);
    // THEN the file, which is a directory now, is kept and given up rather than deleted, and the
    // directory changes no Application
    expect(plan.files).toEqual([]);
    expect(plan.kept).toEqual([file]);
    expect(plan.applications).toEqual([]);
  });

  test('shows no Application change when the ApplicationSets move to another directory', () => {
    // GIVEN a checkout synthesized from the example
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    // WHEN the program with its ApplicationSets under argo/sets is planned against it
    const plan = planOf({ ...model, layout: { ...model.layout, applicationSets: 'argo/sets' } }, dir);
    // THEN the ApplicationSet files move, and the Applications they generate stay as they are
    // (and the release model records the new layout)
    expect(plan.files.map((f) => [f.path, f.change])).toEqual([
      ['.cdk8s-gitops/model/platform.json', 'update'],
      ['applicationsets/nonprod/workloads-nonprod.yaml', 'delete'],
      ['applicationsets/prod/workloads-prod.yaml', 'delete'],
      ['argo/sets/nonprod/workloads-nonprod.yaml', 'create'],
      ['argo/sets/prod/workloads-prod.yaml', 'create'],
      ['bootstrap/nonprod.yaml', 'update'],
      ['bootstrap/prod.yaml', 'update'],
    ]);
    expect(plan.applications).toEqual([]);
  });

  test('shows every Application as changed, and deleted in between, when the values files move to another directory', () => {
    // GIVEN a checkout synthesized from the example
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    // WHEN the program with its values files under deploy/envs is planned against it
    const plan = planOf({ ...model, layout: { ...model.layout, environments: 'deploy/envs' } }, dir);
    // THEN each Application changes its paths, and is deleted in between: until Argo CD applies
    // the ApplicationSets' new spec, their old one reads the new tree, where the old directories are gone
    const apps = [...EXAMPLE_APPS('nonprod'), ...EXAMPLE_APPS('prod')];
    expect(plan.applications.filter((a) => a.change === 'update').map((a) => a.name)).toEqual(apps);
    expect(plan.applications.filter((a) => a.change === 'delete').map((a) => [a.name, a.untilNewSpec])).toEqual(apps.map((n) => [n, true]));
    expect(plan.applications.filter((a) => a.change === 'create')).toEqual([]);
  });

  test('shows every file and Application as created in an empty checkout', () => {
    // GIVEN a directory that does not exist yet
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-plan-')), 'checkout');
    // WHEN the example is planned against it
    const plan = computePlan(buildTree(exampleModel(), dir), dir);
    // THEN every file and every Application is created
    expect(plan.files.every((f) => f.change === 'create')).toBe(true);
    expect(plan.files).toHaveLength(18); // with the release model's platform.json and payments-api.json
    expect(plan.applications).toEqual(
      [...EXAMPLE_APPS('nonprod'), ...EXAMPLE_APPS('prod')].sort().map((name) => ({
        name,
        change: 'create',
        applicationSet: `workloads-${name.includes('-prod-') ? 'prod' : 'nonprod'}`,
        runs: SEED_DIGEST,
      })),
    );
    removeCheckout(path.dirname(dir));
  });

  test('shows the Application of an owned values file deleted from a checkout without a manifest', () => {
    // GIVEN a checkout without a manifest, from which a values file was deleted
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    fs.rmSync(path.join(dir, MANIFEST_PATH));
    fs.rmSync(path.join(dir, 'environments/prod/gcp/europe-west4-01/payments-api/values.yaml'));
    // WHEN the same program is planned against it
    const plan = planOf(model, dir);
    // THEN the file is created again, and with it its Application
    expect(plan.files.map((f) => [f.path, f.change])).toEqual([
      ['environments/prod/gcp/europe-west4-01/payments-api/values.yaml', 'create'],
    ]);
    expect(plan.applications).toEqual([
      { name: 'payments-api-prod-gcp-europe-west4-01', change: 'create', applicationSet: 'workloads-prod', runs: SEED_DIGEST },
    ]);
  });
});

describe('sameValue (property)', () => {
  /** Small values, so that two of them are often equal or nearly so. */
  const value = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(null, undefined, 0, 1, '', 'a', true, false),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'constructor'), tie('value'), { maxKeys: 3 }),
    ),
  })).value;

  it('finds two values the same exactly when diffPaths finds no difference', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameValue(a, b)).toBe(diffPaths(a, b, '').length === 0);
        expect(sameValue(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('values keys in a plan', () => {
  test('a key that holds a dot is one key, told apart from the nested keys Helm reads differently', () => {
    expect(valuesKeyChanges("'x.y': 1\nx:\n  y: 1\n", "'x.y': 2\nx:\n  y: 2\n")).toEqual([
      { key: '["x.y"]', before: 1, after: 2 },
      { key: 'x.y', before: 1, after: 2 },
    ]);
    expect(diffPaths({ a: { 'b c': 1, '': 2 } }, { a: { 'b c': 3, '': 4 } }, '')).toEqual(['a["b c"]', 'a[""]']);
  });

  test('a value that may hold a secret is not given, added, changed or removed, nor a key that holds one', () => {
    // GIVEN values whose keys or values give secrets away, beside plain ones
    const before = [
      'replicaCount: 2',
      'db:',
      '  password: old-pw',
      'env:',
      '  - name: API_TOKEN',
      '    value: tok-1',
      'url: postgres://admin:s3cret@db/app',
      '',
    ].join('\n');
    const after = [
      'replicaCount: 3',
      'db:',
      '  password: new-pw',
      'env:',
      '  - name: API_TOKEN',
      '    value: tok-2',
      'tls:',
      '  key: 9fQ2xLr7TmW2yLb9NcD4fHkP',
      '"--api-key=abcd1234efgh": 1',
      'args: [--password, hunter2]',
      '',
    ].join('\n');
    // WHEN the plan compares them
    const changes = valuesKeyChanges(before, after);
    // THEN only the plain values are given
    expect(changes).toEqual([
      { key: 'replicaCount', before: 2, after: 3 },
      { key: 'db.password', before: NOT_SHOWN, after: NOT_SHOWN, hidden: true },
      { key: 'env', before: NOT_SHOWN, after: NOT_SHOWN, hidden: true },
      { key: 'tls.key', after: NOT_SHOWN, hidden: true },
      { key: `[${JSON.stringify(NOT_SHOWN)}]`, after: NOT_SHOWN, hidden: true },
      { key: 'args', after: NOT_SHOWN, hidden: true },
      { key: 'url', before: NOT_SHOWN, hidden: true },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/pw|tok-|s3cret|9fQ2|abcd1234|hunter2/);
  });
});
