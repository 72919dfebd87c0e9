import { ApplicationSetSplit, Cloud, Cluster, ControlPlane, Environment, Platform, Service, Team } from '../../../src';
import { FileTree } from '../../../src/synth/file-tree';
import { applicationsOf, previewOf, viewOfCheckout, viewOfDeclaredTree } from '../../../src/workspace/inspect/checkout';
import { buildTree } from '../../../src/workspace/build';
import { computePlan } from '../../../src/workspace/plan';
import { writeDeclaredTree } from '../../../src/workspace/removals';
import { formatPlan } from '../../../src/cli/plan-format';
import { GitOpsError } from '../../../src/core/errors';
import { PlatformModel } from '../../../src/model/platform-model';
import { documentsOf } from '../../support/application-set';
import { DIGEST } from '../../support/platforms';
import { removeCheckout, synthesizedCheckout } from '../example-checkout';

/** A cluster of environment `prod` on cloud `aws`: its name and, for one registered under a name of its own, that name. */
interface ClusterShape {
  readonly name: string;
  readonly destination?: string;
  /** Deploy no service to it. @default false */
  readonly empty?: boolean;
  /** Deploy `own-ns` (when the platform has it) to it. @default true */
  readonly ownNs?: boolean;
}

/**
 * Environment `prod` of control plane `argocd` with services `a` and `b` on each cluster that is
 * not empty, and `own-ns` (a namespace of its own: its own ApplicationSet) there too when `ownNs`.
 */
function platformOf(clusters: readonly ClusterShape[], ownNs = false, split?: ApplicationSetSplit): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const env = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'argocd'),
    ...(split === undefined ? {} : { applicationSets: split }),
  });
  const aws = new Cloud(platform, 'aws');
  const service = (name: string, namespace?: string): Service =>
    new Service(platform, name, {
      image: { repository: `registry.example.com/${name}` },
      initialDigest: DIGEST,
      ...(namespace === undefined ? {} : { namespace }),
    });
  const services = [service('a'), service('b'), ...(ownNs ? [service('own-ns', 'shared')] : [])];
  for (const c of clusters) {
    const cluster = new Cluster(env, c.name, {
      cloud: aws,
      region: 'eu-central-1',
      ...(c.destination ? { destination: c.destination } : {}),
    });
    if (!c.empty) for (const s of services) if (s.name !== 'own-ns' || c.ownNs !== false) s.deployTo(cluster);
  }
  return platform.snapshot();
}

/** The directories of the git generator of ApplicationSet `name` in `tree`. */
function directoriesOf(tree: FileTree, name: string): unknown {
  const [set] = documentsOf(tree.content(`applicationsets/argocd/${name}.yaml`));
  return set.spec.generators.map((g: any) => g.git.directories);
}

/**
 * What Argo CD runs in between, once it reads the new tree and before it applies the new
 * ApplicationSet specs: the checkout's (old) ApplicationSets expanded over `tree`'s directories,
 * each Application kept by the set that owned it. Application name → [ApplicationSet, destination].
 */
function inBetween(dir: string, tree: FileTree): Map<string, [string, string]> {
  const old = viewOfCheckout(dir);
  const owners = new Map([...applicationsOf(old)].map(([key, a]) => [key, a.applicationSet]));
  const meanwhile = applicationsOf({ ...viewOfDeclaredTree(tree), applicationSets: old.applicationSets }, undefined, owners);
  return new Map(
    [...meanwhile.values()].map((a) => [
      a.app.metadata.name,
      [a.applicationSet, String((a.app.spec.destination as { name?: string }).name)],
    ]),
  );
}

