/**
 * The README's table of commands is made from the commands' usage lines, and each command's
 * help lists the options its usage line names: help and the documentation say the same.
 */
import * as fs from 'fs';
import * as path from 'path';
import { commandTable, COMMAND_TABLE_END, COMMAND_TABLE_START } from '../../src/cli/command-table';
import { commandList } from '../../src/cli/main';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The `--options` a text names. */
function optionsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))].sort();
}

describe('the table of commands', () => {
  test("README's table is the one the commands make (run `npm run docs:commands` after changing a usage line)", () => {
    const start = README.indexOf(COMMAND_TABLE_START);
    const end = README.indexOf(COMMAND_TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(README.slice(start + COMMAND_TABLE_START.length, end).trim()).toBe(commandTable(commandList()));
  });

  test.each(commandList().map((c) => [c.name, c] as const))(
    '%s: its help explains every option its usage line names, and names no other',
    (_, command) => {
      const options = command.help.slice(command.help.indexOf('Options:'));
      expect(command.help).toContain('Options:');
      const described = optionsIn(
        options
          .split('\nExample')[0]!
          .split('\n')
          .filter((l) => /^\s{2,}--/.test(l))
          .join('\n'),
      );
      expect(described).toEqual(optionsIn(command.usage));
    },
  );
});
