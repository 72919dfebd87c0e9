import { TemplateFunction } from './function-signature';
import { SPRIG_FUNCTIONS } from './sprig';

export { CallFailure, type CallMeter, type ParamType, type TemplateFunction } from './function-signature';

/**
 * The functions Argo CD gives ApplicationSet templates besides Go's builtins (go-builtins.ts):
 * Sprig's and Argo CD's own ({@link SPRIG_FUNCTIONS}), each with Go's signature and behaviour,
 * or refused with CG701 saying why. Go looks these up before its builtins, so Sprig's `slice`
 * is the one a template calls.
 */
export const TEMPLATE_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>(SPRIG_FUNCTIONS);
