/** Writes the table of commands in README.md from the commands' own usage lines and summaries. */
import * as fs from 'fs';
import * as path from 'path';
import { commandTable, withCommandTable } from '../src/cli/command-table';
import { commandList } from '../src/cli/main';

const readme = path.join(__dirname, '..', 'README.md');
fs.writeFileSync(readme, withCommandTable(fs.readFileSync(readme, 'utf8'), commandTable(commandList())));
process.stdout.write(`Wrote the table of ${commandList().length} commands in README.md.\n`);
