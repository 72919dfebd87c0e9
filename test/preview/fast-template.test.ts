import { renderFastTemplate } from '../../src/preview/fast-template';

describe('renderFastTemplate', () => {
  const params = { path: 'apps/web', 'path.basename': 'web', 'path[0]': 'apps' };

  test('replaces each tag by the parameter of that name', () => {
    // GIVEN a goTemplate: false template
    // WHEN it is rendered
    // THEN tags are replaced, spaces inside the braces ignored
    expect(renderFastTemplate('{{path.basename}}-{{ path[0] }}/{{path}}', params)).toBe('web-apps/apps/web');
  });

  test('leaves unknown tags and Go-template syntax as written', () => {
    // GIVEN tags that name no parameter
    // WHEN they are rendered
    // THEN they stay, as Argo CD leaves them
    expect(renderFastTemplate('{{ .path.basename }}-{{nope}}', params)).toBe('{{ .path.basename }}-{{nope}}');
  });

  test('leaves text whose braces are on different lines alone', () => {
    // GIVEN "{{" and "}}" on different lines
    // WHEN it is rendered
    // THEN nothing is replaced (Argo CD's regular expression does not match)
    expect(renderFastTemplate('{{path\n}}', params)).toBe('{{path\n}}');
  });

  test('fails when a "{{" has no closing "}}"', () => {
    // GIVEN a template with an unclosed tag after a closed one
    // WHEN it is rendered
    // THEN it fails as fasttemplate does
    expect(() => renderFastTemplate('{{path}} {{path', params)).toThrow(/CG703 .* has a "\{\{" without a closing "\}\}"/);
  });
});
