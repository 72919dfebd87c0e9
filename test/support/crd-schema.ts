/**
 * Strict validation of objects against the CustomResourceDefinitions that serve them, for tests:
 * unknown fields (in `metadata` too) are errors, as `kubectl --validate=strict` would report.
 * Argo CD's (`argocd-schema.ts`) and Flux's (`flux-schema.ts`) CRDs are read with it from
 * `../shared` beside the project root. CI has that folder; a clone may not, in which case the
 * strict tests are skipped with a warning saying why.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/** Checks one object and returns one readable line per problem; `[]` when valid. */
export type CrdValidate = (obj: unknown) => string[];

/** The CRDs were found: {@link CrdSchemasAvailable.validate} checks objects against them. */
export interface CrdSchemasAvailable {
  readonly available: true;
  /** The folder the CRDs are read from. */
  readonly dir: string;
  /**
   * Validates one object strictly. Lines look like
   * `ApplicationSet workloads: /spec/template/spec/sources/0/helm: must NOT have additional property "valuesFile"`.
   */
  readonly validate: CrdValidate;
}

/** The CRDs were not found; `reason` says where they were looked for. */
export interface CrdSchemasUnavailable {
  readonly available: false;
  readonly reason: string;
}

/** What {@link loadCrdSchemas} returns. */
export type CrdSchemas = CrdSchemasAvailable | CrdSchemasUnavailable;

/** The shared folder CI provides beside the project root. */
export const SHARED_DIR = path.resolve(__dirname, '../../../shared');

/** The part of ObjectMeta a GitOps repository may set; anything else is an error. */
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };
const OBJECT_META = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: STRING_MAP,
    annotations: STRING_MAP,
    finalizers: { type: 'array', items: { type: 'string' } },
  },
};

/** Compiled validators by folder, then `apiVersion kind`: each CRD is read and compiled once per process. */
const compiled = new Map<string, Map<string, ValidateFunction>>();
const ajv = new Ajv({ strict: false, allErrors: true, formats: { int64: true, 'date-time': true } });

/**
 * Looks for CRDs in `dir`. Nothing is parsed here: each CRD is read and compiled on first use of
 * its kind, then cached.
 *
 * @param dir folder holding the CRD files
 * @param files the CRD file of each `<apiVersion> <kind>` served, e.g. `'argoproj.io/v1alpha1 Application'`
 * @param what what the CRDs are, for the reason a test is skipped
 */
export function loadCrdSchemas(dir: string, files: Readonly<Record<string, string>>, what: string): CrdSchemas {
  const missing = [...new Set(Object.values(files))].filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    return { available: false, reason: `${what} not found in ${dir} (missing ${missing.join(', ')}); strict CRD tests are skipped.` };
  }
  return { available: true, dir, validate: (obj) => validateAgainst(dir, files, obj) };
}

const warned = new Set<string>();

/**
 * `describe` whose body gets the strict validator; when the CRDs are missing it becomes
 * `describe.skip` and warns once with the reason, so a skipped run says why.
 */
export function describeWithCrdSchemas(name: string, schemas: CrdSchemas, body: (validate: CrdValidate) => void): void {
  if (schemas.available) {
    describe(name, () => body(schemas.validate));
    return;
  }
  if (!warned.has(schemas.reason)) {
    warned.add(schemas.reason);
    console.warn(schemas.reason);
  }
  describe.skip(name, () =>
    body(() => {
      throw new Error(schemas.reason);
    }),
  );
}

function validateAgainst(dir: string, files: Readonly<Record<string, string>>, obj: unknown): string[] {
  if (!isRecord(obj)) return [`not an object: ${JSON.stringify(obj)}`];
  const kind = String(obj.kind);
  const metadata = isRecord(obj.metadata) ? obj.metadata : {};
  const label = `${kind} ${typeof metadata.name === 'string' ? metadata.name : '(unnamed)'}`;
  const key = `${String(obj.apiVersion)} ${kind}`;
  if (!(key in files)) {
    return [`${label}: unknown apiVersion/kind ${String(obj.apiVersion)}/${kind}; expected one of ${Object.keys(files).join(', ')}`];
  }
  const validate = validatorFor(dir, files, key);
  if (validate(obj)) return [];
  const lines = (validate.errors ?? []).map((e) => `${label}: ${e.instancePath || '/'}: ${describeError(e)}`);
  return [...new Set(lines)];
}

function validatorFor(dir: string, files: Readonly<Record<string, string>>, key: string): ValidateFunction {
  const byKind = compiled.get(dir) ?? new Map<string, ValidateFunction>();
  compiled.set(dir, byKind);
  let validate = byKind.get(key);
  if (!validate) {
    const [apiVersion] = key.split(' ');
    const crd = parse(readFileSync(path.join(dir, files[key]!), 'utf8'));
    const version = crd.spec.versions.find((v: { name: string }) => `${crd.spec.group}/${v.name}` === apiVersion);
    if (!version) throw new Error(`${files[key]} in ${dir} has no version ${apiVersion}`);
    const schema = strict(version.schema.openAPIV3Schema) as Record<string, unknown>;
    schema.properties = { ...(schema.properties as object), metadata: OBJECT_META };
    validate = ajv.compile(schema);
    byKind.set(key, validate);
  }
  return validate;
}

/**
 * Copies a structural schema, closing every object that lists its properties
 * (`additionalProperties: false`) unless it preserves unknown fields or says otherwise, turning
 * `x-kubernetes-int-or-string` into `type: [integer, string]` and dropping other `x-kubernetes-*`.
 */
function strict(node: unknown): unknown {
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
    } else if (['anyOf', 'allOf', 'oneOf'].includes(key) && Array.isArray(value)) {
      out[key] = value.map(strict);
    } else if (['items', 'additionalProperties', 'not'].includes(key)) {
      out[key] = strict(value);
    } else {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
    const plain = (s: unknown) => isRecord(s) && Object.keys(s).length === 1 && ['integer', 'string'].includes(String(s.type));
    if (Array.isArray(out.anyOf) && out.anyOf.every(plain)) delete out.anyOf;
  }
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.type === 'object' && out.properties && !open && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function describeError(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    return `must NOT have additional property "${String(params.additionalProperty)}"`;
  }
  if (e.keyword === 'enum') {
    return `${e.message}: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return e.message ?? e.keyword;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
