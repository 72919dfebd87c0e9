import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { parse, parseAllDocuments } from 'yaml';
import { ORDERS_DIGEST, PAYMENTS_DIGEST, renderedPlatform } from '../../examples/rendered-platform/main';
import { runCli } from '../../src';
import { FileKind } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { buildTree } from '../../src/workspace/build';
import { writeTree } from '../../src/workspace/checkout/writer';
import { applicationsOf, viewOfCheckout } from '../../src/workspace/inspect/checkout';
import { runRelease } from '../../src/workspace/release-operations';
import { checkCheckout } from '../../src/workspace/check';
import { readLedgers } from '../../src/workspace/ledgers';
import { treeFromLedgers } from '../../src/synth/build';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../support/argocd-schema';
import { validateKubeObject } from '../support/kube-models';

const ROOT = path.resolve(__dirname, '../..');
const REPO = 'https://git.example.com/platform/platform-gitops.git';
const ORDERS = 'registry.example.com/commerce/orders-api';
const NEXT = `sha256:${'a'.repeat(64)}`;
const PROD_AZURE = 'environments/prod/azure/westeurope-01';

const tree = synthesize(renderedPlatform().snapshot());
const yamlOf = (p: string): any => parse(tree.content(p));

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-rendered-example-'));
}

