import { inertStream, inertText, styledMark } from '../../src/cli/terminal-text';

describe('inertText', () => {
  test.each([
    ['an escape that clears the screen', 'a\u001b[2Jb', 'a\\u001b[2Jb'],
    ['a window title (OSC, ended by BEL)', '\u001b]0;pwned\u0007', '\\u001b]0;pwned\\u0007'],
    ['a carriage return', 'ok\rforged', 'ok\\u000dforged'],
    ['a C1 control sequence introducer', 'a\u009b2Jb', 'a\\u009b2Jb'],
    ['a right-to-left override', 'alice\u202eboj', 'alice\\u202eboj'],
    ['a zero-width space', 'b\u200bob', 'b\\u200bob'],
    ['a line separator', 'a\u2028b', 'a\\u2028b'],
  ])('writes %s as its escape', (_, text, shown) => {
    expect(inertText(text, false)).toBe(shown);
    expect(inertText(text, true)).toBe(shown);
  });

  test('keeps line feeds, tabs and text', () => {
    expect(inertText('a\tb\nc → d … é\n', false)).toBe('a\tb\nc → d … é\n');
  });

  test("colours the CLI's own marks where colours are on, and writes them plain elsewhere", () => {
    const line = `${['[+]', '[-]', '[~]'].map(styledMark).join(' ')} a.yaml\n`;
    expect(inertText(line, true)).toBe('\u001b[32m[+]\u001b[0m \u001b[31m[-]\u001b[0m \u001b[33m[~]\u001b[0m a.yaml\n');
    expect(inertText(line, false)).toBe('[+] [-] [~] a.yaml\n');
    expect(styledMark('[?]')).toBe('[?]');
  });

  test.each([
    ['a colour left on', 'environments/\u001b[31mprod'],
    ['a reset', 'a\u001b[0mb'],
    ['a mark coloured as the CLI colours it', '\u001b[31m[-]\u001b[0m'],
    ['a background colour', '\u001b[41m'],
  ])('escapes %s in text even where colours are on', (_, text) => {
    const shown = inertText(`${styledMark('[+]')} ${text}`, true);
    expect(shown).toBe(`\u001b[32m[+]\u001b[0m ${text.split('\u001b').join('\\u001b')}`);
  });

  test('keeps JSON valid and equal to what it was', () => {
    const value = { name: 'a\u009bb\u202ec\u2028d\u007f' };
    const text = inertText(JSON.stringify(value), false);
    expect(text).not.toMatch(/[\u007f-\u009f\u202e\u2028]/u);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('inertStream', () => {
  test('writes inert text, and passes what is written to `unfiltered` on as it is', () => {
    const written: string[] = [];
    const stream = inertStream({ write: (t: string) => written.push(t), isTTY: true }, false);
    stream.write('x\u001b[2J\n');
    stream.unfiltered!.write('\u001b[31mred\u001b[0m\n');
    expect(written).toEqual(['x\\u001b[2J\n', '\u001b[31mred\u001b[0m\n']);
    expect(stream.isTTY).toBe(true);
  });
});
