/**
 * When Git checks out the LF files cdk8s-gitops writes with CRLF: `crlfCauseOf` against Git
 * itself, over the attributes and settings that decide it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { crlfCause, crlfCauseOf } from '../../src/workspace/git/line-ends';
import { Sandbox } from './sandbox';

const ATTRIBUTES = [
  '',
  '* text',
  '* text=auto',
  '* -text',
  '* binary',
  '* eol=crlf',
  '* eol=lf',
  '* text eol=crlf',
  '* -text eol=crlf',
  '* text=auto eol=crlf',
];
const AUTOCRLF = [undefined, 'true', 'yes', 'input', 'false'];
const EOL = [undefined, 'crlf', 'lf', 'native'];

describe('line ends Git converts on checkout', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(() => {
    sandbox = Sandbox.create({ 'values.yaml': 'a: 1\nb: 2\n' });
    dir = sandbox.clone('ci');
  });
  afterAll(() => sandbox.cleanup());

  /** Sets `key` in the clone's configuration, or removes it. */
  const setConfig = (key: string, value: string | undefined) => {
    if (value !== undefined) sandbox.git(dir, 'config', key, value);
    else if (sandbox.git(dir, 'config', '--local', '--list').includes(`${key}=`)) sandbox.git(dir, 'config', '--unset-all', key);
  };
  /** Whether Git wrote CRLF, by combination tried. */
  const seen: boolean[] = [];

  test.each(ATTRIBUTES.flatMap((a) => AUTOCRLF.flatMap((c) => EOL.map((e) => [a, c, e] as const))))(
    'attributes "%s", core.autocrlf=%s, core.eol=%s: a cause exactly when Git writes CRLF',
    (attributes, autocrlf, eol) => {
      fs.writeFileSync(path.join(dir, '.gitattributes'), attributes === '' ? '' : `${attributes}\n`);
      setConfig('core.autocrlf', autocrlf);
      setConfig('core.eol', eol);
      fs.rmSync(path.join(dir, 'values.yaml'));
      sandbox.git(dir, 'checkout', '--', 'values.yaml');
      const crlf = fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8').includes('\r\n');
      expect(crlfCauseOf(dir, 'values.yaml') !== undefined).toBe(crlf);
      seen.push(crlf);
    },
  );

  test('Git wrote CRLF under some of them, and LF under others', () => {
    expect(seen.filter((crlf) => crlf).length).toBeGreaterThan(50);
    expect(seen.filter((crlf) => !crlf).length).toBeGreaterThan(50);
  });

  test('the cause is named as it is set', () => {
    const settings = { autocrlf: 'false', eol: 'native' } as const;
    expect(crlfCause('unspecified', 'crlf', settings)).toBe('eol=crlf');
    expect(crlfCause('set', 'unspecified', { autocrlf: 'true', eol: 'native' })).toBe('core.autocrlf=true');
    expect(crlfCause('set', 'unspecified', { autocrlf: 'false', eol: 'crlf' })).toBe('core.eol=crlf');
    expect(crlfCause('unset', 'crlf', { autocrlf: 'true', eol: 'crlf' })).toBeUndefined();
  });

  test('outside a work tree of Git there is no cause', () => {
    expect(crlfCauseOf(path.join(dir, '.git'), 'config')).toBeUndefined();
    expect(crlfCauseOf(sandbox.root, 'values.yaml')).toBeUndefined();
  });
});
