/**
 * Argo CD managing itself, through the built CLI against a bare remote: an Argo CD upgrade (the
 * chart's version and Argo CD's image, a tag pinned by its digest) is a promotion, nonprod's
 * Argo CD first, prod's after its soak and approval, as each control plane would expand its tree.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const LATER = '2026-11-23T12:00:00Z';
const V320 = `v3.2.0@sha256:${'0'.repeat(64)}`;
const V321 = `v3.2.1@sha256:${'a'.repeat(64)}`;
const NONPROD = 'environments/nonprod/aws/hub/argo-cd';
const PROD = 'environments/prod/aws/hub/argo-cd';

const PROGRAM = `
const { Cloud, Cluster, ClusterCredentials, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, SelfManagedArgoCd, Service, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
const aws = new Cloud(platform, 'aws');
const homes = [nonprod, prod].map((env) => {
  new Cluster(env, 'eu-01', {
    cloud: aws,
    region: 'eu-central-1',
    server: 'https://' + env.name + '-eu-01.eks.example.com',
    credentials: ClusterCredentials.externalSecret({ store: { name: 'vault' }, config: { key: 'argocd/' + env.name + '-eu-01' } }),
  });
  return new Cluster(env, 'hub', { cloud: aws, region: 'eu-central-1' });
});
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(24)), Gate.approval()] });
new Service(platform, 'web', {
  image: { repository: 'registry.example.com/shop/web' },
  initialDigest: ${JSON.stringify(`sha256:${'0'.repeat(64)}`)},
  workload: Workload.ociChart({ repoURL: 'oci://registry.example.com/charts/web', version: '1.0.0' }),
}).deployTo([nonprod, prod]);
// NO_ARGOCD=1: the program no longer manages Argo CD
if (process.env.NO_ARGOCD !== '1') new SelfManagedArgoCd(platform, 'argo-cd', {
  chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.4' }),
  runsOn: homes,
  initialVersion: ${JSON.stringify(V320)},
  admins: ['platform-admins'],
  // RECONCILE=<seconds>: the program changes Argo CD's reconciliation interval
  reconciliation: Duration.seconds(Number(process.env.RECONCILE ?? 180)),
});
platform.synth();
`;

describe('Argo CD managing itself, through the CLI', () => {
  const checkout = useProgramCheckout(PROGRAM, 'argo-cd');

  function cli(args: readonly string[], now = T0): Promise<CliRun> {
    return runCli(args, { out: checkout.out, now, app: checkout.app });
  }

  /** Project and chart version of each Application, as `preview` expands the checkout's ApplicationSets. */
  async function versions(): Promise<Record<string, string>> {
    const apps = JSON.parse((await cli(['preview', '--format', 'json'])).stdout) as any[];
    return Object.fromEntries(apps.map((x) => [x.metadata.name, `${x.spec.project} ${x.spec.sources[0].targetRevision}`]));
  }

  const imageOf = (dir: string): unknown => parseYaml(fs.readFileSync(path.join(checkout.out, dir, 'values.yaml'), 'utf8')).global.image;

  test('an upgrade moves ring by ring: nonprod first, prod after its soak with an approval, and rolls back chart and image together', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    expect(await versions()).toMatchObject({
      'argo-cd-nonprod-aws-hub': 'nonprod-addon-argo-cd 9.1.4',
      'argo-cd-prod-aws-hub': 'prod-addon-argo-cd 9.1.4',
    });

    // Prod's Argo CD is not upgraded first.
    const first = await cli([
      'promote',
      'argo-cd',
      '--ring',
      'prod',
      '--chart-version',
      '9.1.5',
      '--digest',
      `argocd=${V321}`,
      '--by',
      'alice',
    ]);
    expect([first.code, first.stderr]).toEqual([1, expect.stringContaining('CG6')]);
    // A bare digest is refused: Argo CD's chart reads only a tag, and would not deploy it.
    const bare = await cli([
      'promote',
      'argo-cd',
      '--ring',
      'nonprod',
      '--chart-version',
      '9.1.5',
      '--digest',
      `argocd=sha256:${'a'.repeat(64)}`,
      '--by',
      'alice',
    ]);
    expect([bare.code, bare.stderr]).toEqual([
      1,
      expect.stringContaining('is a bare digest, but the chart reads only a tag for image "argocd"'),
    ]);
    // A plain tag is refused where only digests are.
    const tag = await cli([
      'promote',
      'argo-cd',
      '--ring',
      'nonprod',
      '--chart-version',
      '9.1.5',
      '--digest',
      'argocd=v3.2.1',
      '--by',
      'alice',
    ]);
    expect([tag.code, tag.stderr]).toEqual([1, expect.stringContaining('is a tag, but this ring takes only digests')]);

    const upgrade = await cli([
      'promote',
      'argo-cd',
      '--ring',
      'nonprod',
      '--chart-version',
      '9.1.5',
      '--digest',
      `argocd=${V321}`,
      '--by',
      'alice',
      '--publish',
    ]);
    expect({ code: upgrade.code, stderr: upgrade.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await versions()).toMatchObject({
      'argo-cd-nonprod-aws-hub': 'nonprod-addon-argo-cd 9.1.5',
      'argo-cd-prod-aws-hub': 'prod-addon-argo-cd 9.1.4',
    });
    expect(imageOf(NONPROD)).toEqual({ repository: 'quay.io/argoproj/argocd', tag: V321 });
    expect(imageOf(PROD)).toEqual({ repository: 'quay.io/argoproj/argocd', tag: V320 });
    // The promotion touched the ring's release and values files only: the Secrets stay as they were.
    expect(checkout.sandbox.git(checkout.sandbox.remote, 'show', '--name-only', '--format=', 'main').split('\n').sort()).toEqual([
      '.cdk8s-gitops/services/argo-cd.json',
      'STATUS.md',
      `${NONPROD}/release.yaml`,
      `${NONPROD}/values.yaml`,
      'releases/argo-cd.yaml',
    ]);

    const early = await cli(
      ['promote', 'argo-cd', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--approved-by', 'carol'],
      '2026-11-22T12:00:00Z',
    );
    expect([early.code, early.stderr]).toEqual([1, expect.stringContaining('CG602')]);
    const unapproved = await cli(['promote', 'argo-cd', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob'], LATER);
    expect(unapproved.code).toBe(1);
    const prod = await cli(
      ['promote', 'argo-cd', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--approved-by', 'carol', '--publish'],
      LATER,
    );
    expect({ code: prod.code, stderr: prod.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await versions()).toMatchObject({
      'argo-cd-nonprod-aws-hub': 'nonprod-addon-argo-cd 9.1.5',
      'argo-cd-prod-aws-hub': 'prod-addon-argo-cd 9.1.5',
    });
    expect(imageOf(PROD)).toEqual({ repository: 'quay.io/argoproj/argocd', tag: V321 });
    expect((await cli(['status'], LATER)).stdout).toMatch(/prod +1 +v3\.2\.1@sha256:aaaaaaaa +9\.1\.5 /);
    expect((await cli(['history', 'argo-cd'], LATER)).stdout).toContain('v3.2.1@sha256:aaaaaaaa');

    const back = await cli(
      ['rollback', 'argo-cd', '--ring', 'prod', '--previous', '--reason', 'sync stalls', '--by', 'bob', '--publish'],
      LATER,
    );
    expect({ code: back.code, stderr: back.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await versions()).toMatchObject({ 'argo-cd-prod-aws-hub': 'prod-addon-argo-cd 9.1.4' });
    expect(imageOf(PROD)).toEqual({ repository: 'quay.io/argoproj/argocd', tag: V320 });
    expect((await cli(['check'], LATER)).code).toBe(0);
  });

  test('check finds a hand edit of a cluster Secret and a file added beside them, and explain says where the generated values come from', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const file = path.join(checkout.out, PROD, 'baseline/externalsecret-cluster-prod-aws-eu-01.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('argocd/prod-eu-01', 'argocd/someone-elses'));
    const check = await cli(['check']);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(`${PROD}/baseline/externalsecret-cluster-prod-aws-eu-01.yaml`);
    // A file nobody declared beside the Secrets: Argo CD would deploy it into its own namespace.
    fs.writeFileSync(
      path.join(checkout.out, NONPROD, 'baseline/cluster-extra.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: extra\n',
    );
    // Argo CD applies JSON, .yml and Jsonnet files there too, hidden names included.
    for (const name of ['cluster-more.json', '.cluster-hidden.yml', 'cluster-gen.jsonnet']) {
      fs.writeFileSync(path.join(checkout.out, NONPROD, 'baseline', name), '{}\n');
    }
    const stray = await cli(['check', '--format', 'json']);
    expect(stray.code).toBe(2);
    const strays = (JSON.parse(stray.stdout) as { findings: Array<{ code: string; path: string }> }).findings.filter(
      (f) => f.code === 'CG423',
    );
    expect(strays.map((f) => f.path)).toEqual(
      ['.cluster-hidden.yml', 'cluster-extra.yaml', 'cluster-gen.jsonnet', 'cluster-more.json'].map(
        (name) => `${NONPROD}/baseline/${name}`,
      ),
    );
    // A change of Argo CD's settings in the program is planned like any values change.
    // Both control planes change alike, so plan shows the change once; --verbose lists the files.
    const plan = await runCli(['plan', '--verbose'], { out: checkout.out, now: T0, app: checkout.app, env: { RECONCILE: '300' } });
    expect(plan.stdout).toContain('environments/*/aws/hub/argo-cd/values.yaml  (2 files, each:)');
    expect(plan.stdout).toContain(`${PROD}/values.yaml`);
    // timeout.reconciliation is one key of configs.cm (a dot in its name), as Helm reads it
    expect(plan.stdout).toContain('configs.cm["timeout.reconciliation"]: 180s → 300s');
    const explain = await cli(['explain', 'argo-cd-prod-aws-hub']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('Argo CD of control plane prod');
    expect(explain.stdout).toContain(
      'destination     https://kubernetes.default.svc/argocd (server/namespace: the cluster it runs on, registered as aws-hub)',
    );
    expect(explain.stdout).toContain('timeout.reconciliation');
  });

  test('the program no longer managing Argo CD is a removal to declare, which keeps Argo CD running', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const gone = await runCli(['synth'], { out: checkout.out, now: T0, app: checkout.app, env: { NO_ARGOCD: '1' } });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('CG141 The write would delete 2 Applications argo-cd-nonprod-aws-hub and argo-cd-prod-aws-hub');
    expect(gone.stderr).toContain('Argo CD would keep what they run (their ApplicationSet preserves resources on deletion)');
    expect(checkout.sandbox.status(checkout.out)).toEqual([]);
  });

  test('plan says Argo CD keeps what its own deleted Applications run, as CG141 does', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const plan = await runCli(['plan'], { out: checkout.out, now: T0, app: checkout.app, env: { NO_ARGOCD: '1' } });
    expect(plan.stdout.split('\n')[0]).toBe(
      'Applications DELETED: 2 (Argo CD keeps what they run: their ApplicationSet preserves resources on deletion); 2 NOT DECLARED removed by the program:',
    );
    const json = await runCli(['plan', '--format', 'json'], { out: checkout.out, now: T0, app: checkout.app, env: { NO_ARGOCD: '1' } });
    const deleted = (JSON.parse(json.stdout) as { applications: { name: string; change: string; keepsResources?: boolean }[] }).applications
      .filter((a) => a.change === 'delete')
      .map((a) => [a.name, a.keepsResources]);
    expect(deleted).toEqual([
      ['argo-cd-nonprod-aws-hub', true],
      ['argo-cd-prod-aws-hub', true],
    ]);
  });
});
