import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cloud, Cluster, ClusterAddon, ControlPlane, Environment, Platform, Service, Targets, Workload } from '../../src';
import { synthesize } from '../../src/synth/synthesize';
import { ValuesSchema } from '../../src/constructs/values-schema';
import { isSecretKey } from '../../src/constructs/values-check';
import { DIGEST, gitOpsError, smallPlatform } from '../support/platforms';
import { SEALED } from '../support/sealed-secret';

const image = { repository: 'registry.example.com/commerce/x' };

function codes(fn: () => unknown): string[] {
  return gitOpsError(fn).problems.map((p) => p.code);
}

describe('names', () => {
  test('fails when a service name holds a Cyrillic letter that looks like a Latin one', () => {
    const { platform } = smallPlatform();
    new Service(platform, 'pаyments', { image, namespace: 'payments' }); // Cyrillic "а"
    const e = gitOpsError(() => platform.snapshot());
    const p = e.problems.find((x) => x.code === 'CG101')!;
    expect(p.constructPath).toBe('platform/pаyments');
    expect(p.message).toContain('"а" (U+0430), a non-ASCII character that looks like "a"');
    expect(p.fix).toBe('Rename it, e.g. "payments".');
  });

  test('fails when a name holds an invisible character, and names it by code point', () => {
    const { platform, cloud } = smallPlatform();
    const env = new Environment(platform, 'stag\u200bing');
    new Cluster(env, 'c1', { cloud, region: 'r' });
    const p = gitOpsError(() => platform.snapshot()).problems.find((x) => x.constructPath === 'platform/stag\u200bing')!;
    expect(p.code).toBe('CG101');
    expect(p.message).toContain('it contains U+200B, a character that is not ASCII');
  });

  test('fails when a name holds fullwidth letters', () => {
    const { platform, env, cloud } = smallPlatform();
    new Cluster(env, 'ｃｌｕｓｔｅｒ', { cloud, region: 'r' });
    const p = gitOpsError(() => platform.snapshot()).problems.find((x) => x.code === 'CG101')!;
    expect(p.message).toContain('looks like "c"');
    expect(p.fix).toBe('Rename it, e.g. "cluster".');
  });

  test("fails when the platform's or a control plane's Argo CD namespace is not a DNS-1123 label, quoting it as JSON", () => {
    const s = smallPlatform({ platform: { argocdNamespace: 'Argo CD {{ print "x" }}' } });
    const edge = new ControlPlane(s.platform, 'edge', { namespace: 'Bad Name\nkind: Secret' });
    new Cluster(new Environment(s.platform, 'edge', { controlPlane: edge }), 'c1', { cloud: s.cloud, region: 'r' });
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.filter((p) => p.code === 'CG101').map((p) => [p.constructPath, p.message, p.fix])).toEqual([
      [
        'platform',
        'Argo CD namespace name "Argo CD {{ print \\"x\\" }}" is not a DNS-1123 label: it must consist of lower-case letters, digits and "-", and start and end with a letter or digit. It is used as the namespace of Argo CD\'s Applications, ApplicationSets and AppProjects.',
        'Set the Platform\'s argocdNamespace to the namespace Argo CD runs in, e.g. "argo-cd-print-x".',
      ],
      [
        'platform/control-planes/edge',
        'Argo CD namespace name "Bad Name\\nkind: Secret" is not a DNS-1123 label: it contains U+000A, a control character. It is used as the namespace of Argo CD\'s Applications, ApplicationSets and AppProjects.',
        'Set the control plane\'s namespace to the namespace its Argo CD runs in, e.g. "bad-name-kind-secret".',
      ],
    ]);
  });

  test('fails when a cluster region is not what a cloud region can be', () => {
    const { platform, env, cloud } = smallPlatform();
    new Cluster(env, 'c2', { cloud, region: 'west europe {{ .x }}' });
    new Cluster(env, 'c3', { cloud, region: 'r'.repeat(64) });
    new Cluster(env, 'c4', { cloud, region: '' });
    new Cluster(env, 'c5', { cloud, region: 'eu-central-1' });
    new Cluster(env, 'c6', { cloud, region: 'europe_west.4' });
    const e = gitOpsError(() => platform.snapshot());
    expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([
      ['CG101', 'platform/prod/c2'],
      ['CG101', 'platform/prod/c3'],
      ['CG101', 'platform/prod/c4'],
    ]);
    expect(e.problems[0]!.message).toBe(
      'Cluster region "west europe {{ .x }}" is not a cloud region: it must be 1 to 63 letters, digits, "-", "_" and ".". It is written into values as global.region.',
    );
  });

  test('fails when a Helm release name holds a look-alike letter', () => {
    const { platform } = smallPlatform({ service: { workload: Workload.helmChart({ releaseName: 'pаyments' }) } });
    const p = gitOpsError(() => platform.snapshot()).problems.find((x) => x.code === 'CG102')!;
    expect(p.message).toContain('looks like "a"');
  });

  test.each([
    [
      'an environment',
      '..',
      (s: ReturnType<typeof smallPlatform>, n: string) =>
        new Cluster(new Environment(s.platform, n), 'c1', { cloud: s.cloud, region: 'r' }),
    ],
    [
      'a cluster',
      '../../etc',
      (s: ReturnType<typeof smallPlatform>, n: string) => new Cluster(s.env, 'c2', { cloud: s.cloud, region: 'r', name: n }),
    ],
    [
      'a cluster',
      '/etc',
      (s: ReturnType<typeof smallPlatform>, n: string) => new Cluster(s.env, 'c2', { cloud: s.cloud, region: 'r', name: n }),
    ],
    [
      'a cluster',
      '',
      (s: ReturnType<typeof smallPlatform>, n: string) => new Cluster(s.env, 'c2', { cloud: s.cloud, region: 'r', name: n }),
    ],
    [
      'a cloud',
      '.git',
      (s: ReturnType<typeof smallPlatform>, n: string) => new Cluster(s.env, 'c2', { cloud: new Cloud(s.platform, n), region: 'r' }),
    ],
    [
      'a service',
      '.git',
      (s: ReturnType<typeof smallPlatform>, n: string) =>
        new Service(s.platform, n, { image, namespace: 'x', workload: Workload.helmChart({ releaseName: 'x' }) }).deployTo(s.env),
    ],
    [
      'a service',
      'a/../..',
      (s: ReturnType<typeof smallPlatform>, n: string) =>
        new Service(s.platform, n, { image, namespace: 'x', workload: Workload.helmChart({ releaseName: 'x' }) }).deployTo(s.env),
    ],
    [
      'a control plane',
      '..',
      (s: ReturnType<typeof smallPlatform>, n: string) =>
        new Environment(s.platform, 'dev', { controlPlane: new ControlPlane(s.platform, n) }),
    ],
  ])('fails when %s name "%s" would become a path segment outside the tree', (_what, name, make) => {
    const s = smallPlatform();
    make(s, name);
    const e = gitOpsError(() => s.platform.snapshot());
    const p = e.problems.find((x) => x.code === 'CG101')!;
    expect(p.message).toMatch(/is not a DNS-1123 label: it (is empty|must consist of)/);
    expect(p.constructPath).toMatch(/^platform/);
    expect(p.fix).toMatch(/^Rename it, e.g. "[a-z0-9-]+"\.$/);
  });

  test('fails when a construct is given an empty id, at synth, with the other problems', () => {
    const { platform } = smallPlatform();
    new Service(platform, '', { image });
    new Environment(platform, 'Staging');
    const e = gitOpsError(() => platform.snapshot());
    expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([
      ['CG101', 'platform'],
      ['CG101', 'platform/Staging'],
    ]);
    expect(e.message).toContain('Service cannot be created with an empty id');
  });

  test.each([
    ['environments', '../outside', 'it has a ".." segment'],
    ['releases', '/etc/releases', 'it is absolute'],
    ['projects', '', 'it is empty'],
    ['bootstrap', '.git/hooks', 'segment ".git" is hidden'],
    ['applicationSets', 'sets/./x', 'it has a "." segment'],
    ['environments', '.cdk8s-gitops', 'segment ".cdk8s-gitops" is hidden'],
    ['environments', 'envs\\..\\..', 'has characters other than'],
  ])('fails when layout.%s is "%s"', (key, dir, why) => {
    const { platform } = smallPlatform({ platform: { layout: { [key]: dir } } });
    const p = gitOpsError(() => platform.snapshot()).problems.find((x) => x.code === 'CG108')!;
    expect(p.message).toBe(
      `layout.${key} "${dir}" is not a safe directory inside the repository: ${p.message.split(': ').slice(1).join(': ').replace(/\.$/, '')}.`,
    );
    expect(p.message).toContain(why);
  });

  test.each([['../chart'], ['/srv/chart'], [''], ['.git/chart']])('fails when chartPath is "%s"', (chartPath) => {
    const { platform } = smallPlatform({ service: { workload: Workload.helmChart({ chartPath }) } });
    const p = gitOpsError(() => platform.snapshot()).problems.find((x) => x.code === 'CG108')!;
    expect(p.constructPath).toBe('platform/payments-api');
    expect(p.message).toContain(`chartPath "${chartPath}" is not a safe relative path`);
  });

  test('fails when layout directories overlap', () => {
    const { platform } = smallPlatform({
      platform: { layout: { environments: 'gitops', applicationSets: 'gitops/prod/azure/westeurope-01', projects: 'bootstrap' } },
    });
    const e = gitOpsError(() => platform.snapshot());
    expect(e.problems.filter((p) => p.code === 'CG124').map((p) => p.message)).toEqual([
      'layout.environments and layout.applicationSets overlap: "gitops/prod/azure/westeurope-01" lies inside "gitops", so files of one would land among the other\'s.',
      "layout.projects and layout.bootstrap overlap: the same directory, so files of one would land among the other's.",
    ]);
  });

  test('fails when an environment is named like a project Argo CD or the bootstrap needs', () => {
    const s = smallPlatform();
    new Environment(s.platform, 'default');
    new Environment(s.platform, 'bootstrap');
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.filter((p) => p.code === 'CG126').map((p) => p.constructPath)).toEqual(['platform/default', 'platform/bootstrap']);
  });

  test.each([['*'], ['azure-*'], ['in-cluster?'], ['!prod'], ['a b'], ['']])('fails when a cluster destination is "%s"', (destination) => {
    const s = smallPlatform();
    new Cluster(s.env, 'c2', { cloud: s.cloud, region: 'r', destination });
    const p = gitOpsError(() => s.platform.snapshot()).problems.find((x) => x.code === 'CG101')!;
    expect(p.constructPath).toBe('platform/prod/c2');
    expect(p.message).toMatch(/^Cluster destination ".*" does not name one cluster: /);
  });

  test.each([
    ['repoURL of a service', { service: { workload: Workload.helmChart({ repoURL: '*' }) } }],
    ['repoURL of a service', { service: { workload: Workload.helmChart({ repoURL: 'https://git.example.com/apps/*' }) } }],
  ])('fails when the %s would match other repositories', (_what, options) => {
    const { platform } = smallPlatform(options);
    const p = gitOpsError(() => platform.snapshot()).problems.find((x) => x.code === 'CG109')!;
    expect(p.constructPath).toBe('platform/payments-api');
  });

  test('fails when the repoURL of a service holds a "?", and shows the URL with it', () => {
    const { platform } = smallPlatform({
      service: { workload: Workload.helmChart({ repoURL: 'https://git.example.com/apps/alph?.git' }) },
    });
    const p = gitOpsError(() => platform.snapshot()).problems.find((x) => x.code === 'CG109')!;
    expect(p.message).toBe(
      'repoURL "https://git.example.com/apps/alph?.git" of service "payments-api" is not usable: it contains "?", which Argo CD reads as a pattern matching other repositories.',
    );
  });

  test.each([
    [{ repoURL: 'https://git.example.com/platform/*.git' }, 'repoURL'],
    [{ applicationRepoURLPattern: 'https://git.example.com/apps/*/{service}.git' }, 'applicationRepoURLPattern'],
    [{ applicationRepoURLPattern: 'file:///srv/{service}' }, 'applicationRepoURLPattern'],
  ])('fails when the Platform gets %j', (props, key) => {
    const platform = new Platform({ repoURL: 'https://git.example.com/p.git', ...props });
    const e = gitOpsError(() => platform.snapshot());
    expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([['CG109', 'platform']]);
    expect(e.problems[0].message).toMatch(new RegExp(`^${key} ".*" is not usable: `));
  });
});

