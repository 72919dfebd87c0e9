import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root: its cdk8s.yaml runs examples/payments-platform. */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/cdk8s-gitops.js');
const D2 = 'sha256:91ab5c0e4d2f8a7b6c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in the repository root, as a user would. */
function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CDK8S_GITOPS_NOW: '2026-11-22T10:00:00Z' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('status and explain on the example', () => {
  let out: string;

  beforeAll(() => {
    // GIVEN the example synthesized into a checkout, and a digest promoted into nonprod
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-inspect-'));
    expect(cli('synth', '--out', out).code).toBe(0);
    expect(cli('promote', 'payments-api', '--ring', 'nonprod', '--digest', D2, '--by', 'ci', '--out', out).code).toBe(0);
  });

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('status prints each ring of each service in program order', () => {
    // WHEN status runs on the checkout
    const r = cli('status', '--out', out);
    // THEN it shows the ledger's rings, digests and who moved them
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'Rings, in promotion order: nonprod → prod-canary → prod',
        '',
        'payments-api  (releases/payments-api.yaml)',
        '  RING         TARGETS  DIGEST           SINCE                 BY       FROM  APPROVED BY  HOLD',
        '  nonprod      4        sha256:91ab5c0e  2026-11-22T10:00:00Z  ci       —     —            —',
        '  prod-canary  1        sha256:2e8f1a31  initial               initial  —     —            —',
        '  prod         3        sha256:2e8f1a31  initial               initial  —     —            —',
        '',
        "initial: the program's initialDigest; nothing was promoted into the ring since.",
        'Change what a ring runs with `cdk8s-gitops promote`, `rollback` and `unhold`.',
        '',
      ].join('\n'),
    });
  });

  test('status matches STATUS.md in the checkout', () => {
    // WHEN the checkout's STATUS.md is read
    const md = fs.readFileSync(path.join(out, 'STATUS.md'), 'utf8');
    // THEN it holds the same rows
    expect(md).toContain('| nonprod | 4 | `sha256:91ab5c0e` | 2026-11-22T10:00:00Z | ci | — | — | — |\n');
    expect(md).toContain('  r0["nonprod<br/>sha256:91ab5c0e<br/>since 2026-11-22T10:00:00Z"]\n');
  });

  test('status --format json gives the rings as data', () => {
    // WHEN status runs with --format json
    const r = cli('status', '--out', out, '--format', 'json');
    // THEN it parses, with the full digest of each ring
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.rings).toEqual(['nonprod', 'prod-canary', 'prod']);
    expect(data.services[0].rings.map((x: any) => [x.ring, x.digest, x.by])).toEqual([
      ['nonprod', D2, 'ci'],
      ['prod-canary', 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912', 'initial'],
      ['prod', 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912', 'initial'],
    ]);
  });

  test('status --targets prints one row per target', () => {
    // WHEN status runs with --targets
    const r = cli('status', '--out', out, '--targets');
    // THEN each Application has its ring, digest and values file
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe('APPLICATION                                 RING         DIGEST           VALUES FILE');
    expect(lines[1]).toBe(
      'payments-api-nonprod-aws-eu-central-1-01    nonprod      sha256:91ab5c0e  environments/nonprod/aws/eu-central-1-01/payments-api/values.yaml',
    );
    expect(lines[5]).toBe(
      'payments-api-prod-azure-westeurope-01       prod-canary  sha256:2e8f1a31  environments/prod/azure/westeurope-01/payments-api/values.yaml',
    );
  });

  test('explain <application> shows the chain and the layer behind each key', () => {
    // WHEN the prod canary Application is explained
    const r = cli('explain', 'payments-api-prod-azure-westeurope-01', '--out', out);
    // THEN it names ApplicationSet, project, destination, digest and each key's layer
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('\n  ApplicationSet  workloads-prod (applicationsets/prod/workloads-prod.yaml)\n');
    expect(r.stdout).toContain('\n  project         prod\n');
    expect(r.stdout).toContain('\n  destination     azure-westeurope-01/payments-api (cluster/namespace)\n');
    expect(r.stdout).toContain("\n  digest          sha256:2e8f1a31 (the program's initialDigest; not promoted since)\n");
    expect(r.stdout).toContain('\n  autoscaling.minReplicas = 6  ← Environment prod\n');
    expect(r.stdout).toContain(
      '\n  image.digest = sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912  ← release ledger (ring prod-canary)\n',
    );
  });

  test('explain <service> narrowed to one target, as JSON', () => {
    // WHEN a service is narrowed to its nonprod AWS target
    const r = cli('explain', 'payments-api', '--env', 'nonprod', '--cloud', 'aws', '--out', out, '--format', 'json');
    // THEN the explanation is that target's, with the promoted digest
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e).toMatchObject({
      application: 'payments-api-nonprod-aws-eu-central-1-01',
      ring: 'nonprod',
      applicationSet: { name: 'workloads-nonprod', file: 'applicationsets/nonprod/workloads-nonprod.yaml' },
      release: { digest: D2, since: '2026-11-22T10:00:00Z', by: 'ci' },
    });
    expect(e.values).toContainEqual({ key: 'autoscaling.minReplicas', value: 2, layer: 'Environment nonprod' });
  });

  test('fails when a service matches several targets, listing them', () => {
    // WHEN a service is explained without narrowing it to one target
    const r = cli('explain', 'payments-api', '--env', 'prod', '--out', out);
    // THEN it exits 1, lists the four prod Applications and asks to narrow it
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'Error: CG301 explain "payments-api" matches 4 targets; it explains one at a time. ' +
          'Fix: Narrow it to one with --env, --cloud and --cluster, or name one of these Applications:',
        '  payments-api-prod-aws-eu-central-1-01',
        '  payments-api-prod-azure-westeurope-01',
        '  payments-api-prod-gcp-europe-west4-01',
        '  payments-api-prod-oci-eu-frankfurt-1-01',
        '',
      ].join('\n'),
    );
  });

  test('fails when the name is unknown, with close matches', () => {
    // WHEN a misspelt Application is explained
    const r = cli('explain', 'payments-api-prod-azure-westeurope-1', '--out', out);
    // THEN it exits 1 and suggests the names it may have meant
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: CG306 The program has no Application or service "payments-api-prod-azure-westeurope-1"\. Did you mean "payments-api-prod-azure-westeurope-01"\? Fix: /,
    );
  });

  test('fails when a filter matches no target', () => {
    // WHEN the cloud is misspelt
    const r = cli('explain', 'payments-api', '--env', 'prod', '--cloud', 'azur', '--out', out);
    // THEN it exits 1 and names the clouds there are
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: CG306 No target of "payments-api" matches --env prod --cloud azur. Fix: --cloud takes one of aws, azure, gcp, oci (did you mean azure?).\n',
    );
  });

  test('fails on a wrong --format or a missing name, before running the program', () => {
    // WHEN status gets an unknown format, and explain no name
    const format = cli('status', '--format', 'yaml');
    const missing = cli('explain');
    // THEN both exit 1 with the fix
    expect(format).toMatchObject({
      code: 1,
      stderr: 'Error: CG301 status: --format "yaml" is not one of text, json. Fix: Use --format text.\n',
    });
    // AND a format mistyped is given the one meant
    expect(cli('status', '--format', 'jsn')).toMatchObject({
      code: 1,
      stderr: 'Error: CG301 status: --format "jsn" is not one of text, json. Fix: Use --format json.\n',
    });
    expect(missing).toMatchObject({
      code: 1,
      stderr:
        'Error: CG301 explain takes one Application or service name; received none. Fix: Run e.g. `cdk8s-gitops explain payments-api-prod-azure-westeurope-01`.\n',
    });
  });
});
