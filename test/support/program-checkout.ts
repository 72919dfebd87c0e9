/**
 * The setting of the CLI tests that drive a platform program against a real GitOps repository:
 * the program written once to a temporary directory (run with `node`, so the built `lib/` must
 * exist: `npm test` builds it), and before each test a fresh bare remote with a clone of it as the
 * checkout. Registers the jest hooks that make and remove them.
 *
 * @example
 * const run = useProgramCheckout(PROGRAM, 'addons');
 * test('…', async () => {
 *   await runCli(['publish'], { out: run.out, now: T0, app: run.app });
 * });
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Sandbox } from '../git/sandbox';

const ROOT = path.resolve(__dirname, '..', '..');

/** What a test works with: valid inside a test (each test gets its own remote and checkout). */
export interface ProgramCheckout {
  /** The `--app` command that runs the program. */
  readonly app: string;
  /** The remote and its clones. */
  readonly sandbox: Sandbox;
  /** The checkout the commands write (a clone of the remote, `ci`). */
  readonly out: string;
}

/** Writes `program` (JavaScript) for the tests of the file, and gives each test a new remote and checkout. */
export function useProgramCheckout(program: string, name: string): ProgramCheckout {
  let workDir: string | undefined;
  let app = '';
  let sandbox: Sandbox | undefined;
  let out = '';
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` (npm test does).');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-gitops-${name}-`));
    fs.writeFileSync(path.join(workDir, 'platform.js'), program);
    app = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(workDir, 'platform.js'))}`;
  });
  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sandbox = Sandbox.create();
    out = sandbox.clone('ci');
  });
  afterEach(() => sandbox?.cleanup());
  return {
    get app() {
      return app;
    },
    get sandbox() {
      if (sandbox === undefined) throw new Error('The checkout exists inside a test only.');
      return sandbox;
    },
    get out() {
      return out;
    },
  };
}
