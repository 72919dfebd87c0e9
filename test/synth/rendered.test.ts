import * as fs from 'fs';
import * as os from 'os';
import { SEALED } from '../support/sealed-secret';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { parse, parseAllDocuments } from 'yaml';
import {
  Cloud,
  Cluster,
  ControlPlane,
  Environment,
  GitOpsError,
  NamespaceBaseline,
  Platform,
  PlatformModel,
  RenderContext,
  RenderFunction,
  Service,
  ServiceProps,
  SyncOption,
  SyncPolicy,
  Workload,
} from '../../src';
import { FileKind, FileTree } from '../../src/synth/file-tree';
import { linesOf } from '../support/platform';
import { synthesize } from '../../src/synth/synthesize';
import { writeTree } from '../../src/workspace/checkout/writer';
import { diffPaths, computePlan } from '../../src/workspace/plan';
import { formatPlan } from '../../src/cli/plan-format';
import { checkCheckout, FindingKind } from '../../src/workspace/check';
import { applicationsOf, directoriesOf, viewOfCheckout } from '../../src/workspace/inspect/checkout';
import { expandApplicationSets } from '../../src/preview';
import { summarizeChange } from '../../src/release/change-summary';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../support/argocd-schema';
import { validateKubeObject } from '../support/kube-models';
import { ordersWorkload } from './fixtures/orders-workload';

const REPO = 'https://git.example.com/platform/platform-gitops.git';
const ORDERS_IMAGE = 'registry.example.com/commerce/orders-api';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

/** The workload of orders-api, inline; `fixtures/orders-workload.ts` holds the same code. */
const inlineWorkload: RenderFunction = (ctx) => {
  const api = new kplus.Deployment(ctx.scope, ctx.service, {
    containers: [{ name: 'api', image: ctx.image, portNumber: 8080 }],
  });
  api.exposeViaService({ name: ctx.service, ports: [{ port: 80, targetPort: 8080 }] });
};

interface Options {
  readonly render?: RenderFunction;
  /** Scope of the orders-api Service. @default the platform */
  readonly serviceScope?: (platform: Platform) => Construct;
  readonly ordersNamespace?: string;
  readonly baseline?: boolean;
  readonly withHelm?: boolean;
  readonly ordersProps?: Record<string, unknown>;
}

/**
 * nonprod (azure/westeurope-01) and prod (azure/westeurope-01, aws/eu-central-1-01), each its
 * own control plane; payments-api deploys a Helm chart, orders-api is rendered.
 */
function build(options: Options = {}) {
  const platform = new Platform({ repoURL: REPO, applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
  const syncPolicy = SyncPolicy.automated({ prune: true, selfHeal: true, options: [SyncOption.CREATE_NAMESPACE] });
  const nonprod = new Environment(platform, 'nonprod', {
    controlPlane: new ControlPlane(platform, 'nonprod'),
    syncPolicy,
    values: { replicas: 1 },
  });
  const prod = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'prod'),
    syncPolicy,
    values: { replicas: 3 },
    ...(options.baseline
      ? {
          namespaceBaseline: NamespaceBaseline.standard({
            quota: { 'requests.cpu': '8', pods: '60' },
            limits: { defaultRequest: { cpu: '100m', memory: '128Mi' } },
          }),
        }
      : {}),
  });
  const azure = new Cloud(platform, 'azure');
  const aws = new Cloud(platform, 'aws');
  new Cluster(nonprod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
  new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
  new Cluster(prod, 'eu-central-1-01', { cloud: aws, region: 'eu-central-1' });
  if (options.withHelm !== false) {
    new Service(platform, 'payments-api', {
      image: { repository: 'registry.example.com/commerce/payments-api' },
      initialDigest: D1,
    }).deployTo([nonprod, prod]);
  }
  const orders = new Service(options.serviceScope?.(platform) ?? platform, 'orders-api', {
    image: { repository: ORDERS_IMAGE },
    initialDigest: D1,
    workload: Workload.render(options.render ?? inlineWorkload),
    ...(options.ordersNamespace ? { namespace: options.ordersNamespace } : {}),
    ...(options.ordersProps ?? {}),
  });
  orders.deployTo([nonprod, prod]);
  return { platform, nonprod, prod, orders };
}

function releases(nonprod: string, prod: string) {
  const rings = new Map([
    ['nonprod', { version: nonprod }],
    ['prod', { version: prod }],
  ]);
  return new Map([
    ['orders-api', rings],
    ['payments-api', new Map(rings)],
  ]);
}

const yamlOf = (tree: FileTree, p: string): any => parse(tree.content(p));
const ordersDir = (target: string) => `environments/${target}/orders-api`;

function problemsOf(run: () => unknown): GitOpsError {
  try {
    run();
  } catch (e) {
    if (e instanceof GitOpsError) return e;
    throw e;
  }
  throw new Error('expected a GitOpsError');
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-rendered-'));
}

