/**
 * The preview's template problems never quote a parameter's value: parameters come from
 * generator files and cluster Secrets and may hold secrets, and a preview's output lands in CI
 * logs and merge-request comments. A problem names the ApplicationSet, the field, the element,
 * the function and the kind of input only. (Argo CD itself prints Go's and Sprig's error text,
 * values included, into the ApplicationSet's status conditions, which only Argo CD's users read.)
 */
import { ApplicationSetInput, expandApplicationSet } from '../../src/preview';
import { failure } from '../support/failure';

/** A value no message may contain. */
const SECRET = 'hunter2-S3CR3T-value';

function appset(annotation: string, secret: string = SECRET): ApplicationSetInput {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'vault', namespace: 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: [{ name: 'one', secret }] } }],
      template: {
        metadata: { name: '{{ .name }}', annotations: { note: annotation } },
        spec: { project: 'default', source: { repoURL: 'https://example.com/r.git', path: '.' }, destination: { name: 'in-cluster' } },
      },
    },
  };
}

describe('template problems quote no parameter values', () => {
  test.each([
    // Go: illegal base64 data at input byte 7
    ['{{ b64dec .secret }}', SECRET, 'CG701', 'b64dec of text that is not valid padded base64'],
    ['{{ b32dec .secret }}', SECRET, 'CG701', 'b32dec of text that is not valid padded base32'],
    // Masterminds/semver: improper constraint: >=1.0.0 hunter2-…
    ['{{ semverCompare .secret "1.0.0" }}', `>=1.0.0 ${SECRET}`, 'CG704', 'error calling semverCompare: improper constraint'],
    [
      '{{ semverCompare "^1.0.0" .secret }}',
      '01.2.3-hunter2-S3CR3T-value',
      'CG701',
      'semverCompare with a version with a number with a leading zero',
    ],
    ['{{ snakecase .secret }}', `${SECRET}\u{2ebf0}`, 'CG701', 'snakecase of a string with a CJK Extension I character'],
    ['{{ toYaml (list .secret) }}', `${SECRET} \nsecond line`, 'CG701', 'toYaml of a string that has a space before a line break'],
    // Go: parse "https://user:hunter2-…%4G@example.com/": invalid URL escape "%4G"
    [
      '{{ urlParse .secret }}',
      `https://user:${SECRET}%4G@example.com/`,
      'CG704',
      'error calling urlParse: unable to parse url: invalid URL escape',
    ],
    ['{{ atoi .secret }}', '9007199254740993', 'CG701', 'atoi giving a number beyond the integers'],
    ['{{ float64 .secret }}', '0x1p-2', 'CG701', 'converting a string in hexadecimal or "_" form to a float'],
    ['{{ dateInZone "2006" 0 .secret }}', 'Europe/Berlin', 'CG701', 'dateInZone in a time zone other than UTC'],
    ['{{ untitle .secret }}', 'Ünter S3CR3T', 'CG701', 'untitle of a word that starts with a non-ASCII letter'],
    // Go: error calling eq: non-comparable type [hunter2-…]: []interface {}
    ['{{ eq (list .secret) (list .secret) }}', SECRET, 'CG704', 'error calling eq: non-comparable type []interface {}'],
    // Go: range can't iterate over hunter2-…
    ['{{ range .secret }}{{ end }}', SECRET, 'CG704', "range can't iterate over a value of type string"],
    // Go: invalid character 'h' looking for beginning of value (JavaScript quotes the text)
    ['{{ mustFromJson .secret }}', SECRET, 'CG704', 'error calling mustFromJson: invalid JSON'],
  ])('%s fails naming the function and the kind of problem, not the value', (template, secret, code, kind) => {
    // GIVEN a list element whose value reaches a function that fails on it
    // WHEN the ApplicationSet is expanded
    const e = failure(() => expandApplicationSet(appset(template, secret), () => []));
    // THEN the problem names the set, the field, the element and the function's problem…
    expect(e.code).toBe(code);
    expect(e.message).toContain('ApplicationSet "vault" spec.template.metadata.annotations.note');
    expect(e.message).toContain(kind);
    // …and holds no part of the value
    expect(e.message).not.toContain('S3CR3T');
    expect(e.message).not.toContain('9007199254740993');
    expect(e.message).not.toContain('Berlin');
  });
});
