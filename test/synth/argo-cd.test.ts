/**
 * Argo CD managing itself (SelfManagedArgoCd): the chart on the cluster each control plane runs
 * on, its values generated from the program, and the declarative Secrets of the clusters and the
 * repository it reads, which carry the model's labels and never a credential.
 */
import { parse } from 'yaml';
import {
  Cloud,
  Cluster,
  ClusterCredentials,
  ControlPlane,
  Duration,
  Environment,
  Platform,
  PromotionRing,
  SelfManagedArgoCd,
  SelfManagedArgoCdProps,
  Service,
  Targets,
  Workload,
} from '../../src';
import { EKS_CA } from '../../examples/kustomize-platform/main';
import { FileKind, FileTree } from '../../src/synth/file-tree';
import { synthesize } from '../../src/synth/synthesize';
import { shortDigest, versionProblem } from '../../src/model/versions';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../support/argocd-schema';
import { validateKubeObject } from '../support/kube-models';
import { linesOf, newPlatform, problemsOf } from '../support/platform';

const PINNED = `v3.2.0@sha256:${'b'.repeat(64)}`;
/** A CA certificate (self-signed, P-256), base64 PEM as a kubeconfig holds it: the example's. */
const CA = EKS_CA;
const NONPROD_HOME = 'environments/nonprod/azure/westeurope-01/argo-cd';
const PROD_HOME = 'environments/prod/azure/westeurope-01/argo-cd';
const chart = (): Workload =>
  Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.4' });

interface Fleet {
  readonly platform: Platform;
  readonly nonprod: Environment;
  readonly prod: Environment;
  readonly homes: Cluster[];
  readonly others: Cluster[];
}

/** Two control planes, each on its environment's Azure cluster, each managing an AWS cluster too. */
function fleet(credentials: (env: string) => ClusterCredentials | undefined = defaultCredentials): Fleet {
  const platform = newPlatform();
  const nonprod = new Environment(platform, 'nonprod', {
    controlPlane: new ControlPlane(platform, 'nonprod'),
    roles: [{ name: 'developer', policies: ['p, proj:nonprod:developer, applications, sync, nonprod/*, allow'], groups: ['shop-devs'] }],
  });
  const prod = new Environment(platform, 'prod', {
    controlPlane: new ControlPlane(platform, 'prod'),
    roles: [{ name: 'oncall', policies: ['p, proj:prod:oncall, applications, sync, prod/*, allow'], groups: ['shop-oncall'] }],
  });
  const azure = new Cloud(platform, 'azure');
  const aws = new Cloud(platform, 'aws');
  const homes: Cluster[] = [];
  const others: Cluster[] = [];
  for (const env of [nonprod, prod]) {
    homes.push(new Cluster(env, 'westeurope-01', { cloud: azure, region: 'westeurope', labels: { tier: 'hub' } }));
    const creds = credentials(env.name);
    others.push(
      new Cluster(env, 'eu-central-1-01', {
        cloud: aws,
        region: 'eu-central-1',
        server: `https://${env.name}.eks.example.com`,
        ...(creds === undefined ? {} : { credentials: creds }),
      }),
    );
  }
  new PromotionRing(platform, 'nonprod', { targets: Targets.environment(nonprod) });
  new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
  new Service(platform, 'web', { image: { repository: 'registry.example.com/web' }, initialDigest: `sha256:${'a'.repeat(64)}` }).deployTo([
    nonprod,
    prod,
  ]);
  return { platform, nonprod, prod, homes, others };
}

function defaultCredentials(env: string): ClusterCredentials {
  return env === 'prod'
    ? ClusterCredentials.externalSecret({ store: { name: 'vault' }, config: { key: 'argocd/clusters/prod-aws', property: 'config' } })
    : ClusterCredentials.awsIam({ clusterName: 'nonprod-euc1', roleArn: 'arn:aws:iam::123456789012:role/argocd', caData: CA });
}

function withArgoCd(f: Fleet, props: Partial<SelfManagedArgoCdProps> = {}): Fleet {
  new SelfManagedArgoCd(f.platform, 'argo-cd', { chart: chart(), runsOn: f.homes, initialVersion: PINNED, ...props });
  return f;
}

const yamlOf = (t: FileTree, p: string): any => parse(t.content(p));

/** {@link fleet} on a platform whose values every chart gets. */
function newPlatformWith(values: Record<string, unknown>): Fleet {
  const f = fleet();
  (f.platform as unknown as { values: unknown }).values = values;
  return f;
}

