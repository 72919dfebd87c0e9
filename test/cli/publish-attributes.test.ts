/**
 * `publish` commits the bytes synth wrote, or nothing: a `.gitattributes` that gives the files it
 * writes a filter driver the machine has (Git LFS's `filter=lfs` on a CI runner), which would
 * store other bytes than the files hold, is refused before anything is committed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { useProgramCheckout } from '../support/program-checkout';
import { runCli } from '../support/cli';
import { ONE_SERVICE_PROGRAM, ONE_SERVICE_VALUES } from '../support/one-service-program';

const VALUES = ONE_SERVICE_VALUES;

describe('publish and the attributes of the GitOps repository', () => {
  const checkout = useProgramCheckout(ONE_SERVICE_PROGRAM, 'publish-attributes');

  test('a filter driver on the files it writes is refused (CG522): nothing committed or pushed; with the lines of the fix, the bytes written are pushed', async () => {
    const { sandbox, out } = checkout;
    // The machine's Git has the driver (as `git lfs install` sets up filter.lfs); someone pushed the attributes.
    sandbox.git(out, 'config', 'filter.lfs.clean', 'tr a-z A-Z');
    const other = sandbox.clone('other');
    sandbox.pushChange(other, '.gitattributes', '*.yaml filter=lfs diff=lfs merge=lfs -text\n', 'Track YAML with LFS');
    sandbox.git(out, 'pull', '--quiet', '--ff-only', 'origin', 'main');
    const publish = () => runCli(['publish', '--by', 'ci'], { out, now: '2026-12-06T10:00:00Z', app: checkout.app });

    const refused = await publish();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CG522 Git would commit or check out other bytes than cdk8s-gitops wrote for ');
    expect(refused.stderr).toContain(`"${VALUES}" (filter=lfs)`);
    expect(refused.stderr).toContain(
      '`/applicationsets/** -filter`, `/bootstrap/** -filter`, `/environments/** -filter`, `/projects/** -filter`, `/releases/** -filter`.',
    );
    expect(sandbox.remoteLog()).toEqual(['Track YAML with LFS', 'Initial commit']);
    expect(sandbox.git(out, 'log', '--format=%s')).toBe('Track YAML with LFS\nInitial commit');
    expect(sandbox.git(out, 'diff', '--cached', '--name-only')).toBe('');

    // The fix: the lines it names, after the one that gave the attribute.
    const lines = ['applicationsets', 'bootstrap', 'environments', 'projects', 'releases'].map((d) => `/${d}/** -filter\n`).join('');
    sandbox.pushChange(other, '.gitattributes', `*.yaml filter=lfs diff=lfs merge=lfs -text\n${lines}`, 'Not for the GitOps files');
    const published = await publish();
    expect([published.code, published.stderr]).toEqual([0, '']);
    expect(sandbox.remoteFile(VALUES) + '\n').toBe(fs.readFileSync(path.join(out, VALUES), 'utf8'));
  });

  test('attributes pushed after a publish make git find the files changed: publish names the attribute (CG522), not changes in the way', async () => {
    const { sandbox, out } = checkout;
    sandbox.git(out, 'config', 'filter.lfs.clean', 'tr a-z A-Z');
    const publish = (...flags: string[]) =>
      runCli(['publish', '--by', 'ci', ...flags], { out, now: '2026-12-06T10:00:00Z', app: checkout.app });
    expect((await publish()).code).toBe(0);
    // Past Git's racy window, the index's record of each file's stat made anew (as any later git
    // command does): a file written in the same instant as the index would be compared by content.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    sandbox.git(out, 'update-index', '-q', '--refresh');
    const other = sandbox.clone('other');
    sandbox.pushChange(other, '.gitattributes', '*.yaml filter=lfs\n', 'Track YAML with LFS');
    sandbox.git(out, 'pull', '--quiet', '--ff-only', 'origin', 'main');
    // A file touched since (its bytes the same) is compared anew, as the filter's text of it: it looks changed.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(out, VALUES), later, later);
    expect(sandbox.status(out)).toEqual([` M ${VALUES}`]);
    const head = sandbox.git(out, 'rev-parse', 'HEAD');

    const refused = await publish();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CG522 Git would commit or check out other bytes than cdk8s-gitops wrote for ');
    expect(refused.stderr).not.toContain('CG502');
    expect(sandbox.git(out, 'rev-parse', 'HEAD')).toBe(head);
    expect(sandbox.remoteLog()[0]).toBe('Track YAML with LFS');
  });
});