describe('the broad ApplicationSets once a cluster has sets of its own', () => {
  test('without such a cluster, the broad set keeps the seed wildcard', () => {
    const tree = buildTree(platformOf([{ name: 'c0' }, { name: 'c1' }]), '/nonexistent');
    expect(directoriesOf(tree, 'workloads-prod')).toEqual([[{ path: 'environments/prod/*/*/*' }]]);
  });

  test('with one, the broad sets list their clusters by name, and each directory is generated once', () => {
    // GIVEN c0, c1, and x with its own destination; own-ns with a namespace of its own on each
    const tree = buildTree(platformOf([{ name: 'c0' }, { name: 'c1' }, { name: 'x', destination: 'eks-x' }], true), '/nonexistent');
    // THEN workloads-prod lists c0 and c1, and excludes own-ns on every cluster; own-ns's set lists c0 and c1 too
    expect(directoriesOf(tree, 'workloads-prod')).toEqual([
      [
        { path: 'environments/prod/aws/c0/*' },
        { path: 'environments/prod/aws/c1/*' },
        { path: 'environments/prod/*/*/own-ns', exclude: true },
      ],
    ]);
    expect(directoriesOf(tree, 'workloads-prod-own-ns')).toEqual([
      [{ path: 'environments/prod/aws/c0/own-ns' }, { path: 'environments/prod/aws/c1/own-ns' }],
    ]);
    expect(directoriesOf(tree, 'workloads-prod-aws-x')).toEqual([
      [{ path: 'environments/prod/aws/x/*' }, { path: 'environments/prod/*/*/own-ns', exclude: true }],
    ]);
    // AND Argo CD creates each target once, from the set of its shape
    const apps = new Map(
      [...applicationsOf(viewOfDeclaredTree(tree)).values()].map((a) => [a.app.metadata.name, [a.applicationSet, a.app.spec.destination]]),
    );
    expect([...apps.keys()].sort()).toEqual([
      'a-prod-aws-c0',
      'a-prod-aws-c1',
      'a-prod-aws-x',
      'b-prod-aws-c0',
      'b-prod-aws-c1',
      'b-prod-aws-x',
      'own-ns-prod-aws-c0',
      'own-ns-prod-aws-c1',
      'own-ns-prod-aws-x',
    ]);
    expect(apps.get('own-ns-prod-aws-c1')).toEqual(['workloads-prod-own-ns', { name: 'aws-c1', namespace: 'shared' }]);
    expect(apps.get('own-ns-prod-aws-x')).toEqual(['workloads-prod-aws-x-own-ns', { name: 'eks-x', namespace: 'shared' }]);
    expect(apps.get('a-prod-aws-x')).toEqual(['workloads-prod-aws-x', { name: 'eks-x', namespace: 'a' }]);
  });
});

test('with teams, each team generator of the broad set lists its services on the listed clusters; Argo CD creates each target once', () => {
  // GIVEN two teams' services on c0, c1 and x (its own destination)
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const env = new Environment(platform, 'prod');
  const aws = new Cloud(platform, 'aws');
  const clusters = ['c0', 'c1', 'x'].map(
    (name) => new Cluster(env, name, { cloud: aws, region: 'eu-central-1', ...(name === 'x' ? { destination: 'eks-x' } : {}) }),
  );
  const teams = [
    new Team(platform, 'platform', { platform: true, groups: ['platform-admins'], codeOwners: ['@org/platform'] }),
    new Team(platform, 'shop', { groups: ['shop-devs'], codeOwners: ['@org/shop'] }),
  ];
  for (const [i, name] of ['a', 'b'].entries()) {
    const svc = new Service(teams[i], name, { image: { repository: `registry.example.com/${name}` }, initialDigest: DIGEST });
    for (const c of clusters) svc.deployTo(c);
  }
  const tree = buildTree(platform.snapshot(), '/nonexistent');
  // THEN
  const [broad] = documentsOf(tree.content('applicationsets/argocd/workloads-prod.yaml'));
  expect(broad.spec.generators.map((g: any) => [g.git.template.metadata.labels.team, g.git.directories])).toEqual([
    ['platform', [{ path: 'environments/prod/aws/c0/a' }, { path: 'environments/prod/aws/c1/a' }]],
    ['shop', [{ path: 'environments/prod/aws/c0/b' }, { path: 'environments/prod/aws/c1/b' }]],
  ]);
  const preview = previewOf(viewOfDeclaredTree(tree));
  expect(preview.notCreated).toEqual([]);
  expect([...preview.created.values()].map((a) => [a.app.metadata.name, a.applicationSet, a.app.spec.project]).sort()).toEqual([
    ['a-prod-aws-c0', 'workloads-prod', 'prod-team-platform'],
    ['a-prod-aws-c1', 'workloads-prod', 'prod-team-platform'],
    ['a-prod-aws-x', 'workloads-prod-aws-x', 'prod-team-platform'],
    ['b-prod-aws-c0', 'workloads-prod', 'prod-team-shop'],
    ['b-prod-aws-c1', 'workloads-prod', 'prod-team-shop'],
    ['b-prod-aws-x', 'workloads-prod-aws-x', 'prod-team-shop'],
  ]);
});

