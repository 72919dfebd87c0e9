/**
 * `plan` on a checkout from which the program removes an ApplicationSet, through the built CLI:
 * the root Application does not prune, so plan says the set stays in Argo CD until deleted there,
 * and lists what leaves it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Workload } from '../../src';
import { addLedgerApi, exampleModel, removeCheckout, synthesizedCheckout } from '../synth/example-checkout';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin/cdk8s-gitops.js');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('an ApplicationSet the program no longer makes', () => {
  let out: string;
  beforeAll(() => {
    // GIVEN a checkout with ledger-api on a chart path of its own (its own set, workloads-nonprod-ledger-api)
    out = synthesizedCheckout(exampleModel((p) => addLedgerApi(p, { workload: Workload.helmChart({ chartPath: 'charts/ledger-api' }) })));
  });
  afterAll(() => removeCheckout(out));

  test('plan says the set stays in Argo CD until deleted there, and lists the Applications that leave it', () => {
    // WHEN the example program, without ledger-api, is planned against it
    const r = cli('plan', '--out', out);
    // THEN the set's file is deleted, its Applications listed as deleted (and refused: not declared)
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('[-] applicationsets/nonprod/workloads-nonprod-ledger-api.yaml');
    expect(r.stdout).toContain('[-] ledger-api-nonprod-aws-eu-central-1-01  (ApplicationSet workloads-nonprod-ledger-api)');
    // AND a note says the root Application leaves the set in Argo CD, and how to delete it
    expect(r.stderr).toContain(
      'Note: applicationsets/nonprod/workloads-nonprod-ledger-api.yaml is no longer written, and the root Application of control plane nonprod does not prune: ' +
        'ApplicationSet workloads-nonprod-ledger-api stays in Argo CD with its last spec until you delete it there (kubectl -n argocd delete applicationset workloads-nonprod-ledger-api) once this change is published.',
    );
  });
});

describe('synth that removes an ApplicationSet', () => {
  let out: string;
  beforeAll(() => {
    // GIVEN the same checkout, with ledger-api's set of its own
    out = synthesizedCheckout(exampleModel((p) => addLedgerApi(p, { workload: Workload.helmChart({ chartPath: 'charts/ledger-api' }) })));
  });
  afterAll(() => removeCheckout(out));

  test('says, as plan does, that the set stays in Argo CD until deleted there', () => {
    // WHEN the example program, without ledger-api, is written with the removal allowed
    const r = cli('synth', '--out', out, '--allow-remove', 'ledger-api-*');
    // THEN the set's file is deleted, and the note says how to delete the set in Argo CD
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('[-] applicationsets/nonprod/workloads-nonprod-ledger-api.yaml');
    expect(r.stderr).toContain(
      'Note: applicationsets/nonprod/workloads-nonprod-ledger-api.yaml is no longer written, and the root Application of control plane nonprod does not prune: ' +
        'ApplicationSet workloads-nonprod-ledger-api stays in Argo CD with its last spec until you delete it there (kubectl -n argocd delete applicationset workloads-nonprod-ledger-api) once this change is published.',
    );
  });
});

describe('publish that removes an ApplicationSet', () => {
  let out: string;
  let remote: string;
  const git = (cwd: string, ...args: string[]): void => {
    const r = spawnSync('git', ['-c', 'user.name=Platform', '-c', 'user.email=p@example.com', ...args], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  beforeAll(() => {
    // GIVEN the same checkout, committed and pushed to a remote
    remote = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-remote-'));
    git(remote, 'init', '-q', '--bare', '-b', 'main');
    out = synthesizedCheckout(exampleModel((p) => addLedgerApi(p, { workload: Workload.helmChart({ chartPath: 'charts/ledger-api' }) })));
    git(out, 'init', '-q', '-b', 'main');
    git(out, 'remote', 'add', 'origin', remote);
    git(out, 'add', '-A');
    git(out, 'commit', '-q', '-m', 'synth');
    git(out, 'push', '-q', '-u', 'origin', 'main');
  });
  afterAll(() => {
    removeCheckout(out);
    fs.rmSync(remote, { recursive: true, force: true });
  });

  test('says, once pushed, that the set stays in Argo CD until deleted there', () => {
    // WHEN the example program, without ledger-api, is published with the removal allowed
    const r = cli('publish', '--out', out, '--by', 'alice', '--allow-remove', 'ledger-api-*');
    // THEN
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('[-] applicationsets/nonprod/workloads-nonprod-ledger-api.yaml');
    expect(r.stderr).toContain(
      'ApplicationSet workloads-nonprod-ledger-api stays in Argo CD with its last spec until you delete it there (kubectl -n argocd delete applicationset workloads-nonprod-ledger-api) now that this change is pushed.',
    );
  });
});
