import { GitOpsError } from '../../src/core/errors';
import { renderGoTemplate } from '../../src/preview/go-template';
import { UNMETERED } from '../../src/preview/function-signature';
import { TEMPLATE_FUNCTIONS } from '../../src/preview/template-functions';
import { TemplateMap, Value } from '../../src/preview/template-values';

/** Renders a Go template as Argo CD does for one field, with `missingkey=error`. */
export function render(text: string, params: TemplateMap = {}): string {
  return renderGoTemplate(text, params, { missingKey: 'error' });
}

/** Calls a template function directly, as Go calls it with already typed arguments. */
export function call(name: string, ...args: Value[]): Value {
  const fn = TEMPLATE_FUNCTIONS.get(name);
  if (!fn) {
    throw new Error(`no function ${name}`);
  }
  return fn.call(args, UNMETERED);
}

/** The problem a template fails with. */
export function failure(text: string, params: TemplateMap = {}): GitOpsError {
  try {
    render(text, params);
  } catch (e) {
    expect(e).toBeInstanceOf(GitOpsError);
    return e as GitOpsError;
  }
  throw new Error(`expected ${text} to fail`);
}
