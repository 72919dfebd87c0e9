import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { removeCheckout, synthesizedCheckout, writeFile } from '../synth/example-checkout';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin/cdk8s-gitops.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in the repository root, so that cdk8s.yaml's example program is used. */
function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const EXAMPLE_APPS = ['nonprod', 'prod'].flatMap((env) => [
  `payments-api-${env}-aws-eu-central-1-01`,
  `payments-api-${env}-azure-westeurope-01`,
  `payments-api-${env}-gcp-europe-west4-01`,
  `payments-api-${env}-oci-eu-frankfurt-1-01`,
]);

describe('cdk8s-gitops plan, preview and check', () => {
  let out: string;

  beforeEach(() => {
    out = synthesizedCheckout();
  });

  afterEach(() => removeCheckout(out));

  test('plan exits 0 on a checkout the program just synthesized', () => {
    // GIVEN a checkout synthesized from the example
    // WHEN plan runs the example program against it
    const r = cli('plan', '--out', out);
    // THEN nothing changes
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'No changes: 18 files up to date.\n', '']);
  });

  test('plan exits 2 and prints Markdown when an owned values file was deleted', () => {
    // GIVEN a checkout from which an owned values file was deleted
    fs.rmSync(path.join(out, 'environments/prod/gcp/europe-west4-01/payments-api/values.yaml'));
    // WHEN plan runs with --format markdown
    const r = cli('plan', '--out', out, '--format', 'markdown');
    // THEN it shows the file and the Application coming back
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(
      [
        '### cdk8s-gitops plan',
        '',
        'Plan: 1 file to change (1 created, 0 updated, 0 deleted); Applications: 1 created, 0 changed, 0 deleted.',
        '',
        '<details><summary>Files</summary>',
        '',
        '```diff',
        '+ environments/prod/gcp/europe-west4-01/payments-api/values.yaml',
        '```',
        '',
        '</details>',
        '',
        '| Application | change | ApplicationSet | fields |',
        '| --- | --- | --- | --- |',
        '| `payments-api-prod-gcp-europe-west4-01` | create | workloads-prod |  |',
        '',
        '',
      ].join('\n'),
    );
  });

  test('plan exits 2 and prints JSON for a program that adds a cluster', () => {
    // GIVEN a program that adds a prod cluster to the example
    const programDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-program-'));
    const program = path.join(programDir, 'platform.ts');
    fs.writeFileSync(
      program,
      [
        `import { paymentsPlatform } from ${JSON.stringify(path.join(REPO, 'examples/payments-platform/main'))};`,
        `import { Cloud, Cluster, Environment } from ${JSON.stringify(path.join(REPO, 'src'))};`,
        'const platform = paymentsPlatform();',
        "new Cluster(platform.node.findChild('prod') as Environment, 'eu-west-1-01', { cloud: platform.node.findChild('aws') as Cloud, region: 'eu-west-1' });",
        'platform.synth();',
        '',
      ].join('\n'),
    );
    try {
      // WHEN plan runs it with --format json
      const r = cli('plan', '--app', `npx tsx ${program}`, '--out', out, '--format', 'json');
      // THEN the JSON has the new values file, the AppProject change and the new Application
      expect([r.status, r.stderr]).toEqual([2, '']);
      expect(JSON.parse(r.stdout)).toEqual({
        files: [
          { path: '.cdk8s-gitops/model/platform.json', change: 'update', kind: 'model', origin: 'platform' },
          { path: '.cdk8s-gitops/model/services/payments-api.json', change: 'update', kind: 'model', origin: 'platform/payments-api' },
          { path: 'STATUS.md', change: 'update', kind: 'status', origin: 'platform' },
          {
            path: 'environments/prod/aws/eu-west-1-01/payments-api/values.yaml',
            change: 'create',
            kind: 'values',
            origin: 'platform/payments-api/prod/aws/eu-west-1-01',
          },
          { path: 'projects/prod.yaml', change: 'update', kind: 'appproject', origin: 'platform/prod', fields: ['spec.destinations'] },
        ],
        // What the new Application starts with: the release its ring runs.
        applications: [
          {
            name: 'payments-api-prod-aws-eu-west-1-01',
            change: 'create',
            applicationSet: 'workloads-prod',
            runs: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
          },
        ],
        unchangedFiles: 14,
        unrecorded: [],
        acceptedEdits: [],
        kept: [],
        changes: true,
        refusedDeletions: [],
      });
    } finally {
      fs.rmSync(programDir, { recursive: true, force: true });
    }
  });

  test('plan shows a change made alike on many files once, with their count; --verbose lists them', () => {
    // GIVEN a program that raises prod's minimum replicas, which every prod values file holds
    const programDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-program-'));
    const program = path.join(programDir, 'platform.ts');
    fs.writeFileSync(
      program,
      [
        `import { paymentsPlatform } from ${JSON.stringify(path.join(REPO, 'examples/payments-platform/main'))};`,
        'const platform = paymentsPlatform();',
        "(platform.node.findChild('prod') as any).values.autoscaling.minReplicas = 8;",
        'platform.synth();',
        '',
      ].join('\n'),
    );
    try {
      // WHEN
      const r = cli('plan', '--app', `npx tsx ${program}`, '--out', out);
      const verbose = cli('plan', '--app', `npx tsx ${program}`, '--out', out, '--verbose');
      const json = cli('plan', '--app', `npx tsx ${program}`, '--out', out, '--format', 'json');

      // THEN one entry, not four
      expect(r.status).toBe(2);
      const group = ['[~] environments/prod/*/*/payments-api/values.yaml  (4 files, each:)', '      autoscaling.minReplicas: 6 → 8'].join(
        '\n',
      );
      expect(r.stdout).toContain(`${group}\n`);
      expect(r.stdout).not.toContain('[~] environments/prod/aws/');
      expect(r.stdout).toContain('Plan: 6 files to change (0 created, 6 updated, 0 deleted)');
      // --verbose names each file under the change
      expect(verbose.stdout).toContain(
        `${group}\n        environments/prod/aws/eu-central-1-01/payments-api/values.yaml  (platform/payments-api/prod/aws/eu-central-1-01)\n`,
      );
      expect(verbose.stdout.match(/^ {8}environments\/prod\//gm)).toHaveLength(4);
      // JSON has every file on its own
      expect(JSON.parse(json.stdout).files.filter((f: { path: string }) => f.path.startsWith('environments/prod/'))).toHaveLength(4);
    } finally {
      fs.rmSync(programDir, { recursive: true, force: true });
    }
  });

  test('preview prints the Applications as a table', () => {
    // GIVEN a checkout synthesized from the example
    // WHEN preview runs
    const r = cli('preview', '--out', out, '--format', 'table');
    // THEN there is one row per Application, with its ApplicationSet, project and destination
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(
      [
        'APPLICATION                                 APPLICATIONSET     PROJECT  DESTINATION',
        'payments-api-nonprod-aws-eu-central-1-01    workloads-nonprod  nonprod  aws-eu-central-1-01/payments-api',
        'payments-api-nonprod-azure-westeurope-01    workloads-nonprod  nonprod  azure-westeurope-01/payments-api',
        'payments-api-nonprod-gcp-europe-west4-01    workloads-nonprod  nonprod  gcp-europe-west4-01/payments-api',
        'payments-api-nonprod-oci-eu-frankfurt-1-01  workloads-nonprod  nonprod  oci-eu-frankfurt-1-01/payments-api',
        'payments-api-prod-aws-eu-central-1-01       workloads-prod     prod     aws-eu-central-1-01/payments-api',
        'payments-api-prod-azure-westeurope-01       workloads-prod     prod     azure-westeurope-01/payments-api',
        'payments-api-prod-gcp-europe-west4-01       workloads-prod     prod     gcp-europe-west4-01/payments-api',
        'payments-api-prod-oci-eu-frankfurt-1-01     workloads-prod     prod     oci-eu-frankfurt-1-01/payments-api',
        '8 Applications.',
        '',
      ].join('\n'),
    );
  });

  test('preview prints the same Applications as YAML and as JSON', () => {
    // GIVEN a checkout synthesized from the example
    // WHEN preview runs with --format yaml and --format json
    const yaml = cli('preview', '--out', out, '--format', 'yaml');
    const json = cli('preview', '--out', out, '--format', 'json');
    // THEN both hold the eight Applications, alike
    expect([yaml.status, json.status]).toEqual([0, 0]);
    const fromYaml = parseAllDocuments(yaml.stdout).map((d) => d.toJS());
    const fromJson = JSON.parse(json.stdout);
    expect(fromYaml.map((a: any) => [a.kind, a.metadata.name])).toEqual(EXAMPLE_APPS.map((n) => ['Application', n]));
    expect(fromJson).toEqual(fromYaml);
    expect(fromJson[4].spec.sources[0].helm.valueFiles).toEqual(['$values/environments/prod/aws/eu-central-1-01/payments-api/values.yaml']);
  });

  test('check exits 0 on a checkout the program just synthesized', () => {
    // GIVEN a checkout synthesized from the example
    // WHEN check runs the example program against it
    const r = cli('check', '--out', out);
    // THEN it is clean
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'Clean: the checkout is exactly what the program synthesizes.\n', '']);
  });

  test('check exits 2 for a stray directory, with the Application it would become and the fix', () => {
    // GIVEN a directory nobody declared where workloads-prod looks for targets
    writeFile(out, 'environments/prod/aws/eu-central-1-01/stray/values.yaml', 'replicaCount: 1\n');
    // WHEN check runs
    const r = cli('check', '--out', out);
    // THEN it reports the directory and how to fix it
    expect([r.status, r.stderr]).toEqual([2, '']);
    expect(r.stdout).toBe(
      [
        '[undeclared-application] CG416 environments/prod/aws/eu-central-1-01/stray: ApplicationSet workloads-prod would generate Application stray-prod-aws-eu-central-1-01, which the program does not declare.',
        '    Fix: Remove the stray directory, or declare the target in the program.',
        '1 finding.',
        '',
      ].join('\n'),
    );
  });

  test('check shows the diff of a hand edit, without a line that may hold a secret, in text and JSON', () => {
    // GIVEN a values file edited by hand: more replicas, and a password
    const file = 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml';
    const text = fs.readFileSync(path.join(out, file), 'utf8');
    writeFile(out, file, `${text.replace('  minReplicas: 6\n', '  minReplicas: 9\n')}database:\n  password: hunter2-but-longer\n`);
    // WHEN check runs
    const r = cli('check', '--out', out);
    const json = cli('check', '--out', out, '--format', 'json');
    // THEN the finding carries the diff from what cdk8s-gitops writes to what the checkout holds
    expect([r.status, r.stderr]).toEqual([2, '']);
    const diff = [
      `--- a/${file}`,
      `+++ b/${file}`,
      '@@ -9,7 +9,7 @@',
      '   digest: sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912',
      ' autoscaling:',
      '   enabled: true',
      '-  minReplicas: 6',
      '+  minReplicas: 9',
      '   maxReplicas: 18',
      '   targetCPUUtilizationPercentage: 70',
      ' externalSecrets:',
    ];
    expect(r.stdout).toContain(`[edited] CG413 ${file}: ${file} was edited by hand.\n`);
    expect(r.stdout).toContain(diff.map((l) => `    ${l}`.trimEnd()).join('\n'));
    expect(r.stdout).toContain('    +database:\n    +(a line that may hold a secret: not shown)\n');
    expect(r.stdout).not.toContain('hunter2');
    const edited = JSON.parse(json.stdout).findings.find((f: { kind: string }) => f.kind === 'edited');
    expect(edited.diff.startsWith(`${diff.join('\n')}\n`)).toBe(true);
    expect(json.stdout).not.toContain('hunter2');
  });

  test('plan shows hand-edited values that may hold a secret as not shown, in text, Markdown and JSON', () => {
    // GIVEN a values file edited by hand: more replicas, a password, a flag with a password, a token under a plain key
    const file = 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml';
    const text = fs.readFileSync(path.join(out, file), 'utf8');
    writeFile(
      out,
      file,
      `${text.replace('  minReplicas: 6\n', '  minReplicas: 9\n')}password: PLANTED-handedit-5\nargs: ["--db-password=PLANTED-handedit-2"]\nnote: Zq8vP3xKr7TmW2yLb9NcD4fH\n`,
    );
    // WHEN plan runs in each format
    const [textOut, markdown, json] = ['text', 'markdown', 'json'].map((format) => cli('plan', '--out', out, '--format', format));
    // THEN the replicas show; the other values are said to be there, never shown
    expect([textOut.status, markdown.status, json.status]).toEqual([2, 2, 2]);
    expect(textOut.stdout).toContain(
      [
        '      autoscaling.minReplicas: 9 → 6',
        '      password: (may hold a secret: not shown) (removed)',
        '      args: (may hold a secret: not shown) (removed)',
        '      note: (may hold a secret: not shown) (removed)',
      ].join('\n'),
    );
    expect(markdown.stdout).toContain('!     password: (may hold a secret: not shown) (removed)\n');
    const keys = JSON.parse(json.stdout).files.find((f: { path: string }) => f.path === file).keys;
    expect(keys).toEqual([
      { key: 'autoscaling.minReplicas', before: 9, after: 6 },
      { key: 'password', before: '(may hold a secret: not shown)', hidden: true },
      { key: 'args', before: '(may hold a secret: not shown)', hidden: true },
      { key: 'note', before: '(may hold a secret: not shown)', hidden: true },
    ]);
    for (const r of [textOut, markdown, json]) expect(`${r.stdout}${r.stderr}`).not.toMatch(/PLANTED|Zq8vP3/);
  });

  test.each([
    ['plan', 'text, markdown, json', 'text'],
    // (the closest of those it offers, where one is close)
    ['preview', 'table, yaml, json', 'yaml'],
    ['check', 'text, json', 'text'],
  ])('%s fails when --format is not one it offers', (command, offered, first) => {
    // GIVEN a checkout synthesized from the example
    // WHEN the command runs with --format xml
    const r = cli(command, '--out', out, '--format', 'xml');
    // THEN it exits 1 with CG301, the formats it offers and the fix
    expect([r.status, r.stdout, r.stderr]).toEqual([
      1,
      '',
      `Error: CG301 ${command}: --format "xml" is not one of ${offered}. Fix: Use --format ${first}.\n`,
    ]);
  });
});
