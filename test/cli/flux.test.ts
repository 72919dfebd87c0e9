/**
 * A control plane reconciled by Flux, through the built CLI against a bare remote: a release
 * (image digest and chart version) moves ring by ring into the Flux targets' values and
 * HelmReleases as into Argo CD's, rolls back, and shows in history and status.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { useProgramCheckout } from '../support/program-checkout';
import { CliRun, runCli } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const LATER = '2026-11-22T12:00:00Z';
const SEED = `sha256:${'0'.repeat(64)}`;
const A = `sha256:${'a'.repeat(64)}`;
const NONPROD = 'environments/nonprod/aws/eu-01/otel';

const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Reconciler, Service, SyncPolicy, Targets, Workload } = require(${JSON.stringify(path.join(ROOT, 'lib'))});

const platform = new Platform({ repoURL: 'https://git.example.com/platform/platform-gitops.git' });
const syncPolicy = SyncPolicy.automated({ prune: true, selfHeal: true });
// NONPROD_ARGO=1: nonprod is still reconciled by Argo CD
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod', process.env.NONPROD_ARGO === '1' ? {} : { reconciler: Reconciler.flux() }), syncPolicy });
const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod', { reconciler: Reconciler.flux() }), syncPolicy });
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
new PromotionRing(platform, 'prod', { targets: Targets.environment(prod), gates: [Gate.soak(Duration.hours(1))] });
new Service(platform, 'web', {
  image: { repository: 'registry.example.com/shop/web' },
  initialDigest: ${JSON.stringify(SEED)},
  workload: Workload.helmRepositoryChart({ repoURL: 'https://charts.example.com', chart: 'web', version: '1.0.0' }),
}).deployTo([nonprod, prod]);
// NO_OTEL=1: otel is gone from the program; OTEL_NS=<ns>: it moves to another namespace
if (process.env.NO_OTEL !== '1') new Service(platform, 'otel', {
  image: { repository: 'otel/opentelemetry-collector-contrib' },
  initialDigest: ${JSON.stringify(SEED)},
  namespace: process.env.OTEL_NS ?? 'observability',
  workload: Workload.helmRepositoryChart({
    repoURL: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
    chart: 'opentelemetry-collector',
    version: '0.110.0',
    promoted: true,
  }),
}).deployTo([nonprod, prod]);
platform.synth();
`;

describe('a control plane reconciled by Flux, through the CLI', () => {
  const checkout = useProgramCheckout(PROGRAM, 'flux');

  function cli(args: readonly string[], now = T0): Promise<CliRun> {
    return runCli(args, { out: checkout.out, now, app: checkout.app });
  }

  /** The chart version and image digest a Flux target runs, as its files say. */
  function runs(dir: string): string {
    const release = parseAllDocuments(fs.readFileSync(path.join(checkout.out, dir, 'flux.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .find((d) => d.kind === 'HelmRelease');
    const values = parseYaml(fs.readFileSync(path.join(checkout.out, dir, 'values.yaml'), 'utf8'));
    return `${release.spec.chart.spec.version} ${values.image.digest}`;
  }

  test('a release moves ring by ring into the HelmReleases and values, rolls back, and shows in history and status', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    expect(runs(NONPROD)).toBe(`0.110.0 ${SEED}`);
    expect(checkout.sandbox.remoteFile('clusters/nonprod/aws/eu-01/otel.yaml')).toContain('kind: Kustomization');

    const upgrade = await cli([
      'promote',
      'otel',
      '--ring',
      'nonprod',
      '--chart-version',
      '0.111.0',
      '--digest',
      A,
      '--by',
      'alice',
      '--publish',
    ]);
    expect({ code: upgrade.code, stderr: upgrade.stderr }).toEqual({ code: 0, stderr: '' });
    expect(runs(NONPROD)).toBe(`0.111.0 ${A}`);
    expect(runs('environments/prod/aws/eu-01/otel')).toBe(`0.110.0 ${SEED}`);
    // The promotion changed the ring's values and HelmRelease, nothing of the cluster's entry point.
    expect(checkout.sandbox.git(checkout.sandbox.remote, 'show', '--name-only', '--format=', 'main').split('\n').sort()).toEqual([
      '.cdk8s-gitops/services/otel.json',
      'STATUS.md',
      `${NONPROD}/flux.yaml`,
      `${NONPROD}/values.yaml`,
      'releases/otel.yaml',
    ]);

    const early = await cli(['promote', 'otel', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob'], '2026-11-22T10:30:00Z');
    expect([early.code, early.stderr]).toEqual([1, expect.stringContaining('CG602')]);
    expect((await cli(['promote', 'otel', '--ring', 'prod', '--from', 'nonprod', '--by', 'bob', '--publish'], LATER)).code).toBe(0);
    expect(runs('environments/prod/aws/eu-01/otel')).toBe(`0.111.0 ${A}`);
    expect((await cli(['status'], LATER)).stdout).toMatch(/prod +1 +sha256:aaaaaaaa +0\.111\.0 /);
    expect((await cli(['history', 'otel'], LATER)).stdout).toContain('sha256:aaaaaaaa');

    const back = await cli(
      ['rollback', 'otel', '--ring', 'prod', '--previous', '--reason', 'dropped spans', '--by', 'bob', '--publish'],
      LATER,
    );
    expect({ code: back.code, stderr: back.stderr }).toEqual({ code: 0, stderr: '' });
    expect(runs('environments/prod/aws/eu-01/otel')).toBe(`0.110.0 ${SEED}`);
    expect((await cli(['check'], LATER)).code).toBe(0);

    // preview lists each cluster's Kustomizations and what they deploy; explain names them.
    const preview = await cli(['preview'], LATER);
    expect(preview.stdout).toContain(
      'clusters/nonprod/aws/eu-01  flux-system/otel  observability  HelmRelease otel  https://open-telemetry.github.io/opentelemetry-helm-charts opentelemetry-collector@0.111.0',
    );
    expect(preview.stdout).toContain('4 Flux Kustomizations on 2 clusters.');
    const json = JSON.parse((await cli(['preview', '--format', 'json'], LATER)).stdout) as any[];
    expect(json.filter((o) => o.metadata.name === 'otel').map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Kustomization flux-system/otel',
      'HelmRepository observability/otel',
      'HelmRelease observability/otel',
      'Kustomization flux-system/otel',
      'HelmRepository observability/otel',
      'HelmRelease observability/otel',
    ]);
    const explain = await cli(['explain', 'otel-prod-aws-eu-01'], LATER);
    expect(explain.stdout).toContain('Kustomization  flux-system/otel (clusters/prod/aws/eu-01/otel.yaml)');
    expect(explain.stdout).toContain('deployed by    HelmRelease observability/otel (environments/prod/aws/eu-01/otel/flux.yaml)');

    // What flux bootstrap writes is left alone; anything else in an entry point, Flux would apply.
    const entry = path.join(checkout.out, 'clusters/nonprod/aws/eu-01');
    fs.mkdirSync(path.join(entry, 'flux-system'));
    fs.writeFileSync(path.join(entry, 'flux-system/gotk-sync.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    expect((await cli(['check'], LATER)).code).toBe(0);
    fs.writeFileSync(path.join(entry, 'admin.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n');
    fs.mkdirSync(path.join(entry, 'more'));
    const stray = await cli(['check'], LATER);
    expect(stray.code).toBe(2);
    expect(stray.stdout).toContain('[stray-file] CG423 clusters/nonprod/aws/eu-01/admin.yaml');
    expect(stray.stdout).toContain('[stray-file] CG423 clusters/nonprod/aws/eu-01/more');
    fs.rmSync(path.join(entry, 'admin.yaml'));
    fs.rmSync(path.join(entry, 'more'), { recursive: true });
    // A .sourceignore makes Flux's source-controller leave files out, which Flux then prunes.
    fs.writeFileSync(path.join(checkout.out, '.sourceignore'), 'environments/\n');
    const ignore = await cli(['check'], LATER);
    expect(ignore.code).toBe(2);
    expect(ignore.stdout).toContain(
      "[stray-file] CG423 .sourceignore: .sourceignore was not written by cdk8s-gitops, and Flux's source-controller leaves out",
    );
    fs.rmSync(path.join(checkout.out, '.sourceignore'));
    // A symbolic link in an entry point is reported, never followed (Flux would apply what it points at).
    fs.symlinkSync('/etc/hostname', path.join(entry, 'link.yaml'));
    const link = await cli(['check'], LATER);
    expect(link.code).toBe(2);
    expect(link.stdout).toContain('[stray-file] CG423 clusters/nonprod/aws/eu-01/link.yaml');
    // preview would drop what it stands for from the listing: it refuses; a link to no manifest is none of its business.
    const linked = await cli(['preview'], LATER);
    expect([linked.code, linked.stderr]).toEqual([1, expect.stringContaining('CG408')]);
    fs.mkdirSync(path.join(checkout.out, 'docs'));
    fs.symlinkSync('/etc/hostname', path.join(checkout.out, 'docs', 'index.md'));
    fs.rmSync(path.join(entry, 'link.yaml'));
    expect((await cli(['preview'], LATER)).code).toBe(0);
    fs.rmSync(path.join(checkout.out, 'docs'), { recursive: true });
    fs.symlinkSync('/etc/hostname', path.join(entry, 'link.yaml'));
    fs.rmSync(path.join(entry, 'link.yaml'));

    // A hand edit of a HelmRelease's version is found.
    const file = path.join(checkout.out, NONPROD, 'flux.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('0.111.0', '0.112.0'));
    const check = await cli(['check'], LATER);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(`${NONPROD}/flux.yaml`);
  });

  test('a service gone from the program, or moved to another namespace, is a removal to declare: Flux would prune what it runs', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const gone = await runCli(['synth'], { out: checkout.out, now: T0, app: checkout.app, env: { NO_OTEL: '1' } });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(
      `CG141 The write would make Flux prune what otel-nonprod-aws-eu-01 and otel-prod-aws-eu-01 run: service "otel" is no longer declared.`,
    );
    // plan says so too, first and as loud as deleted Applications, as synth would refuse it.
    const plan = await runCli(['plan'], { out: checkout.out, now: T0, app: checkout.app, env: { NO_OTEL: '1' } });
    expect(plan.code).toBe(2);
    expect(plan.stdout.split('\n').slice(0, 3)).toEqual([
      'Flux PRUNES what 2 targets run; 2 NOT DECLARED removed by the program:',
      '[-] otel-nonprod-aws-eu-01  (service "otel" is no longer declared)  NOT DECLARED: the write is refused',
      '[-] otel-prod-aws-eu-01  (service "otel" is no longer declared)  NOT DECLARED: the write is refused',
    ]);
    const markdown = await runCli(['plan', '--format', 'markdown'], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { NO_OTEL: '1' },
    });
    expect(markdown.stdout).toContain('> **Flux PRUNES what 2 targets run; 2 NOT DECLARED removed by the program**');
    expect(markdown.stderr).toContain(
      'Warning: Flux would prune what 2 targets run without a declaration in the program; synth refuses (CG141).',
    );
    const json = await runCli(['plan', '--format', 'json'], { out: checkout.out, now: T0, app: checkout.app, env: { NO_OTEL: '1' } });
    expect(JSON.parse(json.stdout).fluxPrunes).toEqual([
      { name: 'otel-nonprod-aws-eu-01', why: 'service "otel" is no longer declared', refused: true },
      { name: 'otel-prod-aws-eu-01', why: 'service "otel" is no longer declared', refused: true },
    ]);
    const moved = await runCli(['synth'], { out: checkout.out, now: T0, app: checkout.app, env: { OTEL_NS: 'telemetry' } });
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain(
      'its namespace changes from observability: Flux prunes what the target runs there before it runs in the new one (the namespace itself stays)',
    );
    expect(checkout.sandbox.status(checkout.out)).toEqual([]);
    const allowed = await runCli(['synth', '--allow-remove', 'otel-nonprod-aws-eu-01', '--allow-remove', 'otel-prod-aws-eu-01'], {
      out: checkout.out,
      now: T0,
      app: checkout.app,
      env: { NO_OTEL: '1' },
    });
    expect({ code: allowed.code, stderr: allowed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fs.existsSync(path.join(checkout.out, 'clusters/nonprod/aws/eu-01/otel.yaml'))).toBe(false);
  });

  test('moving a control plane from Argo CD to Flux deletes its Applications, declared; what runs stays as the ledger says', async () => {
    const argo = await runCli(['publish', '--by', 'platform-team'], {
      out: checkout.out,
      now: '2026-11-21T10:00:00Z',
      app: checkout.app,
      env: { NONPROD_ARGO: '1' },
    });
    expect(argo.code).toBe(0);
    const refused = await cli(['synth']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'CG141 The write would delete 2 Applications otel-nonprod-aws-eu-01 and web-nonprod-aws-eu-01: environment "nonprod" is now reconciled by Flux',
    );
    const moved = await cli(['synth', '--allow-remove', '*-nonprod-aws-eu-01']);
    // (and says that what the bootstrap applied, its ApplicationSets with them, stays in Argo CD until deleted there without pruning)
    expect({ code: moved.code, stderr: moved.stderr }).toEqual({
      code: 0,
      stderr:
        'Note: Control plane nonprod is now reconciled by Flux, but its Argo CD (namespace argocd) keeps what its bootstrap applied there, which nothing prunes: ' +
        'the root Application root and ApplicationSets workloads-nonprod-otel, workloads-nonprod-web, whose Applications keep running what they run until they are deleted there. ' +
        'Delete them in that Argo CD once this change is published, without pruning what the Applications run: ' +
        'kubectl -n argocd delete applicationset workloads-nonprod-otel workloads-nonprod-web --cascade=orphan (without --cascade=orphan, Argo CD deletes the Applications and prunes everything they run), ' +
        'then each Application they leave there (argocd app delete <application> --cascade=false keeps what it runs, for the Argo CD or Flux that now deploys it), ' +
        'and the root Application (kubectl -n argocd delete application root).\n',
    });
    expect(runs(NONPROD)).toBe(`0.110.0 ${SEED}`);
    const check = await cli(['check']);
    expect({ code: check.code, stdout: check.stdout }).toEqual({
      code: 0,
      stdout: 'Clean: the checkout is exactly what the program synthesizes.\n',
    });
  });

  test('a promotion runs without the program, as for Argo CD', async () => {
    expect((await cli(['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z')).code).toBe(0);
    const run = await runCli(
      ['promote', 'otel', '--ring', 'nonprod', '--chart-version', '0.111.0', '--digest', A, '--by', 'ci', '--no-program'],
      {
        out: checkout.out,
        now: T0,
      },
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(runs(NONPROD)).toBe(`0.111.0 ${A}`);
  });
});
