/**
 * How the CLI reaches each control plane's Argo CD from the environment and the program: a token
 * and the settings that weaken TLS go only with the server they were given for.
 */
import { argoCdConnection } from '../../src/cli/argocd-settings';
import { GitOpsError } from '../../src/core/errors';
import { ArgoCdClient } from '../../src/live/argocd-client';

/** A token as Argo CD issues them (a JSON Web Token), made up: messages must never show it. */
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaS1ib3QiLCJpc3MiOiJhcmdvY2QifQ.c2VjcmV0LXRva2VuLXZhbHVlLW5vdC1zaG93bg';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof GitOpsError) return e.message;
    throw e;
  }
  return '';
};

describe('argoCdConnection', () => {
  test('the shared pair for a control plane without settings of its own', () => {
    expect(
      argoCdConnection(
        { ARGOCD_SERVER: 'argocd:443', ARGOCD_AUTH_TOKEN: 't', ARGOCD_PLAINTEXT: 'true', ARGOCD_CA_FILE: 'ca.pem' },
        'prod-eu',
      ),
    ).toEqual({
      controlPlane: 'prod-eu',
      server: 'argocd:443',
      token: 't',
      caFile: 'ca.pem',
      plaintext: true,
    });
  });

  test("a control plane's own server takes its own token, and never the shared plaintext or insecure settings", () => {
    const env = {
      ARGOCD_SERVER: 'localhost:8080',
      ARGOCD_AUTH_TOKEN: 'shared',
      ARGOCD_PLAINTEXT: 'true',
      ARGOCD_INSECURE: 'true',
      ARGOCD_AUTH_TOKEN_PROD_EU: 'own',
    };
    expect(argoCdConnection(env, 'prod-eu', { server: 'argocd.prod.example.com' })).toEqual({
      controlPlane: 'prod-eu',
      server: 'argocd.prod.example.com',
      token: 'own',
    });
    expect(argoCdConnection({ ...env, ARGOCD_SERVER_PROD_EU: '10.0.0.1:443' }, 'prod-eu')).toEqual({
      controlPlane: 'prod-eu',
      server: '10.0.0.1:443',
      token: 'own',
    });
    // Its own variables may weaken its own connection.
    expect(argoCdConnection({ ...env, ARGOCD_INSECURE_PROD_EU: 'true' }, 'prod-eu', { server: 'argocd.prod.example.com' })).toMatchObject({
      insecure: true,
    });
    expect(message(() => argoCdConnection({ ARGOCD_AUTH_TOKEN: 'shared' }, 'prod-eu', { server: 'argocd.prod.example.com' }))).toContain(
      'ARGOCD_AUTH_TOKEN_PROD_EU is not set (the program gives the control plane its own server, and a shared ARGOCD_AUTH_TOKEN is never sent to it).',
    );
  });
});

describe('the Argo CD server in messages', () => {
  test('a server and token swapped are refused before any request, neither shown', () => {
    for (const env of [
      { ARGOCD_SERVER_DEV: TOKEN, ARGOCD_AUTH_TOKEN_DEV: 'argocd.example.internal:443' },
      { ARGOCD_SERVER: TOKEN, ARGOCD_AUTH_TOKEN: 'https://argocd.example.internal' },
    ]) {
      const text = message(() => argoCdConnection(env, 'dev'));
      expect(text).toContain('CG801 The Argo CD of control plane dev: the server (');
      expect(text).toContain('looks like a token; neither is shown. Nothing was asked of Argo CD.');
      expect(text).not.toContain(TOKEN.slice(-20));
      expect(text).not.toContain('argocd.example.internal');
    }
    expect(
      message(() =>
        argoCdConnection({ ARGOCD_SERVER: 'argocd.example.internal', ARGOCD_AUTH_TOKEN: 'argocd.example.internal:443' }, 'dev'),
      ),
    ).toContain('the token (ARGOCD_AUTH_TOKEN) looks like a server');
  });

  // The token sent is the server's (its variables given twice) or another one: either way, the server's form alone must hide it.
  const OTHER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.b3RoZXI';
  test.each([
    ['the token in its path', `https://127.0.0.1:1/argocd/${TOKEN}/`, TOKEN, 'its server not shown: it holds the token'],
    ['another token in its path', `https://127.0.0.1:1/argocd/${TOKEN}/`, OTHER, 'https://127.0.0.1:1/argocd/***'],
    ['a host that is a token', TOKEN, OTHER, 'its server not shown: it names no host'],
    ['a token in its query', `https://127.0.0.1:1/?token=${TOKEN}`, OTHER, 'https://127.0.0.1:1/?token=***'],
  ])('a server with %s is shown without it when Argo CD cannot be reached', async (_what, server, token, shown) => {
    const failure = await new ArgoCdClient({ controlPlane: 'dev', server, token, timeoutMs: 2000 }).applications().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GitOpsError);
    const text = (failure as GitOpsError).message;
    expect(text).toContain(`CG801 The Argo CD of control plane dev (${shown}`);
    expect(text).not.toContain(TOKEN.split('.')[1]);
    expect(text).not.toContain(TOKEN.split('.')[2]);
  });

  test('a server of host, port and path is shown as it is', async () => {
    const failure = await new ArgoCdClient({ controlPlane: 'dev', server: '127.0.0.1:1/argocd', token: TOKEN, timeoutMs: 2000 })
      .applications()
      .catch((e: unknown) => e);
    expect((failure as GitOpsError).message).toContain(
      'CG801 The Argo CD of control plane dev (127.0.0.1:1/argocd): nothing listens at its address.',
    );
  });
});
