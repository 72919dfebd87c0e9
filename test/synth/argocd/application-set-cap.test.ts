import { ApplicationSetSplit, Cloud, Cluster, ControlPlane, Environment, Platform, Removal, Service, Team } from '../../../src';
import { FileKind, FileTree } from '../../../src/synth/file-tree';
import { synthesize } from '../../../src/synth/synthesize';
import { applicationsOf, previewOf, viewOfDeclaredTree } from '../../../src/workspace/inspect/checkout';
import { documentsOf } from '../../support/application-set';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../../support/argocd-schema';
import { DIGEST } from '../../support/platforms';
import { fluxEnvironment, linesOf, newPlatform } from '../../support/platform';
import { hashTree } from '../../support/hash-tree';
import { GitOpsError } from '../../../src/core/errors';
import { PlatformModel } from '../../../src/model/platform-model';
import { buildTree } from '../../../src/workspace/build';
import { computePlan } from '../../../src/workspace/plan';
import { writeDeclaredTree } from '../../../src/workspace/removals';
import { exampleModel, removeCheckout, synthesizedCheckout } from '../example-checkout';

interface FleetShape {
  /** Services deployed to every cluster. */
  readonly services: number;
  /** Clusters of environment `prod`, on cloud `aws`, named `c<i>`. */
  readonly clusters: number;
  /** The control plane's cap; undefined: the platform's. */
  readonly cap?: number;
  /** The platform's cap. */
  readonly platformCap?: number;
  /** One more service, `late`, deployed to cluster `c<index>` only. */
  readonly late?: number;
  /** A service `own-ns` with its own namespace (its own ApplicationSet), on every cluster. */
  readonly deviating?: boolean;
  /** Services in two teams (`platform` and `shop`, alternately): a generator per team in each set. */
  readonly teams?: boolean;
  /** `applicationSets` of environment `prod`. @default - not given */
  readonly split?: ApplicationSetSplit;
  /** Services the program declares removed. @default - none */
  readonly removed?: readonly string[];
}

/** A fleet in environment `prod`: `services` × `clusters` targets, each service deployed to each cluster one by one. */
function fleet(shape: FleetShape): Platform {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    ...(shape.platformCap === undefined ? {} : { maxApplicationsPerApplicationSet: shape.platformCap }),
  });
  const cp = new ControlPlane(platform, 'prod-argocd', shape.cap === undefined ? {} : { maxApplicationsPerApplicationSet: shape.cap });
  const env = new Environment(platform, 'prod', {
    controlPlane: cp,
    ...(shape.split === undefined ? {} : { applicationSets: shape.split }),
  });
  const aws = new Cloud(platform, 'aws');
  const clusters = Array.from({ length: shape.clusters }, (_, i) => new Cluster(env, `c${i}`, { cloud: aws, region: 'eu-central-1' }));
  const teams = shape.teams
    ? [
        new Team(platform, 'platform', { platform: true, groups: ['platform-admins'], codeOwners: ['@org/platform'] }),
        new Team(platform, 'shop', { groups: ['shop-devs'], codeOwners: ['@org/shop'] }),
      ]
    : [];
  const service = (name: string, extra: { namespace?: string } = {}, team?: Team): Service =>
    new Service(team ?? teams[0] ?? platform, name, {
      image: { repository: `registry.example.com/${name}` },
      initialDigest: DIGEST,
      ...extra,
    });
  for (let s = 0; s < shape.services; s++) {
    const svc = service(`svc-${s}`, {}, teams[s % 2]);
    for (const c of clusters) svc.deployTo(c);
  }
  if (shape.deviating) {
    const own = service('own-ns', { namespace: 'shared' });
    for (const c of clusters) own.deployTo(c);
  }
  if (shape.late !== undefined) service('late').deployTo(clusters[shape.late]);
  for (const name of shape.removed ?? []) platform.removed(Removal.service(name));
  return platform;
}

