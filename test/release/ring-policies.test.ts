import { ringPolicies } from '../../src/model/versions';
import { PlatformModel } from '../../src/model/platform-model';

/** Only what ringPolicies reads: environments and rings. */
function modelOf(environments: Record<string, boolean>, rings: Record<string, string[]>): PlatformModel {
  return {
    environments: Object.entries(environments).map(([name, requireDigest]) => ({ name, requireDigest })),
    rings: Object.entries(rings).map(([name, targets]) => ({ name, targets })),
  } as unknown as PlatformModel;
}

describe('ringPolicies', () => {
  test('a ring takes tags only when no environment of its targets requires digests', () => {
    const model = modelOf(
      { dev: false, 'dev-eu': true, prod: true },
      {
        dev: ['dev/aws/a-01/api', 'dev/gcp/b-01/api'],
        mixed: ['dev/aws/a-01/web', 'prod/aws/a-01/web'],
        // an environment whose name starts like another's is told apart by the whole first segment
        lookalike: ['dev-eu/aws/a-01/api'],
        prod: ['prod/aws/a-01/api'],
      },
    );
    expect(ringPolicies(model)).toEqual({
      dev: { requireDigest: false },
      mixed: { requireDigest: true },
      lookalike: { requireDigest: true },
      prod: { requireDigest: true },
    });
  });

  test('a ring without targets, or a platform where no environment requires digests', () => {
    expect(ringPolicies(modelOf({ dev: false }, { empty: [], dev: ['dev/aws/a-01/api'] }))).toEqual({
      empty: { requireDigest: true },
      dev: { requireDigest: false },
    });
  });

  test("a ring's former names (movedFrom) are read with the policy of the rings that take their entries over", () => {
    const model = {
      environments: [
        { name: 'dev', requireDigest: false },
        { name: 'prod', requireDigest: true },
      ],
      rings: [
        // dev renamed: an entry recorded under "dev" may hold a tag, as the ring still may
        { name: 'development', targets: ['dev/aws/a-01/api'], movedFrom: ['dev'] },
        // a ring split into a ring that takes tags and one that does not: tags only if both would
        { name: 'canary-a', targets: ['dev/aws/b-01/api'], movedFrom: ['canary'] },
        { name: 'canary-b', targets: ['prod/aws/b-01/api'], movedFrom: ['canary'] },
        // a former name still declared keeps its own policy
        { name: 'prod', targets: ['prod/aws/a-01/api'], movedFrom: ['development'] },
      ],
    } as unknown as PlatformModel;
    expect(ringPolicies(model)).toEqual({
      development: { requireDigest: false },
      'canary-a': { requireDigest: false },
      'canary-b': { requireDigest: true },
      prod: { requireDigest: true },
      dev: { requireDigest: false },
      canary: { requireDigest: true },
    });
  });
});
