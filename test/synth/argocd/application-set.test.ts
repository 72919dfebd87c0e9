import { paymentsPlatform } from '../../../examples/payments-platform/main';
import { MANIFEST_GENERATE_PATHS } from '../../../src/synth/argocd/application-set';
import { snapshotPlatform } from '../../../src/constructs/snapshot';
import { applicationsOf, viewOfDeclaredTree } from '../../../src/workspace/inspect/checkout';
import { synthesize } from '../../../src/synth/synthesize';

describe('workload ApplicationSets', () => {
  it("scope each generated Application's refresh to its own values directory", () => {
    // GIVEN the example platform, synthesized in memory
    const tree = synthesize(snapshotPlatform(paymentsPlatform()));

    // WHEN its ApplicationSets are expanded offline, as the ApplicationSet controller would
    const apps = [...applicationsOf(viewOfDeclaredTree(tree)).values()].map((a) => a.app);

    // THEN every Application names the directory its values file is in, from the repository root
    expect(apps).toHaveLength(8);
    for (const app of apps) {
      const valueFile = ((app.spec as any).sources[0].helm.valueFiles as string[])[0];
      expect(valueFile).toMatch(/^\$values\/environments\/.+\/values\.yaml$/);
      expect(app.metadata.annotations).toEqual({
        [MANIFEST_GENERATE_PATHS]: `/${valueFile.slice('$values/'.length, -'/values.yaml'.length)}`,
      });
    }
    const canary = apps.find((a) => a.metadata.name === 'payments-api-prod-azure-westeurope-01')!;
    expect(canary.metadata.annotations).toEqual({
      'argocd.argoproj.io/manifest-generate-paths': '/environments/prod/azure/westeurope-01/payments-api',
    });
  });

  it('put the annotation in the template, with an absolute path', () => {
    // GIVEN
    const tree = synthesize(snapshotPlatform(paymentsPlatform()));

    // WHEN
    const sets = viewOfDeclaredTree(tree).applicationSets.map((s) => s.object as any);

    // THEN
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets) {
      expect(set.spec.template.metadata.annotations).toEqual({ [MANIFEST_GENERATE_PATHS]: '/{{ .path.path }}' });
    }
  });
});
