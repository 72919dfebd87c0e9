/**
 * The Argo CD API client against a test double of Argo CD's API on 127.0.0.1 (HTTPS, its own CA),
 * whose answers are checked against Argo CD's API description: each scenario of what an
 * Application may be doing, and each way the API server may fail to answer, named by control plane.
 */
import * as net from 'net';
import { ArgoCdClient, ArgoCdConnection, ComparedSource } from '../../src/live/argocd-client';
import { loadArgoCdApi } from '../support/argocd-api-schema';
import { ArgoCdDouble, canStartArgoCdDouble, DOUBLE_TOKEN, startArgoCdDouble } from '../support/argocd-double';

const SHA = 'c'.repeat(40);
const IMAGE = `registry.example.com/shop/web@sha256:${'a'.repeat(64)}`;

const describeWithDouble = canStartArgoCdDouble() ? describe : describe.skip;
if (!canStartArgoCdDouble())
  console.warn('openssl was not found: the test double of Argo CD cannot make its certificate; its tests are skipped.');

describeWithDouble("a control plane's Argo CD, through its API", () => {
  let double: ArgoCdDouble;
  const connection = (more: Partial<ArgoCdConnection> = {}): ArgoCdConnection => ({
    controlPlane: 'prod',
    server: double.server,
    token: DOUBLE_TOKEN,
    caFile: double.caFile,
    ...more,
  });

  beforeAll(async () => {
    double = await startArgoCdDouble();
  });
  afterAll(() => double?.close());
  beforeEach(() => {
    double.delayMs = 0;
    double.applications = [
      {
        name: 'web-prod-aws-eu-01',
        labels: { service: 'web' },
        revision: SHA,
        images: [IMAGE],
        deployedAt: '2026-11-22T09:00:00Z',
        healthSince: '2026-11-22T09:05:00Z',
      },
      {
        name: 'web-prod-aws-eu-02',
        labels: { service: 'web' },
        health: 'Progressing',
        sync: 'Synced',
        revision: SHA,
        images: [],
        autoSync: false,
      },
      {
        name: 'web-prod-gcp-eu-01',
        labels: { service: 'web' },
        health: 'Degraded',
        operation: { phase: 'Failed', message: 'one or more objects failed to apply' },
      },
      { name: 'api-prod-aws-eu-01', labels: { service: 'api' }, sync: 'OutOfSync', images: ['registry.example.com/shop/api:hotfix'] },
    ];
  });

  const compared = (name: string, revision: string): ComparedSource[] => [
    { repoURL: 'https://git.example.com/platform/platform-gitops.git', path: `environments/${name}`, targetRevision: 'main', revision },
  ];

  test('reads what each Application runs: sync, health and since when, revision, images, last sync, last operation', async () => {
    const apps = await new ArgoCdClient(connection()).applications('service=web');
    expect(apps).toEqual([
      {
        name: 'web-prod-aws-eu-01',
        namespace: 'argocd',
        project: 'default',
        sync: 'Synced',
        revisions: [SHA],
        compared: compared('web-prod-aws-eu-01', SHA),
        health: 'Healthy',
        healthSince: '2026-11-22T09:05:00Z',
        images: [IMAGE],
        autoSync: true,
        deployedAt: '2026-11-22T09:00:00Z',
      },
      {
        name: 'web-prod-aws-eu-02',
        namespace: 'argocd',
        project: 'default',
        sync: 'Synced',
        revisions: [SHA],
        compared: compared('web-prod-aws-eu-02', SHA),
        health: 'Progressing',
        images: [],
        autoSync: false,
      },
      {
        name: 'web-prod-gcp-eu-01',
        namespace: 'argocd',
        project: 'default',
        sync: 'Synced',
        revisions: ['a'.repeat(40)],
        compared: compared('web-prod-gcp-eu-01', 'a'.repeat(40)),
        health: 'Degraded',
        images: [],
        autoSync: true,
        operation: { phase: 'Failed', message: 'one or more objects failed to apply' },
      },
    ]);
    const drifted = await new ArgoCdClient(connection()).application('api-prod-aws-eu-01');
    expect(drifted).toMatchObject({ sync: 'OutOfSync', images: ['registry.example.com/shop/api:hotfix'] });
    // Argo CD answers 403 for an Application it does not have.
    expect(await new ArgoCdClient(connection()).application('gone-prod-aws-eu-01')).toBeUndefined();
  });

  test('reads the sources Argo CD last compared an Application with, each with its ref and the revision it resolved', async () => {
    const chart = { repoURL: 'oci://charts.example.com/web', path: '.', targetRevision: '1.1.0' };
    const values = { repoURL: 'https://git.example.com/platform/platform-gitops.git', targetRevision: 'refs/heads/main', ref: 'values' };
    const digest = `sha256:${'c'.repeat(64)}`;
    double.applications = [
      { name: 'web-prod-aws-eu-01', sources: [chart, values], revisions: [digest, SHA] },
      // Compared before its chart moved on: what it was compared with, not its spec.
      {
        name: 'web-prod-aws-eu-02',
        sources: [chart, values],
        comparedTo: [{ ...chart, targetRevision: '1.0.0' }, values],
        revisions: [digest, SHA],
      },
      { name: 'web-prod-gcp-eu-01', sources: [chart, values], comparedTo: null, revisions: [digest, SHA] },
    ];
    const apps = await new ArgoCdClient(connection()).applications();
    expect(apps.map((a) => a.compared)).toEqual([
      [
        { repoURL: chart.repoURL, path: '.', targetRevision: '1.1.0', revision: digest },
        { repoURL: values.repoURL, ref: 'values', targetRevision: 'refs/heads/main', revision: SHA },
      ],
      [
        { repoURL: chart.repoURL, path: '.', targetRevision: '1.0.0', revision: digest },
        { repoURL: values.repoURL, ref: 'values', targetRevision: 'refs/heads/main', revision: SHA },
      ],
      undefined,
    ]);
  });

  const api = loadArgoCdApi();
  ('validate' in api ? test : test.skip)("every answer of the double is what Argo CD's API description says", async () => {
    const client = new ArgoCdClient(connection());
    await client.applications();
    await client.application('web-prod-aws-eu-01');
    await client.application('gone');
    await new ArgoCdClient(connection({ token: 'wrong' })).applications().catch(() => undefined);
    // A multi-source Application (its chart's revision and the GitOps repository's), and a 503 of a proxy.
    double.applications = [{ name: 'multi', revisions: ['1.4.2', 'c'.repeat(40)], autoSync: false, images: [] }];
    expect((await client.application('multi'))?.revisions).toEqual(['1.4.2', 'c'.repeat(40)]);
    // A sync asked for and not started yet: the Application's operation, the last one's operationState.
    double.applications = [
      { name: 'asked', syncRequestedBy: 'admin', operation: { phase: 'Succeeded', finishedAt: '2026-11-22T09:00:00Z' } },
    ];
    expect((await client.application('asked'))?.operation).toEqual({
      phase: 'Running',
      message: 'a sync is asked for and has not started yet',
    });
    double.unavailable = 1;
    await client.applications().catch(() => undefined);
    expect(new Set(double.sent.map((s) => s.definition))).toEqual(
      new Set(['v1alpha1ApplicationList', 'v1alpha1Application', 'runtimeError']),
    );
    for (const s of double.sent) expect((api as Exclude<typeof api, { reason: string }>).validate(s.definition, s.body)).toEqual([]);
    // The check has teeth: a field the API does not have is refused.
    expect((api as Exclude<typeof api, { reason: string }>).validate('v1alpha1Application', { status: { synced: true } })).not.toEqual([]);
  });
  if (!('validate' in api)) console.warn(`The test double's answers are not checked against Argo CD's API description: ${api.reason}.`);

  test('a token it does not accept is CG802, naming the control plane, never the token', async () => {
    const e = await new ArgoCdClient(connection({ token: 'not-the-token' })).applications().catch((x: Error) => x);
    expect(String(e)).toContain('CG802');
    expect(String(e)).toContain(`The Argo CD of control plane prod (${double.server}): it does not accept the token (401).`);
    expect(String(e)).not.toContain('not-the-token');
  });

  test('a server too slow, or down, or whose certificate is not trusted, is CG801', async () => {
    double.delayMs = 1500;
    const slow = await new ArgoCdClient(connection({ timeoutMs: 300 })).applications().catch((x: Error) => x);
    expect(String(slow)).toContain('CG801');
    expect(String(slow)).toContain('it did not answer within 0.3 s.');
    double.delayMs = 0;

    const port = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const down = await new ArgoCdClient(connection({ server: `127.0.0.1:${port}` })).applications().catch((x: Error) => x);
    expect(String(down)).toContain('nothing listens at its address.');

    const untrusted = await new ArgoCdClient(connection({ caFile: undefined })).applications().catch((x: Error) => x);
    expect(String(untrusted)).toMatch(/CG801 .*its TLS certificate is not one this client trusts/);
    // Verification off, as the argocd CLI's --insecure.
    expect(await new ArgoCdClient(connection({ caFile: undefined, insecure: true })).applications()).toHaveLength(4);
  });

  test('never sends the token in clear, nor with a line break, nor names a password of the server', async () => {
    const plain = (() => {
      try {
        return new ArgoCdClient(connection({ server: `http://${double.server}` }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(String(plain)).toContain('CG801');
    expect(String(plain)).toContain('which would carry the token in clear');
    expect(() => new ArgoCdClient(connection({ token: `${DOUBLE_TOKEN}\n` }))).toThrow(/CG802/);
    const withPassword = (() => {
      try {
        return new ArgoCdClient(connection({ server: `user:s3cret@${double.server}` }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(String(withPassword)).toContain('CG801');
    expect(String(withPassword)).not.toContain('s3cret');
  });
});
