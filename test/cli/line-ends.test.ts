/**
 * cdk8s-gitops writes LF line ends only. Where Git converts them to CRLF on checkout (an
 * `eol=crlf` attribute, a clone's `core.autocrlf=true`), every clone but the one that wrote the
 * files would hold other bytes than were written: `publish` refuses to commit under such a
 * conversion (CG522), and a command that finds files Git converted refuses to read on (CG427),
 * naming the cause and the fix, and writes nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { runCli } from '../support/cli';
import { ONE_SERVICE_PROGRAM, ONE_SERVICE_VALUES } from '../support/one-service-program';
import { cloneSnapshot } from '../support/replay';

const VALUES = ONE_SERVICE_VALUES;
const T0 = '2026-12-01T10:00:00Z';
const FIX_LINES = ['.cdk8s-gitops', 'applicationsets', 'bootstrap', 'environments', 'projects', 'releases']
  .map((d) => `/${d}/** -text\n`)
  .concat('/STATUS.md -text\n')
  .join('');

describe('line ends Git converts on checkout', () => {
  const checkout = useProgramCheckout(ONE_SERVICE_PROGRAM, 'line-ends');
  const run = (out: string, ...args: string[]) => runCli(args, { out, now: T0, app: checkout.app });
  /** Checks every file of the clone `dir` out again under its current settings, as the fix says. */
  const checkOutAgain = (dir: string) => {
    checkout.sandbox.git(dir, 'rm', '-r', '--cached', '--quiet', '.');
    checkout.sandbox.git(dir, 'reset', '--hard', '--quiet');
  };

  test('eol=crlf on the files it writes: publish commits nothing (CG522); with -text for them it publishes', async () => {
    const { sandbox, out } = checkout;
    const other = sandbox.clone('other');
    sandbox.pushChange(other, '.gitattributes', '* text eol=crlf\n', 'CRLF in the work tree');

    const refused = await run(out, 'publish', '--by', 'ci');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CG522 Git would commit or check out other bytes than cdk8s-gitops wrote for ');
    expect(refused.stderr).toContain('wrote for 10 file(s) in ');
    expect(refused.stderr).toContain('"STATUS.md" (eol=crlf)');
    expect(refused.stderr).toContain(
      'these lines at the end of the top `.gitattributes`: `/.cdk8s-gitops/** -text`, `/STATUS.md -text`, `/applicationsets/** -text`, `/bootstrap/** -text`, `/environments/** -text`, `/projects/** -text`, `/releases/** -text`.',
    );
    expect(sandbox.remoteLog()).toEqual(['CRLF in the work tree', 'Initial commit']);

    sandbox.pushChange(other, '.gitattributes', `* text eol=crlf\n${FIX_LINES}`, 'Not for the GitOps files');
    const published = await run(out, 'publish', '--by', 'ci');
    expect([published.code, published.stderr]).toEqual([0, '']);
    const fresh = sandbox.clone('fresh');
    expect(fs.readFileSync(path.join(fresh, VALUES), 'utf8')).not.toContain('\r');
    expect((await run(fresh, 'check')).code).toBe(0);
  });

  test('a clone whose files Git converted (eol=crlf pushed after a publish): every command refuses (CG427) and writes nothing; checked out again under -text, all is clean', async () => {
    const { sandbox, out } = checkout;
    expect((await run(out, 'publish', '--by', 'ci')).code).toBe(0);
    const other = sandbox.clone('other');
    sandbox.pushChange(other, '.gitattributes', '* text eol=crlf\n', 'CRLF in the work tree');
    const fresh = sandbox.clone('fresh');
    expect(fs.readFileSync(path.join(fresh, VALUES), 'utf8')).toContain('\r\n');
    const before = cloneSnapshot(sandbox, fresh);

    for (const command of [['plan'], ['synth'], ['check'], ['publish', '--by', 'ci']]) {
      const r = await run(fresh, ...command);
      expect([command, r.code]).toEqual([command, 1]);
      expect(r.stderr).toMatch(
        /CG427 \S+ has CRLF line ends where cdk8s-gitops wrote LF, which Git puts there when it checks the file out \(eol=crlf\)/,
      );
      expect(r.stderr).toContain('Unset the attribute for the files cdk8s-gitops writes with lines such as `/');
      expect(r.stderr).toContain('git rm -r --cached --quiet . && git reset --hard --quiet');
      expect(r.stderr).not.toContain('edited by hand');
    }
    expect(cloneSnapshot(sandbox, fresh)).toEqual(before);

    sandbox.pushChange(other, '.gitattributes', `* text eol=crlf\n${FIX_LINES}`, 'Not for the GitOps files');
    sandbox.git(fresh, 'pull', '--quiet', '--ff-only', 'origin', 'main');
    checkOutAgain(fresh);
    expect(fs.readFileSync(path.join(fresh, VALUES), 'utf8')).not.toContain('\r');
    const plan = await run(fresh, 'plan');
    expect([plan.code, plan.stderr]).toEqual([0, '']);
    expect(plan.stdout).not.toContain('edited by hand');
    expect((await run(fresh, 'check')).code).toBe(0);
  });

  test('core.autocrlf=true in a clone: the command names the setting and how to turn it off', async () => {
    const { sandbox, out } = checkout;
    expect((await run(out, 'publish', '--by', 'ci')).code).toBe(0);
    const fresh = sandbox.clone('fresh');
    sandbox.git(fresh, 'config', 'core.autocrlf', 'true');
    checkOutAgain(fresh);
    expect(fs.readFileSync(path.join(fresh, VALUES), 'utf8')).toContain('\r\n');
    const before = cloneSnapshot(sandbox, fresh);

    const refused = await run(fresh, 'synth');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('which Git puts there when it checks the file out (core.autocrlf=true)');
    expect(refused.stderr).toContain('Turn the conversion off in this clone (`git config core.autocrlf false`)');
    expect(cloneSnapshot(sandbox, fresh)).toEqual(before);

    sandbox.git(fresh, 'config', 'core.autocrlf', 'false');
    checkOutAgain(fresh);
    const synth = await run(fresh, 'synth');
    expect([synth.code, synth.stderr]).toEqual([0, '']);
    expect(sandbox.status(fresh)).toEqual([]);
  });

  test('a hand edit with CRLF where Git converts nothing is a hand edit, as before', async () => {
    const { sandbox, out } = checkout;
    expect((await run(out, 'publish', '--by', 'ci')).code).toBe(0);
    const file = path.join(out, VALUES);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    const plan = await run(out, 'plan');
    expect(plan.stderr).not.toContain('CG427');
    expect(plan.stdout).toContain(`${VALUES}  (platform/api/dev/aws/eu-01)  (edited by hand; synth puts it back)`);
    expect(sandbox.status(out)).toEqual([` M ${VALUES}`]);
  });
});
