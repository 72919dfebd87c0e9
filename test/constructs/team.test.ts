import { Construct } from 'constructs';
import {
  Cloud,
  Cluster,
  ClusterAddon,
  ControlPlane,
  Environment,
  Gate,
  PromotionRing,
  SelfManagedArgoCd,
  Service,
  Targets,
  Team,
  Workload,
} from '../../src';
import { linesOf, newPlatform } from '../support/platform';

const D = `sha256:${'a'.repeat(64)}`;

/** A platform with one environment and cluster. */
function fleet() {
  const platform = newPlatform();
  const prod = new Environment(platform, 'prod');
  new Cluster(prod, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
  return { platform, prod };
}

const service = (scope: Construct, name: string): Service =>
  new Service(scope, name, { image: { repository: `registry.example.com/${name}` }, initialDigest: D });

describe('Team', () => {
  it('owns the services declared inside it, or inside a construct inside it, and those it claims', () => {
    // GIVEN
    const { platform, prod } = fleet();
    new Team(platform, 'platform', { groups: ['acme:platform'], codeOwners: ['@acme/platform'], platform: true });
    const payments = new Team(platform, 'payments', { groups: ['acme:payments'], approvers: ['alice'], codeOwners: ['@acme/payments'] });
    const library = new Construct(payments, 'checkout');

    // WHEN
    service(payments, 'payments-api').deployTo(prod);
    service(library, 'checkout-api').deployTo(prod);
    const web = service(platform, 'web').deployTo(prod);
    payments.owns(web);

    // THEN
    const model = platform.snapshot();
    expect(model.services.map((s) => `${s.name} ${s.team}`)).toEqual(['checkout-api payments', 'payments-api payments', 'web payments']);
    expect(model.teams).toEqual([
      { name: 'platform', path: 'platform/platform', groups: ['acme:platform'], codeOwners: ['@acme/platform'], platform: true },
      { name: 'payments', path: 'platform/payments', groups: ['acme:payments'], approvers: ['alice'], codeOwners: ['@acme/payments'] },
    ]);
  });

  it('leaves a platform without teams as it was', () => {
    const { platform, prod } = fleet();
    service(platform, 'web').deployTo(prod);
    const model = platform.snapshot();
    expect(model.teams).toBeUndefined();
    expect(model.services[0]!.team).toBeUndefined();
  });

  it('says which service belongs to no team or to two, and that one platform team is needed', () => {
    // GIVEN
    const { platform, prod } = fleet();
    const a = new Team(platform, 'team-a', { groups: ['a'], codeOwners: ['@acme/a'] });
    const b = new Team(platform, 'team-b', { groups: ['b'], codeOwners: ['b-owners@example.com'] });
    service(platform, 'orphan').deployTo(prod);
    b.owns(service(a, 'shared').deployTo(prod));

    // THEN
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/team-a/shared] CG152 Service shared belongs to 2 teams: team-a and team-b.',
      '[platform/orphan] CG152 Service orphan belongs to no team; the platform declares teams (team-a, team-b), so every service belongs to one.',
      '[platform/team-a] CG152 The platform declares teams but no platform team, which owns the files shared by all services and production.',
    ]);
  });

  it('refuses a team without groups or owners, and entries that are not ones', () => {
    const { platform } = fleet();
    new Team(platform, 'Payments', { groups: [], codeOwners: ['acme payments'], platform: true });
    new Team(platform, 'web', { groups: ['a,b', 'x'], approvers: [' bob'], codeOwners: ['@acme/web', '@acme/web'] });
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/Payments] CG152 Team "Payments" is not named as a DNS-1123 label.',
      '[platform/Payments] CG152 Team "Payments" has no groups.',
      '[platform/Payments] CG152 Team "Payments" lists "acme payments" among its codeOwners, which is not one.',
      '[platform/web] CG152 Team "web" lists "a,b" among its groups, which is not one.',
      '[platform/web] CG152 Team "web" lists " bob" among its approvers, which is not one.',
      '[platform/web] CG152 Team "web" lists "@acme/web" twice among its codeOwners.',
    ]);
  });

  it("refuses an empty list of approver groups, which would widen production to every member, and Argo CD's own installation outside the platform team", () => {
    const { platform, prod } = fleet();
    new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/ops'], platform: true });
    const web = new Team(platform, 'web', { groups: ['acme:web'], approverGroups: [], codeOwners: ['@acme/web'] });
    new SelfManagedArgoCd(web, 'argo-cd', {
      chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '7.7.0' }),
      runsOn: [prod.node.findChild('eu-01') as Cluster],
      initialVersion: `v3.2.0@${D}`,
    });
    expect(linesOf(() => platform.snapshot()).filter((l) => l.includes('CG152'))).toEqual([
      '[platform/web] CG152 Team "web" has no approverGroups.',
      "[platform/web/argo-cd] CG152 argo-cd is Argo CD's own installation (its RBAC, the credentials of every cluster it manages), and team web is not the platform team.",
    ]);
  });

  it("refuses an environment's cluster-scoped kinds, and a team's service in a namespace of the cluster, in a platform with teams", () => {
    const platform = newPlatform();
    const dev = new Environment(platform, 'dev', {
      clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' }],
    });
    new Cluster(dev, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
    new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/ops'], platform: true });
    const web = new Team(platform, 'web', { groups: ['acme:web'], codeOwners: ['@acme/web'] });
    new Service(web, 'web', {
      image: { repository: 'registry.example.com/web' },
      initialDigest: D,
      namespace: 'kube-system',
      allowSensitiveNamespace: true,
    }).deployTo(dev);
    expect(linesOf(() => platform.snapshot()).filter((l) => l.includes('CG152'))).toEqual([
      '[platform/web/web] CG152 Service web deploys into namespace kube-system (allowSensitiveNamespace), which belongs to the cluster or an Argo CD, and team web is not the platform team.',
      "[platform/dev] CG152 Environment dev lets its services create cluster-scoped kinds (clusterResources), which in a platform with teams would let each team reach every other team's namespaces.",
    ]);
  });

  it('refuses a cluster add-on with cluster-scoped kinds outside the platform team', () => {
    const { platform } = fleet();
    new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/ops'], platform: true });
    const web = new Team(platform, 'web', { groups: ['acme:web'], codeOwners: ['@acme/web'] });
    new ClusterAddon(web, 'web-operator', {
      chart: Workload.helmRepositoryChart({ repoURL: 'https://charts.example.com', chart: 'web-operator', version: '1.0.0' }),
      image: { repository: 'registry.example.com/web-operator' },
      initialDigest: D,
      clusters: Targets.all(),
      clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
    });
    expect(linesOf(() => platform.snapshot()).filter((l) => l.includes('CG152'))).toEqual([
      "[platform/web/web-operator] CG152 Cluster add-on web-operator declares cluster-scoped kinds (rbac.authorization.k8s.io/ClusterRole), which reach every team's namespaces, and team web is not the platform team.",
    ]);
  });

  it('gives a ring approval its approvers: Gate.approval({ by: team })', () => {
    // GIVEN
    const { platform, prod } = fleet();
    new Team(platform, 'platform', { groups: ['acme:platform'], codeOwners: ['@acme/platform'], platform: true, approvers: ['carol'] });
    const payments = new Team(platform, 'payments', {
      groups: ['acme:payments'],
      approvers: ['bob', 'alice'],
      codeOwners: ['@acme/payments'],
    });
    service(payments, 'payments-api').deployTo(prod);

    // WHEN
    new PromotionRing(platform, 'prod', { targets: Targets.all(), gates: [Gate.approval({ by: payments })] });

    // THEN
    expect(platform.snapshot().rings[0]!.gates).toEqual({ soakSeconds: 0, requireApproval: true, approvers: ['alice', 'bob'] });
  });

  it('refuses an approval by a team without approvers, or by approvers not of the team', () => {
    const { platform, prod } = fleet();
    const ops = new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/ops'], platform: true });
    const payments = new Team(platform, 'payments', { groups: ['acme:payments'], approvers: ['alice'], codeOwners: ['@acme/payments'] });
    service(ops, 'web').deployTo(prod);
    new PromotionRing(platform, 'prod', {
      targets: Targets.all(),
      gates: [Gate.approval({ by: ops }), Gate.approval({ by: payments, approvers: ['mallory'] })],
    });
    expect(linesOf(() => platform.snapshot())).toEqual([
      '[platform/rings/prod] CG617 Gate.approval() names team "ops", which has no approvers: nobody could approve a promotion.',
      '[platform/rings/prod] CG617 Gate.approval() names approvers none of whom is an approver of team "payments": nobody could approve a promotion.',
    ]);
  });
});

