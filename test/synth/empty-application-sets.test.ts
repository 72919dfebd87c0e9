import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets, Workload } from '../../src';
import { PlatformModel } from '../../src/model/platform-model';
import { FileKind } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { buildTree } from '../../src/workspace/build';
import { writeTree } from '../../src/workspace/checkout/writer';
import { applicationsOf, viewOfCheckout } from '../../src/workspace/inspect/checkout';
import { computePlan } from '../../src/workspace/plan';
import { recordInManifest } from '../support/manifest';
import { contentHash } from '../../src/synth/file-tree';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../support/argocd-schema';
import { parseAllDocuments } from 'yaml';

const DIGEST = `sha256:${'1'.repeat(64)}`;

/**
 * orders and billing on two prod clusters of aws. `ownDestinations`: each cluster is registered
 * in Argo CD under a name of its own (`prod-<cluster>`), not the `<cloud>-<cluster>` the template
 * derives; `ownChart`: billing's chart is at a path of its own.
 */
function platformModel(options: { ownDestinations?: boolean; ownChart?: boolean } = {}): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    revision: 'main',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
  const aws = new Cloud(platform, 'aws');
  for (const name of ['eu-central-1-01', 'eu-west-1-01']) {
    new Cluster(prod, name, { cloud: aws, region: name.slice(0, -3), ...(options.ownDestinations ? { destination: `prod-${name}` } : {}) });
  }
  new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
  new Service(platform, 'orders', { image: { repository: 'registry.example.com/orders' }, initialDigest: DIGEST }).deployTo(prod);
  new Service(platform, 'billing', {
    image: { repository: 'registry.example.com/billing' },
    initialDigest: DIGEST,
    ...(options.ownChart ? { workload: Workload.helmChart({ chartPath: 'charts/billing' }) } : {}),
  }).deployTo(prod);
  return platform.snapshot();
}

const APPS = [
  'billing-prod-aws-eu-central-1-01',
  'billing-prod-aws-eu-west-1-01',
  'orders-prod-aws-eu-central-1-01',
  'orders-prod-aws-eu-west-1-01',
];

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-empty-sets-'));
}

/** Each Application the checkout's ApplicationSets generate, `<name> ← <ApplicationSet>`. */
function generated(dir: string): string[] {
  return [...applicationsOf(viewOfCheckout(dir)).values()].map((a) => `${a.app.metadata.name} ← ${a.applicationSet}`).sort();
}

