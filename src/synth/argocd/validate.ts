import { argoCdModels } from '../../core/heavy-packages';

/** The fields every Argo CD object has; the rest is checked by the schema. */
export interface ArgoObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** What `@kubernetes-models/validate` throws: an ajv error list with messages filled in. */
interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

const API_VERSION = 'argoproj.io/v1alpha1';
const KINDS = ['Application', 'ApplicationSet', 'AppProject'] as const;

/** The model class of an Argo CD kind, with its schema; loaded on first use. */
function modelOf(kind: string): (new (data: never) => { validate(): void }) | undefined {
  return (KINDS as readonly string[]).includes(kind) ? argoCdModels()[kind as (typeof KINDS)[number]] : undefined;
}

/**
 * Checks an Application, ApplicationSet or AppProject against the schema shipped with
 * `@kubernetes-models/argo-cd` (generated from Argo CD 2.14 CRDs): required fields, types and
 * enums. That schema leaves objects open, so misspelled or unknown fields are NOT reported.
 *
 * @returns one line per problem, e.g. `Application payments-api-prod: /spec: must have required property 'project'`;
 *   `[]` when the object is valid
 *
 * @example
 * const problems = validateArgoObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'payments' }, spec: {} });
 */
export function validateArgoObject(obj: ArgoObject): string[] {
  const label = `${obj.kind} ${obj.metadata?.name ?? '(unnamed)'}`;
  const Model = obj.apiVersion === API_VERSION ? modelOf(obj.kind) : undefined;
  if (!Model) {
    return [`${label}: unknown apiVersion/kind ${obj.apiVersion}/${obj.kind}; expected ${API_VERSION} ` + `with kind ${KINDS.join(', ')}`];
  }
  try {
    new Model(obj as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw err;
    const lines = (errors as SchemaError[]).map((e) => `${label}: ${e.instancePath || '/'}: ${explain(e)}`);
    return [...new Set(lines)];
  }
}

function explain(e: SchemaError): string {
  const allowed = e.params?.allowedValues;
  const message = e.message ?? 'is invalid';
  return Array.isArray(allowed) ? `${message}: ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : message;
}
