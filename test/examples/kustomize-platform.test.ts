import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { kustomizePlatform, STATUS_DIGEST, WEB_DIGEST, WORKER_DIGEST } from '../../examples/kustomize-platform/main';
import { contentHash, FileKind, FileTree } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { buildTree } from '../../src/workspace/build';
import { writeTree } from '../../src/workspace/checkout/writer';
import { applicationsOf, viewOfCheckout } from '../../src/workspace/inspect/checkout';
import { runRelease } from '../../src/workspace/release-operations';
import { readManifest } from '../../src/workspace/checkout/manifest-io';
import { recordInManifest } from '../support/manifest';
import { checkCheckout } from '../../src/workspace/check';
import { readLedgers } from '../../src/workspace/ledgers';
import { treeFromLedgers } from '../../src/synth/build';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../support/argocd-schema';
import { validateKubeObject } from '../support/kube-models';
import { readmeYamlFor } from '../support/readme';

const EXAMPLE = path.resolve(__dirname, '../../examples/kustomize-platform');
const APP_REPO = 'https://git.example.com/apps/storefront.git';
const WEB = 'registry.example.com/shop/storefront-web';
const WORKER = 'registry.example.com/shop/storefront-worker';
const PROD_AZURE = 'environments/prod/azure/westeurope-01';
const NEXT = `sha256:${'c'.repeat(64)}`;
const tree = synthesize(kustomizePlatform().snapshot());
const yamlOf = (t: FileTree, p: string): any => parse(t.content(p));

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-kustomize-example-'));
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The application repository of storefront: the example's base at `deploy/kustomize`, one commit; its SHA. */
function appRepository(dir: string): string {
  fs.mkdirSync(path.join(dir, 'deploy'), { recursive: true });
  fs.cpSync(path.join(EXAMPLE, 'app-base'), path.join(dir, 'deploy/kustomize'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=app', '-c', 'user.email=app@example.com', 'commit', '-q', '-m', 'base');
  return git(dir, 'rev-parse', 'HEAD');
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const describeWithKubectl = kubectl.status === 0 ? describe : describe.skip;
if (kubectl.status !== 0) {
  console.warn('kubectl was not found: the overlays are not built with `kubectl kustomize` (their fields are still checked).');
}

/**
 * `kubectl kustomize` of a target's overlay in the checkout `dir`. The remote base's URL is the
 * application repository's, which cannot be reached here: the build reads the same base from a
 * local clone (`file://`), the one change made to the written files.
 */
function build(dir: string, target: string, appDir: string): any[] {
  const base = path.join(dir, target, 'base/kustomization.yaml');
  if (fs.existsSync(base)) fs.writeFileSync(base, fs.readFileSync(base, 'utf8').split(APP_REPO).join(`file://${appDir}`));
  const r = spawnSync('kubectl', ['kustomize', path.join(dir, target)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${target}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS());
}

describe('examples/kustomize-platform', () => {
  it('writes an overlay, its base at the ring revision, patches and the baseline per target', () => {
    expect(
      tree
        .paths()
        .filter((p) => p.startsWith(`${PROD_AZURE}/storefront/`))
        .map((p) => p.slice(PROD_AZURE.length + 12)),
    ).toEqual([
      'base/kustomization.yaml',
      'baseline/limitrange-baseline.yaml',
      'baseline/namespace-storefront.yaml',
      'baseline/networkpolicy-default-deny.yaml',
      'baseline/resourcequota-baseline.yaml',
      'kustomization.yaml',
      'patches/01-deployment-storefront-web.yaml',
      'patches/02-deployment-storefront-web.yaml',
    ]);
    expect(yamlOf(tree, `${PROD_AZURE}/storefront/kustomization.yaml`)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      // The namespace baseline is a source of its own (baseline/): the overlay's patches never reach it.
      resources: ['base'],
      namespace: 'storefront',
      labels: [
        {
          pairs: {
            'cdk8s-gitops.io/service': 'storefront',
            'cdk8s-gitops.io/environment': 'prod',
            'cdk8s-gitops.io/cloud': 'azure',
            'cdk8s-gitops.io/cluster': 'westeurope-01',
            'app.kubernetes.io/part-of': 'shop',
          },
          includeSelectors: false,
        },
      ],
      images: [
        { name: WEB, digest: WEB_DIGEST },
        { name: WORKER, digest: WORKER_DIGEST },
      ],
      patches: [
        {
          path: 'patches/01-deployment-storefront-web.yaml',
          target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'storefront-web' },
        },
        { path: 'patches/02-deployment-storefront-web.yaml', target: { kind: 'Deployment', name: 'storefront-web' } },
      ],
    });
    // No ring records a base revision yet: every ring reads the program's (main), unpinned.
    expect(yamlOf(tree, `${PROD_AZURE}/storefront/base/kustomization.yaml`)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [`${APP_REPO}//deploy/kustomize?ref=main`],
    });
    expect(yamlOf(tree, `${PROD_AZURE}/storefront/patches/02-deployment-storefront-web.yaml`)).toEqual([
      { op: 'replace', path: '/spec/replicas', value: 4 },
    ]);
    expect(yamlOf(tree, `${PROD_AZURE}/storefront/patches/01-deployment-storefront-web.yaml`)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'storefront-web' },
      spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'LOG_LEVEL', value: 'info' }] }] } } },
    });
  });

  it('reads a base kept in the GitOps repository by its path from the target, at the same commit', () => {
    const nonprod = 'environments/nonprod/aws/eu-central-1-01/status-page';
    expect(tree.paths().filter((p) => p.startsWith(`${nonprod}/`))).toEqual([`${nonprod}/kustomization.yaml`]);
    expect(yamlOf(tree, `${nonprod}/kustomization.yaml`)).toMatchObject({
      resources: ['../../../../../bases/status-page'],
      images: [{ name: 'registry.example.com/shop/status-page', digest: STATUS_DIGEST }],
    });
  });

  it('generates each Kustomize service from a plain directory source of the GitOps repository', () => {
    expect(tree.paths().filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET)).toEqual([
      'applicationsets/nonprod/addons-nonprod-argo-cd.yaml',
      'applicationsets/nonprod/addons-nonprod-otel-collector.yaml',
      'applicationsets/nonprod/kustomize-nonprod.yaml',
      'applicationsets/prod/addons-prod-argo-cd.yaml',
      'applicationsets/prod/addons-prod-otel-collector.yaml',
      'applicationsets/prod/kustomize-prod.yaml',
    ]);
    // Every Helm target is an add-on's, on its add-on's set: a workloads-<env> set would generate nothing and is not written.
    const set = yamlOf(tree, 'applicationsets/prod/kustomize-prod.yaml');
    expect(set.spec.generators[0].git.directories).toEqual([
      { path: 'environments/prod/*/*/status-page' },
      { path: 'environments/prod/*/*/storefront' },
    ]);
    const place = { repoURL: 'https://git.example.com/platform/platform-gitops.git', targetRevision: 'refs/heads/main' };
    // The source types stated (a Chart.yaml someone adds never makes either a chart); the baseline's only .yaml files.
    const overlay = { ...place, path: '{{ .path.path }}', kustomize: { namespace: '{{ index .path.segments 4 }}' } };
    expect(set.spec.template.spec.sources).toEqual([
      overlay,
      { ...place, path: '{{ .path.path }}/baseline', directory: { include: '*.yaml' } },
    ]);
    expect(yamlOf(tree, 'applicationsets/nonprod/kustomize-nonprod.yaml').spec.template.spec.source).toEqual(overlay);
    // The add-on's chart version is promoted: prod's Helm sets (the add-ons') read each target's release file, and list their own directories only.
    expect(yamlOf(tree, 'applicationsets/prod/addons-prod-otel-collector.yaml').spec.generators[0].git.files).toEqual([
      { path: 'environments/prod/*/*/otel-collector/release.yaml' },
    ]);
    expect(yamlOf(tree, 'applicationsets/prod/addons-prod-argo-cd.yaml').spec.generators[0].git.files).toEqual([
      { path: 'environments/prod/*/*/argo-cd/release.yaml' },
    ]);
    const dir = tmpDir();
    try {
      writeTree(tree, dir);
      expect(
        [...applicationsOf(viewOfCheckout(dir)).values()]
          .filter((a) => a.applicationSet === 'kustomize-prod')
          .map((a) => `${a.app.metadata.name} ← ${(a.app.spec as any).sources[0].path}`)
          .sort(),
      ).toEqual([
        'status-page-prod-aws-eu-central-1-01 ← environments/prod/aws/eu-central-1-01/status-page',
        'status-page-prod-azure-westeurope-01 ← environments/prod/azure/westeurope-01/status-page',
        'storefront-prod-aws-eu-central-1-01 ← environments/prod/aws/eu-central-1-01/storefront',
        'storefront-prod-azure-westeurope-01 ← environments/prod/azure/westeurope-01/storefront',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check names source parameters beside an overlay, which could set its images, but no file the overlay does not name', () => {
    const dir = tmpDir();
    try {
      const model = kustomizePlatform().snapshot();
      writeTree(buildTree(model, dir), dir);
      const target = `${PROD_AZURE}/storefront`;
      fs.cpSync(path.join(EXAMPLE, 'platform-base/status-page'), path.join(dir, 'bases/status-page'), { recursive: true });
      fs.writeFileSync(path.join(dir, target, '.argocd-source.yaml'), `kustomize:\n  images:\n    - ${WEB}@${NEXT}\n`);
      fs.writeFileSync(path.join(dir, target, 'notes.yaml'), 'a: 1\n');
      // A second kustomization file stops Kustomize: the Application could not sync.
      fs.writeFileSync(path.join(dir, target, 'Kustomization'), 'resources: []\n');
      fs.writeFileSync(path.join(dir, target, 'base', 'kustomization.yml'), 'resources: []\n');
      // The base's directory is no Application's path: source parameters there are read by nobody.
      fs.writeFileSync(path.join(dir, target, 'base', '.argocd-source.yaml'), 'a: 1\n');
      const ledgers = readLedgers(model, dir);
      expect(checkCheckout(model, treeFromLedgers(model, ledgers), ledgers, dir).map((f) => `${f.code} ${f.path}`)).toEqual([
        `CG423 ${target}/.argocd-source.yaml`,
        `CG423 ${target}/Kustomization`,
        `CG423 ${target}/base/kustomization.yml`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never reads a base in the GitOps repository through a symbolic link: a write refuses it, check names it, and a missing base', () => {
    const dir = tmpDir();
    try {
      const model = kustomizePlatform().snapshot();
      const check = (): string[] => {
        const ledgers = readLedgers(model, dir);
        return checkCheckout(model, treeFromLedgers(model, ledgers), ledgers, dir).map((f) => `${f.code} ${f.path}`);
      };
      writeTree(buildTree(model, dir), dir);
      expect(check()).toEqual(['CG424 bases/status-page']);
      // A link to another ring's objects where the base should be
      fs.mkdirSync(path.join(dir, 'bases'));
      fs.symlinkSync('../environments/nonprod/aws/eu-central-1-01/storefront', path.join(dir, 'bases/status-page'));
      expect(() => writeTree(buildTree(model, dir), dir)).toThrow('CG424');
      expect(check()).toEqual(['CG424 bases/status-page']);
      // A base of its own that holds a link
      fs.rmSync(path.join(dir, 'bases/status-page'));
      fs.cpSync(path.join(EXAMPLE, 'platform-base/status-page'), path.join(dir, 'bases/status-page'), { recursive: true });
      fs.symlinkSync('../../environments', path.join(dir, 'bases/status-page/more'));
      expect(() => writeTree(buildTree(model, dir), dir)).toThrow(
        'The Kustomize base bases/status-page holds the symbolic link bases/status-page/more',
      );
      fs.rmSync(path.join(dir, 'bases/status-page/more'));
      expect(check()).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never deletes a file of a base kept in the GitOps repository for a record planted in the manifest, and check names the record', () => {
    const dir = tmpDir();
    try {
      const model = kustomizePlatform().snapshot();
      fs.cpSync(path.join(EXAMPLE, 'platform-base/status-page'), path.join(dir, 'bases/status-page'), { recursive: true });
      writeTree(buildTree(model, dir), dir);
      const file = 'bases/status-page/deployment.yaml';
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      recordInManifest(dir, file, { sha256: contentHash(text), key: 'planted' });
      const ledgers = readLedgers(model, dir);
      expect(checkCheckout(model, treeFromLedgers(model, ledgers), ledgers, dir).map((f) => `${f.code} ${f.path}`)).toEqual([
        `CG421 ${file}`,
      ]);
      writeTree(buildTree(model, dir), dir);
      expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(text);
      expect(readManifest(dir).files.has(file)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("README shows the overlay, the add-on's AppProject and Argo CD's values and ExternalSecret exactly as the example writes them", () => {
    expect(readmeYamlFor(`${PROD_AZURE}/storefront/kustomization.yaml`)).toBe(tree.content(`${PROD_AZURE}/storefront/kustomization.yaml`));
    expect(readmeYamlFor('projects/prod-addon-otel-collector.yaml')).toBe(tree.content('projects/prod-addon-otel-collector.yaml'));
    for (const file of [
      'environments/prod/aws/eu-central-1-01/argo-cd/values.yaml',
      'environments/prod/aws/eu-central-1-01/argo-cd/baseline/externalsecret-cluster-prod-azure-westeurope-01.yaml',
    ]) {
      expect(readmeYamlFor(file)).toBe(tree.content(file));
    }
  });

  it('passes kubernetes-models validation for every baseline object', () => {
    const objects = tree.paths().filter((p) => tree.get(p)!.kind === FileKind.OBJECT);
    const argoCd = objects.filter((p) => p.includes('/argo-cd/'));
    // two services and the add-on on two prod clusters, four baseline objects each; Argo CD's
    // Secrets of its two clusters and its repository, per control plane
    expect(objects).toHaveLength(3 * 2 * 4 + 2 * 3);
    expect(argoCd).toHaveLength(6);
    // Argo CD's Secrets, and the ExternalSecret that makes one, too.
    expect(argoCd.map((p) => yamlOf(tree, p).kind).sort()).toEqual(['ExternalSecret', 'Secret', 'Secret', 'Secret', 'Secret', 'Secret']);
    for (const p of objects) expect(validateKubeObject(yamlOf(tree, p))).toEqual([]);
  });

  describeWithArgoCdSchemas('against the Argo CD CRDs', loadArgoCdSchemas(), (validate) => {
    it('emits ApplicationSets, AppProjects and bootstraps that match them strictly', () => {
      const argo = tree
        .paths()
        .filter((x) => [FileKind.APPLICATION_SET, FileKind.APP_PROJECT, FileKind.BOOTSTRAP].includes(tree.get(x)!.kind));
      expect(argo.length).toBeGreaterThan(0);
      for (const p of argo) for (const doc of parseAllDocuments(tree.content(p))) expect(validate(doc.toJS())).toEqual([]);
    });
  });

  describeWithKubectl('built with kubectl kustomize', () => {
    it('builds every overlay: the ring digests pinned, the namespace, labels and the patches of its environment', () => {
      const dir = tmpDir();
      try {
        const appDir = path.join(dir, 'storefront-app');
        const out = path.join(dir, 'gitops');
        appRepository(appDir);
        writeTree(tree, out);
        fs.cpSync(path.join(EXAMPLE, 'platform-base/status-page'), path.join(out, 'bases/status-page'), { recursive: true });
        const targets = kustomizePlatform()
          .snapshot()
          .targets.filter((t) => t.service !== 'otel-collector' && t.service !== 'argo-cd');
        expect(targets).toHaveLength(8);
        for (const t of targets) {
          const objects = build(out, `environments/${t.id}`, appDir);
          const deployments = objects.filter((o) => o.kind === 'Deployment');
          for (const o of objects) {
            expect(o.metadata.namespace ?? o.metadata.name).toBe(t.service);
            expect(o.metadata.labels).toMatchObject({ 'cdk8s-gitops.io/cluster': t.cluster, 'cdk8s-gitops.io/environment': t.environment });
          }
          const images = deployments.flatMap((d) => d.spec.template.spec.containers.map((c: any) => c.image)).sort();
          if (t.service === 'status-page') {
            expect(images).toEqual([`registry.example.com/shop/status-page@${STATUS_DIGEST}`]);
            continue;
          }
          expect(images).toEqual([`${WEB}@${WEB_DIGEST}`, `${WORKER}@${WORKER_DIGEST}`]);
          const web = deployments.find((d) => d.metadata.name === 'storefront-web');
          expect(web.spec.replicas).toBe(t.environment === 'prod' ? 4 : 1);
          expect(web.spec.template.spec.containers[0].env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
          // Labels on metadata only: a Deployment's selector cannot change after creation.
          expect(web.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'storefront-web' } });
          expect(objects.some((o) => o.kind === 'NetworkPolicy')).toBe(false); // the baseline is the Application's other source
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a promotion into nonprod changes only its overlays: the images, and the base at the promoted revision', () => {
      const dir = tmpDir();
      try {
        const appDir = path.join(dir, 'storefront-app');
        const out = path.join(dir, 'gitops');
        const sha = appRepository(appDir);
        const model = kustomizePlatform().snapshot();
        writeTree(buildTree(model, out), out);
        const overlays = ['aws/eu-central-1-01', 'azure/westeurope-01'].map(
          (c) => `environments/nonprod/${c}/storefront/kustomization.yaml`,
        );
        const bases = overlays.map((p) => p.replace('kustomization.yaml', 'base/kustomization.yaml'));
        const read = (p: string): string => fs.readFileSync(path.join(out, p), 'utf8');
        const old = overlays.map(read);
        const outcome = runRelease(
          model,
          out,
          { kind: 'promote', service: 'storefront', ring: 'nonprod', images: { web: NEXT, worker: WORKER_DIGEST }, chart: sha },
          { by: 'alice', now: new Date('2026-03-01T10:00:00Z') },
        );
        const report = writeTree(outcome.tree, out);
        expect(report.updated.filter((p) => p.startsWith('environments/'))).toEqual([bases[0], overlays[0], bases[1], overlays[1]]);
        overlays.forEach((p, i) => expect(read(p)).toBe(old[i].replace(`digest: ${WEB_DIGEST}`, `digest: ${NEXT}`)));
        for (const b of bases) expect(parse(read(b)).resources).toEqual([`${APP_REPO}//deploy/kustomize?ref=${sha}`]);
        const objects = build(out, 'environments/nonprod/azure/westeurope-01/storefront', appDir);
        expect(
          objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'storefront-web').spec.template.spec.containers[0].image,
        ).toBe(`${WEB}@${NEXT}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