describe('ApplicationSets that would generate nothing', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a platform whose every cluster has its own destination writes no workloads-<env>', () => {
    // GIVEN every prod cluster registered under a name of its own
    const tree = synthesize(platformModel({ ownDestinations: true }));
    // THEN each cluster gets its own set, and the environment's set, which would exclude both, is not written
    expect(tree.paths().filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET)).toEqual([
      'applicationsets/prod/workloads-prod-aws-eu-central-1-01.yaml',
      'applicationsets/prod/workloads-prod-aws-eu-west-1-01.yaml',
    ]);
    expect(parse(tree.content('applicationsets/prod/workloads-prod-aws-eu-west-1-01.yaml')).spec.generators[0].git.directories).toEqual([
      { path: 'environments/prod/aws/eu-west-1-01/*' },
    ]);
    // AND every target is generated once, by its cluster's set, with the cluster's registered name
    dir = tmpDir();
    writeTree(tree, dir);
    expect(generated(dir)).toEqual([
      'billing-prod-aws-eu-central-1-01 ← workloads-prod-aws-eu-central-1-01',
      'billing-prod-aws-eu-west-1-01 ← workloads-prod-aws-eu-west-1-01',
      'orders-prod-aws-eu-central-1-01 ← workloads-prod-aws-eu-central-1-01',
      'orders-prod-aws-eu-west-1-01 ← workloads-prod-aws-eu-west-1-01',
    ]);
    const destinations = [...applicationsOf(viewOfCheckout(dir)).values()].map(
      (a) => (a.app.spec as { destination: { name: string } }).destination.name,
    );
    expect([...new Set(destinations)].sort()).toEqual(['prod-eu-central-1-01', 'prod-eu-west-1-01']);
    // AND the root Application still deploys the directory of sets
    const root = parse(tree.content('bootstrap/prod.yaml').split('\n---\n')[1] ?? '') as { spec: { sources: { path: string }[] } };
    expect(root.spec.sources.map((s) => s.path)).toEqual(['projects', 'applicationsets/prod']);
  });

  test('a platform whose every service has its own set writes no workloads-<env>', () => {
    // GIVEN billing with a chart path of its own, and orders removed: no service of the template's shape
    const model = platformModel({ ownChart: true });
    const tree = synthesize({
      ...model,
      services: model.services.filter((s) => s.name !== 'orders'),
      targets: model.targets.filter((t) => t.service !== 'orders'),
    });
    // THEN only billing's set is written
    expect(tree.paths().filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET)).toEqual([
      'applicationsets/prod/workloads-prod-billing.yaml',
    ]);
  });

  test('a control plane without any target writes no ApplicationSet, and its root Application reads no missing directory', () => {
    // GIVEN a platform with no service deployed
    const model = platformModel();
    const tree = synthesize({ ...model, services: [], targets: [], rings: model.rings.map((r) => ({ ...r, targets: [] })) });
    // THEN no set is written, and the root Application deploys the AppProjects only: a source on a
    // path the repository does not hold fails the whole Application in Argo CD ("app path does not exist")
    expect(tree.paths().filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET)).toEqual([]);
    const root = parse(tree.content('bootstrap/prod.yaml').split('\n---\n')[1] ?? '') as { spec: { sources: { path: string }[] } };
    expect(root.spec.sources.map((s) => s.path)).toEqual(['projects']);
  });

  test('a set that generates nothing on a later synth is removed, and its Applications move to the narrower sets as a move always did', () => {
    // GIVEN a checkout where workloads-prod generates all four Applications
    const before = platformModel();
    dir = tmpDir();
    writeTree(buildTree(before, dir), dir);
    expect(generated(dir)).toEqual(APPS.map((a) => `${a} ← workloads-prod`));
    // WHEN each cluster is registered under its own name
    const plan = computePlan(buildTree(platformModel({ ownDestinations: true }), dir), dir);
    // THEN workloads-prod.yaml is deleted and each cluster's set created
    expect(plan.files.filter((f) => f.path.startsWith('applicationsets/')).map((f) => `${f.change} ${f.path}`)).toEqual([
      'create applicationsets/prod/workloads-prod-aws-eu-central-1-01.yaml',
      'create applicationsets/prod/workloads-prod-aws-eu-west-1-01.yaml',
      'delete applicationsets/prod/workloads-prod.yaml',
    ]);
    // AND every Application is reported moving to its cluster's set (Argo CD deletes it from the
    // old set before the new one may create it, so a write refuses this unless declared, CG141),
    // which is what the plan said when workloads-prod stayed, empty: removing the set deletes no
    // other Application
    expect(plan.applications.filter((a) => a.change === 'delete').map((a) => `${a.name} ${a.applicationSet} → ${a.movedTo}`)).toEqual(
      APPS.map((a) => `${a} workloads-prod → workloads-prod-aws-${a.endsWith('eu-central-1-01') ? 'eu-central-1-01' : 'eu-west-1-01'}`),
    );
    expect(plan.applications.filter((a) => a.change === 'create').map((a) => a.name)).toEqual(APPS);
    expect(plan.applications.every((a) => a.change !== 'delete' || a.movedTo !== undefined)).toBe(true);
  });

  test('an empty set an earlier version wrote is removed, and plan deletes no Application', () => {
    // GIVEN a checkout of the own-destination platform that still holds the empty workloads-prod an
    // earlier version wrote (generating nothing: it excludes every cluster's directories), recorded as owned
    const model = platformModel({ ownDestinations: true });
    dir = tmpDir();
    writeTree(buildTree(model, dir), dir);
    const file = 'applicationsets/prod/workloads-prod.yaml';
    const empty = fs
      .readFileSync(path.join(dir, 'applicationsets/prod/workloads-prod-aws-eu-west-1-01.yaml'), 'utf8')
      .replace('name: workloads-prod-aws-eu-west-1-01', 'name: workloads-prod')
      .replace(
        '- path: environments/prod/aws/eu-west-1-01/*',
        '- path: environments/prod/*/*/*\n            - path: environments/prod/aws/eu-central-1-01/*\n              exclude: true\n            - path: environments/prod/aws/eu-west-1-01/*\n              exclude: true',
      );
    fs.writeFileSync(path.join(dir, file), empty);
    recordInManifest(dir, file, { sha256: contentHash(empty), key: 'written by an earlier version' });
    // the planted set indeed generates nothing
    expect(generated(dir).filter((a) => a.endsWith('← workloads-prod'))).toEqual([]);
    // WHEN the same program is planned
    const plan = computePlan(buildTree(model, dir), dir);
    // THEN the set's file is deleted and no Application changes
    expect(plan.files.map((f) => `${f.change} ${f.path}`)).toEqual([`delete ${file}`]);
    expect(plan.applications).toEqual([]);
  });

  describeWithArgoCdSchemas('against the Argo CD CRDs', loadArgoCdSchemas(), (validate) => {
    test('the layouts without a workloads-<env> set hold only objects the CRDs accept (unknown fields are errors)', () => {
      const model = platformModel();
      for (const tree of [
        synthesize(platformModel({ ownDestinations: true })),
        synthesize({ ...model, services: [], targets: [], rings: model.rings.map((r) => ({ ...r, targets: [] })) }),
      ]) {
        const argo = tree
          .paths()
          .filter((p) => p.startsWith('applicationsets/') || p.startsWith('bootstrap/') || p.startsWith('projects/'));
        expect(argo.length).toBeGreaterThan(0);
        for (const p of argo) for (const doc of parseAllDocuments(tree.content(p))) expect(validate(doc.toJS())).toEqual([]);
      }
    });
  });
});