describe('in between: the old ApplicationSet specs over the new tree', () => {
  let dir = '';
  afterEach(() => {
    // Tests that write no checkout leave dir unset.
    if (dir !== '') removeCheckout(dir);
    dir = '';
  });

  test('a cluster added with its own destination is never generated by the broad set that lists its clusters', () => {
    // GIVEN an environment whose broad set lists c0 (x has its own destination), written
    dir = synthesizedCheckout(platformOf([{ name: 'c0' }, { name: 'x', destination: 'eks-x' }]));
    // WHEN cluster y with its own destination is added, with services
    const tree = buildTree(platformOf([{ name: 'c0' }, { name: 'x', destination: 'eks-x' }, { name: 'y', destination: 'eks-y' }]), dir);
    // THEN the old workloads-prod spec over the new tree does not generate y's directories: nothing creates them in between
    const meanwhile = inBetween(dir, tree);
    expect(meanwhile.has('a-prod-aws-y')).toBe(false);
    expect(meanwhile.get('a-prod-aws-c0')).toEqual(['workloads-prod', 'aws-c0']);
    // AND plan shows them created by y's set, with no warning
    const created = computePlan(tree, dir).applications.filter((a) => a.change === 'create');
    expect(created.map((a) => [a.name, a.applicationSet, a.createdMeanwhileBy])).toEqual([
      ['a-prod-aws-y', 'workloads-prod-aws-y', undefined],
      ['b-prod-aws-y', 'workloads-prod-aws-y', undefined],
    ]);
  });

  test('an ordinary cluster added is created only once the broad set has its new spec (late, never by the wrong set)', () => {
    // GIVEN the same environment
    dir = synthesizedCheckout(platformOf([{ name: 'c0' }, { name: 'x', destination: 'eks-x' }]));
    // WHEN ordinary cluster c1 is added
    const tree = buildTree(platformOf([{ name: 'c0' }, { name: 'c1' }, { name: 'x', destination: 'eks-x' }]), dir);
    // THEN in between nothing generates c1's directories; after, workloads-prod does
    expect(inBetween(dir, tree).has('a-prod-aws-c1')).toBe(false);
    const plan = computePlan(tree, dir);
    expect(plan.applications.map((a) => [a.name, a.change, a.applicationSet, a.createdMeanwhileBy])).toEqual([
      ['a-prod-aws-c1', 'create', 'workloads-prod', undefined],
      ['b-prod-aws-c1', 'create', 'workloads-prod', undefined],
    ]);
  });

  test("the environment's first cluster with its own destination, added with services, is created by the old wildcard set first: plan warns", () => {
    // GIVEN the seed's form: workloads-prod matches environments/prod/*/*/*
    dir = synthesizedCheckout(platformOf([{ name: 'c0' }]));
    // WHEN cluster x with its own destination is added together with services on it
    const tree = buildTree(platformOf([{ name: 'c0' }, { name: 'x', destination: 'eks-x' }]), dir);
    // THEN in between the old workloads-prod creates x's Applications with the template's destination, aws-x
    expect(inBetween(dir, tree).get('a-prod-aws-x')).toEqual(['workloads-prod', 'aws-x']);
    // AND plan says so on each, naming the set that creates it first
    const plan = computePlan(tree, dir);
    expect(plan.applications.map((a) => [a.name, a.change, a.applicationSet, a.createdMeanwhileBy])).toEqual([
      ['a-prod-aws-x', 'create', 'workloads-prod-aws-x', 'workloads-prod'],
      ['b-prod-aws-x', 'create', 'workloads-prod-aws-x', 'workloads-prod'],
    ]);
    expect(formatPlan(plan, 'text')).toContain(
      '[+] a-prod-aws-x  (ApplicationSet workloads-prod-aws-x)  runs sha256:2e8f1a31  IN BETWEEN: the old spec of ApplicationSet workloads-prod creates it first, with its own template, and deletes it (with what it runs) once its new spec arrives (or, where this write removes its file, once it is deleted from Argo CD); then workloads-prod-aws-x creates it\n',
    );
  });

  test('declaring the cluster first, and deploying to it in a later change, creates nothing by the wrong set', () => {
    // GIVEN the seed's form, written
    dir = synthesizedCheckout(platformOf([{ name: 'c0' }]));
    // WHEN cluster x with its own destination is declared without services
    const first = platformOf([{ name: 'c0' }, { name: 'x', destination: 'eks-x', empty: true }]);
    const firstTree = buildTree(first, dir);
    // THEN the broad set changes to list c0, and no Application changes, not even in between
    expect(directoriesOf(firstTree, 'workloads-prod')).toEqual([[{ path: 'environments/prod/aws/c0/*' }]]);
    expect(computePlan(firstTree, dir).applications).toEqual([]);
    writeDeclaredTree(first, firstTree, dir);
    // AND deploying to it later creates its Applications by its own set only
    const tree = buildTree(platformOf([{ name: 'c0' }, { name: 'x', destination: 'eks-x' }]), dir);
    expect(inBetween(dir, tree).has('a-prod-aws-x')).toBe(false);
    expect(computePlan(tree, dir).applications.map((a) => [a.name, a.applicationSet, a.createdMeanwhileBy])).toEqual([
      ['a-prod-aws-x', 'workloads-prod-aws-x', undefined],
      ['b-prod-aws-x', 'workloads-prod-aws-x', undefined],
    ]);
  });

  test('a service added with settings of its own is created by the old broad set first: plan warns', () => {
    // GIVEN the seed's form
    dir = synthesizedCheckout(platformOf([{ name: 'c0' }]));
    // WHEN own-ns, with a namespace of its own, is added
    const tree = buildTree(platformOf([{ name: 'c0' }], true), dir);
    // THEN in between workloads-prod creates it (namespace own-ns, the template's), then deletes it for workloads-prod-own-ns
    const plan = computePlan(tree, dir);
    expect(plan.applications.map((a) => [a.name, a.change, a.applicationSet, a.createdMeanwhileBy])).toEqual([
      ['own-ns-prod-aws-c0', 'create', 'workloads-prod-own-ns', 'workloads-prod'],
    ]);
  });

  test('a cluster that loses its destination of its own is a move (CG141) whose fix keeps the destination, or the sets with PER_CLUSTER', () => {
    // GIVEN c0 and x with its own destination, written
    dir = synthesizedCheckout(platformOf([{ name: 'c0' }, { name: 'x', destination: 'eks-x' }]));
    // WHEN x is registered under aws-x, the template's name
    const model = platformOf([{ name: 'c0' }, { name: 'x' }]);
    let error: unknown;
    try {
      writeDeclaredTree(model, buildTree(model, dir), dir);
    } catch (e) {
      error = e;
    }
    // THEN
    const [problem] = (error as GitOpsError).problems;
    expect(problem.code).toBe('CG141');
    expect(problem.message).toContain(
      "each moves from its cluster's ApplicationSet (workloads-prod-<cloud>-<cluster>) to workloads-prod: cluster prod/aws/x is no longer registered under a destination of its own (it was eks-x; now aws-x)",
    );
    expect(problem.fix).toMatch(
      /^To keep them where they are, keep its destination: new Cluster\(…, 'x', \{ …, destination: 'eks-x' \}\); or, to change the destination in place, declare applicationSets: ApplicationSetSplit.PER_CLUSTER/,
    );
  });

  test('with PER_CLUSTER, a cluster that loses its destination of its own keeps its set: its Applications change in place', () => {
    // GIVEN c0 and x with its own destination, split by cluster, written
    dir = synthesizedCheckout(platformOf([{ name: 'c0' }, { name: 'x', destination: 'eks-x' }], false, ApplicationSetSplit.PER_CLUSTER));
    // WHEN x is registered under aws-x
    const model = platformOf([{ name: 'c0' }, { name: 'x' }], false, ApplicationSetSplit.PER_CLUSTER);
    const tree = buildTree(model, dir);
    // THEN x's Applications are updated where they are, and the write goes through
    expect(computePlan(tree, dir).applications.map((a) => [a.name, a.change, a.applicationSet, a.fields])).toEqual([
      ['a-prod-aws-x', 'update', 'workloads-prod-aws-x', ['spec.destination.name']],
      ['b-prod-aws-x', 'update', 'workloads-prod-aws-x', ['spec.destination.name']],
    ]);
    writeDeclaredTree(model, tree, dir);
  });

  test('a service with settings of its own, deployed to one more cluster, is never generated by the wrong set in between', () => {
    // GIVEN own-ns on c0 only, in an environment whose sets list their clusters (x has its own destination)
    const clusters = (more: boolean): ClusterShape[] => [
      { name: 'c0' },
      { name: 'c1', ownNs: more },
      { name: 'x', destination: 'eks-x', ownNs: more },
    ];
    dir = synthesizedCheckout(platformOf(clusters(false), true));
    // WHEN own-ns is deployed to c1 and to x as well
    const tree = buildTree(platformOf(clusters(true), true), dir);
    // THEN in between neither workloads-prod nor x's set generates them (their old excludes hold own-ns on every cluster)
    const meanwhile = inBetween(dir, tree);
    expect(meanwhile.has('own-ns-prod-aws-c1')).toBe(false);
    expect(meanwhile.has('own-ns-prod-aws-x')).toBe(false);
    // AND plan creates them by their own sets, with no warning
    expect(computePlan(tree, dir).applications.map((a) => [a.name, a.change, a.applicationSet, a.createdMeanwhileBy])).toEqual([
      ['own-ns-prod-aws-c1', 'create', 'workloads-prod-own-ns', undefined],
      ['own-ns-prod-aws-x', 'create', 'workloads-prod-aws-x-own-ns', undefined],
    ]);
  });

  test('removing the last cluster with its own destination (declared) joins nothing and loses nothing in between', () => {
    // GIVEN c0, c1 and x with its own destination, written
    dir = synthesizedCheckout(platformOf([{ name: 'c0' }, { name: 'c1' }, { name: 'x', destination: 'eks-x' }]));
    // WHEN x is removed, declared: the broad set goes back to the wildcard
    const model = platformOf([{ name: 'c0' }, { name: 'c1' }]);
    const tree = buildTree({ ...model, removals: [{ kind: 'cluster', name: 'prod/aws/x' }] }, dir);
    expect(directoriesOf(tree, 'workloads-prod')).toEqual([[{ path: 'environments/prod/*/*/*' }]]);
    // THEN only x's Applications go; none of c0 or c1 is deleted or created again in between
    const plan = computePlan(tree, dir);
    expect(plan.applications.map((a) => [a.name, a.change, a.untilNewSpec])).toEqual([
      ['a-prod-aws-x', 'delete', undefined],
      ['b-prod-aws-x', 'delete', undefined],
    ]);
  });
});
