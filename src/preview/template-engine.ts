/**
 * Go's text/template engine with the Sprig and Argo CD functions (and RE2 for their regular
 * expressions), loaded when an ApplicationSet with `goTemplate: true` is first expanded: a
 * command that expands none (a synth or a promotion that deletes no Application) does not load
 * its 27 modules.
 *
 * @module
 */
import type * as GoTemplates from './go-template';

/** The Go template engine (`go-template.ts`). */
export function goTemplates(): typeof GoTemplates {
  return require('./go-template') as typeof GoTemplates;
}
