/**
 * The README's table of commands, made from the commands' own usage lines and summaries, so
 * that help and the documentation cannot say different things (`npm run docs:commands` writes
 * it; a test compares).
 */
import type { Command } from './command';

/** The marker lines the table sits between in README.md. */
export const COMMAND_TABLE_START = "<!-- commands: written by `npm run docs:commands` from each command's usage -->";
export const COMMAND_TABLE_END = '<!-- end of commands -->';

/** The Markdown table of `commands`: each one's usage (without `cdk8s-gitops`) and summary. */
export function commandTable(commands: readonly Command[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    '| command | what it does |',
    '| --- | --- |',
    ...commands.map((c) => `| \`${cell(c.usage.replace(/^cdk8s-gitops /, ''))}\` | ${cell(c.summary)} |`),
  ].join('\n');
}

/** `readme` with the text between the markers replaced by `table`; throws when a marker is missing. */
export function withCommandTable(readme: string, table: string): string {
  const start = readme.indexOf(COMMAND_TABLE_START);
  const end = readme.indexOf(COMMAND_TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${COMMAND_TABLE_START} … ${COMMAND_TABLE_END} markers.`);
  return `${readme.slice(0, start + COMMAND_TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
