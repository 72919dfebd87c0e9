/**
 * A platform of many services on many clusters, for tests of what commands say and do at a
 * fleet's scale.
 */
import { Cloud, Cluster, ControlPlane, Environment, Platform, PromotionRing, Service, Targets, Values } from '../../src';
import { PlatformModel } from '../../src/model/platform-model';

/** The digest every service of {@link fleet} starts from. */
export const FLEET_DIGEST = `sha256:${'1'.repeat(64)}`;

/**
 * One environment, `prod`, on `clusters` aws clusters (`eu-central-1-01` …), one ring, running
 * `services` services (`svc-01` …), each with `values`.
 */
export function fleet(services: number, clusters: number, values: Values = {}): PlatformModel {
  const platform = new Platform({
    repoURL: 'https://git.example.com/platform/platform-gitops.git',
    applicationRepoURLPattern: 'https://git.example.com/apps/{service}.git',
  });
  const prod = new Environment(platform, 'prod', { controlPlane: new ControlPlane(platform, 'prod') });
  const aws = new Cloud(platform, 'aws');
  for (let c = 1; c <= clusters; c++)
    new Cluster(prod, `eu-central-1-${String(c).padStart(2, '0')}`, { cloud: aws, region: 'eu-central-1' });
  new PromotionRing(platform, 'prod', { targets: Targets.environment(prod) });
  for (let s = 1; s <= services; s++) {
    const name = `svc-${String(s).padStart(2, '0')}`;
    new Service(platform, name, { image: { repository: `registry.example.com/${name}` }, initialDigest: FLEET_DIGEST, values }).deployTo(
      prod,
    );
  }
  return platform.snapshot();
}
