/**
 * The API reference: typedoc, run with the project's `typedoc.json` (every export documented,
 * warnings are errors), converts and validates the public API without writing any output.
 * An export without TSDoc, a broken `{@link}` or a referenced type that is not exported fails here.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const TYPEDOC = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
const TYPEDOC_TIMEOUT = 180_000;

describe('API documentation', () => {
  test(
    'typedoc validates every export without warnings',
    () => {
      // GIVEN the project's typedoc.json
      // WHEN typedoc converts and validates the API, emitting nothing
      const r = spawnSync(process.execPath, [TYPEDOC, '--options', 'typedoc.json', '--emit', 'none'], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        timeout: TYPEDOC_TIMEOUT - 10_000,
      });
      if (r.error) throw r.error;
      // eslint-disable-next-line no-control-regex -- strips terminal colour sequences
      const output = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');

      // THEN it exits 0 and reports no undocumented symbol and no warning
      expect(output).not.toMatch(/does not have any documentation/);
      expect(output).not.toMatch(/\[warning\]|\[error\]/);
      expect({ status: r.status, output }).toMatchObject({ status: 0 });
    },
    TYPEDOC_TIMEOUT,
  );
});
