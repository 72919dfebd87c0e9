import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { Sandbox } from '../git/sandbox';
import { BIN, cleanEnv, CliRun, runCli } from '../support/cli';
import { hashTree } from '../support/hash-tree';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../support/argocd-schema';

/**
 * A platform split across two GitOps repositories, driven through the built CLI (run `npm run
 * build` first) with a bare remote per repository: the nonprod control plane reads the
 * platform's repository, the prod control plane a repository of its own.
 */
const ROOT = path.resolve(__dirname, '..', '..');

const T0 = '2026-11-22T10:00:00Z';
const SEED = digest('0');
const A = digest('a');
const REPO_A = 'https://git.example.com/platform/platform-gitops.git';
const REPO_B = 'https://git.example.com/platform/prod-gitops.git';

/**
 * Rings nonprod → prod-canary → prod (soak 1h, approval). `SPLIT=none` declares no repository
 * (one repository, as before); `SPLIT=span` adds one ring over both environments.
 */
const PROGRAM = `
const { Cloud, Cluster, ControlPlane, Duration, Environment, Gate, Platform, PromotionRing, Removal, Service, Targets } = require(${JSON.stringify(path.join(ROOT, 'lib'))});
const split = process.env.SPLIT ?? 'two';
const platform = new Platform({ repoURL: ${JSON.stringify(REPO_A)}, applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
const prod = new Environment(platform, 'prod', {
  controlPlane: new ControlPlane(platform, 'prod', ['none', 'back', 'backfrom'].includes(split) ? {} : { repository: { repoURL: ${JSON.stringify(REPO_B)} } }),
});
const aws = new Cloud(platform, 'aws');
new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(nonprod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
new Cluster(prod, 'eu-02', { cloud: aws, region: 'eu-west-1' });
if (split === 'span') {
  new PromotionRing(platform, 'everywhere', { targets: Targets.environment(nonprod, prod) });
} else if (split === 'interleaved') {
  // prod-canary (B) → nonprod (A) → prod (B)
  new PromotionRing(platform, 'prod-canary', { targets: Targets.cluster(canary) });
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod', { targets: Targets.environment(prod).except(Targets.cluster(canary)) });
} else {
  // SPLIT=moved: prod's rings, new in their repository, under new names; the old ones declared removed
  // SPLIT=movedfrom: the same new names, declared as moved from the old ones
  // SPLIT=back: prod's control plane back in the platform's repository, its rings under new names
  // SPLIT=backfrom: the same new names, declared as moved from the names they had in prod's repository
  const moved = split === 'moved' || split === 'movedfrom' ? '-b' : split === 'back' || split === 'backfrom' ? '-a' : '';
  const from = (ring) => (split === 'movedfrom' || split === 'backfrom' ? { movedFrom: [ring] } : {});
  if (split === 'moved') platform.removed(Removal.ring('prod-canary'), Removal.ring('prod'));
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod-canary' + moved, { ...from('prod-canary'), targets: Targets.cluster(canary) });
  new PromotionRing(platform, 'prod' + moved, {
    ...from('prod'),
    targets: Targets.environment(prod).except(Targets.cluster(canary)),
    gates: [Gate.soak(Duration.hours(1)), Gate.approval()],
  });
}
for (const name of ['payments-api', 'orders-api']) {
  const service = new Service(platform, name, { image: { repository: 'registry.example.com/shop/' + name }, initialDigest: ${JSON.stringify(SEED)} });
  service.deployTo(nonprod);
  service.deployTo(prod);
}
platform.synth();
`;

