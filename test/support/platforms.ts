/** Small platforms for tests: one environment, one cloud, one cluster, one service. */
import { Cloud, Cluster, Environment, Platform, Service } from '../../src';
import type { EnvironmentProps, PlatformProps, ServiceProps } from '../../src';
import { GitOpsError } from '../../src/core/errors';

export const DIGEST = `sha256:${'2e8f1a31'.repeat(8)}`;

export interface Small {
  readonly platform: Platform;
  readonly env: Environment;
  readonly cloud: Cloud;
  readonly cluster: Cluster;
  readonly service: Service;
}

/** A valid platform: `prod` with cluster `azure/westeurope-01`, service `payments-api` deployed to it. */
export function smallPlatform(
  options: { platform?: Partial<PlatformProps>; env?: EnvironmentProps; service?: Partial<ServiceProps> } = {},
): Small {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
    ...options.platform,
  });
  const env = new Environment(platform, 'prod', options.env);
  const cloud = new Cloud(platform, 'azure');
  const cluster = new Cluster(env, 'westeurope-01', { cloud, region: 'westeurope' });
  const service = new Service(platform, 'payments-api', {
    image: { repository: 'registry.example.com/commerce/payments-api' },
    initialDigest: DIGEST,
    ...options.service,
  });
  service.deployTo(env);
  return { platform, env, cloud, cluster, service };
}

/** The GitOpsError `fn` throws; fails the test when it throws nothing or something else. */
export function gitOpsError(fn: () => unknown): GitOpsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GitOpsError) return e;
    throw new Error(`Expected a GitOpsError, got: ${(e as Error)?.stack ?? String(e)}`);
  }
  throw new Error('Expected a GitOpsError, but nothing was thrown.');
}
