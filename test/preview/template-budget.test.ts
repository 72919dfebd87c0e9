/**
 * A template may ask for exponentially much work in a few characters: a value that doubles in
 * a loop, or templates that each call the next twice. Argo CD's controller would spend its
 * memory on it (and Kubernetes stores no Application larger than 1.5 MiB); the preview stops
 * each execution at a bound of rendered text and of work and reports CG701 for the
 * ApplicationSet and the field, instead of exhausting the process.
 */
import { ApplicationSetInput, expandApplicationSet } from '../../src/preview';
import { MAX_RENDERED_CHARS, MAX_WORK, renderGoTemplate } from '../../src/preview/go-template';
import { failure } from '../support/failure';

function appset(annotation: string): ApplicationSetInput {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'bomb', namespace: 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: [{ name: 'one' }] } }],
      template: {
        metadata: { name: '{{ .name }}', annotations: { note: annotation } },
        spec: { project: 'default', source: { repoURL: 'https://example.com/r.git', path: '.' }, destination: { name: 'in-cluster' } },
      },
    },
  };
}

/** `define`s t0 … t{n-1}, each calling the next twice: 2^n copies of "x" in all. */
function doublingTemplates(n: number): string {
  let text = '{{ define "t' + n + '" }}x{{ end }}';
  for (let i = n - 1; i >= 0; i--) {
    text += `{{ define "t${i}" }}{{ template "t${i + 1}" }}{{ template "t${i + 1}" }}{{ end }}`;
  }
  return `${text}{{ template "t0" }}`;
}

