import { parse } from 'yaml';
import { ApplicationSetInput, expandApplicationSet } from '../../src/preview';
import { SEED_APPLICATION_SET } from '../support/seed';
import { makeTree, removeTree, SEED_VALUES_FILES } from './fixtures';

/** The seed ApplicationSet with annotations whose values are the given templates. */
function appSetWithAnnotations(annotations: Record<string, string>): ApplicationSetInput {
  const a = parse(SEED_APPLICATION_SET) as Record<string, any>;
  a.spec.template.metadata.annotations = annotations;
  return a;
}

describe('Sprig functions in an expanded ApplicationSet', () => {
  let root: string;

  beforeEach(() => {
    root = makeTree([...SEED_VALUES_FILES]);
  });

  afterEach(() => removeTree(root));

  test('the Application holds what Argo CD writes: U+FFFD for a cut character, toYaml text, hashes, slugs', () => {
    // GIVEN annotations computed with Sprig and Argo CD functions
    const appset = appSetWithAnnotations({
      cut: '{{ trunc 2 "sé" }}',
      yaml: '{{ dict "env" (index .path.segments 1) "replicas" 2 | toYaml }}',
      hash: '{{ sha256sum .path.path | trunc 8 }}',
      slug: '{{ slugify (printf "%s/%s" (index .path.segments 4) (index .path.segments 3)) }}',
      title: '{{ index .path.segments 4 | replace "-" " " | title }}',
    });
    // WHEN it is expanded over the seed tree
    const apps = expandApplicationSet(appset, root);
    // THEN each annotation is Argo CD's rendering for that directory
    const app = apps.find((a) => a.metadata.name === 'payments-api-prod-azure-westeurope-01')!;
    expect(app.metadata.annotations).toMatchObject({
      cut: 's\ufffd',
      yaml: 'env: prod\nreplicas: 2',
      // SHA-256 of environments/prod/azure/westeurope-01/payments-api, first 8 hex digits
      hash: '9dad1bcd',
      slug: 'payments-api-westeurope-01',
      title: 'Payments Api',
    });
  });
});
