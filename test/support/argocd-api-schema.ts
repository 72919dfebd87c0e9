/**
 * Argo CD's own API description (`../shared/argocd-api/swagger.json`, Argo CD v3.5.1), as strict
 * validators of the answers the test double of Argo CD's API sends: an object with a field the
 * description does not have, or of another type, is an error, so the double cannot drift from the
 * real API. CI has `../shared`; a clone may not, in which case these checks are skipped with a
 * message saying why.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { SHARED_DIR } from './crd-schema';

/** Where the API description is read from. */
export const SWAGGER_FILE = path.join(SHARED_DIR, 'argocd-api', 'swagger.json');

/** Checks one answer against a definition of the description; one line per problem, `[]` when valid. */
export type ApiValidate = (definition: string, body: unknown) => string[];

/** Every object schema with properties closed (`additionalProperties: false`), as the strict check wants. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if (out.properties !== undefined && out.additionalProperties === undefined && out.allOf === undefined) out.additionalProperties = false;
  return out;
}

/** The validator, or why there is none. */
export function loadArgoCdApi(): { readonly validate: ApiValidate } | { readonly reason: string } {
  if (!existsSync(SWAGGER_FILE)) return { reason: `${SWAGGER_FILE} does not exist (../shared is not beside this clone)` };
  const swagger = JSON.parse(readFileSync(SWAGGER_FILE, 'utf8')) as { definitions: Record<string, unknown> };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'argocd', definitions: closed(swagger.definitions) as Record<string, unknown> });
  return {
    validate(definition, body) {
      const check = ajv.getSchema(`argocd#/definitions/${definition}`);
      if (check === undefined) return [`the API description has no definition ${definition}`];
      if (check(body)) return [];
      return (check.errors ?? []).map(
        (e) =>
          `${definition}: ${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`,
      );
    },
  };
}
