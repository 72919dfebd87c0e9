/**
 * `npx cdk8s synth` runs the same program through the cdk8s CLI (cdk8s.yaml's `app:`), which
 * sets CDK8S_OUTDIR; `platform.synth()` then writes the tree itself. It must be the tree the
 * cdk8s-gitops CLI writes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { scaffold } from '../../src/cli/commands/init';

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

describe('npx cdk8s synth in the project init scaffolds', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-init-layout-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('leaves the GitOps checkout alone: it is gitops.checkout, never the output the cdk8s CLI deletes first', () => {
    // GIVEN the cdk8s.yaml init writes (with a program that only makes its output directory) and a clone where it names the checkout
    const project = path.join(tmp, 'my-platform');
    fs.mkdirSync(project);
    const config = parse(scaffold({ name: 'my-platform', sdk: '^0.0.0' })['cdk8s.yaml']);
    fs.writeFileSync(
      path.join(project, 'cdk8s.yaml'),
      stringify({ ...config, app: `${JSON.stringify(process.execPath)} -e "require('fs').mkdirSync(process.env.CDK8S_OUTDIR)"` }),
    );
    const checkout = path.resolve(project, config.gitops?.checkout ?? config.output);
    fs.mkdirSync(path.join(checkout, '.git'), { recursive: true });
    fs.writeFileSync(path.join(checkout, '.git', 'HEAD'), 'ref: refs/heads/main\n');

    // WHEN the cdk8s CLI synthesizes the project
    const cdk8s = spawnSync(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['synth'], { cwd: project, encoding: 'utf8' });

    // THEN the clone is still there, and cdk8s wrote into a directory of its own
    expect([cdk8s.status, cdk8s.stderr]).toEqual([0, expect.any(String)]);
    expect(fs.readFileSync(path.join(checkout, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(path.resolve(project, config.output)).not.toBe(checkout);
  }, 60_000);
});
