/**
 * Application-controller sharding of a self-managed Argo CD: the `shard` of each declarative
 * cluster Secret (Argo CD's `Cluster.Shard`, read from the Secret's `shard` key as a decimal
 * int64; "calculated on the fly by the application controller if not specified"), and the
 * chart's `controller.replicas` that the shards count to.
 */
import { parse } from 'yaml';
import {
  Cloud,
  Cluster,
  ClusterCredentials,
  ControlPlane,
  ControlPlaneProps,
  Environment,
  SelfManagedArgoCd,
  Service,
  Values,
  Workload,
} from '../../src';
import { EKS_CA } from '../../examples/kustomize-platform/main';
import { FileTree } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { validateKubeObject } from '../support/kube-models';
import { linesOf, newPlatform } from '../support/platform';

const PINNED = `v3.2.0@sha256:${'b'.repeat(64)}`;
const HOME = 'environments/prod/azure/westeurope-01/argo-cd';

interface Shape {
  readonly controlPlane?: ControlPlaneProps;
  /** The shard of cluster aws/eu-central-1-01 (reached through AWS IAM). */
  readonly awsShard?: number;
  /** The shard of cluster gcp/europe-west4-01 (reached through a secret store). */
  readonly gcpShard?: number;
  /** Whether a SelfManagedArgoCd manages the control plane. @default true */
  readonly selfManaged?: boolean;
  /** Values of the SelfManagedArgoCd's chart. */
  readonly argoValues?: Values;
}

/** Control plane `prod` running on azure/westeurope-01 and managing aws/eu-central-1-01 and gcp/europe-west4-01. */
function fleet(shape: Shape = {}) {
  const platform = newPlatform();
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod', shape.controlPlane ?? {}) });
  const home = new Cluster(prod, 'westeurope-01', { cloud: new Cloud(platform, 'azure'), region: 'westeurope' });
  new Cluster(prod, 'eu-central-1-01', {
    cloud: new Cloud(platform, 'aws'),
    region: 'eu-central-1',
    server: 'https://prod.eks.example.com',
    credentials: ClusterCredentials.awsIam({ clusterName: 'prod-euc1', roleArn: 'arn:aws:iam::123456789012:role/argocd', caData: EKS_CA }),
    ...(shape.awsShard === undefined ? {} : { controllerShard: shape.awsShard }),
  });
  new Cluster(prod, 'europe-west4-01', {
    cloud: new Cloud(platform, 'gcp'),
    region: 'europe-west4',
    server: 'https://prod.gke.example.com',
    credentials: ClusterCredentials.externalSecret({ store: { name: 'vault' }, config: { key: 'argocd/clusters/prod-gcp' } }),
    ...(shape.gcpShard === undefined ? {} : { controllerShard: shape.gcpShard }),
  });
  if (shape.selfManaged !== false) {
    new SelfManagedArgoCd(platform, 'argo-cd', {
      chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.4' }),
      runsOn: [home],
      initialVersion: PINNED,
      ...(shape.argoValues === undefined ? {} : { values: shape.argoValues }),
    });
  }
  new Service(platform, 'web', { image: { repository: 'registry.example.com/web' }, initialDigest: `sha256:${'a'.repeat(64)}` }).deployTo(
    prod,
  );
  return platform;
}

const yamlOf = (t: FileTree, p: string): any => parse(t.content(p));
const AZURE = `${HOME}/baseline/secret-cluster-prod-azure-westeurope-01.yaml`;
const AWS = `${HOME}/baseline/secret-cluster-prod-aws-eu-central-1-01.yaml`;
const GCP = `${HOME}/baseline/externalsecret-cluster-prod-gcp-europe-west4-01.yaml`;

