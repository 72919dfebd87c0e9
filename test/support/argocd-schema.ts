/**
 * Strict validation of Argo CD objects against Argo CD's own CRDs, for tests.
 *
 * The CRDs are read from `shared/argocd-crds` beside the project root. CI has that folder; a
 * clone may not, in which case the strict tests are skipped with a warning saying why.
 *
 * @example
 * const crds = loadArgoCdSchemas();
 * describeWithArgoCdSchemas('synthesized Applications', crds, (validate) => {
 *   it('match the Argo CD CRDs', () => {
 *     expect(validate(app)).toEqual([]);
 *   });
 * });
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/** Checks one object and returns one readable line per problem; `[]` when valid. */
export type ArgoCdValidate = (obj: unknown) => string[];

/** The CRDs were found: {@link ArgoCdSchemasAvailable.validate} checks objects against them. */
export interface ArgoCdSchemasAvailable {
  readonly available: true;
  /** The folder the CRDs are read from. */
  readonly dir: string;
  /**
   * Validates an Application, ApplicationSet or AppProject strictly: unknown fields, also in
   * `metadata`, are errors. Lines look like
   * `ApplicationSet workloads: /spec/template/spec/sources/0/helm: must NOT have additional property "valuesFile"`.
   */
  readonly validate: ArgoCdValidate;
}

/** The CRDs were not found; `reason` says where they were looked for. */
export interface ArgoCdSchemasUnavailable {
  readonly available: false;
  readonly reason: string;
}

/** What {@link loadArgoCdSchemas} returns. */
export type ArgoCdSchemas = ArgoCdSchemasAvailable | ArgoCdSchemasUnavailable;

/** The folder CI provides: `<project root>/../shared/argocd-crds`. */
export const DEFAULT_CRD_DIR = path.resolve(__dirname, '../../../shared/argocd-crds');

const API_VERSION = 'argoproj.io/v1alpha1';
const CRD_FILES: Readonly<Record<string, string>> = {
  Application: 'application-crd.yaml',
  ApplicationSet: 'applicationset-crd.yaml',
  AppProject: 'appproject-crd.yaml',
};

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

/** Compiled validators by folder, then kind: each CRD is read and compiled once per process. */
const compiled = new Map<string, Map<string, ValidateFunction>>();
const ajv = new Ajv({ strict: false, allErrors: true, formats: { int64: true, 'date-time': true } });

/**
 * Looks for Argo CD's CRDs in `dir`. Nothing is parsed here: each CRD is read and compiled on
 * first use of its kind, then cached.
 *
 * @param dir folder holding `application-crd.yaml`, `applicationset-crd.yaml` and
 *   `appproject-crd.yaml`; defaults to {@link DEFAULT_CRD_DIR}
 */
export function loadArgoCdSchemas(dir: string = DEFAULT_CRD_DIR): ArgoCdSchemas {
  const missing = Object.values(CRD_FILES).filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    return {
      available: false,
      reason: `Argo CD CRDs not found in ${dir} (missing ${missing.join(', ')}); strict CRD tests are skipped.`,
    };
  }
  return { available: true, dir, validate: (obj) => validateAgainst(dir, obj) };
}

const warned = new Set<string>();

/**
 * `describe` whose body gets the strict validator; when the CRDs are missing it becomes
 * `describe.skip` and warns once with the reason, so a skipped run says why.
 */
export function describeWithArgoCdSchemas(name: string, schemas: ArgoCdSchemas, body: (validate: ArgoCdValidate) => void): void {
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

function validateAgainst(dir: string, obj: unknown): string[] {
  if (!isRecord(obj)) return [`not an object: ${JSON.stringify(obj)}`];
  const kind = String(obj.kind);
  const metadata = isRecord(obj.metadata) ? obj.metadata : {};
  const label = `${kind} ${typeof metadata.name === 'string' ? metadata.name : '(unnamed)'}`;
  if (obj.apiVersion !== API_VERSION || !(kind in CRD_FILES)) {
    return [
      `${label}: unknown apiVersion/kind ${String(obj.apiVersion)}/${kind}; expected ${API_VERSION} ` +
        `with kind ${Object.keys(CRD_FILES).join(', ')}`,
    ];
  }
  const validate = validatorFor(dir, kind);
  if (validate(obj)) return [];
  const lines = (validate.errors ?? []).map((e) => `${label}: ${e.instancePath || '/'}: ${describeError(e)}`);
  return [...new Set(lines)];
}

function validatorFor(dir: string, kind: string): ValidateFunction {
  const byKind = compiled.get(dir) ?? new Map<string, ValidateFunction>();
  compiled.set(dir, byKind);
  let validate = byKind.get(kind);
  if (!validate) {
    const crd = parse(readFileSync(path.join(dir, CRD_FILES[kind]), 'utf8'));
    const version = crd.spec.versions.find((v: { name: string }) => `${crd.spec.group}/${v.name}` === API_VERSION);
    if (!version) throw new Error(`${CRD_FILES[kind]} in ${dir} has no version ${API_VERSION}`);
    const schema = strict(version.schema.openAPIV3Schema) as Record<string, unknown>;
    schema.properties = { ...(schema.properties as object), metadata: OBJECT_META };
    validate = ajv.compile(schema);
    byKind.set(kind, validate);
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
