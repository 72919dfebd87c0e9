/**
 * Each command's usage line (from which `npm run docs:commands` writes the README's table)
 * names exactly the options the command accepts: an option the command parses but its usage
 * leaves out is one nobody can find, and one its usage names but it refuses is a lie.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandList, main } from '../../src/cli/main';

/** The `--options` a usage line names. */
function optionsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))].sort();
}

const COMMANDS = commandList();
/** Every option any command's usage names. */
const ALL = [...new Set(COMMANDS.flatMap((c) => optionsIn(c.usage)))].sort();

describe("the options a command's usage line names", () => {
  let work: string;
  let bad: string;
  beforeAll(() => {
    // A directory that is not empty (init refuses it) and a checkout path under a file (every other command refuses it).
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-options-'));
    fs.writeFileSync(path.join(work, 'file'), '');
    bad = path.join(work, 'file', 'checkout');
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /** The options `command` does not know, of those given, one at a time. */
  async function refused(command: string, options: readonly string[]): Promise<string[]> {
    const unknown: string[] = [];
    for (const option of options) {
      let stderr = '';
      const out = command === 'init' || option === '--out' ? [] : ['--out', bad];
      await main([command, `${option}=x`, ...out], {
        cwd: work,
        env: { PATH: process.env.PATH, NO_COLOR: '1' },
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
      });
      if (stderr.includes(`Unknown option ${option} for ${command}`)) unknown.push(option);
    }
    return unknown;
  }

  test.each(COMMANDS.map((c) => [c.name, c] as const))('%s accepts exactly the options its usage names', async (name, command) => {
    // WHEN every option of any usage line is given to the command
    const named = optionsIn(command.usage);
    const unknown = await refused(name, ALL);
    // THEN it refuses exactly those its usage does not name
    expect(unknown).toEqual(ALL.filter((o) => !named.includes(o)));
  });
});
