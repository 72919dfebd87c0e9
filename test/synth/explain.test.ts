import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { Cloud, Cluster, ControlPlane, Environment, Platform, Service } from '../../src';
import { snapshotPlatform } from '../../src/constructs/snapshot';
import { treeFromLedgers } from '../../src/synth/build';
import { explainTarget, formatExplanation, selectTargets } from '../../src/synth/explain';
import { expandApplicationSets } from '../../src/preview';
import { writeTree } from '../../src/workspace/checkout/writer';
import { D1, D2, exampleModel, initialLedgers, ledgersAfterCanary, ledgersAfterRollback } from './example';
import { failure } from '../support/failure';

const model = exampleModel();
const CANARY = 'prod/azure/westeurope-01/payments-api';

/** Leaves of a parsed values file as dotted keys, in file order. */
function leaves(v: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(v).flatMap(([k, x]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return typeof x === 'object' && x !== null && !Array.isArray(x)
      ? leaves(x as Record<string, unknown>, key)
      : [[key, x] as [string, unknown]];
  });
}

describe('explainTarget', () => {
  test('the prod canary: the chain from construct to Application', () => {
    // GIVEN the example before any promotion
    // WHEN its prod canary target is explained
    const e = explainTarget(model, initialLedgers(model), CANARY);
    // THEN every link of the chain is named
    expect(e).toMatchObject({
      application: 'payments-api-prod-azure-westeurope-01',
      target: CANARY,
      constructPath: 'platform/payments-api/prod/azure/westeurope-01',
      controlPlane: { name: 'prod', namespace: 'argocd' },
      ring: 'prod-canary',
      applicationSet: { name: 'workloads-prod', file: 'applicationsets/prod/workloads-prod.yaml' },
      project: 'prod',
      destination: { name: 'azure-westeurope-01', namespace: 'payments-api' },
      chart: {
        repoURL: 'https://git.xxxcompany.com/apps/payments-api.git',
        path: 'deploy/chart',
        targetRevision: 'main',
        releaseName: 'payments-api',
      },
      valuesFile: 'environments/prod/azure/westeurope-01/payments-api/values.yaml',
      release: { digest: D1, since: '1970-01-01T00:00:00Z', initial: true, by: 'initial', from: null, approvedBy: null, hold: null },
    });
  });

  test('names the layer that set each key', () => {
    // GIVEN the example before any promotion
    // WHEN its prod canary target is explained
    const { values } = explainTarget(model, initialLedgers(model), CANARY);
    const layer = (key: string): [unknown, string] | undefined => {
      const v = values.find((x) => x.key === key);
      return v && [v.value, v.layer];
    };
    // THEN each key says who set it, the release ledger last
    expect(layer('global.cluster')).toEqual(['azure-westeurope-01', 'cdk8s-gitops']);
    expect(layer('autoscaling.minReplicas')).toEqual([6, 'Environment prod']);
    expect(layer('ingress.className')).toEqual(['istio-internal', 'Cloud azure']);
    expect(layer('ingress.enabled')).toEqual([true, 'Service payments-api × Environment prod']);
    expect(layer('resources.limits.cpu')).toEqual(['1', 'Service payments-api']);
    expect(layer('image.digest')).toEqual([D1, 'release ledger (ring prod-canary)']);
    expect(layer('ingress.hosts.0.host')).toBeUndefined();
  });

  test('keys and values are exactly those of the values file, in file order', () => {
    // GIVEN the example after a promotion into prod-canary, and its tree
    const ledgers = ledgersAfterCanary(model);
    const tree = treeFromLedgers(model, ledgers);
    // WHEN the target is explained
    const e = explainTarget(model, ledgers, CANARY);
    // THEN its keys, values and order are those of the file the synthesizer writes
    expect(e.values.map((v) => [v.key, v.value])).toEqual(leaves(parse(tree.content(e.valuesFile))));
    expect(e.values.find((v) => v.key === 'image.digest')).toEqual({
      key: 'image.digest',
      value: D2,
      layer: 'release ledger (ring prod-canary)',
    });
  });

  test('agrees with the Application the ApplicationSet generates from the written tree', () => {
    // GIVEN the example's tree written to a checkout
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-explain-'));
    try {
      const ledgers = initialLedgers(model);
      writeTree(treeFromLedgers(model, ledgers), dir);
      const e = explainTarget(model, ledgers, CANARY);
      // WHEN the ApplicationSet the explanation names is expanded offline
      const appset = parse(fs.readFileSync(path.join(dir, e.applicationSet!.file), 'utf8'));
      const app = expandApplicationSets([appset], dir).find((a) => a.metadata.name === e.application);
      // THEN it generates the Application with that project, destination and values file
      expect(app?.spec).toMatchObject({
        project: e.project,
        destination: e.destination,
        sources: [{ helm: { valueFiles: [`$values/${e.valuesFile}`] } }, {}],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a target whose ring runs nothing is not released yet', () => {
    // GIVEN a service without a ledger
    const small = smallModel();
    // WHEN its target is explained
    const e = explainTarget(small, initialLedgers(small), 'prod/aws/eu-01/orders-api');
    // THEN there is no release and no image.digest, and the text says so
    expect(e.release).toBeNull();
    expect(e.values.map((v) => v.key)).not.toContain('image.digest');
    const text = formatExplanation(e, 'text');
    expect(text).toContain('  digest          not released yet: ring prod runs nothing, so there is no values file and no Application\n');
    expect(text).toContain('Values it will get once its ring runs a digest, each key with the layer that set it:\n');
  });

  test('a cluster override and a removed key show the layer that won', () => {
    // GIVEN an environment value overridden for one cluster, and a platform key removed by null
    const small = smallModel((svc, prod, cluster) => {
      svc.deployTo(prod, { values: { replicas: 3, debug: true } });
      svc.deployTo(cluster, { values: { replicas: 5, debug: null } });
    });
    // WHEN the target is explained
    const { values } = explainTarget(small, initialLedgers(small), 'prod/aws/eu-01/orders-api');
    // THEN the cluster layer set replicas, and debug is gone
    expect(values.find((v) => v.key === 'replicas')).toEqual({
      key: 'replicas',
      value: 5,
      layer: 'Service orders-api × Cluster prod/aws/eu-01',
    });
    expect(values.map((v) => v.key)).not.toContain('debug');
  });

  test('fails when the target is not in the program', () => {
    // GIVEN the example
    // WHEN a target it does not have is explained
    const e = failure(() => explainTarget(model, initialLedgers(model), 'prod/azure/westeurope-02/payments-api'));
    // THEN the error names it
    expect(e.message).toMatch(/^CG306 The program has no target "prod\/azure\/westeurope-02\/payments-api"\./);
  });
});

describe('formatExplanation', () => {
  test('text: the chain, then each key with the layer that set it', () => {
    // GIVEN the example after the rollback of prod-canary
    const e = explainTarget(model, ledgersAfterRollback(model), CANARY);
    // WHEN it is formatted as text
    const text = formatExplanation(e, 'text');
    // THEN it reads top to bottom, construct to values
    expect(text.split('\n').slice(0, 14)).toEqual([
      'payments-api-prod-azure-westeurope-01  (prod/azure/westeurope-01/payments-api)',
      '',
      '  construct       platform/payments-api/prod/azure/westeurope-01',
      '  control plane   prod (Argo CD in namespace argocd)',
      '  ring            prod-canary',
      '  ApplicationSet  workloads-prod (applicationsets/prod/workloads-prod.yaml)',
      '  Application     payments-api-prod-azure-westeurope-01',
      '  project         prod',
      '  destination     azure-westeurope-01/payments-api (cluster/namespace)',
      '  chart           https://git.xxxcompany.com/apps/payments-api.git deploy/chart @ main, release payments-api',
      '  values file     environments/prod/azure/westeurope-01/payments-api/values.yaml',
      '  digest          sha256:2e8f1a31 since 2026-11-22T13:00:00Z by bob',
      '  hold            HELD: p99 latency | doubled (by bob, 2026-11-22T13:00:00Z)',
      '',
    ]);
    expect(text).toContain(
      '\nValues (environments/prod/azure/westeurope-01/payments-api/values.yaml), each key with the layer that set it:\n',
    );
    expect(text).toContain('\n  autoscaling.minReplicas = 6  ← Environment prod\n');
    expect(text).toContain(`\n  image.digest = ${D1}  ← release ledger (ring prod-canary)\n`);
    expect(text).toContain('\n  resources.limits.cpu = "1"  ← Service payments-api\n');
    expect(text).toContain('\n  resources.requests.cpu = 500m  ← Service payments-api\n');
    expect(text).toContain(
      '\n  ingress.hosts = [{"host":"payments.prod.eu.xxxcompany.com","paths":[{"path":"/","pathType":"Prefix"}]}]  ← Service payments-api × Environment prod\n',
    );
  });

  test('text: a promotion names the ring it came from and the approver', () => {
    // GIVEN the example after a promotion into prod-canary
    const e = explainTarget(model, ledgersAfterCanary(model), CANARY);
    // WHEN it is formatted as text
    // THEN the digest line says how it got there
    expect(formatExplanation(e, 'text')).toContain(
      '\n  digest          sha256:91ab5c0e since 2026-11-22T12:00:00Z by alice, from nonprod, approved by carol\n',
    );
  });

  test('text: the initial digest says so', () => {
    // GIVEN the example before any promotion
    const e = explainTarget(model, initialLedgers(model), CANARY);
    // WHEN it is formatted as text
    // THEN the digest line says it is the program's initial digest
    expect(formatExplanation(e, 'text')).toContain(
      "\n  digest          sha256:2e8f1a31 (the program's initialDigest; not promoted since)\n",
    );
  });

  test('json is the explanation as plain data', () => {
    // GIVEN an explanation
    const e = explainTarget(model, initialLedgers(model), CANARY);
    // WHEN it is formatted as JSON
    // THEN it parses back to the same data
    expect(JSON.parse(formatExplanation(e, 'json'))).toEqual(e);
  });
});

describe('selectTargets', () => {
  const ids = (selector: Parameters<typeof selectTargets>[1]): string[] => selectTargets(model, selector).map((t) => t.id);

  test('an Application name or a target id selects its target', () => {
    expect(ids({ name: 'payments-api-prod-azure-westeurope-01' })).toEqual([CANARY]);
    expect(ids({ name: CANARY })).toEqual([CANARY]);
  });

  test('a service selects all its targets, narrowed by environment, cloud and cluster', () => {
    expect(ids({ name: 'payments-api' })).toHaveLength(8);
    expect(ids({ name: 'payments-api', environment: 'prod' })).toHaveLength(4);
    expect(ids({ name: 'payments-api', environment: 'prod', cloud: 'azure' })).toEqual([CANARY]);
    expect(ids({ name: 'payments-api', cluster: 'westeurope-01' })).toEqual(['nonprod/azure/westeurope-01/payments-api', CANARY]);
  });

  test('fails when the name is unknown, with close matches', () => {
    const e = failure(() => selectTargets(model, { name: 'payments-apu' }));
    expect(e.message).toBe(
      'CG306 The program has no Application or service "payments-apu". Did you mean "payments-api"? ' +
        'Fix: Name an Application (<service>-<env>-<cloud>-<cluster>) or a service; services: payments-api.',
    );
  });

  test('fails when an Application name is misspelt, suggesting the closest', () => {
    const e = failure(() => selectTargets(model, { name: 'payments-api-prod-azure-westeurope-1' }));
    expect(e.message).toMatch(/Did you mean "payments-api-prod-azure-westeurope-01"\? /);
  });

  test('fails when a filter matches none of the targets, naming what it takes', () => {
    const e = failure(() => selectTargets(model, { name: 'payments-api', environment: 'prod', cloud: 'azur' }));
    expect(e.message).toBe(
      'CG306 No target of "payments-api" matches --env prod --cloud azur. Fix: --cloud takes one of aws, azure, gcp, oci (did you mean azure?).',
    );
  });
});

/** One environment, one cluster, one service without an initial digest. */
function smallModel(deploy?: (svc: Service, prod: Environment, cluster: Cluster) => void) {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
  const cluster = new Cluster(prod, 'eu-01', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
  const svc = new Service(platform, 'orders-api', { image: { repository: 'registry.example.com/orders-api' } });
  if (deploy) deploy(svc, prod, cluster);
  else svc.deployTo(prod);
  return snapshotPlatform(platform);
}
