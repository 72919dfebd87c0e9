/**
 * Go's regexp runs in time proportional to the pattern's program times the text a search scans,
 * and a search may scan to the end of the text however early its match ends: regexFindAll,
 * regexReplaceAll and regexSplit search again after each match, so `a*b|a` over n letters "a"
 * takes n²/2 steps. Argo CD's controller spends them; the preview charges each search
 * (program size × characters after its start + 1) to the execution's work budget before it
 * runs, and stops with CG701 naming the function, the field and the ApplicationSet, never the
 * text or the pattern. No clock is read: the same template fails at the same search every time.
 */
import { ApplicationSetInput, expandApplicationSet } from '../../src/preview';
import { MAX_WORK, renderGoTemplate } from '../../src/preview/go-template';
import { compileGoRegexp } from '../../src/preview/sprig/go-regexp';
import { failure } from '../support/failure';

/** An ApplicationSet whose one element carries `text`, and whose annotation renders `annotation`. */
function appset(annotation: string, text: string): ApplicationSetInput {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'scan', namespace: 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: [{ name: 'one', text }] } }],
      template: {
        metadata: { name: '{{ .name }}', annotations: { note: annotation } },
        spec: { project: 'default', source: { repoURL: 'https://example.com/r.git', path: '.' }, destination: { name: 'in-cluster' } },
      },
    },
  };
}

/** A text no message may quote: it is a parameter value. */
const SECRET = 's3cr3t-';

