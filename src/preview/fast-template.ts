import { GitOpsError } from '../core/errors';
import { goTrimSpace } from './go-strings';
import { PreviewCode, show } from './problems';

/** Argo CD's test for "is this string templated at all": `{{` and `}}` on one line. */
const TEMPLATED = /\{\{[^\n]*\}\}/;

/**
 * Renders a template the way Argo CD does when `goTemplate` is false (valyala/fasttemplate):
 * each `{{ tag }}` is replaced by the flat parameter named by the trimmed tag, such as
 * `{{path.basename}}` or `{{path[1]}}`; a tag with no such parameter is left as written.
 *
 * @throws GitOpsError `CG703` when a `{{` has no closing `}}` (Argo CD fails the same way).
 *
 * @example
 * renderFastTemplate('{{path.basename}}-app', { 'path.basename': 'payments-api' }); // 'payments-api-app'
 */
export function renderFastTemplate(text: string, params: Readonly<Record<string, string>>): string {
  if (!TEMPLATED.test(text)) {
    return text;
  }
  let out = '';
  let pos = 0;
  for (;;) {
    const open = text.indexOf('{{', pos);
    if (open < 0) {
      return out + text.slice(pos);
    }
    out += text.slice(pos, open);
    const close = text.indexOf('}}', open + 2);
    if (close < 0) {
      throw GitOpsError.of(PreviewCode.TEMPLATE_SYNTAX, {
        message: `Template ${show(text)} has a "{{" without a closing "}}" (fasttemplate cannot find the end tag).`,
        fix: 'Close every "{{" with "}}".',
      });
    }
    const tag = text.slice(open + 2, close);
    const name = goTrimSpace(tag);
    const value = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
    out += name !== '' && typeof value === 'string' ? value : `{{${tag}}}`;
    pos = close + 2;
  }
}