describe('SelfManagedArgoCd', () => {
  const tree = synthesize(
    withArgoCd(fleet(), { admins: ['platform-admins'], values: { global: { domain: 'argocd.example.com' } } }).platform.snapshot(),
  );

  test('installs the argo-cd chart on the cluster each control plane runs on, from an ApplicationSet under its own AppProject', () => {
    const argo = tree.paths().filter((p) => p.includes('argo-cd'));
    expect(argo).toEqual([
      'applicationsets/nonprod/addons-nonprod-argo-cd.yaml',
      'applicationsets/prod/addons-prod-argo-cd.yaml',
      `${NONPROD_HOME}/baseline/secret-cluster-nonprod-aws-eu-central-1-01.yaml`,
      `${NONPROD_HOME}/baseline/secret-cluster-nonprod-azure-westeurope-01.yaml`,
      `${NONPROD_HOME}/baseline/secret-repo-platform-gitops.yaml`,
      `${NONPROD_HOME}/release.yaml`,
      `${NONPROD_HOME}/values.yaml`,
      `${PROD_HOME}/baseline/externalsecret-cluster-prod-aws-eu-central-1-01.yaml`,
      `${PROD_HOME}/baseline/secret-cluster-prod-azure-westeurope-01.yaml`,
      `${PROD_HOME}/baseline/secret-repo-platform-gitops.yaml`,
      `${PROD_HOME}/release.yaml`,
      `${PROD_HOME}/values.yaml`,
      'projects/nonprod-addon-argo-cd.yaml',
      'projects/prod-addon-argo-cd.yaml',
    ]);
    const set = yamlOf(tree, 'applicationsets/prod/addons-prod-argo-cd.yaml');
    // Deleting its Application (a removal) never uninstalls Argo CD.
    expect(set.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(set.spec.generators[0].git.files).toEqual([{ path: 'environments/prod/*/*/argo-cd/release.yaml' }]);
    const spec = set.spec.template.spec;
    expect(spec.project).toBe('prod-addon-argo-cd');
    // Where it runs, by server: the cluster's registered name is a Secret this very Application deploys.
    expect(spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(spec.sources).toEqual([
      {
        repoURL: 'https://argoproj.github.io/argo-helm',
        chart: 'argo-cd',
        targetRevision: '{{ .chart.revision }}',
        helm: { releaseName: 'argo-cd', valueFiles: ['$values/{{ .path.path }}/values.yaml'] },
      },
      { repoURL: 'https://git.example.com/platform/platform-gitops.git', targetRevision: 'refs/heads/main', ref: 'values' },
      {
        repoURL: 'https://git.example.com/platform/platform-gitops.git',
        targetRevision: 'refs/heads/main',
        path: '{{ .path.path }}/baseline',
        directory: { include: '*.yaml' },
      },
    ]);
    const project = yamlOf(tree, 'projects/prod-addon-argo-cd.yaml').spec;
    expect(project.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(project.clusterResourceWhitelist).toEqual([
      { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    ]);
    expect(tree.content('bootstrap/prod.yaml')).toContain('prod-addon-argo-cd.yaml');
  });

  test('configures each control plane from the program: names, reconciliation, RBAC, the image pinned by its digest', () => {
    const values = yamlOf(tree, `${NONPROD_HOME}/values.yaml`);
    expect(values.global).toEqual({
      environment: 'nonprod',
      cloud: 'azure',
      region: 'westeurope',
      cluster: 'azure-westeurope-01',
      image: { repository: 'quay.io/argoproj/argocd', tag: PINNED },
      domain: 'argocd.example.com',
    });
    expect(values.fullnameOverride).toBe('argocd');
    expect(values.configs).toEqual({
      // Syncing to another revision than the Application's is an override, which no role written grants.
      cm: { 'timeout.reconciliation': '180s', 'application.sync.requireOverridePrivilegeForRevisionSync': 'true' },
      rbac: {
        'policy.default': '',
        'policy.csv': 'g, platform-admins, role:admin\ng, shop-devs, proj:nonprod:developer\n',
        scopes: '[groups]',
      },
    });
    // Each control plane gets the roles of its own environments only.
    expect(yamlOf(tree, `${PROD_HOME}/values.yaml`).configs.rbac['policy.csv']).toBe(
      'g, platform-admins, role:admin\ng, shop-oncall, proj:prod:oncall\n',
    );
    const slower = synthesize(withArgoCd(fleet(), { reconciliation: Duration.minutes(10) }).platform.snapshot());
    expect(yamlOf(slower, `${PROD_HOME}/values.yaml`).configs.cm).toEqual({
      'timeout.reconciliation': '600s',
      'application.sync.requireOverridePrivilegeForRevisionSync': 'true',
    });
    expect(yamlOf(slower, `${PROD_HOME}/release.yaml`)).toEqual({ chart: { revision: '9.1.4' } });
  });

  test('writes a Secret per managed cluster with the labels the model knows and no credential', () => {
    const home = yamlOf(tree, `${NONPROD_HOME}/baseline/secret-cluster-nonprod-azure-westeurope-01.yaml`);
    expect(home).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'cluster-nonprod-azure-westeurope-01',
        namespace: 'argocd',
        labels: {
          'app.kubernetes.io/managed-by': 'cdk8s-gitops',
          'argocd.argoproj.io/secret-type': 'cluster',
          'cdk8s-gitops.io/cloud': 'azure',
          'cdk8s-gitops.io/cluster': 'westeurope-01',
          'cdk8s-gitops.io/environment': 'nonprod',
          'cdk8s-gitops.io/region': 'westeurope',
          tier: 'hub',
        },
      },
      // Where the control plane runs: Argo CD's in-cluster destination, under the cluster's name.
      stringData: {
        config: '{"tlsClientConfig":{"insecure":false}}',
        name: 'azure-westeurope-01',
        server: 'https://kubernetes.default.svc',
      },
      type: 'Opaque',
    });
    const aws = yamlOf(tree, `${NONPROD_HOME}/baseline/secret-cluster-nonprod-aws-eu-central-1-01.yaml`);
    expect(aws.metadata.labels).toMatchObject({ 'cdk8s-gitops.io/environment': 'nonprod', 'cdk8s-gitops.io/region': 'eu-central-1' });
    expect(aws.stringData.server).toBe('https://nonprod.eks.example.com');
    expect(JSON.parse(aws.stringData.config)).toEqual({
      awsAuthConfig: { clusterName: 'nonprod-euc1', roleARN: 'arn:aws:iam::123456789012:role/argocd' },
      tlsClientConfig: { insecure: false, caData: CA },
    });
    const secrets = tree.paths().filter((p) => tree.get(p)!.kind === FileKind.OBJECT && yamlOf(tree, p).kind === 'Secret');
    expect(secrets).toHaveLength(5);
    for (const p of secrets) {
      const secret = yamlOf(tree, p);
      expect(validateKubeObject(secret)).toEqual([]);
      expect(Object.keys(secret.stringData).sort()).toEqual(
        secret.metadata.labels['argocd.argoproj.io/secret-type'] === 'cluster' ? ['config', 'name', 'server'] : ['name', 'type', 'url'],
      );
      const config = secret.stringData.config === undefined ? {} : JSON.parse(secret.stringData.config);
      for (const key of ['bearerToken', 'password', 'username', 'keyData', 'certData']) {
        expect(JSON.stringify(config)).not.toContain(key);
      }
    }
  });

  test('makes the Secret of a cluster reached through a secret store with an ExternalSecret carrying the same labels', () => {
    const es = yamlOf(tree, `${PROD_HOME}/baseline/externalsecret-cluster-prod-aws-eu-central-1-01.yaml`);
    expect(es).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: {
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' },
        name: 'cluster-prod-aws-eu-central-1-01',
        namespace: 'argocd',
      },
      spec: {
        data: [{ remoteRef: { key: 'argocd/clusters/prod-aws', property: 'config' }, secretKey: 'config' }],
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        target: {
          creationPolicy: 'Owner',
          name: 'cluster-prod-aws-eu-central-1-01',
          template: {
            data: { config: '{{ .config }}', name: 'aws-eu-central-1-01', server: 'https://prod.eks.example.com' },
            engineVersion: 'v2',
            metadata: {
              labels: {
                'app.kubernetes.io/managed-by': 'cdk8s-gitops',
                'argocd.argoproj.io/secret-type': 'cluster',
                'cdk8s-gitops.io/cloud': 'aws',
                'cdk8s-gitops.io/cluster': 'eu-central-1-01',
                'cdk8s-gitops.io/environment': 'prod',
                'cdk8s-gitops.io/region': 'eu-central-1',
              },
            },
            type: 'Opaque',
          },
        },
      },
    });
    const withRepoCreds = synthesize(
      withArgoCd(fleet(), {
        repositoryCredentials: {
          store: { name: 'vault', kind: 'SecretStore' },
          username: { key: 'git/ci', property: 'user' },
          password: { key: 'git/ci', property: 'token' },
        },
      }).platform.snapshot(),
    );
    const repo = yamlOf(withRepoCreds, `${PROD_HOME}/baseline/externalsecret-repo-platform-gitops.yaml`);
    expect(repo.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'vault' });
    expect(repo.spec.data).toEqual([
      { remoteRef: { key: 'git/ci', property: 'user' }, secretKey: 'username' },
      { remoteRef: { key: 'git/ci', property: 'token' }, secretKey: 'password' },
    ]);
    expect(repo.spec.target.template.data).toEqual({
      name: 'platform-gitops',
      password: '{{ .password }}',
      type: 'git',
      url: 'https://git.example.com/platform/platform-gitops.git',
      username: '{{ .username }}',
    });
    expect(repo.spec.target.template.metadata.labels['argocd.argoproj.io/secret-type']).toBe('repository');
    // Both valid to the External Secrets Operator's schema.
    expect(validateKubeObject(es)).toEqual([]);
    expect(validateKubeObject(repo)).toEqual([]);
    expect(validateKubeObject({ ...es, spec: { ...es.spec, refreshInterval: 3600 } })).not.toEqual([]);
  });

  describeWithArgoCdSchemas('against the Argo CD CRDs', loadArgoCdSchemas(), (validate) => {
    test('emits its ApplicationSets and AppProjects, and the bootstraps that deploy them, strictly valid', () => {
      const argo = tree
        .paths()
        .filter((x) => [FileKind.APPLICATION_SET, FileKind.APP_PROJECT, FileKind.BOOTSTRAP].includes(tree.get(x)!.kind));
      expect(argo.filter((p) => p.includes('argo-cd'))).toHaveLength(4);
      for (const p of argo) for (const doc of tree.content(p).split(/^---$/m)) if (doc.trim()) expect(validate(parse(doc))).toEqual([]);
    });
  });
});

