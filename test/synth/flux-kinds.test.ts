/**
 * Rendered and Kustomize services on clusters Flux reconciles: the objects the program rendered,
 * named by a kustomization; a base in the GitOps repository through the overlay an Argo CD target
 * has; a base in an application repository as Flux reads one (a GitRepository and a Flux
 * Kustomization), never as a Kustomize remote base.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import {
  Cloud,
  Cluster,
  ControlPlane,
  Environment,
  FluxSourceCredentials,
  KustomizePatch,
  Platform,
  PromotionRing,
  Reconciler,
  Service,
  SyncPolicy,
  Targets,
  Workload,
} from '../../src';
import { FileKind, FileTree } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { describeWithFluxSchemas, isFluxObject, loadFluxSchemas } from '../support/flux-schema';
import { fluxEnvironment, linesOf, newPlatform } from '../support/platform';

const A = `sha256:${'a'.repeat(64)}`;
const SHA = 'c'.repeat(40);
const DIR = 'environments/nonprod/aws/eu-01';

/** nonprod on Flux (or Argo CD), prod on Argo CD; a rendered service and a Kustomize service of each base. */
function platform(nonprodOn: Reconciler = Reconciler.flux()): Platform {
  const p = newPlatform();
  const nonprod = new Environment(p, 'nonprod', {
    controlPlane: new ControlPlane(p, 'nonprod', { reconciler: nonprodOn }),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  const prod = new Environment(p, 'prod', { controlPlane: new ControlPlane(p, 'prod') });
  const aws = new Cloud(p, 'aws');
  for (const env of [nonprod, prod]) new Cluster(env, 'eu-01', { cloud: aws, region: 'eu-central-1' });
  new PromotionRing(p, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(p, 'prod', { targets: Targets.environment(prod) });
  new Service(p, 'orders', {
    image: { repository: 'registry.example.com/orders' },
    initialDigest: A,
    workload: Workload.render((ctx) => {
      const d = new kplus.Deployment(ctx.scope, ctx.service, { containers: [{ image: ctx.image, portNumber: 8080 }] });
      d.exposeViaService({ name: ctx.service, ports: [{ port: 80, targetPort: 8080 }] });
    }),
  }).deployTo([nonprod, prod]);
  new Service(p, 'site', {
    image: { repository: 'registry.example.com/site' },
    initialDigest: A,
    workload: Workload.kustomizePlatformBase({ path: 'bases/site' }),
  }).deployTo([nonprod, prod]);
  new Service(p, 'shop', {
    image: { repository: 'registry.example.com/shop' },
    initialDigest: A,
    namespace: 'commerce',
    workload: Workload.kustomize({
      repoURL: 'https://git.example.com/apps/shop.git',
      path: 'deploy/base',
      targetRevision: SHA,
      promoted: true,
      labels: { team: 'commerce' },
      patches: [KustomizePatch.strategicMerge({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' }, { spec: { replicas: 2 } })],
    }),
  }).deployTo([nonprod, prod]);
  return p;
}

const documents = (t: FileTree, p: string): any[] => parseAllDocuments(t.content(p)).map((d) => d.toJS());

describe('rendered and Kustomize services on Flux', () => {
  const tree = synthesize(platform().snapshot());
  const argo = synthesize(platform(Reconciler.argoCd()).snapshot());

  test("writes each target's files and each cluster's entry point", () => {
    expect(tree.paths().filter((p) => p.includes('nonprod'))).toEqual([
      'clusters/nonprod/aws/eu-01/orders.yaml',
      'clusters/nonprod/aws/eu-01/shop.yaml',
      'clusters/nonprod/aws/eu-01/site.yaml',
      `${DIR}/orders/deployment-orders.yaml`,
      `${DIR}/orders/kustomization.yaml`,
      `${DIR}/orders/service-orders.yaml`,
      `${DIR}/shop/flux.yaml`,
      `${DIR}/shop/kustomization.yaml`,
      `${DIR}/shop/overlay.yaml`,
      `${DIR}/site/kustomization.yaml`,
    ]);
    // Nothing of Argo CD's for nonprod.
    expect(tree.paths().filter((p) => p.startsWith('applicationsets/') || p.startsWith('bootstrap/'))).toEqual(
      argo.paths().filter((p) => (p.startsWith('applicationsets/') || p.startsWith('bootstrap/')) && !p.includes('nonprod')),
    );
  });

  test('a rendered target holds the objects an Argo CD target holds, and a kustomization naming each of them', () => {
    for (const f of ['deployment-orders.yaml', 'service-orders.yaml']) {
      expect(tree.content(`${DIR}/orders/${f}`)).toBe(argo.content(`${DIR}/orders/${f}`));
    }
    expect(documents(tree, `${DIR}/orders/kustomization.yaml`)).toEqual([
      {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['deployment-orders.yaml', 'service-orders.yaml'],
      },
    ]);
    expect(documents(tree, 'clusters/nonprod/aws/eu-01/orders.yaml')[4].spec).toMatchObject({
      path: `./${DIR}/orders`,
      serviceAccountName: 'orders',
      targetNamespace: 'orders',
    });
  });

  test("a base in the GitOps repository keeps the Argo CD target's overlay, byte for byte", () => {
    expect(tree.content(`${DIR}/site/kustomization.yaml`)).toBe(argo.content(`${DIR}/site/kustomization.yaml`));
    expect(tree.get(`${DIR}/site/kustomization.yaml`)!.kind).toBe(FileKind.KUSTOMIZE);
  });

  test("a base in an application repository is a GitRepository at the ring's revision and a Flux Kustomization with the overlay's settings", () => {
    expect(documents(tree, `${DIR}/shop/kustomization.yaml`)).toEqual([
      { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['flux.yaml', 'overlay.yaml'] },
    ]);
    const [source] = documents(tree, `${DIR}/shop/flux.yaml`);
    expect(source).toMatchObject({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'shop' },
      spec: { interval: '10m', ref: { commit: SHA }, url: 'https://git.example.com/apps/shop.git' },
    });
    const [overlay] = documents(tree, `${DIR}/shop/overlay.yaml`);
    expect(overlay).toMatchObject({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'shop' } });
    expect(overlay.spec).toEqual({
      commonMetadata: {
        labels: {
          'cdk8s-gitops.io/service': 'shop',
          'cdk8s-gitops.io/environment': 'nonprod',
          'cdk8s-gitops.io/cloud': 'aws',
          'cdk8s-gitops.io/cluster': 'eu-01',
          team: 'commerce',
        },
      },
      images: [{ name: 'registry.example.com/shop', digest: A }],
      interval: '10m',
      patches: [
        {
          patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  replicas: 2\n',
          target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'shop' },
        },
      ],
      path: './deploy/base',
      prune: true,
      // The namespace's own service account, as a HelmRelease's.
      serviceAccountName: 'flux-reconciler',
      sourceRef: { kind: 'GitRepository', name: 'shop' },
      targetNamespace: 'commerce',
      wait: true,
    });
    // The same images, labels and patch as the Argo CD overlay.
    const argoOverlay = documents(argo, `${DIR}/shop/kustomization.yaml`)[0];
    expect(overlay.spec.images).toEqual(argoOverlay.images);
    expect(overlay.spec.commonMetadata.labels).toEqual(argoOverlay.labels[0].pairs);
    expect(overlay.spec.patches[0].target).toEqual(argoOverlay.patches[0].target);
    expect(overlay.spec.patches[0].patch).toBe(argo.content(`${DIR}/shop/${argoOverlay.patches[0].path}`).replace(/^#.*\n/, ''));
    // No Kustomize remote base anywhere in a Flux target.
    for (const p of tree.paths().filter((x) => x.startsWith(`${DIR}/`))) expect(tree.content(p)).not.toContain('?ref=');
  });

  test('a promotion changes the images of the Flux Kustomization, and the revision of the GitRepository', () => {
    expect(tree.get(`${DIR}/shop/overlay.yaml`)!.release).toEqual({ version: A, ring: 'nonprod' });
    expect(tree.get(`${DIR}/shop/flux.yaml`)!.release).toEqual({ version: SHA, ring: 'nonprod' });
    expect(tree.get(`${DIR}/shop/kustomization.yaml`)!.release).toBeUndefined();
  });

  describeWithFluxSchemas("against Flux's CRDs", loadFluxSchemas(), (validate) => {
    test('every Flux object is strictly valid', () => {
      const objects = tree
        .paths()
        .filter((p) => p.includes('nonprod') && p.endsWith('.yaml'))
        .flatMap((p) => documents(tree, p))
        .filter(isFluxObject);
      expect(objects.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([
        'GitRepository shop',
        'Kustomization orders',
        'Kustomization shop',
        'Kustomization shop',
        'Kustomization site',
      ]);
      for (const o of objects) expect(validate(o)).toEqual([]);
    });
  });

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  (kubectl.status === 0 ? test : test.skip)('each target builds with kubectl kustomize, as kustomize-controller builds it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-flux-kinds-'));
    try {
      for (const p of tree.paths()) {
        fs.mkdirSync(path.join(dir, path.dirname(p)), { recursive: true });
        fs.writeFileSync(path.join(dir, p), tree.content(p));
      }
      // The platform base, as the GitOps repository holds it.
      fs.mkdirSync(path.join(dir, 'bases/site'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'bases/site/kustomization.yaml'), 'resources: [deployment.yaml]\n');
      fs.writeFileSync(
        path.join(dir, 'bases/site/deployment.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: site}\nspec:\n  selector: {matchLabels: {app: site}}\n  template:\n    metadata: {labels: {app: site}}\n    spec: {containers: [{name: site, image: registry.example.com/site}]}\n',
      );
      const build = (s: string): any[] => {
        const r = spawnSync('kubectl', ['kustomize', path.join(dir, DIR, s)], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        return parseAllDocuments(r.stdout).map((d) => d.toJS());
      };
      const orders = build('orders');
      expect(orders.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Service orders', 'Deployment orders']);
      expect(orders[1].spec.template.spec.containers[0].image).toBe(`registry.example.com/orders@${A}`);
      const site = build('site');
      expect(site[0].spec.template.spec.containers[0].image).toBe(`registry.example.com/site@${A}`);
      expect(build('shop').map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Kustomization shop', 'GitRepository shop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  if (kubectl.status !== 0) console.warn('kubectl was not found: Flux targets are not built with `kubectl kustomize`.');

  test('refuses a base revision Flux cannot resolve', () => {
    const p = newPlatform();
    const env = fluxEnvironment(p);
    new Service(p, 'shop', {
      image: { repository: 'registry.example.com/shop' },
      initialDigest: A,
      workload: Workload.kustomize({ repoURL: 'https://git.example.com/apps/shop.git', targetRevision: 'abc1234' }),
    }).deployTo(env);
    expect(linesOf(() => p.snapshot())).toEqual([
      `[platform/shop] CG151 shop's base revision "abc1234" is a short commit SHA, and it runs in environment dev, reconciled by Flux, which must be told a branch, a tag or a commit.`,
    ]);
  });

  test('refuses rendered objects a target could not apply, or that would act beyond its namespace, on Flux and on Argo CD', () => {
    const problems = (on: Reconciler): string[] => {
      const p = newPlatform();
      const env = new Environment(p, 'dev', {
        controlPlane: new ControlPlane(p, 'dev', { reconciler: on }),
        syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
      });
      new Cluster(env, 'c1', { cloud: new Cloud(p, 'aws'), region: 'eu-central-1' });
      new Service(p, 'web', {
        image: { repository: 'registry.example.com/web' },
        initialDigest: A,
        workload: Workload.render((ctx) => {
          new kplus.Deployment(ctx.scope, 'web', { containers: [{ image: ctx.image, portNumber: 8080 }] });
          new ApiObject(ctx.scope, 'reader', {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: 'reader' },
          });
          new ApiObject(ctx.scope, 'dns', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dns', namespace: 'kube-system' } });
          new ApiObject(ctx.scope, 'escalate', {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: { name: 'escalate' },
            spec: {
              interval: '5m',
              path: './',
              prune: true,
              sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
            },
          });
          new ApiObject(ctx.scope, 'release', {
            apiVersion: 'helm.toolkit.fluxcd.io/v2',
            kind: 'HelmRelease',
            metadata: { name: 'extra' },
            spec: {
              interval: '5m',
              serviceAccountName: 'flux-reconciler',
              chart: { spec: { chart: 'x', sourceRef: { kind: 'HelmRepository', name: 'shared', namespace: 'flux-system' } } },
            },
          });
        }),
      }).deployTo(env);
      return linesOf(() => p.snapshot());
    };
    expect(problems(Reconciler.flux())).toEqual([
      "[platform/web] CG139 ClusterRole reader of Service web on dev/aws/c1 is cluster-scoped (rbac.authorization.k8s.io/ClusterRole), and environment dev does not let its services create such kinds: on Flux the service's accounts have no right to create it.",
      "[platform/web] CG139 ConfigMap dns of Service web on dev/aws/c1 is in namespace kube-system, but the service deploys into web: Flux would move it into the service's namespace.",
      "[platform/web] CG139 Kustomization escalate of Service web on dev/aws/c1 has no spec.serviceAccountName: Flux would reconcile it beyond the service's namespace and rights.",
      "[platform/web] CG139 HelmRelease extra of Service web on dev/aws/c1 refers to another namespace: Flux would reconcile it beyond the service's namespace and rights.",
    ]);
    // Argo CD's AppProject would refuse the first two; Flux's objects are not Argo CD's concern.
    expect(problems(Reconciler.argoCd()).map((l) => l.slice(0, l.indexOf(':', 20)))).toEqual([
      '[platform/web] CG139 ClusterRole reader of Service web on dev/aws/c1 is cluster-scoped (rbac.authorization.k8s.io/ClusterRole), and environment dev does not let its services create such kinds',
      '[platform/web] CG139 ConfigMap dns of Service web on dev/aws/c1 is in namespace kube-system, but the service deploys into web',
    ]);
  });

  test("writes a scp-like Git URL as the ssh:// URL Flux's GitRepository reads, and refuses a git:// one", () => {
    const p = newPlatform();
    const env = new Environment(p, 'dev', {
      controlPlane: new ControlPlane(p, 'dev', {
        reconciler: Reconciler.flux({ sourceCredentials: [FluxSourceCredentials.secret('git@git.example.com', 'git-ssh')] }),
      }),
      syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    });
    new Cluster(env, 'c1', { cloud: new Cloud(p, 'aws'), region: 'eu-central-1' });
    new Service(p, 'shop', {
      image: { repository: 'registry.example.com/shop' },
      initialDigest: A,
      workload: Workload.kustomize({ repoURL: 'git@git.example.com:apps/shop.git', targetRevision: 'main' }),
    }).deployTo(env);
    new Service(p, 'web', {
      image: { repository: 'registry.example.com/web' },
      initialDigest: A,
      workload: Workload.helmChart({ repoURL: 'git@git.example.com:/apps/web.git', targetRevision: 'main' }),
    }).deployTo(env);
    const t = synthesize(p.snapshot());
    expect(documents(t, 'environments/dev/aws/c1/shop/flux.yaml')[0].spec.url).toBe('ssh://git@git.example.com/apps/shop.git');
    expect(documents(t, 'environments/dev/aws/c1/web/flux.yaml')[0].spec.url).toBe('ssh://git@git.example.com/apps/web.git');

    const q = newPlatform();
    const dev = new Environment(q, 'dev', {
      controlPlane: new ControlPlane(q, 'dev', { reconciler: Reconciler.flux() }),
      syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    });
    new Cluster(dev, 'c1', { cloud: new Cloud(q, 'aws'), region: 'eu-central-1' });
    new Service(q, 'shop', {
      image: { repository: 'registry.example.com/shop' },
      initialDigest: A,
      workload: Workload.kustomize({ repoURL: 'git://git.example.com/apps/shop.git', targetRevision: 'main' }),
    }).deployTo(dev);
    expect(linesOf(() => q.snapshot())).toEqual([
      "[platform/shop] CG151 shop's base repository is a git:// URL, and it runs in environment dev, reconciled by Flux, whose GitRepository reads only http(s):// and ssh:// URLs.",
    ]);
  });

  test('refuses lists of objects, and cluster-scoped kinds beyond the first ones it knew', () => {
    const p = newPlatform();
    const env = fluxEnvironment(p);
    new Service(p, 'web', {
      image: { repository: 'registry.example.com/web' },
      initialDigest: A,
      workload: Workload.render((ctx) => {
        new kplus.Deployment(ctx.scope, 'web', { containers: [{ image: ctx.image, portNumber: 8080 }] });
        new ApiObject(ctx.scope, 'list', {
          apiVersion: 'v1',
          kind: 'List',
          metadata: { name: 'l' },
          items: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'pwn' } }],
        });
        new ApiObject(ctx.scope, 'vap', {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicy',
          metadata: { name: 'deny' },
        });
        new ApiObject(ctx.scope, 'issuer', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le' } });
        new ApiObject(ctx.scope, 'remote', {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: 'remote' },
          spec: { serviceAccountName: 'flux-reconciler', kubeConfig: { configMapRef: { name: 'prod' } } },
        });
      }),
    }).deployTo(env);
    expect(linesOf(() => p.snapshot()).map((l) => l.slice(0, l.indexOf(' of Service web')))).toEqual([
      '[platform/web] CG139 List l',
      '[platform/web] CG139 ValidatingAdmissionPolicy deny',
      '[platform/web] CG139 ClusterIssuer le',
      '[platform/web] CG139 Kustomization remote',
    ]);
  });

  test("tells cluster-scoped kinds by group and kind, and reads an environment's lists as an AppProject does ('*')", () => {
    const p = newPlatform();
    const env = new Environment(p, 'prod', { clusterResources: [{ group: '*', kind: '*' }] });
    new Cluster(env, 'c1', { cloud: new Cloud(p, 'aws'), region: 'eu-central-1' });
    new Service(p, 'web', {
      image: { repository: 'registry.example.com/web' },
      initialDigest: A,
      workload: Workload.render((ctx) => {
        new kplus.Deployment(ctx.scope, 'web', { containers: [{ image: ctx.image, portNumber: 8080 }] });
        // Cluster API's IPAddress is namespaced, unlike networking.k8s.io's.
        new ApiObject(ctx.scope, 'ip', { apiVersion: 'ipam.cluster.x-k8s.io/v1beta1', kind: 'IPAddress', metadata: { name: 'ip-1' } });
        new ApiObject(ctx.scope, 'reader', {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'reader' },
        });
      }),
    }).deployTo(env);
    new PromotionRing(p, 'prod', { targets: Targets.environment(env) });
    const t = synthesize(p.snapshot());
    expect(documents(t, 'environments/prod/aws/c1/web/ipaddress-ip-1.yaml')[0].metadata.namespace).toBe('web');
    expect(documents(t, 'environments/prod/aws/c1/web/clusterrole-reader.yaml')[0].metadata.namespace).toBeUndefined();
  });
});