describe('constructs declared inside a library construct', () => {
  it('keeps environments, clouds, control planes and rings with the platform, in declaration order', () => {
    // GIVEN a library construct that declares a whole slice of the platform
    const platform = newPlatform();
    new PromotionRing(platform, 'first', { targets: Targets.label('tier', 'canary') });
    class Region extends Construct {
      constructor(scope: Construct, id: string) {
        super(scope, `region-${id}`);
        const cp = new ControlPlane(this, `${id}-argocd`);
        const env = new Environment(this, id, { controlPlane: cp });
        const cloud = new Cloud(this, `${id}-cloud`);
        new Cluster(env, 'c1', { cloud, region: 'eu-central-1', labels: { tier: 'canary' } });
        new Cluster(env, 'c2', { cloud, region: 'eu-west-1' });
        new PromotionRing(this, `${id}-rest`, { targets: Targets.environment(env).except(Targets.label('tier', 'canary')) });
        service(this, `${id}-api`).deployTo(env);
      }
    }

    // WHEN
    new Region(platform, 'emea');

    // THEN
    const model = platform.snapshot();
    expect(model.rings.map((r) => `${r.name} ${r.path}`)).toEqual(['first platform/rings/first', 'emea-rest platform/rings/emea-rest']);
    expect(model.environments.map((e) => `${e.name} ${e.path} ${e.controlPlane}`)).toEqual(['emea platform/emea emea-argocd']);
    expect(model.controlPlanes.map((c) => c.path)).toEqual(['platform/control-planes/emea-argocd']);
    expect(model.targets.map((t) => `${t.id} ${t.ring}`)).toEqual([
      'emea/emea-cloud/c1/emea-api first',
      'emea/emea-cloud/c2/emea-api emea-rest',
    ]);
  });
});
