/**
 * `npx cdk8s synth` runs the same program through the cdk8s CLI (cdk8s.yaml's `app:`), which
 * sets CDK8S_OUTDIR; `platform.synth()` then writes the tree itself. It must be the tree the
 * cdk8s-gitops CLI writes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

function filesOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(p);
      else out[p] = fs.readFileSync(path.join(root, p), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('npx cdk8s synth', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-cdk8s-cli-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes the same tree as cdk8s-gitops synth', () => {
    // GIVEN the project's cdk8s.yaml, whose app is the example
    const viaCdk8s = path.join(tmp, 'cdk8s-out');
    const viaCli = path.join(tmp, 'cli-out');

    // WHEN both CLIs synthesize it
    const cdk8s = spawnSync('npx', ['cdk8s', 'synth', '--output', viaCdk8s], { cwd: ROOT, encoding: 'utf8' });
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin/cdk8s-gitops.js'), 'synth', '--out', viaCli], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    // THEN both succeed with identical files, the manifest included
    expect(cdk8s.status).toBe(0);
    expect(cli.status).toBe(0);
    const files = filesOf(viaCdk8s);
    expect(Object.keys(files)).toContain('environments/prod/azure/westeurope-01/payments-api/values.yaml');
    expect(files).toEqual(filesOf(viaCli));
  }, 180_000);
});
