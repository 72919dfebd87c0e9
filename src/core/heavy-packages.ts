/**
 * The packages too heavy to load for every command, loaded on first use: cdk8s and
 * cdk8s-plus-28 (a platform of Helm services never renders an object), the Argo CD schemas
 * (validated only when an Argo CD object is written) and ajv (only for a values schema). With
 * `yaml` (core/yaml/parse.ts) and the preview's template engine (preview/template-engine.ts)
 * these are the only modules loaded lazily below the CLI.
 *
 * @module
 */
import type { Ajv, Options } from 'ajv';

/** The `cdk8s` package. */
export function cdk8sLibrary(): typeof import('cdk8s') {
  return require('cdk8s') as typeof import('cdk8s');
}

/** The `cdk8s-plus-28` package. */
export function cdk8sPlusLibrary(): typeof import('cdk8s-plus-28') {
  return require('cdk8s-plus-28') as typeof import('cdk8s-plus-28');
}

/** The models of Argo CD's objects, with their schemas. */
export function argoCdModels(): typeof import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1') {
  return require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1') as typeof import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1');
}

/** An ajv instance for a JSON schema dialect (its `$schema`): 2020-12, 2019-09, else draft-07 (with draft-06's meta-schema added for it). */
export function ajvFor(dialect: string, options: Options): Ajv {
  if (dialect.includes('2020-12')) return new (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default(options);
  if (dialect.includes('2019-09')) return new (require('ajv/dist/2019') as typeof import('ajv/dist/2019')).default(options);
  const ajv = new (require('ajv') as typeof import('ajv')).default(options);
  if (dialect.includes('draft-06')) ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  return ajv;
}