describe("the platform's revision", () => {
  test.each(['ma in', 'a..b', 'HEAD~1', 'main^', ' main', 'main.lock', 'release/', '-x'])(
    'is refused (CG109) when it is %j, no branch Git takes',
    (revision) => {
      const platform = new Platform({ repoURL: 'https://git.example.com/p.git', revision });
      const e = gitOpsError(() => platform.snapshot());
      expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([['CG109', 'platform']]);
      expect(e.problems[0].message).toContain('is not the name of a branch of the GitOps repository: ');
    },
  );

  test.each(['main', 'release/1.4', 'HEAD', 'refs/heads/main'])('is taken when it is %j', (revision) => {
    expect(() => new Platform({ repoURL: 'https://git.example.com/p.git', revision }).snapshot()).not.toThrow();
  });
});

describe('literal secrets', () => {
  test('fails when values hold literal secrets, naming the layer and key path but never the secret', () => {
    const s = smallPlatform({ service: { values: { database: { password: 'hunter2' }, auth: { apiKey: 'AKIA-x', tokens: ['t0k3n'] } } } });
    new Environment(s.platform, 'dev', { values: { smtp: { credentials: 'user:pass' } } });
    new Cluster(s.env, 'c2', { cloud: new Cloud(s.platform, 'aws', { values: { PRIVATE_KEY: '-----BEGIN' } }), region: 'r' });
    s.service.deployTo(s.env, { values: { github: { client_secret: 's3cret', passwd: 'x' } } });
    const e = gitOpsError(() => s.platform.snapshot());
    const secrets = e.problems.filter((p) => p.code === 'CG120');
    expect(secrets.map((p) => [p.constructPath, p.message.split(' to a literal')[0]])).toEqual([
      ['platform/dev', 'Environment dev sets "smtp.credentials"'],
      ['platform/aws', 'Cloud aws sets "PRIVATE_KEY"'],
      ['platform/payments-api', 'Service payments-api sets "database.password"'],
      ['platform/payments-api', 'Service payments-api sets "auth.apiKey"'],
      ['platform/payments-api', 'Service payments-api sets "auth.tokens[0]"'],
      ['platform/payments-api', 'Service payments-api × Environment prod sets "github.client_secret"'],
      ['platform/payments-api', 'Service payments-api × Environment prod sets "github.passwd"'],
    ]);
    expect(secrets[2].fix).toContain('secretStoreRef');
    expect(secrets[2].fix).toContain('add "database.password" to the service\'s allowLiteralSecrets');
    expect(secrets[0].fix).toContain("move it to the service's values");
    for (const secret of ['hunter2', 'AKIA-x', 't0k3n', 'user:pass', '-----BEGIN', 's3cret']) expect(e.message).not.toContain(secret);
  });

  test('accepts references to secrets kept elsewhere, and empty placeholders', () => {
    const { platform } = smallPlatform({
      service: {
        values: {
          externalSecrets: { enabled: true, secretStoreRef: { name: 'prod-cluster-secrets' } },
          tls: { secretName: 'payments-tls' },
          auth: { existingSecret: 'payments-auth', passwordSecretRef: 'db', tokenPath: '/var/run/token', password: '' },
          secretsEnabled: true,
          tokenTTL: 3600,
        },
      },
    });
    expect(() => platform.snapshot()).not.toThrow();
  });

  test('takes references to a secret store, encrypted values, settings and switches under secret keys for no literal secret', () => {
    const found = literalSecrets(
      {
        oauth: { clientSecret: '${OAUTH_CLIENT_SECRET}', cookieSecret: '$(COOKIE_SECRET)' },
        db: { password: '<path:secret/data/db#password>', rootPassword: '<root-password | base64encode>' },
        api: { token: 'ref+vault://secret/api#/token', secret: 'vault:secret/data/api#secret' },
        sops: { password: 'ENC[AES256_GCM,data:Zm9vYmFy,iv:YWJj,tag:ZGVm,type:str]' },
        grafana: { adminPassword: '{{ .Values.grafanaPassword }}' },
        keycloak: { passwordReset: true, tokenExchange: 'enabled', clientSecret: 'none' },
        env: [{ name: 'DB_PASSWORD', value: '<path:secret/data/db#password>' }],
        args: ['--api-token', '${API_TOKEN}'],
        sealedSecrets: { encryptedData: { token: SEALED } },
        shell: { password: '${DB_PASSWORD:?DB_PASSWORD must be set}', token: '${API_TOKEN:-}' },
        bankVaults: { password: 'vault:secret/data/db#password#2' },
        externalSecret: { spec: { data: [{ secretKey: 'password', remoteRef: { key: 'prod/db' } }] } },
        keycloakAuth: { passwordSecretKey: 'admin-password' },
        session: { token: { ttl: '24h', name: 'session' } },
        // a literal among them is still one
        redis: { password: 'Hunter2-among-references' },
      },
      'Hunter2',
    );
    expect(found.map(([keyPath]) => keyPath)).toEqual(['redis.password']);
  });

  test('refuses literal secrets dressed as references: each form is one only whole, and only of a secret store', () => {
    const S = 'Hunter2-Sup3rS3cret';
    const found = literalSecrets(
      {
        vals: { password: `ref+echo://${S}` },
        sops: { password: `ENC[AES256_GCM,data:${S}]` },
        avp: { bindPassword: `<${S}>` },
        sealed: { encryptedData: { dbPassword: S } },
        shell: { password: `\${DB_PASSWORD:-${S}}`, token: `\${X}${S}` },
        env: [{ name: 'API_TOKEN', value: 'my-real-token' }],
        s3: { secretKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY' },
      },
      S,
    );
    expect(found.map(([keyPath]) => keyPath)).toEqual([
      'vals.password',
      'sops.password',
      'avp.bindPassword',
      'sealed.encryptedData.dbPassword',
      'shell.password',
      'shell.token',
      'env[0].value',
      's3.secretKey',
    ]);
  });

  test('accepts the key paths a service allows, in its own layers only', () => {
    const s = smallPlatform({
      service: { allowLiteralSecrets: ['signing.publicKey', 'demo.password'], values: { demo: { password: 'demo' } } },
    });
    new Environment(s.platform, 'dev', { values: { demo: { password: 'demo' } } });
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([['CG120', 'platform/dev']]);
  });

  const PEM =
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\n';
  /** The CG120 problems of a service with these values: [key path, message], after checking no message holds `secret`. */
  function literalSecrets(values: Record<string, unknown>, secret: string, allowLiteralSecrets?: string[]): string[][] {
    const { platform } = smallPlatform({ service: { values: values as never, ...(allowLiteralSecrets ? { allowLiteralSecrets } : {}) } });
    let e;
    try {
      platform.snapshot();
      return [];
    } catch (err) {
      e = err as Error & { problems: { code: string; message: string; fix: string }[] };
    }
    expect(e.message).not.toContain(secret);
    for (const p of e.problems) expect(`${p.message} ${p.fix}`).not.toContain(secret);
    return e.problems.filter((p) => p.code === 'CG120').map((p) => [p.message.match(/sets "([^"]*)"/)![1], p.message]);
  }

  test('fails when a Kubernetes env list gives a secret-named variable a literal value', () => {
    const found = literalSecrets(
      {
        env: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'DB_PASSWORD', value: 'hunter2' },
          { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
        ],
        extraEnvVars: [{ name: 'SMTP_PASS', value: 12345 }],
      },
      'hunter2',
    );
    expect(found).toEqual([
      [
        'env[1].value',
        'Service payments-api sets "env[1].value" to a literal string; the entry\'s name "DB_PASSWORD" names a secret, and values files are readable by everyone who can read the GitOps repository.',
      ],
      ['extraEnvVars[0].value', expect.stringContaining('to a literal number; the entry\'s name "SMTP_PASS" names a secret')],
    ]);
  });

  test('fails when a PEM private key stands under any key, and accepts a certificate', () => {
    const found = literalSecrets(
      { tls: { key: PEM, crt: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }, config: { inline: `ssh:\n  ${PEM}` } },
      'MIIEow',
    );
    expect(found).toEqual([
      ['tls.key', expect.stringContaining('sets "tls.key" to a literal string holding a private key (PEM)')],
      ['config.inline', expect.stringContaining('sets "config.inline" to a literal string holding a private key (PEM)')],
    ]);
  });

  test('fails when a base64-encoded PEM private key stands under any key, and accepts a base64-encoded certificate', () => {
    const encoded = Buffer.from(PEM).toString('base64');
    const found = literalSecrets(
      { tls: { 'tls.key': encoded, 'tls.crt': Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n').toString('base64') } },
      encoded.slice(20, 40),
    );
    expect(found).toEqual([['tls.tls.key', expect.stringContaining('to a literal string holding a base64-encoded private key (PEM)')]]);
  });

  test('fails when a URL carries a password in its userinfo, under any key', () => {
    const found = literalSecrets(
      {
        database: { url: 'postgres://admin:hunter2@db.example.com:5432/payments' },
        broker: 'amqp://guest:hunter2@rabbitmq/',
        ok: [
          'https://registry.example.com/x',
          'ssh://git@git.example.com/apps/x.git',
          'postgres://admin:$(DB_PASSWORD)@db/payments',
          'redis://:${REDIS_PASSWORD}@redis:6379',
        ],
      },
      'hunter2',
    );
    expect(found).toEqual([
      ['database.url', expect.stringContaining('sets "database.url" to a literal string holding a URL with a password')],
      ['broker', expect.stringContaining('sets "broker" to a literal string holding a URL with a password')],
    ]);
  });

  test('fails when a JSON Web Token, an access token or the password of a connection string stands under any key', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaS1ib3QiLCJyb2xlIjoiYWRtaW4ifQ.kK9Xq2cW1eVt8Rz3LmN0pQ7sYbH4uJdF6gA5oE2iT1w';
    const found = literalSecrets(
      {
        auth: { jwt },
        database: { connectionString: 'Server=db;User Id=sa;Password=Hunter2-Pl41n;' },
        github: { pat: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' },
        ok: ['Server=db;User Id=sa;Password=$(DB_PASSWORD);', 'npm_config_user_agent', 'eyJ is how a JWT begins', 'a=b;c=d'],
      },
      'Hunter2',
    );
    expect(found).toEqual([
      ['auth.jwt', expect.stringContaining('sets "auth.jwt" to a literal string holding a JSON Web Token')],
      [
        'database.connectionString',
        expect.stringContaining('sets "database.connectionString" to a literal string holding a secret (Password=…)'),
      ],
      ['github.pat', expect.stringContaining('sets "github.pat" to a literal string holding an access token (ghp_…, glpat-…)')],
    ]);
  });

  test('fails on secrets written as flags, DSNs, queries, configuration files, URLs with any password, annotations and base64 bundles', () => {
    const S = 'Hunter2-values-Pl41n';
    const bundle = '-----BEGIN CERTIFICATE-----\nMIIBfzCCASWgAwIBAgIURZPnUZcc\n-----END CERTIFICATE-----\n' + PEM;
    const found = literalSecrets(
      {
        adminPassword2: S,
        env: [{ name: 'PASSWORD1', value: S }],
        args: [`--db-password=${S}`, '--api-token', S, '--token-ttl', '5m'],
        dsn: `host=db user=app password=${S}`,
        config: `[security]\nadmin_password = ${S}\n`,
        yamlConfig: `database:\n  host: db\n  password: ${S}\n`,
        smtpUrl: `smtp://me@corp.com:${S}@smtp.corp.com:587`,
        dbUrl: `postgres://admin:${S}#x@db/x`,
        dollarUrl: `postgres://admin:$${S}@db/x`,
        jdbc: `jdbc:postgresql://db:5432/x?user=admin&password=${S}`,
        podAnnotations: { 'example.com/api-token': 'q8Zr2Lk9Vx4Tn7Bw1Mp6Hs3Jd5Fg0' },
        tlsBundle: Buffer.from(bundle).toString('base64'),
        dockerconfigjson: `{"auths":{"r.io":{"auth":"${Buffer.from(`u:${S}`).toString('base64')}"}}}`,
      },
      S,
    );
    expect(found.map(([keyPath]) => keyPath)).toEqual([
      'adminPassword2',
      'env[0].value',
      'args[0]',
      'args[2]',
      'dsn',
      'config',
      'yamlConfig',
      'smtpUrl',
      'dbUrl',
      'dollarUrl',
      'jdbc',
      'podAnnotations.example.com/api-token',
      'tlsBundle',
      'dockerconfigjson',
    ]);
  });

  test('takes references, switches and settings written in texts for what they are', () => {
    expect(
      literalSecrets(
        {
          args: ['--token-ttl=5m', '--password-file=/etc/db/password', '--db-password=$(DB_PASSWORD)', '--api-token', '${API_TOKEN}'],
          dsn: 'host=db user=app password=${DB_PASSWORD} sslmode=require',
          config: 'auth:\n  enabled: true\n  passwordFile: /run/secrets/db\n  password: null\n',
          oidc: 'clientSecret: $oidc.clientSecret',
          podAnnotations: { 'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/payments' },
          urls: ['https://git.example.com/org/repo.git', 'postgres://admin:$(DB_PASSWORD)@db/x', 'http://localhost:8080/health'],
          text: 'See the runbook at https://wiki.example.com/x?page=2',
        },
        'never',
      ),
    ).toEqual([]);
  });

  test('fails when a secret key holds a number (a PIN), and takes a boolean for a switch', () => {
    expect(
      literalSecrets(
        { database: { password: 123456 }, redis: { auth: { password: true } }, env: [{ name: 'SMTP_PASS', value: false }] },
        '123456',
      ),
    ).toEqual([['database.password', expect.stringContaining('sets "database.password" to a literal number; the key names a secret')]]);
  });

  test.each(['db.pass', 'db.pwd', 'db.pw', 'ssh.passphrase', 'DB_PASS', 'adminpassword', 'signingKey', 'bearer'])(
    'fails when key "%s" holds a literal string',
    (keyPath) => {
      const [first, second] = keyPath.split('.');
      const values = second ? { [first]: { [second]: 'hunter2' } } : { [first]: 'hunter2' };
      expect(literalSecrets(values, 'hunter2')).toEqual([
        [keyPath, expect.stringContaining(`sets "${keyPath}" to a literal string; the key names a secret`)],
      ]);
    },
  );

  test('fails when values sit anywhere beneath a secret key, naming that key', () => {
    expect(
      literalSecrets({ smtp: { credentials: { user: 'mailer', pw: 'hunter2', port: 587, enabled: true, secretName: 'smtp' } } }, 'hunter2'),
    ).toEqual([
      [
        'smtp.credentials.user',
        expect.stringContaining('sets "smtp.credentials.user" to a literal string; the key "credentials" above it names a secret'),
      ],
      ['smtp.credentials.pw', expect.stringContaining('sets "smtp.credentials.pw" to a literal string; the key names a secret')],
      ['smtp.credentials.port', expect.stringContaining('to a literal number; the key "credentials" above it names a secret')],
    ]);
  });

  test('fails when a long random string stands under a key, auth or hash key, or under a reference to a secret', () => {
    const blob = 'c2VjcmV0LXNpZ25pbmcta2V5LTA5ODc2NTQzMjE=';
    expect(literalSecrets({ jwt: { key: blob }, registry: { auth: blob }, db: { secretName: blob } }, blob)).toEqual([
      [
        'jwt.key',
        expect.stringContaining('sets "jwt.key" to a literal string that looks like a key or token (long and random) under key "key"'),
      ],
      ['registry.auth', expect.stringContaining('under key "auth"')],
      ['db.secretName', expect.stringContaining('under key "secretName"')],
    ]);
  });

  test('accepts what real charts put under secret-looking keys', () => {
    expect(
      literalSecrets(
        {
          externalSecrets: {
            enabled: true,
            refreshInterval: '1h',
            secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
            data: [{ secretKey: 'password', remoteRef: { key: 'prod/payments/db', property: 'password' } }],
          },
          auth: {
            enabled: true,
            username: 'app',
            database: 'payments',
            existingSecret: 'db',
            secretKeys: { adminPasswordKey: 'postgres-password', userPasswordKey: 'password' },
          },
          secret: { create: true, annotations: { 'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/payments' } },
          serviceAccount: { automountServiceAccountToken: false },
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }],
          ingress: {
            tls: [{ secretName: 'payments-tls', hosts: ['payments.example.com'] }],
            annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' },
          },
          llm: { maxTokens: 4096, tokenizer: 'bpe' },
          allowEmptyPassword: false,
          passwordMinLength: 12,
          tokenTTL: 3600,
          bypass: 'cache',
          compass: 'north',
          passthrough: true,
          podLabels: { 'secret-rotation': 'weekly' },
        },
        '<none>',
      ),
    ).toEqual([]);
  });

  test('accepts each new form at a key path the service allows', () => {
    const encoded = Buffer.from(PEM).toString('base64');
    expect(
      literalSecrets(
        {
          env: [{ name: 'DB_PASSWORD', value: 'demo' }],
          tls: { key: encoded },
          url: 'postgres://demo:demo@localhost/demo',
          credentials: { user: 'demo' },
          password: 0,
        },
        '<none>',
        ['env[0].value', 'tls.key', 'url', 'credentials.user', 'password'],
      ),
    ).toEqual([]);
  });

  test.each([
    ['password', true],
    ['dbPassword', true],
    ['DB_PASSWD', true],
    ['clientSecret', true],
    ['githubToken', true],
    ['apiKey', true],
    ['api_key', true],
    ['privateKey', true],
    ['credentials', true],
    ['secretAccessKey', true],
    ['secretName', false],
    ['existingSecret', false],
    ['tokenRef', false],
    ['passwordFile', false],
    ['replicas', false],
    ['pass', true],
    ['pwd', true],
    ['pw', true],
    ['passphrase', true],
    ['adminpassword', true],
    ['accessToken', true],
    ['signing_key', true],
    ['passthrough', false],
    ['bypass', false],
    ['compass', false],
    ['tokenizer', false],
    ['maxTokens', false],
    ['tokenTTL', false],
    ['passwordKey', false],
    ['externalSecrets', false],
    ['automountServiceAccountToken', false],
    ['secretsEnabled', false],
    ['key', false],
  ])('treats key "%s" as a secret: %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });
});

describe('values schema', () => {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['image', 'service'],
    properties: {
      image: {
        type: 'object',
        properties: {
          repository: { type: 'string' },
          digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
          pullPolicy: { enum: ['Always', 'IfNotPresent'] },
        },
      },
      service: { type: 'object', required: ['port'], properties: { port: { type: 'integer', minimum: 1 } } },
      replicas: { type: 'integer' },
    },
  };

  test("passes when every target's final values satisfy the schema (with a placeholder digest)", () => {
    const { platform } = smallPlatform({
      service: { initialDigest: undefined, valuesSchema: ValuesSchema.fromObject(schema), values: { service: { port: 8080 } } },
    });
    expect(() => platform.snapshot()).not.toThrow();
  });

  test('fails when final values break the schema, naming the targets, the key path, the rule and the layer', () => {
    const s = smallPlatform({
      service: { valuesSchema: ValuesSchema.fromObject(schema), values: { service: { port: 8080 }, image: { pullPolicy: 'Sometimes' } } },
    });
    new Cluster(s.env, 'westeurope-02', { cloud: s.cloud, region: 'westeurope' });
    new Cluster(s.env, 'westeurope-03', { cloud: s.cloud, region: 'westeurope', values: { replicas: 'three' } });
    new Cluster(s.env, 'westeurope-04', { cloud: s.cloud, region: 'westeurope' });
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.map((p) => [p.code, p.constructPath, p.message])).toEqual([
      [
        'CG121',
        'platform/payments-api',
        'Values of targets prod/azure/westeurope-01/payments-api, prod/azure/westeurope-02/payments-api, prod/azure/westeurope-03/payments-api and 1 more break the values schema: "image.pullPolicy" must be one of "Always", "IfNotPresent" (enum at #/properties/image/properties/pullPolicy/enum); it is set by Service payments-api.',
      ],
      [
        'CG121',
        'platform/payments-api',
        'Values of target prod/azure/westeurope-03/payments-api break the values schema: "replicas" must be integer (type at #/properties/replicas/type); it is set by Cluster prod/azure/westeurope-03.',
      ],
    ]);
    expect(e.problems[0].fix).toBe(
      'Change "image.pullPolicy" in the values of Service payments-api, or update the schema if the chart accepts it.',
    );
  });

  test('fails when a required value is missing in a target', () => {
    const s = smallPlatform({ service: { valuesSchema: ValuesSchema.fromObject(schema) } });
    s.service.deployTo(s.env, { values: { service: { port: 0 } } });
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.map((p) => p.message)).toEqual([
      'Values of target prod/azure/westeurope-01/payments-api break the values schema: "service.port" must be >= 1 (minimum at #/properties/service/properties/port/minimum); it is set by Service payments-api × Environment prod.',
    ]);
    const s2 = smallPlatform({ service: { valuesSchema: ValuesSchema.fromObject(schema) } });
    const p = gitOpsError(() => s2.platform.snapshot()).problems[0];
    expect(p.message).toContain('"service" is required (required at #/required)');
    expect(p.fix).toBe('Set "service" in the service\'s values, or update the schema if the chart accepts it.');
  });

  test("reads the chart's values.schema.json from a file, in any dialect ajv reads", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-schema-'));
    try {
      const file = path.join(dir, 'values.schema.json');
      fs.writeFileSync(
        file,
        JSON.stringify({ ...schema, $schema: 'https://json-schema.org/draft/2020-12/schema', additionalProperties: false }),
      );
      const { platform } = smallPlatform({ service: { valuesSchema: ValuesSchema.fromFile(file), values: { service: { port: 80 } } } });
      const e = gitOpsError(() => platform.snapshot());
      expect(e.problems.map((p) => p.message.split(' break ')[1])).toEqual([
        `${file}: "global" is not allowed (additionalProperties: false) (additionalProperties at #/additionalProperties).`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    ['the file is missing', (dir: string) => path.join(dir, 'missing.json'), /cannot be read \(ENOENT/],
    ['the file is not JSON', (dir: string) => write(dir, '{ type: object'), /is not JSON/],
    [
      'the schema is draft-04',
      (dir: string) => write(dir, JSON.stringify({ $schema: 'http://json-schema.org/draft-04/schema#' })),
      /uses http:\/\/json-schema.org\/draft-04\/schema#/,
    ],
    ['the schema does not compile', (dir: string) => write(dir, JSON.stringify({ type: 'no-such-type' })), /is not a valid JSON schema/],
  ])('fails when %s, at synth, at the service given the schema', (_what, file, message) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-schema-'));
    try {
      const { platform } = smallPlatform({ service: { valuesSchema: ValuesSchema.fromFile(file(dir)) } });
      const e = gitOpsError(() => platform.snapshot());
      expect(e.problems.map((p) => [p.code, p.constructPath, p.file])).toEqual([['CG122', 'platform/payments-api', file(dir)]]);
      expect(e.problems[0].message).toMatch(message);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails when valuesSchema is a plain object', () => {
    const { platform } = smallPlatform({ service: { valuesSchema: schema as any } });
    const e = gitOpsError(() => platform.snapshot());
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({
      code: 'CG122',
      constructPath: 'platform/payments-api',
      message: 'valuesSchema is an instance of Object, not a ValuesSchema.',
    });
  });

  function write(dir: string, text: string): string {
    const file = path.join(dir, 'values.schema.json');
    fs.writeFileSync(file, text);
    return file;
  }
});

describe('collisions', () => {
  test("fails when two environments of one control plane reuse cluster names (the seed's trap)", () => {
    const platform = new Platform({
      repoURL: 'https://git.example.com/p.git',
      applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    });
    const azure = new Cloud(platform, 'azure');
    const nonprod = new Environment(platform, 'nonprod');
    const prod = new Environment(platform, 'prod');
    new Cluster(nonprod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
    new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
    new Service(platform, 'payments-api', { image, initialDigest: DIGEST }).deployTo([nonprod, prod]);
    const e = gitOpsError(() => platform.snapshot());
    expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([['CG105', 'platform/prod/westeurope-01']]);
    expect(e.problems[0].message).toBe(
      'Clusters nonprod/azure/westeurope-01 and prod/azure/westeurope-01 are both registered as destination "azure-westeurope-01" in control plane "argocd". ' +
        "1 Application would then deploy into the same namespace as another cluster's Application and fight over its resources: payments-api-prod-azure-westeurope-01.",
    );
    expect(e.problems[0].fix).toContain("new ControlPlane(platform, 'prod')");
  });

  test('passes when those environments have control planes of their own', () => {
    const platform = new Platform({
      repoURL: 'https://git.example.com/p.git',
      applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    });
    const azure = new Cloud(platform, 'azure');
    const nonprod = new Environment(platform, 'nonprod', { controlPlane: new ControlPlane(platform, 'nonprod') });
    const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
    new Cluster(nonprod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
    new Cluster(prod, 'westeurope-01', { cloud: azure, region: 'westeurope' });
    new Service(platform, 'payments-api', { image, initialDigest: DIGEST }).deployTo([nonprod, prod]);
    expect(platform.snapshot().targets).toHaveLength(2);
  });

  test('fails when two services of one environment share a namespace on a cluster', () => {
    const s = smallPlatform();
    new Service(s.platform, 'payments-worker', { image, namespace: 'payments-api', initialDigest: DIGEST }).deployTo(s.cluster);
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.map((p) => p.code)).toEqual(['CG104']);
    expect(e.problems[0].fix).toBe('Give one of the services another namespace.');
  });

  test('fails when two clusters are registered under one destination name', () => {
    const s = smallPlatform();
    new Cluster(s.env, 'westeurope-02', { cloud: s.cloud, region: 'westeurope', destination: 'azure-westeurope-01' });
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.map((p) => p.code)).toEqual(['CG105']);
    expect(e.problems[0].fix).toMatch(/^Give each cluster its own destination name/);
    expect(e.problems[0].fix).not.toContain('separate control planes');
  });

  test("fails when a service's own ApplicationSet and a cluster's would share a name", () => {
    const s = smallPlatform();
    new Cluster(s.env, 'c1', { cloud: s.cloud, region: 'r', destination: 'special' });
    new Cloud(s.platform, 'aws');
    new Service(s.platform, 'azure-c1', { image, initialDigest: DIGEST, namespace: 'custom' }).deployTo(s.cluster);
    new Service(s.platform, 'api', { image, initialDigest: DIGEST }).deployTo(s.env.node.findChild('c1') as Cluster);
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'CG125',
        'ApplicationSet "workloads-prod-azure-c1" in control plane "argocd" would be made twice: for cluster prod/azure/c1 (own destination) and for service azure-c1 in environment prod (own settings).',
      ],
    ]);
  });

  test('fails when a service deploys into the Argo CD namespace', () => {
    const s = smallPlatform({ service: { namespace: 'argocd' } });
    const other = new ControlPlane(s.platform, 'edge', { namespace: 'gitops' });
    new Cluster(new Environment(s.platform, 'edge', { controlPlane: other }), 'c1', { cloud: s.cloud, region: 'r' });
    new Service(s.platform, 'gitops', { image, initialDigest: DIGEST }).deployTo(s.platform.node.findChild('edge') as Environment);
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.problems.map((p) => [p.code, p.constructPath])).toEqual([
      ['CG123', 'platform/payments-api'],
      ['CG123', 'platform/gitops'],
    ]);
    expect(e.problems[0].message).toBe(
      'Service "payments-api" deploys into namespace "argocd", where the Argo CD of control plane "argocd" runs; an AppProject allowed to deploy there can change Argo CD itself.',
    );
    expect(e.problems[1].fix).toBe("Give the service its own namespace, e.g. namespace: 'gitops-app'.");
  });

  test('fails when a cluster add-on deploys into the Argo CD namespace, naming it an add-on', () => {
    const s = smallPlatform();
    new ClusterAddon(s.platform, 'evil', {
      chart: Workload.helmRepositoryChart({ repoURL: 'https://charts.example.com', chart: 'evil', version: '1.0.0' }),
      image: { repository: 'registry.example.com/evil' },
      namespace: 'argocd',
      clusters: Targets.all(),
    });
    const e = gitOpsError(() => s.platform.snapshot());
    const p = e.problems.find((x) => x.code === 'CG123')!;
    expect([p.constructPath, p.message, p.fix]).toEqual([
      'platform/evil',
      'Cluster add-on "evil" deploys into namespace "argocd", where the Argo CD of control plane "argocd" runs; an AppProject allowed to deploy there can change Argo CD itself.',
      "Give the add-on its own namespace, e.g. namespace: 'evil'.",
    ]);
  });
});

