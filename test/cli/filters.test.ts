/**
 * `--service`, `--env`, `--ring` and `--team` on `status`, `plan` and `preview` (and a service
 * named as `status`'s argument), through the built CLI on the example's checkout.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeCheckout, synthesizedCheckout } from '../synth/example-checkout';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin/cdk8s-gitops.js');

/** Runs the built CLI in the repository root, so that cdk8s.yaml's example program is used. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('filters', () => {
  let out: string;
  beforeAll(() => {
    out = synthesizedCheckout();
  });
  afterAll(() => removeCheckout(out));

  test('status takes a service as its argument, and --ring and --env narrow it to the rings with targets there', () => {
    // WHEN
    const byName = cli('status', 'payments-api', '--out', out, '--format', 'json');
    const prod = cli('status', 'payments-api', '--env', 'prod', '--out', out, '--format', 'json');
    const canary = cli('status', '--ring', 'prod-canary', '--out', out, '--targets', '--format', 'json');

    // THEN
    expect(JSON.parse(byName.stdout).services.map((s: { service: string }) => s.service)).toEqual(['payments-api']);
    const rings = JSON.parse(prod.stdout);
    expect(rings.rings).toEqual(['prod-canary', 'prod']);
    expect(rings.services[0].rings.map((r: { ring: string }) => r.ring)).toEqual(['prod-canary', 'prod']);
    expect(JSON.parse(canary.stdout).targets.map((t: { application: string; ring: string }) => `${t.application} ${t.ring}`)).toEqual([
      expect.stringMatching(/^payments-api-prod-[a-z0-9-]+ prod-canary$/),
    ]);
  });

  test('a name the program does not declare is an error with the closest one; two services are one too many', () => {
    // WHEN
    const typo = cli('status', '--ring', 'prod-canry', '--out', out);
    const two = cli('status', 'payments-api', '--service', 'ledger-api', '--out', out);

    // THEN
    expect([typo.status, typo.stderr]).toEqual([
      1,
      expect.stringContaining('status knows no ring "prod-canry". Did you mean "prod-canary"?'),
    ]);
    expect([two.status, two.stderr]).toEqual([
      1,
      expect.stringContaining('status takes at most one service; received "payments-api" "ledger-api".'),
    ]);
  });

  test('plan shows the changes of the targets selected, counts the others, and exits as the whole plan does', () => {
    // GIVEN a program that changes both environments' values
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-program-'));
    const program = path.join(dir, 'platform.ts');
    fs.writeFileSync(
      program,
      [
        `import { paymentsPlatform } from ${JSON.stringify(path.join(REPO, 'examples/payments-platform/main'))};`,
        'const platform = paymentsPlatform();',
        "(platform.node.findChild('prod') as any).values.autoscaling.minReplicas = 8;",
        "(platform.node.findChild('nonprod') as any).values.autoscaling.minReplicas = 3;",
        'platform.synth();',
        '',
      ].join('\n'),
    );
    try {
      // WHEN
      const r = cli('plan', '--app', `npx tsx ${program}`, '--out', out, '--env', 'nonprod', '--format', 'json');

      // THEN
      expect(r.status).toBe(2);
      expect(JSON.parse(r.stdout).files.map((f: { path: string }) => f.path)).toEqual([
        'environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml',
        'environments/nonprod/azure/westeurope-01/payments-api/values.yaml',
        'environments/nonprod/gcp/europe-west4-01/payments-api/values.yaml',
        'environments/nonprod/oci/eu-frankfurt-1-01/payments-api/values.yaml',
      ]);
      // the prod values files, and the release model's files, shared by every target
      expect(r.stderr).toBe('Note: --env nonprod shows part of the plan; not shown: 6 other file changes.\n');
      expect(JSON.parse(r.stdout).notShown).toBe('6 other file changes');
      // a filter that selects nothing changed says so, and what it does not show
      const prodOnly = cli('plan', '--app', `npx tsx ${program}`, '--out', out, '--ring', 'prod-canary');
      expect(prodOnly.stdout).toContain('Plan: 1 file to change (0 created, 1 updated, 0 deleted)');
      expect(prodOnly.stdout).toContain('Not shown: 9 other file changes.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('plan shows every deletion whatever the filters, and never says "No changes" when it hides some', () => {
    // GIVEN a program without the aws clusters, whose removal it does not declare
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-program-'));
    const program = path.join(dir, 'platform.ts');
    fs.writeFileSync(
      program,
      [
        `import { paymentsPlatform } from ${JSON.stringify(path.join(REPO, 'examples/payments-platform/main'))};`,
        `import { Cloud, Cluster, Environment } from ${JSON.stringify(path.join(REPO, 'src'))};`,
        'const platform = paymentsPlatform();',
        "new Cluster(platform.node.findChild('nonprod') as Environment, 'eu-west-1-01', { cloud: platform.node.findChild('aws') as Cloud, region: 'eu-west-1' });",
        "(platform.node.findChild('prod') as any).node.tryRemoveChild('eu-central-1-01');",
        'platform.synth();',
        '',
      ].join('\n'),
    );
    try {
      // WHEN the plan is filtered to a ring the deletion is not in
      const r = cli('plan', '--app', `npx tsx ${program}`, '--out', out, '--ring', 'nonprod', '--format', 'markdown');
      // THEN the deletion is there, marked refused, and the summary counts what is not shown
      expect(r.status).toBe(2);
      expect(r.stdout).toContain('payments-api-prod-aws-eu-central-1-01');
      expect(r.stdout).toContain('environments/prod/aws/eu-central-1-01/payments-api/values.yaml');
      expect(r.stdout).not.toContain('No changes');
      expect(r.stdout).toMatch(/Not shown: \d+ other file changes?\./);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("preview shows the Applications of the targets selected, as the checkout's release model places them", () => {
    // WHEN
    const prod = cli('preview', '--out', out, '--env', 'prod', '--format', 'json');
    const canary = cli('preview', '--out', out, '--ring', 'prod-canary', '--format', 'json');

    // THEN
    expect(prod.status).toBe(0);
    expect(JSON.parse(prod.stdout).map((a: { metadata: { name: string } }) => a.metadata.name)).toEqual([
      'payments-api-prod-aws-eu-central-1-01',
      'payments-api-prod-azure-westeurope-01',
      'payments-api-prod-gcp-europe-west4-01',
      'payments-api-prod-oci-eu-frankfurt-1-01',
    ]);
    expect(prod.stderr).toBe('Note: the filters show part of the preview; not shown: 4 other Applications.\n');
    expect(JSON.parse(canary.stdout)).toHaveLength(1);
  });
});