describe('bounds on one template execution', () => {
  test.each([
    [
      'a string that doubles in a loop',
      '{{ $x := "aa" }}{{ range until 64 }}{{ $x = print $x $x }}{{ end }}{{ $x }}',
      'characters and items built',
    ],
    [
      'a string repeated in a loop',
      '{{ $x := "ab" }}{{ range until 64 }}{{ $x = repeat 2 $x }}{{ end }}{{ len $x }}',
      'repeat building a string of more than 10000000 bytes',
    ],
    [
      'a list that holds itself twice in a loop',
      '{{ $l := list 1 }}{{ range until 64 }}{{ $l = list $l $l }}{{ end }}{{ $l }}',
      'characters and items built',
    ],
    [
      'nested ranges that double the output',
      '{{ range until 64 }}{{ range until 64 }}{{ range until 64 }}{{ range until 64 }}xxxxxxxxxx{{ end }}{{ end }}{{ end }}{{ end }}',
      'rendering more than',
    ],
    ['templates that each call the next twice', doublingTemplates(60), 'rendering more than'],
  ])('fails with CG701 on %s, naming the ApplicationSet and the field', (_what, template, reason) => {
    // GIVEN a template whose output or intermediate values grow exponentially (Go would try to
    // build 2^64 characters, or loop 64^4 times)
    const started = Date.now();
    // WHEN the ApplicationSet is expanded
    const e = failure(() => expandApplicationSet(appset(template), () => []));
    // THEN the preview stops with CG701 for the set and the field, in bounded time
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('ApplicationSet "bomb" spec.template.metadata.annotations.note');
    expect(e.message).toContain(reason);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('renders up to the bound: a large but bounded value is evaluated as Go evaluates it', () => {
    // GIVEN a string doubled 16 times (Go gives 2^17 characters)
    const text = '{{ $x := "aa" }}{{ range until 16 }}{{ $x = print $x $x }}{{ end }}{{ len $x }}';
    // WHEN it is rendered
    // THEN Go's result
    expect(renderGoTemplate(text, {})).toBe(String(2 ** 17));
    expect(MAX_RENDERED_CHARS).toBe(1_572_864);
    expect(MAX_WORK).toBe(64 * 1024 * 1024);
  });

  test('renders text just under the rendered bound, and fails one character past it', () => {
    // GIVEN repeat of MAX_RENDERED_CHARS characters, then one more
    // WHEN rendered
    // THEN the first is the text Go renders; the second is refused
    expect(renderGoTemplate(`{{ repeat ${MAX_RENDERED_CHARS} "x" }}`, {})).toHaveLength(MAX_RENDERED_CHARS);
    expect(() => renderGoTemplate(`{{ repeat ${MAX_RENDERED_CHARS} "x" }}y`, {})).toThrow(/CG701.*rendering more than 1572864 characters/);
  });

  test.each([
    [
      'replace of a frequent text by a long one',
      '{{ $x := repeat 100000 "a" }}{{ replace "a" $x $x }}',
      'replace building a string of more than 10000000 bytes',
    ],
    [
      'regexReplaceAll of every position',
      '{{ $x := repeat 100000 "a" }}{{ regexReplaceAll "" $x $x }}',
      'regexReplaceAll building a string of more than 10000000 characters',
    ],
    [
      'join of many items with a long separator',
      '{{ $x := repeat 100000 "a" }}{{ join $x (until 1000) }}',
      'join building a string of more than 10000000 bytes',
    ],
  ])('fails with CG701 on %s, one call that would build gigabytes', (_what, template, reason) => {
    // GIVEN one call whose result Go would build at 10^10 characters
    // WHEN it is expanded
    const e = failure(() => expandApplicationSet(appset(template), () => []));
    // THEN CG701 for the set and the field, before building it
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('ApplicationSet "bomb" spec.template.metadata.annotations.note');
    expect(e.message).toContain(reason);
  });

  test('a map built key by key with set is charged what each call adds, not its whole size each time', () => {
    // GIVEN a dict of 50,000 keys set one by one (Go's set is O(1))
    const text = '{{ $d := dict }}{{ range $i := until 50000 }}{{ $_ := set $d (print "k" $i) $i }}{{ end }}{{ len $d }}';
    // THEN it renders as Go does, within the work bound (charged whole each time, it would pass 64 Mi after about 11,500 keys)
    expect(renderGoTemplate(text, {})).toBe('50000');
  });

  test.each([
    ['indent of a huge width', '{{ indent 100000000 "x" }}', 'indent building a string of more than 10000000 bytes'],
    ['nindent of a huge width', '{{ nindent 100000000 "x" }}', 'nindent building a string of more than 10000000 bytes'],
    ['until of a huge count', '{{ until 100000000 | len }}', 'until building a list of more than 1000000 integers'],
    ['untilStep of a huge range', '{{ untilStep 0 100000000 1 | len }}', 'untilStep building a list of more than 1000000 integers'],
    ['seq of a huge range', '{{ seq 100000000 }}', 'seq building a list of more than 1000000 integers'],
    [
      'concat doubling a list in a loop',
      '{{ $l := until 1000 }}{{ range until 20 }}{{ $l = concat $l $l }}{{ end }}{{ len $l }}',
      'concat building a list of more than 1000000 items',
    ],
    [
      'toYaml of a dict nested 5,000 deep',
      '{{ $d := dict }}{{ range until 5000 }}{{ $d = dict "a" $d }}{{ end }}{{ toYaml $d | len }}',
      'toYaml of a value nested deeper than the offline preview walks',
    ],
    [
      'fromJson of arrays nested 20,000 deep',
      '{{ fromJson (print (repeat 20000 "[") (repeat 20000 "]")) | len }}',
      'fromJson of a value nested deeper than the offline preview walks',
    ],
    ['uniq of 20,000 items', '{{ uniq (until 20000) | len }}', 'the last spent by uniq comparing items one by one'],
    [
      'regexFindAll of more matches than the preview holds',
      '{{ len (regexFindAll "a" (repeat 300000 "a") -1) }}',
      'regexFindAll of a regular expression matching more than 262144 times in one call',
    ],
  ])('fails with CG701 on %s, naming the function that reached the bound', (_what, template, reason) => {
    // GIVEN one function asked for more than the preview builds, walks or compares
    // WHEN the ApplicationSet is expanded
    const e = failure(() => expandApplicationSet(appset(template), () => []));
    // THEN CG701 for the set and the field, naming that function (not another it calls, nor
    // "nests deeper" for a long flat list)
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('ApplicationSet "bomb" spec.template.metadata.annotations.note');
    expect(e.message).toContain(reason);
  });

  test("concat of lists of a million items gives Go's result (it no longer overflows the stack)", () => {
    // GIVEN lists of 900,000 and 100,000 items
    // WHEN concatenated, THEN one list of 1,000,000 items, in order, as Sprig's concat returns
    expect(
      renderGoTemplate('{{ $l := concat (until 900000) (until 100000) }}{{ len $l }} {{ index $l 899999 }} {{ index $l 900000 }}', {}),
    ).toBe('1000000 899999 0');
  });

  test("uniq, has and without of a few thousand items give Go's results within the comparison budget", () => {
    // GIVEN 2,000 numbers with each repeated once, and strings
    // WHEN uniq, has and without run (Sprig compares with reflect.DeepEqual: 1 and "1" differ)
    // THEN Go's results
    expect(renderGoTemplate('{{ uniq (concat (until 2000) (until 2000)) | len }}', {})).toBe('2000');
    expect(renderGoTemplate('{{ has 1999 (until 2000) }} {{ has "1" (until 2000) }}', {})).toBe('true false');
    expect(renderGoTemplate('{{ without (until 2000) 1 2 3 | len }}', {})).toBe('1997');
    expect(renderGoTemplate('{{ $l := list 1 }}{{ uniq (list $l $l (list 1) (list 2)) }}', {})).toBe('[[1] [2]]');
  });
});