/** The ApplicationSets of a tree, parsed. */
function applicationSetsOf(tree: FileTree): any[] {
  return tree
    .paths()
    .filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET)
    .flatMap((p) => documentsOf(tree.content(p)))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** The Application names each target of the model gets: `<service>-<env>-<cloud>-<cluster>`. */
function declaredApplications(platform: Platform): string[] {
  return platform
    .snapshot()
    .targets.map((t) => `argocd/${t.service}-${t.environment}-${t.cloud}-${t.cluster}`)
    .sort();
}

/** ApplicationSet name → how many Applications Argo CD creates from it. */
function countsBySet(apps: ReturnType<typeof applicationsOf>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of apps.values()) counts.set(a.applicationSet, (counts.get(a.applicationSet) ?? 0) + 1);
  return counts;
}

describe('ApplicationSets under a cap', () => {
  test('a fleet within the cap keeps one ApplicationSet per environment', () => {
    // GIVEN 3 services on 3 clusters (9 targets) and a cap of 9
    const tree = synthesize(fleet({ services: 3, clusters: 3, cap: 9 }).snapshot());
    // THEN one set, as without a cap
    expect(applicationSetsOf(tree).map((s) => s.metadata.name)).toEqual(['workloads-prod']);
    expect(countsBySet(applicationsOf(viewOfDeclaredTree(tree)))).toEqual(new Map([['workloads-prod', 9]]));
  });

  test('a fleet over the cap is split by cluster; Argo CD creates exactly the declared targets, none over the cap', () => {
    // GIVEN 3 services on 3 clusters (9 targets) and a cap of 8
    const platform = fleet({ services: 3, clusters: 3, cap: 8 });
    const tree = synthesize(platform.snapshot());
    // WHEN its ApplicationSets are expanded offline as Argo CD's controller does
    const preview = previewOf(viewOfDeclaredTree(tree));
    // THEN each cluster has its set, and the environment's own set, which would generate nothing, is not written
    expect(applicationSetsOf(tree).map((s) => s.metadata.name)).toEqual([
      'workloads-prod-aws-c0',
      'workloads-prod-aws-c1',
      'workloads-prod-aws-c2',
    ]);
    expect(preview.notCreated).toEqual([]);
    expect([...preview.created.keys()].sort()).toEqual(declaredApplications(platform));
    expect(countsBySet(preview.created)).toEqual(
      new Map([
        ['workloads-prod-aws-c0', 3],
        ['workloads-prod-aws-c1', 3],
        ['workloads-prod-aws-c2', 3],
      ]),
    );
    // AND each cluster's set lists its own directories only
    const [c0, c1] = applicationSetsOf(tree);
    expect(c1.spec.generators[0].git.directories).toEqual([{ path: 'environments/prod/aws/c1/*' }]);
    expect(c0.spec.generators[0].git.directories).toEqual([{ path: 'environments/prod/aws/c0/*' }]);
    expect(c0.spec.template.spec.destination).toEqual({ name: 'aws-c0', namespace: '{{ index .path.segments 4 }}' });
  });

  test('the Applications of a split fleet are the same as those of one set: only their ApplicationSet differs', () => {
    // GIVEN the same fleet with a cap it fits in and one it does not
    const one = applicationsOf(viewOfDeclaredTree(synthesize(fleet({ services: 3, clusters: 3, cap: 9 }).snapshot())));
    const split = applicationsOf(viewOfDeclaredTree(synthesize(fleet({ services: 3, clusters: 3, cap: 8 }).snapshot())));
    // THEN Argo CD would create the same Applications, field for field
    expect([...split.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [key, a] of one) expect(split.get(key)!.app).toEqual(a.app);
  });

  test('a service with its own settings is split by cluster too, and no directory is generated twice', () => {
    // GIVEN 2 services and one with its own namespace on 3 clusters, cap 5 (6 template targets)
    const platform = fleet({ services: 2, clusters: 3, cap: 5, deviating: true });
    const tree = synthesize(platform.snapshot());
    const preview = previewOf(viewOfDeclaredTree(tree));
    // THEN
    expect(preview.notCreated).toEqual([]);
    expect([...preview.created.keys()].sort()).toEqual(declaredApplications(platform));
    expect(applicationSetsOf(tree).map((s) => s.metadata.name)).toEqual([
      'workloads-prod-aws-c0',
      'workloads-prod-aws-c0-own-ns',
      'workloads-prod-aws-c1',
      'workloads-prod-aws-c1-own-ns',
      'workloads-prod-aws-c2',
      'workloads-prod-aws-c2-own-ns',
    ]);
    expect(preview.created.get('argocd/own-ns-prod-aws-c1')!.app.spec.destination).toEqual({ name: 'aws-c1', namespace: 'shared' });
  });

  test("with teams, each cluster's set has a generator per team, and Argo CD still creates exactly the declared targets", () => {
    // GIVEN 4 services of two teams on 3 clusters (12 targets), cap 8
    const platform = fleet({ services: 4, clusters: 3, cap: 8, teams: true });
    const tree = synthesize(platform.snapshot());
    const preview = previewOf(viewOfDeclaredTree(tree));
    // THEN
    expect(preview.notCreated).toEqual([]);
    expect([...preview.created.keys()].sort()).toEqual(declaredApplications(platform));
    const c1 = applicationSetsOf(tree).find((s) => s.metadata.name === 'workloads-prod-aws-c1');
    expect(c1.spec.generators.map((g: any) => [g.git.template.metadata.labels.team, g.git.directories])).toEqual([
      ['platform', [{ path: 'environments/prod/aws/c1/svc-0' }, { path: 'environments/prod/aws/c1/svc-2' }]],
      ['shop', [{ path: 'environments/prod/aws/c1/svc-1' }, { path: 'environments/prod/aws/c1/svc-3' }]],
    ]);
    expect(preview.created.get('argocd/svc-1-prod-aws-c1')!.app.spec.project).toBe('prod-team-shop');
  });

  test('adding one target to a split fleet moves no Application to another ApplicationSet', () => {
    // GIVEN a split fleet as Argo CD runs it (each Application owned by the set that created it)
    const before = applicationsOf(viewOfDeclaredTree(synthesize(fleet({ services: 3, clusters: 3, cap: 8 }).snapshot())));
    const owners = new Map([...before].map(([key, a]) => [key, a.applicationSet]));
    // WHEN one more target (service `late` on cluster c1) is added
    const platform = fleet({ services: 3, clusters: 3, cap: 8, late: 1 });
    const preview = previewOf(viewOfDeclaredTree(synthesize(platform.snapshot())), undefined, owners);
    // THEN every Application stays with its set, and the new one joins its cluster's
    expect(preview.notCreated).toEqual([]);
    for (const [key, a] of before) expect([key, preview.created.get(key)?.applicationSet]).toEqual([key, a.applicationSet]);
    expect(preview.created.get('argocd/late-prod-aws-c1')?.applicationSet).toBe('workloads-prod-aws-c1');
    expect([...preview.created.keys()].sort()).toEqual(declaredApplications(platform));
  });

  test('adding a cluster to a split fleet adds its set and moves nothing', () => {
    // GIVEN a split fleet of 3 clusters
    const before = applicationsOf(viewOfDeclaredTree(synthesize(fleet({ services: 3, clusters: 3, cap: 8 }).snapshot())));
    // WHEN a fourth cluster is added
    const after = applicationsOf(viewOfDeclaredTree(synthesize(fleet({ services: 3, clusters: 4, cap: 8 }).snapshot())));
    // THEN
    for (const [key, a] of before) expect(after.get(key)?.applicationSet).toBe(a.applicationSet);
    expect(countsBySet(after).get('workloads-prod-aws-c3')).toBe(3);
  });

  test("the platform's cap applies to control planes that set none; the default is 5,000", () => {
    // GIVEN the platform's cap 8 and no control-plane cap
    const tree = synthesize(fleet({ services: 3, clusters: 3, platformCap: 8 }).snapshot());
    expect(applicationSetsOf(tree).map((s) => s.metadata.name)).toEqual([
      'workloads-prod-aws-c0',
      'workloads-prod-aws-c1',
      'workloads-prod-aws-c2',
    ]);
    // AND the default: 9 targets in one set, and the model records no cap
    const model = fleet({ services: 3, clusters: 3 }).snapshot();
    expect(model.controlPlanes[0].maxApplicationsPerApplicationSet).toBeUndefined();
    expect(applicationSetsOf(synthesize(model)).map((s) => s.metadata.name)).toEqual(['workloads-prod']);
  });

  test('a control plane reconciled by Flux writes no ApplicationSet, so its clusters are never over the cap', () => {
    // GIVEN a platform cap of 1 and two services on the one cluster of a Flux environment
    const platform = newPlatform({ maxApplicationsPerApplicationSet: 1 });
    const env = fluxEnvironment(platform);
    for (const name of ['a', 'b']) {
      new Service(platform, name, { image: { repository: `registry.example.com/${name}` }, initialDigest: DIGEST }).deployTo(env);
    }
    // THEN no CG153, and no ApplicationSet
    expect(applicationSetsOf(synthesize(platform.snapshot()))).toEqual([]);
  });

  test('fails (CG125) when the split gives two groups of targets one ApplicationSet name', () => {
    // GIVEN clusters aws/c0 and aws/c0-x, and service x with its own namespace on aws/c0, in an environment over the cap of 2
    const platform = newPlatform();
    const env = new Environment(platform, 'prod', {
      controlPlane: new ControlPlane(platform, 'p', { maxApplicationsPerApplicationSet: 2 }),
    });
    const aws = new Cloud(platform, 'aws');
    const c0 = new Cluster(env, 'c0', { cloud: aws, region: 'eu' });
    const c0x = new Cluster(env, 'c0-x', { cloud: aws, region: 'eu' });
    const svc = (name: string, namespace?: string): Service =>
      new Service(platform, name, { image: { repository: `r/${name}` }, initialDigest: DIGEST, ...(namespace ? { namespace } : {}) });
    svc('x', 'shared').deployTo(c0);
    svc('w').deployTo(c0);
    svc('y').deployTo(c0x);
    svc('z').deployTo(c0x);
    // THEN x on aws/c0 (workloads-prod-aws-c0 + -x) and cluster aws/c0-x would share workloads-prod-aws-c0-x
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/prod/c0-x] CG125 ApplicationSet "workloads-prod-aws-c0-x" in control plane "p" would be made twice: for service x on cluster prod/aws/c0 and for cluster prod/aws/c0-x (environment split by cluster).',
    ]);
  });

  test('fails (CG125) when an ApplicationSet name would not fit Kubernetes or a file name, before anything is written', () => {
    // GIVEN names of 63 characters for environment, cloud and cluster, and a service of 50 with its own namespace: a set per (cluster, service)
    const long = (c: string): string => c.repeat(c === 's' ? 50 : 63);
    const platform = newPlatform();
    const env = new Environment(platform, long('e'), { controlPlane: new ControlPlane(platform, 'p') });
    const cloud = new Cloud(platform, long('k'));
    // its own destination: ApplicationSets of its own
    const cluster = new Cluster(env, long('c'), { cloud, region: 'eu', destination: 'elsewhere' });
    new Service(platform, long('s'), { image: { repository: 'r/s' }, initialDigest: DIGEST, namespace: 'shared' }).deployTo(cluster);
    // THEN workloads-<env>-<cloud>-<cluster>-<service>, 252 characters, is refused with its length, not written
    const lines = linesOf(() => synthesize(platform.snapshot()));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`CG125 The ApplicationSet for service ${long('s')} on cluster`);
    expect(lines[0]).toContain(`would be named with 252 characters ("workloads-${'e'.repeat(30)}…"), more than 250`);
  });

  test('fails when one cluster alone has more targets than the cap', () => {
    // GIVEN 3 services on 2 clusters, cap 2: each cluster's set would generate 3
    expect(linesOf(() => fleet({ services: 3, clusters: 2, cap: 2 }).snapshot())).toEqual([
      '[platform/prod/c0] CG153 ApplicationSet "workloads-prod-aws-c0" in control plane "prod-argocd" would generate 3 Applications for cluster prod/aws/c0, over the cap of 2 (maxApplicationsPerApplicationSet); a cluster is the finest split of an environment\'s ApplicationSets.',
      '[platform/prod/c1] CG153 ApplicationSet "workloads-prod-aws-c1" in control plane "prod-argocd" would generate 3 Applications for cluster prod/aws/c1, over the cap of 2 (maxApplicationsPerApplicationSet); a cluster is the finest split of an environment\'s ApplicationSets.',
    ]);
  });

  test.each([0, -1, 1.5, Number.NaN, 1_000_001])('fails when maxApplicationsPerApplicationSet is %p', (cap) => {
    expect(linesOf(() => fleet({ services: 1, clusters: 1, cap }).snapshot())).toEqual([
      expect.stringMatching(
        /^\[platform\/control-planes\/prod-argocd\] CG153 maxApplicationsPerApplicationSet of control plane "prod-argocd" is not usable: /,
      ),
    ]);
    expect(linesOf(() => fleet({ services: 1, clusters: 1, platformCap: cap }).snapshot())).toEqual([
      expect.stringMatching(/^\[platform\] CG153 maxApplicationsPerApplicationSet is not usable: /),
    ]);
  });

  test('fails when maxApplicationsPerApplicationSet is not a number', () => {
    expect(linesOf(() => fleet({ services: 1, clusters: 1, cap: '10' as unknown as number }).snapshot())).toEqual([
      '[platform/control-planes/prod-argocd] CG153 maxApplicationsPerApplicationSet of control plane "prod-argocd" is not usable: "10" is not a whole number.',
    ]);
  });
});