describe('controller shards', () => {
  test('without sharding, the cluster Secrets name no shard and the chart keeps its replicas', () => {
    const tree = synthesize(fleet().snapshot());
    expect(yamlOf(tree, AZURE).stringData.shard).toBeUndefined();
    expect(yamlOf(tree, AWS).stringData.shard).toBeUndefined();
    expect(yamlOf(tree, GCP).spec.target.template.data.shard).toBeUndefined();
    expect(yamlOf(tree, `${HOME}/values.yaml`).controller).toBeUndefined();
  });

  test("a cluster's shard is written to its Secret; the others take the control plane's; the chart runs the declared replicas", () => {
    // GIVEN 3 controller replicas, shard 2 for the control plane's clusters and shard 0 for aws/eu-central-1-01
    const tree = synthesize(fleet({ controlPlane: { controllerReplicas: 3, controllerShard: 2 }, awsShard: 0 }).snapshot());
    // THEN each Secret holds its shard as Argo CD reads it: a decimal string under `shard`
    expect(yamlOf(tree, AWS).stringData).toMatchObject({ name: 'aws-eu-central-1-01', server: 'https://prod.eks.example.com', shard: '0' });
    expect(yamlOf(tree, AZURE).stringData).toMatchObject({ server: 'https://kubernetes.default.svc', shard: '2' });
    // AND the ExternalSecret's template writes it into the Secret it makes
    expect(yamlOf(tree, GCP).spec.target.template.data).toMatchObject({ shard: '2', name: 'gcp-europe-west4-01' });
    for (const p of [AWS, AZURE]) expect(validateKubeObject(yamlOf(tree, p))).toEqual([]);
    // AND the chart runs 3 controller replicas (its StatefulSet and ARGOCD_CONTROLLER_REPLICAS)
    expect(yamlOf(tree, `${HOME}/values.yaml`).controller).toEqual({ replicas: 3 });
  });

  test("a shard needs the control plane's replica count, which it must be below (the chart runs 1 replica unless told)", () => {
    expect(linesOf(() => fleet({ gcpShard: 7 }).snapshot())).toEqual([
      "[platform/prod/europe-west4-01] CG154 controllerShard 7 of cluster prod/gcp/europe-west4-01 is declared, but its control plane declares no usable controllerReplicas: declare how many application-controller replicas run, which every shard must be below (Argo CD's chart runs 1 unless told).",
    ]);
    const tree = synthesize(fleet({ controlPlane: { controllerReplicas: 8 }, gcpShard: 7 }).snapshot());
    expect(yamlOf(tree, GCP).spec.target.template.data.shard).toBe('7');
    expect(yamlOf(tree, AWS).stringData.shard).toBeUndefined();
  });

  test('fails when a shard is not below the replica count', () => {
    expect(linesOf(() => fleet({ controlPlane: { controllerReplicas: 2 }, awsShard: 2 }).snapshot())).toEqual([
      "[platform/prod/eu-central-1-01] CG154 controllerShard 2 of cluster prod/aws/eu-central-1-01 is not below the control plane's controllerReplicas (2), so no controller replica would reconcile it.",
    ]);
    expect(linesOf(() => fleet({ controlPlane: { controllerReplicas: 2, controllerShard: 5 } }).snapshot())).toEqual([
      '[platform/control-planes/prod] CG154 controllerShard 5 of control plane "prod" is not below the control plane\'s controllerReplicas (2), so no controller replica would reconcile it.',
    ]);
  });

  test.each([-1, 1.5, Number.NaN, 1e21, '1' as unknown as number])('fails when a shard is %p', (shard) => {
    expect(linesOf(() => fleet({ awsShard: shard }).snapshot())).toEqual([
      `[platform/prod/eu-central-1-01] CG154 controllerShard ${typeof shard === 'number' ? String(shard) : JSON.stringify(shard)} of cluster prod/aws/eu-central-1-01 is not a whole number from 0 below 1,000,000.`,
    ]);
  });

  test.each([0, -2, 2.5, 1_000_001])('fails when controllerReplicas is %p', (replicas) => {
    expect(linesOf(() => fleet({ controlPlane: { controllerReplicas: replicas } }).snapshot())).toEqual([
      `[platform/control-planes/prod] CG154 controllerReplicas ${replicas} of control plane "prod" is not a whole number from 1 to 1,000,000.`,
    ]);
  });

  test("fails when Argo CD's values run another replica count than the control plane declares", () => {
    const platform = fleet({ controlPlane: { controllerReplicas: 3 }, argoValues: { controller: { replicas: 2 } } });
    expect(linesOf(() => platform.snapshot())).toEqual([
      "[platform/argo-cd] CG154 Argo CD's values set controller.replicas to 2, but its control plane declares controllerReplicas 3, which the cluster Secrets' shards count to.",
    ]);
  });

  test('fails when sharding is declared where no SelfManagedArgoCd writes the cluster Secrets', () => {
    expect(
      linesOf(() => fleet({ selfManaged: false, controlPlane: { controllerReplicas: 2, controllerShard: 1 }, awsShard: 0 }).snapshot()),
    ).toEqual([
      '[platform/control-planes/prod] CG154 controllerReplicas is declared, but control plane "prod" is not managed by a SelfManagedArgoCd, so no declarative cluster Secret carries it.',
      '[platform/control-planes/prod] CG154 controllerShard is declared, but control plane "prod" is not managed by a SelfManagedArgoCd, so no declarative cluster Secret carries it.',
      '[platform/prod/eu-central-1-01] CG154 controllerShard of cluster prod/aws/eu-central-1-01 is declared, but control plane "prod" is not managed by a SelfManagedArgoCd, so no declarative cluster Secret carries it.',
    ]);
  });
});