function sink(): Writable & { text: string } {
  const out = new Writable({
    write(chunk, _enc, done) {
      out.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  out.text = '';
  return out;
}

describe('examples/rendered-platform', () => {
  it('renders orders-api in prod/azure as exactly these objects', () => {
    expect(
      tree
        .paths()
        .filter((p) => p.startsWith(`${PROD_AZURE}/orders-api/`))
        .map((p) => p.slice(PROD_AZURE.length + 12)),
    ).toEqual([
      'configmap-orders-api-config.yaml',
      'deployment-orders-api.yaml',
      'horizontalpodautoscaler-orders-api-hpa.yaml',
      'ingress-orders-api-ingress.yaml',
      'limitrange-baseline.yaml',
      'namespace-orders-api.yaml',
      'networkpolicy-default-deny.yaml',
      'poddisruptionbudget-orders-api-pdb.yaml',
      'resourcequota-baseline.yaml',
      'service-orders-api.yaml',
    ]);
    const identity = { 'app.kubernetes.io/component': 'orders-api', 'app.kubernetes.io/name': 'orders-api' };
    const deployment = yamlOf(`${PROD_AZURE}/orders-api/deployment-orders-api.yaml`);
    expect(deployment.metadata).toEqual({ name: 'orders-api', namespace: 'orders-api' });
    expect(deployment.spec.selector).toEqual({ matchLabels: identity });
    expect(deployment.spec.template.metadata).toEqual({ labels: identity });
    expect(deployment.spec.replicas).toBeUndefined(); // the HorizontalPodAutoscaler owns it
    expect(deployment.spec.template.spec.containers).toEqual([
      {
        name: 'api',
        image: `${ORDERS}@${ORDERS_DIGEST}`,
        imagePullPolicy: 'Always',
        envFrom: [{ configMapRef: { name: 'orders-api-config' } }],
        ports: [{ containerPort: 8080 }],
        resources: { limits: { cpu: '1000m', memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsGroup: 10001,
          runAsNonRoot: true,
          runAsUser: 10001,
        },
        startupProbe: { failureThreshold: 3, tcpSocket: { port: 8080 } },
      },
    ]);
    expect(yamlOf(`${PROD_AZURE}/orders-api/service-orders-api.yaml`).spec.selector).toEqual(identity);
    expect(yamlOf(`${PROD_AZURE}/orders-api/poddisruptionbudget-orders-api-pdb.yaml`).spec).toEqual({
      minAvailable: 2,
      selector: { matchLabels: identity },
    });
    expect(yamlOf(`${PROD_AZURE}/orders-api/horizontalpodautoscaler-orders-api-hpa.yaml`).spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 12,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-api' },
    });
    expect(yamlOf(`${PROD_AZURE}/orders-api/ingress-orders-api-ingress.yaml`).spec).toEqual({
      ingressClassName: 'istio-internal',
      rules: [
        {
          host: 'orders.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'orders-api', port: { number: 80 } } } }] },
        },
      ],
    });
    expect(yamlOf(`${PROD_AZURE}/orders-api/configmap-orders-api-config.yaml`).data).toEqual({
      CLUSTER: 'azure-westeurope-01',
      LOG_LEVEL: 'info',
      REGION: 'westeurope',
    });
    expect(yamlOf(`${PROD_AZURE}/orders-api/namespace-orders-api.yaml`).metadata).toEqual({
      name: 'orders-api',
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops', 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
  });

  it('keeps payments-api a Helm chart, with its baseline in prod only', () => {
    expect(tree.paths().filter((p) => p.includes('/payments-api/') && p.startsWith('environments/nonprod/azure'))).toEqual([
      'environments/nonprod/azure/westeurope-01/payments-api/values.yaml',
    ]);
    expect(tree.paths().filter((p) => p.startsWith(`${PROD_AZURE}/payments-api/`))).toEqual([
      `${PROD_AZURE}/payments-api/baseline/limitrange-baseline.yaml`,
      `${PROD_AZURE}/payments-api/baseline/namespace-payments-api.yaml`,
      `${PROD_AZURE}/payments-api/baseline/networkpolicy-default-deny.yaml`,
      `${PROD_AZURE}/payments-api/baseline/resourcequota-baseline.yaml`,
      `${PROD_AZURE}/payments-api/values.yaml`,
    ]);
    expect(yamlOf(`${PROD_AZURE}/payments-api/values.yaml`).image).toEqual({
      repository: 'registry.example.com/commerce/payments-api',
      digest: PAYMENTS_DIGEST,
    });
  });

  it('writes the ApplicationSets and the AppProject of prod', () => {
    expect(tree.paths().filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET)).toEqual([
      'applicationsets/nonprod/rendered-nonprod.yaml',
      'applicationsets/nonprod/workloads-nonprod.yaml',
      'applicationsets/prod/rendered-prod.yaml',
      'applicationsets/prod/workloads-prod.yaml',
    ]);
    const rendered = yamlOf('applicationsets/prod/rendered-prod.yaml');
    expect(rendered.spec.generators).toEqual([
      { git: { repoURL: REPO, revision: 'refs/heads/main', directories: [{ path: 'environments/prod/*/*/orders-api' }] } },
    ]);
    expect(rendered.spec.template.spec).toEqual({
      project: '{{ index .path.segments 1 }}',
      destination: {
        name: '{{ printf "%s-%s" (index .path.segments 2) (index .path.segments 3) }}',
        namespace: '{{ index .path.segments 4 }}',
      },
      source: { repoURL: REPO, targetRevision: 'refs/heads/main', path: '{{ .path.path }}', directory: { include: '*.yaml' } },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    const helm = yamlOf('applicationsets/prod/workloads-prod.yaml');
    expect(helm.spec.generators[0].git.directories).toEqual([
      { path: 'environments/prod/*/*/*' },
      { path: 'environments/prod/*/*/orders-api', exclude: true },
    ]);
    expect(helm.spec.template.spec.sources).toEqual([
      {
        repoURL: 'https://git.example.com/apps/{{ index .path.segments 4 }}.git',
        targetRevision: 'main',
        path: 'deploy/chart',
        helm: { releaseName: '{{ index .path.segments 4 }}', valueFiles: ['$values/{{ .path.path }}/values.yaml'] },
      },
      { repoURL: REPO, targetRevision: 'refs/heads/main', ref: 'values' },
      { repoURL: REPO, targetRevision: 'refs/heads/main', path: '{{ .path.path }}/baseline', directory: { include: '*.yaml' } },
    ]);
    expect(yamlOf('applicationsets/nonprod/rendered-nonprod.yaml').spec.template.spec.syncPolicy.syncOptions).toEqual([
      'CreateNamespace=true',
    ]);
    expect(yamlOf('projects/prod.yaml').spec).toEqual({
      description: 'Environment prod, generated by cdk8s-gitops from platform/prod.',
      sourceRepos: [REPO, 'https://git.example.com/apps/payments-api.git'],
      destinations: [
        { name: 'aws-eu-central-1-01', namespace: 'orders-api' },
        { name: 'aws-eu-central-1-01', namespace: 'payments-api' },
        { name: 'azure-westeurope-01', namespace: 'orders-api' },
        { name: 'azure-westeurope-01', namespace: 'payments-api' },
      ],
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace', name: 'orders-api' },
        { group: '', kind: 'Namespace', name: 'payments-api' },
      ],
      // The baseline's default-deny is synced by each target's Application: networking.k8s.io NetworkPolicy stays allowed.
      namespaceResourceBlacklist: [
        { group: 'rbac.authorization.k8s.io', kind: 'Role' },
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
        { group: 'cilium.io', kind: 'CiliumNetworkPolicy' },
        { group: 'crd.projectcalico.org', kind: 'NetworkPolicy' },
      ],
    });
  });

  it('passes kubernetes-models validation for every rendered object', () => {
    const objects = tree.paths().filter((p) => tree.get(p)!.kind === FileKind.OBJECT);
    expect(objects).toHaveLength(4 * 6 + 2 * 4 + 2 * 4); // orders-api objects, prod baselines of both services
    for (const p of objects) expect(validateKubeObject(yamlOf(p))).toEqual([]);
  });

  describeWithArgoCdSchemas('against the Argo CD CRDs', loadArgoCdSchemas(), (validate) => {
    it('emits ApplicationSets, AppProjects and bootstraps that match them strictly', () => {
      for (const p of tree
        .paths()
        .filter((x) => [FileKind.APPLICATION_SET, FileKind.APP_PROJECT, FileKind.BOOTSTRAP].includes(tree.get(x)!.kind))) {
        for (const doc of parseAllDocuments(tree.content(p))) expect(validate(doc.toJS())).toEqual([]);
      }
    });
  });

  it('previews eight Applications from the written checkout; baseline directories are none of them', () => {
    const dir = tmpDir();
    try {
      writeTree(tree, dir);
      const apps = [...applicationsOf(viewOfCheckout(dir)).values()];
      expect(
        apps
          .map(
            (a) =>
              `${a.applicationSet}: ${a.app.metadata.name} ← ${(a.app.spec as any).source?.path ?? (a.app.spec as any).sources[0].path}`,
          )
          .sort(),
      ).toEqual([
        'rendered-nonprod: orders-api-nonprod-aws-eu-central-1-01 ← environments/nonprod/aws/eu-central-1-01/orders-api',
        'rendered-nonprod: orders-api-nonprod-azure-westeurope-01 ← environments/nonprod/azure/westeurope-01/orders-api',
        'rendered-prod: orders-api-prod-aws-eu-central-1-01 ← environments/prod/aws/eu-central-1-01/orders-api',
        'rendered-prod: orders-api-prod-azure-westeurope-01 ← environments/prod/azure/westeurope-01/orders-api',
        'workloads-nonprod: payments-api-nonprod-aws-eu-central-1-01 ← deploy/chart',
        'workloads-nonprod: payments-api-nonprod-azure-westeurope-01 ← deploy/chart',
        'workloads-prod: payments-api-prod-aws-eu-central-1-01 ← deploy/chart',
        'workloads-prod: payments-api-prod-azure-westeurope-01 ← deploy/chart',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a promotion into nonprod rewrites only the image of the nonprod Deployments', () => {
    const dir = tmpDir();
    try {
      const model = renderedPlatform().snapshot();
      writeTree(buildTree(model, dir), dir);
      const before = (p: string) => fs.readFileSync(path.join(dir, p), 'utf8');
      const deployments = ['aws/eu-central-1-01', 'azure/westeurope-01'].map(
        (c) => `environments/nonprod/${c}/orders-api/deployment-orders-api.yaml`,
      );
      const old = deployments.map(before);
      const outcome = runRelease(
        model,
        dir,
        { kind: 'promote', service: 'orders-api', ring: 'nonprod', digest: NEXT },
        { by: 'alice', now: new Date('2026-03-01T10:00:00Z') },
      );
      const report = writeTree(outcome.tree, dir);
      expect(report.updated).toEqual(['STATUS.md', ...deployments, 'releases/orders-api.yaml']);
      expect(report.created).toEqual([]);
      expect(outcome.applications).toEqual(['orders-api-nonprod-aws-eu-central-1-01', 'orders-api-nonprod-azure-westeurope-01']);
      deployments.forEach((p, i) => {
        expect(before(p)).toBe(old[i].replace(`${ORDERS}@${ORDERS_DIGEST}`, `${ORDERS}@${NEXT}`));
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check names what Argo CD would apply beside the written files: hidden files too, and source parameter files', () => {
    const dir = tmpDir();
    try {
      const model = renderedPlatform().snapshot();
      writeTree(buildTree(model, dir), dir);
      const planted = [
        `${PROD_AZURE}/orders-api/.zz.yaml`,
        `${PROD_AZURE}/orders-api/.argocd-source.yaml`,
        `${PROD_AZURE}/payments-api/baseline/.hidden.yaml`,
        `${PROD_AZURE}/payments-api/baseline/.argocd-source-payments-api-prod-azure-westeurope-01.yaml`,
      ];
      for (const p of planted) fs.writeFileSync(path.join(dir, p), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
      // Files a directory source does not apply (its include is *.yaml): not reported.
      fs.writeFileSync(path.join(dir, `${PROD_AZURE}/orders-api/.gitkeep`), '');
      fs.writeFileSync(path.join(dir, `${PROD_AZURE}/orders-api/README.md`), '# orders-api\n');
      // Beside a values file nothing is applied, nor are source parameters read: not reported.
      fs.writeFileSync(path.join(dir, `${PROD_AZURE}/payments-api/notes.yaml`), 'a: 1\n');
      fs.writeFileSync(path.join(dir, `${PROD_AZURE}/payments-api/.argocd-source.yaml`), 'a: 1\n');
      const ledgers = readLedgers(model, dir);
      const findings = checkCheckout(model, treeFromLedgers(model, ledgers), ledgers, dir);
      expect(findings.map((f) => `${f.code} ${f.path}`)).toEqual([...planted].sort().map((p) => `CG423 ${p}`));
      expect(
        findings.find((f) => f.path.endsWith('baseline/.argocd-source-payments-api-prod-azure-westeurope-01.yaml'))!.message,
      ).toContain('Argo CD merges it into the source of the Application');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('synthesizes, previews, checks and promotes through the CLI, with the program in its own process', async () => {
    const dir = tmpDir();
    const app = 'npx tsx examples/rendered-platform/main.ts';
    try {
      const run = async (...argv: string[]) => {
        const stdout = sink();
        const stderr = sink();
        const code = await runCli(argv, { cwd: ROOT, stdout, stderr, env: { ...process.env, CDK8S_GITOPS_NOW: '2026-03-01T10:00:00Z' } });
        return { code, out: stdout.text, err: stderr.text };
      };
      expect((await run('synth', '--app', app, '--out', dir)).code).toBe(0);
      expect(fs.readFileSync(path.join(dir, PROD_AZURE, 'orders-api/deployment-orders-api.yaml'), 'utf8')).toBe(
        tree.content(`${PROD_AZURE}/orders-api/deployment-orders-api.yaml`),
      );
      expect(await run('check', '--app', app, '--out', dir)).toMatchObject({ code: 0 });
      const preview = (await run('preview', '--out', dir)).out;
      expect(preview).toMatch(/^orders-api-prod-azure-westeurope-01 +rendered-prod +prod +azure-westeurope-01\/orders-api$/m);
      expect(preview).toContain('8 Applications.\n');
      const promoted = await run(
        'promote',
        'orders-api',
        '--ring',
        'nonprod',
        '--digest',
        NEXT,
        '--by',
        'alice',
        '--app',
        app,
        '--out',
        dir,
      );
      expect(promoted.code).toBe(0);
      expect(promoted.out).toContain('[~] environments/nonprod/azure/westeurope-01/orders-api/deployment-orders-api.yaml\n');
      expect(promoted.out).toContain('Applications: orders-api-nonprod-aws-eu-central-1-01, orders-api-nonprod-azure-westeurope-01\n');
      expect(await run('check', '--app', app, '--out', dir)).toMatchObject({ code: 0 });
      // a file nobody recorded beside the rendered objects is deployed by Argo CD with them: check names it
      const extra = `${PROD_AZURE}/orders-api/zz-extra.yaml`;
      fs.writeFileSync(path.join(dir, extra), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
      const found = await run('check', '--app', app, '--out', dir);
      expect([found.code, found.out]).toEqual([2, expect.stringContaining(`CG423 ${extra}: ${extra} was not written by cdk8s-gitops`)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
