/**
 * The model rules judge plain data: a model changed after its snapshot (as a program on another
 * SDK version or a hand-built model would give it) is judged the same as a program would be.
 */
import { MODEL_RULES, ModelRuleName } from '../../src/model/rules';
import { PlatformModel, ServiceModel } from '../../src/model/platform-model';
import { ringFleet } from '../support/ring-fleet';

const valid = ringFleet();

/** The codes and construct paths `rule` reports for `valid` with its services changed by `change`. */
function found(rule: ModelRuleName, change: (s: ServiceModel) => ServiceModel | ServiceModel[]): string[] {
  const model: PlatformModel = { ...valid, services: valid.services.flatMap((s) => (s.name === 'payments-api' ? change(s) : [s])) };
  return MODEL_RULES[rule](model).map((p) => `${p.code} ${p.constructPath}`);
}

const PAYMENTS = valid.services.find((s) => s.name === 'payments-api')!.path;

describe('model rules', () => {
  test('a valid platform breaks no rule', () => {
    for (const [name, rule] of Object.entries(MODEL_RULES)) expect([name, rule(valid)]).toEqual([name, []]);
  });

  describe('services', () => {
    test('two services of one name (CG135) name the second', () => {
      expect(found('services', (s) => [s, { ...s, path: 'platform/other' }])).toEqual(['CG135 platform/other']);
    });

    test('a Helm service without a repository (CG106)', () => {
      expect(found('services', (s) => ({ ...s, source: { ...s.source, repoURL: '' } as ServiceModel['source'] }))).toEqual([
        `CG106 ${PAYMENTS}`,
      ]);
    });

    test('a repository Argo CD could not clone (CG109); one filled in from the pattern is not judged again', () => {
      const bad = found('services', (s) => ({ ...s, source: { ...s.source, repoURL: 'git.example.com apps' } as ServiceModel['source'] }));
      expect(bad).toEqual([`CG109 ${PAYMENTS}`]);
      expect(MODEL_RULES.services({ ...valid, applicationRepoURLPattern: 'not a url {service}' })).toEqual([]);
    });

    test('an initialDigest no ring can take (CG115)', () => {
      expect(found('services', (s) => ({ ...s, initialDigest: 'not a tag!' }))).toEqual([`CG115 ${PAYMENTS}`]);
      // The fleet's environments require digests: a tag is refused as well.
      expect(found('services', (s) => ({ ...s, initialDigest: 'v1.2.3' }))).toEqual([`CG115 ${PAYMENTS}`]);
    });
  });

  describe('sensitive namespaces', () => {
    test.each(['kube-system', 'default', 'kube-public'])('namespace %s is refused (CG138) unless the service allows it', (namespace) => {
      expect(found('sensitiveNamespaces', (s) => ({ ...s, namespace }))).toEqual([`CG138 ${PAYMENTS}`]);
      expect(found('sensitiveNamespaces', (s) => ({ ...s, namespace, allowSensitiveNamespace: true }))).toEqual([]);
    });
  });
});
