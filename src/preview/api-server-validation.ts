import { DNS1123_SUBDOMAIN, LABEL_VALUE, MAX_LABEL_VALUE_LENGTH, MAX_SUBDOMAIN_LENGTH } from '../core/kube-names';
import { GeneratedApplication } from './expand';
import { compareGoStrings, goQuote } from './go-strings';

/*
 * What the Kubernetes API server answers when the ApplicationSet controller creates an
 * Application whose metadata it rejects, message for message (k8s.io/apimachinery
 * `pkg/util/validation` and `pkg/api/validation.ValidateObjectMetaAccessor`, which every custom
 * resource goes through).
 */

/** The group and kind the API server names in its rejection of an Application. */
const APPLICATION_KIND = 'Application.argoproj.io';
const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FORMAT = `(${QUALIFIED_NAME_FORMAT})?`;
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FORMAT}$`);

/** One field error, as `field.Error` prints it: `metadata.name: Invalid value: "x": …`. */
export interface FieldError {
  /** `FieldValueInvalid`, `FieldValueRequired` or `FieldValueTooLong`, the cause's reason in the API server's Status. */
  readonly reason: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueTooLong';
  readonly field: string;
  readonly message: string;
}

/** The API server's rejection of a create: its `Status` message and the causes it lists. */
export interface ApiServerRejection {
  /** `Application.argoproj.io "Upper_Svc" is invalid: metadata.name: Invalid value: …`. */
  readonly message: string;
  readonly causes: readonly FieldError[];
}

/** `validation.MaxLenError`. */
function maxLength(n: number): string {
  return `must be no more than ${n} characters`;
}

/** `validation.RegexError`: the examples quoted, each followed by `, ` and joined by ` or `. */
function regexError(message: string, format: string, ...examples: string[]): string {
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${format}')`;
}

/** `field.Invalid(field, value, detail).Error()`. */
function invalid(field: string, value: string, detail: string): FieldError {
  return { reason: 'FieldValueInvalid', field, message: `${field}: Invalid value: ${goQuote(value)}: ${detail}` };
}

/** `validation.IsDNS1123Subdomain`: the length first, then the form. */
function dns1123SubdomainErrors(value: string): string[] {
  const out: string[] = [];
  if (value.length > MAX_SUBDOMAIN_LENGTH) out.push(maxLength(MAX_SUBDOMAIN_LENGTH));
  if (!DNS1123_SUBDOMAIN.test(value)) out.push(regexError(DNS1123_SUBDOMAIN_MESSAGE, DNS1123_SUBDOMAIN_FORMAT, 'example.com'));
  return out;
}

/** `validation.IsQualifiedName`, the check of a label key. */
function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const out: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') out.push('prefix part must be non-empty');
    else out.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  }
  if (name === '') out.push('name part must be non-empty');
  else if (name.length > MAX_LABEL_VALUE_LENGTH) out.push(`name part ${maxLength(MAX_LABEL_VALUE_LENGTH)}`);
  if (!QUALIFIED_NAME.test(name))
    out.push(`name part ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, 'MyName', 'my.name', '123-abc')}`);
  return out;
}

/** `validation.IsValidLabelValue`. */
function labelValueErrors(value: string): string[] {
  const out: string[] = [];
  if (value.length > MAX_LABEL_VALUE_LENGTH) out.push(maxLength(MAX_LABEL_VALUE_LENGTH));
  if (!LABEL_VALUE.test(value)) out.push(regexError(LABEL_VALUE_MESSAGE, LABEL_VALUE_FORMAT, 'MyValue', 'my_value', '12345'));
  return out;
}

/**
 * The field errors of an Application's metadata that the API server rejects on create, in its
 * order: the name (required; at most 253 characters; a lower-case RFC 1123 subdomain), then each
 * label's key and value. The API server walks the labels in Go's map order, which varies from
 * one request to the next; here they are in key order, so the preview is the same every time.
 */
export function metadataErrors(app: GeneratedApplication): FieldError[] {
  const name = app.metadata.name;
  const out: FieldError[] =
    name === ''
      ? [
          {
            reason: 'FieldValueRequired',
            field: 'metadata.name',
            message: 'metadata.name: Required value: name or generateName is required',
          },
        ]
      : dns1123SubdomainErrors(name).map((m) => invalid('metadata.name', name, m));
  const labels = Object.entries(app.metadata.labels ?? {}).sort(([a], [b]) => compareGoStrings(a, b));
  for (const [key, value] of labels) {
    out.push(...qualifiedNameErrors(key).map((m) => invalid('metadata.labels', key, m)));
    out.push(...labelValueErrors(String(value)).map((m) => invalid('metadata.labels', String(value), m)));
  }
  // Annotations: keys are qualified names (read in lower case), and all of them together hold at
  // most 256 KiB (apimachinery's ValidateAnnotations; a TooLong error quotes no value).
  const annotations = Object.entries(app.metadata.annotations ?? {}).sort(([a], [b]) => compareGoStrings(a, b));
  let bytes = 0;
  for (const [key, value] of annotations) {
    out.push(...qualifiedNameErrors(key.toLowerCase()).map((m) => invalid('metadata.annotations', key, m)));
    bytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (bytes > MAX_ANNOTATION_BYTES) {
    out.push({
      reason: 'FieldValueTooLong',
      field: 'metadata.annotations',
      message: `metadata.annotations: Too long: must have at most ${MAX_ANNOTATION_BYTES} bytes`,
    });
  }
  return out;
}

/** What the API server takes of an object's annotations, keys and values together. */
const MAX_ANNOTATION_BYTES = 256 * 1024;

/**
 * The API server's answer to creating `app`, as `apierrors.NewInvalid` words it
 * (`Application.argoproj.io "<name>" is invalid: <error>`, or `[<error>, <error>]` for several,
 * each said once); `undefined` when it accepts the metadata.
 *
 * @example
 * apiServerRejection(app)?.message;
 * // 'Application.argoproj.io "Upper_Svc" is invalid: metadata.name: Invalid value: "Upper_Svc": a lowercase RFC 1123 subdomain must consist of …'
 */
export function apiServerRejection(app: GeneratedApplication): ApiServerRejection | undefined {
  const causes = metadataErrors(app);
  if (causes.length === 0) return undefined;
  const messages = [...new Set(causes.map((c) => c.message))];
  const errors = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  return { message: `${APPLICATION_KIND} ${goQuote(app.metadata.name)} is invalid: ${errors}`, causes };
}
