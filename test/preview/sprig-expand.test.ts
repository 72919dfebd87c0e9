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
  /** The Application for environments/prod/azure/westeurope-01/payments-api. */
  function azureProd(appset: ApplicationSetInput) {
    return expandApplicationSet(appset, root).find((a) => a.metadata.name === 'payments-api-prod-azure-westeurope-01')!;
  }

  test("Sprig's arithmetic meets Go's language: float literals, int64 results in eq, Sprig's slice", () => {
    // GIVEN templates mixing Go's literals, variables and builtins with Sprig's functions
    const appset = appSetWithAnnotations({
      // Sprig's add converts 1.5 with cast.ToInt64: 1 + 2
      add: '{{ add 1.5 2 }}',
      // add returns an int64, which Go's eq compares with the int 2 as integers
      eq: '{{ $x := 1 }}{{ if eq (add $x 1) 2 }}yes{{ end }}',
      // Sprig's slice, which Argo CD calls rather than Go's builtin
      slice: '{{ slice (list 1 2 3) 1 }}',
      // an int64 in Go's range, index, printf and truth
      range:
        '{{ range add 1 2 }}{{ . }}{{ end }}|{{ index .path.segments (sub 2 1) }}|{{ printf "%03d %T" (mul 3 4) (add 1 1) }}|{{ if sub 1 1 }}t{{ else }}f{{ end }}',
    });
    // WHEN it is expanded
    const app = azureProd(appset);
    // THEN each annotation is what Argo CD writes
    expect(app.metadata.annotations).toEqual({ add: '3', eq: 'yes', slice: '[2 3]', range: '012|prod|012 int64|f' });
  });

  test('a template using Go actions, comments and many Sprig and Argo CD functions renders as Argo CD renders it', () => {
    // GIVEN one template with comments, variables, if/range and Sprig's and Argo CD's functions
    const appset = appSetWithAnnotations({
      values: [
        '{{- /* the values Argo CD would pass */ -}}',
        'config:',
        '{{ dict "env" (index .path.segments 1) "replicas" 2 | toYaml | indent 2 }}',
        '{{- $service := index .path.segments 4 }}',
        'title: {{ $service | replace "-" " " | title }}',
        'digest: {{ .path.path | sha256sum }}',
        'slug: {{ printf "%s %s" $service (index .path.segments 3) | slugify }}',
        'region: {{ regexReplaceAll "-[0-9]+$" (index .path.segments 3) "" }}',
        'encoded: {{ $service | b64enc }}',
        'cut: {{ trunc 2 "sé" }}',
        '{{- range $i, $s := .path.segments }}{{ if lt $i 2 }}',
        'segment{{ $i }}: {{ $s }}{{ end }}{{ end }}',
      ].join('\n'),
    });
    // WHEN it is expanded
    const app = azureProd(appset);
    // THEN the annotation holds Argo CD's rendering; the byte trunc leaves of "é" is U+FFFD
    // in the Application, as encoding/json writes it
    expect(app.metadata.annotations!.values).toBe(
      [
        'config:',
        '  env: prod',
        '  replicas: 2',
        'title: Payments Api',
        'digest: 9dad1bcd3a999a0fee17fd3f1589a5701a80e8969f256e3b77b7d1498d49378a',
        'slug: payments-api-westeurope-01',
        'region: westeurope',
        'encoded: cGF5bWVudHMtYXBp',
        'cut: s\ufffd',
        'segment0: environments',
        'segment1: prod',
      ].join('\n'),
    );
  });

  test('missingkey=zero renders a missing key as the nil Argo CD parameters hold, which Sprig sees as empty', () => {
    // GIVEN goTemplateOptions missingkey=zero and templates reading a key no directory sets
    const appset = appSetWithAnnotations({
      zero: '{{ .team }}',
      fallback: '{{ .team | default "platform" }}',
      truth: '{{ if .team }}set{{ else }}unset{{ end }}',
    });
    (appset as Record<string, any>).spec.goTemplateOptions = ['missingkey=zero'];
    // WHEN it is expanded
    const app = azureProd(appset);
    // THEN Go prints the zero of interface {} as <no value>, and default and if see it as empty
    expect(app.metadata.annotations).toEqual({ zero: '<no value>', fallback: 'platform', truth: 'unset' });
  });
});
