/**
 * Alike problems print as one entry (the first in full, the others by where they are) through the
 * built CLI on the example's checkout: `check`'s findings (its JSON, count and exit code keep every
 * finding) and `preview`'s template problems.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { removeCheckout, synthesizedCheckout } from '../synth/example-checkout';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin/cdk8s-gitops.js');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CLUSTER = 'environments/prod/aws/eu-central-1-01';
const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

describe('check groups alike findings', () => {
  let out: string;
  beforeAll(() => {
    out = synthesizedCheckout();
    // Five directories nobody declared where the ApplicationSets make an Application of each
    for (const name of NAMES) {
      fs.mkdirSync(path.join(out, `${CLUSTER}/${name}`), { recursive: true });
      fs.writeFileSync(path.join(out, `${CLUSTER}/${name}/values.yaml`), 'a: 1\n');
    }
    // and one hand edit, which keeps its own entry with its diff
    fs.appendFileSync(path.join(out, `${CLUSTER}/payments-api/values.yaml`), 'extra: true\n');
  });
  afterAll(() => removeCheckout(out));

  test('one entry per kind with a count and the first places; JSON and the exit code keep every finding', () => {
    // WHEN
    const text = cli('check', '--out', out);
    const json = cli('check', '--out', out, '--format', 'json');
    // THEN the five stray directories are one entry, the first in full, the next three by path and a count of the rest
    const findings = JSON.parse(json.stdout).findings as { code: string; path: string }[];
    expect(findings.map((f) => `${f.code} ${f.path}`)).toEqual([
      ...NAMES.map((n) => `CG416 ${CLUSTER}/${n}`),
      `CG413 ${CLUSTER}/payments-api/values.yaml`,
    ]);
    const lines = text.stdout.split('\n');
    expect(lines.filter((l) => l.includes('CG416'))).toEqual([
      `[undeclared-application] CG416 ${CLUSTER}/alpha: ApplicationSet workloads-prod would generate Application alpha-prod-aws-eu-central-1-01, which the program does not declare.`,
      `    … and 4 more CG416 like it: ${CLUSTER}/bravo, ${CLUSTER}/charlie, ${CLUSTER}/delta and 1 more.`,
    ]);
    expect(text.stdout).toContain('+extra: true');
    expect(lines.at(-2)).toBe('6 findings.');
    // AND the exit code is check's for findings, as without grouping
    expect([text.status, json.status]).toEqual([2, 2]);
  });
});

describe('preview groups alike template problems', () => {
  let out: string;
  beforeAll(() => {
    out = synthesizedCheckout();
    // A hand-written ApplicationSet whose name template reads a key no parameter set has
    fs.writeFileSync(
      path.join(out, 'applicationsets/prod/canary.yaml'),
      `apiVersion: argoproj.io/v1alpha1
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
          - path: environments/prod/*/*/*
  template:
    metadata:
      name: 'canary-{{ .path.basename }}-{{ .nope }}'
    spec:
      project: prod
      source:
        repoURL: https://git.xxxcompany.com/platform/platform-gitops.git
        path: '{{ .path.path }}'
      destination:
        name: in-cluster
        namespace: canary
`,
    );
  });
  afterAll(() => removeCheckout(out));

  test('one entry for the four parameter sets, naming the other three directories; the exit code and code as before', () => {
    // WHEN
    const r = cli('preview', '--out', out);
    // THEN Argo CD's error (Go's text/template: map has no entry for key "nope") once, then the other directories
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      'Error: ApplicationSet "canary": 4 problems found:',
      '[applicationsets/prod/canary.yaml] CG702 ApplicationSet "canary" spec.template.metadata.name, directory "environments/prod/aws/eu-central-1-01/payments-api": ' +
        'Template "canary-{{ .path.basename }}-{{ .nope }}" references a missing key: <.nope>: map has no entry for key "nope" (the keys of . are: path). ' +
        'Fix: Use one of the keys of ., or fix the spelling.',
      '  … and 3 more CG702 like it: environments/prod/azure/westeurope-01/payments-api, environments/prod/gcp/europe-west4-01/payments-api, environments/prod/oci/eu-frankfurt-1-01/payments-api.',
    ]);
  });
});
