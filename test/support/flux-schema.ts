/**
 * Strict validation of Flux objects against Flux's own CRDs (in `shared/flux-crds` beside the
 * project root; versions in its README), for tests: see `crd-schema.ts`. The CRDs' CEL rules are
 * not evaluated (e.g. a HelmRelease's "either chart or chartRef").
 */
import * as path from 'path';
import { CrdSchemas, CrdValidate, describeWithCrdSchemas, loadCrdSchemas, SHARED_DIR } from './crd-schema';

/** The folder CI provides: `<project root>/../shared/flux-crds`. */
export const DEFAULT_FLUX_CRD_DIR = path.join(SHARED_DIR, 'flux-crds');

const CRD_FILES: Readonly<Record<string, string>> = {
  'source.toolkit.fluxcd.io/v1 GitRepository': 'source.toolkit.fluxcd.io_gitrepositories.yaml',
  'source.toolkit.fluxcd.io/v1 HelmRepository': 'source.toolkit.fluxcd.io_helmrepositories.yaml',
  'source.toolkit.fluxcd.io/v1 OCIRepository': 'source.toolkit.fluxcd.io_ocirepositories.yaml',
  'kustomize.toolkit.fluxcd.io/v1 Kustomization': 'kustomize.toolkit.fluxcd.io_kustomizations.yaml',
  'helm.toolkit.fluxcd.io/v2 HelmRelease': 'helm.toolkit.fluxcd.io_helmreleases.yaml',
};

/** Looks for Flux's CRDs in `dir`; each is read and compiled on first use of its kind. */
export function loadFluxSchemas(dir: string = DEFAULT_FLUX_CRD_DIR): CrdSchemas {
  return loadCrdSchemas(dir, CRD_FILES, 'Flux CRDs');
}

/** Whether an object is one of Flux's kinds (which {@link loadFluxSchemas} validates). */
export function isFluxObject(obj: { apiVersion?: unknown }): boolean {
  return typeof obj.apiVersion === 'string' && /\.toolkit\.fluxcd\.io\//.test(obj.apiVersion);
}

/** `describe` with the strict validator of Flux's CRDs, skipped with a warning where they are missing. */
export function describeWithFluxSchemas(name: string, schemas: CrdSchemas, body: (validate: CrdValidate) => void): void {
  describeWithCrdSchemas(name, schemas, body);
}
