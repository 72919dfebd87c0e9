/**
 * Flux as the reconciler of a control plane: one Flux per cluster, bootstrapped from
 * `clusters/<env>/<cloud>/<cluster>/`, a Kustomization and a HelmRelease per target, the same
 * values as an Argo CD target's. Every Flux object is checked against Flux's own CRDs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import {
  Cloud,
  Cluster,
  ClusterAddon,
  ControlPlane,
  Environment,
  Gate,
  NamespaceBaseline,
  Platform,
  PromotionRing,
  Reconciler,
  SelfManagedArgoCd,
  Service,
  SyncPolicy,
  SyncWindow,
  Targets,
  Workload,
} from '../../src';
import { FileKind, FileTree } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { describeWithFluxSchemas, isFluxObject, loadFluxSchemas } from '../support/flux-schema';
import { validateKubeObject } from '../support/kube-models';
import { fluxEnvironment, linesOf, newPlatform, problemsOf } from '../support/platform';

const A = `sha256:${'a'.repeat(64)}`;
const AUTO = SyncPolicy.automated({ prune: true, selfHeal: true });
const NONPROD = 'environments/nonprod/aws/eu-01';

/** nonprod on Flux (or Argo CD), prod on Argo CD; a service of each chart source. */
function platform(nonprodOn: Reconciler = Reconciler.flux()): Platform {
  const p = newPlatform();
  const nonprod = new Environment(p, 'nonprod', {
    controlPlane: new ControlPlane(p, 'nonprod', { reconciler: nonprodOn }),
    syncPolicy: AUTO,
  });
  const prod = new Environment(p, 'prod', { controlPlane: new ControlPlane(p, 'prod') });
  const aws = new Cloud(p, 'aws');
  for (const env of [nonprod, prod]) new Cluster(env, 'eu-01', { cloud: aws, region: 'eu-central-1', values: { tier: env.name } });
  new PromotionRing(p, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(p, 'prod', { targets: Targets.environment(prod) });
  new Service(p, 'web', { image: { repository: 'registry.example.com/web' }, initialDigest: A, values: { replicaCount: 2 } }).deployTo([
    nonprod,
    prod,
  ]);
  new Service(p, 'api', {
    image: { repository: 'registry.example.com/api' },
    initialDigest: A,
    workload: Workload.ociChart({ repoURL: 'oci://registry.example.com/charts/api', version: '1.2.0' }),
  }).deployTo([nonprod, prod]);
  new Service(p, 'otel', {
    image: { repository: 'otel/opentelemetry-collector-contrib' },
    initialDigest: A,
    namespace: 'observability',
    workload: Workload.helmRepositoryChart({
      repoURL: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
      chart: 'opentelemetry-collector',
      version: '0.110.0',
    }),
  }).deployTo(nonprod);
  return p;
}

const documents = (t: FileTree, p: string): any[] => parseAllDocuments(t.content(p)).map((d) => d.toJS());

describe('Flux as the reconciler', () => {
  const tree = synthesize(platform().snapshot());

  test("writes each cluster's entry point and each target's HelmRelease beside its values, and nothing of Argo CD's for it", () => {
    expect(tree.paths().filter((p) => p.includes('nonprod'))).toEqual([
      'clusters/nonprod/aws/eu-01/api.yaml',
      'clusters/nonprod/aws/eu-01/otel.yaml',
      'clusters/nonprod/aws/eu-01/web.yaml',
      `${NONPROD}/api/flux.yaml`,
      `${NONPROD}/api/kustomization.yaml`,
      `${NONPROD}/api/values.yaml`,
      `${NONPROD}/otel/flux.yaml`,
      `${NONPROD}/otel/kustomization.yaml`,
      `${NONPROD}/otel/values.yaml`,
      `${NONPROD}/web/flux.yaml`,
      `${NONPROD}/web/kustomization.yaml`,
      `${NONPROD}/web/values.yaml`,
    ]);
    // Prod stays on Argo CD.
    expect(tree.paths().filter((p) => tree.get(p)!.kind === FileKind.APPLICATION_SET || tree.get(p)!.kind === FileKind.BOOTSTRAP)).toEqual([
      'applicationsets/prod/workloads-prod-api.yaml',
      'applicationsets/prod/workloads-prod.yaml',
      'bootstrap/prod.yaml',
    ]);
    expect(tree.paths().filter((p) => p.startsWith('projects/'))).toEqual(['projects/prod.yaml']);
  });

  test('gives a target the values an Argo CD target has, byte for byte', () => {
    const argo = synthesize(platform(Reconciler.argoCd()).snapshot());
    for (const s of ['web', 'api', 'otel']) {
      expect(tree.content(`${NONPROD}/${s}/values.yaml`)).toBe(argo.content(`${NONPROD}/${s}/values.yaml`));
    }
    expect(parse(tree.content(`${NONPROD}/web/values.yaml`))).toMatchObject({ replicaCount: 2, tier: 'nonprod', image: { digest: A } });
  });

  test('runs each target as service accounts bound to its namespace only, never cluster-admin', () => {
    const [ns, sa, fluxSa, binding, kustomization] = documents(tree, 'clusters/nonprod/aws/eu-01/otel.yaml');
    expect(ns).toMatchObject({ kind: 'Namespace', metadata: { name: 'observability' } });
    // Named as no chart names its own (a chart's is usually the release's name).
    expect(sa).toMatchObject({ kind: 'ServiceAccount', metadata: { name: 'flux-reconciler', namespace: 'observability' } });
    expect(fluxSa).toMatchObject({ kind: 'ServiceAccount', metadata: { name: 'otel', namespace: 'flux-system' } });
    expect(binding).toMatchObject({
      kind: 'RoleBinding',
      metadata: { namespace: 'observability' },
      roleRef: { kind: 'ClusterRole', name: 'admin' },
      subjects: [
        { kind: 'ServiceAccount', name: 'flux-reconciler', namespace: 'observability' },
        { kind: 'ServiceAccount', name: 'otel', namespace: 'flux-system' },
      ],
    });
    expect(kustomization.spec).toEqual({
      interval: '10m',
      path: `./${NONPROD}/otel`,
      prune: true,
      serviceAccountName: 'otel',
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      targetNamespace: 'observability',
      wait: true,
    });
    // Flux never deletes them: it needs the accounts to prune what the target ran when it goes.
    for (const o of [ns, sa, fluxSa, binding]) expect(o.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(kustomization.metadata.annotations).toBeUndefined();
    const release = documents(tree, `${NONPROD}/otel/flux.yaml`).find((d) => d.kind === 'HelmRelease');
    expect(release.spec.serviceAccountName).toBe('flux-reconciler');
    for (const p of tree.paths().filter((x) => tree.get(x)!.kind === FileKind.FLUX && x.startsWith('clusters/'))) {
      for (const doc of documents(tree, p).filter((d) => !isFluxObject(d))) expect(validateKubeObject(doc)).toEqual([]);
    }
  });

  test("reads each chart at its ring's revision: a Helm repository's version in the HelmRelease, an OCI tag and a Git ref in the source", () => {
    const sources = (s: string): Record<string, any> =>
      Object.fromEntries(documents(tree, `${NONPROD}/${s}/flux.yaml`).map((d) => [d.kind, d]));
    expect(sources('otel').HelmRelease.spec.chart.spec).toEqual({
      chart: 'opentelemetry-collector',
      sourceRef: { kind: 'HelmRepository', name: 'otel' },
      version: '0.110.0',
    });
    expect(sources('api').OCIRepository.spec.ref).toEqual({ tag: '1.2.0' });
    expect(sources('api').HelmRelease.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'api' });
    expect(sources('web').GitRepository.spec).toMatchObject({ url: 'https://git.example.com/apps/web.git', ref: { branch: 'main' } });
    expect(sources('web').HelmRelease.spec.valuesFrom).toEqual([{ kind: 'ConfigMap', name: 'web-values', valuesKey: 'values.yaml' }]);
  });

  describeWithFluxSchemas("against Flux's CRDs", loadFluxSchemas(), (validate) => {
    test('every Flux object is strictly valid', () => {
      const flux = tree.paths().filter((p) => tree.get(p)!.kind === FileKind.FLUX && !p.endsWith('/kustomization.yaml'));
      const objects = flux.flatMap((p) => documents(tree, p)).filter(isFluxObject);
      expect(objects.map((o) => o.kind).sort()).toEqual([
        'GitRepository',
        'HelmRelease',
        'HelmRelease',
        'HelmRelease',
        'HelmRepository',
        'Kustomization',
        'Kustomization',
        'Kustomization',
        'OCIRepository',
      ]);
      for (const o of objects) expect(validate(o)).toEqual([]);
      // The validator has teeth: a field Flux does not know is refused.
      expect(validate({ ...objects[0], spec: { ...objects[0].spec, chartVersion: '1' } })).not.toEqual([]);
    });
  });

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  (kubectl.status === 0 ? test : test.skip)(
    "each target's directory builds with kubectl kustomize, as kustomize-controller builds it",
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-flux-'));
      try {
        for (const p of tree.paths().filter((x) => x.startsWith(`${NONPROD}/web/`))) {
          fs.mkdirSync(path.join(dir, path.dirname(p)), { recursive: true });
          fs.writeFileSync(path.join(dir, p), tree.content(p));
        }
        const r = spawnSync('kubectl', ['kustomize', path.join(dir, NONPROD, 'web')], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        const built = parseAllDocuments(r.stdout).map((d) => d.toJS());
        expect(built.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['ConfigMap web-values', 'HelmRelease web', 'GitRepository web']);
        const configMap = built[0];
        expect(configMap.metadata.labels).toEqual({ 'reconcile.fluxcd.io/watch': 'Enabled' });
        expect(configMap.data['values.yaml']).toBe(tree.content(`${NONPROD}/web/values.yaml`));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
  if (kubectl.status !== 0) console.warn('kubectl was not found: Flux targets are not built with `kubectl kustomize`.');

  test("refuses a service in Flux's namespace, or named as Flux's own objects there", () => {
    const p = newPlatform();
    const env = fluxEnvironment(p);
    new Service(p, 'flux-system', { image: { repository: 'registry.example.com/x' }, initialDigest: A }).deployTo(env);
    new Service(p, 'default', {
      image: { repository: 'registry.example.com/d' },
      initialDigest: A,
      namespace: 'web',
    }).deployTo(env);
    new Service(p, 'tools', {
      image: { repository: 'registry.example.com/t' },
      initialDigest: A,
      namespace: 'flux-system',
      allowSensitiveNamespace: true,
    }).deployTo(env);
    expect(linesOf(() => p.snapshot()).filter((l) => l.includes('CG151'))).toEqual([
      '[platform/flux-system] CG151 flux-system deploys into namespace flux-system, where Flux runs, in environment dev, reconciled by Flux: it could change Flux itself.',
      "[platform/flux-system] CG151 flux-system is named as Flux's own Kustomization in namespace flux-system, where each service of environment dev (reconciled by Flux) has its Kustomization and service account.",
      "[platform/default] CG151 default is named as Flux's own default service account in namespace flux-system, where each service of environment dev (reconciled by Flux) has its Kustomization and service account.",
      '[platform/tools] CG151 tools deploys into namespace flux-system, where Flux runs, in environment dev, reconciled by Flux: it could change Flux itself.',
    ]);
  });

  test('suggests to a service leaving a refused namespace one no rule refuses and no other service uses', () => {
    // GIVEN services named as refused namespaces, each deploying into one, and a service in flux-system-app
    const p = newPlatform();
    const env = fluxEnvironment(p);
    const service = (name: string, namespace: string): void => {
      new Service(p, name, { image: { repository: `registry.example.com/${name}` }, initialDigest: A, namespace }).deployTo(env);
    };
    service('flux-system', 'flux-system');
    service('taken', 'flux-system-app');
    service('kube-system', 'kube-system');
    // WHEN the program is checked
    // THEN each fix names a namespace of the service's own, never one it refuses
    const fixes = problemsOf(() => p.snapshot())
      .filter((x) => ['CG138', 'CG151'].includes(x.code) && x.message.includes('deploys into namespace'))
      .map((x) => [x.code, x.constructPath, x.fix]);
    expect(fixes).toEqual([
      ['CG151', 'platform/flux-system', "Give the service a namespace of its own, e.g. namespace: 'flux-system-app-2'."],
      [
        'CG138',
        'platform/kube-system',
        `Give the service its own namespace (namespace: 'kube-system-app'), or, if it must run in "kube-system", set allowSensitiveNamespace: true on it.`,
      ],
    ]);
  });

  test('refuses a manual sync policy, cluster-scoped kinds for services and Git revisions Flux cannot resolve', () => {
    const p = newPlatform();
    const env = fluxEnvironment(p, {
      syncPolicy: SyncPolicy.manual(),
      clusterResources: [{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }],
    });
    new Service(p, 'site', {
      image: { repository: 'registry.example.com/site' },
      initialDigest: A,
      workload: Workload.helmChart({ repoURL: 'https://git.example.com/apps/site.git', targetRevision: 'HEAD' }),
    }).deployTo(env);
    expect(linesOf(() => p.snapshot())).toEqual([
      '[platform/dev] CG151 Environment dev syncs manually (the default sync policy), but Flux applies every change it reads: it has no manual sync; its control plane dev is reconciled by Flux.',
      "[platform/dev] CG151 Environment dev lets its services create cluster-scoped kinds (clusterResources): on Flux the rights would go to an account of each service's namespace, which any pod there may run as; its control plane dev is reconciled by Flux.",
      `[platform/site] CG151 site's chart revision "HEAD" is HEAD, which Flux does not resolve, and it runs in environment dev, reconciled by Flux, which must be told a branch, a tag or a commit.`,
    ]);
  });

  test('takes Git revisions, OCI versions and pruning as Flux reads them', () => {
    const p = newPlatform();
    const env = fluxEnvironment(p, { syncPolicy: SyncPolicy.automated({ prune: false, selfHeal: true }) });
    const git = (name: string, targetRevision: string): void => {
      new Service(p, name, {
        image: { repository: `registry.example.com/${name}` },
        initialDigest: A,
        workload: Workload.helmChart({ repoURL: `https://git.example.com/apps/${name}.git`, targetRevision }),
      }).deployTo(env);
    };
    git('a', 'refs/heads/release-1.2');
    git('b', 'refs/tags/chart-2');
    git('c', '1.4.0');
    git('d', 'release-1.2');
    git('f', 'refs/pull/1/head');
    new Service(p, 'e', {
      image: { repository: 'registry.example.com/e' },
      initialDigest: A,
      workload: Workload.ociChart({ repoURL: 'oci://registry.example.com/charts/e', version: '1.0.0+build.1' }),
    }).deployTo(env);
    const t = synthesize(p.snapshot());
    const ref = (s: string): unknown => documents(t, `environments/dev/aws/c1/${s}/flux.yaml`)[0].spec.ref;
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map(ref)).toEqual([
      { branch: 'release-1.2' },
      { tag: 'chart-2' },
      { tag: '1.4.0' },
      { branch: 'release-1.2' },
      { tag: '1.0.0_build.1' },
      { name: 'refs/pull/1/head' },
    ]);
    expect(documents(t, 'clusters/dev/aws/c1/a.yaml')[4].spec.prune).toBe(false);
  });

  test("runs a cluster add-on's HelmRelease with exactly its cluster-scoped kinds, never cluster-admin", () => {
    const p = newPlatform();
    const env = fluxEnvironment(p);
    new ClusterAddon(p, 'cert-manager', {
      chart: Workload.helmRepositoryChart({ repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: '1.16.2' }),
      image: { repository: 'quay.io/jetstack/cert-manager-controller' },
      initialDigest: A,
      clusters: Targets.environment(env),
      clusterResources: [
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
        { group: 'cert-manager.io', kind: 'ClusterIssuer' },
      ],
    });
    new Service(p, 'site', { image: { repository: 'registry.example.com/site' }, initialDigest: A }).deployTo(env);
    new PromotionRing(p, 'dev', { targets: Targets.environment(env) });
    const t = synthesize(p.snapshot());
    const rights = (s: string): any[] => documents(t, `clusters/dev/aws/c1/${s}.yaml`).filter((d) => d.kind.startsWith('ClusterRole'));
    const [role, binding] = rights('cert-manager');
    expect(role).toMatchObject({ kind: 'ClusterRole', metadata: { name: 'cdk8s-gitops:flux:cert-manager:cert-manager' } });
    expect(role.rules).toEqual([
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['*'] },
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['*'] },
      { apiGroups: ['cert-manager.io'], resources: ['clusterissuers'], verbs: ['*'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings', 'clusterroles'], verbs: ['*'] },
    ]);
    // They go with the add-on: kept, they would pass to whatever later runs as that account.
    expect(role.metadata.annotations).toBeUndefined();
    // Only the HelmRelease's account: the entry point's Kustomization applies namespaced objects only.
    expect(binding).toMatchObject({
      kind: 'ClusterRoleBinding',
      roleRef: { kind: 'ClusterRole', name: role.metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: 'flux-reconciler', namespace: 'cert-manager' }],
    });
    // A service gets none; nothing binds cluster-admin.
    expect(rights('site')).toEqual([]);
    for (const f of t.paths().filter((x) => x.startsWith('clusters/'))) {
      expect(t.content(f)).not.toContain('cluster-admin');
      for (const d of documents(t, f).filter((x) => !isFluxObject(x))) expect(validateKubeObject(d)).toEqual([]);
    }
    expect(t.paths().filter((x) => x.startsWith('environments/dev/aws/c1/cert-manager/'))).toEqual([
      'environments/dev/aws/c1/cert-manager/flux.yaml',
      'environments/dev/aws/c1/cert-manager/kustomization.yaml',
      'environments/dev/aws/c1/cert-manager/values.yaml',
    ]);
  });

  test('refuses add-on kinds of unknown scope, and cluster-scoped rights in a namespace of the cluster itself', () => {
    const p = newPlatform();
    const env = fluxEnvironment(p);
    new ClusterAddon(p, 'gatekeeper', {
      chart: Workload.helmRepositoryChart({
        repoURL: 'https://open-policy-agent.github.io/gatekeeper/charts',
        chart: 'gatekeeper',
        version: '3.18.0',
      }),
      image: { repository: 'openpolicyagent/gatekeeper' },
      initialDigest: A,
      clusters: Targets.environment(env),
      clusterResources: [
        { group: 'constraints.gatekeeper.sh', kind: 'K8sRequiredLabels' },
        { group: '', kind: 'Secret' },
      ],
    });
    new ClusterAddon(p, 'metrics-server', {
      chart: Workload.helmRepositoryChart({
        repoURL: 'https://kubernetes-sigs.github.io/metrics-server',
        chart: 'metrics-server',
        version: '3.12.2',
      }),
      image: { repository: 'registry.k8s.io/metrics-server/metrics-server' },
      initialDigest: A,
      namespace: 'kube-system',
      allowSensitiveNamespace: true,
      clusters: Targets.environment(env),
      clusterResources: [{ group: 'apiregistration.k8s.io', kind: 'APIService' }],
    });
    expect(linesOf(() => p.snapshot()).filter((l) => l.includes('CG151'))).toEqual([
      '[platform/gatekeeper] CG151 gatekeeper declares constraints.gatekeeper.sh/K8sRequiredLabels, /Secret in clusterResources, which cdk8s-gitops does not know to be cluster-scoped, and it runs in environment dev, reconciled by Flux: granted cluster-wide, a namespaced kind would reach every namespace.',
      '[platform/metrics-server] CG151 metrics-server creates cluster-scoped kinds from namespace kube-system, and it runs in environment dev, reconciled by Flux: its rights would go to an account of that namespace, which any pod there may run as.',
    ]);
  });

  test('refuses two add-ons in one namespace of a cluster: each declares the namespace and its accounts', () => {
    const p = newPlatform();
    const env = fluxEnvironment(p);
    for (const name of ['metrics-server', 'coredns']) {
      new ClusterAddon(p, name, {
        chart: Workload.helmRepositoryChart({ repoURL: 'https://charts.example.com', chart: name, version: '1.0.0' }),
        image: { repository: `registry.example.com/${name}` },
        initialDigest: A,
        namespace: 'kube-system',
        allowSensitiveNamespace: true,
        clusters: Targets.environment(env),
      });
    }
    expect(linesOf(() => p.snapshot())).toEqual([
      "[platform/metrics-server] CG151 coredns and metrics-server deploy into namespace kube-system of cluster dev/aws/c1, reconciled by Flux, where each target has the namespace's service accounts and rights of its own.",
    ]);
  });

  test("refuses Argo CD's own installation on a cluster Flux reconciles, and sync windows", () => {
    const p = newPlatform();
    const env = fluxEnvironment(p, { syncWindows: [SyncWindow.deny('0 22 * * *', '8h')] });
    new Service(p, 'site', { image: { repository: 'registry.example.com/site' }, initialDigest: A }).deployTo(env);
    expect(linesOf(() => p.snapshot()).filter((l) => l.includes('CG151'))).toEqual([
      '[platform/dev] CG151 Environment dev declares sync windows, which Flux does not have; its control plane dev is reconciled by Flux.',
    ]);
    const q = newPlatform();
    const hub = new Environment(q, 'hub', {
      controlPlane: new ControlPlane(q, 'hub', { reconciler: Reconciler.flux() }),
      syncPolicy: AUTO,
    });
    const c1 = new Cluster(hub, 'c1', { cloud: new Cloud(q, 'aws'), region: 'eu-central-1' });
    new SelfManagedArgoCd(q, 'argo-cd', {
      chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '7.7.0' }),
      runsOn: [c1],
      initialVersion: `v3.2.0@${A}`,
    });
    expect(linesOf(() => q.snapshot()).filter((l) => l.includes('CG151'))).toEqual([
      "[platform/argo-cd] CG151 argo-cd is Argo CD's own installation, and it would run on a cluster of environment hub, reconciled by Flux: Argo CD managing itself needs the cluster it runs on to be reconciled by Argo CD.",
    ]);
  });

  test('refuses a health gate on a ring after one on Flux, whose state it does not read', () => {
    const p = newPlatform();
    const env = fluxEnvironment(p);
    const prod = new Environment(p, 'prod', { controlPlane: new ControlPlane(p, 'prod') });
    new Cluster(prod, 'c1', { cloud: new Cloud(p, 'gcp'), region: 'europe-west1' });
    new PromotionRing(p, 'dev', { targets: Targets.environment(env) });
    new PromotionRing(p, 'prod', { targets: Targets.environment(prod), gates: [Gate.healthy()] });
    new Service(p, 'site', { image: { repository: 'registry.example.com/site' }, initialDigest: A }).deployTo(env).deployTo(prod);
    expect(linesOf(() => p.snapshot())).toEqual([
      '[platform/rings/prod] CG151 Ring prod has a health gate (Gate.healthy()), which reads the ring before it, dev, from Argo CD; its targets in dev are on a control plane reconciled by Flux, whose state cdk8s-gitops does not read.',
    ]);
  });

  test("puts the environment's namespace baseline in the cluster's entry point, applied by Flux's own Kustomization", () => {
    const p = newPlatform();
    const env = fluxEnvironment(p, {
      namespaceBaseline: NamespaceBaseline.standard({
        quota: { pods: '10' },
        limits: { defaultLimit: { memory: '512Mi' } },
        labels: { team: 'a' },
      }),
    });
    new Service(p, 'site', { image: { repository: 'registry.example.com/site' }, initialDigest: A }).deployTo(env);
    const t = synthesize(p.snapshot());
    // Nothing of it in the target's directory, which the service's own account applies.
    expect(t.paths().filter((x) => x.startsWith('environments/'))).toEqual([
      'environments/dev/aws/c1/site/flux.yaml',
      'environments/dev/aws/c1/site/kustomization.yaml',
      'environments/dev/aws/c1/site/values.yaml',
    ]);
    const docs = documents(t, 'clusters/dev/aws/c1/site.yaml');
    expect(docs.map((d) => `${d.kind} ${d.metadata.name}`)).toEqual([
      'Namespace site',
      'ServiceAccount flux-reconciler',
      'ServiceAccount site',
      'RoleBinding flux-reconciler',
      'ResourceQuota baseline',
      'LimitRange baseline',
      'NetworkPolicy default-deny',
      'Kustomization site',
    ]);
    expect(docs[0].metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-gitops', team: 'a' });
    for (const d of docs.filter((x) => !isFluxObject(x))) expect(validateKubeObject(d)).toEqual([]);
  });
});
