import {
  Cloud,
  Cluster,
  ClusterCredentials,
  ControlPlane,
  Environment,
  PromotionRing,
  SelfManagedArgoCd,
  Service,
  Targets,
  Workload,
} from '../../src';
import { GitOpsError } from '../../src/core/errors';
import { isSplit, modelForRepository, repositoriesOf, repositoryKey, sameRepository } from '../../src/model/repositories';
import { synthesize } from '../../src/synth/synthesize';
import { GITOPS_REPO, linesOf, newPlatform, problemsOf } from '../support/platform';
import { readProjectConfig } from '../../src/workspace/program/run';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PROD_REPO = 'https://git.example.com/platform/prod-gitops.git';

/** nonprod on the platform's repository, prod (canary and main) on a repository of its own. */
function fleet(prodRepository: { repoURL: string; revision?: string } | null = { repoURL: PROD_REPO }) {
  const platform = newPlatform();
  const aws = new Cloud(platform, 'aws');
  const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
  const prod = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'prod', prodRepository === null ? {} : { repository: prodRepository }),
  });
  new Cluster(nonprod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
  const canary = new Cluster(prod, 'eu-01', { cloud: aws, region: 'eu-central-1' });
  new Cluster(prod, 'eu-02', {
    cloud: aws,
    region: 'eu-west-1',
    server: 'https://prod.eks.example.com',
    credentials: ClusterCredentials.externalSecret({
      store: { name: 'vault' },
      config: { key: 'argocd/clusters/prod-aws', property: 'config' },
    }),
  });
  new Service(platform, 'payments-api', { image: { repository: 'registry.example.com/payments-api' } }).deployTo([nonprod, prod]);
  return { platform, nonprod, prod, canary };
}

function withRings(f: ReturnType<typeof fleet>): ReturnType<typeof fleet> {
  new PromotionRing(f.platform, 'nonprod', { targets: Targets.environment(f.nonprod) });
  new PromotionRing(f.platform, 'prod-canary', { targets: Targets.cluster(f.canary) });
  new PromotionRing(f.platform, 'prod', { targets: Targets.environment(f.prod).except(Targets.cluster(f.canary)) });
  return f;
}