describe('reporting', () => {
  test('fails once with every problem of the program, each with its construct path and a fix', () => {
    const s = smallPlatform({
      platform: { layout: { releases: '../releases' } },
      service: {
        values: { password: 'x', replicas: 'two' },
        valuesSchema: ValuesSchema.fromObject({ type: 'object', properties: { replicas: { type: 'integer' } } }),
      },
    });
    new Environment(s.platform, 'Prod');
    new Cluster(s.env, 'c2', { cloud: s.cloud, region: 'r', destination: '*' });
    const e = gitOpsError(() => s.platform.snapshot());
    expect(e.message.split('\n')[0]).toBe(`The platform program has ${e.problems.length} problems:`);
    expect(e.problems.map((p) => p.code).sort()).toEqual(['CG101', 'CG101', 'CG108', 'CG120', 'CG121']);
    for (const p of e.problems) {
      expect(p.constructPath).toMatch(/^platform/);
      expect(p.fix.length).toBeGreaterThan(10);
      expect(e.message).toContain(`[${p.constructPath}] ${p.code} ${p.message} Fix: ${p.fix}`);
    }
  });

  test('writes nothing when the program has problems', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-out-'));
    try {
      const out = path.join(dir, 'out');
      const s = smallPlatform({ service: { values: { token: 'x' } } });
      expect(codes(() => s.platform.synth({ outdir: out }))).toEqual(['CG120']);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a valid small platform synthesizes', () => {
    expect(synthesize(smallPlatform().platform.snapshot()).paths()).toContain(
      'environments/prod/azure/westeurope-01/payments-api/values.yaml',
    );
  });
});