describe('regular-expression searches are charged to the execution budget', () => {
  test.each([
    ['regexFindAll', '{{ regexFindAll "a*b|a" .text -1 | len }}'],
    ['mustRegexFindAll', '{{ mustRegexFindAll "a*b|a" .text -1 | len }}'],
    ['regexReplaceAll', '{{ regexReplaceAll "a*b|a" .text "x" | len }}'],
    ['regexReplaceAllLiteral', '{{ regexReplaceAllLiteral "a*b|a" .text "x" | len }}'],
    ['regexSplit', '{{ regexSplit "a*b|a" .text -1 | len }}'],
  ])('fails fast with CG701 on %s with a pattern Go runs in quadratic time', (name, template) => {
    // GIVEN 40,000 letters "a" and `a*b|a`: each of the 40,000 searches scans to the end of the
    // text looking for a "b" before it settles for one "a" (Go: 8×10^8 steps; the preview
    // without the charge took 7 s for half as many letters)
    const text = SECRET + 'a'.repeat(40_000);
    const started = Date.now();
    // WHEN the ApplicationSet is expanded
    const e = failure(() => expandApplicationSet(appset(template, text), () => []));
    // THEN CG701 naming the set, the field and the function, with the sizes and not the text
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('ApplicationSet "scan" spec.template.metadata.annotations.note');
    expect(e.message).toContain(`the last spent by ${name}: a pattern of 7 instructions searching a text of 40007 characters (search `);
    expect(e.message).not.toContain(SECRET);
    expect(e.problems[0]!.fix).toContain('Use a simpler pattern or a shorter text');
    // AND it stops at the same search every run, a few hundred of the 40,000 (about a second
    // of work; the bound on the clock only guards against a hang on a loaded machine)
    const search = Number(/\(search (\d+) of the call\)/.exec(e.message)?.[1]);
    expect(search).toBeGreaterThan(200);
    expect(search).toBeLessThan(300);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test.each([
    ['regexMatch', '{{ regexMatch "([ab]{0,30}){20}c" .text }}'],
    ['mustRegexMatch', '{{ mustRegexMatch "([ab]{0,30}){20}c" .text }}'],
    ['regexFind', '{{ regexFind "([ab]{0,30}){20}c" .text }}'],
    ['mustRegexFind', '{{ mustRegexFind "([ab]{0,30}){20}c" .text }}'],
  ])('fails at once with CG701 on one %s whose single search is too large', (name, template) => {
    // GIVEN a pattern of 1,243 instructions and a text of 300,000 characters ending in its "c"
    // (one search: 3.7×10^8 steps; the preview without the charge took 9 s on it)
    const text = `${SECRET}${'ab'.repeat(150_000)}c`;
    const started = Date.now();
    // WHEN the ApplicationSet is expanded
    const e = failure(() => expandApplicationSet(appset(template, text), () => []));
    // THEN CG701 before the search runs, naming the function and the sizes
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('ApplicationSet "scan" spec.template.metadata.annotations.note');
    expect(e.message).toContain(`the last spent by ${name}: a pattern of 1243 instructions searching a text of 300008 characters,`);
    expect(e.message).not.toContain(SECRET);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('the bound is a count, not a time: a search that fits the budget runs, a slightly longer one does not', () => {
    // GIVEN a pattern whose program has `size` instructions, and a text of L characters built by
    // repeat (charged L) and searched once (charged size × (L + 1)): the largest L the budget
    // takes is `most`
    const pattern = '[a-z]{1000}x';
    const { size } = compileGoRegexp(pattern);
    // (and its compiling, 1024 per character of the pattern)
    const most = Math.floor((MAX_WORK - size - pattern.length * 1024) / (size + 1));
    const run = (length: number) => renderGoTemplate(`{{ regexMatch "${pattern}" (repeat ${length} "a") }}`, {});
    // WHEN texts of most − 1 and most + 1 characters are searched
    // THEN the first gives Go's result (no "x", no match) and the second is refused in the
    // search's charge: the same outcome on every run, whatever the machine's speed
    expect(size).toBe(1003);
    expect(run(most - 1)).toBe('false');
    expect(() => run(most + 1)).toThrow(
      `the last spent by regexMatch: a pattern of 1003 instructions searching a text of ${most + 1} characters,`,
    );
  });

  test('ordinary patterns over ordinary texts give Go results', () => {
    // GIVEN a 253-character name cleaned up character by character, 1,000 numbers found in a
    // 6,000-character text, and a path split on slashes
    const name = 'Payments_API.'.repeat(19) + 'x'.repeat(6);
    const numbers = Array.from({ length: 1000 }, (_, i) => String(10_000 + i)).join(',');
    // WHEN rendered
    // THEN Go's (Sprig's) outputs
    expect(renderGoTemplate('{{ regexReplaceAll "[^a-z0-9-]" (lower .n) "-" | len }}', { n: name })).toBe('253');
    expect(renderGoTemplate('{{ regexReplaceAll "[^a-z0-9-]" (lower .n) "-" | trunc 14 }}', { n: name })).toBe('payments-api-p');
    expect(renderGoTemplate('{{ $m := regexFindAll "[0-9]+" .t -1 }}{{ len $m }} {{ index $m 999 }}', { t: numbers })).toBe('1000 10999');
    expect(renderGoTemplate('{{ regexSplit "/+" .p -1 }}', { p: 'clusters//prod/eu-west-1/apps' })).toBe('[clusters prod eu-west-1 apps]');
    expect(renderGoTemplate('{{ regexMatch "^[a-z]+-[0-9]+$" .v }}', { v: 'prod-01' })).toBe('true');
  });

  test('a pattern of bounded width is charged what its searches scan, so many matches over a long text are evaluated', () => {
    // GIVEN 100,000 characters, every other one replaced (50,000 searches): charged the whole rest
    // of the text each time it would cost 10^10; each search of `[^a-z0-9-]` stops one
    // character past its match, and is charged that
    const text = 'a_'.repeat(50_000);
    // WHEN rendered
    // THEN Go's result
    expect(
      renderGoTemplate('{{ regexReplaceAll "[^a-z0-9-]" .t "-" | len }} {{ regexReplaceAll "[^a-z0-9-]" .t "-" | trunc 6 }}', { t: text }),
    ).toBe('100000 a-a-a-');
    expect(renderGoTemplate('{{ regexFindAll "_" .t -1 | len }} {{ regexSplit "_" .t -1 | len }}', { t: text })).toBe('50000 50001');
  });

  test('fails with CG701 where the charge over-estimates: an unbounded pattern with thousands of matches in a long text', () => {
    // GIVEN `[0-9]+` over 18,000 characters holding 3,000 numbers: Go finds them quickly, but a
    // search of a pattern that repeats without bound may scan to the end of the text, so the
    // preview charges each one the rest of the text (4 × 3,000 × 9,000 on average)
    const text = '12345,'.repeat(3000);
    // WHEN rendered
    // THEN CG701 naming the function; the same pattern over a tenth of the text gives Go's result
    expect(() => renderGoTemplate('{{ regexFindAll "[0-9]+" .t -1 | len }}', { t: text })).toThrow(
      /CG701 .*the last spent by regexFindAll: a pattern of 4 instructions searching a text of 18000 characters \(search \d+ of the call\)/,
    );
    expect(renderGoTemplate('{{ regexFindAll "[0-9]+" .t -1 | len }}', { t: text.slice(0, 1800) })).toBe('300');
  });

  test('compiling a huge pattern is charged before it runs, the same whether re2js has compiled it before or not', () => {
    // GIVEN a pattern of 100,000 characters from a parameter (re2js takes about half a second
    // to compile it, a pattern of 1,000,000 ten seconds; Go compiles both quickly)
    const pattern = Array.from({ length: 20_000 }, (_, i) => `x${i % 1000}`).join('|');
    const run = () => failure(() => expandApplicationSet(appset('{{ regexMatch .text "abc" }}', pattern), () => []));
    // WHEN it is expanded twice
    const started = Date.now();
    const [first, second] = [run(), run()];
    // THEN both fail at once with CG701 naming the compiling, not the pattern
    for (const e of [first, second]) {
      expect(e.code).toBe('CG701');
      expect(e.message).toContain(`the last spent by regexMatch compiling a pattern of ${pattern.length} characters, each charged 1024`);
      expect(e.message).not.toContain('x999');
    }
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('one pattern used in a loop is charged its compiling once per execution, and is compiled once', () => {
    // GIVEN 20,000 searches with one pattern (re2js compiling it anew each time took 3 s)
    const text =
      '{{ $n := 0 }}{{ range until 20000 }}{{ if regexMatch "^[a-z]+-[0-9]+$" "prod-01" }}{{ $n = add $n 1 }}{{ end }}{{ end }}{{ $n }}';
    const started = Date.now();
    // WHEN rendered, THEN Go's count
    expect(renderGoTemplate(text, {})).toBe('20000');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