describe('GitOps repositories', () => {
  it('compares repository URLs as Argo CD normalizes them', () => {
    expect(repositoryKey('HTTPS://Git.Example.com/platform/prod-gitops.git/')).toBe('https://git.example.com/platform/prod-gitops');
    expect(sameRepository('git@git.example.com:platform/prod-gitops.git', 'ssh://git@git.example.com/platform/prod-gitops')).toBe(true);
    expect(sameRepository(PROD_REPO, GITOPS_REPO)).toBe(false);
  });

  it('records a control plane repository in the model, and none when it is the platform’s', () => {
    const split = withRings(fleet()).platform.snapshot();
    expect(split.controlPlanes.map((cp) => [cp.name, cp.repository])).toEqual([
      ['nonprod', undefined],
      ['prod', { repoURL: PROD_REPO, revision: 'main' }],
    ]);
    expect(isSplit(split)).toBe(true);
    expect(repositoriesOf(split).map((r) => r.repoURL)).toEqual([GITOPS_REPO, PROD_REPO]);
    const same = withRings(fleet({ repoURL: GITOPS_REPO.toUpperCase().replace('HTTPS', 'https') })).platform.snapshot();
    expect(same.controlPlanes.map((cp) => cp.repository)).toEqual([undefined, undefined]);
  });

  it('gives each repository its control planes, environments, clusters, targets and rings', () => {
    const model = withRings(fleet()).platform.snapshot();
    const a = modelForRepository(model);
    const b = modelForRepository(model, PROD_REPO);
    expect([a.repoURL, b.repoURL]).toEqual([GITOPS_REPO, PROD_REPO]);
    expect([a.controlPlanes.map((cp) => cp.name), b.controlPlanes.map((cp) => cp.name)]).toEqual([['nonprod'], ['prod']]);
    expect(a.clusters.map((c) => c.id)).toEqual(['nonprod/aws/eu-01']);
    expect(b.targets.map((t) => t.id)).toEqual(['prod/aws/eu-01/payments-api', 'prod/aws/eu-02/payments-api']);
    // prod-canary says where the ring before it is
    expect(a.rings.map((r) => [r.name, r.takesFrom])).toEqual([['nonprod', undefined]]);
    expect(b.rings.map((r) => [r.name, r.takesFrom])).toEqual([
      ['prod-canary', { ring: 'nonprod', repoURL: GITOPS_REPO }],
      ['prod', undefined],
    ]);
  });

  it('synthesizes each repository with every Argo CD object pointing at it', () => {
    const model = withRings(fleet()).platform.snapshot();
    const tree = synthesize(modelForRepository(model, PROD_REPO));
    const paths = tree.paths();
    expect(paths.filter((p) => p.startsWith('bootstrap/'))).toEqual(['bootstrap/prod.yaml']);
    expect(paths.some((p) => p.startsWith('environments/nonprod/'))).toBe(false);
    const argo = paths.filter((p) => /^(bootstrap|applicationsets|projects)\//.test(p)).map((p) => tree.content(p));
    expect(argo.join('\n')).toContain(PROD_REPO);
    expect(argo.join('\n')).not.toContain(GITOPS_REPO);
  });

  it("points the repository Secret of a self-managed Argo CD at its control plane's repository", () => {
    const f = withRings(fleet());
    const homes = [f.canary, f.nonprod.node.children.find((c): c is Cluster => c instanceof Cluster)!];
    new SelfManagedArgoCd(f.platform, 'argo-cd', {
      chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.4' }),
      runsOn: homes,
      initialVersion: `v3.2.0@sha256:${'b'.repeat(64)}`,
    });
    const model = f.platform.snapshot();
    const repositorySecretUrl = (environment: string): unknown =>
      model.targets
        .filter((t) => t.service === 'argo-cd' && t.environment === environment)
        .flatMap((t) => t.baseline ?? [])
        .filter(
          (o) => o.kind === 'Secret' && (o.metadata.labels as Record<string, string>)['argocd.argoproj.io/secret-type'] === 'repository',
        )
        .map((o) => (o as { stringData?: { url?: string } }).stringData?.url);
    // Argo CD reads a declarative repository Secret's stringData.url as the repository it may clone
    expect(repositorySecretUrl('nonprod')).toEqual([GITOPS_REPO]);
    expect(repositorySecretUrl('prod')).toEqual([PROD_REPO]);
  });

  it('returns the model itself for a platform with one repository', () => {
    const model = withRings(fleet(null)).platform.snapshot();
    expect(modelForRepository(model)).toBe(model);
    expect(() => modelForRepository(model, PROD_REPO)).toThrow(GitOpsError);
  });

  it('fails with CG319 for a repository no control plane reads, naming the ones that are read', () => {
    const model = withRings(fleet()).platform.snapshot();
    expect(() => modelForRepository(model, 'https://git.example.com/typo.git')).toThrow(
      `No control plane of the program reads the GitOps repository https://git.example.com/typo.git; the program's control planes read ${GITOPS_REPO}, ${PROD_REPO}.`,
    );
  });

  it('never names the password of a --repository given with one', () => {
    const model = withRings(fleet()).platform.snapshot();
    const problems = problemsOf(() => modelForRepository(model, 'https://bot:hunter2@git.example.com/platform/other.git'));
    expect(problems.map((p) => p.code)).toEqual(['CG319']);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('fails with CG319 when gitops.repositories in cdk8s.yaml is not a map of URLs to directories', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-config-'));
    try {
      for (const bad of ['[../prod-gitops]', '{ "https://git.example.com/x.git": "" }', '{ "https://git.example.com/x.git": 3 }']) {
        fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `gitops:\n  repositories: ${bad}\n`);
        expect(problemsOf(() => readProjectConfig(dir)).map((p) => p.code)).toEqual(['CG319']);
      }
      fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'gitops:\n  repositories:\n    https://git.example.com/x.git: ../x\n');
      expect(readProjectConfig(dir).repositories).toEqual({ 'https://git.example.com/x.git': '../x' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with CG155 when a ring has targets in two repositories', () => {
    const f = fleet();
    new PromotionRing(f.platform, 'everywhere', { targets: Targets.all() });
    expect(linesOf(() => f.platform.snapshot())).toEqual([
      `[platform/rings/everywhere] CG155 Ring "everywhere" has targets read from 2 GitOps repositories, ${GITOPS_REPO} (control plane nonprod) and ${PROD_REPO} (control plane prod): a ring's release is recorded in one repository's ledgers, which the others' Argo CD never reads.`,
    ]);
  });

  it("fails with CG155 when a ring of another repository stands between two of a repository's rings", () => {
    // GIVEN prod-canary (prod's repository) → nonprod (the platform's) → prod (prod's repository)
    const f = fleet();
    new PromotionRing(f.platform, 'prod-canary', { targets: Targets.cluster(f.canary) });
    new PromotionRing(f.platform, 'nonprod', { targets: Targets.environment(f.nonprod) });
    new PromotionRing(f.platform, 'prod', { targets: Targets.environment(f.prod).except(Targets.cluster(f.canary)) });
    expect(linesOf(() => f.platform.snapshot())).toEqual([
      `[platform/rings/prod] CG155 Ring "prod" is read from ${PROD_REPO}, as is "prod-canary" before it, but the ring between ("nonprod") is read from ${GITOPS_REPO}: that repository's ledgers would judge "prod" by "prod-canary" and let a release skip "nonprod".`,
    ]);
  });

  it("takes a repository's rings one after the other, after another repository's", () => {
    expect(() => withRings(fleet()).platform.snapshot()).not.toThrow();
  });

  it('fails with CG155 when one repository is read at two revisions', () => {
    const f = withRings(fleet({ repoURL: GITOPS_REPO, revision: 'release' }));
    expect(linesOf(() => f.platform.snapshot())).toEqual([
      `[platform/control-planes/prod] CG155 Control plane "prod" reads the GitOps repository ${GITOPS_REPO} at revision "release", which the platform (or another control plane) reads at "main": one checkout holds one branch of a repository.`,
    ]);
  });

  it('fails with CG109 when a control plane repository is not usable', () => {
    const f = withRings(fleet({ repoURL: 'https://bot:s3cret@git.example.com/prod.git', revision: '-x' }));
    const lines = linesOf(() => f.platform.snapshot());
    expect(lines).toEqual([
      expect.stringContaining(
        '[platform/control-planes/prod] CG109 repoURL "https://bot:***@git.example.com/prod.git" of control plane "prod" is not usable',
      ),
      expect.stringContaining(
        `[platform/control-planes/prod] CG109 revision "-x" of control plane "prod"'s repository is not the name of a branch: it starts with "-".`,
      ),
    ]);
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});
