import * as fs from 'fs';
import * as path from 'path';
import { Cluster, FileKind } from '../../src';
import { runRelease } from '../../src/release/operations';
import { buildTree } from '../../src/synth/build';
import { computePlan, Plan, planHasChanges } from '../../src/synth/plan';
import { formatPlan } from '../../src/synth/plan-format';
import { PlatformModel } from '../../src/synth/model';
import {
  addLedgerApi, cloudOf, environmentOf, exampleModel, removeCheckout, SEED_DIGEST, synthesizedCheckout,
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
    expect(plan).toEqual({ files: [], applications: [], unchangedFiles: 16 });
    expect(planHasChanges(plan)).toBe(false);
  });

  test('shows the digest of a promotion as a values key change, and no Application change', () => {
    // GIVEN a checkout whose ledger was promoted in ring nonprod but not synthesized
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    const outcome = runRelease(model, dir, { kind: 'promote', service: 'payments-api', ring: 'nonprod', digest: NEW_DIGEST }, { by: 'ci', now: new Date('2026-03-01T10:00:00Z') });
    fs.writeFileSync(path.join(dir, LEDGER), outcome.tree.content(LEDGER));
    // WHEN the program is planned against it
    const plan = planOf(model, dir);
    // THEN the four nonprod values files change in image.digest only
    // (and STATUS.md, which shows what each ring runs)
    expect(plan.files).toEqual([{ path: 'STATUS.md', change: 'update', kind: FileKind.STATUS, origin: 'platform' }, ...NONPROD_VALUES.map((p) => ({
      path: p,
      change: 'update',
      kind: FileKind.VALUES,
      origin: `platform/payments-api/${p.split('/').slice(1, 4).join('/')}`,
      keys: [{ key: 'image.digest', before: SEED_DIGEST, after: NEW_DIGEST }],
    }))]);
    expect(plan.applications).toEqual([]);
    expect(plan.unchangedFiles).toBe(11);
    expect(formatPlan(plan, 'text').split('\n').slice(0, 4)).toEqual([
      'Files',
      '[~] STATUS.md  (platform)',
      '[~] environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml  (platform/payments-api/nonprod/aws/eu-central-1-01)',
      '      image.digest: sha256:2e8f1a31… → sha256:aaaaaaaa…',
    ]);
  });

  test('shows a new cluster as a values file, an AppProject destination and a created Application', () => {
    // GIVEN a checkout synthesized from the example
    dir = synthesizedCheckout();
    // WHEN the program with a new prod cluster is planned against it
    const plan = planOf(withNewCluster(), dir);
    // THEN the cluster's values file is created, the prod AppProject's destinations change,
    // and workloads-prod creates its Application
    expect(plan).toEqual({
      files: [
        { path: 'STATUS.md', change: 'update', kind: FileKind.STATUS, origin: 'platform' },
        {
          path: 'environments/prod/aws/eu-west-1-01/payments-api/values.yaml',
          change: 'create',
          kind: FileKind.VALUES,
          origin: 'platform/payments-api/prod/aws/eu-west-1-01',
        },
        { path: 'projects/prod.yaml', change: 'update', kind: FileKind.APP_PROJECT, origin: 'platform/prod', fields: ['spec.destinations'] },
      ],
      applications: [{ name: 'payments-api-prod-aws-eu-west-1-01', change: 'create', applicationSet: 'workloads-prod' }],
      unchangedFiles: 14,
    });
  });

  test('shows a removed service as deleted files and deleted Applications', () => {
    // GIVEN a checkout synthesized from the example with ledger-api on nonprod
    dir = synthesizedCheckout(exampleModel((p) => addLedgerApi(p)));
    // WHEN the example without ledger-api is planned against it
    const plan = planOf(exampleModel(), dir);
    // THEN ledger-api's values files and ledger are deleted, the nonprod AppProject no longer
    // lets it in, and its four Applications are deleted
    expect(plan.files).toEqual([
      { path: 'STATUS.md', change: 'update', kind: FileKind.STATUS, origin: 'platform' },
      ...LEDGER_API_VALUES.map((p) => ({ path: p, change: 'delete' })),
      { path: 'projects/nonprod.yaml', change: 'update', kind: FileKind.APP_PROJECT, origin: 'platform/nonprod', fields: ['spec.destinations', 'spec.sourceRepos'] },
      { path: 'releases/ledger-api.yaml', change: 'delete' },
    ]);
    expect(plan.applications).toEqual(LEDGER_API_APPS.map((name) => ({ name, change: 'delete', applicationSet: 'workloads-nonprod' })));
  });

  test('shows a service chart path change as its own ApplicationSet and changed Applications', () => {
    // GIVEN a checkout synthesized from the example with ledger-api on the default chart path
    dir = synthesizedCheckout(exampleModel((p) => addLedgerApi(p)));
    // WHEN ledger-api moves to charts/ledger-api
    const plan = planOf(exampleModel((p) => addLedgerApi(p, { chartPath: 'charts/ledger-api' })), dir);
    // THEN ledger-api gets its own ApplicationSet, workloads-nonprod excludes its directories,
    // and its Applications change only their chart path
    expect(plan.files).toEqual([
      { path: 'applicationsets/nonprod/workloads-nonprod-ledger-api.yaml', change: 'create', kind: FileKind.APPLICATION_SET, origin: 'platform/control-planes/nonprod' },
      {
        path: 'applicationsets/nonprod/workloads-nonprod.yaml', change: 'update', kind: FileKind.APPLICATION_SET,
        origin: 'platform/control-planes/nonprod', fields: ['spec.generators[0].git.directories'],
      },
    ]);
    expect(plan.applications).toEqual(LEDGER_API_APPS.map((name) => ({
      name, change: 'update', applicationSet: 'workloads-nonprod-ledger-api', fields: ['spec.sources[0].path'],
    })));
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
      files: [{
        path: 'environments/prod/gcp/europe-west4-01/payments-api/values.yaml',
        change: 'create',
        kind: FileKind.VALUES,
        origin: 'platform/payments-api/prod/gcp/europe-west4-01',
      }],
      applications: [{ name: 'payments-api-prod-gcp-europe-west4-01', change: 'create', applicationSet: 'workloads-prod' }],
      unchangedFiles: 15,
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
    expect(text).toBe([
      'Files',
      '[~] STATUS.md  (platform)',
      '[+] environments/prod/aws/eu-west-1-01/payments-api/values.yaml  (platform/payments-api/prod/aws/eu-west-1-01)',
      '[~] projects/prod.yaml  (platform/prod)',
      '      spec.destinations',
      '',
      'Applications',
      '[+] payments-api-prod-aws-eu-west-1-01  (ApplicationSet workloads-prod)',
      '',
      'Plan: 3 files to change (1 created, 2 updated, 0 deleted); Applications: 1 created, 0 changed, 0 deleted.',
      '',
    ].join('\n'));
  });

  test('passes every mark through the style function', () => {
    // GIVEN the plan of a new prod cluster
    // WHEN it is rendered as text with a style that brackets marks
    const text = formatPlan(plan, 'text', (m) => `<${m}>`);
    // THEN each mark is styled
    expect(text.split('\n').filter((l) => l.startsWith('<'))).toEqual([
      '<[~]> STATUS.md  (platform)',
      '<[+]> environments/prod/aws/eu-west-1-01/payments-api/values.yaml  (platform/payments-api/prod/aws/eu-west-1-01)',
      '<[~]> projects/prod.yaml  (platform/prod)',
      '<[+]> payments-api-prod-aws-eu-west-1-01  (ApplicationSet workloads-prod)',
    ]);
  });

  test('renders Markdown for a merge-request comment', () => {
    // GIVEN the plan of a new prod cluster
    // WHEN it is rendered as Markdown
    const markdown = formatPlan(plan, 'markdown');
    // THEN files are a diff block and Applications a table
    expect(markdown).toBe([
      '### cdk8s-gitops plan',
      '',
      'Plan: 3 files to change (1 created, 2 updated, 0 deleted); Applications: 1 created, 0 changed, 0 deleted.',
      '',
      '<details><summary>Files</summary>',
      '',
      '```diff',
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
    ].join('\n'));
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
        { path: 'environments/prod/aws/a/svc/values.yaml', change: 'update', kind: FileKind.VALUES, origin: 'platform/svc/prod/aws/a', keys: [{ key: 'replicas', after: 3 }, { key: 'debug', before: true }] },
        { path: 'environments/prod/aws/b/svc/values.yaml', change: 'delete' },
      ],
      applications: [
        { name: 'svc-prod-aws-a', change: 'update', applicationSet: 'workloads-prod-svc', fields: ['spec.sources[0].path', 'spec.destination.namespace'] },
        { name: 'svc-prod-aws-b', change: 'delete', applicationSet: 'workloads-prod' },
      ],
      unchangedFiles: 7,
    };
    // WHEN it is rendered as text and as Markdown
    const text = formatPlan(all, 'text');
    const markdown = formatPlan(all, 'markdown');
    // THEN each change has its mark and its details
    expect(text).toBe([
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
    ].join('\n'));
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

  test('renders an empty plan as one line in every format', () => {
    // GIVEN a plan without changes
    const empty: Plan = { files: [], applications: [], unchangedFiles: 15 };
    // WHEN it is rendered
    // THEN text and Markdown say so, and JSON says changes: false
    expect(formatPlan(empty, 'text')).toBe('No changes: 15 files up to date.\n');
    expect(formatPlan(empty, 'markdown')).toBe('### cdk8s-gitops plan\n\nNo changes: 15 files up to date.\n\n');
    expect(JSON.parse(formatPlan(empty, 'json'))).toEqual({ files: [], applications: [], unchangedFiles: 15, changes: false });
  });
});
