/**
 * Which files a service's shard may record: a target's files, its ledger, its Flux entry point,
 * its release model file. Told without splitting the path, and the same as splitting it.
 */
import fc from 'fast-check';
import { isFileOfServiceIn } from '../../src/synth/manifest';
import { serviceModelPath } from '../../src/synth/release-model';

const layout = { environments: 'environments', releases: 'releases' };

/** The rule written the plain way: split the path into its segments. */
function bySegments(l: typeof layout, p: string, service: string): boolean {
  if (p === serviceModelPath(service) || p === `${l.releases}/${service}.yaml`) return true;
  const flux = p.split('/');
  if (flux.length === 5 && flux[0] === 'clusters' && flux[4] === `${service}.yaml`) return true;
  if (!p.startsWith(`${l.environments}/`)) return false;
  const rest = p.slice(l.environments.length + 1).split('/');
  return rest.length >= 5 && rest[3] === service;
}

test.each([
  ['environments/prod/aws/eu-1/api/values.yaml', 'api', true],
  ['environments/prod/aws/eu-1/api/sub/deep.yaml', 'api', true],
  ['environments/prod/aws/eu-1/api/', 'api', true],
  ['environments/prod/aws/eu-1/api', 'api', false],
  ['environments/prod/aws/eu-1/apix/values.yaml', 'api', false],
  ['environments/prod/aws/eu-1/ap/values.yaml', 'api', false],
  ['environments/prod/aws//api/values.yaml', 'api', true],
  ['environments//aws/eu-1/api/values.yaml', 'api', true],
  ['environmentsx/prod/aws/eu-1/api/values.yaml', 'api', false],
  ['environments', 'api', false],
  ['releases/api.yaml', 'api', true],
  ['clusters/prod/aws/eu-1/api.yaml', 'api', true],
  ['clusters/prod/aws/eu-1/web.yaml', 'api', false],
])('%s is a file of %s: %s', (p, service, expected) => {
  expect(isFileOfServiceIn(layout, p, service)).toBe(expected);
  expect(bySegments(layout, p, service)).toBe(expected);
});

test('the same answer as splitting the path, for any path and service', () => {
  const segment = fc.constantFrom('environments', 'releases', 'clusters', 'prod', 'aws', 'eu-1', 'api', 'api.yaml', 'values.yaml', '', 'x');
  const layouts = fc.constantFrom(layout, { environments: 'env/a', releases: 'env/a' }, { environments: 'e', releases: 'r/s' });
  fc.assert(
    fc.property(layouts, fc.array(segment, { minLength: 1, maxLength: 8 }), fc.constantFrom('api', 'x', 'prod'), (l, parts, service) => {
      const p = parts.join('/');
      expect(isFileOfServiceIn(l, p, service)).toBe(bySegments(l, p, service));
    }),
    { numRuns: 5000 },
  );
});
