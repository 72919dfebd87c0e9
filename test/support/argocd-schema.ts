/**
 * Strict validation of Argo CD objects against Argo CD's own CRDs (v3.5.1, in
 * `shared/argocd-crds` beside the project root), for tests: see `crd-schema.ts`.
 *
 * @example
 * const crds = loadArgoCdSchemas();
 * describeWithArgoCdSchemas('synthesized Applications', crds, (validate) => {
 *   it('match the Argo CD CRDs', () => {
 *     expect(validate(app)).toEqual([]);
 *   });
 * });
 */
import * as path from 'path';
import { CrdSchemas, CrdValidate, describeWithCrdSchemas, loadCrdSchemas, SHARED_DIR } from './crd-schema';

/** Checks one object and returns one readable line per problem; `[]` when valid. */
export type ArgoCdValidate = CrdValidate;

/** What {@link loadArgoCdSchemas} returns. */
export type ArgoCdSchemas = CrdSchemas;

/** The folder CI provides: `<project root>/../shared/argocd-crds`. */
export const DEFAULT_CRD_DIR = path.join(SHARED_DIR, 'argocd-crds');

const API_VERSION = 'argoproj.io/v1alpha1';
const CRD_FILES: Readonly<Record<string, string>> = {
  [`${API_VERSION} Application`]: 'application-crd.yaml',
  [`${API_VERSION} ApplicationSet`]: 'applicationset-crd.yaml',
  [`${API_VERSION} AppProject`]: 'appproject-crd.yaml',
};

/**
 * Looks for Argo CD's CRDs in `dir`; each is read and compiled on first use of its kind.
 *
 * @param dir folder holding `application-crd.yaml`, `applicationset-crd.yaml` and
 *   `appproject-crd.yaml`; defaults to {@link DEFAULT_CRD_DIR}
 */
export function loadArgoCdSchemas(dir: string = DEFAULT_CRD_DIR): ArgoCdSchemas {
  return loadCrdSchemas(dir, CRD_FILES, 'Argo CD CRDs');
}

/** `describe` with the strict validator of Argo CD's CRDs, skipped with a warning where they are missing. */
export function describeWithArgoCdSchemas(name: string, schemas: ArgoCdSchemas, body: (validate: ArgoCdValidate) => void): void {
  describeWithCrdSchemas(name, schemas, body);
}