describe('a platform split across two GitOps repositories', () => {
  let workDir: string;
  let app: string;
  let repoA: Sandbox;
  let repoB: Sandbox;
  let a: string;
  let b: string;

  function cli(out: string, args: readonly string[], now = T0, env: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { out, now, app, env });
  }

  async function ok(out: string, args: readonly string[], now = T0, env: Record<string, string> = {}): Promise<string> {
    const run = await cli(out, args, now, env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  /** The files of a checkout (not .git), sorted. */
  function filesOf(dir: string): string[] {
    return Object.entries(hashTree(dir, ['.git']))
      .filter(([, h]) => h !== 'dir')
      .map(([p]) => p)
      .sort();
  }

  function yamlObjects(dir: string, file: string): any[] {
    return parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((d) => d.toJS());
  }

  /** Every Argo CD object of a checkout's bootstrap, projects and ApplicationSets. */
  function argoObjectsOf(dir: string): { file: string; obj: any }[] {
    return filesOf(dir)
      .filter((f) => /^(bootstrap|projects|applicationsets)\/.*\.yaml$/.test(f))
      .flatMap((file) => yamlObjects(dir, file).map((obj) => ({ file, obj })));
  }

  /** Every repoURL an object names, as `field=url`. */
  function repoUrls(value: unknown, at = ''): string[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => repoUrls(v, `${at}[${i}]`));
    if (value === null || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([k, v]) =>
      k === 'repoURL' && typeof v === 'string'
        ? [v]
        : k === 'sourceRepos' && Array.isArray(v)
          ? (v as string[])
          : repoUrls(v, `${at}.${k}`),
    );
  }

  beforeAll(async () => {
    assertBuilt();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-repos-'));
    const program = path.join(workDir, 'shop.js');
    fs.writeFileSync(program, PROGRAM);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(program)}`;
  });

  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    repoA = Sandbox.create();
    repoB = Sandbox.create();
    a = repoA.clone('platform-gitops');
    b = repoB.clone('prod-gitops');
  });

  afterEach(() => {
    repoA.cleanup();
    repoB.cleanup();
  });

  describe('synth', () => {
    const schemas = loadArgoCdSchemas();

    it('writes each repository into its own checkout, with only the files of its control planes', async () => {
      // GIVEN two clones, one per repository
      const outside = hashTree(b);
      // WHEN the platform's repository is synthesized (no --repository)
      await ok(a, ['synth']);
      // THEN repository B's checkout is untouched
      expect(hashTree(b)).toEqual(outside);
      // WHEN repository B is synthesized
      const beforeB = hashTree(a);
      await ok(b, ['synth', '--repository', REPO_B]);
      expect(hashTree(a)).toEqual(beforeB);

      const filesA = filesOf(a);
      const filesB = filesOf(b);
      // THEN each checkout holds its own control plane's bootstrap, ApplicationSets, AppProject and values
      expect(filesA.filter((f) => f.startsWith('bootstrap/'))).toEqual(['bootstrap/nonprod.yaml']);
      expect(filesB.filter((f) => f.startsWith('bootstrap/'))).toEqual(['bootstrap/prod.yaml']);
      expect(filesA.filter((f) => f.startsWith('projects/'))).toEqual(['projects/nonprod.yaml']);
      expect(filesB.filter((f) => f.startsWith('projects/'))).toEqual(['projects/prod.yaml']);
      expect(filesA.filter((f) => f.startsWith('applicationsets/')).every((f) => f.startsWith('applicationsets/nonprod/'))).toBe(true);
      expect(filesB.filter((f) => f.startsWith('applicationsets/')).every((f) => f.startsWith('applicationsets/prod/'))).toBe(true);
      expect(filesA.filter((f) => f.startsWith('environments/'))).toEqual([
        'environments/nonprod/aws/eu-01/orders-api/values.yaml',
        'environments/nonprod/aws/eu-01/payments-api/values.yaml',
        'environments/nonprod/aws/eu-02/orders-api/values.yaml',
        'environments/nonprod/aws/eu-02/payments-api/values.yaml',
      ]);
      expect(filesB.filter((f) => f.startsWith('environments/'))).toEqual([
        'environments/prod/aws/eu-01/orders-api/values.yaml',
        'environments/prod/aws/eu-01/payments-api/values.yaml',
        'environments/prod/aws/eu-02/orders-api/values.yaml',
        'environments/prod/aws/eu-02/payments-api/values.yaml',
      ]);
      // Each is a complete checkout: its own manifest, release model, ledgers and STATUS.md
      for (const files of [filesA, filesB]) {
        expect(files).toEqual(
          expect.arrayContaining([
            '.cdk8s-gitops/manifest.json',
            '.cdk8s-gitops/model/platform.json',
            'STATUS.md',
            'releases/orders-api.yaml',
            'releases/payments-api.yaml',
          ]),
        );
      }
      // The ledgers hold the rings of their repository only
      expect(Object.keys(parseYaml(fs.readFileSync(path.join(a, 'releases/payments-api.yaml'), 'utf8')).rings ?? {})).not.toContain(
        'prod-canary',
      );
      const ledgerB = parseYaml(fs.readFileSync(path.join(b, 'releases/payments-api.yaml'), 'utf8'));
      expect(Object.keys(ledgerB.rings ?? {})).not.toContain('nonprod');
      expect(fs.readFileSync(path.join(a, 'STATUS.md'), 'utf8')).not.toContain('prod-canary');
      expect(fs.readFileSync(path.join(b, 'STATUS.md'), 'utf8')).toContain('prod-canary');
      // The release model records its repository
      expect(JSON.parse(fs.readFileSync(path.join(b, '.cdk8s-gitops/model/platform.json'), 'utf8')).model.repoURL).toBe(REPO_B);

      // THEN everything Argo CD reads points at its own repository
      const urlsA = argoObjectsOf(a).flatMap(({ obj }) => repoUrls(obj));
      const urlsB = argoObjectsOf(b).flatMap(({ obj }) => repoUrls(obj));
      expect(urlsA).toContain(REPO_A);
      expect(urlsA).not.toContain(REPO_B);
      expect(urlsB).toContain(REPO_B);
      expect(urlsB).not.toContain(REPO_A);
      const bootstrapB = yamlObjects(b, 'bootstrap/prod.yaml');
      expect(bootstrapB.find((o) => o.kind === 'Application').spec.sources.map((s: any) => s.repoURL)).toEqual([REPO_B, REPO_B]);
    });

    describeWithArgoCdSchemas('strictly against Argo CD CRDs', schemas, (validate) => {
      it("writes only valid Argo CD objects into each repository's checkout", async () => {
        await ok(a, ['synth']);
        await ok(b, ['synth', '--repository', REPO_B]);
        const objects = [...argoObjectsOf(a), ...argoObjectsOf(b)];
        expect(objects.length).toBeGreaterThan(4);
        expect(objects.flatMap(({ file, obj }) => validate(obj).map((e) => `${file}: ${e}`))).toEqual([]);
      });
    });

    it('changes nothing on a second synth of either repository', async () => {
      await ok(a, ['synth']);
      await ok(b, ['synth', '--repository', REPO_B]);
      // (the checkouts' work trees: Git's directory holds the stat cache a run refreshes)
      const before = { a: hashTree(a, ['.git']), b: hashTree(b, ['.git']) };
      const reportA = JSON.parse(await ok(a, ['synth', '--format', 'json']));
      const reportB = JSON.parse(await ok(b, ['synth', '--repository', REPO_B, '--format', 'json']));
      for (const report of [reportA, reportB]) {
        expect({ created: report.created, updated: report.updated, deleted: report.deleted }).toEqual({
          created: [],
          updated: [],
          deleted: [],
        });
      }
      expect({ a: hashTree(a, ['.git']), b: hashTree(b, ['.git']) }).toEqual(before);
    });

    it('fails with CG155 when a ring has targets in two repositories, and writes nothing', async () => {
      const before = { a: hashTree(a), b: hashTree(b) };
      const run = await cli(a, ['synth'], T0, { SPLIT: 'span' });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG155');
      expect(run.stderr).toContain('Ring "everywhere" has targets read from 2 GitOps repositories');
      expect(run.stderr).toContain(REPO_A);
      expect(run.stderr).toContain(REPO_B);
      expect(run.stderr).toContain('Split the ring into one ring per repository');
      expect({ a: hashTree(a), b: hashTree(b) }).toEqual(before);
    });

    it("fails with CG155 when a repository's rings do not follow one another, and writes nothing", async () => {
      const before = { a: hashTree(a), b: hashTree(b) };
      for (const [out, extra] of [
        [a, []],
        [b, ['--repository', REPO_B]],
      ] as const) {
        const run = await cli(out, ['synth', ...extra], T0, { SPLIT: 'interleaved' });
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(
          `CG155 Ring "prod" is read from ${REPO_B}, as is "prod-canary" before it, but the ring between ("nonprod") is read from ${REPO_A}: ` +
            `that repository's ledgers would judge "prod" by "prod-canary" and let a release skip "nonprod".`,
        );
      }
      expect({ a: hashTree(a), b: hashTree(b) }).toEqual(before);
    });

    it("refuses with CG319 to write a repository into the other repository's checkout", async () => {
      await ok(a, ['synth']);
      const before = hashTree(a);
      const run = await cli(a, ['synth', '--repository', REPO_B]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG319');
      expect(run.stderr).toContain(`holds the tree of the GitOps repository ${REPO_A}, not of ${REPO_B}`);
      expect(hashTree(a)).toEqual(before);
    });

    it("refuses with CG319 to write or publish a repository into a fresh clone of the other, told by its remote's URL", async () => {
      // GIVEN the prod repository's fresh clone, its remote named by the URL the program declares (fetched through insteadOf)
      repoB.git(b, 'config', `url.${repoB.remote}.insteadOf`, REPO_B);
      repoB.git(b, 'remote', 'set-url', 'origin', REPO_B);
      const before = hashTree(b);
      // WHEN the platform's repository is synthesized and published there (no --repository)
      for (const args of [['synth'], ['publish', '--by', 'alice']]) {
        const run = await cli(b, args);
        // THEN it is refused, and nothing is written or pushed
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(
          `CG319 The checkout ${b} is a clone of the GitOps repository ${REPO_B} (its remote "origin" names it), not of ${REPO_A}, which the command works on`,
        );
      }
      expect(hashTree(b)).toEqual(before);
      expect(repoB.remoteLog()).toHaveLength(1);
      // AND a remote naming it by another scheme and user is the same repository; the clone's own repository is written
      repoB.git(b, 'remote', 'set-url', 'origin', 'git@git.example.com:Platform/prod-gitops');
      expect((await cli(b, ['synth'])).stderr).toContain(`its remote "origin" names it`);
      await ok(b, ['synth', '--repository', REPO_B]);
    });

    it("refuses with CG319 a clone of the other whose origin names it, though another remote names the command's repository", async () => {
      // GIVEN the prod repository's clone, with a second remote naming the platform's repository
      repoB.git(b, 'config', `url.${repoB.remote}.insteadOf`, REPO_B);
      repoB.git(b, 'config', `url.${repoA.remote}.insteadOf`, REPO_A);
      repoB.git(b, 'remote', 'set-url', 'origin', REPO_B);
      repoB.git(b, 'remote', 'add', 'platform', REPO_A);
      const before = hashTree(b);
      // WHEN the platform's repository is synthesized and published there (publish pushes to origin)
      for (const args of [['synth'], ['publish', '--by', 'alice']]) {
        const run = await cli(b, args);
        // THEN it is refused by origin, and nothing is written or pushed
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(
          `CG319 The checkout ${b} is a clone of the GitOps repository ${REPO_B} (its remote "origin" names it), not of ${REPO_A}, which the command works on`,
        );
      }
      expect(hashTree(b)).toEqual(before);
      expect(repoB.remoteLog()).toHaveLength(1);
      expect(repoA.remoteLog()).toHaveLength(1);
      // AND in the platform's clone, a remote naming the prod repository says nothing: origin is published to
      repoA.git(a, 'remote', 'add', 'prod', REPO_B);
      await ok(a, ['publish', '--by', 'alice']);
      expect(repoA.remoteLog()).toHaveLength(2);
    });

    it('refuses with CG319 a clone of the other whose remote names it through an insteadOf alias', async () => {
      // GIVEN the prod repository's clone, its origin an alias that git resolves to the prod repository's URL
      repoB.git(b, 'config', 'url.https://git.example.com/.insteadOf', 'gx:');
      repoB.git(b, 'remote', 'set-url', 'origin', 'gx:platform/prod-gitops.git');
      expect(repoB.git(b, 'remote', 'get-url', 'origin').trim()).toBe(REPO_B);
      const before = hashTree(b);
      // WHEN the platform's repository is synthesized and published there
      for (const args of [['synth'], ['publish', '--by', 'alice']]) {
        const run = await cli(b, args);
        // THEN the URL git uses tells, and nothing is written
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(
          `CG319 The checkout ${b} is a clone of the GitOps repository ${REPO_B} (its remote "origin" names it), not of ${REPO_A}, which the command works on`,
        );
      }
      expect(hashTree(b)).toEqual(before);
    });

    it("refuses with CG319 to publish the platform's repository to a --remote that is the other", async () => {
      // GIVEN the platform's clone, its origin named by the platform's URL, with a remote of the prod repository
      repoA.git(a, 'config', `url.${repoA.remote}.insteadOf`, REPO_A);
      repoA.git(a, 'config', `url.${repoB.remote}.insteadOf`, REPO_B);
      repoA.git(a, 'remote', 'set-url', 'origin', REPO_A);
      repoA.git(a, 'remote', 'add', 'prod', REPO_B);
      await ok(a, ['synth']);
      const before = hashTree(a);
      // WHEN it is published, or a promotion is, to that remote
      for (const args of [
        ['publish', '--by', 'alice', '--remote', 'prod'],
        ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'ci', '--publish', '--remote', 'prod'],
      ]) {
        const run = await cli(a, args);
        // THEN it is refused, naming the remote, and nothing is written or pushed
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(
          `CG319 --remote prod: that remote of the checkout ${a} is the GitOps repository ${REPO_B}, not ${REPO_A}, which the command works on`,
        );
      }
      expect(hashTree(a)).toEqual(before);
      expect(repoB.remoteLog()).toHaveLength(1);
      expect(repoA.remoteLog()).toHaveLength(1);
    });

    it("refuses with CG319 a clone of the platform's repository whose origin pushes to the other", async () => {
      // GIVEN the platform's clone, its origin fetching from the platform's repository and pushing to the prod repository
      repoA.git(a, 'config', `url.${repoA.remote}.insteadOf`, REPO_A);
      repoA.git(a, 'config', `url.${repoB.remote}.pushInsteadOf`, REPO_B);
      repoA.git(a, 'remote', 'set-url', 'origin', REPO_A);
      repoA.git(a, 'config', 'remote.origin.pushurl', REPO_B);
      const before = hashTree(a);
      // WHEN the platform's repository is synthesized and published there
      for (const args of [['synth'], ['publish', '--by', 'alice']]) {
        const run = await cli(a, args);
        // THEN the URL it pushes to tells, and nothing is written or pushed
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(
          `CG319 The checkout ${a} is a clone of the GitOps repository ${REPO_B} (its remote "origin" names it), not of ${REPO_A}, which the command works on`,
        );
      }
      expect(hashTree(a)).toEqual(before);
      expect(repoB.remoteLog()).toHaveLength(1);
    });

    it('fails with CG319 for a repository no control plane reads', async () => {
      const run = await cli(a, ['synth', '--repository', 'https://git.example.com/platform/typo-gitops.git']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG319');
      expect(run.stderr).toContain(`the program's control planes read ${REPO_A}, ${REPO_B}`);
      expect(filesOf(a)).toEqual(['README.md']);
    });

    it('fails with CG301 for an empty --repository, and writes nothing', async () => {
      const run = await cli(b, ['synth', '--repository', ' ']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG301 synth --repository was given an empty URL.');
      expect(filesOf(b)).toEqual(['README.md']);
    });

    it('reads a URL of the same repository spelled otherwise as that repository', async () => {
      await ok(b, ['synth', '--repository', 'HTTPS://git.example.com/platform/prod-gitops/']);
      expect(filesOf(b)).toContain('bootstrap/prod.yaml');
      expect(JSON.parse(fs.readFileSync(path.join(b, '.cdk8s-gitops/model/platform.json'), 'utf8')).model.repoURL).toBe(REPO_B);
    });

    it('writes one repository with both control planes when none declares a repository, as before', async () => {
      await ok(a, ['synth'], T0, { SPLIT: 'none' });
      const files = filesOf(a);
      expect(files.filter((f) => f.startsWith('bootstrap/'))).toEqual(['bootstrap/nonprod.yaml', 'bootstrap/prod.yaml']);
      expect(files.filter((f) => f.startsWith('environments/'))).toHaveLength(8);
      expect(argoObjectsOf(a).flatMap(({ obj }) => repoUrls(obj))).not.toContain(REPO_B);
      const run = await cli(b, ['synth', '--repository', REPO_B], T0, { SPLIT: 'none' });
      expect(run.stderr).toContain('CG319');
    });

    it("refuses to drop the rings of a control plane that moved to another repository from the old repository's ledgers (CG209)", async () => {
      // GIVEN both control planes published in the platform's repository
      await ok(a, ['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z', { SPLIT: 'none' });
      const before = hashTree(a, ['.git']);
      // WHEN the prod control plane reads a repository of its own
      const run = await cli(a, ['synth']);
      // THEN the platform's repository keeps its Applications until the program says they go
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG209');
      expect(run.stderr).toContain(
        `releases/payments-api.yaml records ring "prod-canary" (running sha256:00000000), which the program now places in another GitOps repository, ${REPO_B}`,
      );
      expect(run.stderr).not.toContain('which the program does not declare');
      expect(hashTree(a, ['.git'])).toEqual(before);

      // WHEN the program gives the moved control plane's rings new names and declares the old ones removed
      const removing = await cli(a, ['synth'], T0, { SPLIT: 'moved' });
      // THEN the write still keeps the Applications until they are named
      expect(removing.stderr).toContain('CG141');
      expect(hashTree(a, ['.git'])).toEqual(before);
      // AND with them named the old repository drops the control plane's files and the rings' entries
      const dropped = await cli(a, ['synth', '--allow-remove', '*-prod-*'], T0, { SPLIT: 'moved' });
      expect(dropped.code).toBe(0);
      // (saying that the Argo CD of the control plane keeps what its bootstrap from this repository applied, until deleted there)
      expect(dropped.stderr).toMatch(
        /^Note: Control plane prod is no longer declared, but its Argo CD \(namespace argocd\) keeps what its bootstrap applied there, .*kubectl -n argocd delete application root\)\.\n$/,
      );
      expect(filesOf(a).filter((f) => f.startsWith('bootstrap/'))).toEqual(['bootstrap/nonprod.yaml']);
      expect(filesOf(a).some((f) => f.startsWith('environments/prod/'))).toBe(false);
      expect(Object.keys(parseYaml(fs.readFileSync(path.join(a, 'releases/payments-api.yaml'), 'utf8')).rings)).toEqual(['nonprod']);
    });

    it('refuses with CG209 a ring moved (movedFrom) to a ring of another repository in the old repository, and keeps its Applications', async () => {
      await ok(a, ['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z', { SPLIT: 'none' });
      const before = hashTree(a, ['.git']);
      const run = await cli(a, ['synth', '--allow-remove', '*-prod-*'], T0, { SPLIT: 'movedfrom' });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        `CG209 releases/payments-api.yaml records ring "prod-canary" (running sha256:00000000), which the program now places in another GitOps repository, ${REPO_B}`,
      );
      expect(run.stderr).toContain('movedFrom does not carry them to another');
      expect(run.stderr).not.toContain('which the program does not declare');
      expect(hashTree(a, ['.git'])).toEqual(before);
    });

    it('finds the checkout of --repository in gitops.repositories of cdk8s.yaml', async () => {
      const project = path.join(workDir, 'project');
      fs.mkdirSync(project, { recursive: true });
      fs.writeFileSync(
        path.join(project, 'cdk8s.yaml'),
        `app: ${JSON.stringify(app)}\ngitops:\n  checkout: ${JSON.stringify(a)}\n  repositories:\n    ${JSON.stringify(REPO_B)}: ${JSON.stringify(b)}\n`,
      );
      const run = (args: string[]): Promise<CliRun> =>
        new Promise((resolve) =>
          execFile(
            process.execPath,
            [BIN, ...args],
            { cwd: project, env: cleanEnv({ CDK8S_GITOPS_NOW: T0, NO_COLOR: '1' }) },
            (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
          ),
        );
      expect(await run(['synth', '--repository', REPO_B])).toMatchObject({ code: 0, stderr: '' });
      expect(await run(['synth'])).toMatchObject({ code: 0, stderr: '' });
      expect(filesOf(b)).toContain('bootstrap/prod.yaml');
      expect(filesOf(a)).toContain('bootstrap/nonprod.yaml');
      const missing = await run(['synth', '--repository', 'https://git.example.com/other.git']);
      expect(missing.stderr).toContain('CG319');
      expect(missing.stderr).toContain('gitops.repositories in cdk8s.yaml maps no checkout to that repository');
    });
  });

  describe('releases and publish', () => {
    beforeEach(async () => {
      await ok(a, ['publish', '--by', 'platform-team'], '2026-11-21T10:00:00Z');
      await ok(b, ['publish', '--by', 'platform-team', '--repository', REPO_B], '2026-11-21T10:00:00Z');
    });

    it('publishes each checkout to its own remote', () => {
      const remoteFiles = (sandbox: Sandbox): string[] => sandbox.git(sandbox.remote, 'ls-tree', '-r', '--name-only', 'main').split('\n');
      expect(remoteFiles(repoA)).toContain('bootstrap/nonprod.yaml');
      expect(remoteFiles(repoA)).not.toContain('bootstrap/prod.yaml');
      expect(remoteFiles(repoB)).toContain('bootstrap/prod.yaml');
      expect(remoteFiles(repoB)).not.toContain('bootstrap/nonprod.yaml');
    });

    it("expands each checkout's ApplicationSets offline into the declared targets of its control planes", async () => {
      // (published: Argo CD, and the preview, read what Git tracks)
      // The declared targets, as the program's model of each repository has them
      const declared = async (out: string, extra: string[]): Promise<string[]> =>
        (JSON.parse(await ok(out, ['status', '--targets', '--format', 'json', ...extra])).targets as any[])
          .map((t) => `${t.application} ${t.valuesFile}`)
          .sort();
      // Argo CD's ApplicationSet controller, as the offline preview expands the checkout
      const previewed = async (out: string, extra: string[]): Promise<string[]> =>
        (JSON.parse(await ok(out, ['preview', '--format', 'json', ...extra])) as any[])
          .filter((o) => o.kind === 'Application')
          .map((app) => `${app.metadata.name} ${valuesFileOf(app)}`)
          .sort();
      const inA = await previewed(a, []);
      const inB = await previewed(b, ['--repository', REPO_B]);
      expect(inA).toEqual(await declared(a, []));
      expect(inB).toEqual(await declared(b, ['--repository', REPO_B]));
      expect(inA).toHaveLength(4);
      expect(inB).toHaveLength(4);
      expect(inA.every((line) => line.includes(' environments/nonprod/'))).toBe(true);
      expect(inB.every((line) => line.includes(' environments/prod/'))).toBe(true);
    });

    it("promotes into a ring of the second repository in that repository's checkout and publishes it there", async () => {
      const beforeA = hashTree(a);
      const remoteA = repoA.git(repoA.remote, 'rev-parse', 'main');
      // WHEN the first ring of repository B takes a release by digest
      const run = await cli(b, [
        'promote',
        'payments-api',
        '--ring',
        'prod-canary',
        '--digest',
        A,
        '--by',
        'ci',
        '--repository',
        REPO_B,
        '--publish',
      ]);
      expect(run.code).toBe(0);
      // THEN it says the ring before is in the other repository and was not checked
      expect(run.stderr).toContain(`Ring "prod-canary" follows "nonprod", whose releases are recorded in ${REPO_A}`);
      // THEN B's ledger and values carry it, and B's remote has the commit
      const ledger = parseYaml(fs.readFileSync(path.join(b, 'releases/payments-api.yaml'), 'utf8'));
      expect(ledger.rings['prod-canary'].digest).toBe(A);
      expect(parseYaml(fs.readFileSync(path.join(b, 'environments/prod/aws/eu-01/payments-api/values.yaml'), 'utf8')).image.digest).toBe(A);
      expect(repoB.git(repoB.remote, 'show', 'main:releases/payments-api.yaml')).toContain(A);
      // THEN its commit says so, for history and git log
      expect(repoB.git(repoB.remote, 'log', '-1', '--format=%s', 'main')).toBe(
        `promote payments-api ${A.slice(0, 15)} to prod-canary (by ci); ring before, nonprod, in another repository: not checked`,
      );
      // THEN repository A is untouched
      expect(hashTree(a)).toEqual(beforeA);
      expect(repoA.git(repoA.remote, 'rev-parse', 'main')).toBe(remoteA);

      // WHEN the next ring of B takes it from prod-canary, after its soak, with approval
      await ok(
        b,
        [
          'promote',
          'payments-api',
          '--ring',
          'prod',
          '--from',
          'prod-canary',
          '--by',
          'alice',
          '--approved-by',
          'bob',
          '--repository',
          REPO_B,
        ],
        '2026-11-22T12:00:00Z',
      );
      expect(parseYaml(fs.readFileSync(path.join(b, 'environments/prod/aws/eu-02/payments-api/values.yaml'), 'utf8')).image.digest).toBe(A);
      // THEN history reads the promotion from B's checkout
      const history = await ok(b, ['history', 'payments-api', '--repository', REPO_B]);
      expect(history).toContain('prod-canary');
      expect(history).toContain('ring before, nonprod, in another repository: not checked');
      // AND a publish of B pushes it to B's remote only
      await ok(b, ['publish', '--by', 'alice', '--repository', REPO_B], '2026-11-22T12:00:00Z');
      expect(repoB.git(repoB.remote, 'show', 'main:environments/prod/aws/eu-02/payments-api/values.yaml')).toContain(A);
      expect(repoA.git(repoA.remote, 'rev-parse', 'main')).toBe(remoteA);
    });

    it('promotes into the first ring in the platform repository without touching the other', async () => {
      const beforeB = hashTree(b);
      await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'ci']);
      expect(parseYaml(fs.readFileSync(path.join(a, 'environments/nonprod/aws/eu-01/payments-api/values.yaml'), 'utf8')).image.digest).toBe(
        A,
      );
      expect(hashTree(b)).toEqual(beforeB);
    });

    it('refuses with CG623 to promote --from a ring of another repository, and writes nothing', async () => {
      await ok(a, ['promote', 'payments-api', '--ring', 'nonprod', '--digest', A, '--by', 'ci']);
      const before = { a: hashTree(a), b: hashTree(b) };
      const run = await cli(b, [
        'promote',
        'payments-api',
        '--ring',
        'prod-canary',
        '--from',
        'nonprod',
        '--by',
        'ci',
        '--repository',
        REPO_B,
      ]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG623');
      expect(run.stderr).toContain(`whose releases are recorded in another GitOps repository, ${REPO_A}`);
      expect(run.stderr).toContain('promote that release here by --digest');
      expect({ a: hashTree(a), b: hashTree(b) }).toEqual(before);
    });

    it('refuses with CG623 a --from naming a ring of another repository into a later ring, and names the ring before', async () => {
      const before = hashTree(b);
      const run = await cli(b, [
        'promote',
        'payments-api',
        '--ring',
        'prod',
        '--from',
        'nonprod',
        '--by',
        'ci',
        '--approved-by',
        'bob',
        '--repository',
        REPO_B,
      ]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        `CG623 --from nonprod names a ring whose releases are recorded in another GitOps repository, ${REPO_A}, and not the ring "prod" takes its releases from`,
      );
      expect(run.stderr).toContain('Promote into "prod" from the ring before it: --from prod-canary.');
      expect(run.stderr).not.toContain('CG605');
      expect(hashTree(b)).toEqual(before);
    });

    it("refuses a ring of the other repository in the platform repository's checkout", async () => {
      const before = hashTree(a);
      const run = await cli(a, ['promote', 'payments-api', '--ring', 'prod-canary', '--digest', A, '--by', 'ci']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CG319');
      expect(run.stderr).toContain(
        `Ring "prod-canary" is in another GitOps repository than ${REPO_A}: its releases are recorded in the ledgers of ${REPO_B}.`,
      );
      expect(run.stderr).toContain(`--repository ${REPO_B}`);
      expect(hashTree(a)).toEqual(before);
    });

    it('promotes without the program in the checkout its release model names, and refuses another --repository', async () => {
      const before = hashTree(b);
      const wrong = await runCli(
        ['promote', 'payments-api', '--ring', 'prod-canary', '--digest', A, '--by', 'ci', '--no-program', '--repository', REPO_A],
        {
          out: b,
          now: T0,
        },
      );
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain('CG319');
      expect(wrong.stderr).toContain(`holds the tree of the GitOps repository ${REPO_B}`);
      expect(hashTree(b)).toEqual(before);
      const right = await runCli(
        ['promote', 'payments-api', '--ring', 'prod-canary', '--digest', A, '--by', 'ci', '--no-program', '--repository', REPO_B],
        {
          out: b,
          now: T0,
        },
      );
      expect(right.code).toBe(0);
      expect(parseYaml(fs.readFileSync(path.join(b, 'releases/payments-api.yaml'), 'utf8')).rings['prod-canary'].digest).toBe(A);
    });

    it("refuses with CG319 to write the platform's repository into the checkout of a repository the program no longer reads", async () => {
      // GIVEN prod's control plane moved back into the platform's repository
      const before = hashTree(b, ['.git']);
      const remoteB = repoB.git(repoB.remote, 'rev-parse', 'main');
      // WHEN the checkout of the repository it left is synthesized or published without --repository
      for (const command of [['synth'], ['publish', '--by', 'platform-team']]) {
        const run = await cli(b, command, T0, { SPLIT: 'none' });
        // THEN its ApplicationSets are not pointed at the platform's repository, where prod has no targets
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain('CG319');
        expect(run.stderr).toContain(
          `holds the tree of the GitOps repository ${REPO_B}, which no control plane of the program reads any more; its release model records the rings of ${REPO_A}, which the command works on, in a checkout of their own`,
        );
        expect(run.stderr).toContain(`Pass --out with the checkout of ${REPO_A}`);
      }
      expect(hashTree(b, ['.git'])).toEqual(before);
      expect(repoB.git(repoB.remote, 'rev-parse', 'main')).toBe(remoteB);
      // AND the platform's own checkout is written, prod's rings starting afresh under new names
      await ok(a, ['synth'], T0, { SPLIT: 'back' });
      expect(filesOf(a)).toContain('bootstrap/prod.yaml');
    });

    it("fails with CG215 when a control plane moves back into the platform's repository with its rings, and writes nothing", async () => {
      // GIVEN prod's rings released in prod's own repository
      const promoted = await cli(b, [
        'promote',
        'payments-api',
        '--ring',
        'prod-canary',
        '--digest',
        A,
        '--by',
        'dev',
        '--repository',
        REPO_B,
      ]);
      expect(promoted.code).toBe(0);
      await ok(b, ['publish', '--by', 'platform-team', '--repository', REPO_B], T0);
      const beforeA = hashTree(a, ['.git']);
      const remoteA = repoA.git(repoA.remote, 'rev-parse', 'main');
      // WHEN prod's control plane moves back into the platform's repository, its rings as they were or moved from their names
      for (const split of ['none', 'backfrom'])
        for (const command of [['synth'], ['plan'], ['check'], ['publish', '--by', 'platform-team']]) {
          const run = await cli(a, command, T0, { SPLIT: split });
          // THEN the platform's repository does not take the rings in without their releases
          expect(run.code).toBe(1);
          const ring = split === 'none' ? 'prod-canary' : 'prod-canary-a';
          const was = split === 'none' ? '' : ' (as "prod-canary", which it moved from)';
          expect(run.stderr).toContain(
            `[platform/rings/${ring}] CG215 The program places ring "${ring}" in ${REPO_A}, but the checkout's release model records its releases${was} in the ledgers of ${REPO_B}: its control planes moved back from that repository.`,
          );
          expect(run.stderr).toContain(`Keep the repository of the ring's control planes ({ repository: { repoURL: '${REPO_B}' } })`);
          expect(run.stderr).toContain(`CG215 The program places ring "${split === 'none' ? 'prod' : 'prod-a'}"`);
        }
      expect(hashTree(a, ['.git'])).toEqual(beforeA);
      expect(repoA.git(repoA.remote, 'rev-parse', 'main')).toBe(remoteA);
      // AND under new names the rings start afresh in the platform's repository: nothing released, no Application
      await ok(a, ['publish', '--by', 'platform-team'], T0, { SPLIT: 'back' });
      const ledger = parseYaml(fs.readFileSync(path.join(a, 'releases/payments-api.yaml'), 'utf8'));
      expect(Object.keys(ledger.rings)).toEqual(['nonprod']);
      expect(filesOf(a).some((f) => f.startsWith('environments/prod/'))).toBe(false);
      expect(filesOf(a)).toContain('bootstrap/prod.yaml');
    });

    it("refuses with CG319 to read the other repository's checkout with the program, rather than report its rings as dropped", async () => {
      for (const args of [
        ['status'],
        ['explain', 'payments-api-nonprod-aws-eu-01'],
        ['wait', 'payments-api', '--ring', 'nonprod', '--timeout', '1s'],
        ['history', 'payments-api', '--env', 'nonprod', '--app', app],
      ]) {
        const run = await cli(b, args);
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(`CG319 The checkout ${b} holds the tree of the GitOps repository ${REPO_B}, not of ${REPO_A}`);
        expect(run.stderr).not.toContain('CG209');
      }
      const status = await cli(a, ['status', '--repository', REPO_B]);
      expect(status.stderr).toContain(`CG319 The checkout ${a} holds the tree of the GitOps repository ${REPO_A}, not of ${REPO_B}`);
    });

    it("refuses with CG319 a --repository other than the checkout's on the commands that read only the checkout", async () => {
      for (const args of [['preview'], ['history', 'payments-api']]) {
        const run = await cli(b, [...args, '--repository', REPO_A]);
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(
          `CG319 ${args[0]} --repository ${REPO_A}: the checkout ${b} holds the tree of the GitOps repository ${REPO_B} (its release model says so)`,
        );
        expect(run.stdout).toBe('');
        await ok(b, [...args, '--repository', 'https://GIT.example.com/platform/prod-gitops']);
      }
    });

    it('checks each checkout clean after publish, and plans no change', async () => {
      expect(JSON.parse(await ok(a, ['check', '--format', 'json'])).clean).toBe(true);
      expect(JSON.parse(await ok(b, ['check', '--repository', REPO_B, '--format', 'json'])).clean).toBe(true);
      expect(await ok(b, ['plan', '--repository', REPO_B])).toContain('No changes');
    });
  });
});

/** The values file of a generated Application: its `$values/…` value file, without the ref. */
function valuesFileOf(app: any): string {
  const files: string[] = (app.spec.sources ?? [app.spec.source]).flatMap((s: any) => s.helm?.valueFiles ?? []);
  return files.map((f) => f.replace(/^\$values\//, '')).join(',');
}

function digest(c: string): string {
  return `sha256:${c.repeat(64)}`;
}

function assertBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('Run `npm run build` before the CLI tests.');
}
