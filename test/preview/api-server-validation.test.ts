import { apiServerRejection } from '../../src/preview/api-server-validation';
import { GeneratedApplication } from '../../src/preview/expand';

/** An Application with `name` and `labels`, as the controller sends it to the API server. */
function app(name: string, labels?: Record<string, string>): GeneratedApplication {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', ...(labels ? { labels } : {}), finalizers: [] },
    spec: {},
  };
}

// The messages are apimachinery's: pkg/util/validation (IsDNS1123Subdomain, IsQualifiedName,
// IsValidLabelValue, RegexError, MaxLenError), field.Error (`<field>: Invalid value: %q: <detail>`)
// and api/errors.NewInvalid (`<Kind>.<group> %q is invalid: <error>` or `[<error>, <error>]`).
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('apiServerRejection', () => {
  test('accepts a lower-case name and valid labels', () => {
    // GIVEN a valid Application; WHEN it is checked; THEN the API server accepts it
    expect(apiServerRejection(app('payments-api-prod', { service: 'payments-api', 'app.kubernetes.io/part-of': 'x' }))).toBeUndefined();
  });

  test('refuses Upper_Svc as the API server does', () => {
    // GIVEN the name Upper_Svc (a directory's basename)
    // WHEN it is checked
    // THEN the message is the API server's: Application.argoproj.io "Upper_Svc" is invalid: metadata.name: Invalid value: …
    expect(apiServerRejection(app('Upper_Svc'))).toEqual({
      message: `Application.argoproj.io "Upper_Svc" is invalid: metadata.name: Invalid value: "Upper_Svc": ${SUBDOMAIN}`,
      causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `metadata.name: Invalid value: "Upper_Svc": ${SUBDOMAIN}` }],
    });
  });

  test('refuses a name over 253 characters with the length error alone when its form is valid', () => {
    // GIVEN a 254-character lower-case name
    const name = 'a'.repeat(254);
    // WHEN it is checked
    // THEN only MaxLenError(253) is reported
    expect(apiServerRejection(app(name))?.message).toBe(
      `Application.argoproj.io "${name}" is invalid: metadata.name: Invalid value: "${name}": must be no more than 253 characters`,
    );
  });

  test('lists several errors in brackets, the name first, then the labels by key', () => {
    // GIVEN a long upper-case name and a label value with a space and one over 63 characters
    const name = `A${'b'.repeat(253)}`;
    const long = 'x'.repeat(64);
    // WHEN it is checked
    // THEN the aggregate is [<name length>, <name form>, <label b length>, <label z form>]
    expect(apiServerRejection(app(name, { z: 'has space', b: long }))?.message).toBe(
      `Application.argoproj.io "${name}" is invalid: [` +
        [
          `metadata.name: Invalid value: "${name}": must be no more than 253 characters`,
          `metadata.name: Invalid value: "${name}": ${SUBDOMAIN}`,
          `metadata.labels: Invalid value: "${long}": must be no more than 63 characters`,
          `metadata.labels: Invalid value: "has space": ${LABEL_VALUE}`,
        ].join(', ') +
        ']',
    );
  });

  test('refuses a label key with two slashes as IsQualifiedName does', () => {
    // GIVEN the label key a/b/c
    // WHEN it is checked
    // THEN the qualified-name error with its example is reported for metadata.labels
    expect(apiServerRejection(app('ok', { 'a/b/c': 'v' }))?.message).toBe(
      `Application.argoproj.io "ok" is invalid: metadata.labels: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    );
  });

  test('refuses an empty name as required', () => {
    // GIVEN a template that renders an empty name
    // WHEN it is checked
    // THEN ValidateObjectMeta's Required error is reported
    expect(apiServerRejection(app(''))?.message).toBe(
      'Application.argoproj.io "" is invalid: metadata.name: Required value: name or generateName is required',
    );
  });

  test('refuses annotations of more than 256 KiB in all, without quoting them (apimachinery ValidateAnnotationsSize)', () => {
    const big: GeneratedApplication = { ...app('web'), metadata: { ...app('web').metadata, annotations: { note: 'x'.repeat(300_000) } } };
    expect(apiServerRejection(big)).toEqual({
      message: 'Application.argoproj.io "web" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
      causes: [
        {
          reason: 'FieldValueTooLong',
          field: 'metadata.annotations',
          message: 'metadata.annotations: Too long: must have at most 262144 bytes',
        },
      ],
    });
    const fits: GeneratedApplication = { ...app('web'), metadata: { ...app('web').metadata, annotations: { note: 'x'.repeat(262_140) } } };
    expect(apiServerRejection(fits)).toBeUndefined();
  });
});