describe('rendered workloads', () => {
  describe('the files of a target', () => {
    it('writes one file per object, <kind>-<name>.yaml, and no values file', () => {
      // GIVEN
      const { platform } = build();
      // WHEN
      const tree = synthesize(platform.snapshot());
      // THEN
      expect(tree.paths().filter((p) => p.includes('/orders-api/'))).toEqual([
        'environments/nonprod/azure/westeurope-01/orders-api/deployment-orders-api.yaml',
        'environments/nonprod/azure/westeurope-01/orders-api/service-orders-api.yaml',
        'environments/prod/aws/eu-central-1-01/orders-api/deployment-orders-api.yaml',
        'environments/prod/aws/eu-central-1-01/orders-api/service-orders-api.yaml',
        'environments/prod/azure/westeurope-01/orders-api/deployment-orders-api.yaml',
        'environments/prod/azure/westeurope-01/orders-api/service-orders-api.yaml',
      ]);
      expect(tree.get(`${ordersDir('prod/azure/westeurope-01')}/deployment-orders-api.yaml`)!.kind).toBe(FileKind.OBJECT);
      expect(tree.has('environments/prod/azure/westeurope-01/payments-api/values.yaml')).toBe(true);
    });

    it('pins the image by digest and selects pods by identity labels, not construct paths', () => {
      // GIVEN
      const { platform } = build();
      // WHEN
      const tree = synthesize(platform.snapshot());
      const deployment = yamlOf(tree, `${ordersDir('prod/azure/westeurope-01')}/deployment-orders-api.yaml`);
      const service = yamlOf(tree, `${ordersDir('prod/azure/westeurope-01')}/service-orders-api.yaml`);
      // THEN
      const identity = { 'app.kubernetes.io/component': 'orders-api', 'app.kubernetes.io/name': 'orders-api' };
      expect(deployment.apiVersion).toBe('apps/v1');
      expect(deployment.metadata).toEqual({ name: 'orders-api', namespace: 'orders-api' });
      expect(deployment.spec.selector).toEqual({ matchLabels: identity });
      expect(deployment.spec.template.metadata).toEqual({ labels: identity });
      expect(deployment.spec.template.spec.containers).toHaveLength(1);
      expect(deployment.spec.template.spec.containers[0].name).toBe('api');
      expect(deployment.spec.template.spec.containers[0].image).toBe(`${ORDERS_IMAGE}@${D1}`);
      expect(service.metadata).toEqual({ name: 'orders-api', namespace: 'orders-api' });
      expect(service.spec.selector).toEqual(identity);
      expect(service.spec.ports).toEqual([{ port: 80, targetPort: 8080 }]);
      for (const text of Object.values(tree.toRecord())) expect(text).not.toContain('cdk8s.io/metadata.addr');
    });

    it('writes keys sorted, apiVersion, kind and metadata first, under a header comment', () => {
      const { platform } = build();
      const text = synthesize(platform.snapshot()).content(`${ordersDir('nonprod/azure/westeurope-01')}/service-orders-api.yaml`);
      expect(text).toBe(
        [
          '# Generated by cdk8s-gitops. Change the program, not this file.',
          'apiVersion: v1',
          'kind: Service',
          'metadata:',
          '  name: orders-api',
          '  namespace: orders-api',
          'spec:',
          '  externalIPs: []',
          '  ports:',
          '    - port: 80',
          '      targetPort: 8080',
          '  selector:',
          '    app.kubernetes.io/component: orders-api',
          '    app.kubernetes.io/name: orders-api',
          '  type: ClusterIP',
          '',
        ].join('\n'),
      );
    });

    it('hands the objects over in the model snapshot as JSON, with the image placeholder', () => {
      // GIVEN
      const { platform } = build();
      // WHEN: the program hands the CLI its snapshot as JSON
      const model: PlatformModel = JSON.parse(JSON.stringify(platform.snapshot()));
      // THEN
      const target = model.targets.find((t) => t.id === 'prod/azure/westeurope-01/orders-api')!;
      expect(target.objects!.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Deployment orders-api', 'Service orders-api']);
      expect((target.objects![0] as any).spec.template.spec.containers[0].image).toBe('cdk8s-gitops.image/orders-api');
      expect(model.services.find((s) => s.name === 'orders-api')!.source).toEqual({ kind: 'rendered' });
      expect(synthesize(model).toRecord()).toEqual(synthesize(platform.snapshot()).toRecord());
    });

    it("renders each target once, in its own Chart, with that target's context", () => {
      // GIVEN
      const seen: Omit<RenderContext, 'scope'>[] = [];
      const scopes = new Set<unknown>();
      const { platform } = build({
        withHelm: false,
        render: (ctx) => {
          const { scope, ...rest } = ctx;
          seen.push(rest);
          scopes.add(scope.node.root);
          expect(Object.isFrozen(ctx.values)).toBe(true);
          inlineWorkload(ctx);
        },
      });
      // WHEN
      platform.snapshot();
      // THEN
      expect(scopes.size).toBe(3);
      expect(seen).toEqual([
        {
          service: 'orders-api',
          environment: 'nonprod',
          cloud: 'azure',
          cluster: 'westeurope-01',
          region: 'westeurope',
          destination: 'azure-westeurope-01',
          namespace: 'orders-api',
          image: 'cdk8s-gitops.image/orders-api',
          images: {},
          values: {
            global: { environment: 'nonprod', cloud: 'azure', region: 'westeurope', cluster: 'azure-westeurope-01' },
            image: { repository: ORDERS_IMAGE },
            replicas: 1,
          },
        },
        expect.objectContaining({
          environment: 'prod',
          cloud: 'azure',
          cluster: 'westeurope-01',
          values: expect.objectContaining({ replicas: 3 }),
        }),
        expect.objectContaining({
          environment: 'prod',
          cloud: 'aws',
          cluster: 'eu-central-1-01',
          region: 'eu-central-1',
          destination: 'aws-eu-central-1-01',
        }),
      ]);
    });

    it('passes kubernetes-models validation for every object', () => {
      const { platform } = build({ baseline: true });
      const tree = synthesize(platform.snapshot());
      const objects = tree.paths().filter((p) => tree.get(p)!.kind === FileKind.OBJECT);
      expect(objects.length).toBeGreaterThan(6);
      for (const p of objects) expect(validateKubeObject(yamlOf(tree, p))).toEqual([]);
    });
  });

  describe('stability', () => {
    it('changes no byte when the render function moves to another module and the Service under another construct', () => {
      // GIVEN
      const here = build({ withHelm: false });
      const moved = build({
        withHelm: false,
        render: ordersWorkload,
        serviceScope: (p) => new Construct(new Construct(p, 'teams'), 'orders'),
      });
      expect(moved.orders.node.path).toBe('platform/teams/orders/orders-api');
      // WHEN
      const a = synthesize(here.platform.snapshot());
      const b = synthesize(moved.platform.snapshot());
      // THEN
      expect(b.toRecord()).toEqual(a.toRecord());
      expect(b.paths().map((p) => b.get(p)!.key)).toEqual(a.paths().map((p) => a.get(p)!.key));
    });

    it("a promotion changes only the image of the ring's targets", () => {
      // GIVEN
      const model = build({ baseline: true }).platform.snapshot();
      const before = synthesize(model, { releases: releases(D1, D1) });
      // WHEN: nonprod runs D2
      const after = synthesize(model, { releases: releases(D2, D1) });
      // THEN
      const changed = after.paths().filter((p) => before.content(p) !== after.content(p));
      expect(changed).toEqual([
        'environments/nonprod/azure/westeurope-01/orders-api/deployment-orders-api.yaml',
        'environments/nonprod/azure/westeurope-01/payments-api/values.yaml',
      ]);
      const p = changed[0];
      expect(diffPaths(parse(before.content(p)), parse(after.content(p)), '')).toEqual(['spec.template.spec.containers[0].image']);
      expect(parse(after.content(p)).spec.template.spec.containers[0].image).toBe(`${ORDERS_IMAGE}@${D2}`);
      // only the changed files get new keys, so nothing else is rendered again
      expect(after.paths().filter((x) => before.get(x)!.key !== after.get(x)!.key)).toEqual(changed);
    });

    it('writes an image tag as <repository>:<tag>', () => {
      const model = build({ withHelm: false }).platform.snapshot();
      const tree = synthesize(model, {
        releases: new Map([
          [
            'orders-api',
            new Map([
              ['nonprod', { version: '1.4.2' }],
              ['prod', { version: D1 }],
            ]),
          ],
        ]),
      });
      expect(
        yamlOf(tree, `${ordersDir('nonprod/azure/westeurope-01')}/deployment-orders-api.yaml`).spec.template.spec.containers[0].image,
      ).toBe(`${ORDERS_IMAGE}:1.4.2`);
    });
  });

  describe('ApplicationSets and AppProjects', () => {
    it('gives rendered services a directory source of their own, excluded from the Helm ApplicationSet', () => {
      // GIVEN
      const tree = synthesize(build().platform.snapshot());
      // WHEN
      const rendered = yamlOf(tree, 'applicationsets/prod/rendered-prod.yaml');
      const helm = yamlOf(tree, 'applicationsets/prod/workloads-prod.yaml');
      // THEN
      expect(rendered.spec.generators).toEqual([
        {
          git: { directories: [{ path: 'environments/prod/*/*/orders-api' }], repoURL: REPO, revision: 'refs/heads/main' },
        },
      ]);
      // The source type stated, and only .yaml files: a Chart.yaml someone adds never makes it a chart.
      expect(rendered.spec.template.spec.source).toEqual({
        path: '{{ .path.path }}',
        repoURL: REPO,
        targetRevision: 'refs/heads/main',
        directory: { include: '*.yaml' },
      });
      expect(rendered.spec.template.spec.sources).toBeUndefined();
      expect(rendered.spec.template.spec.destination).toEqual({
        name: '{{ printf "%s-%s" (index .path.segments 2) (index .path.segments 3) }}',
        namespace: '{{ index .path.segments 4 }}',
      });
      expect(rendered.spec.template.spec.syncPolicy).toEqual({
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
      });
      expect(helm.spec.generators[0].git.directories).toEqual([
        { path: 'environments/prod/*/*/*' },
        { path: 'environments/prod/*/*/orders-api', exclude: true },
      ]);
      expect(helm.spec.template.spec.sources.map((s: any) => (s.helm ? 'helm' : s.ref))).toEqual(['helm', 'values']);
    });

    it('gives a rendered service in another namespace its own ApplicationSet', () => {
      const tree = synthesize(build({ ordersNamespace: 'orders' }).platform.snapshot());
      expect(tree.has('applicationsets/prod/rendered-prod.yaml')).toBe(false);
      const own = yamlOf(tree, 'applicationsets/prod/rendered-prod-orders-api.yaml');
      expect(own.spec.generators[0].git.directories).toEqual([{ path: 'environments/prod/*/*/orders-api' }]);
      expect(own.spec.template.spec.destination.namespace).toBe('orders');
      expect(yamlOf(tree, 'environments/prod/azure/westeurope-01/orders-api/deployment-orders-api.yaml').metadata.namespace).toBe('orders');
    });

    it('generates every Application exactly once when a cluster has a destination of its own', () => {
      // GIVEN: prod/azure/westeurope-02 is registered under another name
      const { platform, prod } = build();
      new Cluster(prod, 'westeurope-02', { cloud: platform.node.findChild('azure') as Cloud, region: 'westeurope', destination: 'weu-2' });
      const model = platform.snapshot();
      const tree = synthesize(model);
      const sets = tree.paths().filter((p) => p.startsWith('applicationsets/prod/'));
      // WHEN
      const generated = sets.flatMap((p) =>
        expandApplicationSets([yamlOf(tree, p)], () => directoriesOf(tree.paths())).map(
          (a) => `${yamlOf(tree, p).metadata.name} ${a.metadata.name}`,
        ),
      );
      // THEN
      expect(sets).toEqual([
        'applicationsets/prod/rendered-prod-azure-westeurope-02.yaml',
        'applicationsets/prod/rendered-prod.yaml',
        'applicationsets/prod/workloads-prod-azure-westeurope-02.yaml',
        'applicationsets/prod/workloads-prod.yaml',
      ]);
      expect(generated.sort()).toEqual([
        'rendered-prod orders-api-prod-aws-eu-central-1-01',
        'rendered-prod orders-api-prod-azure-westeurope-01',
        'rendered-prod-azure-westeurope-02 orders-api-prod-azure-westeurope-02',
        'workloads-prod payments-api-prod-aws-eu-central-1-01',
        'workloads-prod payments-api-prod-azure-westeurope-01',
        'workloads-prod-azure-westeurope-02 payments-api-prod-azure-westeurope-02',
      ]);
      expect(yamlOf(tree, 'applicationsets/prod/rendered-prod-azure-westeurope-02.yaml').spec.template.spec.destination.name).toBe('weu-2');
    });

    it('lets the AppProject of an environment with only rendered services use only the GitOps repository', () => {
      const tree = synthesize(build({ withHelm: false }).platform.snapshot());
      expect(yamlOf(tree, 'projects/prod.yaml').spec.sourceRepos).toEqual([REPO]);
      expect(yamlOf(tree, 'projects/prod.yaml').spec.destinations).toEqual([
        { name: 'aws-eu-central-1-01', namespace: 'orders-api' },
        { name: 'azure-westeurope-01', namespace: 'orders-api' },
      ]);
      const mixed = synthesize(build().platform.snapshot());
      expect(yamlOf(mixed, 'projects/prod.yaml').spec.sourceRepos).toEqual([REPO, 'https://git.example.com/apps/payments-api.git']);
    });

    it('generates the Applications Argo CD would, offline, from the written checkout', () => {
      // GIVEN
      const dir = tmpDir();
      try {
        writeTree(synthesize(build({ baseline: true }).platform.snapshot()), dir);
        // WHEN
        const apps = applicationsOf(viewOfCheckout(dir));
        // THEN
        expect([...apps.values()].map((a) => `${a.applicationSet} ${a.app.metadata.name}`).sort()).toEqual([
          'rendered-nonprod orders-api-nonprod-azure-westeurope-01',
          'rendered-prod orders-api-prod-aws-eu-central-1-01',
          'rendered-prod orders-api-prod-azure-westeurope-01',
          'workloads-nonprod payments-api-nonprod-azure-westeurope-01',
          'workloads-prod payments-api-prod-aws-eu-central-1-01',
          'workloads-prod payments-api-prod-azure-westeurope-01',
        ]);
        const orders = apps.get('argocd/orders-api-prod-azure-westeurope-01')!.app.spec as any;
        expect(orders.source).toEqual({
          repoURL: REPO,
          targetRevision: 'refs/heads/main',
          path: 'environments/prod/azure/westeurope-01/orders-api',
          directory: { include: '*.yaml' },
        });
        expect(orders.destination).toEqual({ name: 'azure-westeurope-01', namespace: 'orders-api' });
        expect(orders.project).toBe('prod');
        const payments = apps.get('argocd/payments-api-prod-azure-westeurope-01')!.app.spec as any;
        expect(payments.sources[2]).toEqual({
          repoURL: REPO,
          targetRevision: 'refs/heads/main',
          path: 'environments/prod/azure/westeurope-01/payments-api/baseline',
          directory: { include: '*.yaml' },
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    const schemas = loadArgoCdSchemas();
    describeWithArgoCdSchemas('against the Argo CD CRDs', schemas, (validate) => {
      it('emits ApplicationSets and AppProjects that match them strictly', () => {
        for (const options of [{}, { baseline: true }, { ordersNamespace: 'orders' }]) {
          const tree = synthesize(build(options).platform.snapshot());
          const files = tree
            .paths()
            .filter((p) => [FileKind.APPLICATION_SET, FileKind.APP_PROJECT, FileKind.BOOTSTRAP].includes(tree.get(p)!.kind));
          for (const p of files) {
            for (const doc of parseAllDocuments(tree.content(p))) expect(validate(doc.toJS())).toEqual([]);
          }
        }
      });
    });
  });

  describe('namespace baseline', () => {
    it('puts the baseline next to rendered objects and in baseline/ of a Helm target', () => {
      // GIVEN
      const tree = synthesize(build({ baseline: true }).platform.snapshot());
      // THEN
      expect(tree.paths().filter((p) => p.startsWith('environments/prod/azure/westeurope-01/'))).toEqual([
        'environments/prod/azure/westeurope-01/orders-api/deployment-orders-api.yaml',
        'environments/prod/azure/westeurope-01/orders-api/limitrange-baseline.yaml',
        'environments/prod/azure/westeurope-01/orders-api/namespace-orders-api.yaml',
        'environments/prod/azure/westeurope-01/orders-api/networkpolicy-default-deny.yaml',
        'environments/prod/azure/westeurope-01/orders-api/resourcequota-baseline.yaml',
        'environments/prod/azure/westeurope-01/orders-api/service-orders-api.yaml',
        'environments/prod/azure/westeurope-01/payments-api/baseline/limitrange-baseline.yaml',
        'environments/prod/azure/westeurope-01/payments-api/baseline/namespace-payments-api.yaml',
        'environments/prod/azure/westeurope-01/payments-api/baseline/networkpolicy-default-deny.yaml',
        'environments/prod/azure/westeurope-01/payments-api/baseline/resourcequota-baseline.yaml',
        'environments/prod/azure/westeurope-01/payments-api/values.yaml',
      ]);
      expect(tree.paths().some((p) => p.startsWith('environments/nonprod/') && p.includes('baseline'))).toBe(false);
      const dir = 'environments/prod/azure/westeurope-01/payments-api/baseline';
      expect(yamlOf(tree, `${dir}/namespace-payments-api.yaml`)).toEqual({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'payments-api', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } },
        spec: {},
      });
      expect(yamlOf(tree, `${dir}/resourcequota-baseline.yaml`)).toEqual({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'baseline', namespace: 'payments-api' },
        spec: { hard: { pods: '60', 'requests.cpu': '8' } },
      });
      expect(yamlOf(tree, `${dir}/limitrange-baseline.yaml`)).toEqual({
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'baseline', namespace: 'payments-api' },
        spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
      });
      expect(yamlOf(tree, `${dir}/networkpolicy-default-deny.yaml`)).toEqual({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace: 'payments-api' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      });
    });

    it('drops CreateNamespace=true, adds the baseline source and allows the namespaces by name', () => {
      const tree = synthesize(build({ baseline: true }).platform.snapshot());
      const helm = yamlOf(tree, 'applicationsets/prod/workloads-prod.yaml').spec.template.spec;
      expect(helm.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true } });
      expect(helm.sources[2]).toEqual({
        path: '{{ .path.path }}/baseline',
        repoURL: REPO,
        targetRevision: 'refs/heads/main',
        directory: { include: '*.yaml' },
      });
      expect(yamlOf(tree, 'applicationsets/prod/rendered-prod.yaml').spec.template.spec.syncPolicy).toEqual({
        automated: { prune: true, selfHeal: true },
      });
      expect(yamlOf(tree, 'applicationsets/nonprod/workloads-nonprod.yaml').spec.template.spec.syncPolicy.syncOptions).toEqual([
        'CreateNamespace=true',
      ]);
      expect(yamlOf(tree, 'projects/prod.yaml').spec.clusterResourceWhitelist).toEqual([
        { group: '', kind: 'Namespace', name: 'orders-api' },
        { group: '', kind: 'Namespace', name: 'payments-api' },
      ]);
      expect(yamlOf(tree, 'projects/nonprod.yaml').spec.clusterResourceWhitelist).toEqual([]);
    });

    it('fails when its settings are empty, at synth, at the environment given the baseline', () => {
      const platform = new Platform({ repoURL: REPO });
      new Environment(platform, 'prod', { namespaceBaseline: NamespaceBaseline.standard({ quota: {}, limits: {} }) });
      expect(() => platform.snapshot()).toThrow(
        /\[platform\/prod\] CG136 NamespaceBaseline.standard needs a quota[\s\S]*\[platform\/prod\] CG136 NamespaceBaseline.standard needs limits/,
      );
    });

    it('reports a baseline declared without quota and limits once, not again as a failed render of each target', () => {
      const platform = new Platform({ repoURL: REPO, applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git' });
      const prod = new Environment(platform, 'prod', {
        namespaceBaseline: NamespaceBaseline.standard({ labels: { team: 'shop' } } as never),
      });
      new Cluster(prod, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
      new Service(platform, 'web', { image: { repository: 'registry.example.com/shop/web' } }).deployTo(prod);
      expect(linesOf(() => platform.snapshot()).map((l) => l.slice(0, l.indexOf(' ', l.indexOf('] ') + 2)))).toEqual([
        '[platform/prod] CG136',
        '[platform/prod] CG136',
      ]);
    });
  });

  describe('plan and check', () => {
    it('plan shows the object and field a promotion changes', () => {
      // GIVEN
      const dir = tmpDir();
      try {
        const model = build({ withHelm: false }).platform.snapshot();
        writeTree(synthesize(model, { releases: releases(D1, D1) }), dir);
        // WHEN
        const plan = computePlan(synthesize(model, { releases: releases(D2, D1) }), dir);
        // THEN
        expect(plan.files.map((f) => [f.path, f.change, f.objects])).toEqual([
          [
            'environments/nonprod/azure/westeurope-01/orders-api/deployment-orders-api.yaml',
            'update',
            [{ kind: 'Deployment', name: 'orders-api', change: 'update', fields: ['spec.template.spec.containers[0].image'] }],
          ],
        ]);
        expect(formatPlan(plan, 'text')).toContain('      [~] Deployment orders-api: spec.template.spec.containers[0].image\n');
        expect(plan.applications).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('plan lists objects created and deleted', () => {
      const dir = tmpDir();
      try {
        const plain = build({ withHelm: false }).platform.snapshot();
        writeTree(synthesize(plain), dir);
        const withConfig = build({
          withHelm: false,
          render: (ctx) => {
            inlineWorkload(ctx);
            new kplus.ConfigMap(ctx.scope, 'config', { data: { LOG_LEVEL: 'info' } });
          },
        }).platform.snapshot();
        const plan = computePlan(synthesize(withConfig), dir);
        expect(plan.files.map((f) => f.objects)).toEqual(
          Array(3).fill([{ kind: 'ConfigMap', name: 'orders-api-config', change: 'create' }]),
        );
        writeTree(synthesize(withConfig), dir);
        const back = computePlan(synthesize(plain), dir);
        expect(back.files.map((f) => [f.change, f.objects])).toEqual(
          Array(3).fill(['delete', [{ kind: 'ConfigMap', name: 'orders-api-config', change: 'delete' }]]),
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('check reports a rendered image that disagrees with the ledger', () => {
      const dir = tmpDir();
      try {
        const model = build({ withHelm: false }).platform.snapshot();
        const tree = synthesize(model);
        writeTree(tree, dir);
        const ledgers = new Map();
        expect(checkCheckout(model, tree, ledgers, dir)).toEqual([]);
        const file = `${ordersDir('prod/azure/westeurope-01')}/deployment-orders-api.yaml`;
        fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join(dir, file), 'utf8').replace(D1, D2));
        const ledger = {
          path: 'releases/orders-api.yaml',
          text: '',
          initial: false,
          ledger: { service: 'orders-api', rings: { prod: { digest: D1 } } },
        };
        const findings = checkCheckout(model, tree, new Map([['orders-api', ledger as any]]), dir);
        expect(findings.map((f) => [f.kind, f.path])).toEqual([
          [FindingKind.DIGEST_MISMATCH, file],
          [FindingKind.EDITED, file],
        ]);
        expect(findings[0].message).toBe(
          `orders-api-prod-azure-westeurope-01 runs ${D2} in deployment-orders-api.yaml, but the ledger says ring prod runs ${D1}.`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('commit summaries name the Applications whose objects changed', () => {
      const model = build({ baseline: true }).platform.snapshot();
      const summary = summarizeChange(
        model,
        [
          'environments/prod/azure/westeurope-01/orders-api/deployment-orders-api.yaml',
          'environments/prod/azure/westeurope-01/orders-api/service-orders-api.yaml',
          'environments/prod/aws/eu-central-1-01/payments-api/baseline/namespace-payments-api.yaml',
        ],
        new Map(),
      );
      expect(summary.applications).toEqual(['orders-api-prod-azure-westeurope-01', 'payments-api-prod-aws-eu-central-1-01']);
      expect(summary.otherFiles).toEqual([]);
    });
  });

  describe('problems', () => {
    const withRbacAndPolicy: RenderFunction = (ctx) => {
      inlineWorkload(ctx);
      new ApiObject(ctx.scope, 'reader', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader' } });
      new ApiObject(ctx.scope, 'allow-all', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-all' },
        spec: { podSelector: {}, ingress: [{}] },
      });
    };

    it('fails when a rendered object holds a literal secret (CG120): a Secret with data, an env value, once per object and key path', () => {
      const SECRET = 'Hunter2-rendered-9f8e7d';
      const withSecrets: RenderFunction = (ctx) => {
        new kplus.Secret(ctx.scope, 'db', { metadata: { name: 'db' }, stringData: { password: SECRET } });
        new ApiObject(ctx.scope, 'raw', {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'raw' },
          data: { key: Buffer.from(SECRET).toString('base64') },
        });
        new kplus.Deployment(ctx.scope, 'orders', {
          metadata: { name: 'orders' },
          containers: [
            {
              image: ctx.image,
              envVariables: { DB_PASSWORD: kplus.EnvValue.fromValue(SECRET), LOG_LEVEL: kplus.EnvValue.fromValue('info') },
            },
          ],
        });
        new ApiObject(ctx.scope, 'settings', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'settings' },
          data: { 'app.properties': `db.password=${SECRET}\n` },
        });
      };
      const e = problemsOf(() => build({ withHelm: false, render: withSecrets }).platform.snapshot());
      expect(e.message).not.toContain(SECRET);
      expect(
        e.problems
          .filter((p) => p.code === 'CG120')
          .map((p) => p.message.replace(/ of Service .*? sets/, ' sets').replace(/, and rendered.*/, '')),
      ).toEqual([
        'Secret db sets "stringData.password" to a Secret\'s literal data',
        'Secret raw sets "data.key" to a Secret\'s literal data',
        'Deployment orders sets "spec.template.spec.containers[0].env[0].value" to a literal string; the entry\'s name "DB_PASSWORD" names a secret',
        'ConfigMap settings sets "data.app.properties" to a literal string holding a secret (db.password=…)',
      ]);
      // AND a value that only looks secret may be allowed by its object and key path; a Secret's data never
      const allowed = problemsOf(() =>
        build({
          withHelm: false,
          render: withSecrets,
          ordersProps: { allowLiteralSecrets: ['ConfigMap/settings:data.app.properties', 'Secret/db:stringData.password'] },
        }).platform.snapshot(),
      );
      expect(allowed.problems.filter((p) => p.code === 'CG120').map((p) => p.message.split(' of ')[0])).toEqual([
        'Secret db',
        'Secret raw',
        'Deployment orders',
      ]);
    });

    it('takes a SealedSecret and a Secret whose entries refer to a secret store (argocd-vault-plugin) for no literal secret', () => {
      const sealed: RenderFunction = (ctx) => {
        new ApiObject(ctx.scope, 'sealed', {
          apiVersion: 'bitnami.com/v1alpha1',
          kind: 'SealedSecret',
          metadata: { name: 'db' },
          spec: { encryptedData: { password: SEALED }, template: { metadata: { name: 'db' } } },
        });
        new ApiObject(ctx.scope, 'vault', {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'api', annotations: { 'avp.kubernetes.io/path': 'secret/data/api' } },
          stringData: { token: '<token>', url: '<path:secret/data/api#url>' },
          data: { key: '<key | base64encode>' },
        });
      };
      expect(() => build({ withHelm: false, render: sealed }).platform.snapshot()).not.toThrow();
    });

    it('fails when a rendered service renders a RoleBinding or NetworkPolicy its environment does not allow, once per environment and kind', () => {
      // GIVEN prod has a namespace baseline, whose own default-deny its AppProject lets in
      const e = problemsOf(() => build({ withHelm: false, baseline: true, render: withRbacAndPolicy }).platform.snapshot());
      // THEN
      expect(e.problems.map((p) => [p.code, p.constructPath, p.message])).toEqual([
        [
          'CG139',
          'platform/orders-api',
          'RoleBinding reader of Service orders-api on nonprod/azure/westeurope-01 is a kind (rbac.authorization.k8s.io/RoleBinding) the AppProject of environment nonprod keeps out: Argo CD would refuse to sync it.',
        ],
        [
          'CG139',
          'platform/orders-api',
          'NetworkPolicy allow-all of Service orders-api on nonprod/azure/westeurope-01 is a kind (networking.k8s.io/NetworkPolicy) the AppProject of environment nonprod keeps out: Argo CD would refuse to sync it.',
        ],
        [
          'CG139',
          'platform/orders-api',
          'RoleBinding reader of Service orders-api on prod/azure/westeurope-01 is a kind (rbac.authorization.k8s.io/RoleBinding) the AppProject of environment prod keeps out: Argo CD would refuse to sync it.',
        ],
        [
          'CG139',
          'platform/orders-api',
          'NetworkPolicy allow-all of Service orders-api on prod/azure/westeurope-01 is a kind (networking.k8s.io/NetworkPolicy) the AppProject of environment prod keeps out: Argo CD would refuse to sync it.',
        ],
      ]);
      expect(e.problems[0].fix).toBe(
        "Leave it out, or allow the kind on the environment: allowedNamespacedResources: [{ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' }].",
      );
    });

    it('accepts rendered RBAC objects and network policies an environment allows', () => {
      // GIVEN
      const platform = new Platform({ repoURL: REPO });
      const allowedNamespacedResources = [
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
        { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
      ];
      const env = new Environment(platform, 'prod', { allowedNamespacedResources });
      new Cluster(env, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });
      new Service(platform, 'orders-api', {
        image: { repository: ORDERS_IMAGE },
        initialDigest: D1,
        workload: Workload.render(withRbacAndPolicy),
      }).deployTo(env);
      // WHEN
      const tree = synthesize(platform.snapshot());
      // THEN
      expect(yamlOf(tree, 'environments/prod/azure/westeurope-01/orders-api/rolebinding-reader.yaml').kind).toBe('RoleBinding');
      expect(yamlOf(tree, 'projects/prod.yaml').spec.namespaceResourceBlacklist).toEqual([
        { group: 'rbac.authorization.k8s.io', kind: 'Role' },
        { group: 'cilium.io', kind: 'CiliumNetworkPolicy' },
        { group: 'crd.projectcalico.org', kind: 'NetworkPolicy' },
      ]);
    });

    it('fails when the image placeholder stands outside a container image', () => {
      const e = problemsOf(() =>
        build({
          withHelm: false,
          render: (ctx) => {
            new kplus.Deployment(ctx.scope, ctx.service, {
              containers: [{ image: ctx.image, envVariables: { IMAGE: kplus.EnvValue.fromValue(ctx.image) } }],
            });
          },
        }).platform.snapshot(),
      );
      expect(e.problems).toHaveLength(3);
      expect(e.problems[0]).toEqual({
        code: 'CG131',
        constructPath: 'platform/orders-api',
        message:
          'Deployment orders-api of Service orders-api on nonprod/azure/westeurope-01 has the image placeholder at spec.template.spec.containers[0].env[0].value ("cdk8s-gitops.image/orders-api"), which is not the whole image of a container: it would reach the cluster unreplaced.',
        fix: expect.stringContaining('Use ctx.image only as a container image, unchanged'),
      });
    });

    it('fails when the image placeholder is altered', () => {
      const e = problemsOf(() =>
        build({
          withHelm: false,
          render: (ctx) => {
            new kplus.Deployment(ctx.scope, ctx.service, { containers: [{ image: `${ctx.image}-debug` }] });
          },
        }).platform.snapshot(),
      );
      expect(e.message).toContain(
        'has the image placeholder at spec.template.spec.containers[0].image ("cdk8s-gitops.image/orders-api-debug")',
      );
    });

    it('refuses a misplaced placeholder when writing, too', () => {
      const model = build({ withHelm: false }).platform.snapshot();
      const t = model.targets[0];
      const broken = {
        ...model,
        targets: [
          {
            ...t,
            objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { image: 'cdk8s-gitops.image/orders-api' } }],
          },
        ],
      };
      const tree = synthesize(broken);
      expect(() => tree.content(`${ordersDir('nonprod/azure/westeurope-01')}/configmap-x.yaml`)).toThrow(
        /CG131 ConfigMap x has the image placeholder at data.image/,
      );
    });

    it('fails when the render function throws, or cdk8s refuses the objects', () => {
      expect(
        problemsOf(() =>
          build({
            withHelm: false,
            render: () => {
              throw new Error('no host');
            },
          }).platform.snapshot(),
        ).message,
      ).toContain('[platform/orders-api] CG130 The render function of Service orders-api on nonprod/azure/westeurope-01 failed: no host');
      const e = problemsOf(() =>
        build({
          withHelm: false,
          render: (ctx) => {
            const d = new kplus.Deployment(ctx.scope, ctx.service, { replicas: 2, containers: [{ image: ctx.image }] });
            new kplus.HorizontalPodAutoscaler(ctx.scope, 'hpa', { target: d, maxReplicas: 3 });
          },
        }).platform.snapshot(),
      );
      expect(e.message).toContain(
        'CG130 The objects of Service orders-api on nonprod/azure/westeurope-01 do not synthesize: Validation failed with the following errors: [orders-api/hpa] HorizontalPodAutoscaler target cannot have a fixed number of replicas (2).',
      );
    });

    it('fails when two objects would share a file', () => {
      const e = problemsOf(() =>
        build({
          withHelm: false,
          baseline: true,
          render: (ctx) => {
            inlineWorkload(ctx);
            new ApiObject(ctx.scope, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders-api' } });
            new ApiObject(ctx.scope, 'quota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'baseline' } });
          },
        }).platform.snapshot(),
      );
      expect(e.problems.map((p) => p.code)).toEqual(['CG132', 'CG132', 'CG132', 'CG132', 'CG132']);
      expect(e.message).toContain(
        'CG132 Service orders-api of Service orders-api on nonprod/azure/westeurope-01 and another Service (v1 Service orders-api) would both be written to service-orders-api.yaml.',
      );
      expect(e.message).toContain(
        'CG132 ResourceQuota baseline of Service orders-api on prod/azure/westeurope-01 would be written to resourcequota-baseline.yaml, where the namespace baseline of environment prod writes its own ResourceQuota.',
      );
    });

    it("fails when two workloads share an id, whose identity labels would select each other's pods", () => {
      const e = problemsOf(() =>
        build({
          withHelm: false,
          render: (ctx) => {
            new kplus.Deployment(new Construct(ctx.scope, 'a'), 'web', { containers: [{ image: ctx.image }] });
            new kplus.Deployment(new Construct(ctx.scope, 'b'), 'web', { containers: [{ image: ctx.image }] });
          },
        }).platform.snapshot(),
      );
      expect(e.problems[0].code).toBe('CG133');
      expect(e.problems[0].message).toBe(
        'Service orders-api on nonprod/azure/westeurope-01 has two workloads with id "web" (orders-api/a/web and orders-api/b/web): both would carry the labels app.kubernetes.io/name=orders-api, app.kubernetes.io/component=web and select each other\'s pods.',
      );
    });

    it('fails when chart settings are given on the service, where they are not read', () => {
      const rendered = build({ withHelm: false, ordersProps: { chartPath: 'charts/orders' } }).platform;
      expect(() => rendered.snapshot()).toThrow(
        '[platform/orders-api] CG134 chartPath is set on the service; chart settings belong to the workload. Fix: Remove chartPath: a workload rendered by the program has no Helm chart.',
      );
      const platform = new Platform({ repoURL: REPO });
      const legacy = { image: { repository: 'r/a' }, releaseName: 'x', chartPath: 'c' } as ServiceProps;
      new Service(platform, 'a', legacy);
      expect(() => platform.snapshot()).toThrow(
        '[platform/a] CG134 chartPath, releaseName are set on the service; chart settings belong to the workload. Fix: Move them into the workload: workload: Workload.helmChart({ chartPath: ..., releaseName: ... }).',
      );
      const chart = new Service(platform, 'b', {
        image: { repository: 'r/b' },
        workload: Workload.helmChart({ chartPath: 'charts/b', releaseName: 'bee' }),
      });
      expect([chart.chartPath, chart.releaseName, chart.targetRevision]).toEqual(['charts/b', 'bee', 'main']);
    });

    it('fails when two services share a name', () => {
      const { platform } = build({ withHelm: false });
      new Service(new Construct(platform, 'team'), 'orders-api', {
        image: { repository: 'r/o' },
        workload: Workload.render(inlineWorkload),
      });
      expect(problemsOf(() => platform.snapshot()).message).toContain(
        '[platform/team/orders-api] CG135 Services platform/orders-api and platform/team/orders-api are both named "orders-api"',
      );
    });
  });
});
