/**
 * Through the built CLI: `plan` warns about an Application another ApplicationSet's old spec
 * creates first in between, and `synth` refuses a join of an environment's sets by cluster with
 * the declaration that keeps them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cloud, Cluster, ControlPlane, Environment, Platform, Removal, Service } from '../../src';
import { PlatformModel } from '../../src/model/platform-model';
import { hashTree } from '../support/hash-tree';
import { DIGEST } from '../support/platforms';
import { runBin, writeFixedProgram } from '../support/cli';
import { removeCheckout, synthesizedCheckout } from '../synth/example-checkout';

/** Environment `prod` (cap `cap`) with `services` services `s<i>` on each cluster, `x` registered under `eks-x` when `ownX`. */
function model(
  clusters: readonly string[],
  options: { services?: number; cap?: number; ownX?: boolean; removed?: string[] } = {},
): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const env = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'argocd', options.cap === undefined ? {} : { maxApplicationsPerApplicationSet: options.cap }),
  });
  const aws = new Cloud(platform, 'aws');
  const list = clusters.map(
    (name) =>
      new Cluster(env, name, { cloud: aws, region: 'eu-central-1', ...(name === 'x' && options.ownX ? { destination: 'eks-x' } : {}) }),
  );
  for (let i = 0; i < (options.services ?? 2); i++) {
    const svc = new Service(platform, `s${i}`, { image: { repository: `registry.example.com/s${i}` }, initialDigest: DIGEST });
    for (const c of list) svc.deployTo(c);
  }
  for (const name of options.removed ?? []) platform.removed(Removal.service(name));
  return platform.snapshot();
}

describe('moves between ApplicationSets, through the CLI', () => {
  let out: string;
  let program: string;
  beforeEach(() => {
    program = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-program-'));
  });
  afterEach(() => {
    removeCheckout(out);
    fs.rmSync(program, { recursive: true, force: true });
  });

  test("plan marks and warns about Applications a broad set's old spec creates first (a first cluster with its own destination)", () => {
    // GIVEN a checkout of c0 (workloads-prod matches environments/prod/*/*/*)
    out = synthesizedCheckout(model(['c0']));
    // WHEN the program adds x with its own destination and services on it
    writeFixedProgram(program, model(['c0', 'x'], { ownX: true }));
    const r = runBin(program, ['plan', '--out', out]);
    // THEN
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(
      '[+] s0-prod-aws-x  (ApplicationSet workloads-prod-aws-x)  runs sha256:2e8f1a31  IN BETWEEN: the old spec of ApplicationSet workloads-prod creates it first',
    );
    expect(r.stderr).toContain(
      'Warning: until Argo CD applies the new ApplicationSet specs (apart from the commit that brings the tree), 2 Applications would first be created by the wrong ApplicationSet',
    );
    expect(r.stderr).toContain('For a cluster with its own destination, declare it first without deploying to it');
    expect(r.stderr).toContain('  s1-prod-aws-x: IN BETWEEN: the old spec of ApplicationSet workloads-prod creates it first');
  });

  test('synth refuses to join an environment split by the cap, naming applicationSets: ApplicationSetSplit.PER_CLUSTER; nothing is written', () => {
    // GIVEN 3 services on 2 clusters over the cap of 5: split by cluster
    out = synthesizedCheckout(model(['c0', 'c1'], { services: 3, cap: 5 }));
    const before = hashTree(out);
    // WHEN s2 is removed (declared): 4 targets, within the cap
    writeFixedProgram(program, model(['c0', 'c1'], { services: 2, cap: 5, removed: ['s2'] }));
    const r = runBin(program, ['synth', '--out', out]);
    // THEN
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('CG141');
    expect(r.stderr).toContain("each moves from its cluster's ApplicationSet (workloads-prod-<cloud>-<cluster>) to workloads-prod");
    expect(r.stderr).toContain("new Environment(platform, 'prod', { …, applicationSets: ApplicationSetSplit.PER_CLUSTER })");
    expect(hashTree(out)).toEqual(before);
  });
});
