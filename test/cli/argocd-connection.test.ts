/**
 * How the CLI reaches each control plane's Argo CD from the environment and the program: a token
 * and the settings that weaken TLS go only with the server they were given for.
 */
import { argoCdConnection } from '../../src/cli/argocd-settings';
import { GitOpsError } from '../../src/core/errors';

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
