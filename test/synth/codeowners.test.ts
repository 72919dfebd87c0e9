import { Cloud, Cluster, Environment, NamespaceBaseline, Service, Team, Workload } from '../../src';
import { synthesize } from '../../src/synth/synthesize';
import { treeFromLedgers } from '../../src/synth/build';
import { newPlatform } from '../support/platform';

const D = `sha256:${'a'.repeat(64)}`;
/** A chart commit: what a team runs in production reads its chart by commit. */
const CHART = 'c'.repeat(40);

/** dev and prod (production), two teams and the platform team. */
function teamPlatform() {
  const platform = newPlatform();
  const dev = new Environment(platform, 'dev');
  const prod = new Environment(platform, 'prod', { production: true });
  const aws = new Cloud(platform, 'aws');
  new Cluster(dev, 'eu-01', { cloud: aws, region: 'eu-central-1' });
  new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
  const ops = new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/platform'], platform: true });
  const payments = new Team(platform, 'payments', { groups: ['acme:payments'], codeOwners: ['@acme/payments', 'lead@acme.example'] });
  const web = new Team(platform, 'web', { groups: ['acme:web'], codeOwners: ['@acme/web'] });
  const svc = (scope: Team, name: string): Service =>
    new Service(scope, name, {
      image: { repository: `registry.example.com/${name}` },
      initialDigest: D,
      workload: Workload.helmChart({ targetRevision: CHART }),
    });
  svc(payments, 'payments-api').deployTo(dev).deployTo(prod);
  svc(web, 'storefront').deployTo(dev);
  svc(ops, 'ingress').deployTo(dev).deployTo(prod);
  return platform;
}

describe('CODEOWNERS', () => {
  test('names the platform team for what is shared, production and what decides it, each team for its services elsewhere and their ledgers', () => {
    const tree = treeFromLedgers(teamPlatform().snapshot(), new Map());
    expect(tree.content('CODEOWNERS')).toBe(
      [
        '# Written by cdk8s-gitops from the platform program: change the teams there, not here.',
        '# The last entry that matches a file names its owners; each changed file needs the approval of one of them.',
        '',
        '# What the services share, production, the release model and the records of services in production: team ops.',
        '* @acme/platform',
        '',
        '# Made from the ledgers by every write: any team.',
        '/STATUS.md @acme/platform @acme/payments lead@acme.example @acme/web',
        '',
        '# Team ops: its services outside production, their ledgers, and the records of those never in production.',
        '/environments/dev/*/*/ingress/ @acme/platform',
        '/releases/ingress.yaml @acme/platform',
        '',
        '# Team payments: its services outside production, their ledgers, and the records of those never in production.',
        '/environments/dev/*/*/payments-api/ @acme/payments lead@acme.example',
        '/releases/payments-api.yaml @acme/payments lead@acme.example',
        '',
        '# Team web: its services outside production, their ledgers, and the records of those never in production.',
        '/environments/dev/*/*/storefront/ @acme/web',
        '/releases/storefront.yaml @acme/web',
        '/.cdk8s-gitops/services/storefront.json @acme/web',
        '',
      ].join('\n'),
    );
  });

  test("gives the platform team a namespace baseline inside a team's directories, and the shard of a service whose releases pass a production ring", () => {
    const platform = newPlatform();
    const dev = new Environment(platform, 'dev', {
      namespaceBaseline: NamespaceBaseline.standard({ quota: { pods: '10' }, limits: { defaultLimit: { memory: '512Mi' } } }),
    });
    const prod = new Environment(platform, 'prod', { production: true });
    const edge = new Environment(platform, 'edge');
    const aws = new Cloud(platform, 'aws');
    for (const [env, name] of [
      [dev, 'eu-01'],
      [prod, 'eu-02'],
      [edge, 'eu-03'],
    ] as const)
      new Cluster(env, name, { cloud: aws, region: 'eu-central-1' });
    new Team(platform, 'ops', { groups: ['acme:ops'], codeOwners: ['@acme/platform'], platform: true });
    const web = new Team(platform, 'web', { groups: ['acme:web'], codeOwners: ['@acme/web'] });
    // web runs in dev and edge: its releases pass through prod (dev → prod → edge).
    new Service(web, 'web', { image: { repository: 'registry.example.com/web' }, initialDigest: D }).deployTo(dev).deployTo(edge);
    const text = treeFromLedgers(platform.snapshot(), new Map()).content('CODEOWNERS');
    expect(text.slice(text.indexOf('# Team web'))).toBe(
      [
        '# Team web: its services outside production, their ledgers, and the records of those never in production.',
        '/environments/dev/*/*/web/ @acme/web',
        '/environments/edge/*/*/web/ @acme/web',
        '/releases/web.yaml @acme/web',
        '/environments/dev/*/*/web/baseline/ @acme/platform',
        '',
      ].join('\n'),
    );
  });

  test('is not written for a platform without teams', () => {
    const platform = newPlatform();
    const dev = new Environment(platform, 'dev');
    new Cluster(dev, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
    new Service(platform, 'web', { image: { repository: 'registry.example.com/web' }, initialDigest: D }).deployTo(dev);
    expect(synthesize(platform.snapshot()).paths()).not.toContain('CODEOWNERS');
    expect(treeFromLedgers(platform.snapshot(), new Map()).paths()).not.toContain('CODEOWNERS');
  });
});