describe('SelfManagedArgoCd refuses', () => {
  test('a cluster it registers without a server or credentials, or with a literal one', () => {
    const f = fleet((env) =>
      env === 'prod' ? ({ bearerToken: 'eyJhbGciOiJSUzI1NiJ9.secret' } as unknown as ClusterCredentials) : undefined,
    );
    const lines = linesOf(() => withArgoCd(f).platform.snapshot());
    expect(lines).toEqual([
      '[platform/nonprod/eu-central-1-01] CG149 Cluster nonprod/aws/eu-central-1-01 is managed by control plane nonprod, whose Argo CD argo-cd registers its clusters, but it has no credentials.',
      '[platform/prod/eu-central-1-01] CG149 Cluster prod/aws/eu-central-1-01 gives credentials that are not made by ClusterCredentials: a literal token or config is refused, as everyone who can read the GitOps repository could read it.',
    ]);
    // The token is never repeated.
    expect(lines.join('\n')).not.toContain('eyJ');
    const noServer = fleet();
    (noServer.others[0] as unknown as { server: undefined }).server = undefined;
    (noServer.others[1] as unknown as { server: string }).server = 'https://user:hunter2@prod.eks.example.com';
    const serverLines = linesOf(() => withArgoCd(noServer).platform.snapshot());
    expect(serverLines[0]).toContain('CG149 Cluster nonprod/aws/eu-central-1-01 is managed by control plane nonprod');
    expect(serverLines[0]).toContain('but it has no server.');
    expect(serverLines[1]).toContain('CG149 Cluster prod/aws/eu-central-1-01 gives a server that holds a user or password');
    expect(serverLines.join('\n')).not.toContain('hunter2');
    expect(serverLines).toHaveLength(2);
  });

  test('credentials declared wrongly: a private key as CA, a secret in the plugin environment, a missing store', () => {
    const key = Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n').toString('base64');
    const f = fleet((env) =>
      env === 'prod'
        ? ClusterCredentials.exec({
            command: 'argocd-k8s-auth',
            args: ['azure'],
            env: { AZURE_CLIENT_SECRET: 'q8Z~s3cr3tV4lu3-xyz' },
            caData: CA,
          })
        : ClusterCredentials.awsIam({ clusterName: 'nonprod-euc1', caData: key }),
    );
    const lines = linesOf(() => withArgoCd(f).platform.snapshot());
    expect(lines).toEqual([
      '[platform/nonprod/eu-central-1-01] CG149 caData holds a private key; it takes the cluster CA certificate only, which is public.',
      expect.stringMatching(
        /^\[platform\/nonprod\/eu-central-1-01\] CG120 The cluster credentials sets "tlsClientConfig\.caData" to a literal string holding a base64-encoded private key/,
      ),
      expect.stringMatching(
        /^\[platform\/prod\/eu-central-1-01\] CG120 The cluster credentials sets "execProviderConfig\.env\.AZURE_CLIENT_SECRET" to a literal string/,
      ),
    ]);
    expect(lines.join('\n')).not.toContain('s3cr3t');
    const store = fleet(() => ClusterCredentials.externalSecret({ store: { name: '' }, config: { key: '' } }));
    expect(linesOf(() => withArgoCd(store).platform.snapshot())).toEqual([
      '[platform/nonprod/eu-central-1-01] CG149 externalSecret store.name is missing or not one line of text.',
      '[platform/nonprod/eu-central-1-01] CG149 externalSecret config.key is missing or not one line of text.',
      '[platform/prod/eu-central-1-01] CG149 externalSecret store.name is missing or not one line of text.',
      '[platform/prod/eu-central-1-01] CG149 externalSecret config.key is missing or not one line of text.',
    ]);
  });

  test('values that set what the program declares, from any layer; groups and role names that would rewrite the RBAC policy; two clusters of one control plane', () => {
    const f = fleet();
    const argoCd = new SelfManagedArgoCd(f.platform, 'argo-cd', {
      chart: chart(),
      runsOn: [f.homes[0], f.others[0], f.homes[1]],
      initialVersion: PINNED,
      admins: ['ops, role:admin\np, evil, *, *, */*, allow'],
      values: { configs: { clusterCredentials: { x: { name: 'x' } } } },
    });
    argoCd.valuesOn(f.prod, { configs: { repositories: { r: { url: 'https://git.example.com/x.git' } } } });
    const lines = linesOf(() => f.platform.snapshot());
    expect(lines).toEqual(
      expect.arrayContaining([
        '[platform/argo-cd] CG149 runsOn names two clusters of control plane nonprod: nonprod/azure/westeurope-01 and nonprod/aws/eu-central-1-01; one Argo CD runs per control plane.',
        "[platform/argo-cd] CG149 Service argo-cd sets configs.clusterCredentials of Argo CD's chart, which the program declares (cluster and repository Secrets, with credentials referenced, never literal).",
        "[platform/argo-cd] CG149 Service argo-cd × Environment prod sets configs.repositories of Argo CD's chart, which the program declares (cluster and repository Secrets, with credentials referenced, never literal).",
        expect.stringContaining("[platform/argo-cd] CG149 admins is not a list of group names Argo CD's RBAC policy (policy.csv) can hold"),
      ]),
    );
    // A cluster's values reach Argo CD's too.
    const g = fleet();
    (g.homes[1] as unknown as { values: unknown }).values = { configs: { secret: { createSecret: false } } };
    expect(linesOf(() => withArgoCd(g).platform.snapshot())).toEqual([
      "[platform/prod/westeurope-01] CG149 Cluster prod/azure/westeurope-01 sets configs.secret of Argo CD's chart, which the program declares (cluster and repository Secrets, with credentials referenced, never literal).",
    ]);
    // Role names and groups of every environment are checked where they are declared, self-managed or not.
    const roles = newPlatform();
    new Environment(roles, 'dev', {
      roles: [
        { name: 'dev\ng, everyone, role:admin', policies: [], groups: ['devs'] },
        { name: 'ops', policies: [], groups: ['devs\nadmins', 'de"vs'] },
        // A "#" inside a group and a comma (an LDAP DN) are Argo CD's to take; a quote inside is not.
        { name: 'sre', policies: ['g, devs, role:admin'], groups: ['C# Developers', 'cn=sre,ou=groups,dc=example,dc=org'] },
      ],
    });
    expect(linesOf(() => roles.snapshot())).toEqual([
      '[platform/dev] CG150 roles[0] has the name "dev\\ng, everyone, role:admin", which Argo CD does not accept for a project role.',
      '[platform/dev] CG150 roles[1].groups is not a list of group names Argo CD can bind (one line of text each, without quotes in it or spaces around it): Argo CD writes each as a field of a line of its RBAC policy.',
      // A policy line of another form would reach Argo CD's enforcer with the project's.
      "[platform/dev] CG150 roles[2].policies[0] is not of the form 'p, <subject>, <resource>, <action>, <object>, <effect>'.",
    ]);
    // A string where a list goes is said so, not a crash.
    const h = fleet();
    expect(linesOf(() => withArgoCd(h, { admins: 'platform-admins' as unknown as string[] }).platform.snapshot())).toEqual([
      expect.stringContaining("[platform/argo-cd] CG149 admins is not a list of group names Argo CD's RBAC policy (policy.csv) can hold"),
    ]);
  });

  test('a secret inside the YAML of its settings (oidc.config, dex.config), but not a reference to its Secret', () => {
    const f = fleet();
    withArgoCd(f, {
      values: {
        configs: {
          cm: {
            'oidc.config': 'name: Okta\nissuer: https://example.okta.com\nclientID: argocd\nclientSecret: q8Z~s3cr3tV4lu3-xyz\n',
            'dex.config':
              'connectors:\n  - type: github\n    id: github\n    config:\n      clientID: abc\n      clientSecret: $dex.github.clientSecret\n',
          },
        },
      },
    });
    const lines = linesOf(() => f.platform.snapshot());
    expect(lines).toEqual([
      '[platform/argo-cd] CG120 Service argo-cd sets configs.cm."oidc.config", whose "clientSecret" is a literal string; the key names a secret, and values files are readable by everyone who can read the GitOps repository.',
    ]);
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });

  test('servers that are not another cluster, or are given twice; labels a Secret cannot carry, on any cluster it registers', () => {
    const f = fleet();
    (f.others[0] as unknown as { server: string }).server = 'https://admin:hunter2@nonprod.eks.example.com';
    (f.others[1] as unknown as { server: string }).server = 'https://kubernetes.default.svc:443';
    (f.homes[0] as unknown as { labels: unknown }).labels = { 'Bad Key!': 'x' };
    const lines = linesOf(() => withArgoCd(f).platform.snapshot());
    expect(lines).toEqual([
      '[platform/nonprod/westeurope-01] CG149 Cluster nonprod/azure/westeurope-01 has labels its cluster Secret cannot carry (not Kubernetes labels): "Bad Key!".',
      '[platform/nonprod/eu-central-1-01] CG149 Cluster nonprod/aws/eu-central-1-01 gives a server that holds a user or password, which would be committed to the GitOps repository.',
      "[platform/prod/eu-central-1-01] CG149 Cluster prod/aws/eu-central-1-01 gives a server that names the cluster Argo CD runs on (in-cluster), not the cluster's own API server.",
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
    const twice = fleet();
    const env = twice.prod;
    new Cluster(env, 'eu-central-1-02', {
      cloud: twice.others[1]!.cloud,
      region: 'eu-central-1',
      server: 'https://PROD.eks.example.com:443/',
      credentials: defaultCredentials('prod'),
    });
    expect(linesOf(() => withArgoCd(twice).platform.snapshot())).toEqual([
      '[platform/prod/eu-central-1-02] CG149 Clusters prod/aws/eu-central-1-01 and prod/aws/eu-central-1-02 of control plane prod have the same server: Argo CD knows a cluster by its server, so their Applications would land on one cluster.',
    ]);
  });

  test("credentials not made by ClusterCredentials, secrets in a plugin's arguments, a CA that carries more than certificates", () => {
    const forged = Object.assign(Object.create(ClusterCredentials.prototype), {
      spec: {
        kind: 'external-secret',
        store: { name: 'v', kind: 'ClusterSecretStore' },
        config: { key: 'k', password: 'p4ss' },
        refreshInterval: '1h',
      },
    });
    const derKey = Buffer.concat([
      Buffer.from(Buffer.from(CA, 'base64').toString('latin1'), 'latin1'),
      Buffer.from([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01]),
    ]);
    const f = fleet((env) =>
      env === 'prod'
        ? (forged as ClusterCredentials)
        : ClusterCredentials.exec({
            command: 'kubelogin',
            args: [
              'get-token',
              '--login',
              'spn',
              '--client-secret',
              'hunter2',
              '--token=abc',
              '--server-id',
              '6dae42f8-4368-4678-94ff-3960e28e3630',
            ],
            apiVersion: 'client.authentication.k8s.io/v1beta1 # x',
            caData: derKey.toString('base64'),
          }),
    );
    const lines = linesOf(() => withArgoCd(f).platform.snapshot());
    expect(lines).toEqual([
      '[platform/nonprod/eu-central-1-01] CG149 exec apiVersion is not one of client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1.',
      "[platform/nonprod/eu-central-1-01] CG120 exec args[4] is a literal value of the flag --client-secret, which takes a secret, and the cluster's Secret is readable by everyone who can read the GitOps repository.",
      "[platform/nonprod/eu-central-1-01] CG120 exec args[5] gives the flag --token a literal value, and the flag takes a secret, and the cluster's Secret is readable by everyone who can read the GitOps repository.",
      '[platform/nonprod/eu-central-1-01] CG149 caData is not only base64-encoded PEM certificates (-----BEGIN CERTIFICATE-----): it takes the cluster CA certificate only, which is public.',
      '[platform/prod/eu-central-1-01] CG149 Cluster prod/aws/eu-central-1-01 gives credentials that are not made by ClusterCredentials: a literal token or config is refused, as everyone who can read the GitOps repository could read it.',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  test('repository credentials that are not references to a store', () => {
    const f = fleet();
    withArgoCd(f, {
      repositoryCredentials: {
        store: { name: '' },
        password: 'ghp_0123456789abcdefABCDEF0123456789abcd' as unknown as { key: string },
        username: { key: '' },
        refreshInterval: 'soon',
      },
    });
    const lines = linesOf(() => f.platform.snapshot());
    expect(lines).toEqual([
      '[platform/argo-cd] CG149 repositoryCredentials.store.name is missing or not one line of text.',
      '[platform/argo-cd] CG149 repositoryCredentials.username.key is missing or not one line of text.',
      '[platform/argo-cd] CG149 repositoryCredentials.password is not a reference ({ key, property }) to a value in the store: a literal is refused, everyone who can read the GitOps repository could read it.',
      '[platform/argo-cd] CG149 repositoryCredentials.refreshInterval is not a Go duration (e.g. 1h, 15m).',
    ]);
    expect(lines.join('\n')).not.toContain('ghp_');
  });

  test("a bare digest for Argo CD's image, which its chart would not deploy", () => {
    const f = fleet();
    withArgoCd(f, { initialVersion: `sha256:${'b'.repeat(64)}` });
    expect(linesOf(() => f.platform.snapshot())).toEqual([
      '[platform/argo-cd] CG115 images.argocd.initialDigest "sha256:bbbbbbbb" is a bare digest, but the chart reads only a tag for image argocd (global.image.tag) and would not deploy it.',
    ]);
  });

  test("an image of one of Argo CD's components, the chart's extraObjects, a secret in a notifier's settings", () => {
    const f = fleet();
    const token = ['xoxb', '2960', '1122334455', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
    withArgoCd(f, {
      values: {
        server: { image: { tag: 'v9.9.9' } },
        dex: { initImage: { tag: 'v9.9.9' } },
        extraObjects: [{ apiVersion: 'v1', kind: 'List', items: [] }],
        notifications: { notifiers: { 'service.slack': `token: ${token}\n` } },
      },
    });
    const lines = linesOf(() => f.platform.snapshot());
    expect(lines).toEqual([
      "[platform/argo-cd] CG113 Service argo-cd sets server.image of Argo CD's chart: it runs Argo CD's image (global.image), whose version the release ledger owns, ring by ring.",
      "[platform/argo-cd] CG113 Service argo-cd sets dex.initImage of Argo CD's chart: it runs Argo CD's image (global.image), whose version the release ledger owns, ring by ring.",
      '[platform/argo-cd] CG120 Service argo-cd sets notifications.notifiers."service.slack", whose "token" is a literal string; the key names a secret, and values files are readable by everyone who can read the GitOps repository.',
      "[platform/argo-cd] CG149 Argo CD's values set extraObjects, objects cdk8s-gitops cannot check (the chart templates each one): they could register a cluster or repository outside the program, or hold a credential.",
    ]);
    expect(lines.join('\n')).not.toContain(token);
  });

  test('a group with a comma is written quoted, as Argo CD takes it; plugin arguments that take a secret; clusters behind a service name are not in-cluster', () => {
    const jwt = ['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJhcmdvY2QifQ', 'c2lnbmF0dXJlc2lnbmF0dXJl'].join('.');
    const f = fleet((env) =>
      env === 'prod'
        ? ClusterCredentials.exec({
            command: 'argocd-k8s-auth',
            args: ['azure'],
            env: { AZURE_CLIENT_ID: 'a1b2', SA_JWT: jwt },
            caData: CA,
          })
        : ClusterCredentials.exec({ command: 'kubelogin', args: ['get-token', '-p', 'hunter2', '--password', '-Xyz'], caData: CA }),
    );
    const lines = linesOf(() => withArgoCd(f).platform.snapshot());
    expect(lines).toEqual([
      "[platform/nonprod/eu-central-1-01] CG120 exec args[2] is a literal value of the flag -p, which takes a secret, and the cluster's Secret is readable by everyone who can read the GitOps repository.",
      "[platform/nonprod/eu-central-1-01] CG120 exec args[4] is a literal value of the flag --password, which takes a secret, and the cluster's Secret is readable by everyone who can read the GitOps repository.",
      "[platform/prod/eu-central-1-01] CG120 exec env SA_JWT is set to a literal string that looks like a key or token, and the cluster's Secret is readable by everyone who can read the GitOps repository.",
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
    const g = fleet();
    (g.others[0] as unknown as { server: string }).server = 'https://my-vcluster.team-a.svc:443';
    (g.others[1] as unknown as { server: string }).server = 'https://kubernetes.default.svc.cluster.local.';
    (g.nonprod as unknown as { roles: unknown }).roles = [
      { name: 'developer', policies: [], groups: ['shop-devs', 'cn=devs,ou=groups,dc=example,dc=org', 'C# Developers'] },
    ];
    expect(linesOf(() => withArgoCd(g).platform.snapshot())).toEqual([
      "[platform/prod/eu-central-1-01] CG149 Cluster prod/aws/eu-central-1-01 gives a server that names the cluster Argo CD runs on (in-cluster), not the cluster's own API server.",
    ]);
    (g.others[1] as unknown as { server: string }).server = 'https://prod.eks.example.com';
    const t = synthesize(g.platform.snapshot());
    expect(yamlOf(t, `${NONPROD_HOME}/values.yaml`).configs.rbac['policy.csv']).toBe(
      'g, shop-devs, proj:nonprod:developer\ng, "cn=devs,ou=groups,dc=example,dc=org", proj:nonprod:developer\ng, C# Developers, proj:nonprod:developer\n',
    );
    expect(yamlOf(t, 'projects/nonprod.yaml').spec.roles[0].groups).toEqual([
      'shop-devs',
      '"cn=devs,ou=groups,dc=example,dc=org"',
      'C# Developers',
    ]);
  });

  test("a plain tag for Argo CD's image where rings take only digests", () => {
    const f = fleet();
    withArgoCd(f, { initialVersion: 'v3.2.0' });
    expect(problemsOf(() => f.platform.snapshot()).map((p) => `${p.code} ${p.message} Fix: ${p.fix}`)).toEqual([
      'CG115 images.argocd.initialDigest "v3.2.0" is not a sha256 digest nor a tag pinned by one. Fix: Give the tag pinned by its digest, <tag>@sha256:… (the initialVersion of a SelfManagedArgoCd).',
    ]);
  });

  test("secrets in Argo CD's credential settings, and settings it cannot read as Argo CD would; other settings are left alone", () => {
    const f = fleet();
    withArgoCd(f, {
      values: {
        configs: {
          cm: {
            'oidc.config': 'clientSecret: s3cr3tOne',
            'dex.config': 'connectors:\n- {type: github, id: gh, config: {clientID: abc, clientSecret: s3cr3tTwo}}\n',
          },
        },
      },
    });
    expect(linesOf(() => f.platform.snapshot())).toEqual([
      '[platform/argo-cd] CG120 Service argo-cd sets configs.cm."oidc.config", whose "clientSecret" is a literal string; the key names a secret, and values files are readable by everyone who can read the GitOps repository.',
      '[platform/argo-cd] CG120 Service argo-cd sets configs.cm."dex.config", whose "connectors[0].config.clientSecret" is a literal string; the key names a secret, and values files are readable by everyone who can read the GitOps repository.',
    ]);
    // What Argo CD's parser might read otherwise is refused, not passed unread.
    for (const text of [
      'clientSecret: s3cr3t\n---\n',
      'a: 1\na: 2\n',
      'x: &k clientSecret\n*k : s3cr3t\n',
      "\"client\\x53ecret\": s3cr3t\nb: 'it\\'s'\n",
    ]) {
      const g = fleet();
      withArgoCd(g, { values: { configs: { cm: { 'oidc.config': text } } } });
      expect(linesOf(() => g.platform.snapshot())).toEqual([
        expect.stringMatching(
          /^\[platform\/argo-cd\] CG149 Service argo-cd sets configs\.cm\."oidc\.config", which cdk8s-gitops cannot read as Argo CD would: /,
        ),
      ]);
    }
    // SSO and notifier settings without a secret, and other texts (banners, Lua), are taken.
    const ok = fleet();
    withArgoCd(ok, {
      allowLiteralSecrets: ['configs.cm.resource.customizations.health.bitnami.com_SealedSecret'],
      values: {
        configs: {
          cm: {
            'oidc.config':
              'name: Okta\nissuer: https://example.okta.com\nclientID: 0oa1b2c3d4E5F6G7H8i9\nclientSecret: $oidc.okta.clientSecret\n' +
              `rootCA: |\n  ${Buffer.from(CA, 'base64').toString('latin1').trim().split('\n').join('\n  ')}\n` +
              'requestedIDTokenClaims: {"groups": {"essential": true}}\n',
            'ui.bannercontent': 'Maintenance tonight. Reset your password: see the wiki.',
            'resource.customizations.health.bitnami.com_SealedSecret': 'hs = {}\nhs.status = "Healthy"\nreturn hs\n',
          },
        },
        notifications: { notifiers: { 'service.opsgenie': 'apiUrl: https://api.opsgenie.com\napiKeys:\n  team: $opsgenie-api-key\n' } },
      },
    });
    expect(() => ok.platform.snapshot()).not.toThrow();
  });

  test('switches before a flag, host names among plugin arguments; servers that are this cluster however spelled', () => {
    const f = fleet((env) =>
      env === 'prod'
        ? ClusterCredentials.exec({
            command: 'kubelogin',
            args: [
              'get-token',
              '--oidc-use-access-token',
              '--server-id',
              '6dae42f8-4368-4678-94ff-3960e28e3630',
              '--proxy',
              'teleport.platform.internal',
            ],
            caData: CA,
          })
        : ClusterCredentials.exec({
            command: 'aws',
            args: [
              'eks',
              'get-token',
              '--cluster-name',
              'nonprod-euc1',
              '--region',
              'eu-central-1',
              '--role-arn',
              'arn:aws:iam::111122223333:role/argocd',
            ],
            caData: CA,
          }),
    );
    expect(synthesize(withArgoCd(f).platform.snapshot()).paths().length).toBeGreaterThan(0);
    // A password that starts with "--" is still the value of the flag before it.
    const pw = fleet((env) =>
      env === 'prod'
        ? ClusterCredentials.exec({ command: 'kubelogin', args: ['--password', '--correct-horse-battery'], caData: CA })
        : defaultCredentials(env),
    );
    expect(linesOf(() => withArgoCd(pw).platform.snapshot())).toEqual([
      "[platform/prod/eu-central-1-01] CG120 exec args[1] is a literal value of the flag --password, which takes a secret, and the cluster's Secret is readable by everyone who can read the GitOps repository.",
    ]);
    // A public name that happens to start like the in-cluster one is another cluster's.
    const pub = fleet();
    (pub.others[0] as unknown as { server: string }).server = 'https://kubernetes.default.example.com';
    expect(() => withArgoCd(pub).platform.snapshot()).not.toThrow();
    for (const server of ['https://kubernetes.default.svc.other-cluster.example', 'https://[::ffff:127.0.0.1]', 'https://0.0.0.0:6443']) {
      const g = fleet();
      (g.others[0] as unknown as { server: string }).server = server;
      expect(linesOf(() => withArgoCd(g).platform.snapshot())).toEqual([
        "[platform/nonprod/eu-central-1-01] CG149 Cluster nonprod/aws/eu-central-1-01 gives a server that names the cluster Argo CD runs on (in-cluster), not the cluster's own API server.",
      ]);
    }
  });

  test('one finding per secret in a credential setting, told by its key path: the whole setting is not reported again, nothing else goes', () => {
    // GIVEN the platform's values, which reach Argo CD's installation and the web service, with secrets in two credential
    // settings (one a notifier named like a token, which a message quotes without it), and one beside them
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const f = newPlatformWith({
      configs: { cm: { 'oidc.config': 'clientSecret: s3cr3tA\n' } },
      notifications: { notifiers: { [`service.webhook.${token}`]: 'url: https://hooks.example.com\npassword: s3cr3tB\n' } },
      database: { password: 's3cr3tC' },
    });
    withArgoCd(f);

    // WHEN
    const problems = problemsOf(() => f.platform.snapshot()).filter((p) => p.code === 'CG120');

    // THEN each secret is one finding: the settings' key by key, the other by the values check
    expect(problems.map((p) => p.message.slice(0, p.message.indexOf(', and values files')))).toEqual([
      'Platform sets "database.password" to a literal string; the key names a secret',
      'Platform sets configs.cm."oidc.config", whose "clientSecret" is a literal string; the key names a secret',
      'Platform sets notifications.notifiers."service.webhook.***", whose "password" is a literal string; the key names a secret',
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/s3cr3t|ghp_/);
  });

  test('what Argo CD reads as credential settings however the key is spelled, turned-off settings, extraObjects emptied over a shared layer', () => {
    const f = fleet();
    withArgoCd(f, {
      values: {
        configs: {
          cm: {
            'oidc.config ': 'clientSecreT: s3cr3tA\n',
            'extension.config':
              'extensions:\n- name: x\n  backend:\n    services:\n    - url: http://x\n      headers:\n      - name: Authorization\n        value: Bearer s3cr3tB\n',
          },
        },
        notifications: { templates: { 'service.slack': 'token: s3cr3tC\n' } },
      },
    });
    const lines = linesOf(() => f.platform.snapshot());
    expect(lines.map((l) => l.slice(0, l.indexOf(' is ')))).toEqual([
      '[platform/argo-cd] CG149 Service argo-cd sets a key of configs.cm with characters other than letters, digits, ".", "_", "/" and "-" ("oidc.config "): the chart writes it unquoted, where YAML could read it as another key',
      '[platform/argo-cd] CG120 Service argo-cd sets configs.cm."oidc.config ", whose "clientsecret"',
      '[platform/argo-cd] CG120 Service argo-cd sets configs.cm."extension.config", whose "extensions[0].backend.services[0].headers[0].value"',
      '[platform/argo-cd] CG120 Service argo-cd sets notifications.templates."service.slack", whose "token"',
    ]);
    expect(lines.join('\n')).not.toMatch(/s3cr3t/);
    // Off in one environment, emptied over the platform's, named after kinds, an env variable's name: taken.
    const ok = newPlatformWith({ extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }] });
    const argoCd = withArgoCd(ok, {
      values: {
        extraObjects: [],
        configs: {
          cm: {
            'resource.customizations.health.bitnami.com_SealedSecret': 'hs = {}\nreturn hs\n',
            'dex.config': 'staticClients:\n- id: argo-workflows-sso\n  secretEnv: ARGO_WORKFLOWS_SSO_CLIENT_SECRET\n',
          },
        },
      },
    });
    expect(argoCd).toBeDefined();
    ok.platform.node
      .findAll()
      .filter((c): c is SelfManagedArgoCd => c instanceof SelfManagedArgoCd)[0]!
      .valuesOn(ok.prod, { configs: { cm: { 'oidc.config': null } } } as never);
    expect(() => ok.platform.snapshot()).not.toThrow();
    // A generic key that ends like an env variable's still holds a secret, for any service.
    const p = newPlatform();
    const env = new Environment(p, 'dev');
    new Cluster(env, 'c1', { cloud: new Cloud(p, 'aws'), region: 'eu-central-1' });
    new Service(p, 'web', {
      image: { repository: 'registry.example.com/web' },
      initialDigest: `sha256:${'a'.repeat(64)}`,
      values: { secretEnv: { JWT_SECRET: 'hunter2hunter2' }, resourceOwnerPassword: 'hunter2' },
    }).deployTo(env);
    expect(linesOf(() => p.snapshot()).length).toBe(2);
  });

  test('notification triggers (lists), keys Go folds to one, and keys the chart would write unquoted', () => {
    const ok = fleet();
    withArgoCd(ok, {
      values: {
        notifications: {
          triggers: { 'trigger.on-deployed': "- when: app.status.operationState.phase in ['Succeeded']\n  send: [app-deployed]\n" },
          templates: { 'template.app-deployed': 'message: Token expiring soon for {{.app.metadata.name}}\n' },
        },
      },
    });
    expect(() => ok.platform.snapshot()).not.toThrow();
    const f = fleet();
    withArgoCd(f, {
      values: { configs: { cm: { 'oidc.config': 'clientſecret: s3cr3t\nclientSecret: $oidc.clientSecret\n', 'x\noidc.config': 'a: 1' } } },
    });
    const lines = linesOf(() => f.platform.snapshot());
    expect(lines).toEqual([
      '[platform/argo-cd] CG149 Service argo-cd sets a key of configs.cm with characters other than letters, digits, ".", "_", "/" and "-" ("x\\noidc.config"): the chart writes it unquoted, where YAML could read it as another key.',
      '[platform/argo-cd] CG149 Service argo-cd sets configs.cm."oidc.config", which cdk8s-gitops cannot read as Argo CD would: it gives a key twice, as Argo CD compares keys (in any case), so what it holds is not known.',
    ]);
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });

  test('no clusters to run on', () => {
    const f = fleet();
    new SelfManagedArgoCd(f.platform, 'argo-cd', { chart: chart(), runsOn: [], initialVersion: PINNED });
    expect(problemsOf(() => f.platform.snapshot()).map((p) => `${p.code} ${p.message}`)).toEqual(
      expect.arrayContaining([
        'CG149 runsOn does not list the clusters the control planes run on (Cluster constructs, one per control plane).',
      ]),
    );
  });
});

describe('a tag pinned by its digest', () => {
  const digest = `sha256:${'c'.repeat(64)}`;

  test('is taken where only digests are, and shortened like a digest', () => {
    expect(versionProblem(`v1.2.3@${digest}`, { requireDigest: true })).toBeUndefined();
    expect(versionProblem('v1.2.3', { requireDigest: true })).toBe('is a tag, but this ring takes only digests');
    expect(versionProblem(`v1@sha256:${'C'.repeat(64)}`)).toMatch(/^is not a tag pinned by its digest/);
    expect(versionProblem('v1@sha256:abc')).toMatch(/^is not a tag pinned by its digest/);
    expect(versionProblem(`@${digest}`)).toMatch(/^is not a tag pinned by its digest/);
    expect(versionProblem(`a@b@${digest}`)).toMatch(/^is not a tag pinned by its digest/);
    expect(shortDigest(`v1.2.3@${digest}`)).toBe('v1.2.3@sha256:cccccccc');
  });

  test("is written as a tag in values, as tag and digest in an overlay's images, as <repository>:<tag>@<digest> in rendered objects", () => {
    const platform: Platform = newPlatform();
    const env = new Environment(platform, 'prod');
    new Cluster(env, 'c1', { cloud: new Cloud(platform, 'aws'), region: 'eu-central-1' });
    const pinned = `1.4.2@${digest}`;
    new Service(platform, 'helm-svc', { image: { repository: 'registry.example.com/helm-svc' }, initialDigest: pinned }).deployTo(env);
    new Service(platform, 'kust-svc', {
      image: { repository: 'registry.example.com/kust-svc' },
      initialDigest: pinned,
      workload: Workload.kustomizePlatformBase({ path: 'bases/kust-svc' }),
    }).deployTo(env);
    const t = synthesize(platform.snapshot());
    expect(yamlOf(t, 'environments/prod/aws/c1/helm-svc/values.yaml').image).toEqual({
      repository: 'registry.example.com/helm-svc',
      tag: pinned,
    });
    expect(yamlOf(t, 'environments/prod/aws/c1/kust-svc/kustomization.yaml').images).toEqual([
      { name: 'registry.example.com/kust-svc', newTag: '1.4.2', digest },
    ]);
  });
});