describe('crossing the cap on an existing checkout', () => {
  let dir: string;
  afterEach(() => removeCheckout(dir));

  /** The model with every control plane's cap set to `cap`, as `maxApplicationsPerApplicationSet: cap` declares it. */
  const withCap = (model: PlatformModel, cap: number): PlatformModel => ({
    ...model,
    controlPlanes: model.controlPlanes.map((cp) => ({ ...cp, maxApplicationsPerApplicationSet: cap })),
  });

  test("is refused (CG141): each Application would move to its cluster's set, which Argo CD does by deleting it; nothing is written", () => {
    // GIVEN the example (4 targets per environment, one set each) written into a checkout
    const model = exampleModel();
    dir = synthesizedCheckout(model);
    const before = hashTree(dir);
    // WHEN a cap of 3 splits each environment's set by cluster
    const capped = withCap(model, 3);
    const tree = buildTree(capped, dir);
    // THEN plan shows each Application deleted from the shared set and created by its cluster's
    const plan = computePlan(tree, dir);
    const deleted = plan.applications.filter((a) => a.change === 'delete');
    expect(deleted.map((a) => [a.name, a.applicationSet, a.movedTo])).toContainEqual([
      'payments-api-prod-azure-westeurope-01',
      'workloads-prod',
      'workloads-prod-azure-westeurope-01',
    ]);
    expect(deleted).toHaveLength(8);
    // AND the write is refused, naming the move and the cap, and the checkout is untouched
    let error: unknown;
    try {
      writeDeclaredTree(capped, tree, dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitOpsError);
    const [problem] = (error as GitOpsError).problems;
    expect(problem.code).toBe('CG141');
    expect(problem.message).toContain(
      "each moves from workloads-nonprod to its cluster's ApplicationSet (workloads-nonprod-<cloud>-<cluster>)",
    );
    expect(problem.message).toContain('maxApplicationsPerApplicationSet');
    expect(hashTree(dir)).toEqual(before);
  });
});

/** The problems of the error `f` throws; fails when it throws none. */
function refusalOf(f: () => unknown): GitOpsError {
  try {
    f();
  } catch (e) {
    if (e instanceof GitOpsError) return e;
    throw e;
  }
  throw new Error('expected the write to be refused');
}

describe('falling under the cap again, and applicationSets: perCluster', () => {
  let dir = '';
  afterEach(() => {
    // Tests that write no checkout leave dir unset.
    if (dir !== '') removeCheckout(dir);
    dir = '';
  });

  /** The files of `applicationsets/` in `tree`, with their text. */
  const setFiles = (tree: FileTree): [string, string][] =>
    tree
      .paths()
      .filter((p) => p.startsWith('applicationsets/'))
      .map((p) => [p, tree.content(p)]);

  test('is refused (CG141) when a removal brings a split environment under the cap: the fix names applicationSets: perCluster', () => {
    // GIVEN 3 services on 3 clusters over the cap of 8, written split by cluster
    dir = synthesizedCheckout(fleet({ services: 3, clusters: 3, cap: 8 }).snapshot());
    const before = hashTree(dir);
    // WHEN svc-2 is removed (declared), leaving 6 targets: within the cap
    const model = fleet({ services: 2, clusters: 3, cap: 8, removed: ['svc-2'] }).snapshot();
    const tree = buildTree(model, dir);
    // THEN plan shows every remaining Application deleted from its cluster's set, moving to workloads-prod
    const moved = computePlan(tree, dir).applications.filter((a) => a.change === 'delete' && a.movedTo !== undefined);
    expect(moved.map((a) => [a.name, a.applicationSet, a.movedTo])).toContainEqual([
      'svc-0-prod-aws-c1',
      'workloads-prod-aws-c1',
      'workloads-prod',
    ]);
    expect(moved).toHaveLength(6);
    // AND the write is refused once, for the join, with the declaration that keeps the sets; nothing is written
    const error = refusalOf(() => writeDeclaredTree(model, tree, dir));
    expect(error.problems.map((p) => p.code)).toEqual(['CG141']);
    const [problem] = error.problems;
    expect(problem.message).toContain(
      'The write would delete 6 Applications svc-0-prod-aws-c0, svc-0-prod-aws-c1, svc-0-prod-aws-c2, svc-1-prod-aws-c0, svc-1-prod-aws-c1 and svc-1-prod-aws-c2: ',
    );
    expect(problem.message).toContain(
      `each moves from its cluster's ApplicationSet (workloads-prod-<cloud>-<cluster>) to workloads-prod: environment "prod" is no longer split by cluster, as its ApplicationSet of this shape would generate 6 Applications, within the maxApplicationsPerApplicationSet of control plane "prod-argocd" (8)`,
    );
    expect(problem.fix).toMatch(
      /^To keep them in their clusters' ApplicationSets whatever the count \(nothing moves\), declare it on the environment: new Environment\(platform, 'prod', \{ …, applicationSets: ApplicationSetSplit.PER_CLUSTER \}\)\. If that is intended, allow it for the command that publishes it \(the program still declares the target, so it cannot declare it removed\): --allow-remove svc-0-prod-aws-c0 /,
    );
    expect(hashTree(dir)).toEqual(before);
  });

  test('declaring perCluster on an environment split by the cap changes no ApplicationSet and moves nothing', () => {
    // GIVEN the split fleet written
    const original = fleet({ services: 3, clusters: 3, cap: 8 }).snapshot();
    dir = synthesizedCheckout(original);
    // WHEN the program declares applicationSets: perCluster
    const model = fleet({ services: 3, clusters: 3, cap: 8, split: ApplicationSetSplit.PER_CLUSTER }).snapshot();
    const tree = buildTree(model, dir);
    // THEN the ApplicationSets are the same, byte for byte, and plan shows no Application change:
    // only the release model records the declaration (release commands build the tree from it)
    expect(setFiles(tree)).toEqual(setFiles(buildTree(original, dir)));
    const plan = computePlan(tree, dir);
    expect(plan.applications).toEqual([]);
    expect(plan.files.map((f) => [f.path, f.change])).toEqual([['.cdk8s-gitops/model/platform.json', 'update']]);
    expect(plan.files[0].fields ?? plan.files[0].keys ?? []).toEqual([]);
    // AND the write is not refused
    writeDeclaredTree(model, tree, dir);
    expect(computePlan(buildTree(model, dir), dir).files).toEqual([]);
  });

  test('with perCluster declared, the removal that brings the environment under the cap moves nothing: only the removed service goes', () => {
    // GIVEN the split fleet written, then perCluster declared and written
    dir = synthesizedCheckout(fleet({ services: 3, clusters: 3, cap: 8 }).snapshot());
    const declared = fleet({ services: 3, clusters: 3, cap: 8, split: ApplicationSetSplit.PER_CLUSTER }).snapshot();
    writeDeclaredTree(declared, buildTree(declared, dir), dir);
    // WHEN svc-2 is removed (declared)
    const model = fleet({ services: 2, clusters: 3, cap: 8, split: ApplicationSetSplit.PER_CLUSTER, removed: ['svc-2'] }).snapshot();
    const tree = buildTree(model, dir);
    // THEN the only Applications deleted are svc-2's, none moves, and the write goes through
    const changes = computePlan(tree, dir).applications;
    expect(changes.map((a) => [a.name, a.change, a.applicationSet, a.movedTo])).toEqual([
      ['svc-2-prod-aws-c0', 'delete', 'workloads-prod-aws-c0', undefined],
      ['svc-2-prod-aws-c1', 'delete', 'workloads-prod-aws-c1', undefined],
      ['svc-2-prod-aws-c2', 'delete', 'workloads-prod-aws-c2', undefined],
    ]);
    writeDeclaredTree(model, tree, dir);
    const after = applicationsOf(viewOfDeclaredTree(tree));
    expect(countsBySet(after)).toEqual(
      new Map([
        ['workloads-prod-aws-c0', 2],
        ['workloads-prod-aws-c1', 2],
        ['workloads-prod-aws-c2', 2],
      ]),
    );
  });

  test('declaring perCluster on an environment of one set is a move, refused (CG141) with the declaration named', () => {
    // GIVEN 3 services on 3 clusters within the cap of 9: one set
    dir = synthesizedCheckout(fleet({ services: 3, clusters: 3, cap: 9 }).snapshot());
    // WHEN perCluster is declared
    const model = fleet({ services: 3, clusters: 3, cap: 9, split: ApplicationSetSplit.PER_CLUSTER }).snapshot();
    const error = refusalOf(() => writeDeclaredTree(model, buildTree(model, dir), dir));
    // THEN
    expect(error.problems.map((p) => p.code)).toEqual(['CG141']);
    expect(error.problems[0].message).toContain(
      `each moves from workloads-prod to its cluster's ApplicationSet (workloads-prod-<cloud>-<cluster>): environment "prod" declares applicationSets: ApplicationSetSplit.PER_CLUSTER, which splits its ApplicationSets by cluster`,
    );
    expect(error.problems[0].fix).toMatch(
      /^To keep them in the environment's ApplicationSet, leave applicationSets out of new Environment\(platform, 'prod', \{ … \}\)/,
    );
  });

  test('crossing the cap says the split is needed, and how far the cap would have to rise to keep one set', () => {
    // GIVEN 3 services on 3 clusters within the cap of 9, written
    dir = synthesizedCheckout(fleet({ services: 3, clusters: 3, cap: 9 }).snapshot());
    // WHEN a tenth target is added
    const model = fleet({ services: 3, clusters: 3, cap: 9, late: 0 }).snapshot();
    const error = refusalOf(() => writeDeclaredTree(model, buildTree(model, dir), dir));
    // THEN
    const [problem] = error.problems;
    expect(problem.message).toContain(
      'environment "prod" crossed the maxApplicationsPerApplicationSet of control plane "prod-argocd" (9): its ApplicationSet of this shape would generate 10 Applications, so its ApplicationSets are split by cluster',
    );
    expect(problem.message).toContain('The split is needed once the environment is over the cap, and moves each Application once');
    expect(problem.fix).toMatch(
      /^To keep them in one ApplicationSet instead, raise the maxApplicationsPerApplicationSet of control plane "prod-argocd" \(9\) to at least 10 /,
    );
    expect(problem.fix).toContain('--allow-remove svc-0-prod-aws-c0');
  });

  test('perCluster splits an environment within the cap from its first write; Argo CD creates exactly the declared targets', () => {
    const platform = fleet({ services: 2, clusters: 2, split: ApplicationSetSplit.PER_CLUSTER });
    const tree = synthesize(platform.snapshot());
    const preview = previewOf(viewOfDeclaredTree(tree));
    expect(applicationSetsOf(tree).map((s) => s.metadata.name)).toEqual(['workloads-prod-aws-c0', 'workloads-prod-aws-c1']);
    expect(preview.notCreated).toEqual([]);
    expect([...preview.created.keys()].sort()).toEqual(declaredApplications(platform));
  });

  test('PER_CLUSTER on an environment Flux reconciles changes nothing: it has no ApplicationSet', () => {
    const trees = [undefined, ApplicationSetSplit.PER_CLUSTER].map((split) => {
      const platform = newPlatform();
      const env = fluxEnvironment(platform, split === undefined ? {} : { applicationSets: split });
      new Service(platform, 'a', { image: { repository: 'registry.example.com/a' }, initialDigest: DIGEST }).deployTo(env);
      return synthesize(platform.snapshot());
    });
    expect(applicationSetsOf(trees[1])).toEqual([]);
    const withoutModel = (tree: FileTree): [string, string][] =>
      tree
        .paths()
        .filter((p) => !p.startsWith('.cdk8s-gitops/'))
        .map((p) => [p, tree.content(p)]);
    expect(withoutModel(trees[1])).toEqual(withoutModel(trees[0]));
  });

  test('AUTO is the default and is not recorded in the model', () => {
    const model = fleet({ services: 1, clusters: 1, split: ApplicationSetSplit.AUTO }).snapshot();
    expect(model.environments[0]).not.toHaveProperty('applicationSets');
    expect(model).toEqual(fleet({ services: 1, clusters: 1 }).snapshot());
  });

  test.each(['per-cluster', 1, null])('fails when applicationSets is %p', (value) => {
    expect(linesOf(() => fleet({ services: 1, clusters: 1, split: value as unknown as ApplicationSetSplit }).snapshot())).toEqual([
      `[platform/prod] CG153 applicationSets of environment "prod" is not usable: ${JSON.stringify(value)} is not one of 'auto', 'perCluster'.`,
    ]);
  });
});

describeWithArgoCdSchemas(
  'split ApplicationSets and their Applications, against the Argo CD CRDs strictly',
  loadArgoCdSchemas(),
  (validate) => {
    const tree = synthesize(fleet({ services: 2, clusters: 3, cap: 5, deviating: true }).snapshot());
    const objects = [...applicationSetsOf(tree), ...[...applicationsOf(viewOfDeclaredTree(tree)).values()].map((a) => a.app)];
    it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))('pass %s', (_label, object) => {
      expect(validate(object)).toEqual([]);
    });
  },
);
